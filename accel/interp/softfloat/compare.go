package softfloat

// Order is the outcome of a comparison.
type Order uint8

// Comparison outcomes.
const (
	Less Order = iota
	Equal
	Greater
	Unordered
)

// FSW returns the condition codes FCOM, FUCOM, FTST and FICOM set for o:
// C3, C2 and C0 (C1 is cleared by these instructions).
func (o Order) FSW() uint16 {
	switch o {
	case Less:
		return C0
	case Equal:
		return C3
	case Greater:
		return 0
	}
	return C3 | C2 | C0
}

// EFLAGS returns the ZF, PF and CF bits FCOMI/FUCOMI (and COMISS/UCOMISS)
// set for o; OF, SF and AF are cleared by these instructions.
func (o Order) EFLAGS() uint64 {
	const cf, pf, zf = 1 << 0, 1 << 2, 1 << 6
	switch o {
	case Less:
		return cf
	case Equal:
		return zf
	case Greater:
		return 0
	}
	return zf | pf | cf
}

// Compare compares a with b. An ordered comparison (FCOM, FCOMI, FTST,
// FICOM) raises IE for any NaN operand; an unordered one (FUCOM, FUCOMI)
// only for signalling NaNs. Unsupported encodings are always invalid and
// compare unordered. Denormal operands raise DE.
func (c *Context) Compare(a, b Float80, ordered bool) Order {
	ca, cb := a.Classify(), b.Classify()
	switch {
	case ca == ClassUnsupported || cb == ClassUnsupported || ca == ClassSNaN || cb == ClassSNaN:
		c.Status |= Invalid
		return Unordered
	case ca == ClassQNaN || cb == ClassQNaN:
		if ordered {
			c.Status |= Invalid
		}
		return Unordered
	}
	if isDenormalClass(ca) || isDenormalClass(cb) || c.opDenormal {
		c.Status |= Denormal
	}
	if ca == ClassZero && cb == ClassZero {
		return Equal
	}
	sa, sb := a.Sign(), b.Sign()
	if sa != sb {
		if sa {
			return Less
		}
		return Greater
	}
	// Same sign: compare magnitudes through the normalised forms (pseudo-
	// denormals equal their normalised value).
	ma := magnitude(a, ca)
	mb := magnitude(b, cb)
	switch {
	case ma == mb:
		return Equal
	case ma.less(mb) != sa:
		return Less
	}
	return Greater
}

type mag struct {
	exp  int32
	mant uint64
}

func (m mag) less(o mag) bool {
	return m.exp < o.exp || (m.exp == o.exp && m.mant < o.mant)
}

func magnitude(f Float80, c Class) mag {
	switch c {
	case ClassZero:
		return mag{exp: -1 << 30}
	case ClassInf:
		return mag{exp: 1 << 30}
	}
	_, e, m := unpack(f)
	return mag{e, m}
}

// Test compares f with +0.0 (FTST): an ordered comparison.
func (c *Context) Test(f Float80) Order { return c.Compare(f, Zero, true) }

// Examine classifies f as FXAM does, returning C3, C2, C1 and C0; empty is
// the register's tag (FXAM reports "empty" regardless of contents). C1 is
// the sign bit in every case.
func Examine(f Float80, empty bool) uint16 {
	var r uint16
	if f.Sign() {
		r = uint16(C1)
	}
	if empty {
		return r | C3 | C0
	}
	switch f.Classify() {
	case ClassUnsupported:
		return r
	case ClassQNaN, ClassSNaN:
		return r | C0
	case ClassNormal:
		return r | C2
	case ClassInf:
		return r | C2 | C0
	case ClassZero:
		return r | C3
	}
	return r | C3 | C2 // denormal and pseudo-denormal
}
