package simd

// DpPS is DPPS: the products of the single lanes selected by imm bits 7-4
// (others +0.0), summed as (p0+p1)+(p2+p3), stored in the lanes selected by
// imm bits 3-0 (others +0.0). Every step rounds, and its results are
// ordinary operands of the next one (DAZ and DE apply to them). The
// processor checks for unmasked exceptions after each step (multiplies,
// first additions, last addition): flags of the steps done are reported.
func DpPS(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	mx := *mxcsr
	var p [4]uint32
	var fl uint32
	for i := 0; i < 4; i++ {
		if imm>>(4+i)&1 != 0 {
			var f uint32
			p[i], f = mul32(dst.U32(i), src.U32(i), mx)
			fl |= f
		}
	}
	var done uint32
	if step(mxcsr, &done, fl) {
		return true
	}
	// Each destination lane sums in its own order (which only shows in
	// the NaN chosen): lane i adds p[i^1] + p[i], then t[i] + t[i^2].
	var t, r [4]uint32
	var f1, f2 uint32
	for i := range t {
		var f uint32
		t[i], f = add32(p[i^1], p[i], mx)
		f1 |= f
	}
	if step(mxcsr, &done, f1) {
		return true
	}
	for i := range r {
		var f uint32
		r[i], f = add32(t[i], t[i^2], mx)
		f2 |= f
	}
	if step(mxcsr, &done, f2) {
		return true
	}
	*mxcsr |= done
	for i := 0; i < 4; i++ {
		if imm>>i&1 != 0 {
			dst.SetU32(i, r[i])
		} else {
			dst.SetU32(i, 0)
		}
	}
	return false
}

// DpPD is DPPD: the two double products selected by imm bits 5-4, summed,
// into the lanes selected by imm bits 1-0.
func DpPD(dst, src *Vec, imm uint8, mxcsr *uint32) bool {
	mx := *mxcsr
	var p [2]uint64
	var fl uint32
	for i := 0; i < 2; i++ {
		if imm>>(4+i)&1 != 0 {
			var f uint32
			p[i], f = mul64(dst.U64(i), src.U64(i), mx)
			fl |= f
		}
	}
	var done uint32
	if step(mxcsr, &done, fl) {
		return true
	}
	r0, f := add64(p[0], p[1], mx)
	r1, _ := add64(p[1], p[0], mx)
	if step(mxcsr, &done, f) {
		return true
	}
	*mxcsr |= done
	r := [2]uint64{r0, r1}
	for i := 0; i < 2; i++ {
		if imm>>i&1 != 0 {
			dst.SetU64(i, r[i])
		} else {
			dst.SetU64(i, 0)
		}
	}
	return false
}

// step ends one step of a multi-step instruction: if the step's flags fl
// include an unmasked exception, MXCSR receives the earlier steps' flags
// and this step's (only its pre-computation ones if any of those is
// unmasked), and step reports the fault; otherwise fl joins done.
func step(mxcsr *uint32, done *uint32, fl uint32) bool {
	unmasked := fl &^ (*mxcsr >> 7) & Flags
	if unmasked == 0 {
		*done |= fl
		return false
	}
	if unmasked&preComputation != 0 {
		fl &= preComputation
	}
	*mxcsr |= *done | fl
	return true
}
