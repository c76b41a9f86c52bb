package mc146818

import (
	"testing"
	"time"

	"gemu/hw/hwtest"
	"gemu/hw/hwtest/devfuzz"
	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestYearBeyondDigits: a guest can set the calendar to a year four digits
// cannot hold (binary mode, century 0xff), or let 9999 run out; the
// calendar rolls over within years 0..9999 and the state saves and loads.
func TestYearBeyondDigits(t *testing.T) {
	g := newRig(t, time.Time{})
	g.set(regB, bSET|b24|bDM)
	g.set(RegCentury, 0xff)
	g.set(regYear, 0xff)
	g.set(regB, b24|bDM)
	if err := vmstate.Load(newRig(t, time.Time{}).r, vmstate.Save(g.r)); err != nil {
		t.Fatalf("year 25755: %v", err)
	}
	g.set(regB, bSET|b24|bDM)
	for _, w := range [][2]uint8{{RegCentury, 99}, {regYear, 99}, {regMonth, 12}, {regDayOfMonth, 31},
		{regHours, 23}, {regMinutes, 59}, {regSeconds, 59}} {
		g.set(w[0], w[1])
	}
	g.set(regB, b24|bDM)
	g.clock.Advance(2 * time.Second)
	if err := vmstate.Load(newRig(t, time.Time{}).r, vmstate.Save(g.r)); err != nil {
		t.Fatalf("past 9999: %v", err)
	}
	if got := g.r.Now(); got.Year() != 0 || got.Month() != 1 || got.Day() != 1 {
		t.Errorf("9999-12-31 23:59:59 plus a second reads %v, want year 0 January 1", got)
	}
	if c, y := g.get(RegCentury), g.get(regYear); c != 0 || y != 0 {
		t.Errorf("century %d year %d after the rollover, want 0 0", c, y)
	}
}

// TestTimeWriteBeforeLateCallback: a periodic event passed, its callback
// has not run yet (a late host clock), and the guest writes a time
// register: the write brings the flags up to date, and IRQ 8 rises with
// the flag rather than a period later.
func TestTimeWriteBeforeLateCallback(t *testing.T) {
	clock := devfuzz.NewLateClock(0, time.Millisecond)
	line := new(hwtest.Line)
	r, err := New(Config{IRQ: line, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	r.Write(portIndex, 1, regB)
	r.Write(portData, 1, bPIE|b24)
	clock.Advance(time.Millisecond) // 1024 Hz: an event passed, the callback waits
	if line.High() {
		t.Fatal("IRQ 8 high before anything looked at the flags")
	}
	r.Write(portIndex, 1, regSeconds)
	r.Write(portData, 1, 0x30)
	if !line.High() {
		t.Error("IRQ 8 low after a time write flagged the periodic event")
	}
}
