package vmdk

import (
	"encoding/binary"
	"fmt"
	"io"

	"gemu/block"
)

// sparseExtent is a hosted sparse extent: a grain directory of grain
// tables mapping grains to sectors of the file.
type sparseExtent struct {
	f          block.File
	h          *sparseHeader
	ro         bool
	name       string
	self       bool // the image file itself (monolithic)
	n          int64
	grainBytes int64
	gd, rgd    []uint32
	gts        map[uint32][]uint32
	end        int64 // next free byte, sector aligned
	zbuf       []byte
	zsec       uint32
	zok        bool
}

func openSparse(f block.File, ro bool) (*sparseExtent, error) {
	fsize, err := f.Size()
	if err != nil {
		return nil, err
	}
	hb := make([]byte, 512)
	if _, err := f.ReadAt(hb, 0); err != nil {
		return nil, err
	}
	h, err := parseSparseHeader(hb)
	if err != nil {
		return nil, err
	}
	if h.gdOffset == gdAtEnd {
		// streamOptimized with the real header in the footer, before the
		// end-of-stream marker.
		if fsize < 1536 {
			return nil, fmt.Errorf("vmdk: stream too short for a footer")
		}
		fb := make([]byte, 512)
		if _, err := f.ReadAt(fb, fsize-1024); err != nil {
			return nil, err
		}
		fh, err := parseSparseHeader(fb)
		if err != nil {
			return nil, fmt.Errorf("vmdk: footer: %w", err)
		}
		if fh.gdOffset == gdAtEnd {
			return nil, fmt.Errorf("vmdk: footer has no grain directory")
		}
		h.gdOffset = fh.gdOffset
		h.rgdOffset = 0
	}
	if ro == false && h.flags&flagCompressed != 0 && h.gdOffset == gdAtEnd {
		ro = true
	}
	se := &sparseExtent{f: f, h: h, ro: ro, n: int64(h.capacity), grainBytes: int64(h.grainSize) * 512, gts: map[uint32][]uint32{}}
	per := h.grainSize * uint64(h.numGTEsPerGT)
	nGD := (h.capacity + per - 1) / per
	if nGD > maxGDEntries {
		return nil, fmt.Errorf("vmdk: grain directory of %d entries is too large", nGD)
	}
	load := func(sec uint64) ([]uint32, error) {
		if sec == 0 || sec >= uint64(fsize)/512 || sec*512+nGD*4 > uint64(fsize) {
			return nil, fmt.Errorf("vmdk: grain directory at sector %d lies outside the file", sec)
		}
		b := make([]byte, nGD*4)
		if _, err := f.ReadAt(b, int64(sec*512)); err != nil {
			return nil, err
		}
		gd := make([]uint32, nGD)
		for i := range gd {
			gd[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
		return gd, nil
	}
	if se.gd, err = load(h.gdOffset); err != nil {
		return nil, err
	}
	if h.flags&flagRGD != 0 && h.rgdOffset != 0 {
		if se.rgd, err = load(h.rgdOffset); err != nil {
			return nil, err
		}
	}
	se.end = (fsize + 511) &^ 511
	return se, nil
}

func (s *sparseExtent) sectors() int64 { return s.n }

func (s *sparseExtent) compressed() bool { return s.h.flags&flagCompressed != 0 }

// gt returns grain table gdi (nil if unallocated).
func (s *sparseExtent) gt(gdi uint64, redundant bool) ([]uint32, uint32, error) {
	dir := s.gd
	if redundant {
		dir = s.rgd
	}
	if gdi >= uint64(len(dir)) {
		return nil, 0, fmt.Errorf("vmdk: grain directory index %d out of range", gdi)
	}
	sec := dir[gdi]
	if sec == 0 {
		return nil, 0, nil
	}
	if t, ok := s.gts[sec]; ok {
		return t, sec, nil
	}
	n := int64(s.h.numGTEsPerGT) * 4
	if int64(sec)*512+n > s.end {
		return nil, 0, fmt.Errorf("vmdk: grain table at sector %d lies outside the file: %w", sec, block.ErrCorrupt)
	}
	b := make([]byte, n)
	if _, err := s.f.ReadAt(b, int64(sec)*512); err != nil {
		return nil, 0, err
	}
	t := make([]uint32, s.h.numGTEsPerGT)
	for i := range t {
		t[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	if len(s.gts) > 4096 {
		s.gts = map[uint32][]uint32{}
	}
	s.gts[sec] = t
	return t, sec, nil
}

// grain returns the grain table entry of grain gi.
func (s *sparseExtent) grain(gi uint64) (uint32, error) {
	per := uint64(s.h.numGTEsPerGT)
	t, _, err := s.gt(gi/per, false)
	if err != nil || t == nil {
		return 0, err
	}
	return t[gi%per], nil
}

func (s *sparseExtent) zeroGTE(gte uint32) bool {
	return gte == 1 && (s.h.flags&flagZeroGrain != 0 || s.h.version >= 2)
}

func (s *sparseExtent) readCompressed(gte uint32) ([]byte, error) {
	if s.zok && s.zsec == gte {
		return s.zbuf, nil
	}
	off := int64(gte) * 512
	var hdr [12]byte
	if _, err := s.f.ReadAt(hdr[:], off); err != nil {
		return nil, err
	}
	var size int64
	data := off
	if s.h.flags&flagMarkers != 0 {
		size = int64(binary.LittleEndian.Uint32(hdr[8:]))
		data = off + 12
	} else {
		size = s.grainBytes * 2
	}
	if size <= 0 || size > 2*s.grainBytes+4096 || data+size > s.end+512 {
		return nil, fmt.Errorf("vmdk: compressed grain at sector %d has invalid size %d: %w", gte, size, block.ErrCorrupt)
	}
	src := make([]byte, size)
	if _, err := s.f.ReadAt(src, data); err != nil && err != io.EOF {
		return nil, err
	}
	if s.zbuf == nil {
		s.zbuf = make([]byte, s.grainBytes)
	}
	if err := inflate(s.zbuf, src); err != nil {
		s.zok = false
		return nil, fmt.Errorf("vmdk: compressed grain at sector %d: %v: %w", gte, err, block.ErrCorrupt)
	}
	s.zsec, s.zok = gte, true
	return s.zbuf, nil
}

func (s *sparseExtent) readAt(p []byte, off int64, backing func([]byte, int64) error) error {
	for len(p) > 0 {
		gi := uint64(off / s.grainBytes)
		in := off % s.grainBytes
		n := min(int64(len(p)), s.grainBytes-in)
		gte, err := s.grain(gi)
		if err != nil {
			return err
		}
		switch {
		case gte == 0:
			if err := backing(p[:n], off); err != nil {
				return err
			}
		case s.zeroGTE(gte):
			clear(p[:n])
		case s.compressed():
			g, err := s.readCompressed(gte)
			if err != nil {
				return err
			}
			copy(p[:n], g[in:])
		default:
			if int64(gte)*512+s.grainBytes > s.end+s.grainBytes {
				return fmt.Errorf("vmdk: grain at sector %d lies outside the file: %w", gte, block.ErrCorrupt)
			}
			if _, err := s.f.ReadAt(p[:n], int64(gte)*512+in); err != nil {
				return err
			}
		}
		p, off = p[n:], off+n
	}
	return nil
}

// setGTE updates a grain table entry in the primary and redundant tables.
func (s *sparseExtent) setGTE(gi uint64, v uint32) error {
	per := uint64(s.h.numGTEsPerGT)
	for _, red := range []bool{false, true} {
		if red && s.rgd == nil {
			continue
		}
		t, sec, err := s.gt(gi/per, red)
		if err != nil {
			return err
		}
		if t == nil {
			if sec, t, err = s.newGT(gi/per, red); err != nil {
				return err
			}
		}
		t[gi%per] = v
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], v)
		if _, err := s.f.WriteAt(b[:], int64(sec)*512+int64(gi%per)*4); err != nil {
			return err
		}
	}
	return nil
}

// newGT allocates a zeroed grain table at the end of the file.
func (s *sparseExtent) newGT(gdi uint64, red bool) (uint32, []uint32, error) {
	n := (int64(s.h.numGTEsPerGT)*4 + 511) &^ 511
	off := s.end
	if off/512 > 0xffffffff {
		return 0, nil, fmt.Errorf("vmdk: extent file too large")
	}
	if _, err := s.f.WriteAt(make([]byte, n), off); err != nil {
		return 0, nil, err
	}
	s.end += n
	sec := uint32(off / 512)
	t := make([]uint32, s.h.numGTEsPerGT)
	s.gts[sec] = t
	dir, dirOff := s.gd, s.h.gdOffset
	if red {
		dir, dirOff = s.rgd, s.h.rgdOffset
	}
	dir[gdi] = sec
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], sec)
	if _, err := s.f.WriteAt(b[:], int64(dirOff)*512+int64(gdi)*4); err != nil {
		return 0, nil, err
	}
	return sec, t, nil
}

func (s *sparseExtent) allocGrain() (uint32, error) {
	off := s.end
	if off/512 > 0xffffffff {
		return 0, fmt.Errorf("vmdk: extent file too large")
	}
	s.end += s.grainBytes
	return uint32(off / 512), nil
}

func (s *sparseExtent) writeAt(p []byte, off int64, backing func([]byte, int64) error) error {
	if s.ro {
		return block.ErrReadOnly
	}
	if s.compressed() {
		return fmt.Errorf("vmdk: streamOptimized images take whole compressed grains only: %w", block.ErrUnsupported)
	}
	for len(p) > 0 {
		gi := uint64(off / s.grainBytes)
		in := off % s.grainBytes
		n := min(int64(len(p)), s.grainBytes-in)
		gte, err := s.grain(gi)
		if err != nil {
			return err
		}
		if gte > 1 || gte == 1 && !s.zeroGTE(gte) {
			if _, err := s.f.WriteAt(p[:n], int64(gte)*512+in); err != nil {
				return err
			}
		} else {
			buf := make([]byte, s.grainBytes)
			if n < s.grainBytes {
				if gte == 0 {
					if err := backing(buf, off-in); err != nil {
						return err
					}
				}
			}
			copy(buf[in:], p[:n])
			sec, err := s.allocGrain()
			if err != nil {
				return err
			}
			if _, err := s.f.WriteAt(buf, int64(sec)*512); err != nil {
				return err
			}
			if err := s.setGTE(gi, sec); err != nil {
				return err
			}
		}
		p, off = p[n:], off+n
	}
	return nil
}

// writeCompressed appends a grain marker and compressed data.
func (s *sparseExtent) writeCompressed(off int64, data, z []byte) error {
	if s.ro {
		return block.ErrReadOnly
	}
	if off%s.grainBytes != 0 {
		return fmt.Errorf("vmdk: compressed writes must be grain aligned")
	}
	gi := uint64(off / s.grainBytes)
	gte, err := s.grain(gi)
	if err != nil {
		return err
	}
	if gte > 1 {
		return fmt.Errorf("vmdk: grain %d is already written; streamOptimized grains are written once: %w", gi, block.ErrUnsupported)
	}
	rec := make([]byte, (12+int64(len(z))+511)&^511)
	binary.LittleEndian.PutUint64(rec, uint64(off/512))
	binary.LittleEndian.PutUint32(rec[8:], uint32(len(z)))
	copy(rec[12:], z)
	at := s.end
	if at/512 > 0xffffffff {
		return fmt.Errorf("vmdk: extent file too large")
	}
	if _, err := s.f.WriteAt(rec, at); err != nil {
		return err
	}
	s.end += int64(len(rec))
	return s.setGTE(gi, uint32(at/512))
}

func (s *sparseExtent) mapAt(off, n int64) (block.Extent, error) {
	e := block.Extent{Start: off, Offset: -1}
	gi := uint64(off / s.grainBytes)
	first, err := s.grain(gi)
	if err != nil {
		return e, err
	}
	kind := func(g uint32) int {
		switch {
		case g == 0:
			return 0
		case s.zeroGTE(g):
			return 1
		case s.compressed():
			return 3
		}
		return 2
	}
	k := kind(first)
	inG := off % s.grainBytes
	l := s.grainBytes - inG
	for l < n && k != 3 {
		next := gi + uint64((inG+l)/s.grainBytes)
		g2, err := s.grain(next)
		if err != nil {
			return e, err
		}
		if kind(g2) != k {
			break
		}
		if k == 2 && int64(g2) != int64(first)+int64(next-gi)*(s.grainBytes/512) {
			break
		}
		l += s.grainBytes
	}
	e.Length = min(l, n)
	switch k {
	case 0:
		e.Zero = true
	case 1:
		e.Zero, e.Present = true, true
	case 3:
		e.Data, e.Present, e.Compressed = true, true, true
	case 2:
		e.Data, e.Present = true, true
		e.Offset = int64(first)*512 + off%s.grainBytes
		if nm, ok := s.f.(block.Namer); ok {
			e.File = nm.Name()
		}
		refineHole(s.f, &e)
	}
	return e, nil
}

// refineHole marks data lying in a hole of the host file as zeroes, as
// QEMU's map does.
func refineHole(f block.File, e *block.Extent) {
	ds, ok := f.(block.DataSeeker)
	if !ok || e.Offset < 0 {
		return
	}
	nd, err := ds.NextData(e.Offset)
	switch {
	case err == io.EOF:
		e.Zero = true
	case err != nil:
	case nd > e.Offset:
		e.Zero = true
		e.Length = min(e.Length, nd-e.Offset)
	default:
		if nh, err := ds.NextHole(e.Offset); err == nil && nh > e.Offset {
			e.Length = min(e.Length, nh-e.Offset)
		}
	}
}

func (s *sparseExtent) flush() error {
	if s.ro {
		return nil
	}
	return s.f.Sync()
}

func (s *sparseExtent) close() error { return nil }

func (s *sparseExtent) info() []block.Field {
	var f []block.Field
	if s.compressed() {
		f = append(f, block.Field{Key: "compressed", Human: "compressed", Value: true})
	}
	format := "SPARSE"
	if s.self {
		format = ""
	}
	return append(f,
		block.Field{Key: "virtual-size", Human: "virtual size", Value: s.n * 512},
		block.Field{Key: "filename", Human: "filename", Value: s.name},
		block.Field{Key: "cluster-size", Human: "cluster size", Value: s.grainBytes},
		block.Field{Key: "format", Human: "format", Value: format},
	)
}

func (s *sparseExtent) check(res *block.CheckResult) error {
	per := uint64(s.h.numGTEsPerGT)
	for gdi := range s.gd {
		t, _, err := s.gt(uint64(gdi), false)
		if err != nil {
			res.Messages = append(res.Messages, err.Error())
			res.Corruptions++
			continue
		}
		for j, g := range t {
			if g <= 1 {
				continue
			}
			if int64(g)*512 >= s.end {
				res.Messages = append(res.Messages, fmt.Sprintf("ERROR: cluster offset for sector %d points after end of file", (uint64(gdi)*per+uint64(j))*s.h.grainSize))
				res.Corruptions++
			}
		}
	}
	return nil
}

// flatExtent is a plain file region.
type flatExtent struct {
	f    block.File
	n    int64
	off  int64
	name string
	ro   bool
}

func (x *flatExtent) sectors() int64 { return x.n }

func (x *flatExtent) readAt(p []byte, off int64, _ func([]byte, int64) error) error {
	_, err := x.f.ReadAt(p, x.off+off)
	if err == io.EOF {
		err = nil
	}
	return err
}

func (x *flatExtent) writeAt(p []byte, off int64, _ func([]byte, int64) error) error {
	if x.ro {
		return block.ErrReadOnly
	}
	_, err := x.f.WriteAt(p, x.off+off)
	return err
}

func (x *flatExtent) mapAt(off, n int64) (block.Extent, error) {
	e := block.Extent{Start: off, Length: n, Data: true, Present: true, Offset: x.off + off}
	if nm, ok := x.f.(block.Namer); ok {
		e.File = nm.Name()
	}
	refineHole(x.f, &e)
	return e, nil
}

func (x *flatExtent) flush() error {
	if x.ro {
		return nil
	}
	return x.f.Sync()
}

func (x *flatExtent) close() error { return nil }

func (x *flatExtent) info() []block.Field {
	return []block.Field{
		{Key: "virtual-size", Human: "virtual size", Value: x.n * 512},
		{Key: "filename", Human: "filename", Value: x.name},
		{Key: "format", Human: "format", Value: "FLAT"},
	}
}

// zeroExtent reads as zeroes and ignores writes, as a ZERO extent does.
type zeroExtent int64

func (z zeroExtent) sectors() int64 { return int64(z) }
func (z zeroExtent) readAt(p []byte, _ int64, _ func([]byte, int64) error) error {
	clear(p)
	return nil
}
func (z zeroExtent) writeAt([]byte, int64, func([]byte, int64) error) error {
	return fmt.Errorf("vmdk: write to a ZERO extent: %w", block.ErrReadOnly)
}
func (z zeroExtent) mapAt(off, n int64) (block.Extent, error) {
	return block.Extent{Start: off, Length: n, Zero: true, Present: true, Offset: -1}, nil
}
func (z zeroExtent) flush() error { return nil }
func (z zeroExtent) close() error { return nil }
func (z zeroExtent) info() []block.Field {
	return []block.Field{
		{Key: "virtual-size", Human: "virtual size", Value: int64(z) * 512},
		{Key: "filename", Human: "filename", Value: ""},
		{Key: "format", Human: "format", Value: "ZERO"},
	}
}
