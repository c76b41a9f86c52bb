package softfloat

import "math/bits"

// xf is the internal working precision of the transcendental functions: a
// sign, an exponent and a 128-bit significand (value = (hi:lo / 2^127) *
// 2^exp, hi's top bit set unless the value is zero). Operations truncate;
// with 128 bits they keep a margin of more than 60 bits over the 64-bit
// results, so the final rounding is the only one that matters in practice.
type xf struct {
	neg    bool
	exp    int32
	hi, lo uint64
}

func (a xf) isZero() bool { return a.hi == 0 && a.lo == 0 }

func xfNorm(neg bool, exp int32, hi, lo uint64) xf {
	if hi == 0 && lo == 0 {
		return xf{neg: neg}
	}
	n := uint(bits.LeadingZeros64(hi))
	if hi == 0 {
		n = 64 + uint(bits.LeadingZeros64(lo))
	}
	hi, lo = shl128(hi, lo, n)
	return xf{neg, exp - int32(n), hi, lo}
}

// xfFrom converts a finite Float80 exactly.
func xfFrom(f Float80) xf {
	if f.IsZero() {
		return xf{neg: f.Sign()}
	}
	s, e, m := unpack(f)
	return xf{s, e, m, 0}
}

func xfInt(i int64) xf { return xfFrom(FromInt64(i)) }

// xfConst builds a constant from its top 128 significand bits.
func xfConst(exp int32, hi, lo uint64) xf { return xf{false, exp, hi, lo} }

func (a xf) neg_() xf { a.neg = !a.neg; return a }

func (a xf) scale(n int32) xf {
	if !a.isZero() {
		a.exp += n
	}
	return a
}

func xadd(a, b xf) xf {
	if a.isZero() {
		return b
	}
	if b.isZero() {
		return a
	}
	if a.exp < b.exp || (a.exp == b.exp && (a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo))) {
		a, b = b, a
	}
	d := a.exp - b.exp
	if d > 200 {
		d = 200 // b only contributes a sticky bit
	}
	bh, bl := shiftRightJam128(b.hi, b.lo, uint(d))
	if a.neg == b.neg {
		lo, c := bits.Add64(a.lo, bl, 0)
		hi, c := bits.Add64(a.hi, bh, c)
		if c != 0 {
			hi, lo = shiftRightJam128(hi, lo, 1)
			hi |= 1 << 63
			return xf{a.neg, a.exp + 1, hi, lo}
		}
		return xf{a.neg, a.exp, hi, lo}
	}
	lo, br := bits.Sub64(a.lo, bl, 0)
	hi, _ := bits.Sub64(a.hi, bh, br)
	return xfNorm(a.neg, a.exp, hi, lo)
}

func xsub(a, b xf) xf { return xadd(a, b.neg_()) }

func xmul(a, b xf) xf {
	if a.isZero() || b.isZero() {
		return xf{neg: a.neg != b.neg}
	}
	// (ah:al)(bh:bl): keep the top 128 bits of the 256-bit product.
	h1, l1 := bits.Mul64(a.hi, b.hi)
	h2, _ := bits.Mul64(a.hi, b.lo)
	h3, _ := bits.Mul64(a.lo, b.hi)
	lo, c := bits.Add64(l1, h2, 0)
	hi, _ := bits.Add64(h1, 0, c)
	lo, c = bits.Add64(lo, h3, 0)
	hi, _ = bits.Add64(hi, 0, c)
	e := a.exp + b.exp
	var sticky uint64
	if a.lo|b.lo != 0 {
		sticky = 1 // low partial products dropped
	}
	if hi&(1<<63) != 0 {
		return xf{a.neg != b.neg, e + 1, hi, lo | sticky}
	}
	hi, lo = shl128(hi, lo, 1)
	return xf{a.neg != b.neg, e, hi, lo | sticky}
}

// xdiv divides by long division, 128 quotient bits.
func xdiv(a, b xf) xf {
	if a.isZero() || b.isZero() {
		return xf{neg: a.neg != b.neg}
	}
	// Remainder r = a's significand; quotient bits from the top.
	rh, rl := a.hi, a.lo
	var rc uint64 // carry bit above rh
	var qh, ql uint64
	e := a.exp - b.exp
	for i := 0; i < 128; i++ {
		// if r >= b: subtract, set bit
		ge := rc != 0 || rh > b.hi || (rh == b.hi && rl >= b.lo)
		qh = qh<<1 | ql>>63
		ql <<= 1
		if ge {
			var br uint64
			rl, br = bits.Sub64(rl, b.lo, 0)
			rh, _ = bits.Sub64(rh, b.hi, br)
			ql |= 1
		}
		rc = rh >> 63
		rh = rh<<1 | rl>>63
		rl <<= 1
	}
	// The quotient of two significands in [1,2) is in (1/2, 2): q holds
	// it with its integer bit at bit 127. A non-zero remainder leaves a
	// sticky bit.
	r := xfNorm(a.neg != b.neg, e, qh, ql)
	if rc|rh|rl != 0 {
		r.lo |= 1
	}
	return r
}

// xsqrt returns the square root of a positive value (Newton's method from
// a float64 estimate).
func xsqrt(a xf) xf {
	if a.isZero() {
		return a
	}
	// Estimate from the top 53 bits.
	e := a.exp
	var est xf
	{
		m := float64(a.hi>>11) / (1 << 52) // in [1,2)
		if e&1 != 0 {
			m *= 2
			e--
		}
		s := sqrt64(m)
		est = xfFromFloat64(s).scale(e / 2)
	}
	half := xf{false, -1, 1 << 63, 0}
	for i := 0; i < 3; i++ {
		est = xmul(half, xadd(est, xdiv(a, est)))
	}
	return est
}

// sqrt64 is a float64 square root by Newton's method (no math import is
// needed for the estimate's precision).
func sqrt64(x float64) float64 {
	r := x
	for i := 0; i < 40; i++ {
		r = 0.5 * (r + x/r)
	}
	return r
}

func xfFromFloat64(v float64) xf {
	// v in [1, 2] here: scale to an integer significand.
	m := uint64(v * (1 << 62))
	return xfNorm(false, 1, m, 0)
}

// toFloat80 rounds a to the extended format with the context (64 bits:
// the transcendental instructions ignore precision control).
func (c *Context) xfRound(a xf) Float80 {
	if a.isZero() {
		return zero(a.neg)
	}
	return c.roundPack(a.neg, a.exp, a.hi, a.lo, 64)
}

// cmpMag compares magnitudes.
func cmpMag(a, b xf) int {
	switch {
	case a.isZero() && b.isZero():
		return 0
	case a.isZero():
		return -1
	case b.isZero():
		return 1
	case a.exp != b.exp:
		if a.exp < b.exp {
			return -1
		}
		return 1
	case a.hi != b.hi:
		if a.hi < b.hi {
			return -1
		}
		return 1
	case a.lo != b.lo:
		if a.lo < b.lo {
			return -1
		}
		return 1
	}
	return 0
}
