package kvm

import (
	"encoding/binary"
	"fmt"

	"gemu/accel"
)

// Names of the VM-wide state parts. Each part's data is a version byte
// followed by the kernel structure's bytes (kvm_pic_state, kvm_ioapic_state,
// kvm_pit_state2) or, for the clock, the guest clock in nanoseconds.
const (
	partPICMaster = "pic-master"
	partPICSlave  = "pic-slave"
	partIOAPIC    = "ioapic"
	partPIT       = "pit"
	partClock     = "clock"

	partVersion = 1
)

// SaveState reads the in-kernel PICs, IOAPIC and PIT (when present) and
// the guest clock.
func (vm *VM) SaveState() (accel.VMState, error) {
	st := accel.VMState{Accel: "kvm"}
	add := func(name string, data []byte) {
		st.Parts = append(st.Parts, accel.VMStatePart{Name: name, Data: append([]byte{partVersion}, data...)})
	}
	if vm.irqchip {
		for _, c := range []struct {
			name string
			id   uint32
			size int
		}{{partPICMaster, irqchipPICMaster, sizeofPICState}, {partPICSlave, irqchipPICSlave, sizeofPICState}, {partIOAPIC, irqchipIOAPIC, sizeofIOAPICState}} {
			chip := kvmIRQChip{ChipID: c.id}
			if _, err := ioctlPtr(vm.fd, kvmGetIRQChip, &chip); err != nil {
				return st, fmt.Errorf("kvm: KVM_GET_IRQCHIP %s: %w", c.name, err)
			}
			add(c.name, chip.Chip[:c.size])
		}
	}
	if vm.pit {
		var p kvmPITState2
		if _, err := ioctlPtr(vm.fd, kvmGetPIT2, &p); err != nil {
			return st, fmt.Errorf("kvm: KVM_GET_PIT2: %w", err)
		}
		add(partPIT, encodePIT(&p))
	}
	var clk kvmClockData
	if _, err := ioctlPtr(vm.fd, kvmGetClock, &clk); err != nil {
		return st, fmt.Errorf("kvm: KVM_GET_CLOCK: %w", err)
	}
	add(partClock, binary.LittleEndian.AppendUint64(nil, clk.Clock))
	return st, nil
}

// LoadState restores what SaveState saved, after checking every part. Load
// the vCPUs' state first: restoring the IOAPIC may deliver interrupts to
// the LAPICs.
func (vm *VM) LoadState(st accel.VMState) error {
	p, err := parseVMState(st, vm.irqchip, vm.pit)
	if err != nil {
		return err
	}
	if vm.irqchip {
		for i := range p.chips {
			if _, err := ioctlPtr(vm.fd, kvmSetIRQChip, &p.chips[i]); err != nil {
				return fmt.Errorf("kvm: KVM_SET_IRQCHIP %d: %w", p.chips[i].ChipID, err)
			}
		}
	}
	if vm.pit {
		if _, err := ioctlPtr(vm.fd, kvmSetPIT2, &p.pit); err != nil {
			return fmt.Errorf("kvm: KVM_SET_PIT2: %w", err)
		}
	}
	clk := kvmClockData{Clock: p.clock}
	if _, err := ioctlPtr(vm.fd, kvmSetClock, &clk); err != nil {
		return fmt.Errorf("kvm: KVM_SET_CLOCK: %w", err)
	}
	return nil
}

// parsedVMState is a checked VMState, ready for the kernel.
type parsedVMState struct {
	chips [3]kvmIRQChip // PIC master, PIC slave, IOAPIC
	pit   kvmPITState2
	clock uint64
}

// parseVMState checks a VM state from an untrusted stream against a VM
// with or without the in-kernel irqchip and PIT.
func parseVMState(st accel.VMState, irqchip, pit bool) (*parsedVMState, error) {
	if st.Accel != "kvm" {
		return nil, fmt.Errorf("kvm: VM state was saved by accelerator %q", st.Accel)
	}
	parts := map[string][]byte{}
	for _, p := range st.Parts {
		if _, dup := parts[p.Name]; dup {
			return nil, fmt.Errorf("kvm: VM state has part %q twice", p.Name)
		}
		if len(p.Data) == 0 || p.Data[0] != partVersion {
			return nil, fmt.Errorf("kvm: VM state part %q: unknown version", p.Name)
		}
		parts[p.Name] = p.Data[1:]
	}
	want := map[string]int{partClock: 8}
	if irqchip {
		want[partPICMaster], want[partPICSlave], want[partIOAPIC] = sizeofPICState, sizeofPICState, sizeofIOAPICState
	}
	if pit {
		want[partPIT] = pitEncodedSize
	}
	for name, data := range parts {
		n, ok := want[name]
		if !ok {
			return nil, fmt.Errorf("kvm: VM state part %q is not known to this VM (irqchip %v, PIT %v)", name, irqchip, pit)
		}
		if len(data) != n {
			return nil, fmt.Errorf("kvm: VM state part %q has %d bytes, want %d", name, len(data), n)
		}
	}
	for _, name := range []string{partPICMaster, partPICSlave, partIOAPIC, partPIT, partClock} {
		if _, needed := want[name]; needed {
			if _, ok := parts[name]; !ok {
				return nil, fmt.Errorf("kvm: VM state lacks part %q", name)
			}
		}
	}
	p := &parsedVMState{clock: binary.LittleEndian.Uint64(parts[partClock])}
	if pit {
		if err := decodePIT(parts[partPIT], &p.pit); err != nil {
			return nil, err
		}
	}
	if irqchip {
		for i, c := range []struct {
			name string
			id   uint32
		}{{partPICMaster, irqchipPICMaster}, {partPICSlave, irqchipPICSlave}, {partIOAPIC, irqchipIOAPIC}} {
			data := parts[c.name]
			if c.id == irqchipIOAPIC {
				if err := checkIOAPIC(data); err != nil {
					return nil, err
				}
			} else if err := checkPIC(c.name, data); err != nil {
				return nil, err
			}
			p.chips[i].ChipID = c.id
			copy(p.chips[i].Chip[:], data)
		}
	}
	return p, nil
}

// kvm_pic_state field offsets (arch/x86/include/uapi/asm/kvm.h).
const (
	picLastIRR     = 0
	picIRR         = 1
	picIMR         = 2
	picISR         = 3
	picPriorityAdd = 4
	picIRQBase     = 5
	picReadReg     = 6
	picPoll        = 7
	picSpecialMask = 8
	picInitState   = 9
	picAutoEOI     = 10
	picRotateAEOI  = 11
	picSFNM        = 12
	picInit4       = 13
	picELCR        = 14
	picELCRMask    = 15
)

func checkPIC(name string, b []byte) error {
	for _, f := range []struct {
		off int
		max byte
		n   string
	}{{picPriorityAdd, 7, "priority_add"}, {picReadReg, 1, "read_reg_select"}, {picPoll, 1, "poll"},
		{picSpecialMask, 1, "special_mask"}, {picInitState, 3, "init_state"}, {picAutoEOI, 1, "auto_eoi"},
		{picRotateAEOI, 1, "rotate_on_auto_eoi"}, {picSFNM, 1, "special_fully_nested_mode"}, {picInit4, 1, "init4"}} {
		if b[f.off] > f.max {
			return fmt.Errorf("kvm: VM state %s: %s = %d, at most %d", name, f.n, b[f.off], f.max)
		}
	}
	if b[picIRQBase]&7 != 0 {
		return fmt.Errorf("kvm: VM state %s: irq_base %#x is not a multiple of 8", name, b[picIRQBase])
	}
	if b[picELCR]&^b[picELCRMask] != 0 {
		return fmt.Errorf("kvm: VM state %s: elcr %#x outside its mask %#x", name, b[picELCR], b[picELCRMask])
	}
	return nil
}

// kvm_ioapic_state: base_address u64, ioregsel u32, id u32, irr u32, pad,
// redirtbl[24] u64.
const (
	ioapicBase    = 0
	ioapicRegSel  = 8
	ioapicID      = 12
	ioapicDefault = 0xfec00000
)

func checkIOAPIC(b []byte) error {
	if base := binary.LittleEndian.Uint64(b[ioapicBase:]); base != ioapicDefault {
		return fmt.Errorf("kvm: VM state ioapic: base address %#x, KVM's IOAPIC sits at %#x", base, ioapicDefault)
	}
	if sel := binary.LittleEndian.Uint32(b[ioapicRegSel:]); sel > 0xff {
		return fmt.Errorf("kvm: VM state ioapic: ioregsel %#x", sel)
	}
	if id := binary.LittleEndian.Uint32(b[ioapicID:]); id > 0xf {
		return fmt.Errorf("kvm: VM state ioapic: id %d", id)
	}
	return nil
}

// The PIT part is kvm_pit_state2 with count_load_time dropped: that is a
// host monotonic timestamp, meaningless in another process or host; KVM
// restarts each counter from its count on load.
const pitEncodedSize = 3*16 + 4

// pitModeUnset is the mode KVM gives a channel the guest never programmed.
const pitModeUnset = 0xff

func encodePIT(p *kvmPITState2) []byte {
	var b []byte
	for _, c := range p.Channels {
		b = binary.LittleEndian.AppendUint32(b, c.Count)
		b = binary.LittleEndian.AppendUint16(b, c.LatchedCount)
		b = append(b, c.CountLatched, c.StatusLatched, c.Status, c.ReadState, c.WriteState, c.WriteLatch,
			c.RWMode, c.Mode, c.BCD, c.Gate)
	}
	return binary.LittleEndian.AppendUint32(b, p.Flags)
}

func decodePIT(b []byte, p *kvmPITState2) error {
	if len(b) != pitEncodedSize {
		return fmt.Errorf("kvm: VM state pit: %d bytes, want %d", len(b), pitEncodedSize)
	}
	for i := range p.Channels {
		o := b[16*i:]
		c := kvmPITChannelState{Count: binary.LittleEndian.Uint32(o), LatchedCount: binary.LittleEndian.Uint16(o[4:]),
			CountLatched: o[6], StatusLatched: o[7], Status: o[8], ReadState: o[9], WriteState: o[10], WriteLatch: o[11],
			RWMode: o[12], Mode: o[13], BCD: o[14], Gate: o[15]}
		switch {
		case c.Count > 0x10000:
			return fmt.Errorf("kvm: VM state pit: channel %d count %#x exceeds 0x10000", i, c.Count)
		case c.Mode > 5 && c.Mode != pitModeUnset:
			return fmt.Errorf("kvm: VM state pit: channel %d mode %d", i, c.Mode)
		case c.RWMode > 3:
			return fmt.Errorf("kvm: VM state pit: channel %d access mode %d", i, c.RWMode)
		case c.ReadState > 4 || c.WriteState > 4:
			return fmt.Errorf("kvm: VM state pit: channel %d read/write state %d/%d", i, c.ReadState, c.WriteState)
		case c.BCD > 1 || c.Gate > 1 || c.CountLatched > 3 || c.StatusLatched > 1:
			return fmt.Errorf("kvm: VM state pit: channel %d has an out-of-range flag", i)
		}
		p.Channels[i] = c
	}
	p.Flags = binary.LittleEndian.Uint32(b[48:])
	if p.Flags&^1 != 0 { // only KVM_PIT_FLAGS_HPET_LEGACY
		return fmt.Errorf("kvm: VM state pit: flags %#x", p.Flags)
	}
	return nil
}
