package ioapic

import (
	"testing"

	"gemu/hw/intc/apicbus"
	"gemu/migration/vmstate"
)

// FuzzLoadState feeds arbitrary snapshot sections to the I/O APIC.
func FuzzLoadState(f *testing.F) {
	r := newRig(f)
	f.Add(vmstate.Save(r.s))
	r.route(4, 0x8031, 1)
	r.s.SetIRQ(4, true)
	r.route(5, 0x10032, 0)
	r.s.SetIRQ(5, true)
	f.Add(vmstate.Save(r.s))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := apicbus.New()
		b.Attach(&countAPIC{})
		s, _ := New(Config{Bus: b})
		if vmstate.Load(s, data) != nil {
			return
		}
		for pin := 0; pin < NumPins; pin++ {
			s.SetIRQ(pin, true)
			s.EOI(uint8(s.Entry(pin)))
		}
		if err := vmstate.Load(s, vmstate.Save(s)); err != nil {
			t.Fatalf("a loaded state does not load again: %v", err)
		}
	})
}
