package machine

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gemu/accel"
	"gemu/emu/config"
	"gemu/hw/mem"
)

// fakeAccel runs scripted guests: each vCPU performs its steps through the
// machine's IO, then returns the step's exit.
type fakeAccel struct {
	script func(index int, io accel.IO, run int) (accel.Exit, error)
	states map[int][]accel.CPUState // SetState calls per vCPU
	mu     sync.Mutex
}

func (a *fakeAccel) Name() string     { return "kvm" }
func (a *fakeAccel) Available() error { return nil }
func (a *fakeAccel) NewVM(ram *mem.Guest, io accel.IO, o accel.VMOptions) (accel.VM, error) {
	return &fakeVM{a: a, io: io}, nil
}

type fakeVM struct {
	a  *fakeAccel
	io accel.IO
}

func (v *fakeVM) NewVCPU(i int) (accel.VCPU, error) {
	return &fakeVCPU{vm: v, index: i, kick: make(chan struct{}, 1)}, nil
}
func (v *fakeVM) SetGSI(uint32, bool) error         { return nil }
func (v *fakeVM) SignalMSI(uint64, uint32) error    { return nil }
func (v *fakeVM) HarvestDirty(*mem.Bitmap) error    { return nil }
func (v *fakeVM) SaveState() (accel.VMState, error) { return accel.VMState{Accel: "kvm"}, nil }
func (v *fakeVM) LoadState(accel.VMState) error     { return nil }
func (v *fakeVM) Close() error                      { return nil }

type fakeVCPU struct {
	vm    *fakeVM
	index int
	runs  int
	kick  chan struct{}
	state accel.CPUState
}

func (c *fakeVCPU) Index() int { return c.index }
func (c *fakeVCPU) Run() (accel.Exit, error) {
	select {
	case <-c.kick:
		return accel.Exit{Reason: accel.ExitKicked}, nil
	default:
	}
	c.runs++
	exit, err := c.vm.a.script(c.index, c.vm.io, c.runs)
	if exit.Reason == accel.ExitHalt {
		// a halted vCPU waits for a kick, as a real one would
		<-c.kick
		return accel.Exit{Reason: accel.ExitKicked}, nil
	}
	return exit, err
}
func (c *fakeVCPU) Kick() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}
func (c *fakeVCPU) State() (accel.CPUState, error) { return c.state, nil }
func (c *fakeVCPU) SetState(s accel.CPUState) error {
	c.state = s
	a := c.vm.a
	a.mu.Lock()
	a.states[c.index] = append(a.states[c.index], s)
	a.mu.Unlock()
	return nil
}
func (c *fakeVCPU) Close() error { return nil }

// putc writes a byte to COM1 the way a polled driver does.
func putc(io accel.IO, b byte) {
	for io.PortRead(0x3fd, 1)&0x20 == 0 {
	}
	io.PortWrite(0x3f8, 1, uint32(b))
}

func testMachine(t *testing.T, args []string, script func(int, accel.IO, int) (accel.Exit, error)) (*Machine, *fakeAccel, *syncWriter) {
	t.Helper()
	cfg, err := config.Parse(append([]string{"-M", "pc", "-accel", "kvm", "-m", "16M", "-nographic", "-kernel", "/nonexistent"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Kernel = "" // boot "firmware": the fake runs no code from RAM
	cfg.BIOS = writeFirmware(t)
	fa := &fakeAccel{script: script, states: map[int][]accel.CPUState{}}
	out := &syncWriter{w: &bytes.Buffer{}}
	m, err := New(cfg, Env{
		Stdin:        strings.NewReader(""),
		Stdout:       out,
		Stderr:       &bytes.Buffer{},
		Logger:       slog.New(slog.DiscardHandler),
		Accelerators: map[string]func(*slog.Logger) accel.Accelerator{"kvm": func(*slog.Logger) accel.Accelerator { return fa }},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, fa, out
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

func writeFirmware(t *testing.T) string {
	p := t.TempDir() + "/bios.bin"
	if err := writeFile(p, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	return p
}

func runWithin(t *testing.T, m *Machine, d time.Duration) (int, error) {
	t.Helper()
	type res struct {
		status int
		err    error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := m.Run()
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		return r.status, r.err
	case <-time.After(d):
		t.Fatalf("machine did not end within %v", d)
		return 0, nil
	}
}

func TestSerialAndDebugExit(t *testing.T) {
	m, _, out := testMachine(t, []string{"-device", "isa-debug-exit,iobase=0xf4,iosize=4"}, func(i int, io accel.IO, run int) (accel.Exit, error) {
		if i != 0 {
			return accel.Exit{Reason: accel.ExitHalt}, nil
		}
		for _, b := range []byte("hi\n") {
			putc(io, b)
		}
		io.PortWrite(0xf4, 1, 0x10)
		return accel.Exit{Reason: accel.ExitHalt}, nil
	})
	status, err := runWithin(t, m, 10*time.Second)
	if err != nil || status != 0x21 {
		t.Fatalf("Run = %d, %v; want 0x21", status, err)
	}
	// the console output is flushed by the backend's goroutine
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "hi") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "hi\n") {
		t.Errorf("console = %q", out.String())
	}
}

func TestTripleFaultResetsThenNoReboot(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		wantRuns int // runs of vCPU 0 before the machine ends
	}{
		{"no-reboot exits", []string{"-no-reboot"}, 1},
		{"reset reboots", nil, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var runs0 int
			var mu sync.Mutex
			m, fa, _ := testMachine(t, append(tc.args, "-device", "isa-debug-exit,iobase=0xf4,iosize=4"), func(i int, io accel.IO, run int) (accel.Exit, error) {
				if i != 0 {
					return accel.Exit{Reason: accel.ExitHalt}, nil
				}
				mu.Lock()
				runs0 = run
				mu.Unlock()
				if run == 1 {
					return accel.Exit{Reason: accel.ExitShutdown}, nil // triple fault
				}
				io.PortWrite(0xf4, 1, 1)
				return accel.Exit{Reason: accel.ExitHalt}, nil
			})
			status, err := runWithin(t, m, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if runs0 != tc.wantRuns {
				t.Errorf("vCPU 0 ran %d times, want %d", runs0, tc.wantRuns)
			}
			if tc.wantRuns == 1 && status != 0 {
				t.Errorf("status %d, want 0", status)
			}
			if tc.wantRuns == 2 {
				if status != 3 {
					t.Errorf("status %d, want 3", status)
				}
				if n := len(fa.states[0]); n < 2 {
					t.Errorf("vCPU 0 state set %d times; a reset must set it again", n)
				}
			}
		})
	}
}

func TestResetThroughPort92AndKeyboard(t *testing.T) {
	for _, tc := range []struct {
		name string
		port uint16
		val  uint32
	}{{"port 0x92", 0x92, 1}, {"i8042 pulse", 0x64, 0xfe}} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, _ := testMachine(t, []string{"-no-reboot"}, func(i int, io accel.IO, run int) (accel.Exit, error) {
				if i == 0 {
					io.PortWrite(tc.port, 1, tc.val)
				}
				return accel.Exit{Reason: accel.ExitHalt}, nil
			})
			if status, err := runWithin(t, m, 10*time.Second); err != nil || status != 0 {
				t.Fatalf("Run = %d, %v", status, err)
			}
		})
	}
}

func TestInternalErrorEndsWithStatus1(t *testing.T) {
	m, _, _ := testMachine(t, nil, func(i int, io accel.IO, run int) (accel.Exit, error) {
		if i == 0 {
			return accel.Exit{}, &accel.RunError{VCPU: 0, Reason: "emulation failure"}
		}
		return accel.Exit{Reason: accel.ExitHalt}, nil
	})
	status, err := runWithin(t, m, 10*time.Second)
	var re *accel.RunError
	if status != 1 || !errors.As(err, &re) {
		t.Fatalf("Run = %d, %v; want 1 and the RunError", status, err)
	}
	if m.State() != StateInternalError {
		t.Errorf("state %s", m.State())
	}
}

func TestPanicInAcceleratorIsInternalError(t *testing.T) {
	m, _, _ := testMachine(t, nil, func(i int, io accel.IO, run int) (accel.Exit, error) {
		if i == 0 {
			var p *int
			_ = *p
		}
		return accel.Exit{Reason: accel.ExitHalt}, nil
	})
	status, err := runWithin(t, m, 10*time.Second)
	if status != 1 || err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("Run = %d, %v", status, err)
	}
}

func TestSMPCreatesEveryVCPU(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]bool{}
	m, _, _ := testMachine(t, []string{"-smp", "3", "-device", "isa-debug-exit,iobase=0xf4,iosize=4"}, func(i int, io accel.IO, run int) (accel.Exit, error) {
		mu.Lock()
		seen[i] = true
		n := len(seen)
		mu.Unlock()
		if n == 3 {
			io.PortWrite(0xf4, 1, 0)
		}
		return accel.Exit{Reason: accel.ExitHalt}, nil
	})
	if status, err := runWithin(t, m, 10*time.Second); err != nil || status != 1 {
		t.Fatalf("Run = %d, %v", status, err)
	}
}

func TestPCLowMemSplit(t *testing.T) {
	for _, tc := range []struct{ size, low uint64 }{
		{128 << 20, 128 << 20},
		{0xdff00000, 0xdff00000},
		{0xe0000000, 0xc0000000},
		{8 << 30, 0xc0000000},
	} {
		if got := pcLowMem(tc.size); got != tc.low {
			t.Errorf("pcLowMem(%#x) = %#x, want %#x", tc.size, got, tc.low)
		}
	}
}

func writeFile(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }

func TestModelSignature(t *testing.T) {
	eax, edx := modelSignature("qemu64", nil)
	if eax != 0x60fb1 {
		t.Errorf("qemu64 signature %#x, want 0x60fb1 (family 15, model 107, stepping 1)", eax)
	}
	if edx&(1<<25) == 0 || edx&(1<<0) == 0 { // sse, fpu
		t.Errorf("qemu64 leaf 1 EDX %#x lacks fpu or sse", edx)
	}
	_, edx2 := modelSignature("qemu64", []accel.FeatureChange{{Name: "sse", On: false}})
	if edx2&(1<<25) != 0 {
		t.Errorf("-sse left in EDX %#x", edx2)
	}
	if eax, edx := modelSignature("host", nil); eax != 0 || edx != 0 {
		t.Errorf("host model reports %#x/%#x, want unknown", eax, edx)
	}
}
