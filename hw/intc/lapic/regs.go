package lapic

// Registers of the local APIC (Intel SDM vol. 3A, chapter 11 in recent
// editions, chapter 10 in older ones — the section numbers cited are the
// older ones: Table 10-1 "Local APIC Register Address Map", Table 10-6
// "Local APIC Register Address Map Supported by x2APIC"). A register's
// index is its xAPIC offset divided by 16; its x2APIC MSR is 0x800 plus the
// index.
const (
	// DefaultBase is the APIC page's address after reset.
	DefaultBase = 0xfee00000
	// Version is the version register QEMU's APIC reports: version 0x14,
	// six LVT entries (maximum LVT entry 5), no EOI-broadcast suppression.
	Version = 0x00050014

	idxID       = 0x02 // local APIC ID
	idxVersion  = 0x03
	idxTPR      = 0x08 // task priority
	idxAPR      = 0x09 // arbitration priority (xAPIC only)
	idxPPR      = 0x0a // processor priority
	idxEOI      = 0x0b // end of interrupt, write only
	idxRRD      = 0x0c // remote read (xAPIC only)
	idxLDR      = 0x0d // logical destination
	idxDFR      = 0x0e // destination format (xAPIC only)
	idxSVR      = 0x0f // spurious interrupt vector
	idxISR      = 0x10 // in-service, 8 registers
	idxTMR      = 0x18 // trigger mode, 8 registers
	idxIRR      = 0x20 // interrupt request, 8 registers
	idxESR      = 0x28 // error status
	idxICR      = 0x30 // interrupt command, low (x2APIC: the whole 64 bits)
	idxICR2     = 0x31 // interrupt command, high (xAPIC only)
	idxLVT      = 0x32 // LVT timer, thermal, performance, LINT0, LINT1, error
	idxInitial  = 0x38 // timer initial count
	idxCurrent  = 0x39 // timer current count, read only
	idxDivide   = 0x3e // timer divide configuration
	idxSelfIPI  = 0x3f // self IPI (x2APIC only), write only
	numIndexes  = 0x40
	pageSize    = 0x1000
	msrX2First  = 0x800
	msrX2Last   = 0x8ff
	msrDeadline = 0x6e0 // IA32_TSC_DEADLINE (SDM §10.5.4.1)
)

// LVT entries, in register order (SDM §10.5.1, Figure 10-8).
const (
	lvtTimer = iota
	lvtThermal
	lvtPerf
	lvtLINT0
	lvtLINT1
	lvtError
	numLVT
)

// LVT bits.
const (
	lvtVector         = 0xff
	lvtModeShift      = 8       // bits 10:8 delivery mode (not timer, error)
	lvtDeliveryStatus = 1 << 12 // send pending, read only (always idle here)
	lvtPolarityLow    = 1 << 13 // LINT input pin polarity
	lvtRemoteIRR      = 1 << 14 // LINT level-triggered fixed: accepted, awaiting EOI
	lvtLevel          = 1 << 15 // LINT trigger mode: 1 level
	lvtMasked         = 1 << 16
	lvtTimerShift     = 17 // bits 18:17 timer mode
	lvtTimerPeriodic  = 1 << 17
	lvtTimerDeadline  = 2 << 17

	timerOneShot  = 0
	timerPeriodic = 1
	timerDeadline = 2
)

// lvtWritable are the bits software writes in each LVT entry; the timer's
// bit 18 only when TSC-deadline mode is supported.
var lvtWritable = [numLVT]uint32{
	lvtTimer:   lvtMasked | lvtTimerPeriodic | lvtVector,
	lvtThermal: lvtMasked | 7<<lvtModeShift | lvtVector,
	lvtPerf:    lvtMasked | 7<<lvtModeShift | lvtVector,
	lvtLINT0:   lvtMasked | lvtLevel | lvtPolarityLow | 7<<lvtModeShift | lvtVector,
	lvtLINT1:   lvtMasked | lvtLevel | lvtPolarityLow | 7<<lvtModeShift | lvtVector,
	lvtError:   lvtMasked | lvtVector,
}

// Spurious interrupt vector register (SDM §10.9, Figure 10-23).
const (
	svrVector      = 0xff
	svrEnable      = 1 << 8 // APIC software enable
	svrFocusOff    = 1 << 9 // focus processor checking disabled
	svrWritable    = svrVector | svrEnable | svrFocusOff
	svrReset       = 0xff
	dfrFlat        = 0xf
	dfrReset       = 0xffffffff
	dfrModelShift  = 28
	ldrXAPICMask   = 0xff000000
	icr2DestMask   = 0xff000000
	icrDestShift   = 24 // in ICR high (xAPIC)
	dividerMask    = 0xb
	tprMask        = 0xff
	selfIPIVector  = 0xff
	xapicIDShift   = 24
	clusterIDShift = 4 // x2APIC: logical ID = cluster (ID[19:4]) << 16 | 1 << ID[3:0]
)

// Error status register bits (SDM §10.5.3, Figure 10-9).
const (
	esrSendIllegalVector = 1 << 5
	esrRecvIllegalVector = 1 << 6
	esrIllegalAddress    = 1 << 7
)

// Interrupt command register (SDM §10.6.1, Figure 10-12).
const (
	icrVector         = 0xff
	icrModeShift      = 8
	icrDestLogical    = 1 << 11
	icrDeliveryStatus = 1 << 12
	icrLevelAssert    = 1 << 14
	icrTriggerLevel   = 1 << 15
	icrShorthandShift = 18
	icrWritable       = 3<<icrShorthandShift | icrTriggerLevel | icrLevelAssert | icrDestLogical | 7<<icrModeShift | icrVector
	icrX2Reserved     = 0xffffffff &^ icrWritable // x2APIC: bits 12, 13, 16, 17, 20-31 of the low half
)

// IA32_APIC_BASE (SDM §10.4.4, Figure 10-5; §10.12.1 for bit 10).
const (
	baseBSP    = 1 << 8
	baseX2APIC = 1 << 10 // EXTD
	baseEnable = 1 << 11 // EN
	baseAddr   = ^uint64(0xfff)
)
