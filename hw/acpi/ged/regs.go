package ged

// The Generic Event Device (ACPI 6.4 section 5.6.9, _HID "ACPI0013") tells
// the OS which event its interrupt signals through an event selector that
// the DSDT's _EVT method reads; the hardware-reduced sleep and reset
// registers (sections 4.8.3.7-4.8.3.8 and the FADT's RESET_REG) sit beside
// it. The layout is QEMU microvm's.
const (
	// DefaultBase is the event selector's MMIO address.
	DefaultBase = 0xfea00000
	// RegsOffset is where the sleep and reset registers follow the
	// selector.
	RegsOffset = 0x200
	// DefaultGSI is the GED's interrupt: edge-triggered, active high.
	DefaultGSI = 9

	selLen  = 4 // event selector: a dword, cleared by reading it
	regsLen = 3 // sleep control, sleep status, reset: a byte each

	RegSleepCtl = 0 // sleep control register
	RegSleepSts = 1 // sleep status register
	RegReset    = 2 // reset register

	// EvtPowerDown is the selector bit of a power button press.
	EvtPowerDown = 1 << 1

	// ResetValue is the FADT's RESET_VALUE for RegReset.
	ResetValue = 0x42
	// SlpTypS5 is the SLP_TYP value that enters S5 (the DSDT's _S5).
	SlpTypS5 = 5
)

// Sleep control and status register bits (ACPI 6.4 Tables 4.21, 4.22).
const (
	ctlSlpTypShift = 2
	ctlSlpTypMask  = 7 << ctlSlpTypShift
	ctlSlpEn       = 1 << 5
	stsWak         = 1 << 7
)
