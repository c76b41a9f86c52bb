package hw

import (
	"testing"
	"time"
)

func TestManualClockOrder(t *testing.T) {
	c := NewManualClock()
	var got []time.Duration
	rec := func() { got = append(got, c.Now()) }
	c.AfterFunc(30*time.Millisecond, rec)
	stopped := c.AfterFunc(20*time.Millisecond, rec)
	c.AfterFunc(10*time.Millisecond, rec)
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer returned false")
	}
	c.Advance(25 * time.Millisecond)
	if len(got) != 1 || got[0] != 10*time.Millisecond {
		t.Fatalf("after 25ms: fired at %v", got)
	}
	c.Advance(10 * time.Millisecond)
	if len(got) != 2 || got[1] != 30*time.Millisecond || c.Now() != 35*time.Millisecond {
		t.Fatalf("after 35ms: fired at %v, now %v", got, c.Now())
	}
	if stopped.Stop() {
		t.Error("second Stop returned true")
	}
}

func TestManualClockRearmFromCallback(t *testing.T) {
	c := NewManualClock()
	n := 0
	var tick func()
	tick = func() {
		n++
		c.AfterFunc(c.Now()+time.Millisecond, tick)
	}
	c.AfterFunc(time.Millisecond, tick)
	c.Advance(10 * time.Millisecond)
	if n != 10 {
		t.Errorf("periodic callback ran %d times in 10ms, want 10", n)
	}
}

// TestManualClockConcurrentAdvance: two goroutines advance the clock (the
// interpreter's vCPUs each hand their executed instructions to it); time
// never goes back, whichever finishes last.
func TestManualClockConcurrentAdvance(t *testing.T) {
	c := NewManualClock()
	inCallback, release := make(chan struct{}), make(chan struct{})
	c.AfterFunc(10*time.Millisecond, func() {
		close(inCallback)
		<-release
	})
	done := make(chan struct{})
	go func() {
		c.Advance(100 * time.Millisecond) // runs the callback at 10ms, which waits
		close(done)
	}()
	<-inCallback
	c.Advance(200 * time.Millisecond) // from 10ms to 210ms while the first waits
	close(release)
	<-done
	if now := c.Now(); now != 210*time.Millisecond {
		t.Errorf("Now() = %v after both advances, want 210ms", now)
	}
}
