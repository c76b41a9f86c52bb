package hpet

import (
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/hwtest/devfuzz"
	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestLoadKeepsTickPhase: a counter saved between two ticks ticks on
// time after a load.
func TestLoadKeepsTickPhase(t *testing.T) {
	r := newRig(t)
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(784 * time.Nanosecond) // 78 ticks and 4 ns
	c2 := hw.NewManualClock()
	c2.Advance(r.clock.Now() + time.Second)
	h2, _ := New(Config{Clock: c2})
	if err := vmstate.Load(h2, vmstate.Save(r.h)); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(6 * time.Nanosecond)
	c2.Advance(6 * time.Nanosecond)
	if a, b := r.r64(regCounter), h2.Read(regCounter, 8); a != b || a != 79 {
		t.Errorf("counter %d, after a load %d; want 79", a, b)
	}
}

// TestHugePeriod: a 64-bit periodic timer whose period or comparator puts
// the next match centuries away is not scheduled; nothing overflows.
func TestHugePeriod(t *testing.T) {
	for _, period := range []uint64{1 << 63, 1<<63 + 5, ^uint64(0), maxTicks, maxTicks + 1} {
		r := newRig(t)
		r.w64(tcfg(0), tnIntEnable|tnPeriodic|tnValSet|20<<tnRouteShift)
		r.w64(tcmp(0), 10)
		r.w64(tcmp(0), period)
		r.w64(regConfig, cfgEnable)
		r.clock.Advance(time.Second)
		if n := r.pins.take(20); n != 1 {
			t.Errorf("period %#x: %d interrupts in a second, want the first match only", period, n)
		}
		if err := vmstate.Load(newRig(t).h, vmstate.Save(r.h)); err != nil {
			t.Errorf("period %#x: %v", period, err)
		}
	}
}

// TestLoadOverdueMatch: under a host clock a match's callback runs late; a
// snapshot taken after the counter passed the match but before the
// callback loads (it was refused as a match 2^64 ticks away), and the
// loaded HPET interrupts as the saved one does.
func TestLoadOverdueMatch(t *testing.T) {
	s := (&devfuzz.Seq{}).Write(0, regConfig, 8, cfgEnable).
		Write(0, tcfg(1), 8, tnIntEnable|tnPeriodic|tnValSet|20<<tnRouteShift).
		Write(0, tcmp(1), 8, 0x330).Write(0, tcmp(1), 8, 0x330).
		Advance(100*time.Microsecond).Fork(3).Advance(time.Millisecond).Read(0, regISR, 8)
	tg := fuzzTarget()
	tg.Lag = 100 * time.Microsecond
	devfuzz.Run(t, tg, s.Bytes())
}
