package hpet

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
	"gemu/hw/irq"
)

// tracePins records the I/O APIC inputs the HPET drives.
type tracePins [32]irq.Line

func (p *tracePins) SetGSI(n uint32, high bool) { p[n&31].Set(high) }

// fuzzTarget drives the HPET with register accesses of every size, the
// PIT's and RTC's outputs, clock advances and resets.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		MaxPending: NumTimers,
		MinPeriod:  minPeriod,
		MaxAdvance: 100 * time.Second, // 32-bit comparators wrap in 43 s
		New: func(env devfuzz.Env) *devfuzz.Instance {
			pins := &tracePins{}
			for i := range pins {
				pins[i] = env.Trace.Line("pin" + strconv.Itoa(i))
			}
			h, err := New(Config{Clock: env.Clock, IRQ0: env.Trace.Line("irq0"), IRQ8: env.Trace.Line("irq8"), Pins: pins})
			if err != nil {
				panic(err)
			}
			pit, rtc := h.PITInput(), h.RTCInput()
			return &devfuzz.Instance{
				Regions: []bus.Region{h.Region()},
				State:   h,
				Ops: []devfuzz.Op{
					{Name: "pit", Do: func(in *devfuzz.Input) { pit.Set(in.Bool()) }},
					{Name: "rtc", Do: func(in *devfuzz.Input) { rtc.Set(in.Bool()) }},
					{Name: "reset", Do: func(in *devfuzz.Input) { h.Reset() }},
				},
				Check: func() error {
					var lv [32]bool
					for i := range lv {
						lv[i] = env.Trace.Level("pin" + strconv.Itoa(i))
					}
					return h.check(env.Trace.Level("irq0"), env.Trace.Level("irq8"), lv)
				},
			}
		},
	}
}

// check verifies the registers, that the outputs are what the inputs and
// level-triggered timers make them, and that every armed comparator has a
// callback on its way.
func (h *HPET) check(irq0, irq8 bool, pins [32]bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.config&^cfgWritable != 0 || h.isr>>NumTimers != 0 {
		return fmt.Errorf("configuration %#x, status %#x", h.config, h.isr)
	}
	o0, o8 := h.pit && !h.legacy(), h.rtc && !h.legacy()
	var want uint32
	for i := range h.t {
		t := &h.t[i]
		if t.config&^tnWritable != 0 {
			return fmt.Errorf("timer %d: configuration %#x", i, t.config)
		}
		if t.config&tn32Bit != 0 && (t.cmp>>32 != 0 || t.period>>32 != 0) {
			return fmt.Errorf("timer %d: 32-bit with comparator %#x period %#x", i, t.cmp, t.period)
		}
		if t.armed && (!h.enabled() || t.timer == nil) {
			return fmt.Errorf("timer %d armed, enabled %v, callback %v", i, h.enabled(), t.timer != nil)
		}
		if !h.asserted(i) {
			continue
		}
		switch d := h.dest(i); d {
		case -1:
			o0 = true
		case -2:
			o8 = true
		default:
			want |= 1 << d
		}
	}
	if irq0 != o0 || irq8 != o8 || h.out0 != o0 || h.out8 != o8 {
		return fmt.Errorf("IRQ 0/8 at %v/%v (driven %v/%v), want %v/%v", irq0, irq8, h.out0, h.out8, o0, o8)
	}
	for p := range pins {
		if pins[p] != (want&(1<<p) != 0) || (h.pins&(1<<p) != 0) != pins[p] {
			return fmt.Errorf("I/O APIC input %d at %v, want %v (driven %#x)", p, pins[p], !pins[p], h.pins)
		}
	}
	return nil
}

func fuzzSeeds(f *testing.F) [][]byte {
	h, _ := New(Config{})
	seeds := devfuzz.ScriptSeeds(f, []bus.Region{h.Region()}, func(s *devfuzz.Seq, cmd string, args []string) bool {
		if (cmd == "pit" || cmd == "rtc") && len(args) == 1 {
			op := 0
			if cmd == "rtc" {
				op = 1
			}
			s.Op(op, args[0][0]&1)
			return true
		}
		return false
	})
	seeds = append(seeds, (&devfuzz.Seq{}).
		Write(0, regConfig, 8, cfgEnable|cfgLegacy).
		Write(0, tcfg(0), 8, tnIntEnable|tnPeriodic|tnValSet|tn32Bit).Write(0, tcmp(0), 8, 1000).Write(0, tcmp(0), 8, 1000).
		Write(0, tcfg(2), 4, tnLevel|tnIntEnable|20<<tnRouteShift).Write(0, tcmp(2), 4, 50).
		Advance(time.Millisecond).Fork(3).Read(0, regISR, 4).Write(0, regISR, 4, 4).Advance(time.Millisecond).
		Write(0, regCounter, 8, 0xfffffff0).Write(0, tcfg(1), 4, tnIntEnable|tn32Bit).Write(0, tcmp(1), 4, 0x10).
		Advance(time.Second).Op(0, 1).Op(1, 1).Write(0, regConfig, 4, cfgEnable).Bytes())
	return seeds
}

func FuzzOps(f *testing.F) {
	devfuzz.Seed(f, fuzzSeeds(f))
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}

// FuzzLate is FuzzOps with timer callbacks that run at least 100 µs late,
// as a host clock under load calls them.
func FuzzLate(f *testing.F) {
	devfuzz.Seed(f, fuzzSeeds(f))
	tg := fuzzTarget()
	tg.Lag = 100 * time.Microsecond
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
