// Package bus dispatches port I/O and MMIO accesses to the devices that own
// them. A Space is an immutable sorted table behind an atomic pointer: lookups
// on the vCPU path take no lock and allocate nothing.
package bus

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Handler owns a port or MMIO window. Guest mistakes are its to absorb: there
// is no error result. off is relative to the region's base.
type Handler interface {
	Read(off uint64, size int) uint64
	Write(off uint64, size int, val uint64)
}

// Region is a window of a Space served by one Handler.
type Region struct {
	Name             string // shown by "info mtree"
	Base, Len        uint64
	MinSize, MaxSize int // access sizes the handler implements (0: 1 and 8)
	Handler          Handler
}

// End is the first address after the region (saturating at 2^64-1).
func (r *Region) End() uint64 {
	e := r.Base + r.Len
	if e < r.Base {
		return ^uint64(0)
	}
	return e
}

func (r *Region) minSize() int {
	if r.MinSize == 0 {
		return 1
	}
	return r.MinSize
}

func (r *Region) maxSize() int {
	if r.MaxSize == 0 {
		return 8
	}
	return r.MaxSize
}

// Space is one address space: the 64 KiB port space or the MMIO space.
type Space struct {
	name  string
	mu    sync.Mutex                // serialises writers; readers use table
	table atomic.Pointer[[]*Region] // sorted by Base; never modified in place
}

// NewSpace returns an empty space; name appears in errors and listings.
func NewSpace(name string) *Space {
	s := &Space{name: name}
	empty := []*Region{}
	s.table.Store(&empty)
	return s
}

// Name is the space's name ("io", "memory").
func (s *Space) Name() string { return s.name }

// Map adds a region. Overlapping an existing region is an error naming both.
func (s *Space) Map(r Region) error {
	if r.Len == 0 {
		return fmt.Errorf("bus %s: region %s has zero length", s.name, r.Name)
	}
	if r.Handler == nil {
		return fmt.Errorf("bus %s: region %s has no handler", s.name, r.Name)
	}
	if mn, mx := r.minSize(), r.maxSize(); !validSize(mn) || !validSize(mx) || mn > mx {
		return fmt.Errorf("bus %s: region %s: access sizes %d..%d are not powers of two in 1..8", s.name, r.Name, mn, mx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.table.Load()
	for _, o := range old {
		if r.Base < o.End() && o.Base < r.End() {
			return fmt.Errorf("bus %s: region %s [%#x, %#x) overlaps %s [%#x, %#x)",
				s.name, r.Name, r.Base, r.End(), o.Name, o.Base, o.End())
		}
	}
	nt := make([]*Region, 0, len(old)+1)
	nt = append(nt, old...)
	rc := r
	nt = append(nt, &rc)
	sort.Slice(nt, func(i, j int) bool { return nt[i].Base < nt[j].Base })
	s.table.Store(&nt)
	return nil
}

// Unmap removes the region based at base.
func (s *Space) Unmap(base uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.table.Load()
	for i, o := range old {
		if o.Base == base {
			nt := make([]*Region, 0, len(old)-1)
			nt = append(nt, old[:i]...)
			nt = append(nt, old[i+1:]...)
			s.table.Store(&nt)
			return nil
		}
	}
	return fmt.Errorf("bus %s: nothing mapped at %#x", s.name, base)
}

// Move changes the base of the region at from to to, failing without change
// if the new place overlaps another region.
func (s *Space) Move(from, to uint64) error {
	s.mu.Lock()
	old := *s.table.Load()
	var r *Region
	for _, o := range old {
		if o.Base == from {
			r = o
		}
	}
	s.mu.Unlock()
	if r == nil {
		return fmt.Errorf("bus %s: nothing mapped at %#x", s.name, from)
	}
	if err := s.Unmap(from); err != nil {
		return err
	}
	moved := *r
	moved.Base = to
	if err := s.Map(moved); err != nil {
		if err2 := s.Map(*r); err2 != nil {
			panic(err2) // its old place was free a moment ago; only a racing writer can take it
		}
		return err
	}
	return nil
}

// Regions returns a snapshot of the table in address order.
func (s *Space) Regions() []Region {
	t := *s.table.Load()
	out := make([]Region, len(t))
	for i, r := range t {
		out[i] = *r
	}
	return out
}

// Lookup returns the region containing addr.
func (s *Space) Lookup(addr uint64) (*Region, bool) {
	t := *s.table.Load()
	i := sort.Search(len(t), func(i int) bool { return t[i].End() > addr })
	if i < len(t) && t[i].Base <= addr {
		return t[i], true
	}
	return nil, false
}

// Read performs a size-byte read (1, 2, 4 or 8) at addr. The bool is false
// when nothing is mapped there; the value is then all ones, as an unclaimed
// bus reads.
func (s *Space) Read(addr uint64, size int) (uint64, bool) {
	r, ok := s.Lookup(addr)
	if !ok {
		return ones(size), false
	}
	return r.read(addr-r.Base, size), true
}

// Write performs a size-byte write at addr; false when nothing is mapped there.
func (s *Space) Write(addr uint64, size int, val uint64) bool {
	r, ok := s.Lookup(addr)
	if !ok {
		return false
	}
	r.write(addr-r.Base, size, val)
	return true
}

// read adapts the access size to what the handler implements: wider accesses
// are split into little-endian pieces, narrower ones are widened to an aligned
// access whose relevant bytes are extracted.
func (r *Region) read(off uint64, size int) uint64 {
	mn, mx := r.minSize(), r.maxSize()
	switch {
	case size >= mn && size <= mx:
		return r.Handler.Read(off, size) & mask(size)
	case size > mx:
		var v uint64
		for i := 0; i < size; i += mx {
			v |= (r.Handler.Read(off+uint64(i), mx) & mask(mx)) << (8 * i)
		}
		return v
	default: // size < mn
		aligned := off &^ uint64(mn-1)
		shift := 8 * (off - aligned)
		return (r.Handler.Read(aligned, mn) >> shift) & mask(size)
	}
}

func (r *Region) write(off uint64, size int, val uint64) {
	mn, mx := r.minSize(), r.maxSize()
	val &= mask(size)
	switch {
	case size >= mn && size <= mx:
		r.Handler.Write(off, size, val)
	case size > mx:
		for i := 0; i < size; i += mx {
			r.Handler.Write(off+uint64(i), mx, (val>>(8*i))&mask(mx))
		}
	default: // widened: the other bytes of the wider access are zero
		aligned := off &^ uint64(mn-1)
		r.Handler.Write(aligned, mn, val<<(8*(off-aligned)))
	}
}

func validSize(n int) bool { return n == 1 || n == 2 || n == 4 || n == 8 }

func mask(size int) uint64 {
	if size >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*size) - 1
}

func ones(size int) uint64 { return mask(size) }

// String renders the table like "info mtree" does.
func (s *Space) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "address-space: %s\n", s.name)
	for _, r := range s.Regions() {
		fmt.Fprintf(&b, "  %016x-%016x (prio 0, i/o): %s\n", r.Base, r.End()-1, r.Name)
	}
	return b.String()
}
