package lapic

import (
	"testing"
	"time"

	"gemu/hw"
	"gemu/migration/vmstate"
)

// FuzzLoadState feeds arbitrary snapshot sections to a local APIC.
func FuzzLoadState(f *testing.F) {
	r := newRig(f, 1)
	f.Add(vmstate.Save(r.apic[0]))
	r.enable(0)
	r.w(0, 0x320, 0x20040)
	r.w(0, 0x380, 5000)
	r.apic[0].Accept(fixed(0x77, 0))
	r.apic[0].Ack()
	r.w(0, 0x350, 0x8045)
	r.apic[0].SetLINT0(true)
	f.Add(vmstate.Save(r.apic[0]))
	f.Fuzz(func(t *testing.T, data []byte) {
		clock := hw.NewManualClock()
		a, _ := New(Config{CPU: &fakeCPU{}, BSP: true, Clock: clock, X2APIC: true, TSCDeadline: true})
		if vmstate.Load(a, data) != nil {
			return
		}
		clock.Advance(time.Second)
		for i := 0; i < 4 && a.Pending(); i++ {
			a.Ack()
			a.Write(0xb0, 4, 0)
			a.WriteMSR(0x80b, 0)
		}
		a.Read(0x390, 4)
		if err := vmstate.Load(a, vmstate.Save(a)); err != nil {
			t.Fatalf("a loaded state does not load again: %v", err)
		}
	})
}
