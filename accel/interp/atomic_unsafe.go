package interp

import (
	"sync/atomic"
	"unsafe"
)

// Atomic access to guest RAM, for LOCK-prefixed instructions, XCHG with
// memory and accessed/dirty updates in paging entries, which other vCPUs
// (and the page walker) may touch concurrently.

// atomicOr64 ORs bits into the 8-byte little-endian word at b[o:].
func atomicOr64(b []byte, o uint64, bits uint64) {
	if o&7 != 0 || o+8 > uint64(len(b)) {
		return
	}
	// unsafe: o is 8-aligned and b[o:o+8] is in bounds (checked above);
	// b is guest RAM from mmap or the Go heap and outlives the call.
	p := (*uint64)(unsafe.Pointer(&b[o]))
	atomic.OrUint64(p, bits)
}

// atomicOr32 ORs bits into the 4-byte word at b[o:].
func atomicOr32(b []byte, o uint64, bits uint32) {
	if o&3 != 0 || o+4 > uint64(len(b)) {
		return
	}
	// unsafe: o is 4-aligned and in bounds; see atomicOr64.
	p := (*uint32)(unsafe.Pointer(&b[o]))
	atomic.OrUint32(p, bits)
}

// atomicRMW performs an atomic read-modify-write of the instruction's memory
// operand: f maps the old value (in.size bytes, zero-extended) to the new
// one, and may be called more than once. It returns the old value. Aligned
// operands in RAM use compare-and-swap on host memory; anything else
// (crossing a word or page, MMIO, pages holding code) runs under the VM's
// lock for split accesses.
func (c *CPU) atomicRMW(in *inst, f func(uint64) uint64) uint64 {
	off := c.ea(in)
	size := in.size
	la := c.linW(in.seg, off, size)
	e := &c.tlb.cw[(la>>12)&tlbMask]
	if e.tag != la>>12 {
		c.probeWrite(in.seg, la, size)
	}
	o := la & 0xfff
	if e.tag == la>>12 && o+uint64(size) <= 4096 {
		p := e.page
		m := sizeMask(size)
		switch {
		case size == 8 && o&7 == 0:
			// unsafe: o is 8-aligned inside a 4 KiB page of guest RAM.
			w := (*uint64)(unsafe.Pointer(&p[o]))
			for {
				old := atomic.LoadUint64(w)
				if atomic.CompareAndSwapUint64(w, old, f(old)) {
					return old
				}
			}
		case o&^3 == (o+uint64(size)-1)&^3:
			// Inside one aligned 32-bit word: CAS on the word.
			// unsafe: o&^3 is 4-aligned inside the page.
			w := (*uint32)(unsafe.Pointer(&p[o&^3]))
			sh := (o & 3) * 8
			for {
				oldw := atomic.LoadUint32(w)
				old := uint64(oldw) >> sh & m
				nv := f(old) & m
				neww := oldw&^uint32(m<<sh) | uint32(nv<<sh)
				if atomic.CompareAndSwapUint32(w, oldw, neww) {
					return old
				}
			}
		}
	}
	c.vm.lockMu.Lock()
	defer c.vm.lockMu.Unlock()
	old := c.rmwLoad(in.seg, off, size)
	c.rmwStore(f(old) & sizeMask(size))
	return old
}

// atomicXchg swaps the memory operand with v and returns the old value.
func (c *CPU) atomicXchg(in *inst, v uint64) uint64 {
	return c.atomicRMW(in, func(uint64) uint64 { return v })
}
