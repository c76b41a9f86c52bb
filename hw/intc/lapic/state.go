package lapic

import (
	"time"

	"gemu/migration/vmstate"
)

// maxSpan caps the saved time since a count started (a century; the
// longest real count is 2^32 × 128 ns, about 9 minutes).
const maxSpan = uint64(100 * 365 * 24 * time.Hour)

// never is the saved time until an expiry that lies beyond what a Duration
// holds (a TSC deadline in the far future).
const never = ^uint64(0)

// VisitState saves the registers, the pin levels and the timer. Timer
// times are saved relative to the clock, so the count continues where it
// was whatever the destination clock reads.
func (a *APIC) VisitState(v *vmstate.Visitor) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	if !v.Loading() {
		a.timerSync(now) // an expiry due now is delivered, not saved as overdue
	}
	v.Uint64("base", &a.base)
	v.Uint32("id", &a.apicID)
	v.Uint8("tpr", &a.tpr)
	v.Uint32("ldr", &a.ldr)
	v.Uint32("dfr", &a.dfr)
	v.Uint32("svr", &a.svr)
	v.Uint32s("isr", a.isr[:])
	v.Uint32s("tmr", a.tmr[:])
	v.Uint32s("irr", a.irr[:])
	v.Uint32("esr", &a.esr)
	v.Uint32("esr-reg", &a.esrReg)
	v.Uint32("icr-lo", &a.icrLo)
	v.Uint32("icr-hi", &a.icrHi)
	v.Uint32s("lvt", a.lvt[:])
	v.Bool("lint0", &a.lint[0])
	v.Bool("lint1", &a.lint[1])
	v.Bool("extint", &a.extint)
	v.Uint32("timer-initial", &a.initial)
	v.Uint32("timer-divide", &a.divide)
	v.Uint64("tsc-deadline", &a.deadline)
	v.Bool("timer-armed", &a.armed)
	var since, until uint64
	if !v.Loading() {
		// The count's start matters only while there is a count.
		if now > a.origin && a.initial != 0 && a.timerMode() != timerDeadline {
			since = uint64(now - a.origin)
		}
		switch {
		case a.armed && a.nextAt == maxTime:
			until = never
		case a.armed && a.nextAt > now:
			until = uint64(a.nextAt - now)
		}
	}
	v.Uint64("timer-since-start", &since)
	v.Uint64("timer-until-expiry", &until)
	// The callback may be due later than the expiry (minPeriod holds it
	// back): when it runs is state too, so a loaded APIC interrupts when
	// the saved one would have.
	var callIn uint64
	call := !v.Loading() && a.timer != nil && a.armed && a.callAt != maxTime
	if call && a.callAt > now {
		callIn = uint64(a.callAt - now)
	}
	v.Optional("timer-callback", call, func() {
		call = true
		v.Uint64("in-ns", &callIn)
		v.Check(callIn <= uint64(minPeriod) || callIn == until, "timer callback in %d ns, expiry in %d ns", callIn, until)
		v.Check(a.armed, "timer callback while the timer is not armed")
	})
	if !v.Loading() || v.Err() != nil {
		return
	}
	a.check(v, now, since, until)
	if v.Err() != nil {
		return
	}
	a.origin = now - time.Duration(since)
	a.nextAt = now + time.Duration(until)
	if until == never {
		a.nextAt = maxTime
	}
	if call {
		a.stopTimer()
		a.arm(now + time.Duration(callIn))
	} else {
		a.schedule(now)
	}
	a.update(true)
}

// check validates a loaded state.
func (a *APIC) check(v *vmstate.Visitor, now time.Duration, since, until uint64) {
	v.Check(a.base&^(a.addrMask|baseBSP|baseX2APIC|baseEnable) == 0, "APIC base %#x has reserved bits", a.base)
	v.Check((a.base&baseBSP != 0) == a.bsp, "APIC base %#x: BSP flag differs from this processor's", a.base)
	if a.x2() {
		v.Check(a.x2OK, "x2APIC mode without x2APIC support")
		v.Check(a.hwEnabled(), "APIC base %#x: x2APIC mode while disabled", a.base)
		v.Check(a.apicID == a.initialID, "x2APIC ID %d differs from the initial ID %d", a.apicID, a.initialID)
	} else {
		v.Check(a.apicID <= 0xff, "xAPIC ID %#x exceeds 8 bits", a.apicID)
	}
	v.Check(a.ldr&^ldrXAPICMask == 0, "LDR %#x has reserved bits", a.ldr)
	v.Check(a.dfr&0x0fffffff == 0x0fffffff, "DFR %#x: bits 27:0 must read as ones", a.dfr)
	v.Check(a.svr&^svrWritable == 0, "SVR %#x has reserved bits", a.svr)
	v.Check(a.esr <= 0xff && a.esrReg <= 0xff, "ESR %#x/%#x has reserved bits", a.esr, a.esrReg)
	v.Check(a.icrLo&^icrWritable == 0, "ICR %#x has reserved or status bits", a.icrLo)
	v.Check(a.x2() || a.icrHi&^icr2DestMask == 0, "ICR high %#x has reserved bits", a.icrHi)
	for i, l := range a.lvt {
		w := lvtWritable[i]
		if i == lvtTimer && a.dlOK {
			w |= lvtTimerDeadline
		}
		if i == lvtLINT0 || i == lvtLINT1 {
			w |= lvtRemoteIRR
		}
		v.Check(l&^w == 0, "LVT entry %d: %#x has reserved bits", i, l)
		v.Check(a.swEnabled() || l&lvtMasked != 0, "LVT entry %d unmasked while the APIC is software-disabled", i)
	}
	v.Check(a.divide&^dividerMask == 0, "divide configuration %#x has reserved bits", a.divide)
	v.Check(since <= maxSpan, "timer started %d ns ago", since)
	v.Check(until == never || until <= uint64(maxTime-now), "timer expiry %d ns away", until) // a TSC deadline may be centuries off
	if a.armed {
		if a.timerMode() == timerDeadline {
			v.Check(a.deadline != 0, "TSC-deadline timer armed without a deadline")
		} else {
			v.Check(a.initial != 0, "timer armed with initial count 0")
			v.Check(until <= uint64(a.period()), "timer expiry %d ns beyond its period %d ns", until, uint64(a.period()))
		}
	}
}
