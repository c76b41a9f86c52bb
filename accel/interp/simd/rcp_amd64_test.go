//go:build linux

package simd

import (
	"flag"
	"testing"

	"gemu/accel/interp/simd/internal/ssehw"
)

var rcpAll = flag.Bool("sse.rcpall", false, "check RCPPS and RSQRTPS on all 2^32 inputs")

// TestHostRcpTables checks the approximation tables against the host over
// every fraction for several exponents, every exponent and sign for
// several fractions, and with -sse.rcpall every input.
func TestHostRcpTables(t *testing.T) {
	const chunk = 1 << 20
	in := make([]uint32, chunk)
	hw := make([]uint32, chunk)
	check := func(name string, model func(uint32) uint32) {
		bad := 0
		for i, v := range in {
			if m := model(v); m != hw[i] {
				bad++
				if bad <= 5 {
					t.Errorf("%s(%#x) = %#x, host %#x", name, v, m, hw[i])
				}
			}
		}
	}
	run := func(fill func(i int) uint32, n int) int {
		done := 0
		for base := 0; base < n; base += chunk {
			for i := range in {
				in[i] = fill(base + i)
			}
			ssehw.RcpPSBatch(in, hw)
			check("rcp", rcp32)
			ssehw.RsqrtPSBatch(in, hw)
			check("rsqrt", rsqrt32)
			done += chunk
		}
		return done
	}
	n := 0
	for _, e := range []uint32{1, 0x7e, 0x7f, 0x80, 0xfd} {
		n += run(func(i int) uint32 { return e<<23 | uint32(i)&(1<<23-1) | uint32(i>>23)<<31 }, 1<<24)
	}
	n += run(func(i int) uint32 { return uint32(i)<<12 | uint32(i)&0xfff }, 1<<20)
	if *rcpAll {
		n += run(func(i int) uint32 { return uint32(i) }, 1<<32)
	}
	t.Logf("%d inputs checked for each of RCPPS and RSQRTPS", n)
}
