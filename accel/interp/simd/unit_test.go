package simd

import (
	"hash/crc32"
	"math"
	"testing"
)

// Known values, independent of the host (the differential tests in
// *_amd64_test.go cover the rest).

func pd(a, b float64) Vec { return VecFrom(math.Float64bits(a), math.Float64bits(b)) }

func TestFloatValues(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mx        uint32
		f         func(d, s *Vec, mx *uint32) bool
		d, s      Vec
		want      Vec
		wantMX    uint32
		wantFault bool
	}{
		{"addpd", MXCSRDefault, AddPD, pd(1, 2), pd(0.5, 0.25), pd(1.5, 2.25), MXCSRDefault, false},
		{"addsd keeps high", MXCSRDefault, AddSD, pd(1, 7), pd(2, 9), pd(3, 7), MXCSRDefault, false},
		{"divsd 1/3 up", MXCSRDefault | RoundUp<<RCShift, DivSD, pd(1, 0), pd(3, 0), VecFrom(0x3fd5555555555556, 0), MXCSRDefault | RoundUp<<RCShift | PE, false},
		{"divsd 1/0", MXCSRDefault, DivSD, pd(1, 0), pd(0, 0), pd(math.Inf(1), 0), MXCSRDefault | ZE, false},
		{"divsd 1/0 unmasked", MXCSRDefault &^ ZM, DivSD, pd(1, 0), pd(0, 0), pd(1, 0), MXCSRDefault&^ZM | ZE, true},
		{"sqrtsd -1", MXCSRDefault, SqrtSD, pd(5, 0), pd(-1, 0), VecFrom(0xfff8000000000000, 0), MXCSRDefault | IE, false},
		{"addsd first NaN wins", MXCSRDefault, AddSD, VecFrom(0x7ff8000000000001, 0), VecFrom(0x7ff8000000000002, 0), VecFrom(0x7ff8000000000001, 0), MXCSRDefault, false},
		{"mulsd FTZ", MXCSRDefault | FTZ, MulSD, VecFrom(0x0010000000000000, 0), pd(0.5, 0), pd(0, 0), MXCSRDefault | FTZ | UE | PE, false},
		{"addsd DAZ", MXCSRDefault | DAZ, AddSD, VecFrom(1, 0), pd(0, 0), pd(0, 0), MXCSRDefault | DAZ, false},
		{"minsd NaN gives second", MXCSRDefault, MinSD, VecFrom(0x7ff8000000000000, 0), pd(3, 0), pd(3, 0), MXCSRDefault | IE, false},
	} {
		d, s, mx := tc.d, tc.s, tc.mx
		fault := tc.f(&d, &s, &mx)
		if d != tc.want || mx != tc.wantMX || fault != tc.wantFault {
			t.Errorf("%s: got % x mxcsr %#x fault %v, want % x mxcsr %#x fault %v", tc.name, d, mx, fault, tc.want, tc.wantMX, tc.wantFault)
		}
	}
}

func TestConversionValues(t *testing.T) {
	mx := MXCSRDefault
	s := pd(2.5, 0)
	if v, _ := CvtSD2SI(&s, false, false, &mx); v != 2 {
		t.Errorf("cvtsd2si 2.5 = %d", v)
	}
	if v, _ := CvtSD2SI(&s, false, true, &mx); v != 2 {
		t.Errorf("cvttsd2si 2.5 = %d", v)
	}
	s = pd(3e9, 0)
	mx = MXCSRDefault
	if v, _ := CvtSD2SI(&s, false, false, &mx); v != 0x80000000 || mx&IE == 0 {
		t.Errorf("cvtsd2si 3e9 = %#x mxcsr %#x", v, mx)
	}
	d := Vec{}
	mx = MXCSRDefault
	CvtSI2SS(&d, 16777217, false, &mx)
	if d.F32(0) != 16777216 || mx&PE == 0 {
		t.Errorf("cvtsi2ss 2^24+1 = %v mxcsr %#x", d.F32(0), mx)
	}
	mx = MXCSRDefault
	s = pd(2.5, -2.5)
	RoundPD(&d, &s, 0, &mx)
	if d.F64(0) != 2 || d.F64(1) != -2 {
		t.Errorf("roundpd nearest = %v %v", d.F64(0), d.F64(1))
	}
}

func TestIntegerValues(t *testing.T) {
	a := Vec{0: 0x7f, 1: 0x80, 2: 200, 15: 1}
	b := Vec{0: 1, 1: 0xff, 2: 100, 15: 2}
	d := a
	PaddSB(&d, &b)
	if d[0] != 0x7f || d[1] != 0x80 || d[15] != 3 {
		t.Errorf("paddsb = % x", d)
	}
	d = a
	PaddUSB(&d, &b)
	if d[2] != 255 {
		t.Errorf("paddusb = % x", d)
	}
	d = Vec{0: 'a', 1: 'b', 2: 'c', 3: 'd'}
	sel := Vec{0: 3, 1: 0x80, 2: 0, 3: 1}
	PshufB(&d, &sel)
	if d[0] != 'd' || d[1] != 0 || d[2] != 'a' || d[3] != 'b' {
		t.Errorf("pshufb = % x", d)
	}
	if got := PaddBMMX(0x01ff, 0x0101); got != 0x0200 {
		t.Errorf("paddb mmx = %#x", got)
	}
	vowels := Vec{'a', 'e', 'i', 'o', 'u'}
	text := Vec{'h', 'e', 'l', 'l', 'o'}
	if i, fl := PcmpIstrI(&vowels, &text, 0); i != 1 || fl&flagCF == 0 || fl&flagZF == 0 {
		t.Errorf("pcmpistri vowels in hello = %d flags %#x", i, fl)
	}
	// CRC32 accumulates CRC-32C without the final inversion.
	crc := ^uint32(0)
	for _, c := range []byte("123456789") {
		crc = CRC32(crc, uint64(c), 1)
	}
	if want := crc32.Checksum([]byte("123456789"), crc32.MakeTable(crc32.Castagnoli)); ^crc != want {
		t.Errorf("crc32c = %#x, want %#x", ^crc, want)
	}
	if n, fl := Popcnt(0xf0f0); n != 8 || fl != 0 {
		t.Errorf("popcnt = %d %#x", n, fl)
	}
}
