package i8259

import (
	"testing"

	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestICW4ReservedBits: an ICW4 with bits 7-5 set keeps only the defined
// bits, so the state saves and loads.
func TestICW4ReservedBits(t *testing.T) {
	p, _ := New(Config{})
	slave := chipPort{p, 1}
	slave.Write(0, 1, 0x11)
	slave.Write(1, 1, 0x28)
	slave.Write(1, 1, 0x02)
	slave.Write(1, 1, 0xf1)
	if err := vmstate.Load(func() *PIC { q, _ := New(Config{}); return q }(), vmstate.Save(p)); err != nil {
		t.Fatalf("state after ICW4 0xf1 does not load: %v", err)
	}
}
