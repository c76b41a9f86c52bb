package rcr

import (
	"fmt"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

func newRCR(t *testing.T) (*RCR, *int) {
	t.Helper()
	n := new(int)
	r, err := New(Config{Reset: func() { *n++ }})
	if err != nil {
		t.Fatal(err)
	}
	return r, n
}

func TestNewNeedsReset(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without Reset succeeded")
	}
}

// TestTransitions: only a 0-to-1 change of RCPU resets; the register keeps
// RCPU set until the machine's reset clears it.
func TestTransitions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []uint8
		resets int
	}{
		{"acpi reset value", []uint8{0x06}, 1},
		{"linux reboot=pci", []uint8{0x02, 0x06}, 1},
		{"soft reset", []uint8{0x04}, 1},
		{"rcpu held", []uint8{0x06, 0x06, 0x0e}, 1},
		{"rcpu again after clearing", []uint8{0x06, 0x02, 0x06}, 2},
		{"srst alone", []uint8{0x02, 0x0a}, 0},
		{"reserved bits", []uint8{0xf1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, n := newRCR(t)
			for _, w := range tc.writes {
				r.Write(0, 1, uint64(w))
			}
			if *n != tc.resets {
				t.Errorf("%d resets, want %d", *n, tc.resets)
			}
		})
	}
}

// TestResetReentry: the Reset callback may reset the device synchronously,
// after which the next write resets again.
func TestResetReentry(t *testing.T) {
	n := 0
	var r *RCR
	r, _ = New(Config{Reset: func() { n++; r.Reset() }})
	r.Write(0, 1, 0x06)
	r.Write(0, 1, 0x06)
	if n != 2 || r.Read(0, 1) != 0 {
		t.Errorf("%d resets, register %#x; want 2 and 0", n, r.Read(0, 1))
	}
}

func TestState(t *testing.T) {
	fresh := func() *RCR { r, _ := newRCR(t); return r }
	vmstatetest.RoundTrip(t, fresh, func(r *RCR) { r.Write(0, 1, 0x0e) })
	bad := fresh()
	bad.val = 0x80
	if err := vmstate.Load(fresh(), vmstate.Save(bad)); err == nil {
		t.Error("state with reserved bits loaded")
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		r, n := newRCR(t)
		io := bus.NewSpace("io")
		if err := io.Map(r.Region()); err != nil {
			t.Fatal(err)
		}
		return &script.Env{IO: io, Commands: map[string]script.Command{
			"resets?": func([]string) (string, error) { return fmt.Sprint(*n), nil },
			"reset":   func([]string) (string, error) { r.Reset(); return "", nil },
		}}
	})
}
