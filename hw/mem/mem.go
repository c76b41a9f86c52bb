// Package mem is guest-physical memory: RAM and ROM slots backed by host
// memory, with dirty-page tracking for every write that does not come from a
// vCPU (device DMA, loaders), so migration sees pages that an accelerator's own
// dirty log misses.
package mem

import (
	"errors"
	"fmt"
	"sort"
)

// PageSize is the granule of dirty tracking and of accelerator memory slots.
const PageSize = 4096

// GPA is a guest-physical address; never a host offset.
type GPA uint64

// Add returns a+n, and false when the sum overflows 64 bits. DMA lengths are
// chosen by the guest, so every address computation from them goes through Add.
func (a GPA) Add(n uint64) (GPA, bool) {
	s := uint64(a) + n
	return GPA(s), s >= uint64(a)
}

// ErrUnmapped is returned for an access that touches an address with no RAM
// or ROM behind it.
var ErrUnmapped = errors.New("guest-physical address not backed by RAM")

// ErrReadOnly is returned for a write through Guest into a ROM slot.
var ErrReadOnly = errors.New("guest-physical address is read-only")

// Slot is one contiguous range of guest-physical memory backed by host
// memory. Slots never overlap. Accelerators map each slot (KVM memory slots;
// the interpreter's TLB).
type Slot struct {
	Name     string
	GPA      GPA
	Host     []byte // len(Host) is the slot's size, a multiple of PageSize
	ReadOnly bool   // ROM: guest writes are discarded (KVM: an MMIO exit)

	firstPage int // index of the slot's first page in the dirty bitmap
}

// End is the first address after the slot.
func (s *Slot) End() GPA { return s.GPA + GPA(len(s.Host)) }

// Contains reports whether a lies in the slot.
func (s *Slot) Contains(a GPA) bool { return a >= s.GPA && a < s.End() }

// Guest is the guest's physical memory. Its layout is fixed once the machine
// is built; the bytes behind it are shared with the accelerator.
type Guest struct {
	slots     []*Slot // sorted by GPA
	dirty     Bitmap  // one bit per page of every slot, in slot order
	pages     int
	ramSize   uint64
	backings  []backing
	writeHook func(page int) // set before any vCPU or device runs
}

type backing struct {
	mem   []byte
	unmap func([]byte) error
}

// Range is a guest-physical range.
type Range struct {
	Start GPA
	Size  uint64
}

// End returns the first address after r.
func (r Range) End() GPA { return r.Start + GPA(r.Size) }

// PCLayout splits size bytes of RAM the way a PC does: up to lowLimit bytes at
// address 0 and the rest from 4 GiB upwards, leaving the hole below 4 GiB for
// PCI, the IOAPIC, the LAPIC and the firmware.
func PCLayout(size, lowLimit uint64) []Range {
	if size <= lowLimit {
		return []Range{{0, size}}
	}
	return []Range{{0, lowLimit}, {1 << 32, size - lowLimit}}
}

// New maps size bytes of anonymous host memory and places it at the given
// guest-physical ranges, whose sizes must add up to size.
func New(size uint64, layout []Range) (*Guest, error) {
	return newGuest(size, layout, mmapAnon, munmap)
}

// NewForTest returns size bytes of RAM at address 0 from the Go heap: no mmap,
// no KVM.
func NewForTest(size int) *Guest {
	g, err := newGuest(uint64(size), []Range{{0, uint64(size)}},
		func(n int) ([]byte, error) { return make([]byte, n), nil },
		func([]byte) error { return nil })
	if err != nil {
		panic(err) // programmer error: a bad size in a test
	}
	return g
}

func newGuest(size uint64, layout []Range, alloc func(int) ([]byte, error), free func([]byte) error) (*Guest, error) {
	if size == 0 || size%PageSize != 0 {
		return nil, fmt.Errorf("mem: RAM size %#x is not a positive multiple of %d", size, PageSize)
	}
	var sum uint64
	for _, r := range layout {
		if r.Size%PageSize != 0 || uint64(r.Start)%PageSize != 0 {
			return nil, fmt.Errorf("mem: range %#x+%#x is not page aligned", r.Start, r.Size)
		}
		sum += r.Size
	}
	if sum != size {
		return nil, fmt.Errorf("mem: layout covers %#x bytes, RAM is %#x", sum, size)
	}
	host, err := alloc(int(size))
	if err != nil {
		return nil, fmt.Errorf("mem: allocating %d MiB of guest RAM: %w", size>>20, err)
	}
	g := &Guest{ramSize: size, backings: []backing{{host, free}}}
	off := uint64(0)
	for i, r := range layout {
		name := "ram"
		if i > 0 {
			name = fmt.Sprintf("ram%d", i)
		}
		if err := g.insert(&Slot{Name: name, GPA: r.Start, Host: host[off : off+r.Size : off+r.Size]}); err != nil {
			g.Close()
			return nil, err
		}
		off += r.Size
	}
	g.reindex()
	return g, nil
}

// RAMSize is the amount of RAM (not ROM) given to the guest.
func (g *Guest) RAMSize() uint64 { return g.ramSize }

// AddROM creates a read-only slot of size bytes at a, punching it out of any
// RAM slot it overlaps, and returns its host bytes for the caller to fill
// (firmware images). The bytes stay writable from the host side.
func (g *Guest) AddROM(name string, a GPA, size uint64) ([]byte, error) {
	if size == 0 || size%PageSize != 0 || uint64(a)%PageSize != 0 {
		return nil, fmt.Errorf("mem: ROM %s at %#x+%#x is not page aligned", name, a, size)
	}
	if _, ok := a.Add(size - 1); !ok {
		return nil, fmt.Errorf("mem: ROM %s at %#x+%#x wraps past 2^64", name, a, size)
	}
	host, err := mmapAnon(int(size))
	if err != nil {
		return nil, fmt.Errorf("mem: allocating ROM %s: %w", name, err)
	}
	g.backings = append(g.backings, backing{host, munmap})
	return host, g.Overlay(&Slot{Name: name, GPA: a, Host: host, ReadOnly: true})
}

// AliasRAM maps an existing RAM or ROM range [from, from+size) a second time
// at a, read-only or not; the host bytes are shared. It is how the legacy BIOS
// window below 1 MiB mirrors the top of the firmware image.
func (g *Guest) AliasRAM(name string, a, from GPA, size uint64, readOnly bool) error {
	host, err := g.View(from, int(size))
	if err != nil {
		return fmt.Errorf("mem: alias %s: %w", name, err)
	}
	return g.Overlay(&Slot{Name: name, GPA: a, Host: host, ReadOnly: readOnly})
}

// Overlay places s over the existing slots, cutting away the parts of any slot
// that it covers. Slots must be changed only while no vCPU runs.
func (g *Guest) Overlay(s *Slot) error {
	if len(s.Host) == 0 || len(s.Host)%PageSize != 0 || uint64(s.GPA)%PageSize != 0 {
		return fmt.Errorf("mem: slot %s at %#x+%#x is not page aligned", s.Name, s.GPA, len(s.Host))
	}
	var kept []*Slot
	for _, o := range g.slots {
		if o.End() <= s.GPA || o.GPA >= s.End() {
			kept = append(kept, o)
			continue
		}
		if o.GPA < s.GPA {
			n := uint64(s.GPA - o.GPA)
			kept = append(kept, &Slot{Name: o.Name, GPA: o.GPA, Host: o.Host[:n:n], ReadOnly: o.ReadOnly})
		}
		if o.End() > s.End() {
			skip := uint64(s.End() - o.GPA)
			kept = append(kept, &Slot{Name: o.Name, GPA: s.End(), Host: o.Host[skip:], ReadOnly: o.ReadOnly})
		}
	}
	g.slots = kept
	if err := g.insert(s); err != nil {
		return err
	}
	g.reindex()
	return nil
}

func (g *Guest) insert(s *Slot) error {
	for _, o := range g.slots {
		if s.GPA < o.End() && o.GPA < s.End() {
			return fmt.Errorf("mem: slot %s [%#x, %#x) overlaps %s [%#x, %#x)", s.Name, s.GPA, s.End(), o.Name, o.GPA, o.End())
		}
	}
	g.slots = append(g.slots, s)
	sort.Slice(g.slots, func(i, j int) bool { return g.slots[i].GPA < g.slots[j].GPA })
	return nil
}

func (g *Guest) reindex() {
	n := 0
	for _, s := range g.slots {
		s.firstPage = n
		n += len(s.Host) / PageSize
	}
	g.pages = n
	g.dirty = *NewBitmap(n)
}

// Slots returns the memory slots in address order. The slice must not be
// modified.
func (g *Guest) Slots() []*Slot { return g.slots }

// Pages is the number of pages over all slots: the size of dirty bitmaps.
func (g *Guest) Pages() int { return g.pages }

// Slot returns the slot holding a, or nil.
func (g *Guest) Slot(a GPA) *Slot {
	i := sort.Search(len(g.slots), func(i int) bool { return g.slots[i].End() > a })
	if i < len(g.slots) && g.slots[i].Contains(a) {
		return g.slots[i]
	}
	return nil
}

// PageIndex returns the dirty-bitmap index of the page holding a.
func (g *Guest) PageIndex(a GPA) (int, bool) {
	s := g.Slot(a)
	if s == nil {
		return 0, false
	}
	return s.firstPage + int((a-s.GPA)/PageSize), true
}

// SlotPage returns the dirty-bitmap index of the first page of s.
func (s *Slot) SlotPage() int { return s.firstPage }

// View returns the host bytes behind [a, a+n) when the range lies in one slot.
// The caller must not write through it (use ViewForWrite).
func (g *Guest) View(a GPA, n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("mem: negative length %d at %#x", n, a)
	}
	s := g.Slot(a)
	if s == nil {
		return nil, fmt.Errorf("mem: %#x: %w", a, ErrUnmapped)
	}
	off := uint64(a - s.GPA)
	if off+uint64(n) > uint64(len(s.Host)) {
		return nil, fmt.Errorf("mem: %#x+%#x crosses the end of slot %s: %w", a, n, s.Name, ErrUnmapped)
	}
	return s.Host[off : off+uint64(n) : off+uint64(n)], nil
}

// ViewForWrite is View for a writer (zero-copy DMA): it marks the pages dirty.
func (g *Guest) ViewForWrite(a GPA, n int) ([]byte, error) {
	s := g.Slot(a)
	if s != nil && s.ReadOnly {
		return nil, fmt.Errorf("mem: %#x: %w", a, ErrReadOnly)
	}
	b, err := g.View(a, n)
	if err != nil {
		return nil, err
	}
	g.markDirty(s, a, n)
	return b, nil
}

func (g *Guest) markDirty(s *Slot, a GPA, n int) {
	if n == 0 {
		return
	}
	first := s.firstPage + int((a-s.GPA)/PageSize)
	last := s.firstPage + int((uint64(a-s.GPA)+uint64(n)-1)/PageSize)
	for p := first; p <= last; p++ {
		g.dirty.Set(p)
		if g.writeHook != nil {
			g.writeHook(p)
		}
	}
}

// SetWriteHook registers f to be called with the dirty-bitmap index of every
// page written through Guest (WriteAt, ViewForWrite, LoadROM, MarkDirty):
// an accelerator that caches decoded guest code (the interpreter) drops its
// translations of rewritten pages. f must be cheap and safe to call from any
// goroutine. Call it before any device or vCPU runs.
func (g *Guest) SetWriteHook(f func(page int)) { g.writeHook = f }

// ReadAt implements io.ReaderAt with off as a guest-physical address. It may
// span slots; a gap is an error.
func (g *Guest) ReadAt(p []byte, off int64) (int, error) {
	done := 0
	for done < len(p) {
		a := GPA(uint64(off) + uint64(done))
		s := g.Slot(a)
		if s == nil {
			return done, fmt.Errorf("mem: read at %#x: %w", a, ErrUnmapped)
		}
		done += copy(p[done:], s.Host[a-s.GPA:])
	}
	return done, nil
}

// WriteAt implements io.WriterAt with off as a guest-physical address and marks
// the written pages dirty. A write into ROM fails with ErrReadOnly.
func (g *Guest) WriteAt(p []byte, off int64) (int, error) {
	done := 0
	for done < len(p) {
		a := GPA(uint64(off) + uint64(done))
		s := g.Slot(a)
		if s == nil {
			return done, fmt.Errorf("mem: write at %#x: %w", a, ErrUnmapped)
		}
		if s.ReadOnly {
			return done, fmt.Errorf("mem: write at %#x: %w", a, ErrReadOnly)
		}
		n := copy(s.Host[a-s.GPA:], p[done:])
		g.markDirty(s, a, n)
		done += n
	}
	return done, nil
}

// LoadROM copies p into memory at a whatever the slot's protection: loaders
// and firmware setup use it before the guest runs.
func (g *Guest) LoadROM(p []byte, a GPA) error {
	done := 0
	for done < len(p) {
		b := a + GPA(done)
		s := g.Slot(b)
		if s == nil {
			return fmt.Errorf("mem: load at %#x: %w", b, ErrUnmapped)
		}
		n := copy(s.Host[b-s.GPA:], p[done:])
		g.markDirty(s, b, n)
		done += n
	}
	return nil
}

// MarkDirty records that [a, a+n) was written by someone other than the
// guest's vCPUs through a view obtained earlier.
func (g *Guest) MarkDirty(a GPA, n int) {
	for n > 0 {
		s := g.Slot(a)
		if s == nil {
			return
		}
		m := min(uint64(n), uint64(s.End()-a))
		g.markDirty(s, a, int(m))
		a += GPA(m)
		n -= int(m)
	}
}

// HarvestDirty ORs the pages written through Guest since the last harvest into
// into, and clears them.
func (g *Guest) HarvestDirty(into *Bitmap) { g.dirty.MoveTo(into) }

// Close releases the host memory. No vCPU or device may use it afterwards.
func (g *Guest) Close() error {
	var first error
	for _, b := range g.backings {
		if err := b.unmap(b.mem); err != nil && first == nil {
			first = err
		}
	}
	g.backings = nil
	g.slots = nil
	return first
}
