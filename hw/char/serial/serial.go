// Package serial models the 16550A UART of a PC's COM ports (QEMU's
// isa-serial): the registers, both 16-byte FIFOs, interrupt identification
// by priority, loopback, and OUT2 gating of the interrupt onto the ISA bus.
//
// Transmission is immediate, as in QEMU: a byte written to THR goes to the
// backend at once and THR reads empty again, unless the backend pushes back,
// in which case the bytes wait in the transmit FIFO until it calls TxReady.
// Received bytes arrive through Receive, which takes only what the receive
// FIFO has room for; RxReady tells the backend when room appears. The
// character timeout interrupt uses the clock, with the character time that
// the divisor latch and LCR select.
package serial

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// ISAPort is one of the PC's standard COM port assignments.
type ISAPort struct {
	IOBase uint16
	IRQ    uint32
}

// COM returns the standard assignment of COM1..COM4 (index 0..3), as QEMU's
// isa-serial index= property picks them.
func COM(index int) (ISAPort, bool) {
	switch index {
	case 0:
		return ISAPort{0x3f8, 4}, true
	case 1:
		return ISAPort{0x2f8, 3}, true
	case 2:
		return ISAPort{0x3e8, 4}, true
	case 3:
		return ISAPort{0x2e8, 3}, true
	}
	return ISAPort{}, false
}

// Config configures a UART. The zero value is COM1 with its output dropped,
// its interrupt unconnected and host time.
type Config struct {
	ID     string   // device path; default "/machine/unattached/isa-serial@<iobase>"
	IOBase uint16   // first of the eight ports (0: COM1's 0x3f8)
	IRQ    irq.Line // the ISA interrupt line (nil: not connected)
	Clock  hw.Clock // time for the character timeout (nil: host time)
	// Out receives transmitted bytes. Write must not block or call back into
	// the UART: it takes what it can and returns the count. A short count
	// with a nil error is back-pressure (the rest waits for TxReady); an
	// error loses the bytes, as a disconnected line does. nil: dropped.
	Out io.Writer
	// RxReady, if set, is called (without the UART's lock) when the receive
	// FIFO gains room after Receive found it full.
	RxReady func()
	// BaudBase is the baud rate at divisor 1 (baudbase=; 0: 115200).
	BaudBase uint32
	Logger   *slog.Logger // guest misbehaviour (nil: discarded)
}

// UART is a 16550A.
type UART struct {
	mu  sync.Mutex
	ier uint8  // guarded by mu
	fcr uint8  // guarded by mu; fcrStored bits
	lcr uint8  // guarded by mu
	mcr uint8  // guarded by mu
	lsr uint8  // guarded by mu
	msr uint8  // guarded by mu
	scr uint8  // guarded by mu
	div uint16 // guarded by mu
	rbr uint8  // guarded by mu; the last byte read, returned again when empty

	rx fifo // guarded by mu
	tx fifo // guarded by mu; bytes the backend has not taken yet

	thrIPending bool // guarded by mu; THRE interrupt armed, cleared by IIR read or THR write
	ctiPending  bool // guarded by mu; character timeout indicated
	rxBlocked   bool // guarded by mu; Receive found no room since the last RxReady
	irqLevel    bool // guarded by mu; the level last driven on irq

	// Character timeout: lastRx is the time of the last receive or RBR
	// read; a timer is armed while the receive FIFO holds data.
	lastRx   time.Duration // guarded by mu
	timer    hw.Timer      // guarded by mu
	timerGen uint64        // guarded by mu; invalidates callbacks of stopped timers

	warnings int // guarded by mu; misbehaviour logged so far

	id       string
	iobase   uint16
	irq      irq.Line
	clock    hw.Clock
	out      io.Writer
	rxReady  func()
	baudBase uint32
	log      *slog.Logger
}

var (
	_ bus.Handler = (*UART)(nil)
	_ hw.Device   = (*UART)(nil)
)

// New validates c and returns a UART in its reset state.
func New(c Config) (*UART, error) {
	if c.IOBase == 0 {
		c.IOBase = 0x3f8
	}
	if c.IOBase > 0x10000-numRegs {
		return nil, fmt.Errorf("isa-serial: iobase %#x: the eight ports do not fit below 0x10000", c.IOBase)
	}
	if c.BaudBase == 0 {
		c.BaudBase = DefaultBaudBase
	}
	if c.IRQ == nil {
		c.IRQ = irq.None
	}
	if c.Clock == nil {
		c.Clock = hw.NewHostClock()
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = fmt.Sprintf("/machine/unattached/isa-serial@%#x", c.IOBase)
	}
	u := &UART{
		id: c.ID, iobase: c.IOBase, irq: c.IRQ, clock: c.Clock, out: c.Out,
		rxReady: c.RxReady, baudBase: c.BaudBase, log: c.Logger.With("dev", c.ID),
	}
	u.resetLocked()
	u.irqLevel = false
	return u, nil
}

// Region is the eight-port window the machine maps. Registers are one byte
// wide; the bus splits wider accesses.
func (u *UART) Region() bus.Region {
	return bus.Region{Name: "serial", Base: uint64(u.iobase), Len: numRegs, MinSize: 1, MaxSize: 1, Handler: u}
}

// ID returns the device path.
func (u *UART) ID() string { return u.id }

// Reset returns the UART to its power-on state (§7, table: "UART Reset
// Configuration") and lowers its interrupt; bytes waiting in either FIFO
// are lost.
func (u *UART) Reset() {
	u.mu.Lock()
	notify := u.rxBlocked
	u.resetLocked()
	u.irq.Set(false)
	u.mu.Unlock()
	if notify && u.rxReady != nil {
		u.rxReady()
	}
}

func (u *UART) resetLocked() {
	u.ier, u.fcr, u.lcr, u.scr = 0, 0, 0, 0
	// The data sheet resets MCR to 0; QEMU sets OUT2, so guests that never
	// set it still get interrupts there. We follow QEMU (and gate on OUT2).
	u.mcr = mcrOUT2
	u.lsr = lsrTHRE | lsrTEMT
	u.msr = externalInputs
	u.div = DefaultDivisor
	u.rbr = 0
	u.rx.reset(1)
	u.tx.reset(1)
	u.thrIPending, u.ctiPending, u.rxBlocked = false, false, false
	u.irqLevel = false
	u.stopTimer()
	u.lastRx = 0
}

// Divisor returns the divisor latch.
func (u *UART) Divisor() uint16 {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.div
}

// Read serves a guest read of register off.
func (u *UART) Read(off uint64, size int) uint64 {
	if off >= numRegs {
		return 0xff // a wide access past the last register: no device there
	}
	u.mu.Lock()
	var v uint8
	notify := false
	switch off {
	case regRBR: // or DLL
		if u.lcr&lcrDLAB != 0 {
			v = uint8(u.div)
			break
		}
		v, notify = u.readRBR()
	case regIER: // or DLM
		if u.lcr&lcrDLAB != 0 {
			v = uint8(u.div >> 8)
		} else {
			v = u.ier
		}
	case regIIR:
		id := u.interruptID()
		if id == iirTHRE {
			// Reading IIR with THRE as the source clears it (§8.4 table IV).
			u.thrIPending = false
			u.updateIRQ()
		}
		v = id
		if u.fcr&fcrFE != 0 {
			v |= iirFIFOs
		}
	case regLCR:
		v = u.lcr
	case regMCR:
		v = u.mcr
	case regLSR:
		v = u.lsr
		u.lsr &^= lsrErrors | lsrRXFIFOE // errors clear on read (§8.3)
		u.updateIRQ()
	case regMSR:
		v = u.msr
		u.msr &^= msrDeltas // deltas clear on read (§8.8)
		u.updateIRQ()
	case regSCR:
		v = u.scr
	}
	u.mu.Unlock()
	if notify && u.rxReady != nil {
		u.rxReady()
	}
	return uint64(v)
}

// readRBR pops a received byte. notify reports that a blocked backend may
// send again.
func (u *UART) readRBR() (v uint8, notify bool) {
	if u.rx.n > 0 {
		u.rbr = u.rx.pop()
		if u.rxBlocked {
			u.rxBlocked = false
			notify = true
		}
	}
	v = u.rbr
	if u.rx.n == 0 {
		u.lsr &^= lsrDR
		u.stopTimer()
	} else {
		u.lastRx = u.clock.Now() // the timeout restarts from a CPU read (§8.4)
	}
	u.ctiPending = false
	if u.rx.n > 0 && u.fcr&fcrFE != 0 {
		u.armTimer() // bytes left behind time out again (the last one ran out)
	}
	u.updateIRQ()
	return v, notify
}

// Write serves a guest write of register off.
func (u *UART) Write(off uint64, size int, val uint64) {
	if off >= numRegs {
		return
	}
	b := uint8(val)
	u.mu.Lock()
	notify := false
	switch off {
	case regTHR: // or DLL
		if u.lcr&lcrDLAB != 0 {
			u.div = u.div&0xff00 | uint16(b)
			break
		}
		u.writeTHR(b)
	case regIER: // or DLM
		if u.lcr&lcrDLAB != 0 {
			u.div = u.div&0x00ff | uint16(b)<<8
			break
		}
		old := u.ier
		u.ier = b & ierValid
		// Enabling the THRE interrupt while THR is empty raises it at once;
		// drivers (Linux's 8250 start-up test, SeaBIOS's probe) rely on it.
		if u.ier&ierETBEI != 0 && old&ierETBEI == 0 && u.lsr&lsrTHRE != 0 {
			u.thrIPending = true
		}
		u.updateIRQ()
	case regFCR:
		notify = u.writeFCR(b)
	case regLCR:
		u.lcr = b
	case regMCR:
		u.writeMCR(b)
	case regLSR:
		// Writable only in factory test on a real part; ignored here, as QEMU does.
		u.warn("write to the line status register", "val", b)
	case regMSR:
		u.warn("write to the modem status register", "val", b)
	case regSCR:
		u.scr = b
	}
	u.mu.Unlock()
	if notify && u.rxReady != nil {
		u.rxReady()
	}
}

func (u *UART) writeTHR(b uint8) {
	if u.tx.full() {
		// The backend has not taken the FIFO's bytes: a real UART overwrites
		// or drops, and a driver that checks THRE never gets here.
		u.warn("transmit FIFO overflow: byte dropped", "val", b)
		return
	}
	u.tx.push(b)
	u.lsr &^= lsrTHRE | lsrTEMT
	u.thrIPending = false
	u.updateIRQ()
	u.drain()
}

// drain hands queued bytes to the backend (or, in loopback, to the
// receiver). When the queue empties, THR reads empty and the THRE
// interrupt is armed.
func (u *UART) drain() {
	for u.tx.n > 0 {
		if u.mcr&mcrLOOP != 0 {
			u.loopback(u.tx.pop())
			continue
		}
		seg := u.tx.front()
		n, err := u.out.Write(seg)
		if err != nil {
			u.warn("backend write failed: bytes lost", "err", err, "bytes", u.tx.n)
			u.tx.clear()
			break
		}
		if n < 0 || n > len(seg) {
			n = len(seg)
		}
		u.tx.drop(n)
		if n < len(seg) {
			return // back-pressure: wait for TxReady
		}
	}
	if u.lsr&lsrTHRE == 0 {
		u.lsr |= lsrTHRE | lsrTEMT
		u.thrIPending = true
		u.updateIRQ()
	}
}

// loopback delivers a transmitted byte to the receiver (§8.7, MCR bit 4).
func (u *UART) loopback(b uint8) {
	if u.rx.full() {
		u.lsr |= lsrOE
		if u.fcr&fcrFE == 0 {
			u.rx.clear() // 16450 mode: the new byte overwrites RBR
			u.rx.push(b)
		}
		u.updateIRQ()
		return
	}
	u.receiveByte(b)
}

func (u *UART) receiveByte(b uint8) {
	u.rx.push(b)
	u.lsr |= lsrDR
	u.lastRx = u.clock.Now()
	if u.fcr&fcrFE != 0 {
		u.armTimer()
	}
	u.updateIRQ()
}

// writeFCR programs the FIFOs; it reports whether the receive FIFO gained
// room for a blocked backend.
func (u *UART) writeFCR(b uint8) (notify bool) {
	if (b^u.fcr)&fcrFE != 0 {
		// Entering or leaving FIFO mode clears both FIFOs (§8.5, FCR0).
		if b&fcrFE != 0 {
			u.rx.reset(fifoLen)
			u.tx.reset(fifoLen)
		} else {
			u.rx.reset(1)
			u.tx.reset(1)
		}
		u.rxCleared()
		u.txCleared()
	} else if b&fcrFE != 0 {
		if b&fcrRFR != 0 {
			u.rx.clear()
			u.rxCleared()
		}
		if b&fcrXFR != 0 {
			u.tx.clear()
			u.txCleared()
		}
	}
	if b&fcrFE != 0 {
		u.fcr = b & fcrStored
	} else {
		u.fcr = 0 // other bits cannot be programmed with FCR0 = 0
	}
	u.updateIRQ()
	if u.rxBlocked && !u.rx.full() {
		u.rxBlocked = false
		return true
	}
	return false
}

func (u *UART) rxCleared() {
	u.lsr &^= lsrDR | lsrRXFIFOE
	u.ctiPending = false
	u.stopTimer()
}

func (u *UART) txCleared() {
	u.lsr |= lsrTHRE | lsrTEMT
	u.thrIPending = true
}

func (u *UART) writeMCR(b uint8) {
	u.mcr = b & mcrValid
	in := u.modemInputs()
	changed := (u.msr ^ in) & msrInputs
	var d uint8
	if changed&msrCTS != 0 {
		d |= msrDCTS
	}
	if changed&msrDSR != 0 {
		d |= msrDDSR
	}
	if changed&msrDCD != 0 {
		d |= msrDDCD
	}
	if changed&msrRI != 0 && in&msrRI == 0 {
		d |= msrTERI // only the trailing edge of RI counts
	}
	u.msr = in | (u.msr & msrDeltas) | d
	u.drain() // leaving loopback sends what waited for the backend
	u.updateIRQ()
}

// modemInputs are the levels of CTS, DSR, RI and DCD the UART sees: in
// loopback, its own RTS, DTR, OUT1 and OUT2 (§8.7).
func (u *UART) modemInputs() uint8 {
	if u.mcr&mcrLOOP == 0 {
		return externalInputs
	}
	var in uint8
	if u.mcr&mcrRTS != 0 {
		in |= msrCTS
	}
	if u.mcr&mcrDTR != 0 {
		in |= msrDSR
	}
	if u.mcr&mcrOUT1 != 0 {
		in |= msrRI
	}
	if u.mcr&mcrOUT2 != 0 {
		in |= msrDCD
	}
	return in
}

// interruptID is the IIR identification of the highest-priority pending
// interrupt (§8.4 table IV).
func (u *UART) interruptID() uint8 {
	switch {
	case u.ier&ierELSI != 0 && u.lsr&lsrErrors != 0:
		return iirRLS
	case u.ier&ierERBFI != 0 && u.rxDataAvailable():
		return iirRDA
	case u.ier&ierERBFI != 0 && u.ctiPending:
		return iirCTI
	case u.ier&ierETBEI != 0 && u.thrIPending:
		return iirTHRE
	case u.ier&ierEDSSI != 0 && u.msr&msrDeltas != 0:
		return iirMS
	}
	return iirNoInt
}

func (u *UART) rxDataAvailable() bool {
	if u.fcr&fcrFE != 0 {
		return u.rx.n >= rxTrigger(u.fcr)
	}
	return u.lsr&lsrDR != 0
}

// updateIRQ drives the ISA line: the UART's INTR output passes to the bus
// only while OUT2 is set, and loopback forces OUT2's pin inactive.
func (u *UART) updateIRQ() {
	level := u.interruptID() != iirNoInt && u.mcr&(mcrOUT2|mcrLOOP) == mcrOUT2
	if level != u.irqLevel {
		u.irqLevel = level
		u.irq.Set(level)
	}
}

// charTime is the duration of one character frame at the current divisor
// and LCR: start bit, 5-8 data bits, parity, 1, 1.5 or 2 stop bits. A
// divisor of 0 counts as 65536, as the 16-bit baud counter wraps.
func (u *UART) charTime() time.Duration {
	halfBits := uint64(2 * (1 + 5 + int(u.lcr&lcrWLS)))
	if u.lcr&lcrPEN != 0 {
		halfBits += 2
	}
	switch {
	case u.lcr&lcrSTB == 0:
		halfBits += 2
	case u.lcr&lcrWLS == 0:
		halfBits += 3 // 1.5 stop bits with 5-bit words
	default:
		halfBits += 4
	}
	div := uint64(u.div)
	if div == 0 {
		div = 0x10000
	}
	return time.Duration(halfBits * div * uint64(time.Second) / (2 * uint64(u.baudBase)))
}

// armTimer makes sure a timeout check is scheduled while the receive FIFO
// holds data.
func (u *UART) armTimer() {
	if u.timer != nil {
		return // the pending check re-arms itself for a later deadline
	}
	u.scheduleTimer(u.lastRx + timeoutChars*u.charTime())
}

func (u *UART) scheduleTimer(at time.Duration) {
	u.timerGen++
	gen := u.timerGen
	u.timer = u.clock.AfterFunc(at, func() { u.timeout(gen) })
}

func (u *UART) stopTimer() {
	if u.timer != nil {
		u.timer.Stop()
		u.timer = nil
	}
	u.timerGen++
}

func (u *UART) timeout(gen uint64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if gen != u.timerGen {
		return
	}
	u.timer = nil
	if u.rx.n == 0 || u.fcr&fcrFE == 0 {
		return
	}
	deadline := u.lastRx + timeoutChars*u.charTime()
	if now := u.clock.Now(); now < deadline {
		u.scheduleTimer(deadline)
		return
	}
	u.ctiPending = true
	u.updateIRQ()
}

// CanReceive returns how many bytes Receive would take now.
func (u *UART) CanReceive() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.rx.free()
}

// Receive puts bytes from the line into the receiver and returns how many
// it took: no more than the receive FIFO (or, in 16450 mode, RBR) has room
// for. The rest must be offered again after RxReady. In loopback the line
// is disconnected, so the bytes are taken and lost.
func (u *UART) Receive(p []byte) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.mcr&mcrLOOP != 0 {
		return len(p)
	}
	n := 0
	for n < len(p) && !u.rx.full() {
		u.receiveByte(p[n])
		n++
	}
	if n < len(p) {
		u.rxBlocked = true
	}
	return n
}

// ReceiveBreak signals a break condition on the line: a zero byte with the
// break indication (§8.3, LSR bit 4).
func (u *UART) ReceiveBreak() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.mcr&mcrLOOP != 0 || u.rx.full() {
		u.lsr |= lsrBI
		u.updateIRQ()
		return
	}
	u.lsr |= lsrBI
	if u.fcr&fcrFE != 0 {
		u.lsr |= lsrRXFIFOE
	}
	u.receiveByte(0)
}

// TxReady tells the UART that the backend can take bytes again after a
// short write.
func (u *UART) TxReady() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.drain()
	u.updateIRQ()
}

// warn logs guest misbehaviour, at most maxWarnings times per device.
func (u *UART) warn(msg string, args ...any) {
	if u.warnings >= maxWarnings {
		return
	}
	u.warnings++
	if u.warnings == maxWarnings {
		args = append(args, "note", "further warnings suppressed")
	}
	u.log.Warn(msg, args...)
}

const maxWarnings = 10
