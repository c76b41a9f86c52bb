package interp

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"

	"gemu/accel"
	"gemu/hw/irq"
)

// Event bits a vCPU's pins and Kick set; the run loop consumes them at
// block boundaries.
const (
	evKick uint32 = 1 << iota
	evNotify
	evNMIPin
	evINIT
	evSIPI
	evHalt // set by HLT itself to leave the block loop
	// evFlushWrites: drop the write TLB entries (another vCPU decoded code
	// from a page, or the dirty log was harvested); see VM.requestWriteFlush.
	evFlushWrites
)

// sliceInsns bounds the instructions run between checks of the clock.
const sliceInsns = 1 << 20

// VCPU is one interpreted processor.
type VCPU struct {
	index  int
	vm     *VM
	cpu    CPU
	events atomic.Uint32
	wake   chan struct{}
	sipi   atomic.Uint32
	// executed mirrors cpu.icount for other goroutines; updated after
	// every slice the run loop executes.
	executed atomic.Uint64
}

var (
	_ accel.UserAPICVCPU = (*VCPU)(nil)
	_ irq.CPUPins        = (*VCPU)(nil)
)

func newVCPU(vm *VM, index int) *VCPU {
	v := &VCPU{index: index, vm: vm, wake: make(chan struct{}, 1)}
	c := &v.cpu
	c.v = v
	c.vm = vm
	c.feat = vm.model.feat
	c.tlb.init()
	c.bc.byPA = make(map[uint64][]*block)
	c.gens = [2]uint64{1, 1} // zero block links and jump-cache entries never match
	c.msr.reset()
	c.setState(accel.ResetState(index))
	return v
}

// Index is the vCPU number.
func (v *VCPU) Index() int { return v.index }

// SetLocalAPIC connects the machine's APIC model.
func (v *VCPU) SetLocalAPIC(a accel.LocalAPIC) {
	v.cpu.apic = a
	if a != nil {
		v.cpu.irqPending = true
	}
}

func (v *VCPU) signal(ev uint32) {
	v.events.Or(ev)
	select {
	case v.wake <- struct{}{}:
	default:
	}
}

// Kick makes Run return ExitKicked soon; callable from any goroutine.
func (v *VCPU) Kick() { v.signal(evKick) }

// Notify: the APIC's deliverable-interrupt state may have changed.
func (v *VCPU) Notify() { v.signal(evNotify) }

// NMI raises a non-maskable interrupt.
func (v *VCPU) NMI() { v.signal(evNMIPin) }

// INIT resets the processor into the wait-for-SIPI state (the bootstrap
// processor restarts at the reset vector).
func (v *VCPU) INIT() { v.signal(evINIT) }

// SIPI starts an application processor waiting after INIT at vector<<12.
func (v *VCPU) SIPI(vector uint8) {
	v.sipi.Store(uint32(vector))
	v.signal(evSIPI)
}

// Instructions is how many guest instructions the vCPU has executed (a
// REP string instruction counts once per execution, which runs at most
// 64Ki iterations). It is updated after every slice of at most 2^20
// instructions and after every exit, and may be read from any goroutine:
// benchmarks divide it by time for guest MIPS.
func (v *VCPU) Instructions() uint64 { return v.executed.Load() }

// Close releases the vCPU.
func (v *VCPU) Close() error { return nil }

// State returns the architectural state.
func (v *VCPU) State() (accel.CPUState, error) { return v.cpu.state(), nil }

// SetState replaces the architectural state.
func (v *VCPU) SetState(s accel.CPUState) error {
	if err := v.cpu.checkState(&s); err != nil {
		return err
	}
	v.cpu.setState(s)
	return nil
}

// Run executes guest code until an exit. A Go panic inside the interpreter
// becomes a *accel.RunError with the register dump.
func (v *VCPU) Run() (exit accel.Exit, err error) {
	c := &v.cpu
	defer func() {
		if r := recover(); r != nil {
			st := c.state()
			err = &accel.RunError{VCPU: v.index, Reason: fmt.Sprintf("interpreter failure: %v\n%s", r, debug.Stack()), State: &st}
		}
	}()
	if v.vm.refreshMemory() {
		for _, o := range v.vm.allVCPUs() {
			o.cpu.memoryChanged = true
		}
	}
	if c.memoryChanged {
		c.memoryChanged = false
		c.flushTLB(false)
		c.dropBlocks()
	}
	v.vm.running.Add(1)
	defer v.vm.running.Add(-1)
	for {
		if reason, stop := v.handleEvents(); stop {
			return accel.Exit{Reason: reason}, nil
		}
		if c.mpState == accel.MPUninitialized || c.mpState == accel.MPInitReceived {
			if !v.idle() {
				continue
			}
			continue
		}
		// Deliver a fault left by the last slice, then interrupts.
		if c.hasPend {
			c.hasPend = false
			f := c.pend
			kind := f.kind
			if kind == evException && f.trap {
				kind = evTrap
			}
			if !c.deliverEvent(f.vector, kind, f.hasCode, f.code, f.ip) {
				return v.shutdown()
			}
		}
		if c.nmiPending && !c.nmiBlocked && !c.shadow {
			c.nmiPending = false
			c.halted = false
			if !c.deliverEvent(excNMI, evNMI, false, 0, 0) {
				return v.shutdown()
			}
		}
		if c.irqPending && c.flags&flagIF != 0 && !c.shadow && c.apic != nil {
			if vec, ok := c.apic.Ack(); ok {
				c.halted = false
				if !c.deliverEvent(vec, evExtInt, false, 0, 0) {
					return v.shutdown()
				}
			} else {
				c.irqPending = false
			}
		}
		if c.halted {
			if c.flags&flagIF == 0 && !c.nmiPending {
				return accel.Exit{Reason: accel.ExitHalt}, nil
			}
			v.idle()
			continue
		}
		if c.shutdownReq {
			return v.shutdown()
		}
		stop := c.icount + v.sliceLen()
		c.execBlocks(stop)
		v.executed.Store(c.icount)
		v.accountTime()
		if c.shutdownReq {
			return v.shutdown()
		}
	}
}

func (v *VCPU) shutdown() (accel.Exit, error) {
	v.cpu.shutdownReq = false
	v.cpu.halted = true
	return accel.Exit{Reason: accel.ExitShutdown}, nil
}

// sliceLen is how many instructions to run before looking at the clock.
func (v *VCPU) sliceLen() uint64 {
	if vc := v.vm.vclk; vc != nil {
		return vc.untilNext(sliceInsns)
	}
	return sliceInsns
}

// accountTime hands executed instructions to the virtual clock.
func (v *VCPU) accountTime() {
	c := &v.cpu
	if vc := v.vm.vclk; vc != nil {
		n := c.icount - c.icountClock
		c.icountClock = c.icount
		vc.advance(n)
	}
}

// idle waits for an event while halted (or waiting for SIPI). Under the
// virtual clock, when every vCPU idles, time jumps to the next timer.
func (v *VCPU) idle() bool {
	if v.events.Load()&^evHalt != 0 {
		return true
	}
	v.vm.running.Add(-1)
	defer v.vm.running.Add(1)
	if vc := v.vm.vclk; vc != nil && v.vm.running.Load() == 0 {
		if vc.warp() {
			return true
		}
	}
	<-v.wake
	return true
}

// handleEvents consumes pending pin and kick events. It reports an exit
// for Kick.
func (v *VCPU) handleEvents() (accel.ExitReason, bool) {
	c := &v.cpu
	ev := v.events.Swap(0)
	if ev == 0 {
		return 0, false
	}
	if ev&evFlushWrites != 0 {
		c.flushWrites()
	}
	if ev&evNotify != 0 {
		c.irqPending = true
	}
	if ev&evNMIPin != 0 {
		c.nmiPending = true
	}
	if ev&evINIT != 0 {
		c.doINIT()
	}
	if ev&evSIPI != 0 && c.mpState == accel.MPInitReceived {
		vec := uint8(v.sipi.Load())
		c.rip = 0
		c.loadSegReal(segCS, uint16(vec)<<8)
		c.mpState = accel.MPRunnable
		c.halted = false
		c.updateMode()
	}
	if ev&evKick != 0 {
		return accel.ExitKicked, true
	}
	return 0, false
}

// doINIT puts the processor in its INIT state (SDM vol. 3A, table 9-1):
// like RESET but keeping MSRs, caches and the APIC base.
func (c *CPU) doINIT() {
	msr := c.msr
	apicBase := c.apicBaseMSR()
	efer := uint64(0)
	s := accel.ResetState(c.v.index)
	c.setState(s)
	c.msr = msr
	c.efer = efer
	c.setAPICBase(apicBase)
	if c.v.index != 0 {
		c.mpState = accel.MPInitReceived
	} else {
		c.mpState = accel.MPRunnable
	}
	c.halted = false
	c.flushTLB(false)
}

func (vm *VM) allVCPUs() []*VCPU {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return append([]*VCPU(nil), vm.vcpus...)
}

// irqCheck reports whether the block loop must stop to deliver an
// interrupt that became deliverable (IF set after a STI, POPF or IRET).
func (c *CPU) irqCheck() bool {
	if !(c.irqPending || c.nmiPending || c.hasPend || c.halted) {
		return false
	}
	return c.irqPending && c.flags&flagIF != 0 && !c.shadow && c.apic != nil ||
		c.nmiPending && !c.nmiBlocked && !c.shadow || c.hasPend || c.halted
}
