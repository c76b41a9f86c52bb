package mc146818

// Registers of the Motorola MC146818A real-time clock (MC146818A data
// sheet, "Address Map" figure and "Registers" section), as the PC maps them
// at ports 0x70 (index, bit 7 masking NMI) and 0x71 (data).
const (
	regSeconds      = 0x00
	regSecondsAlarm = 0x01
	regMinutes      = 0x02
	regMinutesAlarm = 0x03
	regHours        = 0x04
	regHoursAlarm   = 0x05
	regDayOfWeek    = 0x06 // 1 = Sunday
	regDayOfMonth   = 0x07
	regMonth        = 0x08
	regYear         = 0x09 // 00-99
	regA            = 0x0a // divider and rate select, UIP
	regB            = 0x0b // control
	regC            = 0x0c // interrupt flags, read-only, cleared by reading
	regD            = 0x0d // valid RAM and time, read-only

	// RegCentury is the century byte PC firmware keeps in CMOS RAM (the
	// FADT's CENTURY field points here); the RTC updates it with the year.
	RegCentury = 0x32

	cmosSize = 128
)

// Register A (data sheet "Register A").
const (
	aUIP      = 1 << 7 // update in progress, read-only
	aDVMask   = 7 << 4 // DV2-DV0: divider control
	aDV32K    = 2 << 4 // 32.768 kHz time base, running
	aRSMask   = 0x0f   // RS3-RS0: periodic rate select
	aWritable = aDVMask | aRSMask
)

// Register B (data sheet "Register B").
const (
	bSET  = 1 << 7 // halt updates so the time can be set
	bPIE  = 1 << 6 // periodic interrupt enable
	bAIE  = 1 << 5 // alarm interrupt enable
	bUIE  = 1 << 4 // update-ended interrupt enable
	bSQWE = 1 << 3 // square-wave enable
	bDM   = 1 << 2 // data mode: 1 binary, 0 BCD
	b24   = 1 << 1 // 1: 24-hour mode; 0: 12-hour with bit 7 of hours = PM
	bDSE  = 1 << 0 // daylight saving enable (not modelled, as in QEMU)
)

// Register C (data sheet "Register C").
const (
	cIRQF = 1 << 7 // PF·PIE + AF·AIE + UF·UIE
	cPF   = 1 << 6 // periodic
	cAF   = 1 << 5 // alarm
	cUF   = 1 << 4 // update ended
)

// Register D: VRT, the battery is good.
const dVRT = 1 << 7

// Port offsets from the base (0x70).
const (
	portIndex    = 0 // bit 7: NMI disable; bits 6-0: register
	portData     = 1
	portExtIndex = 2 // 0x72: second 128-byte bank, when configured
	portExtData  = 3
	nmiDisable   = 1 << 7

	// DefaultIOBase is the RTC's index port on a PC.
	DefaultIOBase = 0x70
	// IRQ is the RTC's ISA interrupt on a PC.
	IRQ = 8
)

// Divider chain: a 32.768 kHz crystal; the update cycle is signalled 244 µs
// (8 crystal cycles) before it begins (data sheet, "Update Cycle").
const (
	crystalHz   = 32768
	uipCycles   = 8
	almDontCare = 0xc0 // alarm byte with both top bits set matches any value
)
