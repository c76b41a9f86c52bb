//go:build linux

package simd

import "gemu/accel/interp/simd/internal/ssehw"

func xx(fn func(d, s *Vec)) model {
	return model{run: func(fr *ssehw.Frame, _ uint8) bool {
		d, s := Vec(fr.Dst), Vec(fr.Src)
		fn(&d, &s)
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOut | cmpNoMXCSR, operand: opInt}
}

func xxi(fn func(d, s *Vec, imm uint8)) model {
	return model{run: func(fr *ssehw.Frame, imm uint8) bool {
		d, s := Vec(fr.Dst), Vec(fr.Src)
		fn(&d, &s, imm)
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOut | cmpNoMXCSR, operand: opInt}
}

func xi(fn func(d *Vec, imm uint8)) model {
	return model{run: func(fr *ssehw.Frame, imm uint8) bool {
		d := Vec(fr.Dst)
		fn(&d, imm)
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOut | cmpNoMXCSR, operand: opInt}
}

func mm(fn func(d, s uint64) uint64) model {
	return model{run: func(fr *ssehw.Frame, _ uint8) bool {
		d, s := Vec(fr.Dst), Vec(fr.Src)
		d.SetU64(0, fn(d.U64(0), s.U64(0)))
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOutLo | cmpNoMXCSR, operand: opInt}
}

func mmi(fn func(d uint64, imm uint8) uint64) model {
	return model{run: func(fr *ssehw.Frame, imm uint8) bool {
		d := Vec(fr.Dst)
		d.SetU64(0, fn(d.U64(0), imm))
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOutLo | cmpNoMXCSR, operand: opInt}
}

func init() {
	models["paddb"] = xx(PaddB)
	models["paddb_mmx"] = mm(PaddBMMX)
	models["paddw"] = xx(PaddW)
	models["paddw_mmx"] = mm(PaddWMMX)
	models["paddd"] = xx(PaddD)
	models["paddd_mmx"] = mm(PaddDMMX)
	models["paddq"] = xx(PaddQ)
	models["paddq_mmx"] = mm(PaddQMMX)
	models["psubb"] = xx(PsubB)
	models["psubb_mmx"] = mm(PsubBMMX)
	models["psubw"] = xx(PsubW)
	models["psubw_mmx"] = mm(PsubWMMX)
	models["psubd"] = xx(PsubD)
	models["psubd_mmx"] = mm(PsubDMMX)
	models["psubq"] = xx(PsubQ)
	models["psubq_mmx"] = mm(PsubQMMX)
	models["paddsb"] = xx(PaddSB)
	models["paddsb_mmx"] = mm(PaddSBMMX)
	models["paddsw"] = xx(PaddSW)
	models["paddsw_mmx"] = mm(PaddSWMMX)
	models["paddusb"] = xx(PaddUSB)
	models["paddusb_mmx"] = mm(PaddUSBMMX)
	models["paddusw"] = xx(PaddUSW)
	models["paddusw_mmx"] = mm(PaddUSWMMX)
	models["psubsb"] = xx(PsubSB)
	models["psubsb_mmx"] = mm(PsubSBMMX)
	models["psubsw"] = xx(PsubSW)
	models["psubsw_mmx"] = mm(PsubSWMMX)
	models["psubusb"] = xx(PsubUSB)
	models["psubusb_mmx"] = mm(PsubUSBMMX)
	models["psubusw"] = xx(PsubUSW)
	models["psubusw_mmx"] = mm(PsubUSWMMX)
	models["pmullw"] = xx(PmulLW)
	models["pmullw_mmx"] = mm(PmulLWMMX)
	models["pmulhw"] = xx(PmulHW)
	models["pmulhw_mmx"] = mm(PmulHWMMX)
	models["pmulhuw"] = xx(PmulHUW)
	models["pmulhuw_mmx"] = mm(PmulHUWMMX)
	models["pmulhrsw"] = xx(PmulHRSW)
	models["pmulhrsw_mmx"] = mm(PmulHRSWMMX)
	models["pmuludq"] = xx(PmulUDQ)
	models["pmuludq_mmx"] = mm(PmulUDQMMX)
	models["pmaddwd"] = xx(PmaddWD)
	models["pmaddwd_mmx"] = mm(PmaddWDMMX)
	models["pmaddubsw"] = xx(PmaddUBSW)
	models["pmaddubsw_mmx"] = mm(PmaddUBSWMMX)
	models["psadbw"] = xx(PsadBW)
	models["psadbw_mmx"] = mm(PsadBWMMX)
	models["pavgb"] = xx(PavgB)
	models["pavgb_mmx"] = mm(PavgBMMX)
	models["pavgw"] = xx(PavgW)
	models["pavgw_mmx"] = mm(PavgWMMX)
	models["pminub"] = xx(PminUB)
	models["pminub_mmx"] = mm(PminUBMMX)
	models["pmaxub"] = xx(PmaxUB)
	models["pmaxub_mmx"] = mm(PmaxUBMMX)
	models["pminsw"] = xx(PminSW)
	models["pminsw_mmx"] = mm(PminSWMMX)
	models["pmaxsw"] = xx(PmaxSW)
	models["pmaxsw_mmx"] = mm(PmaxSWMMX)
	models["pand"] = xx(Pand)
	models["pand_mmx"] = mm(PandMMX)
	models["pandn"] = xx(PandN)
	models["pandn_mmx"] = mm(PandNMMX)
	models["por"] = xx(Por)
	models["por_mmx"] = mm(PorMMX)
	models["pxor"] = xx(Pxor)
	models["pxor_mmx"] = mm(PxorMMX)
	models["pcmpeqb"] = xx(PcmpeqB)
	models["pcmpeqb_mmx"] = mm(PcmpeqBMMX)
	models["pcmpeqw"] = xx(PcmpeqW)
	models["pcmpeqw_mmx"] = mm(PcmpeqWMMX)
	models["pcmpeqd"] = xx(PcmpeqD)
	models["pcmpeqd_mmx"] = mm(PcmpeqDMMX)
	models["pcmpgtb"] = xx(PcmpgtB)
	models["pcmpgtb_mmx"] = mm(PcmpgtBMMX)
	models["pcmpgtw"] = xx(PcmpgtW)
	models["pcmpgtw_mmx"] = mm(PcmpgtWMMX)
	models["pcmpgtd"] = xx(PcmpgtD)
	models["pcmpgtd_mmx"] = mm(PcmpgtDMMX)
	models["psignb"] = xx(PsignB)
	models["psignb_mmx"] = mm(PsignBMMX)
	models["psignw"] = xx(PsignW)
	models["psignw_mmx"] = mm(PsignWMMX)
	models["psignd"] = xx(PsignD)
	models["psignd_mmx"] = mm(PsignDMMX)
	models["pabsb"] = xx(PabsB)
	models["pabsb_mmx"] = mm(PabsBMMX)
	models["pabsw"] = xx(PabsW)
	models["pabsw_mmx"] = mm(PabsWMMX)
	models["pabsd"] = xx(PabsD)
	models["pabsd_mmx"] = mm(PabsDMMX)
	models["packsswb"] = xx(PacksSWB)
	models["packsswb_mmx"] = mm(PacksSWBMMX)
	models["packssdw"] = xx(PacksSDW)
	models["packssdw_mmx"] = mm(PacksSDWMMX)
	models["packuswb"] = xx(PackUSWB)
	models["packuswb_mmx"] = mm(PackUSWBMMX)
	models["punpcklbw"] = xx(PunpckLBW)
	models["punpcklbw_mmx"] = mm(PunpckLBWMMX)
	models["punpcklwd"] = xx(PunpckLWD)
	models["punpcklwd_mmx"] = mm(PunpckLWDMMX)
	models["punpckldq"] = xx(PunpckLDQ)
	models["punpckldq_mmx"] = mm(PunpckLDQMMX)
	models["punpckhbw"] = xx(PunpckHBW)
	models["punpckhbw_mmx"] = mm(PunpckHBWMMX)
	models["punpckhwd"] = xx(PunpckHWD)
	models["punpckhwd_mmx"] = mm(PunpckHWDMMX)
	models["punpckhdq"] = xx(PunpckHDQ)
	models["punpckhdq_mmx"] = mm(PunpckHDQMMX)
	models["pshufb"] = xx(PshufB)
	models["pshufb_mmx"] = mm(PshufBMMX)
	models["phaddw"] = xx(PhaddW)
	models["phaddw_mmx"] = mm(PhaddWMMX)
	models["phaddd"] = xx(PhaddD)
	models["phaddd_mmx"] = mm(PhaddDMMX)
	models["phaddsw"] = xx(PhaddSW)
	models["phaddsw_mmx"] = mm(PhaddSWMMX)
	models["phsubw"] = xx(PhsubW)
	models["phsubw_mmx"] = mm(PhsubWMMX)
	models["phsubd"] = xx(PhsubD)
	models["phsubd_mmx"] = mm(PhsubDMMX)
	models["phsubsw"] = xx(PhsubSW)
	models["phsubsw_mmx"] = mm(PhsubSWMMX)
	models["pmuldq"] = xx(PmulDQ)
	models["pmulld"] = xx(PmulLD)
	models["pminsb"] = xx(PminSB)
	models["pmaxsb"] = xx(PmaxSB)
	models["pminuw"] = xx(PminUW)
	models["pmaxuw"] = xx(PmaxUW)
	models["pminsd"] = xx(PminSD)
	models["pmaxsd"] = xx(PmaxSD)
	models["pminud"] = xx(PminUD)
	models["pmaxud"] = xx(PmaxUD)
	models["pcmpeqq"] = xx(PcmpeqQ)
	models["pcmpgtq"] = xx(PcmpgtQ)
	models["packusdw"] = xx(PackUSDW)
	models["punpcklqdq"] = xx(PunpckLQDQ)
	models["punpckhqdq"] = xx(PunpckHQDQ)
	models["unpcklps"] = xx(PunpckLDQ)
	models["unpckhps"] = xx(PunpckHDQ)
	models["unpcklpd"] = xx(PunpckLQDQ)
	models["unpckhpd"] = xx(PunpckHQDQ)
	models["pmovsxbw"] = xx(PmovSXBW)
	models["pmovsxbd"] = xx(PmovSXBD)
	models["pmovsxbq"] = xx(PmovSXBQ)
	models["pmovsxwd"] = xx(PmovSXWD)
	models["pmovsxwq"] = xx(PmovSXWQ)
	models["pmovsxdq"] = xx(PmovSXDQ)
	models["pmovzxbw"] = xx(PmovZXBW)
	models["pmovzxbd"] = xx(PmovZXBD)
	models["pmovzxbq"] = xx(PmovZXBQ)
	models["pmovzxwd"] = xx(PmovZXWD)
	models["pmovzxwq"] = xx(PmovZXWQ)
	models["pmovzxdq"] = xx(PmovZXDQ)
	models["phminposuw"] = xx(PhminposUW)
	models["movddup"] = xx(MovDDUP)
	models["movsldup"] = xx(MovSLDUP)
	models["movshdup"] = xx(MovSHDUP)
	models["psllw"] = xx(PsllW)
	models["psllw_mmx"] = mm(PsllWMMX)
	models["psllwi"] = xi(PsllWImm)
	models["psllwi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsllWMMX(d, uint64(imm)) })
	models["psrlw"] = xx(PsrlW)
	models["psrlw_mmx"] = mm(PsrlWMMX)
	models["psrlwi"] = xi(PsrlWImm)
	models["psrlwi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsrlWMMX(d, uint64(imm)) })
	models["psraw"] = xx(PsraW)
	models["psraw_mmx"] = mm(PsraWMMX)
	models["psrawi"] = xi(PsraWImm)
	models["psrawi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsraWMMX(d, uint64(imm)) })
	models["pslld"] = xx(PsllD)
	models["pslld_mmx"] = mm(PsllDMMX)
	models["pslldi"] = xi(PsllDImm)
	models["pslldi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsllDMMX(d, uint64(imm)) })
	models["psrld"] = xx(PsrlD)
	models["psrld_mmx"] = mm(PsrlDMMX)
	models["psrldi"] = xi(PsrlDImm)
	models["psrldi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsrlDMMX(d, uint64(imm)) })
	models["psrad"] = xx(PsraD)
	models["psrad_mmx"] = mm(PsraDMMX)
	models["psradi"] = xi(PsraDImm)
	models["psradi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsraDMMX(d, uint64(imm)) })
	models["psllq"] = xx(PsllQ)
	models["psllq_mmx"] = mm(PsllQMMX)
	models["psllqi"] = xi(PsllQImm)
	models["psllqi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsllQMMX(d, uint64(imm)) })
	models["psrlq"] = xx(PsrlQ)
	models["psrlq_mmx"] = mm(PsrlQMMX)
	models["psrlqi"] = xi(PsrlQImm)
	models["psrlqi_mmx"] = mmi(func(d uint64, imm uint8) uint64 { return PsrlQMMX(d, uint64(imm)) })
	models["psrldq"] = xi(PsrLDQ)
	models["pslldq"] = xi(PslLDQ)
	models["pshufd"] = xxi(PshufD)
	models["pshuflw"] = xxi(PshufLW)
	models["pshufhw"] = xxi(PshufHW)
	models["pshufw_mmx"] = model{run: func(fr *ssehw.Frame, imm uint8) bool {
		d, s := Vec(fr.Dst), Vec(fr.Src)
		d.SetU64(0, PshufW(s.U64(0), imm))
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOutLo | cmpNoMXCSR, operand: opInt}
	models["palignr"] = xxi(PalignR)
	models["palignr_mmx"] = model{run: func(fr *ssehw.Frame, imm uint8) bool {
		d, s := Vec(fr.Dst), Vec(fr.Src)
		d.SetU64(0, PalignRMMX(d.U64(0), s.U64(0), imm))
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOutLo | cmpNoMXCSR, operand: opInt}
	models["mpsadbw"] = xxi(MpsadBW)
	models["pblendw"] = xxi(PblendW)
	models["blendps"] = xxi(BlendPS)
	models["blendpd"] = xxi(BlendPD)
	models["shufps"] = xxi(ShufPS)
	models["shufpd"] = xxi(ShufPD)
	models["insertps"] = xxi(InsertPS)
	blendv := func(fn func(d, s, m *Vec)) model {
		return model{run: func(fr *ssehw.Frame, _ uint8) bool {
			d, s, m := Vec(fr.Dst), Vec(fr.Src), Vec(fr.Mask)
			fn(&d, &s, &m)
			fr.Out, fr.MXCSROut = d, fr.MXCSR
			return false
		}, compare: cmpOut | cmpNoMXCSR, operand: opInt}
	}
	models["pblendvb"] = blendv(PblendVB)
	models["blendvps"] = blendv(BlendVPS)
	models["blendvpd"] = blendv(BlendVPD)
	// Register results: a 32-bit destination clears RAX's upper half.
	toRAX := func(fn func(s *Vec, imm uint8) uint64, mmxSrc bool) model {
		cmp := cmpRAX | cmpNoMXCSR
		return model{run: func(fr *ssehw.Frame, imm uint8) bool {
			s := Vec(fr.Src)
			fr.RAX = fn(&s, imm)
			fr.Out, fr.MXCSROut = fr.Dst, fr.MXCSR
			return false
		}, compare: cmp, operand: opInt}
	}
	models["pmovmskb"] = toRAX(func(s *Vec, _ uint8) uint64 { return uint64(PmovmskB(s)) }, false)
	models["pmovmskb_mmx"] = toRAX(func(s *Vec, _ uint8) uint64 { return uint64(PmovmskBMMX(s.U64(0))) }, true)
	models["movmskps"] = toRAX(func(s *Vec, _ uint8) uint64 { return uint64(MovmskPS(s)) }, false)
	models["movmskpd"] = toRAX(func(s *Vec, _ uint8) uint64 { return uint64(MovmskPD(s)) }, false)
	models["pextrw"] = toRAX(PextrW, false)
	models["pextrw_mmx"] = toRAX(func(s *Vec, imm uint8) uint64 { return PextrWMMX(s.U64(0), imm) }, true)
	models["pextrb"] = toRAX(PextrB, false)
	models["pextrd"] = toRAX(PextrD, false)
	models["extractps"] = toRAX(PextrD, false)
	models["pextrq"] = toRAX(PextrQ, false)
	fromRAX := func(fn func(d *Vec, v uint64, imm uint8)) model {
		return model{run: func(fr *ssehw.Frame, imm uint8) bool {
			d := Vec(fr.Dst)
			fn(&d, fr.RAX, imm)
			fr.Out, fr.MXCSROut = d, fr.MXCSR
			return false
		}, compare: cmpOut | cmpNoMXCSR, operand: opInt}
	}
	models["pinsrw"] = fromRAX(PinsrW)
	models["pinsrb"] = fromRAX(PinsrB)
	models["pinsrd"] = fromRAX(PinsrD)
	models["pinsrq"] = fromRAX(PinsrQ)
	models["pinsrw_mmx"] = model{run: func(fr *ssehw.Frame, imm uint8) bool {
		d := Vec(fr.Dst)
		d.SetU64(0, PinsrWMMX(d.U64(0), fr.RAX, imm))
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOutLo | cmpNoMXCSR, operand: opInt}
	models["ptest"] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
		d, s := Vec(fr.Dst), Vec(fr.Src)
		fr.Flags = Ptest(&d, &s)
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpFlags | cmpNoMXCSR, operand: opInt}
	pop := func(size uint) model {
		return model{run: func(fr *ssehw.Frame, _ uint8) bool {
			v := fr.RCX
			if size < 64 {
				v &= 1<<size - 1
			}
			n, fl := Popcnt(v)
			switch size {
			case 16:
				fr.RAX = fr.RAX&^0xffff | n
			default:
				fr.RAX = n
			}
			fr.Flags = fl
			fr.Out, fr.MXCSROut = fr.Dst, fr.MXCSR
			return false
		}, compare: cmpRAX | cmpFlags | cmpNoMXCSR, operand: opInt}
	}
	models["popcntw"] = pop(16)
	models["popcntd"] = pop(32)
	models["popcntq"] = pop(64)
}

func init() {
	str := func(explicit, index bool) model {
		return model{run: func(fr *ssehw.Frame, imm uint8) bool {
			a, b := Vec(fr.Dst), Vec(fr.Src)
			la, lb := int64(int32(fr.RAX)), int64(int32(fr.RDX))
			out := a
			switch {
			case explicit && index:
				var i uint32
				i, fr.Flags = PcmpEstrI(&a, &b, la, lb, imm)
				fr.RCX = uint64(i)
			case explicit:
				out, fr.Flags = PcmpEstrM(&a, &b, la, lb, imm)
			case index:
				var i uint32
				i, fr.Flags = PcmpIstrI(&a, &b, imm)
				fr.RCX = uint64(i)
			default:
				out, fr.Flags = PcmpIstrM(&a, &b, imm)
			}
			fr.Out, fr.MXCSROut = out, fr.MXCSR
			return false
		}, compare: cmpOut | cmpFlags | cmpRCX | cmpNoMXCSR, operand: opStr8}
	}
	models["pcmpestri"] = str(true, true)
	models["pcmpestrm"] = str(true, false)
	models["pcmpistri"] = str(false, true)
	models["pcmpistrm"] = str(false, false)
	crc := func(size int) model {
		return model{run: func(fr *ssehw.Frame, _ uint8) bool {
			r := uint64(CRC32(uint32(fr.RAX), fr.RCX, size))
			if size == 2 || size == 1 || size == 4 || size == 8 {
				fr.RAX = r
			}
			fr.Out, fr.MXCSROut = fr.Dst, fr.MXCSR
			return false
		}, compare: cmpRAX | cmpNoMXCSR, operand: opInt}
	}
	models["crc32b"] = crc(1)
	models["crc32w"] = crc(2)
	models["crc32d"] = crc(4)
	models["crc32q"] = crc(8)
}

func init() {
	models["dpps"] = model{run: vvi(DpPS), compare: cmpOut, operand: opF32}
	models["dppd"] = model{run: vvi(DpPD), compare: cmpOut, operand: opF64}
}

func init() {
	rcp := func(fn func(d, s *Vec)) model {
		return model{run: func(fr *ssehw.Frame, _ uint8) bool {
			d, s := Vec(fr.Dst), Vec(fr.Src)
			fn(&d, &s)
			fr.Out, fr.MXCSROut = d, fr.MXCSR
			return false
		}, compare: cmpOut, operand: opF32}
	}
	models["rcpps"] = rcp(RcpPS)
	models["rcpss"] = rcp(RcpSS)
	models["rsqrtps"] = rcp(RsqrtPS)
	models["rsqrtss"] = rcp(RsqrtSS)
}
