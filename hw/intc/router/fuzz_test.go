package router

import (
	"fmt"
	"strconv"
	"testing"

	"gemu/hw/hwtest/devfuzz"
	"gemu/hw/irq"
)

// traceInput is an interrupt controller's inputs recorded as lines.
type traceInput struct {
	lines []irq.Line
	t     *devfuzz.Trace
	name  string
}

func newTraceInput(t *devfuzz.Trace, name string, n int) *traceInput {
	in := &traceInput{t: t, name: name}
	for i := 0; i < n; i++ {
		in.lines = append(in.lines, t.Line(name+strconv.Itoa(i)))
	}
	return in
}

func (in *traceInput) SetIRQ(n int, high bool) {
	if n < 0 || n >= len(in.lines) {
		in.t.Add(in.name+"-out-of-range", uint64(n), 0)
		return
	}
	in.lines[n].Set(high)
}

func (in *traceInput) level(n int) bool { return in.t.Level(in.name + strconv.Itoa(n)) }

// fuzzTarget drives the router with GSI levels (any number), direct I/O
// APIC pin sources and re-drives, checking that each controller input
// follows its sources.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		NoSnapshots: true, // the devices behind the lines re-drive them after a load
		New: func(env devfuzz.Env) *devfuzz.Instance {
			pic, ioapic := newTraceInput(env.Trace, "pic", 16), newTraceInput(env.Trace, "ioapic", NumGSIs)
			r := New(Config{PIC: pic, IOAPIC: ioapic})
			pins := r.IOAPICPins()
			return &devfuzz.Instance{
				State: devfuzz.Group{},
				Ops: []devfuzz.Op{
					{Name: "gsi", Do: func(in *devfuzz.Input) { r.SetGSI(gsiNumber(in), in.Bool()) }},
					{Name: "pin", Do: func(in *devfuzz.Input) { pins.SetGSI(gsiNumber(in), in.Bool()) }},
					{Name: "redrive", Do: func(in *devfuzz.Input) { r.Redrive() }},
				},
				Check: func() error { return r.check(pic, ioapic) },
			}
		},
	}
}

func gsiNumber(in *devfuzz.Input) uint32 {
	if b := in.Byte(); b < 0xf0 {
		return uint32(b % 26)
	}
	return in.Uint32()
}

func (r *Router) check(pic, ioapic *traceInput) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gsi>>NumGSIs != 0 || r.direct>>NumGSIs != 0 {
		return fmt.Errorf("levels %#x, direct %#x beyond GSI %d", r.gsi, r.direct, NumGSIs-1)
	}
	for g := 0; g < 16; g++ {
		if g != 2 && pic.level(g) != (r.gsi&(1<<g) != 0) {
			return fmt.Errorf("8259 input %d at %v, GSI %d at %v", g, pic.level(g), g, !pic.level(g))
		}
	}
	if pic.level(2) {
		return fmt.Errorf("the 8259 cascade input is driven")
	}
	for p := 0; p < NumGSIs; p++ {
		if ioapic.level(p) != r.pinLevel(p) {
			return fmt.Errorf("I/O APIC pin %d at %v, its sources say %v", p, ioapic.level(p), r.pinLevel(p))
		}
	}
	return nil
}

func FuzzOps(f *testing.F) {
	devfuzz.Seed(f, [][]byte{(&devfuzz.Seq{}).Op(0, 0, 1).Op(0, 2, 1).Op(1, 2, 1).Op(0, 0, 0).Op(1, 20, 1).
		Op(0, 20, 1).Op(1, 20, 0).Op(2).Op(0, 23, 1).Op(0, 24, 1).Op(0, 0xff, 0xff, 0xff, 0xff, 0xff, 1).Bytes()})
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
