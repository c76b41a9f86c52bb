package i8254

import (
	"fmt"
	"time"

	"gemu/migration/vmstate"
)

// maxElapsed caps a counter's saved time since its epoch (about 292 years
// would overflow; a century is plenty).
const maxElapsed = uint64(100 * 365 * 24 * time.Hour)

// VisitState saves each counter's registers, latches and counting state.
// Time is saved as the guest time elapsed since the counter's epoch, so the
// counters continue where they were whatever the destination clock reads.
func (p *PIT) VisitState(v *vmstate.Visitor) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	for i := range p.ch {
		c := &p.ch[i]
		v.Struct(fmt.Sprintf("counter%d", i), func() { c.visit(v, now) })
	}
	if v.Loading() && v.Err() == nil {
		p.irqLevel = p.ch[0].out(now)
		p.irq.Set(p.irqLevel)
		p.schedule(now)
	}
}

func (c *counter) visit(v *vmstate.Visitor, now time.Duration) {
	v.Uint8("mode", &c.mode)
	v.Check(c.mode <= 7, "mode %d", c.mode)
	v.Uint8("rw", &c.rw)
	v.Check(c.rw >= rwLSB && c.rw <= rwWord, "access mode %d", c.rw)
	v.Bool("bcd", &c.bcd)
	m := c.modulus()
	v.Uint32("cr", &c.cr)
	v.Check(c.cr >= 1 && c.cr <= m, "count register %d outside 1..%d", c.cr, m)
	v.Uint8("cr-low", &c.crLow)
	v.Bool("write-msb", &c.writeMSB)
	v.Bool("read-msb", &c.readMSB)
	v.Check(c.rw == rwWord || (!c.writeMSB && !c.readMSB), "byte flip-flops set outside word access")
	v.Bool("loaded", &c.loaded)
	v.Bool("null-count", &c.nullCount)
	v.Bool("gate", &c.gate)

	v.Int("latch-bytes", &c.latchBytes, 0, 2)
	v.Check(c.latchBytes < 2 || c.rw == rwWord, "two latched bytes outside word access")
	v.Uint16("latch", &c.latch)
	v.Bool("status-latched", &c.statusOK)
	v.Uint8("status", &c.status)

	v.Bool("running", &c.running)
	v.Uint32("hold", &c.hold)
	v.Check(c.hold < m, "held count %d outside 0..%d", c.hold, m-1)
	v.Bool("hold-out", &c.holdOut)
	v.Uint32("start", &c.start)
	v.Check(c.start <= m, "start %d exceeds %d", c.start, m)
	v.Bool("fired", &c.fired)
	present := false
	v.Optional("counting", c.running, func() {
		present = true
		var el uint64
		if !v.Loading() && now > c.epoch {
			el = uint64(now - c.epoch)
		}
		v.Uint64("elapsed-ns", &el)
		v.Check(el <= maxElapsed, "elapsed %d ns exceeds %d", el, maxElapsed)
		v.Uint64("skip", &c.skip)
		v.Check(c.skip <= ticksAt(time.Duration(el)), "skip %d exceeds the %d clocks elapsed", c.skip, ticksAt(time.Duration(el)))
		v.Uint32("period", &c.period)
		v.Check(c.kind() < 2 || c.kind() > 3 || (c.period >= 1 && c.period <= m), "period %d outside 1..%d", c.period, m)
		v.Check(c.kind() == 2 || c.kind() == 3 || c.start >= 1, "start 0 while counting")
		v.Bool("pending", &c.pending)
		v.Uint64("switch", &c.switchD)
		v.Check(!c.pending || (c.switchD > 0 && c.switchD <= 2*uint64(m)), "pending reload at %d", c.switchD)
		if v.Loading() {
			c.epoch = now - time.Duration(el)
		}
	})
	v.Check(!c.running || present, "counting state missing for a running counter")
	if v.Loading() && !c.running {
		c.epoch, c.skip, c.pending = 0, 0, false
	}
}
