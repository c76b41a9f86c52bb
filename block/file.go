package block

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// HostFile is a host file opened for the "file" protocol. With Direct it
// is opened with O_DIRECT and requests that are not aligned to the host's
// block size go through an aligned bounce buffer, as QEMU does.
type HostFile struct {
	f      *os.File
	name   string
	direct bool
	noSync bool
	align  int64

	mu     sync.Mutex // guards bounce
	bounce []byte
}

// FileOptions tell OpenHostFile how to open a file.
type FileOptions struct {
	ReadOnly bool
	Direct   bool // O_DIRECT (cache=none, cache=directsync)
	Create   bool // create or truncate
	NoSync   bool // ignore Sync (cache=unsafe)
}

// directAlign is the alignment O_DIRECT requests use; 4096 covers every
// logical block size Linux hosts use.
const directAlign = 4096

// OpenHostFile opens a host file.
func OpenHostFile(name string, o FileOptions) (*HostFile, error) {
	flags := os.O_RDWR
	if o.ReadOnly {
		flags = os.O_RDONLY
	}
	if o.Create {
		flags |= os.O_CREATE | os.O_TRUNC
	}
	if o.Direct {
		flags |= unix.O_DIRECT
	}
	f, err := os.OpenFile(name, flags, 0o644)
	if err != nil && o.Direct && errors.Is(err, unix.EINVAL) {
		return nil, fmt.Errorf("could not open '%s': file system does not support O_DIRECT (cache=none): %w", name, err)
	}
	if err != nil {
		return nil, fmt.Errorf("Could not open '%s': %w", name, &osError{unwrapPath(err)})
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("could not open '%s': Is a directory", name)
	}
	h := &HostFile{f: f, name: name, direct: o.Direct, noSync: o.NoSync, align: 1}
	if o.Direct {
		h.align = directAlign
	}
	return h, nil
}

// osError spells a system error as strerror does ("No such file or
// directory").
type osError struct{ err error }

func (e *osError) Error() string {
	s := e.err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

func (e *osError) Unwrap() error { return e.err }

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Name is the path the file was opened with.
func (h *HostFile) Name() string { return h.name }

// OS returns the underlying *os.File.
func (h *HostFile) OS() *os.File { return h.f }

func (h *HostFile) aligned(p []byte, off int64) bool {
	if h.align == 1 {
		return true
	}
	return off%h.align == 0 && int64(len(p))%h.align == 0 && addrAligned(p, h.align)
}

// ReadAt reads len(p) bytes; bytes past the end of the file read as zeroes
// (formats allocate lazily and may leave the tail unwritten).
func (h *HostFile) ReadAt(p []byte, off int64) (int, error) {
	if h.aligned(p, off) {
		n, err := h.f.ReadAt(p, off)
		if err == io.EOF {
			clear(p[n:])
			return len(p), nil
		}
		return n, err
	}
	start := off &^ (h.align - 1)
	end := (off + int64(len(p)) + h.align - 1) &^ (h.align - 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	buf := h.bounceBuf(int(end - start))
	n, err := h.f.ReadAt(buf, start)
	if err == io.EOF {
		clear(buf[n:])
		err = nil
	}
	if err != nil {
		return 0, err
	}
	copy(p, buf[off-start:])
	return len(p), nil
}

// WriteAt writes len(p) bytes, read-modify-writing the unaligned edges of
// an O_DIRECT request.
func (h *HostFile) WriteAt(p []byte, off int64) (int, error) {
	if h.aligned(p, off) {
		return h.f.WriteAt(p, off)
	}
	start := off &^ (h.align - 1)
	end := (off + int64(len(p)) + h.align - 1) &^ (h.align - 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	buf := h.bounceBuf(int(end - start))
	size, err := h.Size()
	if err != nil {
		return 0, err
	}
	n, err := h.f.ReadAt(buf, start)
	if err == io.EOF {
		clear(buf[n:])
		err = nil
	}
	if err != nil {
		return 0, err
	}
	copy(buf[off-start:], p)
	if _, err := h.f.WriteAt(buf, start); err != nil {
		return 0, err
	}
	// The aligned write may have extended the file past the request.
	if newEnd := off + int64(len(p)); end > size && newEnd < end {
		if newEnd < size {
			newEnd = size
		}
		if err := h.f.Truncate(newEnd); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (h *HostFile) bounceBuf(n int) []byte {
	if len(h.bounce) < n {
		h.bounce = alignedBuf(n, int(h.align))
	}
	return h.bounce[:n]
}

// alignedBuf returns n bytes starting at an address aligned to a.
func alignedBuf(n, a int) []byte {
	b := make([]byte, n+a)
	for i := 0; i < a; i++ {
		if addrAligned(b[i:], int64(a)) {
			return b[i : i+n : i+n]
		}
	}
	return b[:n]
}

// Size is the file's length.
func (h *HostFile) Size() (int64, error) {
	st, err := h.f.Stat()
	if err != nil {
		return 0, err
	}
	if st.Mode()&os.ModeDevice != 0 {
		n, err := h.f.Seek(0, io.SeekEnd)
		if err != nil {
			return 0, err
		}
		return n, nil
	}
	return st.Size(), nil
}

// Truncate sets the file's length.
func (h *HostFile) Truncate(size int64) error { return h.f.Truncate(size) }

// Sync makes written data durable (fdatasync), unless the file was opened
// with NoSync.
func (h *HostFile) Sync() error {
	if h.noSync {
		return nil
	}
	return unix.Fdatasync(int(h.f.Fd()))
}

// Close closes the file.
func (h *HostFile) Close() error { return h.f.Close() }

// PunchHole deallocates a range, keeping the file's length.
func (h *HostFile) PunchHole(off, n int64) error {
	if n <= 0 {
		return nil
	}
	err := unix.Fallocate(int(h.f.Fd()), unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, off, n)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		// No hole punching here: write zeroes instead, capped to the file.
		size, serr := h.Size()
		if serr != nil {
			return serr
		}
		if off >= size {
			return nil
		}
		if off+n > size {
			n = size - off
		}
		return writeZeroes(h, off, n)
	}
	return err
}

// Allocate reserves space for a range (posix_fallocate), extending the file
// if needed.
func (h *HostFile) Allocate(off, n int64) error {
	if n <= 0 {
		return nil
	}
	err := unix.Fallocate(int(h.f.Fd()), 0, off, n)
	if errors.Is(err, unix.EOPNOTSUPP) {
		return ErrUnsupported
	}
	return err
}

// NextData returns the first offset >= off holding data (SEEK_DATA).
func (h *HostFile) NextData(off int64) (int64, error) {
	r, err := unix.Seek(int(h.f.Fd()), off, unix.SEEK_DATA)
	if errors.Is(err, unix.ENXIO) {
		return 0, io.EOF
	}
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return off, nil // no hole support: everything is data
	}
	return r, err
}

// NextHole returns the first offset >= off inside a hole (SEEK_HOLE).
func (h *HostFile) NextHole(off int64) (int64, error) {
	r, err := unix.Seek(int(h.f.Fd()), off, unix.SEEK_HOLE)
	if errors.Is(err, unix.ENXIO) {
		return off, nil
	}
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return h.Size()
	}
	return r, err
}

// AllocatedSize is the host space the file occupies.
func (h *HostFile) AllocatedSize() (int64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(h.f.Fd()), &st); err != nil {
		return 0, err
	}
	return st.Blocks * 512, nil
}

var zeroBlock = make([]byte, 64<<10)

// ZeroBuf returns a read-only buffer of n zero bytes when n is small
// enough to share, or a fresh one.
func zeroBuf(n int64) []byte {
	if n <= int64(len(zeroBlock)) {
		return zeroBlock[:n]
	}
	return make([]byte, n)
}

func writeZeroes(w io.WriterAt, off, n int64) error {
	for n > 0 {
		c := min(n, int64(len(zeroBlock)))
		if _, err := w.WriteAt(zeroBlock[:c], off); err != nil {
			return err
		}
		off += c
		n -= c
	}
	return nil
}

// WriteZeroes writes n zero bytes at off through any WriterAt.
func WriteZeroes(w io.WriterAt, off, n int64) error { return writeZeroes(w, off, n) }

// IsZero reports whether every byte of p is zero.
func IsZero(p []byte) bool {
	for len(p) > 0 {
		n := min(len(p), len(zeroBlock))
		if !bytes.Equal(p[:n], zeroBlock[:n]) {
			return false
		}
		p = p[n:]
	}
	return true
}

var (
	_ File           = (*HostFile)(nil)
	_ HolePuncher    = (*HostFile)(nil)
	_ DataSeeker     = (*HostFile)(nil)
	_ Preallocator   = (*HostFile)(nil)
	_ AllocatedSizer = (*HostFile)(nil)
)

// RangeZeroer zeroes a range while keeping it allocated
// (FALLOC_FL_ZERO_RANGE), extending the file if needed.
type RangeZeroer interface{ ZeroRange(off, n int64) error }

// ZeroRange zeroes a range, keeping it allocated.
func (h *HostFile) ZeroRange(off, n int64) error {
	if n <= 0 {
		return nil
	}
	err := unix.Fallocate(int(h.f.Fd()), unix.FALLOC_FL_ZERO_RANGE, off, n)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		return writeZeroes(h, off, n)
	}
	return err
}
