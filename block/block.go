// Package block is gemu's block layer: the contract every disk image format
// implements (Image, Format), the optional abilities formats add (zero
// writes, discard, an allocation map, internal snapshots, backing files,
// consistency checks), a registry that probes formats by their magic as QEMU
// does, host files (the "file" protocol), and the -drive and -blockdev
// option strings the machine is configured with.
//
// Formats live in subpackages (block/raw, block/qcow2, block/vmdk); the
// caller builds a Registry from the ones it wants, usually with
// formats.Default.
package block

import (
	"errors"
	"io"
	"time"
)

// Sector is the unit QEMU reports sizes and alignments in.
const Sector = 512

// Errors callers can test for with errors.Is.
var (
	// ErrCorrupt marks metadata found inconsistent. A qcow2 image that
	// returns it has been marked corrupt and is read-only from then on.
	ErrCorrupt = errors.New("image is corrupt")
	// ErrReadOnly is returned by writes to an image opened read-only.
	ErrReadOnly = errors.New("image is read-only")
	// ErrUnsupported is returned for an operation a format or image cannot
	// perform (a feature bit we do not know, shrinking a qcow2 image with
	// snapshots).
	ErrUnsupported = errors.New("operation not supported")
	// ErrNoSnapshot is returned when a snapshot ID or name matches nothing.
	ErrNoSnapshot = errors.New("snapshot not found")
	// ErrOutOfRange is returned for an access beyond the end of the image.
	ErrOutOfRange = errors.New("access beyond end of image")
)

// Image is an open disk image: guest-visible bytes 0..Size()-1.
// ReadAt and WriteAt transfer whole requests or return an error; reads past
// the end return ErrOutOfRange, not io.EOF.
type Image interface {
	io.ReaderAt
	io.WriterAt
	Size() int64
	Flush() error
	Close() error
}

// File is the protocol layer below a format: a host file, or anything with
// the same abilities (tests use MemFile).
type File interface {
	io.ReaderAt
	io.WriterAt
	Size() (int64, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

// Optional abilities of a File.
type (
	// HolePuncher deallocates a byte range, which then reads as zeroes.
	HolePuncher interface{ PunchHole(off, n int64) error }
	// Preallocator reserves host space for a range without changing data.
	Preallocator interface{ Allocate(off, n int64) error }
	// DataSeeker finds allocated ranges, like lseek's SEEK_DATA/SEEK_HOLE:
	// NextData returns the first offset >= off that holds data (io.EOF when
	// none), NextHole the first offset >= off in a hole (the file size if
	// none before it).
	DataSeeker interface {
		NextData(off int64) (int64, error)
		NextHole(off int64) (int64, error)
	}
	// AllocatedSizer reports the host bytes a file occupies ("disk size").
	AllocatedSizer interface{ AllocatedSize() (int64, error) }
	// Namer reports the file's path, for error messages and relative names.
	Namer interface{ Name() string }
)

// Optional abilities of an Image, found by type assertion.
type (
	// Zeroer makes a range read as zeroes, deallocating it when unmap is
	// true and the format can.
	Zeroer interface {
		WriteZeroes(off, n int64, unmap bool) error
	}
	// Discarder drops a range; its content is undefined afterwards (zeroes
	// for every format here).
	Discarder interface{ Discard(off, n int64) error }
	// Mapper describes how a range is stored (qemu-img map).
	Mapper interface {
		// MapExtent describes the longest run starting at off (and at most
		// n bytes long) whose bytes are all stored the same way.
		MapExtent(off, n int64) (Extent, error)
	}
	// Resizer changes the virtual size.
	Resizer interface {
		Resize(size int64, o ResizeOptions) error
	}
	// Backinged is an image with a backing file.
	Backinged interface {
		Backing() Image      // nil when none is open
		BackingFile() string // as recorded in the image, "" if none
		BackingFormat() string
		// SetBacking rewrites the backing file name and format in the
		// image's metadata (rebase -u); it does not reopen anything.
		SetBacking(file, format string) error
	}
	// Snapshotter is an image with internal snapshots.
	Snapshotter interface {
		Snapshots() ([]SnapshotInfo, error)
		// CreateSnapshot records the current disk state (and VMStateSize
		// bytes of VM state already written with WriteVMState).
		CreateSnapshot(s SnapshotInfo) error
		// ApplySnapshot reverts the disk to a snapshot (by ID or name).
		ApplySnapshot(idOrName string) error
		DeleteSnapshot(idOrName string) error
		// WriteVMState and ReadVMState access the VM-state area of the
		// current state: savevm writes there before CreateSnapshot, and
		// loadvm reads there after ApplySnapshot.
		WriteVMState(p []byte, off int64) error
		ReadVMState(p []byte, off int64) error
	}
	// Checker verifies (and optionally repairs) metadata.
	Checker interface {
		Check(fix CheckFix) (CheckResult, error)
	}
	// Infoer reports what qemu-img info shows beyond the common fields.
	Infoer interface{ Info() Info }
	// Amender changes creation options of an existing image.
	Amender interface {
		Amend(o Options) error
	}
)

// Extent is one run of qemu-img map.
type Extent struct {
	Start, Length int64
	Data          bool  // holds data in this layer or a backing one
	Zero          bool  // reads as zeroes
	Present       bool  // allocated somewhere in the chain (Depth tells where)
	Depth         int   // 0: this image; 1: its backing file, ...
	Offset        int64 // host offset of the data, -1 if none or compressed
	Compressed    bool
	File          string // the host file holding the data ("" if none)
}

// ResizeOptions are resize's options.
type ResizeOptions struct {
	Shrink        bool   // allow shrinking (qemu-img resize --shrink)
	Preallocation string // for the grown part: off, metadata, falloc, full
}

// CheckFix selects what Check repairs.
type CheckFix int

// Repair levels, as qemu-img check -r.
const (
	CheckNone  CheckFix = 0
	CheckLeaks CheckFix = 1
	CheckAll   CheckFix = 3
)

// CheckResult is qemu-img check's result.
type CheckResult struct {
	Corruptions        int
	Leaks              int
	CheckErrors        int
	CorruptionsFixed   int
	LeaksFixed         int
	ImageEndOffset     int64
	TotalClusters      int64
	AllocatedClusters  int64
	FragmentedClusters int64
	CompressedClusters int64
	// Messages are the per-problem lines qemu-img prints to stderr.
	Messages []string
}

// SnapshotInfo describes an internal snapshot.
type SnapshotInfo struct {
	ID          string
	Name        string
	VMStateSize int64
	Date        time.Time
	VMClock     time.Duration
	ICount      int64 // -1 when not recorded
	DiskSize    int64
}

// Info holds format-specific facts for qemu-img info.
type Info struct {
	ClusterSize int64 // 0 when the format has none
	Dirty       bool  // "cleanly shut down: no"
	// Specific is the "format-specific" object: its Type ("qcow2",
	// "vmdk") and ordered fields as qemu-img prints them.
	Specific *Specific
}

// Specific is qemu-img info's "Format specific information".
type Specific struct {
	Type   string
	Fields []Field
}

// Field is one named value; Value is a string, bool, int64, []Field or
// []Specific-like []([]Field) for nested lists.
type Field struct {
	Key   string // JSON key ("refcount-bits")
	Human string // human label ("refcount bits"); empty: not shown
	Value any
}

// Options are -o key=value creation or amend options in command-line order.
type Options []Option

// Option is one key=value pair.
type Option struct{ Key, Value string }

// Get returns the last value of key.
func (o Options) Get(key string) (string, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].Key == key {
			return o[i].Value, true
		}
	}
	return "", false
}

// Set replaces (or appends) key.
func (o *Options) Set(key, val string) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = val
			return
		}
	}
	*o = append(*o, Option{key, val})
}

// Without returns o with key removed.
func (o Options) Without(key string) Options {
	var r Options
	for _, x := range o {
		if x.Key != key {
			r = append(r, x)
		}
	}
	return r
}

// OpenOptions tell a Format how to open an image.
type OpenOptions struct {
	ReadOnly bool
	// NoBacking opens the image alone, leaving backing reads to return
	// zeroes (qemu-img's -U/--image-opts uses aside; rebase -u, info).
	NoBacking bool
	// Backing opens a backing file by the name recorded in the image and
	// the recorded format ("" to probe). Nil means no backing is opened.
	Backing func(name, format string) (Image, error)
	// OpenFile opens another file a format refers to (vmdk extents), by a
	// name relative to the image; nil when the image has no directory.
	OpenFile func(name string, readOnly bool) (File, error)
	// NoRepair keeps a writable open from repairing an image left dirty
	// by a crash (the qcow2 dirty bit), which QEMU also does on open;
	// check -r sets it to do the repair itself.
	NoRepair bool
}

// CreateOptions tell a Format how to create an image.
type CreateOptions struct {
	Opts Options // format options (-o), already without size
	// BackingFile and BackingFormat name the backing image ("" for none).
	BackingFile   string
	BackingFormat string
	// Backing opens the backing file to read its size or content; may be
	// nil when the caller knows it is not needed.
	Backing func(name, format string) (Image, error)
	// CreateFile makes another file a format needs (vmdk extents).
	CreateFile func(name string) (File, error)
	// Name is the image's own file name (vmdk descriptors name extents
	// after it).
	Name string
}

// Format is one image format.
type Format interface {
	Name() string                              // "qcow2", as format= spells it
	Probe(head []byte) int                     // 0: not mine; higher: surer
	Open(f File, o OpenOptions) (Image, error) // o.Backing resolves backing names
	Create(f File, size int64, o CreateOptions) error
}

// OptionInfo describes one creation option, for "-o help" and validation.
type OptionInfo struct {
	Name string
	Type string // "size", "str", "bool", "number"
	Help string
}

// OptionLister is a Format that lists its creation options.
type OptionLister interface {
	CreateOptionsHelp() []OptionInfo
}

// Compressor compresses one cluster; one per goroutine.
type Compressor interface {
	// Compress returns the compressed cluster, or nil when compression
	// does not pay (the cluster is then stored as it is). The result
	// stays valid until the next call.
	Compress(src []byte) ([]byte, error)
}

// CompressedWriter is an image that stores whole clusters compressed
// (qemu-img convert -c).
type CompressedWriter interface {
	ClusterSize() int64
	NewCompressor() Compressor
	// WriteCompressed stores the cluster at off (data, and its
	// compressed form z from a Compressor, nil to store data as is).
	WriteCompressed(off int64, data, z []byte) error
}
