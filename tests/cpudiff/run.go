package cpudiff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gemu/accel"
	"gemu/hw/mem"
)

// IOAccess is one port or MMIO access a run made.
type IOAccess struct {
	Kind string // "out", "in", "mmio-write", "mmio-read"
	Addr uint64
	Size int
	Val  uint64
}

// maxIO bounds the accesses a run records.
const maxIO = 4096

// testIO answers every read with all ones (nothing is there) and records
// the traffic.
type testIO struct {
	mu      sync.Mutex
	log     []IOAccess // guarded by mu
	vcpu    accel.VCPU // guarded by mu
	stopped bool       // guarded by mu; the guest wrote StopMMIO
}

func (t *testIO) add(a IOAccess) {
	t.mu.Lock()
	if len(t.log) < maxIO {
		t.log = append(t.log, a)
	}
	t.mu.Unlock()
}

func ones(size int) uint64 {
	if size >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*size) - 1
}

func (t *testIO) PortRead(port uint16, size int) uint32 {
	t.add(IOAccess{"in", uint64(port), size, ones(size)})
	return uint32(ones(size))
}

func (t *testIO) PortWrite(port uint16, size int, val uint32) {
	t.add(IOAccess{"out", uint64(port), size, uint64(val)})
}

func (t *testIO) MMIORead(addr uint64, size int) uint64 {
	t.add(IOAccess{"mmio-read", addr, size, ones(size)})
	return ones(size)
}

func (t *testIO) MMIOWrite(addr uint64, size int, val uint64) {
	t.add(IOAccess{"mmio-write", addr, size, val})
	if addr == StopMMIO {
		t.mu.Lock()
		t.stopped = true
		c := t.vcpu
		t.mu.Unlock()
		if c != nil {
			c.Kick()
		}
	}
}

func (t *testIO) isStopped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopped
}

// Result is what one accelerator made of a world.
type Result struct {
	Accel string
	Exit  accel.ExitReason
	Err   error // a run error (*accel.RunError), a timeout, a setup failure
	State accel.CPUState
	RAM   []byte
	IO    []IOAccess
	// Vector is the handler stub the run halted in, or -1.
	Vector int
	// World is what the run started from.
	World *World
}

// Sym returns the address of one of the snippet's labels.
func (r *Result) Sym(name string) uint64 { return r.World.Sym(name) }

// Options configure a run.
type Options struct {
	CPU     accel.CPUModel
	Timeout time.Duration // default 5 s
	// APIC, if set, is connected to the vCPU (accel.UserAPICVCPU) before
	// the run; NewAPIC makes a fresh one per run.
	NewAPIC func() accel.LocalAPIC
}

// ErrTimeout is a run that did not end in time.
var ErrTimeout = errors.New("the guest did not stop in time")

// Run executes w on a: one vCPU, the machine's interrupt controllers
// (kernel-irqchip=off), until the guest halts with interrupts off, shuts
// down, or the timeout passes. The vCPU runs on a goroutine of its own,
// as KVM needs.
func Run(a accel.Accelerator, w *World, o Options) *Result {
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	r := &Result{Accel: a.Name(), Vector: -1}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Err = run(a, w, o, r)
	}()
	<-done
	if r.Err == nil {
		if v, ok := StubVector(r.State.CS.Base + r.State.RIP - 1); ok && r.Exit == accel.ExitHalt {
			r.Vector = v
		}
	}
	return r
}

func run(a accel.Accelerator, w *World, o Options, r *Result) error {
	ram, err := mem.New(RAMSize, mem.PCLayout(RAMSize, RAMSize))
	if err != nil {
		return err
	}
	defer ram.Close()
	// Fresh guest RAM reads as zero: write only the pages that are not,
	// as touching every page costs more than the run.
	var zero [mem.PageSize]byte
	for p := 0; p < len(w.RAM); p += mem.PageSize {
		if pg := w.RAM[p : p+mem.PageSize]; !bytes.Equal(pg, zero[:]) {
			if _, err := ram.WriteAt(pg, int64(p)); err != nil {
				return err
			}
		}
	}
	io := &testIO{}
	vm, err := a.NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: o.CPU, IRQChip: accel.IRQChipUser})
	if err != nil {
		return err
	}
	defer vm.Close()
	c, err := vm.NewVCPU(0)
	if err != nil {
		return err
	}
	defer c.Close()
	io.mu.Lock()
	io.vcpu = c
	io.mu.Unlock()
	if o.NewAPIC != nil {
		u, ok := c.(accel.UserAPICVCPU)
		if !ok {
			return fmt.Errorf("%s vCPUs cannot take the machine's local APIC", a.Name())
		}
		apic := o.NewAPIC()
		u.SetLocalAPIC(apic)
		if p, ok := apic.(interface{ Connect(accel.VCPU) }); ok {
			p.Connect(c)
		}
	}
	if err := c.SetState(w.State); err != nil {
		return fmt.Errorf("SetState: %w", err)
	}
	var timedOut atomic.Bool
	t := time.AfterFunc(o.Timeout, func() {
		timedOut.Store(true)
		c.Kick()
	})
	defer t.Stop()
	for {
		exit, err := c.Run()
		if err != nil {
			return err
		}
		if exit.Reason == accel.ExitKicked {
			if io.isStopped() {
				r.Exit = accel.ExitKicked
				break
			}
			if timedOut.Load() {
				if st, err := c.State(); err == nil {
					r.State = st
				}
				return fmt.Errorf("%w (%v)", ErrTimeout, o.Timeout)
			}
			continue
		}
		r.Exit = exit.Reason
		break
	}
	st, err := c.State()
	if err != nil {
		return err
	}
	r.State = st
	r.RAM = make([]byte, RAMSize)
	if _, err := ram.ReadAt(r.RAM, 0); err != nil {
		return err
	}
	io.mu.Lock()
	r.IO = io.log
	io.mu.Unlock()
	return nil
}

// U64 reads a quadword of the final RAM.
func (r *Result) U64(a uint64) uint64 { return binary.LittleEndian.Uint64(r.RAM[a:]) }

// U32 reads a doubleword of the final RAM.
func (r *Result) U32(a uint64) uint32 { return binary.LittleEndian.Uint32(r.RAM[a:]) }

// U16 reads a word of the final RAM.
func (r *Result) U16(a uint64) uint16 { return binary.LittleEndian.Uint16(r.RAM[a:]) }
