// Package vmdk is VMware's virtual disk format, as described in VMware's
// "Virtual Disk Format 5.0": descriptor files with several extents,
// hosted sparse extents (monolithicSparse, twoGbMaxExtentSparse), flat
// extents (monolithicFlat, twoGbMaxExtentFlat) and streamOptimized images
// with compressed grains.
package vmdk

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/zlib"

	"gemu/block"
)

// Sparse extent header (little endian), "Hosted Sparse Extent Header".
const (
	sparseMagic = 0x564d444b // "KDMV"

	flagNewline    = 1 << 0
	flagRGD        = 1 << 1
	flagZeroGrain  = 1 << 2
	flagCompressed = 1 << 16
	flagMarkers    = 1 << 17

	gdAtEnd = ^uint64(0)

	markerEOS    = 0
	markerGT     = 1
	markerGD     = 2
	markerFooter = 3

	maxGrainSectors = 2048 // 1 MiB grains at most
	maxGTEs         = 1 << 16
	maxGDEntries    = 1 << 24
)

type sparseHeader struct {
	version      uint32
	flags        uint32
	capacity     uint64 // sectors
	grainSize    uint64 // sectors
	descOffset   uint64
	descSize     uint64
	numGTEsPerGT uint32
	rgdOffset    uint64
	gdOffset     uint64
	overhead     uint64
	unclean      uint8
	compressAlgo uint16
}

func parseSparseHeader(b []byte) (*sparseHeader, error) {
	if len(b) < 512 {
		return nil, fmt.Errorf("vmdk: sparse header truncated")
	}
	le := binary.LittleEndian
	if le.Uint32(b) != sparseMagic {
		return nil, fmt.Errorf("vmdk: not a sparse extent (bad magic)")
	}
	h := &sparseHeader{
		version:      le.Uint32(b[4:]),
		flags:        le.Uint32(b[8:]),
		capacity:     le.Uint64(b[12:]),
		grainSize:    le.Uint64(b[20:]),
		descOffset:   le.Uint64(b[28:]),
		descSize:     le.Uint64(b[36:]),
		numGTEsPerGT: le.Uint32(b[44:]),
		rgdOffset:    le.Uint64(b[48:]),
		gdOffset:     le.Uint64(b[56:]),
		overhead:     le.Uint64(b[64:]),
		unclean:      b[72],
		compressAlgo: le.Uint16(b[77:]),
	}
	if h.version == 0 || h.version > 3 {
		return nil, fmt.Errorf("vmdk: unsupported sparse extent version %d", h.version)
	}
	if h.grainSize == 0 || h.grainSize > maxGrainSectors || h.grainSize&(h.grainSize-1) != 0 {
		return nil, fmt.Errorf("vmdk: invalid grain size %d sectors", h.grainSize)
	}
	if h.numGTEsPerGT == 0 || h.numGTEsPerGT > maxGTEs {
		return nil, fmt.Errorf("vmdk: invalid number of grain table entries %d", h.numGTEsPerGT)
	}
	if h.capacity > 1<<41 {
		return nil, fmt.Errorf("vmdk: capacity %d sectors is too large", h.capacity)
	}
	if h.flags&flagCompressed != 0 && h.compressAlgo != 1 {
		return nil, fmt.Errorf("vmdk: unsupported compression algorithm %d", h.compressAlgo)
	}
	if h.descSize > maxDescriptor/512 {
		return nil, fmt.Errorf("vmdk: descriptor of %d sectors is too large", h.descSize)
	}
	return h, nil
}

func (h *sparseHeader) encode() []byte {
	b := make([]byte, 512)
	le := binary.LittleEndian
	le.PutUint32(b, sparseMagic)
	le.PutUint32(b[4:], h.version)
	le.PutUint32(b[8:], h.flags)
	le.PutUint64(b[12:], h.capacity)
	le.PutUint64(b[20:], h.grainSize)
	le.PutUint64(b[28:], h.descOffset)
	le.PutUint64(b[36:], h.descSize)
	le.PutUint32(b[44:], h.numGTEsPerGT)
	le.PutUint64(b[48:], h.rgdOffset)
	le.PutUint64(b[56:], h.gdOffset)
	le.PutUint64(b[64:], h.overhead)
	b[72] = h.unclean
	b[73], b[74], b[75], b[76] = '\n', ' ', '\r', '\n'
	le.PutUint16(b[77:], h.compressAlgo)
	return b
}

// Format is the vmdk format.
type Format struct{}

// Name is "vmdk".
func (Format) Name() string { return "vmdk" }

// Probe recognises a sparse extent header or a descriptor file.
func (Format) Probe(head []byte) int {
	if len(head) >= 4 && binary.LittleEndian.Uint32(head) == sparseMagic {
		return 100
	}
	s := string(head)
	if strings.HasPrefix(s, "# Disk DescriptorFile") || strings.Contains(s, "\ncreateType=") && strings.Contains(s, "version=") {
		return 100
	}
	return 0
}

// extent is one part of the disk.
type extent interface {
	sectors() int64
	readAt(p []byte, off int64, backing func(p []byte, off int64) error) error
	writeAt(p []byte, off int64, backing func(p []byte, off int64) error) error
	mapAt(off, n int64) (block.Extent, error)
	flush() error
	close() error
	info() []block.Field
}

// Image is an open vmdk image.
type Image struct {
	mu      sync.Mutex
	desc    *descriptor
	extents []extent
	starts  []int64 // byte offset of each extent
	size    int64
	ro      bool
	backing block.Image
	own     []block.File // extent files we opened (closed on Close)
	stream  bool
}

// Open opens a vmdk image: a sparse extent with an embedded descriptor or
// a descriptor file naming extent files.
func (Format) Open(f block.File, o block.OpenOptions) (block.Image, error) {
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	head := make([]byte, min(size, 512))
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, err
	}
	img := &Image{ro: o.ReadOnly}
	var desc *descriptor
	var self *sparseExtent
	if len(head) >= 4 && binary.LittleEndian.Uint32(head) == sparseMagic {
		se, err := openSparse(f, o.ReadOnly)
		if err != nil {
			return nil, err
		}
		self = se
		se.self = true
		if se.h.descOffset != 0 && se.h.descSize != 0 {
			db := make([]byte, se.h.descSize*512)
			if _, err := f.ReadAt(db, int64(se.h.descOffset)*512); err != nil {
				return nil, fmt.Errorf("vmdk: reading descriptor: %w", err)
			}
			if i := bytes.IndexByte(db, 0); i >= 0 {
				db = db[:i]
			}
			desc, err = parseDescriptor(string(db))
			if err != nil {
				return nil, fmt.Errorf("vmdk: %w", err)
			}
		} else {
			desc = &descriptor{createType: "monolithicSparse", parentCID: 0xffffffff,
				extents: []extentDesc{{access: "RW", sectors: int64(se.h.capacity), typ: "SPARSE"}}}
		}
	} else {
		if size > maxDescriptor {
			return nil, fmt.Errorf("vmdk: descriptor file of %d bytes is too large", size)
		}
		db := make([]byte, size)
		if _, err := f.ReadAt(db, 0); err != nil {
			return nil, err
		}
		desc, err = parseDescriptor(string(db))
		if err != nil {
			return nil, fmt.Errorf("vmdk: %w", err)
		}
	}
	img.desc = desc
	img.stream = desc.createType == "streamOptimized"
	for i, ed := range desc.extents {
		var ext extent
		ro := o.ReadOnly || ed.access != "RW"
		switch ed.typ {
		case "ZERO":
			ext = zeroExtent(ed.sectors)
		case "SPARSE", "VMFSSPARSE":
			if self != nil && i == 0 {
				ext = self
				break
			}
			if o.OpenFile == nil {
				img.closeOwn()
				return nil, fmt.Errorf("vmdk: cannot open extent '%s' without a directory", ed.file)
			}
			ef, err := o.OpenFile(ed.file, ro)
			if err != nil {
				img.closeOwn()
				return nil, fmt.Errorf("vmdk: extent '%s': %w", ed.file, err)
			}
			img.own = append(img.own, ef)
			se, err := openSparse(ef, ro)
			if err != nil {
				img.closeOwn()
				return nil, fmt.Errorf("vmdk: extent '%s': %w", ed.file, err)
			}
			se.name = ed.file
			ext = se
		case "FLAT", "VMFS":
			if o.OpenFile == nil {
				img.closeOwn()
				return nil, fmt.Errorf("vmdk: cannot open extent '%s' without a directory", ed.file)
			}
			ef, err := o.OpenFile(ed.file, ro)
			if err != nil {
				img.closeOwn()
				return nil, fmt.Errorf("vmdk: extent '%s': %w", ed.file, err)
			}
			img.own = append(img.own, ef)
			fe := &flatExtent{f: ef, n: ed.sectors, off: ed.offset * 512, name: ed.file, ro: ro}
			if nm, ok := ef.(block.Namer); ok {
				fe.name = nm.Name()
			}
			ext = fe
		}
		if se, ok := ext.(*sparseExtent); ok {
			if nm, ok := se.f.(block.Namer); ok {
				se.name = nm.Name() // the path as opened, like QEMU shows
			} else if se.name == "" {
				se.name = ed.file
			}
			if int64(se.h.capacity) < ed.sectors {
				img.closeOwn()
				return nil, fmt.Errorf("vmdk: extent '%s' holds %d sectors, descriptor says %d", ed.file, se.h.capacity, ed.sectors)
			}
			se.n = ed.sectors
		}
		img.starts = append(img.starts, img.size)
		img.extents = append(img.extents, ext)
		img.size += ed.sectors * 512
		if img.size > 1<<62 {
			img.closeOwn()
			return nil, fmt.Errorf("vmdk: disk too large")
		}
	}
	if desc.parentCID != 0xffffffff && desc.parentHint != "" && o.Backing != nil && !o.NoBacking {
		b, err := o.Backing(desc.parentHint, "vmdk")
		if err != nil {
			img.closeOwn()
			return nil, err
		}
		img.backing = b
	}
	return img, nil
}

func (img *Image) closeOwn() {
	for _, f := range img.own {
		f.Close()
	}
	img.own = nil
}

// Size is the disk size.
func (img *Image) Size() int64 { return img.size }

func (img *Image) find(off int64) int {
	lo, hi := 0, len(img.starts)-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if img.starts[m] <= off {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}

func (img *Image) readBacking(p []byte, off int64) error {
	if img.backing == nil || off >= img.backing.Size() {
		clear(p)
		return nil
	}
	n := min(int64(len(p)), img.backing.Size()-off)
	clear(p[n:])
	_, err := img.backing.ReadAt(p[:n], off)
	return err
}

func (img *Image) span(p []byte, off int64, fn func(e extent, p []byte, in int64, base int64) error) error {
	if off < 0 || off > img.size || int64(len(p)) > img.size-off {
		return fmt.Errorf("vmdk: %d bytes at %d: %w", len(p), off, block.ErrOutOfRange)
	}
	for len(p) > 0 {
		i := img.find(off)
		in := off - img.starts[i]
		n := min(int64(len(p)), img.extents[i].sectors()*512-in)
		if err := fn(img.extents[i], p[:n], in, img.starts[i]); err != nil {
			return err
		}
		p, off = p[n:], off+n
	}
	return nil
}

// ReadAt reads guest data.
func (img *Image) ReadAt(p []byte, off int64) (int, error) {
	img.mu.Lock()
	defer img.mu.Unlock()
	err := img.span(p, off, func(e extent, p []byte, in, base int64) error {
		return e.readAt(p, in, func(q []byte, o int64) error { return img.readBacking(q, base+o) })
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteAt writes guest data. streamOptimized images take whole grains
// only, through WriteCompressed.
func (img *Image) WriteAt(p []byte, off int64) (int, error) {
	img.mu.Lock()
	defer img.mu.Unlock()
	if img.ro {
		return 0, block.ErrReadOnly
	}
	err := img.span(p, off, func(e extent, p []byte, in, base int64) error {
		return e.writeAt(p, in, func(q []byte, o int64) error { return img.readBacking(q, base+o) })
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// MapExtent reports how a range is stored.
func (img *Image) MapExtent(off, n int64) (block.Extent, error) {
	img.mu.Lock()
	if off < 0 || off >= img.size || n > img.size-off {
		img.mu.Unlock()
		return block.Extent{}, block.ErrOutOfRange
	}
	i := img.find(off)
	in := off - img.starts[i]
	n = min(n, img.extents[i].sectors()*512-in)
	e, err := img.extents[i].mapAt(in, n)
	img.mu.Unlock()
	if err != nil {
		return e, err
	}
	e.Start = off
	if !e.Present && img.backing != nil && off < img.backing.Size() {
		if m, ok := img.backing.(block.Mapper); ok {
			be, err := m.MapExtent(off, min(e.Length, img.backing.Size()-off))
			if err != nil {
				return e, err
			}
			be.Depth++
			return be, nil
		}
	}
	return e, nil
}

// Flush writes metadata and syncs every extent file.
func (img *Image) Flush() error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if img.ro {
		return nil
	}
	for _, e := range img.extents {
		if err := e.flush(); err != nil {
			return err
		}
	}
	return nil
}

// Close flushes and closes the extent files vmdk opened itself.
func (img *Image) Close() error {
	err := img.Flush()
	img.mu.Lock()
	defer img.mu.Unlock()
	for _, e := range img.extents {
		if cerr := e.close(); err == nil {
			err = cerr
		}
	}
	img.closeOwn()
	return err
}

// Backing returns the parent image, if open.
func (img *Image) Backing() block.Image { return img.backing }

// BackingFile is the parent file name hint.
func (img *Image) BackingFile() string {
	if img.desc.parentCID == 0xffffffff {
		return ""
	}
	return img.desc.parentHint
}

// BackingFormat is "vmdk": a vmdk parent is always a vmdk image.
func (img *Image) BackingFormat() string {
	if img.BackingFile() == "" {
		return ""
	}
	return "vmdk"
}

// SetBacking is not supported: it would rewrite the descriptor in place.
func (img *Image) SetBacking(file, format string) error {
	return fmt.Errorf("vmdk: changing the parent is not supported: %w", block.ErrUnsupported)
}

// Info reports the descriptor's facts and each extent, as qemu-img info.
func (img *Image) Info() block.Info {
	var exts [][]block.Field
	var cs int64
	for _, e := range img.extents {
		exts = append(exts, e.info())
		if se, ok := e.(*sparseExtent); ok && cs == 0 {
			cs = int64(se.h.grainSize) * 512
		}
	}
	return block.Info{
		ClusterSize: cs,
		Specific: &block.Specific{Type: "vmdk", Fields: []block.Field{
			{Key: "cid", Human: "cid", Value: int64(img.desc.cid)},
			{Key: "parent-cid", Human: "parent cid", Value: int64(img.desc.parentCID)},
			{Key: "create-type", Human: "create type", Value: img.desc.createType},
			{Key: "extents", Human: "extents", Value: exts},
		}},
	}
}

// Check verifies that every allocated grain lies inside its extent file.
func (img *Image) Check(fix block.CheckFix) (block.CheckResult, error) {
	img.mu.Lock()
	defer img.mu.Unlock()
	var res block.CheckResult
	for _, e := range img.extents {
		se, ok := e.(*sparseExtent)
		if !ok {
			continue
		}
		if err := se.check(&res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// ClusterSize is the grain size of the first sparse extent.
func (img *Image) ClusterSize() int64 {
	for _, e := range img.extents {
		if se, ok := e.(*sparseExtent); ok {
			return int64(se.h.grainSize) * 512
		}
	}
	return 65536
}

// RequiresCompression is true for streamOptimized images: every grain
// must be written whole and compressed.
func (img *Image) RequiresCompression() bool { return img.stream }

// NewCompressor returns a zlib compressor for grains.
func (img *Image) NewCompressor() block.Compressor { return &grainCompressor{} }

// WriteCompressed stores one whole grain compressed (z from a Compressor,
// or nil to store it uncompressed where the extent allows).
func (img *Image) WriteCompressed(off int64, data, z []byte) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if img.ro {
		return block.ErrReadOnly
	}
	i := img.find(off)
	se, ok := img.extents[i].(*sparseExtent)
	if !ok || se.h.flags&flagCompressed == 0 {
		return img.span(data, off, func(e extent, p []byte, in, base int64) error {
			return e.writeAt(p, in, func(q []byte, o int64) error { return img.readBacking(q, base+o) })
		})
	}
	if z == nil {
		c := &grainCompressor{}
		var err error
		if z, err = c.compressAlways(data); err != nil {
			return err
		}
	}
	return se.writeCompressed(off-img.starts[i], data, z)
}

// grainCompressor makes zlib streams (RFC 1950), as streamOptimized grains
// hold.
type grainCompressor struct {
	buf bytes.Buffer
	w   *zlib.Writer
}

func (c *grainCompressor) compressAlways(src []byte) ([]byte, error) {
	c.buf.Reset()
	if c.w == nil {
		w, err := zlib.NewWriterLevel(&c.buf, zlib.DefaultCompression)
		if err != nil {
			return nil, err
		}
		c.w = w
	} else {
		c.w.Reset(&c.buf)
	}
	if _, err := c.w.Write(src); err != nil {
		return nil, err
	}
	if err := c.w.Close(); err != nil {
		return nil, err
	}
	return c.buf.Bytes(), nil
}

// Compress always compresses: streamOptimized grains have no
// uncompressed form.
func (c *grainCompressor) Compress(src []byte) ([]byte, error) {
	z, err := c.compressAlways(src)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(z), nil
}

func inflate(dst, src []byte) error {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.ReadFull(r, dst)
	return err
}

var (
	_ block.Format  = Format{}
	_ block.Mapper  = (*Image)(nil)
	_ block.Infoer  = (*Image)(nil)
	_ block.Checker = (*Image)(nil)
)

// ExtraAllocatedSize is the host space of the extent files besides the
// image file itself (qemu-img info's "disk size" counts them all).
func (img *Image) ExtraAllocatedSize() int64 {
	var n int64
	for _, f := range img.own {
		if as, ok := f.(block.AllocatedSizer); ok {
			if v, err := as.AllocatedSize(); err == nil {
				n += v
			}
		}
	}
	return n
}
