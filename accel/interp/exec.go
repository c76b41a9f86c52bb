package interp

import (
	"encoding/binary"
	"math/bits"
	"sync/atomic"
)

// Decoded-block cache and the execution loop.
//
// A block is a run of pre-decoded instructions starting at one RIP, ending
// at a branch or other control transfer, at a page boundary or after
// maxBlock instructions; in 64-bit mode it runs on through up to maxExits
// forward conditional branches (side exits: taken, they end the block). Blocks
// are keyed by the guest-physical address of their first byte (plus RIP,
// CS base and decode mode, because decoding bakes in absolute targets).
// Each vCPU keeps its own blocks; a per-page generation counter shared by
// the VM invalidates them when the page is written. A direct-mapped jump
// cache indexed by linear address finds the block for a RIP without a map
// lookup, and each block caches its last two successors (for a final
// conditional branch: the not-taken and the taken one) and one per side
// exit, so a loop runs from block to block without any lookup.

const (
	codeLinWords = 64
	maxBlock     = 64
	jcBits       = 12
	jcSize       = 1 << jcBits
	blockLinks   = 2
)

// blockLink is a remembered successor of a block: valid while its
// generation (ctx, from c.gens[g]) holds and the target's pages are
// unchanged.
type blockLink struct {
	b   *block
	ip  uint64
	ctx uint64
	key uint64 // linkKey when the link was last found valid
	g   uint8  // 1: reached through a global page (survives a CR3 write)
}

type block struct {
	insts  []inst
	ip     uint64 // RIP of the first instruction
	lin    uint64 // linear address of the first instruction
	pa     uint64 // physical address of the first byte
	endIP  uint64 // RIP after the last instruction
	mode   uint8
	cached bool // false: decoded from MMIO; used once
	gen    uint32
	genp   *atomic.Uint32
	gen2   uint32 // second page of an instruction crossing a page
	genp2  *atomic.Uint32
	page   int // page index of pa (for self-modifying-code detection)
	page2  int
	links  [blockLinks]blockLink
	nextL  uint8
	// jcc: the block ends with a fast-path conditional branch, whose
	// not-taken successor is remembered in links[0] and taken one in
	// links[1], so that the run loop picks the link by the branch's
	// outcome instead of comparing addresses (one data-dependent host
	// branch less per guest branch).
	jcc bool
	// exits are the remembered targets of the block's side exits
	// (sideExit), one per exit.
	exits []blockLink
	// plainN: none of the block's first plainN instructions can change
	// what the checks between blocks look at (IF, TF, RF, the interrupt
	// shadow, HLT, breakpoints, pending events): when the block ended
	// within them (at a side exit, say), the next block may start without
	// those checks (see execBlocks).
	plainN int
}

// linkKey changes whenever a remembered link may have gone stale: when
// decoded code was invalidated anywhere (VM.codeEpoch) or this vCPU's
// jump cache was flushed (gens[0], which every flush advances; gens[1]
// never advances alone). Both only grow, so a sum never comes back.
func (c *CPU) linkKey() uint64 { return c.vm.codeEpoch.Load() + c.gens[0] }

// revive reports whether link l, whose key is not the current one, still
// leads to a valid block (its generation and the block's page
// generations hold), and then stamps it with key. Links with the current
// key need no check: the run loop compares keys inline.
func (c *CPU) revive(l *blockLink, key uint64) bool {
	if l.b == nil || l.ctx != c.gens[l.g&1] || !l.b.valid() {
		return false
	}
	l.key = key
	return true
}

// exitLink returns the link of side exit j (a conditional branch of b),
// nil when j is b's final instruction.
func (b *block) exitLink(j *inst) *blockLink {
	if j.imm2 == 0 {
		return nil
	}
	return &b.exits[j.imm2-1]
}

// valid reports whether none of the block's pages has been written since
// it was decoded.
func (b *block) valid() bool {
	if b.genp.Load() != b.gen {
		return false
	}
	return b.genp2 == nil || b.genp2.Load() == b.gen2
}

type jcEntry struct {
	lin uint64
	mmu int
	b   *block
	ctx uint64 // generation c.gens[g] when cached
	g   uint8
}

// blockCache is one vCPU's decoded code.
type blockCache struct {
	jc [jcSize]jcEntry
	// codeLin has a bit per linear page (hashed) where the jump cache or a
	// block link may point: INVLPG of a page outside it keeps them all.
	codeLin [codeLinWords]uint64
	byPA    map[uint64][]*block
	count   int
	insts   []inst // arena the blocks' instructions are carved from
	decBuf  [32]byte
}

// flushJumpCache forgets every remembered linear-to-block mapping (jump
// cache and block links); with keepGlobal, those reached through global
// pages stay, as global TLB entries do across a CR3 write.
func (c *CPU) flushJumpCache(keepGlobal bool) {
	c.gens[0]++
	if !keepGlobal {
		c.gens[1]++
		c.bc.codeLin = [len(c.bc.codeLin)]uint64{}
	}
}

// codeLinBit is the bit of blockCache.codeLin for linear page lin>>12.
func codeLinBit(lin uint64) (word int, bit uint64) {
	p := lin >> 12 & (64*codeLinWords - 1)
	return int(p / 64), 1 << (p % 64)
}

// noteCodeLin records that remembered mappings start on linear page lin.
func (c *CPU) noteCodeLin(lin uint64) {
	w, b := codeLinBit(lin)
	c.bc.codeLin[w] |= b
}

// mayHoldCode reports whether jump-cache entries or links may start on
// the linear page of la (false: certainly not).
func (c *CPU) mayHoldCode(la uint64) bool {
	w, b := codeLinBit(la)
	return c.bc.codeLin[w]&b != 0
}

// dropBlocks forgets every decoded block (the cache grew too large).
func (c *CPU) dropBlocks() {
	c.flushJumpCache(false)
	clear(c.bc.jc[:])
	c.bc.byPA = make(map[uint64][]*block)
	c.bc.count = 0
	c.bc.insts = nil
}

const maxCachedBlocks = 1 << 17

func jcIndex(lin uint64) uint64 { return (lin ^ lin>>jcBits) & (jcSize - 1) }

// findBlock returns the block for the current RIP. prev is the block that
// just ran (for its successor links), or nil; sel is the outcome of prev's
// final conditional branch when prev.jcc; xl is the link of the side exit
// prev left by, if it did.
func (c *CPU) findBlock(prev *block, sel uint64, xl *blockLink) *block {
	ip := c.rip
	if prev != nil {
		for i := range prev.links {
			l := &prev.links[i]
			if l.ip == ip && l.ctx == c.gens[l.g] && l.b != nil && l.b.valid() {
				return l.b
			}
		}
	}
	lin := c.sbase[segCS] + ip
	if c.mode != mode64 {
		lin &= 0xffffffff
	}
	e := &c.bc.jc[jcIndex(lin)]
	b := e.b
	if b == nil || e.lin != lin || e.ctx != c.gens[e.g] || e.mmu != c.tlb.mmu || b.ip != ip || b.mode != c.mode || !b.valid() {
		b = c.lookupBlock(lin, ip)
		if b.cached {
			// The translation lookupBlock used is in the execute TLB:
			// a global page keeps its mapping across CR3 writes.
			g := uint8(0)
			if te := &c.tlb.cx[(lin>>12)&tlbMask]; te.tag == lin>>12 && te.pa&tlbGlobal != 0 {
				g = 1
			}
			e.lin, e.mmu, e.b, e.g, e.ctx = lin, c.tlb.mmu, b, g, c.gens[g]
			c.noteCodeLin(lin)
			if b.page2 >= 0 {
				c.noteCodeLin(lin + 4096)
			}
		}
	}
	if prev != nil && b.cached {
		c.noteCodeLin(lin)
		if b.page2 >= 0 {
			c.noteCodeLin(lin + 4096)
		}
		var l *blockLink
		if xl != nil {
			l = xl
		} else if prev.jcc {
			l = &prev.links[sel&1]
		} else {
			l = &prev.links[prev.nextL%blockLinks]
			prev.nextL++
		}
		l.b, l.ip, l.g, l.ctx, l.key = b, ip, e.g, c.gens[e.g], c.linkKey()
	}
	return b
}

// fetchCheck raises #GP(0) if ip is outside the code segment.
func (c *CPU) fetchCheck(ip uint64) {
	if c.mode == mode64 {
		if !canonical(ip) {
			c.raiseCode(excGP, 0)
		}
		return
	}
	if ip > uint64(c.seg[segCS].Limit) {
		c.raiseCode(excGP, 0)
	}
}

// lookupBlock finds or decodes the block at lin (RIP ip).
func (c *CPU) lookupBlock(lin, ip uint64) *block {
	c.fetchCheck(ip)
	pa := c.translate(lin, accExec, c.tlb.mmu)
	list := c.bc.byPA[pa]
	kept := list[:0]
	for _, b := range list {
		if !b.valid() {
			c.bc.count--
			continue // stale: its page was written
		}
		kept = append(kept, b)
	}
	for i := len(kept); i < len(list); i++ {
		list[i] = nil
	}
	if len(kept) == 0 {
		delete(c.bc.byPA, pa)
	} else {
		c.bc.byPA[pa] = kept
	}
	for _, b := range kept {
		if b.ip == ip && b.lin == lin && b.mode == c.mode {
			return b
		}
	}
	return c.buildBlock(lin, ip, pa)
}

// buildBlock decodes a new block.
func (c *CPU) buildBlock(lin, ip, pa uint64) *block {
	vm := c.vm
	b := &block{ip: ip, lin: lin, pa: pa, mode: c.mode}
	r := vm.physRange(pa)
	var src, page []byte // page: the bytes of the block's page, when in RAM
	if r != nil && !c.apicHit(pa) {
		idx := r.page0 + int((pa-r.start)>>12)
		c.markCode(idx, pa&^0xfff)
		b.page, b.page2 = idx, -1
		b.genp = &vm.codeGen[idx]
		b.gen = b.genp.Load()
		b.cached = true
		off := pa - r.start
		end := (off | 0xfff) + 1
		src = r.host[off:end]
		page = r.host[off&^0xfff : end]
	} else {
		// Code outside RAM (MMIO): decode one instruction from bytes read
		// through the bus, and do not keep it.
		b.page, b.page2 = -1, -1
		var tmp [maxInstLen]byte
		for i := range tmp {
			if (pa+uint64(i))&0xfff == 0 && i > 0 {
				break
			}
			tmp[i] = byte(c.physRead(pa+uint64(i), 1))
		}
		n := int(4096 - pa&0xfff)
		if n > maxInstLen {
			n = maxInstLen
		}
		src = tmp[:n]
		b.genp = &vm.noGen
	}
	insts := c.allocInsts(maxBlock)
	exits := 0
	d := &c.dec
	d.mode = c.mode
	d.feat = c.feat
	n := 0
	limit := maxBlock
	if c.singleStep() {
		limit = 1
	}
	bf := &c.bfetch
	bf.c, bf.b, bf.lin = c, b, lin
	d.fetch = bf
	for n < limit {
		in := &insts[n]
		bf.start = len(src)
		d.buf = src
		bf.first = n == 0
		bf.crossed = false
		st := decode(d, in, ip)
		switch st {
		case decShort:
			if n == 0 {
				// Could not even fetch the first instruction.
				in.fn = hGP0
				in.len = 1
				in.ip, in.next = ip, ip+1
			} else {
				goto done
			}
		case decTooLong:
			in.fn = hGP0
			in.ip = ip
			in.pfx |= pfxTerm
		case decUD:
			in.fn = hUD
			in.ip = ip
			in.pfx |= pfxTerm
		}
		if c.mode != mode64 {
			// The whole instruction must lie inside CS.
			if in.next-1 > uint64(c.seg[segCS].Limit) && st == decOK {
				in.fn = hGP0
				in.pfx |= pfxTerm
				st = decTooLong
			}
			in.next &= c.ipMask()
		}
		if st == decOK {
			in.kind = fastKind(in, c.mode)
		}
		n++
		if bf.crossed {
			break
		}
		if in.pfx&pfxTerm != 0 {
			if in.kind == kJmp && page != nil && n < limit && in.imm > in.ip && in.imm>>12 == b.ip>>12 {
				// A forward jump within the page: the block goes on at
				// its target, and the jump does nothing more (unless the
				// block ends right after it; see below).
				in.kind = kNop
				src = page[in.imm&0xfff:]
				ip = in.imm
				continue
			}
			// Only forward branches become side exits: a backward one
			// usually closes a loop, taken nearly every time, and ends the
			// block with its two successors in fixed slots.
			if in.kind < kJcc0 || in.kind >= kJcc0+16 || in.imm <= in.ip || exits == maxExits || n == limit {
				break
			}
			exits++
			in.imm2 = uint16(exits) // a side exit, unless the block ends after it
		}
		src = src[in.len:]
		ip = in.next
		if len(src) == 0 {
			break
		}
	}
done:
	d.fetch = nil
	bf.b = nil
	d.buf = nil
	b.insts = insts[:n:n]
	if last := &b.insts[n-1]; last.kind == kNop && (last.op == 0xe9 || last.op == 0xeb) {
		last.kind = kJmp // a followed jump the block ends with after all
	}
	b.endIP = b.insts[n-1].next
	if last := &b.insts[n-1]; last.kind >= kJcc0 && last.kind < kJcc0+16 && last.imm2 != 0 {
		last.imm2 = 0 // the final branch, not a side exit
		exits--
	}
	if exits > 0 {
		b.exits = make([]blockLink, exits)
	}
	if k := b.insts[n-1].kind; k >= kJcc0 && k < kJcc0+16 {
		b.jcc = true
	}
	flagLiveness(b.insts)
	b.plainN = len(b.insts)
	for i := range b.insts {
		if !plainInst(&b.insts[i]) {
			b.plainN = i
			break
		}
	}
	fuseBranch(b.insts)
	c.bc.insts = c.bc.insts[n:]
	if b.cached {
		if c.bc.count >= maxCachedBlocks {
			c.dropBlocks()
		}
		c.bc.byPA[pa] = append(c.bc.byPA[pa], b)
		c.bc.count++
	}
	return b
}

// blockFetch supplies the decoder with the bytes of an instruction that
// runs into the next page (only a block's first instruction may).
type blockFetch struct {
	c       *CPU
	b       *block
	lin     uint64 // linear address of the block
	start   int    // bytes left in the page when the instruction began
	first   bool   // decoding the block's first instruction
	crossed bool   // the instruction crossed into the next page
}

// more appends the next page's bytes to d.buf; false if the instruction
// may not cross (not the block's first, or already crossed).
func (f *blockFetch) more(d *decoder) bool {
	if !f.first || f.crossed {
		return false
	}
	c, b := f.c, f.b
	vm := c.vm
	nlin := f.lin + uint64(f.start)
	if c.mode != mode64 {
		nlin &= 0xffffffff
	}
	pa2 := c.translate(nlin, accExec, c.tlb.mmu)
	buf := append(c.bc.decBuf[:0], d.buf...)
	r2 := vm.physRange(pa2)
	for i := uint64(0); len(buf) < maxInstLen; i++ {
		if r2 != nil && !c.apicHit(pa2) {
			buf = append(buf, r2.host[pa2-r2.start+i])
		} else {
			buf = append(buf, byte(c.physRead(pa2+i, 1)))
		}
	}
	d.buf = buf
	if r2 != nil && b.cached {
		idx2 := r2.page0 + int((pa2-r2.start)>>12)
		c.markCode(idx2, pa2&^0xfff)
		b.page2 = idx2
		b.genp2 = &vm.codeGen[idx2]
		b.gen2 = b.genp2.Load()
	} else {
		b.cached = false
	}
	f.crossed = true
	return true
}

// allocInsts returns room for n instructions from the arena.
func (c *CPU) allocInsts(n int) []inst {
	if len(c.bc.insts) < n {
		c.bc.insts = make([]inst, 16384)
	}
	return c.bc.insts[:n:n]
}

// markCode records that page idx (physical address pa) holds decoded code.
func (c *CPU) markCode(idx int, pa uint64) {
	vm := c.vm
	if vm.isCode(idx) {
		return
	}
	vm.setCode(idx)
	c.flushWritesTo(pa)
	vm.requestWriteFlush(c.v)
}

// invalidateCode drops the decoded code of page idx after a write to it.
func (c *CPU) invalidateCode(idx int, pa uint64) {
	vm := c.vm
	vm.clearCode(idx)
	vm.codeGen[idx].Add(1)
	vm.codeEpoch.Add(1)
	if b := c.curBlk; b != nil && (b.page == idx || b.page2 == idx) {
		c.smcStop = true
	}
}

// singleStep reports whether blocks must hold one instruction (TF, an
// interrupt shadow, or instruction breakpoints).
func (c *CPU) singleStep() bool {
	return c.flags&flagTF != 0 || c.shadow || c.bpActive
}

// hUD raises #UD.
func hUD(c *CPU, in *inst) bool {
	c.vm.logUD(c, in)
	c.raise(excUD)
	return true
}

// hGP0 raises #GP(0).
func hGP0(c *CPU, in *inst) bool {
	c.raiseCode(excGP, 0)
	return true
}

// unwound records the fault r that unwound execBlocks in c.pend, with RIP
// and the instruction count at the faulting instruction (after it for a
// trap); any other panic goes on.
func (c *CPU) unwound(r any) {
	f, ok := r.(*fault)
	if !ok {
		panic(r)
	}
	if b := c.curBlk; b != nil && c.curIdx >= 0 {
		c.icount += uint64(c.curIdx)
		if !f.trap {
			c.rip = b.insts[c.curIdx].ip
		} else {
			c.icount++
		}
	}
	c.curBlk, c.curIdx = nil, -1
	c.smcStop = false
	c.pend = *f
	c.hasPend = true
}

// execBlocks runs blocks until an event is pending or the instruction
// budget is spent. A fault unwinds here; it is recorded in c.pend for the
// caller to deliver.
//
// Keep it below the compiler's "big function" size (5000 syntax nodes):
// above it, only the tiniest helpers are inlined into it and every fast
// path gets slower. "go build -gcflags=-m=2 ./accel/interp 2>&1 | grep big"
// must print nothing (TestRunLoopNotBig checks); the fast paths use small
// helpers (lin, lazy, condProg) partly to stay below.
func (c *CPU) execBlocks(stopAt uint64) {
	// The faulting instruction is found through c.curIdx (stored before
	// each instruction runs) rather than a loop index the deferred
	// function would capture: a captured index lives in memory and every
	// iteration would wait on its store.
	c.curBlk, c.curIdx = nil, -1
	defer func() {
		if r := recover(); r != nil {
			c.unwound(r)
		}
	}()
	ev := &c.v.events
	ce := &c.vm.codeEpoch
	var prev *block
	// sel is the outcome of prev's final conditional branch (1: taken),
	// 0 for other blocks.
	var sel uint64
	// xl is the link of the side exit prev left by, nil if none.
	var xl *blockLink
	// quick: the block that just ran was plain, so interrupt delivery,
	// single-stepping and the other per-block conditions are as the last
	// full check left them; only events from outside (ev) and the
	// instruction budget can have changed.
	quick := false
	for c.icount < stopAt && ev.Load() == 0 {
		if !quick && c.irqCheck() {
			c.curBlk, c.curIdx = nil, -1
			return
		}
		// A fault while finding the block is not an instruction's: the
		// slow paths set curIdx to -1 first. (Elsewhere a stale curIdx is
		// never looked at: every instruction that may fault or read the
		// clock sets it before.)
		var b *block
		key := ce.Load() + c.gens[0] // c.linkKey()
		if prev == nil {
			c.curIdx = -1
			b = c.findBlock(nil, 0, nil)
		} else if l := xl; l != nil {
			// prev left by a side exit.
			if l.ip == c.rip && (l.key == key && l.b != nil || c.revive(l, key)) {
				b = l.b
			} else {
				c.curIdx = -1
				b = c.findBlock(prev, 0, l)
			}
		} else if l := &prev.links[sel&1]; l.ip == c.rip && (l.key == key && l.b != nil || c.revive(l, key)) {
			// A loop, a straight-line successor, or the successor the
			// final branch chose.
			b = l.b
		} else if l := &prev.links[sel&1^1]; !prev.jcc && l.ip == c.rip && (l.key == key && l.b != nil || c.revive(l, key)) {
			b = l.b // a return or indirect jump's other remembered target
		} else {
			c.curIdx = -1
			b = c.findBlock(prev, sel, nil)
		}
		sel, xl = 0, nil
		c.curBlk = b
		if !quick && (c.singleStep() || c.flags&flagRF != 0) {
			// RF (set by IRET after a fault) lasts for one instruction.
			c.curIdx = 0
			c.stepOne(b)
			prev = nil
			continue
		}
		insts := b.insts
		n := len(insts)
		for i := 0; i < len(insts); i++ {
			in := &insts[i]
			// Cases that may fault record which instruction runs
			// (c.curIdx) before they touch memory or call a handler.
			switch in.kind {
			case kGeneric:
				c.curIdx = i
				if in.fn(c, in) {
					n = i + 1
					goto ended
				}
			case kMovRR64:
				c.R[in.r1] = c.R[in.r2]
			case kMovRR32:
				c.R[in.r1] = c.R[in.r2] & 0xffffffff
			case kMovRI64:
				c.R[in.r1] = in.imm
			case kMovRI32:
				c.R[in.r1] = in.imm & 0xffffffff
			case kAddRR64:
				a, b := c.R[in.r1], c.R[in.r2]
				r := a + b
				if !in.nf {
					c.lazy(fopAdd, 0, a, b, r)
				}
				c.R[in.r1] = r
			case kAddRR32:
				a, b := c.R[in.r1], c.R[in.r2]
				r := a + b
				if !in.nf {
					c.lazy(fopAdd, 32, a, b, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kSubRR64:
				a, b := c.R[in.r1], c.R[in.r2]
				r := a - b
				if !in.nf {
					c.lazy(fopSub, 0, a, b, r)
				}
				c.R[in.r1] = r
			case kSubRR32:
				a, b := c.R[in.r1], c.R[in.r2]
				r := a - b
				if !in.nf {
					c.lazy(fopSub, 32, a, b, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kCmpRR64:
				a, b := c.R[in.r1], c.R[in.r2]
				if !in.nf {
					c.lazy(fopSub, 0, a, b, a-b)
				}
			case kCmpRR32:
				a, b := c.R[in.r1], c.R[in.r2]
				if !in.nf {
					c.lazy(fopSub, 32, a, b, a-b)
				}
			case kAndRR64:
				r := c.R[in.r1] & c.R[in.r2]
				if !in.nf {
					c.lazyLogic(0, r)
				}
				c.R[in.r1] = r
			case kAndRR32:
				r := c.R[in.r1] & c.R[in.r2]
				if !in.nf {
					c.lazyLogic(32, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kOrRR64:
				r := c.R[in.r1] | c.R[in.r2]
				if !in.nf {
					c.lazyLogic(0, r)
				}
				c.R[in.r1] = r
			case kOrRR32:
				r := c.R[in.r1] | c.R[in.r2]
				if !in.nf {
					c.lazyLogic(32, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kXorRR64:
				r := c.R[in.r1] ^ c.R[in.r2]
				if !in.nf {
					c.lazyLogic(0, r)
				}
				c.R[in.r1] = r
			case kXorRR32:
				r := c.R[in.r1] ^ c.R[in.r2]
				if !in.nf {
					c.lazyLogic(32, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kAdcRR64:
				c.curIdx = i
				c.R[in.r1] = c.adc(c.R[in.r1], c.R[in.r2], 8)
			case kTestRR64:
				if !in.nf {
					c.lazyLogic(0, c.R[in.r1]&c.R[in.r2])
				}
			case kTestRR32:
				if !in.nf {
					c.lazyLogic(32, c.R[in.r1]&c.R[in.r2])
				}
			case kAddRI64:
				a, b := c.R[in.r1], in.imm
				r := a + b
				if !in.nf {
					c.lazy(fopAdd, 0, a, b, r)
				}
				c.R[in.r1] = r
			case kAddRI32:
				a, b := c.R[in.r1], in.imm
				r := a + b
				if !in.nf {
					c.lazy(fopAdd, 32, a, b, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kSubRI64:
				a, b := c.R[in.r1], in.imm
				r := a - b
				if !in.nf {
					c.lazy(fopSub, 0, a, b, r)
				}
				c.R[in.r1] = r
			case kSubRI32:
				a, b := c.R[in.r1], in.imm
				r := a - b
				if !in.nf {
					c.lazy(fopSub, 32, a, b, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kCmpRI64:
				a, b := c.R[in.r1], in.imm
				if !in.nf {
					c.lazy(fopSub, 0, a, b, a-b)
				}
			case kCmpRI32:
				a, b := c.R[in.r1], in.imm
				if !in.nf {
					c.lazy(fopSub, 32, a, b, a-b)
				}
			case kAndRI64:
				r := c.R[in.r1] & in.imm
				if !in.nf {
					c.lazyLogic(0, r)
				}
				c.R[in.r1] = r
			case kAndRI32:
				r := c.R[in.r1] & in.imm
				if !in.nf {
					c.lazyLogic(32, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kOrRI64:
				r := c.R[in.r1] | in.imm
				if !in.nf {
					c.lazyLogic(0, r)
				}
				c.R[in.r1] = r
			case kOrRI32:
				r := c.R[in.r1] | in.imm
				if !in.nf {
					c.lazyLogic(32, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kXorRI64:
				r := c.R[in.r1] ^ in.imm
				if !in.nf {
					c.lazyLogic(0, r)
				}
				c.R[in.r1] = r
			case kXorRI32:
				r := c.R[in.r1] ^ in.imm
				if !in.nf {
					c.lazyLogic(32, r)
				}
				c.R[in.r1] = r & 0xffffffff
			case kShlRI64:
				if n := in.imm & 63; n != 0 {
					a := c.R[in.r1]
					r := a << n
					if !in.nf {
						c.lazy(fopShl, 0, a, n, r)
					}
					c.R[in.r1] = r
				}
			case kShlRI32:
				a := c.R[in.r1]
				if n := in.imm & 31; n != 0 {
					r := a << n
					if !in.nf {
						c.lazy(fopShl, 32, a, n, r)
					}
					a = r
				}
				c.R[in.r1] = a & 0xffffffff
			case kShrRI64:
				if n := in.imm & 63; n != 0 {
					a := c.R[in.r1]
					r := a >> n
					if !in.nf {
						c.lazy(fopShr, 0, a, n, r)
					}
					c.R[in.r1] = r
				}
			case kShrRI32:
				a := c.R[in.r1] & 0xffffffff
				if n := in.imm & 31; n != 0 {
					r := a >> n
					if !in.nf {
						c.lazy(fopShr, 32, a, n, r)
					}
					a = r
				}
				c.R[in.r1] = a
			case kSarRI64:
				if n := in.imm & 63; n != 0 {
					a := c.R[in.r1]
					r := uint64(int64(a) >> n)
					if !in.nf {
						c.lazy(fopSar, 0, a, n, r)
					}
					c.R[in.r1] = r
				}
			case kSarRI32:
				a := c.R[in.r1]
				if n := in.imm & 31; n != 0 {
					r := uint64(int64(int32(a)) >> n)
					if !in.nf {
						c.lazy(fopSar, 32, a, n, r)
					}
					a = r
				}
				c.R[in.r1] = a & 0xffffffff
			case kRolRI64:
				if n := in.imm & 63; n != 0 {
					r := bits.RotateLeft64(c.R[in.r1], int(n))
					if in.nf {
						c.R[in.r1] = r
						break
					}
					if c.fop != fopRaw {
						c.flags = c.flags&^flagsArith | c.arith()
						c.fop = fopRaw
					}
					f := c.flags&^(flagCF|flagOF) | r&1
					if (r>>63^r)&1 != 0 {
						f |= flagOF
					}
					c.flags = f
					c.R[in.r1] = r
				}
			case kRolRI32:
				r := c.R[in.r1] & 0xffffffff
				if n := in.imm & 31; n != 0 {
					r = uint64(bits.RotateLeft32(uint32(r), int(n)))
					if in.nf {
						c.R[in.r1] = r
						break
					}
					if c.fop != fopRaw {
						c.flags = c.flags&^flagsArith | c.arith()
						c.fop = fopRaw
					}
					f := c.flags&^(flagCF|flagOF) | r&1
					if (r>>31^r)&1 != 0 {
						f |= flagOF
					}
					c.flags = f
				}
				c.R[in.r1] = r
			case kRorRI64:
				if n := in.imm & 63; n != 0 {
					r := bits.RotateLeft64(c.R[in.r1], -int(n))
					if in.nf {
						c.R[in.r1] = r
						break
					}
					if c.fop != fopRaw {
						c.flags = c.flags&^flagsArith | c.arith()
						c.fop = fopRaw
					}
					f := c.flags&^(flagCF|flagOF) | r>>63
					if (r>>63^r>>62)&1 != 0 {
						f |= flagOF
					}
					c.flags = f
					c.R[in.r1] = r
				}
			case kRorRI32:
				r := c.R[in.r1] & 0xffffffff
				if n := in.imm & 31; n != 0 {
					r = uint64(bits.RotateLeft32(uint32(r), -int(n)))
					if in.nf {
						c.R[in.r1] = r
						break
					}
					if c.fop != fopRaw {
						c.flags = c.flags&^flagsArith | c.arith()
						c.fop = fopRaw
					}
					f := c.flags&^(flagCF|flagOF) | r>>31
					if (r>>31^r>>30)&1 != 0 {
						f |= flagOF
					}
					c.flags = f
				}
				c.R[in.r1] = r
			case kImulRR64:
				hi, lo := mulSigned64(c.R[in.r1], c.R[in.r2])
				ovf := uint64(0)
				if hi != uint64(int64(lo)>>63) {
					ovf = 1
				}
				if !in.nf {
					c.lazy(fopMul, 0, ovf, 0, lo)
				}
				c.R[in.r1] = lo
			case kImulRR32:
				r := int64(int32(c.R[in.r1])) * int64(int32(c.R[in.r2]))
				ovf := uint64(0)
				if r != int64(int32(r)) {
					ovf = 1
				}
				if !in.nf {
					c.lazy(fopMul, 32, ovf, 0, uint64(r))
				}
				c.R[in.r1] = uint64(r) & 0xffffffff
			case kIncR64, kIncR32, kDecR64, kDecR32:
				if in.nf {
					d := uint64(1)
					if in.kind >= kDecR64 {
						d = ^uint64(0)
					}
					r := c.R[in.r1] + d
					if in.kind == kIncR32 || in.kind == kDecR32 {
						r &= 0xffffffff
					}
					c.R[in.r1] = r
					break
				}
				// INC and DEC keep CF: the lazy state records it.
				var cf uint64
				switch c.fop {
				case fopLogic:
				case fopRaw:
					cf = c.flags & flagCF
				case fopSub:
					if c.fa<<(c.fsh&63) < c.fb<<(c.fsh&63) {
						cf = 1
					}
				default:
					cf = c.cfBit()
				}
				a := c.R[in.r1]
				r, op := a+1, uint8(fopInc)
				if in.kind >= kDecR64 {
					r, op = a-1, fopDec
				}
				sh := uint8(0)
				if in.kind == kIncR32 || in.kind == kDecR32 {
					sh = 32
					c.R[in.r1] = r & 0xffffffff
				} else {
					c.R[in.r1] = r
				}
				if !in.nf {
					c.lazy(op, sh, a, cf, r)
				}
			case kMovsxdRR:
				c.R[in.r1] = uint64(int64(int32(c.R[in.r2])))
			case kMovzxRR8:
				c.R[in.r1] = c.R[in.r2] & 0xff
			case kLea32:
				c.R[in.r1] = (c.R[in.base] + c.R[in.index]<<(in.scale&3) + in.disp) & 0xffffffff
			case kTestMI8:
				c.curIdx = i
				la := c.lin(in)
				var v uint64
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 {
					v = uint64(e.page[la&0xfff])
				} else {
					v = c.read(in.seg, c.ea(in), 1)
				}
				c.lazyLogic(56, v&in.imm)
			case kCmpMI8:
				c.curIdx = i
				la := c.lin(in)
				var a uint64
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 {
					a = uint64(e.page[la&0xfff])
				} else {
					a = c.read(in.seg, c.ea(in), 1)
				}
				c.lazy(fopSub, 56, a, in.imm, a-in.imm)
			case kCmpMI64, kCmpMI32:
				c.curIdx = i
				b := in.imm
				if in.kind == kCmpMI64 {
					a := c.read(in.seg, c.ea(in), 8)
					c.lazy(fopSub, 0, a, b, a-b)
				} else {
					a := c.read(in.seg, c.ea(in), 4)
					c.lazy(fopSub, 32, a, b, a-b)
				}
			case kCmpMR64:
				c.curIdx = i
				a := c.read(in.seg, c.ea(in), 8)
				b := c.R[in.r1]
				c.lazy(fopSub, 0, a, b, a-b)
			case kMovsxdRM:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-4 {
					c.R[in.r1] = uint64(int64(int32(binary.LittleEndian.Uint32(e.page[la&0xfff:]))))
				} else {
					c.R[in.r1] = uint64(int64(int32(c.read(in.seg, c.ea(in), 4))))
				}
			case kMovMR8:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cw[(la>>12)&tlbMask]; e.tag == la>>12 {
					e.page[la&0xfff] = uint8(c.R[in.r1])
				} else if hMov8MR(c, in) {
					n = i + 1
					goto ended
				}
			case kMovMR16:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cw[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-2 {
					binary.LittleEndian.PutUint16(e.page[la&0xfff:], uint16(c.R[in.r1]))
				} else if hMovMR(c, in) {
					n = i + 1
					goto ended
				}
			case kLea64:
				c.R[in.r1] = c.R[in.base] + c.R[in.index]<<(in.scale&3) + in.disp
			case kMovRM64:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-8 {
					c.R[in.r1] = binary.LittleEndian.Uint64(e.page[la&0xfff:])
				} else {
					c.R[in.r1] = c.read(in.seg, c.ea(in), 8)
				}
			case kMovRM32:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-4 {
					c.R[in.r1] = uint64(binary.LittleEndian.Uint32(e.page[la&0xfff:]))
				} else {
					c.R[in.r1] = c.read(in.seg, c.ea(in), 4)
				}
			case kMovzxRM8:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 {
					c.R[in.r1] = uint64(e.page[la&0xfff])
				} else {
					c.R[in.r1] = c.read(in.seg, c.ea(in), 1)
				}
			case kMovMR64:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cw[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-8 {
					binary.LittleEndian.PutUint64(e.page[la&0xfff:], c.R[in.r1])
				} else if hMovMR(c, in) {
					n = i + 1
					goto ended
				}
			case kMovMR32:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cw[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-4 {
					binary.LittleEndian.PutUint32(e.page[la&0xfff:], uint32(c.R[in.r1]))
				} else if hMovMR(c, in) {
					n = i + 1
					goto ended
				}
			case kCmpRM64:
				c.curIdx = i
				b := c.read(in.seg, c.ea(in), 8)
				a := c.R[in.r1]
				c.lazy(fopSub, 0, a, b, a-b)
			case kAddRM64:
				c.curIdx = i
				b := c.read(in.seg, c.ea(in), 8)
				a := c.R[in.r1]
				r := a + b
				c.lazy(fopAdd, 0, a, b, r)
				c.R[in.r1] = r
			case kXorRM64, kXorRM32:
				c.curIdx = i
				la := c.lin(in)
				var v uint64
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-8 {
					v = binary.LittleEndian.Uint64(e.page[la&0xfff:])
				} else {
					v = c.read(in.seg, c.ea(in), in.size)
				}
				if in.kind == kXorRM32 {
					r := (c.R[in.r1] ^ v) & 0xffffffff
					c.lazyLogic(32, r)
					c.R[in.r1] = r
				} else {
					r := c.R[in.r1] ^ v
					c.lazyLogic(0, r)
					c.R[in.r1] = r
				}
			case kPush64:
				c.curIdx = i
				v := c.R[in.r1]
				sp := c.R[4] - 8
				la := sp + c.sbase[segSS]
				if e := &c.tlb.cw[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-8 {
					binary.LittleEndian.PutUint64(e.page[la&0xfff:], v)
					c.R[4] = sp
				} else if hPushR(c, in) {
					n = i + 1
					goto ended
				}
			case kPop64:
				c.curIdx = i
				sp := c.R[4]
				la := sp + c.sbase[segSS]
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-8 {
					c.R[in.r1] = binary.LittleEndian.Uint64(e.page[la&0xfff:])
					c.R[4] = sp + 8
				} else {
					hPopR(c, in)
				}
			case kJcc0, kJcc0 + 1, kJcc0 + 2, kJcc0 + 3, kJcc0 + 4, kJcc0 + 5, kJcc0 + 6, kJcc0 + 7,
				kJcc0 + 8, kJcc0 + 9, kJcc0 + 10, kJcc0 + 11, kJcc0 + 12, kJcc0 + 13, kJcc0 + 14, kJcc0 + 15:
				// jccTaken, inline.
				var t uint64
				sh, cc := c.fsh&63, in.sub
				switch {
				case cc&14 == 4 && c.fop != fopRaw: // JZ, JNZ: ZF from any result
					t = b2u(c.fr<<sh == 0) ^ uint64(cc&1)
				case c.fop == fopSub && cc&14 != 10:
					t = subCond(cc, c.fa<<sh, c.fb<<sh)
				case c.fop == fopLogic && cc&14 != 10:
					t = logicCond(cc, c.fr<<sh)
				default:
					t = b2u(c.jccTaken(cc))
				}
				if t != 0 {
					c.rip, n, sel, xl = in.imm, i+1, 1, b.exitLink(in)
					goto ended
				}
				// Not taken: the block goes on (or ends after its last
				// instruction).
			case kNotR64:
				c.R[in.r1] = ^c.R[in.r1]
			case kNotR32:
				c.R[in.r1] = ^c.R[in.r1] & 0xffffffff
			case kShrRI16:
				a := c.R[in.r1] & 0xffff
				if n := in.imm & 31; n != 0 {
					r := a >> n
					if !in.nf {
						c.lazy(fopShr, 48, a, n, r)
					}
					c.R[in.r1] = c.R[in.r1]&^0xffff | r
				}
			case kCmpRR64J, kCmpRR32J, kCmpRI64J, kCmpRI32J:
				a, v := c.R[in.r1], c.R[in.r2]
				sh := uint8(0)
				if in.kind == kCmpRR32J || in.kind == kCmpRI32J {
					sh = 32
				}
				if in.kind >= kCmpRI64J {
					v = in.imm
				}
				c.lazy(fopSub, sh, a, v, a-v)
				if j := &insts[i+1]; condProg(j.modrm, a<<sh, v<<sh) != 0 {
					c.rip, n, sel, xl = j.imm, i+2, 1, b.exitLink(j)
					goto ended
				}
				i++ // not taken: on past the branch
			case kSubRR64J, kSubRR32J, kSubRI64J, kSubRI32J:
				a, v := c.R[in.r1], c.R[in.r2]
				if in.kind >= kSubRI64J {
					v = in.imm
				}
				r := a - v
				sh := uint8(0)
				if in.kind == kSubRR32J || in.kind == kSubRI32J {
					sh = 32
					c.R[in.r1] = r & 0xffffffff
				} else {
					c.R[in.r1] = r
				}
				c.lazy(fopSub, sh, a, v, r)
				if j := &insts[i+1]; condProg(j.modrm, a<<sh, v<<sh) != 0 {
					c.rip, n, sel, xl = j.imm, i+2, 1, b.exitLink(j)
					goto ended
				}
				i++ // not taken: on past the branch
			case kTestRR64J, kTestRR32J:
				r := c.R[in.r1] & c.R[in.r2]
				sh := uint8(0)
				if in.kind == kTestRR32J {
					sh = 32
				}
				c.lazyLogic(sh, r)
				if j := &insts[i+1]; condProg(j.modrm, r<<sh, 0) != 0 {
					c.rip, n, sel, xl = j.imm, i+2, 1, b.exitLink(j)
					goto ended
				}
				i++ // not taken: on past the branch
			case kCmov64:
				if c.cond(in.sub) {
					c.R[in.r1] = c.R[in.r2]
				}
			case kCmov32:
				if c.cond(in.sub) {
					c.R[in.r1] = c.R[in.r2] & 0xffffffff
				} else {
					c.R[in.r1] &= 0xffffffff
				}
			case kSetccR:
				c.R[in.r1] = c.R[in.r1]&^0xff | b2u(c.cond(in.sub))
			case kTestRR8:
				if !in.nf {
					c.lazyLogic(56, c.R[in.r1]&c.R[in.r2]&0xff)
				}
			case kCmpRI8:
				if !in.nf {
					a, b := c.R[in.r1]&0xff, in.imm
					c.lazy(fopSub, 56, a, b, a-b)
				}
			case kNop:
			case kMovzxRR16:
				c.R[in.r1] = c.R[in.r2] & 0xffff
			case kMovzxRM16:
				c.curIdx = i
				la := c.lin(in)
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-2 {
					c.R[in.r1] = uint64(binary.LittleEndian.Uint16(e.page[la&0xfff:]))
				} else {
					c.R[in.r1] = c.read(in.seg, c.ea(in), 2)
				}
			case kRet64:
				c.curIdx = i
				sp := c.R[4]
				la := sp + c.sbase[segSS]
				if e := &c.tlb.cr[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-8 {
					if t := binary.LittleEndian.Uint64(e.page[la&0xfff:]); canonical(t) {
						c.rip = t
						c.R[4] = sp + 8
						n = i + 1
						goto ended
					}
				}
				hRet(c, in)
				n = i + 1
				goto ended
			case kCallRel64:
				c.curIdx = i
				sp := c.R[4] - 8
				la := sp + c.sbase[segSS]
				if e := &c.tlb.cw[(la>>12)&tlbMask]; e.tag == la>>12 && la&0xfff <= 4096-8 {
					binary.LittleEndian.PutUint64(e.page[la&0xfff:], in.next)
					c.R[4] = sp
					c.rip = in.imm
				} else {
					hCallRel(c, in)
				}
				n = i + 1
				goto ended
			case kJmp:
				c.rip = in.imm
				n = i + 1
				goto ended
			}
		}
		c.rip = b.endIP
	ended:
		c.icount += uint64(n)
		if c.smcStop {
			c.smcStop = false
			prev = nil
			quick = false
		} else {
			prev = b
			quick = n <= b.plainN
		}
	}
	c.curBlk, c.curIdx = nil, -1
}

// stepOne executes the first instruction of b alone, with the debug checks
// (instruction breakpoints before; single-step and data breakpoint traps
// after).
func (c *CPU) stepOne(b *block) {
	in := &b.insts[0]
	if c.dbHits != 0 && !c.ssShadow {
		// Data breakpoints hit while delivering an event: the trap comes
		// before the handler's first instruction.
		c.dr6 = c.dr6&^0xf | c.dbHits
		c.dbHits = 0
		c.curIdx = -1
		c.flt = fault{vector: excDB, trap: true}
		panic(&c.flt)
	}
	if c.bpActive && c.flags&flagRF == 0 {
		if hit := c.execBreakpoints(in.ip); hit != 0 {
			c.dr6 = c.dr6&^0xf | hit
			c.flt = fault{vector: excDB}
			panic(&c.flt)
		}
	}
	tf := c.flags&flagTF != 0
	shadow := c.shadow
	c.shadow, c.ssShadow = false, false
	if !in.fn(c, in) {
		c.rip = in.next
	}
	c.icount++
	c.flags &^= flagRF
	if shadow {
		// The shadow covers one instruction; STI or MOV SS right after
		// does not extend it.
		c.shadow, c.ssShadow = false, false
	}
	// MOV SS and POP SS hold the single-step and data breakpoint traps
	// until the next instruction has run (SDM vol. 3A, 6.8.3); that one's
	// trap, taken since TF was set when it began, reports both.
	if (tf || c.dbHits != 0) && !c.ssShadow {
		if tf {
			c.dr6 |= 1 << 14 // BS
		}
		if c.dbHits != 0 {
			c.dr6 = c.dr6&^0xf | c.dbHits
			c.dbHits = 0
		}
		c.flt = fault{vector: excDB, trap: true}
		panic(&c.flt)
	}
}
