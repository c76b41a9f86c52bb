package kvm

import (
	"fmt"

	"gemu/accel"
	"gemu/hw/irq"
)

// The machine's local APIC (accel.IRQChipUser, QEMU's kernel-irqchip=off).
//
// Without an in-kernel irqchip, KVM knows nothing of interrupts but what
// user space injects, so the vCPU serves its own local APIC model:
//
//   - MMIO exits inside the xAPIC page at the APIC base go to the model
//     (every vCPU sees its own APIC there); the rest go to the machine.
//   - x2APIC MSRs 0x800-0x8ff reach user space as KVM_EXIT_X86_RDMSR/WRMSR
//     (KVM_CAP_X86_USER_SPACE_MSR, for accesses that would fault) and go to
//     the model; a refused access is a #GP in the guest. Hosts without the
//     capability get no x2APIC in CPUID under kernel-irqchip=off.
//   - The APIC base MSR is KVM's; after every exit its value (kvm_run's
//     apic_base) is handed to the model when it changed.
//   - CR8 and the model's TPR are kept equal through kvm_run's cr8 field:
//     the model's TPR is written to it before every entry, and CR8 writes
//     the guest made come back in it after the exit.
//   - Before every entry, a deliverable interrupt is acknowledged from the
//     model and queued with KVM_INTERRUPT when KVM says it can be injected
//     (ready_for_interrupt_injection and IF); otherwise KVM is asked to exit
//     as soon as the guest can take it (request_interrupt_window).
//   - The vCPU implements irq.CPUPins. Notify, NMI, INIT and SIPI may come
//     from any goroutine: they record the event and poke the vCPU (as Kick
//     does, without making Run return). NMIs are queued with KVM_NMI, which
//     keeps NMI blocking in the kernel. INIT and SIPI are applied as the SDM
//     describes (vol. 3A, 9.1 and 10.6.1): INIT puts the processor in its
//     INIT state, application processors then wait for a SIPI, which starts
//     them in real mode at vector<<12.
//   - HLT comes back to user space. With interrupts enabled (or an NMI
//     pending) Run waits inside until the model has an interrupt, a pin
//     event arrives or Kick is called; halted with interrupts off and no NMI,
//     it returns accel.ExitHalt, as the interpreter does. Application
//     processors waiting for INIT or SIPI wait inside Run likewise.
//
// KVM refuses MP states other than runnable without its LAPIC, so under
// IRQChipUser the vCPU keeps the MP state itself and reports it in State.

var (
	_ accel.UserAPICVCPU = (*VCPU)(nil)
	_ irq.CPUPins        = (*VCPU)(nil)
)

// Pin events, set from any goroutine and taken by Run.
const (
	pinNotify uint32 = 1 << iota
	pinNMI
	pinINIT
	pinSIPI
)

// APIC base MSR bits (SDM vol. 3A, 10.4.4).
const (
	apicBaseEnable = 1 << 11
	apicBaseX2APIC = 1 << 10
	apicBaseBSP    = 1 << 8
	apicPageMask   = 0x000ffffffffff000
	x2apicFirstMSR = 0x800
	x2apicLastMSR  = 0x8ff
)

// SetLocalAPIC connects the machine's local APIC model. It is for VMs
// without an in-kernel irqchip (accel.IRQChipUser) and must be called
// before the vCPU's first Run; with the in-kernel irqchip it is ignored.
func (c *VCPU) SetLocalAPIC(a accel.LocalAPIC) {
	if c.vm.irqchip {
		c.vm.logger.Warn("kvm: a local APIC model was given to a vCPU of a VM with the in-kernel irqchip; ignored", "vcpu", c.index)
		return
	}
	c.apic = a
	c.apicSync = a != nil
}

// Notify says the APIC's deliverable interrupts may have changed.
func (c *VCPU) Notify() { c.pin(pinNotify) }

// NMI raises a non-maskable interrupt.
func (c *VCPU) NMI() { c.pin(pinNMI) }

// INIT puts the processor in its INIT state: the bootstrap processor then
// starts at the reset vector, the others wait for a SIPI.
func (c *VCPU) INIT() { c.pin(pinINIT) }

// SIPI starts an application processor that waits after INIT, in real mode
// at vector<<12.
func (c *VCPU) SIPI(vector uint8) {
	c.sipiVec.Store(uint32(vector))
	c.pin(pinSIPI)
}

// pin records a pin event and makes Run look at it: a KVM_RUN in progress
// returns at once (as for Kick, but Run carries on), a waiting Run wakes.
// Pins are for VMs without the in-kernel irqchip, which handles its own.
func (c *VCPU) pin(ev uint32) {
	if c.vm.irqchip {
		return
	}
	c.pins.Or(ev)
	c.kickMu.Lock()
	if c.closed {
		c.kickMu.Unlock()
		return
	}
	c.poked = true
	setImmediateExit(c.word0, true, c.window)
	c.kickMu.Unlock()
	c.signalWake()
	c.interruptRun()
}

// signalWake wakes a Run waiting in halt or for a SIPI.
func (c *VCPU) signalWake() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// takePoke consumes a pin poke, clearing immediate_exit unless a Kick
// still wants it.
func (c *VCPU) takePoke() {
	c.kickMu.Lock()
	defer c.kickMu.Unlock()
	if c.poked {
		c.poked = false
		setImmediateExit(c.word0, c.kicked, c.window)
	}
}

// setWindow stores request_interrupt_window.
func (c *VCPU) setWindow(on bool) {
	c.kickMu.Lock()
	defer c.kickMu.Unlock()
	if c.window == on {
		return
	}
	c.window = on
	setImmediateExit(c.word0, c.kicked || c.poked, on)
}

// userMode reports whether the vCPU runs without the in-kernel irqchip.
func (c *VCPU) userMode() bool { return !c.vm.irqchip }

// waiting reports whether the vCPU waits for INIT or SIPI.
func (c *VCPU) waiting() bool {
	return c.ump == accel.MPUninitialized || c.ump == accel.MPInitReceived
}

// beforeEntry runs on the vCPU's goroutine before each KVM_RUN of a
// user-mode vCPU: it applies pin events, waits while the processor is
// halted or waits for SIPI, and injects what the APIC model has. stop
// reports an exit for Run to return.
func (c *VCPU) beforeEntry() (exit accel.Exit, stop bool, err error) {
	for {
		if err := c.takePins(); err != nil {
			return accel.Exit{}, true, err
		}
		if c.takeKick() {
			return accel.Exit{Reason: accel.ExitKicked}, true, nil
		}
		c.takePoke()
		if c.waiting() {
			<-c.wake
			continue
		}
		if c.halted {
			switch {
			case c.nmiPending || c.lastIF && c.apic != nil && c.apic.Pending():
				c.halted = false
			case !c.lastIF || c.apic == nil:
				// Nothing inside the accelerator can wake it.
				return accel.Exit{Reason: accel.ExitHalt}, true, nil
			default:
				<-c.wake
				continue
			}
		}
		break
	}
	if c.apicSync {
		c.apicSync = false
		if err := c.syncAPICBase(); err != nil {
			return accel.Exit{}, true, err
		}
	}
	if c.nmiPending {
		c.nmiPending = false
		if _, err := ioctl(c.fd, kvmNMI, 0); err != nil {
			return accel.Exit{}, true, c.runError(fmt.Sprintf("KVM_NMI: %v", err))
		}
	}
	if c.apic == nil {
		return accel.Exit{}, false, nil
	}
	r := c.run
	want := c.apic.Pending()
	if want && r[runReadyForInjection] != 0 && r[runIFFlag] != 0 {
		if vec, ok := c.apic.Ack(); ok {
			irqv := uint32(vec)
			if _, err := ioctlPtr(c.fd, kvmInterrupt, &irqv); err != nil {
				return accel.Exit{}, true, c.runError(fmt.Sprintf("KVM_INTERRUPT %#x: %v", vec, err))
			}
		}
		want = c.apic.Pending()
	}
	c.setWindow(want)
	putN(r[runCR8:], 8, uint64(c.apic.TPR()>>4))
	return accel.Exit{}, false, nil
}

// afterExit runs after each KVM_RUN of a user-mode vCPU with an APIC
// model: CR8 writes and APIC base changes the guest made reach the model.
func (c *VCPU) afterExit() {
	r := c.run
	c.lastIF = r[runIFFlag] != 0
	if c.apic == nil {
		return
	}
	if cr8 := uint8(le64(r[runCR8:])); cr8 != c.apic.TPR()>>4 {
		c.apic.SetTPR(cr8 << 4)
	}
	if b := le64(r[runAPICBase:]); b != c.apicBase {
		c.apicBase = b
		if !c.apic.SetBase(b) {
			c.vm.logger.Warn("kvm: the APIC model refused an APIC base KVM accepted", "vcpu", c.index, "base", fmt.Sprintf("%#x", b))
		}
	}
}

// syncAPICBase gives KVM the model's APIC base, once connected.
func (c *VCPU) syncAPICBase() error {
	var sregs kvmSregs
	if _, err := ioctlPtr(c.fd, kvmGetSregs, &sregs); err != nil {
		return fmt.Errorf("kvm: KVM_GET_SREGS: %w", err)
	}
	sregs.APICBase = c.apic.Base()
	if _, err := ioctlPtr(c.fd, kvmSetSregs, &sregs); err != nil {
		return fmt.Errorf("kvm: KVM_SET_SREGS (APIC base %#x): %w", sregs.APICBase, err)
	}
	c.apicBase = sregs.APICBase
	return nil
}

// takePins applies the pin events that arrived.
func (c *VCPU) takePins() error {
	ev := c.pins.Swap(0)
	if ev == 0 {
		return nil
	}
	if ev&pinINIT != 0 {
		if err := c.doINIT(); err != nil {
			return err
		}
	}
	if ev&pinSIPI != 0 && c.ump == accel.MPInitReceived {
		if err := c.doSIPI(uint8(c.sipiVec.Load())); err != nil {
			return err
		}
	}
	if ev&pinNMI != 0 {
		c.nmiPending = true
	}
	return nil
}

// doINIT puts the processor in its INIT state (SDM vol. 3A, table 9-1):
// as at RESET, except that the MSRs and the APIC base are kept.
func (c *VCPU) doINIT() error {
	cur, err := c.State()
	if err != nil {
		return err
	}
	s := accel.ResetState(c.index)
	s.MSRs = cur.MSRs
	s.APICBase = cur.APICBase
	s.MPState = accel.MPRunnable
	if c.index != 0 {
		s.MPState = accel.MPInitReceived
	}
	c.nmiPending = false
	return c.SetState(s)
}

// doSIPI starts a processor waiting for SIPI at vector<<12, CS = vector<<8,
// IP = 0.
func (c *VCPU) doSIPI(vector uint8) error {
	s, err := c.State()
	if err != nil {
		return err
	}
	s.CS.Selector = uint16(vector) << 8
	s.CS.Base = uint64(vector) << 12
	s.RIP = 0
	s.MPState = accel.MPRunnable
	return c.SetState(s)
}

// apicMMIO serves an MMIO exit inside the APIC page; ok is false for
// accesses elsewhere.
func (c *VCPU) apicMMIO(addr uint64, write bool, data []byte, n int) bool {
	if c.apic == nil {
		return false
	}
	base := c.apic.Base()
	if base&apicBaseEnable == 0 || base&apicBaseX2APIC != 0 {
		return false
	}
	page := base & apicPageMask
	if addr < page || addr >= page+4096 {
		return false
	}
	if write {
		c.apic.Write(addr-page, n, getN(data, n))
	} else {
		putN(data, n, c.apic.Read(addr-page, n))
	}
	return true
}

// handleMSR serves a KVM_EXIT_X86_RDMSR or WRMSR: x2APIC MSRs go to the
// APIC model; anything else, and anything it refuses, is a #GP.
func (c *VCPU) handleMSR(write bool) {
	r := c.run
	idx := le32(r[runMSRIndex:])
	ok := false
	if c.apic != nil && idx >= x2apicFirstMSR && idx <= x2apicLastMSR {
		if write {
			ok = c.apic.WriteMSR(idx, le64(r[runMSRData:]))
		} else {
			var v uint64
			v, ok = c.apic.ReadMSR(idx)
			putN(r[runMSRData:], 8, v)
		}
	}
	r[runMSRError] = 1
	if ok {
		r[runMSRError] = 0
	}
}
