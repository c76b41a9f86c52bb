package lapic

import (
	"testing"
	"time"

	"gemu/hw/hwtest/devfuzz"
)

// The timer under a clock that calls back late, as the host clock does
// under load: expiries are delivered when the callback runs, none is lost,
// and the count keeps its phase.

func lateAPIC(t *testing.T, lag time.Duration) (*APIC, *devfuzz.Clock) {
	t.Helper()
	clock := devfuzz.NewLateClock(0, lag)
	a, err := New(Config{CPU: &fakeCPU{}, BSP: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	a.Write(0xf0, 4, 0x1ff)
	a.Write(0x3e0, 4, 0xb) // divide by 1: one tick per ns
	return a, clock
}

func TestLateOneShot(t *testing.T) {
	a, clock := lateAPIC(t, 300*time.Microsecond)
	a.Write(0x320, 4, 0x41)
	a.Write(0x380, 4, 1000000) // 1 ms
	clock.Advance(1100 * time.Microsecond)
	if got := a.Read(0x390, 4); got != 0 {
		t.Errorf("current count %d after the expiry, before the late callback; want 0", got)
	}
	clock.Advance(300 * time.Microsecond)
	if v, ok := a.Ack(); !ok || v != 0x41 {
		t.Fatalf("Ack = %#x, %v after the late callback; want 0x41", v, ok)
	}
	a.Write(0xb0, 4, 0)
	clock.Advance(10 * time.Millisecond)
	if a.Pending() {
		t.Error("a one-shot count interrupted twice")
	}
}

func TestLatePeriodicKeepsPhase(t *testing.T) {
	a, clock := lateAPIC(t, 300*time.Microsecond)
	a.Write(0x320, 4, 0x20041)
	a.Write(0x380, 4, 1000000) // 1 ms
	n := 0
	for i := 0; i < 200; i++ {
		clock.Advance(100 * time.Microsecond)
		if _, ok := a.Ack(); ok {
			n++
			a.Write(0xb0, 4, 0)
		}
	}
	if n < 19 {
		t.Errorf("%d interrupts in 20 periods with callbacks 300 µs late", n)
	}
	clock.Advance(250 * time.Microsecond)
	if got := a.Read(0x390, 4); got != 750000 {
		t.Errorf("current count %d, 20.25 periods in; want 750000 (the callbacks' lateness must not shift the period)", got)
	}
}
