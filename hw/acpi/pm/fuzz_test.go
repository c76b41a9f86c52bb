package pm

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the PM registers (with an SMI command port and the
// PIIX4's 24-bit timer, whose top bit turns every 2.3 s) through their
// ports, the board's events, clock advances and resets.
func fuzzTarget(timer24 bool) devfuzz.Target {
	return devfuzz.Target{
		MaxPending: 1,
		MinPeriod:  time.Second, // the timer's top bit turns every 2.3 s (24 bits) or 10 min
		MaxAdvance: 20 * time.Second,
		New: func(env devfuzz.Env) *devfuzz.Instance {
			t := env.Trace
			p, err := New(Config{SMICmd: SMICmdPort, Timer24: timer24, SCI: t.Line("sci"), Clock: env.Clock,
				Shutdown: t.Call("shutdown"), Sleep: func(s int) { t.Add("sleep", uint64(s), 0) }})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: p.Regions(),
				State:   p,
				Ops: []devfuzz.Op{
					{Name: "power-button", Do: func(in *devfuzz.Input) { p.PressPowerButton() }},
					{Name: "rtc-alarm", Do: func(in *devfuzz.Input) { p.RTCAlarm() }},
					{Name: "wake", Do: func(in *devfuzz.Input) { p.Wake() }},
					{Name: "gpe", Do: func(in *devfuzz.Input) { p.RaiseGPE(in.Intn(GPEs)) }},
					{Name: "query", Do: func(in *devfuzz.Input) { t.Add("query", b2u(p.SCIEnabled()), uint64(p.Timer())) }},
					{Name: "reset", Do: func(in *devfuzz.Input) { p.Reset() }},
				},
				Check: func() error { return p.check(t.Level("sci")) },
			}
		},
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// check verifies the stored registers, that the SCI is what status and
// enable bits make it, and that a callback waits for the timer's top bit
// whenever its event is enabled.
func (p *PM) check(line bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pm1Sts&^stsValid != 0 || p.pm1En&^enValid != 0 || p.pm1Cnt&^cntValid != 0 {
		return fmt.Errorf("PM1 status %#x enable %#x control %#x", p.pm1Sts, p.pm1En, p.pm1Cnt)
	}
	want := p.pm1Cnt&cntSCIEn != 0 && (p.pm1Sts&p.pm1En&enValid != 0 || p.gpeSts&p.gpeEn != 0)
	if p.sci != want || line != want {
		return fmt.Errorf("SCI at %v (driven %v), want %v", line, p.sci, want)
	}
	if p.pm1En&enTmr != 0 && p.pm1Sts&stsTmr == 0 && p.pm1Cnt&cntSCIEn != 0 && p.timer == nil {
		return fmt.Errorf("timer event enabled and no callback armed")
	}
	return nil
}

var scriptCmds = map[string]int{"power-button": 0, "rtc-alarm": 1, "wake": 2, "reset": 5}

func seeds(f *testing.F) [][]byte {
	p, _ := New(Config{SMICmd: SMICmdPort, Shutdown: func() {}})
	return devfuzz.ScriptSeeds(f, p.Regions(), func(s *devfuzz.Seq, cmd string, args []string) bool {
		if op, ok := scriptCmds[cmd]; ok {
			s.Op(op)
			return true
		}
		if cmd == "gpe" && len(args) == 1 {
			n, _ := strconv.Atoi(args[0])
			s.Op(3, byte(n))
			return true
		}
		return false
	})
}

func FuzzOps(f *testing.F) {
	devfuzz.Seed(f, seeds(f))
	tg := fuzzTarget(true)
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}

func FuzzOps32(f *testing.F) {
	devfuzz.Seed(f, seeds(f))
	tg := fuzzTarget(false)
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}

// FuzzLate is FuzzOps with timer callbacks that run at least 100 µs late,
// as a host clock under load calls them.
func FuzzLate(f *testing.F) {
	devfuzz.Seed(f, seeds(f))
	tg := fuzzTarget(true)
	tg.Lag = 100 * time.Microsecond
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
