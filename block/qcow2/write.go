package qcow2

import (
	"encoding/binary"
	"fmt"

	"gemu/block"
)

func (img *Image) checkWrite(off, n int64) error {
	if img.closed {
		return errClosed
	}
	if img.ro {
		return block.ErrReadOnly
	}
	if img.isCorrupt {
		return fmt.Errorf("qcow2: image is marked corrupt: %w", block.ErrCorrupt)
	}
	if off < 0 || n < 0 || off > int64(img.h.size) || n > int64(img.h.size)-off {
		return fmt.Errorf("qcow2: write of %d bytes at %d: %w", n, off, block.ErrOutOfRange)
	}
	if !img.modified {
		img.modified = true
		if err := img.firstModification(); err != nil {
			return err
		}
	}
	return nil
}

// firstModification runs before the first change to the image: autoclear
// features we do not maintain are cleared, and persistent dirty bitmaps,
// which we keep but do not update, are flagged in use (inconsistent) so
// that no one trusts them, while their clusters stay referenced.
func (img *Image) firstModification() error {
	changed := false
	if img.h.autoclear&^autoclearBitmaps != 0 {
		img.h.autoclear &= autoclearBitmaps
		changed = true
	}
	if img.h.autoclear&autoclearBitmaps != 0 {
		if err := img.markBitmapsInUse(); err != nil {
			// Without a readable directory the bitmaps cannot be kept.
			img.h.autoclear &^= autoclearBitmaps
			changed = true
		}
	}
	if changed {
		return img.writeHeader()
	}
	return nil
}

func (img *Image) markBitmapsInUse() error {
	var ext []byte
	for _, e := range img.h.exts {
		if e.typ == extBitmaps {
			ext = e.data
		}
	}
	if len(ext) < 24 {
		return fmt.Errorf("qcow2: bitmaps extension too short")
	}
	nb := binary.BigEndian.Uint32(ext)
	size := binary.BigEndian.Uint64(ext[8:])
	off := binary.BigEndian.Uint64(ext[16:])
	if size > 64<<20 || nb > 65535 || off%uint64(img.cs) != 0 {
		return fmt.Errorf("qcow2: bitmap directory invalid")
	}
	dir := make([]byte, size)
	if _, err := img.f.ReadAt(dir, int64(off)); err != nil {
		return err
	}
	p := uint64(0)
	for i := uint32(0); i < nb; i++ {
		if p+24 > size {
			return fmt.Errorf("qcow2: bitmap directory truncated")
		}
		flags := binary.BigEndian.Uint32(dir[p+12:])
		binary.BigEndian.PutUint32(dir[p+12:], flags|1) // in_use
		nameLen := uint64(binary.BigEndian.Uint16(dir[p+18:]))
		extra := uint64(binary.BigEndian.Uint32(dir[p+20:]))
		p += (24 + extra + nameLen + 7) &^ 7
	}
	_, err := img.f.WriteAt(dir, int64(off))
	return err
}

// WriteAt writes guest data, allocating clusters as needed.
func (img *Image) WriteAt(p []byte, off int64) (int, error) {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(off, int64(len(p))); err != nil {
		return 0, err
	}
	if err := img.write(p, uint64(off)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (img *Image) write(p []byte, off uint64) error {
	cs := uint64(img.cs)
	for len(p) > 0 {
		t, err := img.l2ForWrite(img.l1Index(off))
		if err != nil {
			return err
		}
		i := img.l2Index(off)
		inCl := off % cs
		n := min(uint64(len(p)), cs-inCl)
		e, bm := img.entry(t, i)
		// Overwrite in place when the cluster is ours alone.
		if host, ok, err := img.inPlace(t, i, e, bm); err != nil {
			return err
		} else if ok {
			if err := img.writeInPlace(t, i, e, bm, host, p[:n], off); err != nil {
				return err
			}
			p, off = p[n:], off+n
			continue
		}
		// Full clusters needing fresh space: batch as many as possible
		// into one contiguous allocation and one write.
		if inCl == 0 && n == cs {
			k := uint64(1)
			for i+k < img.l2n && uint64(len(p)) >= (k+1)*cs {
				e2, bm2 := img.entry(t, i+k)
				if _, ok, err := img.inPlace(t, i+k, e2, bm2); err != nil || ok {
					break
				}
				k++
			}
			host, err := img.allocClusters(k)
			if err != nil {
				return err
			}
			if _, err := img.f.WriteAt(p[:k*cs], int64(host)); err != nil {
				return fmt.Errorf("qcow2: writing data at %#x: %w", host, err)
			}
			for j := uint64(0); j < k; j++ {
				old, _ := img.entry(t, i+j)
				img.releaseEntry(old)
				img.setEntry(t, i+j, (host+j*cs)|oflagCopied, img.allAllocated())
			}
			p, off = p[k*cs:], off+k*cs
			continue
		}
		// A partial write to a cluster that needs new space: copy the
		// rest of the cluster from where it lives now.
		if err := img.cowWrite(t, i, e, bm, p[:n], off); err != nil {
			return err
		}
		p, off = p[n:], off+n
	}
	return nil
}

func (img *Image) allAllocated() uint64 {
	if img.ext {
		return 0xffffffff
	}
	return 0
}

// inPlace reports whether entry e can be written in place: a normal
// (not compressed) cluster with refcount 1.
func (img *Image) inPlace(t *l2Table, i, e, bm uint64) (uint64, bool, error) {
	if e&oflagCompressed != 0 || e&oflagCopied == 0 {
		return 0, false, nil
	}
	host := e & offsetMask
	if host == 0 {
		return 0, false, nil
	}
	if host%uint64(img.cs) != 0 {
		return 0, false, img.corrupt("cluster allocation offset %#x unaligned (L2 offset: %#x, L2 index: %#x)", host, t.off, i)
	}
	if img.meta[host/uint64(img.cs)] {
		return 0, false, img.corrupt("data cluster at %#x overlaps metadata (L2 offset: %#x, L2 index: %#x)", host, t.off, i)
	}
	return host, true, nil
}

// writeInPlace writes into an allocated cluster, updating zero flags and
// subcluster bits.
func (img *Image) writeInPlace(t *l2Table, i, e, bm, host uint64, p []byte, off uint64) error {
	cs := uint64(img.cs)
	inCl := off % cs
	if !img.ext {
		if e&oflagZero != 0 {
			// A preallocated zero cluster: the rest must read as zeroes.
			buf := make([]byte, cs)
			copy(buf[inCl:], p)
			if _, err := img.f.WriteAt(buf, int64(host)); err != nil {
				return err
			}
			img.setEntry(t, i, e&^oflagZero, 0)
			return nil
		}
		_, err := img.f.WriteAt(p, int64(host+inCl))
		return err
	}
	// Extended L2: subclusters not yet allocated need their untouched
	// part filled from where their data lives (backing or zeroes).
	sc := uint64(img.scSize)
	first, last := inCl/sc, (inCl+uint64(len(p))-1)/sc
	alloc, zero := uint32(bm), uint32(bm>>32)
	start, end := first*sc, (last+1)*sc
	edgesOK := (alloc>>first&1 != 0 || inCl%sc == 0) && (alloc>>last&1 != 0 || (inCl+uint64(len(p)))%sc == 0)
	if edgesOK {
		// Edges already allocated: plain write (inner subclusters may be
		// unallocated but are fully covered).
		if _, err := img.f.WriteAt(p, int64(host+inCl)); err != nil {
			return err
		}
	} else {
		buf := make([]byte, end-start)
		clusterBase := off - inCl
		for k := first; k <= last; k++ {
			seg := buf[(k-first)*sc : (k-first+1)*sc]
			switch {
			case alloc>>k&1 != 0:
				if _, err := img.f.ReadAt(seg, int64(host+k*sc)); err != nil {
					return err
				}
			case zero>>k&1 != 0:
				clear(seg)
			default:
				if err := img.readBacking(seg, int64(clusterBase+k*sc)); err != nil {
					return err
				}
			}
		}
		copy(buf[inCl-start:], p)
		if _, err := img.f.WriteAt(buf, int64(host+start)); err != nil {
			return err
		}
	}
	for k := first; k <= last; k++ {
		alloc |= 1 << k
		zero &^= 1 << k
	}
	nbm := uint64(alloc) | uint64(zero)<<32
	if nbm != bm {
		img.setEntry(t, i, e, nbm)
	}
	return nil
}

// cowWrite writes part of a cluster that must move to fresh space: the
// new cluster gets the old content (from a shared or compressed cluster,
// the backing file, or zeroes) around the new bytes.
func (img *Image) cowWrite(t *l2Table, i, e, bm uint64, p []byte, off uint64) error {
	cs := uint64(img.cs)
	inCl := off % cs
	base := off - inCl
	buf := make([]byte, cs)
	newBM := img.allAllocated()
	if img.ext && e&oflagCompressed == 0 {
		// Only the written subclusters become allocated; the others keep
		// their status (still read from backing or as zeroes), unless
		// they were allocated in the old cluster.
		sc := uint64(img.scSize)
		alloc, zero := uint32(bm), uint32(bm>>32)
		first, last := inCl/sc, (inCl+uint64(len(p))-1)/sc
		na, nz := uint32(0), zero
		for k := uint64(0); k < 32; k++ {
			seg := buf[k*sc : (k+1)*sc]
			inWrite := k >= first && k <= last
			switch {
			case alloc>>k&1 != 0:
				if _, err := img.f.ReadAt(seg, int64(e&offsetMask+k*sc)); err != nil {
					return err
				}
				na |= 1 << k
			case inWrite && zero>>k&1 != 0:
				na |= 1 << k
				nz &^= 1 << k
			case inWrite:
				if err := img.readBacking(seg, int64(base+k*sc)); err != nil {
					return err
				}
				na |= 1 << k
			}
		}
		newBM = uint64(na) | uint64(nz)<<32
	} else {
		r, err := img.classify(t, i, 0)
		if err != nil {
			return err
		}
		if r.kind == kindData || r.kind == kindCompressed || r.kind == kindUnalloc {
			if err := img.readRun(run{kind: r.kind, host: r.host, n: int64(cs)}, buf, int64(base)); err != nil {
				return err
			}
		}
	}
	copy(buf[inCl:], p)
	host, err := img.allocClusters(1)
	if err != nil {
		return err
	}
	if _, err := img.f.WriteAt(buf, int64(host)); err != nil {
		return fmt.Errorf("qcow2: writing data at %#x: %w", host, err)
	}
	img.releaseEntry(e)
	img.setEntry(t, i, host|oflagCopied, newBM)
	return nil
}

// releaseEntry queues the drop of the reference an L2 entry held.
func (img *Image) releaseEntry(e uint64) {
	if e&oflagCompressed != 0 {
		img.freeCompressed(e)
		img.zbufOK = false
		return
	}
	if host := e & offsetMask; host != 0 {
		img.free(host)
	}
}

// l2ForWrite returns a writable L2 table for L1 index l1i, allocating it
// or copying a shared one.
func (img *Image) l2ForWrite(l1i uint64) (*l2Table, error) {
	if l1i >= uint64(len(img.l1)) {
		if err := img.growL1(l1i + 1); err != nil {
			return nil, err
		}
	}
	le := img.l1[l1i]
	off := le & offsetMask
	if off != 0 && le&oflagCopied != 0 {
		img.meta[off/uint64(img.cs)] = true
		return img.loadL2(off)
	}
	var old *l2Table
	if off != 0 {
		t, err := img.loadL2(off)
		if err != nil {
			return nil, err
		}
		old = t
	}
	noff, err := img.allocClusters(1)
	if err != nil {
		return nil, err
	}
	if err := img.evictL2(); err != nil {
		return nil, err
	}
	nt := &l2Table{off: noff, e: make([]uint64, img.cs/8), dirty: true, tick: img.tick}
	if old != nil {
		// Copy-on-write of a table shared with a snapshot. Refcounts count
		// the L1 tables reaching a cluster, so the data clusters keep
		// theirs: the active state now reaches them through the copy.
		copy(nt.e, old.e)
		for j := uint64(0); j < img.l2n; j++ {
			e, bm := img.entry(nt, j)
			if e&oflagCompressed == 0 && e&offsetMask != 0 {
				r, err := img.refcount((e & offsetMask) / uint64(img.cs))
				if err != nil {
					return nil, err
				}
				if r == 1 {
					e |= oflagCopied
				} else {
					e &^= oflagCopied
				}
				img.setEntry(nt, j, e, bm)
			}
		}
		img.free(off)
	}
	img.l2Cache[noff] = nt
	img.meta[noff/uint64(img.cs)] = true
	img.l1[l1i] = noff | oflagCopied
	img.l1Dirty = true
	return nt, nil
}

// refEntry adds delta to the refcounts of what entry e points at.
func (img *Image) refEntry(e uint64, delta int64) error {
	if e&oflagCompressed != 0 {
		off, n := img.compressedRange(e)
		cs := uint64(img.cs)
		for c := off / cs; c <= (off+n-1)/cs; c++ {
			if err := img.addRef(c, delta); err != nil {
				return err
			}
		}
		return nil
	}
	if host := e & offsetMask; host != 0 {
		return img.addRef(host/uint64(img.cs), delta)
	}
	return nil
}

// growL1 enlarges the active L1 table to at least n entries, with room
// to spare, moving it to fresh clusters.
func (img *Image) growL1(n uint64) error {
	if n*8 > maxL1Bytes {
		return fmt.Errorf("qcow2: L1 table would exceed %d bytes", maxL1Bytes)
	}
	n = max(n, uint64(len(img.l1))*3/2)
	cs := uint64(img.cs)
	n = (n*8 + cs - 1) / cs * cs / 8
	return img.growL1Exact(min(n, maxL1Bytes/8))
}

// growL1Exact moves the active L1 table to fresh clusters with n entries.
func (img *Image) growL1Exact(n uint64) error {
	cs := uint64(img.cs)
	clusters := (n*8 + cs - 1) / cs
	noff, err := img.allocClusters(clusters)
	if err != nil {
		return err
	}
	// Everything the new table points at must be on disk first.
	if err := img.flushMeta(); err != nil {
		return err
	}
	nl1 := make([]uint64, n)
	copy(nl1, img.l1)
	oldOff, oldN := img.h.l1Offset, uint64(len(img.l1))
	img.l1 = nl1
	img.h.l1Offset = noff
	if err := img.writeL1(); err != nil {
		return err
	}
	img.h.l1Size = uint32(n)
	if err := img.writeHeader(); err != nil {
		return err
	}
	img.markRange(noff, n*8)
	if oldN > 0 {
		for c := oldOff / cs; c <= (oldOff+oldN*8-1)/cs; c++ {
			delete(img.meta, c)
			img.pendingFree = append(img.pendingFree, c)
		}
	}
	return nil
}

// WriteZeroes makes a range read as zeroes: whole clusters get the zero
// flag (version 3; deallocated with unmap), partial ones are written.
func (img *Image) WriteZeroes(off, n int64, unmap bool) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(off, n); err != nil {
		return err
	}
	return img.zeroRange(uint64(off), uint64(n), unmap, false)
}

// Discard drops whole clusters in a range; partial clusters are ignored.
// Discarded clusters read as zeroes (version 3) or from the backing file
// (version 2, like QEMU).
func (img *Image) Discard(off, n int64) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(off, n); err != nil {
		return err
	}
	return img.zeroRange(uint64(off), uint64(n), true, true)
}

func (img *Image) zeroRange(off, n uint64, unmap, discard bool) error {
	cs := uint64(img.cs)
	end := off + n
	for off < end {
		inCl := off % cs
		m := min(end-off, cs-inCl)
		whole := inCl == 0 && (m == cs || off+m == img.h.size)
		if !whole {
			if img.ext && !discard {
				if err := img.zeroSubclusters(off, m); err != nil {
					return err
				}
			} else if !discard {
				if err := img.write(zeroBlock(m), off); err != nil {
					return err
				}
			}
			off += m
			continue
		}
		if err := img.zeroCluster(off, unmap, discard); err != nil {
			return err
		}
		off += m
	}
	return nil
}

func zeroBlock(n uint64) []byte { return make([]byte, n) }

// zeroCluster turns one whole cluster into zeroes (or, for a version 2
// discard, back into a read from the backing file).
func (img *Image) zeroCluster(off uint64, unmap, discard bool) error {
	hasBacking := img.h.backingFile != ""
	l1i := img.l1Index(off)
	noL2 := l1i >= uint64(len(img.l1)) || img.l1[l1i]&offsetMask == 0
	if noL2 && (!hasBacking || img.h.version < 3 && discard) {
		return nil
	}
	if img.h.version < 3 && !discard && hasBacking {
		// No zero flag in version 2: write zeroes over the backing data.
		return img.write(zeroBlock(uint64(img.cs)), off)
	}
	t, err := img.l2ForWrite(l1i)
	if err != nil {
		return err
	}
	i := img.l2Index(off)
	e, bm := img.entry(t, i)
	if img.h.version < 3 {
		img.releaseEntry(e)
		img.setEntry(t, i, 0, 0)
		return nil
	}
	keep := !unmap && !discard && e&oflagCompressed == 0 && e&oflagCopied != 0 && e&offsetMask != 0
	if img.ext {
		zeroBits := uint64(0)
		if hasBacking || keep {
			zeroBits = uint64(0xffffffff) << 32
		}
		if keep {
			img.setEntry(t, i, e, zeroBits)
			return nil
		}
		if e == 0 && bm == zeroBits {
			return nil
		}
		img.releaseEntry(e)
		img.setEntry(t, i, 0, zeroBits)
		return nil
	}
	if keep {
		if e&oflagZero == 0 {
			img.setEntry(t, i, e|oflagZero, 0)
		}
		return nil
	}
	ne := uint64(0)
	if hasBacking {
		ne = oflagZero
	}
	if e == ne {
		return nil
	}
	img.releaseEntry(e)
	img.setEntry(t, i, ne, 0)
	return nil
}

// zeroSubclusters zeroes part of a cluster with extended L2 entries: whole
// subclusters get the zero bit, partial ones are written.
func (img *Image) zeroSubclusters(off, n uint64) error {
	sc := uint64(img.scSize)
	end := off + n
	for off < end {
		in := off % sc
		m := min(end-off, sc-in)
		if in != 0 || m != sc {
			if err := img.write(zeroBlock(m), off); err != nil {
				return err
			}
			off += m
			continue
		}
		t, err := img.l2ForWrite(img.l1Index(off))
		if err != nil {
			return err
		}
		i := img.l2Index(off)
		e, bm := img.entry(t, i)
		if e&oflagCompressed != 0 {
			if err := img.write(zeroBlock(m), off); err != nil {
				return err
			}
			off += m
			continue
		}
		k := off % uint64(img.cs) / sc
		alloc, zero := uint32(bm), uint32(bm>>32)
		alloc &^= 1 << k
		zero |= 1 << k
		if e&offsetMask != 0 && e&oflagCopied == 0 && alloc != uint32(bm) {
			// Shared cluster: the remaining allocated subclusters must
			// move; writing zeroes does that.
			if err := img.write(zeroBlock(m), off); err != nil {
				return err
			}
			off += m
			continue
		}
		img.setEntry(t, i, e, uint64(alloc)|uint64(zero)<<32)
		off += m
	}
	return nil
}

// otherMetadata reports whether the cluster at off holds metadata other
// than an L2 table: the header, the L1 or refcount table, a refcount
// block, the snapshot table or a snapshot's L1 table. Writing an L2 table
// there would destroy it (QEMU's overlap check).
func (img *Image) otherMetadata(off uint64) bool {
	cs := uint64(img.cs)
	c := off / cs
	in := func(start, n uint64) bool {
		return n > 0 && c >= start/cs && c <= (start+n-1)/cs
	}
	if c == 0 || in(img.h.l1Offset, uint64(len(img.l1))*8) || in(img.h.refTableOffset, uint64(img.h.refTableClusters)*cs) ||
		in(img.h.snapshotsOffset, img.snapTableLen) {
		return true
	}
	for _, e := range img.reftable {
		if e&refcountOffsetMask == c*cs {
			return true
		}
	}
	for _, s := range img.snaps {
		if in(s.l1Offset, uint64(s.l1Size)*8) {
			return true
		}
	}
	return false
}
