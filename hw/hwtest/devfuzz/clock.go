package devfuzz

import (
	"container/heap"
	"sync"
	"time"

	"gemu/hw"
)

// Clock is a manual clock that counts the callbacks pending on it and the
// callbacks run, so a harness can bound both: a device must not leak timers
// or fire callbacks faster than its model allows.
//
// On time, Advance runs each callback at its deadline, as hw.ManualClock
// does. Late, a callback runs only once the clock has passed its deadline
// by the lag, at the end of the advance that gets there, seeing that
// advance's time, as a host clock under load calls back: devices must not
// assume a callback runs at its deadline, and the guest (or a snapshot)
// may look at the device in between.
type Clock struct {
	lag time.Duration // 0: on time

	mu      sync.Mutex
	now     time.Duration // guarded by mu
	timers  timerHeap     // guarded by mu
	seq     uint64        // guarded by mu
	pending int           // guarded by mu
	fired   uint64        // guarded by mu
}

var _ hw.Clock = (*Clock)(nil)

// NewClock returns an on-time clock reading now.
func NewClock(now time.Duration) *Clock { return &Clock{now: now} }

// NewLateClock returns a clock reading now whose callbacks run at least lag
// late.
func NewLateClock(now, lag time.Duration) *Clock { return &Clock{now: now, lag: lag} }

// Now returns the clock's time.
func (c *Clock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at time d.
func (c *Clock) AfterFunc(d time.Duration, f func()) hw.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &timer{c: c, when: d, seq: c.seq, f: f}
	heap.Push(&c.timers, t)
	c.pending++
	return t
}

// Advance moves the clock forward by d and runs the callbacks that fall
// due, in deadline order: on time, at their deadlines; late, at the end,
// those whose deadline is at least the lag behind.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now + d
	if c.lag > 0 {
		c.now = target
	}
	for len(c.timers) > 0 && c.timers[0].when <= target-c.lag {
		t := heap.Pop(&c.timers).(*timer)
		t.index = -1
		if t.when > c.now {
			c.now = t.when
		}
		c.pending--
		c.fired++
		c.mu.Unlock()
		t.f()
		c.mu.Lock()
	}
	c.now = target
	c.mu.Unlock()
}

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

type timer struct {
	c     *Clock
	when  time.Duration
	seq   uint64
	f     func()
	index int
}

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.index)
	t.index = -1
	t.c.pending--
	return true
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when != h[j].when {
		return h[i].when < h[j].when
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}
