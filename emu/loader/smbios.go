package loader

import (
	"fmt"

	"gemu/hw/mem"
	"gemu/hw/smbios"
)

// SMBIOSAddr is where direct kernel boots place the SMBIOS entry points
// built by hw/smbios, with the structure table right after them: the upper
// half of the e820-reserved system BIOS area, after the room left for the
// ACPI tables at ACPIAddr (24 KiB; those for 254 CPUs take under 11 KiB).
// Operating systems find the entry points by scanning 0xf0000-0xfffff.
// The 32 KiB hold the tables of 254 sockets with a few TiB of RAM; larger
// ones go elsewhere (smbios.Config.TableAddr) in a reserved range.
const SMBIOSAddr = BIOSAreaStart + 0x8000

// SMBIOSScannable reports whether an SMBIOS entry point at addr is found by
// operating systems that search the BIOS area for it: 16-byte aligned, with
// the 32 bytes a scan reads at once inside 0xf0000-0xfffff.
func SMBIOSScannable(addr uint64) bool {
	return addr%16 == 0 && addr >= BIOSAreaStart && addr+32 <= HighMemStart
}

// SMBIOS writes the entry points and the structure table that hw/smbios
// laid out into guest memory and returns the regions: "smbios", and
// "smbios-table" when the table does not follow the entry points. Both
// must lie inside reserved ranges of the memory map e820 (nil:
// PCMemoryMap(ram, nil)), so that the kernel leaves them alone, and the
// entry points where a scan of the BIOS area finds them (a kernel booted
// directly has no other way to them), as at SMBIOSAddr.
func SMBIOS(ram *mem.Guest, t *smbios.Tables, e820 []E820Entry) ([]Region, error) {
	if t == nil || len(t.Anchor) == 0 || len(t.Table) == 0 {
		return nil, fmt.Errorf("loader: no SMBIOS tables")
	}
	m := e820
	if m == nil {
		m = PCMemoryMap(ram, nil)
	}
	for a := t.Addr; a < t.Addr+uint64(len(t.Anchor)); a += 32 {
		if !SMBIOSScannable(a) {
			return nil, fmt.Errorf("loader: SMBIOS entry point at %#x is not where operating systems scan for it (16-byte aligned in 0xf0000-0xfffff)", a)
		}
	}
	parts := []struct {
		name string
		addr uint64
		b    []byte
	}{{"smbios", t.Addr, t.Anchor}, {"smbios-table", t.TableAddr, t.Table}}
	if t.Contiguous() {
		parts = parts[:1]
		parts[0].b = t.Bytes()
	}
	var out []Region
	for _, p := range parts {
		size := uint64(len(p.b))
		if !inRangeOf(m, p.addr, size, E820Reserved) {
			return nil, fmt.Errorf("loader: SMBIOS %s [%#x-%#x] is not inside a reserved range of the memory map", p.name, p.addr, p.addr+size-1)
		}
		out = append(out, Region{p.name, mem.GPA(p.addr), size})
	}
	for i, p := range parts {
		if err := ram.LoadROM(p.b, out[i].Start); err != nil {
			return nil, fmt.Errorf("loader: SMBIOS: %w", err)
		}
	}
	return out, nil
}
