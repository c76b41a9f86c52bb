package softfloat

import "testing"

func TestLoadConst(t *testing.T) {
	near := NewContext(0x37f)
	for _, tc := range []struct {
		k    Const
		want Float80
	}{{ConstPi, Pi}, {ConstL2E, Log2E}, {ConstL2T, Log2T}, {ConstLG2, Lg2}, {ConstLN2, Ln2}, {ConstOne, One}, {ConstZero, Zero}} {
		if got := near.LoadConst(tc.k); got != tc.want {
			t.Errorf("constant %d to nearest = %v, want %v", tc.k, got, tc.want)
		}
	}
	// Rounding down and up bracket the value one ulp apart.
	down, up := NewContext(0x77f), NewContext(0xb7f)
	for k := ConstL2T; k <= ConstLN2; k++ {
		d, u := down.LoadConst(k), up.LoadConst(k)
		if u.Mant-d.Mant != 1 || u.SignExp != d.SignExp {
			t.Errorf("constant %d: down %v, up %v", k, d, u)
		}
	}
	// Working-precision constants agree with the load constants.
	if got := NewContextRound(xfLn2); got != Ln2 {
		t.Errorf("xfLn2 rounds to %v, want %v", got, Ln2)
	}
	if got := NewContextRound(xfLog2E); got != Log2E {
		t.Errorf("xfLog2E rounds to %v, want %v", got, Log2E)
	}
}
