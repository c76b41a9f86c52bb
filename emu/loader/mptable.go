package loader

import (
	"fmt"

	"gemu/hw/mem"
)

// Intel MultiProcessor Specification 1.4, chapter 4: the floating pointer
// structure and the MP configuration table.
const (
	mpfSize      = 16
	mpcHeader    = 44
	mpProcSize   = 20
	mpEntrySize  = 8 // bus, I/O APIC, I/O and local interrupt assignments
	mpSpecRev    = 4 // version 1.4
	mpAPICVer    = 0x14
	mpIOAPICVer  = 0x11
	mpLAPICAddr  = 0xfee00000
	mpProcEN     = 1 << 0
	mpProcBP     = 1 << 1
	mpCPUSig     = 0x600       // family 6
	mpCPUFeature = 1<<0 | 1<<9 // FPU, on-chip APIC (CPUID.1:EDX)

	mpEntryProc     = 0
	mpEntryBus      = 1
	mpEntryIOAPIC   = 2
	mpEntryIOIntr   = 3
	mpEntryLocalInt = 4

	mpIntINT    = 0
	mpIntNMI    = 1
	mpIntExtINT = 3

	// MPDefaultAddr is where MPTable puts the tables by default: the start
	// of the system BIOS area, reported reserved by PCMemoryMap and scanned
	// by operating systems.
	MPDefaultAddr = BIOSAreaStart
	// IOAPICAddr is the I/O APIC's default base address.
	IOAPICAddr = 0xfec00000
)

// MPConfig describes the processors and interrupt wiring to report.
type MPConfig struct {
	CPUs int // processors, APIC IDs 0..CPUs-1; 0 is the bootstrap processor
	// Addr is where the floating pointer goes, followed by the configuration
	// table (16-byte aligned); 0 means MPDefaultAddr. Operating systems
	// find the pointer only in the first KiB of the EBDA, the last KiB of
	// base memory or 0xf0000-0xfffff.
	Addr uint64
	// E820 is the machine's memory map (nil: PCMemoryMap(ram, nil)); the
	// tables must lie in one of its reserved ranges.
	E820 []E820Entry
}

// MPTableSize returns the bytes MPTable writes for cpus processors.
func MPTableSize(cpus int) uint64 {
	return mpfSize + mpcHeader + uint64(cpus)*mpProcSize + mpEntrySize*(1+1+15+2)
}

// MPTable writes an MP floating pointer and configuration table: one
// processor entry per CPU, an ISA bus, the I/O APIC (ID CPUs, at
// 0xfec00000), the ISA interrupts 0-15 on the I/O APIC's pins with the PC's
// timer override (IRQ 0 on INTIN2; IRQ 2, the 8259 cascade, is not
// connected), and ExtINT on LINT0 and NMI on LINT1 of every local APIC. It
// returns the region written.
func MPTable(ram *mem.Guest, c MPConfig) (Region, error) {
	if c.CPUs < 1 || c.CPUs > 254 {
		return Region{}, fmt.Errorf("loader: MP table for %d CPUs; want 1 to 254 (APIC IDs below the I/O APIC's)", c.CPUs)
	}
	addr := c.Addr
	if addr == 0 {
		addr = MPDefaultAddr
	}
	if addr%16 != 0 {
		return Region{}, fmt.Errorf("loader: MP floating pointer address %#x is not 16-byte aligned", addr)
	}
	size := MPTableSize(c.CPUs)
	m := c.E820
	if m == nil {
		m = PCMemoryMap(ram, nil)
	}
	if !inReserved(m, addr, size) {
		return Region{}, fmt.Errorf("loader: MP table [%#x-%#x] is not inside a reserved range of the memory map", addr, addr+size-1)
	}
	b := make([]byte, size)
	mpc := addr + mpfSize
	ioapicID := uint8(c.CPUs)

	// Floating pointer.
	copy(b, "_MP_")
	le.PutUint32(b[4:], uint32(mpc))
	b[8] = 1 // length in 16-byte units
	b[9] = mpSpecRev
	// b[11]: feature byte 1 = 0, a configuration table is present;
	// b[12]: IMCRP clear, the virtual-wire mode.
	b[10] = checksum(b[:mpfSize])

	t := b[mpfSize:]
	e := t[mpcHeader:]
	n := 0
	add := func(size int) []byte {
		r := e[:size]
		e = e[size:]
		n++
		return r
	}
	for i := 0; i < c.CPUs; i++ {
		p := add(mpProcSize)
		p[0] = mpEntryProc
		p[1] = uint8(i)
		p[2] = mpAPICVer
		p[3] = mpProcEN
		if i == 0 {
			p[3] |= mpProcBP
		}
		le.PutUint32(p[4:], mpCPUSig)
		le.PutUint32(p[8:], mpCPUFeature)
	}
	bus := add(mpEntrySize)
	bus[0] = mpEntryBus
	bus[1] = 0
	copy(bus[2:], "ISA   ")
	io := add(mpEntrySize)
	io[0] = mpEntryIOAPIC
	io[1] = ioapicID
	io[2] = mpIOAPICVer
	io[3] = 1 // enabled
	le.PutUint32(io[4:], IOAPICAddr)
	for irq := 0; irq < 16; irq++ {
		if irq == 2 {
			continue
		}
		pin := irq
		if irq == 0 {
			pin = 2
		}
		x := add(mpEntrySize)
		x[0] = mpEntryIOIntr
		x[1] = mpIntINT
		// x[2:4] flags 0: polarity and trigger conform to the ISA bus.
		x[4] = 0 // source bus: ISA
		x[5] = uint8(irq)
		x[6] = ioapicID
		x[7] = uint8(pin)
	}
	for lint, typ := range []uint8{mpIntExtINT, mpIntNMI} {
		x := add(mpEntrySize)
		x[0] = mpEntryLocalInt
		x[1] = typ
		x[4] = 0    // source bus
		x[5] = 0    // source IRQ
		x[6] = 0xff // every local APIC
		x[7] = uint8(lint)
	}
	copy(t, "PCMP")
	le.PutUint16(t[4:], uint16(len(t)))
	t[6] = mpSpecRev
	copy(t[8:], "GEMU    ")
	copy(t[16:], "PC          ")
	le.PutUint16(t[34:], uint16(n))
	le.PutUint32(t[36:], mpLAPICAddr)
	t[7] = checksum(t)

	if err := ram.LoadROM(b, mem.GPA(addr)); err != nil {
		return Region{}, fmt.Errorf("loader: MP table: %w", err)
	}
	return Region{"mptable", mem.GPA(addr), size}, nil
}

// checksum returns the byte that makes b sum to zero.
func checksum(b []byte) uint8 {
	var s uint8
	for _, c := range b {
		s += c
	}
	return -s
}

// inReserved reports whether [a, a+n) lies inside one reserved entry of m.
func inReserved(m []E820Entry, a, n uint64) bool {
	for _, e := range m {
		if e.Type == E820Reserved && a >= e.Addr && a+n <= e.End() && a+n >= a {
			return true
		}
	}
	return false
}
