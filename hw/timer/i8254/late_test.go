package i8254

import (
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/hwtest"
)

// lateClock calls its timers back only when the test says, after their
// deadlines, as a host clock does under load.
type lateClock struct {
	now   time.Duration
	at    time.Duration
	f     func()
	armed bool
}

func (c *lateClock) Now() time.Duration { return c.now }
func (c *lateClock) AfterFunc(d time.Duration, f func()) hw.Timer {
	c.at, c.f, c.armed = d, f, true
	return lateTimer{c}
}

type lateTimer struct{ c *lateClock }

func (t lateTimer) Stop() bool {
	was := t.c.armed
	t.c.armed = false
	return was
}

// TestMode2PulseSurvivesLateCallback: in mode 2 OUT is low for one input
// clock (838 ns) per period. A callback that runs microseconds late must
// still deliver the low-high pulse to the interrupt line.
func TestMode2PulseSurvivesLateCallback(t *testing.T) {
	c := &lateClock{}
	line := &hwtest.Line{}
	p, err := New(Config{IRQ: line, Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	p.Reset()
	p.Write(3, 1, 0x34) // counter 0, lobyte/hibyte, mode 2
	p.Write(0, 1, 11932&0xff)
	p.Write(0, 1, 11932>>8)
	rises := line.Rises()
	for i := 0; i < 5; i++ {
		if !c.armed {
			t.Fatalf("period %d: no callback armed", i)
		}
		c.now = c.at + 50*time.Microsecond // late by far more than the pulse
		c.armed = false
		c.f()
	}
	if got := line.Rises() - rises; got < 5 {
		t.Errorf("%d rising edges after 5 late periods, want 5", got)
	}
}

// TestMode2PulseSurvivesReadBeforeLateCallback: a new count waits for the
// end of the period; the guest reads counter 0 after that end but before
// the late callback for the period's low pulse runs. The read moves the
// counter's bookkeeping to the new count; the pulse must still reach the
// line.
func TestMode2PulseSurvivesReadBeforeLateCallback(t *testing.T) {
	c := &lateClock{}
	line := &hwtest.Line{}
	p, err := New(Config{IRQ: line, Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	p.Reset()
	p.Write(3, 1, 0x34) // counter 0, lobyte/hibyte, mode 2
	p.Write(0, 1, 1000&0xff)
	p.Write(0, 1, 1000>>8)
	p.Write(0, 1, 2000&0xff) // the next period's count, pending
	p.Write(0, 1, 2000>>8)
	if !c.armed {
		t.Fatal("no callback armed")
	}
	rises := line.Rises()
	c.now = timeOf(1000) + 10*time.Microsecond // past the pulse and the reload
	p.Read(0, 1)
	p.Read(0, 1)
	c.armed = false
	c.f()
	if got := line.Rises() - rises; got != 1 {
		t.Errorf("%d rising edges after the late callback, want 1", got)
	}
}

// TestShortPeriodCoalesces: periods shorter than minPeriod are counted
// exactly but called back at most every minPeriod; each callback still
// gives the interrupt controller an edge.
func TestShortPeriodCoalesces(t *testing.T) {
	for _, mode := range []uint8{2, 3} {
		clock := hw.NewManualClock()
		line := &hwtest.Line{}
		p, _ := New(Config{IRQ: line, Clock: clock})
		p.Reset()
		p.Write(3, 1, uint64(0x30|mode<<1))
		p.Write(0, 1, 2)
		p.Write(0, 1, 0)
		line.Reset()
		clock.Advance(10 * time.Millisecond)
		got := line.Rises()
		max := int(10*time.Millisecond/minPeriod) + 1
		if got < max/2 || got > max {
			t.Errorf("mode %d, count 2: %d rising edges in 10ms, want %d..%d", mode, got, max/2, max)
		}
		if v := p.Count(0); v > 2 {
			t.Errorf("mode %d: count %d", mode, v)
		}
	}
}
