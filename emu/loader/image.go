package loader

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"gemu/accel"
	"gemu/hw/mem"
)

// Image is a file to load: anything that reads at offsets, with its size.
type Image struct {
	Name string // the file name; shown in errors and in Multiboot module strings
	R    io.ReaderAt
	Size int64
}

// OpenImage opens a file for loading. The caller closes the returned file.
func OpenImage(path string) (Image, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return Image{}, nil, fmt.Errorf("loader: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return Image{}, nil, fmt.Errorf("loader: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return Image{}, nil, fmt.Errorf("loader: %s is not a regular file", path)
	}
	return Image{Name: path, R: f, Size: st.Size()}, f, nil
}

// ErrTruncated is wrapped by errors for images shorter than their headers say.
var ErrTruncated = errors.New("image is truncated")

// readAt reads exactly len(p) bytes at off from img.
func (img Image) readAt(p []byte, off int64) error {
	if off < 0 || off > img.Size || int64(len(p)) > img.Size-off {
		return fmt.Errorf("%s: %d bytes at offset %#x past the end (%d bytes): %w", img.Name, len(p), off, img.Size, ErrTruncated)
	}
	n, err := img.R.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = ErrTruncated
	}
	return fmt.Errorf("%s: reading %d bytes at %#x: %w", img.Name, len(p), off, err)
}

// head returns up to n bytes from the start of img.
func (img Image) head(n int) ([]byte, error) {
	if img.Size < int64(n) {
		n = int(max(img.Size, 0))
	}
	p := make([]byte, n)
	if err := img.readAt(p, 0); err != nil {
		return nil, err
	}
	return p, nil
}

// Region is a range of guest memory a loader filled.
type Region struct {
	Name  string // "kernel", "initrd", "cmdline", "boot_params", ...
	Start mem.GPA
	Size  uint64
}

// End is the first address after r.
func (r Region) End() mem.GPA { return r.Start + mem.GPA(r.Size) }

func (r Region) String() string {
	return fmt.Sprintf("%s [%#x-%#x]", r.Name, uint64(r.Start), uint64(r.End())-1)
}

// Boot is what a loader hands to the machine.
type Boot struct {
	// CPU is the bootstrap processor's state: accel.ResetState(0) with the
	// registers the boot protocol sets.
	CPU accel.CPUState
	// Protocol names how the guest is entered: "linux64", "linux32", "pvh",
	// "multiboot" or "bios".
	Protocol string
	// E820 is the memory map given to the guest (nil for "bios").
	E820 []E820Entry
	// Regions lists what was placed, in placement order. "kernel
	// workspace" is memory kept free for a bzImage to decompress into;
	// nothing is written there.
	Regions []Region
}

// Region returns the placed region called name.
func (b *Boot) Region(name string) (Region, bool) {
	for _, r := range b.Regions {
		if r.Name == name {
			return r, true
		}
	}
	return Region{}, false
}

// placer places images into RAM, refusing ranges outside usable RAM and
// overlaps between the things it places.
type placer struct {
	ram  *mem.Guest
	e820 []E820Entry
	used []Region
}

func newPlacer(ram *mem.Guest, e820 []E820Entry) (*placer, error) {
	if e820 == nil {
		e820 = PCMemoryMap(ram, nil)
	}
	if err := checkMap(e820); err != nil {
		return nil, err
	}
	return &placer{ram: ram, e820: e820}, nil
}

// claim records [a, a+n) as name's, checking that it is usable RAM and free.
func (p *placer) claim(name string, a, n uint64) error {
	if n == 0 {
		return fmt.Errorf("loader: %s is empty", name)
	}
	if a+n < a {
		return fmt.Errorf("loader: %s at %#x+%#x wraps around", name, a, n)
	}
	if !usable(p.e820, a, n) {
		return fmt.Errorf("loader: %s [%#x-%#x] is not inside usable guest RAM", name, a, a+n-1)
	}
	r := Region{name, mem.GPA(a), n}
	for _, u := range p.used {
		if r.Start < u.End() && u.Start < r.End() {
			return fmt.Errorf("loader: %v overlaps %v", r, u)
		}
	}
	p.used = append(p.used, r)
	return nil
}

// free reports whether [a, a+n) overlaps nothing placed so far; if it does,
// it returns the start of the overlapping region.
func (p *placer) free(a, n uint64) (bool, uint64) {
	for _, u := range p.used {
		if a < uint64(u.End()) && uint64(u.Start) < a+n {
			return false, uint64(u.Start)
		}
	}
	return true, 0
}

// placeHigh finds the highest address, aligned to align, at or above
// HighMemStart, where n bytes fit in usable RAM below limit without touching
// anything placed, and claims it.
func (p *placer) placeHigh(name string, n, limit, align uint64) (uint64, error) {
	if n == 0 {
		return 0, fmt.Errorf("loader: %s is empty", name)
	}
	for i := len(p.e820) - 1; i >= 0; i-- {
		e := p.e820[i]
		if e.Type != E820RAM {
			continue
		}
		lo := max(e.Addr, HighMemStart)
		top := min(e.End(), limit)
		for top > lo && top-lo >= n {
			a := alignDown(top-n, align)
			if a < lo {
				break
			}
			ok, at := p.free(a, n)
			if ok {
				return a, p.claim(name, a, n)
			}
			top = at
		}
	}
	return 0, fmt.Errorf("loader: no room for %s (%d bytes) in usable RAM below %#x", name, n, limit)
}

// write copies b into guest memory at a.
func (p *placer) write(a uint64, b []byte) error {
	if _, err := p.ram.WriteAt(b, int64(a)); err != nil {
		return fmt.Errorf("loader: %w", err)
	}
	return nil
}

// copyImage copies n bytes of img from offset off into guest memory at a,
// through a bounded buffer.
func (p *placer) copyImage(a uint64, img Image, off, n int64) error {
	buf := make([]byte, min(n, 1<<20))
	for done := int64(0); done < n; {
		c := min(n-done, int64(len(buf)))
		if err := img.readAt(buf[:c], off+done); err != nil {
			return fmt.Errorf("loader: %w", err)
		}
		if err := p.write(a+uint64(done), buf[:c]); err != nil {
			return err
		}
		done += c
	}
	return nil
}

// zero clears n bytes of guest memory at a.
func (p *placer) zero(a, n uint64) error {
	buf := make([]byte, min(n, 1<<20))
	for done := uint64(0); done < n; {
		c := min(n-done, uint64(len(buf)))
		if err := p.write(a+done, buf[:c]); err != nil {
			return err
		}
		done += c
	}
	return nil
}

func alignDown(v, a uint64) uint64 {
	if a <= 1 {
		return v
	}
	return v - v%a
}

func alignUp(v, a uint64) (uint64, bool) {
	if a <= 1 || v%a == 0 {
		return v, true
	}
	r := v + a - v%a
	return r, r > v
}

var le = binary.LittleEndian
