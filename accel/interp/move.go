package interp

import "math/bits"

// Data movement: MOV forms, LEA, MOVZX/MOVSX/MOVSXD, XCHG, CMOVcc, SETcc,
// BSWAP, MOVBE, sign extensions, the stack (PUSH, POP, PUSHA, POPA, ENTER,
// LEAVE), LAHF/SAHF and flag instructions.

func hMovRR(c *CPU, in *inst) bool {
	c.wr(in, in.r1, c.R[in.r2])
	return false
}

func hMovRI(c *CPU, in *inst) bool {
	c.wr(in, in.r1, in.imm)
	return false
}

func hMovRM(c *CPU, in *inst) bool {
	c.wr(in, in.r1, c.read(in.seg, c.ea(in), in.size))
	return false
}

func hMovMR(c *CPU, in *inst) bool {
	c.write(in.seg, c.ea(in), in.size, c.R[in.r1])
	return c.smcEnd(in)
}

func hMovMI(c *CPU, in *inst) bool {
	c.write(in.seg, c.ea(in), in.size, in.imm)
	return c.smcEnd(in)
}

func hMov8RR(c *CPU, in *inst) bool {
	c.setReg8(in.r1, c.reg8(in.r2))
	return false
}

func hMov8RI(c *CPU, in *inst) bool {
	c.setReg8(in.r1, in.imm)
	return false
}

func hMov8RM(c *CPU, in *inst) bool {
	c.setReg8(in.r1, c.read(in.seg, c.ea(in), 1))
	return false
}

func hMov8MR(c *CPU, in *inst) bool {
	c.write(in.seg, c.ea(in), 1, c.reg8(in.r1))
	return c.smcEnd(in)
}

func hMov8MI(c *CPU, in *inst) bool {
	c.write(in.seg, c.ea(in), 1, in.imm)
	return c.smcEnd(in)
}

func hLea(c *CPU, in *inst) bool {
	c.wr(in, in.r1, c.ea(in))
	return false
}

// MOVZX/MOVSX Gv, Eb/Ew: imm2 is the source size.
func hMovzx(c *CPU, in *inst) bool {
	c.wr(in, in.r1, c.srcN(in, uint8(in.imm2)))
	return false
}

func hMovsx(c *CPU, in *inst) bool {
	sz := uint8(in.imm2)
	c.wr(in, in.r1, signExtend(c.srcN(in, sz), sz))
	return false
}

func hMovsxd(c *CPU, in *inst) bool {
	c.R[in.r1] = signExtend(c.srcN(in, 4), 4)
	return false
}

// srcN reads the ModRM source operand with size sz.
func (c *CPU) srcN(in *inst, sz uint8) uint64 {
	if in.mem() {
		return c.read(in.seg, c.ea(in), sz)
	}
	if sz == 1 {
		return c.reg8(in.r2)
	}
	return c.R[in.r2] & sizeMask(sz)
}

func hXchgRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	c.wr(in, in.r1, b)
	c.wr(in, in.r2, a)
	return false
}

// hXchgM exchanges a register with memory: always locked.
func hXchgM(c *CPU, in *inst) bool {
	old := c.atomicXchg(in, c.R[in.r1]&in.mask())
	c.wr(in, in.r1, old)
	return c.smcEnd(in)
}

func hXchg8(c *CPU, in *inst) bool {
	if in.mem() {
		old := c.atomicXchg(in, c.reg8(in.r1))
		c.setReg8(in.r1, old)
		return c.smcEnd(in)
	}
	a, b := c.reg8(in.r1), c.reg8(in.r2)
	c.setReg8(in.r1, b)
	c.setReg8(in.r2, a)
	return false
}

// CMOVcc: the source is read (and may fault) whatever the condition; a
// 32-bit destination is zero-extended even when nothing moves.
func hCmov(c *CPU, in *inst) bool {
	v := c.srcE(in)
	if c.cond(in.sub) {
		c.wr(in, in.r1, v)
	} else {
		c.wr(in, in.r1, c.R[in.r1])
	}
	return false
}

func hSetcc(c *CPU, in *inst) bool {
	v := b2u(c.cond(in.sub))
	if in.mem() {
		c.write(in.seg, c.ea(in), 1, v)
		return c.smcEnd(in)
	}
	c.setReg8(in.r1, v)
	return false
}

func hBswap(c *CPU, in *inst) bool {
	v := c.R[in.r1]
	switch in.size {
	case 8:
		c.R[in.r1] = bits.ReverseBytes64(v)
	case 4:
		c.R[in.r1] = uint64(bits.ReverseBytes32(uint32(v)))
	default:
		// 16-bit BSWAP is undefined; processors clear the low word.
		c.R[in.r1] = v &^ 0xffff
	}
	return false
}

// MOVBE (sub 0: load Gv <- Mv, 1: store Mv <- Gv).
func hMovbe(c *CPU, in *inst) bool {
	if in.sub == 0 {
		v := c.read(in.seg, c.ea(in), in.size)
		c.wr(in, in.r1, swapBytes(v, in.size))
		return false
	}
	c.write(in.seg, c.ea(in), in.size, swapBytes(c.R[in.r1], in.size))
	return c.smcEnd(in)
}

func swapBytes(v uint64, size uint8) uint64 {
	switch size {
	case 2:
		return uint64(bits.ReverseBytes16(uint16(v)))
	case 4:
		return uint64(bits.ReverseBytes32(uint32(v)))
	}
	return bits.ReverseBytes64(v)
}

// CBW/CWDE/CDQE and CWD/CDQ/CQO.
func hCbw(c *CPU, in *inst) bool {
	switch in.size {
	case 2:
		c.R[0] = c.R[0]&^0xffff | signExtend(c.R[0], 1)&0xffff
	case 4:
		c.R[0] = signExtend(c.R[0], 2) & 0xffffffff
	case 8:
		c.R[0] = signExtend(c.R[0], 4)
	}
	return false
}

func hCwd(c *CPU, in *inst) bool {
	s := uint64(0)
	if int64(c.R[0]<<(64-8*uint(in.size))) < 0 {
		s = ^uint64(0)
	}
	c.wr(in, 2, s)
	return false
}

func hLahf(c *CPU, in *inst) bool {
	f := c.rflags()
	c.R[0] = c.R[0]&^0xff00 | (f&0xff)<<8
	return false
}

func hSahf(c *CPU, in *inst) bool {
	c.materialize()
	m := uint64(flagSF | flagZF | flagAF | flagPF | flagCF)
	c.flags = c.flags&^m | (c.R[0]>>8)&m
	return false
}

func hXlat(c *CPU, in *inst) bool {
	off := (c.R[3] + c.R[0]&0xff) & in.amask()
	c.setReg8(0, c.read(in.seg, off, 1))
	return false
}

func hClc(c *CPU, in *inst) bool { c.setFlag(flagCF, false); return false }
func hStc(c *CPU, in *inst) bool { c.setFlag(flagCF, true); return false }
func hCmc(c *CPU, in *inst) bool { c.setFlag(flagCF, !c.cf()); return false }
func hCld(c *CPU, in *inst) bool { c.flags &^= flagDF; return false }
func hStd(c *CPU, in *inst) bool { c.flags |= flagDF; return false }

func hNop(c *CPU, in *inst) bool { return false }

// Stack.

func (c *CPU) pushN(v uint64, size uint8) {
	m := c.stackMask()
	sp := (c.R[4] - uint64(size)) & m
	c.write(segSS, sp, size, v)
	c.R[4] = c.R[4]&^m | sp
}

func (c *CPU) push16(v uint16) { c.pushN(uint64(v), 2) }

func (c *CPU) popN(size uint8) uint64 {
	m := c.stackMask()
	sp := c.R[4] & m
	v := c.read(segSS, sp, size)
	c.R[4] = c.R[4]&^m | (sp+uint64(size))&m
	return v
}

func hPushR(c *CPU, in *inst) bool {
	c.pushN(c.R[in.r1], in.size)
	return c.smcEnd(in)
}

func hPopR(c *CPU, in *inst) bool {
	v := c.popN(in.size)
	c.wr(in, in.r1, v)
	return false
}

func hPushI(c *CPU, in *inst) bool {
	c.pushN(in.imm, in.size)
	return c.smcEnd(in)
}

func hPushE(c *CPU, in *inst) bool {
	v := c.dstE(in)
	c.pushN(v, in.size)
	return c.smcEnd(in)
}

// POP r/m: the address is computed after RSP is incremented.
func hPopE(c *CPU, in *inst) bool {
	m := c.stackMask()
	sp := c.R[4] & m
	v := c.read(segSS, sp, in.size)
	nsp := c.R[4]&^m | (sp+uint64(in.size))&m
	if !in.mem() {
		c.R[4] = nsp
		c.wr(in, in.r1, v)
		return false
	}
	old := c.R[4]
	c.R[4] = nsp
	ea := c.ea(in)
	c.R[4] = old
	c.write(in.seg, ea, in.size, v)
	c.R[4] = nsp
	return c.smcEnd(in)
}

func hPusha(c *CPU, in *inst) bool {
	size := in.size
	m := c.stackMask()
	sp := c.R[4]
	for i := 0; i < 8; i++ {
		v := c.R[i]
		if i == 4 {
			v = sp
		}
		c.write(segSS, (sp-uint64(i+1)*uint64(size))&m, size, v)
	}
	c.R[4] = c.R[4]&^m | (sp-8*uint64(size))&m
	return c.smcEnd(in)
}

func hPopa(c *CPU, in *inst) bool {
	size := in.size
	m := c.stackMask()
	sp := c.R[4]
	var v [8]uint64
	for i := 0; i < 8; i++ {
		v[7-i] = c.read(segSS, (sp+uint64(i)*uint64(size))&m, size)
	}
	for i := 0; i < 8; i++ {
		if i != 4 {
			c.wr(in, uint8(i), v[i])
		}
	}
	c.R[4] = c.R[4]&^m | (sp+8*uint64(size))&m
	return false
}

func hEnter(c *CPU, in *inst) bool {
	size := in.size
	alloc := in.imm
	level := uint64(in.imm2 & 31)
	m := c.stackMask()
	sp := c.R[4]
	bp := c.R[5]
	sp = (sp - uint64(size)) & m
	c.write(segSS, sp, size, bp)
	frame := sp
	if level > 0 {
		bpm := m
		for i := uint64(1); i < level; i++ {
			bp = (bp - uint64(size)) & bpm
			v := c.read(segSS, bp, size)
			sp = (sp - uint64(size)) & m
			c.write(segSS, sp, size, v)
		}
		sp = (sp - uint64(size)) & m
		c.write(segSS, sp, size, frame)
	}
	sp = (sp - alloc) & m
	// The new stack top must be writable (SDM: #SS if it is not).
	if c.mode != mode64 {
		c.linW(segSS, sp, 1)
	}
	c.wr(in, 5, frame)
	c.R[4] = c.R[4]&^m | sp
	return c.smcEnd(in)
}

func hLeave(c *CPU, in *inst) bool {
	m := c.stackMask()
	sp := c.R[5] & m
	v := c.read(segSS, sp, in.size)
	c.R[4] = c.R[4]&^m | (sp+uint64(in.size))&m
	c.wr(in, 5, v)
	return false
}

// PUSHF/POPF with the privilege rules for IF, IOPL, AC, VM, RF, VIF.
func hPushf(c *CPU, in *inst) bool {
	if c.v86() && c.iopl() < 3 {
		if c.cr4&cr4VME == 0 || in.size != 2 {
			c.raiseCode(excGP, 0)
		}
		f := c.rflags()
		f = f&^flagIF | (f&flagVIF)>>10 | flagIOPL
		c.pushN(f&0xffff, 2)
		return c.smcEnd(in)
	}
	f := c.rflags() &^ (flagVM | flagRF)
	c.pushN(f, in.size)
	return c.smcEnd(in)
}

func hPopf(c *CPU, in *inst) bool {
	if c.v86() && c.iopl() < 3 {
		c.raiseCode(excGP, 0)
	}
	v := c.popN(in.size)
	old := c.rflags()
	var keep uint64 = flagVM | flagRF | flagVIP | flagVIF
	if c.cpl > 0 {
		keep |= flagIOPL
	}
	if c.cpl > c.iopl() && !c.v86() {
		keep |= flagIF
	}
	if c.v86() {
		keep |= flagIOPL
	}
	if in.size == 2 {
		v = old&^0xffff | v&0xffff
	}
	c.setRFLAGS(old&keep | v&^keep)
	c.tlb.selectMMU(c)
	c.rip = in.next
	return true
}
