package lapic

import (
	"testing"
	"time"

	"gemu/hw/hwtest/devfuzz"
	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestFarTSCDeadline: a TSC deadline centuries away (or beyond what a
// Duration holds) never fires, and the state saves and loads.
func TestFarTSCDeadline(t *testing.T) {
	for _, dl := range []uint64{0x3030303030303030, 1 << 63, ^uint64(0)} {
		r := newRig(t, 1)
		r.enable(0)
		r.w(0, 0x320, 0x40041) // TSC-deadline mode, vector 0x41
		if !r.apic[0].WriteMSR(msrDeadline, dl) {
			t.Fatal("IA32_TSC_DEADLINE write refused")
		}
		r.clock.Advance(time.Hour)
		if r.apic[0].IRR(0x41) {
			t.Errorf("deadline %#x fired within an hour", dl)
		}
		if err := vmstate.Load(newRig(t, 1).apic[0], vmstate.Save(r.apic[0])); err != nil {
			t.Errorf("deadline %#x: %v", dl, err)
		}
	}
}

// TestLoadKeepsFlooredCallback: a periodic count shorter than minPeriod is
// called back at most every minPeriod; a snapshot taken between two
// callbacks loads into an APIC that interrupts when the saved one would
// have.
func TestLoadKeepsFlooredCallback(t *testing.T) {
	s := (&devfuzz.Seq{}).Write(0, 0xf0, 4, 0x1ff).Write(0, 0x3e0, 4, 0xb).Write(0, 0x320, 4, 0x20040).
		Write(0, 0x380, 4, 100).Advance(10 * time.Microsecond).Fork(0).
		Advance(45 * time.Microsecond).Op(3).Advance(30 * time.Microsecond).Op(3)
	devfuzz.Run(t, fuzzTarget(), s.Bytes())
}
