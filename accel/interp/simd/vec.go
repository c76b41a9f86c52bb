package simd

import (
	"encoding/binary"
	"math"
)

// Vec is an XMM register's 128 bits in memory order.
type Vec [16]byte

// U64 returns 64-bit lane i (0 or 1).
func (v *Vec) U64(i int) uint64 { return binary.LittleEndian.Uint64(v[i*8:]) }

// SetU64 sets 64-bit lane i.
func (v *Vec) SetU64(i int, x uint64) { binary.LittleEndian.PutUint64(v[i*8:], x) }

// U32 returns 32-bit lane i (0-3).
func (v *Vec) U32(i int) uint32 { return binary.LittleEndian.Uint32(v[i*4:]) }

// SetU32 sets 32-bit lane i.
func (v *Vec) SetU32(i int, x uint32) { binary.LittleEndian.PutUint32(v[i*4:], x) }

// U16 returns 16-bit lane i (0-7).
func (v *Vec) U16(i int) uint16 { return binary.LittleEndian.Uint16(v[i*2:]) }

// SetU16 sets 16-bit lane i.
func (v *Vec) SetU16(i int, x uint16) { binary.LittleEndian.PutUint16(v[i*2:], x) }

// F64 returns lane i as a float64.
func (v *Vec) F64(i int) float64 { return math.Float64frombits(v.U64(i)) }

// F32 returns lane i as a float32.
func (v *Vec) F32(i int) float32 { return math.Float32frombits(v.U32(i)) }

// VecFrom builds a Vec from its low and high 64-bit halves.
func VecFrom(lo, hi uint64) Vec {
	var v Vec
	v.SetU64(0, lo)
	v.SetU64(1, hi)
	return v
}

// MXCSR bits (SDM Vol. 1 §10.2.3).
const (
	IE  uint32 = 1 << 0 // invalid operation flag
	DE  uint32 = 1 << 1 // denormal flag
	ZE  uint32 = 1 << 2 // divide-by-zero flag
	OE  uint32 = 1 << 3 // overflow flag
	UE  uint32 = 1 << 4 // underflow flag
	PE  uint32 = 1 << 5 // precision (inexact) flag
	DAZ uint32 = 1 << 6 // denormals are zeros
	IM  uint32 = 1 << 7 // invalid operation mask
	DM  uint32 = 1 << 8
	ZM  uint32 = 1 << 9
	OM  uint32 = 1 << 10
	UM  uint32 = 1 << 11
	PM  uint32 = 1 << 12
	FTZ uint32 = 1 << 15 // flush to zero

	// RCShift and RCMask locate the rounding control field (bits 14-13):
	// 0 nearest even, 1 down, 2 up, 3 toward zero.
	RCShift        = 13
	RCMask  uint32 = 3 << RCShift

	// Flags is every exception flag; Masks every mask bit.
	Flags uint32 = IE | DE | ZE | OE | UE | PE
	Masks uint32 = Flags << 7

	// MXCSRDefault is the value after reset and FNINIT-free state.
	MXCSRDefault uint32 = 0x1f80
	// MXCSRWritable is the set of bits LDMXCSR and FXRSTOR accept (bits
	// outside it raise #GP), for processors supporting DAZ.
	MXCSRWritable uint32 = 0xffff

	preComputation = IE | DE | ZE
)

// Rounding modes of MXCSR.RC and the ROUND* immediates.
const (
	RoundNearest uint32 = 0
	RoundDown    uint32 = 1
	RoundUp      uint32 = 2
	RoundZero    uint32 = 3
)

// commit applies the flags fl raised by an operation to *mxcsr and reports
// whether they include an unmasked exception. The SDM's rule for SSE
// (Vol. 1 §11.5.2): unmasked pre-computation exceptions (IE, DE, ZE) stop
// the instruction before the post-computation ones (OE, UE, PE) are looked
// at, and the flags of every element are reported either way.
func commit(mxcsr *uint32, fl uint32) bool {
	m := *mxcsr
	unmasked := fl &^ (m >> 7) & Flags
	if unmasked&preComputation != 0 {
		*mxcsr = m | fl&preComputation
		return true
	}
	*mxcsr = m | fl
	return unmasked != 0
}
