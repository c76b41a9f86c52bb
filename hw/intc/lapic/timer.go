package lapic

import "time"

// The APIC timer (SDM §10.5.4). The count runs at the bus clock divided by
// the divide configuration; the bus clock is 1 GHz, as in QEMU and KVM, so
// one tick is one nanosecond before division. The count is not stepped: it
// is computed from the clock time since the count started, and a clock
// callback fires at each expiry.

// maxTime is the latest time a timer can be set for.
const maxTime = time.Duration(1<<63 - 1)

// shift is log2 of the divisor: DCR bits 3,1:0 = 000 divide by 2 ... 110 by
// 128, 111 by 1 (SDM Figure 10-10).
func (a *APIC) shift() uint {
	v := a.divide&3 | a.divide&8>>1
	return uint(v+1) & 7
}

func (a *APIC) timerMode() uint32 { return a.lvt[lvtTimer] >> lvtTimerShift & 3 }

// period is the time the count takes from the initial count to 0.
func (a *APIC) period() time.Duration {
	return time.Duration(uint64(a.initial) << a.shift())
}

// currentCount is the current-count register at now.
func (a *APIC) currentCount(now time.Duration) uint32 {
	if a.initial == 0 || a.timerMode() == timerDeadline || now < a.origin {
		return a.initial
	}
	e := uint64(now-a.origin) >> a.shift()
	if a.timerMode() == timerPeriodic {
		return a.initial - uint32(e%uint64(a.initial))
	}
	if e >= uint64(a.initial) {
		return 0
	}
	return a.initial - uint32(e)
}

// timerSync delivers an expiry that is due at now but whose callback has
// not run yet, and moves to the next one. Every change of timer state
// calls it first, so no expiry is lost to a stopped callback.
func (a *APIC) timerSync(now time.Duration) {
	if !a.armed || now < a.nextAt {
		return
	}
	a.localDeliver(lvtTimer)
	switch a.timerMode() {
	case timerPeriodic:
		p := a.period()
		k := (now-a.nextAt)/p + 1 // missed periods coalesce into one interrupt
		a.nextAt += k * p
		a.origin = a.nextAt - p
	case timerDeadline:
		a.armed, a.deadline = false, 0
	default:
		a.armed = false
	}
}

// schedule arms the clock callback for the next expiry.
func (a *APIC) schedule(now time.Duration) {
	a.stopTimer()
	if !a.armed {
		return
	}
	if now >= a.nextAt {
		a.timerSync(now)
		if !a.armed {
			return
		}
	}
	at := a.nextAt
	if a.timerMode() == timerPeriodic && at < now+minPeriod {
		at = now + minPeriod
	}
	a.arm(at)
}

// arm schedules the timer's callback at time at.
func (a *APIC) arm(at time.Duration) {
	gen := a.timerGen
	a.callAt = at
	a.timer = a.clock.AfterFunc(at, func() { a.fire(gen) })
}

func (a *APIC) stopTimer() {
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	a.timerGen++
}

func (a *APIC) fire(gen uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.timerGen {
		return
	}
	a.timer = nil
	now := a.clock.Now()
	a.timerSync(now)
	a.schedule(now)
}

// writeInitial starts the count from v (0 stops it). Ignored in
// TSC-deadline mode.
func (a *APIC) writeInitial(v uint32) {
	if a.timerMode() == timerDeadline {
		return
	}
	now := a.clock.Now()
	a.timerSync(now)
	a.initial, a.origin = v, now
	a.armed = v != 0
	a.nextAt = now + a.period()
	a.schedule(now)
}

// writeDivide changes the divisor; a running count continues from its
// current value at the new rate.
func (a *APIC) writeDivide(v uint32) {
	now := a.clock.Now()
	a.timerSync(now)
	if a.initial == 0 || a.timerMode() == timerDeadline || !a.armed {
		a.divide = v
		return
	}
	done := uint64(a.initial - a.currentCount(now)) // ticks elapsed in this count
	a.divide = v
	a.origin = now - time.Duration(done<<a.shift())
	a.nextAt = a.origin + a.period()
	a.schedule(now)
}

// writeTimerLVT writes the timer's LVT entry. Switching between
// TSC-deadline and the counting modes disarms the timer (SDM §10.5.4.1);
// switching between one-shot and periodic keeps the count running.
func (a *APIC) writeTimerLVT(v uint32) {
	now := a.clock.Now()
	a.timerSync(now)
	old := a.timerMode()
	a.lvt[lvtTimer] = v
	if (old == timerDeadline) != (a.timerMode() == timerDeadline) {
		a.initial, a.deadline, a.armed = 0, 0, false
		a.stopTimer()
		return
	}
	if a.timerMode() == timerPeriodic && old != timerPeriodic && !a.armed && a.initial != 0 {
		return // an expired one-shot count stays at 0
	}
	a.schedule(now)
}

// writeDeadline writes IA32_TSC_DEADLINE: ignored outside TSC-deadline
// mode, 0 disarms, a time already past fires at once.
func (a *APIC) writeDeadline(v uint64) {
	if a.timerMode() != timerDeadline {
		return
	}
	now := a.clock.Now()
	a.timerSync(now)
	a.deadline = v
	a.armed = v != 0
	if a.armed {
		a.nextAt = a.tscToTime(v)
		if a.nextAt < 0 {
			a.nextAt = maxTime // beyond what a Duration holds: never, in practice
		}
	}
	a.schedule(now)
}
