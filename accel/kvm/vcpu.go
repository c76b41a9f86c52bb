package kvm

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"gemu/accel"
)

// VCPU is one KVM virtual CPU. See the package comment for its threading
// contract.
type VCPU struct {
	vm     *VM
	index  int
	apicID uint32
	fd     int
	run    []byte  // mmap of kvm_run (and the PIO data page after it)
	word0  *uint32 // kvm_run bytes 0-3: request_interrupt_window, immediate_exit
	io     accel.IO
	pid    int
	tid    int // the OS thread the vCPU goroutine is locked to

	kickMu sync.Mutex
	kicked bool // guarded by kickMu; a Kick not yet reported by Run
	poked  bool // guarded by kickMu; a pin event interrupted KVM_RUN
	window bool // guarded by kickMu; request_interrupt_window as last stored
	closed bool // guarded by kickMu

	// Without the in-kernel irqchip (see uapic.go). The fields below pins
	// and sipiVec are used on the vCPU's goroutine only.
	pins       atomic.Uint32 // pin events not yet taken
	sipiVec    atomic.Uint32
	wake       chan struct{}   // wakes a Run waiting in halt or for SIPI
	apic       accel.LocalAPIC // the machine's model, or nil
	apicSync   bool            // KVM's APIC base must be set from the model
	apicBase   uint64          // the APIC base KVM holds
	ump        uint32          // MP state kept for KVM, which refuses all but runnable
	halted     bool            // after HLT, with an APIC model
	nmiPending bool
	lastIF     bool // RFLAGS.IF at the last exit

	// Power-on values captured at creation, written back by SetState when
	// the state carries no LAPIC page or no MSRs (a reset).
	resetLAPIC kvmLAPICState
	resetMSRs  []accel.MSR

	cpuid  []cpuidEntry // the table given to KVM_SET_CPUID2
	xsave  []byte       // scratch for KVM_GET/SET_XSAVE; nil without XSAVE
	msrBuf *kvmMSRs     // scratch for KVM_GET/SET_MSRS
	debug  DebugExit
}

var _ accel.VCPU = (*VCPU)(nil)

// DebugExit is what KVM reported with the last ExitDebug.
type DebugExit struct {
	Exception uint32 // 1 (#DB) or 3 (#BP)
	PC        uint64
	DR6, DR7  uint64
}

// NewVCPU creates vCPU index and applies accel.ResetState(index): the
// bootstrap processor starts at the reset vector, the others wait for
// INIT/SIPI. It locks the calling goroutine to its OS thread for good; Run,
// State, SetState and Close must be called on that goroutine.
func (vm *VM) NewVCPU(index int) (accel.VCPU, error) {
	if index < 0 || index >= vm.opts.VCPUs {
		return nil, fmt.Errorf("kvm: vCPU index %d outside 0..%d", index, vm.opts.VCPUs-1)
	}
	runtime.LockOSThread()
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.closed {
		return nil, errors.New("kvm: VM is closed")
	}
	for _, c := range vm.vcpus {
		if c.index == index {
			return nil, fmt.Errorf("kvm: vCPU %d already exists", index)
		}
	}
	apicID := vm.cpuid.topo.apicID(index)
	fd, err := ioctl(vm.fd, kvmCreateVCPU, uintptr(apicID))
	if err != nil {
		return nil, fmt.Errorf("kvm: KVM_CREATE_VCPU %d: %w", index, err)
	}
	unix.CloseOnExec(fd)
	run, err := unix.Mmap(fd, 0, vm.acc.host.mmapSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("kvm: mapping kvm_run of vCPU %d: %w", index, err)
	}
	c := &VCPU{vm: vm, index: index, apicID: apicID, fd: fd, run: run, word0: runWord0(run), io: vm.io,
		pid: unix.Getpid(), tid: unix.Gettid(), msrBuf: new(kvmMSRs), wake: make(chan struct{}, 1)}
	if err := c.init(); err != nil {
		c.closeLocked()
		return nil, err
	}
	vm.vcpus = append(vm.vcpus, c)
	return c, nil
}

// init programs CPUID, learns the MSRs and the power-on LAPIC, and applies
// the reset state. vm.mu is held.
func (c *VCPU) init() error {
	vm := c.vm
	h := vm.acc.host
	if vm.opts.TSCHz != 0 {
		want := vm.opts.TSCHz / 1000
		if cur, err := ioctl(c.fd, kvmGetTSCKHz, 0); err != nil || uint64(cur) != want {
			if _, err := ioctl(c.fd, kvmSetTSCKHz, uintptr(want)); err != nil {
				return fmt.Errorf("kvm: setting the TSC frequency to %d kHz (host %d kHz): %w; the host's KVM cannot scale the TSC", want, cur, err)
			}
		}
	}
	if vm.tscKHz == 0 && h.caps.tscKHz {
		if khz, err := ioctl(c.fd, kvmGetTSCKHz, 0); err == nil && khz > 0 {
			vm.tscKHz = uint32(khz)
		}
	}
	var cp kvmCPUID2
	es := vm.cpuid.forVCPU(c.index, vm.tscKHz)
	if len(es) > maxCPUIDEntries {
		return fmt.Errorf("kvm: CPUID table of %d entries exceeds %d", len(es), maxCPUIDEntries)
	}
	for i, e := range es {
		cp.Entries[i] = e.toKVM()
	}
	cp.Nent = uint32(len(es))
	if _, err := ioctlPtr(c.fd, kvmSetCPUID2, &cp); err != nil {
		return fmt.Errorf("kvm: KVM_SET_CPUID2 on vCPU %d: %w", c.index, err)
	}
	c.cpuid = es
	if h.caps.xsave {
		c.xsave = make([]byte, max(sizeofXSave, h.caps.xsave2Size))
	}
	if !vm.msrsProbed {
		vm.msrs = c.probeMSRs(msrCandidates(h.msrIndexes))
		vm.msrsProbed = true
	}
	if vm.irqchip {
		if _, err := ioctlPtr(c.fd, kvmGetLAPIC, &c.resetLAPIC); err != nil {
			return fmt.Errorf("kvm: KVM_GET_LAPIC on vCPU %d: %w", c.index, err)
		}
	}
	vals, err := c.getMSRs(vm.msrs)
	if err != nil {
		return err
	}
	c.resetMSRs = resetMSRValues(vals)
	return c.SetState(accel.ResetState(c.index))
}

// Index is the vCPU's index (0: the bootstrap processor).
func (c *VCPU) Index() int { return c.index }

// APICID is the vCPU's initial APIC ID.
func (c *VCPU) APICID() uint32 { return c.apicID }

// CPUID returns the vCPU's CPUID table entry for leaf and subleaf, as given
// to KVM (KVM_SET_CPUID2), or zeros for a leaf the table lacks. It is what
// the guest reads on a host that intercepts CPUID; kvm_pvm hosts let the
// guest's CPUID reach the host CPU instead.
func (c *VCPU) CPUID(leaf, sub uint32) (eax, ebx, ecx, edx uint32) {
	if e := find(c.cpuid, leaf, sub); e != nil {
		return e.EAX, e.EBX, e.ECX, e.EDX
	}
	return 0, 0, 0, 0
}

// LastDebugExit describes the last ExitDebug.
func (c *VCPU) LastDebugExit() DebugExit { return c.debug }

// Kick makes the current or next Run return ExitKicked. Any goroutine may
// call it, at any time, any number of times; kicks that arrive before Run
// reports one are merged.
func (c *VCPU) Kick() {
	c.kickMu.Lock()
	if c.closed {
		c.kickMu.Unlock()
		return
	}
	c.kicked = true
	setImmediateExit(c.word0, true, c.window)
	c.kickMu.Unlock()
	c.signalWake()
	c.interruptRun()
}

// interruptRun makes a KVM_RUN already in the kernel return EINTR; one
// that starts later sees immediate_exit.
func (c *VCPU) interruptRun() { unix.Tgkill(c.pid, c.tid, unix.SIGURG) }

// takeKick consumes a pending kick.
func (c *VCPU) takeKick() bool {
	c.kickMu.Lock()
	defer c.kickMu.Unlock()
	if !c.kicked {
		return false
	}
	c.kicked = false
	setImmediateExit(c.word0, false, c.window)
	return true
}

// Run executes the guest until it halts (without an in-kernel LAPIC to wake
// it), shuts down, asks for a reset, stops for the debugger, or is kicked.
// Port and MMIO accesses are served through the machine's IO meanwhile.
func (c *VCPU) Run() (accel.Exit, error) {
	eagain := 0
	user := c.userMode()
	for {
		if user {
			if exit, stop, err := c.beforeEntry(); stop {
				return exit, err
			}
		}
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(c.fd), kvmRun, 0)
		if user {
			c.afterExit()
		}
		if e != 0 {
			switch e {
			case unix.EINTR:
				// A kick, or some other signal: only a kick ends Run.
				if c.takeKick() {
					return accel.Exit{Reason: accel.ExitKicked}, nil
				}
				continue
			case unix.EAGAIN:
				// An application processor still waiting for
				// INIT/SIPI (some hosts return instead of blocking).
				if c.takeKick() {
					return accel.Exit{Reason: accel.ExitKicked}, nil
				}
				if eagain++; eagain > eagainSpin {
					c.waitSIPI()
				}
				continue
			}
			return accel.Exit{}, c.runError(fmt.Sprintf("KVM_RUN: %v", e))
		}
		switch reason := le32(c.run[runExitReason:]); reason {
		case exitIO:
			if err := c.handleIO(); err != nil {
				return accel.Exit{}, err
			}
		case exitMMIO:
			if err := c.handleMMIO(); err != nil {
				return accel.Exit{}, err
			}
		case exitHLT:
			if c.apic != nil {
				c.halted = true // beforeEntry waits or returns
				continue
			}
			return accel.Exit{Reason: accel.ExitHalt}, nil
		case exitX86RDMSR, exitX86WRMSR:
			c.handleMSR(reason == exitX86WRMSR)
		case exitSetTPR:
			// A CR8 write lowered the TPR; afterExit has told the
			// APIC model, and the next entry injects what it allows.
		case exitShutdown:
			return accel.Exit{Reason: accel.ExitShutdown}, nil
		case exitSystemEvent:
			switch t := le32(c.run[runSystemEventType:]); t {
			case systemEventShutdown:
				return accel.Exit{Reason: accel.ExitShutdown}, nil
			case systemEventReset:
				return accel.Exit{Reason: accel.ExitReset}, nil
			case systemEventCrash:
				return accel.Exit{}, c.runError("the guest reported a crash (KVM_SYSTEM_EVENT_CRASH)")
			default:
				return accel.Exit{}, c.runError(fmt.Sprintf("unexpected KVM system event %d", t))
			}
		case exitDebug:
			c.debug = DebugExit{
				Exception: le32(c.run[runDebugException:]),
				PC:        le64(c.run[runDebugPC:]),
				DR6:       le64(c.run[runDebugDR6:]),
				DR7:       le64(c.run[runDebugDR7:]),
			}
			return accel.Exit{Reason: accel.ExitDebug}, nil
		case exitIntr:
			if c.takeKick() {
				return accel.Exit{Reason: accel.ExitKicked}, nil
			}
		case exitIRQWindowOpen:
			// Requested by beforeEntry, which injects on re-entry.
		case exitInternalError:
			return accel.Exit{}, c.runError(c.internalError())
		case exitFailEntry:
			return accel.Exit{}, c.runError(fmt.Sprintf("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason %#x on host CPU %d",
				le64(c.run[runFailEntryReason:]), le32(c.run[runFailEntryCPU:])))
		default:
			name := exitReasonNames[reason]
			if name == "" {
				name = "?"
			}
			return accel.Exit{}, c.runError(fmt.Sprintf("unexpected KVM exit %s (%d)", name, reason))
		}
	}
}

// eagainSpin is how many EAGAIN returns in a row Run retries at once.
// KVM_RUN blocks an application processor until INIT or SIPI arrives and
// returns EAGAIN when one has woken it without making it runnable (INIT
// received, SIPI still to come); more than a few in a row means the host
// returns without blocking.
const eagainSpin = 16

// waitSIPI pauses briefly before KVM_RUN is retried for an application
// processor that keeps getting EAGAIN, so that it does not spin a host CPU
// while it waits for its SIPI.
func (c *VCPU) waitSIPI() {
	ts := unix.Timespec{Nsec: 200_000} // 200 µs
	unix.Nanosleep(&ts, nil)
}

func (c *VCPU) handleIO() error {
	r := c.run
	size := int(r[runIOSize])
	port := le16(r[runIOPort:])
	count := int(le32(r[runIOCount:]))
	off := le64(r[runIODataOffset:])
	if size != 1 && size != 2 && size != 4 {
		return c.runError(fmt.Sprintf("KVM_EXIT_IO with access size %d", size))
	}
	if off > uint64(len(r)) || uint64(count)*uint64(size) > uint64(len(r))-off {
		return c.runError(fmt.Sprintf("KVM_EXIT_IO data %#x+%d*%d outside kvm_run", off, count, size))
	}
	data := r[off:]
	if r[runIODirection] == exitIOOut {
		for i := 0; i < count; i++ {
			c.io.PortWrite(port, size, uint32(getN(data[i*size:], size)))
		}
	} else {
		for i := 0; i < count; i++ {
			putN(data[i*size:], size, uint64(c.io.PortRead(port, size)))
		}
	}
	return nil
}

func (c *VCPU) handleMMIO() error {
	r := c.run
	addr := le64(r[runMMIOPhysAddr:])
	n := int(le32(r[runMMIOLen:]))
	if n < 1 || n > 8 {
		return c.runError(fmt.Sprintf("KVM_EXIT_MMIO at %#x with length %d", addr, n))
	}
	data := r[runMMIOData : runMMIOData+8]
	if c.apicMMIO(addr, r[runMMIOIsWrite] != 0, data, n) {
		return nil
	}
	if r[runMMIOIsWrite] != 0 {
		c.io.MMIOWrite(addr, n, getN(data, n))
	} else {
		putN(data, n, c.io.MMIORead(addr, n))
	}
	return nil
}

func (c *VCPU) internalError() string {
	r := c.run
	sub := le32(r[runInternalSuberror:])
	nd := min(int(le32(r[runInternalNData:])), 16)
	name := internalErrorNames[sub]
	if name == "" {
		name = "unknown"
	}
	s := fmt.Sprintf("KVM internal error: %s (suberror %d)", name, sub)
	for i := 0; i < nd; i++ {
		s += fmt.Sprintf(" %#x", le64(r[runInternalData+8*i:]))
	}
	if sub == 1 && nd >= 3 {
		// Emulation failure data: flags, then insn_size and the bytes.
		b := r[runInternalData+8 : runInternalData+8+16]
		if sz := int(b[0]); sz > 0 && sz <= 15 {
			s += fmt.Sprintf(" (instruction bytes % x)", b[1:1+sz])
		}
	}
	return s
}

// runError wraps a reason with the vCPU's registers.
func (c *VCPU) runError(reason string) error {
	e := &accel.RunError{VCPU: c.index, Reason: reason}
	if st, err := c.State(); err == nil {
		e.State = &st
	}
	return e
}

// SetSingleStep arms or disarms single-stepping: with it on, Run returns
// ExitDebug after each guest instruction.
func (c *VCPU) SetSingleStep(on bool) error {
	var d kvmGuestDebug
	if on {
		d.Control = guestDebugEnable | guestDebugSingleStep
	}
	if _, err := ioctlPtr(c.fd, kvmSetGuestDebug, &d); err != nil {
		return fmt.Errorf("kvm: KVM_SET_GUEST_DEBUG: %w", err)
	}
	return nil
}

// SetHWBreakpoints arms up to four hardware execution breakpoints (nil
// clears them); Run returns ExitDebug when the guest reaches one. Software
// breakpoints are the debugger's business (int3 in guest memory).
func (c *VCPU) SetHWBreakpoints(addrs []uint64, singleStep bool) error {
	if len(addrs) > 4 {
		return fmt.Errorf("kvm: %d hardware breakpoints, at most 4", len(addrs))
	}
	var d kvmGuestDebug
	if len(addrs) > 0 || singleStep {
		d.Control = guestDebugEnable
	}
	if singleStep {
		d.Control |= guestDebugSingleStep
	}
	if len(addrs) > 0 {
		d.Control |= guestDebugUseHWBP
		var dr7 uint64
		for i, a := range addrs {
			d.DebugReg[i] = a
			dr7 |= 1 << (2 * i) // local enable; R/W=00 (execute), LEN=00
		}
		d.DebugReg[7] = dr7 | 0x400
	}
	if _, err := ioctlPtr(c.fd, kvmSetGuestDebug, &d); err != nil {
		return fmt.Errorf("kvm: KVM_SET_GUEST_DEBUG: %w", err)
	}
	return nil
}

// Close releases the vCPU. Call it on the vCPU's goroutine, after its last
// Run.
func (c *VCPU) Close() error {
	c.vm.mu.Lock()
	defer c.vm.mu.Unlock()
	for i, o := range c.vm.vcpus {
		if o == c {
			c.vm.vcpus = append(c.vm.vcpus[:i], c.vm.vcpus[i+1:]...)
			break
		}
	}
	return c.closeLocked()
}

func (c *VCPU) closeLocked() error {
	c.kickMu.Lock()
	defer c.kickMu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	var first error
	if c.run != nil {
		first = unix.Munmap(c.run)
		c.run, c.word0 = nil, nil
	}
	if err := unix.Close(c.fd); err != nil && first == nil {
		first = err
	}
	return first
}
