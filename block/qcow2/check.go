package qcow2

import (
	"encoding/binary"
	"fmt"

	"gemu/block"
)

// maxCheckClusters caps the refcount array check builds (1 GiB of
// counters), so a hostile file size cannot exhaust memory.
const maxCheckClusters = 1 << 28

// checker computes the refcounts the metadata implies.
type checker struct {
	img   *Image
	ref   []uint64
	res   *block.CheckResult
	fsize uint64
	// clusters holding refcount structures, counted separately so a
	// rebuild can leave them out
	rcStruct map[uint64]bool
}

func (c *checker) msg(format string, args ...any) {
	c.res.Messages = append(c.res.Messages, fmt.Sprintf(format, args...))
}

// inc counts one reference to each cluster of [off, off+n).
func (c *checker) inc(off, n uint64) {
	if n == 0 {
		return
	}
	cs := uint64(c.img.cs)
	fileClusters := (c.fsize + cs - 1) / cs
	first, last := off/cs, (off+n-1)/cs
	if last >= fileClusters {
		c.msg("ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x%x size 0x%x", off, n)
		c.res.Corruptions++
		return
	}
	for i := first; i <= last; i++ {
		if i >= uint64(len(c.ref)) {
			return
		}
		c.ref[i]++
	}
}

// walkL1 counts an L1 table's L2 tables and clusters; for the active one it
// also gathers the allocation statistics.
func (c *checker) walkL1(l1 []uint64, active bool) error {
	img := c.img
	cs := uint64(img.cs)
	buf := make([]byte, cs)
	for i, le := range l1 {
		var nextContig uint64 // fragmentation is counted per L2 table
		l2off := le & offsetMask
		if l2off == 0 {
			continue
		}
		if l2off%cs != 0 {
			c.msg("ERROR l2_offset=%x: Table is not cluster aligned; L1 entry corrupted", l2off)
			c.res.Corruptions++
			continue
		}
		c.inc(l2off, cs)
		if l2off+cs > c.fsize+cs {
			continue
		}
		if _, err := img.f.ReadAt(buf, int64(l2off)); err != nil {
			c.msg("ERROR: I/O error in check_refcounts_l2")
			c.res.CheckErrors++
			continue
		}
		step := 1
		if img.ext {
			step = 2
		}
		for j := uint64(0); j < img.l2n; j++ {
			e := binary.BigEndian.Uint64(buf[8*j*uint64(step):])
			var bm uint64
			if img.ext {
				bm = binary.BigEndian.Uint64(buf[8*j*2+8:])
			}
			_ = i
			if e&oflagCompressed != 0 {
				if e&oflagCopied != 0 {
					c.msg("ERROR: coffset=0x%x: copied flag must never be set for compressed clusters", e&((1<<img.csizeShift())-1))
					c.res.Corruptions++
				}
				if img.ext && bm != 0 {
					c.msg("ERROR compressed cluster %d with non-zero subcluster allocation bitmap, entry=0x%x", j, e)
					c.res.Corruptions++
				}
				off, n := img.compressedRange(e)
				c.inc(off, n)
				if active {
					c.res.AllocatedClusters++
					c.res.CompressedClusters++
					c.res.FragmentedClusters++
				}
				continue
			}
			host := e & offsetMask
			if img.ext {
				alloc, zero := uint32(bm), uint32(bm>>32)
				if alloc&zero != 0 {
					c.msg("ERROR invalid cluster entry: l2_entry=0x%x bitmap=0x%x", e, bm)
					c.res.Corruptions++
				}
			}
			if host == 0 {
				continue
			}
			if host%cs != 0 {
				c.msg("ERROR offset=%x: Cluster is not properly aligned; L2 entry corrupted.", host)
				c.res.Corruptions++
				continue
			}
			if active {
				c.res.AllocatedClusters++
				if nextContig != 0 && host != nextContig {
					c.res.FragmentedClusters++
				}
				nextContig = host + cs
			}
			c.inc(host, cs)
		}
	}
	return nil
}

// check verifies the metadata and optionally repairs it.
func (img *Image) check(fix block.CheckFix) (block.CheckResult, error) {
	var res block.CheckResult
	if fix != block.CheckNone && img.ro {
		return res, block.ErrReadOnly
	}
	if !img.ro {
		if err := img.flushMeta(); err != nil {
			return res, err
		}
	}
	fs, err := img.f.Size()
	if err != nil {
		return res, err
	}
	cs := uint64(img.cs)
	fsize := uint64(fs)
	nClusters := (fsize + cs - 1) / cs
	if nClusters > maxCheckClusters {
		return res, fmt.Errorf("qcow2: image file too large to check (%d clusters)", nClusters)
	}
	c := &checker{img: img, ref: make([]uint64, nClusters), res: &res, fsize: fsize, rcStruct: map[uint64]bool{}}
	res.TotalClusters = int64((img.h.size + cs - 1) / cs)
	// Header, L1 tables, snapshots.
	c.inc(0, cs)
	c.inc(img.h.l1Offset, uint64(len(img.l1))*8)
	if err := c.walkL1(img.l1, true); err != nil {
		return res, err
	}
	for _, s := range img.snaps {
		if s.l1Offset%cs != 0 {
			c.msg("ERROR snapshot %s (%s) l1_offset=%#x: L1 table is not cluster aligned; snapshot table entry corrupted", s.id, s.name, s.l1Offset)
			res.Corruptions++
			continue
		}
		c.inc(s.l1Offset, uint64(s.l1Size)*8)
		l1, err := img.readL1(s.l1Offset, s.l1Size)
		if err != nil {
			res.CheckErrors++
			continue
		}
		if err := c.walkL1(l1, false); err != nil {
			return res, err
		}
	}
	c.inc(img.h.snapshotsOffset, img.snapTableLen)
	if img.h.autoclear&autoclearBitmaps != 0 {
		c.countBitmaps()
	}
	// Refcount structures.
	rebuild := false
	rcStart := append([]uint64(nil), c.ref...)
	c.inc(img.h.refTableOffset, uint64(img.h.refTableClusters)*cs)
	for ti, e := range img.reftable {
		off := e & refcountOffsetMask
		if off == 0 {
			continue
		}
		if off%cs != 0 {
			c.msg("ERROR refcount block %d is not cluster aligned; refcount table entry corrupted", ti)
			res.Corruptions++
			rebuild = true
			continue
		}
		if off/cs >= nClusters {
			c.msg("ERROR refcount block %d is outside image", ti)
			res.Corruptions++
			rebuild = true
			continue
		}
		c.inc(off, cs)
		if c.ref[off/cs] > 1 {
			c.msg("ERROR refcount block %d refcount=%d", ti, c.ref[off/cs])
			res.Corruptions++
			rebuild = true
		}
	}
	// Compare with the stored refcounts.
	highest := int64(-1)
	rpb := img.refsPerBlock()
	type fixup struct{ idx, want uint64 }
	var fixes []fixup
	// Like QEMU, only clusters inside the file are compared.
	for i := uint64(0); i < nClusters; i++ {
		var want uint64
		if i < nClusters {
			want = c.ref[i]
		}
		var have uint64
		ti := i / rpb
		if ti < uint64(len(img.reftable)) {
			off := img.reftable[ti] & refcountOffsetMask
			if off != 0 && off%cs == 0 && off/cs < nClusters {
				rb, err := img.loadBlock(i)
				if err != nil {
					res.CheckErrors++
					continue
				}
				if rb != nil {
					have = getRef(rb.b, i%rpb, img.h.refcountOrder)
				}
			} else if want > 0 {
				rebuild = true
			}
		} else if want > 0 {
			rebuild = true
		}
		if have > 0 || want > 0 {
			highest = int64(i)
		}
		if have == want {
			continue
		}
		if i >= nClusters && have > 0 {
			// Refcounts past the end of the file: leaks of nothing.
		}
		if have > want {
			if fix&block.CheckLeaks != 0 {
				c.msg("Leaked cluster %d refcount=%d reference=%d", i, have, want)
				c.msg("Repairing cluster %d refcount=%d reference=%d", i, have, want)
				fixes = append(fixes, fixup{i, want})
				res.LeaksFixed++
			} else {
				c.msg("Leaked cluster %d refcount=%d reference=%d", i, have, want)
				res.Leaks++
			}
		} else {
			if fix&block.CheckAll == block.CheckAll {
				c.msg("ERROR cluster %d refcount=%d reference=%d", i, have, want)
				c.msg("Repairing cluster %d refcount=%d reference=%d", i, have, want)
				fixes = append(fixes, fixup{i, want})
				res.CorruptionsFixed++
			} else {
				c.msg("ERROR cluster %d refcount=%d reference=%d", i, have, want)
				res.Corruptions++
			}
		}
		if want > img.maxRefcount() {
			rebuild = true
		}
	}
	res.ImageEndOffset = (highest + 1) * int64(cs)
	if fix != block.CheckNone && (len(fixes) > 0 || rebuild) {
		if rebuild && fix&block.CheckAll == block.CheckAll {
			c.msg("Rebuilding refcount structure")
			if err := img.rebuildRefcounts(rcStart); err != nil {
				return res, err
			}
			res.Corruptions = 0
		} else if !rebuild {
			for _, f := range fixes {
				if err := img.setRefcount(f.idx, f.want); err != nil {
					return res, err
				}
			}
			if err := img.writeDirtyBlocks(); err != nil {
				return res, err
			}
		}
	}
	// COPIED flags of the active tables, against the (repaired) refcounts.
	if err := img.checkCopied(&res, fix&block.CheckAll == block.CheckAll); err != nil {
		return res, err
	}
	if fix != block.CheckNone {
		if err := img.flushMeta(); err != nil {
			return res, err
		}
		img.freeHint = 1
		if err := img.f.Sync(); err != nil {
			return res, err
		}
		if res.Corruptions == 0 && res.CheckErrors == 0 && img.h.incompatible&(incDirty|incCorrupt) != 0 {
			img.h.incompatible &^= incDirty | incCorrupt
			img.isCorrupt = false
			img.dirtyMarked = false
			if err := img.writeHeader(); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// checkCopied compares COPIED flags with refcounts in the active tables.
func (img *Image) checkCopied(res *block.CheckResult, fix bool) error {
	cs := uint64(img.cs)
	for i, le := range img.l1 {
		l2off := le & offsetMask
		if l2off == 0 || l2off%cs != 0 {
			continue
		}
		r, err := img.refcount(l2off / cs)
		if err != nil {
			return err
		}
		if (r == 1) != (le&oflagCopied != 0) {
			if fix {
				res.Messages = append(res.Messages, fmt.Sprintf("Repairing OFLAG_COPIED L2 cluster: l1_index=%d l1_entry=%x refcount=%d", i, le, r))
				if r == 1 {
					img.l1[i] = le | oflagCopied
				} else {
					img.l1[i] = le &^ oflagCopied
				}
				img.l1Dirty = true
				res.CorruptionsFixed++
			} else {
				res.Messages = append(res.Messages, fmt.Sprintf("ERROR OFLAG_COPIED L2 cluster: l1_index=%d l1_entry=%x refcount=%d", i, le, r))
				res.Corruptions++
			}
		}
		if l2off >= img.fileLimit() {
			continue
		}
		t, err := img.loadL2(l2off)
		if err != nil {
			return err
		}
		for j := uint64(0); j < img.l2n; j++ {
			e, bm := img.entry(t, j)
			host := e & offsetMask
			if e&oflagCompressed != 0 || host == 0 || host%cs != 0 {
				continue
			}
			r, err := img.refcount(host / cs)
			if err != nil {
				return err
			}
			if (r == 1) == (e&oflagCopied != 0) {
				continue
			}
			if fix {
				res.Messages = append(res.Messages, fmt.Sprintf("Repairing OFLAG_COPIED data cluster: l2_entry=%x refcount=%d", e, r))
				ne := e &^ oflagCopied
				if r == 1 {
					ne |= oflagCopied
				}
				img.setEntry(t, j, ne, bm)
				res.CorruptionsFixed++
			} else {
				res.Messages = append(res.Messages, fmt.Sprintf("ERROR OFLAG_COPIED data cluster: l2_entry=%x refcount=%d", e, r))
				res.Corruptions++
			}
		}
	}
	return nil
}

// rebuildRefcounts writes a new refcount table and blocks after the end of
// the image from the computed counts (ref, which excludes the old refcount
// structures), then switches the header to them.
func (img *Image) rebuildRefcounts(ref []uint64) error {
	cs := uint64(img.cs)
	rpb := img.refsPerBlock()
	end := uint64(len(ref))
	for end > 0 && ref[end-1] == 0 {
		end--
	}
	fs, err := img.f.Size()
	if err != nil {
		return err
	}
	start := max(end, (uint64(fs)+cs-1)/cs)
	var nb, tc uint64
	for {
		total := start + nb + tc
		nnb := (total + rpb - 1) / rpb
		ntc := (nnb*8 + cs - 1) / cs
		if nnb == nb && ntc == tc {
			break
		}
		nb, tc = nnb, ntc
	}
	all := make([]uint64, start+nb+tc)
	copy(all, ref)
	for i := start; i < start+nb+tc; i++ {
		all[i] = 1
	}
	blocks := make([]byte, nb*cs)
	for i, v := range all {
		if v > img.maxRefcount() {
			return fmt.Errorf("qcow2: cluster %d needs refcount %d, more than refcount_bits allows", i, v)
		}
		setRef(blocks[uint64(i)/rpb*cs:], uint64(i)%rpb, img.h.refcountOrder, v)
	}
	table := make([]byte, tc*cs)
	newTable := make([]uint64, tc*cs/8)
	for b := uint64(0); b < nb; b++ {
		newTable[b] = (start + b) * cs
		binary.BigEndian.PutUint64(table[8*b:], newTable[b])
	}
	if _, err := img.f.WriteAt(blocks, int64(start*cs)); err != nil {
		return err
	}
	if _, err := img.f.WriteAt(table, int64((start+nb)*cs)); err != nil {
		return err
	}
	if err := img.f.Sync(); err != nil {
		return err
	}
	for ti, e := range img.reftable {
		if off := e & refcountOffsetMask; off != 0 {
			delete(img.meta, off/cs)
		}
		_ = ti
	}
	for c := img.h.refTableOffset / cs; c < img.h.refTableOffset/cs+uint64(img.h.refTableClusters); c++ {
		delete(img.meta, c)
	}
	img.h.refTableOffset = (start + nb) * cs
	img.h.refTableClusters = uint32(tc)
	if err := img.writeHeader(); err != nil {
		return err
	}
	img.reftable = newTable
	img.rcCache = map[uint64]*rcBlock{}
	img.pendingFree = nil
	img.markRange((start)*cs, (nb+tc)*cs)
	img.freeHint = 1
	return nil
}

// countBitmaps counts the clusters of persistent dirty bitmaps, which we
// keep untouched.
func (c *checker) countBitmaps() {
	img := c.img
	var ext []byte
	for _, e := range img.h.exts {
		if e.typ == extBitmaps {
			ext = e.data
		}
	}
	if len(ext) < 24 {
		return
	}
	be := binary.BigEndian
	nb := be.Uint32(ext)
	dirSize := be.Uint64(ext[8:])
	dirOff := be.Uint64(ext[16:])
	if dirSize > 64<<20 || nb > 65535 {
		c.msg("ERROR bitmap directory too large")
		c.res.Corruptions++
		return
	}
	c.inc(dirOff, dirSize)
	dir := make([]byte, dirSize)
	if _, err := img.f.ReadAt(dir, int64(dirOff)); err != nil {
		c.res.CheckErrors++
		return
	}
	cs := uint64(img.cs)
	p := uint64(0)
	for i := uint32(0); i < nb; i++ {
		if p+24 > uint64(len(dir)) {
			c.msg("ERROR bitmap directory entry %d is truncated", i)
			c.res.Corruptions++
			return
		}
		tOff := be.Uint64(dir[p:])
		tSize := uint64(be.Uint32(dir[p+8:]))
		nameSize := uint64(be.Uint16(dir[p+18:]))
		extra := uint64(be.Uint32(dir[p+20:]))
		if tSize*8 > 64<<20 {
			c.res.Corruptions++
			return
		}
		c.inc(tOff, tSize*8)
		tb := make([]byte, tSize*8)
		if _, err := img.f.ReadAt(tb, int64(tOff)); err == nil {
			for k := uint64(0); k < tSize; k++ {
				if off := be.Uint64(tb[8*k:]) & offsetMask; off != 0 {
					c.inc(off, cs)
				}
			}
		}
		p += (24 + extra + nameSize + 7) &^ 7
	}
}

// Check verifies the image and repairs it as asked (qemu-img check).
func (img *Image) Check(fix block.CheckFix) (block.CheckResult, error) {
	img.mu.Lock()
	defer img.mu.Unlock()
	return img.check(fix)
}
