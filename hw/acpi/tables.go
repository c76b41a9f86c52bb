package acpi

import (
	"encoding/binary"
	"fmt"
	"strings"
)

var le = binary.LittleEndian

// Table revisions written.
const (
	fadtRevision = 6 // ACPI 6.x FADT (276 bytes)
	fadtMinor    = 0
	madtRevision = 5 // ACPI 6.3+: local APIC flags have Online Capable
	facsVersion  = 2
)

// Fixed sizes (ACPI 6.4 section 5.2).
const (
	headerLen = 36 // Table 5.4, system description table header
	rsdpLen   = 36 // Table 5.3, RSDP structure (revision 2)
	facsLen   = 64 // Table 5.14
	fadtLen   = 276
	gasLen    = 12 // Table 5.1, generic address structure
)

// Creator of every table: the ASL compiler's place in the header.
const (
	creatorID       = "GEMU"
	creatorRevision = 1
)

// ids are the padded OEM identification fields of every header.
type ids struct {
	oem, tableID string
	rev          uint32
}

func (c *Config) ids() (ids, error) {
	oem, table := c.OEMID, c.OEMTableID
	if oem == "" {
		oem = "GEMU"
	}
	if table == "" {
		table = "GEMUPC"
	}
	for _, f := range []struct {
		what string
		s    string
		max  int
	}{{"OEM ID", oem, 6}, {"OEM table ID", table, 8}} {
		if len(f.s) > f.max {
			return ids{}, fmt.Errorf("acpi: %s %q is longer than %d characters", f.what, f.s, f.max)
		}
		for i := 0; i < len(f.s); i++ {
			if f.s[i] < 0x20 || f.s[i] > 0x7e {
				return ids{}, fmt.Errorf("acpi: %s %q has a byte %#x that is not printable ASCII", f.what, f.s, f.s[i])
			}
		}
	}
	return ids{oem: pad(oem, 6), tableID: pad(table, 8), rev: c.OEMRevision}, nil
}

func pad(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }

// table prepends the system description table header to body and sets
// the checksum.
func (id ids) table(sig string, revision uint8, body []byte) []byte {
	t := make([]byte, headerLen, headerLen+len(body))
	copy(t[0:4], sig)
	le.PutUint32(t[4:], uint32(headerLen+len(body)))
	t[8] = revision
	copy(t[10:16], id.oem)
	copy(t[16:24], id.tableID)
	le.PutUint32(t[24:], id.rev)
	copy(t[28:32], creatorID)
	le.PutUint32(t[32:], creatorRevision)
	t = append(t, body...)
	t[9] = checksum(t)
	return t
}

// checksum returns the byte that makes b sum to zero.
func checksum(b []byte) uint8 {
	var s uint8
	for _, c := range b {
		s += c
	}
	return -s
}

// buildRSDP encodes a revision-2 RSDP: the ACPI 1.0 part (checksummed on
// its own) and the extended part with the XSDT.
func buildRSDP(oem string, rsdt, xsdt uint64) []byte {
	b := make([]byte, rsdpLen)
	copy(b, "RSD PTR ")
	copy(b[9:15], oem)
	b[15] = 2 // revision: ACPI 2.0 and later
	le.PutUint32(b[16:], uint32(rsdt))
	le.PutUint32(b[20:], rsdpLen)
	le.PutUint64(b[24:], xsdt)
	b[8] = checksum(b[:20])
	b[32] = checksum(b)
	return b
}

// buildFACS encodes an FACS: no hardware signature, no waking vector (S3
// and S4 are not offered), the global lock free.
func buildFACS() []byte {
	b := make([]byte, facsLen)
	copy(b, "FACS")
	le.PutUint32(b[4:], facsLen)
	b[32] = facsVersion
	return b
}

// Generic address structure spaces and access sizes (Table 5.1).
const (
	spaceMemory = 0
	spaceIO     = 1

	accessUndefined = 0
	accessByte      = 1
	accessWord      = 2
	accessDWord     = 3
)

// gas encodes a generic address structure; a zero address is the null GAS.
func gas(b []byte, space uint8, bits uint8, access uint8, addr uint64) {
	if addr == 0 {
		return
	}
	b[0] = space
	b[1] = bits
	b[2] = 0 // bit offset
	b[3] = access
	le.PutUint64(b[4:], addr)
}
