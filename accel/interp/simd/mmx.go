package simd

// MMX forms: the same operations over 64-bit registers, by value.

// PaddBMMX is PADDB on MMX registers.
func PaddBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddb(&dv, &sv, 8)
	return dv.U64(0)
}

// PaddWMMX is PADDW on MMX registers.
func PaddWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddw(&dv, &sv, 8)
	return dv.U64(0)
}

// PaddDMMX is PADDD on MMX registers.
func PaddDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddd(&dv, &sv, 8)
	return dv.U64(0)
}

// PaddQMMX is PADDQ on MMX registers.
func PaddQMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddq(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubBMMX is PSUBB on MMX registers.
func PsubBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubb(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubWMMX is PSUBW on MMX registers.
func PsubWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubw(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubDMMX is PSUBD on MMX registers.
func PsubDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubd(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubQMMX is PSUBQ on MMX registers.
func PsubQMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubq(&dv, &sv, 8)
	return dv.U64(0)
}

// PaddSBMMX is PADDSB on MMX registers.
func PaddSBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddsb(&dv, &sv, 8)
	return dv.U64(0)
}

// PaddSWMMX is PADDSW on MMX registers.
func PaddSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PaddUSBMMX is PADDUSB on MMX registers.
func PaddUSBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddusb(&dv, &sv, 8)
	return dv.U64(0)
}

// PaddUSWMMX is PADDUSW on MMX registers.
func PaddUSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	paddusw(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubSBMMX is PSUBSB on MMX registers.
func PsubSBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubsb(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubSWMMX is PSUBSW on MMX registers.
func PsubSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubUSBMMX is PSUBUSB on MMX registers.
func PsubUSBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubusb(&dv, &sv, 8)
	return dv.U64(0)
}

// PsubUSWMMX is PSUBUSW on MMX registers.
func PsubUSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psubusw(&dv, &sv, 8)
	return dv.U64(0)
}

// PmulLWMMX is PMULLW on MMX registers.
func PmulLWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmullw(&dv, &sv, 8)
	return dv.U64(0)
}

// PmulHWMMX is PMULHW on MMX registers.
func PmulHWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmulhw(&dv, &sv, 8)
	return dv.U64(0)
}

// PmulHUWMMX is PMULHUW on MMX registers.
func PmulHUWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmulhuw(&dv, &sv, 8)
	return dv.U64(0)
}

// PmulHRSWMMX is PMULHRSW on MMX registers.
func PmulHRSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmulhrsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PmulUDQMMX is PMULUDQ on MMX registers.
func PmulUDQMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmuludq(&dv, &sv, 8)
	return dv.U64(0)
}

// PmaddWDMMX is PMADDWD on MMX registers.
func PmaddWDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmaddwd(&dv, &sv, 8)
	return dv.U64(0)
}

// PmaddUBSWMMX is PMADDUBSW on MMX registers.
func PmaddUBSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmaddubsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PsadBWMMX is PSADBW on MMX registers.
func PsadBWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psadbw(&dv, &sv, 8)
	return dv.U64(0)
}

// PavgBMMX is PAVGB on MMX registers.
func PavgBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pavgb(&dv, &sv, 8)
	return dv.U64(0)
}

// PavgWMMX is PAVGW on MMX registers.
func PavgWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pavgw(&dv, &sv, 8)
	return dv.U64(0)
}

// PminUBMMX is PMINUB on MMX registers.
func PminUBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pminub(&dv, &sv, 8)
	return dv.U64(0)
}

// PmaxUBMMX is PMAXUB on MMX registers.
func PmaxUBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmaxub(&dv, &sv, 8)
	return dv.U64(0)
}

// PminSWMMX is PMINSW on MMX registers.
func PminSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pminsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PmaxSWMMX is PMAXSW on MMX registers.
func PmaxSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pmaxsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PandMMX is PAND on MMX registers.
func PandMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pand(&dv, &sv, 8)
	return dv.U64(0)
}

// PandNMMX is PANDN on MMX registers.
func PandNMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pandn(&dv, &sv, 8)
	return dv.U64(0)
}

// PorMMX is POR on MMX registers.
func PorMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	por(&dv, &sv, 8)
	return dv.U64(0)
}

// PxorMMX is PXOR on MMX registers.
func PxorMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pxor(&dv, &sv, 8)
	return dv.U64(0)
}

// PcmpeqBMMX is PCMPEQB on MMX registers.
func PcmpeqBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pcmpeqb(&dv, &sv, 8)
	return dv.U64(0)
}

// PcmpeqWMMX is PCMPEQW on MMX registers.
func PcmpeqWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pcmpeqw(&dv, &sv, 8)
	return dv.U64(0)
}

// PcmpeqDMMX is PCMPEQD on MMX registers.
func PcmpeqDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pcmpeqd(&dv, &sv, 8)
	return dv.U64(0)
}

// PcmpgtBMMX is PCMPGTB on MMX registers.
func PcmpgtBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pcmpgtb(&dv, &sv, 8)
	return dv.U64(0)
}

// PcmpgtWMMX is PCMPGTW on MMX registers.
func PcmpgtWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pcmpgtw(&dv, &sv, 8)
	return dv.U64(0)
}

// PcmpgtDMMX is PCMPGTD on MMX registers.
func PcmpgtDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pcmpgtd(&dv, &sv, 8)
	return dv.U64(0)
}

// PsignBMMX is PSIGNB on MMX registers.
func PsignBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psignb(&dv, &sv, 8)
	return dv.U64(0)
}

// PsignWMMX is PSIGNW on MMX registers.
func PsignWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psignw(&dv, &sv, 8)
	return dv.U64(0)
}

// PsignDMMX is PSIGND on MMX registers.
func PsignDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	psignd(&dv, &sv, 8)
	return dv.U64(0)
}

// PabsBMMX is PABSB on MMX registers.
func PabsBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pabsb(&dv, &sv, 8)
	return dv.U64(0)
}

// PabsWMMX is PABSW on MMX registers.
func PabsWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pabsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PabsDMMX is PABSD on MMX registers.
func PabsDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pabsd(&dv, &sv, 8)
	return dv.U64(0)
}

// PacksSWBMMX is PACKSSWB on MMX registers.
func PacksSWBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	packsswb(&dv, &sv, 8)
	return dv.U64(0)
}

// PacksSDWMMX is PACKSSDW on MMX registers.
func PacksSDWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	packssdw(&dv, &sv, 8)
	return dv.U64(0)
}

// PackUSWBMMX is PACKUSWB on MMX registers.
func PackUSWBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	packuswb(&dv, &sv, 8)
	return dv.U64(0)
}

// PunpckLBWMMX is PUNPCKLBW on MMX registers.
func PunpckLBWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	punpcklbw(&dv, &sv, 8)
	return dv.U64(0)
}

// PunpckLWDMMX is PUNPCKLWD on MMX registers.
func PunpckLWDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	punpcklwd(&dv, &sv, 8)
	return dv.U64(0)
}

// PunpckLDQMMX is PUNPCKLDQ on MMX registers.
func PunpckLDQMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	punpckldq(&dv, &sv, 8)
	return dv.U64(0)
}

// PunpckHBWMMX is PUNPCKHBW on MMX registers.
func PunpckHBWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	punpckhbw(&dv, &sv, 8)
	return dv.U64(0)
}

// PunpckHWDMMX is PUNPCKHWD on MMX registers.
func PunpckHWDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	punpckhwd(&dv, &sv, 8)
	return dv.U64(0)
}

// PunpckHDQMMX is PUNPCKHDQ on MMX registers.
func PunpckHDQMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	punpckhdq(&dv, &sv, 8)
	return dv.U64(0)
}

// PshufBMMX is PSHUFB on MMX registers.
func PshufBMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	pshufb(&dv, &sv, 8)
	return dv.U64(0)
}

// PhaddWMMX is PHADDW on MMX registers.
func PhaddWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	phaddw(&dv, &sv, 8)
	return dv.U64(0)
}

// PhaddDMMX is PHADDD on MMX registers.
func PhaddDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	phaddd(&dv, &sv, 8)
	return dv.U64(0)
}

// PhaddSWMMX is PHADDSW on MMX registers.
func PhaddSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	phaddsw(&dv, &sv, 8)
	return dv.U64(0)
}

// PhsubWMMX is PHSUBW on MMX registers.
func PhsubWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	phsubw(&dv, &sv, 8)
	return dv.U64(0)
}

// PhsubDMMX is PHSUBD on MMX registers.
func PhsubDMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	phsubd(&dv, &sv, 8)
	return dv.U64(0)
}

// PhsubSWMMX is PHSUBSW on MMX registers.
func PhsubSWMMX(d, s uint64) uint64 {
	dv, sv := VecFrom(d, 0), VecFrom(s, 0)
	phsubsw(&dv, &sv, 8)
	return dv.U64(0)
}

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
