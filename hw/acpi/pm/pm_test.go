package pm

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/hwtest"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

// rig is a PM on a port space with a manual clock and a recorded SCI.
type rig struct {
	pm        *PM
	io        *bus.Space
	clock     *hw.ManualClock
	sci       *hwtest.Line
	shutdowns int
	sleeps    []int
}

func newRig(t testing.TB, mod func(c *Config)) *rig {
	t.Helper()
	r := &rig{io: bus.NewSpace("io"), clock: hw.NewManualClock(), sci: new(hwtest.Line)}
	c := Config{SCI: r.sci, Clock: r.clock, Shutdown: func() { r.shutdowns++ }, Sleep: func(s int) { r.sleeps = append(r.sleeps, s) }}
	if mod != nil {
		mod(&c)
	}
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, reg := range p.Regions() {
		if err := r.io.Map(reg); err != nil {
			t.Fatal(err)
		}
	}
	r.pm = p
	return r
}

func (r *rig) in(port uint64, size int) uint64 {
	v, _ := r.io.Read(port, size)
	return v
}

func (r *rig) out(port uint64, size int, v uint64) { r.io.Write(port, size, v) }

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"no shutdown", Config{}},
		{"same values", Config{Shutdown: func() {}, ACPIEnable: 5, ACPIDisable: 5}},
		{"overlap", Config{Shutdown: func() {}, Base: 0x600, GPE0: 0x608}},
		{"smi overlap", Config{Shutdown: func() {}, SMICmd: 0x605}},
		{"past 0xffff", Config{Shutdown: func() {}, Base: 0xfffa}},
	} {
		if _, err := New(tc.c); err == nil {
			t.Errorf("%s: New succeeded", tc.name)
		}
	}
}

func TestRegions(t *testing.T) {
	r := newRig(t, func(c *Config) { c.SMICmd = SMICmdPort })
	var got []string
	for _, reg := range r.pm.Regions() {
		got = append(got, fmt.Sprintf("%s %#x+%d", reg.Name, reg.Base, reg.Len))
	}
	want := "acpi-evt 0x600+4, acpi-cnt 0x604+2, acpi-tmr 0x608+4, acpi-gpe0 0xafe0+4, apm-io 0xb2+1"
	if s := strings.Join(got, ", "); s != want {
		t.Errorf("regions %s\nwant    %s", s, want)
	}
}

// TestTimer checks the count against the clock for both widths, across
// the top bit's change and the wrap.
func TestTimer(t *testing.T) {
	for _, bitsWide := range []int{24, 32} {
		t.Run(fmt.Sprint(bitsWide), func(t *testing.T) {
			r := newRig(t, func(c *Config) { c.Timer24 = bitsWide == 24 })
			mask := uint64(1)<<bitsWide - 1
			for _, d := range []time.Duration{0, time.Microsecond, time.Second, 4 * time.Second, 5 * time.Second, 1200 * time.Second, 3 * time.Hour} {
				r.clock.Advance(d - r.clock.Now())
				want := uint64(float64(d.Nanoseconds())*TimerHz/1e9) & mask
				if got := r.in(0x608, 4); got != want || uint64(r.pm.Timer()) != want {
					t.Errorf("at %v: PM_TMR %#x (Timer() %#x), want %#x", d, got, r.pm.Timer(), want)
				}
			}
		})
	}
}

func TestTicks(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 279, 280, time.Second, 1<<63 - 1} {
		n := ticks(d)
		at, ok := timeOf(n)
		if !ok || at > d || ticks(at) != n || (at > 0 && ticks(at-1) == n) {
			t.Errorf("ticks(%d) = %d; timeOf gives %d (%v), which is not the first instant of that count", d, n, at, ok)
		}
	}
	if _, ok := timeOf(1 << 63); ok {
		t.Error("timeOf of an unreachable count succeeded")
	}
}

// TestTimerOverflowSCI: with TMR_EN set, the SCI rises exactly when the top
// bit changes, and a cleared TMR_STS re-arms for the next change.
func TestTimerOverflowSCI(t *testing.T) {
	for _, top := range []uint{23, 31} {
		t.Run(fmt.Sprint(top+1), func(t *testing.T) {
			r := newRig(t, func(c *Config) { c.Timer24 = top == 23 })
			r.out(0x602, 2, enTmr)
			first, _ := timeOf(1 << top)
			r.clock.Advance(first - 1)
			if r.sci.High() {
				t.Fatal("SCI before the top bit changed")
			}
			r.clock.Advance(1)
			if !r.sci.High() || r.in(0x600, 2)&stsTmr == 0 {
				t.Fatal("no SCI and TMR_STS when the top bit changed")
			}
			r.out(0x600, 2, stsTmr)
			if r.sci.High() {
				t.Fatal("SCI still high after TMR_STS was cleared")
			}
			second, _ := timeOf(2 << top)
			r.clock.Advance(second - r.clock.Now() - 1)
			if r.sci.High() {
				t.Fatal("SCI before the second change")
			}
			r.clock.Advance(1)
			if !r.sci.High() {
				t.Fatal("no SCI at the second change")
			}
		})
	}
}

func TestSleepStates(t *testing.T) {
	r := newRig(t, nil)
	r.out(0x604, 2, SlpTypS3<<slpTypShift|cntSlpEn|cntSCIEn)
	r.out(0x605, 1, (SlpTypS4<<slpTypShift|cntSlpEn)>>8) // the high byte alone
	if fmt.Sprint(r.sleeps) != "[3 4]" || r.shutdowns != 0 {
		t.Errorf("sleeps %v shutdowns %d, want [3 4] and 0", r.sleeps, r.shutdowns)
	}
	if v := r.in(0x604, 2); v != SlpTypS4<<slpTypShift|cntSCIEn {
		t.Errorf("PM1_CNT reads %#x: SLP_EN must read 0, SLP_TYP and SCI_EN stay", v)
	}
	// Without a Sleep function, S3 and S4 are ignored; S5 still powers off.
	r = newRig(t, func(c *Config) { c.Sleep = nil })
	r.out(0x604, 2, SlpTypS3<<slpTypShift|cntSlpEn)
	r.out(0x604, 2, 7<<slpTypShift|cntSlpEn)
	r.out(0x604, 2, SlpTypS5<<slpTypShift|cntSlpEn)
	if r.shutdowns != 1 {
		t.Errorf("%d shutdowns, want 1", r.shutdowns)
	}
}

// TestShutdownReentry: the Shutdown callback may reset the device.
func TestShutdownReentry(t *testing.T) {
	var p *PM
	p, err := New(Config{Shutdown: func() { p.Reset() }, Clock: hw.NewManualClock()})
	if err != nil {
		t.Fatal(err)
	}
	block{p, kindCnt}.Write(0, 2, cntSlpEn)
	if !p.SCIEnabled() {
		t.Error("reset from Shutdown left SCI_EN clear")
	}
}

func TestReset(t *testing.T) {
	r := newRig(t, func(c *Config) { c.SMICmd = SMICmdPort })
	if r.pm.SCIEnabled() {
		t.Fatal("with an SMI command port SCI_EN must start clear")
	}
	r.out(SMICmdPort, 1, DefaultEnable)
	r.out(0x602, 2, enPwrBtn|enRTC)
	r.out(0xafe2, 2, 0xffff)
	r.pm.PressPowerButton()
	r.pm.RaiseGPE(3)
	r.clock.Advance(3 * time.Second)
	before := r.pm.Timer()
	if !r.sci.High() {
		t.Fatal("pending enabled events but the SCI is low")
	}
	r.pm.Reset()
	if r.sci.High() {
		t.Error("reset left the SCI high")
	}
	if r.in(0x600, 4) != 0 || r.in(0x604, 2) != 0 || r.in(0xafe0, 4) != 0 || r.in(SMICmdPort, 1) != 0 {
		t.Errorf("after reset: evt %#x cnt %#x gpe %#x apmc %#x", r.in(0x600, 4), r.in(0x604, 2), r.in(0xafe0, 4), r.in(SMICmdPort, 1))
	}
	if after := r.pm.Timer(); after != before {
		t.Errorf("reset moved the PM timer from %#x to %#x", before, after)
	}
	r2 := newRig(t, nil)
	r2.out(0x604, 2, 0)
	r2.pm.Reset()
	if !r2.pm.SCIEnabled() {
		t.Error("without an SMI command port reset must set SCI_EN")
	}
}

func TestAllocs(t *testing.T) {
	r := newRig(t, nil)
	h := block{r.pm, kindTmr}
	if n := testing.AllocsPerRun(100, func() { h.Read(0, 4) }); n != 0 {
		t.Errorf("PM timer read allocates %v times", n)
	}
	// With the overflow event enabled the callback stays armed across reads.
	r.out(0x602, 2, enTmr)
	if n := testing.AllocsPerRun(100, func() { h.Read(0, 4) }); n != 0 {
		t.Errorf("PM timer read with TMR_EN allocates %v times", n)
	}
}

func TestState(t *testing.T) {
	clock := hw.NewManualClock()
	fresh := func() *PM {
		p, err := New(Config{Clock: clock, Shutdown: func() {}, SMICmd: SMICmdPort})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	vmstatetest.RoundTrip(t, fresh, func(p *PM) {
		clock.Advance(7 * time.Second)
		w := func(k int, off uint64, size int, v uint64) { block{p, k}.Write(off, size, v) }
		w(kindSMI, 0, 1, DefaultEnable)
		w(kindEvt, 2, 2, enPwrBtn|enTmr)
		w(kindCnt, 0, 2, SlpTypS3<<slpTypShift|cntSCIEn)
		w(kindGPE, 2, 2, 0x8001)
		p.PressPowerButton()
		p.RaiseGPE(15)
	})

	// The timer continues from the saved count on a clock that reads
	// something else, and the SCI is driven from the loaded state.
	src := newRig(t, nil)
	src.clock.Advance(time.Hour)
	src.out(0x602, 2, enPwrBtn)
	src.pm.PressPowerButton()
	saved := vmstate.Save(src.pm)
	want := src.pm.Timer()
	dst := newRig(t, nil)
	dst.clock.Advance(5 * time.Second)
	if err := vmstate.Load(dst.pm, saved); err != nil {
		t.Fatal(err)
	}
	if got := dst.pm.Timer(); got != want {
		t.Errorf("timer after load %#x, want %#x", got, want)
	}
	if !dst.sci.High() {
		t.Error("loaded state has a pending enabled event but the SCI is low")
	}

	for _, tc := range []struct {
		field string
		val   uint16
		want  string
	}{{"pm1-sts", 0x0002, "PM1_STS"}, {"pm1-en", 0x8000, "PM1_EN"}, {"pm1-cnt", cntSlpEn, "PM1_CNT"}} {
		bad := newRig(t, nil)
		switch tc.field {
		case "pm1-sts":
			bad.pm.pm1Sts = tc.val
		case "pm1-en":
			bad.pm.pm1En = tc.val
		case "pm1-cnt":
			bad.pm.pm1Cnt = tc.val
		}
		if err := vmstate.Load(newRig(t, nil).pm, vmstate.Save(bad.pm)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %#x: load error %v", tc.field, tc.val, err)
		}
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		name := t.Name()
		r := newRig(t, func(c *Config) {
			if strings.Contains(name, "smi") {
				c.SMICmd = SMICmdPort
			}
			c.Timer24 = !strings.Contains(name, "timer32")
		})
		return &script.Env{IO: r.io, Clock: r.clock, Lines: map[string]*hwtest.Line{"sci": r.sci}, Commands: map[string]script.Command{
			"shutdowns?":   func([]string) (string, error) { return strconv.Itoa(r.shutdowns), nil },
			"sleeps?":      func([]string) (string, error) { return fmt.Sprint(r.sleeps), nil },
			"power-button": func([]string) (string, error) { r.pm.PressPowerButton(); return "", nil },
			"rtc-alarm":    func([]string) (string, error) { r.pm.RTCAlarm(); return "", nil },
			"wake":         func([]string) (string, error) { r.pm.Wake(); return "", nil },
			"reset":        func([]string) (string, error) { r.pm.Reset(); return "", nil },
			"gpe": func(a []string) (string, error) {
				if len(a) != 1 {
					return "", fmt.Errorf("gpe: want an event number")
				}
				n, err := strconv.Atoi(a[0])
				if err != nil || n < 0 || n >= GPEs {
					return "", fmt.Errorf("gpe: bad event %q", a[0])
				}
				r.pm.RaiseGPE(n)
				return "", nil
			},
		}}
	})
}
