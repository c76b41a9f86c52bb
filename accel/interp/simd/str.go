package simd

import (
	"hash/crc32"
	"math/bits"
)

// SSE4.2 string comparisons (SDM Vol. 2B, "PCMPESTRI", and Vol. 2A §4.1,
// "Imm8 control byte operation for PCMPESTRI/PCMPESTRM/PCMPISTRI/
// PCMPISTRM"). The first operand (a) is the register; the second (b) the
// register or memory operand. imm bits 1-0 select unsigned bytes, unsigned
// words, signed bytes or signed words; bits 3-2 the aggregation (equal any,
// ranges, equal each, equal ordered); bits 5-4 the polarity; bit 6 the
// index (least or most significant) or the mask form (bits or expanded
// elements).

// strElems returns the element count of the source format in imm.
func strElems(imm uint8) int {
	if imm&1 != 0 {
		return 8
	}
	return 16
}

func strElem(v *Vec, i int, imm uint8) int32 {
	switch imm & 3 {
	case 0:
		return int32(v[i])
	case 1:
		return int32(v.U16(i))
	case 2:
		return int32(int8(v[i]))
	}
	return int32(int16(v.U16(i)))
}

// explicitLen turns a length register into an element count: its absolute
// value, saturated to n.
func explicitLen(l int64, n int) int {
	if l < 0 {
		l = -l
	}
	if l > int64(n) || l < 0 {
		return n
	}
	return int(l)
}

// implicitLen is the index of the first zero element, or n.
func implicitLen(v *Vec, imm uint8, n int) int {
	for i := 0; i < n; i++ {
		if strElem(v, i, imm) == 0 {
			return i
		}
	}
	return n
}

// strCompare computes IntRes2 and the flags.
func strCompare(a, b *Vec, la, lb int, imm uint8) (res uint32, eflags uint64) {
	n := strElems(imm)
	var ea, eb [16]int32
	for i := 0; i < n; i++ {
		ea[i] = strElem(a, i, imm)
		eb[i] = strElem(b, i, imm)
	}
	// The SDM's comparison of a[i] with b[j], with its overrides for
	// elements past either string's end (Vol. 2A, table 4-7): both
	// invalid is true for equal each and equal ordered, only a's invalid
	// is true for equal ordered, anything else invalid is false.
	agg := imm >> 2 & 3
	var r1 uint32
	switch agg {
	case 0: // equal any: b[j] is one of a's characters
		for j := 0; j < lb; j++ {
			for i := 0; i < la; i++ {
				if ea[i] == eb[j] {
					r1 |= 1 << j
					break
				}
			}
		}
	case 1: // ranges: a holds (lower, upper) pairs
		for j := 0; j < lb; j++ {
			for i := 0; i+1 < la; i += 2 {
				if eb[j] >= ea[i] && eb[j] <= ea[i+1] {
					r1 |= 1 << j
					break
				}
			}
		}
	case 2: // equal each
		for i := 0; i < n; i++ {
			va, vb := i < la, i < lb
			if (va && vb && ea[i] == eb[i]) || (!va && !vb) {
				r1 |= 1 << i
			}
		}
	case 3: // equal ordered: a occurs in b at j
		for j := 0; j < n; j++ {
			ok := true
			for i := 0; i < n-j && i < la; i++ {
				if j+i >= lb || ea[i] != eb[j+i] {
					ok = false
					break
				}
			}
			if ok {
				r1 |= 1 << j
			}
		}
	}
	all := uint32(1)<<n - 1
	switch imm >> 4 & 3 {
	case 1:
		r1 ^= all
	case 3:
		r1 ^= uint32(1)<<lb - 1
	}
	res = r1 & all
	if res != 0 {
		eflags |= flagCF
	}
	if lb < n {
		eflags |= flagZF
	}
	if la < n {
		eflags |= flagSF
	}
	if res&1 != 0 {
		eflags |= flagOF
	}
	return res, eflags
}

func strIndex(res uint32, imm uint8) uint32 {
	if res == 0 {
		return uint32(strElems(imm))
	}
	if imm&0x40 != 0 {
		return uint32(31 - bits.LeadingZeros32(res))
	}
	return uint32(bits.TrailingZeros32(res))
}

func strMask(res uint32, imm uint8) Vec {
	var m Vec
	if imm&0x40 == 0 {
		m.SetU32(0, res)
		return m
	}
	n := strElems(imm)
	for i := 0; i < n; i++ {
		if res>>i&1 != 0 {
			if n == 16 {
				m[i] = 0xff
			} else {
				m.SetU16(i, 0xffff)
			}
		}
	}
	return m
}

// PcmpEstrI is PCMPESTRI: la and lb are the explicit lengths from RAX and
// RDX (sign-extend EAX and EDX without REX.W). It returns the index for
// ECX and the EFLAGS bits (CF, ZF, SF, OF; AF and PF cleared: the bits in
// ComiFlags are written).
func PcmpEstrI(a, b *Vec, la, lb int64, imm uint8) (uint32, uint64) {
	n := strElems(imm)
	res, fl := strCompare(a, b, explicitLen(la, n), explicitLen(lb, n), imm)
	return strIndex(res, imm), fl
}

// PcmpEstrM is PCMPESTRM: it returns the mask for XMM0 and the EFLAGS bits.
func PcmpEstrM(a, b *Vec, la, lb int64, imm uint8) (Vec, uint64) {
	n := strElems(imm)
	res, fl := strCompare(a, b, explicitLen(la, n), explicitLen(lb, n), imm)
	return strMask(res, imm), fl
}

// PcmpIstrI is PCMPISTRI: the strings end at their first zero element.
func PcmpIstrI(a, b *Vec, imm uint8) (uint32, uint64) {
	n := strElems(imm)
	res, fl := strCompare(a, b, implicitLen(a, imm, n), implicitLen(b, imm, n), imm)
	return strIndex(res, imm), fl
}

// PcmpIstrM is PCMPISTRM.
func PcmpIstrM(a, b *Vec, imm uint8) (Vec, uint64) {
	n := strElems(imm)
	res, fl := strCompare(a, b, implicitLen(a, imm, n), implicitLen(b, imm, n), imm)
	return strMask(res, imm), fl
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CRC32 is the CRC32 instruction: it accumulates the low size bytes (1, 2,
// 4 or 8) of data into crc with the CRC-32C polynomial, without the
// pre- and post-inversion of the usual checksum.
func CRC32(crc uint32, data uint64, size int) uint32 {
	for i := 0; i < size; i++ {
		crc = castagnoli[byte(crc)^byte(data>>(8*i))] ^ crc>>8
	}
	return crc
}
