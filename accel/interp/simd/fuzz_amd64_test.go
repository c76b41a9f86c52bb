//go:build linux

package simd

import (
	"encoding/binary"
	"testing"

	"gemu/accel/interp/simd/internal/ssehw"
)

// Differential fuzz targets, one per family: the fuzzer picks the
// instruction form, the operands, MXCSR and the general registers, and the
// host is the oracle.

func fuzzFamily(f *testing.F, family func(model) bool) {
	var ops []ssehw.Op
	for _, op := range ssehw.Ops {
		if m, ok := models[op.Name]; ok && family(m) {
			ops = append(ops, op)
		}
	}
	seed := func(i int, d, s []byte, mx uint32) {
		f.Add(uint16(i), d, s, mx, uint64(3), uint64(0x41), uint64(5))
	}
	one := make([]byte, 16)
	binary.LittleEndian.PutUint64(one, 0x3ff0000000000000)
	binary.LittleEndian.PutUint32(one[8:], 0x3f800000)
	den := []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}
	nan := []byte{0, 0, 0, 0, 0, 0, 0xf4, 0x7f, 0, 0, 0xa0, 0x7f, 0, 0, 0xc0, 0xff}
	for i := range ops {
		if i%7 == 0 {
			seed(i, one, den, MXCSRDefault)
			seed(i, nan, one, MXCSRDefault|DAZ|FTZ|RoundUp<<RCShift)
			seed(i, []byte("hello, world 123"), []byte("lo\x00"), 0x1f00)
		}
	}
	f.Fuzz(func(t *testing.T, idx uint16, d, s []byte, mx uint32, rax, rcx, rdx uint64) {
		op := ops[int(idx)%len(ops)]
		m := models[op.Name]
		var in ssehw.Frame
		copy(in.Dst[:], d)
		copy(in.Src[:], s)
		in.Mask = in.Src
		in.MXCSR = mx & 0xffff
		in.RAX, in.RCX, in.RDX = rax, rcx, rdx
		hw, sw := in, in
		hwFault := ssehw.Run(op.Fn, &hw)
		swFault := m.run(&sw, uint8(max(op.Imm, 0)))
		if msg := diff(m, hwFault, swFault, &hw, &sw); msg != "" {
			t.Errorf("%s imm %#x mxcsr %#x dst % x src % x rax %#x rcx %#x rdx %#x: %s", op.Name, op.Imm, in.MXCSR,
				in.Dst, in.Src, in.RAX, in.RCX, in.RDX, msg)
		}
	})
}

func FuzzSSEFloat(f *testing.F) {
	fuzzFamily(f, func(m model) bool { return m.operand == opF32 || m.operand == opF64 })
}

func FuzzSSEInteger(f *testing.F) {
	fuzzFamily(f, func(m model) bool { return m.operand == opInt })
}

func FuzzSSEString(f *testing.F) {
	fuzzFamily(f, func(m model) bool { return m.operand == opStr8 })
}
