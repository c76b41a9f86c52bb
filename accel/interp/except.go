package interp

import "fmt"

// Exception vectors (Intel SDM vol. 3A, table 6-1).
const (
	excDE  = 0
	excDB  = 1
	excNMI = 2
	excBP  = 3
	excOF  = 4
	excBR  = 5
	excUD  = 6
	excNM  = 7
	excDF  = 8
	excTS  = 10
	excNP  = 11
	excSS  = 12
	excGP  = 13
	excPF  = 14
	excMF  = 16
	excAC  = 17
	excMC  = 18
	excXM  = 19
)

// fault is the panic value that unwinds a faulting instruction to the run
// loop. It lives in the CPU, so raising allocates nothing.
type fault struct {
	vector  uint8
	hasCode bool
	code    uint32
	trap    bool   // a trap: RIP already points after the instruction
	kind    int    // delivery kind (evException, evSoftInt, ...)
	ip      uint64 // INT n, INT3, INTO: the instruction's own address
}

func (f *fault) String() string {
	if f.hasCode {
		return fmt.Sprintf("exception %d, error code %#x", f.vector, f.code)
	}
	return fmt.Sprintf("exception %d", f.vector)
}

// shutdownReq unwinds to the run loop when the CPU shuts down (triple
// fault).
type shutdownReq struct{}

var errShutdown = &shutdownReq{}

// raiseTrap raises an event after the instruction at ip completed: c.rip
// already holds the address of the next instruction.
func (c *CPU) raiseTrap(vec uint8, kind int, ip uint64) {
	c.flt = fault{vector: vec, trap: true, kind: kind, ip: ip}
	panic(&c.flt)
}

// raise raises exception vec without an error code. It does not return.
func (c *CPU) raise(vec uint8) {
	c.flt = fault{vector: vec}
	panic(&c.flt)
}

// raiseCode raises exception vec with an error code. It does not return.
func (c *CPU) raiseCode(vec uint8, code uint32) {
	c.flt = fault{vector: vec, hasCode: true, code: code}
	panic(&c.flt)
}

// Delivery kinds.
const (
	evException = iota // fault or trap raised by an instruction
	evExtInt           // external interrupt (from the APIC)
	evNMI
	evTrap    // trap raised by an instruction (single step)
	evSoftInt // INT n
	evSoftExc // INT3, INTO: software exceptions (DPL checked)
	evICEBP   // INT1
)

// excClass classifies vectors for the double-fault rules (SDM table 6-5).
func excClass(vec uint8) int {
	switch vec {
	case excDE, excTS, excNP, excSS, excGP:
		return 1 // contributory
	case excPF:
		return 2
	case excDF:
		return 3
	}
	return 0 // benign
}

// hasErrorCode reports whether exception vec pushes an error code.
func hasErrorCode(vec uint8) bool {
	switch vec {
	case excDF, excTS, excNP, excSS, excGP, excPF, excAC:
		return true
	}
	return false
}

// deliverEvent delivers an event, applying the double- and triple-fault
// rules to faults raised while delivering. c.rip must already hold the
// return address the handler should see; ip is the address of the INT n,
// INT3 or INTO instruction that raised a software event. It returns false
// if the CPU shut down (triple fault).
func (c *CPU) deliverEvent(vec uint8, kind int, hasCode bool, code uint32, ip uint64) bool {
	// A faulting instruction reports no data breakpoint; what the
	// delivery's own accesses hit is reported before the handler runs.
	c.dbHits = 0
	prev := -1
	for {
		f := c.tryDeliver(vec, kind, hasCode, code)
		if f == nil {
			return true
		}
		if f == shutdownFault {
			return false
		}
		if kind == evSoftInt || kind == evSoftExc {
			// The instruction itself faults (a gate of lower DPL, not
			// present, ...): the handler sees its address (SDM vol. 3A,
			// 6.12.1.1), not the next instruction's.
			c.rip = ip
		}
		// A fault during delivery.
		first := excClass(vec)
		if kind != evException && kind != evTrap {
			first = 0
		}
		if prev == 3 || vec == excDF {
			return false // triple fault
		}
		second := excClass(f.vector)
		if first == 1 && second == 1 || first == 2 && (second == 1 || second == 2) {
			vec, kind, hasCode, code = excDF, evException, true, 0
			prev = 3
			continue
		}
		vec, kind, hasCode, code = f.vector, evException, f.hasCode, f.code
		prev = second
	}
}

var shutdownFault = &fault{vector: 255}

// tryDeliver performs one delivery attempt and returns the fault that
// interrupted it, if any.
func (c *CPU) tryDeliver(vec uint8, kind int, hasCode bool, code uint32) (f *fault) {
	defer func() {
		if r := recover(); r != nil {
			if ff, ok := r.(*fault); ok {
				cp := *ff
				f = &cp
				return
			}
			panic(r)
		}
	}()
	c.deliver(vec, kind, hasCode, code)
	return nil
}

// deliver transfers control to the handler of vector vec.
func (c *CPU) deliver(vec uint8, kind int, hasCode bool, code uint32) {
	ext := uint32(0)
	if kind == evException || kind == evTrap || kind == evExtInt || kind == evNMI || kind == evICEBP {
		ext = 1
	}
	c.halted = false
	switch {
	case !c.protected():
		c.deliverReal(vec)
	case c.longMode():
		c.deliverLong(vec, kind, hasCode, code, ext)
	default:
		c.deliverProt(vec, kind, hasCode, code, ext)
	}
	if kind == evNMI {
		c.nmiBlocked = true
	}
	c.shadow, c.ssShadow = false, false
}

func (c *CPU) deliverReal(vec uint8) {
	off := uint64(vec) * 4
	if off+3 > uint64(c.idtr.Limit) {
		c.raiseCode(excGP, uint32(vec)*8+2)
	}
	la := c.idtr.Base + off
	ip := c.sysRead(la, 2)
	cs := c.sysRead(la+2, 2)
	fl := c.rflags()
	c.push16(uint16(fl))
	c.push16(c.seg[segCS].Selector)
	c.push16(uint16(c.rip))
	c.flags &^= flagIF | flagTF | flagAC | flagRF
	c.loadSegReal(segCS, uint16(cs))
	c.rip = ip
	c.updateMode()
}

// idtGate reads the gate for vec from a legacy or long-mode IDT and applies
// the checks common to both (SDM 6.12.1).
func (c *CPU) idtGate(vec uint8, kind int, ext uint32, long bool) (lo, hi uint64) {
	size := uint64(8)
	if long {
		size = 16
	}
	errc := uint32(vec)*8 + 2 + ext
	if uint64(vec)*size+size-1 > uint64(c.idtr.Limit) {
		c.raiseCode(excGP, errc)
	}
	la := c.idtr.Base + uint64(vec)*size
	lo = c.sysRead(la, 8)
	if long {
		hi = c.sysRead(la+8, 8)
	}
	typ := uint8(lo>>40) & 0x1f // S bit and type
	dpl := uint8(lo>>45) & 3
	switch {
	case long && typ != 0xe && typ != 0xf:
		c.raiseCode(excGP, errc)
	case !long && typ != 0x5 && typ != 0x6 && typ != 0x7 && typ != 0xe && typ != 0xf:
		c.raiseCode(excGP, errc)
	}
	if (kind == evSoftInt || kind == evSoftExc) && dpl < c.cpl {
		c.raiseCode(excGP, errc)
	}
	if kind == evSoftInt && c.v86() && c.iopl() < 3 {
		c.raiseCode(excGP, 0)
	}
	if lo&(1<<47) == 0 {
		c.raiseCode(excNP, errc)
	}
	return lo, hi
}

// handlerCS loads and checks the code segment a gate points to; it also
// returns the raw descriptor, whose accessed bit the delivery sets.
func (c *CPU) handlerCS(sel uint16, ext uint32) (segCache, uint64) {
	if sel&^3 == 0 {
		c.raiseCode(excGP, ext)
	}
	d, ok := c.readDescriptor(sel)
	if !ok {
		c.raiseCode(excGP, uint32(sel&^3)+ext)
	}
	seg := descToSegment(sel, d)
	if !seg.S || seg.Type&8 == 0 || seg.DPL > c.cpl {
		c.raiseCode(excGP, uint32(sel&^3)+ext)
	}
	if !seg.Present {
		c.raiseCode(excNP, uint32(sel&^3)+ext)
	}
	return seg, d
}

func (c *CPU) deliverLong(vec uint8, kind int, hasCode bool, code uint32, ext uint32) {
	lo, hi := c.idtGate(vec, kind, ext, true)
	sel := uint16(lo >> 16)
	target := lo&0xffff | (lo>>48&0xffff)<<16 | hi<<32
	ist := uint8(lo>>32) & 7
	trapGate := uint8(lo>>40)&0xf == 0xf
	cs, csDesc := c.handlerCS(sel, ext)
	if !cs.L || cs.DB {
		c.raiseCode(excGP, uint32(sel&^3)+ext)
	}
	newCPL := c.cpl
	if cs.Type&4 == 0 { // non-conforming: run at its DPL
		newCPL = cs.DPL
	}
	oldSS, oldRSP := c.seg[segSS].Selector, c.R[4]
	oldCS := c.seg[segCS].Selector
	fl := c.rflags()
	if kind == evException && vec != excDB {
		fl |= flagRF
	}
	rsp := c.R[4]
	if newCPL != c.cpl {
		rsp = c.tssRSP(newCPL)
	}
	if ist != 0 {
		rsp = c.tssIST(ist)
	}
	rsp &^= 15
	mmu := mmuSupSMAP
	if newCPL == 3 {
		mmu = mmuUser
	}
	frame := [6]uint64{uint64(oldSS), oldRSP, fl, uint64(oldCS), c.rip, uint64(code)}
	n := 5
	if hasCode {
		n = 6
	}
	for i := 0; i < n; i++ {
		rsp -= 8
		c.stackWrite(rsp, 8, frame[i], mmu, true)
	}
	// Commit.
	if newCPL != c.cpl {
		c.seg[segSS] = nullSS(newCPL)
	}
	c.setAccessed(sel, csDesc, &cs)
	cs.Selector = sel&^3 | uint16(newCPL)
	c.setSeg(segCS, cs)
	c.cpl = newCPL
	c.R[4] = rsp
	c.rip = target
	c.flags &^= flagTF | flagNT | flagRF | flagVM
	if !trapGate {
		c.flags &^= flagIF
	}
	c.updateMode()
}

// nullSS is the SS loaded on a privilege change in 64-bit mode: a null
// selector whose RPL is the new CPL.
func nullSS(cpl uint8) segCache {
	s := segCache{}
	s.Selector = uint16(cpl)
	s.Unusable = true
	s.DPL = cpl
	s.DB = true
	s.Type = 3
	s.S = true
	s.Present = true
	s.updateRanges(false)
	return s
}

func (c *CPU) deliverProt(vec uint8, kind int, hasCode bool, code uint32, ext uint32) {
	lo, _ := c.idtGate(vec, kind, ext, false)
	typ := uint8(lo>>40) & 0xf
	if typ == 0x5 { // task gate
		sel := uint16(lo >> 16)
		c.taskSwitch(sel, taskSwitchGate, ext, c.rip)
		if hasCode {
			c.pushForTask(code)
		}
		return
	}
	sel := uint16(lo >> 16)
	target := lo&0xffff | (lo>>48&0xffff)<<16
	gate32 := typ&8 != 0
	trapGate := typ&1 != 0
	if !gate32 {
		target &= 0xffff
	}
	cs, csDesc := c.handlerCS(sel, ext)
	newCPL := c.cpl
	if cs.Type&4 == 0 {
		newCPL = cs.DPL
	}
	if c.v86() && newCPL != 0 {
		c.raiseCode(excGP, uint32(sel&^3)+ext)
	}
	if target > uint64(cs.Limit) {
		c.raiseCode(excGP, ext)
	}
	fl := c.rflags()
	if kind == evException && vec != excDB {
		fl |= flagRF
	}
	wsize := uint8(2)
	if gate32 {
		wsize = 4
	}
	var frame [10]uint64
	n := 0
	push := func(v uint64) { frame[n] = v; n++ }
	var newSS segCache
	newESP := c.R[4]
	switchStack := newCPL != c.cpl
	fromV86 := c.v86()
	if switchStack {
		ssSel, esp := c.tssStack32(newCPL, ext)
		newSS = c.checkStackSeg(ssSel, newCPL, ext)
		newESP = esp
		if fromV86 {
			push(uint64(c.seg[segGS].Selector))
			push(uint64(c.seg[segFS].Selector))
			push(uint64(c.seg[segDS].Selector))
			push(uint64(c.seg[segES].Selector))
		}
		push(uint64(c.seg[segSS].Selector))
		push(c.R[4])
	} else {
		newSS = c.seg[segSS]
	}
	push(fl)
	push(uint64(c.seg[segCS].Selector))
	push(c.rip)
	if hasCode {
		push(uint64(code))
	}
	// Write the frame on the new stack.
	spMask := uint64(0xffff)
	if newSS.DB {
		spMask = 0xffffffff
	}
	mmu := mmuSupSMAP
	if newCPL == 3 {
		mmu = mmuUser
	}
	sp := newESP
	for i := 0; i < n; i++ {
		sp = (sp - uint64(wsize)) & spMask
		if !newSS.ok(sp, uint64(wsize), true) {
			if switchStack {
				c.raiseCode(excSS, uint32(newSS.Selector&^3)+ext)
			}
			c.raiseCode(excSS, ext)
		}
		c.stackWrite((newSS.Base+sp)&0xffffffff, wsize, frame[i], mmu, false)
	}
	// Commit.
	if fromV86 {
		for _, s := range []int{segGS, segFS, segDS, segES} {
			c.seg[s] = segCache{}
			c.seg[s].Unusable = true
			c.seg[s].updateRanges(false)
		}
	}
	c.flags &^= flagTF | flagNT | flagRF | flagVM
	if !trapGate {
		c.flags &^= flagIF
	}
	if switchStack {
		c.seg[segSS] = newSS
	}
	c.R[4] = c.R[4]&^spMask | sp
	c.setAccessed(sel, csDesc, &cs)
	cs.Selector = sel&^3 | uint16(newCPL)
	c.setSeg(segCS, cs)
	c.cpl = newCPL
	c.rip = target
	c.updateMode()
}

// stackWrite writes a delivery frame word at linear address la.
func (c *CPU) stackWrite(la uint64, size uint8, v uint64, mmu int, long bool) {
	if long && (!canonical(la) || !canonical(la+uint64(size)-1)) {
		c.raiseCode(excSS, 0)
	}
	e := &c.tlb.arr[mmu][accWrite][(la>>12)&tlbMask]
	o := la & 0xfff
	if e.tag == la>>12 && o <= 4096-uint64(size) {
		store(e.page, o, size, v)
		return
	}
	c.writeSlow(segNone, la, size, v, mmu)
}
