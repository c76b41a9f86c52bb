package loader

import (
	"fmt"
	"sort"

	"gemu/hw/mem"
)

// E820Type is the type of an e820 memory-map entry (ACPI "Address Range
// Types", the BIOS INT 15h E820h interface).
type E820Type uint32

// e820 entry types.
const (
	E820RAM      E820Type = 1
	E820Reserved E820Type = 2
	E820ACPI     E820Type = 3 // ACPI reclaimable
	E820NVS      E820Type = 4 // ACPI non-volatile storage
	E820Unusable E820Type = 5
)

func (t E820Type) String() string {
	switch t {
	case E820RAM:
		return "usable"
	case E820Reserved:
		return "reserved"
	case E820ACPI:
		return "ACPI data"
	case E820NVS:
		return "ACPI NVS"
	case E820Unusable:
		return "unusable"
	}
	return fmt.Sprintf("type %d", uint32(t))
}

// E820Entry is one range of the guest's physical memory map.
type E820Entry struct {
	Addr uint64
	Size uint64
	Type E820Type
}

// End is the first address after e.
func (e E820Entry) End() uint64 { return e.Addr + e.Size }

func (e E820Entry) String() string {
	return fmt.Sprintf("[%#012x-%#012x] %v", e.Addr, e.End()-1, e.Type)
}

// Fixed places of the PC's legacy areas.
const (
	// EBDAStart is where base memory ends and the extended BIOS data area
	// begins (639 KiB); the e820 reports base memory up to here.
	EBDAStart = 0x9fc00
	// VGAStart is the start of the legacy video window, never RAM in the map.
	VGAStart = 0xa0000
	// BIOSAreaStart is the start of the system BIOS area at the top of the
	// first MiB, reported reserved.
	BIOSAreaStart = 0xf0000
	// HighMemStart is the first address above the legacy areas.
	HighMemStart = 0x100000
)

// PCMemoryMap returns the memory map a PC firmware would report for ram: the
// RAM slots (ROM slots are not RAM) with base memory ending at EBDAStart, the
// EBDA and the system BIOS area reserved, nothing between 640 KiB and the BIOS
// area, and then each range of reserved (the machine's own: the KVM identity
// map and TSS pages, ACPI tables, ...) cut out of the RAM it overlaps and
// listed with its type. The result is sorted, with adjacent entries of one
// type merged.
func PCMemoryMap(ram *mem.Guest, reserved []E820Entry) []E820Entry {
	var out []E820Entry
	for _, s := range ram.Slots() {
		if s.ReadOnly {
			continue
		}
		out = append(out, E820Entry{uint64(s.GPA), uint64(len(s.Host)), E820RAM})
	}
	out = punch(out, E820Entry{EBDAStart, HighMemStart - EBDAStart, 0})
	legacy := []E820Entry{{EBDAStart, VGAStart - EBDAStart, E820Reserved}, {BIOSAreaStart, HighMemStart - BIOSAreaStart, E820Reserved}}
	for _, r := range append(legacy, reserved...) {
		if r.Size == 0 {
			continue
		}
		out = append(punch(out, r), r)
	}
	return normalize(out)
}

// punch removes [r.Addr, r.End()) from every entry of m.
func punch(m []E820Entry, r E820Entry) []E820Entry {
	var out []E820Entry
	for _, e := range m {
		if e.End() <= r.Addr || e.Addr >= r.End() {
			out = append(out, e)
			continue
		}
		if e.Addr < r.Addr {
			out = append(out, E820Entry{e.Addr, r.Addr - e.Addr, e.Type})
		}
		if e.End() > r.End() {
			out = append(out, E820Entry{r.End(), e.End() - r.End(), e.Type})
		}
	}
	return out
}

func normalize(m []E820Entry) []E820Entry {
	sort.Slice(m, func(i, j int) bool { return m[i].Addr < m[j].Addr })
	var out []E820Entry
	for _, e := range m {
		if e.Size == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Type == e.Type && out[n-1].End() == e.Addr {
			out[n-1].Size += e.Size
			continue
		}
		out = append(out, e)
	}
	return out
}

// checkMap validates a caller-supplied memory map: sorted, no overlaps, no
// wrap-around.
func checkMap(m []E820Entry) error {
	for i, e := range m {
		if e.Size == 0 || e.End() < e.Addr {
			return fmt.Errorf("loader: e820 entry %d %v is empty or wraps", i, e)
		}
		if i > 0 && e.Addr < m[i-1].End() {
			return fmt.Errorf("loader: e820 entry %v overlaps or precedes %v", e, m[i-1])
		}
	}
	return nil
}

// usable reports whether [a, a+n) lies inside one usable RAM entry of m.
func usable(m []E820Entry, a, n uint64) bool {
	end := a + n
	if end < a {
		return false
	}
	for _, e := range m {
		if e.Type == E820RAM && a >= e.Addr && end <= e.End() {
			return true
		}
	}
	return false
}

// lowRAMTop returns the end of the usable RAM entry that contains 1 MiB:
// the top of contiguous memory above the legacy areas, or HighMemStart if none.
func lowRAMTop(m []E820Entry) uint64 {
	for _, e := range m {
		if e.Type == E820RAM && e.Addr <= HighMemStart && e.End() > HighMemStart {
			return e.End()
		}
	}
	return HighMemStart
}
