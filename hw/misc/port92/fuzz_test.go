package port92

import (
	"fmt"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives port 0x92 with accesses of every size and machine
// resets; A20 and the reset requests are recorded.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			t := env.Trace
			p, err := New(Config{A20: t.Line("a20"), Reset: t.Call("reset-request")})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: []bus.Region{p.Region()},
				State:   p,
				Ops:     []devfuzz.Op{{Name: "reset", Do: func(in *devfuzz.Input) { p.Reset() }}},
				Check: func() error {
					if a := t.Level("a20"); a != p.A20() {
						return fmt.Errorf("A20 line %v, port bit %v", a, p.A20())
					}
					return nil
				},
			}
		},
	}
}

func FuzzOps(f *testing.F) {
	p, _ := New(Config{Reset: func() {}})
	devfuzz.Seed(f, devfuzz.ScriptSeeds(f, []bus.Region{p.Region()}, func(s *devfuzz.Seq, cmd string, args []string) bool {
		if cmd == "reset" {
			s.Op(0)
			return true
		}
		return false
	}))
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
