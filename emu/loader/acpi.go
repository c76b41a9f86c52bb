package loader

import (
	"fmt"

	"gemu/hw/acpi"
	"gemu/hw/mem"
)

// ACPIAddr is where direct kernel boots place the ACPI tables built by
// hw/acpi: in the e820-reserved system BIOS area, after the room the MP
// table takes at MPDefaultAddr (at most MPTableSize(254) bytes, under 8 KiB)
// and before the SMBIOS tables at SMBIOSAddr (24 KiB of room), with the
// RSDP first so that operating systems scanning 0xe0000-0xfffff
// for it find it as well as through boot_params.acpi_rsdp_addr or the PVH
// start_info.
const ACPIAddr = BIOSAreaStart + 0x2000

// RSDP scan window: operating systems look for the RSDP on 16-byte
// boundaries here (ACPI 6.4 section 5.2.5.1), besides the EBDA's first KiB.
const (
	rsdpScanStart = 0xe0000
	rsdpScanEnd   = HighMemStart
)

// ACPI writes tables that hw/acpi built for their address into guest memory
// and returns the region. The whole blob must lie inside one reserved or
// ACPI-data range of the memory map e820 (nil: PCMemoryMap(ram, nil)), so
// that the kernel leaves it alone; pass t.RSDP to Linux and PVH kernels
// (KernelConfig.RSDP). Kernels that scan for the RSDP find it only when it
// lies in the BIOS area, as at ACPIAddr.
func ACPI(ram *mem.Guest, t *acpi.Tables, e820 []E820Entry) (Region, error) {
	if t == nil || len(t.Bytes) == 0 {
		return Region{}, fmt.Errorf("loader: no ACPI tables")
	}
	m := e820
	if m == nil {
		m = PCMemoryMap(ram, nil)
	}
	size := uint64(len(t.Bytes))
	if !inRangeOf(m, t.Addr, size, E820Reserved, E820ACPI) {
		return Region{}, fmt.Errorf("loader: ACPI tables [%#x-%#x] are not inside a reserved or ACPI range of the memory map", t.Addr, t.Addr+size-1)
	}
	if err := ram.LoadROM(t.Bytes, mem.GPA(t.Addr)); err != nil {
		return Region{}, fmt.Errorf("loader: ACPI tables: %w", err)
	}
	return Region{"acpi", mem.GPA(t.Addr), size}, nil
}

// RSDPScannable reports whether an RSDP at addr is found by operating
// systems that search the BIOS area for it.
func RSDPScannable(addr uint64) bool {
	return addr%16 == 0 && addr >= rsdpScanStart && addr+36 <= rsdpScanEnd
}

// inRangeOf reports whether [a, a+n) lies inside one entry of m of one of
// the types.
func inRangeOf(m []E820Entry, a, n uint64, types ...E820Type) bool {
	if a+n < a {
		return false
	}
	for _, e := range m {
		if a < e.Addr || a+n > e.End() {
			continue
		}
		for _, t := range types {
			if e.Type == t {
				return true
			}
		}
	}
	return false
}
