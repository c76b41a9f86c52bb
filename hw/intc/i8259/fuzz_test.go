package i8259

import (
	"fmt"
	"strconv"
	"testing"

	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the PIC pair through its ports and the ELCRs, its
// sixteen inputs (and numbers beyond them), the processor's acknowledge
// and INTR check, and resets.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			p, err := New(Config{INT: env.Trace.Line("int")})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: p.Regions(),
				State:   p,
				Ops: []devfuzz.Op{
					{Name: "irq", Do: func(in *devfuzz.Input) {
						n := int(int8(in.Byte()))
						if n >= -2 && n < 18 {
							p.SetIRQ(n, in.Bool())
						} else {
							p.SetIRQ(n&15, in.Bool())
						}
					}},
					{Name: "ack", Do: func(in *devfuzz.Input) { env.Trace.Add("ack", uint64(p.Ack()), 0) }},
					{Name: "intr", Do: func(in *devfuzz.Input) {
						if p.INTR() {
							env.Trace.Add("intr", 1, 0)
						}
					}},
					{Name: "reset", Do: func(in *devfuzz.Input) { p.Reset() }},
				},
				Check: func() error { return p.check(env.Trace.Level("int")) },
			}
		},
	}
}

// check verifies both chips' registers, that level-triggered requests
// follow their inputs, that the slave's INT is the master's IR2, and that
// INT is what the registers ask for.
func (p *PIC) check(line bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.c {
		c := &p.c[i]
		switch {
		case c.elcr&^c.elcrMask != 0:
			return fmt.Errorf("chip %d: elcr %#x", i, c.elcr)
		case c.irr&c.elcr != c.level&c.elcr:
			return fmt.Errorf("chip %d: level-triggered irr %#x, inputs %#x", i, c.irr&c.elcr, c.level&c.elcr)
		case c.base&7 != 0 || c.lowest > 7 || c.icw4&^icw4Valid != 0:
			return fmt.Errorf("chip %d: base %#x lowest %d icw4 %#x", i, c.base, c.lowest, c.icw4)
		case c.step != stepReady && (c.step < stepICW2 || c.step > stepICW4):
			return fmt.Errorf("chip %d: initialisation step %d", i, c.step)
		}
	}
	m, s := &p.c[0], &p.c[1]
	if s.out != (s.request(false) >= 0) || m.out != (m.request(true) >= 0) {
		return fmt.Errorf("outputs slave %v master %v disagree with the registers", s.out, m.out)
	}
	if s.out != (m.level&(1<<cascadeIR) != 0) {
		return fmt.Errorf("slave INT %v, master IR2 %v", s.out, !s.out)
	}
	if line != m.out {
		return fmt.Errorf("INT line %v, master output %v", line, m.out)
	}
	return nil
}

func FuzzOps(f *testing.F) {
	p, _ := New(Config{})
	seeds := devfuzz.ScriptSeeds(f, p.Regions(), func(s *devfuzz.Seq, cmd string, args []string) bool {
		switch cmd {
		case "irq":
			if len(args) == 2 {
				n, _ := strconv.Atoi(args[0])
				l, _ := strconv.Atoi(args[1])
				s.Op(0, byte(n), byte(l))
				return true
			}
		case "ack":
			s.Op(1)
			return true
		}
		return false
	})
	// Both chips initialised as Linux does, level IRQ 11, special mask
	// and poll mode, AEOI with rotation on the slave.
	s := &devfuzz.Seq{}
	for _, w := range [][3]uint64{{0, 0, 0x11}, {0, 1, 0x20}, {0, 1, 4}, {0, 1, 1}, {1, 0, 0x11}, {1, 1, 0x28}, {1, 1, 2}, {1, 1, 0x03}, {2, 1, 0x08}} {
		s.Write(int(w[0]), w[1], 1, w[2])
	}
	s.Op(0, 11, 1).Op(0, 3, 1).Op(1).Fork(0).Write(0, 0, 1, 0x68).Op(0, 5, 1).Op(1).Write(1, 0, 1, 0x0c).Read(1, 0, 1).
		Write(1, 0, 1, 0xc0).Op(0, 12, 1).Op(0, 12, 0).Op(0, 12, 1).Op(1).Write(0, 0, 1, 0x20)
	seeds = append(seeds, s.Bytes())
	devfuzz.Seed(f, seeds)
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
