package interp

import (
	"testing"

	"gemu/accel"
)

// TestSSE4A: EXTRQ, INSERTQ, MOVNTSS and MOVNTSD on qemu64, with results
// worked out from the AMD APM vol. 4 descriptions.
func TestSSE4A(t *testing.T) {
	const (
		lo = 0x0123456789abcdef // xmm0[63:0]
		hi = 0x1111111111111111 // xmm0[127:64], kept
	)
	prologue := []byte{
		0x66, 0x48, 0x0f, 0x6e, 0xc0, // movq xmm0, rax
		0x66, 0x48, 0x0f, 0x6e, 0xd2, // movq xmm2, rdx
		0x0f, 0x16, 0xc2, // movlhps xmm0, xmm2
		0x66, 0x48, 0x0f, 0x6e, 0xc9, // movq xmm1, rcx
		0x66, 0x48, 0x0f, 0x6e, 0xde, // movq xmm3, rsi
		0x0f, 0x16, 0xcb, // movlhps xmm1, xmm3
	}
	epilogue := []byte{0xf3, 0x0f, 0x7f, 0x03, 0xf4} // movdqu [rbx], xmm0; hlt
	for _, tc := range []struct {
		name     string
		op       []byte
		rcx, rsi uint64 // xmm1 low and high quadwords
		want     uint64 // xmm0[63:0] after the operation
	}{
		{"extrq imm len 8 index 4", []byte{0x66, 0x0f, 0x78, 0xc0, 0x08, 0x04}, 0, 0, 0xde},
		{"extrq imm len 0 is 64", []byte{0x66, 0x0f, 0x78, 0xc0, 0x00, 0x00}, 0, 0, lo},
		{"extrq imm index 60 len 4", []byte{0x66, 0x0f, 0x78, 0xc0, 0x04, 0x3c}, 0, 0, 0x0},
		{"extrq imm fields are 6 bits", []byte{0x66, 0x0f, 0x78, 0xc0, 0xc8, 0x44}, 0, 0, 0xde},
		{"extrq reg len 16 index 12", []byte{0x66, 0x0f, 0x79, 0xc1}, 0xffff_ffff_0000_0c10, 0, 0x9abc},
		{"insertq imm len 8 index 16", []byte{0xf2, 0x0f, 0x78, 0xc1, 0x08, 0x10}, 0x1255, 0, 0x012345678955cdef},
		{"insertq imm len 0 is 64", []byte{0xf2, 0x0f, 0x78, 0xc1, 0x00, 0x00}, 0xfedcba9876543210, 0, 0xfedcba9876543210},
		{"insertq reg len 8 index 32", []byte{0xf2, 0x0f, 0x79, 0xc1}, 0x33aa, 0x2008, 0x012345aa89abcdef},
		{"insertq reg len 12 index 52", []byte{0xf2, 0x0f, 0x79, 0xc1}, 0xfff, 0x340c, 0xfff3456789abcdef},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			code := append(append(append([]byte{}, prologue...), tc.op...), epilogue...)
			m.run64(code, func(s *accel.CPUState) {
				s.GPR[accel.RAX], s.GPR[accel.RDX] = lo, hi
				s.GPR[accel.RCX], s.GPR[accel.RSI] = tc.rcx, tc.rsi
				s.GPR[accel.RBX] = tData
			})
			if got, gotHi := m.get64(tData), m.get64(tData+8); got != tc.want || gotHi != hi {
				t.Errorf("xmm0 = %#016x:%#016x, want %#016x:%#016x", gotHi, got, uint64(hi), tc.want)
			}
		})
	}
	t.Run("movntss movntsd", func(t *testing.T) {
		m := newTMachine(t, 4<<20, "qemu64")
		m.put64(tData+0x10, ^uint64(0))
		m.put64(tData+0x20, ^uint64(0))
		code := append(append([]byte{}, prologue...),
			0xf2, 0x0f, 0x2b, 0x43, 0x10, // movntsd [rbx+0x10], xmm0
			0xf3, 0x0f, 0x2b, 0x43, 0x20, // movntss [rbx+0x20], xmm0
			0xf4)
		m.run64(code, func(s *accel.CPUState) {
			s.GPR[accel.RAX], s.GPR[accel.RDX] = lo, hi
			s.GPR[accel.RBX] = tData
		})
		if a, b := m.get64(tData+0x10), m.get64(tData+0x20); a != lo || b != 0xffffffff89abcdef {
			t.Errorf("movntsd stored %#x, movntss %#x", a, b)
		}
	})
}

// TestSSE4ADecode: the SSE4A encodings decode only when the model offers
// SSE4A, the register forms only with register operands, and EXTRQ's
// immediate form only with ModRM.reg 0.
func TestSSE4ADecode(t *testing.T) {
	for _, tc := range []struct {
		b    []byte
		feat uint64
		want decodeStatus
		len  int
	}{
		{[]byte{0x66, 0x0f, 0x78, 0xc0, 1, 2}, featSSE4A | featSSE, decOK, 6},
		{[]byte{0xf2, 0x0f, 0x78, 0xc1, 1, 2}, featSSE4A | featSSE, decOK, 6},
		{[]byte{0x66, 0x0f, 0x79, 0xc1}, featSSE4A | featSSE, decOK, 4},
		{[]byte{0xf2, 0x0f, 0x79, 0xc1}, featSSE4A | featSSE, decOK, 4},
		{[]byte{0xf2, 0x0f, 0x2b, 0x03}, featSSE4A | featSSE, decOK, 4},
		{[]byte{0x66, 0x0f, 0x78, 0xc8, 1, 2}, featSSE4A | featSSE, decUD, 0}, // /1
		{[]byte{0x66, 0x0f, 0x79, 0x01}, featSSE4A | featSSE, decUD, 0},       // memory operand
		{[]byte{0x0f, 0x78, 0xc1}, featSSE4A | featSSE, decUD, 0},             // VMREAD
		{[]byte{0xf3, 0x0f, 0x78, 0xc1, 1, 2}, featSSE4A | featSSE, decUD, 0},
		{[]byte{0x66, 0x0f, 0x78, 0xc0, 1, 2}, featSSE, decUD, 0},
		{[]byte{0xf2, 0x0f, 0x79, 0xc1}, featSSE, decUD, 0},
		{[]byte{0xf3, 0x0f, 0x2b, 0x03}, featSSE, decUD, 0},
		{[]byte{0x0f, 0x2b, 0x03}, featSSE, decOK, 3}, // MOVNTPS
	} {
		var d decoder
		d.mode = mode64
		d.feat = tc.feat
		d.buf = tc.b
		var in inst
		st := decode(&d, &in, 0)
		if st != tc.want || st == decOK && int(in.len) != tc.len {
			t.Errorf("% x: status %d length %d, want %d %d", tc.b, st, in.len, tc.want, tc.len)
		}
	}
}

// TestQEMU64Complete: every feature of the default model is implemented
// (QEMU's TCG prints no warning for it either), SSE4A included.
func TestQEMU64Complete(t *testing.T) {
	_, warns, err := resolveModel(accel.CPUModel{Name: "qemu64"})
	if err != nil || len(warns) != 0 {
		t.Errorf("qemu64: %v %q", err, warns)
	}
	if _, _, c, _ := cpuidOf(t, accel.CPUModel{Name: "qemu64"}, 0x80000001, 0); c&(1<<6) == 0 {
		t.Errorf("qemu64 leaf 0x80000001 ecx %#x: want SSE4A", c)
	}
}
