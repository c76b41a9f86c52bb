package block

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Drive is an opened -drive or -blockdev node as a device model sees it:
// the image with the drive's cache, discard, detect-zeroes and read-only
// policies applied.
type Drive struct {
	Node *Node // the image chain; Node.File is the protocol layer

	ReadOnly     bool
	Cache        CacheMode
	Unmap        bool // discard=unmap: discards reach the image
	DetectZeroes DetectZeroes
	Media        string

	tmp string // snapshot=on overlay, removed on Close
}

// OpenDrive opens a -drive's image (with its backing chain), creating the
// temporary overlay for snapshot=on.
func (r *Registry) OpenDrive(d DriveOptions) (*Drive, error) {
	if d.File == "" {
		return nil, &OptError{"file", "drive has no medium"}
	}
	for _, o := range d.Extra {
		if o.Key == "file.locking" || o.Key == "locking" || o.Key == "file.aio" {
			continue
		}
		return nil, &OptError{o.Key, fmt.Sprintf("Block format '%s' does not support the option '%s'", d.Format, o.Key)}
	}
	po := PathOptions{Format: d.Format, ReadOnly: d.ReadOnly || d.Snapshot, Direct: d.Cache.Direct, NoFlush: d.Cache.NoFlush, Warn: func(s string) { fmt.Fprintln(os.Stderr, s) }}
	drv := &Drive{ReadOnly: d.ReadOnly, Cache: d.Cache, Unmap: d.Discard == "unmap", DetectZeroes: d.DetectZeroes, Media: d.Media}
	if d.Snapshot && !d.ReadOnly {
		n, tmp, err := r.openSnapshotOverlay(d.File, d.Format, po)
		if err != nil {
			return nil, err
		}
		drv.Node, drv.tmp = n, tmp
		return drv, nil
	}
	n, err := r.OpenPath(d.File, po)
	if err != nil {
		return nil, err
	}
	drv.Node = n
	return drv, nil
}

// openSnapshotOverlay creates a qcow2 file in the temporary directory whose
// backing file is the drive's image, and opens it: writes go to the overlay
// and vanish on close, as snapshot=on does in QEMU.
func (r *Registry) openSnapshotOverlay(file, format string, po PathOptions) (*Node, string, error) {
	q, err := r.Lookup("qcow2")
	if err != nil {
		return nil, "", fmt.Errorf("snapshot=on needs the qcow2 format: %w", err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, "", err
	}
	base, err := r.OpenPath(abs, po)
	if err != nil {
		return nil, "", err
	}
	size := base.Size()
	bfmt := base.Format.Name()
	base.Close()
	tf, err := os.CreateTemp("", "gemu-snapshot-*.qcow2")
	if err != nil {
		return nil, "", fmt.Errorf("snapshot=on: %w", err)
	}
	name := tf.Name()
	tf.Close()
	hf, err := OpenHostFile(name, FileOptions{})
	if err != nil {
		os.Remove(name)
		return nil, "", err
	}
	err = q.Create(hf, size, CreateOptions{BackingFile: abs, BackingFormat: bfmt, Name: name})
	hf.Close()
	if err != nil {
		os.Remove(name)
		return nil, "", fmt.Errorf("snapshot=on: creating overlay: %w", err)
	}
	po.Format, po.ReadOnly = "qcow2", false
	n, err := r.OpenPath(name, po)
	if err != nil {
		os.Remove(name)
		return nil, "", err
	}
	return n, name, nil
}

// Size is the image's virtual size.
func (d *Drive) Size() int64 { return d.Node.Size() }

// ReadAt reads guest data.
func (d *Drive) ReadAt(p []byte, off int64) (int, error) { return d.Node.ReadAt(p, off) }

// WriteAt writes guest data, turning all-zero writes into zero writes with
// detect-zeroes and flushing after each write in writethrough modes.
func (d *Drive) WriteAt(p []byte, off int64) (int, error) {
	if d.ReadOnly {
		return 0, ErrReadOnly
	}
	var err error
	if d.DetectZeroes != DetectZeroesOff && IsZero(p) {
		err = d.WriteZeroes(off, int64(len(p)), false)
		if err == nil && d.Cache.Writethrough {
			err = d.flush()
		}
		if err != nil {
			return 0, err
		}
		return len(p), nil
	}
	n, err := d.Node.WriteAt(p, off)
	if err == nil && d.Cache.Writethrough {
		err = d.flush()
	}
	return n, err
}

// WriteZeroes zeroes a range; unmap is honoured only with discard=unmap
// (and detect-zeroes=unmap turns every zero write into an unmapping one).
func (d *Drive) WriteZeroes(off, n int64, unmap bool) error {
	if d.ReadOnly {
		return ErrReadOnly
	}
	unmap = (unmap || d.DetectZeroes == DetectZeroesUnmap) && d.Unmap
	var err error
	if z, ok := d.Node.Image.(Zeroer); ok {
		err = z.WriteZeroes(off, n, unmap)
	} else {
		err = writeZeroes(d.Node.Image, off, n)
	}
	if err == nil && d.Cache.Writethrough {
		err = d.flush()
	}
	return err
}

// Discard passes a guest discard to the image with discard=unmap and
// ignores it otherwise.
func (d *Drive) Discard(off, n int64) error {
	if d.ReadOnly {
		return ErrReadOnly
	}
	if !d.Unmap {
		return nil
	}
	if dc, ok := d.Node.Image.(Discarder); ok {
		return dc.Discard(off, n)
	}
	return nil
}

// WritebackCache reports whether the guest should see a volatile write
// cache (and so send flushes).
func (d *Drive) WritebackCache() bool { return !d.Cache.Writethrough }

// Flush makes completed writes durable, unless cache=unsafe.
func (d *Drive) Flush() error {
	if d.Cache.NoFlush || d.ReadOnly {
		return nil
	}
	return d.flush()
}

func (d *Drive) flush() error { return d.Node.Flush() }

// Close closes the chain and removes a snapshot=on overlay.
func (d *Drive) Close() error {
	err := d.Node.Close()
	if d.tmp != "" {
		if e := os.Remove(d.tmp); err == nil && !errors.Is(e, os.ErrNotExist) {
			err = e
		}
	}
	return err
}

// OpenBlockdev opens a -blockdev node. lookup resolves references to nodes
// opened before ("file=disk0-file", "backing=base").
func (r *Registry) OpenBlockdev(b BlockdevOptions, lookup func(nodeName string) (*Drive, error)) (*Drive, error) {
	drv := &Drive{ReadOnly: b.ReadOnly, Cache: b.Cache, Unmap: b.Discard == "unmap", DetectZeroes: b.DetectZeroes, Media: "disk"}
	switch b.Driver {
	case "file", "host_device", "host_cdrom":
		hf, err := OpenHostFile(b.Filename, FileOptions{ReadOnly: b.ReadOnly, Direct: b.Cache.Direct})
		if err != nil {
			return nil, err
		}
		raw, err := r.Lookup("raw")
		if err != nil {
			hf.Close()
			return nil, err
		}
		img, err := raw.Open(hf, OpenOptions{ReadOnly: b.ReadOnly})
		if err != nil {
			hf.Close()
			return nil, err
		}
		drv.Node = &Node{Image: img, Format: raw, Filename: b.Filename, File: hf}
		return drv, nil
	}
	f, err := r.Lookup(b.Driver)
	if err != nil {
		return nil, &OptError{"driver", err.Error()}
	}
	var file *Drive
	switch {
	case b.File != nil:
		c := *b.File
		c.ReadOnly = c.ReadOnly || b.ReadOnly
		if file, err = r.OpenBlockdev(c, lookup); err != nil {
			return nil, err
		}
	case b.FileRef != "":
		if lookup == nil {
			return nil, &OptError{"file", fmt.Sprintf("Cannot find device='' nor node-name='%s'", b.FileRef)}
		}
		if file, err = lookup(b.FileRef); err != nil {
			return nil, err
		}
	}
	name := file.Node.Filename
	node := &Node{Format: f, Filename: name, File: file.Node.File}
	oo := OpenOptions{ReadOnly: b.ReadOnly}
	dir := filepath.Dir(name)
	oo.OpenFile = func(ext string, ro bool) (File, error) {
		if !filepath.IsAbs(ext) {
			ext = filepath.Join(dir, ext)
		}
		return OpenHostFile(ext, FileOptions{ReadOnly: ro || b.ReadOnly, Direct: b.Cache.Direct})
	}
	switch {
	case b.NoBacking:
	case b.Backing != nil:
		bk, err := r.OpenBlockdev(*b.Backing, lookup)
		if err != nil {
			return nil, err
		}
		oo.Backing = func(string, string) (Image, error) { node.Backing = bk.Node; return bk.Node, nil }
	case b.BackingRef != "":
		oo.Backing = func(string, string) (Image, error) {
			if lookup == nil {
				return nil, fmt.Errorf("Cannot find device='' nor node-name='%s'", b.BackingRef)
			}
			bk, err := lookup(b.BackingRef)
			if err != nil {
				return nil, err
			}
			return bk, nil
		}
	default:
		oo.Backing = func(bname, bfmt string) (Image, error) {
			bn, err := r.OpenPath(ResolveBacking(name, bname), PathOptions{Format: bfmt, ReadOnly: true, Direct: b.Cache.Direct})
			if err != nil {
				return nil, err
			}
			node.Backing = bn
			return bn, nil
		}
	}
	img, err := f.Open(file.Node.File, oo)
	if err != nil {
		return nil, fmt.Errorf("could not open '%s': %w", name, err)
	}
	node.Image = img
	drv.Node = node
	return drv, nil
}

var (
	_ Image     = (*Drive)(nil)
	_ Zeroer    = (*Drive)(nil)
	_ Discarder = (*Drive)(nil)
)
