package softfloat

// FromBCD converts the 10-byte packed BCD format (FBLD): 18 digits, two per
// byte with the least significant digit in the low nibble of byte 0, and
// the sign in bit 7 of byte 9. Never an exception. Nibbles above 9 are not
// valid BCD; they are weighted like digits (value nibble*10^position), as
// the processor computes.
func FromBCD(b [10]byte) Float80 {
	var v uint64
	for i := 8; i >= 0; i-- {
		v = v*10 + uint64(b[i]>>4)
		v = v*10 + uint64(b[i]&0xf)
	}
	f := FromInt64(int64(v))
	if b[9]&0x80 != 0 {
		f = f.Neg()
	}
	return f
}

// BCDIndefinite is the packed BCD indefinite FBSTP stores for invalid
// operands.
var BCDIndefinite = [10]byte{7: 0xc0, 8: 0xff, 9: 0xff}

// ToBCD rounds f to an integer with the context's rounding control and
// encodes it as packed BCD (FBSTP). NaNs, infinities, unsupported encodings
// and magnitudes of 10^18 or more raise IE and give BCDIndefinite (not
// stored when IE is unmasked). Inexact results raise PE, and C1 when
// rounded up.
func (c *Context) ToBCD(f Float80) [10]byte {
	switch f.Classify() {
	case ClassUnsupported, ClassQNaN, ClassSNaN, ClassInf:
		c.Status |= Invalid
		return BCDIndefinite
	}
	var out [10]byte
	if f.Sign() {
		out[9] = 0x80
	}
	if f.IsZero() {
		return out
	}
	sign, e, m := unpack(f)
	if e > 63 {
		c.Status |= Invalid
		return BCDIndefinite
	}
	kept, frac := splitInt(e, m)
	up := frac != 0 && roundUp(c.RC, sign, kept, frac)
	if up {
		kept++
	}
	const limit = 1000000000000000000 // 10^18
	if kept >= limit {
		c.Status |= Invalid
		return BCDIndefinite
	}
	if frac != 0 {
		c.Status |= Inexact
		if up {
			c.Status |= C1
		}
	}
	for i := 0; i < 9; i++ {
		lo := kept % 10
		kept /= 10
		hi := kept % 10
		kept /= 10
		out[i] = byte(hi<<4 | lo)
	}
	return out
}
