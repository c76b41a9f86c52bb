package x87hw

import (
	"reflect"
	"testing"
)

func TestFrameLayout(t *testing.T) {
	want := map[string]uintptr{"A": 0, "B": 16, "FCW": 32, "FSW": 34, "Mem": 72, "Flags": 88, "Save": 96}
	typ := reflect.TypeOf(Frame{})
	for name, off := range want {
		f, ok := typ.FieldByName(name)
		if !ok || f.Offset != off {
			t.Errorf("offset of %s = %d, want %d", name, f.Offset, off)
		}
	}
}

func TestFadd(t *testing.T) {
	f := Frame{FCW: 0x37f}
	// 1.0 + 2.0
	f.A = [16]byte{7: 0x80, 8: 0xff, 9: 0x3f}
	f.B = [16]byte{7: 0x80, 8: 0x00, 9: 0x40}
	Fadd(&f)
	want := [10]byte{7: 0xc0, 8: 0x00, 9: 0x40}
	if got := f.ST(0); got != want {
		t.Errorf("1+2 = % x, want % x", got, want)
	}
	if f.Empty(0) || f.Empty(1) || !f.Empty(2) {
		t.Errorf("tags: ST0 empty %v, ST1 empty %v, ST2 empty %v", f.Empty(0), f.Empty(1), f.Empty(2))
	}
}

func TestFcomiFlags(t *testing.T) {
	f := Frame{FCW: 0x37f}
	f.A = [16]byte{7: 0x80, 8: 0xff, 9: 0x3f} // 1
	f.B = [16]byte{7: 0x80, 8: 0x00, 9: 0x40} // 2
	Fcomi(&f)
	if f.Flags&0x45 != 1 {
		t.Errorf("1 compared with 2: flags %#x, want CF only", f.Flags&0x45)
	}
}
