package debugcon

import (
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the console port with accesses of every size; what
// reaches the backend is recorded.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			d, err := New(Config{Out: env.Trace.Writer("out")})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: []bus.Region{d.Region()},
				State:   d,
				Ops:     []devfuzz.Op{{Name: "reset", Do: func(in *devfuzz.Input) { d.Reset() }}},
			}
		},
	}
}

func FuzzOps(f *testing.F) {
	d, _ := New(Config{})
	devfuzz.Seed(f, devfuzz.ScriptSeeds(f, []bus.Region{d.Region()}, nil))
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
