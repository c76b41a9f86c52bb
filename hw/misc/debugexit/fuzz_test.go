package debugexit

import (
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the exit port with accesses of every size; every exit
// request and its status are recorded.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			d, err := New(Config{IOSize: 4, Exit: func(s int) { env.Trace.Add("exit", uint64(s), 0) }})
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
	d, _ := New(Config{IOSize: 4, Exit: func(int) {}})
	devfuzz.Seed(f, devfuzz.ScriptSeeds(f, []bus.Region{d.Region()}, nil))
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
