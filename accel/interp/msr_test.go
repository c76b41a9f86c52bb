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
