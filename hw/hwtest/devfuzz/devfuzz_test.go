package devfuzz

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
	"gemu/migration/vmstate"
)

// toy is a device with deliberate faults, selected by its flaws, to show
// that the harness finds each kind.
type toy struct {
	mu     sync.Mutex
	reg    uint8
	lost   uint8 // not saved: a loaded copy differs
	timers []hw.Timer
	line   irq.Line
	clock  hw.Clock
	flaws  string
}

func (d *toy) Read(off uint64, size int) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if strings.Contains(d.flaws, "lost") {
		return uint64(d.reg ^ d.lost)
	}
	return uint64(d.reg)
}

func (d *toy) Write(off uint64, size int, val uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reg = uint8(val)
	d.lost = uint8(val)
	switch {
	case strings.Contains(d.flaws, "panic") && val == 0xde:
		var m map[int]int
		m[0] = 1
	case strings.Contains(d.flaws, "leak"):
		d.timers = append(d.timers, d.clock.AfterFunc(d.clock.Now()+time.Hour, func() {}))
	case strings.Contains(d.flaws, "storm"):
		d.storm()
	case strings.Contains(d.flaws, "deadlock") && val == 0xdd:
		d.mu.Lock()
	case strings.Contains(d.flaws, "line"):
		d.line.Set(val&1 != 0)
	}
}

func (d *toy) storm() {
	d.clock.AfterFunc(d.clock.Now()+time.Nanosecond, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.storm()
	})
}

func (d *toy) VisitState(v *vmstate.Visitor) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v.Uint8("reg", &d.reg)
	if strings.Contains(d.flaws, "unloadable") {
		v.Check(d.reg != 0x77, "reg 0x77")
	}
}

func toyTarget(flaws string) Target {
	return Target{
		MaxPending: 2,
		MinPeriod:  time.Microsecond,
		New: func(env Env) *Instance {
			d := &toy{clock: env.Clock, flaws: flaws, line: env.Trace.Line("irq")}
			return &Instance{
				Regions: []bus.Region{{Name: "toy", Base: 0x100, Len: 4, MinSize: 1, MaxSize: 1, Handler: d}},
				State:   d,
				Ops:     []Op{{Name: "poke", Do: func(in *Input) { d.Write(0, 1, uint64(in.Byte())) }}},
				Check: func() error {
					if strings.Contains(flaws, "invariant") && d.reg == 0x55 {
						return errors.New("reg 0x55")
					}
					return nil
				},
			}
		},
	}
}

// recorder is a testing.TB that records the failure.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestHarnessFindsFaults(t *testing.T) {
	old := Watchdog
	defer func() { Watchdog = old }()
	w := func(v uint64) []byte { return (&Seq{}).Write(0, 1, 1, v).Bytes() }
	for _, tc := range []struct {
		flaws string
		input []byte
		want  string // "" : no failure
	}{
		{"", append(w(0xde), (&Seq{}).Fork(2).Write(0, 0, 1, 3).Advance(time.Second).Bytes()...), ""},
		{"panic", w(0x12), ""},
		{"panic", w(0xde), "panic"},
		{"panic", (&Seq{}).Op(0, 0xde).Bytes(), "panic"},
		{"leak", append(w(1), w(2)...), ""},
		{"leak", append(append(w(1), w(2)...), w(3)...), "3 callbacks pending"},
		{"storm", append(w(1), (&Seq{}).Advance(time.Millisecond).Bytes()...), "callbacks in"},
		{"lost", append(w(0x42), (&Seq{}).Read(0, 0, 1).Bytes()...), ""},
		{"lost", append(w(0x42), (&Seq{}).Fork(0).Read(0, 0, 1).Bytes()...), "behaves differently"},
		{"line", append(w(1), (&Seq{}).Fork(0).Bytes()...), "lines after load"},
		{"unloadable", w(0x77), "does not load"},
		{"invariant", w(0x55), "invariant: reg 0x55"},
		{"deadlock", w(0xdd), "no progress"},
	} {
		// Only the deadlock case waits for the watchdog; the others must
		// be caught by their own checks however slow the machine is.
		Watchdog = old
		if tc.flaws == "deadlock" {
			Watchdog = 300 * time.Millisecond
		}
		r := &recorder{TB: t}
		Run(r, toyTarget(tc.flaws), tc.input)
		switch {
		case tc.want == "" && r.failed != "":
			t.Errorf("flaws %q: unexpected failure: %s", tc.flaws, r.failed)
		case tc.want != "" && !strings.Contains(r.failed, tc.want):
			t.Errorf("flaws %q: failure %q, want one containing %q", tc.flaws, r.failed, tc.want)
		}
	}
}

func TestAdvanceEncoding(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 255, 838, time.Microsecond, 15 * time.Millisecond, time.Second, 10 * time.Second} {
		s := (&Seq{}).Advance(d).Bytes()
		h := &harness{tg: Target{MaxAdvance: time.Minute}, in: NewInput(s[1:])}
		got := h.duration()
		if got > d || got < d-d/128 {
			t.Errorf("Advance(%v) decodes as %v", d, got)
		}
	}
}
