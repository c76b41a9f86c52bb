package lapic

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/hwtest/script"
	"gemu/hw/intc/apicbus"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

// fakeCPU records what its APIC drives.
type fakeCPU struct {
	mu      sync.Mutex
	notify  int
	nmi     int
	init    int
	smi     int
	sipi    []uint8
	withSMI bool
}

func (c *fakeCPU) Notify() { c.mu.Lock(); c.notify++; c.mu.Unlock() }
func (c *fakeCPU) NMI()    { c.mu.Lock(); c.nmi++; c.mu.Unlock() }
func (c *fakeCPU) INIT()   { c.mu.Lock(); c.init++; c.mu.Unlock() }
func (c *fakeCPU) SIPI(v uint8) {
	c.mu.Lock()
	c.sipi = append(c.sipi, v)
	c.mu.Unlock()
}

// events prints and forgets what happened.
func (c *fakeCPU) events() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s []string
	if c.nmi > 0 {
		s = append(s, fmt.Sprintf("nmi=%d", c.nmi))
	}
	if c.init > 0 {
		s = append(s, fmt.Sprintf("init=%d", c.init))
	}
	if c.smi > 0 {
		s = append(s, fmt.Sprintf("smi=%d", c.smi))
	}
	for _, v := range c.sipi {
		s = append(s, fmt.Sprintf("sipi=%#02x", v))
	}
	c.nmi, c.init, c.smi, c.sipi = 0, 0, 0, nil
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}

type smiCPU struct{ *fakeCPU }

func (c smiCPU) SMI() { c.mu.Lock(); c.smi++; c.mu.Unlock() }

// fakePIC answers ExtINT acknowledges.
type fakePIC struct {
	vec  uint8
	acks int
}

func (p *fakePIC) Ack() uint8 { p.acks++; return p.vec }

type eoiLog struct {
	mu  sync.Mutex
	got []uint8
}

func (l *eoiLog) EOI(v uint8) { l.mu.Lock(); l.got = append(l.got, v); l.mu.Unlock() }
func (l *eoiLog) take() []uint8 {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.got
	l.got = nil
	return g
}

type rig struct {
	clock *hw.ManualClock
	bus   *apicbus.Bus
	eoi   *eoiLog
	pic   *fakePIC
	apic  []*APIC
	cpu   []*fakeCPU
}

func newRig(t testing.TB, n int) *rig {
	t.Helper()
	r := &rig{clock: hw.NewManualClock(), bus: apicbus.New(), eoi: new(eoiLog), pic: &fakePIC{vec: 0x30}}
	r.bus.AddEOIListener(r.eoi)
	for i := 0; i < n; i++ {
		c := &fakeCPU{}
		a, err := New(Config{APICID: uint32(i), BSP: i == 0, CPU: c, Bus: r.bus, PIC: r.pic, Clock: r.clock,
			TSCHz: 2_000_000_000, X2APIC: true, TSCDeadline: true})
		if err != nil {
			t.Fatal(err)
		}
		r.bus.Attach(a)
		r.apic = append(r.apic, a)
		r.cpu = append(r.cpu, c)
	}
	return r
}

func (r *rig) w(i int, reg uint64, v uint32) { r.apic[i].Write(reg, 4, uint64(v)) }
func (r *rig) rd(i int, reg uint64) uint32   { return uint32(r.apic[i].Read(reg, 4)) }
func (r *rig) enable(i int)                  { r.w(i, 0xf0, 0x1ff) }

// acks drains APIC i's deliverable interrupts, with an EOI after each when eoi is set.
func (r *rig) acks(i int, eoi bool) []uint8 {
	var got []uint8
	for n := 0; n < 300 && r.apic[i].Pending(); n++ {
		v, ok := r.apic[i].Ack()
		if !ok {
			break
		}
		got = append(got, v)
		if eoi {
			r.w(i, 0xb0, 0)
		}
	}
	return got
}

func fixed(vec uint8, dest uint32) apicbus.Message {
	return apicbus.Message{Mode: apicbus.Fixed, Vector: vec, Dest: dest, Level: true}
}

func TestNew(t *testing.T) {
	for _, c := range []Config{
		{},
		{CPU: &fakeCPU{}, APICID: 255},
		{CPU: &fakeCPU{}, PhysAddrBits: 60},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) succeeded", c)
		}
	}
	cpu := &fakeCPU{}
	clock := hw.NewManualClock()
	if _, err := New(Config{CPU: cpu, Clock: clock, APICID: 300, X2APIC: true}); err != nil {
		t.Error(err)
	}
	if _, ok := clock.Next(); ok || cpu.notify != 0 || cpu.events() != "none" {
		t.Error("New had side effects")
	}
}

func TestResetState(t *testing.T) {
	r := newRig(t, 2)
	for _, tc := range []struct {
		reg  uint64
		want uint32
	}{
		{0x020, 0}, {0x030, Version}, {0x080, 0}, {0x0d0, 0}, {0x0e0, 0xffffffff}, {0x0f0, 0xff},
		{0x320, 0x10000}, {0x330, 0x10000}, {0x340, 0x10000}, {0x350, 0x10000}, {0x360, 0x10000}, {0x370, 0x10000},
		{0x380, 0}, {0x390, 0}, {0x3e0, 0},
	} {
		if got := r.rd(0, tc.reg); got != tc.want {
			t.Errorf("register %#x = %#x, want %#x", tc.reg, got, tc.want)
		}
	}
	if b := r.apic[0].Base(); b != 0xfee00900 {
		t.Errorf("BSP base %#x", b)
	}
	if b := r.apic[1].Base(); b != 0xfee00800 {
		t.Errorf("AP base %#x", b)
	}
	if got := r.rd(1, 0x20); got != 0x01000000 {
		t.Errorf("AP ID register %#x", got)
	}
	// Reset after use.
	r.enable(0)
	r.w(0, 0x80, 0x40)
	r.w(0, 0x350, 0x700)
	r.w(0, 0x3e0, 0xb)
	r.apic[0].Accept(fixed(0x50, 0))
	r.apic[0].Reset()
	if r.rd(0, 0xf0) != 0xff || r.rd(0, 0x80) != 0 || r.rd(0, 0x350) != 0x10000 || r.rd(0, 0x3e0) != 0 || r.apic[0].IRR(0x50) || r.apic[0].Pending() {
		t.Error("Reset left state behind")
	}
}

func TestPriority(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tpr      uint8
		inServe  []uint8
		request  []uint8
		wantPPR  uint8
		wantAcks []uint8
	}{
		{"highest first", 0, nil, []uint8{0x31, 0xe0, 0x55, 0x80}, 0, []uint8{0xe0, 0x80, 0x55, 0x31}},
		{"tpr blocks its class and below", 0x50, nil, []uint8{0x45, 0x5f, 0x61}, 0x50, []uint8{0x61}},
		{"tpr subclass ignored", 0x5f, nil, []uint8{0x60}, 0x5f, []uint8{0x60}},
		{"in service class blocks", 0x10, []uint8{0x72}, []uint8{0x7f, 0x81}, 0x70, []uint8{0x81}},
		{"word boundaries", 0, nil, []uint8{0x20, 0x3f, 0x40, 0xff}, 0, []uint8{0xff, 0x40, 0x3f, 0x20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, 1)
			r.enable(0)
			for _, v := range tc.inServe {
				r.apic[0].Accept(fixed(v, 0))
				r.apic[0].Ack()
			}
			r.apic[0].SetTPR(tc.tpr)
			for _, v := range tc.request {
				r.apic[0].Accept(fixed(v, 0))
			}
			if got := uint8(r.rd(0, 0xa0)); got != tc.wantPPR {
				t.Errorf("PPR %#x, want %#x", got, tc.wantPPR)
			}
			// Take without EOI: each acknowledged vector raises the PPR.
			var got []uint8
			for r.apic[0].Pending() {
				v, _ := r.apic[0].Ack()
				got = append(got, v)
				if len(tc.inServe) == 0 && tc.tpr == 0 {
					r.w(0, 0xb0, 0)
				}
			}
			if fmt.Sprintf("%x", got) != fmt.Sprintf("%x", tc.wantAcks) {
				t.Errorf("acknowledged %x, want %x", got, tc.wantAcks)
			}
		})
	}
}

func TestAPR(t *testing.T) {
	r := newRig(t, 1)
	r.enable(0)
	r.apic[0].SetTPR(0x20)
	r.apic[0].Accept(fixed(0x45, 0))
	if got := r.rd(0, 0x90); got != 0x40 {
		t.Errorf("APR %#x with IRR class 4 above TPR 0x20, want 0x40", got)
	}
	r.apic[0].SetTPR(0x58)
	if got := r.rd(0, 0x90); got != 0x58 {
		t.Errorf("APR %#x, want the TPR 0x58", got)
	}
}

func TestEOI(t *testing.T) {
	r := newRig(t, 1)
	r.enable(0)
	r.apic[0].Accept(apicbus.Message{Mode: apicbus.Fixed, Vector: 0x41, Level: true, Trigger: true})
	r.apic[0].Accept(fixed(0x62, 0))
	if got := r.acks(0, false); fmt.Sprintf("%x", got) != "62" {
		t.Fatalf("acks %x", got)
	}
	r.w(0, 0xb0, 0) // ends 0x62, edge: no broadcast
	if got := r.eoi.take(); len(got) != 0 {
		t.Errorf("edge EOI broadcast %x", got)
	}
	if v, _ := r.apic[0].Ack(); v != 0x41 {
		t.Fatalf("Ack %#x", v)
	}
	if r.rd(0, 0x180+0x10*2)&(1<<1) == 0 {
		t.Error("TMR bit for the level vector not set")
	}
	r.w(0, 0xb0, 0)
	if got := r.eoi.take(); fmt.Sprintf("%x", got) != "41" {
		t.Errorf("level EOI broadcast %x, want [41]", got)
	}
	r.w(0, 0xb0, 0) // nothing in service: no effect
	if got := r.eoi.take(); len(got) != 0 {
		t.Errorf("empty EOI broadcast %x", got)
	}
}

func TestSoftwareDisabled(t *testing.T) {
	r := newRig(t, 1)
	r.apic[0].Accept(fixed(0x50, 0)) // SVR 0xff after reset: disabled
	if r.apic[0].IRR(0x50) {
		t.Error("fixed interrupt accepted while software-disabled")
	}
	r.apic[0].Accept(apicbus.Message{Mode: apicbus.NMI})
	r.apic[0].Accept(apicbus.Message{Mode: apicbus.INIT, Level: true})
	r.apic[0].Accept(apicbus.Message{Mode: apicbus.StartUp, Vector: 0x9a})
	if got := r.cpu[0].events(); got != "nmi=1 init=1 sipi=0x9a" {
		t.Errorf("events %q", got)
	}
	r.w(0, 0x350, 0x700) // LVT writes keep the mask while disabled
	if got := r.rd(0, 0x350); got != 0x10700 {
		t.Errorf("LINT0 %#x, want masked", got)
	}
	r.enable(0)
	r.w(0, 0x350, 0x700)
	r.w(0, 0xf0, 0xff) // disabling masks every LVT
	if got := r.rd(0, 0x350); got != 0x10700 {
		t.Errorf("LINT0 %#x after software disable", got)
	}
}

func TestDestinations(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dfr   uint32
		ldrs  [4]uint32
		msg   apicbus.Message
		wants string // which APICs got it
	}{
		{"physical", 0xffffffff, [4]uint32{}, fixed(0x40, 2), "0010"},
		{"physical broadcast", 0xffffffff, [4]uint32{}, fixed(0x40, 0xff), "1111"},
		{"flat", 0xffffffff, [4]uint32{0x01 << 24, 0x02 << 24, 0x04 << 24, 0x08 << 24},
			apicbus.Message{Mode: apicbus.Fixed, Vector: 0x40, Dest: 0x05, Logical: true, Level: true}, "1010"},
		{"flat broadcast", 0xffffffff, [4]uint32{0x01 << 24, 0x02 << 24, 0x04 << 24, 0x08 << 24},
			apicbus.Message{Mode: apicbus.Fixed, Vector: 0x40, Dest: 0xff, Logical: true, Level: true}, "1111"},
		{"cluster", 0x0fffffff, [4]uint32{0x11 << 24, 0x12 << 24, 0x21 << 24, 0x22 << 24},
			apicbus.Message{Mode: apicbus.Fixed, Vector: 0x40, Dest: 0x23, Logical: true, Level: true}, "0011"},
		{"cluster one", 0x0fffffff, [4]uint32{0x11 << 24, 0x12 << 24, 0x21 << 24, 0x22 << 24},
			apicbus.Message{Mode: apicbus.Fixed, Vector: 0x40, Dest: 0x12, Logical: true, Level: true}, "0100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, 4)
			for i := range r.apic {
				r.enable(i)
				r.w(i, 0xe0, tc.dfr)
				r.w(i, 0xd0, tc.ldrs[i])
			}
			r.bus.Deliver(tc.msg)
			var got string
			for i := range r.apic {
				got += fmt.Sprint(b2i(r.apic[i].IRR(0x40)))
			}
			if got != tc.wants {
				t.Errorf("delivered to %s, want %s", got, tc.wants)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestLowestPriority(t *testing.T) {
	r := newRig(t, 3)
	for i := range r.apic {
		r.enable(i)
		r.w(i, 0xd0, 1<<(24+i))
		r.apic[i].SetTPR(0x80)
	}
	r.apic[2].SetTPR(0x10)
	r.w(0, 0x310, 0x07<<24)
	r.w(0, 0x300, 0x0951) // lowest priority, logical, vector 0x51
	for i := range r.apic {
		if got, want := r.apic[i].IRR(0x51), i == 2; got != want {
			t.Errorf("APIC %d got the interrupt: %v", i, got)
		}
	}
}

func TestIPIs(t *testing.T) {
	r := newRig(t, 3)
	for i := range r.apic {
		r.enable(i)
	}
	check := func(name string, want [3]string) {
		t.Helper()
		for i := range r.apic {
			got := r.cpu[i].events()
			if r.apic[i].IRR(0x60) {
				got = "irr " + got
				r.acks(i, true)
			}
			if got != want[i] {
				t.Errorf("%s: CPU %d: %q, want %q", name, i, got, want[i])
			}
		}
	}
	send := func(hi, lo uint32) { r.w(0, 0x310, hi); r.w(0, 0x300, lo) }
	send(1<<24, 0x0060)
	check("fixed to 1", [3]string{"none", "irr none", "none"})
	send(0, 0x40060)
	check("self", [3]string{"irr none", "none", "none"})
	send(0, 0x80060)
	check("all including self", [3]string{"irr none", "irr none", "irr none"})
	send(0, 0xc0060)
	check("all excluding self", [3]string{"none", "irr none", "irr none"})
	send(2<<24, 0x0400)
	check("nmi", [3]string{"none", "none", "nmi=1"})
	// SMP bring-up as Linux does it: INIT assert, INIT de-assert, two SIPIs.
	send(2<<24, 0xc500)
	check("init assert", [3]string{"none", "none", "init=1"})
	send(2<<24, 0x8500)
	check("init de-assert", [3]string{"none", "none", "none"})
	send(2<<24, 0x069a)
	send(2<<24, 0x069a)
	check("startup", [3]string{"none", "none", "sipi=0x9a sipi=0x9a"})
	if r.rd(0, 0x300)&icrDeliveryStatus != 0 {
		t.Error("ICR delivery status stuck at send pending")
	}
	// An SMI reaches a processor with the SMI pin only.
	send(1<<24, 0x0200)
	check("smi without pin", [3]string{"none", "none", "none"})
	// INIT resets the target's registers.
	if r.rd(2, 0xf0) != 0xff {
		t.Error("INIT did not reset the target APIC")
	}
	// Illegal vector: not sent, ESR bit 5.
	r.w(0, 0x280, 0)
	send(1<<24, 0x000f)
	check("illegal vector", [3]string{"none", "none", "none"})
	r.w(0, 0x280, 0)
	if got := r.rd(0, 0x280); got != esrSendIllegalVector {
		t.Errorf("ESR %#x, want send illegal vector", got)
	}
	r.w(0, 0x280, 0)
	if got := r.rd(0, 0x280); got != 0 {
		t.Errorf("ESR %#x after a second write, want 0", got)
	}
}

func TestSMI(t *testing.T) {
	c := &fakeCPU{}
	a, err := New(Config{CPU: smiCPU{c}, Clock: hw.NewManualClock()})
	if err != nil {
		t.Fatal(err)
	}
	a.Accept(apicbus.Message{Mode: apicbus.SMI})
	if got := c.events(); got != "smi=1" {
		t.Errorf("events %q", got)
	}
}

func TestErrorLVT(t *testing.T) {
	r := newRig(t, 1)
	r.enable(0)
	r.w(0, 0x370, 0xfe)
	r.apic[0].Accept(fixed(0x05, 0)) // receive illegal vector
	if !r.apic[0].IRR(0xfe) {
		t.Error("error interrupt not raised")
	}
	r.w(0, 0x280, 0)
	if got := r.rd(0, 0x280); got != esrRecvIllegalVector {
		t.Errorf("ESR %#x", got)
	}
}

func TestExtINT(t *testing.T) {
	r := newRig(t, 1)
	a := r.apic[0]
	a.SetLINT0(true) // masked at reset: nothing
	if a.Pending() {
		t.Fatal("masked LINT0 pending")
	}
	r.enable(0)
	r.w(0, 0x350, 0x700) // ExtINT, unmasked: the held level is seen
	if !a.Pending() {
		t.Fatal("LINT0 in ExtINT mode not pending")
	}
	notified := r.cpu[0].notify
	if v, ok := a.Ack(); !ok || v != 0x30 || r.pic.acks != 1 {
		t.Fatalf("Ack = %#x %v, PIC acks %d", v, ok, r.pic.acks)
	}
	// ExtINT is not held back by the TPR and does not touch the ISR.
	a.SetTPR(0xff)
	if !a.Pending() || a.ISR(0x30) {
		t.Error("ExtINT subject to TPR or put in service")
	}
	a.SetTPR(0)
	a.SetLINT0(false)
	if a.Pending() {
		t.Error("pending after LINT0 dropped")
	}
	a.SetLINT0(true)
	if r.cpu[0].notify <= notified {
		t.Error("LINT0 rise did not notify the CPU")
	}
	a.SetLINT0(false)
	// APIC interrupts come before the 8259's.
	a.SetLINT0(true)
	a.Accept(fixed(0x41, 0))
	if v, _ := a.Ack(); v != 0x41 {
		t.Errorf("Ack = %#x, want the APIC's vector first", v)
	}
	a.SetLINT0(false)
	// An ExtINT message (an I/O APIC pin in ExtINT mode).
	r.w(0, 0x350, 0x10700)
	a.Accept(apicbus.Message{Mode: apicbus.ExtINT})
	if v, ok := a.Ack(); !ok || v != 0x30 {
		t.Errorf("ExtINT message Ack = %#x %v", v, ok)
	}
	if a.Pending() {
		t.Error("ExtINT message pending after its acknowledge")
	}
	// Globally disabled: LINT0 is INTR, LINT1 is NMI.
	if !a.SetBase(0xfee00000 | baseBSP) {
		t.Fatal("disable refused")
	}
	a.SetLINT0(true)
	if v, ok := a.Ack(); !ok || v != 0x30 {
		t.Errorf("pass-through Ack = %#x %v", v, ok)
	}
	a.SetLINT1(true)
	a.SetLINT1(false)
	if got := r.cpu[0].events(); got != "nmi=1" {
		t.Errorf("pass-through LINT1: %q", got)
	}
}

func TestLINTModes(t *testing.T) {
	r := newRig(t, 1)
	a := r.apic[0]
	r.enable(0)
	r.w(0, 0x360, 0x400) // LINT1 NMI, edge
	a.SetLINT1(true)
	a.SetLINT1(true)
	a.SetLINT1(false)
	if got := r.cpu[0].events(); got != "nmi=1" {
		t.Errorf("LINT1 NMI: %q", got)
	}
	// LINT0 fixed, level-triggered: remote IRR until the EOI, then again while high.
	r.w(0, 0x350, 0x8045)
	a.SetLINT0(true)
	if got := r.rd(0, 0x350); got&lvtRemoteIRR == 0 {
		t.Fatalf("LINT0 %#x: remote IRR not set", got)
	}
	for i := 0; i < 3; i++ {
		if v, ok := a.Ack(); !ok || v != 0x45 {
			t.Fatalf("Ack %d = %#x %v", i, v, ok)
		}
		if a.Pending() {
			t.Fatal("delivered again before the EOI")
		}
		r.w(0, 0xb0, 0) // EOI: remote IRR cleared, the held level delivered again
		if !a.Pending() || r.rd(0, 0x350)&lvtRemoteIRR == 0 {
			t.Fatal("held level not delivered again after the EOI")
		}
	}
	a.SetLINT0(false)
	r.acks(0, true)
	if a.Pending() {
		t.Error("pending after the level dropped and the last EOI")
	}
	if r.rd(0, 0x350)&lvtRemoteIRR != 0 {
		t.Error("remote IRR left set")
	}
	if got := r.eoi.take(); len(got) == 0 || got[0] != 0x45 {
		t.Errorf("level LINT EOI broadcast %x", got)
	}
	// Fixed edge.
	r.w(0, 0x350, 0x0046)
	a.SetLINT0(true)
	a.SetLINT0(false)
	if got := r.acks(0, true); fmt.Sprintf("%x", got) != "46" {
		t.Errorf("edge LINT0 acks %x", got)
	}
}

func TestTimerOneShot(t *testing.T) {
	r := newRig(t, 1)
	a := r.apic[0]
	r.enable(0)
	r.w(0, 0x3e0, 0x3) // divide by 16
	r.w(0, 0x320, 0x40)
	r.w(0, 0x380, 1000) // 16 µs
	r.clock.Advance(1600 * time.Nanosecond)
	if got := r.rd(0, 0x390); got != 900 {
		t.Errorf("current count %d after 1.6 µs, want 900", got)
	}
	r.clock.Advance(14399 * time.Nanosecond)
	if a.IRR(0x40) {
		t.Fatal("fired early")
	}
	r.clock.Advance(time.Nanosecond)
	if !a.IRR(0x40) {
		t.Fatal("did not fire at 16 µs")
	}
	if r.rd(0, 0x390) != 0 || r.rd(0, 0x380) != 1000 {
		t.Error("one-shot counts after expiry wrong")
	}
	r.acks(0, true)
	r.clock.Advance(time.Second)
	if a.Pending() {
		t.Error("one-shot fired again")
	}
	// Masked: counts, no interrupt.
	r.w(0, 0x320, 0x10040)
	r.w(0, 0x380, 10)
	r.clock.Advance(time.Millisecond)
	if a.Pending() || r.rd(0, 0x390) != 0 {
		t.Error("masked timer interrupted or did not count")
	}
	// Divide by 1 (DCR 0xb) and 128 (0xa).
	for _, tc := range []struct {
		dcr  uint32
		want time.Duration
	}{{0xb, 100 * time.Nanosecond}, {0xa, 12800 * time.Nanosecond}, {0x0, 200 * time.Nanosecond}} {
		r.w(0, 0x320, 0x40)
		r.w(0, 0x3e0, tc.dcr)
		r.w(0, 0x380, 100)
		r.clock.Advance(tc.want - 1)
		if a.Pending() {
			t.Errorf("dcr %#x: fired early", tc.dcr)
		}
		r.clock.Advance(1)
		if !a.Pending() {
			t.Errorf("dcr %#x: not fired at %v", tc.dcr, tc.want)
		}
		r.acks(0, true)
	}
}

func TestTimerPeriodic(t *testing.T) {
	r := newRig(t, 1)
	a := r.apic[0]
	r.enable(0)
	r.w(0, 0x3e0, 0xb)
	r.w(0, 0x320, 0x20040)
	r.w(0, 0x380, 1_000_000) // 1 ms
	n := 0
	for i := 0; i < 10; i++ {
		r.clock.Advance(time.Millisecond)
		n += len(r.acks(0, true))
	}
	if n != 10 {
		t.Errorf("%d interrupts in 10 periods", n)
	}
	if got := r.rd(0, 0x390); got != 1_000_000 {
		t.Errorf("count at a period boundary %d", got)
	}
	r.clock.Advance(250 * time.Microsecond)
	if got := r.rd(0, 0x390); got != 750_000 {
		t.Errorf("count a quarter in %d", got)
	}
	// Changing the divisor mid-count: continues from the current value.
	r.w(0, 0x3e0, 0x0) // divide by 2
	r.clock.Advance(500 * time.Microsecond)
	if got := r.rd(0, 0x390); got != 500_000 {
		t.Errorf("count after divisor change %d, want 500000", got)
	}
	r.clock.Advance(time.Millisecond - 1)
	if a.Pending() {
		t.Error("fired before the slower count reached 0")
	}
	r.clock.Advance(1)
	if !a.Pending() {
		t.Error("did not fire at the slower rate")
	}
	r.acks(0, true)
	// Missed periods coalesce: the IRR holds one.
	r.w(0, 0x3e0, 0xb)
	r.w(0, 0x380, 1000)
	r.clock.Advance(10 * time.Millisecond)
	if got := r.acks(0, true); len(got) != 1 {
		t.Errorf("%d interrupts from coalesced periods", len(got))
	}
	// Writing 0 stops it.
	r.w(0, 0x380, 0)
	r.clock.Advance(time.Second)
	if a.Pending() {
		t.Error("stopped timer fired")
	}
	if _, ok := r.clock.Next(); ok {
		t.Error("stopped timer left a callback")
	}
}

func TestTimerDeadline(t *testing.T) {
	r := newRig(t, 1) // TSC at 2 GHz, no offset
	a := r.apic[0]
	r.enable(0)
	// Not in deadline mode: the MSR reads 0, writes are ignored.
	a.WriteMSR(msrDeadline, 1000)
	if v, ok := a.ReadMSR(msrDeadline); !ok || v != 0 {
		t.Errorf("deadline MSR outside deadline mode = %d %v", v, ok)
	}
	r.w(0, 0x320, 0x40040)
	a.WriteMSR(msrDeadline, 2_000_000) // 1 ms
	if v, _ := a.ReadMSR(msrDeadline); v != 2_000_000 {
		t.Errorf("deadline MSR = %d", v)
	}
	r.w(0, 0x380, 5) // initial count ignored in deadline mode
	if r.rd(0, 0x380) != 0 {
		t.Error("initial count written in deadline mode")
	}
	r.clock.Advance(time.Millisecond - 1)
	if a.Pending() {
		t.Fatal("deadline fired early")
	}
	r.clock.Advance(1)
	if !a.Pending() {
		t.Fatal("deadline did not fire")
	}
	if v, _ := a.ReadMSR(msrDeadline); v != 0 {
		t.Errorf("deadline MSR after expiry = %d", v)
	}
	r.acks(0, true)
	// A deadline in the past fires at once; 0 disarms.
	a.WriteMSR(msrDeadline, 1)
	if !a.Pending() {
		t.Error("past deadline did not fire at once")
	}
	r.acks(0, true)
	a.WriteMSR(msrDeadline, 10_000_000)
	a.WriteMSR(msrDeadline, 0)
	r.clock.Advance(time.Second)
	if a.Pending() {
		t.Error("disarmed deadline fired")
	}
	// Switching modes disarms.
	a.WriteMSR(msrDeadline, ^uint64(0)>>1)
	r.w(0, 0x320, 0x00040)
	if v, _ := a.ReadMSR(msrDeadline); v != 0 {
		t.Error("deadline kept after leaving deadline mode")
	}
	// Without TSC-deadline support the mode bit is reserved and the MSR #GPs.
	b, _ := New(Config{CPU: &fakeCPU{}, Clock: r.clock})
	b.Write(0xf0, 4, 0x1ff)
	b.Write(0x320, 4, 0x40040)
	if got := b.Read(0x320, 4); got != 0x40 {
		t.Errorf("LVT timer %#x without deadline support", got)
	}
	if _, ok := b.ReadMSR(msrDeadline); ok {
		t.Error("deadline MSR readable without support")
	}
}

func TestTimerCustomTSC(t *testing.T) {
	clock := hw.NewManualClock()
	c := &fakeCPU{}
	a, _ := New(Config{CPU: c, Clock: clock, TSCDeadline: true,
		TSCToTime: func(tsc uint64) time.Duration { return time.Duration(tsc-5000) / 3 }})
	a.Write(0xf0, 4, 0x1ff)
	a.Write(0x320, 4, 0x40030)
	a.WriteMSR(msrDeadline, 5000+3*1000)
	clock.Advance(999)
	if a.Pending() {
		t.Fatal("early")
	}
	clock.Advance(1)
	if !a.Pending() {
		t.Fatal("TSCToTime not used")
	}
}

func TestAPICBase(t *testing.T) {
	for _, tc := range []struct {
		name   string
		from   uint64 // reached from reset through valid steps
		to     uint64
		ok     bool
		result uint64
	}{
		{"move page", 0xfee00900, 0xfed00900, true, 0xfed00900},
		{"reserved low bits", 0xfee00900, 0xfee00901, false, 0xfee00900},
		{"beyond physical address bits", 0xfee00900, 1<<40 | 0xfee00900, false, 0xfee00900},
		{"BSP is read only", 0xfee00900, 0xfee00800, true, 0xfee00900},
		{"to x2APIC", 0xfee00900, 0xfee00d00, true, 0xfee00d00},
		{"EXTD without EN", 0xfee00900, 0xfee00500, false, 0xfee00900},
		{"disable", 0xfee00900, 0xfee00100, true, 0xfee00100},
		{"disabled to x2APIC", 0xfee00100, 0xfee00d00, false, 0xfee00100},
		{"disabled to xAPIC", 0xfee00100, 0xfee00900, true, 0xfee00900},
		{"x2APIC to xAPIC", 0xfee00d00, 0xfee00900, false, 0xfee00d00},
		{"x2APIC to disabled", 0xfee00d00, 0xfee00100, true, 0xfee00100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, 1)
			a := r.apic[0]
			if tc.from&baseX2APIC != 0 && !a.SetBase(tc.from) || tc.from&baseEnable == 0 && !a.SetBase(tc.from) {
				t.Fatal("setup transition refused")
			}
			if got := a.SetBase(tc.to); got != tc.ok {
				t.Errorf("SetBase(%#x) = %v", tc.to, got)
			}
			if got := a.Base(); got != tc.result {
				t.Errorf("Base() = %#x, want %#x", got, tc.result)
			}
		})
	}
	// x2APIC is refused without support.
	a, _ := New(Config{CPU: &fakeCPU{}, BSP: true, Clock: hw.NewManualClock()})
	if a.SetBase(0xfee00d00) {
		t.Error("x2APIC enabled without support")
	}
	// Disabling resets the registers; a disabled APIC serves nothing.
	r := newRig(t, 1)
	r.enable(0)
	r.w(0, 0x80, 0x30)
	r.apic[0].SetBase(0xfee00100)
	if r.rd(0, 0x30) != 0 {
		t.Error("disabled APIC page answers")
	}
	r.apic[0].Accept(fixed(0x50, 0))
	r.apic[0].SetBase(0xfee00900)
	if r.rd(0, 0xf0) != 0xff || r.rd(0, 0x80) != 0 || r.apic[0].IRR(0x50) {
		t.Error("registers kept across disable")
	}
}

func TestX2APIC(t *testing.T) {
	r := newRig(t, 2)
	a := r.apic[1]
	r.w(1, 0x20, 0x07000000) // xAPIC ID written by software
	if !a.SetBase(0xfee00c00) {
		t.Fatal("x2APIC switch refused")
	}
	rd := func(idx uint32) (uint64, bool) { return a.ReadMSR(idx) }
	for _, tc := range []struct {
		name string
		idx  uint32
		val  uint64
		ok   bool
	}{
		{"ID is the initial ID", 0x802, 1, true},
		{"version", 0x803, Version, true},
		{"LDR from the ID", 0x80d, 0x2, true}, // cluster 0, bit 1
		{"SVR", 0x80f, 0xff, true},
		{"DFR gone", 0x80e, 0, false},
		{"APR gone", 0x809, 0, false},
		{"ICR high gone", 0x831, 0, false},
		{"EOI write only", 0x80b, 0, false},
		{"self IPI write only", 0x83f, 0, false},
		{"CMCI absent", 0x82f, 0, false},
		{"reserved", 0x8ff, 0, false},
	} {
		v, ok := rd(tc.idx)
		if ok != tc.ok || ok && v != tc.val {
			t.Errorf("%s: ReadMSR(%#x) = %#x %v, want %#x %v", tc.name, tc.idx, v, ok, tc.val, tc.ok)
		}
	}
	for _, tc := range []struct {
		name string
		idx  uint32
		val  uint64
		ok   bool
	}{
		{"SVR", 0x80f, 0x1ff, true},
		{"SVR reserved", 0x80f, 0x10ff, false},
		{"TPR reserved", 0x808, 0x100, false},
		{"ID read only", 0x802, 5, false},
		{"LDR read only", 0x80d, 5, false},
		{"EOI must be 0", 0x80b, 1, false},
		{"EOI", 0x80b, 0, true},
		{"ESR must be 0", 0x828, 1, false},
		{"PPR read only", 0x80a, 0, false},
		{"LVT reserved", 0x835, 1 << 20, false},
		{"LVT remote IRR bit tolerated", 0x835, lvtRemoteIRR | 0x700, true},
		{"DCR reserved", 0x83e, 4, false},
		{"upper half", 0x808, 1 << 32, false},
		{"ICR reserved", 0x830, 1 << 13, false},
		{"self IPI reserved", 0x83f, 0x100, false},
		{"outside x2APIC range", 0x900, 0, false},
	} {
		if ok := a.WriteMSR(tc.idx, tc.val); ok != tc.ok {
			t.Errorf("%s: WriteMSR(%#x, %#x) = %v", tc.name, tc.idx, tc.val, ok)
		}
	}
	// MMIO is inert in x2APIC mode.
	a.Write(0x80, 4, 0x50)
	if a.Read(0x30, 4) != 0 || a.TPR() != 0 {
		t.Error("xAPIC page active in x2APIC mode")
	}
	// Self IPI and a 32-bit ICR to APIC 0 (xAPIC mode).
	r.enable(0)
	a.WriteMSR(0x83f, 0x61)
	if !a.IRR(0x61) {
		t.Error("self IPI not delivered")
	}
	a.WriteMSR(0x830, 0<<32|0x62)
	if !r.apic[0].IRR(0x62) {
		t.Error("x2APIC ICR IPI not delivered to APIC 0")
	}
	// MSRs #GP outside x2APIC mode.
	if _, ok := r.apic[0].ReadMSR(0x802); ok {
		t.Error("x2APIC MSR readable in xAPIC mode")
	}
	// x2APIC logical destination: cluster 0, bit 1 is APIC 1.
	r.bus.Deliver(apicbus.Message{Mode: apicbus.Fixed, Vector: 0x70, Dest: 0x00000002, X2APIC: true, Logical: true, Level: true})
	if !a.IRR(0x70) {
		t.Error("x2APIC logical destination missed")
	}
	// 8-bit physical destinations (I/O APIC) still reach an x2APIC by ID.
	r.bus.Deliver(fixed(0x71, 1))
	if !a.IRR(0x71) {
		t.Error("8-bit destination missed in x2APIC mode")
	}
}

func TestMMIOAccessSizes(t *testing.T) {
	r := newRig(t, 1)
	a := r.apic[0]
	if v := a.Read(0x32, 1); v != 0x05 {
		t.Errorf("byte 2 of version = %#x", v)
	}
	if v := a.Read(0x30, 8); v != Version {
		t.Errorf("8-byte version read = %#x", v)
	}
	if v := a.Read(0x34, 4); v != 0 {
		t.Errorf("padding read %#x", v)
	}
	a.Write(0x80, 1, 0x40)
	a.Write(0x84, 4, 0x40)
	if a.TPR() != 0 {
		t.Error("narrow or unaligned write reached TPR")
	}
	a.Write(0x80, 8, 0xffffffff_00000050)
	if a.TPR() != 0x50 {
		t.Error("8-byte write missed TPR")
	}
	a.Write(0x2000, 4, 1)
	if a.Read(0x2000, 4) != 0 || a.Read(0x400, 4) != 0 {
		t.Error("outside the page or reserved register not inert")
	}
	a.Write(0x30, 4, 0) // read-only register
	if a.Read(0x30, 4) != Version {
		t.Error("version written")
	}
}

func TestNotify(t *testing.T) {
	r := newRig(t, 1)
	a := r.apic[0]
	r.enable(0)
	a.SetTPR(0x80)
	before := r.cpu[0].notify
	a.Accept(fixed(0x55, 0)) // below TPR: not deliverable
	if a.Pending() {
		t.Fatal("pending below TPR")
	}
	a.SetTPR(0)
	if !a.Pending() {
		t.Fatal("not pending after TPR lowered")
	}
	if r.cpu[0].notify == before {
		t.Error("no Notify when the interrupt became deliverable")
	}
}

func TestState(t *testing.T) {
	clock := hw.NewManualClock()
	fresh := func() *APIC {
		a, err := New(Config{APICID: 1, CPU: &fakeCPU{}, Clock: clock, X2APIC: true, TSCDeadline: true})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(a *APIC) {
		a.Write(0xf0, 4, 0x3ff)
		a.Write(0xd0, 4, 0x02000000)
		a.Write(0xe0, 4, 0x0fffffff)
		a.Write(0x350, 4, 0x8045)
		a.SetLINT0(true)
		a.Accept(apicbus.Message{Mode: apicbus.Fixed, Vector: 0x61, Level: true, Trigger: true})
		a.Accept(fixed(0x91, 1))
		a.Ack()
		a.SetTPR(0x20)
		a.Write(0x3e0, 4, 0x9)
		a.Write(0x320, 4, 0x200ec)
		a.Write(0x380, 4, 12345)
		clock.Advance(7 * time.Microsecond)
		a.Write(0x280, 4, 0)
		a.Write(0x310, 4, 0x03000000)
	})
	vmstatetest.RoundTrip(t, fresh, func(a *APIC) {
		a.Write(0xf0, 4, 0x1ff)
		a.SetBase(0xfee00c00)
		a.WriteMSR(0x832, 0x400ef)
		a.WriteMSR(msrDeadline, 1<<40)
	})
}

func TestStateContinues(t *testing.T) {
	a := newRig(t, 1)
	a.enable(0)
	a.w(0, 0x3e0, 0xb)
	a.w(0, 0x320, 0x40)
	a.w(0, 0x380, 1000)
	a.clock.Advance(400)
	data := vmstate.Save(a.apic[0])
	b := newRig(t, 1)
	b.clock.Advance(time.Hour)
	if err := vmstate.Load(b.apic[0], data); err != nil {
		t.Fatal(err)
	}
	if got := b.rd(0, 0x390); got != 600 {
		t.Fatalf("count after load %d, want 600", got)
	}
	b.clock.Advance(599)
	if b.apic[0].Pending() {
		t.Fatal("early after load")
	}
	b.clock.Advance(1)
	if !b.apic[0].Pending() {
		t.Fatal("timer did not continue after load")
	}
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(a *APIC)
		want   string
	}{
		{"base", func(a *APIC) { a.base |= 1 }, "reserved bits"},
		{"bsp", func(a *APIC) { a.base |= baseBSP }, "BSP flag"},
		{"x2 disabled", func(a *APIC) { a.base = 0xfee00400 }, "x2APIC mode while disabled"},
		{"id", func(a *APIC) { a.apicID = 0x100 }, "exceeds 8 bits"},
		{"svr", func(a *APIC) { a.svr = 0x1000 }, "SVR"},
		{"lvt", func(a *APIC) { a.lvt[lvtError] = 0x700 }, "LVT entry 5"},
		{"unmasked disabled", func(a *APIC) { a.lvt[lvtLINT0] = 0x700 }, "software-disabled"},
		{"armed", func(a *APIC) { a.armed, a.nextAt = true, time.Hour }, "initial count 0"},
		{"dfr", func(a *APIC) { a.dfr = 0 }, "DFR"},
		{"divide", func(a *APIC) { a.divide = 4 }, "divide"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, 2)
			tc.mutate(r.apic[1])
			err := vmstate.Load(newRig(t, 2).apic[1], vmstate.Save(r.apic[1]))
			if err == nil || !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAllocs(t *testing.T) {
	r := newRig(t, 2)
	r.enable(0)
	r.enable(1)
	a := r.apic[0]
	a.Write(0x350, 4, 0x700)
	for name, f := range map[string]func(){
		"accept ack eoi": func() {
			a.Accept(apicbus.Message{Mode: apicbus.Fixed, Vector: 0x41, Level: true, Trigger: true})
			a.Ack()
			a.Write(0xb0, 4, 0)
		},
		"pending":  func() { a.Pending() },
		"register": func() { a.Read(0x390, 4); a.Read(0x200, 4) },
		"ipi": func() {
			a.Write(0x310, 4, 1<<24)
			a.Write(0x300, 4, 0x60)
			r.apic[1].Ack()
			r.apic[1].Write(0xb0, 4, 0)
		},
		"extint": func() { a.SetLINT0(true); a.Ack(); a.SetLINT0(false) },
		"bus":    func() { r.bus.Deliver(fixed(0x42, 0)); a.Ack(); a.Write(0xb0, 4, 0) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

// scriptEnv: two APICs on one bus. The MMIO page at 0xfee00000 is the
// current CPU's (cpu N switches). Commands: ack, pending?, events? (the
// current CPU's pins), lint0/lint1 LEVEL, rdmsr IDX, wrmsr IDX VAL,
// setbase VAL, eois? (I/O APIC EOI broadcasts seen), ioapic VEC [level]
// (a fixed message to APIC 0).
func scriptEnv(t *testing.T) *script.Env {
	r := newRig(t, 2)
	cur := 0
	mmio := bus.NewSpace("memory")
	if err := mmio.Map(bus.Region{Name: "apic", Base: DefaultBase, Len: pageSize, MinSize: 1, MaxSize: 8,
		Handler: switchHandler{func() bus.Handler { return r.apic[cur] }}}); err != nil {
		t.Fatal(err)
	}
	arg := func(args []string, n int, max uint64) (uint64, error) {
		if len(args) <= n {
			return 0, errors.New("missing argument")
		}
		return script.Uint(args[n], max)
	}
	return &script.Env{MMIO: mmio, Clock: r.clock, Commands: map[string]script.Command{
		"cpu": func(args []string) (string, error) {
			n, err := arg(args, 0, uint64(len(r.apic)-1))
			cur = int(n)
			return "", err
		},
		"ack": func(args []string) (string, error) {
			v, ok := r.apic[cur].Ack()
			if !ok {
				return "none", nil
			}
			return fmt.Sprintf("%#02x", v), nil
		},
		"pending?": func(args []string) (string, error) { return fmt.Sprint(r.apic[cur].Pending()), nil },
		"events?":  func(args []string) (string, error) { return r.cpu[cur].events(), nil },
		"lint0": func(args []string) (string, error) {
			n, err := arg(args, 0, 1)
			r.apic[cur].SetLINT0(n == 1)
			return "", err
		},
		"lint1": func(args []string) (string, error) {
			n, err := arg(args, 0, 1)
			r.apic[cur].SetLINT1(n == 1)
			return "", err
		},
		"rdmsr": func(args []string) (string, error) {
			idx, err := arg(args, 0, 0xffffffff)
			if err != nil {
				return "", err
			}
			if idx == 0x1b {
				return fmt.Sprintf("%#x", r.apic[cur].Base()), nil
			}
			v, ok := r.apic[cur].ReadMSR(uint32(idx))
			if !ok {
				return "#GP", nil
			}
			return fmt.Sprintf("%#x", v), nil
		},
		"wrmsr": func(args []string) (string, error) {
			idx, err := arg(args, 0, 0xffffffff)
			if err != nil {
				return "", err
			}
			v, err := arg(args, 1, ^uint64(0))
			if err != nil {
				return "", err
			}
			ok := false
			if idx == 0x1b {
				ok = r.apic[cur].SetBase(v)
			} else {
				ok = r.apic[cur].WriteMSR(uint32(idx), v)
			}
			if !ok {
				return "#GP", nil
			}
			return "", nil
		},
		"eois?": func(args []string) (string, error) {
			var s []string
			for _, v := range r.eoi.take() {
				s = append(s, fmt.Sprintf("%#02x", v))
			}
			if len(s) == 0 {
				return "none", nil
			}
			return strings.Join(s, " "), nil
		},
		"ioapic": func(args []string) (string, error) {
			v, err := arg(args, 0, 0xff)
			m := fixed(uint8(v), 0)
			m.Trigger = len(args) > 1 && args[1] == "level"
			r.bus.Deliver(m)
			return "", err
		},
	}}
}

type switchHandler struct{ cur func() bus.Handler }

func (h switchHandler) Read(off uint64, size int) uint64       { return h.cur().Read(off, size) }
func (h switchHandler) Write(off uint64, size int, val uint64) { h.cur().Write(off, size, val) }

func TestScripts(t *testing.T) { script.RunAll(t, scriptEnv) }
