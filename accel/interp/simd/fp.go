package simd

// Lane operations on raw bits: result and raised flags.
type op32 func(a, b uint32, mx uint32) (uint32, uint32)
type op64 func(a, b uint64, mx uint32) (uint64, uint32)

// packed32 applies op to the four single-precision lanes.
func packed32(dst, src *Vec, mxcsr *uint32, op op32) bool {
	mx := *mxcsr
	var r [4]uint32
	var fl uint32
	for i := 0; i < 4; i++ {
		var f uint32
		r[i], f = op(dst.U32(i), src.U32(i), mx)
		fl |= f
	}
	if commit(mxcsr, fl) {
		return true
	}
	for i := 0; i < 4; i++ {
		dst.SetU32(i, r[i])
	}
	return false
}

// packed64 applies op to the two double-precision lanes.
func packed64(dst, src *Vec, mxcsr *uint32, op op64) bool {
	mx := *mxcsr
	r0, f0 := op(dst.U64(0), src.U64(0), mx)
	r1, f1 := op(dst.U64(1), src.U64(1), mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// scalar32 applies op to lane 0; the other lanes of dst are kept.
func scalar32(dst, src *Vec, mxcsr *uint32, op op32) bool {
	r, fl := op(dst.U32(0), src.U32(0), *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, r)
	return false
}

// scalar64 applies op to lane 0; the high lane of dst is kept.
func scalar64(dst, src *Vec, mxcsr *uint32, op op64) bool {
	r, fl := op(dst.U64(0), src.U64(0), *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}

func add32(a, b uint32, mx uint32) (uint32, uint32) {
	if r, f, ok := fastBin32(a, b, opAdd, mx); ok {
		return r, f
	}
	r, f := f32.add(uint64(a), uint64(b), false, mx)
	return uint32(r), f
}

func sub32(a, b uint32, mx uint32) (uint32, uint32) {
	if r, f, ok := fastBin32(a, b, opSub, mx); ok {
		return r, f
	}
	r, f := f32.add(uint64(a), uint64(b), true, mx)
	return uint32(r), f
}

func mul32(a, b uint32, mx uint32) (uint32, uint32) {
	if r, f, ok := fastBin32(a, b, opMul, mx); ok {
		return r, f
	}
	r, f := f32.mul(uint64(a), uint64(b), mx)
	return uint32(r), f
}

func div32(a, b uint32, mx uint32) (uint32, uint32) {
	if r, f, ok := fastBin32(a, b, opDiv, mx); ok {
		return r, f
	}
	r, f := f32.div(uint64(a), uint64(b), mx)
	return uint32(r), f
}

func sqrt32(_, b uint32, mx uint32) (uint32, uint32) {
	if r, f, ok := fastSqrt32(b, mx); ok {
		return r, f
	}
	r, f := f32.sqrt(uint64(b), mx)
	return uint32(r), f
}

func min32(a, b uint32, mx uint32) (uint32, uint32) {
	r, f := f32.minMax(uint64(a), uint64(b), false, mx)
	return uint32(r), f
}

func max32(a, b uint32, mx uint32) (uint32, uint32) {
	r, f := f32.minMax(uint64(a), uint64(b), true, mx)
	return uint32(r), f
}

func add64(a, b uint64, mx uint32) (uint64, uint32) {
	if r, f, ok := fastBin64(a, b, opAdd, mx); ok {
		return r, f
	}
	return f64.add(a, b, false, mx)
}

func sub64(a, b uint64, mx uint32) (uint64, uint32) {
	if r, f, ok := fastBin64(a, b, opSub, mx); ok {
		return r, f
	}
	return f64.add(a, b, true, mx)
}

func mul64(a, b uint64, mx uint32) (uint64, uint32) {
	if r, f, ok := fastBin64(a, b, opMul, mx); ok {
		return r, f
	}
	return f64.mul(a, b, mx)
}

func div64(a, b uint64, mx uint32) (uint64, uint32) {
	if r, f, ok := fastBin64(a, b, opDiv, mx); ok {
		return r, f
	}
	return f64.div(a, b, mx)
}

func sqrt64(_, b uint64, mx uint32) (uint64, uint32) {
	if r, f, ok := fastSqrt64(b, mx); ok {
		return r, f
	}
	return f64.sqrt(b, mx)
}
func min64(a, b uint64, mx uint32) (uint64, uint32) { return f64.minMax(a, b, false, mx) }
func max64(a, b uint64, mx uint32) (uint64, uint32) { return f64.minMax(a, b, true, mx) }

// minMax implements MIN*/MAX*: the second operand is returned when either
// is a NaN (IE for any NaN, quiet or not) or when they compare equal
// (0.0 and -0.0 included).
func (f *format) minMax(a, b uint64, max bool, mx uint32) (uint64, uint32) {
	ca, cb := f.class(a), f.class(b)
	var fl uint32
	a, ca = f.input(a, ca, mx, &fl)
	b, cb = f.input(b, cb, mx, &fl)
	if isNaN(ca) || isNaN(cb) {
		return b, IE
	}
	o := f.compare(a, b)
	if (!max && o == less) || (max && o == greater) {
		return a, fl
	}
	return b, fl
}

// Comparison outcomes.
const (
	less = iota
	equal
	greater
	unordered
)

// compare orders two non-NaN values (denormals already screened).
func (f *format) compare(a, b uint64) int {
	if isNaN(f.class(a)) || isNaN(f.class(b)) {
		return unordered
	}
	if (a|b)&^f.sign == 0 {
		return equal
	}
	sa, sb := a&f.sign != 0, b&f.sign != 0
	switch {
	case sa != sb:
		if sa {
			return less
		}
		return greater
	case a == b:
		return equal
	case (a < b) != sa:
		return less
	}
	return greater
}

// cmp evaluates CMP predicate p (0-7: EQ, LT, LE, UNORD, NEQ, NLT, NLE,
// ORD) and returns all ones or zero. The ordered-signalling predicates (LT,
// LE, NLT, NLE) raise IE for QNaNs too.
func (f *format) cmp(a, b uint64, p uint8, mx uint32) (bool, uint32) {
	ca, cb := f.class(a), f.class(b)
	var fl uint32
	if ca == clsSNaN || cb == clsSNaN {
		fl = IE
	}
	var o int
	if isNaN(ca) || isNaN(cb) {
		o = unordered
		if p&3 == 1 || p&3 == 2 {
			fl = IE
		}
	} else {
		a, _ = f.input(a, ca, mx, &fl)
		b, _ = f.input(b, cb, mx, &fl)
		o = f.compare(a, b)
	}
	var r bool
	switch p & 3 {
	case 0:
		r = o == equal
	case 1:
		r = o == less
	case 2:
		r = o == less || o == equal
	case 3:
		r = o == unordered
	}
	if p&4 != 0 {
		r = !r
	}
	return r, fl
}

// Arithmetic instructions.

// AddPS is ADDPS.
func AddPS(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := add32(dst.U32(0), src.U32(0), mx)
	r1, f1 := add32(dst.U32(1), src.U32(1), mx)
	r2, f2 := add32(dst.U32(2), src.U32(2), mx)
	r3, f3 := add32(dst.U32(3), src.U32(3), mx)
	if fl := f0 | f1 | f2 | f3; fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, uint64(r0)|uint64(r1)<<32)
	dst.SetU64(1, uint64(r2)|uint64(r3)<<32)
	return false
}

// AddSS is ADDSS.
func AddSS(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := add32(dst.U32(0), src.U32(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, r)
	return false
}

// AddPD is ADDPD.
func AddPD(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := add64(dst.U64(0), src.U64(0), mx)
	r1, f1 := add64(dst.U64(1), src.U64(1), mx)
	if f0|f1 != 0 && commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// AddSD is ADDSD.
func AddSD(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := add64(dst.U64(0), src.U64(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}

// SubPS is SUBPS.
func SubPS(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := sub32(dst.U32(0), src.U32(0), mx)
	r1, f1 := sub32(dst.U32(1), src.U32(1), mx)
	r2, f2 := sub32(dst.U32(2), src.U32(2), mx)
	r3, f3 := sub32(dst.U32(3), src.U32(3), mx)
	if fl := f0 | f1 | f2 | f3; fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, uint64(r0)|uint64(r1)<<32)
	dst.SetU64(1, uint64(r2)|uint64(r3)<<32)
	return false
}

// SubSS is SUBSS.
func SubSS(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := sub32(dst.U32(0), src.U32(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, r)
	return false
}

// SubPD is SUBPD.
func SubPD(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := sub64(dst.U64(0), src.U64(0), mx)
	r1, f1 := sub64(dst.U64(1), src.U64(1), mx)
	if f0|f1 != 0 && commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// SubSD is SUBSD.
func SubSD(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := sub64(dst.U64(0), src.U64(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}

// MulPS is MULPS.
func MulPS(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := mul32(dst.U32(0), src.U32(0), mx)
	r1, f1 := mul32(dst.U32(1), src.U32(1), mx)
	r2, f2 := mul32(dst.U32(2), src.U32(2), mx)
	r3, f3 := mul32(dst.U32(3), src.U32(3), mx)
	if fl := f0 | f1 | f2 | f3; fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, uint64(r0)|uint64(r1)<<32)
	dst.SetU64(1, uint64(r2)|uint64(r3)<<32)
	return false
}

// MulSS is MULSS.
func MulSS(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := mul32(dst.U32(0), src.U32(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, r)
	return false
}

// MulPD is MULPD.
func MulPD(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := mul64(dst.U64(0), src.U64(0), mx)
	r1, f1 := mul64(dst.U64(1), src.U64(1), mx)
	if f0|f1 != 0 && commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// MulSD is MULSD.
func MulSD(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := mul64(dst.U64(0), src.U64(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}

// DivPS is DIVPS.
func DivPS(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := div32(dst.U32(0), src.U32(0), mx)
	r1, f1 := div32(dst.U32(1), src.U32(1), mx)
	r2, f2 := div32(dst.U32(2), src.U32(2), mx)
	r3, f3 := div32(dst.U32(3), src.U32(3), mx)
	if fl := f0 | f1 | f2 | f3; fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, uint64(r0)|uint64(r1)<<32)
	dst.SetU64(1, uint64(r2)|uint64(r3)<<32)
	return false
}

// DivSS is DIVSS.
func DivSS(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := div32(dst.U32(0), src.U32(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, r)
	return false
}

// DivPD is DIVPD.
func DivPD(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := div64(dst.U64(0), src.U64(0), mx)
	r1, f1 := div64(dst.U64(1), src.U64(1), mx)
	if f0|f1 != 0 && commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// DivSD is DIVSD.
func DivSD(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := div64(dst.U64(0), src.U64(0), *mxcsr)
	if fl != 0 && commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}

// SqrtPS is SQRTPS: dst = sqrt(src).
func SqrtPS(dst, src *Vec, mxcsr *uint32) bool { return packed32(dst, src, mxcsr, sqrt32) }

// SqrtSS is SQRTSS.
func SqrtSS(dst, src *Vec, mxcsr *uint32) bool { return scalar32(dst, src, mxcsr, sqrt32) }

// SqrtPD is SQRTPD.
func SqrtPD(dst, src *Vec, mxcsr *uint32) bool { return packed64(dst, src, mxcsr, sqrt64) }

// SqrtSD is SQRTSD.
func SqrtSD(dst, src *Vec, mxcsr *uint32) bool { return scalar64(dst, src, mxcsr, sqrt64) }

// MinPS is MINPS.
func MinPS(dst, src *Vec, mxcsr *uint32) bool { return packed32(dst, src, mxcsr, min32) }

// MinSS is MINSS.
func MinSS(dst, src *Vec, mxcsr *uint32) bool { return scalar32(dst, src, mxcsr, min32) }

// MinPD is MINPD.
func MinPD(dst, src *Vec, mxcsr *uint32) bool { return packed64(dst, src, mxcsr, min64) }

// MinSD is MINSD.
func MinSD(dst, src *Vec, mxcsr *uint32) bool { return scalar64(dst, src, mxcsr, min64) }

// MaxPS is MAXPS.
func MaxPS(dst, src *Vec, mxcsr *uint32) bool { return packed32(dst, src, mxcsr, max32) }

// MaxSS is MAXSS.
func MaxSS(dst, src *Vec, mxcsr *uint32) bool { return scalar32(dst, src, mxcsr, max32) }

// MaxPD is MAXPD.
func MaxPD(dst, src *Vec, mxcsr *uint32) bool { return packed64(dst, src, mxcsr, max64) }

// MaxSD is MAXSD.
func MaxSD(dst, src *Vec, mxcsr *uint32) bool { return scalar64(dst, src, mxcsr, max64) }

// CmpPS is CMPPS with predicate imm&7.
func CmpPS(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	mx := *mxcsr
	var r [4]uint32
	var fl uint32
	for i := 0; i < 4; i++ {
		t, f := f32.cmp(uint64(dst.U32(i)), uint64(src.U32(i)), imm&7, mx)
		if t {
			r[i] = ^uint32(0)
		}
		fl |= f
	}
	if commit(mxcsr, fl) {
		return true
	}
	for i := 0; i < 4; i++ {
		dst.SetU32(i, r[i])
	}
	return false
}

// CmpSS is CMPSS with predicate imm&7.
func CmpSS(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	t, fl := f32.cmp(uint64(dst.U32(0)), uint64(src.U32(0)), imm&7, *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, uint32(mask64(t)))
	return false
}

// CmpPD is CMPPD with predicate imm&7.
func CmpPD(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	mx := *mxcsr
	t0, f0 := f64.cmp(dst.U64(0), src.U64(0), imm&7, mx)
	t1, f1 := f64.cmp(dst.U64(1), src.U64(1), imm&7, mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, mask64(t0))
	dst.SetU64(1, mask64(t1))
	return false
}

// CmpSD is CMPSD (the SSE2 compare) with predicate imm&7.
func CmpSD(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	t, fl := f64.cmp(dst.U64(0), src.U64(0), imm&7, *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, mask64(t))
	return false
}

func mask64(t bool) uint64 {
	if t {
		return ^uint64(0)
	}
	return 0
}

// EFLAGS bits COMISS and friends set.
const (
	flagCF = 1 << 0
	flagPF = 1 << 2
	flagAF = 1 << 4
	flagZF = 1 << 6
	flagSF = 1 << 7
	flagOF = 1 << 11

	// ComiFlags are the EFLAGS bits COMIS*/UCOMIS* and PTEST write (all
	// others are preserved).
	ComiFlags uint64 = flagCF | flagPF | flagAF | flagZF | flagSF | flagOF
)

func (f *format) comi(a, b uint64, signalQNaN bool, mx uint32) (uint64, uint32) {
	ca, cb := f.class(a), f.class(b)
	var fl uint32
	if ca == clsSNaN || cb == clsSNaN || (signalQNaN && (isNaN(ca) || isNaN(cb))) {
		fl = IE
	}
	if isNaN(ca) || isNaN(cb) {
		return flagZF | flagPF | flagCF, fl
	}
	a, _ = f.input(a, ca, mx, &fl)
	b, _ = f.input(b, cb, mx, &fl)
	switch f.compare(a, b) {
	case less:
		return flagCF, fl
	case equal:
		return flagZF, fl
	}
	return 0, fl
}

// ComiSS is COMISS: it returns the new values of the ComiFlags bits (ZF, PF,
// CF as the comparison says; OF, SF, AF clear) and whether it faults (the
// flags are then not to be written). QNaNs raise IE.
func ComiSS(a, b *Vec, mxcsr *uint32) (eflags uint64, fault bool) {
	r, fl := f32.comi(uint64(a.U32(0)), uint64(b.U32(0)), true, *mxcsr)
	return r, commit(mxcsr, fl)
}

// UcomiSS is UCOMISS: like ComiSS, but only SNaNs raise IE.
func UcomiSS(a, b *Vec, mxcsr *uint32) (eflags uint64, fault bool) {
	r, fl := f32.comi(uint64(a.U32(0)), uint64(b.U32(0)), false, *mxcsr)
	return r, commit(mxcsr, fl)
}

// ComiSD is COMISD.
func ComiSD(a, b *Vec, mxcsr *uint32) (eflags uint64, fault bool) {
	r, fl := f64.comi(a.U64(0), b.U64(0), true, *mxcsr)
	return r, commit(mxcsr, fl)
}

// UcomiSD is UCOMISD.
func UcomiSD(a, b *Vec, mxcsr *uint32) (eflags uint64, fault bool) {
	r, fl := f64.comi(a.U64(0), b.U64(0), false, *mxcsr)
	return r, commit(mxcsr, fl)
}

// AddSubPS is ADDSUBPS: even lanes subtract, odd lanes add.
func AddSubPS(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	var r [4]uint32
	var fl uint32
	for i := 0; i < 4; i++ {
		var f uint32
		if i&1 == 0 {
			r[i], f = sub32(dst.U32(i), src.U32(i), mx)
		} else {
			r[i], f = add32(dst.U32(i), src.U32(i), mx)
		}
		fl |= f
	}
	if commit(mxcsr, fl) {
		return true
	}
	for i := 0; i < 4; i++ {
		dst.SetU32(i, r[i])
	}
	return false
}

// AddSubPD is ADDSUBPD.
func AddSubPD(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := sub64(dst.U64(0), src.U64(0), mx)
	r1, f1 := add64(dst.U64(1), src.U64(1), mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

func horizontal32(dst, src *Vec, mxcsr *uint32, op op32) bool {
	mx := *mxcsr
	var r [4]uint32
	var fl, f uint32
	r[0], f = op(dst.U32(0), dst.U32(1), mx)
	fl |= f
	r[1], f = op(dst.U32(2), dst.U32(3), mx)
	fl |= f
	r[2], f = op(src.U32(0), src.U32(1), mx)
	fl |= f
	r[3], f = op(src.U32(2), src.U32(3), mx)
	fl |= f
	if commit(mxcsr, fl) {
		return true
	}
	for i := 0; i < 4; i++ {
		dst.SetU32(i, r[i])
	}
	return false
}

func horizontal64(dst, src *Vec, mxcsr *uint32, op op64) bool {
	mx := *mxcsr
	r0, f0 := op(dst.U64(0), dst.U64(1), mx)
	r1, f1 := op(src.U64(0), src.U64(1), mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// HaddPS is HADDPS.
func HaddPS(dst, src *Vec, mxcsr *uint32) bool { return horizontal32(dst, src, mxcsr, add32) }

// HsubPS is HSUBPS.
func HsubPS(dst, src *Vec, mxcsr *uint32) bool { return horizontal32(dst, src, mxcsr, sub32) }

// HaddPD is HADDPD.
func HaddPD(dst, src *Vec, mxcsr *uint32) bool { return horizontal64(dst, src, mxcsr, add64) }

// HsubPD is HSUBPD.
func HsubPD(dst, src *Vec, mxcsr *uint32) bool { return horizontal64(dst, src, mxcsr, sub64) }
