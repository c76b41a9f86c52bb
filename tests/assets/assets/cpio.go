package assets

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// CPIOWriter writes a cpio archive in the "newc" format (SVR4 portable ASCII
// without checksums, magic 070701), the format the Linux kernel unpacks as an
// initramfs. Entries carry uid/gid 0 and mtime 0, so archives are
// reproducible.
type CPIOWriter struct {
	w      io.Writer
	ino    uint32
	err    error
	closed bool
}

// NewCPIOWriter returns a writer appending entries to w.
func NewCPIOWriter(w io.Writer) *CPIOWriter { return &CPIOWriter{w: w, ino: 1} }

// Mode bits of the cpio "mode" field (the st_mode file type bits).
const (
	cpioDir     = 0o040000
	cpioFile    = 0o100000
	cpioSymlink = 0o120000
	cpioChar    = 0o020000
	cpioBlock   = 0o060000
	cpioMaxName = 4096
)

func (c *CPIOWriter) header(name string, mode uint32, size int64, rdevMajor, rdevMinor uint32) error {
	if c.err != nil {
		return c.err
	}
	if c.closed {
		return fmt.Errorf("cpio: write after close")
	}
	if name == "" || len(name) >= cpioMaxName || strings.ContainsRune(name, 0) {
		return fmt.Errorf("cpio: bad entry name %q", name)
	}
	if size < 0 || size > 0xffffffff {
		return fmt.Errorf("cpio: %s: size %d does not fit the newc format", name, size)
	}
	nlink := uint32(1)
	if mode&0o170000 == cpioDir {
		nlink = 2
	}
	h := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		c.ino, mode, 0, 0, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, len(name)+1, 0)
	c.ino++
	b := append([]byte(h), name...)
	b = append(b, 0)
	b = append(b, make([]byte, pad4(len(b)))...)
	_, c.err = c.w.Write(b)
	return c.err
}

func pad4(n int) int { return (4 - n%4) % 4 }

func (c *CPIOWriter) pad(n int64) error {
	if p := pad4(int(n % 4)); p > 0 && c.err == nil {
		_, c.err = c.w.Write(make([]byte, p))
	}
	return c.err
}

// Dir adds a directory.
func (c *CPIOWriter) Dir(name string, perm fs.FileMode) error {
	return c.header(clean(name), cpioDir|uint32(perm.Perm()), 0, 0, 0)
}

// File adds a regular file with the contents of data.
func (c *CPIOWriter) File(name string, perm fs.FileMode, data []byte) error {
	return c.FileFrom(name, perm, strings.NewReader(string(data)), int64(len(data)))
}

// FileFrom adds a regular file of size bytes read from r.
func (c *CPIOWriter) FileFrom(name string, perm fs.FileMode, r io.Reader, size int64) error {
	name = clean(name)
	if err := c.header(name, cpioFile|uint32(perm.Perm()), size, 0, 0); err != nil {
		return err
	}
	n, err := io.CopyN(c.w, r, size)
	if err != nil {
		c.err = fmt.Errorf("cpio: %s: wrote %d of %d bytes: %w", name, n, size, err)
		return c.err
	}
	return c.pad(size)
}

// Symlink adds a symbolic link to target.
func (c *CPIOWriter) Symlink(name, target string) error {
	if err := c.header(clean(name), cpioSymlink|0o777, int64(len(target)), 0, 0); err != nil {
		return err
	}
	if _, c.err = io.WriteString(c.w, target); c.err != nil {
		return c.err
	}
	return c.pad(int64(len(target)))
}

// Device adds a character (char) or block device node.
func (c *CPIOWriter) Device(name string, perm fs.FileMode, char bool, major, minor uint32) error {
	t := uint32(cpioBlock)
	if char {
		t = cpioChar
	}
	return c.header(clean(name), t|uint32(perm.Perm()), 0, major, minor)
}

// Close writes the trailer. It does not close the underlying writer.
func (c *CPIOWriter) Close() error {
	if c.closed {
		return c.err
	}
	if err := c.header("TRAILER!!!", 0, 0, 0, 0); err != nil {
		return err
	}
	c.closed = true
	return nil
}

// clean makes an archive name relative, as the kernel expects ("bin/sh").
func clean(name string) string {
	if name == "" {
		return ""
	}
	n := strings.TrimPrefix(path.Clean("/"+name), "/")
	if n == "" {
		return "."
	}
	return n
}
