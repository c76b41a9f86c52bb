package interp

import (
	"math/rand/v2"
	"testing"
	"time"

	"gemu/accel"
	"gemu/hw/mem"
)

// Executing arbitrary bytes: whatever the bytes, in every mode, the
// interpreter must come back (HLT in an exception handler, a shutdown on a
// triple fault, or a kick after an instruction budget for code that loops)
// and never fail with a Go panic. Undefined encodings raise #UD like any
// other exception.

// execModes are the CPU modes the byte streams run in.
var execModes = []string{"64-bit ring 0", "64-bit ring 3", "compatibility ring 0", "real mode"}

// execEnv reuses one machine for many byte streams. Its clock counts
// instructions, so the budget is deterministic.
type execEnv struct {
	m   *tmachine
	clk *VirtualClock
}

// execBudget is how many instructions a byte stream may run.
const execBudget = 100_000

func newExecEnv(t testing.TB) *execEnv {
	ram := mem.NewForTest(4 << 20)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	clk := NewVirtualClock(0)
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: "max"}, IRQChip: accel.IRQChipUser, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	v, err := vm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	return &execEnv{m: &tmachine{t: t, ram: ram, io: io, vm: vm, cpu: v.(*VCPU)}, clk: clk}
}

// handler is where every exception and interrupt vector leads: HLT with
// interrupts off, which ends the run.
const execHandler = 0x9000

// execReal is where the code runs in real mode.
const execReal = 0x20000

// run executes code in mode and fails the test on an interpreter error.
func (e *execEnv) run(t testing.TB, mode int, code []byte) accel.ExitReason {
	m := e.m
	clear(m.ram.Slots()[0].Host)
	s := m.setup64()
	m.poke(execHandler, []byte{0xfa, 0xf4, 0xeb, 0xfc}) // cli; hlt; jmp back
	for v := 0; v < 256; v++ {
		m.idtGate64Attr(v, execHandler, 0xee)
	}
	switch mode {
	case 1:
		s = m.userState()
	case 2:
		s.CS = accel.Segment{Selector: selCode32, Limit: 0xffffffff, Type: 0xb, S: true, Present: true, DB: true, G: true}
	case 3:
		// Real mode: the IVT at 0 sends every vector to the handler.
		for v := uint64(0); v < 256; v++ {
			m.put64(v*4, execHandler&0xf|execHandler>>4<<16)
		}
		s = accel.ResetState(0)
		s.CS = accel.Segment{Selector: execReal >> 4, Base: execReal, Limit: 0xffff, Type: 0xb, S: true, Present: true}
		s.RIP = 0
		s.GPR[accel.RSP] = 0x8000
		m.poke(execReal, code)
	}
	m.poke(tCode, code)
	if err := m.cpu.SetState(s); err != nil {
		t.Fatal(err)
	}
	budget := e.clk.AfterFunc(e.clk.Now()+execBudget*time.Nanosecond, m.cpu.Kick)
	defer budget.Stop()
	exit, err := m.cpu.Run()
	if err != nil {
		t.Fatalf("%s, code % x: %v", execModes[mode], code, err)
	}
	return exit.Reason
}

// TestExecuteRandomBytes runs random byte streams in every mode.
func TestExecuteRandomBytes(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 300
	}
	e := newExecEnv(t)
	r := rand.New(rand.NewPCG(7, 7))
	counts := map[accel.ExitReason]int{}
	for i := 0; i < n; i++ {
		code := make([]byte, 64)
		for j := range code {
			code[j] = byte(r.Uint32())
		}
		// Bias towards the two-byte maps.
		if r.IntN(2) == 0 {
			code[r.IntN(8)] = 0x0f
		}
		counts[e.run(t, i%len(execModes), code)]++
	}
	t.Logf("%d byte streams: %v", n, counts)
}

func FuzzExecute(f *testing.F) {
	f.Add(uint8(0), []byte{0x90, 0x0f, 0x0b})                         // NOP; UD2
	f.Add(uint8(1), []byte{0xfa})                                     // CLI at ring 3: #GP
	f.Add(uint8(2), []byte{0x62, 0x05, 0, 0, 0, 0})                   // BOUND
	f.Add(uint8(3), []byte{0x66, 0x0f, 0x01, 0xd0})                   // XGETBV in real mode
	f.Add(uint8(0), []byte{0xeb, 0xfe})                               // a loop: the watchdog ends it
	f.Add(uint8(0), []byte{0xf3, 0x48, 0xa5, 0x0f, 0x05, 0xcd, 0x80}) // REP MOVSQ, SYSCALL
	var e *execEnv
	f.Fuzz(func(t *testing.T, mode uint8, code []byte) {
		if e == nil {
			e = newExecEnv(t)
		}
		if len(code) > 4096 {
			code = code[:4096]
		}
		e.run(t, int(mode)%len(execModes), code)
	})
}
