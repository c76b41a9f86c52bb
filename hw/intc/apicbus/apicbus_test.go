package apicbus

import (
	"fmt"
	"testing"
)

type target struct {
	id  uint32
	pri uint8
	got []Message
}

func (t *target) Match(m Message) bool       { return m.Dest == 0xff || m.Dest == t.id }
func (t *target) ArbitrationPriority() uint8 { return t.pri }
func (t *target) Accept(m Message)           { t.got = append(t.got, m) }
func (t *target) take() int                  { n := len(t.got); t.got = nil; return n }

func newBus(n int) (*Bus, []*target) {
	b := New()
	var ts []*target
	for i := 0; i < n; i++ {
		t := &target{id: uint32(i)}
		ts = append(ts, t)
		b.Attach(t)
	}
	return b, ts
}

func counts(ts []*target) string {
	s := ""
	for _, t := range ts {
		s += fmt.Sprint(t.take())
	}
	return s
}

func TestDeliver(t *testing.T) {
	b, ts := newBus(3)
	for _, tc := range []struct {
		name string
		m    Message
		want string
	}{
		{"physical", Message{Dest: 1, Level: true}, "010"},
		{"broadcast", Message{Dest: 0xff, Level: true}, "111"},
		{"nobody", Message{Dest: 7, Level: true}, "000"},
		{"self", Message{Shorthand: Self, Source: ts[2], Dest: 0, Level: true}, "001"},
		{"all including self", Message{Shorthand: AllIncludingSelf, Source: ts[0], Dest: 2, Level: true}, "111"},
		{"all excluding self", Message{Shorthand: AllExcludingSelf, Source: ts[0], Dest: 0, Level: true}, "011"},
		{"init de-assert goes everywhere", Message{Mode: INIT, Trigger: true, Dest: 1}, "111"},
		{"init assert follows the destination", Message{Mode: INIT, Trigger: true, Level: true, Dest: 1}, "010"},
	} {
		b.Deliver(tc.m)
		if got := counts(ts); got != tc.want {
			t.Errorf("%s: delivered %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestLowestPriority(t *testing.T) {
	b, ts := newBus(3)
	ts[0].pri, ts[1].pri, ts[2].pri = 0x40, 0x10, 0x40
	for i := 0; i < 5; i++ {
		b.Deliver(Message{Mode: LowestPriority, Dest: 0xff, Vector: 0x50, Level: true})
	}
	if got := counts(ts); got != "050" {
		t.Errorf("lowest priority went to %s", got)
	}
	// Ties rotate among the candidates.
	ts[1].pri = 0x40
	for i := 0; i < 6; i++ {
		b.Deliver(Message{Mode: LowestPriority, Dest: 0xff, Vector: 0x50, Level: true})
	}
	if got := counts(ts); got != "222" {
		t.Errorf("ties delivered %s, want an even spread", got)
	}
	// Only destinations compete; excluding self with the shorthand.
	b.Deliver(Message{Mode: LowestPriority, Dest: 2, Level: true})
	b.Deliver(Message{Mode: LowestPriority, Shorthand: AllExcludingSelf, Source: ts[0], Level: true})
	if got := counts(ts); got[0] != '0' || got[2] == '0' {
		t.Errorf("delivered %s", got)
	}
	New().Deliver(Message{Mode: LowestPriority, Dest: 0xff})
}

type eoi struct{ got []uint8 }

func (e *eoi) EOI(v uint8) { e.got = append(e.got, v) }

func TestEOIBroadcast(t *testing.T) {
	b := New()
	e1, e2 := &eoi{}, &eoi{}
	b.AddEOIListener(e1)
	b.AddEOIListener(e2)
	b.BroadcastEOI(0x41)
	if fmt.Sprint(e1.got, e2.got) != "[65] [65]" {
		t.Errorf("EOIs %v %v", e1.got, e2.got)
	}
}

func TestDecodeMSI(t *testing.T) {
	for _, tc := range []struct {
		addr uint64
		data uint32
		ok   bool
		want Message
	}{
		{0xfee00000, 0x0031, true, Message{Vector: 0x31, Level: true}},
		{0xfee03000, 0x4031, true, Message{Dest: 3, Vector: 0x31, Level: true}},
		{0xfee0f00c, 0x0041, true, Message{Dest: 0x0f, Logical: true, Mode: LowestPriority, Vector: 0x41, Level: true}},
		{0xfee01000, 0x0400, true, Message{Dest: 1, Mode: NMI, Level: true}},
		{0xfee01000, 0xc062, true, Message{Dest: 1, Vector: 0x62, Level: true, Trigger: true}},
		{0xfee01000, 0x8500, true, Message{Dest: 1, Mode: INIT, Trigger: true}},
		{0xfed00000, 0x0031, false, Message{}},
		{0x1_fee00000, 0x0031, false, Message{}},
	} {
		m, ok := DecodeMSI(tc.addr, tc.data)
		if ok != tc.ok || m != tc.want {
			t.Errorf("DecodeMSI(%#x, %#x) = %+v %v, want %+v %v", tc.addr, tc.data, m, ok, tc.want, tc.ok)
		}
	}
	b, ts := newBus(2)
	b.SignalMSI(0xfee01000, 0x31)
	b.SignalMSI(0xfec01000, 0x31)
	if got := counts(ts); got != "01" {
		t.Errorf("MSIs delivered %s", got)
	}
}

func FuzzDecodeMSI(f *testing.F) {
	f.Add(uint64(0xfee01000), uint32(0x4031))
	f.Add(uint64(0xfee0f00c), uint32(0xc500))
	f.Fuzz(func(t *testing.T, addr uint64, data uint32) {
		m, ok := DecodeMSI(addr, data)
		if !ok {
			return
		}
		if m.Dest > 0xff || m.Vector != uint8(data) || m.Mode > 7 {
			t.Fatalf("DecodeMSI(%#x, %#x) = %+v", addr, data, m)
		}
		b, _ := newBus(2)
		b.Deliver(m)
	})
}

func TestAllocs(t *testing.T) {
	b, ts := newBus(2)
	ts[0].got = make([]Message, 0, 1000)
	ts[1].got = make([]Message, 0, 1000)
	if n := testing.AllocsPerRun(100, func() {
		b.Deliver(Message{Dest: 1, Level: true})
		b.Deliver(Message{Mode: LowestPriority, Dest: 0xff, Level: true})
		b.SignalMSI(0xfee00000, 0x31)
	}); n != 0 {
		t.Errorf("%v allocations per delivery", n)
	}
}
