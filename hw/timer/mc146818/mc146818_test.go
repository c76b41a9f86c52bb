package mc146818

import (
	"errors"
	"fmt"
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

// leapEve is 2024-02-29 (a Thursday) 23:59:58 UTC.
var leapEve = time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)

type rig struct {
	r     *RTC
	line  *hwtest.Line
	nmi   *hwtest.Line
	clock *hw.ManualClock
	sets  []time.Time
}

func newRig(t testing.TB, base time.Time) *rig {
	t.Helper()
	g := &rig{line: new(hwtest.Line), nmi: new(hwtest.Line), clock: hw.NewManualClock()}
	r, err := New(Config{IRQ: g.line, NMIMask: g.nmi, Clock: g.clock, Base: base, ExtendedBank: true,
		TimeSet: func(t time.Time) { g.sets = append(g.sets, t) }})
	if err != nil {
		t.Fatal(err)
	}
	g.r = r
	return g
}

func (g *rig) get(i uint8) uint8 {
	g.r.Write(portIndex, 1, uint64(i))
	return uint8(g.r.Read(portData, 1))
}
func (g *rig) set(i uint8, v uint8) {
	g.r.Write(portIndex, 1, uint64(i))
	g.r.Write(portData, 1, uint64(v))
}

// timeRegs reads seconds, minutes, hours, weekday, day, month, year, century.
func (g *rig) timeRegs() string {
	return fmt.Sprintf("%02x:%02x:%02x w%x %02x-%02x-%02x%02x", g.get(regHours), g.get(regMinutes), g.get(regSeconds),
		g.get(regDayOfWeek), g.get(regDayOfMonth), g.get(regMonth), g.get(RegCentury), g.get(regYear))
}

func TestCalendarBCD(t *testing.T) {
	g := newRig(t, leapEve)
	if got, want := g.timeRegs(), "23:59:58 w5 29-02-2024"; got != want {
		t.Fatalf("at start %s, want %s", got, want)
	}
	g.clock.Advance(999 * time.Millisecond)
	if got := g.get(regSeconds); got != 0x58 {
		t.Errorf("seconds %#x before the first update", got)
	}
	g.clock.Advance(time.Millisecond)
	if got := g.get(regSeconds); got != 0x59 {
		t.Errorf("seconds %#x after the first update", got)
	}
	g.clock.Advance(time.Second)
	if got, want := g.timeRegs(), "00:00:00 w6 01-03-2024"; got != want {
		t.Errorf("after midnight %s, want %s", got, want)
	}
	g.clock.Advance(24 * time.Hour * 366)
	if got, want := g.timeRegs(), "00:00:00 w1 02-03-2025"; got != want {
		t.Errorf("a leap year later %s, want %s", got, want)
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		b    uint8
		at   time.Time
		want string
	}{
		{b24 | bDM, time.Date(2099, 12, 31, 13, 5, 9, 0, time.UTC), "0d:05:09 w5 1f-0c-1463"},
		{0, time.Date(2001, 7, 4, 0, 30, 0, 0, time.UTC), "12:30:00 w4 04-07-2001"},
		{0, time.Date(2001, 7, 4, 12, 30, 0, 0, time.UTC), "92:30:00 w4 04-07-2001"},
		{0, time.Date(2001, 7, 4, 23, 30, 0, 0, time.UTC), "91:30:00 w4 04-07-2001"},
		{bDM, time.Date(2001, 7, 4, 15, 30, 0, 0, time.UTC), "83:1e:00 w4 04-07-1401"},
	} {
		g := newRig(t, tc.at)
		g.set(regB, tc.b)
		if got := g.timeRegs(); got != tc.want {
			t.Errorf("B=%#x %v: %s, want %s", tc.b, tc.at, got, tc.want)
		}
	}
}

// TestSetTimeLinux sets the clock the way Linux's mc146818 code does: SET
// and divider reset, the fields, then SET cleared and the divider released.
func TestSetTimeLinux(t *testing.T) {
	g := newRig(t, leapEve)
	g.clock.Advance(300 * time.Millisecond)
	b := g.get(regB)
	a := g.get(regA)
	g.set(regB, b|bSET)
	g.set(regA, a|0x70)
	g.clock.Advance(5 * time.Second) // the clock holds while set
	for i, v := range map[uint8]uint8{regYear: 0x30, RegCentury: 0x20, regMonth: 0x06, regDayOfMonth: 0x15, regHours: 0x08, regMinutes: 0x00, regSeconds: 0x00} {
		g.set(i, v)
	}
	if got := g.get(regSeconds); got != 0 {
		t.Errorf("seconds %#x while set", got)
	}
	g.set(regB, b)
	if len(g.sets) != 0 {
		t.Error("time reported set before the divider runs")
	}
	g.set(regA, a)
	if len(g.sets) != 1 || !g.sets[0].Equal(time.Date(2030, 6, 15, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("TimeSet calls %v", g.sets)
	}
	g.clock.Advance(499 * time.Millisecond)
	if got := g.get(regSeconds); got != 0 {
		t.Fatalf("update before half a second: %#x", got)
	}
	g.clock.Advance(time.Millisecond)
	if got, want := g.timeRegs(), "08:00:01 w7 15-06-2030"; got != want {
		t.Fatalf("after release %s, want %s", got, want)
	}
	if !g.r.Now().Equal(time.Date(2030, 6, 15, 8, 0, 1, 0, time.UTC)) {
		t.Errorf("Now() = %v", g.r.Now())
	}
}

func TestWriteWhileRunning(t *testing.T) {
	g := newRig(t, leapEve)
	g.clock.Advance(200 * time.Millisecond)
	g.set(regMinutes, 0x10) // without SET: takes effect at once, the phase is kept
	if got := g.timeRegs(); got != "23:10:58 w5 29-02-2024" {
		t.Fatalf("after write %s", got)
	}
	g.clock.Advance(800 * time.Millisecond)
	if got := g.get(regSeconds); got != 0x59 {
		t.Errorf("seconds %#x: phase lost", got)
	}
	if len(g.sets) != 1 {
		t.Errorf("TimeSet called %d times", len(g.sets))
	}
}

func TestUIP(t *testing.T) {
	g := newRig(t, leapEve)
	uip := func() bool { return g.get(regA)&aUIP != 0 }
	g.clock.Advance(time.Second - 245*time.Microsecond)
	if uip() {
		t.Fatal("UIP more than 244 us before the update")
	}
	g.clock.Advance(time.Microsecond)
	if !uip() {
		t.Fatal("UIP not set 244 us before the update")
	}
	if g.get(regSeconds) != 0x58 {
		t.Fatal("time changed before the update")
	}
	g.clock.Advance(244 * time.Microsecond)
	if uip() || g.get(regSeconds) != 0x59 {
		t.Fatal("UIP still set after the update")
	}
	g.clock.Advance(time.Second - 100*time.Microsecond)
	g.set(regB, b24|bSET)
	if uip() {
		t.Fatal("UIP set while SET halts updates")
	}
}

func TestPeriodicInterrupt(t *testing.T) {
	g := newRig(t, leapEve)
	g.set(regB, b24|bPIE) // RS = 6: 1024 Hz
	n := 0
	for i := 0; i < 2048 && g.clock.Now() < time.Second; i++ {
		next, ok := g.clock.Next()
		if !ok {
			t.Fatal("no timer armed with PIE set")
		}
		g.clock.Advance(next - g.clock.Now())
		if !g.line.High() {
			t.Fatalf("IRQ 8 low at the periodic event %d", i)
		}
		if c := g.get(regC); c&(cIRQF|cPF) != cIRQF|cPF {
			t.Fatalf("register C %#x, want IRQF|PF", c)
		}
		if g.line.High() {
			t.Fatal("reading C did not lower IRQ 8")
		}
		n++
	}
	if n != 1024 {
		t.Errorf("%d periodic interrupts in one second, want 1024", n)
	}
	// Without PIE the flag is still set, and no timer runs.
	g.set(regB, b24)
	g.get(regC)
	if _, ok := g.clock.Next(); ok {
		t.Error("timer armed with no interrupt enabled")
	}
	g.set(regA, aDV32K|0x0f) // 2 Hz
	g.clock.Advance(500 * time.Millisecond)
	if c := g.get(regC); c&cPF == 0 || c&cIRQF != 0 {
		t.Errorf("register C %#x: want PF without IRQF", c)
	}
}

func TestUpdateEndedInterrupt(t *testing.T) {
	g := newRig(t, leapEve)
	g.set(regB, b24|bUIE)
	g.clock.Advance(999 * time.Millisecond)
	if g.line.High() {
		t.Fatal("IRQ before the update")
	}
	g.clock.Advance(time.Millisecond)
	if !g.line.High() || g.get(regC)&(cIRQF|cUF) != cIRQF|cUF {
		t.Fatal("no update-ended interrupt")
	}
	g.line.Reset()
	for i := 0; i < 10; i++ {
		g.clock.Advance(time.Second)
		g.get(regC)
	}
	if n := g.line.Rises(); n != 10 {
		t.Errorf("%d update interrupts in 10 s", n)
	}
	// SET clears UIE.
	g.set(regB, b24|bUIE|bSET)
	if g.get(regB)&bUIE != 0 {
		t.Error("UIE survived SET")
	}
}

func TestAlarm(t *testing.T) {
	for _, tc := range []struct {
		name     string
		h, m, s  uint8
		firstAt  time.Duration // from leapEve
		periodic time.Duration // next match after the first (0: a day)
	}{
		{"exact", 0x00, 0x00, 0x05, 7 * time.Second, 24 * time.Hour},
		{"every second", 0xff, 0xc0, 0xc1, time.Second, time.Second},
		{"every minute at :30", 0xc0, 0xff, 0x30, 32 * time.Second, time.Minute},
		{"hour only", 0x01, 0xc0, 0xc0, time.Hour + 2*time.Second, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, leapEve)
			g.set(regHoursAlarm, tc.h)
			g.set(regMinutesAlarm, tc.m)
			g.set(regSecondsAlarm, tc.s)
			g.set(regB, b24|bAIE)
			g.clock.Advance(tc.firstAt - time.Millisecond)
			if g.line.High() {
				t.Fatal("alarm early")
			}
			g.clock.Advance(time.Millisecond)
			if !g.line.High() || g.get(regC)&(cIRQF|cAF) != cIRQF|cAF {
				t.Fatal("no alarm")
			}
			next, ok := g.clock.Next()
			if !ok || next-g.clock.Now() != tc.periodic {
				t.Errorf("next alarm in %v, want %v", next-g.clock.Now(), tc.periodic)
			}
		})
	}
	t.Run("impossible", func(t *testing.T) {
		g := newRig(t, leapEve)
		g.set(regHoursAlarm, 0x25) // no such hour
		g.set(regB, b24|bAIE)
		if _, ok := g.clock.Next(); ok {
			t.Error("timer armed for an alarm that cannot match")
		}
	})
	t.Run("12-hour", func(t *testing.T) {
		g := newRig(t, leapEve)
		g.set(regB, bAIE)
		g.set(regHoursAlarm, 0x92) // 12 PM
		g.set(regMinutesAlarm, 0)
		g.set(regSecondsAlarm, 0)
		g.clock.Advance(12*time.Hour + 2*time.Second)
		if g.get(regC)&cAF == 0 {
			t.Error("12 PM alarm did not fire at noon")
		}
	})
}

func TestReset(t *testing.T) {
	g := newRig(t, leapEve)
	g.set(0x40, 0xaa)
	g.set(regB, bPIE|bAIE|bUIE|bSQWE|bDM|b24)
	g.clock.Advance(2 * time.Second)
	g.r.Reset()
	if b := g.get(regB); b != bDM|b24 {
		t.Errorf("register B %#x after reset, want the enables cleared", b)
	}
	if c := g.get(regC); c != 0 {
		t.Errorf("register C %#x after reset", c)
	}
	if g.line.High() {
		t.Error("IRQ 8 high after reset")
	}
	if g.get(0x40) != 0xaa || !g.r.Now().Equal(leapEve.Add(2*time.Second)) {
		t.Error("reset lost RAM or time")
	}
	if _, ok := g.clock.Next(); ok {
		t.Error("timer armed after reset")
	}
}

func TestPortsAndRAM(t *testing.T) {
	g := newRig(t, leapEve)
	if v := g.r.Read(portIndex, 1); v != 0xff {
		t.Errorf("index port reads %#x", v)
	}
	g.r.Write(portIndex, 1, 0x8f) // NMI masked, index 0x0f
	if !g.nmi.High() || !g.r.NMIMasked() {
		t.Error("NMI mask not driven")
	}
	g.r.Write(portData, 1, 0x5a)
	g.r.Write(portIndex, 1, 0x0f)
	if g.nmi.High() {
		t.Error("NMI mask not released")
	}
	if v := g.r.Read(portData, 1); v != 0x5a {
		t.Errorf("CMOS 0x0f reads %#x", v)
	}
	if v := g.get(regD); v != dVRT {
		t.Errorf("register D %#x", v)
	}
	g.set(regD, 0)
	g.set(regC, 0xff)
	if g.get(regD) != dVRT || g.get(regC) != 0 {
		t.Error("read-only registers written")
	}
	g.set(regA, 0xff)
	if a := g.get(regA); a&aUIP != 0 || a != 0x7f {
		t.Errorf("register A %#x after 0xff (UIP is read-only; DV 111 stops)", a)
	}
	// Extended bank.
	g.r.Write(portExtIndex, 1, 0x85)
	g.r.Write(portExtData, 1, 0x77)
	if v := g.r.Read(portExtData, 1); v != 0x77 || g.get(0x05) == 0x77 {
		t.Error("extended bank not separate")
	}
	plain, _ := New(Config{Clock: g.clock})
	if plain.Region().Len != 2 || plain.Read(portExtData, 1) != 0xff {
		t.Error("extended bank present without ExtendedBank")
	}
	if err := g.r.SetCMOS(0x0d, 1); err == nil {
		t.Error("SetCMOS wrote a clock register")
	}
	if err := g.r.SetCMOS(0x80, 1); err == nil {
		t.Error("SetCMOS wrote past the RAM")
	}
}

func TestDividerStopped(t *testing.T) {
	g := newRig(t, leapEve)
	g.set(regB, b24|bPIE|bUIE)
	g.set(regA, 0x76) // divider reset
	g.clock.Advance(time.Hour)
	if g.r.Now() != leapEve || g.line.High() {
		t.Fatal("the calendar or interrupts ran with the divider in reset")
	}
	if _, ok := g.clock.Next(); ok {
		t.Error("timer armed with the divider stopped")
	}
}

// TestFillPCAsSeaBIOSReads decodes the CMOS the way SeaBIOS's memory setup
// reads it (its public source: 64 KiB units at 0x34/0x35 plus 16 MiB, else
// KiB at 0x30/0x31 plus 1 MiB; 0x5b-0x5d in 64 KiB units; CPUs at 0x5f).
func TestFillPCAsSeaBIOSReads(t *testing.T) {
	for _, tc := range []struct {
		below, above uint64
		cpus         int
		wantBelow    uint64
	}{
		{128 << 20, 0, 1, 128 << 20},
		{3 << 30, 5 << 30, 4, 3 << 30},
		{4 << 30, 0, 256, 4 << 30},
		{8 << 20, 0, 2, 8 << 20}, // below 16 MiB: the KiB count
	} {
		g := newRig(t, leapEve)
		if err := g.r.FillPC(PCConfig{RAMBelow4G: tc.below, RAMAbove4G: tc.above, CPUs: tc.cpus}); err != nil {
			t.Fatal(err)
		}
		c := func(i int) uint64 { return uint64(g.get(uint8(i))) }
		rs := c(0x34)<<16 | c(0x35)<<24
		if rs != 0 {
			rs += 16 << 20
		} else {
			rs = (c(0x30)<<10 | c(0x31)<<18) + 1<<20
		}
		high := c(0x5b)<<16 | c(0x5c)<<24 | c(0x5d)<<32
		if rs != tc.wantBelow || high != tc.above || int(c(0x5f))+1 != tc.cpus {
			t.Errorf("%+v: SeaBIOS reads below %#x above %#x cpus %d", tc, rs, high, c(0x5f)+1)
		}
		if base := c(0x15) | c(0x16)<<8; base != 640 {
			t.Errorf("base memory %d KiB", base)
		}
		if c(0x17) != c(0x30) || c(0x18) != c(0x31) {
			t.Error("0x17/0x18 and 0x30/0x31 differ")
		}
		sum := uint64(0)
		for i := 0x10; i <= 0x2d; i++ {
			sum += c(i)
		}
		if got := c(0x2e)<<8 | c(0x2f); got != sum&0xffff {
			t.Errorf("checksum %#x, want %#x", got, sum)
		}
	}
}

func TestFillPCBoot(t *testing.T) {
	for _, tc := range []struct {
		order      string
		nochk      bool
		floppies   int
		b3d, b38   uint8
		equipment  uint8
		wantErrSub string
	}{
		{"", false, 0, 0x12, 0x30, 0x06, ""},
		{"n", true, 1, 0x04, 0x01, 0x07, ""},
		{"dca", false, 2, 0x23, 0x10, 0x47, ""},
		{"cdna", false, 0, 0, 0, 0, "too many boot devices"},
		{"x", false, 0, 0, 0, 0, `invalid boot device for PC: "x"`},
	} {
		g := newRig(t, leapEve)
		err := g.r.FillPC(PCConfig{RAMBelow4G: 64 << 20, CPUs: 1, BootOrder: tc.order, NoFloppyBootCheck: tc.nochk, Floppies: tc.floppies})
		if tc.wantErrSub != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
				t.Errorf("order %q: error %v, want %q", tc.order, err, tc.wantErrSub)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if g.get(0x3d) != tc.b3d || g.get(0x38) != tc.b38 || g.get(0x14) != tc.equipment {
			t.Errorf("order %q: 0x3d %#x 0x38 %#x 0x14 %#x; want %#x %#x %#x", tc.order, g.get(0x3d), g.get(0x38), g.get(0x14), tc.b3d, tc.b38, tc.equipment)
		}
	}
	g := newRig(t, leapEve)
	for _, bad := range []PCConfig{{CPUs: 0}, {CPUs: 257}, {CPUs: 1, RAMBelow4G: 5 << 30}, {CPUs: 1, Floppies: 3}} {
		if err := g.r.FillPC(bad); err == nil {
			t.Errorf("FillPC(%+v) succeeded", bad)
		}
	}
}

func TestParseBase(t *testing.T) {
	host := time.Date(2025, 3, 9, 10, 11, 12, 500, time.UTC)
	est := time.FixedZone("EST", -5*3600)
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"utc", "2025-03-09T10:11:12Z"},
		{"", "2025-03-09T10:11:12Z"},
		{"localtime", "2025-03-09T05:11:12-05:00"},
		{"2006-06-17T16:01:21", "2006-06-17T16:01:21Z"},
		{"2006-06-17", "2006-06-17T00:00:00Z"},
	} {
		got, err := ParseBase(tc.in, host, est)
		if err != nil {
			t.Fatalf("ParseBase(%q): %v", tc.in, err)
		}
		if s := got.Format(time.RFC3339); s != tc.want {
			t.Errorf("ParseBase(%q) = %s, want %s", tc.in, s, tc.want)
		}
	}
	for _, bad := range []string{"now", "2006-13-01", "2006-06-17T25:00:00", "0000-01-01", "2006-06-17 16:01:21", strings.Repeat("9", 100)} {
		if _, err := ParseBase(bad, host, est); err == nil || !errors.Is(err, ErrBase) {
			t.Errorf("ParseBase(%q) error = %v", bad, err)
		}
	}
	// localtime: the guest reads the local fields.
	b, _ := ParseBase("localtime", host, est)
	g := newRig(t, b)
	if h := g.get(regHours); h != 0x05 {
		t.Errorf("localtime base: hours %#x, want 0x05", h)
	}
}

func FuzzParseBase(f *testing.F) {
	for _, s := range []string{"utc", "localtime", "2006-06-17T16:01:21", "2006-06-17", "9999-12-31T23:59:59", "2006-02-30"} {
		f.Add(s)
	}
	host := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBase(s, host, time.UTC)
		if err != nil {
			return
		}
		g := newRig(t, b)
		g.clock.Advance(time.Second)
		if got := g.r.Now(); !got.Equal(time.Unix(wrapCalendar(wallSeconds(b)+1), 0)) { // 9999 rolls over
			t.Fatalf("base %v: RTC reads %v", b, got)
		}
	})
}

func TestState(t *testing.T) {
	clock := hw.NewManualClock()
	fresh := func() *RTC {
		r, err := New(Config{Clock: clock, Base: leapEve, ExtendedBank: true})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(r *RTC) {
		r.FillPC(PCConfig{RAMBelow4G: 1 << 30, CPUs: 2})
		for _, w := range [][2]uint8{{regB, b24 | bPIE | bAIE}, {regA, aDV32K | 3}, {regSecondsAlarm, 0xc0}, {0x50, 0x42}} {
			r.Write(portIndex, 1, uint64(w[0]))
			r.Write(portData, 1, uint64(w[1]))
		}
		r.Write(portExtIndex, 1, 9)
		r.Write(portExtData, 1, 0x99)
		r.Write(portIndex, 1, 0x80|regC)
		clock.Advance(1500 * time.Millisecond)
	})
	// Time set and held.
	vmstatetest.RoundTrip(t, fresh, func(r *RTC) {
		r.Write(portIndex, 1, regB)
		r.Write(portData, 1, b24|bSET)
		r.Write(portIndex, 1, regYear)
		r.Write(portData, 1, 0x42)
	})
}

func TestStateContinues(t *testing.T) {
	a := newRig(t, leapEve)
	a.set(regB, b24|bUIE)
	a.clock.Advance(1700 * time.Millisecond)
	data := vmstate.Save(a.r)
	b := newRig(t, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC))
	b.clock.Advance(time.Hour)
	if err := vmstate.Load(b.r, data); err != nil {
		t.Fatal(err)
	}
	if !b.r.Now().Equal(leapEve.Add(time.Second)) {
		t.Fatalf("loaded RTC reads %v", b.r.Now())
	}
	if !b.line.High() {
		t.Fatal("pending update interrupt lost")
	}
	b.get(regC)
	b.clock.Advance(299 * time.Millisecond)
	if b.line.High() {
		t.Fatal("update early after load: phase lost")
	}
	b.clock.Advance(time.Millisecond)
	if !b.line.High() || b.get(regSeconds) != 0x00 {
		t.Fatal("no update at the loaded phase")
	}
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(r *RTC)
		want   string
	}{
		{"uip stored", func(r *RTC) { r.cmos[regA] |= aUIP }, "UIP stored"},
		{"register C", func(r *RTC) { r.cmos[regC] = 0x0f }, "register C 0xf"},
		{"register D", func(r *RTC) { r.cmos[regD] = 0 }, "register D 0x0"},
		{"index", func(r *RTC) { r.index = 0x80 }, "index 0x80"},
		{"divider", func(r *RTC) { r.divBase = -5 }, "divider phase -5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, leapEve)
			tc.mutate(g.r)
			err := vmstate.Load(newRig(t, leapEve).r, vmstate.Save(g.r))
			if err == nil || !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
	// A stream with an extended bank into an RTC without one.
	g := newRig(t, leapEve)
	plain, _ := New(Config{Clock: g.clock})
	if err := vmstate.Load(plain, vmstate.Save(g.r)); err == nil || !strings.Contains(err.Error(), "none configured") {
		t.Errorf("extended bank into a plain RTC: %v", err)
	}
}

func TestAllocs(t *testing.T) {
	g := newRig(t, leapEve)
	for name, f := range map[string]func(){
		"seconds": func() { g.get(regSeconds) },
		"reg A":   func() { g.get(regA) },
		"reg C":   func() { g.get(regC) },
		"RAM":     func() { g.set(0x40, 1) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		g := newRig(t, leapEve)
		io := bus.NewSpace("io")
		if err := io.Map(g.r.Region()); err != nil {
			t.Fatal(err)
		}
		return &script.Env{IO: io, Clock: g.clock, Lines: map[string]*hwtest.Line{"irq8": g.line, "nmi-mask": g.nmi},
			Commands: map[string]script.Command{
				"date?": func([]string) (string, error) { return g.r.Now().Format(time.RFC3339), nil },
			}}
	})
}
