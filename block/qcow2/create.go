package qcow2

import (
	"fmt"
	"math/bits"
	"strconv"

	"gemu/block"
)

// CreateOptionsHelp lists qcow2's creation options, as qemu-img names them.
func (Format) CreateOptionsHelp() []block.OptionInfo {
	return []block.OptionInfo{
		{Name: "backing_file", Type: "str", Help: "File name of a base image"},
		{Name: "backing_fmt", Type: "str", Help: "Image format of the base image"},
		{Name: "cluster_size", Type: "size", Help: "qcow2 cluster size"},
		{Name: "compat", Type: "str", Help: "Compatibility level (v2 [0.10] or v3 [1.1])"},
		{Name: "compression_type", Type: "str", Help: "Compression method used for image cluster compression"},
		{Name: "extended_l2", Type: "bool (on/off)", Help: "Extended L2 tables"},
		{Name: "lazy_refcounts", Type: "bool (on/off)", Help: "Postpone refcount updates"},
		{Name: "preallocation", Type: "str", Help: "Preallocation mode (allowed values: off, metadata, falloc, full)"},
		{Name: "refcount_bits", Type: "num", Help: "Width of a reference count entry in bits"},
		{Name: "size", Type: "size", Help: "Virtual disk size"},
	}
}

// createParams are parsed creation options.
type createParams struct {
	version       uint32
	clusterBits   uint32
	refcountOrder uint32
	lazy          bool
	extL2         bool
	compression   uint8
	prealloc      string
}

func parseCreate(o block.CreateOptions) (createParams, error) {
	p := createParams{version: 3, clusterBits: 16, refcountOrder: 4, prealloc: "off"}
	extSet := false
	for _, opt := range o.Opts {
		k, v := opt.Key, opt.Value
		switch k {
		case "compat":
			switch v {
			case "0.10", "v2":
				p.version = 2
			case "1.1", "v3":
				p.version = 3
			default:
				return p, fmt.Errorf("Invalid parameter '%s'", v)
			}
		case "cluster_size":
			n, err := block.ParseSize(v)
			if err != nil {
				return p, fmt.Errorf("Parameter 'cluster_size' expects a non-negative number below 2^64")
			}
			if n < 512 || n > 2<<20 || n&(n-1) != 0 {
				return p, fmt.Errorf("Cluster size must be a power of two between 512 and 2048k")
			}
			p.clusterBits = uint32(bits.TrailingZeros64(uint64(n)))
		case "refcount_bits":
			n, err := strconv.ParseUint(v, 10, 8)
			if err != nil || n == 0 || n > 64 || n&(n-1) != 0 {
				return p, fmt.Errorf("Refcount width must be a power of two and may not exceed 64 bits")
			}
			p.refcountOrder = uint32(bits.TrailingZeros64(n))
		case "lazy_refcounts":
			b, err := block.ParseBool(k, v)
			if err != nil {
				return p, err
			}
			p.lazy = b
		case "extended_l2":
			b, err := block.ParseBool(k, v)
			if err != nil {
				return p, err
			}
			p.extL2, extSet = b, true
		case "compression_type":
			switch v {
			case "zlib":
				p.compression = compressZlib
			case "zstd":
				p.compression = compressZstd
			default:
				return p, fmt.Errorf("Parameter 'compression_type' does not accept value '%s'", v)
			}
		case "preallocation":
			switch v {
			case "off", "metadata", "falloc", "full":
				p.prealloc = v
			default:
				return p, fmt.Errorf("Parameter 'preallocation' does not accept value '%s'", v)
			}
		case "encryption", "encrypt.format":
			if v == "off" || v == "" {
				continue
			}
			return p, fmt.Errorf("encrypted images are not supported: %w", block.ErrUnsupported)
		case "data_file", "data_file_raw":
			return p, fmt.Errorf("external data files are not supported: %w", block.ErrUnsupported)
		case "backing_file", "backing_fmt":
			// Passed separately in CreateOptions.
		default:
			return p, fmt.Errorf("Invalid parameter '%s'", k)
		}
	}
	if p.version < 3 {
		switch {
		case p.refcountOrder != 4:
			return p, fmt.Errorf("Different refcount widths than 16 bits require compatibility level 1.1 or above (use compat=1.1 or greater)")
		case p.lazy:
			return p, fmt.Errorf("Lazy refcounts only supported with compatibility level 1.1 and above (use compat=1.1 or greater)")
		case p.extL2 && extSet:
			return p, fmt.Errorf("Extended L2 entries are only supported with compatibility level 1.1 and above (use compat=1.1 or greater)")
		case p.compression != compressZlib:
			return p, fmt.Errorf("Non-zlib compression type is only supported with compatibility level 1.1 and above (use compat=1.1 or greater)")
		}
	}
	if p.extL2 && p.clusterBits < 14 {
		return p, fmt.Errorf("Extended L2 entries are only supported with cluster sizes of at least 16384 bytes")
	}
	if o.BackingFile != "" && p.prealloc != "off" {
		return p, fmt.Errorf("Backing file and preallocation can only be used at the same time if extended_l2 is on")
	}
	return p, nil
}

// Create writes an empty qcow2 image of the given size to f.
func (Format) Create(f block.File, size int64, o block.CreateOptions) error {
	p, err := parseCreate(o)
	if err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("Image size must be a non-negative number")
	}
	if o.BackingFile != "" && p.prealloc != "off" && !p.extL2 {
		return fmt.Errorf("Backing file and preallocation can only be used at the same time if extended_l2 is on")
	}
	if o.BackingFile != "" && size == 0 && o.Backing != nil {
		b, err := o.Backing(o.BackingFile, o.BackingFormat)
		if err != nil {
			return err
		}
		size = b.Size()
		b.Close()
	}
	if size%block.Sector != 0 {
		size = (size + block.Sector - 1) &^ (block.Sector - 1)
	}
	if len(o.BackingFile) > maxBackingName {
		return fmt.Errorf("Backing file name too long")
	}
	cs := uint64(1) << p.clusterBits
	h := &header{
		version:          p.version,
		clusterBits:      p.clusterBits,
		size:             uint64(size),
		refTableOffset:   cs,
		refTableClusters: 1,
		refcountOrder:    p.refcountOrder,
		backingFile:      o.BackingFile,
		backingFmt:       o.BackingFormat,
		compressionType:  p.compression,
	}
	if p.version >= 3 {
		h.exts = []extension{{extFeatureNames, featureTable()}}
		if p.lazy {
			h.compatible |= compatLazyRefcounts
		}
		if p.extL2 {
			h.incompatible |= incExtL2
		}
		if p.compression != compressZlib {
			h.incompatible |= incCompression
		}
	}
	hb, err := h.encode()
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	// Cluster 0: header; 1: refcount table; 2: the first refcount block,
	// counting clusters 0-2. The L1 table follows, allocated normally.
	buf := make([]byte, 3*cs)
	copy(buf, hb)
	be64(buf[cs:], 2*cs)
	for i := uint64(0); i < 3; i++ {
		setRef(buf[2*cs:], i, p.refcountOrder, 1)
	}
	if _, err := f.WriteAt(buf, 0); err != nil {
		return err
	}
	img, err := openImage(f, block.OpenOptions{NoBacking: true, NoRepair: true}, true)
	if err != nil {
		return fmt.Errorf("qcow2: reopening new image: %w", err)
	}
	img.mu.Lock()
	defer img.mu.Unlock()
	need := img.l1Entries(uint64(size))
	if need > 0 {
		if err := img.growL1Exact(need); err != nil {
			return err
		}
	}
	if p.prealloc != "off" {
		if err := img.preallocate(0, uint64(size), p.prealloc); err != nil {
			return err
		}
	}
	if err := img.flushMeta(); err != nil {
		return err
	}
	img.closed = true
	return f.Sync()
}

func be64(b []byte, v uint64) {
	for i := 0; i < 8; i++ {
		b[i] = byte(v >> (56 - 8*i))
	}
}

func (img *Image) l1Entries(size uint64) uint64 {
	span := uint64(img.cs) * img.l2n
	return (size + span - 1) / span
}

// preallocate allocates clusters for guest bytes [from, to): L2 tables and
// data clusters ("metadata"), reserved on the host ("falloc") or written
// with zeroes ("full").
func (img *Image) preallocate(from, to uint64, mode string) error {
	cs := uint64(img.cs)
	from = from &^ (cs - 1)
	for off := from; off < to; {
		t, err := img.l2ForWrite(img.l1Index(off))
		if err != nil {
			return err
		}
		i := img.l2Index(off)
		k := min(img.l2n-i, (to-off+cs-1)/cs)
		// Skip clusters already allocated.
		var todo []uint64
		for j := uint64(0); j < k; j++ {
			if e, _ := img.entry(t, i+j); e&offsetMask == 0 || e&oflagCompressed != 0 {
				todo = append(todo, i+j)
			}
		}
		if len(todo) > 0 {
			host, err := img.allocClusters(uint64(len(todo)))
			if err != nil {
				return err
			}
			n := uint64(len(todo)) * cs
			switch mode {
			case "falloc":
				if pa, ok := img.f.(block.Preallocator); ok {
					if err := pa.Allocate(int64(host), int64(n)); err != nil {
						return err
					}
				} else if err := block.WriteZeroes(img.f, int64(host), int64(n)); err != nil {
					return err
				}
			case "full":
				if err := block.WriteZeroes(img.f, int64(host), int64(n)); err != nil {
					return err
				}
			default:
				// Make the file cover the clusters so they read as zeroes.
				if size, err := img.f.Size(); err == nil && uint64(size) < host+n {
					if err := img.f.Truncate(int64(host + n)); err != nil {
						return err
					}
				}
			}
			for j, idx := range todo {
				old, _ := img.entry(t, idx)
				img.releaseEntry(old)
				bm := img.allAllocated()
				if img.ext && img.h.backingFile != "" {
					bm = 0 // subclusters still read from the backing file
				}
				img.setEntry(t, idx, (host+uint64(j)*cs)|oflagCopied, bm)
			}
		}
		off += k * cs
	}
	return nil
}
