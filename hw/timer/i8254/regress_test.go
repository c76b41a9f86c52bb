package i8254

import (
	"testing"

	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestBCDControlWordAfterFullBinaryCount: switching a counter that ran a
// full binary count (65536) to BCD leaves a state that saves and loads.
func TestBCDControlWordAfterFullBinaryCount(t *testing.T) {
	r := newRig(t)       // reset: every counter mode 3 with the full count
	r.clock.Advance(100) // the count is 65535-ish: above any BCD count
	r.ctl(0x31)          // counter 0, word, mode 0, BCD
	if err := vmstate.Load(newRig(t).p, vmstate.Save(r.p)); err != nil {
		t.Fatalf("state after a BCD control word does not load: %v", err)
	}
}

// TestPendingReloadLongAfterStart: a count written to a mode 2 counter
// that has run for a while waits for the end of the current period; that
// state loads.
func TestPendingReloadLongAfterStart(t *testing.T) {
	r := newRig(t)
	r.program(0, 2, 100)
	r.ticks(100000)
	r.word(0, 50)
	if err := vmstate.Load(newRig(t).p, vmstate.Save(r.p)); err != nil {
		t.Fatalf("state with a pending reload does not load: %v", err)
	}
}

// TestReloadAfterCountOne: a count of 1 in mode 3 has no edges, but a new
// count written behind it takes over at the end of the period and
// interrupts again.
func TestReloadAfterCountOne(t *testing.T) {
	r := newRig(t)
	r.program(0, 3, 1)
	r.ticks(10)
	r.word(0, 1000)
	r.line.Reset()
	r.ticks(10001) // the reload comes one clock after the write
	if n := r.line.Rises(); n != 10 {
		t.Errorf("%d rising edges in 10 periods of the new count", n)
	}
}
