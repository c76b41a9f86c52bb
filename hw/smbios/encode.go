package smbios

import (
	"encoding/binary"
	"fmt"
	"strings"
)

var le = binary.LittleEndian

// Structure header (DSP0134 section 6.1.2): type, length of the formatted
// area including the header, handle.
const headerLen = 4

// Handles 0xFFFE and 0xFFFF are reserved (DSP0134 section 6.1.2).
const maxHandle = 0xfffd

// Structure is one SMBIOS structure: a formatted area and the string set
// that follows it (DSP0134 section 6.1). A byte of Data that refers to a
// string holds its 1-based index in Strings; 0 means no string.
type Structure struct {
	Type    uint8
	Handle  uint16
	Data    []byte   // the formatted area after the 4-byte header
	Strings []string // non-empty, without NUL bytes, at most 255
}

// Size is the number of bytes the structure takes in the table: header,
// formatted area, each string with its NUL, and the set's terminating NUL
// (two NULs when there are no strings).
func (s Structure) Size() int {
	n := headerLen + len(s.Data) + 1
	if len(s.Strings) == 0 {
		return n + 1
	}
	for _, str := range s.Strings {
		n += len(str) + 1
	}
	return n
}

func (s Structure) check() error {
	if len(s.Data) > 0xff-headerLen {
		return fmt.Errorf("smbios: type %d handle %#x: formatted area of %d bytes; at most %d fit the length byte", s.Type, s.Handle, len(s.Data), 0xff-headerLen)
	}
	if s.Handle > maxHandle {
		return fmt.Errorf("smbios: type %d: handle %#x is reserved", s.Type, s.Handle)
	}
	if len(s.Strings) > 0xff {
		return fmt.Errorf("smbios: type %d handle %#x: %d strings; a string number is one byte", s.Type, s.Handle, len(s.Strings))
	}
	for i, str := range s.Strings {
		if str == "" {
			return fmt.Errorf("smbios: type %d handle %#x: string %d is empty (an absent string is number 0)", s.Type, s.Handle, i+1)
		}
		if strings.IndexByte(str, 0) >= 0 {
			return fmt.Errorf("smbios: type %d handle %#x: string %d %q contains a NUL byte", s.Type, s.Handle, i+1, str)
		}
	}
	return nil
}

// appendTo appends the encoded structure to b.
func (s Structure) appendTo(b []byte) []byte {
	b = append(b, s.Type, byte(headerLen+len(s.Data)), 0, 0)
	le.PutUint16(b[len(b)-2:], s.Handle)
	b = append(b, s.Data...)
	for _, str := range s.Strings {
		b = append(b, str...)
		b = append(b, 0)
	}
	if len(s.Strings) == 0 {
		b = append(b, 0)
	}
	return append(b, 0)
}

// Encode returns the structure table holding ss in order. Every structure
// is checked (formatted area length, strings, handles unique and not
// reserved); Encode does not add an end-of-table structure.
func Encode(ss []Structure) ([]byte, error) {
	n := 0
	seen := make(map[uint16]uint8, len(ss))
	for _, s := range ss {
		if err := s.check(); err != nil {
			return nil, err
		}
		if t, dup := seen[s.Handle]; dup {
			return nil, fmt.Errorf("smbios: handle %#x used by type %d and type %d", s.Handle, t, s.Type)
		}
		seen[s.Handle] = s.Type
		n += s.Size()
	}
	b := make([]byte, 0, n)
	for _, s := range ss {
		b = s.appendTo(b)
	}
	return b, nil
}

// checksum returns the byte that makes b sum to zero modulo 256.
func checksum(b []byte) uint8 {
	var s uint8
	for _, c := range b {
		s += c
	}
	return -s
}

// Entry point structures (DSP0134 section 5.2).
const (
	// The SMBIOS 3.0 (64-bit) entry point, section 5.2.2.
	ep3Len      = 0x18
	ep3Anchor   = "_SM3_"
	ep3Checksum = 0x05
	ep3Length   = 0x06
	ep3Major    = 0x07
	ep3Minor    = 0x08
	ep3Docrev   = 0x09
	ep3Revision = 0x0a // entry point revision: 1, the 3.0 format
	ep3MaxSize  = 0x0c // structure table maximum size (DWORD)
	ep3Table    = 0x10 // structure table address (QWORD)

	// The SMBIOS 2.1 (32-bit) entry point, section 5.2.1, which holds the
	// DMI 2.0 intermediate entry point at offset 0x10.
	ep2Len         = 0x1f
	ep2Anchor      = "_SM_"
	ep2Checksum    = 0x04
	ep2Length      = 0x05
	ep2Major       = 0x06
	ep2Minor       = 0x07
	ep2MaxStruct   = 0x08 // size of the largest structure, strings included (WORD)
	ep2Revision    = 0x0a // entry point revision: 0, the 2.1 format
	ep2DMI         = 0x10 // intermediate anchor "_DMI_"
	ep2DMIAnchor   = "_DMI_"
	ep2DMIChecksum = 0x15 // over offsets 0x10..0x1e
	ep2TableLen    = 0x16 // structure table length (WORD)
	ep2Table       = 0x18 // structure table address (DWORD)
	ep2Count       = 0x1c // number of structures (WORD)
	ep2BCDRevision = 0x1e
)

// entryPoint3 returns the 64-bit entry point of a table of n bytes at
// table, for specification version v.
func entryPoint3(v Version, table uint64, n uint32) []byte {
	b := make([]byte, ep3Len)
	copy(b, ep3Anchor)
	b[ep3Length] = ep3Len
	b[ep3Major], b[ep3Minor], b[ep3Docrev] = v.Major, v.Minor, v.Docrev
	b[ep3Revision] = 1
	le.PutUint32(b[ep3MaxSize:], n)
	le.PutUint64(b[ep3Table:], table)
	b[ep3Checksum] = checksum(b)
	return b
}

// entryPoint2 returns the 32-bit entry point of a table of n bytes at
// table holding count structures, the largest maxStruct bytes long.
func entryPoint2(v Version, table uint32, n, count, maxStruct uint16) []byte {
	b := make([]byte, ep2Len)
	copy(b, ep2Anchor)
	b[ep2Length] = ep2Len
	b[ep2Major], b[ep2Minor] = v.Major, v.Minor
	le.PutUint16(b[ep2MaxStruct:], maxStruct)
	copy(b[ep2DMI:], ep2DMIAnchor)
	le.PutUint16(b[ep2TableLen:], n)
	le.PutUint32(b[ep2Table:], table)
	le.PutUint16(b[ep2Count:], count)
	b[ep2BCDRevision] = v.Major<<4 | v.Minor&0xf
	b[ep2DMIChecksum] = checksum(b[ep2DMI:])
	b[ep2Checksum] = checksum(b)
	return b
}
