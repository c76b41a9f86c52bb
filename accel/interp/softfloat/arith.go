package softfloat

import "math/bits"

func isDenormalClass(c Class) bool { return c == ClassDenormal || c == ClassPseudoDenormal }

// operands2 screens the operands of a two-operand arithmetic instruction:
// unsupported encodings and NaNs produce the result at once (done), and
// denormal operands raise DE.
func (c *Context) operands2(a, b Float80) (ca, cb Class, r Float80, done bool) {
	ca, cb, r, done = c.screen2(a, b)
	if done {
		return
	}
	if isDenormalClass(ca) || isDenormalClass(cb) || c.opDenormal {
		c.Status |= Denormal
		if !c.masked(Denormal) {
			return ca, cb, a, true
		}
	}
	return ca, cb, r, false
}

// screen2 handles unsupported encodings and NaNs.
func (c *Context) screen2(a, b Float80) (ca, cb Class, r Float80, done bool) {
	ca, cb = a.Classify(), b.Classify()
	if ca == ClassUnsupported || cb == ClassUnsupported {
		return ca, cb, c.invalid(), true
	}
	if ca == ClassQNaN || ca == ClassSNaN || cb == ClassQNaN || cb == ClassSNaN {
		return ca, cb, c.propagateNaN(a, b), true
	}
	return ca, cb, r, false
}

// denormal raises DE and reports whether it is unmasked (the operation
// stops).
func (c *Context) denormal() bool {
	c.Status |= Denormal
	return !c.masked(Denormal)
}

// Add returns a + b (FADD).
func (c *Context) Add(a, b Float80) Float80 { return c.addSub(a, b, false) }

// Sub returns a - b (FSUB; FSUBR is Sub(b, a)).
func (c *Context) Sub(a, b Float80) Float80 { return c.addSub(a, b, true) }

func (c *Context) addSub(a, b Float80, sub bool) Float80 {
	ca, cb, r, done := c.operands2(a, b)
	if done {
		return r
	}
	sa, sb := a.Sign(), b.Sign() != sub
	switch {
	case ca == ClassInf && cb == ClassInf:
		if sa != sb {
			return c.invalid()
		}
		return infinity(sa)
	case ca == ClassInf:
		return infinity(sa)
	case cb == ClassInf:
		return infinity(sb)
	case ca == ClassZero && cb == ClassZero:
		if sa == sb {
			return zero(sa)
		}
		return zero(c.RC == Down)
	case ca == ClassZero:
		_, e, m := unpack(b)
		return c.roundPack(sb, e, m, 0, c.prec())
	case cb == ClassZero:
		_, e, m := unpack(a)
		return c.roundPack(sa, e, m, 0, c.prec())
	}
	_, ea, ma := unpack(a)
	_, eb, mb := unpack(b)
	if ea < eb || (ea == eb && ma < mb) {
		sa, sb, ea, eb, ma, mb = sb, sa, eb, ea, mb, ma
	}
	hb, lb := shiftRightJam128(mb, 0, uint(ea-eb))
	if sa == sb {
		lo, carry := bits.Add64(0, lb, 0)
		hi, carry := bits.Add64(ma, hb, carry)
		if carry != 0 {
			hi, lo = shiftRightJam128(hi, lo, 1)
			hi |= jBit
			ea++
		}
		return c.roundPack(sa, ea, hi, lo, c.prec())
	}
	lo, borrow := bits.Sub64(0, lb, 0)
	hi, _ := bits.Sub64(ma, hb, borrow)
	if hi|lo == 0 {
		return zero(c.RC == Down)
	}
	n := uint(bits.LeadingZeros64(hi))
	if hi == 0 {
		n = 64 + uint(bits.LeadingZeros64(lo))
	}
	hi, lo = shl128(hi, lo, n)
	return c.roundPack(sa, ea-int32(n), hi, lo, c.prec())
}

func shl128(hi, lo uint64, n uint) (uint64, uint64) {
	switch {
	case n == 0:
		return hi, lo
	case n < 64:
		return hi<<n | lo>>(64-n), lo << n
	case n < 128:
		return lo << (n - 64), 0
	}
	return 0, 0
}

// Mul returns a * b (FMUL).
func (c *Context) Mul(a, b Float80) Float80 {
	ca, cb, r, done := c.operands2(a, b)
	if done {
		return r
	}
	s := a.Sign() != b.Sign()
	switch {
	case ca == ClassInf || cb == ClassInf:
		if ca == ClassZero || cb == ClassZero {
			return c.invalid()
		}
		return infinity(s)
	case ca == ClassZero || cb == ClassZero:
		return zero(s)
	}
	_, ea, ma := unpack(a)
	_, eb, mb := unpack(b)
	hi, lo := bits.Mul64(ma, mb)
	e := ea + eb
	if hi&jBit != 0 {
		e++
	} else {
		hi, lo = shl128(hi, lo, 1)
	}
	return c.roundPack(s, e, hi, lo, c.prec())
}

// Div returns a / b (FDIV; FDIVR is Div(b, a)).
func (c *Context) Div(a, b Float80) Float80 {
	ca, cb, r, done := c.screen2(a, b)
	if done {
		return r
	}
	s := a.Sign() != b.Sign()
	// Division by zero is reported ahead of a denormal dividend.
	if cb == ClassZero && ca != ClassZero && ca != ClassInf {
		c.Status |= ZeroDivide
		return infinity(s)
	}
	if (isDenormalClass(ca) || isDenormalClass(cb) || c.opDenormal) && c.denormal() {
		return a
	}
	switch {
	case ca == ClassInf:
		if cb == ClassInf {
			return c.invalid()
		}
		return infinity(s)
	case cb == ClassInf:
		return zero(s)
	case cb == ClassZero:
		if ca == ClassZero {
			return c.invalid()
		}
		c.Status |= ZeroDivide
		return infinity(s)
	case ca == ClassZero:
		return zero(s)
	}
	_, ea, ma := unpack(a)
	_, eb, mb := unpack(b)
	hi, lo, e := div128(ma, mb)
	return c.roundPack(s, ea-eb+e, hi, lo, c.prec())
}

// div128 divides two normalised significands, returning a normalised 128-bit
// quotient with the remainder jammed into the lowest bit, and the exponent
// adjustment (0 or -1).
func div128(ma, mb uint64) (hi, lo uint64, e int32) {
	var r uint64
	if ma >= mb {
		hi, r = bits.Div64(ma>>1, ma<<63, mb)
	} else {
		hi, r = bits.Div64(ma, 0, mb)
		e = -1
	}
	lo, r = bits.Div64(r, 0, mb)
	if r != 0 {
		lo |= 1
	}
	return hi, lo, e
}

// Sqrt returns the square root of a (FSQRT).
func (c *Context) Sqrt(a Float80) Float80 {
	switch a.Classify() {
	case ClassUnsupported:
		return c.invalid()
	case ClassQNaN, ClassSNaN:
		return c.quiet(a)
	case ClassZero:
		return a
	case ClassInf:
		if a.Sign() {
			return c.invalid()
		}
		return a
	}
	if a.Sign() {
		return c.invalid()
	}
	if isDenormalClass(a.Classify()) && c.denormal() {
		return a
	}
	_, e, m := unpack(a)
	hi, lo := sqrtSig(e, m)
	return c.roundPack(false, e>>1, hi, lo, c.prec())
}

// sqrtSig returns the square root of m/2^63 * 2^(e&1) as a normalised
// significand: 64 exact bits in hi, the next bit and a sticky bit in lo.
func sqrtSig(e int32, m uint64) (hi, lo uint64) {
	// N = m * 2^63 or m * 2^64, so that sqrt(N) has its top bit at 63.
	var nh, nl uint64
	if e&1 != 0 {
		nh, nl = m, 0
	} else {
		nh, nl = m>>1, m<<63
	}
	r, rem := isqrt128(nh, nl)
	// The root is irrational or exact: rem > r means the next bit is set,
	// and a non-zero remainder means more bits follow.
	if rem.hi != 0 || rem.lo > r {
		lo = 1<<63 | 1
	} else if rem.lo != 0 {
		lo = 1
	}
	return r, lo
}

type u128 struct{ hi, lo uint64 }

// isqrt128 returns floor(sqrt(n)) and n - floor(sqrt(n))^2.
func isqrt128(nh, nl uint64) (uint64, u128) {
	// Bit-by-bit restoring square root, two bits of n per step.
	var rem u128
	var root uint64
	for i := 0; i < 64; i++ {
		// rem = rem<<2 | top two bits of n
		rem.hi = rem.hi<<2 | rem.lo>>62
		rem.lo = rem.lo<<2 | nh>>62
		nh = nh<<2 | nl>>62
		nl <<= 2
		// trial = root<<2 | 1 (as 128-bit: root is < 2^63 here until the end)
		th := root >> 62
		tl := root<<2 | 1
		root <<= 1
		if rem.hi > th || (rem.hi == th && rem.lo >= tl) {
			var b uint64
			rem.lo, b = bits.Sub64(rem.lo, tl, 0)
			rem.hi, _ = bits.Sub64(rem.hi, th, b)
			root |= 1
		}
	}
	return root, rem
}
