package interp

import (
	"math/bits"
)

// Integer arithmetic and logic: the ALU group for byte operands and LOCK,
// INC/DEC, NOT/NEG, TEST, multiplication and division, shifts and rotates,
// bit tests and scans, CMPXCHG, XADD.

// cfBit is CF as 0 or 1.
func (c *CPU) cfBit() uint64 {
	if c.cf() {
		return 1
	}
	return 0
}

func (c *CPU) adc(a, b uint64, size uint8) uint64 {
	if c.cf() {
		r := a + b + 1
		c.setFlags(fopAdc, size, a, b, r)
		return r
	}
	r := a + b
	c.setFlags(fopAdd, size, a, b, r)
	return r
}

func (c *CPU) sbb(a, b uint64, size uint8) uint64 {
	if c.cf() {
		r := a - b - 1
		c.setFlags(fopSbb, size, a, b, r)
		return r
	}
	r := a - b
	c.setFlags(fopSub, size, a, b, r)
	return r
}

// alu performs ALU operation op; the second result is false for CMP.
func (c *CPU) alu(op uint8, a, b uint64, size uint8) (uint64, bool) {
	var r uint64
	switch op {
	case aluAdd:
		r = a + b
		c.setFlags(fopAdd, size, a, b, r)
	case aluOr:
		r = a | b
		c.setLogic(size, r)
	case aluAdc:
		r = c.adc(a, b, size)
	case aluSbb:
		r = c.sbb(a, b, size)
	case aluAnd:
		r = a & b
		c.setLogic(size, r)
	case aluSub:
		r = a - b
		c.setFlags(fopSub, size, a, b, r)
	case aluXor:
		r = a ^ b
		c.setLogic(size, r)
	case aluCmp:
		c.setFlags(fopSub, size, a, b, a-b)
		return 0, false
	}
	return r, true
}

// smcEnd ends the block after a write that hit the page being executed.
func (c *CPU) smcEnd(in *inst) bool {
	if c.smcStop {
		c.rip = in.next
		return true
	}
	return false
}

// Byte forms (any register, including AH..BH).

func hALU8RR(c *CPU, in *inst) bool {
	r, w := c.alu(in.sub, c.reg8(in.r1), c.reg8(in.r2), 1)
	if w {
		c.setReg8(in.r1, r)
	}
	return false
}

func hALU8RI(c *CPU, in *inst) bool {
	r, w := c.alu(in.sub, c.reg8(in.r1), in.imm, 1)
	if w {
		c.setReg8(in.r1, r)
	}
	return false
}

func hALU8RM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), 1)
	r, w := c.alu(in.sub, c.reg8(in.r1), b, 1)
	if w {
		c.setReg8(in.r1, r)
	}
	return false
}

func hALU8MR(c *CPU, in *inst) bool {
	if in.sub == aluCmp {
		c.alu(aluCmp, c.read(in.seg, c.ea(in), 1), c.reg8(in.r1), 1)
		return false
	}
	a := c.rmwLoad(in.seg, c.ea(in), 1)
	r, _ := c.alu(in.sub, a, c.reg8(in.r1), 1)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hALU8MI(c *CPU, in *inst) bool {
	if in.sub == aluCmp {
		c.alu(aluCmp, c.read(in.seg, c.ea(in), 1), in.imm, 1)
		return false
	}
	a := c.rmwLoad(in.seg, c.ea(in), 1)
	r, _ := c.alu(in.sub, a, in.imm, 1)
	c.rmwStore(r)
	return c.smcEnd(in)
}

var aluRI8 = [8]handler{hALU8RI, hALU8RI, hALU8RI, hALU8RI, hALU8RI, hALU8RI, hALU8RI, hALU8RI}

// hLockALU is LOCK op [mem], reg/imm: an atomic read-modify-write.
func hLockALU(c *CPU, in *inst) bool {
	var b uint64
	if in.pfx&pfxImm != 0 {
		b = in.imm
	} else if in.size == 1 {
		b = c.reg8(in.r1)
	} else {
		b = c.R[in.r1]
	}
	var old uint64
	c.atomicRMW(in, func(a uint64) uint64 {
		old = a
		switch in.sub {
		case aluAdd:
			return a + b
		case aluOr:
			return a | b
		case aluAdc:
			return a + b + c.cfBit()
		case aluSbb:
			return a - b - c.cfBit()
		case aluAnd:
			return a & b
		case aluSub:
			return a - b
		case aluXor:
			return a ^ b
		}
		return a
	})
	c.alu(in.sub, old, b, in.size)
	return c.smcEnd(in)
}

// TEST

func hTestRR(c *CPU, in *inst) bool {
	c.setLogic(in.size, c.R[in.r1]&c.R[in.r2])
	return false
}

func hTestRI(c *CPU, in *inst) bool {
	c.setLogic(in.size, c.R[in.r1]&in.imm)
	return false
}

func hTestMR(c *CPU, in *inst) bool {
	c.setLogic(in.size, c.read(in.seg, c.ea(in), in.size)&c.R[in.r1])
	return false
}

func hTestMI(c *CPU, in *inst) bool {
	c.setLogic(in.size, c.read(in.seg, c.ea(in), in.size)&in.imm)
	return false
}

func hTest8RR(c *CPU, in *inst) bool {
	c.setLogic(1, c.reg8(in.r1)&c.reg8(in.r2))
	return false
}

func hTest8RI(c *CPU, in *inst) bool {
	c.setLogic(1, c.reg8(in.r1)&in.imm)
	return false
}

func hTest8M(c *CPU, in *inst) bool {
	c.setLogic(1, c.read(in.seg, c.ea(in), 1)&c.reg8(in.r1))
	return false
}

func hTest8MI(c *CPU, in *inst) bool {
	c.setLogic(1, c.read(in.seg, c.ea(in), 1)&in.imm)
	return false
}

// INC, DEC

func (c *CPU) setIncDec(op uint8, size uint8, a, r uint64) {
	cf := c.cfBit()
	c.fop, c.fsh, c.fa, c.fb, c.fr = op, 64-8*size, a, cf, r
}

func hIncR(c *CPU, in *inst) bool {
	a := c.R[in.r1]
	r := a + 1
	c.setIncDec(fopInc, in.size, a, r)
	c.wr(in, in.r1, r)
	return false
}

func hDecR(c *CPU, in *inst) bool {
	a := c.R[in.r1]
	r := a - 1
	c.setIncDec(fopDec, in.size, a, r)
	c.wr(in, in.r1, r)
	return false
}

// hIncDec handles byte registers and memory operands (sub 0 INC, 1 DEC).
func hIncDec(c *CPU, in *inst) bool {
	d := uint64(1)
	op := uint8(fopInc)
	if in.sub == 1 {
		d = ^uint64(0)
		op = fopDec
	}
	if !in.mem() {
		a := c.reg8(in.r1)
		r := a + d
		c.setIncDec(op, 1, a, r)
		c.setReg8(in.r1, r)
		return false
	}
	var a uint64
	if in.pfx&pfxLock != 0 {
		a = c.atomicRMW(in, func(v uint64) uint64 { return v + d })
	} else {
		a = c.rmwLoad(in.seg, c.ea(in), in.size)
		c.rmwStore(a + d)
	}
	c.setIncDec(op, in.size, a, a+d)
	return c.smcEnd(in)
}

// NOT, NEG

func hNot(c *CPU, in *inst) bool {
	switch {
	case in.mem() && in.pfx&pfxLock != 0:
		c.atomicRMW(in, func(v uint64) uint64 { return ^v })
	case in.mem():
		c.rmwStore(^c.rmwLoad(in.seg, c.ea(in), in.size))
	case in.size == 1:
		c.setReg8(in.r1, ^c.reg8(in.r1))
	default:
		c.wr(in, in.r1, ^c.R[in.r1])
	}
	return c.smcEnd(in)
}

func hNeg(c *CPU, in *inst) bool {
	var a uint64
	switch {
	case in.mem() && in.pfx&pfxLock != 0:
		a = c.atomicRMW(in, func(v uint64) uint64 { return -v })
	case in.mem():
		a = c.rmwLoad(in.seg, c.ea(in), in.size)
		c.rmwStore(-a)
	case in.size == 1:
		a = c.reg8(in.r1)
		c.setReg8(in.r1, -a)
	default:
		a = c.R[in.r1]
		c.wr(in, in.r1, -a)
	}
	c.setFlags(fopSub, in.size, 0, a, -a)
	return c.smcEnd(in)
}

// srcE reads the ModRM operand (register or memory) of in.size bytes.
func (c *CPU) srcE(in *inst) uint64 {
	if in.mem() {
		return c.read(in.seg, c.ea(in), in.size)
	}
	if in.size == 1 {
		return c.reg8(in.r2)
	}
	return c.R[in.r2] & in.mask()
}

// dstE reads the E operand of a form whose register is in r1.
func (c *CPU) dstE(in *inst) uint64 {
	if in.mem() {
		return c.read(in.seg, c.ea(in), in.size)
	}
	if in.size == 1 {
		return c.reg8(in.r1)
	}
	return c.R[in.r1] & in.mask()
}

// setE writes the E operand of a form whose register is in r1.
func (c *CPU) setE(in *inst, v uint64) {
	switch {
	case in.mem():
		c.write(in.seg, c.ea(in), in.size, v)
	case in.size == 1:
		c.setReg8(in.r1, v)
	default:
		c.wr(in, in.r1, v)
	}
}

// MUL, IMUL (one operand) — sub 4 MUL, 5 IMUL.
func hMul1(c *CPU, in *inst) bool {
	src := c.dstE(in)
	signed := in.sub == 5
	var lo, hi uint64
	var ovf bool
	switch in.size {
	case 1:
		a := c.R[0] & 0xff
		if signed {
			r := int64(int8(a)) * int64(int8(src))
			lo = uint64(r)
			ovf = r != int64(int8(r))
		} else {
			lo = a * src
			ovf = lo > 0xff
		}
		c.R[0] = c.R[0]&^0xffff | lo&0xffff
		c.setFlags(fopMul, 1, b2u(ovf), 0, lo)
		return false
	case 2:
		a := c.R[0] & 0xffff
		if signed {
			r := int64(int16(a)) * int64(int16(src))
			lo = uint64(r)
			ovf = r != int64(int16(r))
		} else {
			lo = a * src
			ovf = lo > 0xffff
		}
		c.R[0] = c.R[0]&^0xffff | lo&0xffff
		c.R[2] = c.R[2]&^0xffff | lo>>16&0xffff
	case 4:
		a := c.R[0] & 0xffffffff
		if signed {
			r := int64(int32(a)) * int64(int32(src))
			lo = uint64(r)
			ovf = r != int64(int32(r))
		} else {
			lo = a * src
			ovf = lo > 0xffffffff
		}
		c.R[0] = lo & 0xffffffff
		c.R[2] = lo >> 32
	case 8:
		a := c.R[0]
		if signed {
			hi, lo = mulSigned64(a, src)
			ovf = hi != uint64(int64(lo)>>63)
		} else {
			hi, lo = bits.Mul64(a, src)
			ovf = hi != 0
		}
		c.R[0] = lo
		c.R[2] = hi
	}
	c.setFlags(fopMul, in.size, b2u(ovf), 0, lo)
	return false
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// mulSigned64 returns the 128-bit signed product of a and b.
func mulSigned64(a, b uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	if int64(b) < 0 {
		hi -= a
	}
	return hi, lo
}

// imulTrunc multiplies signed and reports overflow of the size-byte result.
func imulTrunc(a, b uint64, size uint8) (uint64, bool) {
	switch size {
	case 2:
		r := int64(int16(a)) * int64(int16(b))
		return uint64(r), r != int64(int16(r))
	case 4:
		r := int64(int32(a)) * int64(int32(b))
		return uint64(r), r != int64(int32(r))
	}
	hi, lo := mulSigned64(a, b)
	return lo, hi != uint64(int64(lo)>>63)
}

// IMUL r, r/m
func hImul2(c *CPU, in *inst) bool {
	r, ovf := imulTrunc(c.R[in.r1], c.srcE(in), in.size)
	c.setFlags(fopMul, in.size, b2u(ovf), 0, r)
	c.wr(in, in.r1, r)
	return false
}

// IMUL r, r/m, imm
func hImul3(c *CPU, in *inst) bool {
	r, ovf := imulTrunc(c.srcE(in), in.imm, in.size)
	c.setFlags(fopMul, in.size, b2u(ovf), 0, r)
	c.wr(in, in.r1, r)
	return false
}

// DIV, IDIV — sub 6 DIV, 7 IDIV. #DE on a zero divisor or a quotient
// that does not fit.
func hDiv(c *CPU, in *inst) bool {
	src := c.dstE(in)
	if src == 0 {
		c.raise(excDE)
	}
	signed := in.sub == 7
	switch in.size {
	case 1:
		a := c.R[0] & 0xffff
		var q, r uint64
		if signed {
			n, d := int64(int16(a)), int64(int8(src))
			qq := n / d
			if qq != int64(int8(qq)) {
				c.raise(excDE)
			}
			q, r = uint64(qq), uint64(n%d)
		} else {
			q, r = a/src, a%src
			if q > 0xff {
				c.raise(excDE)
			}
		}
		c.R[0] = c.R[0]&^0xffff | q&0xff | (r&0xff)<<8
	case 2:
		a := c.R[2]&0xffff<<16 | c.R[0]&0xffff
		var q, r uint64
		if signed {
			n, d := int64(int32(a)), int64(int16(src))
			qq := n / d
			if qq != int64(int16(qq)) {
				c.raise(excDE)
			}
			q, r = uint64(qq), uint64(n%d)
		} else {
			q, r = a/src, a%src
			if q > 0xffff {
				c.raise(excDE)
			}
		}
		c.R[0] = c.R[0]&^0xffff | q&0xffff
		c.R[2] = c.R[2]&^0xffff | r&0xffff
	case 4:
		a := c.R[2]&0xffffffff<<32 | c.R[0]&0xffffffff
		var q, r uint64
		if signed {
			n, d := int64(a), int64(int32(src))
			if n == -1<<63 && d == -1 {
				c.raise(excDE)
			}
			qq := n / d
			if qq != int64(int32(qq)) {
				c.raise(excDE)
			}
			q, r = uint64(qq), uint64(n%d)
		} else {
			q, r = a/src, a%src
			if q > 0xffffffff {
				c.raise(excDE)
			}
		}
		c.R[0] = q & 0xffffffff
		c.R[2] = r & 0xffffffff
	case 8:
		hi, lo := c.R[2], c.R[0]
		if signed {
			q, r, ok := idiv128(hi, lo, src)
			if !ok {
				c.raise(excDE)
			}
			c.R[0], c.R[2] = q, r
		} else {
			if hi >= src {
				c.raise(excDE)
			}
			q, r := bits.Div64(hi, lo, src)
			c.R[0], c.R[2] = q, r
		}
	}
	return false
}

// idiv128 divides the signed 128-bit hi:lo by signed d; false if the
// quotient does not fit in 64 bits.
func idiv128(hi, lo, d uint64) (q, r uint64, ok bool) {
	neg := int64(hi) < 0
	if neg {
		lo = -lo
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	dneg := int64(d) < 0
	ad := d
	if dneg {
		ad = -d
	}
	if hi >= ad {
		return 0, 0, false
	}
	uq, ur := bits.Div64(hi, lo, ad)
	qneg := neg != dneg
	if qneg {
		if uq > 1<<63 {
			return 0, 0, false
		}
		q = -uq
	} else {
		if uq >= 1<<63 {
			return 0, 0, false
		}
		q = uq
	}
	r = ur
	if neg {
		r = -ur
	}
	return q, r, true
}

// Shifts and rotates: sub 0 ROL, 1 ROR, 2 RCL, 3 RCR, 4 SHL, 5 SHR, 6 SAL
// (= SHL), 7 SAR. Count from imm (pfxImm) or CL.

func hShlRI(c *CPU, in *inst) bool {
	n := in.imm & 0x1f
	if in.size == 8 {
		n = in.imm & 0x3f
	}
	if n == 0 {
		c.wr(in, in.r1, c.R[in.r1])
		return false
	}
	a := c.R[in.r1]
	r := a << n
	c.setFlags(fopShl, in.size, a, n, r)
	c.wr(in, in.r1, r)
	return false
}

func hShrRI(c *CPU, in *inst) bool {
	n := in.imm & 0x1f
	if in.size == 8 {
		n = in.imm & 0x3f
	}
	a := c.R[in.r1] & in.mask()
	if n == 0 {
		c.wr(in, in.r1, a)
		return false
	}
	r := a >> n
	c.setFlags(fopShr, in.size, a, n, r)
	c.wr(in, in.r1, r)
	return false
}

func hSarRI(c *CPU, in *inst) bool {
	n := in.imm & 0x1f
	if in.size == 8 {
		n = in.imm & 0x3f
	}
	a := c.R[in.r1]
	if n == 0 {
		c.wr(in, in.r1, a)
		return false
	}
	r := uint64(int64(signExtend(a, in.size)) >> n)
	c.setFlags(fopSar, in.size, a, n, r)
	c.wr(in, in.r1, r)
	return false
}

// hRolRI and hRorRI rotate a register by an immediate: only CF and OF
// change.
func hRolRI(c *CPU, in *inst) bool {
	w := uint64(in.size) * 8
	n := in.imm & 0x1f
	if in.size == 8 {
		n = in.imm & 0x3f
	}
	a := c.R[in.r1] & in.mask()
	if n == 0 {
		c.wr(in, in.r1, a)
		return false
	}
	k := n % w
	r := (a<<k | a>>(w-k)) & in.mask()
	c.materialize()
	f := c.flags &^ (flagCF | flagOF)
	f |= r & 1
	if (r>>(w-1)^r)&1 != 0 {
		f |= flagOF
	}
	c.flags = f
	c.wr(in, in.r1, r)
	return false
}

func hRorRI(c *CPU, in *inst) bool {
	w := uint64(in.size) * 8
	n := in.imm & 0x1f
	if in.size == 8 {
		n = in.imm & 0x3f
	}
	a := c.R[in.r1] & in.mask()
	if n == 0 {
		c.wr(in, in.r1, a)
		return false
	}
	k := n % w
	r := (a>>k | a<<(w-k)) & in.mask()
	c.materialize()
	f := c.flags &^ (flagCF | flagOF)
	f |= r >> (w - 1) & 1
	if (r>>(w-1)^r>>(w-2))&1 != 0 {
		f |= flagOF
	}
	c.flags = f
	c.wr(in, in.r1, r)
	return false
}

// hShift is the general group-2 handler.
func hShift(c *CPU, in *inst) bool {
	cnt := in.imm
	if in.pfx&pfxImm == 0 {
		cnt = c.R[1] & 0xff
	}
	if in.size == 8 {
		cnt &= 0x3f
	} else {
		cnt &= 0x1f
	}
	var a uint64
	if in.mem() {
		a = c.rmwLoad(in.seg, c.ea(in), in.size)
	} else if in.size == 1 {
		a = c.reg8(in.r1)
	} else {
		a = c.R[in.r1] & in.mask()
	}
	a &= in.mask()
	r := a
	if cnt != 0 {
		r = c.shiftOp(in.sub, a, cnt, in.size)
	}
	switch {
	case in.mem():
		c.rmwStore(r)
		return c.smcEnd(in)
	case in.size == 1:
		c.setReg8(in.r1, r)
	default:
		c.wr(in, in.r1, r)
	}
	return false
}

// shiftOp performs shift or rotate op on the size-byte value a by a
// non-zero masked count, setting the flags.
func (c *CPU) shiftOp(op uint8, a, cnt uint64, size uint8) uint64 {
	w := uint64(size) * 8
	m := sizeMask(size)
	msb := func(v uint64) bool { return v>>(w-1)&1 != 0 }
	switch op {
	case 0, 1: // ROL, ROR
		n := cnt % w
		var r uint64
		if op == 0 {
			r = (a<<n | a>>(w-n)) & m
			if n == 0 {
				r = a
			}
			c.materialize()
			c.setFlagBits(r&1 != 0, msb(r) != (r&1 != 0))
		} else {
			r = (a>>n | a<<(w-n)) & m
			if n == 0 {
				r = a
			}
			c.materialize()
			c.setFlagBits(msb(r), msb(r) != msb(r<<1))
		}
		return r
	case 2, 3: // RCL, RCR: rotate through CF over w+1 bits
		n := cnt % (w + 1)
		cf := c.cfBit()
		r := a
		for i := uint64(0); i < n; i++ {
			if op == 2 {
				out := r >> (w - 1) & 1
				r = (r<<1 | cf) & m
				cf = out
			} else {
				out := r & 1
				r = r>>1 | cf<<(w-1)
				cf = out
			}
		}
		c.materialize()
		if op == 2 {
			c.setFlagBits(cf != 0, msb(r) != (cf != 0))
		} else {
			c.setFlagBits(cf != 0, msb(r) != msb(r<<1))
		}
		return r
	case 4, 6: // SHL
		r := (a << cnt) & m
		if cnt >= 64 {
			r = 0
		}
		c.setFlags(fopShl, size, a, cnt, r)
		return r
	case 5: // SHR
		r := a >> cnt
		c.setFlags(fopShr, size, a, cnt, r)
		return r
	default: // SAR
		r := uint64(int64(signExtend(a, size))>>cnt) & m
		c.setFlags(fopSar, size, a, cnt, r)
		return r
	}
}

// setFlagBits sets CF and OF in materialised flags.
func (c *CPU) setFlagBits(cf, of bool) {
	c.flags &^= flagCF | flagOF
	if cf {
		c.flags |= flagCF
	}
	if of {
		c.flags |= flagOF
	}
}

// SHLD, SHRD (sub 0 SHLD, 1 SHRD): r/m in r1 (or memory), source in r2.
func hShd(c *CPU, in *inst) bool {
	cnt := in.imm
	if in.pfx&pfxImm == 0 {
		cnt = c.R[1] & 0xff
	}
	if in.size == 8 {
		cnt &= 0x3f
	} else {
		cnt &= 0x1f
	}
	src := c.R[in.r2]
	if in.mem() {
		src = c.R[in.r1]
	}
	var a uint64
	if in.mem() {
		a = c.rmwLoad(in.seg, c.ea(in), in.size)
	} else {
		a = c.R[in.r1]
	}
	w := uint64(in.size) * 8
	m := in.mask()
	a &= m
	src &= m
	r := a
	if cnt != 0 {
		var cf bool
		if in.size == 2 && cnt > 16 {
			// Undefined by the SDM; shift through the 32-bit value a:src
			// (SHLD) or src:a (SHRD), as some processors do.
			if in.sub == 0 {
				v := a<<16 | src
				r = (v<<(cnt-16) | a>>(32-cnt)) & m
				cf = v>>(32-(cnt-16))&1 != 0
			} else {
				v := src<<16 | a
				r = (v>>(cnt-16) | a<<(32-cnt)) & m
				cf = v>>(cnt-17)&1 != 0
			}
		} else if in.sub == 0 {
			r = (a<<cnt | src>>(w-cnt)) & m
			cf = a>>(w-cnt)&1 != 0
		} else {
			r = (a>>cnt | src<<(w-cnt)) & m
			cf = a>>(cnt-1)&1 != 0
		}
		c.fop, c.fsh, c.fr = fopRaw, 64-uint8(w), r
		f := c.flags &^ flagsArith
		if cf {
			f |= flagCF
		}
		if r&(1<<(w-1)) != 0 {
			f |= flagSF
		}
		if r == 0 {
			f |= flagZF
		}
		if parity(r) {
			f |= flagPF
		}
		if (r^a)>>(w-1)&1 != 0 {
			f |= flagOF
		}
		c.flags = f
	}
	if in.mem() {
		c.rmwStore(r)
		return c.smcEnd(in)
	}
	c.wr(in, in.r1, r)
	return false
}

// BT, BTS, BTR, BTC (sub 0..3). A register bit offset addresses memory
// beyond the operand (signed, in operand-size units).
func hBt(c *CPU, in *inst) bool {
	w := uint64(in.size) * 8
	var off uint64
	if in.pfx&pfxImm != 0 {
		off = in.imm & (w - 1)
	} else {
		off = c.R[in.r2]
		if in.mem() {
			off = c.R[in.r1]
		}
	}
	bit := off & (w - 1)
	mask := uint64(1) << bit
	var v uint64
	if in.mem() {
		ea := c.ea(in)
		if in.pfx&pfxImm == 0 {
			so := int64(signExtend(off&in.mask(), in.size))
			ea = (ea + uint64(so>>(3+bits.TrailingZeros64(uint64(in.size))))*uint64(in.size)) & in.amask()
		}
		if in.sub == 0 {
			v = c.read(in.seg, ea, in.size)
		} else if in.pfx&pfxLock != 0 {
			tmp := *in
			tmp.disp, tmp.base, tmp.index = ea, zeroReg, zeroReg
			v = c.atomicRMW(&tmp, func(x uint64) uint64 { return btOp(in.sub, x, mask) })
		} else {
			v = c.rmwLoad(in.seg, ea, in.size)
			c.rmwStore(btOp(in.sub, v, mask))
		}
	} else {
		reg := in.r1
		v = c.R[reg]
		if in.sub != 0 {
			c.wr(in, reg, btOp(in.sub, v, mask))
		}
	}
	c.materialize()
	c.flags &^= flagCF
	if v&mask != 0 {
		c.flags |= flagCF
	}
	return c.smcEnd(in)
}

func btOp(op uint8, v, mask uint64) uint64 {
	switch op {
	case 1:
		return v | mask
	case 2:
		return v &^ mask
	case 3:
		return v ^ mask
	}
	return v
}

// BSF, BSR (sub 0 BSF, 1 BSR): a zero source sets ZF and leaves the
// destination unchanged.
func hBsfBsr(c *CPU, in *inst) bool {
	src := c.srcE(in) & in.mask()
	c.materialize()
	if src == 0 {
		c.flags |= flagZF
		return false
	}
	c.flags &^= flagZF
	var r uint64
	if in.sub == 0 {
		r = uint64(bits.TrailingZeros64(src))
	} else {
		r = uint64(63 - bits.LeadingZeros64(src))
	}
	c.wr(in, in.r1, r)
	return false
}

// TZCNT, LZCNT (sub 0, 1).
func hTzLzcnt(c *CPU, in *inst) bool {
	src := c.srcE(in) & in.mask()
	w := uint64(in.size) * 8
	var r uint64
	if in.sub == 0 {
		r = uint64(bits.TrailingZeros64(src))
		if r > w {
			r = w
		}
	} else {
		r = uint64(bits.LeadingZeros64(src)) - (64 - w)
	}
	c.materialize()
	c.flags &^= flagCF | flagZF
	if src == 0 {
		c.flags |= flagCF
	}
	if r == 0 {
		c.flags |= flagZF
	}
	c.wr(in, in.r1, r)
	return false
}

func hPopcnt(c *CPU, in *inst) bool {
	src := c.srcE(in) & in.mask()
	r := uint64(bits.OnesCount64(src))
	c.fop = fopRaw
	c.flags &^= flagsArith
	if src == 0 {
		c.flags |= flagZF
	}
	c.wr(in, in.r1, r)
	return false
}

// CMPXCHG r/m, r: destination in r1 (or memory), source in r2.
func hCmpxchg(c *CPU, in *inst) bool {
	sreg := in.r2
	if in.mem() {
		sreg = in.r1
	}
	var src uint64
	if in.size == 1 {
		src = c.reg8(sreg)
	} else {
		src = c.R[sreg]
	}
	acc := c.R[0] & in.mask()
	var d uint64
	if in.mem() {
		if in.pfx&pfxLock != 0 {
			d = c.atomicRMW(in, func(v uint64) uint64 {
				if v == acc {
					return src
				}
				return v
			})
		} else {
			d = c.rmwLoad(in.seg, c.ea(in), in.size)
			if d == acc {
				c.rmwStore(src)
			} else {
				c.rmwStore(d)
			}
		}
	} else if in.size == 1 {
		d = c.reg8(in.r1)
		if d == acc {
			c.setReg8(in.r1, src)
		}
	} else {
		d = c.R[in.r1] & in.mask()
		if d == acc {
			c.wr(in, in.r1, src)
		}
	}
	c.setFlags(fopSub, in.size, acc, d, acc-d)
	if d != acc {
		if in.size == 1 {
			c.setReg8(0, d)
		} else {
			c.wr(in, 0, d)
		}
	}
	return c.smcEnd(in)
}

// XADD r/m, r
func hXadd(c *CPU, in *inst) bool {
	reg := in.r2
	if in.mem() {
		reg = in.r1
	}
	var src uint64
	if in.size == 1 {
		src = c.reg8(reg)
	} else {
		src = c.R[reg]
	}
	var d uint64
	if in.mem() {
		if in.pfx&pfxLock != 0 {
			d = c.atomicRMW(in, func(v uint64) uint64 { return v + src })
		} else {
			d = c.rmwLoad(in.seg, c.ea(in), in.size)
			c.rmwStore(d + src)
		}
	} else if in.size == 1 {
		d = c.reg8(in.r1)
		c.setReg8(reg, d)
		c.setReg8(in.r1, d+src)
	} else {
		d = c.R[in.r1]
		c.wr(in, reg, d)
		c.wr(in, in.r1, d+src)
	}
	if in.mem() {
		if in.size == 1 {
			c.setReg8(reg, d)
		} else {
			c.wr(in, reg, d)
		}
	}
	c.setFlags(fopAdd, in.size, d, src, d+src)
	return c.smcEnd(in)
}

// CMPXCHG8B m64 / CMPXCHG16B m128 (in.size 8 or 16).
func hCmpxchg8b(c *CPU, in *inst) bool {
	ea := c.ea(in)
	c.materialize()
	if in.size == 8 {
		cmp := c.R[2]&0xffffffff<<32 | c.R[0]&0xffffffff
		nv := c.R[1]&0xffffffff<<32 | c.R[3]&0xffffffff
		tmp := *in
		tmp.size = 8
		old := c.atomicRMW(&tmp, func(v uint64) uint64 {
			if v == cmp {
				return nv
			}
			return v
		})
		if old == cmp {
			c.flags |= flagZF
		} else {
			c.flags &^= flagZF
			c.R[0] = old & 0xffffffff
			c.R[2] = old >> 32
		}
		return c.smcEnd(in)
	}
	if ea&15 != 0 {
		c.raiseCode(excGP, 0)
	}
	c.vm.lockMu.Lock()
	defer c.vm.lockMu.Unlock()
	c.probeWriteAt(in.seg, ea, 16)
	lo := c.read(in.seg, ea, 8)
	hi := c.read(in.seg, ea+8, 8)
	if lo == c.R[0] && hi == c.R[2] {
		c.write(in.seg, ea, 8, c.R[3])
		c.write(in.seg, ea+8, 8, c.R[1])
		c.flags |= flagZF
	} else {
		c.write(in.seg, ea, 8, lo)
		c.write(in.seg, ea+8, 8, hi)
		c.flags &^= flagZF
		c.R[0], c.R[2] = lo, hi
	}
	return c.smcEnd(in)
}

// probeWriteAt checks that n bytes at seg:off can be written.
func (c *CPU) probeWriteAt(seg uint8, off uint64, n uint8) {
	la := c.linW(seg, off, n)
	c.probeWrite(seg, la, min(n, 8))
	if n > 8 {
		c.probeWrite(seg, la+8, n-8)
	}
}
