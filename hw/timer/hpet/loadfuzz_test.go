package hpet

import (
	"testing"
	"time"

	"gemu/hw"
	"gemu/migration/vmstate"
)

// FuzzLoadState feeds arbitrary snapshot sections to the HPET.
func FuzzLoadState(f *testing.F) {
	r := newRig(f)
	f.Add(vmstate.Save(r.h))
	r.w64(regConfig, cfgEnable|cfgLegacy)
	r.w64(tcfg(0), tnIntEnable|tnPeriodic|tnValSet|tn32Bit)
	r.w64(tcmp(0), 1000)
	r.w64(tcfg(2), tnLevel|tnIntEnable|20<<tnRouteShift)
	r.w64(tcmp(2), 50)
	r.clock.Advance(time.Microsecond)
	f.Add(vmstate.Save(r.h))
	f.Fuzz(func(t *testing.T, data []byte) {
		clock := hw.NewManualClock()
		h, _ := New(Config{Clock: clock})
		if vmstate.Load(h, data) != nil {
			return
		}
		clock.Advance(time.Millisecond)
		h.Read(regCounter, 8)
		if err := vmstate.Load(h, vmstate.Save(h)); err != nil {
			t.Fatalf("a loaded state does not load again: %v", err)
		}
	})
}
