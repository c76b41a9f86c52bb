package simd

import "math/bits"

// format describes IEEE binary32 or binary64 for the general (slow) paths.
type format struct {
	prec     uint   // significand bits including the hidden bit
	fracBits uint   // prec - 1
	expBits  uint   //
	bias     int32  //
	emin     int32  // 1 - bias
	emax     int32  // bias
	sign     uint64 // sign bit
	expField uint64 // exponent field mask, in place
	fracMask uint64
	quiet    uint64 // quiet bit of a NaN
	qnan     uint64 // the default QNaN ("real indefinite")
	maxFin   uint64 // largest finite magnitude
}

var (
	f32 = &format{prec: 24, fracBits: 23, expBits: 8, bias: 127, emin: -126, emax: 127,
		sign: 1 << 31, expField: 0xff << 23, fracMask: 1<<23 - 1, quiet: 1 << 22,
		qnan: 0xffc00000, maxFin: 0x7f7fffff}
	f64 = &format{prec: 53, fracBits: 52, expBits: 11, bias: 1023, emin: -1022, emax: 1023,
		sign: 1 << 63, expField: 0x7ff << 52, fracMask: 1<<52 - 1, quiet: 1 << 51,
		qnan: 0xfff8000000000000, maxFin: 0x7fefffffffffffff}
)

// Operand classes.
const (
	clsZero = iota
	clsDenormal
	clsNormal
	clsInf
	clsQNaN
	clsSNaN
)

func (f *format) class(v uint64) int {
	e := v & f.expField
	m := v & f.fracMask
	switch {
	case e == 0:
		if m == 0 {
			return clsZero
		}
		return clsDenormal
	case e == f.expField:
		if m == 0 {
			return clsInf
		}
		if m&f.quiet != 0 {
			return clsQNaN
		}
		return clsSNaN
	}
	return clsNormal
}

func isNaN(c int) bool { return c >= clsQNaN }

// unpack returns a finite non-zero value as sign, exponent and significand
// normalised to bit 63: value = m/2^63 * 2^e.
func (f *format) unpack(v uint64) (sign bool, e int32, m uint64) {
	sign = v&f.sign != 0
	be := int32(v & f.expField >> f.fracBits)
	m = v & f.fracMask
	if be == 0 {
		be = 1
	} else {
		m |= 1 << f.fracBits
	}
	n := bits.LeadingZeros64(m)
	return sign, be - f.bias - int32(n) + int32(63-f.fracBits), m << uint(n)
}

func (f *format) zero(sign bool) uint64 {
	if sign {
		return f.sign
	}
	return 0
}

func (f *format) inf(sign bool) uint64 { return f.zero(sign) | f.expField }

// input screens one operand: DAZ turns a denormal into a zero of the same
// sign; otherwise a denormal raises DE.
func (f *format) input(v uint64, c int, mx uint32, fl *uint32) (uint64, int) {
	if c == clsDenormal {
		if mx&DAZ != 0 {
			return v & f.sign, clsZero
		}
		*fl |= DE
	}
	return v, c
}

// inputQuiet applies DAZ to an operand of an instruction that never
// reports DE (conversions to integer, ROUND*).
func (f *format) inputQuiet(v uint64, c int, mx uint32) (uint64, int) {
	if c == clsDenormal && mx&DAZ != 0 {
		return v & f.sign, clsZero
	}
	return v, c
}

// nan2 returns the NaN result of a two-operand operation: the first
// operand if it is a NaN, else the second, quieted; IE for any SNaN.
func (f *format) nan2(a, b uint64, ca, cb int) (uint64, uint32) {
	var fl uint32
	if ca == clsSNaN || cb == clsSNaN {
		fl = IE
	}
	if isNaN(ca) {
		return a | f.quiet, fl
	}
	return b | f.quiet, fl
}

func rcOf(mx uint32) uint32 { return mx >> RCShift & 3 }

func roundUp(rc uint32, sign bool, kept, frac uint64) bool {
	switch rc {
	case RoundNearest:
		return frac > 1<<63 || (frac == 1<<63 && kept&1 != 0)
	case RoundDown:
		return sign
	case RoundUp:
		return !sign
	}
	return false
}

func fracOf(hi, lo uint64, shift uint) uint64 {
	if shift == 0 {
		return lo
	}
	frac := hi << (64 - shift)
	if lo != 0 {
		frac |= 1
	}
	return frac
}

// shiftRightJam128 shifts hi:lo right by n, OR-ing the bits shifted out into
// bit 0.
func shiftRightJam128(hi, lo uint64, n uint) (uint64, uint64) {
	switch {
	case n == 0:
		return hi, lo
	case n < 64:
		sticky := uint64(0)
		if lo<<(64-n) != 0 {
			sticky = 1
		}
		return hi >> n, hi<<(64-n) | lo>>n | sticky
	case n < 128:
		sticky := uint64(0)
		if lo != 0 || (n > 64 && hi<<(128-n) != 0) {
			sticky = 1
		}
		return 0, hi>>(n-64) | sticky
	}
	if hi|lo != 0 {
		return 0, 1
	}
	return 0, 0
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

// roundPack rounds sign * (hi:lo/2^127) * 2^exp (hi normalised) to the
// format under MXCSR mx: rounding control, FTZ, and the masked or unmasked
// overflow and underflow responses. With an unmasked OE or UE the result is
// not delivered (the caller faults).
func (f *format) roundPack(sign bool, exp int32, hi, lo uint64, mx uint32) (uint64, uint32) {
	var fl uint32
	rc := rcOf(mx)
	shift := 64 - f.prec
	if exp < f.emin {
		tiny := f.tiny(rc, sign, exp, hi, lo)
		if tiny {
			if mx&UM == 0 {
				// Unmasked: UE, and PE when the significand is
				// inexact at the format's precision with an
				// unbounded exponent; nothing is written.
				if fracOf(hi, lo, shift) != 0 {
					return 0, UE | PE
				}
				return 0, UE
			}
			if mx&FTZ != 0 {
				return f.zero(sign), UE | PE
			}
		}
		hi, lo = shiftRightJam128(hi, lo, uint(f.emin-exp))
		exp = f.emin
		kept := hi >> shift
		frac := fracOf(hi, lo, shift)
		if frac != 0 {
			fl |= PE
			if tiny {
				fl |= UE
			}
			if roundUp(rc, sign, kept, frac) {
				kept++
			}
		}
		// kept may have carried into the hidden bit: that is the
		// smallest normal, which the packing below handles.
		return f.zero(sign) | kept, fl
	}
	kept := hi >> shift
	frac := fracOf(hi, lo, shift)
	if frac != 0 {
		fl |= PE
		if roundUp(rc, sign, kept, frac) {
			kept++
			if kept == 1<<f.prec {
				kept >>= 1
				exp++
			}
		}
	}
	if exp > f.emax {
		if mx&OM == 0 {
			return 0, fl | OE // PE as rounded with an unbounded exponent
		}
		fl |= OE | PE
		if rc == RoundNearest || (rc == RoundDown && sign) || (rc == RoundUp && !sign) {
			return f.inf(sign), fl
		}
		return f.zero(sign) | f.maxFin, fl
	}
	return f.zero(sign) | uint64(exp+f.bias)<<f.fracBits | kept&f.fracMask, fl
}

// tiny reports tininess after rounding: the result, rounded to the format's
// precision with an unbounded exponent, is below the smallest normal.
func (f *format) tiny(rc uint32, sign bool, exp int32, hi, lo uint64) bool {
	if exp < f.emin-1 {
		return true
	}
	shift := 64 - f.prec
	kept := hi >> shift
	if kept != 1<<f.prec-1 {
		return true
	}
	frac := fracOf(hi, lo, shift)
	return frac == 0 || !roundUp(rc, sign, kept, frac)
}

// add returns a + b (or a - b).
func (f *format) add(a, b uint64, sub bool, mx uint32) (uint64, uint32) {
	ca, cb := f.class(a), f.class(b)
	if isNaN(ca) || isNaN(cb) {
		return f.nan2(a, b, ca, cb)
	}
	var fl uint32
	a, ca = f.input(a, ca, mx, &fl)
	b, cb = f.input(b, cb, mx, &fl)
	if sub {
		b ^= f.sign
	}
	sa, sb := a&f.sign != 0, b&f.sign != 0
	switch {
	case ca == clsInf && cb == clsInf:
		if sa != sb {
			return f.qnan, fl | IE
		}
		return a, fl
	case ca == clsInf:
		return a, fl
	case cb == clsInf:
		return b, fl
	case ca == clsZero && cb == clsZero:
		if sa == sb {
			return a, fl
		}
		return f.zero(rcOf(mx) == RoundDown), fl
	case cb == clsZero:
		return f.exact(a, mx, fl)
	case ca == clsZero:
		return f.exact(b, mx, fl)
	}
	_, ea, ma := f.unpack(a)
	_, eb, mb := f.unpack(b)
	if ea < eb || (ea == eb && ma < mb) {
		sa, sb, ea, eb, ma, mb = sb, sa, eb, ea, mb, ma
	}
	hb, lb := shiftRightJam128(mb, 0, uint(ea-eb))
	if sa == sb {
		lo, c := bits.Add64(0, lb, 0)
		hi, c := bits.Add64(ma, hb, c)
		if c != 0 {
			hi, lo = shiftRightJam128(hi, lo, 1)
			hi |= 1 << 63
			ea++
		}
		r, rf := f.roundPack(sa, ea, hi, lo, mx)
		return r, fl | rf
	}
	lo, br := bits.Sub64(0, lb, 0)
	hi, _ := bits.Sub64(ma, hb, br)
	if hi|lo == 0 {
		return f.zero(rcOf(mx) == RoundDown), fl
	}
	n := uint(bits.LeadingZeros64(hi))
	if hi == 0 {
		n = 64 + uint(bits.LeadingZeros64(lo))
	}
	hi, lo = shl128(hi, lo, n)
	r, rf := f.roundPack(sa, ea-int32(n), hi, lo, mx)
	return r, fl | rf
}

// exact delivers a finite value unchanged except for FTZ and underflow on a
// denormal (x + 0 with a denormal x: the result is tiny and exact).
func (f *format) exact(v uint64, mx uint32, fl uint32) (uint64, uint32) {
	if f.class(v) != clsDenormal {
		return v, fl
	}
	s, e, m := f.unpack(v)
	r, rf := f.roundPack(s, e, m, 0, mx)
	return r, fl | rf
}

// mul returns a * b.
func (f *format) mul(a, b uint64, mx uint32) (uint64, uint32) {
	ca, cb := f.class(a), f.class(b)
	if isNaN(ca) || isNaN(cb) {
		return f.nan2(a, b, ca, cb)
	}
	var fl uint32
	a, ca = f.input(a, ca, mx, &fl)
	b, cb = f.input(b, cb, mx, &fl)
	s := (a^b)&f.sign != 0
	switch {
	case ca == clsInf || cb == clsInf:
		if ca == clsZero || cb == clsZero {
			return f.qnan, fl | IE
		}
		return f.inf(s), fl
	case ca == clsZero || cb == clsZero:
		return f.zero(s), fl
	}
	_, ea, ma := f.unpack(a)
	_, eb, mb := f.unpack(b)
	hi, lo := bits.Mul64(ma, mb)
	e := ea + eb
	if hi&(1<<63) != 0 {
		e++
	} else {
		hi, lo = shl128(hi, lo, 1)
	}
	r, rf := f.roundPack(s, e, hi, lo, mx)
	return r, fl | rf
}

// div returns a / b.
func (f *format) div(a, b uint64, mx uint32) (uint64, uint32) {
	ca, cb := f.class(a), f.class(b)
	if isNaN(ca) || isNaN(cb) {
		return f.nan2(a, b, ca, cb)
	}
	var fl uint32
	a, ca = f.input(a, ca, mx, &fl)
	b, cb = f.input(b, cb, mx, &fl)
	s := (a^b)&f.sign != 0
	if cb == clsZero && ca != clsZero && ca != clsInf {
		// Division by zero is reported instead of a denormal dividend.
		return f.inf(s), ZE
	}
	switch {
	case ca == clsInf:
		if cb == clsInf {
			return f.qnan, fl | IE
		}
		return f.inf(s), fl
	case cb == clsInf:
		return f.zero(s), fl
	case cb == clsZero:
		if ca == clsZero {
			return f.qnan, fl | IE
		}
		return f.inf(s), fl | ZE
	case ca == clsZero:
		return f.zero(s), fl
	}
	_, ea, ma := f.unpack(a)
	_, eb, mb := f.unpack(b)
	var hi, lo, r uint64
	e := ea - eb
	if ma >= mb {
		hi, r = bits.Div64(ma>>1, ma<<63, mb)
	} else {
		hi, r = bits.Div64(ma, 0, mb)
		e--
	}
	lo, r = bits.Div64(r, 0, mb)
	if r != 0 {
		lo |= 1
	}
	res, rf := f.roundPack(s, e, hi, lo, mx)
	return res, fl | rf
}

// sqrt returns the square root of a.
func (f *format) sqrt(a uint64, mx uint32) (uint64, uint32) {
	ca := f.class(a)
	if isNaN(ca) {
		if ca == clsSNaN {
			return a | f.quiet, IE
		}
		return a, 0
	}
	if ca == clsDenormal && mx&DAZ != 0 {
		return a & f.sign, 0
	}
	switch {
	case ca == clsZero:
		return a, 0
	case a&f.sign != 0:
		return f.qnan, IE
	case ca == clsInf:
		return a, 0
	}
	var fl uint32
	if ca == clsDenormal {
		fl = DE
	}
	_, e, m := f.unpack(a)
	var nh, nl uint64
	if e&1 != 0 {
		nh, nl = m, 0
	} else {
		nh, nl = m>>1, m<<63
	}
	root, remHi, remLo := isqrt128(nh, nl)
	var lo uint64
	if remHi != 0 || remLo > root {
		lo = 1<<63 | 1
	} else if remLo != 0 {
		lo = 1
	}
	r, rf := f.roundPack(false, e>>1, root, lo, mx)
	return r, fl | rf
}

// isqrt128 returns floor(sqrt(n)) and the remainder n - root^2.
func isqrt128(nh, nl uint64) (root, remHi, remLo uint64) {
	for i := 0; i < 64; i++ {
		remHi = remHi<<2 | remLo>>62
		remLo = remLo<<2 | nh>>62
		nh = nh<<2 | nl>>62
		nl <<= 2
		th := root >> 62
		tl := root<<2 | 1
		root <<= 1
		if remHi > th || (remHi == th && remLo >= tl) {
			var b uint64
			remLo, b = bits.Sub64(remLo, tl, 0)
			remHi, _ = bits.Sub64(remHi, th, b)
			root |= 1
		}
	}
	return root, remHi, remLo
}
