package rcr

// The reset control register (Intel 82371AB PIIX4 datasheet, section
// 4.1.17 "RC—Reset Control Register", I/O port 0CF9h; the PIIX3 has the
// same). Only byte accesses reach it: wider accesses at 0CF8h are the PCI
// configuration address register.
const (
	Port = 0xcf9

	rcSRST    = 1 << 1 // system reset: 1 hard (the whole machine), 0 soft (INIT)
	rcRCPU    = 1 << 2 // reset CPU: a 0-to-1 transition starts the reset SRST selects
	rcFullRst = 1 << 3 // full reset: with a hard reset, cycle power too

	rcValid = rcSRST | rcRCPU | rcFullRst // bits 0 and 4-7 are reserved
)
