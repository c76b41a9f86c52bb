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
