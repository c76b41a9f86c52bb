package block

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ProbeSize is how many leading bytes format probing looks at.
const ProbeSize = 2048

// MaxChainDepth caps backing chains so a loop or a hostile chain cannot
// recurse forever.
const MaxChainDepth = 256

// Registry is the set of formats a caller works with. It holds no mutable
// state; build one per machine or tool.
type Registry struct {
	formats []Format
}

// NewRegistry returns a registry of the given formats.
func NewRegistry(formats ...Format) *Registry {
	return &Registry{formats: append([]Format(nil), formats...)}
}

// Formats lists the registered formats in registration order.
func (r *Registry) Formats() []Format { return append([]Format(nil), r.formats...) }

// Lookup finds a format by name.
func (r *Registry) Lookup(name string) (Format, error) {
	for _, f := range r.formats {
		if f.Name() == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("Unknown driver '%s'", name)
}

// Probe returns the format whose Probe is surest about head; raw (or nil
// without raw) when none claims it.
func (r *Registry) Probe(head []byte) Format {
	var best Format
	score := 0
	for _, f := range r.formats {
		if s := f.Probe(head); s > score {
			best, score = f, s
		}
	}
	return best
}

// PathOptions tell OpenPath how to open an image file and its chain.
type PathOptions struct {
	Format    string // "" probes
	ReadOnly  bool
	NoBacking bool // do not open backing files
	Direct    bool // O_DIRECT for every file of the chain
	NoFlush   bool // flushes do not sync the host files (cache=unsafe)
	NoRepair  bool
	// Warn receives warnings QEMU prints to stderr (probed raw images).
	Warn func(string)
	// BackingReadWrite opens backing files writable too (commit needs it).
	BackingReadWrite bool
}

// Node is an open image with what was learnt opening it.
type Node struct {
	Image
	Format   Format
	Filename string
	File     File
	Probed   bool  // format was guessed from the content
	Backing  *Node // nil when none is open
}

// Depth is the number of images in the chain starting at n.
func (n *Node) Depth() int {
	d := 0
	for ; n != nil; n = n.Backing {
		d++
	}
	return d
}

// OpenPath opens an image file, probing its format if o.Format is empty,
// and its backing chain.
func (r *Registry) OpenPath(name string, o PathOptions) (*Node, error) {
	return r.openPath(name, o, 0, map[string]bool{})
}

func (r *Registry) openPath(name string, o PathOptions, depth int, seen map[string]bool) (*Node, error) {
	if depth > MaxChainDepth {
		return nil, fmt.Errorf("backing chain of '%s' is deeper than %d images", name, MaxChainDepth)
	}
	key := name
	if st, err := os.Stat(name); err == nil {
		key = fmt.Sprintf("%v", fileKey(st))
	}
	if seen[key] {
		return nil, fmt.Errorf("backing file '%s' forms a loop in the chain", name)
	}
	seen[key] = true
	hf, err := OpenHostFile(name, FileOptions{ReadOnly: o.ReadOnly, Direct: o.Direct, NoSync: o.NoFlush})
	if err != nil {
		return nil, fmt.Errorf("Could not open '%s': %w", name, err)
	}
	n, err := r.openFile(hf, name, o, depth, seen)
	if err != nil {
		hf.Close()
		return nil, err
	}
	return n, nil
}

func (r *Registry) openFile(hf File, name string, o PathOptions, depth int, seen map[string]bool) (*Node, error) {
	var fmtr Format
	probed := false
	if o.Format != "" {
		f, err := r.Lookup(o.Format)
		if err != nil {
			return nil, err
		}
		fmtr = f
	} else {
		head := make([]byte, ProbeSize)
		if _, err := hf.ReadAt(head, 0); err != nil && err != io.EOF {
			return nil, fmt.Errorf("Could not read '%s': %w", name, err)
		}
		fmtr = r.Probe(head)
		if fmtr == nil {
			return nil, fmt.Errorf("Could not open '%s': Could not determine image format", name)
		}
		probed = true
	}
	node := &Node{Format: fmtr, Filename: name, File: hf, Probed: probed}
	dir := filepath.Dir(name)
	oo := OpenOptions{ReadOnly: o.ReadOnly, NoBacking: o.NoBacking, NoRepair: o.NoRepair}
	oo.OpenFile = func(ext string, ro bool) (File, error) {
		p := ext
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return OpenHostFile(p, FileOptions{ReadOnly: ro || o.ReadOnly, Direct: o.Direct, NoSync: o.NoFlush})
	}
	if !o.NoBacking {
		oo.Backing = func(bname, bfmt string) (Image, error) {
			p := ResolveBacking(name, bname)
			bo := o
			bo.Format = bfmt
			bo.ReadOnly = !o.BackingReadWrite
			bo.Warn = nil
			b, err := r.openPath(p, bo, depth+1, seen)
			if err != nil {
				return nil, fmt.Errorf("Could not open backing file: %w", err)
			}
			node.Backing = b
			return b, nil
		}
	}
	img, err := fmtr.Open(hf, oo)
	if err != nil {
		if node.Backing != nil {
			node.Backing.Close()
		}
		return nil, fmt.Errorf("Could not open '%s': %w", name, err)
	}
	if probed && fmtr.Name() == "raw" && !o.ReadOnly {
		if o.Warn != nil {
			o.Warn(fmt.Sprintf("WARNING: Image format was not specified for '%s' and probing guessed raw.\n"+
				"         Automatically detecting the format is dangerous for raw images, write operations on block 0 will be restricted.\n"+
				"         Specify the 'raw' format explicitly to remove the restrictions.", name))
		}
		img = &probedRaw{Image: img, reg: r}
	}
	node.Image = img
	return node, nil
}

// ResolveBacking turns a backing file name recorded in image into a path:
// relative names are relative to the image's directory, as in QEMU.
func ResolveBacking(image, backing string) string {
	if filepath.IsAbs(backing) || image == "" {
		return backing
	}
	return filepath.Join(filepath.Dir(image), backing)
}

// Close closes the image (which closes its backing chain).
func (n *Node) Close() error {
	err := n.Image.Close()
	if n.Backing != nil {
		if e := n.Backing.Close(); err == nil {
			err = e
		}
	}
	if e := n.File.Close(); err == nil && !errors.Is(e, os.ErrClosed) {
		err = e
	}
	return err
}

// ErrProbedRawWrite is returned for a write to sector 0 of a probed raw
// image that would make it probe as another format (QEMU's EPERM).
var ErrProbedRawWrite = errors.New("write to sector 0 of a probed raw image would change its format")

// probedRaw restricts writes to the first sector of a raw image whose format
// was guessed: a guest must not turn it into, say, a qcow2 header naming a
// host file as backing.
type probedRaw struct {
	Image
	reg *Registry
}

func (p *probedRaw) WriteAt(b []byte, off int64) (int, error) {
	if off < Sector {
		head := make([]byte, ProbeSize)
		if _, err := p.Image.ReadAt(head[:min(int64(ProbeSize), p.Image.Size())], 0); err != nil {
			return 0, err
		}
		if off < ProbeSize {
			copy(head[off:], b)
		}
		if f := p.reg.Probe(head); f != nil && f.Name() != "raw" {
			return 0, ErrProbedRawWrite
		}
	}
	return p.Image.WriteAt(b, off)
}

// Unwrap returns the raw image below the guard.
func (p *probedRaw) Unwrap() Image { return p.Image }

// HasMagic reports whether head starts with magic.
func HasMagic(head, magic []byte) bool { return bytes.HasPrefix(head, magic) }

// WriteZeroes forwards to the raw image (zeroes never change the probe).
func (p *probedRaw) WriteZeroes(off, n int64, unmap bool) error {
	if z, ok := p.Image.(Zeroer); ok {
		return z.WriteZeroes(off, n, unmap)
	}
	return writeZeroes(p.Image, off, n)
}

// Discard forwards to the raw image.
func (p *probedRaw) Discard(off, n int64) error {
	if d, ok := p.Image.(Discarder); ok {
		return d.Discard(off, n)
	}
	return nil
}

// MapExtent forwards to the raw image.
func (p *probedRaw) MapExtent(off, n int64) (Extent, error) {
	if m, ok := p.Image.(Mapper); ok {
		return m.MapExtent(off, n)
	}
	return Extent{Start: off, Length: n, Data: true, Present: true, Offset: off}, nil
}

func fileKey(st os.FileInfo) any {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return [2]uint64{uint64(s.Dev), s.Ino}
	}
	return st.Name()
}

// MapExtent describes the image's allocation (formats without a map
// report everything as data).
func (n *Node) MapExtent(off, l int64) (Extent, error) {
	if m, ok := n.Image.(Mapper); ok {
		return m.MapExtent(off, l)
	}
	return Extent{Start: off, Length: l, Data: true, Present: true, Offset: -1}, nil
}
