package i8259

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

type rig struct {
	p   *PIC
	int *hwtest.Line
	io  *bus.Space
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{int: new(hwtest.Line), io: bus.NewSpace("io")}
	p, err := New(Config{INT: r.int})
	if err != nil {
		t.Fatal(err)
	}
	r.p = p
	for _, reg := range p.Regions() {
		if err := r.io.Map(reg); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *rig) out(port uint16, v uint8) { r.io.Write(uint64(port), 1, uint64(v)) }
func (r *rig) in(port uint16) uint8 {
	v, _ := r.io.Read(uint64(port), 1)
	return uint8(v)
}

// initPC programs both chips as a PC BIOS or Linux does: edge, cascade,
// ICW4 in 8086 mode, vectors 0x08/0x70 (or the given bases).
func (r *rig) initPC(mbase, sbase, icw4 uint8) {
	r.out(0x20, 0x11)
	r.out(0x21, mbase)
	r.out(0x21, 0x04)
	r.out(0x21, icw4)
	r.out(0xa0, 0x11)
	r.out(0xa1, sbase)
	r.out(0xa1, 0x02)
	r.out(0xa1, icw4)
}

func (r *rig) irr(port uint16) uint8 { r.out(port, 0x0a); return r.in(port) }
func (r *rig) isr(port uint16) uint8 {
	r.out(port, 0x0b)
	v := r.in(port)
	r.out(port, 0x0a)
	return v
}
func (r *rig) pulse(n int) { r.p.SetIRQ(n, true); r.p.SetIRQ(n, false) }

func TestNewHasNoSideEffects(t *testing.T) {
	l := new(hwtest.Line)
	if _, err := New(Config{INT: l}); err != nil {
		t.Fatal(err)
	}
	if l.Rises() != 0 || l.High() {
		t.Error("New drove INT")
	}
}

func TestInitSequence(t *testing.T) {
	for _, tc := range []struct {
		name         string
		writes       [][2]uint16 // port, value
		mbase, sbase uint8
		imr          uint8 // master IMR after the writes
	}{
		{"full", [][2]uint16{{0x20, 0x11}, {0x21, 0x30}, {0x21, 0x04}, {0x21, 0x01}, {0x21, 0xfb}}, 0x30, 0, 0xfb},
		{"low bits of ICW2 ignored", [][2]uint16{{0x20, 0x11}, {0x21, 0x37}, {0x21, 0x04}, {0x21, 0x01}}, 0x30, 0, 0},
		// Single, no ICW4: ICW2 is the last ICW, the next data write is OCW1.
		{"single without ICW4", [][2]uint16{{0x20, 0x12}, {0x21, 0x40}, {0x21, 0x5a}}, 0x40, 0, 0x5a},
		// Cascade without ICW4: ICW3 is the last.
		{"cascade without ICW4", [][2]uint16{{0x20, 0x10}, {0x21, 0x48}, {0x21, 0x04}, {0x21, 0x33}}, 0x48, 0, 0x33},
		// ICW1 clears the IMR; a new ICW1 restarts the sequence.
		{"restart", [][2]uint16{{0x21, 0xff}, {0x20, 0x11}, {0x21, 0x20}, {0x20, 0x11}, {0x21, 0x68}, {0x21, 0x04}, {0x21, 0x01}}, 0x68, 0, 0},
		{"slave", [][2]uint16{{0xa0, 0x11}, {0xa1, 0x70}, {0xa1, 0x02}, {0xa1, 0x01}, {0xa1, 0xef}}, 0, 0x70, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			for _, w := range tc.writes {
				r.out(w[0], uint8(w[1]))
			}
			m, s := r.p.Vectors()
			if m != tc.mbase || s != tc.sbase {
				t.Errorf("vector bases %#x/%#x, want %#x/%#x", m, s, tc.mbase, tc.sbase)
			}
			if got := r.in(0x21); got != tc.imr {
				t.Errorf("IMR %#x, want %#x", got, tc.imr)
			}
		})
	}
}

func TestEdgeTrigger(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	r.p.SetIRQ(3, true)
	if !r.int.High() {
		t.Fatal("INT low after IRQ 3 rose")
	}
	if got := r.irr(0x20); got != 0x08 {
		t.Errorf("IRR %#x, want 0x08", got)
	}
	if v := r.p.Ack(); v != 0x0b {
		t.Fatalf("Ack = %#x, want 0x0b", v)
	}
	if r.int.High() {
		t.Error("INT high after the acknowledge")
	}
	if got, irr := r.isr(0x20), r.irr(0x20); got != 0x08 || irr != 0 {
		t.Errorf("ISR %#x IRR %#x after ack, want 0x08 0", got, irr)
	}
	// The input stays high: no new request without a new edge.
	r.out(0x20, 0x20) // non-specific EOI
	if r.int.High() || r.irr(0x20) != 0 {
		t.Error("a held edge input requested again")
	}
	// A new edge while the same level is in service waits for the EOI.
	r.p.SetIRQ(3, false)
	r.p.SetIRQ(3, true)
	r.p.Ack()
	r.p.SetIRQ(3, false)
	r.pulse(3)
	if r.int.High() {
		t.Error("request granted while its level is in service")
	}
	if r.irr(0x20) != 0x08 {
		t.Error("edge not latched while in service")
	}
	r.out(0x20, 0x63) // specific EOI 3
	if !r.int.High() {
		t.Error("latched request not granted after the EOI")
	}
}

func TestLevelTrigger(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	r.out(0x4d1, 0x04) // IRQ 10 level-triggered
	if got := r.in(0x4d1); got != 0x04 {
		t.Fatalf("ELCR2 %#x", got)
	}
	r.p.SetIRQ(10, true)
	if v := r.p.Ack(); v != 0x72 {
		t.Fatalf("Ack = %#x, want 0x72", v)
	}
	if r.isr(0x20) != 0x04 || r.isr(0xa0) != 0x04 {
		t.Fatalf("ISR master %#x slave %#x", r.isr(0x20), r.isr(0xa0))
	}
	// Still high: the IRR keeps the request; after both EOIs it is granted again.
	if r.irr(0xa0) != 0x04 {
		t.Error("level request dropped by the acknowledge")
	}
	r.out(0xa0, 0x20)
	r.out(0x20, 0x20)
	if !r.int.High() {
		t.Fatal("held level not requested again after EOI")
	}
	// The level goes away before the acknowledge: the slave's request is
	// gone, but the master latched the cascade's edge, so the processor
	// gets the spurious IRQ 15 and the master's IR2 goes in service.
	r.p.SetIRQ(10, false)
	if r.irr(0xa0) != 0 {
		t.Error("request stays after the level dropped")
	}
	if v := r.p.Ack(); v != 0x77 {
		t.Errorf("Ack = %#x, want the spurious 0x77", v)
	}
	if r.isr(0x20) != 0x04 || r.isr(0xa0) != 0 {
		t.Errorf("ISR %#x/%#x after the spurious IRQ 15", r.isr(0x20), r.isr(0xa0))
	}
}

func TestELCRMasks(t *testing.T) {
	r := newRig(t)
	r.out(0x4d0, 0xff)
	r.out(0x4d1, 0xff)
	if m, s := r.in(0x4d0), r.in(0x4d1); m != 0xf8 || s != 0xde {
		t.Errorf("ELCR %#x %#x, want 0xf8 0xde", m, s)
	}
	// Switching a high input to level makes it a request at once.
	r.initPC(0x08, 0x70, 0x01)
	r.out(0x4d0, 0)
	r.p.SetIRQ(5, true)
	r.p.Ack()
	r.out(0x20, 0x20)
	if r.int.High() {
		t.Fatal("held edge requested again")
	}
	r.out(0x4d0, 0x20)
	if !r.int.High() {
		t.Error("input switched to level while high is not requested")
	}
}

func TestSpuriousIRQ7(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	if v := r.p.Ack(); v != 0x0f {
		t.Errorf("Ack with nothing = %#x, want 0x0f", v)
	}
	if r.isr(0x20) != 0 {
		t.Error("spurious acknowledge set an in-service bit")
	}
	// Masked after the request: spurious too.
	r.p.SetIRQ(4, true)
	r.out(0x21, 0x10)
	if r.int.High() {
		t.Error("INT high for a masked request")
	}
	if v := r.p.Ack(); v != 0x0f {
		t.Errorf("Ack = %#x, want 0x0f", v)
	}
	// The cascade is granted but the slave's request was masked: IRQ 15.
	r.out(0x21, 0)
	r.p.SetIRQ(12, true)
	if !r.int.High() {
		t.Fatal("slave request did not reach the master")
	}
	r.p.mu.Lock()
	r.p.c[1].imr = 0x10 // masked behind the master's back, without an update
	r.p.mu.Unlock()
	if v := r.p.Ack(); v != 0x77 {
		t.Errorf("Ack = %#x, want 0x77", v)
	}
	if r.isr(0x20) != 0x04 || r.isr(0xa0) != 0 {
		t.Errorf("ISR %#x/%#x: the master's IR2 is in service, the slave's nothing", r.isr(0x20), r.isr(0xa0))
	}
}

func TestPriority(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   []uint8 // command-port writes after init
		inServe int     // IR acknowledged first
		pulses  []int
		want    []uint8 // vectors acknowledged in order, with EOIs between
	}{
		// Fully nested: 0 is highest.
		{"fixed", nil, -1, []int{6, 3, 1}, []uint8{0x09, 0x0b, 0x0e}},
		// Set priority 4: 5 highest, then 6, 7, 0, ...
		{"set priority", []uint8{0xc4}, -1, []int{3, 5, 0}, []uint8{0x0d, 0x08, 0x0b}},
		// In service 3 blocks 4-7 but not 0-2.
		{"nested", nil, 3, []int{5, 1}, []uint8{0x09}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.initPC(0x08, 0x70, 0x01)
			for _, c := range tc.setup {
				r.out(0x20, c)
			}
			if tc.inServe >= 0 {
				r.pulse(tc.inServe)
				r.p.Ack()
			}
			for _, n := range tc.pulses {
				r.pulse(n)
			}
			var got []uint8
			for r.int.High() {
				got = append(got, r.p.Ack())
				if tc.inServe < 0 {
					r.out(0x20, 0x20)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("acknowledged %x, want %x", got, tc.want)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	// Rotate on non-specific EOI: the serviced level becomes the lowest.
	r.pulse(2 + 1) // IRQ 3
	r.p.Ack()
	r.out(0x20, 0xa0)
	r.pulse(3)
	r.pulse(5)
	if v := r.p.Ack(); v != 0x0d {
		t.Errorf("after rotate at 3, Ack = %#x, want IRQ 5 first", v)
	}
	// Rotate on specific EOI 5: 6 is highest.
	r.out(0x20, 0xe5)
	r.pulse(6)
	if v := r.p.Ack(); v != 0x0e {
		t.Errorf("after specific rotate at 5, Ack = %#x, want IRQ 6 before 3", v)
	}
	// Non-specific EOI clears the highest-priority in-service level, 6.
	r.out(0x20, 0x20)
	if got := r.isr(0x20); got != 0 {
		t.Errorf("ISR %#x after EOI", got)
	}
	// Automatic EOI with rotation.
	r.initPC(0x08, 0x70, 0x03)
	r.out(0x20, 0x80) // rotate in AEOI mode (set)
	r.pulse(1)
	r.pulse(4)
	if v := r.p.Ack(); v != 0x09 {
		t.Fatalf("Ack = %#x", v)
	}
	if r.isr(0x20) != 0 {
		t.Error("AEOI set an in-service bit")
	}
	r.pulse(0)
	if v := r.p.Ack(); v != 0x0c {
		t.Errorf("after AEOI rotation at 1, Ack = %#x, want IRQ 4 before 0", v)
	}
	r.out(0x20, 0x00) // rotate in AEOI mode (clear)
	r.pulse(5)        // 5 is highest now (4 lowest), IRQ 0 still pending
	if v := r.p.Ack(); v != 0x0d {
		t.Errorf("Ack = %#x, want IRQ 5", v)
	}
	if v := r.p.Ack(); v != 0x08 {
		t.Errorf("Ack = %#x, want IRQ 0 with priorities unrotated", v)
	}
}

func TestSpecialMaskMode(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	r.pulse(2 + 1)
	r.p.Ack() // IRQ 3 in service
	r.pulse(6)
	if r.int.High() {
		t.Fatal("IRQ 6 granted below IRQ 3 in service")
	}
	r.out(0x21, 0x08) // mask the level in service
	r.out(0x20, 0x68) // OCW3: set special mask mode
	if !r.int.High() {
		t.Fatal("special mask mode did not enable the lower level")
	}
	if v := r.p.Ack(); v != 0x0e {
		t.Errorf("Ack = %#x", v)
	}
	if got := r.isr(0x20); got != 0x48 {
		t.Errorf("ISR %#x, want 0x48", got)
	}
	r.out(0x20, 0x48) // reset special mask mode
	r.pulse(5)
	if r.int.High() {
		t.Error("normal mode grants below the in-service levels")
	}
}

func TestSpecialFullyNested(t *testing.T) {
	for _, sfnm := range []bool{false, true} {
		r := newRig(t)
		icw4 := uint8(0x01)
		if sfnm {
			icw4 |= icw4SFNM
		}
		r.out(0x20, 0x11)
		r.out(0x21, 0x08)
		r.out(0x21, 0x04)
		r.out(0x21, icw4)
		r.out(0xa0, 0x11)
		r.out(0xa1, 0x70)
		r.out(0xa1, 0x02)
		r.out(0xa1, 0x01)
		r.pulse(12)
		if v := r.p.Ack(); v != 0x74 {
			t.Fatalf("Ack = %#x", v)
		}
		r.pulse(9) // higher priority on the slave, while IRQ 12 is in service
		if got := r.int.High(); got != sfnm {
			t.Errorf("sfnm=%v: INT %v for a higher slave request during slave service", sfnm, got)
		}
		if sfnm {
			if v := r.p.Ack(); v != 0x71 {
				t.Errorf("Ack = %#x, want 0x71", v)
			}
		}
	}
}

func TestPoll(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	r.out(0x20, 0x0c)
	if v := r.in(0x20); v != pollNone {
		t.Errorf("poll with nothing = %#x", v)
	}
	r.pulse(6)
	r.pulse(12)
	r.out(0x20, 0x0c)
	if v := r.in(0x20); v != 0x82 {
		t.Errorf("master poll = %#x, want 0x82 (the cascade)", v)
	}
	r.out(0xa0, 0x0c)
	if v := r.in(0xa0); v != 0x84 {
		t.Errorf("slave poll = %#x, want 0x84", v)
	}
	if r.isr(0x20) != 0x04 || r.isr(0xa0) != 0x10 {
		t.Errorf("poll did not act as an acknowledge: ISR %#x/%#x", r.isr(0x20), r.isr(0xa0))
	}
	// The poll applies to one read only.
	r.out(0x20, 0x0c)
	r.in(0x20)
	if v := r.in(0x20); v != 0x40 {
		t.Errorf("read after the poll = %#x, want the IRR 0x40", v)
	}
}

func TestCascade(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	r.pulse(8)
	r.pulse(14)
	r.pulse(7)
	var got []uint8
	for r.int.High() {
		v := r.p.Ack()
		got = append(got, v)
		if v >= 0x70 {
			r.out(0xa0, 0x20)
		}
		r.out(0x20, 0x20)
	}
	if fmt.Sprint(got) != fmt.Sprint([]uint8{0x70, 0x76, 0x0f}) {
		t.Errorf("acknowledged %x", got)
	}
	// Two slave requests in a row reach the CPU although IR2 is edge-triggered.
	r.pulse(9)
	r.pulse(11)
	if v := r.p.Ack(); v != 0x71 {
		t.Fatalf("Ack = %#x", v)
	}
	r.out(0xa0, 0x20)
	r.out(0x20, 0x20)
	if !r.int.High() {
		t.Fatal("second slave request lost behind the edge-triggered cascade")
	}
	if v := r.p.Ack(); v != 0x73 {
		t.Errorf("Ack = %#x", v)
	}
	// Masking the cascade blocks the whole slave.
	r.out(0xa0, 0x20)
	r.out(0x20, 0x20)
	r.out(0x21, 0x04)
	r.pulse(15)
	if r.int.High() {
		t.Error("masked cascade let the slave through")
	}
}

func TestReset(t *testing.T) {
	r := newRig(t)
	r.initPC(0x20, 0x28, 0x03)
	r.out(0x4d0, 0x20)
	r.out(0x21, 0x5a)
	r.p.SetIRQ(5, true)
	r.p.SetIRQ(1, true)
	r.p.Ack()
	r.p.Reset()
	if r.int.High() {
		t.Error("INT high after reset")
	}
	if r.in(0x21) != 0 || r.in(0x4d0) != 0 || r.irr(0x20) != 0 || r.isr(0x20) != 0 {
		t.Error("registers not cleared by reset")
	}
	if m, s := r.p.Vectors(); m != 0 || s != 0 {
		t.Errorf("vector bases %#x %#x after reset", m, s)
	}
	// Inputs are low after reset: the machine's re-drive is an edge.
	r.initPC(0x08, 0x70, 0x01)
	r.p.SetIRQ(1, true)
	if v := r.p.Ack(); v != 0x09 {
		t.Errorf("Ack = %#x after reset and re-drive", v)
	}
}

// TestMisuse: what a confused guest does is absorbed as the chip would.
func TestMisuse(t *testing.T) {
	r := newRig(t)
	// EOI with nothing in service, OCW2 no-op, odd port offsets.
	r.out(0x20, 0x20)
	r.out(0x20, 0x40)
	r.p.SetIRQ(-1, true)
	r.p.SetIRQ(16, true)
	r.p.SetIRQ(2, true) // the cascade is not an input
	if r.int.High() {
		t.Error("INT raised by invalid inputs")
	}
	h := chipPort{r.p, 0}
	if v := h.Read(5, 1); v != 0xff {
		t.Errorf("read past the ports = %#x", v)
	}
	h.Write(5, 1, 0)
	e := elcrPort{r.p}
	e.Write(3, 1, 0xff)
	if v := e.Read(3, 1); v != 0xff {
		t.Errorf("ELCR read past = %#x", v)
	}
	// 8080 mode and LTIM are accepted with a warning; vectors stay 8086-style.
	r.out(0x20, 0x19)
	r.out(0x21, 0x08)
	r.out(0x21, 0x04)
	r.out(0x21, 0x00)
	r.pulse(3)
	if v := r.p.Ack(); v != 0x0b {
		t.Errorf("Ack = %#x", v)
	}
	// A master programmed single with a slave wired anyway: IR2 is its own vector.
	r.out(0x20, 0x13)
	r.out(0x21, 0x50)
	r.out(0x21, 0x01)
	r.out(0xa0, 0x11)
	r.out(0xa1, 0x70)
	r.out(0xa1, 0x02)
	r.out(0xa1, 0x01)
	r.pulse(9)
	if v := r.p.Ack(); v != 0x52 {
		t.Errorf("Ack = %#x, want the master's own IR2 vector 0x52", v)
	}
}

func TestString(t *testing.T) {
	r := newRig(t)
	r.initPC(0x08, 0x70, 0x01)
	if s := r.p.String(); !strings.Contains(s, "pic0: irr=00 imr=00 isr=00 hprio=0 irq_base=08") {
		t.Errorf("String() = %q", s)
	}
}

func TestState(t *testing.T) {
	fresh := func() *PIC {
		p, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(p *PIC) {
		m, s := chipPort{p, 0}, chipPort{p, 1}
		for _, v := range []uint8{0x11, 0x20, 0x04, 0x13} {
			if v == 0x11 {
				m.Write(0, 1, uint64(v))
			} else {
				m.Write(1, 1, uint64(v))
			}
		}
		s.Write(0, 1, 0x11)
		s.Write(1, 1, 0x28) // mid-initialisation
		elcrPort{p}.Write(1, 1, 0x0c)
		p.SetIRQ(11, true)
		p.SetIRQ(4, true)
		p.Ack()
		m.Write(0, 1, 0x6c) // special mask mode, poll
		m.Write(0, 1, 0xc3)
	})
}

func TestStateRestoresOutput(t *testing.T) {
	a := newRig(t)
	a.initPC(0x08, 0x70, 0x01)
	a.pulse(12)
	data := vmstate.Save(a.p)
	b := newRig(t)
	if err := vmstate.Load(b.p, data); err != nil {
		t.Fatal(err)
	}
	if !b.int.High() {
		t.Fatal("INT not re-driven after load")
	}
	if v := b.p.Ack(); v != 0x74 {
		t.Errorf("Ack after load = %#x", v)
	}
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(p *PIC)
		want   string
	}{
		{"elcr", func(p *PIC) { p.c[0].elcr = 0x01 }, "master.elcr 0x1 sets fixed edge bits"},
		{"base", func(p *PIC) { p.c[1].base = 0x71 }, "slave.vector base 0x71"},
		{"lowest", func(p *PIC) { p.c[0].lowest = 9 }, "lowest priority 9"},
		{"step", func(p *PIC) { p.c[0].step = 1 }, "initialisation step 1"},
		{"level irr", func(p *PIC) { p.c[1].elcr = 0x04; p.c[1].irr = 0x04 }, "level-triggered irr"},
		{"cascade", func(p *PIC) { p.c[0].level = 0x04 }, "master IR2 level"},
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
	r.initPC(0x08, 0x70, 0x01)
	for name, f := range map[string]func(){
		"edge and ack": func() { r.pulse(3); r.p.Ack(); r.out(0x20, 0x20) },
		"slave":        func() { r.pulse(10); r.p.Ack(); r.out(0xa0, 0x20); r.out(0x20, 0x20) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

// scriptEnv adds the processor side: irq N LEVEL drives an input, ack runs
// an interrupt-acknowledge cycle and prints the vector.
func scriptEnv(t *testing.T) *script.Env {
	r := newRig(t)
	return &script.Env{
		IO:    r.io,
		Lines: map[string]*hwtest.Line{"int": r.int},
		Commands: map[string]script.Command{
			"irq": func(args []string) (string, error) {
				if len(args) != 2 {
					return "", errors.New("irq: want IRQ and level")
				}
				n, err := script.Uint(args[0], 15)
				if err != nil {
					return "", err
				}
				l, err := script.Uint(args[1], 1)
				if err != nil {
					return "", err
				}
				r.p.SetIRQ(int(n), l == 1)
				return "", nil
			},
			"ack": func(args []string) (string, error) {
				return fmt.Sprintf("0x%02x", r.p.Ack()), nil
			},
		},
	}
}

func TestScripts(t *testing.T) { script.RunAll(t, scriptEnv) }
