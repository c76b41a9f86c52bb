package smbios

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// This file is a guest's reader of SMBIOS tables, written from DSP0134
// and from how Linux's DMI scan finds and walks them, with its own offsets
// rather than the writer's. It is strict: anything the specification does
// not allow is an error.

// entry is what a guest learns from an entry point.
type entry struct {
	anchor    string // "_SM3_" or "_SM_"
	addr      uint64
	version   Version
	table     uint64
	length    uint32 // structure table maximum size (_SM3_) or length (_SM_)
	count     int    // number of structures (_SM_ only)
	maxStruct int    // largest structure (_SM_ only)
}

var errNoEntry = errors.New("no entry point")

func sum8(b []byte) uint8 {
	var s uint8
	for _, c := range b {
		s += c
	}
	return s
}

// parseEntry3 decodes an SMBIOS 3.0 entry point at the start of b.
func parseEntry3(b []byte) (entry, error) {
	if len(b) < 24 || string(b[:5]) != "_SM3_" {
		return entry{}, errNoEntry
	}
	n := int(b[6])
	if n != 0x18 {
		return entry{}, fmt.Errorf("_SM3_ entry point length %#x, want 0x18 for revision 1", n)
	}
	if sum8(b[:n]) != 0 {
		return entry{}, fmt.Errorf("_SM3_ entry point checksum is off by %#x", sum8(b[:n]))
	}
	if b[10] != 1 {
		return entry{}, fmt.Errorf("_SM3_ entry point revision %d, want 1", b[10])
	}
	if b[11] != 0 {
		return entry{}, fmt.Errorf("_SM3_ reserved byte is %#x", b[11])
	}
	e := entry{
		anchor:  "_SM3_",
		version: Version{b[7], b[8], b[9]},
		length:  binary.LittleEndian.Uint32(b[12:]),
		table:   binary.LittleEndian.Uint64(b[16:]),
	}
	if e.version.Major < 3 {
		return entry{}, fmt.Errorf("_SM3_ entry point says version %v", e.version)
	}
	return e, nil
}

// parseEntry2 decodes an SMBIOS 2.1 entry point, with its "_DMI_"
// intermediate entry point, at the start of b.
func parseEntry2(b []byte) (entry, error) {
	if len(b) < 31 || string(b[:4]) != "_SM_" {
		return entry{}, errNoEntry
	}
	n := int(b[5])
	if n != 0x1f {
		return entry{}, fmt.Errorf("_SM_ entry point length %#x, want 0x1f", n)
	}
	if sum8(b[:n]) != 0 {
		return entry{}, fmt.Errorf("_SM_ entry point checksum is off by %#x", sum8(b[:n]))
	}
	if b[10] != 0 || !bytes.Equal(b[11:16], make([]byte, 5)) {
		return entry{}, fmt.Errorf("_SM_ entry point revision %d with formatted area % x, want revision 0 and zeros", b[10], b[11:16])
	}
	if string(b[16:21]) != "_DMI_" {
		return entry{}, fmt.Errorf("_SM_ entry point without _DMI_ at 0x10")
	}
	if sum8(b[16:31]) != 0 {
		return entry{}, fmt.Errorf("_DMI_ checksum is off by %#x", sum8(b[16:31]))
	}
	e := entry{
		anchor:    "_SM_",
		version:   Version{b[6], b[7], 0},
		maxStruct: int(binary.LittleEndian.Uint16(b[8:])),
		length:    uint32(binary.LittleEndian.Uint16(b[22:])),
		table:     uint64(binary.LittleEndian.Uint32(b[24:])),
		count:     int(binary.LittleEndian.Uint16(b[28:])),
	}
	if bcd := e.version.Major<<4 | e.version.Minor; b[30] != bcd || e.version.Minor > 9 {
		return entry{}, fmt.Errorf("_SM_ BCD revision %#x does not match version %d.%d", b[30], e.version.Major, e.version.Minor)
	}
	return e, nil
}

// scan looks for entry points in the system BIOS area (area is the 64 KiB
// from base, 0xf0000) as Linux does: on 16-byte boundaries, through a
// 32-byte window, the whole area for a 64-bit entry point and then the
// whole area for a 32-bit one. It returns every valid entry point of each
// kind and the first error an anchor string led to.
func scan(area []byte, base uint64) (e3, e2 []entry, err error) {
	for off := 0; off+32 <= len(area); off += 16 {
		w := area[off : off+32]
		if e, perr := parseEntry3(w); perr == nil {
			e.addr = base + uint64(off)
			e3 = append(e3, e)
		} else if perr != errNoEntry && err == nil {
			err = fmt.Errorf("at %#x: %w", base+uint64(off), perr)
		}
	}
	for off := 0; off+32 <= len(area); off += 16 {
		w := area[off : off+32]
		if e, perr := parseEntry2(w); perr == nil {
			e.addr = base + uint64(off)
			e2 = append(e2, e)
		} else if perr != errNoEntry && err == nil {
			err = fmt.Errorf("at %#x: %w", base+uint64(off), perr)
		}
	}
	return e3, e2, err
}

// stringFields lists, for the structure types gemu writes, the offsets
// (header included) of the fields that hold string numbers.
var stringFields = map[uint8][]int{
	0:  {0x04, 0x05, 0x08},
	1:  {0x04, 0x05, 0x06, 0x07, 0x19, 0x1a},
	3:  {0x04, 0x06, 0x07, 0x08}, // and the SKU after the contained elements
	4:  {0x04, 0x07, 0x10, 0x20, 0x21, 0x22},
	17: {0x10, 0x11, 0x17, 0x18, 0x19, 0x1a},
}

// walk decodes the structure table behind e the way Linux's dmi_walk
// does (a structure's formatted area by its length byte, then its string
// set up to the double NUL; up to the entry point's count, or up to the
// end-of-table structure for a 64-bit entry point), strictly: every
// structure must lie within the table, with a length of at least 4, a
// handle that is neither reserved nor repeated, at most 255 strings, and
// string numbers that name one of its strings. The table must end with
// the end-of-table structure. It returns the structures and the bytes
// they took.
func walk(table []byte, e entry) ([]Structure, int, error) {
	var ss []Structure
	handles := map[uint16]bool{}
	off := 0
	for {
		if e.anchor == "_SM_" && len(ss) == e.count {
			break
		}
		if n := len(ss); n > 0 && ss[n-1].Type == 127 {
			if e.anchor == "_SM_" {
				return nil, 0, fmt.Errorf("end-of-table structure is number %d of %d", n, e.count)
			}
			break
		}
		if off == len(table) {
			return nil, 0, fmt.Errorf("table ends after %d structures without an end-of-table structure", len(ss))
		}
		if off+4 > len(table) {
			return nil, 0, fmt.Errorf("structure header at %#x runs past the table's %d bytes", off, len(table))
		}
		s := Structure{Type: table[off], Handle: binary.LittleEndian.Uint16(table[off+2:])}
		n := int(table[off+1])
		if n < 4 {
			return nil, 0, fmt.Errorf("structure at %#x (type %d) has length %d", off, s.Type, n)
		}
		if off+n > len(table) {
			return nil, 0, fmt.Errorf("structure at %#x (type %d) of %d bytes runs past the table", off, s.Type, n)
		}
		if s.Handle >= 0xfffe {
			return nil, 0, fmt.Errorf("structure at %#x has the reserved handle %#x", off, s.Handle)
		}
		if handles[s.Handle] {
			return nil, 0, fmt.Errorf("structure at %#x repeats handle %#x", off, s.Handle)
		}
		handles[s.Handle] = true
		s.Data = append([]byte(nil), table[off+4:off+n]...)
		j := off + n
		if j+2 > len(table) {
			return nil, 0, fmt.Errorf("string set of the structure at %#x runs past the table", off)
		}
		if table[j] == 0 {
			if table[j+1] != 0 {
				return nil, 0, fmt.Errorf("string set of the structure at %#x starts with an empty string", off)
			}
			j += 2
		} else {
			for table[j] != 0 {
				k := bytes.IndexByte(table[j:], 0)
				if k < 0 || j+k+1 >= len(table) {
					return nil, 0, fmt.Errorf("string set of the structure at %#x is not terminated within the table", off)
				}
				s.Strings = append(s.Strings, string(table[j:j+k]))
				j += k + 1
			}
			j++
		}
		if len(s.Strings) > 255 {
			return nil, 0, fmt.Errorf("structure at %#x has %d strings", off, len(s.Strings))
		}
		fields := stringFields[s.Type]
		if s.Type == 3 && n > 0x14 {
			if sku := 0x15 + int(table[off+0x13])*int(table[off+0x14]); sku < n {
				fields = append(fields[:len(fields):len(fields)], sku)
			}
		}
		for _, f := range fields {
			if f < n && int(table[off+f]) > len(s.Strings) {
				return nil, 0, fmt.Errorf("type %d handle %#x: field %#x names string %d of %d", s.Type, s.Handle, f, table[off+f], len(s.Strings))
			}
		}
		ss = append(ss, s)
		off = j
	}
	if e.anchor == "_SM_" {
		if ss[len(ss)-1].Type != 127 {
			return nil, 0, fmt.Errorf("the last of %d structures is type %d, not end-of-table", len(ss), ss[len(ss)-1].Type)
		}
		if off != int(e.length) {
			return nil, 0, fmt.Errorf("%d structures take %d bytes; the entry point says %d", len(ss), off, e.length)
		}
	}
	if uint64(off) > uint64(e.length) {
		return nil, 0, fmt.Errorf("structures take %d bytes, more than the entry point's %d", off, e.length)
	}
	return ss, off, nil
}

// guestTables is what a guest finds in memory: the entry points and the
// structures of the table they point at.
type guestTables struct {
	e3, e2     []entry
	structures []Structure
	used       int // bytes of table the structures took
}

// readGuest scans the BIOS area of mem (a view of guest memory from
// address base) and walks the table behind the entry point Linux uses: the
// 64-bit one if there is one.
func readGuest(mem []byte, base uint64) (*guestTables, error) {
	const area, size = 0xf0000, 0x10000
	if base > area || uint64(len(mem)) < area+size-base {
		return nil, fmt.Errorf("memory [%#x, +%#x) does not cover the BIOS area", base, len(mem))
	}
	g := &guestTables{}
	var err error
	g.e3, g.e2, err = scan(mem[area-base:area-base+size], area)
	if err != nil {
		return nil, err
	}
	var e entry
	switch {
	case len(g.e3) > 0:
		e = g.e3[0]
	case len(g.e2) > 0:
		e = g.e2[0]
	default:
		return nil, fmt.Errorf("no entry point in the BIOS area")
	}
	if e.table < base || e.table-base > uint64(len(mem)) || uint64(e.length) > uint64(len(mem))-(e.table-base) {
		return nil, fmt.Errorf("table [%#x, +%#x) is outside memory", e.table, e.length)
	}
	g.structures, g.used, err = walk(mem[e.table-base:e.table-base+uint64(e.length)], e)
	return g, err
}

// strAt returns the string a field at off (header included) names.
func strAt(s Structure, off int) string {
	i := int(s.Data[off-4])
	if i == 0 {
		return ""
	}
	return s.Strings[i-1]
}

func byteAt(s Structure, off int) uint8   { return s.Data[off-4] }
func wordAt(s Structure, off int) uint16  { return binary.LittleEndian.Uint16(s.Data[off-4:]) }
func dwordAt(s Structure, off int) uint32 { return binary.LittleEndian.Uint32(s.Data[off-4:]) }
func qwordAt(s Structure, off int) uint64 { return binary.LittleEndian.Uint64(s.Data[off-4:]) }
func lengthOf(s Structure) int            { return len(s.Data) + 4 }
func ofType(ss []Structure, t uint8) []Structure {
	var out []Structure
	for _, s := range ss {
		if s.Type == t {
			out = append(out, s)
		}
	}
	return out
}
