package pm

import (
	"testing"
	"time"

	"gemu/hw/hwtest"
	"gemu/hw/hwtest/devfuzz"
)

// TestLateTimerOverflow: the PM timer's top bit turns while its callback
// waits (a late host clock): reading PM1_STS shows TMR_STS and raises the
// SCI at once, and the late callback raises it again after nothing.
func TestLateTimerOverflow(t *testing.T) {
	clock := devfuzz.NewLateClock(0, 100*time.Millisecond)
	sci := new(hwtest.Line)
	p, err := New(Config{Timer24: true, SCI: sci, Clock: clock, Shutdown: func() {}})
	if err != nil {
		t.Fatal(err)
	}
	evt := block{p, kindEvt}
	evt.Write(2, 2, enTmr)
	clock.Advance(2400 * time.Millisecond) // 2^23 ticks are 2.34 s
	if sci.High() {
		t.Fatal("SCI before anything looked at the timer")
	}
	if sts := evt.Read(0, 2); sts&stsTmr == 0 {
		t.Fatalf("PM1_STS %#x after the top bit turned, want TMR_STS", sts)
	}
	if !sci.High() {
		t.Fatal("SCI low with TMR_STS and TMR_EN set")
	}
	evt.Write(0, 2, stsTmr)
	sci.Reset()
	clock.Advance(100 * time.Millisecond) // the late callback runs
	if sci.Rises() != 0 {
		t.Error("the late callback raised the SCI for a status already cleared")
	}
	clock.Advance(2400 * time.Millisecond)
	if !sci.High() {
		t.Error("no SCI for the next turn of the top bit")
	}
}
