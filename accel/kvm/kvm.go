// Package kvm runs guests on Linux KVM. It is the only package that knows the
// KVM API: it turns the machine's guest memory into memory slots, creates the
// in-kernel interrupt controllers and PIT, builds each vCPU's CPUID from the
// -cpu model, runs vCPUs and serves their port and MMIO exits through the
// machine's accel.IO, and converts vCPU and VM state to and from the neutral
// accel.CPUState and accel.VMState.
//
// # Threads
//
// Each vCPU belongs to one goroutine, locked to its OS thread for life. The
// machine calls VM.NewVCPU on that goroutine; NewVCPU calls
// runtime.LockOSThread itself (the lock is never released, so the thread ends
// with the goroutine) and remembers the thread, because Kick interrupts
// KVM_RUN by sending that thread a signal. Run, State, SetState and Close are
// called on the same goroutine; Kick may be called from any goroutine, and
// any number of times.
//
// # Kick
//
// Kick sets kvm_run.immediate_exit, so a KVM_RUN that has not started yet
// returns at once, and sends SIGURG to the vCPU thread with tgkill, so one
// already inside the kernel returns with EINTR. SIGURG is the signal the Go
// runtime itself uses to preempt goroutines: its handler is installed in
// every Go program and tolerates deliveries it did not ask for, so the
// signal needs no mask juggling and is harmless when it lands in user space.
// Other signals that interrupt KVM_RUN are ignored (KVM_RUN is re-entered).
//
// # Interrupt controllers
//
// With accel.IRQChipKernel (the default) KVM's PIC, IOAPIC and LAPICs serve
// the guest; with VMOptions.KernelPIT also its 8254, created with the dummy
// speaker so port 0x61 is answered in the kernel (its gate and OUT2 bits
// follow channel 2, which guests use for calibration). GSIs are routed as on
// QEMU's PC machines: GSI 0 (the PIT) reaches PIC pin 0 and IOAPIC pin 2,
// GSIs 1 and 3-15 the PIC and the IOAPIC pin of the same number, GSIs 16-23
// the IOAPIC only. accel.IRQChipUser creates vCPUs without any in-kernel
// interrupt controller: SetGSI and SignalMSI return accel.ErrNoIRQChip, and
// each vCPU takes its interrupts from the machine's local APIC model
// (accel.UserAPICVCPU, irq.CPUPins; see uapic.go). Without a model
// connected, HLT returns ExitHalt. accel.IRQChipSplit is refused.
//
// # Guest-physical layout that KVM itself uses
//
// VMX needs three pages for its real-mode TSS and one for the identity page
// table used while the guest runs unpaged. They are placed where QEMU puts
// them on PC machines, just below the BIOS flash window: the TSS at
// TSSAddr (0xfeffd000, three pages) and the identity map at IdentityMapAddr
// (0xfeffc000). The machine must keep RAM and devices out of
// [0xfeffc000, 0xff000000).
package kvm

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"golang.org/x/sys/unix"

	"gemu/accel"
	"gemu/hw/mem"
)

// Addresses KVM reserves in guest-physical space (see the package comment).
const (
	IdentityMapAddr = 0xfeffc000
	TSSAddr         = 0xfeffd000
)

// apiVersion is the only KVM API version there has ever been (KVM_API_VERSION).
const apiVersion = 12

// Options configure the accelerator.
type Options struct {
	// Device is the KVM device node; empty means /dev/kvm.
	Device string
	// Logger receives warnings (unsupported CPU features); nil discards.
	Logger *slog.Logger
}

// Accelerator is KVM. Its zero value is not usable; call New.
type Accelerator struct {
	dev    string
	logger *slog.Logger

	once    sync.Once
	sysFD   int   // /dev/kvm, opened on first use; -1 before
	openErr error // why it could not be used
	host    *hostInfo
}

var _ accel.Accelerator = (*Accelerator)(nil)

// New returns the KVM accelerator. It touches nothing until Available or
// NewVM is called.
func New(o Options) *Accelerator {
	if o.Device == "" {
		o.Device = "/dev/kvm"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Accelerator{dev: o.Device, logger: o.Logger, sysFD: -1}
}

// Name is "kvm", as -accel spells it.
func (a *Accelerator) Name() string { return "kvm" }

// Available reports why KVM cannot be used on this host: the device node is
// missing or not accessible, or the kernel speaks another API version, or
// lacks a capability gemu needs.
func (a *Accelerator) Available() error {
	a.once.Do(a.open)
	return a.openErr
}

// hostInfo is what the accelerator learns from /dev/kvm once.
type hostInfo struct {
	mmapSize   int
	supported  []cpuidEntry // KVM_GET_SUPPORTED_CPUID
	msrIndexes []uint32     // KVM_GET_MSR_INDEX_LIST
	caps       hostCaps
}

type hostCaps struct {
	nrVCPUs, maxVCPUs int
	xsave, xcrs       bool
	xsave2Size        int // 0 without KVM_CAP_XSAVE2
	readonlyMem       bool
	tscKHz            bool
	adjustClock       int
	debugRegs         bool
	guestDebug        bool
	nrMemslots        int
	userSpaceMSR      bool // KVM_CAP_X86_USER_SPACE_MSR
}

// required lists the capabilities gemu cannot do without.
var required = []struct {
	cap  uintptr
	name string
}{
	{capIRQChip, "KVM_CAP_IRQCHIP"},
	{capSetTSSAddr, "KVM_CAP_SET_TSS_ADDR"},
	{capSetIdentityMapAddr, "KVM_CAP_SET_IDENTITY_MAP_ADDR"},
	{capImmediateExit, "KVM_CAP_IMMEDIATE_EXIT"},
	{capMPState, "KVM_CAP_MP_STATE"},
	{capVCPUEvents, "KVM_CAP_VCPU_EVENTS"},
	{capIRQRouting, "KVM_CAP_IRQ_ROUTING"},
	{capSignalMSI, "KVM_CAP_SIGNAL_MSI"},
	{capPIT2, "KVM_CAP_PIT2"},
	{capPITState2, "KVM_CAP_PIT_STATE2"},
}

func (a *Accelerator) open() {
	fd, err := unix.Open(a.dev, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		switch {
		case errors.Is(err, unix.ENOENT):
			a.openErr = fmt.Errorf("kvm: %s does not exist: the kernel has no KVM module loaded (or this is not a virtualization-capable host)", a.dev)
		case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
			a.openErr = fmt.Errorf("kvm: no permission to open %s: add the user to the group that owns it (usually \"kvm\")", a.dev)
		default:
			a.openErr = fmt.Errorf("kvm: opening %s: %w", a.dev, err)
		}
		return
	}
	fail := func(err error) {
		unix.Close(fd)
		a.openErr = err
	}
	v, err := ioctl(fd, kvmGetAPIVersion, 0)
	if err != nil {
		fail(fmt.Errorf("kvm: KVM_GET_API_VERSION on %s: %w", a.dev, err))
		return
	}
	if v != apiVersion {
		fail(fmt.Errorf("kvm: %s speaks KVM API version %d, gemu needs %d", a.dev, v, apiVersion))
		return
	}
	check := func(c uintptr) int {
		n, err := ioctl(fd, kvmCheckExtension, c)
		if err != nil {
			return 0
		}
		return n
	}
	for _, r := range required {
		if check(r.cap) <= 0 {
			fail(fmt.Errorf("kvm: the host's KVM lacks %s", r.name))
			return
		}
	}
	h := &hostInfo{}
	h.caps = hostCaps{
		nrVCPUs:     check(capNRVCPUs),
		maxVCPUs:    check(capMaxVCPUs),
		xsave:       check(capXSave) > 0,
		xcrs:        check(capXCRs) > 0,
		xsave2Size:  check(capXSave2),
		readonlyMem: check(capReadonlyMem) > 0,
		tscKHz:      check(capGetTSCKHz) > 0,
		adjustClock: check(capAdjustClock),
		debugRegs:   check(capDebugRegs) > 0,
		guestDebug:  check(capSetGuestDebug) > 0,
		nrMemslots:  check(capNRMemslots),
		// The capability reports the exit reasons it supports (1 on
		// kernels that have only "invalid access").
		userSpaceMSR: check(capX86UserSpaceMSR)&msrExitReasonInval != 0,
	}
	if h.caps.nrVCPUs <= 0 {
		h.caps.nrVCPUs = 4 // the API's documented default
	}
	if h.caps.maxVCPUs <= 0 {
		h.caps.maxVCPUs = h.caps.nrVCPUs
	}
	if h.caps.nrMemslots <= 0 {
		h.caps.nrMemslots = 32
	}
	h.mmapSize, err = ioctl(fd, kvmGetVCPUMmapSize, 0)
	if err != nil || h.mmapSize < 4096 {
		fail(fmt.Errorf("kvm: KVM_GET_VCPU_MMAP_SIZE: %d, %v", h.mmapSize, err))
		return
	}
	if h.supported, err = supportedCPUID(fd); err != nil {
		fail(err)
		return
	}
	if h.msrIndexes, err = msrIndexList(fd); err != nil {
		fail(err)
		return
	}
	a.sysFD = fd
	a.host = h
}

func supportedCPUID(fd int) ([]cpuidEntry, error) {
	var c kvmCPUID2
	c.Nent = maxCPUIDEntries
	if _, err := ioctlPtr(fd, kvmGetSupportedCPUID, &c); err != nil {
		return nil, fmt.Errorf("kvm: KVM_GET_SUPPORTED_CPUID: %w", err)
	}
	out := make([]cpuidEntry, 0, c.Nent)
	for _, e := range c.Entries[:min(c.Nent, maxCPUIDEntries)] {
		out = append(out, entryFromKVM(e))
	}
	return out, nil
}

func msrIndexList(fd int) ([]uint32, error) {
	var l kvmMSRList
	l.NMSRs = maxMSRs
	if _, err := ioctlPtr(fd, kvmGetMSRIndexList, &l); err != nil {
		return nil, fmt.Errorf("kvm: KVM_GET_MSR_INDEX_LIST: %w", err)
	}
	return append([]uint32(nil), l.Indices[:min(l.NMSRs, maxMSRs)]...), nil
}

// NewVM creates a VM whose memory is ram and whose port and MMIO accesses go
// to io.
func (a *Accelerator) NewVM(ram *mem.Guest, io accel.IO, o accel.VMOptions) (accel.VM, error) {
	if err := a.Available(); err != nil {
		return nil, err
	}
	return newVM(a, ram, io, o)
}
