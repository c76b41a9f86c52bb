package port92

import (
	"fmt"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate/vmstatetest"
)

func newPort(t *testing.T) (*Port, *hwtest.Line, *int) {
	t.Helper()
	a20 := new(hwtest.Line)
	resets := new(int)
	p, err := New(Config{A20: a20, Reset: func() { *resets++ }})
	if err != nil {
		t.Fatal(err)
	}
	return p, a20, resets
}

func TestNewNeedsReset(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without Reset succeeded")
	}
}

func TestFastResetEdge(t *testing.T) {
	p, _, resets := newPort(t)
	p.Write(0, 1, 0x01)
	if *resets != 1 {
		t.Fatalf("0→1 write: %d resets, want 1", *resets)
	}
	p.Write(0, 1, 0x03) // bit 0 stays 1: no edge
	if *resets != 1 {
		t.Fatalf("1→1 write: %d resets, want 1", *resets)
	}
	p.Reset() // the machine resets the device as part of the system reset
	if v := p.Read(0, 1); v != 0x02 {
		t.Errorf("after reset reads %#x, want 0x02 (A20 kept, reset bit clear)", v)
	}
	p.Write(0, 1, 0x03)
	if *resets != 2 {
		t.Fatalf("write after reset: %d resets, want 2", *resets)
	}
}

// TestResetReentry: the Reset callback may reset the device synchronously.
func TestResetReentry(t *testing.T) {
	var p *Port
	p, _ = New(Config{Reset: func() { p.Reset() }})
	p.Write(0, 1, 0x01)
	if v := p.Read(0, 1); v != 0 {
		t.Errorf("after synchronous reset reads %#x, want 0", v)
	}
}

func TestA20(t *testing.T) {
	p, a20, _ := newPort(t)
	p.Write(0, 1, 0x02)
	if !a20.High() || !p.A20() {
		t.Fatal("bit 1 set: A20 not enabled")
	}
	p.Write(0, 1, 0x00)
	if a20.High() || p.A20() {
		t.Fatal("bit 1 clear: A20 still enabled")
	}
}

func TestState(t *testing.T) {
	fresh := func() *Port { p, _, _ := newPort(t); return p }
	vmstatetest.RoundTrip(t, fresh, func(p *Port) { p.Write(0, 1, 0xc2) })
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		p, a20, resets := newPort(t)
		io := bus.NewSpace("io")
		if err := io.Map(p.Region()); err != nil {
			t.Fatal(err)
		}
		return &script.Env{IO: io, Lines: map[string]*hwtest.Line{"a20": a20}, Commands: map[string]script.Command{
			"resets?": func([]string) (string, error) { return fmt.Sprint(*resets), nil },
			"reset":   func([]string) (string, error) { p.Reset(); return "", nil },
		}}
	})
}
