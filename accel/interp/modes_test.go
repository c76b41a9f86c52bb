package interp

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
	"gemu/hw/mem"
)

// romMachine is a test machine with RAM at 0 and a 64 KiB ROM at the top of
// the 4 GiB space, started from the reset vector.
func romMachine(t *testing.T, rom string, model string) *tmachine {
	t.Helper()
	img, err := os.ReadFile(rom)
	if err != nil {
		t.Fatal(err)
	}
	ram := mem.NewForTest(1 << 20)
	host, err := ram.AddROM("bios", 0xffff0000, 0x10000)
	if err != nil {
		t.Fatal(err)
	}
	copy(host, img)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: model}, IRQChip: accel.IRQChipUser})
	if err != nil {
		t.Fatal(err)
	}
	v, err := vm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	return &tmachine{t: t, ram: ram, io: io, vm: vm, cpu: v.(*VCPU)}
}

func (m *tmachine) outputs(port uint64) []uint64 {
	var out []uint64
	for _, w := range m.io.out {
		if w.port == port {
			out = append(out, w.val)
		}
	}
	return out
}

// TestModesROM boots testdata/modes.S from the reset vector through real,
// protected and long mode, a page fault, INT3, IRETQ to ring 3, SYSCALL
// and SYSRET. The expected checkpoints follow the SDM.
func TestModesROM(t *testing.T) {
	m := romMachine(t, "testdata/modes.bin", "max")
	st := m.runToHalt()
	want := []uint64{
		1, 2, 3,
		eferSCE | eferLME | eferLMA, // EFER after enabling paging
		0x10, 1, 0,                  // #PF: CR2 low, CR2 high, error code (not present, read, supervisor)
		5, 6, 7, // after the fault, INT3 handler, after INT3
		0x3b, 0x1234, // first SYSCALL: user CS, argument
		0x3b, 0x5678, // second SYSCALL after SYSRET
		9,
	}
	if diff := cmp.Diff(want, m.outputs(0xe9)); diff != "" {
		t.Errorf("checkpoints (-want +got):\n%s\n%s", diff, st.Dump())
	}
	if st.CS.Selector != 0x18 || !st.CS.L || st.CS.DPL != 0 {
		t.Errorf("final CS %+v", st.CS)
	}
}

// TestOneGiBPages: a PDPTE with PS set maps 1 GiB with CPUID pdpe1gb and
// is a reserved-bit page fault without it (SDM vol. 3A, 4.5.4).
func TestOneGiBPages(t *testing.T) {
	for _, tc := range []struct {
		model string
		fault bool
	}{{"max", false}, {"qemu64", true}} {
		m := newTMachine(t, 4<<20, tc.model)
		s := m.setup64()
		m.put64(tPML4+0x1000+8, 1<<30|0x87) // PDPT[1]: 1 GiB page at 1 GiB
		m.put64(tIDT+14*16, 0)              // no #PF handler: a fault shuts down
		// mov rax, [0x40000010]; hlt
		code := []byte{0x48, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x40, 0xf4}
		m.poke(tCode, code)
		m.cpu.SetState(s)
		exit, err := m.cpu.Run()
		if err != nil {
			t.Fatal(err)
		}
		st, _ := m.cpu.State()
		if got := exit.Reason == accel.ExitShutdown; got != tc.fault {
			t.Errorf("%s: exit %v, CR2 %#x", tc.model, exit.Reason, st.CR2)
		}
	}
}

// TestProtectedModeROM runs testdata/pm32.S: a ring 3 -> ring 0 interrupt
// gate with the TSS stack switch, virtual-8086 mode (INT n through a gate,
// IRET back, #GP on HLT), and a double fault delivered through a task
// gate. Expected values follow the SDM (vol. 3A, 6.12, 7.3, 20.3).
func TestProtectedModeROM(t *testing.T) {
	m := romMachine(t, "testdata/pm32.bin", "qemu64")
	st := m.runToHalt()
	want := []uint64{
		1, 2,
		0x1b, 0x9000, // interrupted CS and ESP
		0x10, 0x8000 - 20, // handler SS and ESP: TSS SS0:ESP0 minus SS, ESP, EFLAGS, CS, EIP
		4, 5,
		6,       // in v86 mode
		0x71, 0, // INT 0x82 from v86: VM set in saved EFLAGS, saved CS 0
		0,                // DS nulled on the way in
		8,                // back in v86 after IRET
		0, 0x7000 + 0x14, // #GP(0) from HLT at its IP (the last byte of the v86 code)
		9,
		0xdf, 0x20, 0, 1, // double-fault task: back link = old TSS, error code 0, NT set
	}
	if diff := cmp.Diff(want, m.outputs(0xe9)); diff != "" {
		t.Errorf("checkpoints (-want +got):\n%s\n%s", diff, st.Dump())
	}
	if st.TR.Selector != 0x28 {
		t.Errorf("TR %#x after the task switch, want 0x28", st.TR.Selector)
	}
}

// TestStateRoundTrip: State and SetState are inverse on the interpreter,
// for a long-mode state reached by running the mode ROM.
func TestStateRoundTrip(t *testing.T) {
	m := romMachine(t, "testdata/modes.bin", "max")
	st := m.runToHalt()
	m2 := romMachine(t, "testdata/modes.bin", "max")
	if err := m2.cpu.SetState(st); err != nil {
		t.Fatal(err)
	}
	st2, _ := m2.cpu.State()
	// The TSC keeps running between the two reads.
	for _, s := range []*accel.CPUState{&st, &st2} {
		for i := range s.MSRs {
			if s.MSRs[i].Index == msrTSC {
				s.MSRs[i].Value = 0
			}
		}
	}
	if diff := cmp.Diff(st, st2); diff != "" {
		t.Errorf("state changed by SetState/State (-before +after):\n%s", diff)
	}
}
