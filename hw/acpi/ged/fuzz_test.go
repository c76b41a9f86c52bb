package ged

import (
	"fmt"
	"testing"

	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the generic event device through its two windows, the
// power button, wake-ups and resets; the requests it makes of the machine
// are recorded.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			t := env.Trace
			g, err := New(Config{IRQ: t.Line("irq"), Shutdown: t.Call("shutdown"), Reset: t.Call("reset-request")})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: g.Regions(),
				State:   g,
				Ops: []devfuzz.Op{
					{Name: "power-button", Do: func(in *devfuzz.Input) { g.PressPowerButton() }},
					{Name: "wake", Do: func(in *devfuzz.Input) { g.Wake() }},
					{Name: "reset", Do: func(in *devfuzz.Input) { g.Reset() }},
				},
				Check: func() error {
					g.mu.Lock()
					defer g.mu.Unlock()
					if g.sel&^EvtPowerDown != 0 || g.sleepS&^stsWak != 0 {
						return fmt.Errorf("selector %#x, sleep status %#x", g.sel, g.sleepS)
					}
					if t.Level("irq") {
						return fmt.Errorf("the edge-triggered interrupt stays high")
					}
					return nil
				},
			}
		},
	}
}

func FuzzOps(f *testing.F) {
	g, _ := New(Config{Shutdown: func() {}, Reset: func() {}})
	devfuzz.Seed(f, devfuzz.ScriptSeeds(f, g.Regions(), func(s *devfuzz.Seq, cmd string, args []string) bool {
		switch cmd {
		case "power-button":
			s.Op(0)
		case "wake":
			s.Op(1)
		default:
			return false
		}
		return true
	}))
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
