package i8042

import (
	"testing"

	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestCommandByteBit7: a command byte with the reserved bit 7 set is kept
// as written (QEMU does the same), and the state saves and loads.
func TestCommandByteBit7(t *testing.T) {
	r := newRig(t)
	r.k.Write(offStatus, 1, ccWriteRAM)
	r.k.Write(offData, 1, 0xc3)
	if err := vmstate.Load(newRig(t).k, vmstate.Save(r.k)); err != nil {
		t.Fatalf("command byte 0xc3: %v", err)
	}
}

// TestResetDrivesA20: the power-on reset enables A20, as the output
// port's reset value says.
func TestResetDrivesA20(t *testing.T) {
	r := newRig(t)
	r.k.Write(offStatus, 1, ccDisableA20)
	r.k.Reset()
	if !r.a20.High() {
		t.Error("A20 low after a reset")
	}
}
