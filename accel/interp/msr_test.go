package interp

import (
	"testing"

	"gemu/accel"
)

// TestSysCfgMSR: AMD's SYSCFG (0xc0010010) reads 0 and discards writes, as
// QEMU's TCG answers it, so that Linux's MTRR code reads it without a
// fault on AMD models.
func TestSysCfgMSR(t *testing.T) {
	for _, model := range []string{"qemu64", "max"} {
		m := newTMachine(t, 4<<20, model)
		code := []byte{
			0xb9, 0x10, 0x00, 0x01, 0xc0, // mov ecx, 0xc0010010
			0xb8, 0xff, 0xff, 0xff, 0xff, // mov eax, -1
			0x0f, 0x32, // rdmsr
			0x49, 0x89, 0xc0, // mov r8, rax
			0x49, 0x89, 0xd1, // mov r9, rdx
			0xb8, 0x00, 0x00, 0x7f, 0x00, // mov eax, 0x7f0000 (MTRR bits)
			0xba, 0x01, 0x00, 0x00, 0x00, // mov edx, 1
			0x0f, 0x30, // wrmsr
			0x0f, 0x32, // rdmsr
			0xf4,
		}
		st := m.run64(code, nil)
		if st.GPR[accel.R8] != 0 || st.GPR[accel.R9] != 0 || st.GPR[accel.RAX] != 0 || st.GPR[accel.RDX] != 0 {
			t.Errorf("%s: SYSCFG read %#x:%#x, after the write %#x:%#x; want 0", model,
				st.GPR[accel.R9], st.GPR[accel.R8], st.GPR[accel.RDX], st.GPR[accel.RAX])
		}
	}
}

// TestAMDMSRRange: with an AMD vendor (qemu64), AMD's model-specific MSRs
// (INT_PENDING_MSG, which Linux reads on family 0Fh, HWCR, ...) read 0 and
// discard writes, as QEMU's TCG answers them; with an Intel vendor they
// do not exist (#GP, through the #GP handler that stores 0xdead in r8).
func TestAMDMSRRange(t *testing.T) {
	for _, tc := range []struct {
		model string
		msr   uint32
		want  uint64
	}{
		{"qemu64", 0xc0010055, 0},
		{"qemu64", 0xc0010015, 0},
		{"qemu64", 0xc0011029, 0},
		{"max", 0xc0010055, 0xdead},
		{"qemu64", 0xc0012000, 0xdead},
	} {
		m := newTMachine(t, 4<<20, tc.model)
		const handler = tCode + 0x800
		// #GP: r8 = 0xdead, rax = 0, skip the 2-byte WRMSR or RDMSR, return.
		m.poke(handler, []byte{0x41, 0xb8, 0xad, 0xde, 0, 0, 0x31, 0xc0, 0x48, 0x83, 0x44, 0x24, 0x08, 0x02, 0x48, 0x83, 0xc4, 0x08, 0x48, 0xcf})
		m.idtGate64Attr(excGP, handler, 0x8e)
		code := []byte{0xb9, byte(tc.msr), byte(tc.msr >> 8), byte(tc.msr >> 16), byte(tc.msr >> 24), // mov ecx, msr
			0x0f, 0x30, // wrmsr (rax, rdx from the state)
			0x0f, 0x32, // rdmsr
			0x49, 0x09, 0xc0, // or r8, rax
			0xf4}
		st := m.run64(code, func(s *accel.CPUState) { s.GPR[accel.RAX], s.GPR[accel.RDX] = 0x1234, 0x5678 })
		if st.GPR[accel.R8] != tc.want {
			t.Errorf("%s MSR %#x: r8 = %#x, want %#x", tc.model, tc.msr, st.GPR[accel.R8], tc.want)
		}
	}
}
