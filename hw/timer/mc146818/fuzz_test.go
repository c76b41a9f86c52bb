package mc146818

import (
	"fmt"
	"testing"
	"time"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the RTC (with the extended bank) through its ports,
// clock advances and resets, and reads it as the host does.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		MaxPending: 1,
		// The fastest periodic rate is 8192 Hz (122 µs).
		MinPeriod:  100 * time.Microsecond,
		MaxAdvance: 100 * time.Second,
		New: func(env devfuzz.Env) *devfuzz.Instance {
			r, err := New(Config{
				IRQ: env.Trace.Line("irq8"), NMIMask: env.Trace.Line("nmi-mask"), Clock: env.Clock,
				Base: time.Date(2024, 2, 28, 23, 59, 50, 0, time.UTC), ExtendedBank: true,
				TimeSet: func(t time.Time) { env.Trace.Add("time-set", uint64(t.Unix()), 0) },
			})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: []bus.Region{r.Region()},
				State:   r,
				Ops: []devfuzz.Op{
					{Name: "reset", Do: func(in *devfuzz.Input) { r.Reset() }},
					{Name: "now", Do: func(in *devfuzz.Input) { env.Trace.Add("now", uint64(r.Now().Unix()), 0) }},
					// A register write: index then data, in one operation.
					{Name: "set", Do: func(in *devfuzz.Input) {
						r.Write(portIndex, 1, uint64(in.Byte()))
						r.Write(portData, 1, uint64(in.Byte()))
					}},
				},
				Check: func() error { return r.check(env.Trace.Level("irq8")) },
			}
		},
	}
}

// check verifies the stored registers, that IRQ 8 follows IRQF, and that
// a callback is armed whenever an enabled interrupt can still come.
func (r *RTC) check(line bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.cmos[regA]&aUIP != 0:
		return fmt.Errorf("register A %#x stores UIP", r.cmos[regA])
	case r.cmos[regC]&^(cPF|cAF|cUF) != 0:
		return fmt.Errorf("register C %#x", r.cmos[regC])
	case r.cmos[regD] != dVRT:
		return fmt.Errorf("register D %#x", r.cmos[regD])
	case r.index >= cmosSize || r.extIndex >= cmosSize:
		return fmt.Errorf("index %#x, extended index %#x", r.index, r.extIndex)
	case r.irqLevel != r.irqf() || line != r.irqLevel:
		return fmt.Errorf("IRQ 8 at %v (driven %v), IRQF %v", line, r.irqLevel, r.irqf())
	}
	b, c := r.cmos[regB], r.cmos[regC]
	due := b&bPIE != 0 && c&cPF == 0 && r.periodCycles() != 0
	if r.calendarRunning() {
		due = due || b&bUIE != 0 && c&cUF == 0
		if b&bAIE != 0 && c&cAF == 0 {
			if _, ok := r.nextAlarm(r.calendarAt(r.clock.Now())); ok {
				due = true
			}
		}
	}
	if due && r.dividerRunning() && r.timer == nil {
		return fmt.Errorf("an enabled interrupt can still come (B %#x, C %#x) and no callback is armed", b, c)
	}
	return nil
}

func fuzzSeeds(f *testing.F) [][]byte {
	r, _ := New(Config{ExtendedBank: true})
	seeds := devfuzz.ScriptSeeds(f, []bus.Region{r.Region()}, nil)
	set := func(s *devfuzz.Seq, i, v byte) *devfuzz.Seq { return s.Op(2, i, v) }
	s := &devfuzz.Seq{}
	set(s, regB, bSET|b24|bDM)
	set(s, regYear, 99)
	set(s, RegCentury, 99)
	set(s, regMonth, 12)
	set(s, regDayOfMonth, 31)
	set(s, regHours, 23)
	set(s, regB, bPIE|bAIE|bUIE|b24)
	set(s, regA, aDV32K|3)
	set(s, regSecondsAlarm, 0xc0)
	s.Advance(time.Second).Fork(7).Advance(2*time.Second).Read(0, portData, 1).Op(1)
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
