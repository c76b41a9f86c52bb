package vmstate_test

import (
	"errors"
	"strings"
	"testing"

	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

type uart struct {
	ier      uint8
	rx       []byte
	scr      uint8
	armed    bool
	deadline uint64
	regs     [4]uint32
	name     string
	ver      int
}

func (u *uart) StateVersion() int { return u.ver }

func (u *uart) VisitState(v *vmstate.Visitor) {
	v.Uint8("ier", &u.ier)
	v.Bytes("rx-fifo", &u.rx, 16)
	v.Check(u.ier&0xf0 == 0, "ier %#x has reserved bits", u.ier)
	if v.Version() >= 2 {
		v.Uint8("scr", &u.scr)
	}
	v.Uint32s("regs", u.regs[:])
	v.String("name", &u.name, 32)
	v.Optional("timeout", u.armed, func() {
		v.Uint64("deadline", &u.deadline)
		if v.Loading() {
			u.armed = true
		}
	})
}

func newUART() *uart { return &uart{ver: 2} }

func TestRoundTrip(t *testing.T) {
	vmstatetest.RoundTrip(t, newUART, func(u *uart) {
		u.ier = 5
		u.rx = []byte("abc")
		u.scr = 9
		u.armed = true
		u.deadline = 1 << 40
		u.regs = [4]uint32{1, 2, 3, 4}
		u.name = "com1"
	})
	vmstatetest.RoundTrip(t, newUART, nil)
}

func TestCheckRejects(t *testing.T) {
	u := newUART()
	u.ier = 0x80
	data := vmstate.Save(u)
	err := vmstate.Load(newUART(), data)
	if !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), "reserved") {
		t.Fatalf("err = %v", err)
	}
}

func TestOlderVersionLoads(t *testing.T) {
	old := &uart{ver: 1, ier: 3}
	data := vmstate.Save(old)
	u := newUART()
	u.scr = 7
	if err := vmstate.Load(u, data); err != nil {
		t.Fatal(err)
	}
	if u.ier != 3 || u.scr != 7 {
		t.Errorf("after v1 load: ier %d scr %d", u.ier, u.scr)
	}
	if err := vmstate.Load(&uart{ver: 1}, vmstate.Save(newUART())); err == nil {
		t.Error("a newer stream loaded into an older device")
	}
}

func TestOptionalAbsentKeepsDefault(t *testing.T) {
	data := vmstate.Save(newUART())
	u := newUART()
	u.deadline = 42
	if err := vmstate.Load(u, data); err != nil {
		t.Fatal(err)
	}
	if u.armed || u.deadline != 42 {
		t.Errorf("absent optional changed fields: %+v", u)
	}
}

type extra struct{ uart }

func (e *extra) VisitState(v *vmstate.Visitor) {
	e.uart.VisitState(v)
	v.Optional("future", true, func() { v.Uint8("x", new(uint8)) })
}

func TestUnknownOptionalFails(t *testing.T) {
	e := &extra{uart{ver: 2}}
	err := vmstate.Load(newUART(), vmstate.Save(e))
	if err == nil || !strings.Contains(err.Error(), "future") {
		t.Fatalf("err = %v, want unknown optional named", err)
	}
}

func TestFieldMismatchNamed(t *testing.T) {
	data := vmstate.Save(&renamed{})
	err := vmstate.Load(newUART(), data)
	if err == nil || !strings.Contains(err.Error(), "ier") {
		t.Fatalf("err = %v", err)
	}
}

type renamed struct{}

func (renamed) StateVersion() int { return 2 }
func (*renamed) VisitState(v *vmstate.Visitor) {
	var x uint16
	v.Uint16("ier", &x)
}

func TestBytesCapped(t *testing.T) {
	u := newUART()
	u.rx = make([]byte, 17)
	if err := vmstate.Load(newUART(), vmstate.Save(u)); err == nil || !strings.Contains(err.Error(), "rx-fifo") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	u := newUART()
	u.armed = true
	u.rx = []byte("xyz")
	f.Add(vmstate.Save(u))
	f.Add(vmstate.Save(newUART()))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = vmstate.Load(newUART(), data)
	})
}
