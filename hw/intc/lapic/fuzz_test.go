package lapic

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
	"gemu/hw/intc/apicbus"
)

// tracePins are a processor's interrupt inputs that record what the APIC
// drives, and an 8259 that answers ExtINT acknowledges.
type tracePins struct{ t *devfuzz.Trace }

func (p tracePins) Notify()      { p.t.Add("notify", 0, 0) }
func (p tracePins) NMI()         { p.t.Add("nmi", 0, 0) }
func (p tracePins) INIT()        { p.t.Add("init", 0, 0) }
func (p tracePins) SIPI(v uint8) { p.t.Add("sipi", uint64(v), 0) }
func (p tracePins) Ack() uint8   { p.t.Add("pic-ack", 0, 0); return 0x30 }
func (p tracePins) EOI(v uint8)  { p.t.Add("eoi-broadcast", uint64(v), 0) }

// baseValues are IA32_APIC_BASE values worth trying more often than random
// ones: the transitions between disabled, xAPIC and x2APIC.
var baseValues = []uint64{
	0, DefaultBase, DefaultBase | baseEnable, DefaultBase | baseEnable | baseBSP,
	DefaultBase | baseEnable | baseX2APIC | baseBSP, DefaultBase | baseX2APIC,
	0xfec00000 | baseEnable | baseBSP, 1<<40 | baseEnable,
}

// fuzzTarget drives one local APIC (the bootstrap processor's, with its
// own bus, so IPIs to itself come back) through its page, its MSRs and
// IA32_APIC_BASE, TPR, the acknowledge, its LINT pins, bus messages of
// every delivery mode, clock advances and resets.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		MaxPending: 1,
		MinPeriod:  minPeriod,
		New: func(env devfuzz.Env) *devfuzz.Instance {
			pins := tracePins{env.Trace}
			a, err := New(Config{CPU: pins, BSP: true, PIC: pins, Clock: env.Clock, X2APIC: true, TSCDeadline: true,
				TSCToTime: func(tsc uint64) time.Duration { return time.Duration(tsc) + env.Skew }})
			if err != nil {
				panic(err)
			}
			a.Bus().AddEOIListener(pins)
			t := env.Trace
			return &devfuzz.Instance{
				Regions: []bus.Region{{Name: "apic", Base: DefaultBase, Len: pageSize, MinSize: 1, MaxSize: 8, Handler: a}},
				State:   a,
				Ops: []devfuzz.Op{
					{Name: "message", Do: func(in *devfuzz.Input) {
						f := in.Byte()
						m := apicbus.Message{Mode: apicbus.DeliveryMode(f & 7), Vector: in.Byte(), Logical: f&8 != 0,
							Trigger: f&16 != 0, Level: f&32 == 0, X2APIC: f&64 != 0, Dest: uint32(in.Byte())}
						if f&128 != 0 {
							m.Dest = in.Uint32()
						}
						a.Bus().Deliver(m)
					}},
					{Name: "lint0", Do: func(in *devfuzz.Input) { a.SetLINT0(in.Bool()) }},
					{Name: "lint1", Do: func(in *devfuzz.Input) { a.SetLINT1(in.Bool()) }},
					{Name: "ack", Do: func(in *devfuzz.Input) {
						v, ok := a.Ack()
						t.Add("ack", uint64(v), b2u(ok))
					}},
					{Name: "pending", Do: func(in *devfuzz.Input) { t.Add("pending", b2u(a.Pending()), 0) }},
					{Name: "tpr", Do: func(in *devfuzz.Input) {
						if v := in.Byte(); v&1 != 0 {
							a.SetTPR(v & 0xf0)
						} else {
							t.Add("tpr", uint64(a.TPR()), 0)
						}
					}},
					{Name: "base", Do: func(in *devfuzz.Input) {
						sel := in.Byte()
						v := baseValues[int(sel)%len(baseValues)]
						if sel >= 0xf0 {
							v = in.Uint64()
						}
						t.Add("set-base", v, b2u(a.SetBase(v)))
						t.Add("base", a.Base(), 0)
					}},
					{Name: "rdmsr", Do: func(in *devfuzz.Input) {
						idx := msrIndex(in)
						v, ok := a.ReadMSR(idx)
						t.Add("rdmsr", uint64(idx)<<32|b2u(ok), v)
					}},
					{Name: "wrmsr", Do: func(in *devfuzz.Input) {
						idx := msrIndex(in)
						v := in.Uint(int(in.Byte() % 9))
						t.Add("wrmsr", uint64(idx), b2u(a.WriteMSR(idx, v)))
					}},
					{Name: "reset", Do: func(in *devfuzz.Input) { a.Reset() }},
				},
				Check: a.invariants,
			}
		},
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// msrIndex decodes an MSR number: mostly the x2APIC range, sometimes
// IA32_TSC_DEADLINE or any number.
func msrIndex(in *devfuzz.Input) uint32 {
	switch sel := in.Byte(); {
	case sel < 0xe0:
		return msrX2First + uint32(in.Byte())
	case sel < 0xf0:
		return msrDeadline
	default:
		return in.Uint32()
	}
}

// check verifies the pending summary, the LVT masks of a software-disabled
// APIC, and that an armed timer has its callback on its way.
func (a *APIC) invariants() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	want := a.extintReady() || a.hwEnabled() && a.deliverable() >= 0
	if a.pending.Load() != want {
		return fmt.Errorf("pending %v, the registers say %v", a.pending.Load(), want)
	}
	if a.x2() && !a.hwEnabled() {
		return fmt.Errorf("x2APIC mode while disabled: base %#x", a.base)
	}
	for i, l := range a.lvt {
		if !a.swEnabled() && l&lvtMasked == 0 {
			return fmt.Errorf("LVT %d unmasked while software-disabled", i)
		}
	}
	if a.armed && a.timer == nil {
		return fmt.Errorf("timer armed (next expiry %v) with no callback", a.nextAt)
	}
	return nil
}

func fuzzSeeds(f *testing.F) [][]byte {
	regions := []bus.Region{{Name: "apic", Base: DefaultBase, Len: pageSize}}
	seeds := devfuzz.ScriptSeeds(f, regions, func(s *devfuzz.Seq, cmd string, args []string) bool {
		num := func(i int) uint64 {
			if i >= len(args) {
				return 0
			}
			v, _ := strconv.ParseUint(args[i], 0, 64)
			return v
		}
		le := func(v uint64, n int) []byte {
			var b []byte
			for i := 0; i < n; i++ {
				b = append(b, byte(v>>(8*i)))
			}
			return b
		}
		switch cmd {
		case "ack":
			s.Op(3)
		case "pending?":
			s.Op(4)
		case "lint0":
			s.Op(1, byte(num(0)))
		case "lint1":
			s.Op(2, byte(num(0)))
		case "rdmsr":
			if idx := num(0); idx >= msrX2First && idx <= msrX2Last {
				s.Op(7, 0, byte(idx))
			} else {
				s.Op(7, 0xff)
				s.Op(7, append([]byte{0xff}, le(idx, 4)...)...)
			}
		case "wrmsr":
			idx, v := num(0), num(1)
			switch {
			case idx == 0x1b:
				s.Op(6, append([]byte{0xff}, le(v, 8)...)...)
			case idx >= msrX2First && idx <= msrX2Last:
				s.Op(8, append([]byte{0, byte(idx), 8}, le(v, 8)...)...)
			default:
				s.Op(8, append(append([]byte{0xff}, le(idx, 4)...), append([]byte{8}, le(v, 8)...)...)...)
			}
		case "ioapic":
			trig := byte(0)
			if len(args) > 1 && args[1] == "level" {
				trig = 16
			}
			s.Op(0, trig, byte(num(0)), 0)
		default:
			return false
		}
		return true
	})
	// Enabled, timer periodic at a short period, TSC deadline, x2APIC
	// with a self IPI and an ExtINT LINT0.
	s := (&devfuzz.Seq{}).Write(0, 0xf0, 4, 0x1ff).Write(0, 0x3e0, 4, 0xb).Write(0, 0x320, 4, 0x20040).
		Write(0, 0x380, 4, 100).Advance(time.Millisecond).Op(3).Write(0, 0xb0, 4, 0).Fork(4).
		Write(0, 0x350, 4, 0x700).Op(1, 1).Op(3).Op(1, 0).Write(0, 0x320, 4, 0x40041).
		Op(8, 0xe0, 8, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0).Advance(time.Millisecond).Op(3).
		Op(6, 4).Op(8, 0, 0x3f, 1, 0x55).Op(3).Op(8, 0, 0x0b, 0).Op(0, 0x10|0x20, 0x77, 0).Op(3)
	seeds = append(seeds, s.Bytes())
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
