package softfloat

import (
	"encoding/binary"
	"math/bits"

	"gemu/accel"
)

// Float80 is an x87 extended-precision value: a 64-bit significand with an
// explicit integer bit (bit 63, "J") and a sign/exponent word holding the
// sign in bit 15 and the exponent, biased by 16383, in bits 14-0. Its fields
// match accel.Float80, so the two convert with a plain type conversion.
type Float80 struct {
	Mant    uint64
	SignExp uint16
}

// Bias is the exponent bias of the extended format.
const Bias = 16383

const (
	expMax   = 0x7fff
	signBit  = 0x8000
	jBit     = 1 << 63
	quietBit = 1 << 62
)

// Well-known values.
var (
	// Indefinite is the QNaN indefinite, the masked response to an invalid
	// operation.
	Indefinite = Float80{Mant: 0xc000000000000000, SignExp: 0xffff}
	Zero       = Float80{}
	One        = Float80{Mant: jBit, SignExp: Bias}
	Inf        = Float80{Mant: jBit, SignExp: expMax}
)

// Constants of the load-constant instructions, rounded to nearest: FLDPI,
// FLDL2E, FLDL2T, FLDLG2 and FLDLN2 load these in round-to-nearest mode;
// LoadConst gives them for any rounding mode.
var (
	Pi    = Float80{Mant: 0xc90fdaa22168c235, SignExp: Bias + 1}
	Log2E = Float80{Mant: 0xb8aa3b295c17f0bc, SignExp: Bias}
	Log2T = Float80{Mant: 0xd49a784bcd1b8afe, SignExp: Bias + 1}
	Lg2   = Float80{Mant: 0x9a209a84fbcff799, SignExp: Bias - 2}
	Ln2   = Float80{Mant: 0xb17217f7d1cf79ac, SignExp: Bias - 1}
)

// FromAccel converts the neutral CPU-state representation.
func FromAccel(f accel.Float80) Float80 { return Float80(f) }

// Accel converts to the neutral CPU-state representation.
func (f Float80) Accel() accel.Float80 { return accel.Float80(f) }

// FromBytes decodes the 10-byte memory format (little-endian significand,
// then sign/exponent).
func FromBytes(b []byte) Float80 {
	_ = b[9]
	return Float80{Mant: binary.LittleEndian.Uint64(b), SignExp: binary.LittleEndian.Uint16(b[8:])}
}

// PutBytes encodes f into the 10-byte memory format.
func (f Float80) PutBytes(b []byte) {
	_ = b[9]
	binary.LittleEndian.PutUint64(b, f.Mant)
	binary.LittleEndian.PutUint16(b[8:], f.SignExp)
}

// Sign reports whether the sign bit is set.
func (f Float80) Sign() bool { return f.SignExp&signBit != 0 }

// Exp returns the biased exponent field.
func (f Float80) Exp() uint16 { return f.SignExp & expMax }

// Neg returns f with the sign flipped (FCHS): never an exception.
func (f Float80) Neg() Float80 { f.SignExp ^= signBit; return f }

// Abs returns f with the sign cleared (FABS): never an exception.
func (f Float80) Abs() Float80 { f.SignExp &^= signBit; return f }

// IsNaN reports a quiet or signalling NaN with the integer bit set.
func (f Float80) IsNaN() bool { return f.Exp() == expMax && f.Mant&jBit != 0 && f.Mant<<1 != 0 }

// IsSNaN reports a signalling NaN.
func (f Float80) IsSNaN() bool { return f.IsNaN() && f.Mant&quietBit == 0 }

// IsInf reports an infinity.
func (f Float80) IsInf() bool { return f.Exp() == expMax && f.Mant == jBit }

// IsZero reports a zero of either sign.
func (f Float80) IsZero() bool { return f.Exp() == 0 && f.Mant == 0 }

// IsDenormal reports a denormal or pseudo-denormal (exponent field zero,
// significand non-zero).
func (f Float80) IsDenormal() bool { return f.Exp() == 0 && f.Mant != 0 }

// IsUnsupported reports the encodings the x87 refuses as operands:
// unnormals, pseudo-NaNs and pseudo-infinities (integer bit clear with a
// non-zero exponent field).
func (f Float80) IsUnsupported() bool { return f.Exp() != 0 && f.Mant&jBit == 0 }

// Class is the kind of a Float80 encoding.
type Class uint8

// Classes, in the order FXAM distinguishes them.
const (
	ClassZero           Class = iota
	ClassDenormal             // exponent 0, integer bit clear
	ClassPseudoDenormal       // exponent 0, integer bit set
	ClassNormal
	ClassInf
	ClassQNaN
	ClassSNaN
	ClassUnsupported // unnormal, pseudo-NaN, pseudo-infinity
)

// Classify returns the class of f.
func (f Float80) Classify() Class {
	e := f.Exp()
	switch {
	case e == 0:
		if f.Mant == 0 {
			return ClassZero
		}
		if f.Mant&jBit != 0 {
			return ClassPseudoDenormal
		}
		return ClassDenormal
	case f.Mant&jBit == 0:
		return ClassUnsupported
	case e == expMax:
		if f.Mant<<1 == 0 {
			return ClassInf
		}
		if f.Mant&quietBit != 0 {
			return ClassQNaN
		}
		return ClassSNaN
	}
	return ClassNormal
}

// Exceptions holds x87 exception flags in the status word's bit positions,
// plus C1.
type Exceptions uint16

// Exception flags (FSW bits 0-6) and the C1 condition code (bit 9).
const (
	Invalid       Exceptions = 1 << 0 // IE
	Denormal      Exceptions = 1 << 1 // DE
	ZeroDivide    Exceptions = 1 << 2 // ZE
	Overflow      Exceptions = 1 << 3 // OE
	Underflow     Exceptions = 1 << 4 // UE
	Inexact       Exceptions = 1 << 5 // PE
	StackFault    Exceptions = 1 << 6 // SF: set by the caller with IE
	C1            Exceptions = 1 << 9 // rounded up (arithmetic), or as documented per operation
	AllExceptions            = Invalid | Denormal | ZeroDivide | Overflow | Underflow | Inexact
	// PreComputation are the exceptions that, unmasked, leave the
	// destination unchanged.
	PreComputation = Invalid | Denormal | ZeroDivide
)

// Status-word condition code bits, as FCOM, FXAM, FPREM and the
// transcendental instructions set them.
const (
	C0 uint16 = 1 << 8
	C2 uint16 = 1 << 10
	C3 uint16 = 1 << 14
)

// Rounding is the rounding control field (FCW bits 11-10, and MXCSR's RC).
type Rounding uint8

// Rounding modes.
const (
	NearestEven Rounding = 0
	Down        Rounding = 1 // toward -infinity
	Up          Rounding = 2 // toward +infinity
	TowardZero  Rounding = 3
)

// Precision is the precision control field (FCW bits 9-8).
type Precision uint8

// Precision control settings: significand width of rounded results.
const (
	Single   Precision = 0 // 24 bits
	Reserved Precision = 1 // behaves as Extended
	Double   Precision = 2 // 53 bits
	Extended Precision = 3 // 64 bits
)

// Context is the x87 control state one operation needs, plus the exceptions
// raised so far. The zero value rounds to nearest in single precision with
// all exceptions unmasked; use NewContext(fcw) to start from a control word.
type Context struct {
	RC     Rounding
	PC     Precision
	Mask   Exceptions // masked exceptions (FCW bits 0-5): a set bit masks
	Status Exceptions // raised exceptions and C1, OR-ed in by each operation

	// opDenormal: a float32 or float64 memory operand converted by
	// Float32Operand or Float64Operand was denormal. Its extended value is
	// normal, so the operation reports DE from this flag, and only when no
	// operand is a NaN (SDM vol. 1, 8.7: NaN handling comes first).
	opDenormal bool
}

// NewContext returns a context for control word fcw.
func NewContext(fcw uint16) Context {
	var c Context
	c.SetControl(fcw)
	return c
}

// SetControl loads rounding, precision and masks from control word fcw.
func (c *Context) SetControl(fcw uint16) {
	c.RC = Rounding(fcw>>10) & 3
	c.PC = Precision(fcw>>8) & 3
	c.Mask = Exceptions(fcw) & AllExceptions
}

var pcBits = [4]uint8{24, 64, 53, 64}

func (c *Context) prec() uint { return uint(pcBits[c.PC&3]) }

func (c *Context) masked(e Exceptions) bool { return c.Mask&e != 0 }

// unpacked is a finite non-zero value: (hi:lo / 2^127) * 2^exp with hi's bit
// 63 set.
func unpack(f Float80) (sign bool, exp int32, mant uint64) {
	sign = f.Sign()
	e := int32(f.Exp())
	if e == 0 {
		e = 1
	}
	n := bits.LeadingZeros64(f.Mant)
	return sign, e - Bias - int32(n), f.Mant << uint(n)
}

func pack(sign bool, bexp uint16, mant uint64) Float80 {
	se := bexp
	if sign {
		se |= signBit
	}
	return Float80{Mant: mant, SignExp: se}
}

func zero(sign bool) Float80     { return pack(sign, 0, 0) }
func infinity(sign bool) Float80 { return pack(sign, expMax, jBit) }

// shiftRightJam128 shifts hi:lo right by n, OR-ing the bits shifted out into
// the lowest bit.
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

// roundPack rounds sign * (hi:lo / 2^127) * 2^exp (hi normalised, bit 63 set)
// to prec significand bits in the extended exponent range, applying the
// x87's overflow and underflow responses for a register destination.
func (c *Context) roundPack(sign bool, exp int32, hi, lo uint64, prec uint) Float80 {
	mant, e, ovf := c.round(sign, exp, hi, lo, prec, 1-Bias, Bias, true)
	if ovf {
		if overflowToInf(c.RC, sign) || !c.masked(Overflow) {
			return infinity(sign)
		}
		return pack(sign, expMax-1, ^uint64(0)<<(64-prec))
	}
	if mant&jBit == 0 {
		return pack(sign, 0, mant)
	}
	return pack(sign, uint16(e+Bias), mant)
}

// round rounds sign * (hi:lo / 2^127) * 2^exp (hi normalised) to prec bits
// with exponent range [emin, emax], setting Status. It returns the rounded
// significand aligned to bit 63 (bit 63 clear for a denormal or zero result,
// whose exponent is emin) and its exponent, or ovf when the masked overflow
// response (infinity or the largest finite number, see overflowToInf) must
// be delivered. rebias selects the register-destination response to
// unmasked overflow and underflow (exponent re-biased by 24576); otherwise
// an unmasked exception only sets its flag and the caller stores nothing.
func (c *Context) round(sign bool, exp int32, hi, lo uint64, prec uint, emin, emax int32, rebias bool) (mant uint64, e int32, ovf bool) {
	tiny := false
	before := c.Status
	if exp < emin {
		tinyAfter := tinyAfterRounding(c.RC, sign, exp, hi, lo, prec, emin)
		switch {
		case rebias && !c.masked(Underflow) && !tinyAfter:
			// Rounds up to the smallest normal: no underflow.
			hi, lo = shiftRightJam128(hi, lo, uint(emin-exp))
			exp = emin
		case rebias && !c.masked(Underflow) && exp+24576 >= emin:
			exp += 24576
			c.Status |= Underflow
		case rebias && !c.masked(Underflow):
			// Too small even for the re-biased form (FSCALE): a
			// zero, reported as an inexact underflow.
			c.Status |= Underflow | Inexact
			return 0, emin, false
		default:
			tiny = tinyAfter
			if tiny && !c.masked(Underflow) {
				// Memory destination: nothing is stored and only
				// the flag is reported.
				c.Status |= Underflow
				return 0, 0, false
			}
			hi, lo = shiftRightJam128(hi, lo, uint(emin-exp))
			exp = emin
		}
	}
	shift := 64 - prec
	kept := hi >> shift
	var frac uint64
	if shift == 0 {
		frac = lo
	} else {
		frac = hi << (64 - shift)
		if lo != 0 {
			frac |= 1
		}
	}
	if frac != 0 {
		c.Status |= Inexact
		if roundUp(c.RC, sign, kept, frac) {
			c.Status |= C1
			kept++
			if kept == 1<<prec {
				kept = 1 << (prec - 1)
				exp++
			}
		}
		if tiny {
			c.Status |= Underflow
		}
	}
	if exp > emax {
		if !c.masked(Overflow) {
			// Unmasked: only OE (and PE when inexact, for a
			// register destination).
			c.Status |= Overflow
			if !rebias {
				c.Status = c.Status&^(Inexact|C1) | before&(Inexact|C1)
				return 0, 0, false
			}
		}
		switch {
		case rebias && !c.masked(Overflow) && exp-24576 <= emax:
			exp -= 24576
		case rebias && !c.masked(Overflow):
			// Too large even for the re-biased form (FSCALE):
			// infinity whatever the rounding mode.
			c.Status |= Overflow | Inexact | C1
			return 0, 0, true
		default:
			c.Status |= Overflow | Inexact
			c.Status &^= C1
			if overflowToInf(c.RC, sign) {
				c.Status |= C1
			}
			return 0, 0, true
		}
	}
	return kept << shift, exp, false
}

// tinyAfterRounding reports whether a value below the normal range stays
// below it once rounded to prec bits with an unbounded exponent (the x87
// and SSE detect tininess after rounding).
func tinyAfterRounding(rc Rounding, sign bool, exp int32, hi, lo uint64, prec uint, emin int32) bool {
	if exp < emin-1 {
		return true
	}
	// exp == emin-1: rounding up can only reach 2^emin when every kept bit
	// is one.
	shift := 64 - prec
	kept := hi >> shift
	if kept != 1<<prec-1 {
		return true
	}
	var frac uint64
	if shift == 0 {
		frac = lo
	} else {
		frac = hi << (64 - shift)
		if lo != 0 {
			frac |= 1
		}
	}
	return frac == 0 || !roundUp(rc, sign, kept, frac)
}

func roundUp(rc Rounding, sign bool, kept, frac uint64) bool {
	switch rc {
	case NearestEven:
		return frac > 1<<63 || (frac == 1<<63 && kept&1 != 0)
	case Down:
		return sign
	case Up:
		return !sign
	}
	return false
}

func overflowToInf(rc Rounding, sign bool) bool {
	switch rc {
	case NearestEven:
		return true
	case Down:
		return sign
	case Up:
		return !sign
	}
	return false
}

// propagateNaN returns the x87's result for an operation with at least one
// NaN operand (SDM Vol. 1 table 4-7): a QNaN over an SNaN, otherwise the NaN
// with the larger significand, quieted; IE when either is signalling.
func (c *Context) propagateNaN(a, b Float80) Float80 {
	an, bn := a.IsNaN(), b.IsNaN()
	as, bs := a.IsSNaN(), b.IsSNaN()
	if as || bs {
		c.Status |= Invalid
	}
	switch {
	case an && bn && as != bs:
		if as {
			a = b
		}
	case an && bn:
		qa, qb := a.Mant|quietBit, b.Mant|quietBit
		if qa < qb || (qa == qb && a.SignExp > b.SignExp) {
			a = b
		}
	case bn:
		a = b
	}
	a.Mant |= quietBit
	return a
}

func (c *Context) quiet(a Float80) Float80 {
	if a.IsSNaN() {
		c.Status |= Invalid
	}
	a.Mant |= quietBit
	return a
}

func (c *Context) invalid() Float80 {
	c.Status |= Invalid
	return Indefinite
}
