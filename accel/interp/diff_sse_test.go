package interp

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// SSE differential family: XMM registers and MXCSR are loaded from the
// scratch area before the random instructions and stored back after them,
// so the memory comparison covers them. Exceptions stay masked (an
// unmasked one would fault natively).

// sseOp is one XMM-to-XMM instruction form: mandatory prefix (0, 0x66,
// 0xf3, 0xf2), opcode bytes after 0F, immediate, memory operand size and
// alignment.
type sseOp struct {
	pfx   byte
	opc   []byte
	imm   bool
	msize int // 16 aligned, 8 or 4 unaligned, 0 register only
}

var sseOps = func() []sseOp {
	var ops []sseOp
	add := func(pfx byte, msize int, imm bool, opcs ...[]byte) {
		for _, o := range opcs {
			ops = append(ops, sseOp{pfx, o, imm, msize})
		}
	}
	b := func(v ...byte) []byte { return v }
	// Floating point, packed and scalar.
	for _, op := range []byte{0x51, 0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f} {
		add(0, 16, false, b(op))
		add(0x66, 16, false, b(op))
		add(0xf3, 4, false, b(op))
		add(0xf2, 8, false, b(op))
	}
	add(0, 8, false, b(0x5a))
	add(0x66, 16, false, b(0x5a), b(0x5b), b(0xe6), b(0x7c), b(0x7d), b(0xd0))
	add(0xf3, 4, false, b(0x5a))
	add(0xf2, 8, false, b(0x5a))
	add(0, 16, false, b(0x5b), b(0x14), b(0x15), b(0x54), b(0x55), b(0x56), b(0x57), b(0x52), b(0x53))
	add(0xf3, 16, false, b(0x5b))
	add(0xf2, 16, false, b(0xe6), b(0x7c), b(0x7d), b(0xd0))
	add(0xf3, 8, false, b(0xe6))
	add(0, 16, true, b(0xc2), b(0xc6))
	add(0x66, 16, true, b(0xc2), b(0xc6), b(0x70))
	add(0xf3, 4, true, b(0xc2))
	add(0xf2, 8, true, b(0xc2))
	add(0xf3, 16, true, b(0x70))
	add(0xf2, 16, true, b(0x70))
	// Integer.
	for op := 0x60; op <= 0x6d; op++ {
		add(0x66, 16, false, b(byte(op)))
	}
	for _, op := range []byte{0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
		0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
		0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0x6f, 0x28, 0x10} {
		add(0x66, 16, false, b(op))
	}
	add(0xf3, 16, false, b(0x6f), b(0x12), b(0x16))
	add(0xf2, 8, false, b(0x12))
	for _, op := range []byte{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x14, 0x15,
		0x1c, 0x1d, 0x1e, 0x28, 0x29, 0x2b, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41} {
		add(0x66, 16, false, b(0x38, op))
	}
	for _, op := range []byte{0x20, 0x23, 0x25, 0x30, 0x33, 0x35} {
		add(0x66, 8, false, b(0x38, op))
	}
	for _, op := range []byte{0x08, 0x09, 0x0c, 0x0d, 0x0e, 0x0f, 0x40, 0x41, 0x42, 0x60, 0x61, 0x62, 0x63} {
		add(0x66, 16, true, b(0x3a, op))
	}
	add(0x66, 4, true, b(0x3a, 0x0a), b(0x3a, 0x21))
	add(0x66, 8, true, b(0x3a, 0x0b))
	return ops
}()

const (
	sseIn    = 0x2000 // 16 XMM registers in
	sseMXIn  = 0x2100 // MXCSR in
	sseOut   = 0x3000 // 16 XMM registers out
	sseMXOut = 0x3100 // MXCSR out
	sseMXDef = 0x3104 // 0x1f80, to restore the host's MXCSR
)

// sseSeq builds one SSE sequence around random instructions.
func sseSeq(r *rand.Rand, data []byte) []byte {
	var b []byte
	mx := uint32(0x1f80) | uint32(r.IntN(4))<<13 | uint32(r.IntN(64))
	if r.IntN(4) == 0 {
		mx |= 1 << 6 // DAZ
	}
	if r.IntN(4) == 0 {
		mx |= 1 << 15 // FTZ
	}
	binary.LittleEndian.PutUint32(data[sseMXIn:], mx)
	binary.LittleEndian.PutUint32(data[sseMXDef:], 0x1f80)
	// Interesting lane values: NaNs, infinities, zeros, denormals.
	for i := 0; i < 16*16; i += 4 {
		switch r.IntN(8) {
		case 0:
			binary.LittleEndian.PutUint32(data[sseIn+i:], []uint32{0x7fc00000, 0xff800000, 0x80000000, 0x00000001, 0x7f800001, 0x3f800000}[r.IntN(6)])
		}
	}
	ld := func(op byte, x int, disp int) {
		b = append(b, 0xf3)
		if x >= 8 {
			b = append(b, 0x44)
		}
		b = append(b, 0x0f, op, 0x83|byte(x&7)<<3)
		b = binary.LittleEndian.AppendUint32(b, uint32(disp))
	}
	b = append(b, 0x0f, 0xae, 0x93)
	b = binary.LittleEndian.AppendUint32(b, sseMXIn) // ldmxcsr
	for x := 0; x < 16; x++ {
		ld(0x6f, x, sseIn+16*x) // movdqu xmm, [rbx+...]
	}
	for n := 1 + r.IntN(6); n > 0; n-- {
		op := sseOps[r.IntN(len(sseOps))]
		if op.pfx != 0 {
			b = append(b, op.pfx)
		}
		dst, src := r.IntN(16), r.IntN(16)
		mem := op.msize != 0 && r.IntN(3) == 0
		rex := byte(0)
		if dst >= 8 {
			rex |= 4
		}
		if !mem && src >= 8 {
			rex |= 1
		}
		if rex != 0 {
			b = append(b, 0x40|rex)
		}
		b = append(b, 0x0f)
		b = append(b, op.opc...)
		if mem {
			disp := 0x400 + 16*r.IntN(64)
			if op.msize < 16 {
				disp += r.IntN(16 - op.msize)
			}
			b = append(b, 0x83|byte(dst&7)<<3)
			b = binary.LittleEndian.AppendUint32(b, uint32(disp))
		} else {
			b = append(b, 0xc0|byte(dst&7)<<3|byte(src&7))
		}
		if op.imm {
			b = append(b, byte(r.Uint32()))
		}
	}
	for x := 0; x < 16; x++ {
		ld(0x7f, x, sseOut+16*x) // movdqu [rbx+...], xmm
	}
	b = append(b, 0x0f, 0xae, 0x9b)
	b = binary.LittleEndian.AppendUint32(b, sseMXOut) // stmxcsr
	b = append(b, 0x0f, 0xae, 0x93)
	b = binary.LittleEndian.AppendUint32(b, sseMXDef) // ldmxcsr default
	return b
}

// sseFamily: XMM sequences, compared through the registers and MXCSR
// they store.
var sseFamily = &diffFamily{name: "sse", build: func(r *rand.Rand, g *gen, data []byte) {
	g.b = append(g.b, sseSeq(r, data)...)
}, scratch: sseMXDef + 4}

func TestHostDifferentialSSE(t *testing.T) {
	e := newDiffEnv(t)
	defer e.host.Close()
	r := rand.New(rand.NewPCG(*diffSeed, 100))
	run := e.runFamily(t, sseFamily, r, diffCount(4**diffN))
	t.Logf("sse: %d sequences agree, %d mismatches", run.ok, run.fails)
}
