package softfloat

import "math/bits"

// FromInt64 converts an integer exactly (FILD m16/m32/m64; sign-extend the
// smaller forms first). Never an exception.
func FromInt64(i int64) Float80 {
	if i == 0 {
		return Zero
	}
	sign := i < 0
	m := uint64(i)
	if sign {
		m = -m
	}
	n := bits.LeadingZeros64(m)
	return pack(sign, uint16(Bias+63-n), m<<uint(n))
}

// ToInt rounds f to an integer of size bits (16, 32 or 64) as FIST/FISTP do,
// using the context's rounding control, or toward zero when truncate is set
// (FISTTP). Out-of-range values, NaNs, infinities and unsupported encodings
// raise IE and return the integer indefinite (only the sign bit of the
// destination size set); inexact results raise PE and set C1 when rounded
// up in magnitude. The result is sign-extended to 64 bits; store its low
// size bits. When IE is unmasked the caller must not store.
func (c *Context) ToInt(f Float80, size int, truncate bool) int64 {
	indef := int64(-1) << uint(size-1)
	switch f.Classify() {
	case ClassUnsupported, ClassQNaN, ClassSNaN, ClassInf:
		c.Status |= Invalid
		return indef
	case ClassZero:
		return 0
	}
	rc := c.RC
	if truncate {
		rc = TowardZero
	}
	sign, e, m := unpack(f)
	kept, frac := splitInt(e, m)
	if e > 63 {
		c.Status |= Invalid
		return indef
	}
	up := false
	if frac != 0 {
		up = roundUp(rc, sign, kept, frac)
		if up {
			kept++
		}
	}
	limit := uint64(1) << uint(size-1) // magnitude of the most negative value
	if kept > limit || (!sign && kept == limit) {
		c.Status |= Invalid
		return indef
	}
	if frac != 0 {
		c.Status |= Inexact
		if up {
			c.Status |= C1
		}
	}
	if sign {
		return -int64(kept)
	}
	return int64(kept)
}

// splitInt splits m/2^63 * 2^e (normalised m, e <= 63) into its integer part
// and the fraction bits left-aligned with a sticky bit.
func splitInt(e int32, m uint64) (kept, frac uint64) {
	switch {
	case e >= 63:
		return m, 0
	case e < 0:
		if e < -1 {
			return 0, m>>1 | 1 // below one half: any non-zero value under 1<<63
		}
		return 0, m
	}
	kept = m >> uint(63-e)
	frac = m << uint(e+1)
	return kept, frac
}

// RoundInt rounds f to an integral value with the context's rounding control
// (FRNDINT). The precision control does not apply.
func (c *Context) RoundInt(f Float80) Float80 {
	switch f.Classify() {
	case ClassUnsupported:
		return c.invalid()
	case ClassQNaN, ClassSNaN:
		return c.quiet(f)
	case ClassZero, ClassInf:
		return f
	case ClassDenormal, ClassPseudoDenormal:
		if c.denormal() {
			return f
		}
	}
	sign, e, m := unpack(f)
	if e >= 63 {
		return c.roundPack(sign, e, m, 0, 64)
	}
	kept, frac := splitInt(e, m)
	if frac == 0 {
		return c.roundPack(sign, e, m, 0, 64)
	}
	c.Status |= Inexact
	if roundUp(c.RC, sign, kept, frac) {
		kept++
		c.Status |= C1
	}
	if kept == 0 {
		return zero(sign)
	}
	n := bits.LeadingZeros64(kept)
	return pack(sign, uint16(Bias+63-n), kept<<uint(n))
}

// Float formats the x87 loads and stores.
type ieeeFormat struct {
	prec       uint  // significand bits including the hidden bit
	expBits    uint  // exponent field width
	bias       int32 // exponent bias
	emin, emax int32
}

var (
	binary32 = ieeeFormat{prec: 24, expBits: 8, bias: 127, emin: -126, emax: 127}
	binary64 = ieeeFormat{prec: 53, expBits: 11, bias: 1023, emin: -1022, emax: 1023}
)

// FromFloat32 converts the bits of a float32 exactly (FLD m32): SNaN raises
// IE and is quieted, a denormal raises DE.
func (c *Context) FromFloat32(v uint32) Float80 { return c.fromIEEE(uint64(v), binary32, true) }

// FromFloat64 converts the bits of a float64 exactly (FLD m64).
func (c *Context) FromFloat64(v uint64) Float80 { return c.fromIEEE(v, binary64, true) }

// Float32Operand converts the float32 memory operand of an arithmetic or
// compare instruction (FADD m32, FCOM m32, ...) on this context: like
// FromFloat32, but a signalling NaN stays signalling, so that the
// operation raises IE and chooses between two NaNs as the x87 does (by
// significand, both signalling NaNs taking part), and a denormal raises DE
// only when the operation reaches its denormal check (not when the other
// operand is a NaN). Use it for one operation, on a fresh context.
func (c *Context) Float32Operand(v uint32) Float80 { return c.fromIEEE(uint64(v), binary32, false) }

// Float64Operand is Float32Operand for a float64 memory operand.
func (c *Context) Float64Operand(v uint64) Float80 { return c.fromIEEE(v, binary64, false) }

func (c *Context) fromIEEE(v uint64, f ieeeFormat, quiet bool) Float80 {
	fracBits := f.prec - 1
	width := fracBits + f.expBits
	sign := v>>width&1 != 0
	exp := int32(v>>fracBits) & (1<<f.expBits - 1)
	frac := v & (1<<fracBits - 1)
	switch {
	case exp == 1<<f.expBits-1:
		if frac == 0 {
			return infinity(sign)
		}
		r := pack(sign, expMax, jBit|frac<<(63-fracBits))
		if !quiet {
			return r
		}
		return c.quiet(r)
	case exp == 0:
		if frac == 0 {
			return zero(sign)
		}
		if quiet {
			c.Status |= Denormal
		} else {
			c.opDenormal = true
		}
		n := bits.LeadingZeros64(frac)
		// value = frac * 2^(emin - fracBits)
		e := f.emin - int32(fracBits) + 63 - int32(n)
		return pack(sign, uint16(e+Bias), frac<<uint(n))
	}
	return pack(sign, uint16(exp-f.bias+Bias), jBit|frac<<(63-fracBits))
}

// ToFloat32 rounds f to a float32 (FST m32) with the context's rounding
// control, returning its bits.
func (c *Context) ToFloat32(f Float80) uint32 { return uint32(c.toIEEE(f, binary32)) }

// ToFloat64 rounds f to a float64 (FST m64), returning its bits.
func (c *Context) ToFloat64(f Float80) uint64 { return c.toIEEE(f, binary64) }

func (c *Context) toIEEE(f Float80, t ieeeFormat) uint64 {
	fracBits := t.prec - 1
	width := fracBits + t.expBits
	var s uint64
	if f.Sign() {
		s = 1 << width
	}
	expAll := uint64(1<<t.expBits-1) << fracBits
	switch f.Classify() {
	case ClassUnsupported:
		c.Status |= Invalid
		return 1<<width | expAll | 1<<(fracBits-1)
	case ClassQNaN, ClassSNaN:
		f = c.quiet(f)
		return s | expAll | f.Mant<<1>>(64-fracBits)
	case ClassInf:
		return s | expAll
	case ClassZero:
		return s
	}
	// Stores do not raise DE for a denormal source.
	sign, e, m := unpack(f)
	mant, e, ovf := c.round(sign, e, m, 0, t.prec, t.emin, t.emax, false)
	if ovf {
		if overflowToInf(c.RC, sign) {
			return s | expAll
		}
		return s | (expAll - 1<<fracBits) | (1<<fracBits - 1)
	}
	r := mant >> (64 - t.prec)
	if mant&jBit == 0 {
		return s | r
	}
	return s | uint64(e+t.bias)<<fracBits | r&(1<<fracBits-1)
}
