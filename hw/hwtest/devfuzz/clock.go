package devfuzz

import (
	"sync"
	"sync/atomic"
	"time"

	"gemu/hw"
)

// Clock is a manual clock that counts the callbacks pending on it and the
// callbacks run, so a harness can bound both: a device must not leak timers
// or fire callbacks faster than its model allows.
type Clock struct {
	mc      *hw.ManualClock
	mu      sync.Mutex
	pending int    // guarded by mu
	fired   uint64 // guarded by mu
}

var _ hw.Clock = (*Clock)(nil)

// NewClock returns a clock reading now.
func NewClock(now time.Duration) *Clock {
	c := &Clock{mc: hw.NewManualClock()}
	c.mc.Advance(now)
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Duration { return c.mc.Now() }

// AfterFunc schedules f at time d.
func (c *Clock) AfterFunc(d time.Duration, f func()) hw.Timer {
	t := &countedTimer{c: c}
	c.mu.Lock()
	c.pending++
	c.mu.Unlock()
	t.t = c.mc.AfterFunc(d, func() {
		if t.done.CompareAndSwap(false, true) {
			c.mu.Lock()
			c.pending--
			c.fired++
			c.mu.Unlock()
		}
		f()
	})
	return t
}

// Advance moves the clock forward by d, running the callbacks that fall
// due.
func (c *Clock) Advance(d time.Duration) { c.mc.Advance(d) }

// Pending is the number of callbacks scheduled and neither run nor
// stopped.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pending
}

// Fired is the number of callbacks run so far.
func (c *Clock) Fired() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fired
}

type countedTimer struct {
	c    *Clock
	t    hw.Timer
	done atomic.Bool
}

func (t *countedTimer) Stop() bool {
	if !t.t.Stop() {
		return false
	}
	if t.done.CompareAndSwap(false, true) {
		t.c.mu.Lock()
		t.c.pending--
		t.c.mu.Unlock()
	}
	return true
}
