package kvmcompare

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
	"gemu/accel/interp"
	"gemu/accel/kvm"
	"gemu/accel/kvm/kvmtest"
	"gemu/hw/mem"
)

// testIO records port writes and answers port reads from a table.
type testIO struct {
	onWrite func(port uint16)
	mu      sync.Mutex
	out     []portWrite
	in      map[uint16]uint32
}

type portWrite struct {
	port uint64
	size int
	val  uint64
}

func (t *testIO) PortRead(port uint16, size int) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.in[port]
}

func (t *testIO) PortWrite(port uint16, size int, val uint32) {
	t.mu.Lock()
	t.out = append(t.out, portWrite{uint64(port), size, uint64(val)})
	t.mu.Unlock()
	if t.onWrite != nil {
		t.onWrite(port)
	}
}

func (t *testIO) MMIORead(addr uint64, size int) uint64 { return ^uint64(0) >> (64 - 8*size) }

func (t *testIO) MMIOWrite(addr uint64, size int, val uint64) {}

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
	io := &testIO{in: map[uint16]uint32{}}
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
	rom, err := os.ReadFile("../testdata/modes.bin")
	if err != nil {
		t.Fatal(err)
	}
	k := kvm.New(kvm.Options{})
	if err := k.Available(); err != nil {
		t.Skipf("KVM unavailable: %v", err)
	}
	kout, kst := runROMOn(t, k, rom, true)
	iout, ist := runROMOn(t, interp.Accelerator{}, rom, true)
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

// TestSnapshotToKVM moves a long-mode state from the interpreter to KVM:
// the interpreter boots the mode ROM to ring 0 in 64-bit mode, the RAM and
// the CPUState go to a KVM VM, and KVM continues at a snippet that reports
// registers the interpreter set up.
func TestSnapshotToKVM(t *testing.T) {
	kvmtest.Require(t)
	k := kvm.New(kvm.Options{})
	if err := k.Available(); err != nil {
		t.Skipf("KVM unavailable: %v", err)
	}
	rom, err := os.ReadFile("../testdata/modes.bin")
	if err != nil {
		t.Fatal(err)
	}
	// Interpreter side: stop before ring 3 (port 0xe8 bit 2).
	ram := mem.NewForTest(1 << 20)
	host, _ := ram.AddROM("bios", 0xffff0000, 0x10000)
	copy(host, rom)
	io := &testIO{in: map[uint16]uint32{0xe8: 7}}
	vm, err := interp.NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: "qemu64"}, IRQChip: accel.IRQChipUser})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := vm.NewVCPU(0)
	if exit, err := v.Run(); err != nil || exit.Reason != accel.ExitHalt {
		t.Fatalf("interpreter: exit %v, %v", exit, err)
	}
	st, _ := v.State()
	// Snippet at 0x50000: out 0xe9 with RSI, CR3 and the TR base; then stop.
	snippet := []byte{
		0x89, 0xf0, 0xe7, 0xe9, // mov eax, esi; out 0xe9, eax
		0x0f, 0x20, 0xd8, 0xe7, 0xe9, // mov rax, cr3; out 0xe9, eax
		0x0f, 0x00, 0xc8, 0xe7, 0xe9, // str eax; out 0xe9, eax
		0xe6, 0xf4, 0xfa, 0xf4, // out 0xf4, al; cli; hlt
	}
	ram.WriteAt(snippet, 0x50000)
	st.RIP = 0x50000
	st.GPR[accel.RSI] = 0x5eed
	if st.MPState != accel.MPHalted {
		t.Errorf("MP state %d after HLT, want halted", st.MPState)
	}
	st.MPState = accel.MPRunnable // resume at the snippet
	// KVM side: the same RAM contents and ROM.
	kram, err := mem.New(1<<20, []mem.Range{{Start: 0, Size: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer kram.Close()
	buf := make([]byte, 1<<20)
	ram.ReadAt(buf, 0)
	kram.WriteAt(buf, 0)
	khost, _ := kram.AddROM("bios", 0xffff0000, 0x10000)
	copy(khost, rom)
	kio := &testIO{in: map[uint16]uint32{}}
	kvm, err := k.NewVM(kram, kio, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: "qemu64"}, IRQChip: accel.IRQChipKernel})
	if err != nil {
		t.Fatal(err)
	}
	defer kvm.Close()
	kv, err := kvm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	st.APICBase = 0xfee00900
	st.LAPIC = nil
	if err := kv.SetState(st); err != nil {
		t.Fatalf("KVM refused the interpreter's state: %v", err)
	}
	stopped := false
	kio.onWrite = func(port uint16) {
		if port == 0xf4 {
			stopped = true
			kv.Kick()
		}
	}
	timer := time.AfterFunc(10*time.Second, kv.Kick)
	defer timer.Stop()
	exit, err := kv.Run()
	if err != nil || !stopped {
		kst, _ := kv.State()
		t.Fatalf("KVM: exit %v, %v, reached the end of the snippet: %v\n%s", exit, err, stopped, kst.Dump())
	}
	if exit.Reason != accel.ExitKicked && exit.Reason != accel.ExitHalt {
		kst, _ := kv.State()
		t.Fatalf("KVM: exit %v, %v\n%s", exit, err, kst.Dump())
	}
	var got []uint64
	for _, w := range kio.out {
		if w.port == 0xe9 {
			got = append(got, w.val)
		}
	}
	want := []uint64{0x5eed, st.CR3 & 0xffffffff, 0x40}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("KVM after the snapshot (-want +got):\n%s", diff)
	}
}
