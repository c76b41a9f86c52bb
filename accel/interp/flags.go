package interp

import "math/bits"

// Lazy flags. An arithmetic instruction records what it did (fop), its
// operand width (as fsh = 64 - width, so that shifting left by fsh puts the
// operand's sign bit at bit 63 and drops whatever lies above the operand),
// its operands fa, fb and its result fr; the six status flags are computed
// only when something reads them. Operands are stored unmasked. fsh is
// below 64, so readers shift by fsh&63, which compiles to a plain shift.
const (
	fopRaw   = iota // flags holds CF..OF itself
	fopAdd          // fr = fa + fb
	fopAdc          // fr = fa + fb + 1 (ADC with carry in; without it is fopAdd)
	fopSub          // fr = fa - fb (also CMP, NEG as 0 - x)
	fopSbb          // fr = fa - fb - 1
	fopLogic        // AND, OR, XOR, TEST: CF = OF = 0
	fopInc          // fr = fa + 1; fb holds the preserved CF
	fopDec          // fr = fa - 1; fb holds the preserved CF
	fopShl          // fr = fa << fb (fb in 1..31/63)
	fopShr          // fr = fa >> fb, logical
	fopSar          // fr = fa >> fb, arithmetic
	fopMul          // CF = OF = fa (0 or 1); SF, ZF, PF from fr
)

func shOf(size uint8) uint8 { return 64 - 8*size }

func (c *CPU) setFlags(op uint8, size uint8, a, b, r uint64) {
	c.fop = op
	c.fsh = 64 - 8*size
	c.fa = a
	c.fb = b
	c.fr = r
}

// lazy records a flag-setting operation for the fast paths (sh is fsh).
func (c *CPU) lazy(op, sh uint8, a, b, r uint64) {
	c.fop, c.fsh, c.fa, c.fb, c.fr = op, sh, a, b, r
}

// lazyLogic records a logic operation's result for the fast paths.
func (c *CPU) lazyLogic(sh uint8, r uint64) {
	c.fop, c.fsh, c.fr = fopLogic, sh, r
}

func (c *CPU) setLogic(size uint8, r uint64) {
	c.fop = fopLogic
	c.fsh = 64 - 8*size
	c.fr = r
}

func parity(v uint64) bool { return bits.OnesCount8(uint8(v))&1 == 0 }

func (c *CPU) cf() bool {
	s := c.fsh
	a, b, r := c.fa<<s, c.fb<<s, c.fr<<s
	switch c.fop {
	case fopRaw:
		return c.flags&flagCF != 0
	case fopAdd:
		return r < a
	case fopAdc:
		return r <= a
	case fopSub:
		return a < b
	case fopSbb:
		return a <= b
	case fopInc, fopDec:
		return c.fb != 0
	case fopShl:
		n := uint(c.fb)
		w := uint(64 - s)
		if n > w {
			return false
		}
		return (c.fa>>(w-n))&1 != 0
	case fopShr:
		return (c.fa>>(uint(c.fb)-1))&1 != 0 && uint(c.fb) <= uint(64-s)
	case fopSar:
		n := uint(c.fb)
		if w := uint(64 - s); n > w {
			n = w
		}
		return (int64(c.fa<<s)>>(uint(s)+n-1))&1 != 0
	case fopMul:
		return c.fa != 0
	}
	return false
}

func (c *CPU) zf() bool {
	if c.fop == fopRaw {
		return c.flags&flagZF != 0
	}
	return c.fr<<(c.fsh&63) == 0
}

func (c *CPU) sf() bool {
	if c.fop == fopRaw {
		return c.flags&flagSF != 0
	}
	return int64(c.fr<<(c.fsh&63)) < 0
}

func (c *CPU) pf() bool {
	if c.fop == fopRaw {
		return c.flags&flagPF != 0
	}
	return parity(c.fr)
}

func (c *CPU) of() bool {
	s := c.fsh
	a, b, r := c.fa<<s, c.fb<<s, c.fr<<s
	switch c.fop {
	case fopRaw:
		return c.flags&flagOF != 0
	case fopAdd, fopAdc:
		return int64((a^r)&(b^r)) < 0
	case fopSub, fopSbb:
		return int64((a^b)&(a^r)) < 0
	case fopInc:
		return r == 1<<63
	case fopDec:
		return r == uint64(1)<<63-uint64(1)<<s
	case fopShl:
		// OF is defined for 1-bit shifts: MSB(result) XOR CF. Processors
		// compute it the same way for larger counts.
		return (int64(r) < 0) != c.cf()
	case fopShr:
		// For 1-bit shifts, the MSB of the original operand; processors
		// give the XOR of the two top bits of the result for larger counts.
		if c.fb == 1 {
			return int64(a) < 0
		}
		return int64(r^(r<<1)) < 0
	case fopMul:
		return c.fa != 0
	}
	return false
}

func (c *CPU) af() bool {
	switch c.fop {
	case fopRaw:
		return c.flags&flagAF != 0
	case fopAdd, fopAdc, fopSub, fopSbb:
		return (c.fa^c.fb^c.fr)&0x10 != 0
	case fopInc:
		return c.fr&0xf == 0
	case fopDec:
		return c.fr&0xf == 0xf
	}
	return false
}

// arith returns the six status flags as RFLAGS bits, computing them in one
// pass over the lazy state.
func (c *CPU) arith() uint64 {
	sh := c.fsh
	a, b, r := c.fa<<sh, c.fb<<sh, c.fr<<sh
	var f uint64
	switch c.fop {
	case fopRaw:
		return c.flags & flagsArith
	case fopAdd, fopAdc:
		if c.fop == fopAdd && r < a || c.fop == fopAdc && r <= a {
			f |= flagCF
		}
		if int64((a^r)&(b^r)) < 0 {
			f |= flagOF
		}
		f |= (c.fa ^ c.fb ^ c.fr) & flagAF
	case fopSub, fopSbb:
		if c.fop == fopSub && a < b || c.fop == fopSbb && a <= b {
			f |= flagCF
		}
		if int64((a^b)&(a^r)) < 0 {
			f |= flagOF
		}
		f |= (c.fa ^ c.fb ^ c.fr) & flagAF
	case fopLogic:
	case fopInc:
		f |= c.fb & flagCF
		if r == 1<<63 {
			f |= flagOF
		}
		if c.fr&0xf == 0 {
			f |= flagAF
		}
	case fopDec:
		f |= c.fb & flagCF
		if r == uint64(1)<<63-uint64(1)<<sh {
			f |= flagOF
		}
		if c.fr&0xf == 0xf {
			f |= flagAF
		}
	default: // shifts and multiplication
		if c.cf() {
			f |= flagCF
		}
		if c.of() {
			f |= flagOF
		}
	}
	if r == 0 {
		f |= flagZF
	}
	if int64(r) < 0 {
		f |= flagSF
	}
	if parity(c.fr) {
		f |= flagPF
	}
	return f
}

// materialize folds the lazy state into flags so that an instruction can
// change some status flags and keep the others.
func (c *CPU) materialize() {
	if c.fop != fopRaw {
		c.flags = c.flags&^flagsArith | c.arith()
		c.fop = fopRaw
	}
}

// setFlag sets or clears status flag bit f, keeping the others.
func (c *CPU) setFlag(f uint64, on bool) {
	c.materialize()
	if on {
		c.flags |= f
	} else {
		c.flags &^= f
	}
}

// cond evaluates condition code cc (the low nibble of Jcc/SETcc/CMOVcc).
func (c *CPU) cond(cc uint8) bool {
	s := c.fsh & 63
	switch c.fop {
	case fopSub:
		a, b := c.fa<<s, c.fb<<s
		switch cc {
		case 2:
			return a < b
		case 3:
			return a >= b
		case 4:
			return a == b
		case 5:
			return a != b
		case 6:
			return a <= b
		case 7:
			return a > b
		case 0xc:
			return int64(a) < int64(b)
		case 0xd:
			return int64(a) >= int64(b)
		case 0xe:
			return int64(a) <= int64(b)
		case 0xf:
			return int64(a) > int64(b)
		}
	case fopLogic:
		r := int64(c.fr << s)
		switch cc {
		case 0, 2:
			return false
		case 1, 3:
			return true
		case 4, 6:
			return r == 0
		case 5, 7:
			return r != 0
		case 8, 0xc:
			return r < 0
		case 9, 0xd:
			return r >= 0
		case 0xe:
			return r <= 0
		case 0xf:
			return r > 0
		}
	}
	var v bool
	switch cc >> 1 {
	case 0:
		v = c.of()
	case 1:
		v = c.cf()
	case 2:
		v = c.zf()
	case 3:
		v = c.cf() || c.zf()
	case 4:
		v = c.sf()
	case 5:
		v = c.pf()
	case 6:
		v = c.sf() != c.of()
	case 7:
		v = c.zf() || c.sf() != c.of()
	}
	return v != (cc&1 != 0)
}

// Conditions for the fast paths: small enough to inline, exact for the
// lazy states compares and logic operations leave, and cond's full
// evaluation otherwise.

func (c *CPU) condB() bool { // CF
	if c.fop == fopSub {
		return c.fa<<(c.fsh&63) < c.fb<<(c.fsh&63)
	}
	return c.cond(2)
}

func (c *CPU) condBE() bool { // CF or ZF
	if c.fop == fopSub {
		return c.fa<<(c.fsh&63) <= c.fb<<(c.fsh&63)
	}
	return c.cond(6)
}

func (c *CPU) condL() bool { // SF != OF
	if c.fop == fopSub {
		return int64(c.fa<<(c.fsh&63)) < int64(c.fb<<(c.fsh&63))
	}
	return c.cond(0xc)
}

func (c *CPU) condLE() bool { // ZF or SF != OF
	if c.fop == fopSub {
		return int64(c.fa<<(c.fsh&63)) <= int64(c.fb<<(c.fsh&63))
	}
	return c.cond(0xe)
}

// jccTaken evaluates condition cc for a conditional branch: at once for
// the lazy states compares, subtractions and logic operations leave and
// for conditions on ZF alone (DEC and JNZ), through cond otherwise.
func (c *CPU) jccTaken(cc uint8) bool {
	s := c.fsh & 63
	switch {
	case c.fop == fopSub && cc&14 != 10:
		return subCond(cc, c.fa<<s, c.fb<<s) != 0
	case c.fop == fopLogic && cc&14 != 10:
		return logicCond(cc, c.fr<<s) != 0
	case cc&14 == 4 && c.fop != fopRaw:
		return (c.fr<<s == 0) != (cc&1 != 0)
	}
	return c.cond(cc)
}
