package interp

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
	"gemu/accel/kvm"
	"gemu/accel/kvm/kvmtest"
	"gemu/hw/mem"
)

// runROMOn boots a 64 KiB ROM image at 0xffff0000 over 1 MiB of RAM on an
// accelerator and returns the port 0xe9 checkpoints and the final state.
func runROMOn(t *testing.T, a accel.Accelerator, rom []byte, skipInt3 bool) ([]uint64, accel.CPUState) {
	t.Helper()
	ram, err := mem.New(1<<20, []mem.Range{{Start: 0, Size: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer ram.Close()
	host, err := ram.AddROM("bios", 0xffff0000, 0x10000)
	if err != nil {
		t.Fatal(err)
	}
	copy(host, rom)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	if skipInt3 {
		io.in[0xe8] = 7 // no INT3, no ring-3 part
	}
	irq := accel.IRQChipUser
	if a.Name() == "kvm" {
		irq = accel.IRQChipKernel
	}
	vm, err := a.NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{{Name: "pdpe1gb", On: true}}}, IRQChip: irq})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	v, err := vm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	io.onWrite = func(port uint16) {
		if port == 0xf4 {
			v.Kick()
		}
	}
	for {
		exit, err := v.Run()
		if err != nil {
			t.Fatalf("%s: %v", a.Name(), err)
		}
		if exit.Reason == accel.ExitHalt || exit.Reason == accel.ExitKicked {
			break
		}
		{
			st, _ := v.State()
			t.Fatalf("%s: exit %v\n%s", a.Name(), exit.Reason, st.Dump())
		}
	}
	st, err := v.State()
	if err != nil {
		t.Fatal(err)
	}
	var out []uint64
	for _, w := range io.out {
		if w.port == 0xe9 {
			out = append(out, w.val)
		}
	}
	return out, st
}

// TestModesAgainstKVM runs the mode ROM on KVM and on the interpreter and
// compares the checkpoints and the architectural state at the end.
//
// On this kind of host (kvm_pvm) KVM emulates CPL0 code in software. Its
// emulator cannot run INT3 at CPL0, executes SYSRETQ without loading RIP
// from RCX (the SDM says RIP <- RCX), and a second SYSCALL from ring 3 did
// not enter ring 0. The interpreter follows the SDM (TestModesROM checks
// INT3, IRETQ to ring 3, SYSCALL and SYSRET), and this comparison stops the
// ROM before those parts: real, protected and long mode, paging, a page
// fault through the IDT and LTR are compared.
func TestModesAgainstKVM(t *testing.T) {
	kvmtest.Require(t)
	rom, err := os.ReadFile("testdata/modes.bin")
	if err != nil {
		t.Fatal(err)
	}
	k := kvm.New(kvm.Options{})
	if err := k.Available(); err != nil {
		t.Skipf("KVM unavailable: %v", err)
	}
	kout, kst := runROMOn(t, k, rom, true)
	iout, ist := runROMOn(t, Accelerator{}, rom, true)
	if diff := cmp.Diff(kout, iout); diff != "" {
		t.Errorf("checkpoints differ (-kvm +interp):\n%s", diff)
	}
	type regs struct {
		GPR                 [16]uint64
		RIP, RFLAGS         uint64
		CR0, CR2, CR3, CR4  uint64
		EFER                uint64
		GDT, IDT            accel.DTable
		CSSel, SSSel, TRSel uint16
		CSL, CSDB           bool
		CSDPL, SSDPL        uint8
		TRBase              uint64
		TRLimit             uint32
	}
	pick := func(s accel.CPUState) regs {
		return regs{GPR: s.GPR, RIP: s.RIP, RFLAGS: s.RFLAGS, CR0: s.CR0, CR2: s.CR2, CR3: s.CR3, CR4: s.CR4,
			EFER: s.EFER, GDT: s.GDT, IDT: s.IDT, CSSel: s.CS.Selector, SSSel: s.SS.Selector, TRSel: s.TR.Selector,
			CSL: s.CS.L, CSDB: s.CS.DB, CSDPL: s.CS.DPL, SSDPL: s.SS.DPL, TRBase: s.TR.Base, TRLimit: s.TR.Limit}
	}
	if diff := cmp.Diff(pick(kst), pick(ist)); diff != "" {
		t.Errorf("final state differs (-kvm +interp):\n%s\nKVM:\n%s\ninterp:\n%s", diff, kst.Dump(), ist.Dump())
	}
}
