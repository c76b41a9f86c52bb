package simd

import "math/bits"

// convert rounds v (format from) to format to: CVTSS2SD, CVTSD2SS and the
// packed forms.
func convert(from, to *format, v uint64, mx uint32) (uint64, uint32) {
	c := from.class(v)
	sign := v&from.sign != 0
	switch c {
	case clsQNaN, clsSNaN:
		var fl uint32
		if c == clsSNaN {
			fl = IE
		}
		// Keep the sign and the top fraction bits.
		frac := v & from.fracMask
		if to.fracBits > from.fracBits {
			frac <<= to.fracBits - from.fracBits
		} else {
			frac >>= from.fracBits - to.fracBits
		}
		return to.zero(sign) | to.expField | to.quiet | frac, fl
	case clsInf:
		return to.inf(sign), 0
	case clsZero:
		return to.zero(sign), 0
	}
	var fl uint32
	v, c = from.input(v, c, mx, &fl)
	if c == clsZero {
		return to.zero(sign), fl
	}
	_, e, m := from.unpack(v)
	r, rf := to.roundPack(sign, e, m, 0, mx)
	return r, fl | rf
}

// fromInt converts a signed integer to format to with MXCSR rounding.
func fromInt(to *format, i int64, mx uint32) (uint64, uint32) {
	if i == 0 {
		return 0, 0
	}
	sign := i < 0
	m := uint64(i)
	if sign {
		m = -m
	}
	n := bits.LeadingZeros64(m)
	return to.roundPack(sign, int32(63-n), m<<uint(n), 0, mx)
}

// toInt converts v (format from) to a signed integer of size bits (32 or
// 64), rounding with rc or truncating. NaNs and out-of-range values raise
// IE and give the integer indefinite.
func toInt(from *format, v uint64, size uint, truncate bool, mx uint32) (uint64, uint32) {
	indef := uint64(1) << (size - 1)
	c := from.class(v)
	switch c {
	case clsQNaN, clsSNaN, clsInf:
		return indef, IE
	case clsZero:
		return 0, 0
	}
	var fl uint32
	v, c = from.inputQuiet(v, c, mx)
	if c == clsZero {
		return 0, fl
	}
	sign, e, m := from.unpack(v)
	if e > 63 {
		return indef, fl | IE
	}
	var kept, frac uint64
	switch {
	case e == 63:
		kept = m
	case e >= 0:
		kept, frac = m>>uint(63-e), m<<uint(e+1)
	case e == -1:
		frac = m
	default:
		frac = m>>1 | 1
	}
	rc := rcOf(mx)
	if truncate {
		rc = RoundZero
	}
	if frac != 0 && roundUp(rc, sign, kept, frac) {
		kept++
	}
	if kept > indef || (!sign && kept == indef) {
		return indef, fl | IE
	}
	if frac != 0 {
		fl |= PE
	}
	if sign {
		kept = -kept
	}
	if size == 32 {
		kept &= 0xffffffff
	}
	return kept, fl
}

// CvtSS2SD is CVTSS2SD.
func CvtSS2SD(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := convert(f32, f64, uint64(src.U32(0)), *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}

// CvtSD2SS is CVTSD2SS.
func CvtSD2SS(dst, src *Vec, mxcsr *uint32) bool {
	r, fl := convert(f64, f32, src.U64(0), *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, uint32(r))
	return false
}

// CvtPS2PD is CVTPS2PD: the two low singles of src to doubles.
func CvtPS2PD(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := convert(f32, f64, uint64(src.U32(0)), mx)
	r1, f1 := convert(f32, f64, uint64(src.U32(1)), mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// CvtPD2PS is CVTPD2PS: the upper half of dst is zeroed.
func CvtPD2PS(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := convert(f64, f32, src.U64(0), mx)
	r1, f1 := convert(f64, f32, src.U64(1), mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0|r1<<32)
	dst.SetU64(1, 0)
	return false
}

// CvtDQ2PS is CVTDQ2PS.
func CvtDQ2PS(dst, src *Vec, mxcsr *uint32) bool {
	mx := *mxcsr
	var r [4]uint64
	var fl uint32
	for i := range r {
		var f uint32
		r[i], f = fromInt(f32, int64(int32(src.U32(i))), mx)
		fl |= f
	}
	if commit(mxcsr, fl) {
		return true
	}
	for i := range r {
		dst.SetU32(i, uint32(r[i]))
	}
	return false
}

// CvtDQ2PD is CVTDQ2PD: exact.
func CvtDQ2PD(dst, src *Vec) {
	a, b := int64(int32(src.U32(0))), int64(int32(src.U32(1)))
	r0, _ := fromInt(f64, a, 0)
	r1, _ := fromInt(f64, b, 0)
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
}

func ps2dq(dst, src *Vec, mxcsr *uint32, trunc bool) bool {
	mx := *mxcsr
	var r [4]uint64
	var fl uint32
	for i := range r {
		var f uint32
		r[i], f = toInt(f32, uint64(src.U32(i)), 32, trunc, mx)
		fl |= f
	}
	if commit(mxcsr, fl) {
		return true
	}
	for i := range r {
		dst.SetU32(i, uint32(r[i]))
	}
	return false
}

// CvtPS2DQ is CVTPS2DQ.
func CvtPS2DQ(dst, src *Vec, mxcsr *uint32) bool { return ps2dq(dst, src, mxcsr, false) }

// CvttPS2DQ is CVTTPS2DQ.
func CvttPS2DQ(dst, src *Vec, mxcsr *uint32) bool { return ps2dq(dst, src, mxcsr, true) }

func pd2dq(dst, src *Vec, mxcsr *uint32, trunc bool) bool {
	mx := *mxcsr
	r0, f0 := toInt(f64, src.U64(0), 32, trunc, mx)
	r1, f1 := toInt(f64, src.U64(1), 32, trunc, mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0|r1<<32)
	dst.SetU64(1, 0)
	return false
}

// CvtPD2DQ is CVTPD2DQ: the upper half of dst is zeroed.
func CvtPD2DQ(dst, src *Vec, mxcsr *uint32) bool { return pd2dq(dst, src, mxcsr, false) }

// CvttPD2DQ is CVTTPD2DQ.
func CvttPD2DQ(dst, src *Vec, mxcsr *uint32) bool { return pd2dq(dst, src, mxcsr, true) }

// CvtSI2SS is CVTSI2SS from a 32-bit (is64 false) or 64-bit integer.
func CvtSI2SS(dst *Vec, i int64, is64 bool, mxcsr *uint32) bool {
	if !is64 {
		i = int64(int32(i))
	}
	r, fl := fromInt(f32, i, *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, uint32(r))
	return false
}

// CvtSI2SD is CVTSI2SD from a 32-bit or 64-bit integer.
func CvtSI2SD(dst *Vec, i int64, is64 bool, mxcsr *uint32) bool {
	if !is64 {
		i = int64(int32(i))
	}
	r, fl := fromInt(f64, i, *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}

// CvtSS2SI is CVTSS2SI (truncate false) and CVTTSS2SI (truncate true) to a
// 32-bit or 64-bit integer, returned zero-extended (a 32-bit result is
// written to the 32-bit register, clearing the upper half of the 64-bit
// one). On fault the register is not written.
func CvtSS2SI(src *Vec, is64, truncate bool, mxcsr *uint32) (uint64, bool) {
	size := uint(32)
	if is64 {
		size = 64
	}
	r, fl := toInt(f32, uint64(src.U32(0)), size, truncate, *mxcsr)
	return r, commit(mxcsr, fl)
}

// CvtSD2SI is CVTSD2SI and CVTTSD2SI.
func CvtSD2SI(src *Vec, is64, truncate bool, mxcsr *uint32) (uint64, bool) {
	size := uint(32)
	if is64 {
		size = 64
	}
	r, fl := toInt(f64, src.U64(0), size, truncate, *mxcsr)
	return r, commit(mxcsr, fl)
}

// CvtPI2PS is CVTPI2PS: two int32 of an MMX register into the low singles of
// dst (the high half is kept).
func CvtPI2PS(dst *Vec, mm uint64, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := fromInt(f32, int64(int32(mm)), mx)
	r1, f1 := fromInt(f32, int64(int32(mm>>32)), mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0|r1<<32)
	return false
}

// CvtPS2PI is CVTPS2PI and CVTTPS2PI: the two low singles of src to int32s.
func CvtPS2PI(src *Vec, truncate bool, mxcsr *uint32) (uint64, bool) {
	mx := *mxcsr
	r0, f0 := toInt(f32, uint64(src.U32(0)), 32, truncate, mx)
	r1, f1 := toInt(f32, uint64(src.U32(1)), 32, truncate, mx)
	return r0 | r1<<32, commit(mxcsr, f0|f1)
}

// CvtPI2PD is CVTPI2PD: exact.
func CvtPI2PD(dst *Vec, mm uint64) {
	r0, _ := fromInt(f64, int64(int32(mm)), 0)
	r1, _ := fromInt(f64, int64(int32(mm>>32)), 0)
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
}

// CvtPD2PI is CVTPD2PI and CVTTPD2PI.
func CvtPD2PI(src *Vec, truncate bool, mxcsr *uint32) (uint64, bool) {
	mx := *mxcsr
	r0, f0 := toInt(f64, src.U64(0), 32, truncate, mx)
	r1, f1 := toInt(f64, src.U64(1), 32, truncate, mx)
	return r0 | r1<<32, commit(mxcsr, f0|f1)
}

// roundInt rounds v to an integral value in its own format (ROUND*). imm
// bits 1-0 give the rounding mode unless bit 2 selects MXCSR.RC; bit 3
// suppresses the precision exception.
func roundInt(f *format, v uint64, imm uint8, mx uint32) (uint64, uint32) {
	c := f.class(v)
	switch c {
	case clsQNaN:
		return v, 0
	case clsSNaN:
		return v | f.quiet, IE
	case clsZero, clsInf:
		return v, 0
	}
	var fl uint32
	v, c = f.inputQuiet(v, c, mx)
	if c == clsZero {
		return v, fl
	}
	rc := uint32(imm & 3)
	if imm&4 != 0 {
		rc = rcOf(mx)
	}
	sign, e, m := f.unpack(v)
	if e >= int32(f.fracBits) {
		return v, fl
	}
	var kept, frac uint64
	switch {
	case e >= 0:
		kept, frac = m>>uint(63-e), m<<uint(e+1)
	case e == -1:
		frac = m
	default:
		frac = m>>1 | 1
	}
	if frac == 0 {
		return v, fl
	}
	if imm&8 == 0 {
		fl |= PE
	}
	if roundUp(rc, sign, kept, frac) {
		kept++
	}
	if kept == 0 {
		return f.zero(sign), fl
	}
	n := bits.LeadingZeros64(kept)
	r, _ := f.roundPack(sign, int32(63-n), kept<<uint(n), 0, 0)
	return r, fl
}

// RoundPS is ROUNDPS.
func RoundPS(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	mx := *mxcsr
	var r [4]uint64
	var fl uint32
	for i := range r {
		var f uint32
		r[i], f = roundInt(f32, uint64(src.U32(i)), imm, mx)
		fl |= f
	}
	if commit(mxcsr, fl) {
		return true
	}
	for i := range r {
		dst.SetU32(i, uint32(r[i]))
	}
	return false
}

// RoundPD is ROUNDPD.
func RoundPD(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	mx := *mxcsr
	r0, f0 := roundInt(f64, src.U64(0), imm, mx)
	r1, f1 := roundInt(f64, src.U64(1), imm, mx)
	if commit(mxcsr, f0|f1) {
		return true
	}
	dst.SetU64(0, r0)
	dst.SetU64(1, r1)
	return false
}

// RoundSS is ROUNDSS.
func RoundSS(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	r, fl := roundInt(f32, uint64(src.U32(0)), imm, *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU32(0, uint32(r))
	return false
}

// RoundSD is ROUNDSD.
func RoundSD(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	r, fl := roundInt(f64, src.U64(0), imm, *mxcsr)
	if commit(mxcsr, fl) {
		return true
	}
	dst.SetU64(0, r)
	return false
}
