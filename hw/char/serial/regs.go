package serial

// Register offsets from the base port. Citations are to the National
// Semiconductor PC16550D data sheet (June 1995), table II "Summary of
// Registers" and §8 "Registers".
const (
	regRBR = 0 // receiver buffer, read, DLAB=0 (§8.5)
	regTHR = 0 // transmitter holding, write, DLAB=0 (§8.5)
	regDLL = 0 // divisor latch low byte, DLAB=1 (§8.2)
	regIER = 1 // interrupt enable, DLAB=0 (§8.6)
	regDLM = 1 // divisor latch high byte, DLAB=1 (§8.2)
	regIIR = 2 // interrupt identification, read (§8.4)
	regFCR = 2 // FIFO control, write (§8.5)
	regLCR = 3 // line control (§8.1)
	regMCR = 4 // modem control (§8.7)
	regLSR = 5 // line status (§8.3)
	regMSR = 6 // modem status (§8.8)
	regSCR = 7 // scratch (§8.9)

	numRegs = 8
)

// IER bits (§8.6); bits 4-7 are always 0.
const (
	ierERBFI = 1 << 0 // received data available (and character timeout) interrupt
	ierETBEI = 1 << 1 // transmitter holding register empty interrupt
	ierELSI  = 1 << 2 // receiver line status interrupt
	ierEDSSI = 1 << 3 // modem status interrupt

	ierValid = ierERBFI | ierETBEI | ierELSI | ierEDSSI
)

// IIR values (§8.4, table IV): bit 0 is 0 while an interrupt is pending,
// bits 1-3 identify the highest-priority one, bits 6-7 are set in FIFO mode.
const (
	iirNoInt     = 0x01 // no interrupt pending
	iirRLS       = 0x06 // priority 1: receiver line status (OE, PE, FE, BI)
	iirRDA       = 0x04 // priority 2: received data available / trigger level reached
	iirCTI       = 0x0c // priority 2: character timeout indication (FIFO mode only)
	iirTHRE      = 0x02 // priority 3: transmitter holding register empty
	iirMS        = 0x00 // priority 4: modem status (CTS, DSR, RI, DCD changes)
	iirFIFOs     = 0xc0 // both bits set when FCR0 = 1
	iirIDMask    = 0x0f
	iirValidMask = iirIDMask | iirFIFOs
)

// FCR bits (§8.5).
const (
	fcrFE      = 1 << 0 // FIFO enable; changing it clears both FIFOs
	fcrRFR     = 1 << 1 // receiver FIFO reset, self-clearing
	fcrXFR     = 1 << 2 // transmitter FIFO reset, self-clearing
	fcrDMS     = 1 << 3 // DMA mode select (no effect on an ISA UART without DMA wiring)
	fcrTrigger = 3 << 6 // receiver trigger level: 1, 4, 8, 14 bytes

	fcrStored = fcrFE | fcrDMS | fcrTrigger // the bits the UART keeps
)

// rxTrigger maps FCR bits 7:6 to the receiver trigger level (§8.5 table).
func rxTrigger(fcr uint8) int {
	switch fcr >> 6 {
	case 0:
		return 1
	case 1:
		return 4
	case 2:
		return 8
	}
	return 14
}

// LCR bits (§8.1).
const (
	lcrWLS   = 3 << 0 // word length select: 5 + value bits
	lcrSTB   = 1 << 2 // stop bits: 1, or 2 (1.5 with 5-bit words)
	lcrPEN   = 1 << 3 // parity enable
	lcrEPS   = 1 << 4 // even parity select
	lcrStick = 1 << 5 // stick parity
	lcrBreak = 1 << 6 // set break
	lcrDLAB  = 1 << 7 // divisor latch access bit
)

// MCR bits (§8.7); bits 5-7 are always 0.
const (
	mcrDTR  = 1 << 0
	mcrRTS  = 1 << 1
	mcrOUT1 = 1 << 2
	mcrOUT2 = 1 << 3 // on a PC, enables the UART's interrupt onto the ISA bus
	mcrLOOP = 1 << 4 // local loopback diagnostic mode

	mcrValid = mcrDTR | mcrRTS | mcrOUT1 | mcrOUT2 | mcrLOOP
)

// LSR bits (§8.3).
const (
	lsrDR      = 1 << 0 // data ready
	lsrOE      = 1 << 1 // overrun error
	lsrPE      = 1 << 2 // parity error
	lsrFE      = 1 << 3 // framing error
	lsrBI      = 1 << 4 // break interrupt
	lsrTHRE    = 1 << 5 // transmitter holding register (or TX FIFO) empty
	lsrTEMT    = 1 << 6 // transmitter empty: THR/FIFO and shift register
	lsrRXFIFOE = 1 << 7 // error in receiver FIFO (FIFO mode only)

	lsrErrors = lsrOE | lsrPE | lsrFE | lsrBI // cleared by reading LSR; raise RLS
)

// MSR bits (§8.8): deltas in bits 0-3 (cleared by reading MSR), the modem
// input levels in bits 4-7.
const (
	msrDCTS = 1 << 0
	msrDDSR = 1 << 1
	msrTERI = 1 << 2 // trailing edge of ring indicator
	msrDDCD = 1 << 3
	msrCTS  = 1 << 4
	msrDSR  = 1 << 5
	msrRI   = 1 << 6
	msrDCD  = 1 << 7

	msrDeltas = msrDCTS | msrDDSR | msrTERI | msrDDCD
	msrInputs = msrCTS | msrDSR | msrRI | msrDCD
)

const (
	fifoLen = 16 // both FIFOs of the 16550A

	// DefaultDivisor is the divisor latch after reset: 9600 baud from the
	// 1.8432 MHz PC crystal (QEMU's reset value; the data sheet leaves it
	// undefined).
	DefaultDivisor = 12
	// DefaultBaudBase is the highest baud rate (divisor 1): 1.8432 MHz / 16.
	DefaultBaudBase = 115200

	// externalInputs are the modem inputs outside loopback: a chardev has
	// no modem lines, so CTS, DSR and DCD read asserted, RI not (as QEMU).
	externalInputs = msrCTS | msrDSR | msrDCD

	// timeoutChars is the character timeout in character times (§8.4).
	timeoutChars = 4
)
