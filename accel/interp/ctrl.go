package interp

// Control transfers: near branches, calls and returns, loops, far
// transfers, software interrupts, IRET, HLT, and the flag instructions that
// change interrupt state.

// jump sets RIP to a near-branch target after the checks the branch
// instruction itself makes (#GP(0) for a non-canonical target or one
// outside CS).
func (c *CPU) jump(target uint64) {
	c.checkTarget(target)
	c.rip = target
}

func hJcc(c *CPU, in *inst) bool {
	if c.cond(in.sub) {
		c.jump(in.imm)
	} else {
		c.rip = in.next
	}
	return true
}

func hJmpRel(c *CPU, in *inst) bool {
	c.jump(in.imm)
	return true
}

// checkTarget makes the checks of a near branch to target (#GP(0) for a
// non-canonical target or one outside CS) without branching, so that a
// CALL can fault before it pushes anything.
func (c *CPU) checkTarget(target uint64) {
	if c.mode == mode64 {
		if !canonical(target) {
			c.raiseCode(excGP, 0)
		}
	} else if target > uint64(c.seg[segCS].Limit) {
		c.raiseCode(excGP, 0)
	}
}

func hCallRel(c *CPU, in *inst) bool {
	c.checkTarget(in.imm)
	c.pushN(in.next, in.size)
	c.rip = in.imm
	return true
}

func hJmpInd(c *CPU, in *inst) bool {
	c.jump(c.dstE(in))
	return true
}

func hCallInd(c *CPU, in *inst) bool {
	t := c.dstE(in)
	c.checkTarget(t)
	c.pushN(in.next, in.size)
	c.rip = t
	return true
}

func hRet(c *CPU, in *inst) bool {
	m := c.stackMask()
	sp := c.R[4] & m
	t := c.read(segSS, sp, in.size)
	c.jump(t)
	c.R[4] = c.R[4]&^m | (sp+uint64(in.size))&m
	return true
}

func hRetImm(c *CPU, in *inst) bool {
	m := c.stackMask()
	sp := c.R[4] & m
	t := c.read(segSS, sp, in.size)
	c.jump(t)
	c.R[4] = c.R[4]&^m | (sp+uint64(in.size)+in.imm)&m
	return true
}

// LOOPNE, LOOPE, LOOP, JrCXZ (sub 0..3); the count register follows the
// address size.
func hLoop(c *CPU, in *inst) bool {
	am := in.amask()
	cx := c.R[1] & am
	take := false
	switch in.sub {
	case 3:
		take = cx == 0
	default:
		cx = (cx - 1) & am
		c.setAddrReg(1, cx, am)
		take = cx != 0
		if in.sub == 0 {
			take = take && !c.zf()
		} else if in.sub == 1 {
			take = take && c.zf()
		}
	}
	if take {
		c.jump(in.imm)
	} else {
		c.rip = in.next
	}
	return true
}

// Far transfers.

func hJmpFarImm(c *CPU, in *inst) bool {
	c.farTransfer(farJmp, uint16(in.imm2), in.imm, in.size, in.next)
	return true
}

func hCallFarImm(c *CPU, in *inst) bool {
	c.farTransfer(farCall, uint16(in.imm2), in.imm, in.size, in.next)
	return true
}

// farPointer reads an m16:16, m16:32 or m16:64 operand.
func (c *CPU) farPointer(in *inst) (uint16, uint64) {
	ea := c.ea(in)
	off := c.read(in.seg, ea, in.size)
	sel := c.read(in.seg, (ea+uint64(in.size))&in.amask(), 2)
	return uint16(sel), off
}

func hJmpFarMem(c *CPU, in *inst) bool {
	sel, off := c.farPointer(in)
	c.farTransfer(farJmp, sel, off, in.size, in.next)
	return true
}

func hCallFarMem(c *CPU, in *inst) bool {
	sel, off := c.farPointer(in)
	c.farTransfer(farCall, sel, off, in.size, in.next)
	return true
}

func hRetFar(c *CPU, in *inst) bool {
	c.retFar(in.size, in.imm)
	return true
}

// LDS, LES, LSS, LFS, LGS (imm2: segment register).
func hLoadFarPtr(c *CPU, in *inst) bool {
	sel, off := c.farPointer(in)
	seg := int(in.imm2)
	c.loadSeg(seg, sel)
	c.wr(in, in.r1, off)
	if seg == segSS {
		c.shadow, c.ssShadow = true, true
	}
	c.rip = in.next
	return true
}

// Interrupts.

func hIntN(c *CPU, in *inst) bool {
	c.rip = in.next
	c.raiseTrap(uint8(in.imm), evSoftInt, in.ip)
	return true
}

func hInt3(c *CPU, in *inst) bool {
	c.rip = in.next
	c.raiseTrap(excBP, evSoftExc, in.ip)
	return true
}

func hInto(c *CPU, in *inst) bool {
	c.rip = in.next
	if c.of() {
		c.raiseTrap(excOF, evSoftExc, in.ip)
	}
	return true
}

func hInt1(c *CPU, in *inst) bool {
	c.rip = in.next
	c.raiseTrap(excDB, evICEBP, in.ip)
	return true
}

func hIret(c *CPU, in *inst) bool {
	c.iret(in.size, in.next)
	return true
}

// BOUND r, m: #BR if the index is outside [lower, upper].
func hBound(c *CPU, in *inst) bool {
	ea := c.ea(in)
	lo := signExtend(c.read(in.seg, ea, in.size), in.size)
	hi := signExtend(c.read(in.seg, (ea+uint64(in.size))&in.amask(), in.size), in.size)
	idx := signExtend(c.R[in.r1], in.size)
	if int64(idx) < int64(lo) || int64(idx) > int64(hi) {
		c.raise(excBR)
	}
	return false
}

// HLT: privileged; the vCPU sleeps until an interrupt, NMI or INIT.
func hHlt(c *CPU, in *inst) bool {
	if c.cpl != 0 {
		c.raiseCode(excGP, 0)
	}
	c.rip = in.next
	c.halted = true
	return true
}

// CLI/STI with the IOPL and VME rules.
func hCli(c *CPU, in *inst) bool {
	if c.protected() && c.cpl > c.iopl() {
		if c.v86() && c.cr4&cr4VME != 0 || !c.v86() && c.cpl == 3 && c.cr4&cr4PVI != 0 {
			c.flags &^= flagVIF
			return false
		}
		c.raiseCode(excGP, 0)
	}
	c.flags &^= flagIF
	return false
}

func hSti(c *CPU, in *inst) bool {
	if c.protected() && c.cpl > c.iopl() {
		if c.v86() && c.cr4&cr4VME != 0 || !c.v86() && c.cpl == 3 && c.cr4&cr4PVI != 0 {
			if c.flags&flagVIP != 0 {
				c.raiseCode(excGP, 0)
			}
			c.flags |= flagVIF
			c.rip = in.next
			return true
		}
		c.raiseCode(excGP, 0)
	}
	if c.flags&flagIF == 0 {
		c.shadow = true
	}
	c.flags |= flagIF
	c.rip = in.next
	return true
}

func hFwait(c *CPU, in *inst) bool {
	if c.cr0&(cr0MP|cr0TS) == cr0MP|cr0TS {
		c.raise(excNM)
	}
	c.fpuCheckPending()
	return false
}

// PAUSE: a spin-wait hint. Another vCPU may hold the lock being polled,
// so the block ends and the loop checks for events.
func hPause(c *CPU, in *inst) bool {
	c.rip = in.next
	return true
}
