package interp

// String instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with REP,
// REPE and REPNE. RSI, RDI and RCX follow the address size. A long REP runs
// a bounded number of iterations per execution and then re-executes itself
// (RIP unchanged), so interrupts and other vCPUs' requests are served in
// between, as on hardware.

const repChunk = 1 << 16 // iterations per execution of a REP instruction

// setAddrReg writes v to address register r (rSI, rDI, rCX) with the
// instruction's address size am: a 16-bit register merges into the old
// value, a 32-bit one is written like any 32-bit register (zero-extended to
// 64 bits; a 64-bit mode string instruction with an address-size prefix
// clears the upper half of RSI, RDI and RCX).
func (c *CPU) setAddrReg(r int, v, am uint64) {
	if am == 0xffff {
		c.R[r] = c.R[r]&^0xffff | v&0xffff
		return
	}
	c.R[r] = v & am
}

func (c *CPU) strStep(in *inst) uint64 {
	if c.flags&flagDF != 0 {
		return -uint64(in.size)
	}
	return uint64(in.size)
}

// repDone finishes one execution of a REP instruction: if the count is not
// exhausted (or the condition still holds), RIP stays on the instruction.
func (c *CPU) repDone(in *inst, more bool) bool {
	if more {
		c.rip = in.ip
	} else {
		c.rip = in.next
	}
	return true
}

func hMovs(c *CPU, in *inst) bool {
	am := in.amask()
	step := c.strStep(in)
	if in.pfx&(pfxRep|pfxRepne) == 0 {
		v := c.read(in.seg, c.R[6]&am, in.size)
		c.write(segES, c.R[7]&am, in.size, v)
		c.setAddrReg(6, c.R[6]+step, am)
		c.setAddrReg(7, c.R[7]+step, am)
		return c.smcEnd(in)
	}
	budget := repChunk
	for c.R[1]&am != 0 && budget > 0 {
		if n := c.movsFast(in, budget); n > 0 {
			budget -= n
			continue
		}
		v := c.read(in.seg, c.R[6]&am, in.size)
		c.write(segES, c.R[7]&am, in.size, v)
		c.setAddrReg(6, c.R[6]+step, am)
		c.setAddrReg(7, c.R[7]+step, am)
		c.setAddrReg(1, c.R[1]-1, am)
		budget--
		if c.smcStop {
			break
		}
	}
	c.smcStop = false
	return c.repDone(in, c.R[1]&am != 0)
}

// movsFast copies as many elements as lie within the current source and
// destination pages when both are plain RAM, forward, and do not overlap
// in a way that makes element order visible. It returns the number of
// elements moved (0: take the element-by-element path).
func (c *CPU) movsFast(in *inst, budget int) int {
	if c.flags&flagDF != 0 {
		return 0
	}
	am := in.amask()
	size := uint64(in.size)
	si, di := c.R[6]&am, c.R[7]&am
	cnt := c.R[1] & am
	sla, ok1 := c.fastLin(in.seg, si, false)
	dla, ok2 := c.fastLin(segES, di, true)
	if !ok1 || !ok2 {
		return 0
	}
	n := cnt
	if r := (4096 - sla&0xfff) / size; r < n {
		n = r
	}
	if r := (4096 - dla&0xfff) / size; r < n {
		n = r
	}
	if n > uint64(budget) {
		n = uint64(budget)
	}
	// Do not wrap the address registers.
	if r := (am - si) / size; r < n {
		n = r
	}
	if r := (am - di) / size; r < n {
		n = r
	}
	if n == 0 {
		return 0
	}
	se := &c.tlb.cr[(sla>>12)&tlbMask]
	de := &c.tlb.cw[(dla>>12)&tlbMask]
	if se.tag != sla>>12 {
		c.translate(sla, accRead, c.tlb.mmu)
		if se.tag != sla>>12 {
			return 0
		}
	}
	if de.tag != dla>>12 {
		c.translate(dla, accWrite, c.tlb.mmu)
		if de.tag != dla>>12 {
			return 0
		}
	}
	bytes := n * size
	src := se.page[sla&0xfff : sla&0xfff+bytes]
	dst := de.page[dla&0xfff : dla&0xfff+bytes]
	// When the destination starts inside the source ahead of it, each
	// element reads what earlier ones wrote: copy element by element.
	sp, dp := se.pa&^0xfff|sla&0xfff, de.pa&^0xfff|dla&0xfff
	if dp > sp && dp-sp < bytes {
		so, do := sla&0xfff, dla&0xfff
		for i := uint64(0); i < bytes; i += size {
			store(de.page, do+i, uint8(size), load(se.page, so+i, uint8(size)))
		}
	} else {
		copy(dst, src)
	}
	c.setAddrReg(6, si+bytes, am)
	c.setAddrReg(7, di+bytes, am)
	c.setAddrReg(1, cnt-n, am)
	return int(n)
}

// fastLin returns the linear address of seg:off when segmentation allows
// at least one byte there without a check failure (the caller limits the
// run to the page, and the element path re-checks everything else).
func (c *CPU) fastLin(seg uint8, off uint64, write bool) (uint64, bool) {
	if c.mode == mode64 {
		la := off + c.sbase[seg]
		return la, canonical(la)
	}
	s := &c.seg[seg]
	// Flat segments only: base 0 and limit 4 GiB - 1 (so no element of
	// the run can fail a limit check).
	if s.Base != 0 || s.Limit != 0xffffffff {
		return 0, false
	}
	if write && s.whi != 0xffffffff || !write && s.rhi != 0xffffffff {
		return 0, false
	}
	if write && s.wlo != 0 || !write && s.rlo != 0 {
		return 0, false
	}
	return off, true
}

func hStos(c *CPU, in *inst) bool {
	am := in.amask()
	step := c.strStep(in)
	v := c.R[0]
	if in.pfx&(pfxRep|pfxRepne) == 0 {
		c.write(segES, c.R[7]&am, in.size, v)
		c.setAddrReg(7, c.R[7]+step, am)
		return c.smcEnd(in)
	}
	budget := repChunk
	for c.R[1]&am != 0 && budget > 0 {
		if n := c.stosFast(in, budget); n > 0 {
			budget -= n
			continue
		}
		c.write(segES, c.R[7]&am, in.size, v)
		c.setAddrReg(7, c.R[7]+step, am)
		c.setAddrReg(1, c.R[1]-1, am)
		budget--
		if c.smcStop {
			break
		}
	}
	c.smcStop = false
	return c.repDone(in, c.R[1]&am != 0)
}

func (c *CPU) stosFast(in *inst, budget int) int {
	if c.flags&flagDF != 0 {
		return 0
	}
	am := in.amask()
	size := uint64(in.size)
	di := c.R[7] & am
	cnt := c.R[1] & am
	dla, ok := c.fastLin(segES, di, true)
	if !ok {
		return 0
	}
	n := cnt
	if r := (4096 - dla&0xfff) / size; r < n {
		n = r
	}
	if n > uint64(budget) {
		n = uint64(budget)
	}
	if r := (am - di) / size; r < n {
		n = r
	}
	if n == 0 {
		return 0
	}
	de := &c.tlb.cw[(dla>>12)&tlbMask]
	if de.tag != dla>>12 {
		c.translate(dla, accWrite, c.tlb.mmu)
		if de.tag != dla>>12 {
			return 0
		}
	}
	o := dla & 0xfff
	dst := de.page[o : o+n*size]
	v := c.R[0]
	switch size {
	case 1:
		b := byte(v)
		for i := range dst {
			dst[i] = b
		}
	default:
		for i := uint64(0); i < n; i++ {
			store(de.page, o+i*size, uint8(size), v)
		}
	}
	c.setAddrReg(7, di+n*size, am)
	c.setAddrReg(1, cnt-n, am)
	return int(n)
}

func hLods(c *CPU, in *inst) bool {
	am := in.amask()
	step := c.strStep(in)
	rep := in.pfx&(pfxRep|pfxRepne) != 0
	if rep && c.R[1]&am == 0 {
		c.rip = in.next
		return true
	}
	budget := repChunk
	for {
		v := c.read(in.seg, c.R[6]&am, in.size)
		if in.size == 1 {
			c.setReg8(0, v)
		} else {
			c.setRegN(0, in.size, v)
		}
		c.setAddrReg(6, c.R[6]+step, am)
		if !rep {
			return false
		}
		c.setAddrReg(1, c.R[1]-1, am)
		budget--
		if c.R[1]&am == 0 || budget == 0 {
			break
		}
	}
	return c.repDone(in, c.R[1]&am != 0)
}

func hCmps(c *CPU, in *inst) bool {
	am := in.amask()
	step := c.strStep(in)
	rep := in.pfx&(pfxRep|pfxRepne) != 0
	if rep && c.R[1]&am == 0 {
		c.rip = in.next
		return true
	}
	budget := repChunk
	for {
		a := c.read(in.seg, c.R[6]&am, in.size)
		b := c.read(segES, c.R[7]&am, in.size)
		c.setFlags(fopSub, in.size, a, b, a-b)
		c.setAddrReg(6, c.R[6]+step, am)
		c.setAddrReg(7, c.R[7]+step, am)
		if !rep {
			return false
		}
		c.setAddrReg(1, c.R[1]-1, am)
		budget--
		eq := (a-b)&in.mask() == 0
		if c.R[1]&am == 0 || (in.pfx&pfxRep != 0) != eq {
			return c.repDone(in, false)
		}
		if budget == 0 {
			return c.repDone(in, true)
		}
	}
}

func hScas(c *CPU, in *inst) bool {
	am := in.amask()
	step := c.strStep(in)
	rep := in.pfx&(pfxRep|pfxRepne) != 0
	if rep && c.R[1]&am == 0 {
		c.rip = in.next
		return true
	}
	a := c.R[0] & in.mask()
	budget := repChunk
	for {
		b := c.read(segES, c.R[7]&am, in.size)
		c.setFlags(fopSub, in.size, a, b, a-b)
		c.setAddrReg(7, c.R[7]+step, am)
		if !rep {
			return false
		}
		c.setAddrReg(1, c.R[1]-1, am)
		budget--
		eq := (a-b)&in.mask() == 0
		if c.R[1]&am == 0 || (in.pfx&pfxRep != 0) != eq {
			return c.repDone(in, false)
		}
		if budget == 0 {
			return c.repDone(in, true)
		}
	}
}

// INS and OUTS check I/O permission before each transfer.
func hIns(c *CPU, in *inst) bool {
	am := in.amask()
	step := c.strStep(in)
	rep := in.pfx&(pfxRep|pfxRepne) != 0
	port := uint16(c.R[2])
	c.ioCheck(port, in.size)
	if rep && c.R[1]&am == 0 {
		c.rip = in.next
		return true
	}
	budget := 4096
	for {
		// Probe the destination before the port read (which may have
		// side effects).
		la := c.linW(segES, c.R[7]&am, in.size)
		c.probeWrite(segES, la, in.size)
		v := c.portIn(port, in.size)
		c.write(segES, c.R[7]&am, in.size, v)
		c.setAddrReg(7, c.R[7]+step, am)
		if !rep {
			return c.smcEnd(in)
		}
		c.setAddrReg(1, c.R[1]-1, am)
		budget--
		if c.R[1]&am == 0 || budget == 0 || c.smcStop {
			break
		}
	}
	c.smcStop = false
	return c.repDone(in, c.R[1]&am != 0)
}

func hOuts(c *CPU, in *inst) bool {
	am := in.amask()
	step := c.strStep(in)
	rep := in.pfx&(pfxRep|pfxRepne) != 0
	port := uint16(c.R[2])
	c.ioCheck(port, in.size)
	if rep && c.R[1]&am == 0 {
		c.rip = in.next
		return true
	}
	budget := 4096
	for {
		v := c.read(in.seg, c.R[6]&am, in.size)
		c.portOut(port, in.size, v)
		c.setAddrReg(6, c.R[6]+step, am)
		if !rep {
			return false
		}
		c.setAddrReg(1, c.R[1]-1, am)
		budget--
		if c.R[1]&am == 0 || budget == 0 {
			break
		}
	}
	return c.repDone(in, c.R[1]&am != 0)
}
