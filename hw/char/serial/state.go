package serial

import (
	"time"

	"gemu/migration/vmstate"
)

// maxTimeoutAge caps the saved time since the last receive: beyond the
// longest possible timeout (4 frames of 12 bits at divisor 65536) every
// value means the same.
const maxTimeoutAge = uint64(time.Minute)

// VisitState saves the registers, both FIFOs and the pending interrupt
// conditions, and validates each against the others on load.
func (u *UART) VisitState(v *vmstate.Visitor) {
	u.mu.Lock()
	defer u.mu.Unlock()
	v.Uint8("ier", &u.ier)
	v.Check(u.ier&^ierValid == 0, "ier %#x has reserved bits", u.ier)
	v.Uint8("fcr", &u.fcr)
	v.Check(u.fcr&^fcrStored == 0, "fcr %#x has bits the UART does not keep", u.fcr)
	v.Uint8("lcr", &u.lcr)
	v.Uint8("mcr", &u.mcr)
	v.Check(u.mcr&^mcrValid == 0, "mcr %#x has reserved bits", u.mcr)
	v.Uint8("lsr", &u.lsr)
	v.Uint8("msr", &u.msr)
	v.Check(u.msr&msrInputs == u.modemInputs(), "msr %#x: modem inputs disagree with mcr %#x", u.msr, u.mcr)
	v.Uint8("scr", &u.scr)
	v.Uint16("divisor", &u.div)
	v.Uint8("rbr", &u.rbr)

	capacity := 1
	if u.fcr&fcrFE != 0 {
		capacity = fifoLen
	}
	rx, tx := u.rx.bytes(), u.tx.bytes()
	v.Bytes("rx-fifo", &rx, fifoLen)
	v.Bytes("tx-fifo", &tx, fifoLen)
	v.Check(len(rx) <= capacity && len(tx) <= capacity, "fifo contents (%d, %d bytes) exceed the %d-byte capacity", len(rx), len(tx), capacity)
	v.Check(u.lsr&lsrDR != 0 == (len(rx) > 0), "lsr %#x: data ready disagrees with %d received bytes", u.lsr, len(rx))
	v.Check(u.lsr&lsrTHRE != 0 == (len(tx) == 0) && u.lsr&lsrTEMT != 0 == (len(tx) == 0),
		"lsr %#x: transmitter empty bits disagree with %d queued bytes", u.lsr, len(tx))
	v.Check(u.lsr&lsrRXFIFOE == 0 || capacity == fifoLen, "lsr %#x: FIFO error bit outside FIFO mode", u.lsr)

	v.Bool("thr-ipending", &u.thrIPending)
	v.Bool("cti-pending", &u.ctiPending)
	v.Check(!u.ctiPending || (capacity == fifoLen && len(rx) > 0), "character timeout pending with no FIFO data")

	timing := u.fcr&fcrFE != 0 && u.rx.n > 0 && !u.ctiPending
	var age uint64
	if timing && !v.Loading() {
		if d := u.clock.Now() - u.lastRx; d > 0 {
			age = uint64(d)
		}
	}
	v.Optional("rx-timeout", timing, func() {
		v.Uint64("age", &age)
		v.Check(age <= maxTimeoutAge, "rx-timeout age %d ns exceeds %d", age, maxTimeoutAge)
	})
	if !v.Loading() || v.Err() != nil {
		return
	}
	u.rx.reset(capacity)
	u.rx.set(rx)
	u.tx.reset(capacity)
	u.tx.set(tx)
	// A backend may be waiting for room on this UART (a snapshot loaded
	// into a running machine); when the FIFO is full, assume it is, so the
	// next read of RBR wakes it. A spurious wake-up costs nothing.
	u.rxBlocked = u.rx.full()
	u.stopTimer()
	u.lastRx = u.clock.Now() - time.Duration(age)
	if u.fcr&fcrFE != 0 && u.rx.n > 0 && !u.ctiPending {
		u.armTimer()
	}
	u.irqLevel = u.interruptID() != iirNoInt && u.mcr&(mcrOUT2|mcrLOOP) == mcrOUT2
	u.irq.Set(u.irqLevel)
}
