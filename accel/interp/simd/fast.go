package simd

import "math"

// Fast paths: when both operands are normal and the result is comfortably
// inside the normal range, the host's round-to-nearest result plus an exact
// error term (TwoSum, or a fused multiply-add residual) give the correctly
// rounded result in every rounding mode and the precision flag, with no
// possibility of overflow, underflow, NaNs or denormals. Anything else
// returns ok == false and takes the general path in ieee.go.

const (
	f64ExpMask = 0x7ff << 52
	f32ExpMask = 0xff << 23
)

// normal64 reports exponent fields in [lo, hi].
func exp64(v uint64) uint64 { return v >> 52 & 0x7ff }
func exp32(v uint32) uint32 { return v >> 23 & 0xff }

// adjust64 applies the rounding mode to r, the round-to-nearest result,
// given the sign of (exact - r).
func adjust64(r float64, errSign int, mx uint32) (uint64, uint32) {
	b := math.Float64bits(r)
	if errSign == 0 {
		return b, 0
	}
	neg := b>>63 != 0
	switch rcOf(mx) {
	case RoundDown:
		if errSign < 0 {
			b = nextToward(b, neg, false)
		}
	case RoundUp:
		if errSign > 0 {
			b = nextToward(b, neg, true)
		}
	case RoundZero:
		if (errSign < 0) != neg {
			b = nextToward(b, neg, neg)
		}
	}
	return b, PE
}

// nextToward steps the bits of a finite non-zero value one ulp up (toward
// +inf) or down.
func nextToward(b uint64, neg, up bool) uint64 {
	if up != neg {
		return b + 1 // larger magnitude
	}
	return b - 1
}

func sign64(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// fastBin64 handles double add, sub, mul and div.
func fastBin64(a, b uint64, op int, mx uint32) (uint64, uint32, bool) {
	ea, eb := exp64(a), exp64(b)
	if ea-1 >= 0x7fe || eb-1 >= 0x7fe {
		return 0, 0, false
	}
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	var r float64
	var es int
	switch op {
	case opAdd, opSub:
		if op == opSub {
			y = -y
		}
		r = x + y
		bv := float64(r - x)
		av := float64(r - bv)
		es = sign64(float64(x-av) + float64(y-bv))
	case opMul:
		r = float64(x * y)
		es = sign64(math.FMA(x, y, -r))
	case opDiv:
		if ea < 0x80 {
			return 0, 0, false
		}
		r = float64(x / y)
		es = sign64(math.FMA(-r, y, x)) * sign64(y)
	}
	if er := exp64(math.Float64bits(r)); er < 0x80 || er > 0x7fd {
		return 0, 0, false
	}
	res, fl := adjust64(r, es, mx)
	return res, fl, true
}

func fastSqrt64(a uint64, mx uint32) (uint64, uint32, bool) {
	if e := exp64(a); a>>63 != 0 || e < 0x80 || e > 0x7fd {
		return 0, 0, false
	}
	x := math.Float64frombits(a)
	r := math.Sqrt(x)
	res, fl := adjust64(r, sign64(math.FMA(-r, r, x)), mx)
	return res, fl, true
}

// fastBin32 handles single add, sub, mul and div through float64, where
// sums are exact when TwoSum says so, products always are, and quotients
// carry their residual.
func fastBin32(a, b uint32, op int, mx uint32) (uint32, uint32, bool) {
	ea, eb := exp32(a), exp32(b)
	if ea-1 >= 0xfe || eb-1 >= 0xfe {
		return 0, 0, false
	}
	x := float64(math.Float32frombits(a))
	y := float64(math.Float32frombits(b))
	var w float64 // exact result, or the double nearest it
	var tail int  // sign of (exact - w)
	switch op {
	case opAdd, opSub:
		if op == opSub {
			y = -y
		}
		w = x + y
		bv := float64(w - x)
		av := float64(w - bv)
		if float64(x-av)+float64(y-bv) != 0 {
			return 0, 0, false
		}
	case opMul:
		w = float64(x * y)
	case opDiv:
		w = float64(x / y)
		tail = sign64(math.FMA(-w, y, x)) * sign64(y)
	}
	r := float32(w)
	rb := math.Float32bits(r)
	if er := exp32(rb); er < 2 || er > 0xfd {
		return 0, 0, false
	}
	es := sign64(w - float64(r))
	if es == 0 {
		es = tail
	}
	res, fl := adjust32(rb, es, mx)
	return res, fl, true
}

func fastSqrt32(a uint32, mx uint32) (uint32, uint32, bool) {
	if e := exp32(a); a>>31 != 0 || e < 2 || e > 0xfd {
		return 0, 0, false
	}
	x := float64(math.Float32frombits(a))
	w := math.Sqrt(x)
	r := float32(w)
	es := sign64(w - float64(r))
	if es == 0 {
		es = sign64(math.FMA(-w, w, x))
	}
	res, fl := adjust32(math.Float32bits(r), es, mx)
	return res, fl, true
}

func adjust32(b uint32, errSign int, mx uint32) (uint32, uint32) {
	if errSign == 0 {
		return b, 0
	}
	neg := b>>31 != 0
	step := func(up bool) uint32 {
		if up != neg {
			return b + 1
		}
		return b - 1
	}
	switch rcOf(mx) {
	case RoundDown:
		if errSign < 0 {
			b = step(false)
		}
	case RoundUp:
		if errSign > 0 {
			b = step(true)
		}
	case RoundZero:
		if (errSign < 0) != neg {
			b = step(neg)
		}
	}
	return b, PE
}

const (
	opAdd = iota
	opSub
	opMul
	opDiv
)
