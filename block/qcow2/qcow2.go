// Package qcow2 is the QEMU copy-on-write image format, versions 2 and 3
// (compat=0.10 and 1.1): two-level cluster tables, refcounts of every
// width, backing files, zero and compressed clusters (zlib and zstd),
// extended L2 entries with subclusters, internal snapshots with a VM-state
// area, lazy refcounts with the dirty bit, and the corrupt bit.
//
// Crash safety comes from write ordering. Metadata changes are cached and
// written in dependency order on Flush: refcount increments, then L2
// tables, then the L1 table and header, and only then the refcount drops
// of clusters that are no longer referenced. A writer killed at any moment
// leaves, at worst, leaked clusters.
package qcow2

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/klauspost/compress/zstd"

	"gemu/block"
)

var errUnsupported = block.ErrUnsupported

// Format is the qcow2 format.
type Format struct{}

// Name is "qcow2".
func (Format) Name() string { return "qcow2" }

// Probe recognises the magic and a known version.
func (Format) Probe(head []byte) int {
	if len(head) >= 8 && binary.BigEndian.Uint32(head) == magic {
		if v := binary.BigEndian.Uint32(head[4:]); v >= 2 {
			return 100
		}
	}
	return 0
}

// l2Table is a cached L2 table: for extended L2, entry i is e[2i] and its
// subcluster bitmap e[2i+1].
type l2Table struct {
	off   uint64
	e     []uint64
	dirty bool
	tick  uint64
}

// Image is an open qcow2 image. Its methods are safe for concurrent use.
type Image struct {
	mu sync.Mutex

	f       block.File
	ro      bool
	h       *header
	cs      int64  // cluster size
	l2n     uint64 // entries per L2 table
	ext     bool   // extended L2 entries
	scSize  int64  // subcluster size
	backing block.Image

	l1      []uint64
	l1Dirty bool

	l2Cache map[uint64]*l2Table
	l2Max   int
	tick    uint64

	reftable    []uint64
	rcCache     map[uint64]*rcBlock
	freeHint    uint64
	pendingFree []uint64
	meta        map[uint64]bool // host clusters holding metadata

	snaps        []snapshot
	snapTableLen uint64

	modified bool // written since open

	lazy        bool // lazy_refcounts
	dirtyMarked bool // dirty bit set in the file by us
	isCorrupt   bool
	noPunch     bool
	closed      bool

	// compressed cluster read cache
	zdec    *zstd.Decoder
	zbuf    []byte
	zbufOff uint64
	zbufOK  bool
	// compressed write state
	cfreeOff uint64 // next free byte in the current compressed cluster
}

// Open opens a qcow2 image.
func (Format) Open(f block.File, o block.OpenOptions) (block.Image, error) {
	return open(f, o)
}

func open(f block.File, o block.OpenOptions) (*Image, error) { return openImage(f, o, false) }

// openImage opens an image; creating skips the L1 size check for the
// freshly written header of Create, which has no L1 table yet.
func openImage(f block.File, o block.OpenOptions, creating bool) (*Image, error) {
	fsize, err := f.Size()
	if err != nil {
		return nil, err
	}
	head := make([]byte, min(fsize, 1<<maxClusterBits))
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("qcow2: reading header: %w", err)
	}
	h, err := parseHeader(head)
	if err != nil {
		return nil, err
	}
	img := &Image{
		f:       f,
		ro:      o.ReadOnly,
		h:       h,
		cs:      1 << h.clusterBits,
		l2Cache: map[uint64]*l2Table{},
		rcCache: map[uint64]*rcBlock{},
		meta:    map[uint64]bool{0: true},
	}
	img.ext = h.incompatible&incExtL2 != 0
	es := int64(8)
	if img.ext {
		es = 16
		img.scSize = img.cs / 32
	}
	img.l2n = uint64(img.cs / es)
	img.l2Max = max(16, int((32<<20)/img.cs))
	img.lazy = h.compatible&compatLazyRefcounts != 0
	if h.incompatible&incCorrupt != 0 {
		img.isCorrupt = true
		if !o.ReadOnly && !o.NoRepair {
			return nil, fmt.Errorf("qcow2: Image is corrupt; cannot be opened read/write: %w", block.ErrCorrupt)
		}
	}
	if h.size > 1<<62 {
		return nil, fmt.Errorf("Image is too big (%d bytes)", h.size)
	}
	// L1 table.
	needL1 := (h.size + uint64(img.cs)*img.l2n - 1) / (uint64(img.cs) * img.l2n)
	if uint64(h.l1Size)*8 > maxL1Bytes {
		return nil, fmt.Errorf("Active L1 table too large (%d entries)", h.l1Size)
	}
	if uint64(h.l1Size) < needL1 && !creating {
		return nil, fmt.Errorf("L1 table is too small (%d entries for %d bytes)", h.l1Size, h.size)
	}
	if err := img.validTable(h.l1Offset, uint64(h.l1Size)*8, fsize, "Active L1 table"); err != nil && !creating {
		return nil, err
	}
	l1b := make([]byte, uint64(h.l1Size)*8)
	if _, err := f.ReadAt(l1b, int64(h.l1Offset)); err != nil {
		return nil, fmt.Errorf("qcow2: reading L1 table: %w", err)
	}
	img.l1 = make([]uint64, h.l1Size)
	for i := range img.l1 {
		img.l1[i] = binary.BigEndian.Uint64(l1b[8*i:])
	}
	// Refcount table.
	if uint64(h.refTableClusters)*uint64(img.cs) > maxRefTableBytes {
		return nil, fmt.Errorf("Reference count table too large (%d clusters)", h.refTableClusters)
	}
	if h.refTableClusters == 0 {
		return nil, fmt.Errorf("Image does not contain a reference count table")
	}
	rtBytes := uint64(h.refTableClusters) * uint64(img.cs)
	if err := img.validTable(h.refTableOffset, rtBytes, fsize, "Reference count table"); err != nil {
		return nil, err
	}
	rtb := make([]byte, rtBytes)
	if _, err := f.ReadAt(rtb, int64(h.refTableOffset)); err != nil {
		return nil, fmt.Errorf("qcow2: reading refcount table: %w", err)
	}
	img.reftable = make([]uint64, rtBytes/8)
	for i := range img.reftable {
		img.reftable[i] = binary.BigEndian.Uint64(rtb[8*i:])
		if off := img.reftable[i] & refcountOffsetMask; off != 0 {
			img.meta[off/uint64(img.cs)] = true
		}
	}
	img.markRange(h.l1Offset, uint64(h.l1Size)*8)
	img.markRange(h.refTableOffset, rtBytes)
	for _, e := range img.l1 {
		if off := e & offsetMask; off != 0 {
			img.meta[off/uint64(img.cs)] = true
		}
	}
	// Snapshots.
	if err := img.readSnapshots(fsize); err != nil {
		return nil, err
	}
	img.freeHint = 1
	if h.backingFile != "" && o.Backing != nil && !o.NoBacking {
		b, err := o.Backing(h.backingFile, h.backingFmt)
		if err != nil {
			return nil, err
		}
		img.backing = b
	}
	if !img.ro {
		if h.incompatible&incDirty != 0 && !o.NoRepair {
			// Left dirty by a crash: rebuild refcounts as QEMU does.
			if _, err := img.check(block.CheckAll); err != nil {
				img.closeBacking()
				return nil, fmt.Errorf("qcow2: repairing dirty image: %w", err)
			}
			img.h.incompatible &^= incDirty
			if err := img.writeHeader(); err != nil {
				img.closeBacking()
				return nil, err
			}
		}
	}
	return img, nil
}

func (img *Image) closeBacking() {
	if img.backing != nil {
		img.backing.Close()
	}
}

// markRange records host clusters holding metadata.
func (img *Image) markRange(off, n uint64) {
	cs := uint64(img.cs)
	if n == 0 {
		return
	}
	for c := off / cs; c <= (off+n-1)/cs; c++ {
		img.meta[c] = true
	}
}

// validTable checks a table's placement.
func (img *Image) validTable(off, n uint64, fsize int64, what string) error {
	if off%uint64(img.cs) != 0 {
		return fmt.Errorf("%s offset invalid", what)
	}
	if n > 0 && (off == 0 || off+n < off || off+n > uint64(fsize)+uint64(img.cs)) {
		return fmt.Errorf("%s at %#x (%d bytes) lies outside the image file (%d bytes)", what, off, n, fsize)
	}
	return nil
}

// fileLimit is the offset past which no metadata may lie: the file's size
// rounded up to a cluster, plus what we allocated since.
func (img *Image) fileLimit() uint64 {
	size, err := img.f.Size()
	if err != nil {
		return 0
	}
	return (uint64(size)+uint64(img.cs)-1)&^(uint64(img.cs)-1) + uint64(img.cs)
}

// corrupt marks the image corrupt (in the file when writable, as QEMU
// does) and returns an error wrapping block.ErrCorrupt.
func (img *Image) corrupt(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if !img.isCorrupt && !img.ro && img.h.version >= 3 {
		img.h.incompatible |= incCorrupt
		img.writeHeader() // best effort: the error below is what matters
	}
	img.isCorrupt = true
	return fmt.Errorf("qcow2: Marking image as corrupt: %s: %w", msg, block.ErrCorrupt)
}

// Size is the virtual disk size.
func (img *Image) Size() int64 {
	img.mu.Lock()
	defer img.mu.Unlock()
	return int64(img.h.size)
}

// ClusterSize is the cluster size in bytes.
func (img *Image) ClusterSize() int64 { return img.cs }

func (img *Image) writeHeader() error {
	b, err := img.h.encode()
	if err != nil {
		return err
	}
	// Clear the rest of the old header area up to the end of what we
	// may have written before, in the same write.
	if _, err := img.f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("qcow2: writing header: %w", err)
	}
	return nil
}

// ensureDirtyMarked sets the dirty bit before the first change whose
// refcounts may reach the disk late (lazy refcounts, snapshot updates).
func (img *Image) ensureDirtyMarked() error {
	if img.dirtyMarked || img.h.version < 3 {
		return nil
	}
	img.h.incompatible |= incDirty
	if err := img.writeHeader(); err != nil {
		return err
	}
	if err := img.f.Sync(); err != nil {
		return err
	}
	img.dirtyMarked = true
	return nil
}

func (img *Image) markClean() error {
	if !img.dirtyMarked {
		return nil
	}
	if err := img.f.Sync(); err != nil {
		return err
	}
	img.h.incompatible &^= incDirty
	if err := img.writeHeader(); err != nil {
		return err
	}
	img.dirtyMarked = false
	return nil
}

// --- L2 tables ---

func (img *Image) l1Index(off uint64) uint64 { return off / (uint64(img.cs) * img.l2n) }
func (img *Image) l2Index(off uint64) uint64 { return off / uint64(img.cs) % img.l2n }

// loadL2 returns the L2 table at host offset off.
func (img *Image) loadL2(off uint64) (*l2Table, error) {
	img.tick++
	if t, ok := img.l2Cache[off]; ok {
		t.tick = img.tick
		return t, nil
	}
	if off%uint64(img.cs) != 0 {
		return nil, img.corrupt("L2 table offset %#x unaligned", off)
	}
	if off >= img.fileLimit() {
		return nil, img.corrupt("L2 table at %#x lies beyond the end of the image file", off)
	}
	if img.otherMetadata(off) {
		return nil, img.corrupt("L2 table at %#x overlaps other metadata", off)
	}
	if err := img.evictL2(); err != nil {
		return nil, err
	}
	b := make([]byte, img.cs)
	if _, err := img.f.ReadAt(b, int64(off)); err != nil {
		return nil, fmt.Errorf("qcow2: reading L2 table at %#x: %w", off, err)
	}
	t := &l2Table{off: off, e: make([]uint64, img.cs/8), tick: img.tick}
	for i := range t.e {
		t.e[i] = binary.BigEndian.Uint64(b[8*i:])
	}
	img.l2Cache[off] = t
	return t, nil
}

// evictL2 drops the least recently used table when the cache is full,
// writing metadata out in order first if it is dirty.
func (img *Image) evictL2() error {
	if len(img.l2Cache) < img.l2Max {
		return nil
	}
	var victim *l2Table
	for _, t := range img.l2Cache {
		if victim == nil || t.tick < victim.tick {
			victim = t
		}
	}
	if victim.dirty {
		if err := img.flushMeta(); err != nil {
			return err
		}
	}
	delete(img.l2Cache, victim.off)
	return nil
}

func (t *l2Table) encode() []byte {
	b := make([]byte, 8*len(t.e))
	for i, e := range t.e {
		binary.BigEndian.PutUint64(b[8*i:], e)
	}
	return b
}

// entry returns L2 entry i and its subcluster bitmap.
func (img *Image) entry(t *l2Table, i uint64) (uint64, uint64) {
	if img.ext {
		return t.e[2*i], t.e[2*i+1]
	}
	return t.e[i], 0
}

func (img *Image) setEntry(t *l2Table, i, e, bm uint64) {
	if img.ext {
		t.e[2*i], t.e[2*i+1] = e, bm
	} else {
		t.e[i] = e
	}
	t.dirty = true
}

// flushMeta writes cached metadata in dependency order and then applies
// queued refcount drops.
func (img *Image) flushMeta() error {
	if err := img.writeDirtyBlocks(); err != nil {
		return err
	}
	offs := make([]uint64, 0, 8)
	for off, t := range img.l2Cache {
		if t.dirty {
			offs = append(offs, off)
		}
	}
	sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
	for _, off := range offs {
		t := img.l2Cache[off]
		if _, err := img.f.WriteAt(t.encode(), int64(off)); err != nil {
			return fmt.Errorf("qcow2: writing L2 table at %#x: %w", off, err)
		}
		t.dirty = false
	}
	if img.l1Dirty {
		if err := img.writeL1(); err != nil {
			return err
		}
	}
	return img.applyFrees()
}

func (img *Image) writeL1() error {
	b := make([]byte, 8*len(img.l1))
	for i, e := range img.l1 {
		binary.BigEndian.PutUint64(b[8*i:], e)
	}
	if _, err := img.f.WriteAt(b, int64(img.h.l1Offset)); err != nil {
		return fmt.Errorf("qcow2: writing L1 table: %w", err)
	}
	img.l1Dirty = false
	return nil
}

// Flush writes metadata in order and syncs the file.
func (img *Image) Flush() error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if img.ro {
		return nil
	}
	if err := img.flushMeta(); err != nil {
		return err
	}
	if err := img.f.Sync(); err != nil {
		return err
	}
	if img.backing != nil {
		// Backing files are read-only here; nothing to flush.
		_ = img.backing
	}
	return nil
}

// Close flushes and releases the image (and its backing image).
func (img *Image) Close() error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if img.closed {
		return nil
	}
	img.closed = true
	if img.zdec != nil {
		img.zdec.Close()
		img.zdec = nil
	}
	var err error
	if !img.ro {
		err = img.flushMeta()
		if err == nil && !img.lazyKeepDirty() {
			err = img.markClean()
		}
		if e := img.f.Sync(); err == nil {
			err = e
		}
	}
	// The backing image is owned by whoever opened it (block.Node).
	return err
}

func (img *Image) lazyKeepDirty() bool { return false }

// --- reading ---

// Cluster kinds.
const (
	kindUnalloc = iota // read from the backing file (or zeroes)
	kindZero
	kindData
	kindCompressed
)

// run is a stretch of guest bytes stored the same way.
type run struct {
	kind  int
	host  uint64 // data: host offset of the first byte; compressed: L2 entry
	n     int64
	depth int
}

// lookup classifies the guest range starting at off (at most n bytes, all
// within one L2 table's reach) as one run.
func (img *Image) lookup(off uint64, n int64) (run, error) {
	cs := uint64(img.cs)
	l1i := img.l1Index(off)
	span := uint64(img.cs)*img.l2n - off%(uint64(img.cs)*img.l2n)
	if uint64(n) > span {
		n = int64(span)
	}
	if l1i >= uint64(len(img.l1)) || img.l1[l1i]&offsetMask == 0 {
		return run{kind: kindUnalloc, n: n}, nil
	}
	if img.l1[l1i]&l1Reserved != 0 {
		// QEMU ignores reserved bits on read; so do we.
	}
	t, err := img.loadL2(img.l1[l1i] & offsetMask)
	if err != nil {
		return run{}, err
	}
	i := img.l2Index(off)
	first, err := img.classify(t, i, off%cs)
	if err != nil {
		return run{}, err
	}
	if first.n >= n {
		first.n = n
		return first, nil
	}
	if first.kind == kindCompressed || (img.ext && off%cs+uint64(first.n) < cs) {
		return first, nil
	}
	// Extend across following clusters of the same kind.
	total := first.n
	for j := i + 1; j < img.l2n && total < n; j++ {
		r, err := img.classify(t, j, 0)
		if err != nil {
			return run{}, err
		}
		if r.kind != first.kind || r.kind == kindCompressed {
			break
		}
		if (r.host != 0) != (first.host != 0) {
			break
		}
		if r.host != 0 && r.host != first.host+uint64(total) {
			break
		}
		total += r.n
		if r.n < img.cs {
			break
		}
	}
	first.n = min(total, n)
	return first, nil
}

// classify describes L2 entry i from byte inCl of its cluster to the end
// of the cluster (or of the subcluster run).
func (img *Image) classify(t *l2Table, i, inCl uint64) (run, error) {
	e, bm := img.entry(t, i)
	cs := uint64(img.cs)
	r := run{n: int64(cs - inCl)}
	if e&oflagCompressed != 0 {
		if img.ext && bm != 0 {
			return r, img.corrupt("compressed cluster entry %#x has a subcluster bitmap %#x", e, bm)
		}
		r.kind, r.host = kindCompressed, e
		return r, nil
	}
	hostOff := e & offsetMask
	if !img.ext {
		switch {
		case e&oflagZero != 0 && img.h.version >= 3:
			r.kind = kindZero
			if hostOff != 0 && hostOff%cs == 0 {
				r.host = hostOff + inCl // preallocated zero cluster
			}
		case hostOff == 0:
			r.kind = kindUnalloc
		default:
			if hostOff%cs != 0 {
				return r, img.corrupt("cluster allocation offset %#x unaligned (L2 offset: %#x, L2 index: %#x)", hostOff, t.off, i)
			}
			r.kind, r.host = kindData, hostOff+inCl
		}
		return r, nil
	}
	// Extended L2: walk the subclusters with the same status.
	alloc, zero := uint32(bm), uint32(bm>>32)
	if alloc&zero != 0 {
		return r, img.corrupt("subclusters %#x of L2 entry %#x are both allocated and zero", alloc&zero, e)
	}
	if alloc != 0 && hostOff == 0 {
		return r, img.corrupt("L2 entry %#x has allocated subclusters but no cluster", e)
	}
	if hostOff%cs != 0 {
		return r, img.corrupt("cluster allocation offset %#x unaligned (L2 offset: %#x, L2 index: %#x)", hostOff, t.off, i)
	}
	sc := uint64(img.scSize)
	k := inCl / sc
	status := func(k uint64) int {
		switch {
		case alloc>>k&1 != 0:
			return kindData
		case zero>>k&1 != 0:
			return kindZero
		}
		return kindUnalloc
	}
	kind := status(k)
	end := k + 1
	for end < 32 && status(end) == kind {
		end++
	}
	r.kind = kind
	r.n = int64(end*sc - inCl)
	if hostOff != 0 {
		// Every subcluster of an allocated cluster has a host offset.
		r.host = hostOff + inCl
	}
	return r, nil
}

// ReadAt reads guest data.
func (img *Image) ReadAt(p []byte, off int64) (int, error) {
	img.mu.Lock()
	defer img.mu.Unlock()
	if off < 0 || off > int64(img.h.size) || int64(len(p)) > int64(img.h.size)-off {
		return 0, fmt.Errorf("qcow2: read of %d bytes at %d: %w", len(p), off, block.ErrOutOfRange)
	}
	done := 0
	for done < len(p) {
		r, err := img.lookup(uint64(off)+uint64(done), int64(len(p)-done))
		if err != nil {
			return done, err
		}
		buf := p[done : done+int(r.n)]
		if err := img.readRun(r, buf, off+int64(done)); err != nil {
			return done, err
		}
		done += int(r.n)
	}
	return len(p), nil
}

func (img *Image) readRun(r run, buf []byte, guestOff int64) error {
	switch r.kind {
	case kindZero:
		clear(buf)
	case kindUnalloc:
		return img.readBacking(buf, guestOff)
	case kindData:
		if _, err := img.f.ReadAt(buf, int64(r.host)); err != nil {
			return fmt.Errorf("qcow2: reading data at %#x: %w", r.host, err)
		}
	case kindCompressed:
		c, err := img.decompressCluster(r.host)
		if err != nil {
			return err
		}
		copy(buf, c[guestOff%img.cs:])
	}
	return nil
}

// readBacking reads from the backing image, zero beyond its end.
func (img *Image) readBacking(buf []byte, off int64) error {
	if img.backing == nil {
		clear(buf)
		return nil
	}
	bs := img.backing.Size()
	n := int64(len(buf))
	if off >= bs {
		clear(buf)
		return nil
	}
	if off+n > bs {
		clear(buf[bs-off:])
		buf = buf[:bs-off]
	}
	if _, err := img.backing.ReadAt(buf, off); err != nil {
		return fmt.Errorf("qcow2: reading backing file: %w", err)
	}
	return nil
}

// --- extents (qemu-img map) ---

// MapExtent describes the run at off, following the backing chain for
// unallocated parts.
func (img *Image) MapExtent(off, n int64) (block.Extent, error) {
	img.mu.Lock()
	if off < 0 || off > int64(img.h.size) || n > int64(img.h.size)-off {
		img.mu.Unlock()
		return block.Extent{}, block.ErrOutOfRange
	}
	r, err := img.lookup(uint64(off), n)
	img.mu.Unlock()
	if err != nil {
		return block.Extent{}, err
	}
	e := block.Extent{Start: off, Length: r.n, Offset: -1}
	if nm, ok := img.f.(block.Namer); ok && r.kind == kindData {
		e.File = nm.Name()
	}
	switch r.kind {
	case kindData:
		e.Data, e.Present, e.Offset = true, true, int64(r.host)
		// Like QEMU, ask the host file whether the data is a hole.
		if ds, ok := img.f.(block.DataSeeker); ok {
			h := int64(r.host)
			nd, err := ds.NextData(h)
			switch {
			case err == io.EOF:
				e.Zero = true
			case err != nil:
			case nd > h:
				e.Zero = true
				e.Length = min(e.Length, nd-h)
			default:
				if nh, err := ds.NextHole(h); err == nil && nh > h {
					e.Length = min(e.Length, nh-h)
				}
			}
		}
	case kindCompressed:
		e.Data, e.Present, e.Compressed = true, true, true
	case kindZero:
		e.Zero, e.Present = true, true
		if r.host != 0 {
			e.Offset = int64(r.host)
		}
	case kindUnalloc:
		if img.backing == nil || off >= img.backing.Size() {
			e.Zero = true
			if r.host != 0 {
				e.Offset = int64(r.host)
			}
			if img.backing != nil {
				// Beyond the backing file's end: zeroes, at depth 1.
				e.Depth = 1
			}
			return e, nil
		}
		m, ok := img.backing.(block.Mapper)
		if !ok {
			e.Data, e.Present, e.Depth = true, true, 1
			return e, nil
		}
		be, err := m.MapExtent(off, min(r.n, img.backing.Size()-off))
		if err != nil {
			return e, err
		}
		be.Depth++
		return be, nil
	}
	return e, nil
}

var errClosed = errors.New("qcow2: image is closed")
