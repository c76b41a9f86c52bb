package softfloat

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"gemu/accel/interp/softfloat/internal/x87hw"
)

// The differential tests run each instruction on the host's x87 and in this
// package over the same operands and control word, and compare the result
// and the status flags bit for bit. -x87.cases scales the number of cases
// per family; -x87.seed makes a run reproducible (the seed is logged).
var (
	x87Cases = flag.Int("x87.cases", 10000, "random cases per x87 instruction family")
	x87Seed  = flag.Uint64("x87.seed", 0, "seed for the x87 differential tests (0: random)")
)

func newRand(t testing.TB) *rand.Rand {
	s := *x87Seed
	if s == 0 {
		s = rand.Uint64()
	}
	t.Logf("seed %d (rerun with -x87.seed=%d)", s, s)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// randFloat80 returns an operand biased toward the interesting encodings.
func randFloat80(r *rand.Rand) Float80 {
	sign := uint16(r.IntN(2)) << 15
	mant := func() uint64 {
		switch r.IntN(6) {
		case 0:
			return jBit | r.Uint64()>>r.IntN(64)<<r.IntN(64)>>1 // sparse
		case 1:
			return jBit | r.Uint64()&^(1<<(64-24)-1)>>1 // float32-exact
		case 2:
			return ^uint64(0) << r.IntN(64) // runs of ones
		}
		return jBit | r.Uint64()
	}
	switch r.IntN(24) {
	case 0:
		return Float80{0, sign}
	case 1:
		return Float80{jBit, sign | expMax} // infinity
	case 2:
		return Float80{jBit | quietBit | r.Uint64()>>2, sign | expMax} // QNaN
	case 3:
		return Float80{jBit | 1 + r.Uint64()>>3, sign | expMax} // SNaN
	case 4:
		return Float80{r.Uint64() >> r.IntN(64), sign} // denormal
	case 5:
		return Float80{jBit | r.Uint64(), sign} // pseudo-denormal
	case 6:
		switch r.IntN(3) {
		case 0:
			return Float80{r.Uint64() >> 1, sign | uint16(1+r.IntN(expMax-1))} // unnormal
		case 1:
			return Float80{r.Uint64() >> 1, sign | expMax} // pseudo-NaN/inf
		}
		return Float80{0, sign | uint16(1+r.IntN(expMax-1))}
	case 7:
		return Float80{mant(), sign | uint16(1+r.IntN(expMax-1))} // any exponent
	case 8, 9:
		return Float80{mant(), sign | uint16(1+r.IntN(80))} // near the bottom
	case 10:
		return Float80{mant(), sign | uint16(expMax-1-r.IntN(80))} // near the top
	case 11:
		return Indefinite
	case 12, 13:
		// a small integer
		return FromInt64(r.Int64N(1<<uint(r.IntN(63))) - 1<<uint(r.IntN(20)))
	}
	return Float80{mant(), sign | uint16(Bias-70+r.IntN(140))}
}

// randFCW returns a control word: every rounding and precision setting,
// mostly with exceptions masked.
func randFCW(r *rand.Rand) uint16 {
	masks := uint16(0x3f)
	if r.IntN(4) == 0 {
		masks = uint16(r.IntN(64))
	}
	return 0x40 | uint16(r.IntN(4))<<10 | uint16(r.IntN(4))<<8 | masks
}

func put80(b *[16]byte, f Float80) { f.PutBytes(b[:]) }
func ptr(b [10]byte) []byte        { return b[:] }

const fswCompare = uint16(AllExceptions|C1) | C0 | C2 | C3

type mismatchLog struct {
	t     *testing.T
	fam   string
	n     int
	shown int
}

func (m *mismatchLog) add(format string, args ...any) {
	m.n++
	if m.shown < 10 {
		m.shown++
		m.t.Errorf("%s: "+format, append([]any{m.fam}, args...)...)
	}
}

func (m *mismatchLog) done(cases int) {
	m.t.Logf("%-10s %7d cases, %d mismatches", m.fam, cases, m.n)
}

func (f Float80) String() string { return fmt.Sprintf("%04x:%016x", f.SignExp, f.Mant) }

// binaryOp describes a two-operand instruction run as "ST(0) op ST(1)".
type binaryOp struct {
	name string
	hw   func(*x87hw.Frame)
	sw   func(c *Context, a, b Float80) Float80
}

func TestX87Arith(t *testing.T) {
	r := newRand(t)
	ops := []binaryOp{
		{"fadd", x87hw.Fadd, (*Context).Add},
		{"fsub", x87hw.Fsub, (*Context).Sub},
		{"fsubr", x87hw.Fsubr, func(c *Context, a, b Float80) Float80 { return c.Sub(b, a) }},
		{"fmul", x87hw.Fmul, (*Context).Mul},
		{"fdiv", x87hw.Fdiv, (*Context).Div},
		{"fdivr", x87hw.Fdivr, func(c *Context, a, b Float80) Float80 { return c.Div(b, a) }},
	}
	for _, op := range ops {
		ml := mismatchLog{t: t, fam: op.name}
		for i := 0; i < *x87Cases; i++ {
			a, b := randFloat80(r), randFloat80(r)
			if r.IntN(4) == 0 { // close exponents: cancellation
				b.SignExp = b.SignExp&signBit | a.SignExp&expMax
			}
			fcw := randFCW(r)
			checkBinary(&ml, op, fcw, a, b)
		}
		ml.done(*x87Cases)
	}
}

func checkBinary(ml *mismatchLog, op binaryOp, fcw uint16, a, b Float80) {
	var fr x87hw.Frame
	fr.FCW = fcw
	put80(&fr.A, a)
	put80(&fr.B, b)
	op.hw(&fr)
	c := NewContext(fcw)
	got := op.sw(&c, a, b)
	if c.Status&PreComputation&^c.Mask != 0 {
		got = a
	}
	want := FromBytes(ptr(fr.ST(0)))
	if got != want || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
		ml.add("fcw %04x %v, %v: got %v fsw %04x, want %v fsw %04x", fcw, a, b, got, uint16(c.Status), want, fr.FSW&fswCompare)
	}
}

func TestX87Sqrt(t *testing.T) {
	r := newRand(t)
	ml := mismatchLog{t: t, fam: "fsqrt"}
	for i := 0; i < *x87Cases; i++ {
		a := randFloat80(r)
		if r.IntN(2) == 0 {
			a = a.Abs()
		}
		fcw := randFCW(r)
		var fr x87hw.Frame
		fr.FCW = fcw
		put80(&fr.A, a)
		x87hw.Fsqrt(&fr)
		c := NewContext(fcw)
		got := c.Sqrt(a)
		if c.Status&PreComputation&^c.Mask != 0 {
			got = a
		}
		want := FromBytes(ptr(fr.ST(0)))
		if got != want || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
			ml.add("fcw %04x %v: got %v fsw %04x, want %v fsw %04x", fcw, a, got, uint16(c.Status), want, fr.FSW&fswCompare)
		}
	}
	ml.done(*x87Cases)
}

func TestX87Compare(t *testing.T) {
	r := newRand(t)
	for _, op := range []struct {
		name    string
		hw      func(*x87hw.Frame)
		ordered bool
		eflags  bool
	}{
		{"fcom", x87hw.Fcom, true, false},
		{"fucom", x87hw.Fucom, false, false},
		{"fcomi", x87hw.Fcomi, true, true},
		{"fucomi", x87hw.Fucomi, false, true},
	} {
		ml := mismatchLog{t: t, fam: op.name}
		for i := 0; i < *x87Cases; i++ {
			a, b := randFloat80(r), randFloat80(r)
			if r.IntN(8) == 0 {
				b = a
			}
			fcw := randFCW(r)
			var fr x87hw.Frame
			fr.FCW = fcw
			put80(&fr.A, a)
			put80(&fr.B, b)
			op.hw(&fr)
			c := NewContext(fcw)
			o := c.Compare(a, b, op.ordered)
			gotFSW := uint16(c.Status)
			wantFSW := fr.FSW & fswCompare
			if op.eflags {
				const mask = 0x8d5
				got, want := o.EFLAGS(), fr.Flags&mask
				if c.Status&Invalid&^c.Mask != 0 {
					want = got // unmasked IE leaves EFLAGS unchanged
				}
				if got != want || gotFSW != wantFSW {
					ml.add("fcw %04x %v, %v: got eflags %#x fsw %04x, want %#x fsw %04x", fcw, a, b, got, gotFSW, want, wantFSW)
				}
				continue
			}
			gotFSW |= o.FSW()
			if gotFSW != wantFSW {
				ml.add("fcw %04x %v, %v: got fsw %04x, want %04x", fcw, a, b, gotFSW, wantFSW)
			}
		}
		ml.done(*x87Cases)
	}
}

func TestX87TestExamine(t *testing.T) {
	r := newRand(t)
	ml := mismatchLog{t: t, fam: "ftst"}
	ml2 := mismatchLog{t: t, fam: "fxam"}
	for i := 0; i < *x87Cases; i++ {
		a := randFloat80(r)
		fcw := randFCW(r)
		var fr x87hw.Frame
		fr.FCW = fcw
		put80(&fr.A, a)
		x87hw.Ftst(&fr)
		c := NewContext(fcw)
		got := uint16(c.Status) | c.Test(a).FSW()
		if want := fr.FSW & fswCompare; got != want {
			ml.add("fcw %04x %v: got fsw %04x, want %04x", fcw, a, got, want)
		}
		x87hw.Fxam(&fr)
		got = Examine(a, false)
		if want := fr.FSW & fswCompare; got != want {
			ml2.add("%v: got fsw %04x, want %04x", a, got, want)
		}
	}
	ml.done(*x87Cases)
	ml2.done(*x87Cases)
}

func TestX87Store(t *testing.T) {
	r := newRand(t)
	for _, op := range []struct {
		name string
		hw   func(*x87hw.Frame)
		size int
		sw   func(c *Context, a Float80) uint64
	}{
		{"fst m32", x87hw.Fstm32, 4, func(c *Context, a Float80) uint64 { return uint64(c.ToFloat32(a)) }},
		{"fst m64", x87hw.Fstm64, 8, func(c *Context, a Float80) uint64 { return c.ToFloat64(a) }},
		{"fist m16", x87hw.Fistm16, 2, func(c *Context, a Float80) uint64 { return uint64(c.ToInt(a, 16, false)) }},
		{"fist m32", x87hw.Fistm32, 4, func(c *Context, a Float80) uint64 { return uint64(c.ToInt(a, 32, false)) }},
		{"fist m64", x87hw.Fistm64, 8, func(c *Context, a Float80) uint64 { return uint64(c.ToInt(a, 64, false)) }},
		{"fisttp m16", x87hw.Fisttm16, 2, func(c *Context, a Float80) uint64 { return uint64(c.ToInt(a, 16, true)) }},
		{"fisttp m32", x87hw.Fisttm32, 4, func(c *Context, a Float80) uint64 { return uint64(c.ToInt(a, 32, true)) }},
		{"fisttp m64", x87hw.Fisttm64, 8, func(c *Context, a Float80) uint64 { return uint64(c.ToInt(a, 64, true)) }},
	} {
		ml := mismatchLog{t: t, fam: op.name}
		for i := 0; i < *x87Cases; i++ {
			a := randFloat80(r)
			switch r.IntN(4) {
			case 0: // integer range boundaries
				a = FromInt64(int64(1)<<uint(op.size*8-1) + r.Int64N(5) - 2)
				if r.IntN(2) == 0 {
					a = a.Neg()
				}
				a.Mant ^= r.Uint64() >> (64 - r.IntN(4)) // perturb
			case 1: // float32/float64 range boundaries
				e := []int{Bias - 126, Bias - 149, Bias + 127, Bias - 1022, Bias - 1074, Bias + 1023}[r.IntN(6)]
				a.SignExp = a.SignExp&signBit | uint16(e+r.IntN(5)-2)
				a.Mant |= jBit
			}
			fcw := randFCW(r)
			var fr x87hw.Frame
			fr.FCW = fcw
			put80(&fr.A, a)
			const sentinel = 0x5a5a5a5a5a5a5a5a
			binary.LittleEndian.PutUint64(fr.Mem[:], sentinel)
			op.hw(&fr)
			c := NewContext(fcw)
			got := op.sw(&c, a)
			mask := uint64(1)<<(8*op.size) - 1
			if op.size == 8 {
				mask = ^uint64(0)
			}
			got &= mask
			unmasked := c.Status & AllExceptions &^ c.Mask
			if unmasked&(Invalid|Denormal|Overflow|Underflow) != 0 {
				got = sentinel & mask
			}
			want := binary.LittleEndian.Uint64(fr.Mem[:]) & mask
			if got != want || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
				ml.add("fcw %04x %v: got %#x fsw %04x, want %#x fsw %04x", fcw, a, got, uint16(c.Status), want, fr.FSW&fswCompare)
			}
		}
		ml.done(*x87Cases)
	}
}

func TestX87Load(t *testing.T) {
	r := newRand(t)
	for _, op := range []struct {
		name string
		hw   func(*x87hw.Frame)
		sw   func(c *Context, v uint64) Float80
	}{
		{"fld m32", x87hw.Fldm32, func(c *Context, v uint64) Float80 { return c.FromFloat32(uint32(v)) }},
		{"fld m64", x87hw.Fldm64, func(c *Context, v uint64) Float80 { return c.FromFloat64(v) }},
		{"fild m16", x87hw.Fildm16, func(c *Context, v uint64) Float80 { return FromInt64(int64(int16(v))) }},
		{"fild m32", x87hw.Fildm32, func(c *Context, v uint64) Float80 { return FromInt64(int64(int32(v))) }},
		{"fild m64", x87hw.Fildm64, func(c *Context, v uint64) Float80 { return FromInt64(int64(v)) }},
	} {
		ml := mismatchLog{t: t, fam: op.name}
		for i := 0; i < *x87Cases; i++ {
			v := r.Uint64() >> r.IntN(64)
			switch r.IntN(6) {
			case 0:
				v = 0x7f800000 | r.Uint64()&0x807fffff>>r.IntN(24) // float32 inf/NaN
			case 1:
				v = 0x7ff0000000000000 | r.Uint64()&0x800fffffffffffff>>r.IntN(53)
			case 2:
				v = r.Uint64() & 0x807fffff >> r.IntN(24) // float32 denormal
			case 3:
				v = r.Uint64() & 0x800fffffffffffff >> r.IntN(53)
			case 4:
				v = r.Uint64()
			}
			fcw := randFCW(r)
			var fr x87hw.Frame
			fr.FCW = fcw
			binary.LittleEndian.PutUint64(fr.Mem[:], v)
			op.hw(&fr)
			c := NewContext(fcw)
			got := op.sw(&c, v)
			if c.Status&PreComputation&^c.Mask != 0 {
				// unmasked: nothing is pushed; ST(0) is empty
				got = FromBytes(ptr(fr.ST(0)))
			}
			want := FromBytes(ptr(fr.ST(0)))
			if got != want || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
				ml.add("fcw %04x %#x: got %v fsw %04x, want %v fsw %04x", fcw, v, got, uint16(c.Status), want, fr.FSW&fswCompare)
			}
		}
		ml.done(*x87Cases)
	}
}

func TestX87RoundInt(t *testing.T) {
	r := newRand(t)
	ml := mismatchLog{t: t, fam: "frndint"}
	for i := 0; i < *x87Cases; i++ {
		a := randFloat80(r)
		if r.IntN(2) == 0 {
			a.SignExp = a.SignExp&signBit | uint16(Bias-2+r.IntN(68))
		}
		fcw := randFCW(r)
		var fr x87hw.Frame
		fr.FCW = fcw
		put80(&fr.A, a)
		x87hw.Frndint(&fr)
		c := NewContext(fcw)
		got := c.RoundInt(a)
		if c.Status&PreComputation&^c.Mask != 0 {
			got = a
		}
		want := FromBytes(ptr(fr.ST(0)))
		if got != want || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
			ml.add("fcw %04x %v: got %v fsw %04x, want %v fsw %04x", fcw, a, got, uint16(c.Status), want, fr.FSW&fswCompare)
		}
	}
	ml.done(*x87Cases)
}
