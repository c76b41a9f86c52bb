package mc146818

import (
	"time"

	"gemu/migration/vmstate"
)

// Limits of a loaded state: the divider phase fits comfortably in int64
// arithmetic, and the calendar stays within years 0..9999.
const (
	maxDivider  = int64(1) << 62
	minCalendar = -62167219200 // 0000-01-01T00:00:00Z
	maxCalendar = 253402300799 // 9999-12-31T23:59:59Z
)

// VisitState saves the RAM and registers, the divider's phase, the
// calendar's reading and how far behind the flags' evaluation is. Saving
// changes nothing: a snapshot taken before a late callback loads into an
// RTC that flags and interrupts as the saved one would have.
func (r *RTC) VisitState(v *vmstate.Visitor) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	v.Array("cmos", r.cmos[:])
	v.Check(r.cmos[regA]&aUIP == 0, "register A %#x has UIP stored", r.cmos[regA])
	v.Check(r.cmos[regC]&^(cPF|cAF|cUF) == 0, "register C %#x has bits that are not flags", r.cmos[regC])
	v.Check(r.cmos[regD] == dVRT, "register D %#x, want %#x", r.cmos[regD], dVRT)
	v.Uint8("index", &r.index)
	v.Check(r.index < cmosSize, "index %#x", r.index)
	v.Bool("nmi-masked", &r.nmiMasked)
	v.Optional("extended-bank", r.extBank, func() {
		v.Check(r.extBank, "extended bank in the stream, none configured")
		v.Array("ram", r.ext[:])
		v.Uint8("index", &r.extIndex)
		v.Check(r.extIndex < cmosSize, "extended index %#x", r.extIndex)
	})
	div := r.divAt(now)
	v.Int64("divider-ns", &div)
	v.Check(div >= 0 && div <= maxDivider, "divider phase %d ns outside 0..%d", div, maxDivider)
	var cal int64
	if !v.Loading() && r.calendarRunning() {
		cal = wrapCalendar(r.calendarAt(now))
	}
	v.Int64("calendar", &cal)
	v.Check(cal >= minCalendar && cal <= maxCalendar, "calendar %d outside years 0..9999", cal)
	// The flags in register C are brought up to date lazily: how far the
	// divider has run since, so an event not yet flagged (its callback
	// runs late) is flagged and interrupts after a load as it would have.
	var lag int64
	if !v.Loading() {
		lag = div - r.flagsAt
	}
	v.Optional("flags-lag", lag != 0, func() {
		v.Int64("ns", &lag)
		v.Check(lag >= 0 && lag <= div, "flags %d ns behind the divider at %d", lag, div)
	})
	if !v.Loading() || v.Err() != nil {
		return
	}
	r.divBase, r.divRef = div, now
	r.calSec = cal
	r.calDivSec = floorDiv(div, int64(time.Second))
	r.flagsAt = div - lag
	r.irqLevel = r.irqf()
	r.irq.Set(r.irqLevel)
	r.nmi.Set(r.nmiMasked)
	r.schedule(now)
}
