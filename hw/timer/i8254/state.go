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
	// IRQ 0 lags OUT while a callback is due (late, or held back by
	// minPeriod): its level and that callback are state too, so a loaded
	// PIT interrupts exactly as the saved one would have.
	var irq0, call, callLvl bool
	var callIn uint64
	if !v.Loading() {
		irq0, call = p.irqLevel, p.timer != nil
		if call {
			callLvl = p.callLvl
			if p.callAt > now {
				callIn = uint64(p.callAt - now)
			}
		}
	}
	present := false
	v.Optional("irq0", true, func() {
		present = true
		v.Bool("level", &irq0)
		v.Bool("callback", &call)
		v.Uint64("callback-in-ns", &callIn)
		v.Bool("callback-level", &callLvl)
		v.Check(callIn <= maxElapsed, "callback in %d ns", callIn)
	})
	if !v.Loading() || v.Err() != nil {
		return
	}
	p.stopTimer()
	if !present { // a stream from before the subsection: IRQ 0 follows OUT
		p.irqLevel = p.ch[0].out(now)
		p.irq.Set(p.irqLevel)
		p.schedule(now)
		return
	}
	_, edge := p.ch[0].nextEdge(now)
	if _, reload := p.ch[0].nextReload(now); (edge || reload) && !call {
		v.Fail("counter 0's OUT changes later and no callback is due")
		return
	}
	p.irqLevel = irq0
	p.irq.Set(irq0)
	if call {
		p.arm(now+time.Duration(callIn), callLvl)
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
		v.Check(c.pending || c.switchD == 0, "reload point %d with no reload pending", c.switchD)
		// The reload waits at most one period from the clocks counted.
		d := ticksAt(time.Duration(el)) - min(c.skip, ticksAt(time.Duration(el)))
		v.Check(!c.pending || (c.switchD > 0 && c.switchD <= d+uint64(c.period)), "pending reload at %d, %d clocks after the %d counted", c.switchD, c.switchD-d, d)
		if v.Loading() {
			c.epoch = now - time.Duration(el)
		}
	})
	v.Check(!c.running || present, "counting state missing for a running counter")
	if v.Loading() && !c.running {
		c.epoch, c.skip, c.pending, c.switchD = 0, 0, false, 0
	}
}
