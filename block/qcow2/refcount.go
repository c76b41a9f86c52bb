package qcow2

import (
	"encoding/binary"
	"fmt"
	"sort"

	"gemu/block"
)

// rcBlock is a cached refcount block.
type rcBlock struct {
	off   uint64
	b     []byte
	dirty bool
}

// getRef reads entry i of a refcount block of width 1<<order bits.
func getRef(b []byte, i uint64, order uint32) uint64 {
	switch order {
	case 0, 1, 2:
		bits := uint64(1) << order
		bit := i * bits
		return uint64(b[bit/8]>>(bit%8)) & (1<<bits - 1)
	case 3:
		return uint64(b[i])
	case 4:
		return uint64(binary.BigEndian.Uint16(b[2*i:]))
	case 5:
		return uint64(binary.BigEndian.Uint32(b[4*i:]))
	default:
		return binary.BigEndian.Uint64(b[8*i:])
	}
}

func setRef(b []byte, i uint64, order uint32, v uint64) {
	switch order {
	case 0, 1, 2:
		bits := uint64(1) << order
		bit := i * bits
		mask := byte(1<<bits-1) << (bit % 8)
		b[bit/8] = b[bit/8]&^mask | byte(v<<(bit%8))&mask
	case 3:
		b[i] = byte(v)
	case 4:
		binary.BigEndian.PutUint16(b[2*i:], uint16(v))
	case 5:
		binary.BigEndian.PutUint32(b[4*i:], uint32(v))
	default:
		binary.BigEndian.PutUint64(b[8*i:], v)
	}
}

func (img *Image) maxRefcount() uint64 {
	if img.h.refcountOrder == 6 {
		return ^uint64(0)
	}
	return 1<<(uint64(1)<<img.h.refcountOrder) - 1
}

// refsPerBlock is how many clusters one refcount block covers.
func (img *Image) refsPerBlock() uint64 {
	return uint64(img.cs) * 8 >> img.h.refcountOrder
}

// loadBlock returns the refcount block covering cluster idx, or nil when
// the table has no block there.
func (img *Image) loadBlock(idx uint64) (*rcBlock, error) {
	ti := idx / img.refsPerBlock()
	if ti >= uint64(len(img.reftable)) {
		return nil, nil
	}
	off := img.reftable[ti] & refcountOffsetMask
	if off == 0 {
		return nil, nil
	}
	if b, ok := img.rcCache[off]; ok {
		return b, nil
	}
	if off%uint64(img.cs) != 0 {
		return nil, img.corrupt("refblock offset %#x unaligned (reftable index: %#x)", off, ti)
	}
	if off >= img.fileLimit() {
		return nil, img.corrupt("refblock at %#x (reftable index: %#x) lies beyond the end of the image file", off, ti)
	}
	b := make([]byte, img.cs)
	if _, err := img.f.ReadAt(b, int64(off)); err != nil {
		return nil, fmt.Errorf("qcow2: reading refcount block at %#x: %w", off, err)
	}
	rb := &rcBlock{off: off, b: b}
	img.rcCache[off] = rb
	img.meta[off/uint64(img.cs)] = true
	return rb, nil
}

// refcount returns the stored refcount of host cluster idx.
func (img *Image) refcount(idx uint64) (uint64, error) {
	rb, err := img.loadBlock(idx)
	if err != nil || rb == nil {
		return 0, err
	}
	return getRef(rb.b, idx%img.refsPerBlock(), img.h.refcountOrder), nil
}

// setRefcount stores a refcount, creating the refcount block (and growing
// the table) when needed.
func (img *Image) setRefcount(idx, v uint64) error {
	if v > img.maxRefcount() {
		return fmt.Errorf("qcow2: refcount of cluster %d would exceed %d (refcount_bits=%d)", idx, img.maxRefcount(), 1<<img.h.refcountOrder)
	}
	rb, err := img.loadBlock(idx)
	if err != nil {
		return err
	}
	if rb == nil {
		if v == 0 {
			return nil
		}
		if rb, err = img.newBlock(idx / img.refsPerBlock()); err != nil {
			return err
		}
	}
	setRef(rb.b, idx%img.refsPerBlock(), img.h.refcountOrder, v)
	rb.dirty = true
	if v == 0 && idx < img.freeHint {
		img.freeHint = idx
	}
	return nil
}

// addRef adds delta to the refcount of cluster idx.
func (img *Image) addRef(idx uint64, delta int64) error {
	r, err := img.refcount(idx)
	if err != nil {
		return err
	}
	if delta < 0 && r < uint64(-delta) {
		return img.corrupt("refcount of cluster %d would drop below zero", idx)
	}
	return img.setRefcount(idx, uint64(int64(r)+delta))
}

// newBlock creates the refcount block for table index ti. The block is
// placed at the first cluster it covers, which is free because no block
// covered it, and counts itself.
func (img *Image) newBlock(ti uint64) (*rcBlock, error) {
	if ti >= uint64(len(img.reftable)) {
		if err := img.growTable(ti + 1); err != nil {
			return nil, err
		}
		if img.reftable[ti] != 0 {
			return img.loadBlock(ti * img.refsPerBlock())
		}
	}
	idx := ti * img.refsPerBlock()
	off := idx * uint64(img.cs)
	if err := img.checkAddressable(off); err != nil {
		return nil, err
	}
	rb := &rcBlock{off: off, b: make([]byte, img.cs), dirty: true}
	setRef(rb.b, 0, img.h.refcountOrder, 1)
	// The block must be on disk before the table points at it.
	if _, err := img.f.WriteAt(rb.b, int64(off)); err != nil {
		return nil, err
	}
	rb.dirty = false
	img.rcCache[off] = rb
	img.meta[idx] = true
	img.reftable[ti] = off
	if err := img.writeTableEntry(ti); err != nil {
		return nil, err
	}
	return rb, nil
}

func (img *Image) checkAddressable(off uint64) error {
	if off > offsetMask {
		return fmt.Errorf("qcow2: image file would exceed the format's 64 PiB limit")
	}
	return nil
}

func (img *Image) writeTableEntry(ti uint64) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], img.reftable[ti])
	_, err := img.f.WriteAt(b[:], int64(img.h.refTableOffset+8*ti))
	return err
}

// growTable moves the refcount table to a larger area at the end of the
// image, so that it has at least need entries. The new area holds the
// refcount blocks that cover it, then the table; they are written before
// the header switches to them.
func (img *Image) growTable(need uint64) error {
	cs := uint64(img.cs)
	rpb := img.refsPerBlock()
	// Start after everything in use: the highest allocated cluster or the
	// file end, whichever is later.
	start, err := img.endCluster()
	if err != nil {
		return err
	}
	entries := max(need, uint64(len(img.reftable))*3/2, 1)
	var blocks []uint64 // table indices needing a block in the new area
	var tableClusters uint64
	for {
		tableClusters = (entries*8 + cs - 1) / cs
		blocks = blocks[:0]
		total := tableClusters
		for {
			end := start + uint64(len(blocks)) + total
			blocks = blocks[:0]
			for ti := start / rpb; ti <= (end-1)/rpb; ti++ {
				if ti >= uint64(len(img.reftable)) || img.reftable[ti] == 0 {
					blocks = append(blocks, ti)
				}
			}
			if start+uint64(len(blocks))+total == end {
				break
			}
		}
		areaEnd := start + uint64(len(blocks)) + tableClusters
		if e := (areaEnd + rpb - 1) / rpb; e > entries {
			entries = e
			continue
		}
		break
	}
	if uint64(tableClusters)*cs > maxRefTableBytes*8 {
		return fmt.Errorf("qcow2: refcount table would grow beyond %d clusters", tableClusters)
	}
	newTable := make([]uint64, entries)
	copy(newTable, img.reftable)
	areaEnd := start + uint64(len(blocks)) + tableClusters
	newBlocks := map[uint64]*rcBlock{}
	for i, ti := range blocks {
		idx := start + uint64(i)
		off := idx * cs
		if err := img.checkAddressable(off); err != nil {
			return err
		}
		newTable[ti] = off
		newBlocks[ti] = &rcBlock{off: off, b: make([]byte, cs)}
	}
	// Count the area's clusters in the blocks covering them.
	for idx := start; idx < areaEnd; idx++ {
		ti := idx / rpb
		if nb, ok := newBlocks[ti]; ok {
			setRef(nb.b, idx%rpb, img.h.refcountOrder, 1)
			continue
		}
		rb, err := img.loadBlock(idx)
		if err != nil {
			return err
		}
		setRef(rb.b, idx%rpb, img.h.refcountOrder, 1)
		rb.dirty = true
	}
	for _, nb := range newBlocks {
		if _, err := img.f.WriteAt(nb.b, int64(nb.off)); err != nil {
			return err
		}
		img.rcCache[nb.off] = nb
		img.meta[nb.off/cs] = true
	}
	if err := img.writeDirtyBlocks(); err != nil {
		return err
	}
	tableOff := (start + uint64(len(blocks))) * cs
	tb := make([]byte, tableClusters*cs)
	for i, e := range newTable {
		binary.BigEndian.PutUint64(tb[8*i:], e)
	}
	if _, err := img.f.WriteAt(tb, int64(tableOff)); err != nil {
		return err
	}
	oldOff, oldClusters := img.h.refTableOffset, uint64(img.h.refTableClusters)
	img.h.refTableOffset = tableOff
	img.h.refTableClusters = uint32(tableClusters)
	if err := img.writeHeader(); err != nil {
		return err
	}
	img.reftable = newTable
	for i := uint64(0); i < tableClusters; i++ {
		img.meta[tableOff/cs+i] = true
	}
	for i := uint64(0); i < oldClusters; i++ {
		delete(img.meta, oldOff/cs+i)
		img.pendingFree = append(img.pendingFree, oldOff/cs+i)
	}
	return nil
}

// endCluster is the first cluster index past every cluster in use and
// past the end of the file.
func (img *Image) endCluster() (uint64, error) {
	size, err := img.f.Size()
	if err != nil {
		return 0, err
	}
	end := (uint64(size) + uint64(img.cs) - 1) / uint64(img.cs)
	rpb := img.refsPerBlock()
	for ti := len(img.reftable) - 1; ti >= 0; ti-- {
		if img.reftable[ti]&refcountOffsetMask == 0 {
			continue
		}
		rb, err := img.loadBlock(uint64(ti) * rpb)
		if err != nil {
			return 0, err
		}
		for i := rpb; i > 0; i-- {
			if getRef(rb.b, i-1, img.h.refcountOrder) != 0 {
				return max(end, uint64(ti)*rpb+i), nil
			}
		}
	}
	return end, nil
}

// allocClusters allocates n contiguous free clusters with refcount 1 and
// returns the host offset of the first.
func (img *Image) allocClusters(n uint64) (uint64, error) {
	if n == 0 {
		return 0, fmt.Errorf("qcow2: allocating zero clusters")
	}
	idx := max(img.freeHint, 1)
	for {
		// Find a run of n clusters with refcount 0.
		run := uint64(0)
		for run < n {
			r, err := img.refcount(idx + run)
			if err != nil {
				return 0, err
			}
			if r != 0 {
				idx += run + 1
				run = 0
				continue
			}
			run++
		}
		if err := img.checkAddressable((idx + n) * uint64(img.cs)); err != nil {
			return 0, err
		}
		// Creating refcount blocks may take clusters of the run.
		ok := true
		for i := uint64(0); i < n; i++ {
			rb, err := img.loadBlock(idx + i)
			if err != nil {
				return 0, err
			}
			if rb == nil {
				if _, err := img.newBlock((idx + i) / img.refsPerBlock()); err != nil {
					return 0, err
				}
			}
			r, err := img.refcount(idx + i)
			if err != nil {
				return 0, err
			}
			if r != 0 {
				ok = false
				idx += i + 1
				break
			}
		}
		if !ok {
			continue
		}
		for i := uint64(0); i < n; i++ {
			if err := img.setRefcount(idx+i, 1); err != nil {
				return 0, err
			}
		}
		if idx == img.freeHint || img.freeHint <= 1 {
			img.freeHint = idx + n
		}
		if img.lazy {
			img.ensureDirtyMarked()
		}
		return idx * uint64(img.cs), nil
	}
}

// free queues a reference drop on a cluster; it is applied after the
// metadata that referenced the cluster has been rewritten, so a crash in
// between leaks the cluster instead of leaving a dangling reference.
func (img *Image) free(off uint64) {
	img.pendingFree = append(img.pendingFree, off/uint64(img.cs))
}

// freeCompressed queues drops for every host cluster compressed data
// touches.
func (img *Image) freeCompressed(entry uint64) {
	off, n := img.compressedRange(entry)
	cs := uint64(img.cs)
	for c := off / cs; c <= (off+n-1)/cs; c++ {
		img.pendingFree = append(img.pendingFree, c)
	}
}

// applyFrees applies the queued reference drops and punches holes for
// clusters that became free.
func (img *Image) applyFrees() error {
	if len(img.pendingFree) == 0 {
		return nil
	}
	pf := img.pendingFree
	img.pendingFree = nil
	img.cfreeOff = 0 // the partly used compressed cluster may be freed
	var freed []uint64
	for _, c := range pf {
		if err := img.addRef(c, -1); err != nil {
			return err
		}
		if r, _ := img.refcount(c); r == 0 {
			freed = append(freed, c)
			delete(img.meta, c)
		}
	}
	if err := img.writeDirtyBlocks(); err != nil {
		return err
	}
	if hp, ok := img.f.(block.HolePuncher); ok && !img.noPunch {
		sort.Slice(freed, func(i, j int) bool { return freed[i] < freed[j] })
		cs := uint64(img.cs)
		for i := 0; i < len(freed); {
			j := i + 1
			for j < len(freed) && freed[j] == freed[j-1]+1 {
				j++
			}
			// A cluster freed twice in pf shows up once with r == 0.
			if err := hp.PunchHole(int64(freed[i]*cs), int64(uint64(j-i)*cs)); err != nil {
				return err
			}
			i = j
		}
	}
	return nil
}

func (img *Image) writeDirtyBlocks() error {
	offs := make([]uint64, 0, len(img.rcCache))
	for off, rb := range img.rcCache {
		if rb.dirty {
			offs = append(offs, off)
		}
	}
	sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
	for _, off := range offs {
		rb := img.rcCache[off]
		if _, err := img.f.WriteAt(rb.b, int64(off)); err != nil {
			return fmt.Errorf("qcow2: writing refcount block at %#x: %w", off, err)
		}
		rb.dirty = false
	}
	return nil
}
