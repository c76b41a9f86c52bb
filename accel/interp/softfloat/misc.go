package softfloat

import "math/bits"

// Rem computes the partial remainder of a divided by b: FPREM
// (nearest == false: the quotient is truncated, the remainder has a's sign)
// and FPREM1 (nearest == true: IEEE remainder, quotient rounded to nearest
// even). It returns the new ST(0) and the condition codes: C2 set when the
// reduction is incomplete (exponent difference of 64 or more; the
// instruction is to be repeated), otherwise C0, C3 and C1 hold quotient
// bits 2, 1 and 0. The caller copies C0, C1, C2 and C3 into FSW.
func (c *Context) Rem(a, b Float80, nearest bool) (Float80, uint16) {
	ca, cb, r, done := c.screen2(a, b)
	if done {
		return r, 0
	}
	if ca == ClassInf || cb == ClassZero {
		return c.invalid(), 0
	}
	if (isDenormalClass(ca) || isDenormalClass(cb)) && c.denormal() {
		return a, 0
	}
	if cb == ClassInf || ca == ClassZero {
		if ca == ClassPseudoDenormal {
			a.SignExp++ // the same value, normalised
		}
		return a, 0
	}
	sa, ea, ma := unpack(a)
	_, eb, mb := unpack(b)
	d := ea - eb
	if d >= 64 {
		// Partial remainder: the processor reduces the exponent
		// difference by a multiple of 32, leaving between 32 and 63
		// (the SDM's implementation-dependent N), with the quotient
		// truncated in both instructions.
		n := 32 + d%32
		shift := d - n
		q, rem := remainderBits(ma, mb, n)
		_ = q
		res := c.remResult(sa, eb+shift, rem)
		return res, C2
	}
	var q, rem uint64
	if d < 0 {
		q, rem = 0, 0
	} else {
		q, rem = remainderBits(ma, mb, d)
	}
	sign := sa
	if nearest {
		var gt, eq bool
		if d < 0 {
			// |a| < |b|: round the quotient 0 up when |a| > |b|/2.
			if d == -1 {
				gt, eq = ma > mb, ma == mb
			}
		} else {
			twice := rem << 1 // rem < mb < 2^64: compare 2*rem with mb
			carry := rem >> 63
			gt = carry != 0 || twice > mb
			eq = carry == 0 && twice == mb
		}
		if gt || (eq && q&1 != 0) {
			q++
			sign = !sign
			if d < 0 {
				// result = b - |a| with the exponents of a.
				return c.remDiff(sign, ea, eb, ma, mb, q)
			}
			rem = mb - rem
		}
	}
	cc := quotientBits(q)
	if d < 0 {
		return c.exactResult(a), cc
	}
	return c.remResult(sign, eb, rem), cc
}

// remainderBits returns the quotient and remainder of ma*2^d / mb for
// d < 64.
func remainderBits(ma, mb uint64, d int32) (q, rem uint64) {
	hi, lo := ma>>(64-uint(d)), ma<<uint(d)
	if d == 0 {
		hi = 0
	}
	return bits.Div64(hi, lo, mb)
}

// remDiff handles FPREM1 with |b|/2 < |a| < |b|: the result is |b| - |a|
// with the quotient 1.
func (c *Context) remDiff(sign bool, ea, eb int32, ma, mb, q uint64) (Float80, uint16) {
	// Align a to b's exponent (ea = eb - 1): b - a exactly in 65 bits.
	hi, lo := mb, uint64(0)
	ah, al := shiftRightJam128(ma, 0, uint(eb-ea))
	lo, br := bits.Sub64(lo, al, 0)
	hi, _ = bits.Sub64(hi, ah, br)
	n := uint(bits.LeadingZeros64(hi))
	if hi == 0 {
		n = 64 + uint(bits.LeadingZeros64(lo))
	}
	hi, lo = shl128(hi, lo, n)
	return c.roundPack(sign, eb-int32(n), hi, lo, 64), quotientBits(q)
}

func quotientBits(q uint64) uint16 {
	var cc uint16
	if q&4 != 0 {
		cc |= C0
	}
	if q&2 != 0 {
		cc |= C3
	}
	if q&1 != 0 {
		cc |= uint16(C1)
	}
	return cc
}

// remResult packs rem * 2^(e-63) (exact) with sign.
func (c *Context) remResult(sign bool, e int32, rem uint64) Float80 {
	if rem == 0 {
		return zero(sign)
	}
	n := bits.LeadingZeros64(rem)
	return c.roundPack(sign, e-int32(n), rem<<uint(n), 0, 64)
}

// exactResult returns a finite a unchanged except that a denormal result is
// checked for underflow as the x87 does for results.
func (c *Context) exactResult(a Float80) Float80 {
	if a.IsDenormal() {
		s, e, m := unpack(a)
		return c.roundPack(s, e, m, 0, 64)
	}
	return a
}

// Scale returns a * 2^trunc(b) (FSCALE).
func (c *Context) Scale(a, b Float80) Float80 {
	ca, cb, r, done := c.operands2(a, b)
	if done {
		return r
	}
	switch {
	case cb == ClassInf:
		switch {
		case ca == ClassZero && !b.Sign(), ca == ClassInf && b.Sign():
			return c.invalid()
		case ca == ClassZero || ca == ClassInf:
			return a
		case b.Sign():
			return zero(a.Sign())
		}
		return infinity(a.Sign())
	case ca == ClassZero || ca == ClassInf:
		return a
	}
	var n int64
	if cb != ClassZero {
		sb, eb, mb := unpack(b)
		switch {
		case eb >= 30:
			n = 1 << 30
		case eb >= 0:
			n = int64(mb >> uint(63-eb))
		}
		if sb {
			n = -n
		}
	}
	if cb == ClassZero {
		// Scaling by zero keeps a denormal as it is (no underflow)
		// but normalises a pseudo-denormal.
		if ca == ClassPseudoDenormal {
			a.SignExp++
		}
		return a
	}
	sa, ea, ma := unpack(a)
	e := int64(ea) + n
	if e > 1<<20 {
		e = 1 << 20
	} else if e < -(1 << 20) {
		e = -(1 << 20)
	}
	return c.roundPack(sa, int32(e), ma, 0, 64)
}

// Xtract splits f into its exponent and significand (FXTRACT): exp is the
// unbiased exponent as a value, sig has f's sign and an exponent of zero.
// The x87 replaces ST(0) with exp and then pushes sig.
func (c *Context) Xtract(f Float80) (exp, sig Float80) {
	switch f.Classify() {
	case ClassUnsupported:
		r := c.invalid()
		return r, r
	case ClassQNaN, ClassSNaN:
		r := c.quiet(f)
		return r, r
	case ClassZero:
		c.Status |= ZeroDivide
		return infinity(true), f
	case ClassInf:
		return infinity(false), f
	case ClassDenormal, ClassPseudoDenormal:
		if c.denormal() {
			return f, f
		}
	}
	s, e, m := unpack(f)
	return FromInt64(int64(e)), pack(s, Bias, m)
}
