package ged

import (
	"fmt"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

type rig struct {
	g                 *GED
	mmio              *bus.Space
	line              *hwtest.Line
	shutdowns, resets int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{mmio: bus.NewSpace("mmio"), line: new(hwtest.Line)}
	g, err := New(Config{IRQ: r.line, Shutdown: func() { r.shutdowns++ }, Reset: func() { r.resets++ }})
	if err != nil {
		t.Fatal(err)
	}
	for _, reg := range g.Regions() {
		if err := r.mmio.Map(reg); err != nil {
			t.Fatal(err)
		}
	}
	r.g = g
	return r
}

func TestNewErrors(t *testing.T) {
	ok := func() {}
	for _, c := range []Config{{}, {Shutdown: ok}, {Reset: ok}, {Shutdown: ok, Reset: ok, Base: 0xfea00002}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) succeeded", c)
		}
	}
}

func TestPowerButtonEdge(t *testing.T) {
	r := newRig(t)
	r.g.PressPowerButton()
	r.g.PressPowerButton()
	if r.line.Rises() != 2 || r.line.High() {
		t.Errorf("%d rising edges, line high %v; want 2 pulses", r.line.Rises(), r.line.High())
	}
	if v, _ := r.mmio.Read(DefaultBase, 4); v != EvtPowerDown {
		t.Errorf("selector %#x", v)
	}
	if v, _ := r.mmio.Read(DefaultBase, 4); v != 0 {
		t.Errorf("selector not cleared by the read: %#x", v)
	}
}

// TestCallbackReentry: Shutdown and Reset may reset the device.
func TestCallbackReentry(t *testing.T) {
	var g *GED
	g, _ = New(Config{Shutdown: func() { g.Reset() }, Reset: func() { g.Reset() }})
	g.Wake()
	regsHandler{g}.Write(RegReset, 1, ResetValue)
	regsHandler{g}.Write(RegSleepCtl, 1, SlpTypS5<<2|ctlSlpEn)
	if (regsHandler{g}).Read(RegSleepSts, 1) != 0 {
		t.Error("reset from a callback left WAK_STS")
	}
}

func TestResetAndState(t *testing.T) {
	r := newRig(t)
	r.g.PressPowerButton()
	r.g.Wake()
	r.g.Reset()
	if v, _ := r.mmio.Read(DefaultBase, 4); v != 0 {
		t.Errorf("selector %#x after reset", v)
	}
	if v, _ := r.mmio.Read(DefaultBase+RegsOffset+RegSleepSts, 1); v != 0 {
		t.Errorf("sleep status %#x after reset", v)
	}
	fresh := func() *GED { return newRig(t).g }
	vmstatetest.RoundTrip(t, fresh, func(g *GED) { g.PressPowerButton(); g.Wake() })
	bad := fresh()
	bad.sel = 1 << 5
	if err := vmstate.Load(fresh(), vmstate.Save(bad)); err == nil {
		t.Error("undefined event loaded")
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		r := newRig(t)
		return &script.Env{MMIO: r.mmio, Lines: map[string]*hwtest.Line{"ged": r.line}, Commands: map[string]script.Command{
			"power-button": func([]string) (string, error) { r.g.PressPowerButton(); return "", nil },
			"wake":         func([]string) (string, error) { r.g.Wake(); return "", nil },
			"shutdowns?":   func([]string) (string, error) { return fmt.Sprint(r.shutdowns), nil },
			"resets?":      func([]string) (string, error) { return fmt.Sprint(r.resets), nil },
		}}
	})
}
