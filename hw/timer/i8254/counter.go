package i8254

import (
	"math/bits"
	"time"
)

// ticksAt is the number of whole PIT clocks in d of guest time, computed
// exactly (128-bit intermediate), so no rounding accumulates.
func ticksAt(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), Frequency)
	if hi >= uint64(time.Second) {
		return ^uint64(0) // beyond any reachable time
	}
	q, _ := bits.Div64(hi, lo, uint64(time.Second))
	return q
}

// timeOf is the first guest time at which ticksAt reaches t: ceil(t·10⁹/f).
func timeOf(t uint64) time.Duration {
	hi, lo := bits.Mul64(t, uint64(time.Second))
	if hi >= Frequency {
		return time.Duration(1<<63 - 1)
	}
	q, r := bits.Div64(hi, lo, Frequency)
	if r != 0 {
		q++
	}
	if q > 1<<63-1 {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(q)
}

// counter is one of the three counters. The counting element (CE) is not
// stepped: while running, its value and OUT are functions of the clocks
// elapsed since the epoch, d = ticksAt(now-epoch) - skip.
type counter struct {
	mode uint8 // M2..M0 as written (6 and 7 act as 2 and 3)
	rw   uint8 // rwLSB, rwMSB or rwWord
	bcd  bool

	cr        uint32 // count register: the last full count written, 1..modulus
	crLow     uint8  // LSB of a word count waiting for its MSB
	writeMSB  bool   // the next write of a word count is the MSB
	readMSB   bool   // the next unlatched read of a word count is the MSB
	loaded    bool   // a count was written since the control word
	nullCount bool   // status bit: CR not yet transferred to the CE
	gate      bool

	running bool          // the CE is counting
	epoch   time.Duration // clock time of d = 0
	skip    uint64        // clocks already consumed by reloads of pending counts
	start   uint32        // modes 0, 1, 4, 5: CE value at d = 0 (1..modulus)
	fired   bool          // modes 0, 4: terminal count reached before the epoch
	period  uint32        // modes 2, 3: the count in use
	pending bool          // modes 2, 3: cr waits for the end of the current period
	switchD uint64        // modes 2, 3: d at which the pending count takes over
	hold    uint32        // CE value while stopped
	holdOut bool          // OUT while stopped

	latchBytes int    // bytes of the output latch left to read: 0, 1 or 2
	latch      uint16 // the output latch (count as read, BCD if bcd)
	statusOK   bool   // a latched status byte waits to be read
	status     uint8
}

// kind is the effective mode: 6 and 7 behave as 2 and 3.
func (c *counter) kind() uint8 {
	if c.mode >= 6 {
		return c.mode - 4
	}
	return c.mode
}

func (c *counter) modulus() uint32 {
	if c.bcd {
		return 10000
	}
	return 0x10000
}

// elapsed returns d at now, applying a pending reload whose period ended.
func (c *counter) elapsed(now time.Duration) uint64 {
	t := ticksAt(now - c.epoch)
	if t < c.skip {
		return 0
	}
	d := t - c.skip
	if c.pending && d >= c.switchD {
		c.skip += c.switchD
		d -= c.switchD
		c.period = c.cr
		c.pending, c.switchD = false, 0
		c.nullCount = false
	}
	return d
}

// value is the CE at now, 0..modulus-1 (a full count reads as 0).
func (c *counter) value(now time.Duration) uint32 {
	if !c.running {
		return c.hold
	}
	d := c.elapsed(now)
	m := uint64(c.modulus())
	switch c.kind() {
	case 2:
		p := uint64(c.period)
		return uint32((p - d%p) % m)
	case 3:
		return uint32(squareValue(uint64(c.period), d) % m)
	default:
		return uint32((uint64(c.start) + m - d%m) % m)
	}
}

// squareValue is the CE in mode 3: it counts down by two through each
// half of the period (for odd counts, from count-1, the high half one
// clock longer).
func squareValue(p, d uint64) uint64 {
	t := d % p
	hi := (p + 1) / 2
	base := p &^ 1
	if t >= hi {
		t -= hi
	}
	if 2*t >= base {
		return 0
	}
	return base - 2*t
}

// out is the OUT pin at now.
func (c *counter) out(now time.Duration) bool {
	if !c.running {
		return c.holdOut
	}
	d := c.elapsed(now)
	switch c.kind() {
	case 0:
		return c.fired || d >= uint64(c.start)
	case 1:
		return d >= uint64(c.start)
	case 2:
		p := uint64(c.period)
		return p < 2 || d%p != p-1 // low for the clock in which the CE is 1
	case 3:
		p := uint64(c.period)
		return d%p < (p+1)/2
	case 4:
		return c.fired || d != uint64(c.start)
	default: // 5
		return d != uint64(c.start)
	}
}

// nextEdge returns the clock time of OUT's next change after now, if any.
// In mode 2 it is the next rising edge:
// the one-clock low pulse before it is part of the same event, so a
// periodic count costs one callback per period.
func (c *counter) nextEdge(now time.Duration) (time.Duration, bool) {
	if !c.running {
		return 0, false
	}
	d := c.elapsed(now)
	var next uint64
	switch c.kind() {
	case 0, 1:
		if c.fired || d >= uint64(c.start) {
			return 0, false
		}
		next = uint64(c.start)
	case 2:
		p := uint64(c.period)
		if p < 2 {
			return 0, false
		}
		next = d + p - d%p // the clock at which the count reloads
	case 3:
		p := uint64(c.period)
		hi := (p + 1) / 2
		if p < 2 {
			return 0, false
		}
		if t := d % p; t < hi {
			next = d + hi - t
		} else {
			next = d + p - t
		}
	default: // 4, 5
		s := uint64(c.start)
		switch {
		case c.fired || d > s:
			return 0, false
		case d == s:
			next = s + 1
		default:
			next = s
		}
	}
	return c.epoch + timeOf(next+c.skip), true
}

// nextReload returns the clock time at which a pending count takes over
// (modes 2 and 3), if one waits.
func (c *counter) nextReload(now time.Duration) (time.Duration, bool) {
	if !c.running || !c.pending {
		return 0, false
	}
	c.elapsed(now) // applies a reload already due
	if !c.pending {
		return 0, false
	}
	return c.epoch + timeOf(c.switchD+c.skip), true
}

// run starts the CE from value v (1..modulus) at now.
func (c *counter) run(now time.Duration, v uint32) {
	c.running = true
	c.epoch = now
	c.skip = 0
	c.start = v
	c.period = v
	c.fired = false
	c.pending, c.switchD = false, 0
	c.nullCount = false
}

// stop freezes the CE and OUT at their values at now.
func (c *counter) stop(now time.Duration, out bool) {
	c.hold = c.value(now)
	c.holdOut = out
	c.running = false
}

// setMode handles a control word for this counter.
func (c *counter) setMode(now time.Duration, mode, rw uint8, bcd bool) {
	c.hold = c.value(now)
	c.running = false
	c.mode, c.rw, c.bcd = mode, rw, bcd
	c.holdOut = c.kind() != 0 // OUT starts low in mode 0, high otherwise
	c.loaded, c.pending, c.fired, c.switchD = false, false, false, 0
	c.nullCount = true
	c.writeMSB, c.readMSB = false, false
	c.latchBytes, c.statusOK = 0, false
	// A full binary count does not fit a BCD counter: the registers keep
	// what they can hold.
	if c.cr > c.modulus() {
		c.cr = c.modulus()
	}
	if c.start > c.modulus() {
		c.start = c.modulus()
	}
	c.hold %= c.modulus() // the held count is undefined until a count is written
}

// writeByte handles a write to the counter's port.
func (c *counter) writeByte(now time.Duration, b uint8) {
	var v uint16
	switch c.rw {
	case rwLSB:
		v = uint16(b)
	case rwMSB:
		v = uint16(b) << 8
	default:
		if !c.writeMSB {
			c.crLow = b
			c.writeMSB = true
			if c.kind() == 0 && c.running {
				// Mode 0: the first byte of a word count stops counting and
				// drives OUT low at once.
				c.stop(now, false)
			}
			return
		}
		c.writeMSB = false
		v = uint16(b)<<8 | uint16(c.crLow)
	}
	c.load(now, v)
}

// load puts a complete count into the CR and, as the mode says, the CE.
func (c *counter) load(now time.Duration, raw uint16) {
	c.cr = c.decode(raw)
	c.loaded = true
	c.nullCount = true
	switch c.kind() {
	case 0, 4:
		if c.gate {
			c.run(now, c.cr)
		} else {
			// Loaded into the CE on the next clock; the gate holds it.
			c.hold = c.cr % c.modulus()
			c.fired = false
			c.holdOut = c.kind() == 4
			c.running = false
			c.nullCount = false
		}
	case 1, 5:
		// The count waits for the next rising edge of the gate.
	default: // 2, 3
		if c.running {
			d := c.elapsed(now)
			p := uint64(c.period)
			c.pending = true
			c.switchD = (d/p + 1) * p
		} else if c.gate {
			c.run(now, c.cr)
		} else {
			// Loaded into the CE on the next clock; counting waits for
			// the gate, which reloads it.
			c.hold = c.cr % c.modulus()
			c.holdOut = true
			c.nullCount = false
		}
	}
}

// decode turns a written count into 1..modulus (0 is the full count).
// Invalid BCD digits count with their binary weight, reduced modulo 10000.
func (c *counter) decode(raw uint16) uint32 {
	v := uint32(raw)
	if c.bcd {
		v = uint32(raw>>12&0xf)*1000 + uint32(raw>>8&0xf)*100 + uint32(raw>>4&0xf)*10 + uint32(raw&0xf)
		v %= 10000
	}
	if v == 0 {
		return c.modulus()
	}
	return v
}

func (c *counter) encode(v uint32) uint16 {
	if !c.bcd {
		return uint16(v)
	}
	return uint16(v/1000%10)<<12 | uint16(v/100%10)<<8 | uint16(v/10%10)<<4 | uint16(v%10)
}

// setGate applies a gate level.
func (c *counter) setGate(now time.Duration, high bool) {
	rising := high && !c.gate
	falling := !high && c.gate
	c.gate = high
	switch c.kind() {
	case 0, 4:
		if falling && c.running {
			d := c.elapsed(now)
			fired := c.fired || d >= uint64(c.start)
			if c.kind() == 4 {
				fired = c.fired || d > uint64(c.start)
			}
			c.stop(now, c.out(now))
			c.fired = fired
		} else if rising && c.loaded && !c.running && !c.writeMSB {
			v := c.hold
			if v == 0 {
				v = c.modulus()
			}
			fired := c.fired
			c.run(now, v)
			c.fired = fired
		}
	case 1, 5:
		if rising && c.loaded {
			c.run(now, c.cr) // (re)trigger
		}
	default: // 2, 3
		if falling && c.running {
			c.stop(now, true) // OUT goes high at once, counting stops
		} else if rising && c.loaded {
			c.run(now, c.cr) // the count is reloaded
		}
	}
}

// latchCount copies the CE into the output latch, unless a latched count is
// still unread (only the first latch counts).
func (c *counter) latchCount(now time.Duration) {
	if c.latchBytes > 0 {
		return
	}
	c.latch = c.encode(c.value(now))
	if c.rw == rwWord {
		c.latchBytes = 2
	} else {
		c.latchBytes = 1
	}
}

func (c *counter) latchStatus(now time.Duration) {
	if c.statusOK {
		return
	}
	s := c.mode<<cwMShift | c.rw<<cwRWShift
	if c.bcd {
		s |= cwBCD
	}
	if c.out(now) {
		s |= stOUT
	}
	if c.nullCount {
		s |= stNullCount
	}
	c.status = s
	c.statusOK = true
}

// readByte handles a read of the counter's port.
func (c *counter) readByte(now time.Duration) uint8 {
	if c.statusOK {
		c.statusOK = false
		return c.status
	}
	if c.latchBytes > 0 {
		var b uint8
		switch {
		case c.rw == rwMSB:
			b = uint8(c.latch >> 8)
		case c.rw == rwWord && c.latchBytes == 1:
			b = uint8(c.latch >> 8)
		default:
			b = uint8(c.latch)
		}
		c.latchBytes--
		return b
	}
	v := c.encode(c.value(now))
	switch c.rw {
	case rwLSB:
		return uint8(v)
	case rwMSB:
		return uint8(v >> 8)
	}
	c.readMSB = !c.readMSB
	if !c.readMSB {
		return uint8(v >> 8)
	}
	return uint8(v)
}
