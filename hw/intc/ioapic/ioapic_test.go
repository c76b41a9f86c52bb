package ioapic

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/script"
	"gemu/hw/intc/apicbus"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

// fakeAPIC is a local APIC that matches physical IDs and flat logical
// destinations and records what it accepts.
type fakeAPIC struct {
	mu   sync.Mutex
	id   uint8
	ldr  uint8
	pri  uint8
	msgs []apicbus.Message
}

func (f *fakeAPIC) Match(m apicbus.Message) bool {
	d := uint8(m.Dest)
	if d == 0xff {
		return true
	}
	if m.Logical {
		return d&f.ldr != 0
	}
	return d == f.id
}
func (f *fakeAPIC) ArbitrationPriority() uint8 { return f.pri }
func (f *fakeAPIC) Accept(m apicbus.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, m)
}
func (f *fakeAPIC) take() []apicbus.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.msgs
	f.msgs = nil
	return m
}

type rig struct {
	s    *IOAPIC
	bus  *apicbus.Bus
	cpus []*fakeAPIC
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{bus: apicbus.New()}
	for i := 0; i < 2; i++ {
		f := &fakeAPIC{id: uint8(i), ldr: 1 << i}
		r.cpus = append(r.cpus, f)
		r.bus.Attach(f)
	}
	s, err := New(Config{Bus: r.bus})
	if err != nil {
		t.Fatal(err)
	}
	r.bus.AddEOIListener(s)
	r.s = s
	return r
}

func (r *rig) wr(idx uint8, v uint32) {
	r.s.Write(regIOREGSEL, 4, uint64(idx))
	r.s.Write(regIOWIN, 4, uint64(v))
}
func (r *rig) rd(idx uint8) uint32 {
	r.s.Write(regIOREGSEL, 4, uint64(idx))
	return uint32(r.s.Read(regIOWIN, 4))
}
func (r *rig) route(pin int, lo uint32, dest uint8) {
	r.wr(idxRedTbl+uint8(2*pin)+1, uint32(dest)<<24)
	r.wr(idxRedTbl+uint8(2*pin), lo)
}
func (r *rig) vectors(cpu int) string {
	var s []string
	for _, m := range r.cpus[cpu].take() {
		s = append(s, fmt.Sprintf("%s:%#x", m.Mode, m.Vector))
	}
	return strings.Join(s, " ")
}

func TestNew(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without a bus succeeded")
	}
	if _, err := New(Config{Bus: apicbus.New(), APICID: 16}); err == nil {
		t.Error("New with ID 16 succeeded")
	}
	if _, err := New(Config{Bus: apicbus.New(), Base: 0xfec00010}); err == nil {
		t.Error("New with an unaligned base succeeded")
	}
}

func TestRegisters(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		name string
		idx  uint8
		want uint32
	}{
		{"id", idxID, 0},
		{"version", idxVersion, 0x00170020},
		{"arbitration", idxArb, 0},
		{"entry 0 low masked", idxRedTbl, 0x00010000},
		{"entry 23 high", idxRedTbl + 47, 0},
		{"beyond the table", idxRedTbl + 48, 0},
	} {
		if got := r.rd(tc.idx); got != tc.want {
			t.Errorf("%s: %#x, want %#x", tc.name, got, tc.want)
		}
	}
	r.wr(idxID, 0xfa000000)
	if got, arb := r.rd(idxID), r.rd(idxArb); got != 0x0a000000 || arb != 0x0a000000 {
		t.Errorf("ID %#x arbitration %#x after writing 0xfa000000, want 0x0a000000 both", got, arb)
	}
	r.wr(idxVersion, 0)
	r.wr(idxArb, 0x05000000)
	if r.rd(idxVersion) != 0x00170020 || r.rd(idxArb) != 0x0a000000 {
		t.Error("read-only registers changed")
	}
	// Read-only and reserved entry bits.
	r.wr(idxRedTbl+2, 0xffffffff)
	r.wr(idxRedTbl+3, 0xffffffff)
	if got := r.s.Entry(1); got != 0xff000000_0001afff {
		t.Errorf("entry 1 after all ones = %#x", got)
	}
	// Byte access to IOREGSEL and sub-dword reads of IOWIN.
	r.s.Write(regIOREGSEL, 1, idxVersion)
	if v := r.s.Read(regIOWIN+2, 1); v != 0x17 {
		t.Errorf("byte 2 of the version = %#x", v)
	}
	if v := r.s.Read(regIOREGSEL, 1); v != idxVersion {
		t.Errorf("IOREGSEL = %#x", v)
	}
}

func TestEdge(t *testing.T) {
	r := newRig(t)
	r.route(4, 0x31, 1) // fixed, physical, edge, vector 0x31 to APIC 1
	r.s.SetIRQ(4, true)
	if got := r.vectors(1); got != "fixed:0x31" {
		t.Fatalf("APIC 1 got %q", got)
	}
	if got := r.vectors(0); got != "" {
		t.Errorf("APIC 0 got %q", got)
	}
	r.s.SetIRQ(4, true) // no edge
	r.s.SetIRQ(4, false)
	if got := r.vectors(1); got != "" {
		t.Errorf("no edge delivered %q", got)
	}
	// Edges while masked latch one delivery for the unmask.
	r.route(4, 0x10031, 1)
	r.s.SetIRQ(4, true)
	r.s.SetIRQ(4, false)
	r.s.SetIRQ(4, true)
	r.s.SetIRQ(4, false)
	if got := r.vectors(1); got != "" {
		t.Fatalf("masked pin delivered %q", got)
	}
	r.route(4, 0x31, 1)
	if got := r.vectors(1); got != "fixed:0x31" {
		t.Errorf("unmask delivered %q, want one latched edge", got)
	}
}

func TestLevelAndEOI(t *testing.T) {
	r := newRig(t)
	r.route(11, 0x8041, 0) // fixed, level, vector 0x41 to APIC 0
	r.s.SetIRQ(11, true)
	if got := r.vectors(0); got != "fixed:0x41" {
		t.Fatalf("got %q", got)
	}
	if r.s.Entry(11)&rteRemoteIRR == 0 {
		t.Fatal("remote IRR not set")
	}
	// Another EOI vector does nothing; the right one re-delivers the held level.
	r.bus.BroadcastEOI(0x42)
	if got := r.vectors(0); got != "" {
		t.Errorf("wrong EOI re-delivered %q", got)
	}
	r.bus.BroadcastEOI(0x41)
	if got := r.vectors(0); got != "fixed:0x41" {
		t.Errorf("EOI with the level held delivered %q", got)
	}
	// The EOI register of version 0x20 does the same.
	r.s.SetIRQ(11, false)
	r.s.Write(regEOI, 4, 0x41)
	if r.s.Entry(11)&rteRemoteIRR != 0 || r.vectors(0) != "" {
		t.Error("EOI register did not clear the remote IRR cleanly")
	}
	// Masked level: nothing until unmasked, then delivered at once.
	r.route(11, 0x18041, 0)
	r.s.SetIRQ(11, true)
	if r.vectors(0) != "" {
		t.Fatal("masked level delivered")
	}
	r.route(11, 0x8041, 0)
	if got := r.vectors(0); got != "fixed:0x41" {
		t.Errorf("unmask of held level delivered %q", got)
	}
	// Switching to edge clears the remote IRR.
	r.route(11, 0x0041, 0)
	if r.s.Entry(11)&rteRemoteIRR != 0 {
		t.Error("remote IRR kept on an edge entry")
	}
	// Trigger bit and the message: level entries send level-triggered messages.
	r.s.SetIRQ(11, false)
	r.route(12, 0x8050, 0)
	r.s.SetIRQ(12, true)
	msgs := r.cpus[0].take()
	if len(msgs) != 1 || !msgs[0].Trigger || !msgs[0].Level {
		t.Errorf("level message %+v", msgs)
	}
}

func TestDeliveryModes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo     uint32
		dest   uint8
		want0  string
		want1  string
		edgeOK bool
	}{
		{"logical flat to both", 0x0833, 0x03, "fixed:0x33", "fixed:0x33", true},
		{"logical to APIC 1", 0x0833, 0x02, "", "fixed:0x33", true},
		{"physical broadcast", 0x0033, 0xff, "fixed:0x33", "fixed:0x33", true},
		{"lowest priority picks one", 0x0933, 0x03, "", "lowest-priority:0x33", true},
		{"nmi", 0x0400, 0x00, "nmi:0x0", "", true},
		{"smi", 0x0200, 0x01, "", "smi:0x0", true},
		{"init", 0x0500, 0x01, "", "init:0x0", true},
		{"extint", 0x0700, 0x00, "extint:0x0", "", true},
		// NMI entries programmed level are delivered per edge, without remote IRR.
		{"nmi level", 0x8400, 0x00, "nmi:0x0", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.cpus[0].pri = 0x20 // APIC 1 has the lower arbitration priority
			r.route(5, tc.lo, tc.dest)
			r.s.SetIRQ(5, true)
			if g0, g1 := r.vectors(0), r.vectors(1); g0 != tc.want0 || g1 != tc.want1 {
				t.Errorf("delivered %q / %q, want %q / %q", g0, g1, tc.want0, tc.want1)
			}
			if r.s.Entry(5)&rteRemoteIRR != 0 && tc.lo&rteLevel != 0 && tc.lo>>8&7 > 1 {
				t.Error("remote IRR set for a non-fixed level entry")
			}
		})
	}
}

func TestPolarityIsKept(t *testing.T) {
	r := newRig(t)
	r.route(16, 0xa051, 0) // level, active low (as PCI INTx is declared)
	r.s.SetIRQ(16, true)   // the machine's lines carry the asserted level
	if got := r.vectors(0); got != "fixed:0x51" {
		t.Errorf("asserted active-low pin delivered %q", got)
	}
	if r.rd(idxRedTbl+32)&rtePolarityLow == 0 {
		t.Error("polarity bit not readable")
	}
}

func TestReset(t *testing.T) {
	r := newRig(t)
	r.wr(idxID, 0x03000000)
	r.route(3, 0x8044, 1)
	r.s.SetIRQ(3, true)
	r.s.Write(regIOREGSEL, 1, 0x12)
	r.s.Reset()
	if r.s.Read(regIOREGSEL, 4) != 0 || r.rd(idxID) != 0 {
		t.Error("IOREGSEL or ID not reset")
	}
	for pin := 0; pin < NumPins; pin++ {
		if e := r.s.Entry(pin); e != rteReset {
			t.Errorf("entry %d = %#x after reset", pin, e)
		}
	}
	r.vectors(1)
	r.route(3, 0x8044, 1)
	r.s.SetIRQ(3, true) // the machine's re-drive after reset
	if got := r.vectors(1); got != "fixed:0x44" {
		t.Errorf("re-driven line after reset delivered %q", got)
	}
}

func TestMisuse(t *testing.T) {
	r := newRig(t)
	r.s.SetIRQ(-1, true)
	r.s.SetIRQ(24, true)
	r.s.Write(regIOWIN, 2, 0xffff) // narrow IOWIN write ignored
	r.s.Write(0x80, 4, 1)
	r.s.Write(regIOREGSEL+1, 1, 0x55)
	if r.s.Read(0x80, 4) != 0 || r.s.Read(regIOREGSEL, 4) != 0 {
		t.Error("reserved offsets are not inert")
	}
	r.route(2, 0x0300, 0) // reserved delivery mode
	r.s.SetIRQ(2, true)
	if got := r.vectors(0); got != "reserved(3):0x0" {
		t.Errorf("reserved mode sent %q (the APIC ignores it)", got)
	}
}

func TestState(t *testing.T) {
	fresh := func() *IOAPIC {
		s, err := New(Config{Bus: apicbus.New()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(s *IOAPIC) {
		s.Write(regIOREGSEL, 4, idxID)
		s.Write(regIOWIN, 4, 0x02000000)
		s.Write(regIOREGSEL, 4, idxRedTbl+4)
		s.Write(regIOWIN, 4, 0x8061)
		s.SetIRQ(2, true)
		s.Write(regIOREGSEL, 4, idxRedTbl+6)
		s.Write(regIOWIN, 4, 0x10062)
		s.SetIRQ(3, true)
		s.Write(regIOREGSEL, 4, idxRedTbl+9)
	})
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(s *IOAPIC)
		want   string
	}{
		{"id", func(s *IOAPIC) { s.apicID = 16 }, "APIC ID 16"},
		{"reserved", func(s *IOAPIC) { s.rte[3] |= 1 << 20 }, "entry 3"},
		{"remote irr on edge", func(s *IOAPIC) { s.rte[4] |= rteRemoteIRR }, "remote IRR on an edge entry"},
		{"undelivered", func(s *IOAPIC) { s.rte[5] = 0x31; s.latched = 1 << 5 }, "undelivered edge"},
		{"held", func(s *IOAPIC) { s.rte[6] = 0x8031; s.pins = 1 << 6 }, "neither delivered nor held"},
		{"pins", func(s *IOAPIC) { s.pins = 1 << 30 }, "beyond pin 23"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			tc.mutate(r.s)
			err := vmstate.Load(newRig(t).s, vmstate.Save(r.s))
			if err == nil || !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
}

type countAPIC struct{ n int }

func (c *countAPIC) Match(m apicbus.Message) bool { return true }
func (c *countAPIC) ArbitrationPriority() uint8   { return 0 }
func (c *countAPIC) Accept(m apicbus.Message)     { c.n++ }

func TestAllocs(t *testing.T) {
	b := apicbus.New()
	b.Attach(&countAPIC{})
	s, _ := New(Config{Bus: b})
	b.AddEOIListener(s)
	s.Write(regIOREGSEL, 4, idxRedTbl+2)
	s.Write(regIOWIN, 4, 0x8031)
	s.Write(regIOREGSEL, 4, idxRedTbl+4)
	s.Write(regIOWIN, 4, 0x0032)
	for name, f := range map[string]func(){
		"level and EOI": func() { s.SetIRQ(1, true); b.BroadcastEOI(0x31); s.SetIRQ(1, false); b.BroadcastEOI(0x31) },
		"edge":          func() { s.SetIRQ(2, true); s.SetIRQ(2, false) },
		"register":      func() { s.Write(regIOREGSEL, 4, idxVersion); s.Read(regIOWIN, 4) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

// TestScripts: pin N LEVEL drives an input; msgs? N prints and forgets what
// APIC N accepted; eoi V broadcasts an EOI.
func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		r := newRig(t)
		mmio := bus.NewSpace("memory")
		if err := mmio.Map(r.s.Region()); err != nil {
			t.Fatal(err)
		}
		return &script.Env{MMIO: mmio, Commands: map[string]script.Command{
			"pin": func(args []string) (string, error) {
				if len(args) != 2 {
					return "", errors.New("pin: want pin and level")
				}
				n, err := script.Uint(args[0], NumPins-1)
				if err != nil {
					return "", err
				}
				l, err := script.Uint(args[1], 1)
				if err != nil {
					return "", err
				}
				r.s.SetIRQ(int(n), l == 1)
				return "", nil
			},
			"msgs?": func(args []string) (string, error) {
				if len(args) != 1 {
					return "", errors.New("msgs?: want an APIC")
				}
				n, err := script.Uint(args[0], uint64(len(r.cpus)-1))
				if err != nil {
					return "", err
				}
				var out []string
				for _, m := range r.cpus[n].take() {
					out = append(out, fmt.Sprintf("%s vector=%#x dest=%#x logical=%v level-trigger=%v", m.Mode, m.Vector, m.Dest, m.Logical, m.Trigger))
				}
				if len(out) == 0 {
					return "none", nil
				}
				return strings.Join(out, "\n"), nil
			},
			"eoi": func(args []string) (string, error) {
				if len(args) != 1 {
					return "", errors.New("eoi: want a vector")
				}
				v, err := script.Uint(args[0], 0xff)
				if err != nil {
					return "", err
				}
				r.bus.BroadcastEOI(uint8(v))
				return "", nil
			},
		}}
	})
}
