package ssehw

import (
	"encoding/binary"
	"reflect"
	"testing"
)

func TestFrameLayout(t *testing.T) {
	want := map[string]uintptr{"Dst": 0, "Src": 16, "MXCSR": 32, "MXCSROut": 36, "saved": 44, "Out": 48,
		"Flags": 64, "RAX": 72, "RCX": 80, "RDX": 88, "Mask": 96, "OutMM": 112}
	typ := reflect.TypeOf(Frame{})
	for name, off := range want {
		f, ok := typ.FieldByName(name)
		if !ok || f.Offset != off {
			t.Errorf("offset of %s = %d, want %d", name, f.Offset, off)
		}
	}
}

func TestAddPDAndFault(t *testing.T) {
	var f Frame
	f.MXCSR = 0x1f80
	binary.LittleEndian.PutUint64(f.Dst[:], 0x3ff0000000000000) // 1.0
	binary.LittleEndian.PutUint64(f.Src[:], 0x4000000000000000) // 2.0
	if Run(op_addpd, &f) {
		t.Fatal("1+2 faulted")
	}
	if got := binary.LittleEndian.Uint64(f.Out[:]); got != 0x4008000000000000 {
		t.Errorf("1+2 = %#x", got)
	}
	// 1/0 with ZE unmasked faults and leaves ZE set.
	f = Frame{MXCSR: 0x1f80 &^ (1 << 9)}
	binary.LittleEndian.PutUint64(f.Dst[:], 0x3ff0000000000000)
	if !Run(op_divsd, &f) {
		t.Fatal("1/0 with ZE unmasked did not fault")
	}
	if f.MXCSROut&0x3f != 4 {
		t.Errorf("MXCSR after fault = %#x, want ZE", f.MXCSROut)
	}
	// The thread's MXCSR is back to the default.
	var m uint32
	readMXCSR(&m)
	if m != 0x1f80 {
		t.Errorf("MXCSR after recovery = %#x", m)
	}
}
