package softfloat

import (
	"math"
	"testing"
)

// Known values, independent of the host (the differential tests in
// *_amd64_test.go cover the rest).

func f80(v float64) Float80 { return fromF64(v) }

func TestArithmeticValues(t *testing.T) {
	third := Float80{Mant: 0xaaaaaaaaaaaaaaaa, SignExp: Bias - 2}
	for _, tc := range []struct {
		name   string
		fcw    uint16
		f      func(c *Context) Float80
		want   Float80
		status Exceptions
	}{
		{"1+2", 0x37f, func(c *Context) Float80 { return c.Add(One, f80(2)) }, f80(3), 0},
		{"1/3 nearest", 0x37f, func(c *Context) Float80 { return c.Div(One, f80(3)) }, Float80{0xaaaaaaaaaaaaaaab, Bias - 2}, Inexact | C1},
		{"1/3 down", 0x77f, func(c *Context) Float80 { return c.Div(One, f80(3)) }, third, Inexact},
		{"1/3 single precision", 0x07f, func(c *Context) Float80 { return c.Div(One, f80(3)) }, Float80{0xaaaaab0000000000, Bias - 2}, Inexact | C1},
		{"1/0", 0x37f, func(c *Context) Float80 { return c.Div(One, Zero) }, Inf, ZeroDivide},
		{"0/0", 0x37f, func(c *Context) Float80 { return c.Div(Zero, Zero) }, Indefinite, Invalid},
		{"inf-inf", 0x37f, func(c *Context) Float80 { return c.Sub(Inf, Inf) }, Indefinite, Invalid},
		{"sqrt 4", 0x37f, func(c *Context) Float80 { return c.Sqrt(f80(4)) }, f80(2), 0},
		{"sqrt -1", 0x37f, func(c *Context) Float80 { return c.Sqrt(f80(-1)) }, Indefinite, Invalid},
		{"unnormal", 0x37f, func(c *Context) Float80 { return c.Add(Float80{1, Bias}, One) }, Indefinite, Invalid},
		{"overflow", 0x37f, func(c *Context) Float80 { return c.Mul(Float80{jBit, 0x7ffe}, f80(2)) }, Inf, Overflow | Inexact | C1},
		{"overflow toward zero", 0xf7f, func(c *Context) Float80 { return c.Mul(Float80{jBit, 0x7ffe}, f80(2)) }, Float80{^uint64(0), 0x7ffe}, Overflow | Inexact},
		{"underflow to denormal", 0x37f, func(c *Context) Float80 { return c.Div(Float80{jBit, 1}, f80(4)) }, Float80{jBit >> 2, 0}, 0},
		{"frndint 2.5", 0x37f, func(c *Context) Float80 { return c.RoundInt(f80(2.5)) }, f80(2), Inexact},
		{"fscale", 0x37f, func(c *Context) Float80 { return c.Scale(f80(3), f80(4.7)) }, f80(48), 0},
	} {
		c := NewContext(tc.fcw)
		if got := tc.f(&c); got != tc.want || c.Status != tc.status {
			t.Errorf("%s: got %v status %#x, want %v status %#x", tc.name, got, c.Status, tc.want, tc.status)
		}
	}
}

func TestConversionValues(t *testing.T) {
	c := NewContext(0x37f)
	if got := c.ToInt(f80(-2.5), 16, false); got != -2 {
		t.Errorf("FIST -2.5 = %d", got)
	}
	if got := c.ToInt(f80(-2.5), 16, true); got != -2 {
		t.Errorf("FISTTP -2.5 = %d", got)
	}
	if got := c.ToInt(f80(40000), 16, false); got != -32768 || c.Status&Invalid == 0 {
		t.Errorf("FIST 40000 to m16 = %d, status %#x", got, c.Status)
	}
	c = NewContext(0x37f)
	if got := math.Float64frombits(c.ToFloat64(c.Div(One, f80(3)))); got != 1.0/3 {
		t.Errorf("1/3 to double = %v", got)
	}
	if got := c.ToFloat32(f80(1e39)); got != 0x7f800000 || c.Status&Overflow == 0 {
		t.Errorf("1e39 to single = %#x status %#x", got, c.Status)
	}
	bcd := c.ToBCD(f80(-1234567))
	if want := [10]byte{0x67, 0x45, 0x23, 0x01, 9: 0x80}; bcd != want {
		t.Errorf("FBSTP -1234567 = % x", bcd)
	}
	if got := FromBCD(bcd); got != f80(-1234567) {
		t.Errorf("FBLD back = %v", got)
	}
	var b [10]byte
	Pi.PutBytes(b[:])
	if FromBytes(b[:]) != Pi || Float80(Pi.Accel()) != Pi {
		t.Error("10-byte or accel round trip changed pi")
	}
}

func TestCompareAndExamine(t *testing.T) {
	c := NewContext(0x37f)
	if o := c.Compare(One, f80(2), true); o != Less || o.FSW() != C0 || o.EFLAGS() != 1 {
		t.Errorf("1 vs 2: %v", o)
	}
	if o := c.Compare(Indefinite, One, false); o != Unordered || c.Status != 0 {
		t.Errorf("FUCOM QNaN: %v status %#x", o, c.Status)
	}
	if o := c.Compare(Indefinite, One, true); o != Unordered || c.Status != Invalid {
		t.Errorf("FCOM QNaN: %v status %#x", o, c.Status)
	}
	for _, tc := range []struct {
		f    Float80
		want uint16
	}{{Zero, C3}, {One.Neg(), C2 | uint16(C1)}, {Inf, C2 | C0}, {Indefinite, C0 | uint16(C1)}, {Float80{1, 0}, C3 | C2}, {Float80{1, Bias}, 0}} {
		if got := Examine(tc.f, false); got != tc.want {
			t.Errorf("FXAM %v = %#x, want %#x", tc.f, got, tc.want)
		}
	}
	if got := Examine(One, true); got != C3|C0 {
		t.Errorf("FXAM empty = %#x", got)
	}
}

// TestMemoryOperands: float32/float64 memory operands of arithmetic keep a
// signalling NaN signalling (two SNaNs: the larger significand wins) and
// report a denormal only when no operand is a NaN, as the host's x87 does.
func TestMemoryOperands(t *testing.T) {
	snan80 := Float80{Mant: 0xa000000000000000, SignExp: 0x7fff}
	qnan80 := Float80{Mant: 0xc000000000000000, SignExp: 0xffff}
	for _, tc := range []struct {
		name   string
		f      func(c *Context) Float80
		want   Float80
		status Exceptions
	}{
		{"SNaN / m32 SNaN with a smaller significand", func(c *Context) Float80 { return c.Div(c.Float32Operand(0x7f9634e8), snan80) },
			Float80{Mant: 0xe000000000000000, SignExp: 0x7fff}, Invalid},
		{"SNaN + m64 SNaN with a larger significand", func(c *Context) Float80 { return c.Add(snan80, c.Float64Operand(0x7ff6000000000000)) },
			Float80{Mant: 0xf000000000000000, SignExp: 0x7fff}, Invalid},
		{"FLD m32 SNaN quiets", func(c *Context) Float80 { return c.FromFloat32(0x7f9634e8) },
			Float80{Mant: 0xd634e80000000000, SignExp: 0x7fff}, Invalid},
		{"QNaN - m32 denormal", func(c *Context) Float80 { return c.Sub(qnan80, c.Float32Operand(1)) }, qnan80, 0},
		{"m64 denormal * QNaN", func(c *Context) Float80 { return c.Mul(c.Float64Operand(1), qnan80) }, qnan80, 0},
		{"1 + m32 denormal", func(c *Context) Float80 { return c.Add(One, c.Float32Operand(1)) }, One, Denormal | Inexact},
		{"m32 denormal / 0", func(c *Context) Float80 { return c.Div(c.Float32Operand(1), Zero) }, Inf, ZeroDivide},
		{"FLD m32 denormal", func(c *Context) Float80 { return c.FromFloat32(0x80000001) }, Float80{Mant: jBit, SignExp: 0x8000 | uint16(Bias-149)}, Denormal},
	} {
		c := NewContext(0x37f)
		if got := tc.f(&c); got != tc.want || c.Status != tc.status {
			t.Errorf("%s: got %v status %#x, want %v status %#x", tc.name, got, c.Status, tc.want, tc.status)
		}
	}
	c := NewContext(0x37f)
	c.Float32Operand(1)
	if o := c.Compare(One, c.Float32Operand(1), true); o != Greater || c.Status != Denormal {
		t.Errorf("FCOM 1, m32 denormal: %v status %#x", o, c.Status)
	}
}

// TestTranscendentalFlags: results and flags the host's x87 gives where the
// 128-bit approximation lands exactly on a 64-bit value (all measured on
// an Intel host).
func TestTranscendentalFlags(t *testing.T) {
	piDown := Float80{Mant: 0xc90fdaa22168c234, SignExp: 0x4000}
	piUp := Float80{Mant: 0xc90fdaa22168c235, SignExp: 0x4000}
	minDenormal := Float80{Mant: 1}
	for _, tc := range []struct {
		name   string
		fcw    uint16
		f      func(c *Context) Float80
		want   Float80
		status Exceptions
	}{
		{"fsin(pi rounded down), truncating", 0xf7f, func(c *Context) Float80 { r, _ := c.Sin(piDown); return r },
			Float80{Mant: 0xbfffffffffffffff, SignExp: 0x3fc0}, Inexact},
		{"fptan(pi rounded up)", 0x27f, func(c *Context) Float80 { r, _, _ := c.Tan(piUp); return r },
			Float80{Mant: 1 << 63, SignExp: 0x3fbf}, Inexact},
		{"fyl2x(1, 4): exact, still PE", 0x37f, func(c *Context) Float80 { return c.YL2X(One, f80(4)) }, f80(2), Inexact},
		{"fpatan(2^-41*(1+2^-63), 1), truncating: y/x itself", 0xf7f, func(c *Context) Float80 {
			return c.Atan2(Float80{Mant: 0x8000000000000001, SignExp: Bias - 41}, One)
		}, Float80{Mant: 0x8000000000000001, SignExp: Bias - 41}, Inexact},
		{"fpatan(2^-40*(1+2^-63), 1), truncating: the series", 0xf7f, func(c *Context) Float80 {
			return c.Atan2(Float80{Mant: 0x8000000000000001, SignExp: Bias - 40}, One)
		}, Float80{Mant: 0x8000000000000000, SignExp: Bias - 40}, Inexact},
		{"fpatan(min denormal, 1): underflow", 0xe7f, func(c *Context) Float80 { return c.Atan2(minDenormal, One) },
			minDenormal, Inexact | Underflow | Denormal},
		{"fcos(0)", 0x37f, func(c *Context) Float80 { r, _ := c.Cos(Zero); return r }, One, 0},
	} {
		c := NewContext(tc.fcw)
		if got := tc.f(&c); got != tc.want || c.Status&^C1 != tc.status {
			t.Errorf("%s: got %v status %#x, want %v status %#x", tc.name, got, c.Status, tc.want, tc.status)
		}
	}
}
