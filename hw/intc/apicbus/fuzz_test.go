package apicbus

import (
	"testing"
)

// FuzzMSI decodes arbitrary MSI address and data pairs (a guest programs
// them into a device's MSI capability) and delivers them to two APICs:
// decoding never panics, accepts exactly the interrupt window, and a
// delivery reaches only matching APICs.
func FuzzMSI(f *testing.F) {
	f.Add(uint64(0xfee00000), uint32(0x4031))
	f.Add(uint64(0xfee0100c), uint32(0xc100))
	f.Add(uint64(0xfeefffff), uint32(0xffffffff))
	f.Add(uint64(0x1fee00000), uint32(0x30))
	f.Add(uint64(0xfed00000), uint32(0x30))
	f.Fuzz(func(t *testing.T, addr uint64, data uint32) {
		m, ok := DecodeMSI(addr, data)
		if ok != (addr>>20 == 0xfee) {
			t.Fatalf("DecodeMSI(%#x): ok %v", addr, ok)
		}
		if !ok {
			return
		}
		if m.Dest > 0xff || m.Mode > 7 || m.Shorthand != NoShorthand || m.Source != nil || !m.Trigger && !m.Level {
			t.Fatalf("DecodeMSI(%#x, %#x) = %+v", addr, data, m)
		}
		b, ts := newBus(2)
		ts[1].pri = 0x20
		b.SignalMSI(addr, data)
		n := len(ts[0].got) + len(ts[1].got)
		if m.Mode == LowestPriority && n > 1 {
			t.Fatalf("lowest-priority message delivered %d times", n)
		}
		for _, a := range ts {
			if len(a.got) > 0 && !a.Match(m) && !(m.Mode == INIT && !m.Level && m.Trigger) {
				t.Fatalf("APIC %d got %+v it does not match", a.id, m)
			}
		}
	})
}
