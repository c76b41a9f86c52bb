package ioapic

// Registers of the I/O APIC (Intel 82093AA I/O Advanced Programmable
// Interrupt Controller data sheet, order no. 290566, §3 "Register
// Description"), in the version 0x20 flavour of the ICH south bridges that
// adds a directed EOI register (Intel ICH9 data sheet §13.5 "Advanced
// Programmable Interrupt Controller": EOI register at offset 0x40).
const (
	// DefaultBase is the I/O APIC's MMIO address on a PC.
	DefaultBase = 0xfec00000
	// RegionLen is the size of the MMIO window (QEMU maps 4 KiB).
	RegionLen = 0x1000

	regIOREGSEL = 0x00 // I/O register select (index), 8 bits used
	regIOWIN    = 0x10 // I/O window: the selected register, 32 bits
	regEOI      = 0x40 // EOI: writing a vector clears the remote IRR of its level entries

	// NumPins is the number of interrupt inputs (redirection entries).
	NumPins = 24
	// Version is the IOAPICVER version field (QEMU's ioapic: 0x20).
	Version = 0x20
)

// Indirect registers, selected through IOREGSEL (data sheet §3.2).
const (
	idxID      = 0x00 // IOAPICID: bits 27:24
	idxVersion = 0x01 // IOAPICVER: maximum redirection entry 23:16, version 7:0
	idxArb     = 0x02 // IOAPICARB: arbitration ID 27:24, read only
	idxRedTbl  = 0x10 // IOREDTBL0..23: two registers each, low then high dword

	idShift = 24
	idMask  = 0x0f << idShift
)

// Redirection table entry bits (data sheet §3.2.4).
const (
	rteVector         = 0xff
	rteModeShift      = 8       // bits 10:8 delivery mode
	rteDestLogical    = 1 << 11 // destination mode: 1 logical
	rteDeliveryStatus = 1 << 12 // send pending (read only; always idle here)
	rtePolarityLow    = 1 << 13 // input pin polarity: 1 active low
	rteRemoteIRR      = 1 << 14 // level: accepted by a local APIC, awaiting EOI (read only)
	rteLevel          = 1 << 15 // trigger mode: 1 level
	rteMasked         = 1 << 16 // interrupt mask
	rteDestShift      = 56      // bits 63:56 destination field

	rteReadOnly = rteDeliveryStatus | rteRemoteIRR
	rteWritable = 0xff<<rteDestShift | rteMasked | rteLevel | rtePolarityLow | rteDestLogical | 7<<rteModeShift | rteVector
	rteReset    = rteMasked
)
