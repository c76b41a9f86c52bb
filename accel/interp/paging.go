package interp

// Page walks for 32-bit, PAE and 4-level paging (Intel SDM vol. 3A,
// chapter 4), with accessed/dirty updates, NX, WP, SMEP, SMAP and the
// page-fault error code.

// Page-table entry bits.
const (
	pteP   = 1 << 0
	pteRW  = 1 << 1
	pteUS  = 1 << 2
	pteA   = 1 << 5
	pteD   = 1 << 6
	ptePS  = 1 << 7
	pteG   = 1 << 8
	pteNX  = 1 << 63
	pfP    = 1 << 0 // #PF error code: protection violation (not not-present)
	pfW    = 1 << 1
	pfU    = 1 << 2
	pfRSVD = 1 << 3
	pfI    = 1 << 4

	physBits = 40
	// addrMask selects the physical address bits of a 64-bit entry.
	addrMask = (1<<physBits - 1) &^ 0xfff
)

// rsvdMask returns the reserved bits of 64-bit paging entries (above
// MAXPHYADDR, and XD without EFER.NXE).
func (c *CPU) rsvdMask() uint64 {
	m := uint64(0x000fffffffffffff) &^ (1<<physBits - 1)
	if c.efer&eferNXE == 0 {
		m |= pteNX
	}
	return m
}

// walk translates la for an access of kind acc in MMU context mmu and
// returns the physical address and whether the page is global. It sets
// accessed and dirty bits and raises #PF.
func (c *CPU) walk(la uint64, acc int, mmu int) (uint64, bool) {
	user := mmu == mmuUser
	var err uint32
	if acc == accWrite {
		err |= pfW
	}
	if user {
		err |= pfU
	}
	if acc == accExec && (c.efer&eferNXE != 0 && c.cr4&cr4PAE != 0 || c.cr4&cr4SMEP != 0) {
		err |= pfI
	}
	// Effective rights accumulate over the levels: writable and user only
	// if every level says so, no-execute if any level does.
	rw, us, nx := true, true, false
	var entries [5]uint64 // physical addresses of the entries used
	var vals [5]uint64
	n := 0
	var pa uint64
	var leaf uint64
	global := false

	fault := func(e uint32) {
		c.cr2 = la
		c.raiseCode(excPF, err|e)
	}

	switch {
	case c.cr4&cr4PAE == 0: // 32-bit paging
		pdeA := c.cr3&0xfffff000 | (la>>22&0x3ff)<<2
		pde := c.physRead(pdeA, 4)
		if pde&pteP == 0 {
			fault(0)
		}
		entries[n], vals[n] = pdeA, pde
		n++
		rw, us = pde&pteRW != 0, pde&pteUS != 0
		if pde&ptePS != 0 && c.cr4&cr4PSE != 0 {
			if pde&(1<<21) != 0 {
				fault(pfP | pfRSVD)
			}
			pa = pde&0xffc00000 | (pde>>13&0xff)<<32 | la&0x3fffff
			leaf = pde
		} else {
			pteA := pde&0xfffff000 | (la>>12&0x3ff)<<2
			pte := c.physRead(pteA, 4)
			if pte&pteP == 0 {
				fault(0)
			}
			entries[n], vals[n] = pteA, pte
			n++
			rw, us = rw && pte&pteRW != 0, us && pte&pteUS != 0
			pa = pte&0xfffff000 | la&0xfff
			leaf = pte
		}
		global = leaf&pteG != 0 && c.cr4&cr4PGE != 0
		return c.finishWalk(la, acc, mmu, err, rw, us, nx, entries[:n], vals[:n], leaf, pa, global)

	case c.efer&eferLMA == 0: // PAE paging
		pdpte := c.pdpte[la>>30&3]
		if pdpte&pteP == 0 {
			fault(0)
		}
		rsvd := c.rsvdMask()
		table := pdpte & addrMask
		for level := 2; level >= 1; level-- {
			shift := uint(12 + 9*(level-1))
			ea := table | (la>>shift&0x1ff)<<3
			e := c.physRead(ea, 8)
			if e&pteP == 0 {
				fault(0)
			}
			if e&rsvd != 0 || level == 2 && e&ptePS != 0 && e&0x1fe000 != 0 {
				fault(pfP | pfRSVD)
			}
			entries[n], vals[n] = ea, e
			n++
			rw, us, nx = rw && e&pteRW != 0, us && e&pteUS != 0, nx || e&pteNX != 0
			if level == 1 || e&ptePS != 0 {
				mask := uint64(1)<<shift - 1
				pa = e&addrMask&^mask | la&mask
				leaf = e
				break
			}
			table = e & addrMask
		}
		global = leaf&pteG != 0 && c.cr4&cr4PGE != 0
		return c.finishWalk(la, acc, mmu, err, rw, us, nx, entries[:n], vals[:n], leaf, pa, global)

	default: // 4-level paging
		rsvd := c.rsvdMask()
		table := c.cr3 & addrMask
		for level := 4; level >= 1; level-- {
			shift := uint(12 + 9*(level-1))
			ea := table | (la>>shift&0x1ff)<<3
			e := c.physRead(ea, 8)
			if e&pteP == 0 {
				fault(0)
			}
			bad := e&rsvd != 0
			switch {
			case level == 4 && e&ptePS != 0:
				bad = true
			case level == 3 && e&ptePS != 0:
				// 1 GiB pages exist only with CPUID pdpe1gb.
				bad = bad || e&0x3fffe000 != 0 || c.feat&featPDPE1GB == 0
			case level == 2 && e&ptePS != 0:
				bad = bad || e&0x1fe000 != 0
			}
			if bad {
				fault(pfP | pfRSVD)
			}
			entries[n], vals[n] = ea, e
			n++
			rw, us, nx = rw && e&pteRW != 0, us && e&pteUS != 0, nx || e&pteNX != 0
			if level == 1 || e&ptePS != 0 {
				mask := uint64(1)<<shift - 1
				pa = e&addrMask&^mask | la&mask
				leaf = e
				break
			}
			table = e & addrMask
		}
		global = leaf&pteG != 0 && c.cr4&cr4PGE != 0
		return c.finishWalk(la, acc, mmu, err, rw, us, nx, entries[:n], vals[:n], leaf, pa, global)
	}
}

// finishWalk applies the access rights (SDM 4.6) and sets the accessed and
// dirty bits.
func (c *CPU) finishWalk(la uint64, acc, mmu int, err uint32, rw, us, nx bool, entries, vals []uint64, leaf, pa uint64, global bool) (uint64, bool) {
	deny := false
	switch mmu {
	case mmuUser:
		deny = !us || acc == accWrite && !rw || acc == accExec && nx
	default:
		smap := c.cr4&cr4SMAP != 0 && mmu == mmuSupSMAP
		switch acc {
		case accRead:
			deny = us && smap
		case accWrite:
			deny = us && smap || !rw && c.cr0&cr0WP != 0
		case accExec:
			deny = nx || us && c.cr4&cr4SMEP != 0
		}
	}
	if deny {
		c.cr2 = la
		c.raiseCode(excPF, err|pfP)
	}
	// Accessed bits on every level, dirty on the leaf for writes.
	wide := c.cr4&cr4PAE != 0
	for i, ea := range entries {
		set := uint64(pteA)
		if i == len(entries)-1 && acc == accWrite {
			set |= pteD
		}
		if vals[i]&set != set {
			c.physOr(ea, set, wide)
		}
	}
	return pa, global
}

// physOr atomically sets bits in a paging entry.
func (c *CPU) physOr(pa uint64, bits uint64, wide bool) {
	r := c.vm.physRange(pa)
	if r == nil || r.ro {
		return
	}
	o := pa - r.start
	idx := r.page0 + int(o>>12)
	c.vm.dirty.Set(idx)
	if c.vm.isCode(idx) {
		c.invalidateCode(idx, pa&^0xfff)
	}
	if wide {
		atomicOr64(r.host, o, bits)
	} else {
		atomicOr32(r.host, o, uint32(bits))
	}
}

// loadPDPTEs reads the four PAE page-directory-pointer entries at CR3 load
// (SDM 4.4.1); reserved bits make the load fault with #GP(0).
func (c *CPU) loadPDPTEs(cr3 uint64) bool {
	base := cr3 & 0xffffffe0
	rsvd := uint64(0x1e6) | ^uint64(1<<physBits-1)
	var p [4]uint64
	for i := range p {
		p[i] = c.physRead(base+uint64(i)*8, 8)
		if p[i]&pteP != 0 && p[i]&rsvd != 0 {
			return false
		}
	}
	c.pdpte = p
	return true
}
