package simd

import (
	"encoding/binary"
	"math/bits"
)

// Integer SIMD. Functions named X operate on XMM registers (128 bits);
// XMMX on MMX registers (64 bits, by value). Element-wise operations share
// one implementation over the first n bytes.

func sat8(v int32) uint8 {
	if v > 127 {
		return 127
	}
	if v < -128 {
		return 0x80
	}
	return uint8(v)
}

func satU8(v int32) uint8 {
	if v > 255 {
		return 255
	}
	if v < 0 {
		return 0
	}
	return uint8(v)
}

func sat16(v int32) uint16 {
	if v > 32767 {
		return 32767
	}
	if v < -32768 {
		return 0x8000
	}
	return uint16(v)
}

func satU16(v int32) uint16 {
	if v > 65535 {
		return 65535
	}
	if v < 0 {
		return 0
	}
	return uint16(v)
}

func b2m8(t bool) uint8 {
	if t {
		return 0xff
	}
	return 0
}

func b2m16(t bool) uint16 {
	if t {
		return 0xffff
	}
	return 0
}

func b2m32(t bool) uint32 {
	if t {
		return 0xffffffff
	}
	return 0
}

func map8(d, s *Vec, n int, f func(a, b uint8) uint8) {
	for i := 0; i < n; i++ {
		d[i] = f(d[i], s[i])
	}
}

func map16(d, s *Vec, n int, f func(a, b uint16) uint16) {
	for i := 0; i < n/2; i++ {
		d.SetU16(i, f(d.U16(i), s.U16(i)))
	}
}

func map32(d, s *Vec, n int, f func(a, b uint32) uint32) {
	for i := 0; i < n/4; i++ {
		d.SetU32(i, f(d.U32(i), s.U32(i)))
	}
}

func map64(d, s *Vec, n int, f func(a, b uint64) uint64) {
	for i := 0; i < n/8; i++ {
		d.SetU64(i, f(d.U64(i), s.U64(i)))
	}
}

func paddb(d, s *Vec, n int) { map8(d, s, n, func(a, b uint8) uint8 { return a + b }) }
func paddw(d, s *Vec, n int) { map16(d, s, n, func(a, b uint16) uint16 { return a + b }) }
func paddd(d, s *Vec, n int) { map32(d, s, n, func(a, b uint32) uint32 { return a + b }) }
func paddq(d, s *Vec, n int) { map64(d, s, n, func(a, b uint64) uint64 { return a + b }) }
func psubb(d, s *Vec, n int) { map8(d, s, n, func(a, b uint8) uint8 { return a - b }) }
func psubw(d, s *Vec, n int) { map16(d, s, n, func(a, b uint16) uint16 { return a - b }) }
func psubd(d, s *Vec, n int) { map32(d, s, n, func(a, b uint32) uint32 { return a - b }) }
func psubq(d, s *Vec, n int) { map64(d, s, n, func(a, b uint64) uint64 { return a - b }) }
func paddsb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return sat8(int32(int8(a)) + int32(int8(b))) })
}
func paddsw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return sat16(int32(int16(a)) + int32(int16(b))) })
}
func paddusb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return satU8(int32(a) + int32(b)) })
}
func paddusw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return satU16(int32(a) + int32(b)) })
}
func psubsb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return sat8(int32(int8(a)) - int32(int8(b))) })
}
func psubsw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return sat16(int32(int16(a)) - int32(int16(b))) })
}
func psubusb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return satU8(int32(a) - int32(b)) })
}
func psubusw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return satU16(int32(a) - int32(b)) })
}
func pmullw(d, s *Vec, n int) { map16(d, s, n, func(a, b uint16) uint16 { return a * b }) }
func pmulhw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return uint16(int32(int16(a)) * int32(int16(b)) >> 16) })
}
func pmulhuw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return uint16(uint32(a) * uint32(b) >> 16) })
}
func pmulhrsw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return uint16((int32(int16(a))*int32(int16(b))>>14 + 1) >> 1) })
}
func pmuludq(d, s *Vec, n int) {
	map64(d, s, n, func(a, b uint64) uint64 { return uint64(uint32(a)) * uint64(uint32(b)) })
}
func pmuldq(d, s *Vec, n int) {
	map64(d, s, n, func(a, b uint64) uint64 { return uint64(int64(int32(a)) * int64(int32(b))) })
}
func pmulld(d, s *Vec, n int) { map32(d, s, n, func(a, b uint32) uint32 { return a * b }) }
func pavgb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return uint8((uint32(a) + uint32(b) + 1) >> 1) })
}
func pavgw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return uint16((uint32(a) + uint32(b) + 1) >> 1) })
}
func pminub(d, s *Vec, n int) { map8(d, s, n, func(a, b uint8) uint8 { return min(a, b) }) }
func pmaxub(d, s *Vec, n int) { map8(d, s, n, func(a, b uint8) uint8 { return max(a, b) }) }
func pminsb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return uint8(min(int8(a), int8(b))) })
}
func pmaxsb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return uint8(max(int8(a), int8(b))) })
}
func pminsw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return uint16(min(int16(a), int16(b))) })
}
func pmaxsw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return uint16(max(int16(a), int16(b))) })
}
func pminuw(d, s *Vec, n int) { map16(d, s, n, func(a, b uint16) uint16 { return min(a, b) }) }
func pmaxuw(d, s *Vec, n int) { map16(d, s, n, func(a, b uint16) uint16 { return max(a, b) }) }
func pminsd(d, s *Vec, n int) {
	map32(d, s, n, func(a, b uint32) uint32 { return uint32(min(int32(a), int32(b))) })
}
func pmaxsd(d, s *Vec, n int) {
	map32(d, s, n, func(a, b uint32) uint32 { return uint32(max(int32(a), int32(b))) })
}
func pminud(d, s *Vec, n int)  { map32(d, s, n, func(a, b uint32) uint32 { return min(a, b) }) }
func pmaxud(d, s *Vec, n int)  { map32(d, s, n, func(a, b uint32) uint32 { return max(a, b) }) }
func pand(d, s *Vec, n int)    { map64(d, s, n, func(a, b uint64) uint64 { return a & b }) }
func pandn(d, s *Vec, n int)   { map64(d, s, n, func(a, b uint64) uint64 { return ^a & b }) }
func por(d, s *Vec, n int)     { map64(d, s, n, func(a, b uint64) uint64 { return a | b }) }
func pxor(d, s *Vec, n int)    { map64(d, s, n, func(a, b uint64) uint64 { return a ^ b }) }
func pcmpeqb(d, s *Vec, n int) { map8(d, s, n, func(a, b uint8) uint8 { return b2m8(a == b) }) }
func pcmpeqw(d, s *Vec, n int) { map16(d, s, n, func(a, b uint16) uint16 { return b2m16(a == b) }) }
func pcmpeqd(d, s *Vec, n int) { map32(d, s, n, func(a, b uint32) uint32 { return b2m32(a == b) }) }
func pcmpeqq(d, s *Vec, n int) { map64(d, s, n, func(a, b uint64) uint64 { return mask64(a == b) }) }
func pcmpgtb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 { return b2m8(int8(a) > int8(b)) })
}
func pcmpgtw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 { return b2m16(int16(a) > int16(b)) })
}
func pcmpgtd(d, s *Vec, n int) {
	map32(d, s, n, func(a, b uint32) uint32 { return b2m32(int32(a) > int32(b)) })
}
func pcmpgtq(d, s *Vec, n int) {
	map64(d, s, n, func(a, b uint64) uint64 { return mask64(int64(a) > int64(b)) })
}

func psignb(d, s *Vec, n int) {
	map8(d, s, n, func(a, b uint8) uint8 {
		switch {
		case int8(b) < 0:
			return -a
		case b == 0:
			return 0
		}
		return a
	})
}

func psignw(d, s *Vec, n int) {
	map16(d, s, n, func(a, b uint16) uint16 {
		switch {
		case int16(b) < 0:
			return -a
		case b == 0:
			return 0
		}
		return a
	})
}

func psignd(d, s *Vec, n int) {
	map32(d, s, n, func(a, b uint32) uint32 {
		switch {
		case int32(b) < 0:
			return -a
		case b == 0:
			return 0
		}
		return a
	})
}

func pabsb(d, s *Vec, n int) {
	map8(d, s, n, func(_, b uint8) uint8 {
		if int8(b) < 0 {
			return -b
		}
		return b
	})
}

func pabsw(d, s *Vec, n int) {
	map16(d, s, n, func(_, b uint16) uint16 {
		if int16(b) < 0 {
			return -b
		}
		return b
	})
}

func pabsd(d, s *Vec, n int) {
	map32(d, s, n, func(_, b uint32) uint32 {
		if int32(b) < 0 {
			return -b
		}
		return b
	})
}

func pmaddwd(d, s *Vec, n int) {
	for i := 0; i < n/4; i++ {
		p := int32(int16(d.U16(2*i)))*int32(int16(s.U16(2*i))) + int32(int16(d.U16(2*i+1)))*int32(int16(s.U16(2*i+1)))
		d.SetU32(i, uint32(p))
	}
}

func pmaddubsw(d, s *Vec, n int) {
	for i := 0; i < n/2; i++ {
		p := int32(d[2*i])*int32(int8(s[2*i])) + int32(d[2*i+1])*int32(int8(s[2*i+1]))
		d.SetU16(i, sat16(p))
	}
}

func psadbw(d, s *Vec, n int) {
	for q := 0; q < n/8; q++ {
		var sum uint64
		for i := q * 8; i < q*8+8; i++ {
			a, b := int(d[i]), int(s[i])
			if a > b {
				sum += uint64(a - b)
			} else {
				sum += uint64(b - a)
			}
		}
		d.SetU64(q, sum)
	}
}

// Packs: the destination's elements fill the low half, the source's the
// high half.
func packsswb(d, s *Vec, n int) {
	var r Vec
	h := n / 2
	for i := 0; i < h; i++ {
		r[i] = sat8(int32(int16(d.U16(i))))
		r[h+i] = sat8(int32(int16(s.U16(i))))
	}
	copy(d[:n], r[:n])
}

func packuswb(d, s *Vec, n int) {
	var r Vec
	h := n / 2
	for i := 0; i < h; i++ {
		r[i] = satU8(int32(int16(d.U16(i))))
		r[h+i] = satU8(int32(int16(s.U16(i))))
	}
	copy(d[:n], r[:n])
}

func packssdw(d, s *Vec, n int) {
	var r Vec
	h := n / 4
	for i := 0; i < h; i++ {
		r.SetU16(i, sat16(clamp32(int32(d.U32(i)))))
		r.SetU16(h+i, sat16(clamp32(int32(s.U32(i)))))
	}
	copy(d[:n], r[:n])
}

func packusdw(d, s *Vec, n int) {
	var r Vec
	h := n / 4
	for i := 0; i < h; i++ {
		r.SetU16(i, satU16(clamp32(int32(d.U32(i)))))
		r.SetU16(h+i, satU16(clamp32(int32(s.U32(i)))))
	}
	copy(d[:n], r[:n])
}

// clamp32 keeps a 32-bit value within what sat16/satU16 can judge.
func clamp32(v int32) int32 {
	if v > 1<<20 {
		return 1 << 20
	}
	if v < -(1 << 20) {
		return -(1 << 20)
	}
	return v
}

// Unpacks interleave elements of size sz from the low (high false) or high
// half of the first n bytes.
func unpack(d, s *Vec, n, sz int, high bool) {
	var r Vec
	base := 0
	if high {
		base = n / 2
	}
	for i := 0; i < n/(2*sz); i++ {
		copy(r[2*i*sz:], d[base+i*sz:base+i*sz+sz])
		copy(r[(2*i+1)*sz:], s[base+i*sz:base+i*sz+sz])
	}
	copy(d[:n], r[:n])
}

func punpcklbw(d, s *Vec, n int) { unpack(d, s, n, 1, false) }
func punpcklwd(d, s *Vec, n int) { unpack(d, s, n, 2, false) }
func punpckldq(d, s *Vec, n int) { unpack(d, s, n, 4, false) }
func punpckhbw(d, s *Vec, n int) { unpack(d, s, n, 1, true) }
func punpckhwd(d, s *Vec, n int) { unpack(d, s, n, 2, true) }
func punpckhdq(d, s *Vec, n int) { unpack(d, s, n, 4, true) }

// Shifts by a count: counts above the element width clear the element
// (logical) or fill it with the sign (arithmetic).
func shiftCount(s *Vec) uint64 { return s.U64(0) }

func psllw(d *Vec, n int, c uint64) {
	for i := 0; i < n/2; i++ {
		if c > 15 {
			d.SetU16(i, 0)
		} else {
			d.SetU16(i, d.U16(i)<<c)
		}
	}
}

func psrlw(d *Vec, n int, c uint64) {
	for i := 0; i < n/2; i++ {
		if c > 15 {
			d.SetU16(i, 0)
		} else {
			d.SetU16(i, d.U16(i)>>c)
		}
	}
}

func psraw(d *Vec, n int, c uint64) {
	c = min(c, 15)
	for i := 0; i < n/2; i++ {
		d.SetU16(i, uint16(int16(d.U16(i))>>c))
	}
}

func pslld(d *Vec, n int, c uint64) {
	for i := 0; i < n/4; i++ {
		if c > 31 {
			d.SetU32(i, 0)
		} else {
			d.SetU32(i, d.U32(i)<<c)
		}
	}
}

func psrld(d *Vec, n int, c uint64) {
	for i := 0; i < n/4; i++ {
		if c > 31 {
			d.SetU32(i, 0)
		} else {
			d.SetU32(i, d.U32(i)>>c)
		}
	}
}

func psrad(d *Vec, n int, c uint64) {
	c = min(c, 31)
	for i := 0; i < n/4; i++ {
		d.SetU32(i, uint32(int32(d.U32(i))>>c))
	}
}

func psllq(d *Vec, n int, c uint64) {
	for i := 0; i < n/8; i++ {
		if c > 63 {
			d.SetU64(i, 0)
		} else {
			d.SetU64(i, d.U64(i)<<c)
		}
	}
}

func psrlq(d *Vec, n int, c uint64) {
	for i := 0; i < n/8; i++ {
		if c > 63 {
			d.SetU64(i, 0)
		} else {
			d.SetU64(i, d.U64(i)>>c)
		}
	}
}

// pshufb: each destination byte is src-selected from d; a set top bit of
// the selector zeroes it. MMX selectors use 3 bits, XMM 4.
func pshufb(d, s *Vec, n int) {
	var r Vec
	for i := 0; i < n; i++ {
		sel := s[i]
		if sel&0x80 == 0 {
			r[i] = d[int(sel)&(n-1)]
		}
	}
	copy(d[:n], r[:n])
}

// Horizontal adds and subtracts: pairs of the destination fill the low
// half, pairs of the source the high half.
func horiz16(d, s *Vec, n int, f func(a, b uint16) uint16) {
	var r Vec
	h := n / 4
	for i := 0; i < h; i++ {
		r.SetU16(i, f(d.U16(2*i), d.U16(2*i+1)))
		r.SetU16(h+i, f(s.U16(2*i), s.U16(2*i+1)))
	}
	copy(d[:n], r[:n])
}

func horiz32(d, s *Vec, n int, f func(a, b uint32) uint32) {
	var r Vec
	h := n / 8
	for i := 0; i < h; i++ {
		r.SetU32(i, f(d.U32(2*i), d.U32(2*i+1)))
		r.SetU32(h+i, f(s.U32(2*i), s.U32(2*i+1)))
	}
	copy(d[:n], r[:n])
}

func phaddw(d, s *Vec, n int) { horiz16(d, s, n, func(a, b uint16) uint16 { return a + b }) }
func phsubw(d, s *Vec, n int) { horiz16(d, s, n, func(a, b uint16) uint16 { return a - b }) }
func phaddsw(d, s *Vec, n int) {
	horiz16(d, s, n, func(a, b uint16) uint16 { return sat16(int32(int16(a)) + int32(int16(b))) })
}
func phsubsw(d, s *Vec, n int) {
	horiz16(d, s, n, func(a, b uint16) uint16 { return sat16(int32(int16(a)) - int32(int16(b))) })
}
func phaddd(d, s *Vec, n int) { horiz32(d, s, n, func(a, b uint32) uint32 { return a + b }) }
func phsubd(d, s *Vec, n int) { horiz32(d, s, n, func(a, b uint32) uint32 { return a - b }) }

// XMM forms.

// PaddB is PADDB.
func PaddB(d, s *Vec) { paddb(d, s, 16) }

// PaddW is PADDW.
func PaddW(d, s *Vec) { paddw(d, s, 16) }

// PaddD is PADDD.
func PaddD(d, s *Vec) { paddd(d, s, 16) }

// PaddQ is PADDQ.
func PaddQ(d, s *Vec) { paddq(d, s, 16) }

// PsubB is PSUBB.
func PsubB(d, s *Vec) { psubb(d, s, 16) }

// PsubW is PSUBW.
func PsubW(d, s *Vec) { psubw(d, s, 16) }

// PsubD is PSUBD.
func PsubD(d, s *Vec) { psubd(d, s, 16) }

// PsubQ is PSUBQ.
func PsubQ(d, s *Vec) { psubq(d, s, 16) }

// PaddSB is PADDSB.
func PaddSB(d, s *Vec) { paddsb(d, s, 16) }

// PaddSW is PADDSW.
func PaddSW(d, s *Vec) { paddsw(d, s, 16) }

// PaddUSB is PADDUSB.
func PaddUSB(d, s *Vec) { paddusb(d, s, 16) }

// PaddUSW is PADDUSW.
func PaddUSW(d, s *Vec) { paddusw(d, s, 16) }

// PsubSB is PSUBSB.
func PsubSB(d, s *Vec) { psubsb(d, s, 16) }

// PsubSW is PSUBSW.
func PsubSW(d, s *Vec) { psubsw(d, s, 16) }

// PsubUSB is PSUBUSB.
func PsubUSB(d, s *Vec) { psubusb(d, s, 16) }

// PsubUSW is PSUBUSW.
func PsubUSW(d, s *Vec) { psubusw(d, s, 16) }

// PmulLW is PMULLW.
func PmulLW(d, s *Vec) { pmullw(d, s, 16) }

// PmulHW is PMULHW.
func PmulHW(d, s *Vec) { pmulhw(d, s, 16) }

// PmulHUW is PMULHUW.
func PmulHUW(d, s *Vec) { pmulhuw(d, s, 16) }

// PmulHRSW is PMULHRSW.
func PmulHRSW(d, s *Vec) { pmulhrsw(d, s, 16) }

// PmulUDQ is PMULUDQ.
func PmulUDQ(d, s *Vec) { pmuludq(d, s, 16) }

// PmulDQ is PMULDQ.
func PmulDQ(d, s *Vec) { pmuldq(d, s, 16) }

// PmulLD is PMULLD.
func PmulLD(d, s *Vec) { pmulld(d, s, 16) }

// PmaddWD is PMADDWD.
func PmaddWD(d, s *Vec) { pmaddwd(d, s, 16) }

// PmaddUBSW is PMADDUBSW.
func PmaddUBSW(d, s *Vec) { pmaddubsw(d, s, 16) }

// PsadBW is PSADBW.
func PsadBW(d, s *Vec) { psadbw(d, s, 16) }

// PavgB is PAVGB.
func PavgB(d, s *Vec) { pavgb(d, s, 16) }

// PavgW is PAVGW.
func PavgW(d, s *Vec) { pavgw(d, s, 16) }

// PminUB is PMINUB.
func PminUB(d, s *Vec) { pminub(d, s, 16) }

// PmaxUB is PMAXUB.
func PmaxUB(d, s *Vec) { pmaxub(d, s, 16) }

// PminSB is PMINSB.
func PminSB(d, s *Vec) { pminsb(d, s, 16) }

// PmaxSB is PMAXSB.
func PmaxSB(d, s *Vec) { pmaxsb(d, s, 16) }

// PminSW is PMINSW.
func PminSW(d, s *Vec) { pminsw(d, s, 16) }

// PmaxSW is PMAXSW.
func PmaxSW(d, s *Vec) { pmaxsw(d, s, 16) }

// PminUW is PMINUW.
func PminUW(d, s *Vec) { pminuw(d, s, 16) }

// PmaxUW is PMAXUW.
func PmaxUW(d, s *Vec) { pmaxuw(d, s, 16) }

// PminSD is PMINSD.
func PminSD(d, s *Vec) { pminsd(d, s, 16) }

// PmaxSD is PMAXSD.
func PmaxSD(d, s *Vec) { pmaxsd(d, s, 16) }

// PminUD is PMINUD.
func PminUD(d, s *Vec) { pminud(d, s, 16) }

// PmaxUD is PMAXUD.
func PmaxUD(d, s *Vec) { pmaxud(d, s, 16) }

// Pand is PAND (and ANDPS, ANDPD).
func Pand(d, s *Vec) { pand(d, s, 16) }

// PandN is PANDN (and ANDNPS, ANDNPD): d = ^d & s.
func PandN(d, s *Vec) { pandn(d, s, 16) }

// Por is POR (and ORPS, ORPD).
func Por(d, s *Vec) { por(d, s, 16) }

// Pxor is PXOR (and XORPS, XORPD).
func Pxor(d, s *Vec) { pxor(d, s, 16) }

// PcmpeqB is PCMPEQB.
func PcmpeqB(d, s *Vec) { pcmpeqb(d, s, 16) }

// PcmpeqW is PCMPEQW.
func PcmpeqW(d, s *Vec) { pcmpeqw(d, s, 16) }

// PcmpeqD is PCMPEQD.
func PcmpeqD(d, s *Vec) { pcmpeqd(d, s, 16) }

// PcmpeqQ is PCMPEQQ.
func PcmpeqQ(d, s *Vec) { pcmpeqq(d, s, 16) }

// PcmpgtB is PCMPGTB.
func PcmpgtB(d, s *Vec) { pcmpgtb(d, s, 16) }

// PcmpgtW is PCMPGTW.
func PcmpgtW(d, s *Vec) { pcmpgtw(d, s, 16) }

// PcmpgtD is PCMPGTD.
func PcmpgtD(d, s *Vec) { pcmpgtd(d, s, 16) }

// PcmpgtQ is PCMPGTQ.
func PcmpgtQ(d, s *Vec) { pcmpgtq(d, s, 16) }

// PsignB is PSIGNB.
func PsignB(d, s *Vec) { psignb(d, s, 16) }

// PsignW is PSIGNW.
func PsignW(d, s *Vec) { psignw(d, s, 16) }

// PsignD is PSIGND.
func PsignD(d, s *Vec) { psignd(d, s, 16) }

// PabsB is PABSB: d = |s|.
func PabsB(d, s *Vec) { pabsb(d, s, 16) }

// PabsW is PABSW.
func PabsW(d, s *Vec) { pabsw(d, s, 16) }

// PabsD is PABSD.
func PabsD(d, s *Vec) { pabsd(d, s, 16) }

// PacksSWB is PACKSSWB.
func PacksSWB(d, s *Vec) { packsswb(d, s, 16) }

// PacksSDW is PACKSSDW.
func PacksSDW(d, s *Vec) { packssdw(d, s, 16) }

// PackUSWB is PACKUSWB.
func PackUSWB(d, s *Vec) { packuswb(d, s, 16) }

// PackUSDW is PACKUSDW.
func PackUSDW(d, s *Vec) { packusdw(d, s, 16) }

// PunpckLBW is PUNPCKLBW.
func PunpckLBW(d, s *Vec) { punpcklbw(d, s, 16) }

// PunpckLWD is PUNPCKLWD.
func PunpckLWD(d, s *Vec) { punpcklwd(d, s, 16) }

// PunpckLDQ is PUNPCKLDQ (and UNPCKLPS).
func PunpckLDQ(d, s *Vec) { punpckldq(d, s, 16) }

// PunpckLQDQ is PUNPCKLQDQ (and UNPCKLPD).
func PunpckLQDQ(d, s *Vec) { d.SetU64(1, s.U64(0)) }

// PunpckHBW is PUNPCKHBW.
func PunpckHBW(d, s *Vec) { punpckhbw(d, s, 16) }

// PunpckHWD is PUNPCKHWD.
func PunpckHWD(d, s *Vec) { punpckhwd(d, s, 16) }

// PunpckHDQ is PUNPCKHDQ (and UNPCKHPS).
func PunpckHDQ(d, s *Vec) { punpckhdq(d, s, 16) }

// PunpckHQDQ is PUNPCKHQDQ (and UNPCKHPD).
func PunpckHQDQ(d, s *Vec) { d.SetU64(0, d.U64(1)); d.SetU64(1, s.U64(1)) }

// PsllW is PSLLW by the count in s's low quadword; PsllWImm by an immediate.
func PsllW(d, s *Vec)            { psllw(d, 16, shiftCount(s)) }
func PsllWImm(d *Vec, imm uint8) { psllw(d, 16, uint64(imm)) }

// PsrlW is PSRLW.
func PsrlW(d, s *Vec)            { psrlw(d, 16, shiftCount(s)) }
func PsrlWImm(d *Vec, imm uint8) { psrlw(d, 16, uint64(imm)) }

// PsraW is PSRAW.
func PsraW(d, s *Vec)            { psraw(d, 16, shiftCount(s)) }
func PsraWImm(d *Vec, imm uint8) { psraw(d, 16, uint64(imm)) }

// PsllD is PSLLD.
func PsllD(d, s *Vec)            { pslld(d, 16, shiftCount(s)) }
func PsllDImm(d *Vec, imm uint8) { pslld(d, 16, uint64(imm)) }

// PsrlD is PSRLD.
func PsrlD(d, s *Vec)            { psrld(d, 16, shiftCount(s)) }
func PsrlDImm(d *Vec, imm uint8) { psrld(d, 16, uint64(imm)) }

// PsraD is PSRAD.
func PsraD(d, s *Vec)            { psrad(d, 16, shiftCount(s)) }
func PsraDImm(d *Vec, imm uint8) { psrad(d, 16, uint64(imm)) }

// PsllQ is PSLLQ.
func PsllQ(d, s *Vec)            { psllq(d, 16, shiftCount(s)) }
func PsllQImm(d *Vec, imm uint8) { psllq(d, 16, uint64(imm)) }

// PsrlQ is PSRLQ.
func PsrlQ(d, s *Vec)            { psrlq(d, 16, shiftCount(s)) }
func PsrlQImm(d *Vec, imm uint8) { psrlq(d, 16, uint64(imm)) }

// PslLDQ is PSLLDQ: a byte shift of the whole register.
func PslLDQ(d *Vec, imm uint8) {
	var r Vec
	if imm < 16 {
		copy(r[imm:], d[:16-imm])
	}
	*d = r
}

// PsrLDQ is PSRLDQ.
func PsrLDQ(d *Vec, imm uint8) {
	var r Vec
	if imm < 16 {
		copy(r[:16-imm], d[imm:])
	}
	*d = r
}

// PshufB is PSHUFB.
func PshufB(d, s *Vec) { pshufb(d, s, 16) }

// PhaddW is PHADDW.
func PhaddW(d, s *Vec) { phaddw(d, s, 16) }

// PhaddD is PHADDD.
func PhaddD(d, s *Vec) { phaddd(d, s, 16) }

// PhaddSW is PHADDSW.
func PhaddSW(d, s *Vec) { phaddsw(d, s, 16) }

// PhsubW is PHSUBW.
func PhsubW(d, s *Vec) { phsubw(d, s, 16) }

// PhsubD is PHSUBD.
func PhsubD(d, s *Vec) { phsubd(d, s, 16) }

// PhsubSW is PHSUBSW.
func PhsubSW(d, s *Vec) { phsubsw(d, s, 16) }

// PalignR is PALIGNR: the concatenation d:s shifted right by imm bytes.
func PalignR(d, s *Vec, imm uint8) {
	var cat [32]byte
	copy(cat[:16], s[:])
	copy(cat[16:], d[:])
	var r Vec
	for i := 0; i < 16; i++ {
		if j := int(imm) + i; j < 32 {
			r[i] = cat[j]
		}
	}
	*d = r
}

// PshufD is PSHUFD: d = s's dwords chosen by imm.
func PshufD(d, s *Vec, imm uint8) {
	var r Vec
	for i := 0; i < 4; i++ {
		r.SetU32(i, s.U32(int(imm>>(2*i))&3))
	}
	*d = r
}

// PshufLW is PSHUFLW.
func PshufLW(d, s *Vec, imm uint8) {
	r := *s
	for i := 0; i < 4; i++ {
		r.SetU16(i, s.U16(int(imm>>(2*i))&3))
	}
	*d = r
}

// PshufHW is PSHUFHW.
func PshufHW(d, s *Vec, imm uint8) {
	r := *s
	for i := 0; i < 4; i++ {
		r.SetU16(4+i, s.U16(4+int(imm>>(2*i))&3))
	}
	*d = r
}

// PmovmskB is PMOVMSKB: the top bit of each byte.
func PmovmskB(s *Vec) uint32 {
	var m uint32
	for i := 15; i >= 0; i-- {
		m = m<<1 | uint32(s[i]>>7)
	}
	return m
}

// MovmskPS is MOVMSKPS.
func MovmskPS(s *Vec) uint32 {
	var m uint32
	for i := 3; i >= 0; i-- {
		m = m<<1 | s.U32(i)>>31
	}
	return m
}

// MovmskPD is MOVMSKPD.
func MovmskPD(s *Vec) uint32 { return uint32(s.U64(0)>>63 | s.U64(1)>>63<<1) }

// PextrW is PEXTRW: the word selected by imm&7, zero-extended.
func PextrW(s *Vec, imm uint8) uint64 { return uint64(s.U16(int(imm & 7))) }

// PinsrW is PINSRW: the low word of v into the word selected by imm&7.
func PinsrW(d *Vec, v uint64, imm uint8) { d.SetU16(int(imm&7), uint16(v)) }

// PextrB is PEXTRB.
func PextrB(s *Vec, imm uint8) uint64 { return uint64(s[imm&15]) }

// PextrD is PEXTRD (and EXTRACTPS).
func PextrD(s *Vec, imm uint8) uint64 { return uint64(s.U32(int(imm & 3))) }

// PextrQ is PEXTRQ.
func PextrQ(s *Vec, imm uint8) uint64 { return s.U64(int(imm & 1)) }

// PinsrB is PINSRB.
func PinsrB(d *Vec, v uint64, imm uint8) { d[imm&15] = uint8(v) }

// PinsrD is PINSRD.
func PinsrD(d *Vec, v uint64, imm uint8) { d.SetU32(int(imm&3), uint32(v)) }

// PinsrQ is PINSRQ.
func PinsrQ(d *Vec, v uint64, imm uint8) { d.SetU64(int(imm&1), v) }

// pmov widens the low elements of s (size from bytes to to bytes, signed or
// not) into d.
func pmov(d, s *Vec, from, to int, signed bool) {
	var r Vec
	for i := 0; i < 16/to; i++ {
		var v uint64
		switch from {
		case 1:
			v = uint64(s[i])
			if signed {
				v = uint64(int64(int8(v)))
			}
		case 2:
			v = uint64(s.U16(i))
			if signed {
				v = uint64(int64(int16(v)))
			}
		case 4:
			v = uint64(s.U32(i))
			if signed {
				v = uint64(int64(int32(v)))
			}
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		copy(r[i*to:], b[:to])
	}
	*d = r
}

// PmovSXBW is PMOVSXBW; the other PmovSX/PmovZX forms follow the same
// naming.
func PmovSXBW(d, s *Vec) { pmov(d, s, 1, 2, true) }
func PmovSXBD(d, s *Vec) { pmov(d, s, 1, 4, true) }
func PmovSXBQ(d, s *Vec) { pmov(d, s, 1, 8, true) }
func PmovSXWD(d, s *Vec) { pmov(d, s, 2, 4, true) }
func PmovSXWQ(d, s *Vec) { pmov(d, s, 2, 8, true) }
func PmovSXDQ(d, s *Vec) { pmov(d, s, 4, 8, true) }
func PmovZXBW(d, s *Vec) { pmov(d, s, 1, 2, false) }
func PmovZXBD(d, s *Vec) { pmov(d, s, 1, 4, false) }
func PmovZXBQ(d, s *Vec) { pmov(d, s, 1, 8, false) }
func PmovZXWD(d, s *Vec) { pmov(d, s, 2, 4, false) }
func PmovZXWQ(d, s *Vec) { pmov(d, s, 2, 8, false) }
func PmovZXDQ(d, s *Vec) { pmov(d, s, 4, 8, false) }

// Ptest is PTEST: it returns the new ZF and CF (ZF: d AND s is zero; CF:
// NOT d AND s is zero) as EFLAGS bits; AF, OF, PF and SF are cleared (see
// ComiFlags for the bits written).
func Ptest(d, s *Vec) uint64 {
	var f uint64
	if d.U64(0)&s.U64(0)|d.U64(1)&s.U64(1) == 0 {
		f |= flagZF
	}
	if ^d.U64(0)&s.U64(0)|^d.U64(1)&s.U64(1) == 0 {
		f |= flagCF
	}
	return f
}

// PhminposUW is PHMINPOSUW: the smallest unsigned word in the low word, its
// index in bits 18-16, the rest zero.
func PhminposUW(d, s *Vec) {
	idx, m := 0, s.U16(0)
	for i := 1; i < 8; i++ {
		if v := s.U16(i); v < m {
			idx, m = i, v
		}
	}
	*d = Vec{}
	d.SetU16(0, m)
	d.SetU16(1, uint16(idx))
}

// MpsadBW is MPSADBW: eight sums of absolute differences between a 4-byte
// block of s (selected by imm bits 1-0) and sliding 4-byte windows of d
// (starting at byte 4*imm bit 2).
func MpsadBW(d, s *Vec, imm uint8) {
	so := int(imm&3) * 4
	do := int(imm>>2&1) * 4
	var r Vec
	for i := 0; i < 8; i++ {
		var sum uint16
		for j := 0; j < 4; j++ {
			a, b := int(d[do+i+j]), int(s[so+j])
			if a > b {
				sum += uint16(a - b)
			} else {
				sum += uint16(b - a)
			}
		}
		r.SetU16(i, sum)
	}
	*d = r
}

// PblendW is PBLENDW: word i from s where imm bit i is set.
func PblendW(d, s *Vec, imm uint8) {
	for i := 0; i < 8; i++ {
		if imm>>i&1 != 0 {
			d.SetU16(i, s.U16(i))
		}
	}
}

// BlendPS is BLENDPS.
func BlendPS(d, s *Vec, imm uint8) {
	for i := 0; i < 4; i++ {
		if imm>>i&1 != 0 {
			d.SetU32(i, s.U32(i))
		}
	}
}

// BlendPD is BLENDPD.
func BlendPD(d, s *Vec, imm uint8) {
	for i := 0; i < 2; i++ {
		if imm>>i&1 != 0 {
			d.SetU64(i, s.U64(i))
		}
	}
}

// PblendVB is PBLENDVB: byte i from s where the top bit of mask byte i (the
// implicit XMM0) is set.
func PblendVB(d, s, mask *Vec) {
	for i := 0; i < 16; i++ {
		if mask[i]&0x80 != 0 {
			d[i] = s[i]
		}
	}
}

// BlendVPS is BLENDVPS.
func BlendVPS(d, s, mask *Vec) {
	for i := 0; i < 4; i++ {
		if mask.U32(i)>>31 != 0 {
			d.SetU32(i, s.U32(i))
		}
	}
}

// BlendVPD is BLENDVPD.
func BlendVPD(d, s, mask *Vec) {
	for i := 0; i < 2; i++ {
		if mask.U64(i)>>63 != 0 {
			d.SetU64(i, s.U64(i))
		}
	}
}

// ShufPS is SHUFPS: two singles of d (imm bits 3-0), then two of s.
func ShufPS(d, s *Vec, imm uint8) {
	var r Vec
	r.SetU32(0, d.U32(int(imm&3)))
	r.SetU32(1, d.U32(int(imm>>2&3)))
	r.SetU32(2, s.U32(int(imm>>4&3)))
	r.SetU32(3, s.U32(int(imm>>6&3)))
	*d = r
}

// ShufPD is SHUFPD.
func ShufPD(d, s *Vec, imm uint8) {
	lo, hi := d.U64(int(imm&1)), s.U64(int(imm>>1&1))
	d.SetU64(0, lo)
	d.SetU64(1, hi)
}

// InsertPS is INSERTPS with a register source: s's single imm bits 7-6
// goes to d's lane imm bits 5-4, then lanes set in imm bits 3-0 are zeroed.
// For a memory source, pass the loaded single in lane 0 and clear imm bits
// 7-6.
func InsertPS(d, s *Vec, imm uint8) {
	d.SetU32(int(imm>>4&3), s.U32(int(imm>>6)))
	for i := 0; i < 4; i++ {
		if imm>>i&1 != 0 {
			d.SetU32(i, 0)
		}
	}
}

// Popcnt returns the population count and the EFLAGS bits POPCNT sets (ZF
// when the source is zero; OF, SF, AF, CF, PF cleared).
func Popcnt(v uint64) (uint64, uint64) {
	if v == 0 {
		return 0, flagZF
	}
	return uint64(bits.OnesCount64(v)), 0
}

// MovDDUP is MOVDDUP: the low double of s in both halves.
func MovDDUP(d, s *Vec) { lo := s.U64(0); d.SetU64(0, lo); d.SetU64(1, lo) }

// MovSLDUP is MOVSLDUP: the even singles of s duplicated.
func MovSLDUP(d, s *Vec) {
	a, b := s.U32(0), s.U32(2)
	d.SetU64(0, uint64(a)|uint64(a)<<32)
	d.SetU64(1, uint64(b)|uint64(b)<<32)
}

// MovSHDUP is MOVSHDUP: the odd singles of s duplicated.
func MovSHDUP(d, s *Vec) {
	a, b := s.U32(1), s.U32(3)
	d.SetU64(0, uint64(a)|uint64(a)<<32)
	d.SetU64(1, uint64(b)|uint64(b)<<32)
}
