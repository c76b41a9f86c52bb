package interp

import "gemu/accel"

// Segmentation: descriptor tables, segment loads with their checks, far
// transfers (JMP, CALL, RET, IRET) through code segments, call gates and
// tasks (Intel SDM vol. 3A, chapters 3, 5 and 7).

// updateRanges recomputes the offsets an access may touch without a fault.
// real selects real-mode rules (no type checks).
func (s *segCache) updateRanges(real bool) {
	lim := uint64(s.Limit)
	empty := func() { s.rlo, s.rhi, s.wlo, s.whi = 1, 0, 1, 0 }
	switch {
	case real:
		s.rlo, s.rhi, s.wlo, s.whi = 0, lim, 0, lim
	case s.Unusable || !s.Present:
		empty()
	case s.Type&8 != 0: // code
		empty()
		if s.Type&2 != 0 {
			s.rlo, s.rhi = 0, lim
		}
	case s.Type&4 != 0: // expand-down data
		top := uint64(0xffff)
		if s.DB {
			top = 0xffffffff
		}
		s.rlo, s.rhi = lim+1, top
		if s.Type&2 != 0 {
			s.wlo, s.whi = lim+1, top
		} else {
			s.wlo, s.whi = 1, 0
		}
	default:
		s.rlo, s.rhi = 0, lim
		if s.Type&2 != 0 {
			s.wlo, s.whi = 0, lim
		} else {
			s.wlo, s.whi = 1, 0
		}
	}
}

// setSeg loads segment register i from a descriptor cache value.
func (c *CPU) setSeg(i int, s segCache) {
	s.updateRanges(!c.protected() || c.v86())
	c.seg[i] = s
	if c.mode == mode64 && i < segFS {
		c.sbase[i] = 0
	} else {
		c.sbase[i] = s.Base
	}
}

// loadSegReal loads a segment register in real or virtual-8086 mode: the
// base follows the selector; real mode keeps the cached limit and rights
// (so "unreal mode" works), virtual-8086 mode resets them.
func (c *CPU) loadSegReal(i int, sel uint16) {
	s := c.seg[i]
	s.Selector = sel
	s.Base = uint64(sel) << 4
	if c.v86() {
		s.Limit = 0xffff
		s.Type = 3
		if i == segCS {
			s.Type = 0xb
		}
		s.S, s.Present, s.DPL, s.DB, s.G, s.L, s.Unusable = true, true, 3, false, false, false, false
	} else {
		s.Unusable = false
		s.Present = true
	}
	c.setSeg(i, s)
}

// descriptor table access

// readDescriptor reads the 8-byte descriptor for sel from the GDT or LDT;
// false if the selector's index is beyond the table limit.
func (c *CPU) readDescriptor(sel uint16) (uint64, bool) {
	base, limit := c.gdtr.Base, uint64(c.gdtr.Limit)
	if sel&4 != 0 {
		if c.ldtr.Unusable || !c.ldtr.Present {
			return 0, false
		}
		base, limit = c.ldtr.Base, uint64(c.ldtr.Limit)
	}
	off := uint64(sel &^ 7)
	if off+7 > limit {
		return 0, false
	}
	return c.sysRead(base+off, 8), true
}

// readDescriptorHigh reads the upper 8 bytes of a 16-byte system
// descriptor (long mode).
func (c *CPU) readDescriptorHigh(sel uint16) (uint64, bool) {
	base, limit := c.gdtr.Base, uint64(c.gdtr.Limit)
	if sel&4 != 0 {
		base, limit = c.ldtr.Base, uint64(c.ldtr.Limit)
	}
	off := uint64(sel&^7) + 8
	if off+7 > limit {
		return 0, false
	}
	return c.sysRead(base+off, 8), true
}

// setAccessed sets the accessed bit of a code or data segment's
// descriptor in memory and in the cache being loaded from it (a loaded
// segment register always shows the bit set, SDM vol. 3A, 3.4.5.1).
func (c *CPU) setAccessed(sel uint16, d uint64, s *segCache) {
	s.Type |= 1
	if d&(1<<40) != 0 {
		return
	}
	base := c.gdtr.Base
	if sel&4 != 0 {
		base = c.ldtr.Base
	}
	la := base + uint64(sel&^7) + 5
	c.sysWrite(la, 1, d>>40|1)
}

// descToSegment unpacks a descriptor into the cache format.
func descToSegment(sel uint16, d uint64) segCache {
	var s segCache
	s.Selector = sel
	s.Base = d>>16&0xffffff | (d>>56)<<24
	lim := uint32(d&0xffff | (d>>48&0xf)<<16)
	s.G = d&(1<<55) != 0
	if s.G {
		lim = lim<<12 | 0xfff
	}
	s.Limit = lim
	s.Type = uint8(d>>40) & 0xf
	s.S = d&(1<<44) != 0
	s.DPL = uint8(d>>45) & 3
	s.Present = d&(1<<47) != 0
	s.AVL = d&(1<<52) != 0
	s.L = d&(1<<53) != 0
	s.DB = d&(1<<54) != 0
	return s
}

// loadSeg loads data or stack segment register i in protected mode (MOV,
// POP, LDS...), with the checks of the MOV instruction (SDM vol. 2).
func (c *CPU) loadSeg(i int, sel uint16) {
	if !c.protected() || c.v86() {
		c.loadSegReal(i, sel)
		return
	}
	errc := uint32(sel &^ 3)
	if sel&^3 == 0 {
		if i == segSS && (c.mode != mode64 || c.cpl == 3 || uint8(sel&3) != c.cpl) {
			c.raiseCode(excGP, 0)
		}
		s := segCache{}
		s.Selector = sel
		s.Unusable = true
		if i == segSS {
			s = nullSS(c.cpl)
			s.Selector = sel
		}
		c.setSeg(i, s)
		return
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excGP, errc)
	}
	s := descToSegment(sel, d)
	rpl := uint8(sel & 3)
	if i == segSS {
		if rpl != c.cpl || s.DPL != c.cpl || !s.S || s.Type&8 != 0 || s.Type&2 == 0 {
			c.raiseCode(excGP, errc)
		}
		if !s.Present {
			c.raiseCode(excSS, errc)
		}
	} else {
		if !s.S || s.Type&0xa == 8 { // system, or execute-only code
			c.raiseCode(excGP, errc)
		}
		if s.Type&0xc != 0xc && (rpl > s.DPL || c.cpl > s.DPL) {
			c.raiseCode(excGP, errc)
		}
		if !s.Present {
			c.raiseCode(excNP, errc)
		}
	}
	c.setAccessed(sel, d, &s)
	c.setSeg(i, s)
}

// tssRSP returns RSPn from the 64-bit TSS.
func (c *CPU) tssRSP(cpl uint8) uint64 {
	off := 4 + uint64(cpl)*8
	if off+7 > uint64(c.tr.Limit) {
		c.raiseCode(excTS, uint32(c.tr.Selector&^3))
	}
	return c.sysRead(c.tr.Base+off, 8)
}

// tssIST returns ISTn from the 64-bit TSS.
func (c *CPU) tssIST(n uint8) uint64 {
	off := 0x24 + uint64(n-1)*8
	if off+7 > uint64(c.tr.Limit) {
		c.raiseCode(excTS, uint32(c.tr.Selector&^3))
	}
	return c.sysRead(c.tr.Base+off, 8)
}

// tssStack32 returns SSn:ESPn from a 32- or 16-bit TSS.
func (c *CPU) tssStack32(cpl uint8, ext uint32) (uint16, uint64) {
	if c.tr.Type&8 != 0 { // 32-bit TSS
		off := 4 + uint64(cpl)*8
		if off+5 > uint64(c.tr.Limit) {
			c.raiseCode(excTS, uint32(c.tr.Selector&^3)+ext)
		}
		esp := c.sysRead(c.tr.Base+off, 4)
		ss := c.sysRead(c.tr.Base+off+4, 2)
		return uint16(ss), esp
	}
	off := 2 + uint64(cpl)*4
	if off+3 > uint64(c.tr.Limit) {
		c.raiseCode(excTS, uint32(c.tr.Selector&^3)+ext)
	}
	sp := c.sysRead(c.tr.Base+off, 2)
	ss := c.sysRead(c.tr.Base+off+2, 2)
	return uint16(ss), sp
}

// checkStackSeg validates the SS of an inter-privilege transfer (#TS).
func (c *CPU) checkStackSeg(sel uint16, cpl uint8, ext uint32) segCache {
	errc := uint32(sel&^3) + ext
	if sel&^3 == 0 {
		c.raiseCode(excTS, ext)
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excTS, errc)
	}
	s := descToSegment(sel, d)
	if uint8(sel&3) != cpl || s.DPL != cpl || !s.S || s.Type&8 != 0 || s.Type&2 == 0 {
		c.raiseCode(excTS, errc)
	}
	if !s.Present {
		c.raiseCode(excSS, errc)
	}
	c.setAccessed(sel, d, &s)
	s.updateRanges(false)
	return s
}

// checkDataSegsAfterReturn nulls data segment registers the new, less
// privileged CPL may not use (RET, IRET to an outer level).
func (c *CPU) checkDataSegsAfterReturn() {
	for _, i := range []int{segES, segDS, segFS, segGS} {
		s := &c.seg[i]
		if s.Unusable {
			continue
		}
		conforming := s.Type&0xc == 0xc
		if (s.Type&8 == 0 || !conforming) && s.DPL < c.cpl {
			n := segCache{}
			n.Unusable = true
			c.setSeg(i, n)
		}
	}
}

// Far transfers.

const (
	farJmp = iota
	farCall
)

// codeSegFor checks a code segment descriptor for a direct far JMP or CALL.
func (c *CPU) codeSegFor(sel uint16, s segCache) {
	errc := uint32(sel &^ 3)
	rpl := uint8(sel & 3)
	if s.Type&4 != 0 { // conforming
		if s.DPL > c.cpl {
			c.raiseCode(excGP, errc)
		}
	} else if rpl > c.cpl || s.DPL != c.cpl {
		c.raiseCode(excGP, errc)
	}
	if !s.Present {
		c.raiseCode(excNP, errc)
	}
}

// farTransfer performs JMP FAR or CALL FAR to sel:off; opsize is the
// instruction's operand size, next the return address.
func (c *CPU) farTransfer(kind int, sel uint16, off uint64, opsize uint8, next uint64) {
	if !c.protected() || c.v86() {
		// Every check comes before the pushes, so that a fault leaves
		// the stack pointer unchanged and the instruction restartable.
		if off > uint64(c.seg[segCS].Limit) {
			c.raiseCode(excGP, 0)
		}
		if kind == farCall {
			c.pushFar(uint64(c.seg[segCS].Selector), next, opsize)
		}
		c.loadSegReal(segCS, sel)
		c.rip = off & sizeMask(opsize)
		c.updateMode()
		return
	}
	if sel&^3 == 0 {
		c.raiseCode(excGP, 0)
	}
	errc := uint32(sel &^ 3)
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excGP, errc)
	}
	s := descToSegment(sel, d)
	if s.S {
		if s.Type&8 == 0 {
			c.raiseCode(excGP, errc)
		}
		c.codeSegFor(sel, s)
		if c.longMode() && s.L && s.DB {
			c.raiseCode(excGP, errc)
		}
		target := c.codeTarget(s, off, opsize)
		if kind == farCall {
			// Push with the current stack attributes before switching.
			c.pushFar(uint64(c.seg[segCS].Selector), next, opsize)
		}
		c.commitCS(sel, d, s, target)
		return
	}
	// System descriptor: call gate, task gate or TSS.
	if c.longMode() {
		if s.Type != 0xc {
			c.raiseCode(excGP, errc)
		}
	}
	switch s.Type {
	case 0x4, 0xc: // call gate
		c.callGate(kind, sel, d, opsize, next)
	case 0x5: // task gate
		if s.DPL < c.cpl || s.DPL < uint8(sel&3) {
			c.raiseCode(excGP, errc)
		}
		if !s.Present {
			c.raiseCode(excNP, errc)
		}
		tss := uint16(d >> 16)
		mode := taskSwitchJmp
		if kind == farCall {
			mode = taskSwitchCall
		}
		c.taskSwitch(tss, mode, 0, next)
	case 0x1, 0x9: // available TSS
		if s.DPL < c.cpl || s.DPL < uint8(sel&3) {
			c.raiseCode(excGP, errc)
		}
		if !s.Present {
			c.raiseCode(excNP, errc)
		}
		mode := taskSwitchJmp
		if kind == farCall {
			mode = taskSwitchCall
		}
		c.taskSwitch(sel, mode, 0, next)
	default:
		c.raiseCode(excGP, errc)
	}
}

// codeTarget checks a far transfer's offset against the new code segment
// and returns the new RIP.
func (c *CPU) codeTarget(s segCache, off uint64, opsize uint8) uint64 {
	if c.longMode() && s.L {
		if !canonical(off) {
			c.raiseCode(excGP, 0)
		}
		return off
	}
	off &= sizeMask(min(opsize, 4))
	if off > uint64(s.Limit) {
		c.raiseCode(excGP, 0)
	}
	return off
}

// commitCS loads CS (RPL = CPL) and RIP once every check has passed.
func (c *CPU) commitCS(sel uint16, d uint64, s segCache, target uint64) {
	c.setAccessed(sel, d, &s)
	s.Selector = sel&^3 | uint16(c.cpl)
	c.setSeg(segCS, s)
	c.rip = target
	c.updateMode()
}

// enterCode loads CS and RIP for a same-privilege transfer.
func (c *CPU) enterCode(sel uint16, d uint64, s segCache, off uint64, opsize uint8) {
	c.commitCS(sel, d, s, c.codeTarget(s, off, opsize))
}

// pushFar pushes a return CS:IP pair of opsize bytes each.
func (c *CPU) pushFar(cs uint64, ip uint64, opsize uint8) {
	sp := c.R[4]
	m := c.stackMask()
	sp1 := (sp - uint64(opsize)) & m
	sp2 := (sp - 2*uint64(opsize)) & m
	c.write(segSS, sp1, opsize, cs)
	c.write(segSS, sp2, opsize, ip)
	c.R[4] = c.R[4]&^m | sp2
}

// callGate transfers through a call gate (SDM vol. 3A, 5.8).
func (c *CPU) callGate(kind int, sel uint16, d uint64, opsize uint8, next uint64) {
	errc := uint32(sel &^ 3)
	g := descToSegment(sel, d)
	if g.DPL < c.cpl || g.DPL < uint8(sel&3) {
		c.raiseCode(excGP, errc)
	}
	if !g.Present {
		c.raiseCode(excNP, errc)
	}
	tsel := uint16(d >> 16)
	toff := d&0xffff | (d>>48&0xffff)<<16
	params := int(d>>32) & 0x1f
	gate32 := g.Type == 0xc
	if c.longMode() {
		hi, ok := c.readDescriptorHigh(sel)
		if !ok || hi>>40&0x1f != 0 {
			c.raiseCode(excGP, errc)
		}
		toff |= hi << 32
		params = 0
	}
	if tsel&^3 == 0 {
		c.raiseCode(excGP, 0)
	}
	td, ok := c.readDescriptor(tsel)
	if !ok {
		c.raiseCode(excGP, uint32(tsel&^3))
	}
	t := descToSegment(tsel, td)
	if !t.S || t.Type&8 == 0 || t.DPL > c.cpl {
		c.raiseCode(excGP, uint32(tsel&^3))
	}
	if c.longMode() && (!t.L || t.DB) {
		c.raiseCode(excGP, uint32(tsel&^3))
	}
	if kind == farJmp && t.Type&4 == 0 && t.DPL != c.cpl {
		c.raiseCode(excGP, uint32(tsel&^3))
	}
	if !t.Present {
		c.raiseCode(excNP, uint32(tsel&^3))
	}
	wsize := uint8(2)
	if gate32 {
		wsize = 4
	}
	if c.longMode() {
		wsize = 8
	}
	if kind == farJmp || t.Type&4 != 0 || t.DPL == c.cpl {
		target := c.codeTarget(t, toff, wsize)
		if kind == farCall {
			c.pushFar(uint64(c.seg[segCS].Selector), next, wsize)
		}
		c.commitCS(tsel, td, t, target)
		return
	}
	// CALL to a more privileged level: switch stacks.
	newCPL := t.DPL
	oldSS, oldSP := c.seg[segSS], c.R[4]
	oldCS := c.seg[segCS].Selector
	if c.longMode() {
		target := c.codeTarget(t, toff, 8)
		rsp := c.tssRSP(newCPL)
		frame := [4]uint64{uint64(oldSS.Selector), oldSP, uint64(oldCS), next}
		for _, v := range frame {
			rsp -= 8
			c.stackWrite(rsp, 8, v, mmuSupSMAP, true)
		}
		c.seg[segSS] = nullSS(newCPL)
		c.R[4] = rsp
		c.cpl = newCPL
		c.commitCS(tsel, td, t, target)
		return
	}
	ssSel, esp := c.tssStack32(newCPL, 0)
	ss := c.checkStackSeg(ssSel, newCPL, 0)
	// Copy parameters from the old stack.
	var param [32]uint64
	oldMask := c.stackMask()
	for i := 0; i < params; i++ {
		param[i] = c.read(segSS, (oldSP+uint64(i)*uint64(wsize))&oldMask, wsize)
	}
	spMask := uint64(0xffff)
	if ss.DB {
		spMask = 0xffffffff
	}
	sp := esp
	var frame [36]uint64
	n := 0
	frame[n] = uint64(oldSS.Selector)
	n++
	frame[n] = oldSP
	n++
	for i := params - 1; i >= 0; i-- {
		frame[n] = param[i]
		n++
	}
	frame[n] = uint64(oldCS)
	n++
	frame[n] = next
	n++
	for i := 0; i < n; i++ {
		sp = (sp - uint64(wsize)) & spMask
		if !ss.ok(sp, uint64(wsize), true) {
			c.raiseCode(excSS, uint32(ssSel&^3))
		}
		c.stackWrite((ss.Base+sp)&0xffffffff, wsize, frame[i], mmuSupSMAP, false)
	}
	if toff > uint64(t.Limit) {
		c.raiseCode(excGP, 0)
	}
	c.seg[segSS] = ss
	c.R[4] = c.R[4]&^spMask | sp
	c.cpl = newCPL
	c.setAccessed(tsel, td, &t)
	t.Selector = tsel&^3 | uint16(newCPL)
	c.setSeg(segCS, t)
	c.rip = toff
	c.updateMode()
}

// retFar performs RETF imm (pops imm bytes of parameters).
func (c *CPU) retFar(opsize uint8, imm uint64) {
	m := c.stackMask()
	sp := c.R[4]
	ip := c.read(segSS, sp&m, opsize)
	cs := uint16(c.read(segSS, (sp+uint64(opsize))&m, opsize))
	if !c.protected() || c.v86() {
		if ip > uint64(c.seg[segCS].Limit) {
			c.raiseCode(excGP, 0)
		}
		c.loadSegReal(segCS, cs)
		c.rip = ip
		c.R[4] = c.R[4]&^m | (sp+2*uint64(opsize)+imm)&m
		c.updateMode()
		return
	}
	errc := uint32(cs &^ 3)
	if cs&^3 == 0 {
		c.raiseCode(excGP, 0)
	}
	d, ok := c.readDescriptor(cs)
	if !ok {
		c.raiseCode(excGP, errc)
	}
	s := descToSegment(cs, d)
	rpl := uint8(cs & 3)
	if !s.S || s.Type&8 == 0 || rpl < c.cpl {
		c.raiseCode(excGP, errc)
	}
	if s.Type&4 != 0 && s.DPL > rpl || s.Type&4 == 0 && s.DPL != rpl {
		c.raiseCode(excGP, errc)
	}
	if !s.Present {
		c.raiseCode(excNP, errc)
	}
	if rpl == c.cpl {
		c.R[4] = c.R[4]&^m | (sp+2*uint64(opsize)+imm)&m
		c.enterCode(cs, d, s, ip, opsize)
		return
	}
	// Return to an outer level: pop SS:SP too.
	nsp := c.read(segSS, (sp+2*uint64(opsize)+imm)&m, opsize)
	nss := uint16(c.read(segSS, (sp+3*uint64(opsize)+imm)&m, opsize))
	ss := c.validateSS(nss, rpl)
	target := c.codeTarget(s, ip, opsize)
	c.cpl = rpl
	c.setSeg(segSS, ss)
	c.commitCS(cs, d, s, target)
	if c.mode == mode64 {
		c.R[4] = nsp + imm
	} else {
		sm := c.stackMask()
		c.R[4] = c.R[4]&^sm | (nsp+imm)&sm
	}
	c.checkDataSegsAfterReturn()
	c.tlb.selectMMU(c)
}

// validateSS checks the SS selector of a return to privilege level rpl.
func (c *CPU) validateSS(sel uint16, rpl uint8) segCache {
	if sel&^3 == 0 {
		if c.longMode() && rpl != 3 && uint8(sel&3) == rpl {
			s := nullSS(rpl)
			s.Selector = sel
			return s
		}
		c.raiseCode(excGP, 0)
	}
	errc := uint32(sel &^ 3)
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excGP, errc)
	}
	s := descToSegment(sel, d)
	if uint8(sel&3) != rpl || s.DPL != rpl || !s.S || s.Type&8 != 0 || s.Type&2 == 0 {
		c.raiseCode(excGP, errc)
	}
	if !s.Present {
		c.raiseCode(excSS, errc)
	}
	c.setAccessed(sel, d, &s)
	return s
}

// iret implements IRET/IRETD/IRETQ; next is the address after it, which a
// nested-task return saves in the outgoing TSS.
func (c *CPU) iret(opsize uint8, next uint64) {
	c.nmiBlocked = false
	m := c.stackMask()
	sp := c.R[4]
	pop := func(i int) uint64 { return c.read(segSS, (sp+uint64(i)*uint64(opsize))&m, opsize) }
	if !c.protected() {
		ip, cs, fl := pop(0), uint16(pop(1)), pop(2)
		if ip > uint64(c.seg[segCS].Limit) {
			c.raiseCode(excGP, 0)
		}
		c.R[4] = c.R[4]&^m | (sp+3*uint64(opsize))&m
		c.loadSegReal(segCS, cs)
		c.rip = ip
		keep := uint64(flagVM | flagVIP | flagVIF)
		if opsize == 2 {
			fl = c.rflags()&^0xffff | fl&0xffff
		}
		c.setRFLAGS(c.rflags()&keep | fl&^keep)
		c.updateMode()
		return
	}
	if c.v86() {
		if c.iopl() < 3 {
			c.raiseCode(excGP, 0)
		}
		ip, cs, fl := pop(0), uint16(pop(1)), pop(2)
		c.R[4] = c.R[4]&^m | (sp+3*uint64(opsize))&m
		c.loadSegReal(segCS, cs)
		c.rip = ip & sizeMask(opsize)
		keep := uint64(flagVM | flagIOPL | flagVIP | flagVIF)
		if opsize == 2 {
			fl = c.rflags()&^0xffff | fl&0xffff
		}
		c.setRFLAGS(c.rflags()&keep | fl&^keep)
		c.updateMode()
		return
	}
	if c.flags&flagNT != 0 {
		if c.longMode() {
			c.raiseCode(excGP, 0)
		}
		link := uint16(c.sysRead(c.tr.Base, 2))
		c.taskSwitch(link, taskSwitchIret, 0, next)
		return
	}
	ip, cs, fl := pop(0), uint16(pop(1)), pop(2)
	if opsize == 2 {
		fl = c.rflags()&^0xffff | fl&0xffff
	} else if opsize == 4 {
		fl = c.rflags()&^0xffffffff | fl&0xffffffff
	}
	if fl&flagVM != 0 && c.cpl == 0 && !c.longMode() && opsize == 4 {
		c.iretToV86(ip, cs, fl, sp)
		return
	}
	errc := uint32(cs &^ 3)
	if cs&^3 == 0 {
		c.raiseCode(excGP, 0)
	}
	d, ok := c.readDescriptor(cs)
	if !ok {
		c.raiseCode(excGP, errc)
	}
	s := descToSegment(cs, d)
	rpl := uint8(cs & 3)
	if !s.S || s.Type&8 == 0 || rpl < c.cpl {
		c.raiseCode(excGP, errc)
	}
	if s.Type&4 != 0 && s.DPL > rpl || s.Type&4 == 0 && s.DPL != rpl {
		c.raiseCode(excGP, errc)
	}
	if !s.Present {
		c.raiseCode(excNP, errc)
	}
	if c.longMode() && s.L && s.DB {
		c.raiseCode(excGP, errc)
	}
	oldCPL := c.cpl
	// Which flags may change (SDM IRET pseudocode).
	keep := uint64(flagVM | flagVIP | flagVIF)
	if oldCPL > 0 {
		keep |= flagIOPL | flagVIP | flagVIF
	}
	if oldCPL > c.iopl() {
		keep |= flagIF
	}
	newFlags := c.rflags()&keep | fl&^keep&^flagVM
	if c.mode == mode64 || rpl != oldCPL {
		// Pop RSP and SS too.
		nsp, nss := pop(3), uint16(pop(4))
		ss := c.validateSS(nss, rpl)
		target := c.codeTarget(s, ip, max(opsize, 4))
		c.cpl = rpl
		c.setSeg(segSS, ss)
		c.commitCS(cs, d, s, target)
		if c.mode == mode64 {
			c.R[4] = nsp
		} else {
			sm := c.stackMask()
			c.R[4] = c.R[4]&^sm | nsp&sm
		}
		c.setRFLAGS(newFlags)
		if rpl > oldCPL {
			c.checkDataSegsAfterReturn()
		}
		c.tlb.selectMMU(c)
		return
	}
	target := c.codeTarget(s, ip, opsize)
	c.R[4] = c.R[4]&^m | (sp+3*uint64(opsize))&m
	c.commitCS(cs, d, s, target)
	c.setRFLAGS(newFlags)
	c.tlb.selectMMU(c)
}

// iretToV86 returns from a protected-mode handler to virtual-8086 code.
func (c *CPU) iretToV86(ip uint64, cs uint16, fl uint64, sp uint64) {
	m := c.stackMask()
	pop := func(i int) uint64 { return c.read(segSS, (sp+uint64(i)*4)&m, 4) }
	esp, ss := pop(3), uint16(pop(4))
	es, ds, fs, gs := uint16(pop(5)), uint16(pop(6)), uint16(pop(7)), uint16(pop(8))
	c.setRFLAGS(fl)
	c.cpl = 3
	for i, sel := range [...]uint16{segES: es, segCS: cs, segSS: ss, segDS: ds, segFS: fs, segGS: gs} {
		c.loadSegReal(i, sel)
	}
	c.R[4] = esp
	c.rip = ip & 0xffff
	c.updateMode()
}

// Task switching (SDM vol. 3A, 7.3).

const (
	taskSwitchJmp = iota
	taskSwitchCall
	taskSwitchIret
	taskSwitchGate // interrupt or exception through a task gate
)

// taskSwitch switches to the task whose TSS selector is sel. next is the
// EIP saved in the old task.
func (c *CPU) taskSwitch(sel uint16, mode int, ext uint32, next uint64) {
	errc := uint32(sel&^3) + ext
	if sel&4 != 0 {
		c.raiseCode(excTS, errc)
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excTS, errc)
	}
	nt := descToSegment(sel, d)
	busy := nt.Type&2 != 0
	if nt.S || nt.Type&5 != 1 {
		c.raiseCode(excGP, errc)
	}
	if mode == taskSwitchIret && !busy || mode != taskSwitchIret && busy {
		c.raiseCode(excGP, errc)
	}
	if !nt.Present {
		c.raiseCode(excNP, errc)
	}
	new32 := nt.Type&8 != 0
	minLimit := uint32(0x67)
	if !new32 {
		minLimit = 0x2b
	}
	if nt.Limit < minLimit {
		c.raiseCode(excTS, errc)
	}
	old := c.tr
	old32 := old.Type&8 != 0
	fl := c.rflags()
	if mode == taskSwitchIret {
		fl &^= flagNT
	}
	// Save the outgoing state.
	b := old.Base
	if old32 {
		c.sysWrite(b+0x20, 4, next)
		c.sysWrite(b+0x24, 4, fl)
		for i := 0; i < 8; i++ {
			c.sysWrite(b+0x28+uint64(i)*4, 4, c.R[i])
		}
		for i := 0; i < 6; i++ {
			c.sysWrite(b+0x48+uint64(i)*4, 2, uint64(c.seg[i].Selector))
		}
	} else {
		c.sysWrite(b+0x0e, 2, next)
		c.sysWrite(b+0x10, 2, fl)
		for i := 0; i < 8; i++ {
			c.sysWrite(b+0x12+uint64(i)*2, 2, c.R[i])
		}
		for i := 0; i < 4; i++ {
			c.sysWrite(b+0x22+uint64(i)*2, 2, uint64(c.seg[i].Selector))
		}
	}
	// Busy bits.
	if mode == taskSwitchJmp || mode == taskSwitchIret {
		c.setTSSBusy(old.Selector, false)
	}
	// Read the incoming state.
	nb := nt.Base
	var regs [8]uint64
	var sels [6]uint16
	var eip, eflags, cr3 uint64
	var ldt uint16
	if new32 {
		cr3 = c.sysRead(nb+0x1c, 4)
		eip = c.sysRead(nb+0x20, 4)
		eflags = c.sysRead(nb+0x24, 4)
		for i := range regs {
			regs[i] = c.sysRead(nb+0x28+uint64(i)*4, 4)
		}
		for i := range sels {
			sels[i] = uint16(c.sysRead(nb+0x48+uint64(i)*4, 2))
		}
		ldt = uint16(c.sysRead(nb+0x60, 2))
	} else {
		eip = c.sysRead(nb+0x0e, 2)
		eflags = c.sysRead(nb+0x10, 2)
		for i := range regs {
			regs[i] = c.R[i]&^0xffff | c.sysRead(nb+0x12+uint64(i)*2, 2)
		}
		for i := 0; i < 4; i++ {
			sels[i] = uint16(c.sysRead(nb+0x22+uint64(i)*2, 2))
		}
		ldt = uint16(c.sysRead(nb+0x2a, 2))
	}
	if mode == taskSwitchCall || mode == taskSwitchGate {
		c.sysWrite(nb, 2, uint64(old.Selector))
		eflags |= flagNT
	}
	if mode != taskSwitchIret {
		c.setTSSBusy(sel, true)
	}
	// Commit: TR, CR0.TS, CR3, registers, flags.
	d |= 2 << 40
	ntr := descToSegment(sel, d)
	c.tr = ntr
	c.cr0 |= cr0TS
	if new32 && c.cr0&cr0PG != 0 && cr3 != c.cr3 {
		c.cr3 = cr3
		if c.cr4&cr4PAE != 0 && !c.longMode() {
			c.loadPDPTEs(cr3)
		}
		c.flushTLB(c.cr4&cr4PGE != 0)
	}
	c.R = [len(c.R)]uint64{}
	for i := range regs {
		c.R[i] = regs[i]
	}
	c.setRFLAGS(eflags | flagRes1)
	c.rip = eip
	// Load the LDT, then the segments; faults here are #TS in the new task.
	c.loadLDTForTask(ldt)
	if eflags&flagVM != 0 {
		c.cpl = 3
		for i, s := range sels {
			c.loadSegReal(i, s)
		}
	} else {
		c.cpl = uint8(sels[segCS] & 3)
		c.loadTaskCS(sels[segCS])
		c.loadTaskSeg(segSS, sels[segSS])
		for _, i := range []int{segES, segDS, segFS, segGS} {
			c.loadTaskSeg(i, sels[i])
		}
	}
	c.updateMode()
	if c.rip > uint64(c.seg[segCS].Limit) {
		c.raiseCode(excGP, 0)
	}
}

// pushForTask pushes an exception error code on the new task's stack.
func (c *CPU) pushForTask(code uint32) {
	if c.tr.Type&8 != 0 {
		c.pushN(uint64(code), 4)
	} else {
		c.pushN(uint64(code), 2)
	}
}

func (c *CPU) setTSSBusy(sel uint16, busy bool) {
	la := c.gdtr.Base + uint64(sel&^7) + 5
	v := c.sysRead(la, 1)
	if busy {
		v |= 2
	} else {
		v &^= 2
	}
	c.sysWrite(la, 1, v)
}

func (c *CPU) loadLDTForTask(sel uint16) {
	if sel&^3 == 0 {
		c.ldtr = segCache{}
		c.ldtr.Unusable = true
		return
	}
	errc := uint32(sel &^ 3)
	if sel&4 != 0 {
		c.raiseCode(excTS, errc)
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excTS, errc)
	}
	s := descToSegment(sel, d)
	if s.S || s.Type != 2 {
		c.raiseCode(excTS, errc)
	}
	if !s.Present {
		c.raiseCode(excTS, errc)
	}
	c.ldtr = s
}

func (c *CPU) loadTaskCS(sel uint16) {
	errc := uint32(sel &^ 3)
	if sel&^3 == 0 {
		c.raiseCode(excTS, errc)
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excTS, errc)
	}
	s := descToSegment(sel, d)
	if !s.S || s.Type&8 == 0 {
		c.raiseCode(excTS, errc)
	}
	if s.Type&4 == 0 && s.DPL != uint8(sel&3) || s.Type&4 != 0 && s.DPL > uint8(sel&3) {
		c.raiseCode(excTS, errc)
	}
	if !s.Present {
		c.raiseCode(excNP, errc)
	}
	c.setAccessed(sel, d, &s)
	c.setSeg(segCS, s)
}

func (c *CPU) loadTaskSeg(i int, sel uint16) {
	errc := uint32(sel &^ 3)
	if sel&^3 == 0 {
		if i == segSS {
			c.raiseCode(excTS, errc)
		}
		s := segCache{}
		s.Selector = sel
		s.Unusable = true
		c.setSeg(i, s)
		return
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excTS, errc)
	}
	s := descToSegment(sel, d)
	if i == segSS {
		if !s.S || s.Type&8 != 0 || s.Type&2 == 0 || s.DPL != c.cpl || uint8(sel&3) != c.cpl {
			c.raiseCode(excTS, errc)
		}
		if !s.Present {
			c.raiseCode(excSS, errc)
		}
	} else {
		if !s.S || s.Type&0xa == 8 {
			c.raiseCode(excTS, errc)
		}
		if s.Type&0xc != 0xc && (uint8(sel&3) > s.DPL || c.cpl > s.DPL) {
			c.raiseCode(excTS, errc)
		}
		if !s.Present {
			c.raiseCode(excNP, errc)
		}
	}
	c.setAccessed(sel, d, &s)
	c.setSeg(i, s)
}

// segmentFromAccel and segmentToAccel convert descriptor caches.
func segmentFromAccel(s accel.Segment, real bool) segCache {
	sc := segCache{Segment: s}
	sc.updateRanges(real)
	return sc
}
