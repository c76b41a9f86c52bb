package i8259

import (
	"testing"

	"gemu/migration/vmstate"
)

// FuzzLoadState feeds arbitrary snapshot sections to the PIC: a load either
// fails cleanly or leaves a pair that works and saves again.
func FuzzLoadState(f *testing.F) {
	r := newRig(f)
	f.Add(vmstate.Save(r.p))
	r.initPC(0x08, 0x70, 0x01)
	r.out(0x4d1, 0x0c)
	r.p.SetIRQ(11, true)
	r.p.SetIRQ(3, true)
	r.p.Ack()
	f.Add(vmstate.Save(r.p))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _ := New(Config{})
		if vmstate.Load(p, data) != nil {
			return
		}
		p.SetIRQ(5, true)
		p.Ack()
		chipPort{p, 0}.Write(0, 1, 0x20)
		if err := vmstate.Load(p, vmstate.Save(p)); err != nil {
			t.Fatalf("a loaded state does not load again: %v", err)
		}
	})
}
