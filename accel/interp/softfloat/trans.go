package softfloat

import "math/bits"

// The transcendental instructions compute in 128-bit working precision
// (xf) and round once to 64 bits with the rounding control (precision
// control does not apply to them). Arguments of FSIN, FCOS, FSINCOS and
// FPTAN are reduced modulo pi/2 using the 66-bit value of pi the x87 uses,
// so results for large arguments follow the processor rather than the
// exact mathematical value.

var (
	xfPi    = xfConst(1, 0xc90fdaa22168c234, 0xc4c6628b80dc1cd1)
	xfPiO2  = xfPi.scale(-1)
	xfLn2   = xfConst(-1, 0xb17217f7d1cf79ab, 0xc9e3b39803f2f6af)
	xfLog2E = xfConst(0, 0xb8aa3b295c17f0bb, 0xbe87fed0691d3e88)
	xfOne   = xfConst(0, 1<<63, 0)
)

// pi66 is pi rounded to 66 bits: pi = pi66 * 2^-64.
const (
	pi66Hi = 0x3 // bits 65-64
	pi66Lo = 0x243f6a8885a308d3
)

// termSmall reports whether a series term, just added, no longer affects
// the sum beyond its last few bits (it lies 120 bits below the sum's top
// bit, far below what rounding to 64 bits looks at). The series stop
// there: the rest of an alternating series is smaller than that term, and
// adding its next, opposite, term could cancel the sticky bit.

// xfRoundInexact rounds a transcendental result. The functions' values at
// the arguments that reach it are irrational (or, for FYL2X at powers of
// two, computed as if they were), so the x87 reports PE even when the
// 64-bit result happens to equal the 128-bit approximation exactly.
// A tiny result is then an underflow too (masked: the denormal result).
func (c *Context) xfRoundInexact(a xf) Float80 {
	c.Status |= Inexact
	r := c.xfRound(a)
	if !a.isZero() && r.Exp() == 0 && c.masked(Underflow) {
		c.Status |= Underflow
	}
	return r
}
func termSmall(term, sum xf) bool { return term.isZero() || term.exp < sum.exp-120 }

// sinK returns sin(r) for |r| <= pi/4.
func sinK(r xf) xf {
	r2 := xmul(r, r)
	sum, term := r, r
	for k := int64(1); k < 40; k++ {
		term = xdiv(xmul(term, r2), xfInt(2*k*(2*k+1))).neg_()
		sum = xadd(sum, term) // the last, negligible term leaves its sticky bit
		if termSmall(term, sum) {
			break
		}
	}
	return sum
}

// cosK returns cos(r) for |r| <= pi/4.
func cosK(r xf) xf {
	r2 := xmul(r, r)
	sum, term := xfOne, xfOne
	for k := int64(1); k < 40; k++ {
		term = xdiv(xmul(term, r2), xfInt((2*k-1)*(2*k))).neg_()
		sum = xadd(sum, term)
		if termSmall(term, sum) {
			break
		}
	}
	return sum
}

// reduce returns the quadrant k (mod 4) and the reduced argument in
// [0, pi/4] for |x| < 2^63, with flip telling that the reduced argument is
// pi/2 - r (so sin and cos of it swap).
func reduce(x Float80) (k uint64, r xf, flip bool) {
	_, e, m := unpack(x)
	if e < -2 {
		return 0, xfFrom(x.Abs()), false
	}
	// N = m * 2^(e+2); k = N / pi66, r = N mod pi66 (in units of 2^-65).
	nh, nl := uint64(0), m
	nh, nl = shl128(nh, nl, uint(e+2))
	var rh, rl uint64 // remainder, < pi66 (66 bits)
	for i := 0; i < 128; i++ {
		// r = r<<1 | next bit of N
		rh = rh<<1 | rl>>63
		rl = rl<<1 | nh>>63
		nh = nh<<1 | nl>>63
		nl <<= 1
		k <<= 1
		if rh > pi66Hi || (rh == pi66Hi && rl >= pi66Lo) {
			var b uint64
			rl, b = bits.Sub64(rl, pi66Lo, 0)
			rh, _ = bits.Sub64(rh, pi66Hi, b)
			k |= 1
		}
	}
	// r > pi66/2 (in these units pi66/2 = pi66 >> 1) flips the octant.
	hh, hl := uint64(pi66Hi>>1), uint64(pi66Lo>>1|(pi66Hi&1)<<63)
	if rh > hh || (rh == hh && rl > hl) {
		var b uint64
		rl, b = bits.Sub64(pi66Lo, rl, 0)
		rh, _ = bits.Sub64(pi66Hi, rh, b)
		flip = true
	}
	// value = (rh:rl) * 2^-65 = (rh:rl)/2^127 * 2^62
	return k, xfNorm(false, 62, rh, rl), flip
}

// trigArg screens the operand of FSIN, FCOS, FSINCOS and FPTAN: done
// reports that res is the result (NaN, invalid, out of range with c2 set,
// or an unmasked denormal).
func (c *Context) trigArg(x Float80) (res Float80, c2, done bool) {
	switch x.Classify() {
	case ClassUnsupported, ClassInf:
		return c.invalid(), false, true
	case ClassQNaN, ClassSNaN:
		return c.quiet(x), false, true
	case ClassDenormal, ClassPseudoDenormal:
		if c.denormal() {
			return x, false, true
		}
	}
	if x.Exp() >= Bias+63 {
		return x, true, true
	}
	return x, false, false
}

// tinyTrig reports an operand below 2^-68 in magnitude, for which the
// processor returns sin = tan = x and cos = 1 (with PE, and UE for a
// denormal) without rounding the missing terms in.
func (c *Context) tinyTrig(x Float80) bool {
	if x.IsZero() {
		return false
	}
	_, e, _ := unpack(x)
	if e >= -68 {
		return false
	}
	c.Status |= Inexact
	if x.Exp() == 0 && x.Mant&jBit == 0 {
		c.Status |= Underflow
	}
	return true
}

// tinyResult is x as tinyTrig returns it: a pseudo-denormal normalised.
func tinyResult(x Float80) Float80 {
	if x.Classify() == ClassPseudoDenormal {
		x.SignExp++
	}
	return x
}

// sinCos returns sin and cos of a finite in-range x in working precision.
func sinCos(x Float80) (s, co xf) {
	if x.IsZero() {
		return xf{neg: x.Sign()}, xfOne
	}
	k, r, flip := reduce(x)
	sr, cr := sinK(r), cosK(r)
	if flip {
		sr, cr = cr, sr
	}
	switch k & 3 {
	case 1:
		sr, cr = cr, sr.neg_()
	case 2:
		sr, cr = sr.neg_(), cr.neg_()
	case 3:
		sr, cr = cr.neg_(), sr
	}
	if x.Sign() {
		sr = sr.neg_()
	}
	return sr, cr
}

// Sin is FSIN: it returns the new ST(0) and C2 (operand out of range: ST(0)
// is unchanged and the caller sets C2).
func (c *Context) Sin(x Float80) (Float80, bool) {
	if r, c2, done := c.trigArg(x); done {
		return r, c2
	}
	if x.IsZero() {
		return x, false
	}
	if c.tinyTrig(x) {
		return tinyResult(x), false
	}
	s, _ := sinCos(x)
	return c.xfRoundInexact(s), false
}

// Cos is FCOS.
func (c *Context) Cos(x Float80) (Float80, bool) {
	if r, c2, done := c.trigArg(x); done {
		return r, c2
	}
	if c.tinyTrig(x) {
		c.Status &^= Underflow
		return One, false
	}
	_, co := sinCos(x)
	if x.IsZero() {
		return One, false
	}
	return c.xfRoundInexact(co), false
}

// SinCos is FSINCOS: ST(0) becomes sin and cos is pushed. When out of range
// (C2) nothing changes and nothing is pushed.
func (c *Context) SinCos(x Float80) (sin, cos Float80, c2 bool) {
	if r, c2, done := c.trigArg(x); done {
		return r, r, c2
	}
	if x.IsZero() {
		return x, One, false
	}
	if c.tinyTrig(x) {
		return tinyResult(x), One, false
	}
	s, co := sinCos(x)
	return c.xfRoundInexact(s), c.xfRoundInexact(co), false
}

// Tan is FPTAN: ST(0) becomes tan and push is pushed: 1.0, or the NaN
// result itself when the operand is a NaN or invalid. Out of range (C2),
// nothing changes and nothing is pushed.
func (c *Context) Tan(x Float80) (tan, push Float80, c2 bool) {
	if r, c2, done := c.trigArg(x); done {
		return r, r, c2
	}
	if x.IsZero() {
		return x, One, false
	}
	if c.tinyTrig(x) {
		return tinyResult(x), One, false
	}
	s, co := sinCos(x)
	return c.xfRoundInexact(xdiv(s, co)), One, false
}

// atanK returns atan(t) for 0 <= t <= 1.
func atanK(t xf) xf {
	// Halve the angle twice: atan(t) = 2 atan(t / (1 + sqrt(1 + t^2))).
	for i := 0; i < 2; i++ {
		t = xdiv(t, xadd(xfOne, xsqrt(xadd(xfOne, xmul(t, t)))))
	}
	t2 := xmul(t, t)
	sum, pow := t, t
	for k := int64(1); k < 80; k++ {
		pow = xmul(pow, t2).neg_()
		term := xdiv(pow, xfInt(2*k+1))
		sum = xadd(sum, term)
		if termSmall(term, sum) {
			break
		}
	}
	return sum.scale(2)
}

// Atan2 is FPATAN: the angle of (x, y) = atan(y/x) in the quadrant of the
// signs, where y is ST(1) and x is ST(0); the result replaces ST(1) and the
// stack is popped.
func (c *Context) Atan2(y, x Float80) Float80 {
	cy, cx, r, done := c.operands2(y, x)
	if done {
		return r
	}
	sy, sx := y.Sign(), x.Sign()
	var a xf
	switch {
	case cy == ClassZero:
		if sx {
			a = xfPi
		} else {
			return zero(sy)
		}
	case cx == ClassZero:
		a = xfPiO2
	case cy == ClassInf && cx == ClassInf:
		a = xfPi.scale(-2)
		if sx {
			a = xmul(xfPi, xfConst(-1, 0xc000000000000000, 0)) // 3pi/4
		}
	case cy == ClassInf:
		a = xfPiO2
	case cx == ClassInf:
		if sx {
			a = xfPi
		} else {
			return zero(sy)
		}
	default:
		ay, ax := xfFrom(y.Abs()), xfFrom(x.Abs())
		if cmpMag(ay, ax) <= 0 {
			q := xdiv(ay, ax)
			if !sx && q.exp < -40 {
				// For |y/x| < 2^-40 the processor returns y/x itself,
				// rounded (measured on the host: the t^3/3 term only
				// shows in the directed rounding modes).
				q.neg = sy
				return c.xfRoundInexact(q)
			}
			a = atanK(q)
		} else {
			a = xsub(xfPiO2, atanK(xdiv(ax, ay)))
		}
		if sx {
			a = xsub(xfPi, a)
		}
	}
	a.neg = sy
	return c.xfRoundInexact(a)
}

// expm1K returns e^y - 1 for |y| <= 1.
func expm1K(y xf) xf {
	sum, term := y, y
	for k := int64(2); k < 60; k++ {
		term = xdiv(xmul(term, y), xfInt(k))
		sum = xadd(sum, term)
		if termSmall(term, sum) {
			break
		}
	}
	return sum
}

// TwoXM1 is F2XM1: 2^x - 1, defined for -1 <= x <= 1 (other finite
// arguments are computed as well).
func (c *Context) TwoXM1(x Float80) Float80 {
	switch x.Classify() {
	case ClassUnsupported:
		return c.invalid()
	case ClassQNaN, ClassSNaN:
		return c.quiet(x)
	case ClassZero:
		return x
	case ClassInf:
		if x.Sign() {
			return pack(true, Bias, jBit) // -1
		}
		return x
	case ClassDenormal, ClassPseudoDenormal:
		if c.denormal() {
			return x
		}
	}
	if x.Exp() >= Bias && (x.Exp() > Bias || x.Mant != jBit) {
		// |x| > 1, outside the defined range: the processor leaves
		// the operand unchanged and reports PE.
		c.Status |= Inexact
		return x
	}
	return c.xfRound(expm1K(xmul(xfFrom(x), xfLn2)))
}

// lnK returns ln(m) for m in [1/2, 2] via 2*atanh((m-1)/(m+1)).
func lnK(num, den xf) xf {
	s := xdiv(num, den)
	s2 := xmul(s, s)
	sum, pow := s, s
	for k := int64(1); k < 120; k++ {
		pow = xmul(pow, s2)
		term := xdiv(pow, xfInt(2*k+1))
		sum = xadd(sum, term)
		if termSmall(term, sum) {
			break
		}
	}
	return sum.scale(1)
}

// log2 returns log2(x) for finite x > 0.
func log2xf(x Float80) xf {
	_, e, m := unpack(x)
	mx := xf{false, 0, m, 0} // in [1, 2)
	// Use m in [sqrt(1/2), sqrt(2)) for a faster series.
	if m > 0xb504f333f9de6484 {
		mx.exp = -1
		e++
	}
	l := xmul(lnK(xsub(mx, xfOne), xadd(mx, xfOne)), xfLog2E)
	return xadd(xfInt(int64(e)), l)
}

// YL2X is FYL2X: y * log2(x), y being ST(1) and x ST(0); the result
// replaces ST(1) and the stack is popped.
func (c *Context) YL2X(y, x Float80) Float80 {
	cy, cx, r, done := c.screen2(y, x)
	if done {
		return r
	}
	xNeg := x.Sign() && cx != ClassZero
	switch {
	case xNeg:
		return c.invalid()
	case cx == ClassZero:
		if cy == ClassZero {
			return c.invalid()
		}
		if cy != ClassInf {
			c.Status |= ZeroDivide // reported instead of a denormal y
		}
		return infinity(!y.Sign())
	}
	if (isDenormalClass(cy) || isDenormalClass(cx)) && c.denormal() {
		return y
	}
	isOne := cx == ClassNormal && x.Mant == jBit && x.Exp() == Bias
	switch {
	case cx == ClassInf:
		if cy == ClassZero {
			return c.invalid()
		}
		return infinity(y.Sign())
	case cy == ClassInf:
		if isOne {
			return c.invalid()
		}
		gt1 := x.Exp() >= Bias
		return infinity(y.Sign() != !gt1)
	case isOne:
		return zero(y.Sign()) // log2(1) = +0
	case cy == ClassZero:
		gt1 := x.Exp() >= Bias
		return zero(y.Sign() != !gt1)
	}
	return c.xfRoundInexact(xmul(xfFrom(y), log2xf(x)))
}

// YL2XP1 is FYL2XP1: y * log2(x + 1), for |x| < 1 - sqrt(2)/2.
func (c *Context) YL2XP1(y, x Float80) Float80 {
	cy, cx, r, done := c.screen2(y, x)
	if done {
		return r
	}
	if cx == ClassInf && x.Sign() {
		return c.invalid()
	}
	if (isDenormalClass(cy) || isDenormalClass(cx)) && c.denormal() {
		return y
	}
	switch {
	case cx == ClassInf && !x.Sign():
		if cy == ClassZero {
			return c.invalid()
		}
		return infinity(y.Sign())
	case cy == ClassInf && cx == ClassZero:
		return c.invalid()
	case cy == ClassInf:
		return infinity(y.Sign() != x.Sign())
	case cx == ClassZero || cy == ClassZero:
		return zero(y.Sign() != x.Sign())
	}
	ax := xfFrom(x)
	if x.Sign() && cmpMag(ax, xfOne) >= 0 {
		// x <= -1, far outside the defined range |x| < 1 - sqrt(2)/2:
		// the processor leaves the operand unchanged and reports PE.
		c.Status |= Inexact
		return x
	}
	l := xmul(lnK(ax, xadd(xfConst(1, 1<<63, 0), ax)), xfLog2E)
	return c.xfRoundInexact(xmul(xfFrom(y), l))
}
