package softfloat

import (
	"math"
	"testing"
)

// toF64 rounds to a float64 for rough checks.
func toF64(f Float80) float64 {
	c := NewContext(0x37f)
	return math.Float64frombits(c.ToFloat64(f))
}

func fromF64(v float64) Float80 {
	c := NewContext(0x37f)
	return c.FromFloat64(math.Float64bits(v))
}

func TestConstants(t *testing.T) {
	// pi by Machin's formula, ln 2 by its series, in working precision.
	atanInv := func(n int64) xf { return atanK(xdiv(xfOne, xfInt(n))) }
	pi := xsub(xmul(xfInt(16), atanInv(5)), xmul(xfInt(4), atanInv(239)))
	if d := xsub(pi, xfPi); !d.isZero() && d.exp > xfPi.exp-120 {
		t.Errorf("pi constant differs from Machin's formula: %+v vs %+v", pi, xfPi)
	}
	ln2 := lnK(xfOne, xfInt(3))
	if d := xsub(ln2, xfLn2); !d.isZero() && d.exp > xfLn2.exp-120 {
		t.Errorf("ln2 constant differs from its series: %+v vs %+v", ln2, xfLn2)
	}
	if Pi != NewContextRound(xfPi) {
		t.Errorf("FLDPI constant %v, want %v", Pi, NewContextRound(xfPi))
	}
}

func NewContextRound(a xf) Float80 { c := NewContext(0x37f); return c.xfRound(a) }

func TestTranscendentalValues(t *testing.T) {
	c := NewContext(0x37f)
	for _, tc := range []struct {
		name string
		got  Float80
		want float64
	}{
		{"sin(1)", first(c.Sin(fromF64(1))), math.Sin(1)},
		{"cos(1)", first(c.Cos(fromF64(1))), math.Cos(1)},
		{"sin(100)", first(c.Sin(fromF64(100))), math.Sin(100)},
		{"cos(-3)", first(c.Cos(fromF64(-3))), math.Cos(-3)},
		{"tan(0.5)", tanOf(c, 0.5), math.Tan(0.5)},
		{"atan2(1,2)", c.Atan2(fromF64(1), fromF64(2)), math.Atan2(1, 2)},
		{"atan2(-3,-1)", c.Atan2(fromF64(-3), fromF64(-1)), math.Atan2(-3, -1)},
		{"2^0.5-1", c.TwoXM1(fromF64(0.5)), math.Sqrt2 - 1},
		{"3*log2(10)", c.YL2X(fromF64(3), fromF64(10)), 3 * math.Log2(10)},
		{"log2(1.25)", c.YL2XP1(fromF64(1), fromF64(0.25)), math.Log2(1.25)},
	} {
		if g := toF64(tc.got); math.Abs(g-tc.want) > 1e-15*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("%s = %v, want %v", tc.name, g, tc.want)
		}
	}
}

func first(f Float80, _ bool) Float80 { return f }

func tanOf(c Context, v float64) Float80 { r, _, _ := c.Tan(fromF64(v)); return r }
