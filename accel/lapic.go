package accel

import "gemu/hw/bus"

// LocalAPIC is a vCPU's local APIC when the machine models it (IRQChipUser):
// hw/intc/lapic satisfies it. The vCPU routes its own accesses to the APIC
// window (APIC base MSR, 4 KiB) and the x2APIC MSRs here rather than through
// IO, because every CPU sees its own APIC at the same address.
type LocalAPIC interface {
	bus.Handler // the xAPIC MMIO page; off is relative to the APIC base
	// Ack returns the highest-priority interrupt that may be delivered now
	// (above the processor priority) and moves it to in-service, as the
	// CPU's interrupt-acknowledge cycle does. The vCPU calls it only at an
	// instruction boundary with RFLAGS.IF set.
	Ack() (vector uint8, ok bool)
	// Pending reports whether Ack would return a vector now.
	Pending() bool
	// TPR reads and SetTPR writes the task priority (CR8 is TPR>>4).
	TPR() uint8
	SetTPR(uint8)
	// Base and SetBase are the IA32_APIC_BASE MSR; SetBase reports false
	// for a value the CPU must refuse with #GP.
	Base() uint64
	SetBase(uint64) bool
	// ReadMSR and WriteMSR serve x2APIC MSRs 0x800-0x8ff; false means #GP.
	ReadMSR(index uint32) (uint64, bool)
	WriteMSR(index uint32, val uint64) bool
}

// UserAPICVCPU is implemented by vCPUs of accelerators that can take their
// interrupts from the machine's APIC model (the interpreter, KVM with
// kernel-irqchip=off). The machine connects the APIC before the first Run;
// the APIC drives the vCPU through the irq.CPUPins the vCPU also implements.
type UserAPICVCPU interface {
	VCPU
	SetLocalAPIC(LocalAPIC)
}
