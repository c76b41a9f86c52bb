package block

import (
	"io"
	"sync"
)

// MemFile is a File in memory, for tests and fuzzing. Its zero value is an
// empty file. Limit, when non-zero, caps its size: writes beyond it fail,
// as a full disk would.
type MemFile struct {
	mu    sync.Mutex
	data  []byte // guarded by mu
	Limit int64
}

// NewMemFile returns a file holding a copy of b.
func NewMemFile(b []byte) *MemFile { return &MemFile{data: append([]byte(nil), b...)} }

// Bytes returns a copy of the file's content.
func (m *MemFile) Bytes() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]byte(nil), m.data...)
}

// ReadAt reads; bytes past the end read as zeroes.
func (m *MemFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	if off < int64(len(m.data)) {
		n = copy(p, m.data[off:])
	}
	clear(p[n:])
	return len(p), nil
}

// WriteAt writes, growing the file.
func (m *MemFile) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrShortWrite
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	end := off + int64(len(p))
	if m.Limit > 0 && end > m.Limit {
		return 0, io.ErrShortWrite
	}
	if end > int64(len(m.data)) {
		m.grow(end)
	}
	copy(m.data[off:], p)
	return len(p), nil
}

func (m *MemFile) grow(n int64) {
	if n <= int64(cap(m.data)) {
		old := len(m.data)
		m.data = m.data[:n]
		clear(m.data[old:])
		return
	}
	d := make([]byte, n, max(n, 2*int64(cap(m.data))))
	copy(d, m.data)
	m.data = d
}

// Size is the file's length.
func (m *MemFile) Size() (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.data)), nil
}

// Truncate sets the length.
func (m *MemFile) Truncate(n int64) error {
	if n < 0 || (m.Limit > 0 && n > m.Limit) {
		return io.ErrShortWrite
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n <= int64(len(m.data)) {
		m.data = m.data[:n]
		return nil
	}
	old := len(m.data)
	m.grow(n)
	clear(m.data[old:])
	return nil
}

// Sync does nothing.
func (m *MemFile) Sync() error { return nil }

// Close does nothing; the content stays readable through Bytes.
func (m *MemFile) Close() error { return nil }

// PunchHole zeroes a range within the file.
func (m *MemFile) PunchHole(off, n int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if off >= int64(len(m.data)) || n <= 0 {
		return nil
	}
	end := min(off+n, int64(len(m.data)))
	clear(m.data[off:end])
	return nil
}

var _ File = (*MemFile)(nil)
