package i8259

// Ports and command words of the Intel 8259A Programmable Interrupt
// Controller (Intel 8259A data sheet, order no. 231468, "Programming the
// 8259A": Figure 6 initialization command words, Figure 8 operation command
// words), and the edge/level control registers of PC chipsets (Intel
// 82371AB PIIX4 data sheet §4.1.13 "ELCR1/ELCR2—Edge/Level Control
// Registers").
const (
	regCommand = 0 // A0 = 0: ICW1, OCW2, OCW3 writes; IRR, ISR or poll word reads
	regData    = 1 // A0 = 1: ICW2-ICW4, OCW1 writes; IMR reads
	numRegs    = 2

	// MasterPort, SlavePort and ELCRPort are the PC's port bases.
	MasterPort = 0x20
	SlavePort  = 0xa0
	ELCRPort   = 0x4d0 // ELCR1 (master) at 0x4d0, ELCR2 (slave) at 0x4d1

	cascadeIR = 2 // the master's IR input wired to the slave's INT on a PC
)

// ICW1 (written to the command port with D4 = 1).
const (
	icw1IC4  = 1 << 0 // ICW4 will be written
	icw1SNGL = 1 << 1 // single: no ICW3
	icw1ADI  = 1 << 2 // call address interval (8080 mode only; ignored)
	icw1LTIM = 1 << 3 // level-triggered mode; the PIIX ignores it in favour of ELCR
	icw1Sel  = 1 << 4 // selects ICW1
)

// ICW4.
const (
	icw4UPM  = 1 << 0 // 8086/8088 mode (0: MCS-80/85 mode)
	icw4AEOI = 1 << 1 // automatic end of interrupt
	icw4MS   = 1 << 2 // buffered mode master/slave
	icw4BUF  = 1 << 3 // buffered mode
	icw4SFNM = 1 << 4 // special fully nested mode

	icw4Valid = icw4UPM | icw4AEOI | icw4MS | icw4BUF | icw4SFNM
)

// OCW2: R, SL, EOI in bits 7:5, the level in bits 2:0.
const (
	ocw2CmdShift = 5
	ocw2Level    = 7

	ocw2RotateAEOIClear = 0 // rotate in automatic EOI mode (clear)
	ocw2NonSpecificEOI  = 1
	ocw2NOP             = 2
	ocw2SpecificEOI     = 3
	ocw2RotateAEOISet   = 4 // rotate in automatic EOI mode (set)
	ocw2RotateEOI       = 5 // rotate on non-specific EOI
	ocw2SetPriority     = 6
	ocw2RotateSpecific  = 7 // rotate on specific EOI
)

// OCW3 (command port with D4 = 0, D3 = 1).
const (
	ocw3Sel  = 1 << 3 // selects OCW3 (D4 must be 0)
	ocw3RIS  = 1 << 0 // read the ISR (0: the IRR) on the next read
	ocw3RR   = 1 << 1 // act on RIS
	ocw3P    = 1 << 2 // poll command
	ocw3SMM  = 1 << 5 // special mask mode on (with ESMM)
	ocw3ESMM = 1 << 6 // act on SMM
)

// Poll word (data sheet, "The Poll Command"): bit 7 set when an interrupt is
// requested, bits 2:0 its level. With none the word is 0, as on QEMU (the
// data sheet leaves W2-W0 undefined when I = 0).
const (
	pollRequest = 1 << 7
	pollNone    = 0x00
)

// ELCR bits that must stay 0 (edge): IRQ 0, 1, 2 on the master, IRQ 8 and
// 13 on the slave (PIIX4 §4.1.13).
const (
	elcrMaskMaster = 0xf8
	elcrMaskSlave  = 0xde
)

// Initialisation states: which ICW the data port expects next.
const (
	stepReady = 0
	stepICW2  = 2
	stepICW3  = 3
	stepICW4  = 4
)
