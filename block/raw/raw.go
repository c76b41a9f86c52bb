// Package raw is the raw image format: guest bytes stored as they are in a
// (usually sparse) host file.
package raw

import (
	"fmt"
	"io"
	"sync/atomic"

	"gemu/block"
)

// Format is the raw format.
type Format struct{}

// Name is "raw".
func (Format) Name() string { return "raw" }

// Probe claims anything, with the lowest score: raw is the fallback.
func (Format) Probe(head []byte) int { return 1 }

// CreateOptionsHelp lists raw's creation options.
func (Format) CreateOptionsHelp() []block.OptionInfo {
	return []block.OptionInfo{
		{Name: "preallocation", Type: "str", Help: "Preallocation mode (allowed values: off, falloc, full)"},
		{Name: "size", Type: "size", Help: "Virtual disk size"},
	}
}

// Create sizes f, preallocating as asked (off, falloc, full). Like QEMU it
// allocates the first 4 KiB so later O_DIRECT opens can probe the
// alignment.
func (Format) Create(f block.File, size int64, o block.CreateOptions) error {
	if size < 0 {
		return fmt.Errorf("Image size must be a non-negative number")
	}
	prealloc := "off"
	for _, opt := range o.Opts {
		switch opt.Key {
		case "preallocation":
			prealloc = opt.Value
		default:
			return fmt.Errorf("Invalid parameter '%s'", opt.Key)
		}
	}
	if o.BackingFile != "" {
		return fmt.Errorf("raw images do not support backing files: %w", block.ErrUnsupported)
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	if err := preallocate(f, 0, size, prealloc); err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		return err
	}
	if prealloc == "off" && size > 0 {
		n := min(size, 4096)
		if _, err := f.WriteAt(make([]byte, n), 0); err != nil {
			return err
		}
	}
	return nil
}

func preallocate(f block.File, off, end int64, mode string) error {
	switch mode {
	case "off":
		return nil
	case "falloc":
		pa, ok := f.(block.Preallocator)
		if !ok {
			return fmt.Errorf("Unsupported preallocation mode 'falloc': %w", block.ErrUnsupported)
		}
		return pa.Allocate(off, end-off)
	case "full":
		return block.WriteZeroes(f, off, end-off)
	}
	return fmt.Errorf("Invalid value '%s' for preallocation (off, falloc, full)", mode)
}

// Image is an open raw image.
type Image struct {
	f    block.File
	size atomic.Int64
	ro   bool
}

// Open opens f as a raw image.
func (Format) Open(f block.File, o block.OpenOptions) (block.Image, error) {
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	img := &Image{f: f, ro: o.ReadOnly}
	img.size.Store(size)
	return img, nil
}

// Size is the file's size at open (or after Resize).
func (i *Image) Size() int64 { return i.size.Load() }

func (i *Image) check(off, n int64) error {
	if off < 0 || n < 0 || off > i.Size() || n > i.Size()-off {
		return fmt.Errorf("raw: %d bytes at %d: %w", n, off, block.ErrOutOfRange)
	}
	return nil
}

// ReadAt reads guest bytes.
func (i *Image) ReadAt(p []byte, off int64) (int, error) {
	if err := i.check(off, int64(len(p))); err != nil {
		return 0, err
	}
	n, err := i.f.ReadAt(p, off)
	if err == io.EOF {
		clear(p[n:])
		return len(p), nil
	}
	return n, err
}

// WriteAt writes guest bytes.
func (i *Image) WriteAt(p []byte, off int64) (int, error) {
	if i.ro {
		return 0, block.ErrReadOnly
	}
	if err := i.check(off, int64(len(p))); err != nil {
		return 0, err
	}
	return i.f.WriteAt(p, off)
}

// WriteZeroes zeroes a range: a hole when unmapping, else a zeroed
// allocated range.
func (i *Image) WriteZeroes(off, n int64, unmap bool) error {
	if i.ro {
		return block.ErrReadOnly
	}
	if err := i.check(off, n); err != nil {
		return err
	}
	if unmap {
		if hp, ok := i.f.(block.HolePuncher); ok {
			return hp.PunchHole(off, n)
		}
	}
	if z, ok := i.f.(block.RangeZeroer); ok {
		return z.ZeroRange(off, n)
	}
	return block.WriteZeroes(i.f, off, n)
}

// Discard punches a hole.
func (i *Image) Discard(off, n int64) error {
	if i.ro {
		return block.ErrReadOnly
	}
	if err := i.check(off, n); err != nil {
		return err
	}
	if hp, ok := i.f.(block.HolePuncher); ok {
		return hp.PunchHole(off, n)
	}
	return nil
}

// MapExtent reports data and holes, from SEEK_DATA/SEEK_HOLE.
func (i *Image) MapExtent(off, n int64) (block.Extent, error) {
	if err := i.check(off, n); err != nil {
		return block.Extent{}, err
	}
	e := block.Extent{Start: off, Length: n, Data: true, Present: true, Offset: off}
	if nm, ok := i.f.(block.Namer); ok {
		e.File = nm.Name()
	}
	ds, ok := i.f.(block.DataSeeker)
	if !ok {
		return e, nil
	}
	end := off + n
	d, err := ds.NextData(off)
	if err == io.EOF || (err == nil && d >= end) {
		e.Data, e.Zero = false, true
		return e, nil
	}
	if err != nil {
		return e, err
	}
	if d > off {
		e.Length = d - off
		e.Data, e.Zero = false, true
		return e, nil
	}
	h, err := ds.NextHole(off)
	if err != nil {
		return e, err
	}
	if h > off && h < end {
		e.Length = h - off
	}
	return e, nil
}

// Resize truncates or extends the file.
func (i *Image) Resize(size int64, o block.ResizeOptions) error {
	if i.ro {
		return block.ErrReadOnly
	}
	old := i.Size()
	if size < old && !o.Shrink {
		return fmt.Errorf("Use the --shrink option to perform a shrink operation.")
	}
	if size > old && o.Preallocation != "" {
		if err := preallocate(i.f, old, size, o.Preallocation); err != nil {
			return err
		}
	}
	if err := i.f.Truncate(size); err != nil {
		return err
	}
	i.size.Store(size)
	return nil
}

// Flush syncs the file.
func (i *Image) Flush() error {
	if i.ro {
		return nil
	}
	return i.f.Sync()
}

// Close does nothing: the caller owns the file.
func (i *Image) Close() error { return nil }

var (
	_ block.Format    = Format{}
	_ block.Zeroer    = (*Image)(nil)
	_ block.Discarder = (*Image)(nil)
	_ block.Mapper    = (*Image)(nil)
	_ block.Resizer   = (*Image)(nil)
)
