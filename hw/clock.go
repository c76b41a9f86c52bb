package hw

import (
	"container/heap"
	"sync"
	"time"
)

// HostClock is the wall-clock Clock: guest time is host monotonic time since
// the clock was made.
type HostClock struct{ start time.Time }

// NewHostClock returns a clock that reads zero now.
func NewHostClock() *HostClock { return &HostClock{start: time.Now()} }

// Now returns the host time elapsed since creation.
func (c *HostClock) Now() time.Duration { return time.Since(c.start) }

// AfterFunc runs f on its own goroutine when the deadline passes.
func (c *HostClock) AfterFunc(d time.Duration, f func()) Timer {
	return time.AfterFunc(d-c.Now(), f)
}

// ManualClock is a virtual clock that moves only when Advance is called.
// Callbacks run synchronously inside Advance, in deadline order, so device
// behaviour under it is deterministic.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Duration // guarded by mu
	timers timerHeap     // guarded by mu
	seq    uint64        // guarded by mu
}

// NewManualClock returns a virtual clock reading zero.
func NewManualClock() *ManualClock { return &ManualClock{} }

// Now returns the virtual time.
func (c *ManualClock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f for virtual time d.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &manualTimer{c: c, when: d, seq: c.seq, f: f}
	heap.Push(&c.timers, t)
	return t
}

// Advance moves time forward by d, running every callback that falls due, in
// order; a callback sees Now() equal to its deadline. Several goroutines
// may advance at once: time never goes back (a callback may then see a
// later time than its deadline).
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now + d
	for len(c.timers) > 0 && c.timers[0].when <= target {
		t := heap.Pop(&c.timers).(*manualTimer)
		if t.when > c.now {
			c.now = t.when
		}
		t.index = -1
		c.mu.Unlock()
		t.f()
		c.mu.Lock()
	}
	if target > c.now {
		c.now = target
	}
	c.mu.Unlock()
}

// Next returns the deadline of the earliest pending callback.
func (c *ManualClock) Next() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return 0, false
	}
	return c.timers[0].when, true
}

type manualTimer struct {
	c     *ManualClock
	when  time.Duration
	seq   uint64
	f     func()
	index int
}

func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.index)
	t.index = -1
	return true
}

type timerHeap []*manualTimer

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
	t := x.(*manualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}
