// Package accel is the contract between the machine and the engines that run
// guest code: KVM (accel/kvm) and the interpreter (accel/interp, "-accel
// tcg"). Both serve port and MMIO accesses through one machine-provided IO,
// so every device works on both, and both convert their vCPU state to and
// from the neutral CPUState, so a snapshot can move between them.
package accel

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gemu/hw"
	"gemu/hw/mem"
)

// Accelerator creates VMs. Name is "kvm" or "tcg", as -accel spells it.
type Accelerator interface {
	Name() string
	// Available reports why the accelerator cannot run on this host, or nil.
	Available() error
	NewVM(ram *mem.Guest, io IO, o VMOptions) (VM, error)
}

// IRQChipMode says where the interrupt controllers live (-machine
// kernel-irqchip=).
type IRQChipMode int

const (
	// IRQChipKernel: PIC, IOAPIC, LAPIC (and PIT) inside the accelerator:
	// KVM's in-kernel models (QEMU's kernel-irqchip=on, the default).
	IRQChipKernel IRQChipMode = iota
	// IRQChipSplit: LAPIC in the accelerator, PIC and IOAPIC in the machine.
	IRQChipSplit
	// IRQChipUser: every interrupt controller is one of the machine's models.
	IRQChipUser
)

func (m IRQChipMode) String() string {
	switch m {
	case IRQChipKernel:
		return "on"
	case IRQChipSplit:
		return "split"
	case IRQChipUser:
		return "off"
	}
	return fmt.Sprintf("IRQChipMode(%d)", int(m))
}

// VMOptions configure a VM.
type VMOptions struct {
	VCPUs   int         // number of vCPUs the machine will create
	CPU     CPUModel    // -cpu
	IRQChip IRQChipMode // -machine kernel-irqchip=
	// KernelPIT asks for the in-kernel 8254 (with IRQChipKernel).
	KernelPIT bool
	// Clock is the machine's clock; the interpreter advances a virtual one.
	Clock  hw.Clock
	Logger *slog.Logger
	// TSCHz is the TSC frequency to advertise (0: the accelerator's choice).
	TSCHz uint64
	// WallClock is the guest's wall-clock time when the VM is created
	// (what -rtc base= gives the RTC), for paravirtual wall clocks that an
	// accelerator offers itself; the zero time means the host's.
	WallClock time.Time
}

// CPUModel is a parsed -cpu option: a model name and feature changes, in the
// order given ("host,+x2apic,-arch-capabilities").
type CPUModel struct {
	Name    string
	Changes []FeatureChange
}

// FeatureChange turns one CPUID feature on or off.
type FeatureChange struct {
	Name string // QEMU's feature name ("sse4.2", "arch-capabilities")
	On   bool
}

// VM is one virtual machine on an accelerator.
type VM interface {
	// NewVCPU creates vCPU index (0 is the bootstrap processor; others
	// wait for INIT/SIPI). Call it from the goroutine that will run it.
	NewVCPU(index int) (VCPU, error)
	// SetGSI drives input gsi of the accelerator's interrupt controllers
	// (IRQChipKernel) or returns ErrNoIRQChip.
	SetGSI(gsi uint32, high bool) error
	// SignalMSI delivers a message-signalled interrupt.
	SignalMSI(addr uint64, data uint32) error
	// HarvestDirty ORs the pages written by vCPUs since the last call into
	// into (indexed like mem.Guest's page bitmap) and clears the log.
	HarvestDirty(into *mem.Bitmap) error
	// SaveState and LoadState describe VM-wide accelerator state that is not
	// per vCPU: the in-kernel irqchip and PIT, the guest clock.
	SaveState() (VMState, error)
	LoadState(VMState) error
	Close() error
}

// ErrNoIRQChip is returned by VM.SetGSI when interrupts are modelled by the
// machine rather than the accelerator.
var ErrNoIRQChip = errors.New("accelerator has no in-kernel interrupt controller")

// ExitReason says why VCPU.Run returned.
type ExitReason int

const (
	// ExitHalt: the vCPU executed HLT and nothing will wake it inside the
	// accelerator (interrupts masked, or the machine models the LAPIC).
	ExitHalt ExitReason = iota + 1
	// ExitShutdown: triple fault or a shutdown request from the guest.
	ExitShutdown
	// ExitReset: the guest asked for a system reset through the CPU.
	ExitReset
	// ExitKicked: Kick was called; the machine has something to do.
	ExitKicked
	// ExitDebug: a single-step or breakpoint completed.
	ExitDebug
)

var exitNames = map[ExitReason]string{ExitHalt: "halt", ExitShutdown: "shutdown", ExitReset: "reset", ExitKicked: "kicked", ExitDebug: "debug"}

func (r ExitReason) String() string {
	if s, ok := exitNames[r]; ok {
		return s
	}
	return fmt.Sprintf("ExitReason(%d)", int(r))
}

// Exit describes a return from VCPU.Run.
type Exit struct {
	Reason ExitReason
}

// VCPU is one virtual CPU. Run, State and SetState are called only on the
// goroutine that created it; Kick may be called from anywhere.
type VCPU interface {
	Index() int
	// Run executes guest code until one of the exits in ExitReason. A
	// failed entry or an emulation failure is an error carrying a register
	// dump (*RunError).
	Run() (Exit, error)
	// Kick makes a running (or the next) Run return ExitKicked soon.
	Kick()
	State() (CPUState, error)
	SetState(CPUState) error
	// InjectInterrupt and the rest of the interrupt input exist only for
	// accelerators whose LAPIC is the machine's (IRQChipUser).
	Close() error
}

// IO is the machine's side of every port and MMIO access a vCPU makes. It is
// called on the vCPU's goroutine and must not block for long.
type IO interface {
	PortRead(port uint16, size int) uint32
	PortWrite(port uint16, size int, val uint32)
	MMIORead(addr uint64, size int) uint64
	MMIOWrite(addr uint64, size int, val uint64)
}

// RunError reports a vCPU that cannot continue: the accelerator's reason and
// the registers at the time.
type RunError struct {
	VCPU   int
	Reason string
	State  *CPUState // nil if the registers could not be read
}

func (e *RunError) Error() string {
	s := fmt.Sprintf("vCPU %d: %s", e.VCPU, e.Reason)
	if e.State != nil {
		s += "\n" + e.State.Dump()
	}
	return s
}
