package port92

// System Control Port A, PS/2 and AT-compatible chipsets (IBM PS/2 Hardware
// Interface Technical Reference, "System Control Port A"; Intel 82371AB PIIX4
// datasheet §4.1 "Port 92h"): one byte at port 0x92.
const (
	portA = 0x92 // the port's address

	ctlFastReset = 1 << 0 // bit 0: a 0→1 transition resets the processor (ALT_RST)
	ctlA20       = 1 << 1 // bit 1: 1 lets address line 20 through (ALT_A20_GATE)
)
