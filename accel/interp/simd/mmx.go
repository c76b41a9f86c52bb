package simd

// MMX forms: the same operations over 64-bit registers, by value.

// PaddBMMX is PADDB on MMX registers.
func PaddBMMX(d, s uint64) uint64 { return mmx(d, s, paddb) }

// PaddWMMX is PADDW on MMX registers.
func PaddWMMX(d, s uint64) uint64 { return mmx(d, s, paddw) }

// PaddDMMX is PADDD on MMX registers.
func PaddDMMX(d, s uint64) uint64 { return mmx(d, s, paddd) }

// PaddQMMX is PADDQ on MMX registers.
func PaddQMMX(d, s uint64) uint64 { return mmx(d, s, paddq) }

// PsubBMMX is PSUBB on MMX registers.
func PsubBMMX(d, s uint64) uint64 { return mmx(d, s, psubb) }

// PsubWMMX is PSUBW on MMX registers.
func PsubWMMX(d, s uint64) uint64 { return mmx(d, s, psubw) }

// PsubDMMX is PSUBD on MMX registers.
func PsubDMMX(d, s uint64) uint64 { return mmx(d, s, psubd) }

// PsubQMMX is PSUBQ on MMX registers.
func PsubQMMX(d, s uint64) uint64 { return mmx(d, s, psubq) }

// PaddSBMMX is PADDSB on MMX registers.
func PaddSBMMX(d, s uint64) uint64 { return mmx(d, s, paddsb) }

// PaddSWMMX is PADDSW on MMX registers.
func PaddSWMMX(d, s uint64) uint64 { return mmx(d, s, paddsw) }

// PaddUSBMMX is PADDUSB on MMX registers.
func PaddUSBMMX(d, s uint64) uint64 { return mmx(d, s, paddusb) }

// PaddUSWMMX is PADDUSW on MMX registers.
func PaddUSWMMX(d, s uint64) uint64 { return mmx(d, s, paddusw) }

// PsubSBMMX is PSUBSB on MMX registers.
func PsubSBMMX(d, s uint64) uint64 { return mmx(d, s, psubsb) }

// PsubSWMMX is PSUBSW on MMX registers.
func PsubSWMMX(d, s uint64) uint64 { return mmx(d, s, psubsw) }

// PsubUSBMMX is PSUBUSB on MMX registers.
func PsubUSBMMX(d, s uint64) uint64 { return mmx(d, s, psubusb) }

// PsubUSWMMX is PSUBUSW on MMX registers.
func PsubUSWMMX(d, s uint64) uint64 { return mmx(d, s, psubusw) }

// PmulLWMMX is PMULLW on MMX registers.
func PmulLWMMX(d, s uint64) uint64 { return mmx(d, s, pmullw) }

// PmulHWMMX is PMULHW on MMX registers.
func PmulHWMMX(d, s uint64) uint64 { return mmx(d, s, pmulhw) }

// PmulHUWMMX is PMULHUW on MMX registers.
func PmulHUWMMX(d, s uint64) uint64 { return mmx(d, s, pmulhuw) }

// PmulHRSWMMX is PMULHRSW on MMX registers.
func PmulHRSWMMX(d, s uint64) uint64 { return mmx(d, s, pmulhrsw) }

// PmulUDQMMX is PMULUDQ on MMX registers.
func PmulUDQMMX(d, s uint64) uint64 { return mmx(d, s, pmuludq) }

// PmaddWDMMX is PMADDWD on MMX registers.
func PmaddWDMMX(d, s uint64) uint64 { return mmx(d, s, pmaddwd) }

// PmaddUBSWMMX is PMADDUBSW on MMX registers.
func PmaddUBSWMMX(d, s uint64) uint64 { return mmx(d, s, pmaddubsw) }

// PsadBWMMX is PSADBW on MMX registers.
func PsadBWMMX(d, s uint64) uint64 { return mmx(d, s, psadbw) }

// PavgBMMX is PAVGB on MMX registers.
func PavgBMMX(d, s uint64) uint64 { return mmx(d, s, pavgb) }

// PavgWMMX is PAVGW on MMX registers.
func PavgWMMX(d, s uint64) uint64 { return mmx(d, s, pavgw) }

// PminUBMMX is PMINUB on MMX registers.
func PminUBMMX(d, s uint64) uint64 { return mmx(d, s, pminub) }

// PmaxUBMMX is PMAXUB on MMX registers.
func PmaxUBMMX(d, s uint64) uint64 { return mmx(d, s, pmaxub) }

// PminSWMMX is PMINSW on MMX registers.
func PminSWMMX(d, s uint64) uint64 { return mmx(d, s, pminsw) }

// PmaxSWMMX is PMAXSW on MMX registers.
func PmaxSWMMX(d, s uint64) uint64 { return mmx(d, s, pmaxsw) }

// PandMMX is PAND on MMX registers.
func PandMMX(d, s uint64) uint64 { return mmx(d, s, pand) }

// PandNMMX is PANDN on MMX registers.
func PandNMMX(d, s uint64) uint64 { return mmx(d, s, pandn) }

// PorMMX is POR on MMX registers.
func PorMMX(d, s uint64) uint64 { return mmx(d, s, por) }

// PxorMMX is PXOR on MMX registers.
func PxorMMX(d, s uint64) uint64 { return mmx(d, s, pxor) }

// PcmpeqBMMX is PCMPEQB on MMX registers.
func PcmpeqBMMX(d, s uint64) uint64 { return mmx(d, s, pcmpeqb) }

// PcmpeqWMMX is PCMPEQW on MMX registers.
func PcmpeqWMMX(d, s uint64) uint64 { return mmx(d, s, pcmpeqw) }

// PcmpeqDMMX is PCMPEQD on MMX registers.
func PcmpeqDMMX(d, s uint64) uint64 { return mmx(d, s, pcmpeqd) }

// PcmpgtBMMX is PCMPGTB on MMX registers.
func PcmpgtBMMX(d, s uint64) uint64 { return mmx(d, s, pcmpgtb) }

// PcmpgtWMMX is PCMPGTW on MMX registers.
func PcmpgtWMMX(d, s uint64) uint64 { return mmx(d, s, pcmpgtw) }

// PcmpgtDMMX is PCMPGTD on MMX registers.
func PcmpgtDMMX(d, s uint64) uint64 { return mmx(d, s, pcmpgtd) }

// PsignBMMX is PSIGNB on MMX registers.
func PsignBMMX(d, s uint64) uint64 { return mmx(d, s, psignb) }

// PsignWMMX is PSIGNW on MMX registers.
func PsignWMMX(d, s uint64) uint64 { return mmx(d, s, psignw) }

// PsignDMMX is PSIGND on MMX registers.
func PsignDMMX(d, s uint64) uint64 { return mmx(d, s, psignd) }

// PabsBMMX is PABSB on MMX registers.
func PabsBMMX(d, s uint64) uint64 { return mmx(d, s, pabsb) }

// PabsWMMX is PABSW on MMX registers.
func PabsWMMX(d, s uint64) uint64 { return mmx(d, s, pabsw) }

// PabsDMMX is PABSD on MMX registers.
func PabsDMMX(d, s uint64) uint64 { return mmx(d, s, pabsd) }

// PacksSWBMMX is PACKSSWB on MMX registers.
func PacksSWBMMX(d, s uint64) uint64 { return mmx(d, s, packsswb) }

// PacksSDWMMX is PACKSSDW on MMX registers.
func PacksSDWMMX(d, s uint64) uint64 { return mmx(d, s, packssdw) }

// PackUSWBMMX is PACKUSWB on MMX registers.
func PackUSWBMMX(d, s uint64) uint64 { return mmx(d, s, packuswb) }

// PunpckLBWMMX is PUNPCKLBW on MMX registers.
func PunpckLBWMMX(d, s uint64) uint64 { return mmx(d, s, punpcklbw) }

// PunpckLWDMMX is PUNPCKLWD on MMX registers.
func PunpckLWDMMX(d, s uint64) uint64 { return mmx(d, s, punpcklwd) }

// PunpckLDQMMX is PUNPCKLDQ on MMX registers.
func PunpckLDQMMX(d, s uint64) uint64 { return mmx(d, s, punpckldq) }

// PunpckHBWMMX is PUNPCKHBW on MMX registers.
func PunpckHBWMMX(d, s uint64) uint64 { return mmx(d, s, punpckhbw) }

// PunpckHWDMMX is PUNPCKHWD on MMX registers.
func PunpckHWDMMX(d, s uint64) uint64 { return mmx(d, s, punpckhwd) }

// PunpckHDQMMX is PUNPCKHDQ on MMX registers.
func PunpckHDQMMX(d, s uint64) uint64 { return mmx(d, s, punpckhdq) }

// PshufBMMX is PSHUFB on MMX registers.
func PshufBMMX(d, s uint64) uint64 { return mmx(d, s, pshufb) }

// PhaddWMMX is PHADDW on MMX registers.
func PhaddWMMX(d, s uint64) uint64 { return mmx(d, s, phaddw) }

// PhaddDMMX is PHADDD on MMX registers.
func PhaddDMMX(d, s uint64) uint64 { return mmx(d, s, phaddd) }

// PhaddSWMMX is PHADDSW on MMX registers.
func PhaddSWMMX(d, s uint64) uint64 { return mmx(d, s, phaddsw) }

// PhsubWMMX is PHSUBW on MMX registers.
func PhsubWMMX(d, s uint64) uint64 { return mmx(d, s, phsubw) }

// PhsubDMMX is PHSUBD on MMX registers.
func PhsubDMMX(d, s uint64) uint64 { return mmx(d, s, phsubd) }

// PhsubSWMMX is PHSUBSW on MMX registers.
func PhsubSWMMX(d, s uint64) uint64 { return mmx(d, s, phsubsw) }

// PsllWMMX is PSLLW on an MMX register by a 64-bit count (register or
// immediate).
func PsllWMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	psllw(&v, 8, count)
	return v.U64(0)
}

// PsrlWMMX is PSRLW on an MMX register by a 64-bit count (register or
// immediate).
func PsrlWMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	psrlw(&v, 8, count)
	return v.U64(0)
}

// PsraWMMX is PSRAW on an MMX register by a 64-bit count (register or
// immediate).
func PsraWMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	psraw(&v, 8, count)
	return v.U64(0)
}

// PsllDMMX is PSLLD on an MMX register by a 64-bit count (register or
// immediate).
func PsllDMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	pslld(&v, 8, count)
	return v.U64(0)
}

// PsrlDMMX is PSRLD on an MMX register by a 64-bit count (register or
// immediate).
func PsrlDMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	psrld(&v, 8, count)
	return v.U64(0)
}

// PsraDMMX is PSRAD on an MMX register by a 64-bit count (register or
// immediate).
func PsraDMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	psrad(&v, 8, count)
	return v.U64(0)
}

// PsllQMMX is PSLLQ on an MMX register by a 64-bit count (register or
// immediate).
func PsllQMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	psllq(&v, 8, count)
	return v.U64(0)
}

// PsrlQMMX is PSRLQ on an MMX register by a 64-bit count (register or
// immediate).
func PsrlQMMX(d, count uint64) uint64 {
	v := VecFrom(d, 0)
	psrlq(&v, 8, count)
	return v.U64(0)
}

// PalignRMMX is PALIGNR on MMX registers: d:s shifted right by imm bytes.
func PalignRMMX(d, s uint64, imm uint8) uint64 {
	switch {
	case imm >= 16:
		return 0
	case imm >= 8:
		return d >> (8 * (imm - 8))
	case imm == 0:
		return s
	}
	return s>>(8*imm) | d<<(64-8*uint(imm))
}

// PshufW is PSHUFW: s's words chosen by imm.
func PshufW(s uint64, imm uint8) uint64 {
	var r uint64
	for i := 0; i < 4; i++ {
		r |= (s >> (16 * (imm >> (2 * i) & 3)) & 0xffff) << (16 * i)
	}
	return r
}

// PmovmskBMMX is PMOVMSKB on an MMX register.
func PmovmskBMMX(s uint64) uint32 {
	var m uint32
	for i := 7; i >= 0; i-- {
		m = m<<1 | uint32(s>>(8*i+7)&1)
	}
	return m
}

// PextrWMMX is PEXTRW from an MMX register (word imm&3).
func PextrWMMX(s uint64, imm uint8) uint64 { return s >> (16 * (imm & 3)) & 0xffff }

// PinsrWMMX is PINSRW into an MMX register.
func PinsrWMMX(d, v uint64, imm uint8) uint64 {
	sh := 16 * (imm & 3)
	return d&^(0xffff<<sh) | (v&0xffff)<<sh
}
