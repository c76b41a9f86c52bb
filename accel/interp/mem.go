package interp

import (
	"encoding/binary"
)

// Software TLB. Each MMU context (supervisor with SMAP enforced, supervisor
// without, user) has separate read, write and execute arrays, direct-mapped
// by linear page number. An entry maps one 4 KiB linear page straight to the
// host bytes of a RAM page; a write entry exists only for a page that is
// writable in that context, already dirty in the guest's page tables and in
// the dirty log, and holds no decoded code, so the fast path needs no
// further checks. Everything else (MMIO, the APIC page, ROM writes, code
// pages, accesses crossing a page) takes the slow path.

const (
	tlbBits = 8
	tlbSize = 1 << tlbBits
	tlbMask = tlbSize - 1

	tlbInvalid = ^uint64(0)

	mmuSupSMAP = 0 // CPL < 3, SMAP enforced (CR4.SMAP and !EFLAGS.AC); implicit supervisor accesses
	mmuSup     = 1 // CPL < 3 otherwise
	mmuUser    = 2 // CPL 3
	numMMU     = 3

	accRead  = 0
	accWrite = 1
	accExec  = 2
)

type tlbEntry struct {
	tag  uint64 // linear page number, or tlbInvalid
	page *[4096]byte
	pa   uint64 // physical page address | tlbGlobal
}

const tlbGlobal = 1

type tlbArray [tlbSize]tlbEntry

type tlbSet struct {
	arr [numMMU][3]tlbArray
	cr  *tlbArray // current context's read array
	cw  *tlbArray
	cx  *tlbArray
	mmu int

	// none stays empty: the current read and write arrays point at it
	// while every data access must take the slow path (alignment checks).
	none tlbArray
}

func (t *tlbSet) init() {
	for m := range t.arr {
		for k := range t.arr[m] {
			for i := range t.arr[m][k] {
				t.arr[m][k][i] = tlbEntry{tag: tlbInvalid}
			}
		}
	}
	for i := range t.none {
		t.none[i] = tlbEntry{tag: tlbInvalid}
	}
	t.cr, t.cw, t.cx = &t.arr[0][0], &t.arr[0][1], &t.arr[0][2]
}

// selectMMU picks the TLB context for the current CPL, CR4.SMAP and AC.
func (t *tlbSet) selectMMU(c *CPU) {
	m := mmuSup
	switch {
	case c.cpl == 3:
		m = mmuUser
	case c.cr4&cr4SMAP != 0 && c.flags&flagAC == 0:
		m = mmuSupSMAP
	}
	t.mmu = m
	t.cr, t.cw, t.cx = &t.arr[m][accRead], &t.arr[m][accWrite], &t.arr[m][accExec]
	// Alignment checking (SDM vol. 3A, 6.15, #AC) sends every data
	// access to the slow path, which checks it; nothing changes for the
	// fast path while it is off.
	c.acCheck = c.cpl == 3 && c.cr0&cr0AM != 0 && c.flags&flagAC != 0
	c.checked = c.acCheck || c.dataBP
	if c.acCheck {
		t.cr, t.cw = &t.none, &t.none
	}
}

// flush drops every entry, or every non-global one.
func (c *CPU) flushTLB(keepGlobal bool) {
	t := &c.tlb
	for m := range t.arr {
		for k := range t.arr[m] {
			a := &t.arr[m][k]
			for i := range a {
				e := &a[i]
				if e.tag != tlbInvalid && (!keepGlobal || e.pa&tlbGlobal == 0) {
					if k == accWrite {
						c.vm.markDirtyPA(e.pa &^ 0xfff)
					}
					e.tag = tlbInvalid
				}
			}
		}
	}
	c.flushJumpCache(keepGlobal)
}

// flushPage drops the entries for the page holding la (INVLPG).
func (c *CPU) flushPage(la uint64) {
	t := &c.tlb
	vpn := la >> 12
	for m := range t.arr {
		for k := range t.arr[m] {
			e := &t.arr[m][k][vpn&tlbMask]
			if e.tag == vpn {
				e.tag = tlbInvalid
			}
		}
	}
	if c.mayHoldCode(la) {
		c.flushJumpCache(false)
	}
}

// flushWrites drops every write entry (another vCPU started decoding code
// from a page we may hold writable, or the dirty log was harvested). The
// pages are marked dirty again: they may have been written since the
// harvest that caused the flush.
func (c *CPU) flushWrites() {
	t := &c.tlb
	for m := range t.arr {
		a := &t.arr[m][accWrite]
		for i := range a {
			e := &a[i]
			if e.tag != tlbInvalid {
				c.vm.markDirtyPA(e.pa &^ 0xfff)
				e.tag = tlbInvalid
			}
		}
	}
}

// flushWritesTo drops write entries mapping physical page pa.
func (c *CPU) flushWritesTo(pa uint64) {
	t := &c.tlb
	for m := range t.arr {
		a := &t.arr[m][accWrite]
		for i := range a {
			if a[i].tag != tlbInvalid && a[i].pa&^0xfff == pa {
				a[i].tag = tlbInvalid
			}
		}
	}
}

// Segmentation: linear address of an access of n bytes at offset off.

func (c *CPU) linR(seg uint8, off uint64, n uint8) uint64 {
	if c.mode == mode64 {
		return off + c.sbase[seg]
	}
	s := &c.seg[seg]
	if off < s.rlo || off+uint64(n)-1 > s.rhi {
		c.segFault(seg, off, n, false)
	}
	return (s.Base + off) & 0xffffffff
}

func (c *CPU) linW(seg uint8, off uint64, n uint8) uint64 {
	if c.mode == mode64 {
		return off + c.sbase[seg]
	}
	s := &c.seg[seg]
	if off < s.wlo || off+uint64(n)-1 > s.whi {
		c.segFault(seg, off, n, true)
	}
	return (s.Base + off) & 0xffffffff
}

// segFault raises the fault for a segment access outside its limits or
// rights: #SS for the stack segment, #GP otherwise; error code 0.
func (c *CPU) segFault(seg uint8, off uint64, n uint8, write bool) {
	if seg == segSS {
		c.raiseCode(excSS, 0)
	}
	c.raiseCode(excGP, 0)
}

// read reads size bytes (1, 2, 4 or 8) at seg:off.
func (c *CPU) read(seg uint8, off uint64, size uint8) uint64 {
	la := c.linR(seg, off, size)
	e := &c.tlb.cr[(la>>12)&tlbMask]
	o := la & 0xfff
	if e.tag == la>>12 && o <= 4096-uint64(size) {
		return load(e.page, o, size)
	}
	return c.readSlow(seg, la, size, c.tlb.mmu)
}

// write writes size bytes at seg:off.
func (c *CPU) write(seg uint8, off uint64, size uint8, v uint64) {
	la := c.linW(seg, off, size)
	e := &c.tlb.cw[(la>>12)&tlbMask]
	o := la & 0xfff
	if e.tag == la>>12 && o <= 4096-uint64(size) {
		store(e.page, o, size, v)
		return
	}
	c.writeSlow(seg, la, size, v, c.tlb.mmu)
}

// rmwRef is a location prepared for a read-modify-write: translated for
// writing, so the read and the write cannot fault separately.
type rmwRef struct {
	page *[4096]byte // nil: slow path
	off  uint64
	la   uint64
	seg  uint8
	size uint8
}

// rmwLoad translates seg:off for writing and reads it.
func (c *CPU) rmwLoad(seg uint8, off uint64, size uint8) uint64 {
	la := c.linW(seg, off, size)
	e := &c.tlb.cw[(la>>12)&tlbMask]
	o := la & 0xfff
	r := &c.rmw
	r.la, r.seg, r.size = la, seg, size
	if e.tag == la>>12 && o <= 4096-uint64(size) {
		r.page, r.off = e.page, o
		return load(e.page, o, size)
	}
	r.page = nil
	// Check writability of every byte first, then read.
	c.probeWrite(seg, la, size)
	return c.readSlow(seg, la, size, c.tlb.mmu)
}

// rmwStore completes the access begun by rmwLoad.
func (c *CPU) rmwStore(v uint64) {
	r := &c.rmw
	if r.page != nil {
		store(r.page, r.off, r.size, v)
		return
	}
	c.writeSlow(r.seg, r.la, r.size, v, c.tlb.mmu)
}

func load(p *[4096]byte, o uint64, size uint8) uint64 {
	switch size {
	case 1:
		return uint64(p[o])
	case 2:
		return uint64(binary.LittleEndian.Uint16(p[o:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(p[o:]))
	}
	return binary.LittleEndian.Uint64(p[o:])
}

func store(p *[4096]byte, o uint64, size uint8, v uint64) {
	switch size {
	case 1:
		p[o] = uint8(v)
	case 2:
		binary.LittleEndian.PutUint16(p[o:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(p[o:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(p[o:], v)
	}
}

// Slow paths.

// canonical reports whether la is a canonical 48-bit address.
func canonical(la uint64) bool { return uint64(int64(la<<16)>>16) == la }

func (c *CPU) checkCanonical(seg uint8, la uint64, n uint8) {
	if c.mode != mode64 {
		return
	}
	if !canonical(la) || !canonical(la+uint64(n)-1) {
		if seg == segSS {
			c.raiseCode(excSS, 0)
		}
		c.raiseCode(excGP, 0)
	}
}

// checkData applies alignment checking and data breakpoints to an access
// of size bytes at linear address la through segment seg (segNone: an
// implicit system access, which alignment checking skips).
func (c *CPU) checkData(seg uint8, la uint64, size uint8, write bool) {
	if c.acCheck && seg != segNone && la&(uint64(size)-1) != 0 {
		c.raiseCode(excAC, 0)
	}
	if c.dataBP {
		c.dbHits |= c.dataBreakpoints(la, size, write)
	}
}

// readSlow reads at linear address la in MMU context mmu.
func (c *CPU) readSlow(seg uint8, la uint64, size uint8, mmu int) uint64 {
	c.checkCanonical(seg, la, size)
	if c.checked {
		c.checkData(seg, la, size, false)
	}
	if (la&0xfff)+uint64(size) > 4096 {
		// Split at the page boundary; translate both halves before reading.
		n1 := uint8(4096 - la&0xfff)
		la2 := la + uint64(n1)
		if c.mode != mode64 {
			la2 &= 0xffffffff
		}
		pa1 := c.translate(la, accRead, mmu)
		pa2 := c.translate(la2, accRead, mmu)
		lo := c.physRead(pa1, n1)
		hi := c.physRead(pa2, size-n1)
		return lo | hi<<(8*uint(n1))
	}
	pa := c.translate(la, accRead, mmu)
	return c.physRead(pa, size)
}

// probeWrite checks that every byte of a write would succeed (so that a
// multi-part write faults before changing anything).
func (c *CPU) probeWrite(seg uint8, la uint64, size uint8) {
	c.checkCanonical(seg, la, size)
	if c.acCheck && seg != segNone && la&(uint64(size)-1) != 0 {
		c.raiseCode(excAC, 0)
	}
	c.translate(la, accWrite, c.tlb.mmu)
	if (la&0xfff)+uint64(size) > 4096 {
		la2 := la + uint64(4096-la&0xfff)
		if c.mode != mode64 {
			la2 &= 0xffffffff
		}
		c.translate(la2, accWrite, c.tlb.mmu)
	}
}

func (c *CPU) writeSlow(seg uint8, la uint64, size uint8, v uint64, mmu int) {
	c.checkCanonical(seg, la, size)
	if c.checked {
		c.checkData(seg, la, size, true)
	}
	if (la&0xfff)+uint64(size) > 4096 {
		n1 := uint8(4096 - la&0xfff)
		la2 := la + uint64(n1)
		if c.mode != mode64 {
			la2 &= 0xffffffff
		}
		pa1 := c.translate(la, accWrite, mmu)
		pa2 := c.translate(la2, accWrite, mmu)
		c.physWrite(pa1, n1, v)
		c.physWrite(pa2, size-n1, v>>(8*uint(n1)))
		return
	}
	pa := c.translate(la, accWrite, mmu)
	c.physWrite(pa, size, v)
}

// translate maps la to a physical address for an access of kind acc in
// context mmu, filling the TLB when the page is plain RAM. It raises #PF.
func (c *CPU) translate(la uint64, acc int, mmu int) uint64 {
	vpn := la >> 12
	e := &c.tlb.arr[mmu][acc][vpn&tlbMask]
	if e.tag == vpn {
		return e.pa&^0xfff | la&0xfff
	}
	pa, global := la, false
	if c.cr0&cr0PG != 0 {
		pa, global = c.walk(la, acc, mmu)
	} else if c.mode != mode64 {
		pa &= 0xffffffff
	}
	c.fillTLB(e, vpn, pa&^0xfff, acc, global)
	return pa
}

// fillTLB installs a fast-path entry for physical page pa if the page is
// RAM the access kind may use directly.
func (c *CPU) fillTLB(e *tlbEntry, vpn, pa uint64, acc int, global bool) {
	vm := c.vm
	if c.apicHit(pa) {
		return
	}
	r := vm.physRange(pa)
	if r == nil {
		return
	}
	page := (*[4096]byte)(r.host[pa-r.start : pa-r.start+4096])
	g := uint64(0)
	if global {
		g = tlbGlobal
	}
	if c.dataBP && acc != accExec && c.watched(vpn) {
		return // every access to the page is checked on the slow path
	}
	switch acc {
	case accWrite:
		if r.ro {
			return
		}
		idx := r.page0 + int((pa-r.start)>>12)
		if vm.isCode(idx) {
			return
		}
		vm.dirty.Set(idx)
	}
	e.tag, e.page, e.pa = vpn, page, pa|g
}

// physRead reads size bytes at physical address pa (not crossing a page).
func (c *CPU) physRead(pa uint64, size uint8) uint64 {
	if c.apicHit(pa) {
		return c.apicRead(pa, size)
	}
	vm := c.vm
	if r := vm.physRange(pa); r != nil {
		o := pa - r.start
		switch size {
		case 1:
			return uint64(r.host[o])
		case 2:
			return uint64(binary.LittleEndian.Uint16(r.host[o:]))
		case 4:
			return uint64(binary.LittleEndian.Uint32(r.host[o:]))
		case 8:
			return binary.LittleEndian.Uint64(r.host[o:])
		}
		var v uint64
		for i := uint8(0); i < size; i++ {
			v |= uint64(r.host[o+uint64(i)]) << (8 * i)
		}
		return v
	}
	return c.mmioRead(pa, size)
}

func (c *CPU) physWrite(pa uint64, size uint8, v uint64) {
	if c.apicHit(pa) {
		c.apicWrite(pa, size, v)
		return
	}
	vm := c.vm
	if r := vm.physRange(pa); r != nil {
		if r.ro {
			return // ROM: writes are discarded
		}
		idx := r.page0 + int((pa-r.start)>>12)
		vm.dirty.Set(idx)
		if vm.isCode(idx) {
			c.invalidateCode(idx, pa&^0xfff)
		}
		o := pa - r.start
		for i := uint8(0); i < size; i++ {
			r.host[o+uint64(i)] = uint8(v >> (8 * i))
		}
		return
	}
	c.mmioWrite(pa, size, v)
}

// mmioRead splits an access into the sizes the bus accepts (1, 2, 4, 8).
func (c *CPU) mmioRead(pa uint64, size uint8) uint64 {
	switch size {
	case 1, 2, 4, 8:
		return c.vm.io.MMIORead(pa, int(size))
	}
	var v uint64
	for i := uint8(0); i < size; i++ {
		v |= c.vm.io.MMIORead(pa+uint64(i), 1) << (8 * i)
	}
	return v
}

func (c *CPU) mmioWrite(pa uint64, size uint8, v uint64) {
	switch size {
	case 1, 2, 4, 8:
		c.vm.io.MMIOWrite(pa, int(size), v&sizeMask(size))
		return
	}
	for i := uint8(0); i < size; i++ {
		c.vm.io.MMIOWrite(pa+uint64(i), 1, v>>(8*i)&0xff)
	}
}

// Implicit supervisor accesses (descriptor tables, TSS, IDT) use the
// SMAP-enforcing supervisor context whatever the CPL, at linear addresses.

func (c *CPU) sysRead(la uint64, size uint8) uint64 {
	if c.mode != mode64 && !c.longMode() {
		la &= 0xffffffff
	}
	if !canonical(la) || !canonical(la+uint64(size)-1) {
		c.raiseCode(excGP, 0)
	}
	e := &c.tlb.arr[mmuSupSMAP][accRead][(la>>12)&tlbMask]
	o := la & 0xfff
	if e.tag == la>>12 && o <= 4096-uint64(size) {
		return load(e.page, o, size)
	}
	return c.readSlow(segNone, la, size, mmuSupSMAP)
}

func (c *CPU) sysWrite(la uint64, size uint8, v uint64) {
	if c.mode != mode64 && !c.longMode() {
		la &= 0xffffffff
	}
	if !canonical(la) || !canonical(la+uint64(size)-1) {
		c.raiseCode(excGP, 0)
	}
	c.writeSlow(segNone, la, size, v, mmuSupSMAP)
}

// readBytes and writeBytes move a buffer through seg:off (FXSAVE, far
// pointers); each part is checked like an ordinary access.
func (c *CPU) readBytes(seg uint8, off uint64, p []byte, amask uint64) {
	for i := 0; i < len(p); {
		n := len(p) - i
		if n >= 8 {
			n = 8
		} else if n >= 4 {
			n = 4
		} else if n >= 2 {
			n = 2
		} else {
			n = 1
		}
		v := c.read(seg, (off+uint64(i))&amask, uint8(n))
		for j := 0; j < n; j++ {
			p[i+j] = byte(v >> (8 * j))
		}
		i += n
	}
}

func (c *CPU) writeBytes(seg uint8, off uint64, p []byte, amask uint64) {
	for i := 0; i < len(p); {
		n := len(p) - i
		if n >= 8 {
			n = 8
		} else if n >= 4 {
			n = 4
		} else if n >= 2 {
			n = 2
		} else {
			n = 1
		}
		var v uint64
		for j := 0; j < n; j++ {
			v |= uint64(p[i+j]) << (8 * j)
		}
		c.write(seg, (off+uint64(i))&amask, uint8(n), v)
		i += n
	}
}
