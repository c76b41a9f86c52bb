package softfloat

// Const names the constants of the x87 load-constant instructions.
type Const uint8

// Constants, by instruction.
const (
	ConstOne  Const = iota // FLD1
	ConstL2T               // FLDL2T: log2(10)
	ConstL2E               // FLDL2E: log2(e)
	ConstPi                // FLDPI
	ConstLG2               // FLDLG2: log10(2)
	ConstLN2               // FLDLN2: ln(2)
	ConstZero              // FLDZ
)

// constBits holds each constant's significand to 66 bits, as the x87 keeps
// them internally (top 64 bits, then the next two in the low bits of the
// second word), with its exponent.
var constBits = [...]struct {
	exp    uint16
	hi     uint64
	extra2 uint64 // bits 65 and 66, in bits 1-0
}{
	ConstOne: {Bias, 1 << 63, 0},
	ConstL2T: {Bias + 1, 0xd49a784bcd1b8afe, 0x1}, // 3.3219280948873623478...
	ConstL2E: {Bias, 0xb8aa3b295c17f0bb, 0x3},     // 1.4426950408889634073...
	ConstPi:  {Bias + 1, 0xc90fdaa22168c234, 0x3}, // 3.1415926535897932384...
	ConstLG2: {Bias - 2, 0x9a209a84fbcff798, 0x3}, // 0.30102999566398119521...
	ConstLN2: {Bias - 1, 0xb17217f7d1cf79ab, 0x3}, // 0.69314718055994530941...
}

// LoadConst returns constant k as FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2,
// FLDLN2 and FLDZ load it: the 66-bit internal value rounded to 64 bits
// with the rounding control. No exception is raised; C1 is cleared.
func (c *Context) LoadConst(k Const) Float80 {
	switch k {
	case ConstZero:
		return Zero
	case ConstOne:
		return One
	}
	cb := constBits[k]
	// The two extra bits: round at the 64-bit boundary.
	frac := cb.extra2 << 62
	m := cb.hi
	if frac != 0 && roundUp(c.RC, false, m, frac) {
		m++ // no constant has an all-ones significand
	}
	return Float80{Mant: m, SignExp: cb.exp}
}
