package simd

import (
	"math/rand/v2"
	"testing"
)

// The fast paths must agree with the general implementation wherever they
// accept an operation.
func TestFastPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	taken := 0
	for i := 0; i < 200000; i++ {
		mx := MXCSRDefault | uint32(r.IntN(4))<<RCShift
		a := uint64(r.IntN(2))<<63 | uint64(1023-70+r.IntN(140))<<52 | r.Uint64()&(1<<52-1)>>uint(r.IntN(53))
		b := uint64(r.IntN(2))<<63 | uint64(1023-70+r.IntN(140))<<52 | r.Uint64()&(1<<52-1)>>uint(r.IntN(53))
		if r.IntN(4) == 0 {
			b = b&^(0x7ff<<52) | a&(0x7ff<<52) // cancellation
		}
		for op := opAdd; op <= opDiv; op++ {
			got, gf, ok := fastBin64(a, b, op, mx)
			if !ok {
				continue
			}
			taken++
			var want uint64
			var wf uint32
			switch op {
			case opAdd:
				want, wf = f64.add(a, b, false, mx)
			case opSub:
				want, wf = f64.add(a, b, true, mx)
			case opMul:
				want, wf = f64.mul(a, b, mx)
			case opDiv:
				want, wf = f64.div(a, b, mx)
			}
			if got != want || gf != wf {
				t.Fatalf("op %d %#x %#x mxcsr %#x: fast %#x/%#x, general %#x/%#x", op, a, b, mx, got, gf, want, wf)
			}
		}
		if got, gf, ok := fastSqrt64(a&^(1<<63), mx); ok {
			if want, wf := f64.sqrt(a&^(1<<63), mx); got != want || gf != wf {
				t.Fatalf("sqrt %#x mxcsr %#x: fast %#x/%#x, general %#x/%#x", a, mx, got, gf, want, wf)
			}
		}
		a32, b32 := uint32(a>>32), uint32(b>>32)
		for op := opAdd; op <= opDiv; op++ {
			got, gf, ok := fastBin32(a32, b32, op, mx)
			if !ok {
				continue
			}
			var want uint64
			var wf uint32
			switch op {
			case opAdd:
				want, wf = f32.add(uint64(a32), uint64(b32), false, mx)
			case opSub:
				want, wf = f32.add(uint64(a32), uint64(b32), true, mx)
			case opMul:
				want, wf = f32.mul(uint64(a32), uint64(b32), mx)
			case opDiv:
				want, wf = f32.div(uint64(a32), uint64(b32), mx)
			}
			if uint64(got) != want || gf != wf {
				t.Fatalf("op32 %d %#x %#x mxcsr %#x: fast %#x/%#x, general %#x/%#x", op, a32, b32, mx, got, gf, want, wf)
			}
		}
		if got, gf, ok := fastSqrt32(a32&^(1<<31), mx); ok {
			if want, wf := f32.sqrt(uint64(a32&^(1<<31)), mx); uint64(got) != want || gf != wf {
				t.Fatalf("sqrt32 %#x mxcsr %#x: fast %#x/%#x, general %#x/%#x", a32, mx, got, gf, want, wf)
			}
		}
	}
	if taken == 0 {
		t.Fatal("the fast paths never applied")
	}
}
