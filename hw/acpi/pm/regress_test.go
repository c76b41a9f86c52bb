package pm

import (
	"testing"
	"time"

	"gemu/hw"
	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestLoadKeepsTimerPhase: a timer saved between two ticks, loaded where
// the clock reads a different time, ticks when the saved one does.
func TestLoadKeepsTimerPhase(t *testing.T) {
	r := newRig(t, nil)
	r.clock.Advance(4096 * time.Nanosecond)
	c2 := hw.NewManualClock()
	c2.Advance(r.clock.Now() + 29629608*time.Nanosecond)
	p2, err := New(Config{Clock: c2, Shutdown: func() {}})
	if err != nil {
		t.Fatal(err)
	}
	if err := vmstate.Load(p2, vmstate.Save(r.pm)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if a, b := r.pm.Timer(), p2.Timer(); a != b {
			t.Fatalf("after %d ns: timer %d, loaded %d", i*37, a, b)
		}
		r.clock.Advance(37)
		c2.Advance(37)
	}
}
