package i8254

import (
	"fmt"
	"testing"
	"time"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the PIT and port 0x61 with register accesses, clock
// advances and resets, as a PC's guest and machine do.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		MaxPending: 1, // counter 0's next OUT change
		MinPeriod:  minPeriod,
		New: func(env devfuzz.Env) *devfuzz.Instance {
			p, err := New(Config{IRQ: env.Trace.Line("irq0"), Clock: env.Clock})
			if err != nil {
				panic(err)
			}
			s, err := NewPort61(Port61Config{Timer: p, Clock: env.Clock})
			if err != nil {
				panic(err)
			}
			p.Reset()
			return &devfuzz.Instance{
				Regions: []bus.Region{p.Region(), s.Region()},
				State:   devfuzz.Group{{Name: "pit", State: p}, {Name: "port61", State: s}},
				Ops: []devfuzz.Op{
					{Name: "reset", Do: func(in *devfuzz.Input) { p.Reset(); s.Reset() }},
					{Name: "count", Do: func(in *devfuzz.Input) { env.Trace.Add("count", uint64(p.Count(in.Intn(3))), 0) }},
				},
				Check: func() error { return p.check(env.Trace.Level("irq0")) },
			}
		},
	}
}

// check verifies the counters' registers and that IRQ 0 follows counter
// 0's OUT, with a callback armed for its next change.
func (p *PIT) check(line bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	for i := range p.ch {
		c := &p.ch[i]
		m := c.modulus()
		switch {
		case c.mode > 7 || c.rw < rwLSB || c.rw > rwWord:
			return fmt.Errorf("counter %d: mode %d access %d", i, c.mode, c.rw)
		case c.cr < 1 || c.cr > m || c.hold >= m || c.start > m:
			return fmt.Errorf("counter %d: count register %d, held %d, start %d (modulus %d)", i, c.cr, c.hold, c.start, m)
		case c.latchBytes < 0 || c.latchBytes > 2:
			return fmt.Errorf("counter %d: %d latched bytes", i, c.latchBytes)
		case c.running && (c.kind() == 2 || c.kind() == 3) && (c.period < 1 || c.period > m):
			return fmt.Errorf("counter %d: period %d", i, c.period)
		}
	}
	if line != p.irqLevel {
		return fmt.Errorf("IRQ 0 at %v, the PIT drove %v", line, p.irqLevel)
	}
	_, edge := p.ch[0].nextEdge(now)
	if _, reload := p.ch[0].nextReload(now); (edge || reload) && p.timer == nil {
		return fmt.Errorf("counter 0's OUT changes later and no callback is armed")
	}
	if p.timer == nil && p.irqLevel != p.ch[0].out(now) {
		return fmt.Errorf("IRQ 0 at %v, counter 0's OUT is %v", p.irqLevel, !p.irqLevel)
	}
	return nil
}

func fuzzSeeds(f *testing.F) [][]byte {
	p, _ := New(Config{})
	s, _ := NewPort61(Port61Config{Timer: p})
	seeds := devfuzz.ScriptSeeds(f, []bus.Region{p.Region(), s.Region()}, nil)
	seeds = append(seeds, (&devfuzz.Seq{}).
		Write(0, regControl, 1, 0x34).Write(0, 0, 1, 2).Write(0, 0, 1, 0).Advance(time.Millisecond).
		Write(0, regControl, 1, 0x36).Write(0, 0, 1, 0xff).Write(0, 0, 1, 0x10).Fork(5).Advance(20*time.Millisecond).
		Write(1, 0, 1, 1).Write(0, regControl, 1, 0xb0).Write(0, 2, 1, 0x10).Write(0, 2, 1, 0).
		Write(0, regControl, 1, 0xc2).Read(0, 2, 1).Advance(time.Millisecond).Read(1, 0, 1).Bytes())
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
