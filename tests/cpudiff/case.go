package cpudiff

import (
	"errors"
	"fmt"
	"strings"

	"gemu/accel"
	"gemu/accel/interp"
	"gemu/accel/kvm"
	"gemu/accel/kvm/kvmtest"
)

// Stop is how a case must end.
type Stop struct {
	Exit   accel.ExitReason
	Vector int // the handler stub halted in (ExitHalt), or -1 for a HLT elsewhere
}

// AtVector: the run halts in the stub of vector v.
func AtVector(v int) Stop { return Stop{accel.ExitHalt, v} }

// AtHalt: the run halts at a HLT of the snippet's own.
func AtHalt() Stop { return Stop{accel.ExitHalt, -1} }

// AtStop: the run ends with a write to StopMMIO (the snippet then spins:
// "movb $0, STOP; jmp ."), which keeps the state of the code that wrote
// it, CPL3 included.
func AtStop() Stop { return Stop{accel.ExitKicked, -1} }

// AtShutdown: the run ends in a triple fault.
func AtShutdown() Stop { return Stop{accel.ExitShutdown, -1} }

func (s Stop) String() string {
	switch {
	case s.Exit == accel.ExitHalt && s.Vector >= 0:
		return fmt.Sprintf("halt in the stub of vector %d", s.Vector)
	case s.Exit == accel.ExitHalt:
		return "halt outside the stubs"
	case s.Exit == accel.ExitKicked:
		return "write to StopMMIO"
	}
	return s.Exit.String()
}

// Case is one snippet and its setting, run on both accelerators.
type Case struct {
	Name  string
	Start Start
	// Code is GNU as source placed at CodeBase; it starts in the code size
	// of Start (Bits overrides).
	Code string
	Bits int
	// Setup adjusts the world (memory, initial state) before the runs.
	Setup func(w *World)
	// CPU is the -cpu model for both accelerators (default "kvm64": an
	// Intel vendor, like this host's CPU that runs KVM's CPL3 code).
	CPU string
	// Stop is how both runs must end.
	Stop Stop
	// NoKVM, when set, says why the case cannot run on this host's KVM (a
	// feature the host lacks); Want then carries the SDM's answer alone.
	NoKVM string
	// KVMFix corrects KVM's result where its CPL0 instruction emulator
	// departs from the Intel SDM (the SDM wins); KVMNote says how. The
	// fix must be a no-op when KVM already agrees with the SDM, so a
	// fixed host does not hide interpreter bugs.
	KVMFix  func(w *World, r *Result)
	KVMNote string
	// Ignore lists RAM that is not compared.
	Ignore []Range
	// Want checks the SDM's expectations on each result.
	Want func(r *Result) error
	// NewAPIC gives each run a local APIC model (kernel-irqchip=off).
	NewAPIC func() accel.LocalAPIC
}

// Env holds what the cases share within a test binary.
type Env struct {
	Asm *Assembler
	// LaxAccessed compares segment caches and descriptor tables without
	// their accessed bits: for looking past that one known class of
	// differences while investigating others. Off by default.
	LaxAccessed bool
}

// Build assembles the case and returns its world.
func (e *Env) Build(c *Case) (*World, error) {
	bits := c.Bits
	if bits == 0 {
		switch c.Start {
		case Real:
			bits = 16
		case Prot32, Prot32User, Compat32User:
			bits = 32
		default:
			bits = 64
		}
	}
	p, err := e.Asm.Assemble(bits, c.Code)
	if err != nil {
		return nil, err
	}
	w := NewWorld(c.Start)
	w.Copy(CodeBase, p.Code)
	w.Symbols = p.Symbols
	if c.Setup != nil {
		c.Setup(w)
	}
	return w, nil
}

// Interp and KVM return the accelerators.
func Interp() accel.Accelerator { return interp.Accelerator{} }
func KVM() accel.Accelerator    { return kvm.New(kvm.Options{}) }

// RunCase runs c on the interpreter and, when usable, on KVM, and reports
// every difference and every broken expectation as a test failure.
func (e *Env) RunCase(t Reporter, c *Case) {
	t.Helper()
	e.RunPair(t, c)
}

// Reporter is the part of *testing.T that RunPair reports through, so that
// a caller can collect a case's failures (known interpreter bugs).
type Reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	Fatal(args ...any)
}

// RunPair is RunCase that also returns the results: the interpreter's,
// and KVM's or nil.
func (e *Env) RunPair(t Reporter, c *Case) (ri, rk *Result) {
	t.Helper()
	w, err := e.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	cpu := c.CPU
	if cpu == "" {
		cpu = "kvm64"
	}
	o := Options{CPU: ParseCPU(cpu), NewAPIC: c.NewAPIC}
	switch {
	case c.NoKVM != "":
		t.Logf("interpreter only (%s): checked against the SDM's expectations", c.NoKVM)
		ri = Run(Interp(), w, o)
	case kvmtest.Usable() != nil:
		t.Logf("interpreter only: KVM not usable: %v", kvmtest.Usable())
		ri = Run(Interp(), w, o)
	default:
		// Side by side: the interpreter computes while KVM mostly
		// waits in the kernel.
		done := make(chan struct{})
		go func() {
			defer close(done)
			rk = Run(KVM(), w, o)
		}()
		ri = Run(Interp(), w, o)
		<-done
	}
	ri.World = w
	if rk != nil {
		rk.World = w
	}
	check := func(r *Result) bool {
		if r.Err != nil {
			var re *accel.RunError
			if errors.Is(r.Err, ErrTimeout) && !errors.As(r.Err, &re) {
				t.Errorf("%s: %v\n%s", r.Accel, r.Err, r.State.Dump())
			} else {
				t.Errorf("%s: %v", r.Accel, r.Err)
			}
			return false
		}
		if got := (Stop{r.Exit, r.Vector}); got != c.Stop {
			t.Errorf("%s: ended with %v, want %v\n%s", r.Accel, got, c.Stop, r.State.Dump())
		}
		if c.Want != nil {
			if err := c.Want(r); err != nil {
				t.Errorf("%s: %v", r.Accel, err)
			}
		}
		return true
	}
	okI := check(ri)
	if rk == nil {
		return ri, nil
	}
	if rk.Err == nil {
		fixDeliveryAccessed(w, rk)
		if c.KVMFix != nil {
			c.KVMFix(w, rk)
		}
	}
	okK := check(rk)
	if okI && okK {
		if e.LaxAccessed {
			clearAccessed(rk)
			clearAccessed(ri)
		}
		if d := Diff(rk, ri, c.Ignore); d != "" {
			t.Errorf("KVM and the interpreter disagree:\n%s", d)
		}
	}
	return ri, rk
}

// clearAccessed drops the accessed bits from r's segment caches and from
// the GDT and LDT in its RAM.
func clearAccessed(r *Result) {
	s := &r.State
	for _, g := range []*accel.Segment{&s.CS, &s.DS, &s.ES, &s.FS, &s.GS, &s.SS} {
		if g.S {
			g.Type &^= 1
		}
	}
	for _, t := range []struct{ base, limit uint64 }{{GDTBase, GDTLimit}, {LDTBase, LDTLimit}} {
		for a := t.base; a < t.base+t.limit; a += 8 {
			if r.RAM[a+5]&AccS != 0 {
				r.RAM[a+5] &^= 1
			}
		}
	}
}

// ParseCPU reads a -cpu value: a model name and +feature/-feature changes.
func ParseCPU(s string) accel.CPUModel {
	parts := strings.Split(s, ",")
	m := accel.CPUModel{Name: parts[0]}
	for _, p := range parts[1:] {
		if p == "" {
			continue
		}
		m.Changes = append(m.Changes, accel.FeatureChange{Name: strings.TrimLeft(p, "+-"), On: p[0] != '-'})
	}
	return m
}
