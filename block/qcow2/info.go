package qcow2

import (
	"encoding/binary"
	"fmt"

	"gemu/block"
)

// Info reports qcow2's qemu-img info fields.
func (img *Image) Info() block.Info {
	img.mu.Lock()
	defer img.mu.Unlock()
	h := img.h
	ctype := "zlib"
	if h.compressionType == compressZstd {
		ctype = "zstd"
	}
	var f []block.Field
	if h.version < 3 {
		f = []block.Field{
			{Key: "compat", Human: "compat", Value: "0.10"},
			{Key: "compression-type", Human: "compression type", Value: ctype},
			{Key: "refcount-bits", Human: "refcount bits", Value: int64(1) << h.refcountOrder},
		}
	} else {
		f = []block.Field{
			{Key: "compat", Human: "compat", Value: "1.1"},
			{Key: "compression-type", Human: "compression type", Value: ctype},
			{Key: "lazy-refcounts", Human: "lazy refcounts", Value: h.compatible&compatLazyRefcounts != 0},
		}
		if bm := img.bitmapInfo(); bm != nil {
			f = append(f, block.Field{Key: "bitmaps", Human: "bitmaps", Value: bm})
		}
		f = append(f, []block.Field{
			{Key: "refcount-bits", Human: "refcount bits", Value: int64(1) << h.refcountOrder},
			{Key: "corrupt", Human: "corrupt", Value: h.incompatible&incCorrupt != 0},
			{Key: "extended-l2", Human: "extended l2", Value: h.incompatible&incExtL2 != 0},
		}...)
	}
	return block.Info{
		ClusterSize: img.cs,
		Dirty:       h.incompatible&incDirty != 0,
		Specific:    &block.Specific{Type: "qcow2", Fields: f},
	}
}

// Backing returns the open backing image, if any.
func (img *Image) Backing() block.Image { return img.backing }

// BackingFile is the backing file name recorded in the header.
func (img *Image) BackingFile() string { return img.h.backingFile }

// BackingFormat is the recorded backing format ("" if none).
func (img *Image) BackingFormat() string { return img.h.backingFmt }

// SetBacking rewrites the backing file name and format (rebase).
func (img *Image) SetBacking(file, format string) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(0, 0); err != nil {
		return err
	}
	if len(file) > maxBackingName {
		return fmt.Errorf("Backing file name too long")
	}
	old, oldFmt := img.h.backingFile, img.h.backingFmt
	img.h.backingFile, img.h.backingFmt = file, format
	if file == "" {
		img.h.backingFmt = ""
	}
	if _, err := img.h.encode(); err != nil {
		img.h.backingFile, img.h.backingFmt = old, oldFmt
		return err
	}
	return img.writeHeader()
}

// SetBackingImage replaces the open backing image (rebase, commit).
func (img *Image) SetBackingImage(b block.Image) {
	img.mu.Lock()
	defer img.mu.Unlock()
	img.backing = b
}

// Resize grows the image, or shrinks it when allowed and no snapshot
// prevents it, freeing clusters past the new end.
func (img *Image) Resize(size int64, o block.ResizeOptions) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(0, 0); err != nil {
		return err
	}
	if size < 0 || size%block.Sector != 0 {
		return fmt.Errorf("qcow2: size %d is not a multiple of 512", size)
	}
	old := int64(img.h.size)
	if size == old {
		return nil
	}
	if size < old {
		if !o.Shrink {
			return fmt.Errorf("Use the --shrink option to perform a shrink operation.")
		}
		if len(img.snaps) > 0 {
			return fmt.Errorf("Can't resize an image which has snapshots: %w", block.ErrUnsupported)
		}
		if err := img.ensureDirtyMarked(); err != nil {
			return err
		}
		// Drop the clusters past the new end; a partial last cluster
		// keeps its data (the tail is never read).
		cs := uint64(img.cs)
		first := (uint64(size) + cs - 1) / cs * cs
		for off := first; off < uint64(old); off += cs {
			l1i := img.l1Index(off)
			if l1i >= uint64(len(img.l1)) || img.l1[l1i]&offsetMask == 0 {
				continue
			}
			t, err := img.l2ForWrite(l1i)
			if err != nil {
				return err
			}
			i := img.l2Index(off)
			if e, _ := img.entry(t, i); e != 0 || img.ext {
				img.releaseEntry(e)
				img.setEntry(t, i, 0, 0)
			}
		}
		// Free L2 tables wholly past the end.
		keep := img.l1Entries(uint64(size))
		for i := keep; i < uint64(len(img.l1)); i++ {
			if off := img.l1[i] & offsetMask; off != 0 {
				if err := img.flushMeta(); err != nil {
					return err
				}
				img.l1[i] = 0
				img.l1Dirty = true
				delete(img.l2Cache, off)
				delete(img.meta, off/cs)
				img.free(off)
			}
		}
		img.h.size = uint64(size)
		if err := img.flushMeta(); err != nil {
			return err
		}
		if err := img.writeHeader(); err != nil {
			return err
		}
		return img.endMetaUpdate()
	}
	need := img.l1Entries(uint64(size))
	if need > uint64(len(img.l1)) {
		if err := img.growL1Exact(need); err != nil {
			return err
		}
	}
	// The old partial last cluster may hold stale bytes past the old end:
	// zero them so the grown area reads as zeroes.
	cs := uint64(img.cs)
	if tail := uint64(old) % cs; tail != 0 {
		n := min(cs-tail, uint64(size)-uint64(old))
		img.h.size = uint64(size)
		if err := img.zeroTail(uint64(old), n); err != nil {
			return err
		}
	}
	img.h.size = uint64(size)
	if o.Preallocation != "" && o.Preallocation != "off" {
		if err := img.preallocate(uint64(old), uint64(size), o.Preallocation); err != nil {
			return err
		}
	}
	if err := img.flushMeta(); err != nil {
		return err
	}
	return img.writeHeader()
}

func (img *Image) zeroTail(off, n uint64) error {
	r, err := img.lookup(off, int64(n))
	if err != nil {
		return err
	}
	if r.kind == kindZero || (r.kind == kindUnalloc && img.h.backingFile == "") {
		return nil
	}
	return img.write(make([]byte, n), off)
}

// Amend changes creation options of an existing image: compat,
// lazy_refcounts, refcount_bits (same width only), backing_file,
// backing_fmt.
func (img *Image) Amend(o block.Options) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(0, 0); err != nil {
		return err
	}
	h := *img.h
	for _, opt := range o {
		k, v := opt.Key, opt.Value
		switch k {
		case "compat":
			switch v {
			case "0.10", "v2":
				if h.version == 3 {
					if h.incompatible&^(incDirty) != 0 || h.compatible != 0 || h.refcountOrder != 4 || len(img.snaps) > 0 && false {
						return fmt.Errorf("Cannot downgrade an image with incompatible features, lazy refcounts or refcount_bits other than 16: %w", block.ErrUnsupported)
					}
					if err := img.downgradeZeroClusters(); err != nil {
						return err
					}
				}
				h.version = 2
				h.exts = withoutExt(h.exts, extFeatureNames)
			case "1.1", "v3":
				if h.version == 2 {
					h.exts = append([]extension{{extFeatureNames, featureTable()}}, h.exts...)
				}
				h.version = 3
			default:
				return fmt.Errorf("Invalid compatibility level: '%s'", v)
			}
		case "lazy_refcounts":
			b, err := block.ParseBool(k, v)
			if err != nil {
				return err
			}
			if b && h.version < 3 {
				return fmt.Errorf("Lazy refcounts only supported with compatibility level 1.1 and above (use compat=1.1 or greater)")
			}
			if b {
				h.compatible |= compatLazyRefcounts
			} else {
				h.compatible &^= compatLazyRefcounts
			}
		case "refcount_bits":
			var n uint64
			if _, err := fmt.Sscan(v, &n); err != nil || n != 1<<h.refcountOrder {
				return fmt.Errorf("Changing refcount_bits is not supported: %w", block.ErrUnsupported)
			}
		case "backing_file":
			h.backingFile = v
		case "backing_fmt":
			h.backingFmt = v
		case "size":
			// Handled by the caller through Resize.
		case "cluster_size", "compression_type", "extended_l2", "preallocation", "encryption", "data_file":
			return fmt.Errorf("Changing %s is not supported: %w", k, block.ErrUnsupported)
		default:
			return fmt.Errorf("Invalid parameter '%s'", k)
		}
	}
	if _, err := h.encode(); err != nil {
		return err
	}
	if err := img.flushMeta(); err != nil {
		return err
	}
	*img.h = h
	img.lazy = h.compatible&compatLazyRefcounts != 0
	if !img.lazy && img.dirtyMarked {
		if err := img.markClean(); err != nil {
			return err
		}
	}
	return img.writeHeader()
}

func withoutExt(exts []extension, typ uint32) []extension {
	var r []extension
	for _, e := range exts {
		if e.typ != typ {
			r = append(r, e)
		}
	}
	return r
}

// downgradeZeroClusters turns version 3 zero clusters into something
// version 2 can express: unallocated without a backing file, written
// zeroes with one.
func (img *Image) downgradeZeroClusters() error {
	cs := uint64(img.cs)
	hasBacking := img.h.backingFile != ""
	for l1i, le := range img.l1 {
		if le&offsetMask == 0 {
			continue
		}
		t, err := img.loadL2(le & offsetMask)
		if err != nil {
			return err
		}
		for j := uint64(0); j < img.l2n; j++ {
			e, _ := img.entry(t, j)
			if e&oflagCompressed != 0 || e&oflagZero == 0 {
				continue
			}
			off := (uint64(l1i)*img.l2n + j) * cs
			host := e & offsetMask
			switch {
			case host != 0:
				if err := block.WriteZeroes(img.f, int64(host), int64(cs)); err != nil {
					return err
				}
				img.setEntry(t, j, e&^oflagZero, 0)
			case hasBacking:
				tw, err := img.l2ForWrite(uint64(l1i))
				if err != nil {
					return err
				}
				img.setEntry(tw, j, 0, 0)
				img.h.version = 2 // write real zeroes below
				err = img.write(make([]byte, min(cs, img.h.size-off)), off)
				img.h.version = 3
				if err != nil {
					return err
				}
				t = tw
			default:
				tw, err := img.l2ForWrite(uint64(l1i))
				if err != nil {
					return err
				}
				img.setEntry(tw, j, 0, 0)
				t = tw
			}
		}
	}
	return img.flushMeta()
}

var (
	_ block.Snapshotter = (*Image)(nil)
	_ block.Checker     = (*Image)(nil)
	_ block.Mapper      = (*Image)(nil)
	_ block.Zeroer      = (*Image)(nil)
	_ block.Discarder   = (*Image)(nil)
	_ block.Resizer     = (*Image)(nil)
	_ block.Backinged   = (*Image)(nil)
	_ block.Infoer      = (*Image)(nil)
	_ block.Amender     = (*Image)(nil)
)

// MakeEmpty drops every cluster of the active state, so that the whole
// image reads from its backing file again (commit does this).
func (img *Image) MakeEmpty() error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(0, 0); err != nil {
		return err
	}
	for l1i, le := range img.l1 {
		if le&offsetMask == 0 {
			continue
		}
		t, err := img.l2ForWrite(uint64(l1i))
		if err != nil {
			return err
		}
		for j := uint64(0); j < img.l2n; j++ {
			if e, bm := img.entry(t, j); e != 0 || bm != 0 {
				img.releaseEntry(e)
				img.setEntry(t, j, 0, 0)
			}
		}
	}
	return img.flushMeta()
}

// bitmapInfo lists the persistent dirty bitmaps (kept untouched) as
// qemu-img info shows them; nil when there are none.
func (img *Image) bitmapInfo() [][]block.Field {
	if img.h.autoclear&autoclearBitmaps == 0 {
		return nil
	}
	var ext []byte
	for _, e := range img.h.exts {
		if e.typ == extBitmaps {
			ext = e.data
		}
	}
	if len(ext) < 24 {
		return nil
	}
	nb := binary.BigEndian.Uint32(ext)
	size := binary.BigEndian.Uint64(ext[8:])
	off := binary.BigEndian.Uint64(ext[16:])
	if size > 64<<20 || nb > 65535 {
		return nil
	}
	dir := make([]byte, size)
	if _, err := img.f.ReadAt(dir, int64(off)); err != nil {
		return nil
	}
	var out [][]block.Field
	p := uint64(0)
	for i := uint32(0); i < nb && p+24 <= size; i++ {
		flags := binary.BigEndian.Uint32(dir[p+12:])
		gran := dir[p+17]
		nameLen := uint64(binary.BigEndian.Uint16(dir[p+18:]))
		extra := uint64(binary.BigEndian.Uint32(dir[p+20:]))
		if p+24+extra+nameLen > size || gran > 63 {
			break
		}
		name := string(dir[p+24+extra : p+24+extra+nameLen])
		fl := []string{}
		if flags&1 != 0 {
			fl = append(fl, "in-use")
		}
		if flags&2 != 0 {
			fl = append(fl, "auto")
		}
		out = append(out, []block.Field{
			{Key: "flags", Human: "flags", Value: fl},
			{Key: "name", Human: "name", Value: name},
			{Key: "granularity", Human: "granularity", Value: int64(1) << gran},
		})
		p += (24 + extra + nameLen + 7) &^ 7
	}
	return out
}
