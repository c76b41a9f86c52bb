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

// VM is one KVM virtual machine.
type VM struct {
	acc    *Accelerator
	fd     int
	ram    *mem.Guest
	io     accel.IO
	opts   accel.VMOptions
	logger *slog.Logger
	cpuid  *cpuidTemplate

	irqchip bool // in-kernel PIC, IOAPIC and LAPICs
	pit     bool // in-kernel 8254

	mu         sync.Mutex
	slots      []memSlot // guarded by mu; registered KVM memory slots
	dirtyLog   bool      // guarded by mu; slots registered with KVM_MEM_LOG_DIRTY_PAGES
	dirtyFirst bool      // guarded by mu; the next harvest reports every page
	dirtyBuf   []byte    // guarded by mu; mmap'd scratch for KVM_GET_DIRTY_LOG
	vcpus      []*VCPU   // guarded by mu
	msrs       []uint32  // guarded by mu; MSRs that round-trip, probed on the first vCPU
	msrsProbed bool      // guarded by mu
	tscKHz     uint32    // guarded by mu; 0 until the first vCPU reads it
	closed     bool      // guarded by mu
}

var _ accel.VM = (*VM)(nil)

// memSlot is a registered KVM memory slot.
type memSlot struct {
	id    uint32
	src   *mem.Slot
	gpa   uint64
	size  uint64
	host  uint64
	flags uint32
}

func newVM(a *Accelerator, ram *mem.Guest, io accel.IO, o accel.VMOptions) (*VM, error) {
	if io == nil {
		return nil, errors.New("kvm: the machine gave no IO handler")
	}
	if o.VCPUs <= 0 {
		o.VCPUs = 1
	}
	h := a.host
	if o.VCPUs > h.caps.maxVCPUs {
		return nil, fmt.Errorf("kvm: %d vCPUs requested, the host's KVM allows at most %d (KVM_CAP_MAX_VCPUS)", o.VCPUs, h.caps.maxVCPUs)
	}
	logger := o.Logger
	if logger == nil {
		logger = a.logger
	}
	if o.VCPUs > h.caps.nrVCPUs {
		logger.Warn(fmt.Sprintf("Number of SMP cpus requested (%d) exceeds the recommended cpus supported by KVM (%d)", o.VCPUs, h.caps.nrVCPUs))
	}
	switch o.IRQChip {
	case accel.IRQChipKernel, accel.IRQChipUser:
	case accel.IRQChipSplit:
		return nil, errors.New("kvm: kernel-irqchip=split is not supported by gemu's KVM accelerator; use on or off")
	default:
		return nil, fmt.Errorf("kvm: unknown irqchip mode %v", o.IRQChip)
	}
	tmpl, warnings, err := buildCPUID(h.supported, o.CPU, o.VCPUs)
	if err != nil {
		return nil, err
	}
	if o.IRQChip == accel.IRQChipUser && !h.caps.userSpaceMSR {
		// x2APIC MSRs cannot reach the machine's APIC model.
		tmpl.clearFeature("x2apic")
	}
	for _, w := range warnings {
		logger.Warn(w)
	}
	fd, err := ioctl(a.sysFD, kvmCreateVM, 0)
	if err != nil {
		return nil, fmt.Errorf("kvm: KVM_CREATE_VM: %w", err)
	}
	unix.CloseOnExec(fd)
	vm := &VM{acc: a, fd: fd, ram: ram, io: io, opts: o, logger: logger, cpuid: tmpl}
	if err := vm.setup(); err != nil {
		vm.Close()
		return nil, err
	}
	return vm, nil
}

func (vm *VM) setup() error {
	if _, err := ioctl(vm.fd, kvmSetTSSAddr, TSSAddr); err != nil {
		return fmt.Errorf("kvm: KVM_SET_TSS_ADDR %#x: %w", TSSAddr, err)
	}
	idmap := uint64(IdentityMapAddr)
	if _, err := ioctlPtr(vm.fd, kvmSetIdentityMapAddr, &idmap); err != nil {
		return fmt.Errorf("kvm: KVM_SET_IDENTITY_MAP_ADDR %#x: %w", idmap, err)
	}
	if vm.opts.IRQChip == accel.IRQChipUser && vm.acc.host.caps.userSpaceMSR {
		// Accesses that would fault (x2APIC MSRs without the in-kernel
		// LAPIC among them) come to user space, for the APIC model.
		ec := kvmEnableCapArgs{Cap: capX86UserSpaceMSR}
		ec.Args[0] = msrExitReasonInval
		if _, err := ioctlPtr(vm.fd, kvmEnableCap, &ec); err != nil {
			return fmt.Errorf("kvm: enabling KVM_CAP_X86_USER_SPACE_MSR: %w", err)
		}
	}
	if vm.opts.IRQChip == accel.IRQChipKernel {
		if _, err := ioctl(vm.fd, kvmCreateIRQChip, 0); err != nil {
			return fmt.Errorf("kvm: KVM_CREATE_IRQCHIP: %w", err)
		}
		vm.irqchip = true
		if err := vm.setRouting(); err != nil {
			return err
		}
		if vm.opts.KernelPIT {
			// With the dummy speaker KVM also serves port 0x61, whose
			// gate and OUT2 bits follow the in-kernel channel 2 that
			// guests use to calibrate their clocks.
			cfg := kvmPITConfig{Flags: pitSpeakerDummy}
			if _, err := ioctlPtr(vm.fd, kvmCreatePIT2, &cfg); err != nil {
				return fmt.Errorf("kvm: KVM_CREATE_PIT2: %w", err)
			}
			vm.pit = true
		}
	}
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.syncSlotsLocked()
}

// pcRoutes is the GSI routing of QEMU's PC machines: GSIs 0-15 reach the
// PICs (except 2, the cascade) and the IOAPIC pin of the same number, except
// that GSI 0 (the PIT) reaches IOAPIC pin 2, matching the interrupt source
// override the firmware tables advertise; GSIs 16-23 reach the IOAPIC only.
func pcRoutes() []kvmIRQRoutingEntry {
	var r []kvmIRQRoutingEntry
	add := func(gsi, chip, pin uint32) {
		e := kvmIRQRoutingEntry{GSI: gsi, Type: irqRoutingIRQChip}
		e.U[0], e.U[1] = chip, pin
		r = append(r, e)
	}
	for i := uint32(0); i < 16; i++ {
		switch {
		case i == 2:
		case i < 8:
			add(i, irqchipPICMaster, i)
		default:
			add(i, irqchipPICSlave, i-8)
		}
	}
	for i := uint32(0); i < ioapicPins; i++ {
		switch i {
		case 0:
			add(0, irqchipIOAPIC, 2)
		case 2:
		default:
			add(i, irqchipIOAPIC, i)
		}
	}
	return r
}

// ioapicPins is the number of inputs of KVM's in-kernel IOAPIC.
const ioapicPins = 24

func (vm *VM) setRouting() error {
	var rt kvmIRQRouting
	routes := pcRoutes()
	rt.Nr = uint32(copy(rt.Entries[:], routes))
	if _, err := ioctlPtr(vm.fd, kvmSetGSIRouting, &rt); err != nil {
		return fmt.Errorf("kvm: KVM_SET_GSI_ROUTING: %w", err)
	}
	return nil
}

// SetGSI drives input gsi (0-23) of the in-kernel interrupt controllers.
func (vm *VM) SetGSI(gsi uint32, high bool) error {
	if !vm.irqchip {
		return accel.ErrNoIRQChip
	}
	if gsi >= ioapicPins {
		return fmt.Errorf("kvm: GSI %d out of range (0-%d)", gsi, ioapicPins-1)
	}
	lv := kvmIRQLevel{IRQ: gsi}
	if high {
		lv.Level = 1
	}
	if _, err := ioctlPtr(vm.fd, kvmIRQLine, &lv); err != nil {
		return fmt.Errorf("kvm: KVM_IRQ_LINE %d: %w", gsi, err)
	}
	return nil
}

// SignalMSI delivers a message-signalled interrupt through the in-kernel
// LAPICs. A message no APIC accepts is dropped, as on hardware.
func (vm *VM) SignalMSI(addr uint64, data uint32) error {
	if !vm.irqchip {
		return accel.ErrNoIRQChip
	}
	m := kvmMSI{AddressLo: uint32(addr), AddressHi: uint32(addr >> 32), Data: data}
	if _, err := ioctlPtr(vm.fd, kvmSignalMSI, &m); err != nil {
		return fmt.Errorf("kvm: KVM_SIGNAL_MSI %#x=%#x: %w", addr, data, err)
	}
	return nil
}

// SyncSlots makes KVM's memory slots match the machine's current memory
// layout (after mem.Guest.Overlay or AliasRAM, e.g. PAM or ROM BAR changes).
// Call it only while no vCPU runs.
func (vm *VM) SyncSlots() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.closed {
		return errors.New("kvm: VM is closed")
	}
	return vm.syncSlotsLocked()
}

func (vm *VM) slotFlags(s *mem.Slot) uint32 {
	var f uint32
	if s.ReadOnly {
		f |= memReadonly
	} else if vm.dirtyLog {
		f |= memLogDirtyPages
	}
	return f
}

func (vm *VM) syncSlotsLocked() error {
	want := vm.ram.Slots()
	keep := make([]bool, len(want))
	var kept []memSlot
	used := map[uint32]bool{}
	// Remove every registered slot that no longer matches.
	for _, r := range vm.slots {
		match := -1
		for i, s := range want {
			if !keep[i] && uint64(s.GPA) == r.gpa && uint64(len(s.Host)) == r.size && hostAddr(s.Host) == r.host && vm.slotFlags(s) == r.flags {
				match = i
				break
			}
		}
		if match >= 0 {
			keep[match] = true
			r.src = want[match]
			kept = append(kept, r)
			used[r.id] = true
			continue
		}
		del := kvmUserMemoryRegion{Slot: r.id, GuestPhysAddr: r.gpa}
		if _, err := ioctlPtr(vm.fd, kvmSetUserMemoryRegion, &del); err != nil {
			return fmt.Errorf("kvm: removing memory slot %d at %#x: %w", r.id, r.gpa, err)
		}
	}
	vm.slots = kept
	next := uint32(0)
	for i, s := range want {
		if keep[i] {
			continue
		}
		if hostAddr(s.Host)%mem.PageSize != 0 {
			return fmt.Errorf("kvm: memory %s at %#x is not page aligned in the host (guest RAM must come from mem.New, not mem.NewForTest)", s.Name, s.GPA)
		}
		if s.ReadOnly && !vm.acc.host.caps.readonlyMem {
			return fmt.Errorf("kvm: ROM %s at %#x needs KVM_CAP_READONLY_MEM, which the host lacks", s.Name, s.GPA)
		}
		for used[next] {
			next++
		}
		if int(next) >= vm.acc.host.caps.nrMemslots {
			return fmt.Errorf("kvm: more than %d memory slots", vm.acc.host.caps.nrMemslots)
		}
		r := memSlot{id: next, src: s, gpa: uint64(s.GPA), size: uint64(len(s.Host)), host: hostAddr(s.Host), flags: vm.slotFlags(s)}
		reg := kvmUserMemoryRegion{Slot: r.id, Flags: r.flags, GuestPhysAddr: r.gpa, MemorySize: r.size, UserspaceAddr: r.host}
		if _, err := ioctlPtr(vm.fd, kvmSetUserMemoryRegion, &reg); err != nil {
			return fmt.Errorf("kvm: memory slot %s [%#x, %#x): %w", s.Name, r.gpa, r.gpa+r.size, err)
		}
		used[next] = true
		vm.slots = append(vm.slots, r)
	}
	return nil
}

// SetDirtyLogging switches KVM's dirty-page log on or off for every RAM
// slot. HarvestDirty switches it on by itself; migration switches it off
// when it ends. Turning it on makes the next harvest report every page, as
// nothing was tracked before.
func (vm *VM) SetDirtyLogging(on bool) error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.setDirtyLoggingLocked(on)
}

func (vm *VM) setDirtyLoggingLocked(on bool) error {
	if vm.closed {
		return errors.New("kvm: VM is closed")
	}
	if vm.dirtyLog == on {
		return nil
	}
	vm.dirtyLog = on
	for i := range vm.slots {
		r := &vm.slots[i]
		if r.src.ReadOnly {
			continue
		}
		r.flags = vm.slotFlags(r.src)
		reg := kvmUserMemoryRegion{Slot: r.id, Flags: r.flags, GuestPhysAddr: r.gpa, MemorySize: r.size, UserspaceAddr: r.host}
		if _, err := ioctlPtr(vm.fd, kvmSetUserMemoryRegion, &reg); err != nil {
			return fmt.Errorf("kvm: setting dirty logging on slot %d: %w", r.id, err)
		}
	}
	if on {
		vm.dirtyFirst = true
	}
	return nil
}

// HarvestDirty ORs into into the pages vCPUs wrote since the last call and
// clears KVM's log. The first call switches logging on and reports every
// RAM page, since writes before it were not tracked.
func (vm *VM) HarvestDirty(into *mem.Bitmap) error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if !vm.dirtyLog {
		if err := vm.setDirtyLoggingLocked(true); err != nil {
			return err
		}
	}
	all := vm.dirtyFirst
	vm.dirtyFirst = false
	for i := range vm.slots {
		r := &vm.slots[i]
		if r.flags&memLogDirtyPages == 0 {
			continue
		}
		pages := int(r.size / mem.PageSize)
		first := r.src.SlotPage()
		words := (pages + 63) / 64
		if len(vm.dirtyBuf) < words*8 {
			if vm.dirtyBuf != nil {
				unix.Munmap(vm.dirtyBuf)
				vm.dirtyBuf = nil
			}
			b, err := unix.Mmap(-1, 0, (words*8+mem.PageSize-1)/mem.PageSize*mem.PageSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
			if err != nil {
				return fmt.Errorf("kvm: dirty log buffer: %w", err)
			}
			vm.dirtyBuf = b
		}
		dl := kvmDirtyLog{Slot: r.id, Bitmap: hostAddr(vm.dirtyBuf)}
		if _, err := ioctlPtr(vm.fd, kvmGetDirtyLog, &dl); err != nil {
			return fmt.Errorf("kvm: KVM_GET_DIRTY_LOG slot %d: %w", r.id, err)
		}
		for w := 0; w < words; w++ {
			v := le64(vm.dirtyBuf[w*8:])
			if all {
				v = ^uint64(0)
				if rem := pages - w*64; rem < 64 {
					v = 1<<rem - 1
				}
			}
			if v == 0 {
				continue
			}
			base := first + w*64
			if base%64 == 0 {
				into.OrWord(base/64, v)
				continue
			}
			for v != 0 {
				b := trailingZeros(v)
				into.Set(base + b)
				v &^= 1 << b
			}
		}
	}
	return nil
}

// Close destroys the VM: its vCPUs must have been closed (or never run
// again); memory slots go with the VM, the guest RAM stays the machine's.
func (vm *VM) Close() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.closed {
		return nil
	}
	vm.closed = true
	for _, c := range vm.vcpus {
		c.closeLocked()
	}
	vm.vcpus = nil
	var first error
	if vm.dirtyBuf != nil {
		first = unix.Munmap(vm.dirtyBuf)
		vm.dirtyBuf = nil
	}
	if err := unix.Close(vm.fd); err != nil && first == nil {
		first = err
	}
	return first
}
