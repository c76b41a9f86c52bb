package interp

import (
	"hash/crc32"
	"math/bits"
)

// System instructions: control and debug registers, descriptor-table
// registers, LLDT/LTR and the selector instructions, SYSCALL/SYSRET,
// SYSENTER/SYSEXIT, SWAPGS, RDTSC/RDTSCP, segment register moves, and the
// odd integer instructions (BCD adjustments, CRC32, ADCX/ADOX, RDRAND).

// requireCPL0 raises #GP(0) outside ring 0 (and in virtual-8086 mode).
func (c *CPU) requireCPL0() {
	if c.protected() && (c.cpl != 0 || c.v86()) {
		c.raiseCode(excGP, 0)
	}
}

// requireProtected raises #UD in real and virtual-8086 mode.
func (c *CPU) requireProtected() {
	if !c.protected() || c.v86() {
		c.raise(excUD)
	}
}

// Control registers.

func hMovFromCR(c *CPU, in *inst) bool {
	c.requireCPL0()
	var v uint64
	switch in.sub {
	case 0:
		v = c.cr0
	case 2:
		v = c.cr2
	case 3:
		v = c.cr3
	case 4:
		v = c.cr4
	case 8:
		if c.mode != mode64 && in.pfx&pfxLock == 0 {
			c.raise(excUD)
		}
		v = uint64(c.readTPR() >> 4)
	default:
		c.raise(excUD)
	}
	c.R[in.r1] = v & sizeMask(in.size)
	return false
}

func hMovToCR(c *CPU, in *inst) bool {
	c.requireCPL0()
	v := c.R[in.r1] & sizeMask(in.size)
	switch in.sub {
	case 0:
		c.writeCR0(v)
	case 2:
		c.cr2 = v
	case 3:
		c.writeCR3(v)
	case 4:
		c.writeCR4(v)
	case 8:
		if c.mode != mode64 {
			c.raise(excUD)
		}
		if v&^0xf != 0 {
			c.raiseCode(excGP, 0)
		}
		c.writeTPR(uint8(v << 4))
	default:
		c.raise(excUD)
	}
	c.rip = in.next
	return true
}

const cr0Fixed = cr0ET

func (c *CPU) writeCR0(v uint64) {
	if v>>32 != 0 {
		c.raiseCode(excGP, 0)
	}
	v |= cr0Fixed
	if v&cr0PG != 0 && v&cr0PE == 0 || v&cr0NW != 0 && v&cr0CD == 0 {
		c.raiseCode(excGP, 0)
	}
	old := c.cr0
	enablingPG := v&cr0PG != 0 && old&cr0PG == 0
	disablingPG := v&cr0PG == 0 && old&cr0PG != 0
	if enablingPG && c.efer&eferLME != 0 {
		if c.cr4&cr4PAE == 0 || c.seg[segCS].L {
			c.raiseCode(excGP, 0)
		}
	}
	if disablingPG && c.mode == mode64 {
		c.raiseCode(excGP, 0)
	}
	if enablingPG && c.efer&eferLME == 0 && c.cr4&cr4PAE != 0 {
		if !c.loadPDPTEs(c.cr3) {
			c.raiseCode(excGP, 0)
		}
	}
	c.cr0 = v
	if enablingPG && c.efer&eferLME != 0 {
		c.efer |= eferLMA
	}
	if disablingPG {
		c.efer &^= eferLMA
	}
	if (old^v)&(cr0PG|cr0WP|cr0PE) != 0 {
		c.flushTLB(false)
	}
	c.updateMode()
}

func (c *CPU) writeCR3(v uint64) {
	noFlush := false
	if c.mode == mode64 || c.longMode() {
		if c.cr4&cr4PCIDE != 0 && v&(1<<63) != 0 {
			noFlush = true
			v &^= 1 << 63
		}
		if v>>physBits != 0 {
			c.raiseCode(excGP, 0)
		}
	} else {
		v &= 0xffffffff
		if c.cr0&cr0PG != 0 && c.cr4&cr4PAE != 0 {
			if !c.loadPDPTEs(v) {
				c.raiseCode(excGP, 0)
			}
		}
	}
	c.cr3 = v
	if !noFlush {
		c.flushTLB(c.cr4&cr4PGE != 0)
	}
}

// cr4Valid is the set of CR4 bits this CPU accepts.
func (c *CPU) cr4Valid() uint64 {
	v := uint64(cr4VME | cr4PVI | cr4TSD | cr4DE | cr4PSE | cr4PAE | cr4MCE | cr4PGE | cr4PCE | cr4OSFXSR | cr4OSXMMEXCPT)
	if c.feat&featUMIP != 0 {
		v |= cr4UMIP
	}
	if c.feat&featFSGSBASE != 0 {
		v |= cr4FSGSBASE
	}
	if c.feat&featXSAVE != 0 {
		v |= cr4OSXSAVE
	}
	if c.feat&featSMEP != 0 {
		v |= cr4SMEP
	}
	if c.feat&featSMAP != 0 {
		v |= cr4SMAP
	}
	if c.feat&featPCID != 0 {
		v |= cr4PCIDE
	}
	return v
}

func (c *CPU) writeCR4(v uint64) {
	if v&^c.cr4Valid() != 0 {
		c.raiseCode(excGP, 0)
	}
	old := c.cr4
	if c.longMode() && v&cr4PAE == 0 {
		c.raiseCode(excGP, 0)
	}
	if v&cr4PCIDE != 0 && old&cr4PCIDE == 0 && (!c.longMode() || c.cr3&0xfff != 0) {
		c.raiseCode(excGP, 0)
	}
	if c.cr0&cr0PG != 0 && !c.longMode() && v&cr4PAE != 0 && (old^v)&(cr4PAE|cr4PSE|cr4PGE) != 0 {
		if !c.loadPDPTEs(c.cr3) {
			c.raiseCode(excGP, 0)
		}
	}
	c.cr4 = v
	if (old^v)&(cr4PGE|cr4PAE|cr4PSE|cr4SMEP|cr4SMAP|cr4PCIDE) != 0 {
		c.flushTLB(false)
	}
	if (old^v)&cr4DE != 0 {
		c.updateBreakpoints() // arms or disarms I/O breakpoints
	}
	c.tlb.selectMMU(c)
	c.flushJumpCache(false)
}

func hClts(c *CPU, in *inst) bool {
	c.requireCPL0()
	c.cr0 &^= cr0TS
	c.rip = in.next
	return true
}

func hSmsw(c *CPU, in *inst) bool {
	c.umipCheck()
	if in.mem() {
		c.write(in.seg, c.ea(in), 2, c.cr0&0xffff)
		return c.smcEnd(in)
	}
	c.wr(in, in.r1, c.cr0)
	return false
}

func hLmsw(c *CPU, in *inst) bool {
	c.requireCPL0()
	v := c.dstE(in) & 0xf
	if c.cr0&cr0PE != 0 {
		v |= cr0PE // LMSW cannot clear PE
	}
	c.writeCR0(c.cr0&^0xf | v)
	c.rip = in.next
	return true
}

func (c *CPU) umipCheck() {
	if c.cr4&cr4UMIP != 0 && c.cpl > 0 {
		c.raiseCode(excGP, 0)
	}
}

// Debug registers.

func hMovFromDR(c *CPU, in *inst) bool {
	c.requireCPL0()
	n := in.sub
	if n > 7 {
		c.raise(excUD)
	}
	if n == 4 || n == 5 {
		if c.cr4&cr4DE != 0 {
			c.raise(excUD)
		}
		n += 2
	}
	if c.dr7&(1<<13) != 0 {
		c.dr6 |= 1 << 13
		c.dr7 &^= 1 << 13
		c.raise(excDB)
	}
	var v uint64
	switch n {
	case 6:
		v = c.dr6
	case 7:
		v = c.dr7
	default:
		v = c.dr[n]
	}
	c.R[in.r1] = v & sizeMask(in.size)
	return false
}

func hMovToDR(c *CPU, in *inst) bool {
	c.requireCPL0()
	n := in.sub
	if n > 7 {
		c.raise(excUD)
	}
	if n == 4 || n == 5 {
		if c.cr4&cr4DE != 0 {
			c.raise(excUD)
		}
		n += 2
	}
	if c.dr7&(1<<13) != 0 {
		c.dr6 |= 1 << 13
		c.dr7 &^= 1 << 13
		c.raise(excDB)
	}
	v := c.R[in.r1] & sizeMask(in.size)
	switch n {
	case 6:
		if v>>32 != 0 {
			c.raiseCode(excGP, 0)
		}
		c.dr6 = v&0x0000e00f | 0xffff0ff0
	case 7:
		if v>>32 != 0 {
			c.raiseCode(excGP, 0)
		}
		c.dr7 = v&0xffff2bff | 0x400
	default:
		c.dr[n] = v
	}
	c.updateBreakpoints()
	c.rip = in.next
	return true
}

// updateBreakpoints notes which breakpoints DR7 arms. While any is, the
// CPU runs one instruction at a time (stepOne checks them); the pages a
// data breakpoint watches stay out of the TLB, so that the slow path
// sees every access to them.
func (c *CPU) updateBreakpoints() {
	c.bpActive = false
	wasData := c.dataBP
	c.dataBP, c.ioBP = false, false
	for i := 0; i < 4; i++ {
		if c.dr7>>(2*i)&3 == 0 {
			continue
		}
		switch c.dr7 >> (16 + 4*i) & 3 {
		case 0:
			c.bpActive = true
		case 1, 3: // data writes; data reads and writes
			c.bpActive, c.dataBP = true, true
		case 2: // I/O reads and writes, with CR4.DE
			if c.cr4&cr4DE != 0 {
				c.bpActive, c.ioBP = true, true
			}
		}
	}
	c.checked = c.acCheck || c.dataBP
	if c.dataBP || wasData {
		c.flushTLB(false)
	}
	c.flushJumpCache(false)
}

// bpRange returns the linear range DRi watches: its length from DR7's
// LENi (1, 2, 8 or 4 bytes), the address aligned down to it.
func (c *CPU) bpRange(i int) (lo, n uint64) {
	n = [4]uint64{1, 2, 8, 4}[c.dr7>>(18+4*i)&3]
	return c.dr[i] &^ (n - 1), n
}

// dataBreakpoints returns the DR6 bits of the armed data breakpoints that
// an access of size bytes at la matches (SDM vol. 3A, 18.2.5).
func (c *CPU) dataBreakpoints(la uint64, size uint8, write bool) uint64 {
	var hit uint64
	for i := 0; i < 4; i++ {
		rw := c.dr7 >> (16 + 4*i) & 3
		if c.dr7>>(2*i)&3 == 0 || rw != 3 && (rw != 1 || !write) {
			continue
		}
		lo, n := c.bpRange(i)
		if la < lo+n && lo < la+uint64(size) {
			hit |= 1 << i
		}
	}
	return hit
}

// ioBreakpoints returns the DR6 bits of the armed I/O breakpoints (DR7
// R/W = 10 with CR4.DE) that an access of size ports at port matches.
func (c *CPU) ioBreakpoints(port uint16, size uint8) uint64 {
	var hit uint64
	for i := 0; i < 4; i++ {
		if c.dr7>>(2*i)&3 == 0 || c.dr7>>(16+4*i)&3 != 2 {
			continue
		}
		lo, n := c.bpRange(i)
		lo &= 0xffff
		if uint64(port) < lo+n && lo < uint64(port)+uint64(size) {
			hit |= 1 << i
		}
	}
	return hit
}

// watched reports whether an armed data breakpoint watches linear page vpn.
func (c *CPU) watched(vpn uint64) bool {
	for i := 0; i < 4; i++ {
		rw := c.dr7 >> (16 + 4*i) & 3
		if c.dr7>>(2*i)&3 != 0 && (rw == 1 || rw == 3) {
			if lo, _ := c.bpRange(i); lo>>12 == vpn {
				return true
			}
		}
	}
	return false
}

// execBreakpoints returns the DR6 bits of execute breakpoints matching ip.
func (c *CPU) execBreakpoints(ip uint64) uint64 {
	lin := c.sbase[segCS] + ip
	var hit uint64
	for i := 0; i < 4; i++ {
		if c.dr7>>(2*i)&3 != 0 && c.dr7>>(16+4*i)&3 == 0 && c.dr[i] == lin {
			hit |= 1 << i
		}
	}
	return hit
}

// Descriptor-table registers.

func hLoadDT(c *CPU, in *inst) bool {
	c.requireCPL0()
	ea := c.ea(in)
	limit := c.read(in.seg, ea, 2)
	var base uint64
	switch {
	case c.mode == mode64:
		base = c.read(in.seg, (ea+2)&in.amask(), 8)
		if !canonical(base) {
			c.raiseCode(excGP, 0)
		}
	case in.size == 2:
		base = c.read(in.seg, (ea+2)&in.amask(), 4) & 0xffffff
	default:
		base = c.read(in.seg, (ea+2)&in.amask(), 4)
	}
	if in.sub == 2 {
		c.gdtr.Base, c.gdtr.Limit = base, uint16(limit)
	} else {
		c.idtr.Base, c.idtr.Limit = base, uint16(limit)
	}
	c.rip = in.next
	return true
}

func hStoreDT(c *CPU, in *inst) bool {
	c.umipCheck()
	ea := c.ea(in)
	dt := c.gdtr
	if in.sub == 1 {
		dt = c.idtr
	}
	bsize := uint8(4)
	if c.mode == mode64 {
		bsize = 8
	}
	c.probeWriteAt(in.seg, ea, 2+bsize)
	c.write(in.seg, ea, 2, uint64(dt.Limit))
	c.write(in.seg, (ea+2)&in.amask(), bsize, dt.Base)
	return c.smcEnd(in)
}

// SLDT, STR (sub 0, 1).
func hStoreSysSeg(c *CPU, in *inst) bool {
	c.requireProtected()
	c.umipCheck()
	sel := c.ldtr.Selector
	if in.sub == 1 {
		sel = c.tr.Selector
	}
	if in.mem() {
		c.write(in.seg, c.ea(in), 2, uint64(sel))
		return c.smcEnd(in)
	}
	c.wr(in, in.r1, uint64(sel))
	return false
}

// LLDT, LTR (sub 2, 3).
func hLoadSysSeg(c *CPU, in *inst) bool {
	c.requireProtected()
	c.requireCPL0()
	sel := uint16(c.dstE(in))
	errc := uint32(sel &^ 3)
	if sel&^3 == 0 {
		if in.sub == 3 {
			c.raiseCode(excGP, 0)
		}
		c.ldtr = segCache{}
		c.ldtr.Selector = sel
		c.ldtr.Unusable = true
		c.rip = in.next
		return true
	}
	if sel&4 != 0 {
		c.raiseCode(excGP, errc)
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excGP, errc)
	}
	s := descToSegment(sel, d)
	var hi uint64
	if c.longMode() {
		hi, ok = c.readDescriptorHigh(sel)
		if !ok {
			c.raiseCode(excGP, errc)
		}
	}
	if in.sub == 2 {
		if s.S || s.Type != 2 {
			c.raiseCode(excGP, errc)
		}
	} else {
		if s.S || s.Type != 9 && (s.Type != 1 || c.longMode()) {
			c.raiseCode(excGP, errc)
		}
	}
	if !s.Present {
		c.raiseCode(excNP, errc)
	}
	if c.longMode() {
		if hi>>40&0x1f != 0 {
			c.raiseCode(excGP, errc)
		}
		s.Base |= hi << 32
	}
	if in.sub == 2 {
		c.ldtr = s
	} else {
		c.setTSSBusy(sel, true)
		s.Type |= 2
		c.tr = s
	}
	c.rip = in.next
	return true
}

// LAR, LSL (sub 2, 3): ZF reports whether the selector is visible.
func hLarLsl(c *CPU, in *inst) bool {
	c.requireProtected()
	sel := uint16(c.srcN(in, 2))
	c.materialize()
	c.flags &^= flagZF
	if sel&^3 == 0 {
		return false
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		return false
	}
	s := descToSegment(sel, d)
	rpl := uint8(sel & 3)
	if s.S {
		conforming := s.Type&0xc == 0xc
		if !conforming && (s.DPL < c.cpl || s.DPL < rpl) {
			return false
		}
	} else {
		valid := false
		switch s.Type {
		case 1, 2, 3, 9, 0xb:
			valid = true
		case 4, 5, 0xc:
			valid = in.sub == 2
		}
		if c.longMode() {
			switch s.Type {
			case 2, 9, 0xb:
			case 0xc:
				valid = in.sub == 2
			default:
				valid = false
			}
		}
		if !valid || s.DPL < c.cpl || s.DPL < rpl {
			return false
		}
	}
	c.flags |= flagZF
	if in.sub == 2 {
		c.wr(in, in.r1, d>>32&0x00f0ff00)
	} else {
		c.wr(in, in.r1, uint64(s.Limit))
	}
	return false
}

// VERR, VERW (sub 4, 5).
func hVerify(c *CPU, in *inst) bool {
	c.requireProtected()
	sel := uint16(c.dstE(in))
	c.materialize()
	c.flags &^= flagZF
	if sel&^3 == 0 {
		return false
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		return false
	}
	s := descToSegment(sel, d)
	if !s.S {
		return false
	}
	conforming := s.Type&0xc == 0xc
	if !conforming && (s.DPL < c.cpl || s.DPL < uint8(sel&3)) {
		return false
	}
	var okay bool
	if in.sub == 4 {
		okay = s.Type&8 == 0 || s.Type&2 != 0
	} else {
		okay = s.Type&8 == 0 && s.Type&2 != 0
	}
	if okay {
		c.flags |= flagZF
	}
	return false
}

// ARPL r/m16, r16 (r1: destination register or memory; r2: source).
func hArpl(c *CPU, in *inst) bool {
	c.requireProtected()
	dst := c.dstE(in)
	src := c.R[in.r2]
	if in.mem() {
		src = c.R[in.r1]
	}
	c.materialize()
	if dst&3 < src&3 {
		dst = dst&^3 | src&3
		c.flags |= flagZF
		if in.mem() {
			c.write(in.seg, c.ea(in), 2, dst)
		} else {
			c.setRegN(in.r1, 2, dst)
		}
	} else {
		c.flags &^= flagZF
	}
	return c.smcEnd(in)
}

func hInvlpg(c *CPU, in *inst) bool {
	c.requireCPL0()
	ea := c.ea(in)
	la := ea + c.sbase[in.seg]
	if c.mode != mode64 {
		la &= 0xffffffff
	}
	c.flushPage(la)
	c.rip = in.next
	return true
}

func hWbinvd(c *CPU, in *inst) bool {
	c.requireCPL0()
	return false
}

// hClflush checks that the line is addressable; the cache is not
// modelled.
func hClflush(c *CPU, in *inst) bool {
	c.read(in.seg, c.ea(in), 1)
	return false
}

// Segment registers.

func hMovFromSeg(c *CPU, in *inst) bool {
	sel := uint64(c.seg[in.sub].Selector)
	if in.mem() {
		c.write(in.seg, c.ea(in), 2, sel)
		return c.smcEnd(in)
	}
	c.wr(in, in.r1, sel)
	return false
}

func hMovToSeg(c *CPU, in *inst) bool {
	sel := uint16(c.dstE(in))
	c.loadSeg(int(in.sub), sel)
	if in.sub == segSS {
		c.shadow, c.ssShadow = true, true
	}
	c.rip = in.next
	return true
}

func hPushSeg(c *CPU, in *inst) bool {
	sel := uint64(c.seg[in.sub].Selector)
	if in.size == 2 {
		c.pushN(sel, 2)
	} else {
		// Processors write only the low 16 bits of the slot.
		m := c.stackMask()
		sp := (c.R[4] - uint64(in.size)) & m
		c.linW(segSS, sp, in.size)
		c.write(segSS, sp, 2, sel)
		c.R[4] = c.R[4]&^m | sp
	}
	return c.smcEnd(in)
}

func hPopSeg(c *CPU, in *inst) bool {
	m := c.stackMask()
	sp := c.R[4] & m
	sel := c.read(segSS, sp, in.size)
	c.loadSeg(int(in.sub), uint16(sel))
	c.R[4] = c.R[4]&^m | (sp+uint64(in.size))&m
	if in.sub == segSS {
		c.shadow, c.ssShadow = true, true
	}
	c.rip = in.next
	return true
}

// Fast system calls.

func (c *CPU) flatCode(sel uint16, dpl uint8, long bool) segCache {
	var s segCache
	s.Selector = sel
	s.Limit = 0xffffffff
	s.G = true
	s.Type = 0xb
	s.S = true
	s.DPL = dpl
	s.Present = true
	s.L = long
	s.DB = !long
	return s
}

func (c *CPU) flatData(sel uint16, dpl uint8) segCache {
	var s segCache
	s.Selector = sel
	s.Limit = 0xffffffff
	s.G = true
	s.Type = 3
	s.S = true
	s.DPL = dpl
	s.Present = true
	s.DB = true
	return s
}

func hSyscall(c *CPU, in *inst) bool {
	if c.efer&eferSCE == 0 || c.feat&featSYSCALL == 0 {
		c.raise(excUD)
	}
	if !c.protected() {
		c.raise(excUD)
	}
	star := c.msr.star
	sel := uint16(star >> 32 & 0xfffc)
	fl := c.rflags()
	if c.longMode() {
		target := c.msr.lstar
		if c.mode != mode64 {
			target = c.msr.cstar
		}
		c.R[1] = in.next
		c.R[11] = fl &^ flagRF
		c.setRFLAGS(fl &^ c.msr.fmask &^ flagRF)
		c.cpl = 0
		c.setSeg(segCS, c.flatCode(sel, 0, true))
		c.setSeg(segSS, c.flatData(sel+8, 0))
		c.rip = target
		c.updateMode()
		return true
	}
	c.R[1] = in.next & 0xffffffff
	c.setRFLAGS(fl &^ (flagVM | flagIF | flagRF))
	c.cpl = 0
	c.setSeg(segCS, c.flatCode(sel, 0, false))
	c.setSeg(segSS, c.flatData(sel+8, 0))
	c.rip = star & 0xffffffff
	c.updateMode()
	return true
}

func hSysret(c *CPU, in *inst) bool {
	if c.efer&eferSCE == 0 || c.feat&featSYSCALL == 0 {
		c.raise(excUD)
	}
	if !c.protected() || c.cpl != 0 {
		c.raiseCode(excGP, 0)
	}
	star := c.msr.star
	base := uint16(star >> 48)
	if c.longMode() {
		var target uint64
		long := in.size == 8
		if long {
			target = c.R[1]
			if !canonical(target) {
				c.raiseCode(excGP, 0)
			}
		} else {
			target = c.R[1] & 0xffffffff
		}
		c.setRFLAGS(c.R[11]&0x3c7fd7 | flagRes1)
		c.cpl = 3
		if long {
			c.setSeg(segCS, c.flatCode((base+16)|3, 3, true))
		} else {
			c.setSeg(segCS, c.flatCode(base|3, 3, false))
		}
		ss := c.flatData((base+8)|3, 3)
		c.setSeg(segSS, ss)
		c.rip = target
		c.updateMode()
		return true
	}
	c.flags |= flagIF
	c.cpl = 3
	c.setSeg(segCS, c.flatCode(base|3, 3, false))
	c.setSeg(segSS, c.flatData((base+8)|3, 3))
	c.rip = c.R[1] & 0xffffffff
	c.updateMode()
	return true
}

func hSysenter(c *CPU, in *inst) bool {
	if !c.protected() || c.msr.sysenterCS&0xfffc == 0 || c.feat&featSEP == 0 {
		c.raiseCode(excGP, 0)
	}
	sel := uint16(c.msr.sysenterCS & 0xfffc)
	long := c.longMode()
	c.setRFLAGS(c.rflags() &^ (flagVM | flagIF | flagRF))
	c.cpl = 0
	c.setSeg(segCS, c.flatCode(sel, 0, long))
	c.setSeg(segSS, c.flatData(sel+8, 0))
	c.rip = c.msr.sysenterEIP
	c.R[4] = c.msr.sysenterESP
	if !long {
		c.rip &= 0xffffffff
		c.R[4] &= 0xffffffff
	}
	c.updateMode()
	return true
}

func hSysexit(c *CPU, in *inst) bool {
	if !c.protected() || c.cpl != 0 || c.msr.sysenterCS&0xfffc == 0 || c.feat&featSEP == 0 {
		c.raiseCode(excGP, 0)
	}
	base := uint16(c.msr.sysenterCS & 0xfffc)
	c.cpl = 3
	if in.size == 8 {
		c.setSeg(segCS, c.flatCode((base+32)|3, 3, true))
		c.setSeg(segSS, c.flatData((base+40)|3, 3))
		c.rip = c.R[2]
		c.R[4] = c.R[1]
	} else {
		c.setSeg(segCS, c.flatCode((base+16)|3, 3, false))
		c.setSeg(segSS, c.flatData((base+24)|3, 3))
		c.rip = c.R[2] & 0xffffffff
		c.R[4] = c.R[1] & 0xffffffff
	}
	c.updateMode()
	return true
}

func hSwapgs(c *CPU, in *inst) bool {
	c.requireCPL0()
	c.seg[segGS].Base, c.msr.kernelGSBase = c.msr.kernelGSBase, c.seg[segGS].Base
	c.sbase[segGS] = c.seg[segGS].Base
	return false
}

// RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE (sub 0..3).
func hFsGsBase(c *CPU, in *inst) bool {
	if c.cr4&cr4FSGSBASE == 0 {
		c.raise(excUD)
	}
	seg := segFS + int(in.sub&1)
	if in.sub < 2 {
		c.wr(in, in.r1, c.seg[seg].Base)
	} else {
		v := c.R[in.r1] & in.mask()
		if !canonical(v) {
			c.raiseCode(excGP, 0)
		}
		c.seg[seg].Base = v
		c.sbase[seg] = v
	}
	c.rip = in.next
	return true
}

// CLAC and STAC: #UD without SMAP and at CPL > 0 (SDM vol. 2, CLAC, STAC;
// not #GP as for other privileged instructions).
func hClac(c *CPU, in *inst) bool {
	if c.feat&featSMAP == 0 || c.cpl != 0 {
		c.raise(excUD)
	}
	c.flags &^= flagAC
	c.tlb.selectMMU(c)
	c.rip = in.next
	return true
}

func hStac(c *CPU, in *inst) bool {
	if c.feat&featSMAP == 0 || c.cpl != 0 {
		c.raise(excUD)
	}
	c.flags |= flagAC
	c.tlb.selectMMU(c)
	c.rip = in.next
	return true
}

// Time stamp counter.

func hRdtsc(c *CPU, in *inst) bool {
	if c.cr4&cr4TSD != 0 && c.cpl > 0 && c.protected() {
		c.raiseCode(excGP, 0)
	}
	t := c.readTSC()
	c.R[0] = t & 0xffffffff
	c.R[2] = t >> 32
	return false
}

func hRdtscp(c *CPU, in *inst) bool {
	if c.feat&featRDTSCP == 0 {
		c.raise(excUD)
	}
	if c.cr4&cr4TSD != 0 && c.cpl > 0 && c.protected() {
		c.raiseCode(excGP, 0)
	}
	t := c.readTSC()
	c.R[0] = t & 0xffffffff
	c.R[2] = t >> 32
	c.R[1] = c.msr.tscAux & 0xffffffff
	return false
}

func hRdpid(c *CPU, in *inst) bool {
	if c.feat&featRDPID == 0 {
		c.raise(excUD)
	}
	c.R[in.r1] = c.msr.tscAux & 0xffffffff
	return false
}

// RDPMC: no performance counters are offered, so every index faults.
func hRdpmc(c *CPU, in *inst) bool {
	c.raiseCode(excGP, 0)
	return false
}

// RDRAND, RDSEED: CF = 1 and a random value.
func hRdrand(c *CPU, in *inst) bool {
	if c.feat&featRDRAND == 0 {
		c.raise(excUD)
	}
	c.wr(in, in.r1, c.vm.random())
	c.materialize()
	c.flags = c.flags&^flagsArith | flagCF
	return false
}

func hRdseed(c *CPU, in *inst) bool {
	if c.feat&featRDSEED == 0 {
		c.raise(excUD)
	}
	c.wr(in, in.r1, c.vm.random())
	c.materialize()
	c.flags = c.flags&^flagsArith | flagCF
	return false
}

// XGETBV, XSETBV.

func hXgetbv(c *CPU, in *inst) bool {
	if c.cr4&cr4OSXSAVE == 0 {
		c.raise(excUD)
	}
	if c.R[1]&0xffffffff != 0 {
		c.raiseCode(excGP, 0)
	}
	c.R[0] = c.xcr0 & 0xffffffff
	c.R[2] = c.xcr0 >> 32
	return false
}

func hXsetbv(c *CPU, in *inst) bool {
	if c.cr4&cr4OSXSAVE == 0 {
		c.raise(excUD)
	}
	c.requireCPL0()
	v := c.R[2]&0xffffffff<<32 | c.R[0]&0xffffffff
	if c.R[1]&0xffffffff != 0 || v&^xcr0Supported != 0 || v&1 == 0 {
		c.raiseCode(excGP, 0)
	}
	c.xcr0 = v
	c.rip = in.next
	return true
}

const xcr0Supported = 3 // x87 and SSE state

// BCD adjustments.

func hBCD(c *CPU, in *inst) bool {
	al := c.R[0] & 0xff
	cf := c.cf()
	af := c.af()
	c.materialize()
	f := c.flags &^ flagsArith
	switch in.sub {
	case 0x27: // DAA
		old := al
		ncf := false
		if al&0xf > 9 || af {
			al += 6
			ncf = cf || old+6 > 0xff
			af = true
		} else {
			af = false
		}
		if old > 0x99 || cf {
			al += 0x60
			ncf = true
		}
		cf = ncf
		al &= 0xff
	case 0x2f: // DAS
		old := al
		ncf := false
		if al&0xf > 9 || af {
			ncf = cf || old < 6
			al -= 6
			af = true
		} else {
			af = false
		}
		if old > 0x99 || cf {
			al -= 0x60
			ncf = true
		}
		cf = ncf
		al &= 0xff
	case 0x37, 0x3f: // AAA, AAS
		ax := c.R[0] & 0xffff
		if al&0xf > 9 || af {
			if in.sub == 0x37 {
				ax += 0x106
			} else {
				ax = (ax - 6) & 0xffff
				ax = ax&0xff | ((ax>>8 - 1) & 0xff << 8)
			}
			af, cf = true, true
		} else {
			af, cf = false, false
		}
		ax = ax &^ 0xf0
		c.R[0] = c.R[0]&^0xffff | ax&0xffff
		if cf {
			f |= flagCF
		}
		if af {
			f |= flagAF
		}
		// SF, ZF, PF, OF are undefined; processors set them from AL.
		al = ax & 0xff
		if al == 0 {
			f |= flagZF
		}
		if parity(al) {
			f |= flagPF
		}
		c.flags = f
		return false
	}
	c.R[0] = c.R[0]&^0xff | al
	if cf {
		f |= flagCF
	}
	if af {
		f |= flagAF
	}
	if al == 0 {
		f |= flagZF
	}
	if al&0x80 != 0 {
		f |= flagSF
	}
	if parity(al) {
		f |= flagPF
	}
	c.flags = f
	return false
}

func hAam(c *CPU, in *inst) bool {
	if in.imm == 0 {
		c.raise(excDE)
	}
	al := c.R[0] & 0xff
	ah, nal := al/in.imm, al%in.imm
	c.R[0] = c.R[0]&^0xffff | ah<<8 | nal
	c.setLogic(1, nal)
	return false
}

func hAad(c *CPU, in *inst) bool {
	al := c.R[0] & 0xff
	ah := c.R[0] >> 8 & 0xff
	nal := (al + ah*in.imm) & 0xff
	c.R[0] = c.R[0]&^0xffff | nal
	c.setLogic(1, nal)
	return false
}

func hSalc(c *CPU, in *inst) bool {
	if c.cf() {
		c.setReg8(0, 0xff)
	} else {
		c.setReg8(0, 0)
	}
	return false
}

// CRC32 (SSE4.2): CRC-32C accumulation without pre/post inversion.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func hCrc32(c *CPU, in *inst) bool {
	if c.feat&featSSE42 == 0 {
		c.raise(excUD)
	}
	var v uint64
	switch {
	case in.mem():
		v = c.read(in.seg, c.ea(in), in.size)
	case in.size == 1:
		v = c.reg8(in.r2)
	default:
		v = c.R[in.r2]
	}
	var buf [8]byte
	for i := range buf {
		buf[i] = byte(v >> (8 * i))
	}
	crc := uint32(c.R[in.r1])
	crc = ^crc32.Update(^crc, castagnoli, buf[:in.size])
	c.R[in.r1] = uint64(crc)
	return false
}

// ADCX, ADOX (sub 0, 1): add with carry through CF or OF only.
func hAdx(c *CPU, in *inst) bool {
	if c.feat&featADX == 0 {
		c.raise(excUD)
	}
	c.materialize()
	flag := uint64(flagCF)
	if in.sub == 1 {
		flag = flagOF
	}
	cin := uint64(0)
	if c.flags&flag != 0 {
		cin = 1
	}
	a, b := c.R[in.r1], c.srcE(in)
	var r, cout uint64
	if in.size == 8 {
		r, cout = bits.Add64(a, b, cin)
	} else {
		s := a&0xffffffff + b&0xffffffff + cin
		r, cout = s&0xffffffff, s>>32
	}
	c.flags &^= flag
	if cout != 0 {
		c.flags |= flag
	}
	c.wr(in, in.r1, r)
	return false
}
