package rcr

import (
	"fmt"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the reset control register through its port and
// machine resets; every reset request is recorded.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			r, err := New(Config{Reset: env.Trace.Call("reset-request")})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: []bus.Region{r.Region()},
				State:   r,
				Ops:     []devfuzz.Op{{Name: "reset", Do: func(in *devfuzz.Input) { r.Reset() }}},
				Check: func() error {
					r.mu.Lock()
					defer r.mu.Unlock()
					if r.val&^rcValid != 0 {
						return fmt.Errorf("register %#x has reserved bits", r.val)
					}
					return nil
				},
			}
		},
	}
}

func FuzzOps(f *testing.F) {
	r, _ := New(Config{Reset: func() {}})
	devfuzz.Seed(f, devfuzz.ScriptSeeds(f, []bus.Region{r.Region()}, func(s *devfuzz.Seq, cmd string, args []string) bool {
		if cmd == "reset" {
			s.Op(0)
			return true
		}
		return false
	}))
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
