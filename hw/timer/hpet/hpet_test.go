package hpet

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/hwtest"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

// pinLog records the I/O APIC inputs driven.
type pinLog struct {
	mu    sync.Mutex
	level [32]bool
	rises [32]int
}

func (p *pinLog) SetGSI(n uint32, high bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if high && !p.level[n] {
		p.rises[n]++
	}
	p.level[n] = high
}

func (p *pinLog) take(n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.rises[n]
	p.rises[n] = 0
	return r
}

type rig struct {
	h          *HPET
	clock      *hw.ManualClock
	irq0, irq8 *hwtest.Line
	pins       *pinLog
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{clock: hw.NewManualClock(), irq0: new(hwtest.Line), irq8: new(hwtest.Line), pins: new(pinLog)}
	h, err := New(Config{Clock: r.clock, IRQ0: r.irq0, IRQ8: r.irq8, Pins: r.pins})
	if err != nil {
		t.Fatal(err)
	}
	r.h = h
	return r
}

func (r *rig) w64(off uint64, v uint64) { r.h.Write(off, 8, v) }
func (r *rig) w32(off uint64, v uint32) { r.h.Write(off, 4, uint64(v)) }
func (r *rig) r64(off uint64) uint64    { return r.h.Read(off, 8) }
func tcfg(i int) uint64                 { return regTimer0 + uint64(i)*timerStride + tnConfig }
func tcmp(i int) uint64                 { return regTimer0 + uint64(i)*timerStride + tnCmp }

func TestNew(t *testing.T) {
	if _, err := New(Config{Base: 0xfed00100}); err == nil {
		t.Error("unaligned base accepted")
	}
	clock := hw.NewManualClock()
	l := new(hwtest.Line)
	if _, err := New(Config{Clock: clock, IRQ0: l}); err != nil {
		t.Fatal(err)
	}
	if _, ok := clock.Next(); ok || l.Rises() != 0 {
		t.Error("New had side effects")
	}
}

func TestRegistersAfterReset(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		off  uint64
		want uint64
	}{
		{regCapID, 0x00989680_8086a201},
		{regConfig, 0},
		{regISR, 0},
		{regCounter, 0},
		{tcfg(0), 0x00ff0104_00000030},
		{tcmp(2), ^uint64(0)},
		{regTimer0 + tnFSB, 0},
		{0x300, 0},
	} {
		if got := r.r64(tc.off); got != tc.want {
			t.Errorf("register %#x = %#x, want %#x", tc.off, got, tc.want)
		}
	}
	if v := r.h.Read(regCapID+4, 4); v != PeriodFS {
		t.Errorf("COUNTER_CLK_PERIOD = %d", v)
	}
	if v := r.h.Read(regCapID+2, 2); v != 0x8086 {
		t.Errorf("vendor = %#x", v)
	}
}

func TestCounter(t *testing.T) {
	r := newRig(t)
	r.clock.Advance(time.Millisecond)
	if r.r64(regCounter) != 0 {
		t.Fatal("counter runs while disabled")
	}
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(time.Microsecond)
	if got := r.r64(regCounter); got != 100 {
		t.Errorf("counter after 1 µs = %d, want 100", got)
	}
	r.w64(regConfig, 0)
	r.clock.Advance(time.Second)
	if got := r.r64(regCounter); got != 100 {
		t.Errorf("halted counter moved to %d", got)
	}
	r.w32(regCounter+4, 1)
	r.w32(regCounter, 0xfffffff0)
	if got := r.r64(regCounter); got != 0x1_fffffff0 {
		t.Errorf("written counter %#x", got)
	}
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(200 * time.Nanosecond)
	if got := r.h.Read(regCounter+4, 4); got != 2 {
		t.Errorf("high half after carrying = %d", got)
	}
}

func TestOneShot(t *testing.T) {
	r := newRig(t)
	r.w64(tcfg(2), tnIntEnable|20<<tnRouteShift)
	r.w64(tcmp(2), 1000)
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(10*time.Microsecond - 1)
	if r.pins.take(20) != 0 {
		t.Fatal("fired early")
	}
	r.clock.Advance(1)
	if n := r.pins.take(20); n != 1 {
		t.Fatalf("%d edges on pin 20 at the match", n)
	}
	r.clock.Advance(time.Hour)
	if n := r.pins.take(20); n != 0 {
		t.Errorf("64-bit one-shot fired again (%d)", n)
	}
	if r.r64(regISR) != 0 {
		t.Error("edge timer set its status bit")
	}
	// A comparator behind the counter waits for the counter to come round.
	r.w64(tcmp(2), 5)
	if n := r.pins.take(20); n != 0 {
		t.Errorf("past comparator: %d edges", n)
	}
	if _, ok := r.clock.Next(); ok {
		t.Error("a 64-bit match centuries away was scheduled")
	}
}

func TestOneShot32BitWraps(t *testing.T) {
	r := newRig(t)
	r.w64(tcfg(0), tnIntEnable|tn32Bit|2<<tnRouteShift)
	r.w64(tcmp(0), 0x1_00000064) // truncated to 100
	if got := r.r64(tcmp(0)); got != 100 {
		t.Fatalf("32-bit comparator %#x", got)
	}
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(time.Microsecond)
	if r.pins.take(2) != 1 {
		t.Fatal("no match at 100")
	}
	r.clock.Advance((1<<32)*tickNS - 1)
	if r.pins.take(2) != 0 {
		t.Fatal("fired before the 32-bit wrap")
	}
	r.clock.Advance(1)
	if r.pins.take(2) != 1 {
		t.Error("32-bit one-shot did not match again after the wrap")
	}
}

// TestLegacyPeriodic replays Linux's hpet_set_periodic on timer 0 in
// legacy replacement mode: 1 ms ticks on IRQ 0, PIT and RTC cut off.
func TestLegacyPeriodic(t *testing.T) {
	r := newRig(t)
	pit, rtc := r.h.PITInput(), r.h.RTCInput()
	pit.Set(true)
	rtc.Set(true)
	if !r.irq0.High() || !r.irq8.High() {
		t.Fatal("PIT and RTC not passed through")
	}
	r.w64(regConfig, cfgEnable|cfgLegacy)
	if r.irq0.High() || r.irq8.High() {
		t.Fatal("legacy mode did not cut off the PIT and RTC")
	}
	pit.Set(false)
	r.irq0.Reset()
	now := r.r64(regCounter)
	r.w32(uint32Off(tcfg(0)), tnIntEnable|tnPeriodic|tnValSet|tn32Bit)
	r.w32(uint32Off(tcmp(0)), uint32(now+100000))
	r.w32(uint32Off(tcmp(0)), 100000) // the period
	r.clock.Advance(10 * time.Millisecond)
	if n := r.irq0.Rises(); n != 10 {
		t.Errorf("%d ticks on IRQ 0 in 10 ms", n)
	}
	if got := r.r64(tcmp(0)); got != now+11*100000 {
		t.Errorf("comparator %d after 10 periods, want %d", got, now+11*100000)
	}
	// Timer 1 to IRQ 8.
	r.irq8.Reset()
	r.w64(tcfg(1), tnIntEnable)
	r.w64(tcmp(1), r.r64(regCounter)+50)
	r.clock.Advance(time.Microsecond)
	if r.irq8.Rises() != 1 {
		t.Error("timer 1 did not reach IRQ 8")
	}
	// Leaving legacy mode: the PIT's level is back on IRQ 0.
	pit.Set(true)
	r.w64(regConfig, cfgEnable)
	if !r.irq0.High() {
		t.Error("PIT not reconnected")
	}
}

func uint32Off(off uint64) uint64 { return off }

func TestLevel(t *testing.T) {
	r := newRig(t)
	r.w64(tcfg(1), tnLevel|16<<tnRouteShift) // interrupt disabled
	r.w64(tcmp(1), 10)
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(time.Microsecond)
	if r.r64(regISR) != 2 {
		t.Fatalf("status %#x: level timer did not set its bit", r.r64(regISR))
	}
	if r.pins.level[16] {
		t.Fatal("line asserted with the interrupt disabled")
	}
	r.w64(tcfg(1), tnLevel|tnIntEnable|16<<tnRouteShift)
	if !r.pins.level[16] {
		t.Fatal("line not asserted once enabled with the status set")
	}
	r.w64(regISR, 1) // another timer's bit: no effect
	if !r.pins.level[16] {
		t.Error("cleared by writing another bit")
	}
	r.w64(regISR, 2)
	if r.pins.level[16] || r.r64(regISR) != 0 {
		t.Error("not released by write-1-to-clear")
	}
	// Disabling the counter drops the level.
	r.w64(tcmp(1), r.r64(regCounter)+1)
	r.clock.Advance(time.Microsecond)
	r.w64(regConfig, 0)
	if r.pins.level[16] {
		t.Error("level held with the HPET disabled")
	}
}

func TestPeriodicCoalesces(t *testing.T) {
	r := newRig(t)
	r.w64(tcfg(2), tnIntEnable|tnPeriodic|tnValSet|23<<tnRouteShift)
	r.w64(tcmp(2), 10000)
	r.w64(tcmp(2), 10000)
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(time.Millisecond) // ten periods of 100 µs
	if n := r.pins.take(23); n != 10 {
		t.Errorf("%d interrupts in ten periods", n)
	}
	// Periods below minPeriod: the comparator moves on by whole periods,
	// a match at most every minPeriod.
	r.w64(regConfig, 0)
	r.w64(tcfg(2), tnIntEnable|tnPeriodic|tnValSet|23<<tnRouteShift)
	r.w64(tcmp(2), r.r64(regCounter)+100)
	r.w64(tcmp(2), 100)
	r.w64(regConfig, cfgEnable)
	r.clock.Advance(time.Millisecond) // a thousand periods of 1 µs
	if n, want := r.pins.take(23), int(time.Millisecond/minPeriod); n < want-1 || n > want+1 {
		t.Errorf("%d interrupts in a thousand 1 µs periods, want %d coalesced", n, want)
	}
	if c, cmp := r.r64(regCounter), r.r64(tcmp(2)); cmp <= c || cmp > c+uint64(minPeriod/tickNS)+100 || (cmp-c)%100 != 0 {
		t.Errorf("comparator %d with the counter at %d", cmp, c)
	}
	// Period 0 in periodic mode: one match, then nothing.
	r.w64(tcfg(2), tnIntEnable|tnPeriodic|tnValSet|23<<tnRouteShift)
	r.w64(tcmp(2), r.r64(regCounter)+10)
	r.w64(tcmp(2), 0)
	r.clock.Advance(time.Millisecond)
	if n := r.pins.take(23); n != 1 {
		t.Errorf("period 0: %d interrupts", n)
	}
}

func TestMisuse(t *testing.T) {
	r := newRig(t)
	r.w64(tcfg(0), tnIntEnable|5<<tnRouteShift) // route 5 not in INT_ROUTE_CAP
	if got := r.r64(tcfg(0)) & tnRouteMask >> tnRouteShift; got != 0 {
		t.Errorf("illegal route stored: %d", got)
	}
	r.w64(tcfg(0), tnFSBEnable|tnPeriodicCap)
	if got := r.r64(tcfg(0)) & 0xffff; got != tnCaps {
		t.Errorf("read-only or unadvertised bits stored: %#x", got)
	}
	r.h.Write(regConfig, 1, 1) // narrow write ignored
	r.h.Write(regConfig+2, 4, 1)
	r.w64(regCapID, 0)
	r.w64(0x200, 1)
	r.h.Write(RegionLen, 4, 1)
	if r.r64(regConfig) != 0 || r.r64(regCapID) != capID || r.h.Read(RegionLen, 4) != 0 {
		t.Error("misuse changed registers")
	}
	r.w64(regConfig, 0xff)
	if r.r64(regConfig) != cfgWritable {
		t.Errorf("reserved configuration bits stored: %#x", r.r64(regConfig))
	}
}

func TestReset(t *testing.T) {
	r := newRig(t)
	r.h.PITInput().Set(true)
	r.w64(regConfig, cfgEnable|cfgLegacy)
	r.w64(tcfg(0), tnIntEnable|tnPeriodic|tnValSet)
	r.w64(tcmp(0), 100)
	r.clock.Advance(time.Millisecond)
	r.h.Reset()
	if r.r64(regConfig) != 0 || r.r64(regCounter) != 0 || r.r64(tcmp(0)) != ^uint64(0) || r.r64(tcfg(0))&0xffff != tnCaps {
		t.Error("registers not reset")
	}
	if !r.irq0.High() {
		t.Error("PIT not passed through after reset")
	}
	if _, ok := r.clock.Next(); ok {
		t.Error("reset left a callback")
	}
}

func TestState(t *testing.T) {
	clock := hw.NewManualClock()
	fresh := func() *HPET {
		h, err := New(Config{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(h *HPET) {
		h.Write(regConfig, 8, cfgEnable|cfgLegacy)
		h.Write(tcfg(0), 8, tnIntEnable|tnPeriodic|tnValSet|tn32Bit)
		h.Write(tcmp(0), 8, 1000)
		h.Write(tcmp(0), 8, 1000)
		h.Write(tcfg(1), 8, tnLevel|tnIntEnable|18<<tnRouteShift)
		h.Write(tcmp(1), 8, 10)
		h.PITInput().Set(true)
		clock.Advance(3 * time.Microsecond)
	})
}

func TestStateContinues(t *testing.T) {
	a := newRig(t)
	a.w64(tcfg(2), tnIntEnable|20<<tnRouteShift)
	a.w64(tcmp(2), 1000)
	a.w64(regConfig, cfgEnable)
	a.clock.Advance(4 * time.Microsecond)
	data := vmstate.Save(a.h)
	b := newRig(t)
	b.clock.Advance(time.Hour)
	if err := vmstate.Load(b.h, data); err != nil {
		t.Fatal(err)
	}
	if got := b.r64(regCounter); got != 400 {
		t.Fatalf("counter after load %d", got)
	}
	b.clock.Advance(6*time.Microsecond - 1)
	if b.pins.take(20) != 0 {
		t.Fatal("early after load")
	}
	b.clock.Advance(1)
	if b.pins.take(20) != 1 {
		t.Fatal("match lost across load")
	}
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(h *HPET)
		want   string
	}{
		{"config", func(h *HPET) { h.config = 4 }, "configuration 0x4"},
		{"isr", func(h *HPET) { h.isr = 8 }, "interrupt status"},
		{"route", func(h *HPET) { h.t[1].config = 3 << tnRouteShift }, "outside INT_ROUTE_CAP"},
		{"32-bit", func(h *HPET) { h.t[0].config = tn32Bit }, "32-bit timer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			tc.mutate(r.h)
			err := vmstate.Load(newRig(t).h, vmstate.Save(r.h))
			if err == nil || !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAllocs(t *testing.T) {
	r := newRig(t)
	r.w64(regConfig, cfgEnable)
	for name, f := range map[string]func(){
		"counter": func() { r.h.Read(regCounter, 8); r.h.Read(regCounter, 4); r.h.Read(regCounter+4, 4) },
		"status":  func() { r.h.Read(regISR, 4); r.h.Write(regISR, 4, 0) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		r := newRig(t)
		mmio := bus.NewSpace("memory")
		if err := mmio.Map(r.h.Region()); err != nil {
			t.Fatal(err)
		}
		pit := new(hwtest.Line)
		return &script.Env{MMIO: mmio, Clock: r.clock,
			Lines: map[string]*hwtest.Line{"irq0": r.irq0, "irq8": r.irq8, "pit": pit},
			Commands: map[string]script.Command{
				"pit": func(args []string) (string, error) {
					if len(args) != 1 {
						return "", errors.New("pit: want a level")
					}
					r.h.PITInput().Set(args[0] == "1")
					return "", nil
				},
				"pin-rises?": func(args []string) (string, error) {
					if len(args) != 1 {
						return "", errors.New("pin-rises?: want a pin")
					}
					n, err := script.Uint(args[0], 31)
					return fmt.Sprint(r.pins.take(int(n))), err
				},
			}}
	})
}
