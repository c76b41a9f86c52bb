package kvm

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
	"gemu/accel/kvm/kvmtest"
)

// A state without an XSAVE image (as the machine builds for a direct
// kernel boot, or as another accelerator saves it) still sets the x87 and
// SSE registers: KVM_SET_FPU alone is not enough where the kernel restores
// from XSAVE.
func TestSetStateFPUWithoutXSave(t *testing.T) {
	kvmtest.Require(t)
	ram := newRAM(t, 1<<20, farJump)
	defer ram.Close()
	m := &testMachine{ram: ram, io: newTestIO()}
	m.vm = m.newVM(t, accel.VMOptions{IRQChip: accel.IRQChipUser})
	defer m.vm.Close()
	onThread(func() {
		c, err := m.vm.NewVCPU(0)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		s := accel.ResetState(0)
		s.FPU.FCW = 0x27b
		s.FPU.FSW = 0x3800 // TOP 7
		s.FPU.FTW = 0x80
		s.FPU.ST[0] = accel.Float80{Mant: 0xc90fdaa22168c235, SignExp: 0x4000}
		s.FPU.MXCSR = 0x1d80
		for i := range s.FPU.XMM {
			for j := range s.FPU.XMM[i] {
				s.FPU.XMM[i][j] = byte(i*16 + j)
			}
		}
		if err := c.SetState(s); err != nil {
			t.Error(err)
			return
		}
		got, err := c.State()
		if err != nil {
			t.Error(err)
			return
		}
		want := s.FPU
		got.FPU.FOP, got.FPU.FIP, got.FPU.FDP = 0, 0, 0
		if d := cmp.Diff(want, got.FPU); d != "" {
			t.Errorf("FPU state after SetState (-set +got):\n%s", d)
		}
	})
}
