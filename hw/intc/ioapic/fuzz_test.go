package ioapic

import (
	"fmt"
	"strconv"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
	"gemu/hw/intc/apicbus"
)

// traceAPIC is a local APIC on the bus that records the messages it
// accepts: physical ID id, logical ID 1<<id in flat mode.
type traceAPIC struct {
	id uint8
	t  *devfuzz.Trace
}

func (a *traceAPIC) Match(m apicbus.Message) bool {
	d := uint8(m.Dest)
	if m.Logical {
		return d&(1<<a.id) != 0
	}
	return d == a.id || d == 0xff
}
func (a *traceAPIC) ArbitrationPriority() uint8 { return a.id }
func (a *traceAPIC) Accept(m apicbus.Message) {
	v := uint64(m.Vector) | uint64(m.Mode)<<8
	if m.Trigger {
		v |= 1 << 16
	}
	a.t.Add("msg"+strconv.Itoa(int(a.id)), v, uint64(m.Dest))
}

// fuzzTarget drives the I/O APIC through its window, its 24 inputs (and
// numbers beyond them), EOI broadcasts and resets, with two local APICs
// recording what it delivers.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			b := apicbus.New()
			b.Attach(&traceAPIC{0, env.Trace})
			b.Attach(&traceAPIC{1, env.Trace})
			s, err := New(Config{Bus: b})
			if err != nil {
				panic(err)
			}
			b.AddEOIListener(s)
			return &devfuzz.Instance{
				Regions: []bus.Region{s.Region()},
				State:   s,
				Ops: []devfuzz.Op{
					{Name: "pin", Do: func(in *devfuzz.Input) { s.SetIRQ(int(int8(in.Byte()))%30, in.Bool()) }},
					{Name: "eoi", Do: func(in *devfuzz.Input) { b.BroadcastEOI(in.Byte()) }},
					{Name: "reset", Do: func(in *devfuzz.Input) { s.Reset() }},
				},
				Check: s.check,
			}
		},
	}
}

// check verifies the redirection table and that nothing is held back but
// what masks and remote IRR bits hold.
func (s *IOAPIC) check() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apicID > 15 || s.arbID > 15 || s.pins>>NumPins != 0 || s.latched>>NumPins != 0 {
		return fmt.Errorf("id %d arb %d inputs %#x latched %#x", s.apicID, s.arbID, s.pins, s.latched)
	}
	for pin, e := range s.rte {
		m := uint32(1) << pin
		switch {
		case e&^(rteWritable|rteRemoteIRR) != 0:
			return fmt.Errorf("entry %d: %#x", pin, e)
		case e&rteRemoteIRR != 0 && e&rteLevel == 0:
			return fmt.Errorf("entry %d: remote IRR on an edge entry", pin)
		case e&rteMasked != 0:
		case edgeLike(e) && s.latched&m != 0:
			return fmt.Errorf("entry %d: unmasked with an undelivered edge", pin)
		case !edgeLike(e) && s.pins&m != 0 && e&rteRemoteIRR == 0:
			return fmt.Errorf("entry %d: asserted level neither delivered nor held", pin)
		}
	}
	return nil
}

func FuzzOps(f *testing.F) {
	s, _ := New(Config{Bus: apicbus.New()})
	seeds := devfuzz.ScriptSeeds(f, []bus.Region{s.Region()}, func(q *devfuzz.Seq, cmd string, args []string) bool {
		switch {
		case cmd == "pin" && len(args) == 2:
			n, _ := strconv.Atoi(args[0])
			l, _ := strconv.Atoi(args[1])
			q.Op(0, byte(n), byte(l))
		case cmd == "eoi" && len(args) == 1:
			v, _ := strconv.ParseUint(args[0], 0, 8)
			q.Op(1, byte(v))
		default:
			return false
		}
		return true
	})
	q := &devfuzz.Seq{}
	route := func(pin int, lo, hi uint32) {
		q.Write(0, regIOREGSEL, 4, uint64(idxRedTbl+2*pin)).Write(0, regIOWIN, 4, uint64(lo))
		q.Write(0, regIOREGSEL, 4, uint64(idxRedTbl+2*pin+1)).Write(0, regIOWIN, 4, uint64(hi))
	}
	route(4, 0x8031, 1<<24)
	route(5, 0x10032, 0)
	route(9, 0x8933, 3<<24)
	q.Op(0, 4, 1).Op(0, 5, 1).Op(0, 9, 1).Fork(0).Op(1, 0x31).Op(0, 4, 0).Op(1, 0x31)
	route(5, 0x0032, 0)
	q.Write(0, regEOI, 4, 0x33).Read(0, regIOWIN, 4)
	seeds = append(seeds, q.Bytes())
	devfuzz.Seed(f, seeds)
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
