package hpet

import (
	"fmt"
	"time"

	"gemu/migration/vmstate"
)

// VisitState saves the registers, the counter's value, each timer's next
// match as a distance from the counter, and the PIT and RTC input levels.
// After a load the counter continues from the saved value and the outputs
// are driven again.
func (h *HPET) VisitState(v *vmstate.Visitor) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.clock.Now()
	count := h.counter(now)
	v.Uint64("config", &h.config)
	v.Check(h.config&^cfgWritable == 0, "configuration %#x has reserved bits", h.config)
	v.Uint64("isr", &h.isr)
	v.Check(h.isr>>NumTimers == 0, "interrupt status %#x beyond timer %d", h.isr, NumTimers-1)
	v.Uint64("counter", &count)
	// The time since the counter's last tick, so a loaded counter ticks
	// when the saved one would have.
	var phase uint64
	if !v.Loading() && h.enabled() && now > h.epoch {
		phase = uint64(now-h.epoch) % tickNS
	}
	v.Optional("phase", phase != 0, func() {
		v.Uint64("ns", &phase)
		v.Check(phase < tickNS, "counter phase %d ns, a tick is %d", phase, tickNS)
	})
	v.Bool("pit", &h.pit)
	v.Bool("rtc", &h.rtc)
	var until, overdue [NumTimers]uint64
	for i := range h.t {
		t := &h.t[i]
		v.Struct(fmt.Sprintf("timer%d", i), func() {
			v.Uint64("config", &t.config)
			v.Check(t.config&^tnWritable == 0, "configuration %#x has reserved bits", t.config)
			route := t.config & tnRouteMask >> tnRouteShift
			v.Check(route == 0 || h.intCap&(1<<route) != 0, "route %d outside INT_ROUTE_CAP %#x", route, h.intCap)
			v.Uint64("comparator", &t.cmp)
			v.Uint64("period", &t.period)
			v.Check(t.config&tn32Bit == 0 || t.cmp>>32 == 0 && t.period>>32 == 0, "32-bit timer with a 64-bit comparator or period")
			v.Bool("armed", &t.armed)
			if !v.Loading() && t.armed {
				if t.next >= count {
					until[i] = t.next - count
				} else {
					overdue[i] = count - t.next
				}
			}
			v.Uint64("until-match", &until[i])
			v.Check(until[i] <= maxTicks, "next match %d ticks away", until[i])
			// A match the counter has passed whose callback has not run
			// yet (a host clock calls back late): the loaded HPET calls
			// back for it as late.
			v.Optional("overdue", overdue[i] != 0, func() {
				v.Uint64("ticks", &overdue[i])
				v.Check(t.armed && until[i] == 0 && overdue[i] <= count && overdue[i] <= maxTicks,
					"match %d ticks overdue (armed %v, %d ticks away, counter %d)", overdue[i], t.armed, until[i], count)
			})
		})
	}
	if !v.Loading() || v.Err() != nil {
		return
	}
	h.count, h.epoch = count, now-time.Duration(phase)
	for i := range h.t {
		t := &h.t[i]
		armed := t.armed && h.enabled()
		stop(t) // a callback armed before the load is for the old state
		t.next, t.armed = count+until[i]-overdue[i], armed
		if armed && overdue[i] != 0 {
			gen := t.gen
			t.timer = h.clock.AfterFunc(h.epoch-time.Duration(overdue[i]*tickNS), func() { h.fired(i, gen) })
			continue
		}
		h.schedule(i, now)
	}
	h.drive(true)
}
