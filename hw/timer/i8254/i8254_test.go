package i8254

import (
	"errors"
	"math/rand"
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

type rig struct {
	p     *PIT
	s61   *Port61
	line  *hwtest.Line
	clock *hw.ManualClock
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{line: new(hwtest.Line), clock: hw.NewManualClock()}
	p, err := New(Config{IRQ: r.line, Clock: r.clock})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewPort61(Port61Config{Timer: p, Clock: r.clock})
	if err != nil {
		t.Fatal(err)
	}
	r.p, r.s61 = p, s
	p.Reset() // the machine's power-on reset
	r.line.Reset()
	return r
}

func (r *rig) ctl(b uint8)            { r.p.Write(regControl, 1, uint64(b)) }
func (r *rig) out(ch int, b uint8)    { r.p.Write(uint64(ch), 1, uint64(b)) }
func (r *rig) in(ch int) uint8        { return uint8(r.p.Read(uint64(ch), 1)) }
func (r *rig) word(ch int, v uint16)  { r.out(ch, uint8(v)); r.out(ch, uint8(v>>8)) }
func (r *rig) readWord(ch int) uint16 { lo := r.in(ch); return uint16(r.in(ch))<<8 | uint16(lo) }
func (r *rig) ticks(n uint64)         { r.clock.Advance(timeOf(n)) }
func (r *rig) program(ch int, mode uint8, count uint16) {
	r.ctl(uint8(ch)<<6 | rwWord<<4 | mode<<1)
	r.word(ch, count)
}
func (r *rig) latched(ch int) uint16 { r.ctl(uint8(ch) << 6); return r.readWord(ch) }

// outPin reads counter ch's OUT through the read-back status, which shows
// it clock by clock (IRQ 0 coalesces periods shorter than minPeriod).
func (r *rig) outPin(ch int) bool {
	r.ctl(0xc0 | 2<<ch | rbNotCount)
	return r.in(ch)&stOUT != 0
}

func TestTickArithmetic(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 10000; i++ {
		k := uint64(rng.Int63n(1 << 50))
		if i < 10 {
			k = uint64(i)
		}
		at := timeOf(k)
		if got := ticksAt(at); got != k {
			t.Fatalf("ticksAt(timeOf(%d)) = %d", k, got)
		}
		if k > 0 && ticksAt(at-1) != k-1 {
			t.Fatalf("ticksAt(timeOf(%d)-1) = %d, want %d", k, ticksAt(at-1), k-1)
		}
	}
	if got := ticksAt(time.Second); got != Frequency {
		t.Errorf("ticks in one second = %d", got)
	}
	// One day: exactly f·86400 clocks, no drift.
	if got := ticksAt(24 * time.Hour); got != Frequency*86400 {
		t.Errorf("ticks in a day = %d, want %d", got, Frequency*86400)
	}
}

func TestNewHasNoSideEffects(t *testing.T) {
	clock := hw.NewManualClock()
	line := new(hwtest.Line)
	if _, err := New(Config{Clock: clock, IRQ: line}); err != nil {
		t.Fatal(err)
	}
	if _, ok := clock.Next(); ok {
		t.Error("New scheduled a timer")
	}
	if line.Rises() != 0 || line.High() {
		t.Error("New drove IRQ 0")
	}
}

func TestResetState(t *testing.T) {
	r := newRig(t)
	// Counter 0 runs in mode 3 with the full count: 18.2 Hz on IRQ 0.
	r.clock.Advance(time.Second)
	if n := r.line.Rises(); n != 18 {
		t.Errorf("IRQ 0 rose %d times in the first second after reset, want 18", n)
	}
	r.program(0, 2, 100)
	r.program(2, 0, 5)
	r.s61.Write(0, 1, 3)
	r.p.Reset()
	r.s61.Reset()
	r.ctl(0xc0 | 0x0e&^rbNotStatus | rbNotCount) // status of all
	for i := 0; i < 3; i++ {
		st := r.in(i)
		want := uint8(stOUT | rwWord<<4 | 3<<1)
		if st != want {
			t.Errorf("counter %d status after reset %#x, want %#x", i, st, want)
		}
	}
	if v := r.s61.Read(0, 1) &^ p61Refresh; v != p61Out2 {
		t.Errorf("port 0x61 after reset %#x, want OUT2 high only", v)
	}
}

func TestMode0OneShot(t *testing.T) {
	r := newRig(t)
	r.program(0, 0, 1000)
	if r.line.High() {
		t.Fatal("OUT high right after mode 0 load")
	}
	r.ticks(999)
	if r.line.High() {
		t.Fatal("OUT high before terminal count")
	}
	if v := r.latched(0); v != 1 {
		t.Errorf("count %d one clock before terminal, want 1", v)
	}
	r.ticks(1)
	if !r.line.High() || r.line.Rises() != 1 {
		t.Fatal("OUT not high at terminal count")
	}
	r.ticks(1)
	if v := r.latched(0); v != 0xffff {
		t.Errorf("count after wrap %#x, want 0xffff", v)
	}
	r.clock.Advance(time.Second)
	if r.line.Rises() != 1 {
		t.Error("mode 0 fired again without a new count")
	}
	// Word write: the first byte stops counting and lowers OUT at once.
	r.out(0, 10)
	if r.line.High() {
		t.Fatal("first byte of a mode 0 count did not lower OUT")
	}
	r.ticks(100)
	r.out(0, 0)
	r.ticks(9)
	if r.line.High() {
		t.Fatal("counted while waiting for the second byte")
	}
	r.ticks(1)
	if !r.line.High() {
		t.Fatal("new count did not reach terminal")
	}
}

func TestMode2Periodic(t *testing.T) {
	r := newRig(t)
	r.program(0, 2, 1193) // ~1000.15 Hz
	r.clock.Advance(10 * time.Second)
	want := int(ticksAt(10*time.Second) / 1193)
	if n := r.line.Rises(); n != want {
		t.Errorf("%d rising edges in 10 s, want %d", n, want)
	}
	// OUT is low exactly in the clock where the count is 1.
	r.program(0, 2, 4)
	var outs []bool
	var counts []uint16
	for i := 0; i < 8; i++ {
		outs = append(outs, r.outPin(0))
		counts = append(counts, r.latched(0))
		r.ticks(1)
	}
	if got := fmtBools(outs); got != "11101110" {
		t.Errorf("OUT over 8 clocks %s, want 11101110", got)
	}
	if got := fmtU16(counts); got != "4 3 2 1 4 3 2 1" {
		t.Errorf("counts %s", got)
	}
}

// TestNoDrift: after an hour of 100 Hz ticks taken in uneven steps, the
// edge count and the counter are exactly where the clock says.
func TestNoDrift(t *testing.T) {
	r := newRig(t)
	r.program(0, 2, 11932)
	start := r.clock.Now()
	rng := rand.New(rand.NewSource(2))
	for r.clock.Now()-start < time.Hour {
		r.clock.Advance(time.Duration(rng.Int63n(int64(50 * time.Millisecond))))
	}
	el := ticksAt(r.clock.Now() - start)
	if n := uint64(r.line.Rises()); n != el/11932 {
		t.Errorf("%d periods, want %d", n, el/11932)
	}
	if v := uint64(r.latched(0)); v != 11932-el%11932 {
		t.Errorf("count %d, want %d", v, 11932-el%11932)
	}
}

func TestMode3Square(t *testing.T) {
	for _, tc := range []struct {
		n      uint16
		outs   string
		counts string
	}{
		{6, "111000111000", "6 4 2 6 4 2 6 4 2 6 4 2"},
		{5, "1110011100", "4 2 0 4 2 4 2 0 4 2"},
	} {
		r := newRig(t)
		r.program(0, 3, tc.n)
		var outs []bool
		var counts []uint16
		for i := 0; i < len(tc.outs); i++ {
			outs = append(outs, r.outPin(0))
			counts = append(counts, r.latched(0))
			r.ticks(1)
		}
		if got := fmtBools(outs); got != tc.outs {
			t.Errorf("count %d: OUT %s, want %s", tc.n, got, tc.outs)
		}
		if got := fmtU16(counts); got != tc.counts {
			t.Errorf("count %d: values %s, want %s", tc.n, got, tc.counts)
		}
	}
}

func TestMode4Strobe(t *testing.T) {
	r := newRig(t)
	r.program(0, 4, 3)
	var outs []bool
	for i := 0; i < 6; i++ {
		outs = append(outs, r.line.High())
		r.ticks(1)
	}
	if got := fmtBools(outs); got != "111011" {
		t.Errorf("mode 4 OUT %s, want 111011", got)
	}
	r.clock.Advance(time.Second)
	if r.line.Rises() != 1 {
		t.Errorf("mode 4 strobed %d times", r.line.Rises())
	}
}

// TestGateModes drives counter 2's gate through port 0x61 and watches OUT
// through bit 5, as firmware does.
func TestGateModes(t *testing.T) {
	out2 := func(r *rig) bool { return r.s61.Read(0, 1)&p61Out2 != 0 }
	t.Run("mode 0 pauses", func(t *testing.T) {
		r := newRig(t)
		r.program(2, 0, 10)
		r.ticks(100)
		if out2(r) || r.latched(2) != 10 {
			t.Fatal("mode 0 counted with the gate low")
		}
		r.s61.Write(0, 1, p61Gate2)
		r.ticks(4)
		r.s61.Write(0, 1, 0)
		r.ticks(100)
		if v := r.latched(2); v != 6 {
			t.Fatalf("paused count %d, want 6", v)
		}
		r.s61.Write(0, 1, p61Gate2)
		r.ticks(5)
		if out2(r) {
			t.Fatal("OUT high before the remaining 6 clocks")
		}
		r.ticks(1)
		if !out2(r) {
			t.Fatal("OUT low after the remaining clocks")
		}
	})
	t.Run("mode 1 triggers on the rising edge", func(t *testing.T) {
		r := newRig(t)
		r.program(2, 1, 5)
		if !out2(r) {
			t.Fatal("mode 1 OUT low before a trigger")
		}
		r.s61.Write(0, 1, p61Gate2)
		if out2(r) {
			t.Fatal("mode 1 OUT high after the trigger")
		}
		r.ticks(3)
		r.s61.Write(0, 1, 0)
		r.s61.Write(0, 1, p61Gate2) // retrigger
		r.ticks(4)
		if out2(r) {
			t.Fatal("retrigger did not restart the count")
		}
		r.ticks(1)
		if !out2(r) {
			t.Fatal("OUT not high at the end of the one-shot")
		}
	})
	t.Run("mode 2 stops and reloads", func(t *testing.T) {
		r := newRig(t)
		r.program(2, 2, 10)
		r.s61.Write(0, 1, p61Gate2)
		r.ticks(9)
		if out2(r) {
			t.Fatal("mode 2 OUT not low at count 1")
		}
		r.s61.Write(0, 1, 0)
		if !out2(r) {
			t.Fatal("gate low did not force OUT high")
		}
		r.s61.Write(0, 1, p61Gate2)
		if v := r.latched(2); v != 10 {
			t.Fatalf("gate rise: count %d, want reload to 10", v)
		}
	})
	t.Run("mode 5 strobes after trigger", func(t *testing.T) {
		r := newRig(t)
		r.program(2, 5, 2)
		r.ticks(10)
		if !out2(r) {
			t.Fatal("mode 5 strobed without a trigger")
		}
		r.s61.Write(0, 1, p61Gate2)
		r.ticks(2)
		if out2(r) {
			t.Fatal("mode 5 no strobe at terminal count")
		}
		r.ticks(1)
		if !out2(r) {
			t.Fatal("mode 5 strobe longer than one clock")
		}
	})
}

func TestPendingReload(t *testing.T) {
	r := newRig(t)
	r.program(0, 2, 200)
	r.ticks(60)
	r.word(0, 100) // mode 2: takes effect at the end of the current period
	r.ctl(0xc0 | 0x02 | rbNotCount)
	if st := r.in(0); st&stNullCount == 0 {
		t.Error("null count clear while the new count waits")
	}
	if v := r.latched(0); v != 140 {
		t.Fatalf("count %d right after the new count, want 140", v)
	}
	r.ticks(140)
	if v := r.latched(0); v != 100 {
		t.Fatalf("count %d at the reload, want the new 100", v)
	}
	r.ctl(0xc0 | 0x02 | rbNotCount)
	if st := r.in(0); st&stNullCount != 0 {
		t.Error("null count still set after the reload")
	}
	r.line.Reset()
	r.ticks(1000)
	if n := r.line.Rises(); n != 10 {
		t.Errorf("%d periods of 100 in 1000 clocks", n)
	}
}

func TestLatchAndReadBack(t *testing.T) {
	r := newRig(t)
	r.program(0, 0, 0x1234)
	r.ticks(0x34)
	r.ctl(0x00)    // latch counter 0
	r.ticks(0x100) // the latch holds
	r.ctl(0x00)    // a second latch before reading is ignored
	if v := r.readWord(0); v != 0x1200 {
		t.Errorf("latched %#x, want 0x1200", v)
	}
	if v := r.readWord(0); v != 0x1100 {
		t.Errorf("live read %#x, want 0x1100", v)
	}
	// Read-back: status and count of counter 0, status first.
	r.ctl(0xc2)
	st := r.in(0)
	if want := uint8(rwWord<<4 | 0<<1); st != want {
		t.Errorf("status %#x, want %#x", st, want)
	}
	if v := r.readWord(0); v != 0x1100 {
		t.Errorf("read-back count %#x", v)
	}
	// LSB-only and MSB-only access.
	r.ctl(0x10 | 2<<1) // counter 0, LSB, mode 2
	r.out(0, 0x80)
	if v := r.in(0); v != 0x80 {
		t.Errorf("LSB read %#x", v)
	}
	r.ctl(0x20 | 2<<1) // MSB, mode 2: count 0x0200
	r.out(0, 0x02)
	r.ticks(0x100)
	if v := r.in(0); v != 0x01 {
		t.Errorf("MSB read %#x, want 0x01", v)
	}
	r.ctl(0x00)
	if v := r.in(0); v != 0x01 {
		t.Errorf("latched MSB %#x", v)
	}
}

func TestBCD(t *testing.T) {
	r := newRig(t)
	r.ctl(rwWord<<4 | 2<<1 | cwBCD) // counter 0, mode 2, BCD
	r.word(0, 0x1000)               // 1000
	r.ticks(1)
	if v := r.latched(0); v != 0x0999 {
		t.Errorf("BCD count %#x, want 0x0999", v)
	}
	r.line.Reset()
	r.ticks(9999)
	if n := r.line.Rises(); n != 10 {
		t.Errorf("%d periods of 1000 in 10000 clocks", n)
	}
	r.ctl(rwWord<<4 | 0<<1 | cwBCD)
	r.word(0, 0) // 10000
	r.ticks(1)
	if v := r.latched(0); v != 0x9999 {
		t.Errorf("BCD full count after one clock %#x, want 0x9999", v)
	}
}

func TestGuestMisuse(t *testing.T) {
	r := newRig(t)
	if v := r.p.Read(regControl, 1); v != 0xff {
		t.Errorf("control port reads %#x", v)
	}
	r.ctl(0xc1) // read-back with reserved bit 0: still a read-back
	r.ctl(rwWord<<4 | 2<<1 | cwBCD)
	r.word(0, 0xffff) // invalid BCD digits
	if c := r.p.ch[0].cr; c < 1 || c > 10000 {
		t.Errorf("invalid BCD count became %d", c)
	}
	r.program(0, 2, 1) // illegal in mode 2: no interrupt storm
	r.line.Reset()
	r.clock.Advance(time.Millisecond)
	if _, ok := r.clock.Next(); ok {
		t.Error("mode 2 count 1 schedules edges")
	}
	r.program(0, 3, 1)
	r.clock.Advance(time.Millisecond)
	if _, ok := r.clock.Next(); ok {
		t.Error("mode 3 count 1 schedules edges")
	}
	r.ctl(0x3e) // mode 7 acts as mode 3
	r.word(0, 200)
	r.line.Reset()
	r.ticks(2000)
	if n := r.line.Rises(); n != 10 {
		t.Errorf("mode 7: %d periods", n)
	}
	r.p.Write(4, 1, 0) // past the window: ignored
	if _, err := New(Config{IOBase: 0xfffd}); err == nil {
		t.Error("New accepted iobase 0xfffd")
	}
	if _, err := NewPort61(Port61Config{}); err == nil {
		t.Error("NewPort61 without a timer succeeded")
	}
}

func TestPort61(t *testing.T) {
	r := newRig(t)
	r.s61.Write(0, 1, 0xff)
	v := r.s61.Read(0, 1)
	if v&p61Writable != p61Writable || v&0xc0 != 0 {
		t.Errorf("port 0x61 reads %#x after 0xff", v)
	}
	if g, d := r.s61.Speaker(); !g || !d {
		t.Error("speaker inputs not reported")
	}
	// The refresh bit toggles every 15.085 µs.
	var seen string
	for i := 0; i < 4; i++ {
		seen += strconv.Itoa(int(r.s61.Read(0, 1)>>4) & 1)
		r.clock.Advance(refreshCycle)
	}
	if seen != "0101" && seen != "1010" {
		t.Errorf("refresh bit sequence %s", seen)
	}
}

// TestPort61Alone: port 0x61 works over any counter 2, such as the
// accelerator's in-kernel PIT.
func TestPort61Alone(t *testing.T) {
	fake := &fakeChannel2{out: true}
	s, err := NewPort61(Port61Config{Timer: fake, Clock: hw.NewManualClock()})
	if err != nil {
		t.Fatal(err)
	}
	s.Write(0, 1, p61Gate2)
	if !fake.gate || s.Read(0, 1)&p61Out2 == 0 {
		t.Error("gate or OUT not passed through")
	}
	fake.out = false
	if s.Read(0, 1)&p61Out2 != 0 {
		t.Error("OUT low not seen")
	}
}

// TestOut: the pure OUT computation agrees with a running counter 2.
func TestOut(t *testing.T) {
	for _, mode := range []uint8{0, 1, 2, 3, 4, 5} {
		for _, count := range []uint16{0, 1, 2, 3, 7, 100, 0x1234} {
			r := newRig(t)
			r.program(2, mode, count)
			r.s61.Write(0, 1, p61Gate2)
			start := r.clock.Now()
			for i := 0; i < 300; i++ {
				el := r.clock.Now() - start
				if got, want := Out(mode, count, false, el), r.p.Channel2Out(); got != want {
					t.Fatalf("mode %d count %d after %v: Out %v, counter %v", mode, count, el, got, want)
				}
				r.clock.Advance(timeOf(uint64(i%7)) + 100)
			}
		}
	}
}

type fakeChannel2 struct{ gate, out bool }

func (f *fakeChannel2) SetChannel2Gate(h bool) { f.gate = h }
func (f *fakeChannel2) Channel2Out() bool      { return f.out }

func TestState(t *testing.T) {
	clock := hw.NewManualClock()
	fresh := func() *PIT {
		p, err := New(Config{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		p.Reset()
		return p
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(p *PIT) {
		p.Write(regControl, 1, rwWord<<4|2<<1)
		p.Write(0, 1, 100)
		p.Write(0, 1, 0)
		clock.Advance(timeOf(30))
		p.Write(0, 1, 50)
		p.Write(0, 1, 0) // pending reload
		p.Write(regControl, 1, 0x80|rwWord<<4|0<<1|cwBCD)
		p.Write(2, 1, 0x99) // half a word
		p.Write(regControl, 1, 0x40|rwLSB<<4|4<<1)
		p.Write(1, 1, 7)
		p.Write(regControl, 1, 0xc0|0x02) // latch status and count of counter 0
		p.SetChannel2Gate(true)
	})
	vmstatetest.RoundTrip(t, func() *Port61 {
		s, _ := NewPort61(Port61Config{Timer: &fakeChannel2{}, Clock: clock})
		return s
	}, func(s *Port61) { s.Write(0, 1, 0x0b) })
}

func TestStateContinues(t *testing.T) {
	a := newRig(t)
	a.program(0, 2, 1000)
	a.ticks(250)
	data := vmstate.Save(a.p)
	b := newRig(t)
	b.clock.Advance(time.Hour) // the destination's clock reads differently
	if err := vmstate.Load(b.p, data); err != nil {
		t.Fatal(err)
	}
	if v := b.latched(0); v != 750 {
		t.Fatalf("count after load %d, want 750", v)
	}
	b.line.Reset()
	b.ticks(750)
	if b.line.Rises() != 1 {
		t.Fatal("IRQ 0 did not continue after load")
	}
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(p *PIT)
		want   string
	}{
		{"mode", func(p *PIT) { p.ch[1].mode = 9 }, "counter1.mode 9"},
		{"rw", func(p *PIT) { p.ch[0].rw = 0 }, "access mode 0"},
		{"cr", func(p *PIT) { p.ch[0].bcd = true }, "count register 65536 outside 1..10000"},
		{"period", func(p *PIT) { p.ch[0].period = 0 }, "period 0"},
		{"latch", func(p *PIT) { p.ch[0].rw = rwLSB; p.ch[0].latchBytes = 2 }, "two latched bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			tc.mutate(r.p)
			err := vmstate.Load(newRig(t).p, vmstate.Save(r.p))
			if err == nil || !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAllocs(t *testing.T) {
	r := newRig(t)
	r.program(2, 2, 1000)
	for name, f := range map[string]func(){
		"counter read":  func() { r.p.Read(2, 1) },
		"latch command": func() { r.p.Write(regControl, 1, 0x80); r.p.Read(2, 1); r.p.Read(2, 1) },
		"port 0x61":     func() { r.s61.Read(0, 1) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		r := newRig(t)
		io := bus.NewSpace("io")
		for _, reg := range []bus.Region{r.p.Region(), r.s61.Region()} {
			if err := io.Map(reg); err != nil {
				t.Fatal(err)
			}
		}
		return &script.Env{IO: io, Clock: r.clock, Lines: map[string]*hwtest.Line{"irq0": r.line}}
	})
}

func fmtBools(bs []bool) string {
	var s strings.Builder
	for _, b := range bs {
		if b {
			s.WriteByte('1')
		} else {
			s.WriteByte('0')
		}
	}
	return s.String()
}

func fmtU16(vs []uint16) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, strconv.Itoa(int(v)))
	}
	return strings.Join(parts, " ")
}
