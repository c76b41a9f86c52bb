// Code generated from a table of SSE and MMX instructions; DO NOT EDIT.

package ssehw

//go:noescape
func op_addps(f *Frame)

//go:noescape
func op_addss(f *Frame)

//go:noescape
func op_addpd(f *Frame)

//go:noescape
func op_addsd(f *Frame)

//go:noescape
func op_mulps(f *Frame)

//go:noescape
func op_mulss(f *Frame)

//go:noescape
func op_mulpd(f *Frame)

//go:noescape
func op_mulsd(f *Frame)

//go:noescape
func op_subps(f *Frame)

//go:noescape
func op_subss(f *Frame)

//go:noescape
func op_subpd(f *Frame)

//go:noescape
func op_subsd(f *Frame)

//go:noescape
func op_minps(f *Frame)

//go:noescape
func op_minss(f *Frame)

//go:noescape
func op_minpd(f *Frame)

//go:noescape
func op_minsd(f *Frame)

//go:noescape
func op_divps(f *Frame)

//go:noescape
func op_divss(f *Frame)

//go:noescape
func op_divpd(f *Frame)

//go:noescape
func op_divsd(f *Frame)

//go:noescape
func op_maxps(f *Frame)

//go:noescape
func op_maxss(f *Frame)

//go:noescape
func op_maxpd(f *Frame)

//go:noescape
func op_maxsd(f *Frame)

//go:noescape
func op_sqrtps(f *Frame)

//go:noescape
func op_sqrtss(f *Frame)

//go:noescape
func op_sqrtpd(f *Frame)

//go:noescape
func op_sqrtsd(f *Frame)

//go:noescape
func op_rcpps(f *Frame)

//go:noescape
func op_rcpss(f *Frame)

//go:noescape
func op_rsqrtps(f *Frame)

//go:noescape
func op_rsqrtss(f *Frame)

//go:noescape
func op_cmpps_0(f *Frame)

//go:noescape
func op_cmpps_1(f *Frame)

//go:noescape
func op_cmpps_2(f *Frame)

//go:noescape
func op_cmpps_3(f *Frame)

//go:noescape
func op_cmpps_4(f *Frame)

//go:noescape
func op_cmpps_5(f *Frame)

//go:noescape
func op_cmpps_6(f *Frame)

//go:noescape
func op_cmpps_7(f *Frame)

//go:noescape
func op_cmpss_0(f *Frame)

//go:noescape
func op_cmpss_1(f *Frame)

//go:noescape
func op_cmpss_2(f *Frame)

//go:noescape
func op_cmpss_3(f *Frame)

//go:noescape
func op_cmpss_4(f *Frame)

//go:noescape
func op_cmpss_5(f *Frame)

//go:noescape
func op_cmpss_6(f *Frame)

//go:noescape
func op_cmpss_7(f *Frame)

//go:noescape
func op_cmppd_0(f *Frame)

//go:noescape
func op_cmppd_1(f *Frame)

//go:noescape
func op_cmppd_2(f *Frame)

//go:noescape
func op_cmppd_3(f *Frame)

//go:noescape
func op_cmppd_4(f *Frame)

//go:noescape
func op_cmppd_5(f *Frame)

//go:noescape
func op_cmppd_6(f *Frame)

//go:noescape
func op_cmppd_7(f *Frame)

//go:noescape
func op_cmpsd_0(f *Frame)

//go:noescape
func op_cmpsd_1(f *Frame)

//go:noescape
func op_cmpsd_2(f *Frame)

//go:noescape
func op_cmpsd_3(f *Frame)

//go:noescape
func op_cmpsd_4(f *Frame)

//go:noescape
func op_cmpsd_5(f *Frame)

//go:noescape
func op_cmpsd_6(f *Frame)

//go:noescape
func op_cmpsd_7(f *Frame)

//go:noescape
func op_comiss(f *Frame)

//go:noescape
func op_comisd(f *Frame)

//go:noescape
func op_ucomiss(f *Frame)

//go:noescape
func op_ucomisd(f *Frame)

//go:noescape
func op_addsubps(f *Frame)

//go:noescape
func op_addsubpd(f *Frame)

//go:noescape
func op_haddps(f *Frame)

//go:noescape
func op_haddpd(f *Frame)

//go:noescape
func op_hsubps(f *Frame)

//go:noescape
func op_hsubpd(f *Frame)

//go:noescape
func op_cvtps2pd(f *Frame)

//go:noescape
func op_cvtpd2ps(f *Frame)

//go:noescape
func op_cvtss2sd(f *Frame)

//go:noescape
func op_cvtsd2ss(f *Frame)

//go:noescape
func op_cvtdq2ps(f *Frame)

//go:noescape
func op_cvtps2dq(f *Frame)

//go:noescape
func op_cvttps2dq(f *Frame)

//go:noescape
func op_cvtdq2pd(f *Frame)

//go:noescape
func op_cvtpd2dq(f *Frame)

//go:noescape
func op_cvttpd2dq(f *Frame)

//go:noescape
func op_cvtsi2ss(f *Frame)

//go:noescape
func op_cvtsi2ssq(f *Frame)

//go:noescape
func op_cvtsi2sd(f *Frame)

//go:noescape
func op_cvtsi2sdq(f *Frame)

//go:noescape
func op_cvtss2si(f *Frame)

//go:noescape
func op_cvtss2siq(f *Frame)

//go:noescape
func op_cvttss2si(f *Frame)

//go:noescape
func op_cvttss2siq(f *Frame)

//go:noescape
func op_cvtsd2si(f *Frame)

//go:noescape
func op_cvtsd2siq(f *Frame)

//go:noescape
func op_cvttsd2si(f *Frame)

//go:noescape
func op_cvttsd2siq(f *Frame)

//go:noescape
func op_cvtpi2ps(f *Frame)

//go:noescape
func op_cvtps2pi(f *Frame)

//go:noescape
func op_cvttps2pi(f *Frame)

//go:noescape
func op_cvtpi2pd(f *Frame)

//go:noescape
func op_cvtpd2pi(f *Frame)

//go:noescape
func op_cvttpd2pi(f *Frame)

//go:noescape
func op_roundps_0(f *Frame)

//go:noescape
func op_roundps_1(f *Frame)

//go:noescape
func op_roundps_2(f *Frame)

//go:noescape
func op_roundps_3(f *Frame)

//go:noescape
func op_roundps_4(f *Frame)

//go:noescape
func op_roundps_5(f *Frame)

//go:noescape
func op_roundps_6(f *Frame)

//go:noescape
func op_roundps_7(f *Frame)

//go:noescape
func op_roundps_8(f *Frame)

//go:noescape
func op_roundps_9(f *Frame)

//go:noescape
func op_roundps_10(f *Frame)

//go:noescape
func op_roundps_11(f *Frame)

//go:noescape
func op_roundps_12(f *Frame)

//go:noescape
func op_roundps_13(f *Frame)

//go:noescape
func op_roundps_14(f *Frame)

//go:noescape
func op_roundps_15(f *Frame)

//go:noescape
func op_roundpd_0(f *Frame)

//go:noescape
func op_roundpd_1(f *Frame)

//go:noescape
func op_roundpd_2(f *Frame)

//go:noescape
func op_roundpd_3(f *Frame)

//go:noescape
func op_roundpd_4(f *Frame)

//go:noescape
func op_roundpd_5(f *Frame)

//go:noescape
func op_roundpd_6(f *Frame)

//go:noescape
func op_roundpd_7(f *Frame)

//go:noescape
func op_roundpd_8(f *Frame)

//go:noescape
func op_roundpd_9(f *Frame)

//go:noescape
func op_roundpd_10(f *Frame)

//go:noescape
func op_roundpd_11(f *Frame)

//go:noescape
func op_roundpd_12(f *Frame)

//go:noescape
func op_roundpd_13(f *Frame)

//go:noescape
func op_roundpd_14(f *Frame)

//go:noescape
func op_roundpd_15(f *Frame)

//go:noescape
func op_roundss_0(f *Frame)

//go:noescape
func op_roundss_1(f *Frame)

//go:noescape
func op_roundss_2(f *Frame)

//go:noescape
func op_roundss_3(f *Frame)

//go:noescape
func op_roundss_4(f *Frame)

//go:noescape
func op_roundss_5(f *Frame)

//go:noescape
func op_roundss_6(f *Frame)

//go:noescape
func op_roundss_7(f *Frame)

//go:noescape
func op_roundss_8(f *Frame)

//go:noescape
func op_roundss_9(f *Frame)

//go:noescape
func op_roundss_10(f *Frame)

//go:noescape
func op_roundss_11(f *Frame)

//go:noescape
func op_roundss_12(f *Frame)

//go:noescape
func op_roundss_13(f *Frame)

//go:noescape
func op_roundss_14(f *Frame)

//go:noescape
func op_roundss_15(f *Frame)

//go:noescape
func op_roundsd_0(f *Frame)

//go:noescape
func op_roundsd_1(f *Frame)

//go:noescape
func op_roundsd_2(f *Frame)

//go:noescape
func op_roundsd_3(f *Frame)

//go:noescape
func op_roundsd_4(f *Frame)

//go:noescape
func op_roundsd_5(f *Frame)

//go:noescape
func op_roundsd_6(f *Frame)

//go:noescape
func op_roundsd_7(f *Frame)

//go:noescape
func op_roundsd_8(f *Frame)

//go:noescape
func op_roundsd_9(f *Frame)

//go:noescape
func op_roundsd_10(f *Frame)

//go:noescape
func op_roundsd_11(f *Frame)

//go:noescape
func op_roundsd_12(f *Frame)

//go:noescape
func op_roundsd_13(f *Frame)

//go:noescape
func op_roundsd_14(f *Frame)

//go:noescape
func op_roundsd_15(f *Frame)

//go:noescape
func op_dpps_0(f *Frame)

//go:noescape
func op_dpps_1(f *Frame)

//go:noescape
func op_dpps_15(f *Frame)

//go:noescape
func op_dpps_19(f *Frame)

//go:noescape
func op_dpps_24(f *Frame)

//go:noescape
func op_dpps_27(f *Frame)

//go:noescape
func op_dpps_29(f *Frame)

//go:noescape
func op_dpps_30(f *Frame)

//go:noescape
func op_dpps_35(f *Frame)

//go:noescape
func op_dpps_37(f *Frame)

//go:noescape
func op_dpps_44(f *Frame)

//go:noescape
func op_dpps_46(f *Frame)

//go:noescape
func op_dpps_48(f *Frame)

//go:noescape
func op_dpps_49(f *Frame)

//go:noescape
func op_dpps_63(f *Frame)

//go:noescape
func op_dpps_77(f *Frame)

//go:noescape
func op_dpps_85(f *Frame)

//go:noescape
func op_dpps_109(f *Frame)

//go:noescape
func op_dpps_123(f *Frame)

//go:noescape
func op_dpps_127(f *Frame)

//go:noescape
func op_dpps_128(f *Frame)

//go:noescape
func op_dpps_165(f *Frame)

//go:noescape
func op_dpps_170(f *Frame)

//go:noescape
func op_dpps_187(f *Frame)

//go:noescape
func op_dpps_202(f *Frame)

//go:noescape
func op_dpps_214(f *Frame)

//go:noescape
func op_dpps_217(f *Frame)

//go:noescape
func op_dpps_222(f *Frame)

//go:noescape
func op_dpps_228(f *Frame)

//go:noescape
func op_dpps_240(f *Frame)

//go:noescape
func op_dpps_241(f *Frame)

//go:noescape
func op_dpps_255(f *Frame)

//go:noescape
func op_dppd_0(f *Frame)

//go:noescape
func op_dppd_1(f *Frame)

//go:noescape
func op_dppd_15(f *Frame)

//go:noescape
func op_dppd_23(f *Frame)

//go:noescape
func op_dppd_25(f *Frame)

//go:noescape
func op_dppd_27(f *Frame)

//go:noescape
func op_dppd_31(f *Frame)

//go:noescape
func op_dppd_49(f *Frame)

//go:noescape
func op_dppd_63(f *Frame)

//go:noescape
func op_dppd_68(f *Frame)

//go:noescape
func op_dppd_73(f *Frame)

//go:noescape
func op_dppd_85(f *Frame)

//go:noescape
func op_dppd_113(f *Frame)

//go:noescape
func op_dppd_114(f *Frame)

//go:noescape
func op_dppd_127(f *Frame)

//go:noescape
func op_dppd_128(f *Frame)

//go:noescape
func op_dppd_148(f *Frame)

//go:noescape
func op_dppd_170(f *Frame)

//go:noescape
func op_dppd_203(f *Frame)

//go:noescape
func op_dppd_214(f *Frame)

//go:noescape
func op_dppd_228(f *Frame)

//go:noescape
func op_dppd_240(f *Frame)

//go:noescape
func op_dppd_241(f *Frame)

//go:noescape
func op_dppd_255(f *Frame)

//go:noescape
func op_insertps_0(f *Frame)

//go:noescape
func op_insertps_1(f *Frame)

//go:noescape
func op_insertps_15(f *Frame)

//go:noescape
func op_insertps_27(f *Frame)

//go:noescape
func op_insertps_30(f *Frame)

//go:noescape
func op_insertps_32(f *Frame)

//go:noescape
func op_insertps_49(f *Frame)

//go:noescape
func op_insertps_52(f *Frame)

//go:noescape
func op_insertps_60(f *Frame)

//go:noescape
func op_insertps_63(f *Frame)

//go:noescape
func op_insertps_85(f *Frame)

//go:noescape
func op_insertps_92(f *Frame)

//go:noescape
func op_insertps_96(f *Frame)

//go:noescape
func op_insertps_105(f *Frame)

//go:noescape
func op_insertps_127(f *Frame)

//go:noescape
func op_insertps_128(f *Frame)

//go:noescape
func op_insertps_157(f *Frame)

//go:noescape
func op_insertps_170(f *Frame)

//go:noescape
func op_insertps_190(f *Frame)

//go:noescape
func op_insertps_228(f *Frame)

//go:noescape
func op_insertps_240(f *Frame)

//go:noescape
func op_insertps_241(f *Frame)

//go:noescape
func op_insertps_254(f *Frame)

//go:noescape
func op_insertps_255(f *Frame)

//go:noescape
func op_extractps_0(f *Frame)

//go:noescape
func op_extractps_1(f *Frame)

//go:noescape
func op_extractps_2(f *Frame)

//go:noescape
func op_extractps_3(f *Frame)

//go:noescape
func op_blendps_0(f *Frame)

//go:noescape
func op_blendps_1(f *Frame)

//go:noescape
func op_blendps_2(f *Frame)

//go:noescape
func op_blendps_3(f *Frame)

//go:noescape
func op_blendps_4(f *Frame)

//go:noescape
func op_blendps_5(f *Frame)

//go:noescape
func op_blendps_6(f *Frame)

//go:noescape
func op_blendps_7(f *Frame)

//go:noescape
func op_blendps_8(f *Frame)

//go:noescape
func op_blendps_9(f *Frame)

//go:noescape
func op_blendps_10(f *Frame)

//go:noescape
func op_blendps_11(f *Frame)

//go:noescape
func op_blendps_12(f *Frame)

//go:noescape
func op_blendps_13(f *Frame)

//go:noescape
func op_blendps_14(f *Frame)

//go:noescape
func op_blendps_15(f *Frame)

//go:noescape
func op_blendpd_0(f *Frame)

//go:noescape
func op_blendpd_1(f *Frame)

//go:noescape
func op_blendpd_2(f *Frame)

//go:noescape
func op_blendpd_3(f *Frame)

//go:noescape
func op_pblendw_0(f *Frame)

//go:noescape
func op_pblendw_1(f *Frame)

//go:noescape
func op_pblendw_15(f *Frame)

//go:noescape
func op_pblendw_27(f *Frame)

//go:noescape
func op_pblendw_49(f *Frame)

//go:noescape
func op_pblendw_63(f *Frame)

//go:noescape
func op_pblendw_85(f *Frame)

//go:noescape
func op_pblendw_127(f *Frame)

//go:noescape
func op_pblendw_128(f *Frame)

//go:noescape
func op_pblendw_160(f *Frame)

//go:noescape
func op_pblendw_170(f *Frame)

//go:noescape
func op_pblendw_218(f *Frame)

//go:noescape
func op_pblendw_228(f *Frame)

//go:noescape
func op_pblendw_240(f *Frame)

//go:noescape
func op_pblendw_241(f *Frame)

//go:noescape
func op_pblendw_255(f *Frame)

//go:noescape
func op_blendvps(f *Frame)

//go:noescape
func op_blendvpd(f *Frame)

//go:noescape
func op_pblendvb(f *Frame)

//go:noescape
func op_shufps_0(f *Frame)

//go:noescape
func op_shufps_1(f *Frame)

//go:noescape
func op_shufps_15(f *Frame)

//go:noescape
func op_shufps_27(f *Frame)

//go:noescape
func op_shufps_49(f *Frame)

//go:noescape
func op_shufps_63(f *Frame)

//go:noescape
func op_shufps_85(f *Frame)

//go:noescape
func op_shufps_127(f *Frame)

//go:noescape
func op_shufps_128(f *Frame)

//go:noescape
func op_shufps_170(f *Frame)

//go:noescape
func op_shufps_228(f *Frame)

//go:noescape
func op_shufps_232(f *Frame)

//go:noescape
func op_shufps_238(f *Frame)

//go:noescape
func op_shufps_240(f *Frame)

//go:noescape
func op_shufps_241(f *Frame)

//go:noescape
func op_shufps_255(f *Frame)

//go:noescape
func op_shufpd_0(f *Frame)

//go:noescape
func op_shufpd_1(f *Frame)

//go:noescape
func op_shufpd_2(f *Frame)

//go:noescape
func op_shufpd_3(f *Frame)

//go:noescape
func op_unpcklps(f *Frame)

//go:noescape
func op_unpckhps(f *Frame)

//go:noescape
func op_unpcklpd(f *Frame)

//go:noescape
func op_unpckhpd(f *Frame)

//go:noescape
func op_movmskps(f *Frame)

//go:noescape
func op_movmskpd(f *Frame)

//go:noescape
func op_movddup(f *Frame)

//go:noescape
func op_movsldup(f *Frame)

//go:noescape
func op_movshdup(f *Frame)

//go:noescape
func op_paddb(f *Frame)

//go:noescape
func op_paddb_mmx(f *Frame)

//go:noescape
func op_paddw(f *Frame)

//go:noescape
func op_paddw_mmx(f *Frame)

//go:noescape
func op_paddd(f *Frame)

//go:noescape
func op_paddd_mmx(f *Frame)

//go:noescape
func op_paddq(f *Frame)

//go:noescape
func op_paddq_mmx(f *Frame)

//go:noescape
func op_psubb(f *Frame)

//go:noescape
func op_psubb_mmx(f *Frame)

//go:noescape
func op_psubw(f *Frame)

//go:noescape
func op_psubw_mmx(f *Frame)

//go:noescape
func op_psubd(f *Frame)

//go:noescape
func op_psubd_mmx(f *Frame)

//go:noescape
func op_psubq(f *Frame)

//go:noescape
func op_psubq_mmx(f *Frame)

//go:noescape
func op_paddsb(f *Frame)

//go:noescape
func op_paddsb_mmx(f *Frame)

//go:noescape
func op_paddsw(f *Frame)

//go:noescape
func op_paddsw_mmx(f *Frame)

//go:noescape
func op_paddusb(f *Frame)

//go:noescape
func op_paddusb_mmx(f *Frame)

//go:noescape
func op_paddusw(f *Frame)

//go:noescape
func op_paddusw_mmx(f *Frame)

//go:noescape
func op_psubsb(f *Frame)

//go:noescape
func op_psubsb_mmx(f *Frame)

//go:noescape
func op_psubsw(f *Frame)

//go:noescape
func op_psubsw_mmx(f *Frame)

//go:noescape
func op_psubusb(f *Frame)

//go:noescape
func op_psubusb_mmx(f *Frame)

//go:noescape
func op_psubusw(f *Frame)

//go:noescape
func op_psubusw_mmx(f *Frame)

//go:noescape
func op_pmullw(f *Frame)

//go:noescape
func op_pmullw_mmx(f *Frame)

//go:noescape
func op_pmulhw(f *Frame)

//go:noescape
func op_pmulhw_mmx(f *Frame)

//go:noescape
func op_pmulhuw(f *Frame)

//go:noescape
func op_pmulhuw_mmx(f *Frame)

//go:noescape
func op_pmuludq(f *Frame)

//go:noescape
func op_pmuludq_mmx(f *Frame)

//go:noescape
func op_pmaddwd(f *Frame)

//go:noescape
func op_pmaddwd_mmx(f *Frame)

//go:noescape
func op_psadbw(f *Frame)

//go:noescape
func op_psadbw_mmx(f *Frame)

//go:noescape
func op_pavgb(f *Frame)

//go:noescape
func op_pavgb_mmx(f *Frame)

//go:noescape
func op_pavgw(f *Frame)

//go:noescape
func op_pavgw_mmx(f *Frame)

//go:noescape
func op_pminub(f *Frame)

//go:noescape
func op_pminub_mmx(f *Frame)

//go:noescape
func op_pmaxub(f *Frame)

//go:noescape
func op_pmaxub_mmx(f *Frame)

//go:noescape
func op_pminsw(f *Frame)

//go:noescape
func op_pminsw_mmx(f *Frame)

//go:noescape
func op_pmaxsw(f *Frame)

//go:noescape
func op_pmaxsw_mmx(f *Frame)

//go:noescape
func op_pand(f *Frame)

//go:noescape
func op_pand_mmx(f *Frame)

//go:noescape
func op_pandn(f *Frame)

//go:noescape
func op_pandn_mmx(f *Frame)

//go:noescape
func op_por(f *Frame)

//go:noescape
func op_por_mmx(f *Frame)

//go:noescape
func op_pxor(f *Frame)

//go:noescape
func op_pxor_mmx(f *Frame)

//go:noescape
func op_pcmpeqb(f *Frame)

//go:noescape
func op_pcmpeqb_mmx(f *Frame)

//go:noescape
func op_pcmpeqw(f *Frame)

//go:noescape
func op_pcmpeqw_mmx(f *Frame)

//go:noescape
func op_pcmpeqd(f *Frame)

//go:noescape
func op_pcmpeqd_mmx(f *Frame)

//go:noescape
func op_pcmpgtb(f *Frame)

//go:noescape
func op_pcmpgtb_mmx(f *Frame)

//go:noescape
func op_pcmpgtw(f *Frame)

//go:noescape
func op_pcmpgtw_mmx(f *Frame)

//go:noescape
func op_pcmpgtd(f *Frame)

//go:noescape
func op_pcmpgtd_mmx(f *Frame)

//go:noescape
func op_packsswb(f *Frame)

//go:noescape
func op_packsswb_mmx(f *Frame)

//go:noescape
func op_packssdw(f *Frame)

//go:noescape
func op_packssdw_mmx(f *Frame)

//go:noescape
func op_packuswb(f *Frame)

//go:noescape
func op_packuswb_mmx(f *Frame)

//go:noescape
func op_punpcklbw(f *Frame)

//go:noescape
func op_punpcklbw_mmx(f *Frame)

//go:noescape
func op_punpcklwd(f *Frame)

//go:noescape
func op_punpcklwd_mmx(f *Frame)

//go:noescape
func op_punpckldq(f *Frame)

//go:noescape
func op_punpckldq_mmx(f *Frame)

//go:noescape
func op_punpckhbw(f *Frame)

//go:noescape
func op_punpckhbw_mmx(f *Frame)

//go:noescape
func op_punpckhwd(f *Frame)

//go:noescape
func op_punpckhwd_mmx(f *Frame)

//go:noescape
func op_punpckhdq(f *Frame)

//go:noescape
func op_punpckhdq_mmx(f *Frame)

//go:noescape
func op_psrlw(f *Frame)

//go:noescape
func op_psrlw_mmx(f *Frame)

//go:noescape
func op_psrld(f *Frame)

//go:noescape
func op_psrld_mmx(f *Frame)

//go:noescape
func op_psrlq(f *Frame)

//go:noescape
func op_psrlq_mmx(f *Frame)

//go:noescape
func op_psraw(f *Frame)

//go:noescape
func op_psraw_mmx(f *Frame)

//go:noescape
func op_psrad(f *Frame)

//go:noescape
func op_psrad_mmx(f *Frame)

//go:noescape
func op_psllw(f *Frame)

//go:noescape
func op_psllw_mmx(f *Frame)

//go:noescape
func op_pslld(f *Frame)

//go:noescape
func op_pslld_mmx(f *Frame)

//go:noescape
func op_psllq(f *Frame)

//go:noescape
func op_psllq_mmx(f *Frame)

//go:noescape
func op_pshufb(f *Frame)

//go:noescape
func op_pshufb_mmx(f *Frame)

//go:noescape
func op_phaddw(f *Frame)

//go:noescape
func op_phaddw_mmx(f *Frame)

//go:noescape
func op_phaddd(f *Frame)

//go:noescape
func op_phaddd_mmx(f *Frame)

//go:noescape
func op_phaddsw(f *Frame)

//go:noescape
func op_phaddsw_mmx(f *Frame)

//go:noescape
func op_pmaddubsw(f *Frame)

//go:noescape
func op_pmaddubsw_mmx(f *Frame)

//go:noescape
func op_phsubw(f *Frame)

//go:noescape
func op_phsubw_mmx(f *Frame)

//go:noescape
func op_phsubd(f *Frame)

//go:noescape
func op_phsubd_mmx(f *Frame)

//go:noescape
func op_phsubsw(f *Frame)

//go:noescape
func op_phsubsw_mmx(f *Frame)

//go:noescape
func op_psignb(f *Frame)

//go:noescape
func op_psignb_mmx(f *Frame)

//go:noescape
func op_psignw(f *Frame)

//go:noescape
func op_psignw_mmx(f *Frame)

//go:noescape
func op_psignd(f *Frame)

//go:noescape
func op_psignd_mmx(f *Frame)

//go:noescape
func op_pmulhrsw(f *Frame)

//go:noescape
func op_pmulhrsw_mmx(f *Frame)

//go:noescape
func op_pabsb(f *Frame)

//go:noescape
func op_pabsb_mmx(f *Frame)

//go:noescape
func op_pabsw(f *Frame)

//go:noescape
func op_pabsw_mmx(f *Frame)

//go:noescape
func op_pabsd(f *Frame)

//go:noescape
func op_pabsd_mmx(f *Frame)

//go:noescape
func op_pmovmskb(f *Frame)

//go:noescape
func op_pmovmskb_mmx(f *Frame)

//go:noescape
func op_psrlwi_0(f *Frame)

//go:noescape
func op_psrlwi_1(f *Frame)

//go:noescape
func op_psrlwi_3(f *Frame)

//go:noescape
func op_psrlwi_7(f *Frame)

//go:noescape
func op_psrlwi_8(f *Frame)

//go:noescape
func op_psrlwi_15(f *Frame)

//go:noescape
func op_psrlwi_16(f *Frame)

//go:noescape
func op_psrlwi_31(f *Frame)

//go:noescape
func op_psrlwi_32(f *Frame)

//go:noescape
func op_psrlwi_33(f *Frame)

//go:noescape
func op_psrlwi_63(f *Frame)

//go:noescape
func op_psrlwi_64(f *Frame)

//go:noescape
func op_psrlwi_255(f *Frame)

//go:noescape
func op_psrlwi_mmx_0(f *Frame)

//go:noescape
func op_psrlwi_mmx_1(f *Frame)

//go:noescape
func op_psrlwi_mmx_3(f *Frame)

//go:noescape
func op_psrlwi_mmx_7(f *Frame)

//go:noescape
func op_psrlwi_mmx_8(f *Frame)

//go:noescape
func op_psrlwi_mmx_15(f *Frame)

//go:noescape
func op_psrlwi_mmx_16(f *Frame)

//go:noescape
func op_psrlwi_mmx_31(f *Frame)

//go:noescape
func op_psrlwi_mmx_32(f *Frame)

//go:noescape
func op_psrlwi_mmx_33(f *Frame)

//go:noescape
func op_psrlwi_mmx_63(f *Frame)

//go:noescape
func op_psrlwi_mmx_64(f *Frame)

//go:noescape
func op_psrlwi_mmx_255(f *Frame)

//go:noescape
func op_psrawi_0(f *Frame)

//go:noescape
func op_psrawi_1(f *Frame)

//go:noescape
func op_psrawi_3(f *Frame)

//go:noescape
func op_psrawi_7(f *Frame)

//go:noescape
func op_psrawi_8(f *Frame)

//go:noescape
func op_psrawi_15(f *Frame)

//go:noescape
func op_psrawi_16(f *Frame)

//go:noescape
func op_psrawi_31(f *Frame)

//go:noescape
func op_psrawi_32(f *Frame)

//go:noescape
func op_psrawi_33(f *Frame)

//go:noescape
func op_psrawi_63(f *Frame)

//go:noescape
func op_psrawi_64(f *Frame)

//go:noescape
func op_psrawi_255(f *Frame)

//go:noescape
func op_psrawi_mmx_0(f *Frame)

//go:noescape
func op_psrawi_mmx_1(f *Frame)

//go:noescape
func op_psrawi_mmx_3(f *Frame)

//go:noescape
func op_psrawi_mmx_7(f *Frame)

//go:noescape
func op_psrawi_mmx_8(f *Frame)

//go:noescape
func op_psrawi_mmx_15(f *Frame)

//go:noescape
func op_psrawi_mmx_16(f *Frame)

//go:noescape
func op_psrawi_mmx_31(f *Frame)

//go:noescape
func op_psrawi_mmx_32(f *Frame)

//go:noescape
func op_psrawi_mmx_33(f *Frame)

//go:noescape
func op_psrawi_mmx_63(f *Frame)

//go:noescape
func op_psrawi_mmx_64(f *Frame)

//go:noescape
func op_psrawi_mmx_255(f *Frame)

//go:noescape
func op_psllwi_0(f *Frame)

//go:noescape
func op_psllwi_1(f *Frame)

//go:noescape
func op_psllwi_3(f *Frame)

//go:noescape
func op_psllwi_7(f *Frame)

//go:noescape
func op_psllwi_8(f *Frame)

//go:noescape
func op_psllwi_15(f *Frame)

//go:noescape
func op_psllwi_16(f *Frame)

//go:noescape
func op_psllwi_31(f *Frame)

//go:noescape
func op_psllwi_32(f *Frame)

//go:noescape
func op_psllwi_33(f *Frame)

//go:noescape
func op_psllwi_63(f *Frame)

//go:noescape
func op_psllwi_64(f *Frame)

//go:noescape
func op_psllwi_255(f *Frame)

//go:noescape
func op_psllwi_mmx_0(f *Frame)

//go:noescape
func op_psllwi_mmx_1(f *Frame)

//go:noescape
func op_psllwi_mmx_3(f *Frame)

//go:noescape
func op_psllwi_mmx_7(f *Frame)

//go:noescape
func op_psllwi_mmx_8(f *Frame)

//go:noescape
func op_psllwi_mmx_15(f *Frame)

//go:noescape
func op_psllwi_mmx_16(f *Frame)

//go:noescape
func op_psllwi_mmx_31(f *Frame)

//go:noescape
func op_psllwi_mmx_32(f *Frame)

//go:noescape
func op_psllwi_mmx_33(f *Frame)

//go:noescape
func op_psllwi_mmx_63(f *Frame)

//go:noescape
func op_psllwi_mmx_64(f *Frame)

//go:noescape
func op_psllwi_mmx_255(f *Frame)

//go:noescape
func op_psrldi_0(f *Frame)

//go:noescape
func op_psrldi_1(f *Frame)

//go:noescape
func op_psrldi_3(f *Frame)

//go:noescape
func op_psrldi_7(f *Frame)

//go:noescape
func op_psrldi_8(f *Frame)

//go:noescape
func op_psrldi_15(f *Frame)

//go:noescape
func op_psrldi_16(f *Frame)

//go:noescape
func op_psrldi_31(f *Frame)

//go:noescape
func op_psrldi_32(f *Frame)

//go:noescape
func op_psrldi_33(f *Frame)

//go:noescape
func op_psrldi_63(f *Frame)

//go:noescape
func op_psrldi_64(f *Frame)

//go:noescape
func op_psrldi_255(f *Frame)

//go:noescape
func op_psrldi_mmx_0(f *Frame)

//go:noescape
func op_psrldi_mmx_1(f *Frame)

//go:noescape
func op_psrldi_mmx_3(f *Frame)

//go:noescape
func op_psrldi_mmx_7(f *Frame)

//go:noescape
func op_psrldi_mmx_8(f *Frame)

//go:noescape
func op_psrldi_mmx_15(f *Frame)

//go:noescape
func op_psrldi_mmx_16(f *Frame)

//go:noescape
func op_psrldi_mmx_31(f *Frame)

//go:noescape
func op_psrldi_mmx_32(f *Frame)

//go:noescape
func op_psrldi_mmx_33(f *Frame)

//go:noescape
func op_psrldi_mmx_63(f *Frame)

//go:noescape
func op_psrldi_mmx_64(f *Frame)

//go:noescape
func op_psrldi_mmx_255(f *Frame)

//go:noescape
func op_psradi_0(f *Frame)

//go:noescape
func op_psradi_1(f *Frame)

//go:noescape
func op_psradi_3(f *Frame)

//go:noescape
func op_psradi_7(f *Frame)

//go:noescape
func op_psradi_8(f *Frame)

//go:noescape
func op_psradi_15(f *Frame)

//go:noescape
func op_psradi_16(f *Frame)

//go:noescape
func op_psradi_31(f *Frame)

//go:noescape
func op_psradi_32(f *Frame)

//go:noescape
func op_psradi_33(f *Frame)

//go:noescape
func op_psradi_63(f *Frame)

//go:noescape
func op_psradi_64(f *Frame)

//go:noescape
func op_psradi_255(f *Frame)

//go:noescape
func op_psradi_mmx_0(f *Frame)

//go:noescape
func op_psradi_mmx_1(f *Frame)

//go:noescape
func op_psradi_mmx_3(f *Frame)

//go:noescape
func op_psradi_mmx_7(f *Frame)

//go:noescape
func op_psradi_mmx_8(f *Frame)

//go:noescape
func op_psradi_mmx_15(f *Frame)

//go:noescape
func op_psradi_mmx_16(f *Frame)

//go:noescape
func op_psradi_mmx_31(f *Frame)

//go:noescape
func op_psradi_mmx_32(f *Frame)

//go:noescape
func op_psradi_mmx_33(f *Frame)

//go:noescape
func op_psradi_mmx_63(f *Frame)

//go:noescape
func op_psradi_mmx_64(f *Frame)

//go:noescape
func op_psradi_mmx_255(f *Frame)

//go:noescape
func op_pslldi_0(f *Frame)

//go:noescape
func op_pslldi_1(f *Frame)

//go:noescape
func op_pslldi_3(f *Frame)

//go:noescape
func op_pslldi_7(f *Frame)

//go:noescape
func op_pslldi_8(f *Frame)

//go:noescape
func op_pslldi_15(f *Frame)

//go:noescape
func op_pslldi_16(f *Frame)

//go:noescape
func op_pslldi_31(f *Frame)

//go:noescape
func op_pslldi_32(f *Frame)

//go:noescape
func op_pslldi_33(f *Frame)

//go:noescape
func op_pslldi_63(f *Frame)

//go:noescape
func op_pslldi_64(f *Frame)

//go:noescape
func op_pslldi_255(f *Frame)

//go:noescape
func op_pslldi_mmx_0(f *Frame)

//go:noescape
func op_pslldi_mmx_1(f *Frame)

//go:noescape
func op_pslldi_mmx_3(f *Frame)

//go:noescape
func op_pslldi_mmx_7(f *Frame)

//go:noescape
func op_pslldi_mmx_8(f *Frame)

//go:noescape
func op_pslldi_mmx_15(f *Frame)

//go:noescape
func op_pslldi_mmx_16(f *Frame)

//go:noescape
func op_pslldi_mmx_31(f *Frame)

//go:noescape
func op_pslldi_mmx_32(f *Frame)

//go:noescape
func op_pslldi_mmx_33(f *Frame)

//go:noescape
func op_pslldi_mmx_63(f *Frame)

//go:noescape
func op_pslldi_mmx_64(f *Frame)

//go:noescape
func op_pslldi_mmx_255(f *Frame)

//go:noescape
func op_psrlqi_0(f *Frame)

//go:noescape
func op_psrlqi_1(f *Frame)

//go:noescape
func op_psrlqi_3(f *Frame)

//go:noescape
func op_psrlqi_7(f *Frame)

//go:noescape
func op_psrlqi_8(f *Frame)

//go:noescape
func op_psrlqi_15(f *Frame)

//go:noescape
func op_psrlqi_16(f *Frame)

//go:noescape
func op_psrlqi_31(f *Frame)

//go:noescape
func op_psrlqi_32(f *Frame)

//go:noescape
func op_psrlqi_33(f *Frame)

//go:noescape
func op_psrlqi_63(f *Frame)

//go:noescape
func op_psrlqi_64(f *Frame)

//go:noescape
func op_psrlqi_255(f *Frame)

//go:noescape
func op_psrlqi_mmx_0(f *Frame)

//go:noescape
func op_psrlqi_mmx_1(f *Frame)

//go:noescape
func op_psrlqi_mmx_3(f *Frame)

//go:noescape
func op_psrlqi_mmx_7(f *Frame)

//go:noescape
func op_psrlqi_mmx_8(f *Frame)

//go:noescape
func op_psrlqi_mmx_15(f *Frame)

//go:noescape
func op_psrlqi_mmx_16(f *Frame)

//go:noescape
func op_psrlqi_mmx_31(f *Frame)

//go:noescape
func op_psrlqi_mmx_32(f *Frame)

//go:noescape
func op_psrlqi_mmx_33(f *Frame)

//go:noescape
func op_psrlqi_mmx_63(f *Frame)

//go:noescape
func op_psrlqi_mmx_64(f *Frame)

//go:noescape
func op_psrlqi_mmx_255(f *Frame)

//go:noescape
func op_psllqi_0(f *Frame)

//go:noescape
func op_psllqi_1(f *Frame)

//go:noescape
func op_psllqi_3(f *Frame)

//go:noescape
func op_psllqi_7(f *Frame)

//go:noescape
func op_psllqi_8(f *Frame)

//go:noescape
func op_psllqi_15(f *Frame)

//go:noescape
func op_psllqi_16(f *Frame)

//go:noescape
func op_psllqi_31(f *Frame)

//go:noescape
func op_psllqi_32(f *Frame)

//go:noescape
func op_psllqi_33(f *Frame)

//go:noescape
func op_psllqi_63(f *Frame)

//go:noescape
func op_psllqi_64(f *Frame)

//go:noescape
func op_psllqi_255(f *Frame)

//go:noescape
func op_psllqi_mmx_0(f *Frame)

//go:noescape
func op_psllqi_mmx_1(f *Frame)

//go:noescape
func op_psllqi_mmx_3(f *Frame)

//go:noescape
func op_psllqi_mmx_7(f *Frame)

//go:noescape
func op_psllqi_mmx_8(f *Frame)

//go:noescape
func op_psllqi_mmx_15(f *Frame)

//go:noescape
func op_psllqi_mmx_16(f *Frame)

//go:noescape
func op_psllqi_mmx_31(f *Frame)

//go:noescape
func op_psllqi_mmx_32(f *Frame)

//go:noescape
func op_psllqi_mmx_33(f *Frame)

//go:noescape
func op_psllqi_mmx_63(f *Frame)

//go:noescape
func op_psllqi_mmx_64(f *Frame)

//go:noescape
func op_psllqi_mmx_255(f *Frame)

//go:noescape
func op_psrldq_0(f *Frame)

//go:noescape
func op_psrldq_1(f *Frame)

//go:noescape
func op_psrldq_5(f *Frame)

//go:noescape
func op_psrldq_8(f *Frame)

//go:noescape
func op_psrldq_15(f *Frame)

//go:noescape
func op_psrldq_16(f *Frame)

//go:noescape
func op_psrldq_17(f *Frame)

//go:noescape
func op_psrldq_255(f *Frame)

//go:noescape
func op_pslldq_0(f *Frame)

//go:noescape
func op_pslldq_1(f *Frame)

//go:noescape
func op_pslldq_5(f *Frame)

//go:noescape
func op_pslldq_8(f *Frame)

//go:noescape
func op_pslldq_15(f *Frame)

//go:noescape
func op_pslldq_16(f *Frame)

//go:noescape
func op_pslldq_17(f *Frame)

//go:noescape
func op_pslldq_255(f *Frame)

//go:noescape
func op_punpcklqdq(f *Frame)

//go:noescape
func op_punpckhqdq(f *Frame)

//go:noescape
func op_pshufd_0(f *Frame)

//go:noescape
func op_pshufd_1(f *Frame)

//go:noescape
func op_pshufd_15(f *Frame)

//go:noescape
func op_pshufd_27(f *Frame)

//go:noescape
func op_pshufd_49(f *Frame)

//go:noescape
func op_pshufd_63(f *Frame)

//go:noescape
func op_pshufd_85(f *Frame)

//go:noescape
func op_pshufd_127(f *Frame)

//go:noescape
func op_pshufd_128(f *Frame)

//go:noescape
func op_pshufd_153(f *Frame)

//go:noescape
func op_pshufd_170(f *Frame)

//go:noescape
func op_pshufd_185(f *Frame)

//go:noescape
func op_pshufd_228(f *Frame)

//go:noescape
func op_pshufd_240(f *Frame)

//go:noescape
func op_pshufd_241(f *Frame)

//go:noescape
func op_pshufd_255(f *Frame)

//go:noescape
func op_pshuflw_0(f *Frame)

//go:noescape
func op_pshuflw_1(f *Frame)

//go:noescape
func op_pshuflw_15(f *Frame)

//go:noescape
func op_pshuflw_27(f *Frame)

//go:noescape
func op_pshuflw_49(f *Frame)

//go:noescape
func op_pshuflw_63(f *Frame)

//go:noescape
func op_pshuflw_85(f *Frame)

//go:noescape
func op_pshuflw_92(f *Frame)

//go:noescape
func op_pshuflw_124(f *Frame)

//go:noescape
func op_pshuflw_127(f *Frame)

//go:noescape
func op_pshuflw_128(f *Frame)

//go:noescape
func op_pshuflw_170(f *Frame)

//go:noescape
func op_pshuflw_228(f *Frame)

//go:noescape
func op_pshuflw_240(f *Frame)

//go:noescape
func op_pshuflw_241(f *Frame)

//go:noescape
func op_pshuflw_255(f *Frame)

//go:noescape
func op_pshufhw_0(f *Frame)

//go:noescape
func op_pshufhw_1(f *Frame)

//go:noescape
func op_pshufhw_15(f *Frame)

//go:noescape
func op_pshufhw_27(f *Frame)

//go:noescape
func op_pshufhw_41(f *Frame)

//go:noescape
func op_pshufhw_49(f *Frame)

//go:noescape
func op_pshufhw_63(f *Frame)

//go:noescape
func op_pshufhw_85(f *Frame)

//go:noescape
func op_pshufhw_127(f *Frame)

//go:noescape
func op_pshufhw_128(f *Frame)

//go:noescape
func op_pshufhw_153(f *Frame)

//go:noescape
func op_pshufhw_170(f *Frame)

//go:noescape
func op_pshufhw_228(f *Frame)

//go:noescape
func op_pshufhw_240(f *Frame)

//go:noescape
func op_pshufhw_241(f *Frame)

//go:noescape
func op_pshufhw_255(f *Frame)

//go:noescape
func op_pshufw_mmx_0(f *Frame)

//go:noescape
func op_pshufw_mmx_1(f *Frame)

//go:noescape
func op_pshufw_mmx_15(f *Frame)

//go:noescape
func op_pshufw_mmx_27(f *Frame)

//go:noescape
func op_pshufw_mmx_49(f *Frame)

//go:noescape
func op_pshufw_mmx_63(f *Frame)

//go:noescape
func op_pshufw_mmx_85(f *Frame)

//go:noescape
func op_pshufw_mmx_127(f *Frame)

//go:noescape
func op_pshufw_mmx_128(f *Frame)

//go:noescape
func op_pshufw_mmx_170(f *Frame)

//go:noescape
func op_pshufw_mmx_175(f *Frame)

//go:noescape
func op_pshufw_mmx_228(f *Frame)

//go:noescape
func op_pshufw_mmx_240(f *Frame)

//go:noescape
func op_pshufw_mmx_241(f *Frame)

//go:noescape
func op_pshufw_mmx_253(f *Frame)

//go:noescape
func op_pshufw_mmx_255(f *Frame)

//go:noescape
func op_pextrw_0(f *Frame)

//go:noescape
func op_pextrw_1(f *Frame)

//go:noescape
func op_pextrw_2(f *Frame)

//go:noescape
func op_pextrw_3(f *Frame)

//go:noescape
func op_pextrw_4(f *Frame)

//go:noescape
func op_pextrw_5(f *Frame)

//go:noescape
func op_pextrw_6(f *Frame)

//go:noescape
func op_pextrw_7(f *Frame)

//go:noescape
func op_pinsrw_0(f *Frame)

//go:noescape
func op_pinsrw_1(f *Frame)

//go:noescape
func op_pinsrw_2(f *Frame)

//go:noescape
func op_pinsrw_3(f *Frame)

//go:noescape
func op_pinsrw_4(f *Frame)

//go:noescape
func op_pinsrw_5(f *Frame)

//go:noescape
func op_pinsrw_6(f *Frame)

//go:noescape
func op_pinsrw_7(f *Frame)

//go:noescape
func op_pextrw_mmx_0(f *Frame)

//go:noescape
func op_pextrw_mmx_1(f *Frame)

//go:noescape
func op_pextrw_mmx_2(f *Frame)

//go:noescape
func op_pextrw_mmx_3(f *Frame)

//go:noescape
func op_pinsrw_mmx_0(f *Frame)

//go:noescape
func op_pinsrw_mmx_1(f *Frame)

//go:noescape
func op_pinsrw_mmx_2(f *Frame)

//go:noescape
func op_pinsrw_mmx_3(f *Frame)

//go:noescape
func op_palignr_0(f *Frame)

//go:noescape
func op_palignr_1(f *Frame)

//go:noescape
func op_palignr_4(f *Frame)

//go:noescape
func op_palignr_8(f *Frame)

//go:noescape
func op_palignr_15(f *Frame)

//go:noescape
func op_palignr_16(f *Frame)

//go:noescape
func op_palignr_17(f *Frame)

//go:noescape
func op_palignr_24(f *Frame)

//go:noescape
func op_palignr_31(f *Frame)

//go:noescape
func op_palignr_32(f *Frame)

//go:noescape
func op_palignr_33(f *Frame)

//go:noescape
func op_palignr_255(f *Frame)

//go:noescape
func op_palignr_mmx_0(f *Frame)

//go:noescape
func op_palignr_mmx_1(f *Frame)

//go:noescape
func op_palignr_mmx_4(f *Frame)

//go:noescape
func op_palignr_mmx_7(f *Frame)

//go:noescape
func op_palignr_mmx_8(f *Frame)

//go:noescape
func op_palignr_mmx_9(f *Frame)

//go:noescape
func op_palignr_mmx_15(f *Frame)

//go:noescape
func op_palignr_mmx_16(f *Frame)

//go:noescape
func op_palignr_mmx_17(f *Frame)

//go:noescape
func op_palignr_mmx_255(f *Frame)

//go:noescape
func op_ptest(f *Frame)

//go:noescape
func op_pmovsxbw(f *Frame)

//go:noescape
func op_pmovsxbd(f *Frame)

//go:noescape
func op_pmovsxbq(f *Frame)

//go:noescape
func op_pmovsxwd(f *Frame)

//go:noescape
func op_pmovsxwq(f *Frame)

//go:noescape
func op_pmovsxdq(f *Frame)

//go:noescape
func op_pmuldq(f *Frame)

//go:noescape
func op_pcmpeqq(f *Frame)

//go:noescape
func op_packusdw(f *Frame)

//go:noescape
func op_pmovzxbw(f *Frame)

//go:noescape
func op_pmovzxbd(f *Frame)

//go:noescape
func op_pmovzxbq(f *Frame)

//go:noescape
func op_pmovzxwd(f *Frame)

//go:noescape
func op_pmovzxwq(f *Frame)

//go:noescape
func op_pmovzxdq(f *Frame)

//go:noescape
func op_pcmpgtq(f *Frame)

//go:noescape
func op_pminsb(f *Frame)

//go:noescape
func op_pminsd(f *Frame)

//go:noescape
func op_pminuw(f *Frame)

//go:noescape
func op_pminud(f *Frame)

//go:noescape
func op_pmaxsb(f *Frame)

//go:noescape
func op_pmaxsd(f *Frame)

//go:noescape
func op_pmaxuw(f *Frame)

//go:noescape
func op_pmaxud(f *Frame)

//go:noescape
func op_pmulld(f *Frame)

//go:noescape
func op_phminposuw(f *Frame)

//go:noescape
func op_pextrb_0(f *Frame)

//go:noescape
func op_pextrb_1(f *Frame)

//go:noescape
func op_pextrb_2(f *Frame)

//go:noescape
func op_pextrb_3(f *Frame)

//go:noescape
func op_pextrb_4(f *Frame)

//go:noescape
func op_pextrb_5(f *Frame)

//go:noescape
func op_pextrb_6(f *Frame)

//go:noescape
func op_pextrb_7(f *Frame)

//go:noescape
func op_pextrb_8(f *Frame)

//go:noescape
func op_pextrb_9(f *Frame)

//go:noescape
func op_pextrb_10(f *Frame)

//go:noescape
func op_pextrb_11(f *Frame)

//go:noescape
func op_pextrb_12(f *Frame)

//go:noescape
func op_pextrb_13(f *Frame)

//go:noescape
func op_pextrb_14(f *Frame)

//go:noescape
func op_pextrb_15(f *Frame)

//go:noescape
func op_pextrd_0(f *Frame)

//go:noescape
func op_pextrd_1(f *Frame)

//go:noescape
func op_pextrd_2(f *Frame)

//go:noescape
func op_pextrd_3(f *Frame)

//go:noescape
func op_pextrq_0(f *Frame)

//go:noescape
func op_pextrq_1(f *Frame)

//go:noescape
func op_pinsrb_0(f *Frame)

//go:noescape
func op_pinsrb_1(f *Frame)

//go:noescape
func op_pinsrb_2(f *Frame)

//go:noescape
func op_pinsrb_3(f *Frame)

//go:noescape
func op_pinsrb_4(f *Frame)

//go:noescape
func op_pinsrb_5(f *Frame)

//go:noescape
func op_pinsrb_6(f *Frame)

//go:noescape
func op_pinsrb_7(f *Frame)

//go:noescape
func op_pinsrb_8(f *Frame)

//go:noescape
func op_pinsrb_9(f *Frame)

//go:noescape
func op_pinsrb_10(f *Frame)

//go:noescape
func op_pinsrb_11(f *Frame)

//go:noescape
func op_pinsrb_12(f *Frame)

//go:noescape
func op_pinsrb_13(f *Frame)

//go:noescape
func op_pinsrb_14(f *Frame)

//go:noescape
func op_pinsrb_15(f *Frame)

//go:noescape
func op_pinsrd_0(f *Frame)

//go:noescape
func op_pinsrd_1(f *Frame)

//go:noescape
func op_pinsrd_2(f *Frame)

//go:noescape
func op_pinsrd_3(f *Frame)

//go:noescape
func op_pinsrq_0(f *Frame)

//go:noescape
func op_pinsrq_1(f *Frame)

//go:noescape
func op_mpsadbw_0(f *Frame)

//go:noescape
func op_mpsadbw_1(f *Frame)

//go:noescape
func op_mpsadbw_2(f *Frame)

//go:noescape
func op_mpsadbw_3(f *Frame)

//go:noescape
func op_mpsadbw_4(f *Frame)

//go:noescape
func op_mpsadbw_5(f *Frame)

//go:noescape
func op_mpsadbw_6(f *Frame)

//go:noescape
func op_mpsadbw_7(f *Frame)

//go:noescape
func op_pcmpestrm_0(f *Frame)

//go:noescape
func op_pcmpestrm_1(f *Frame)

//go:noescape
func op_pcmpestrm_2(f *Frame)

//go:noescape
func op_pcmpestrm_3(f *Frame)

//go:noescape
func op_pcmpestrm_4(f *Frame)

//go:noescape
func op_pcmpestrm_5(f *Frame)

//go:noescape
func op_pcmpestrm_6(f *Frame)

//go:noescape
func op_pcmpestrm_7(f *Frame)

//go:noescape
func op_pcmpestrm_8(f *Frame)

//go:noescape
func op_pcmpestrm_9(f *Frame)

//go:noescape
func op_pcmpestrm_10(f *Frame)

//go:noescape
func op_pcmpestrm_11(f *Frame)

//go:noescape
func op_pcmpestrm_12(f *Frame)

//go:noescape
func op_pcmpestrm_13(f *Frame)

//go:noescape
func op_pcmpestrm_14(f *Frame)

//go:noescape
func op_pcmpestrm_15(f *Frame)

//go:noescape
func op_pcmpestrm_16(f *Frame)

//go:noescape
func op_pcmpestrm_17(f *Frame)

//go:noescape
func op_pcmpestrm_18(f *Frame)

//go:noescape
func op_pcmpestrm_19(f *Frame)

//go:noescape
func op_pcmpestrm_20(f *Frame)

//go:noescape
func op_pcmpestrm_21(f *Frame)

//go:noescape
func op_pcmpestrm_22(f *Frame)

//go:noescape
func op_pcmpestrm_23(f *Frame)

//go:noescape
func op_pcmpestrm_24(f *Frame)

//go:noescape
func op_pcmpestrm_25(f *Frame)

//go:noescape
func op_pcmpestrm_26(f *Frame)

//go:noescape
func op_pcmpestrm_27(f *Frame)

//go:noescape
func op_pcmpestrm_28(f *Frame)

//go:noescape
func op_pcmpestrm_29(f *Frame)

//go:noescape
func op_pcmpestrm_30(f *Frame)

//go:noescape
func op_pcmpestrm_31(f *Frame)

//go:noescape
func op_pcmpestrm_32(f *Frame)

//go:noescape
func op_pcmpestrm_33(f *Frame)

//go:noescape
func op_pcmpestrm_34(f *Frame)

//go:noescape
func op_pcmpestrm_35(f *Frame)

//go:noescape
func op_pcmpestrm_36(f *Frame)

//go:noescape
func op_pcmpestrm_37(f *Frame)

//go:noescape
func op_pcmpestrm_38(f *Frame)

//go:noescape
func op_pcmpestrm_39(f *Frame)

//go:noescape
func op_pcmpestrm_40(f *Frame)

//go:noescape
func op_pcmpestrm_41(f *Frame)

//go:noescape
func op_pcmpestrm_42(f *Frame)

//go:noescape
func op_pcmpestrm_43(f *Frame)

//go:noescape
func op_pcmpestrm_44(f *Frame)

//go:noescape
func op_pcmpestrm_45(f *Frame)

//go:noescape
func op_pcmpestrm_46(f *Frame)

//go:noescape
func op_pcmpestrm_47(f *Frame)

//go:noescape
func op_pcmpestrm_48(f *Frame)

//go:noescape
func op_pcmpestrm_49(f *Frame)

//go:noescape
func op_pcmpestrm_50(f *Frame)

//go:noescape
func op_pcmpestrm_51(f *Frame)

//go:noescape
func op_pcmpestrm_52(f *Frame)

//go:noescape
func op_pcmpestrm_53(f *Frame)

//go:noescape
func op_pcmpestrm_54(f *Frame)

//go:noescape
func op_pcmpestrm_55(f *Frame)

//go:noescape
func op_pcmpestrm_56(f *Frame)

//go:noescape
func op_pcmpestrm_57(f *Frame)

//go:noescape
func op_pcmpestrm_58(f *Frame)

//go:noescape
func op_pcmpestrm_59(f *Frame)

//go:noescape
func op_pcmpestrm_60(f *Frame)

//go:noescape
func op_pcmpestrm_61(f *Frame)

//go:noescape
func op_pcmpestrm_62(f *Frame)

//go:noescape
func op_pcmpestrm_63(f *Frame)

//go:noescape
func op_pcmpestrm_64(f *Frame)

//go:noescape
func op_pcmpestrm_65(f *Frame)

//go:noescape
func op_pcmpestrm_66(f *Frame)

//go:noescape
func op_pcmpestrm_67(f *Frame)

//go:noescape
func op_pcmpestrm_68(f *Frame)

//go:noescape
func op_pcmpestrm_69(f *Frame)

//go:noescape
func op_pcmpestrm_70(f *Frame)

//go:noescape
func op_pcmpestrm_71(f *Frame)

//go:noescape
func op_pcmpestrm_72(f *Frame)

//go:noescape
func op_pcmpestrm_73(f *Frame)

//go:noescape
func op_pcmpestrm_74(f *Frame)

//go:noescape
func op_pcmpestrm_75(f *Frame)

//go:noescape
func op_pcmpestrm_76(f *Frame)

//go:noescape
func op_pcmpestrm_77(f *Frame)

//go:noescape
func op_pcmpestrm_78(f *Frame)

//go:noescape
func op_pcmpestrm_79(f *Frame)

//go:noescape
func op_pcmpestrm_80(f *Frame)

//go:noescape
func op_pcmpestrm_81(f *Frame)

//go:noescape
func op_pcmpestrm_82(f *Frame)

//go:noescape
func op_pcmpestrm_83(f *Frame)

//go:noescape
func op_pcmpestrm_84(f *Frame)

//go:noescape
func op_pcmpestrm_85(f *Frame)

//go:noescape
func op_pcmpestrm_86(f *Frame)

//go:noescape
func op_pcmpestrm_87(f *Frame)

//go:noescape
func op_pcmpestrm_88(f *Frame)

//go:noescape
func op_pcmpestrm_89(f *Frame)

//go:noescape
func op_pcmpestrm_90(f *Frame)

//go:noescape
func op_pcmpestrm_91(f *Frame)

//go:noescape
func op_pcmpestrm_92(f *Frame)

//go:noescape
func op_pcmpestrm_93(f *Frame)

//go:noescape
func op_pcmpestrm_94(f *Frame)

//go:noescape
func op_pcmpestrm_95(f *Frame)

//go:noescape
func op_pcmpestrm_96(f *Frame)

//go:noescape
func op_pcmpestrm_97(f *Frame)

//go:noescape
func op_pcmpestrm_98(f *Frame)

//go:noescape
func op_pcmpestrm_99(f *Frame)

//go:noescape
func op_pcmpestrm_100(f *Frame)

//go:noescape
func op_pcmpestrm_101(f *Frame)

//go:noescape
func op_pcmpestrm_102(f *Frame)

//go:noescape
func op_pcmpestrm_103(f *Frame)

//go:noescape
func op_pcmpestrm_104(f *Frame)

//go:noescape
func op_pcmpestrm_105(f *Frame)

//go:noescape
func op_pcmpestrm_106(f *Frame)

//go:noescape
func op_pcmpestrm_107(f *Frame)

//go:noescape
func op_pcmpestrm_108(f *Frame)

//go:noescape
func op_pcmpestrm_109(f *Frame)

//go:noescape
func op_pcmpestrm_110(f *Frame)

//go:noescape
func op_pcmpestrm_111(f *Frame)

//go:noescape
func op_pcmpestrm_112(f *Frame)

//go:noescape
func op_pcmpestrm_113(f *Frame)

//go:noescape
func op_pcmpestrm_114(f *Frame)

//go:noescape
func op_pcmpestrm_115(f *Frame)

//go:noescape
func op_pcmpestrm_116(f *Frame)

//go:noescape
func op_pcmpestrm_117(f *Frame)

//go:noescape
func op_pcmpestrm_118(f *Frame)

//go:noescape
func op_pcmpestrm_119(f *Frame)

//go:noescape
func op_pcmpestrm_120(f *Frame)

//go:noescape
func op_pcmpestrm_121(f *Frame)

//go:noescape
func op_pcmpestrm_122(f *Frame)

//go:noescape
func op_pcmpestrm_123(f *Frame)

//go:noescape
func op_pcmpestrm_124(f *Frame)

//go:noescape
func op_pcmpestrm_125(f *Frame)

//go:noescape
func op_pcmpestrm_126(f *Frame)

//go:noescape
func op_pcmpestrm_127(f *Frame)

//go:noescape
func op_pcmpestri_0(f *Frame)

//go:noescape
func op_pcmpestri_1(f *Frame)

//go:noescape
func op_pcmpestri_2(f *Frame)

//go:noescape
func op_pcmpestri_3(f *Frame)

//go:noescape
func op_pcmpestri_4(f *Frame)

//go:noescape
func op_pcmpestri_5(f *Frame)

//go:noescape
func op_pcmpestri_6(f *Frame)

//go:noescape
func op_pcmpestri_7(f *Frame)

//go:noescape
func op_pcmpestri_8(f *Frame)

//go:noescape
func op_pcmpestri_9(f *Frame)

//go:noescape
func op_pcmpestri_10(f *Frame)

//go:noescape
func op_pcmpestri_11(f *Frame)

//go:noescape
func op_pcmpestri_12(f *Frame)

//go:noescape
func op_pcmpestri_13(f *Frame)

//go:noescape
func op_pcmpestri_14(f *Frame)

//go:noescape
func op_pcmpestri_15(f *Frame)

//go:noescape
func op_pcmpestri_16(f *Frame)

//go:noescape
func op_pcmpestri_17(f *Frame)

//go:noescape
func op_pcmpestri_18(f *Frame)

//go:noescape
func op_pcmpestri_19(f *Frame)

//go:noescape
func op_pcmpestri_20(f *Frame)

//go:noescape
func op_pcmpestri_21(f *Frame)

//go:noescape
func op_pcmpestri_22(f *Frame)

//go:noescape
func op_pcmpestri_23(f *Frame)

//go:noescape
func op_pcmpestri_24(f *Frame)

//go:noescape
func op_pcmpestri_25(f *Frame)

//go:noescape
func op_pcmpestri_26(f *Frame)

//go:noescape
func op_pcmpestri_27(f *Frame)

//go:noescape
func op_pcmpestri_28(f *Frame)

//go:noescape
func op_pcmpestri_29(f *Frame)

//go:noescape
func op_pcmpestri_30(f *Frame)

//go:noescape
func op_pcmpestri_31(f *Frame)

//go:noescape
func op_pcmpestri_32(f *Frame)

//go:noescape
func op_pcmpestri_33(f *Frame)

//go:noescape
func op_pcmpestri_34(f *Frame)

//go:noescape
func op_pcmpestri_35(f *Frame)

//go:noescape
func op_pcmpestri_36(f *Frame)

//go:noescape
func op_pcmpestri_37(f *Frame)

//go:noescape
func op_pcmpestri_38(f *Frame)

//go:noescape
func op_pcmpestri_39(f *Frame)

//go:noescape
func op_pcmpestri_40(f *Frame)

//go:noescape
func op_pcmpestri_41(f *Frame)

//go:noescape
func op_pcmpestri_42(f *Frame)

//go:noescape
func op_pcmpestri_43(f *Frame)

//go:noescape
func op_pcmpestri_44(f *Frame)

//go:noescape
func op_pcmpestri_45(f *Frame)

//go:noescape
func op_pcmpestri_46(f *Frame)

//go:noescape
func op_pcmpestri_47(f *Frame)

//go:noescape
func op_pcmpestri_48(f *Frame)

//go:noescape
func op_pcmpestri_49(f *Frame)

//go:noescape
func op_pcmpestri_50(f *Frame)

//go:noescape
func op_pcmpestri_51(f *Frame)

//go:noescape
func op_pcmpestri_52(f *Frame)

//go:noescape
func op_pcmpestri_53(f *Frame)

//go:noescape
func op_pcmpestri_54(f *Frame)

//go:noescape
func op_pcmpestri_55(f *Frame)

//go:noescape
func op_pcmpestri_56(f *Frame)

//go:noescape
func op_pcmpestri_57(f *Frame)

//go:noescape
func op_pcmpestri_58(f *Frame)

//go:noescape
func op_pcmpestri_59(f *Frame)

//go:noescape
func op_pcmpestri_60(f *Frame)

//go:noescape
func op_pcmpestri_61(f *Frame)

//go:noescape
func op_pcmpestri_62(f *Frame)

//go:noescape
func op_pcmpestri_63(f *Frame)

//go:noescape
func op_pcmpestri_64(f *Frame)

//go:noescape
func op_pcmpestri_65(f *Frame)

//go:noescape
func op_pcmpestri_66(f *Frame)

//go:noescape
func op_pcmpestri_67(f *Frame)

//go:noescape
func op_pcmpestri_68(f *Frame)

//go:noescape
func op_pcmpestri_69(f *Frame)

//go:noescape
func op_pcmpestri_70(f *Frame)

//go:noescape
func op_pcmpestri_71(f *Frame)

//go:noescape
func op_pcmpestri_72(f *Frame)

//go:noescape
func op_pcmpestri_73(f *Frame)

//go:noescape
func op_pcmpestri_74(f *Frame)

//go:noescape
func op_pcmpestri_75(f *Frame)

//go:noescape
func op_pcmpestri_76(f *Frame)

//go:noescape
func op_pcmpestri_77(f *Frame)

//go:noescape
func op_pcmpestri_78(f *Frame)

//go:noescape
func op_pcmpestri_79(f *Frame)

//go:noescape
func op_pcmpestri_80(f *Frame)

//go:noescape
func op_pcmpestri_81(f *Frame)

//go:noescape
func op_pcmpestri_82(f *Frame)

//go:noescape
func op_pcmpestri_83(f *Frame)

//go:noescape
func op_pcmpestri_84(f *Frame)

//go:noescape
func op_pcmpestri_85(f *Frame)

//go:noescape
func op_pcmpestri_86(f *Frame)

//go:noescape
func op_pcmpestri_87(f *Frame)

//go:noescape
func op_pcmpestri_88(f *Frame)

//go:noescape
func op_pcmpestri_89(f *Frame)

//go:noescape
func op_pcmpestri_90(f *Frame)

//go:noescape
func op_pcmpestri_91(f *Frame)

//go:noescape
func op_pcmpestri_92(f *Frame)

//go:noescape
func op_pcmpestri_93(f *Frame)

//go:noescape
func op_pcmpestri_94(f *Frame)

//go:noescape
func op_pcmpestri_95(f *Frame)

//go:noescape
func op_pcmpestri_96(f *Frame)

//go:noescape
func op_pcmpestri_97(f *Frame)

//go:noescape
func op_pcmpestri_98(f *Frame)

//go:noescape
func op_pcmpestri_99(f *Frame)

//go:noescape
func op_pcmpestri_100(f *Frame)

//go:noescape
func op_pcmpestri_101(f *Frame)

//go:noescape
func op_pcmpestri_102(f *Frame)

//go:noescape
func op_pcmpestri_103(f *Frame)

//go:noescape
func op_pcmpestri_104(f *Frame)

//go:noescape
func op_pcmpestri_105(f *Frame)

//go:noescape
func op_pcmpestri_106(f *Frame)

//go:noescape
func op_pcmpestri_107(f *Frame)

//go:noescape
func op_pcmpestri_108(f *Frame)

//go:noescape
func op_pcmpestri_109(f *Frame)

//go:noescape
func op_pcmpestri_110(f *Frame)

//go:noescape
func op_pcmpestri_111(f *Frame)

//go:noescape
func op_pcmpestri_112(f *Frame)

//go:noescape
func op_pcmpestri_113(f *Frame)

//go:noescape
func op_pcmpestri_114(f *Frame)

//go:noescape
func op_pcmpestri_115(f *Frame)

//go:noescape
func op_pcmpestri_116(f *Frame)

//go:noescape
func op_pcmpestri_117(f *Frame)

//go:noescape
func op_pcmpestri_118(f *Frame)

//go:noescape
func op_pcmpestri_119(f *Frame)

//go:noescape
func op_pcmpestri_120(f *Frame)

//go:noescape
func op_pcmpestri_121(f *Frame)

//go:noescape
func op_pcmpestri_122(f *Frame)

//go:noescape
func op_pcmpestri_123(f *Frame)

//go:noescape
func op_pcmpestri_124(f *Frame)

//go:noescape
func op_pcmpestri_125(f *Frame)

//go:noescape
func op_pcmpestri_126(f *Frame)

//go:noescape
func op_pcmpestri_127(f *Frame)

//go:noescape
func op_pcmpistrm_0(f *Frame)

//go:noescape
func op_pcmpistrm_1(f *Frame)

//go:noescape
func op_pcmpistrm_2(f *Frame)

//go:noescape
func op_pcmpistrm_3(f *Frame)

//go:noescape
func op_pcmpistrm_4(f *Frame)

//go:noescape
func op_pcmpistrm_5(f *Frame)

//go:noescape
func op_pcmpistrm_6(f *Frame)

//go:noescape
func op_pcmpistrm_7(f *Frame)

//go:noescape
func op_pcmpistrm_8(f *Frame)

//go:noescape
func op_pcmpistrm_9(f *Frame)

//go:noescape
func op_pcmpistrm_10(f *Frame)

//go:noescape
func op_pcmpistrm_11(f *Frame)

//go:noescape
func op_pcmpistrm_12(f *Frame)

//go:noescape
func op_pcmpistrm_13(f *Frame)

//go:noescape
func op_pcmpistrm_14(f *Frame)

//go:noescape
func op_pcmpistrm_15(f *Frame)

//go:noescape
func op_pcmpistrm_16(f *Frame)

//go:noescape
func op_pcmpistrm_17(f *Frame)

//go:noescape
func op_pcmpistrm_18(f *Frame)

//go:noescape
func op_pcmpistrm_19(f *Frame)

//go:noescape
func op_pcmpistrm_20(f *Frame)

//go:noescape
func op_pcmpistrm_21(f *Frame)

//go:noescape
func op_pcmpistrm_22(f *Frame)

//go:noescape
func op_pcmpistrm_23(f *Frame)

//go:noescape
func op_pcmpistrm_24(f *Frame)

//go:noescape
func op_pcmpistrm_25(f *Frame)

//go:noescape
func op_pcmpistrm_26(f *Frame)

//go:noescape
func op_pcmpistrm_27(f *Frame)

//go:noescape
func op_pcmpistrm_28(f *Frame)

//go:noescape
func op_pcmpistrm_29(f *Frame)

//go:noescape
func op_pcmpistrm_30(f *Frame)

//go:noescape
func op_pcmpistrm_31(f *Frame)

//go:noescape
func op_pcmpistrm_32(f *Frame)

//go:noescape
func op_pcmpistrm_33(f *Frame)

//go:noescape
func op_pcmpistrm_34(f *Frame)

//go:noescape
func op_pcmpistrm_35(f *Frame)

//go:noescape
func op_pcmpistrm_36(f *Frame)

//go:noescape
func op_pcmpistrm_37(f *Frame)

//go:noescape
func op_pcmpistrm_38(f *Frame)

//go:noescape
func op_pcmpistrm_39(f *Frame)

//go:noescape
func op_pcmpistrm_40(f *Frame)

//go:noescape
func op_pcmpistrm_41(f *Frame)

//go:noescape
func op_pcmpistrm_42(f *Frame)

//go:noescape
func op_pcmpistrm_43(f *Frame)

//go:noescape
func op_pcmpistrm_44(f *Frame)

//go:noescape
func op_pcmpistrm_45(f *Frame)

//go:noescape
func op_pcmpistrm_46(f *Frame)

//go:noescape
func op_pcmpistrm_47(f *Frame)

//go:noescape
func op_pcmpistrm_48(f *Frame)

//go:noescape
func op_pcmpistrm_49(f *Frame)

//go:noescape
func op_pcmpistrm_50(f *Frame)

//go:noescape
func op_pcmpistrm_51(f *Frame)

//go:noescape
func op_pcmpistrm_52(f *Frame)

//go:noescape
func op_pcmpistrm_53(f *Frame)

//go:noescape
func op_pcmpistrm_54(f *Frame)

//go:noescape
func op_pcmpistrm_55(f *Frame)

//go:noescape
func op_pcmpistrm_56(f *Frame)

//go:noescape
func op_pcmpistrm_57(f *Frame)

//go:noescape
func op_pcmpistrm_58(f *Frame)

//go:noescape
func op_pcmpistrm_59(f *Frame)

//go:noescape
func op_pcmpistrm_60(f *Frame)

//go:noescape
func op_pcmpistrm_61(f *Frame)

//go:noescape
func op_pcmpistrm_62(f *Frame)

//go:noescape
func op_pcmpistrm_63(f *Frame)

//go:noescape
func op_pcmpistrm_64(f *Frame)

//go:noescape
func op_pcmpistrm_65(f *Frame)

//go:noescape
func op_pcmpistrm_66(f *Frame)

//go:noescape
func op_pcmpistrm_67(f *Frame)

//go:noescape
func op_pcmpistrm_68(f *Frame)

//go:noescape
func op_pcmpistrm_69(f *Frame)

//go:noescape
func op_pcmpistrm_70(f *Frame)

//go:noescape
func op_pcmpistrm_71(f *Frame)

//go:noescape
func op_pcmpistrm_72(f *Frame)

//go:noescape
func op_pcmpistrm_73(f *Frame)

//go:noescape
func op_pcmpistrm_74(f *Frame)

//go:noescape
func op_pcmpistrm_75(f *Frame)

//go:noescape
func op_pcmpistrm_76(f *Frame)

//go:noescape
func op_pcmpistrm_77(f *Frame)

//go:noescape
func op_pcmpistrm_78(f *Frame)

//go:noescape
func op_pcmpistrm_79(f *Frame)

//go:noescape
func op_pcmpistrm_80(f *Frame)

//go:noescape
func op_pcmpistrm_81(f *Frame)

//go:noescape
func op_pcmpistrm_82(f *Frame)

//go:noescape
func op_pcmpistrm_83(f *Frame)

//go:noescape
func op_pcmpistrm_84(f *Frame)

//go:noescape
func op_pcmpistrm_85(f *Frame)

//go:noescape
func op_pcmpistrm_86(f *Frame)

//go:noescape
func op_pcmpistrm_87(f *Frame)

//go:noescape
func op_pcmpistrm_88(f *Frame)

//go:noescape
func op_pcmpistrm_89(f *Frame)

//go:noescape
func op_pcmpistrm_90(f *Frame)

//go:noescape
func op_pcmpistrm_91(f *Frame)

//go:noescape
func op_pcmpistrm_92(f *Frame)

//go:noescape
func op_pcmpistrm_93(f *Frame)

//go:noescape
func op_pcmpistrm_94(f *Frame)

//go:noescape
func op_pcmpistrm_95(f *Frame)

//go:noescape
func op_pcmpistrm_96(f *Frame)

//go:noescape
func op_pcmpistrm_97(f *Frame)

//go:noescape
func op_pcmpistrm_98(f *Frame)

//go:noescape
func op_pcmpistrm_99(f *Frame)

//go:noescape
func op_pcmpistrm_100(f *Frame)

//go:noescape
func op_pcmpistrm_101(f *Frame)

//go:noescape
func op_pcmpistrm_102(f *Frame)

//go:noescape
func op_pcmpistrm_103(f *Frame)

//go:noescape
func op_pcmpistrm_104(f *Frame)

//go:noescape
func op_pcmpistrm_105(f *Frame)

//go:noescape
func op_pcmpistrm_106(f *Frame)

//go:noescape
func op_pcmpistrm_107(f *Frame)

//go:noescape
func op_pcmpistrm_108(f *Frame)

//go:noescape
func op_pcmpistrm_109(f *Frame)

//go:noescape
func op_pcmpistrm_110(f *Frame)

//go:noescape
func op_pcmpistrm_111(f *Frame)

//go:noescape
func op_pcmpistrm_112(f *Frame)

//go:noescape
func op_pcmpistrm_113(f *Frame)

//go:noescape
func op_pcmpistrm_114(f *Frame)

//go:noescape
func op_pcmpistrm_115(f *Frame)

//go:noescape
func op_pcmpistrm_116(f *Frame)

//go:noescape
func op_pcmpistrm_117(f *Frame)

//go:noescape
func op_pcmpistrm_118(f *Frame)

//go:noescape
func op_pcmpistrm_119(f *Frame)

//go:noescape
func op_pcmpistrm_120(f *Frame)

//go:noescape
func op_pcmpistrm_121(f *Frame)

//go:noescape
func op_pcmpistrm_122(f *Frame)

//go:noescape
func op_pcmpistrm_123(f *Frame)

//go:noescape
func op_pcmpistrm_124(f *Frame)

//go:noescape
func op_pcmpistrm_125(f *Frame)

//go:noescape
func op_pcmpistrm_126(f *Frame)

//go:noescape
func op_pcmpistrm_127(f *Frame)

//go:noescape
func op_pcmpistri_0(f *Frame)

//go:noescape
func op_pcmpistri_1(f *Frame)

//go:noescape
func op_pcmpistri_2(f *Frame)

//go:noescape
func op_pcmpistri_3(f *Frame)

//go:noescape
func op_pcmpistri_4(f *Frame)

//go:noescape
func op_pcmpistri_5(f *Frame)

//go:noescape
func op_pcmpistri_6(f *Frame)

//go:noescape
func op_pcmpistri_7(f *Frame)

//go:noescape
func op_pcmpistri_8(f *Frame)

//go:noescape
func op_pcmpistri_9(f *Frame)

//go:noescape
func op_pcmpistri_10(f *Frame)

//go:noescape
func op_pcmpistri_11(f *Frame)

//go:noescape
func op_pcmpistri_12(f *Frame)

//go:noescape
func op_pcmpistri_13(f *Frame)

//go:noescape
func op_pcmpistri_14(f *Frame)

//go:noescape
func op_pcmpistri_15(f *Frame)

//go:noescape
func op_pcmpistri_16(f *Frame)

//go:noescape
func op_pcmpistri_17(f *Frame)

//go:noescape
func op_pcmpistri_18(f *Frame)

//go:noescape
func op_pcmpistri_19(f *Frame)

//go:noescape
func op_pcmpistri_20(f *Frame)

//go:noescape
func op_pcmpistri_21(f *Frame)

//go:noescape
func op_pcmpistri_22(f *Frame)

//go:noescape
func op_pcmpistri_23(f *Frame)

//go:noescape
func op_pcmpistri_24(f *Frame)

//go:noescape
func op_pcmpistri_25(f *Frame)

//go:noescape
func op_pcmpistri_26(f *Frame)

//go:noescape
func op_pcmpistri_27(f *Frame)

//go:noescape
func op_pcmpistri_28(f *Frame)

//go:noescape
func op_pcmpistri_29(f *Frame)

//go:noescape
func op_pcmpistri_30(f *Frame)

//go:noescape
func op_pcmpistri_31(f *Frame)

//go:noescape
func op_pcmpistri_32(f *Frame)

//go:noescape
func op_pcmpistri_33(f *Frame)

//go:noescape
func op_pcmpistri_34(f *Frame)

//go:noescape
func op_pcmpistri_35(f *Frame)

//go:noescape
func op_pcmpistri_36(f *Frame)

//go:noescape
func op_pcmpistri_37(f *Frame)

//go:noescape
func op_pcmpistri_38(f *Frame)

//go:noescape
func op_pcmpistri_39(f *Frame)

//go:noescape
func op_pcmpistri_40(f *Frame)

//go:noescape
func op_pcmpistri_41(f *Frame)

//go:noescape
func op_pcmpistri_42(f *Frame)

//go:noescape
func op_pcmpistri_43(f *Frame)

//go:noescape
func op_pcmpistri_44(f *Frame)

//go:noescape
func op_pcmpistri_45(f *Frame)

//go:noescape
func op_pcmpistri_46(f *Frame)

//go:noescape
func op_pcmpistri_47(f *Frame)

//go:noescape
func op_pcmpistri_48(f *Frame)

//go:noescape
func op_pcmpistri_49(f *Frame)

//go:noescape
func op_pcmpistri_50(f *Frame)

//go:noescape
func op_pcmpistri_51(f *Frame)

//go:noescape
func op_pcmpistri_52(f *Frame)

//go:noescape
func op_pcmpistri_53(f *Frame)

//go:noescape
func op_pcmpistri_54(f *Frame)

//go:noescape
func op_pcmpistri_55(f *Frame)

//go:noescape
func op_pcmpistri_56(f *Frame)

//go:noescape
func op_pcmpistri_57(f *Frame)

//go:noescape
func op_pcmpistri_58(f *Frame)

//go:noescape
func op_pcmpistri_59(f *Frame)

//go:noescape
func op_pcmpistri_60(f *Frame)

//go:noescape
func op_pcmpistri_61(f *Frame)

//go:noescape
func op_pcmpistri_62(f *Frame)

//go:noescape
func op_pcmpistri_63(f *Frame)

//go:noescape
func op_pcmpistri_64(f *Frame)

//go:noescape
func op_pcmpistri_65(f *Frame)

//go:noescape
func op_pcmpistri_66(f *Frame)

//go:noescape
func op_pcmpistri_67(f *Frame)

//go:noescape
func op_pcmpistri_68(f *Frame)

//go:noescape
func op_pcmpistri_69(f *Frame)

//go:noescape
func op_pcmpistri_70(f *Frame)

//go:noescape
func op_pcmpistri_71(f *Frame)

//go:noescape
func op_pcmpistri_72(f *Frame)

//go:noescape
func op_pcmpistri_73(f *Frame)

//go:noescape
func op_pcmpistri_74(f *Frame)

//go:noescape
func op_pcmpistri_75(f *Frame)

//go:noescape
func op_pcmpistri_76(f *Frame)

//go:noescape
func op_pcmpistri_77(f *Frame)

//go:noescape
func op_pcmpistri_78(f *Frame)

//go:noescape
func op_pcmpistri_79(f *Frame)

//go:noescape
func op_pcmpistri_80(f *Frame)

//go:noescape
func op_pcmpistri_81(f *Frame)

//go:noescape
func op_pcmpistri_82(f *Frame)

//go:noescape
func op_pcmpistri_83(f *Frame)

//go:noescape
func op_pcmpistri_84(f *Frame)

//go:noescape
func op_pcmpistri_85(f *Frame)

//go:noescape
func op_pcmpistri_86(f *Frame)

//go:noescape
func op_pcmpistri_87(f *Frame)

//go:noescape
func op_pcmpistri_88(f *Frame)

//go:noescape
func op_pcmpistri_89(f *Frame)

//go:noescape
func op_pcmpistri_90(f *Frame)

//go:noescape
func op_pcmpistri_91(f *Frame)

//go:noescape
func op_pcmpistri_92(f *Frame)

//go:noescape
func op_pcmpistri_93(f *Frame)

//go:noescape
func op_pcmpistri_94(f *Frame)

//go:noescape
func op_pcmpistri_95(f *Frame)

//go:noescape
func op_pcmpistri_96(f *Frame)

//go:noescape
func op_pcmpistri_97(f *Frame)

//go:noescape
func op_pcmpistri_98(f *Frame)

//go:noescape
func op_pcmpistri_99(f *Frame)

//go:noescape
func op_pcmpistri_100(f *Frame)

//go:noescape
func op_pcmpistri_101(f *Frame)

//go:noescape
func op_pcmpistri_102(f *Frame)

//go:noescape
func op_pcmpistri_103(f *Frame)

//go:noescape
func op_pcmpistri_104(f *Frame)

//go:noescape
func op_pcmpistri_105(f *Frame)

//go:noescape
func op_pcmpistri_106(f *Frame)

//go:noescape
func op_pcmpistri_107(f *Frame)

//go:noescape
func op_pcmpistri_108(f *Frame)

//go:noescape
func op_pcmpistri_109(f *Frame)

//go:noescape
func op_pcmpistri_110(f *Frame)

//go:noescape
func op_pcmpistri_111(f *Frame)

//go:noescape
func op_pcmpistri_112(f *Frame)

//go:noescape
func op_pcmpistri_113(f *Frame)

//go:noescape
func op_pcmpistri_114(f *Frame)

//go:noescape
func op_pcmpistri_115(f *Frame)

//go:noescape
func op_pcmpistri_116(f *Frame)

//go:noescape
func op_pcmpistri_117(f *Frame)

//go:noescape
func op_pcmpistri_118(f *Frame)

//go:noescape
func op_pcmpistri_119(f *Frame)

//go:noescape
func op_pcmpistri_120(f *Frame)

//go:noescape
func op_pcmpistri_121(f *Frame)

//go:noescape
func op_pcmpistri_122(f *Frame)

//go:noescape
func op_pcmpistri_123(f *Frame)

//go:noescape
func op_pcmpistri_124(f *Frame)

//go:noescape
func op_pcmpistri_125(f *Frame)

//go:noescape
func op_pcmpistri_126(f *Frame)

//go:noescape
func op_pcmpistri_127(f *Frame)

//go:noescape
func op_crc32b(f *Frame)

//go:noescape
func op_crc32w(f *Frame)

//go:noescape
func op_crc32d(f *Frame)

//go:noescape
func op_crc32q(f *Frame)

//go:noescape
func op_popcntw(f *Frame)

//go:noescape
func op_popcntd(f *Frame)

//go:noescape
func op_popcntq(f *Frame)

// Ops lists every instruction form the assembly implements.
var Ops = []Op{
	{"addps", -1, op_addps},
	{"addss", -1, op_addss},
	{"addpd", -1, op_addpd},
	{"addsd", -1, op_addsd},
	{"mulps", -1, op_mulps},
	{"mulss", -1, op_mulss},
	{"mulpd", -1, op_mulpd},
	{"mulsd", -1, op_mulsd},
	{"subps", -1, op_subps},
	{"subss", -1, op_subss},
	{"subpd", -1, op_subpd},
	{"subsd", -1, op_subsd},
	{"minps", -1, op_minps},
	{"minss", -1, op_minss},
	{"minpd", -1, op_minpd},
	{"minsd", -1, op_minsd},
	{"divps", -1, op_divps},
	{"divss", -1, op_divss},
	{"divpd", -1, op_divpd},
	{"divsd", -1, op_divsd},
	{"maxps", -1, op_maxps},
	{"maxss", -1, op_maxss},
	{"maxpd", -1, op_maxpd},
	{"maxsd", -1, op_maxsd},
	{"sqrtps", -1, op_sqrtps},
	{"sqrtss", -1, op_sqrtss},
	{"sqrtpd", -1, op_sqrtpd},
	{"sqrtsd", -1, op_sqrtsd},
	{"rcpps", -1, op_rcpps},
	{"rcpss", -1, op_rcpss},
	{"rsqrtps", -1, op_rsqrtps},
	{"rsqrtss", -1, op_rsqrtss},
	{"cmpps", 0, op_cmpps_0},
	{"cmpps", 1, op_cmpps_1},
	{"cmpps", 2, op_cmpps_2},
	{"cmpps", 3, op_cmpps_3},
	{"cmpps", 4, op_cmpps_4},
	{"cmpps", 5, op_cmpps_5},
	{"cmpps", 6, op_cmpps_6},
	{"cmpps", 7, op_cmpps_7},
	{"cmpss", 0, op_cmpss_0},
	{"cmpss", 1, op_cmpss_1},
	{"cmpss", 2, op_cmpss_2},
	{"cmpss", 3, op_cmpss_3},
	{"cmpss", 4, op_cmpss_4},
	{"cmpss", 5, op_cmpss_5},
	{"cmpss", 6, op_cmpss_6},
	{"cmpss", 7, op_cmpss_7},
	{"cmppd", 0, op_cmppd_0},
	{"cmppd", 1, op_cmppd_1},
	{"cmppd", 2, op_cmppd_2},
	{"cmppd", 3, op_cmppd_3},
	{"cmppd", 4, op_cmppd_4},
	{"cmppd", 5, op_cmppd_5},
	{"cmppd", 6, op_cmppd_6},
	{"cmppd", 7, op_cmppd_7},
	{"cmpsd", 0, op_cmpsd_0},
	{"cmpsd", 1, op_cmpsd_1},
	{"cmpsd", 2, op_cmpsd_2},
	{"cmpsd", 3, op_cmpsd_3},
	{"cmpsd", 4, op_cmpsd_4},
	{"cmpsd", 5, op_cmpsd_5},
	{"cmpsd", 6, op_cmpsd_6},
	{"cmpsd", 7, op_cmpsd_7},
	{"comiss", -1, op_comiss},
	{"comisd", -1, op_comisd},
	{"ucomiss", -1, op_ucomiss},
	{"ucomisd", -1, op_ucomisd},
	{"addsubps", -1, op_addsubps},
	{"addsubpd", -1, op_addsubpd},
	{"haddps", -1, op_haddps},
	{"haddpd", -1, op_haddpd},
	{"hsubps", -1, op_hsubps},
	{"hsubpd", -1, op_hsubpd},
	{"cvtps2pd", -1, op_cvtps2pd},
	{"cvtpd2ps", -1, op_cvtpd2ps},
	{"cvtss2sd", -1, op_cvtss2sd},
	{"cvtsd2ss", -1, op_cvtsd2ss},
	{"cvtdq2ps", -1, op_cvtdq2ps},
	{"cvtps2dq", -1, op_cvtps2dq},
	{"cvttps2dq", -1, op_cvttps2dq},
	{"cvtdq2pd", -1, op_cvtdq2pd},
	{"cvtpd2dq", -1, op_cvtpd2dq},
	{"cvttpd2dq", -1, op_cvttpd2dq},
	{"cvtsi2ss", -1, op_cvtsi2ss},
	{"cvtsi2ssq", -1, op_cvtsi2ssq},
	{"cvtsi2sd", -1, op_cvtsi2sd},
	{"cvtsi2sdq", -1, op_cvtsi2sdq},
	{"cvtss2si", -1, op_cvtss2si},
	{"cvtss2siq", -1, op_cvtss2siq},
	{"cvttss2si", -1, op_cvttss2si},
	{"cvttss2siq", -1, op_cvttss2siq},
	{"cvtsd2si", -1, op_cvtsd2si},
	{"cvtsd2siq", -1, op_cvtsd2siq},
	{"cvttsd2si", -1, op_cvttsd2si},
	{"cvttsd2siq", -1, op_cvttsd2siq},
	{"cvtpi2ps", -1, op_cvtpi2ps},
	{"cvtps2pi", -1, op_cvtps2pi},
	{"cvttps2pi", -1, op_cvttps2pi},
	{"cvtpi2pd", -1, op_cvtpi2pd},
	{"cvtpd2pi", -1, op_cvtpd2pi},
	{"cvttpd2pi", -1, op_cvttpd2pi},
	{"roundps", 0, op_roundps_0},
	{"roundps", 1, op_roundps_1},
	{"roundps", 2, op_roundps_2},
	{"roundps", 3, op_roundps_3},
	{"roundps", 4, op_roundps_4},
	{"roundps", 5, op_roundps_5},
	{"roundps", 6, op_roundps_6},
	{"roundps", 7, op_roundps_7},
	{"roundps", 8, op_roundps_8},
	{"roundps", 9, op_roundps_9},
	{"roundps", 10, op_roundps_10},
	{"roundps", 11, op_roundps_11},
	{"roundps", 12, op_roundps_12},
	{"roundps", 13, op_roundps_13},
	{"roundps", 14, op_roundps_14},
	{"roundps", 15, op_roundps_15},
	{"roundpd", 0, op_roundpd_0},
	{"roundpd", 1, op_roundpd_1},
	{"roundpd", 2, op_roundpd_2},
	{"roundpd", 3, op_roundpd_3},
	{"roundpd", 4, op_roundpd_4},
	{"roundpd", 5, op_roundpd_5},
	{"roundpd", 6, op_roundpd_6},
	{"roundpd", 7, op_roundpd_7},
	{"roundpd", 8, op_roundpd_8},
	{"roundpd", 9, op_roundpd_9},
	{"roundpd", 10, op_roundpd_10},
	{"roundpd", 11, op_roundpd_11},
	{"roundpd", 12, op_roundpd_12},
	{"roundpd", 13, op_roundpd_13},
	{"roundpd", 14, op_roundpd_14},
	{"roundpd", 15, op_roundpd_15},
	{"roundss", 0, op_roundss_0},
	{"roundss", 1, op_roundss_1},
	{"roundss", 2, op_roundss_2},
	{"roundss", 3, op_roundss_3},
	{"roundss", 4, op_roundss_4},
	{"roundss", 5, op_roundss_5},
	{"roundss", 6, op_roundss_6},
	{"roundss", 7, op_roundss_7},
	{"roundss", 8, op_roundss_8},
	{"roundss", 9, op_roundss_9},
	{"roundss", 10, op_roundss_10},
	{"roundss", 11, op_roundss_11},
	{"roundss", 12, op_roundss_12},
	{"roundss", 13, op_roundss_13},
	{"roundss", 14, op_roundss_14},
	{"roundss", 15, op_roundss_15},
	{"roundsd", 0, op_roundsd_0},
	{"roundsd", 1, op_roundsd_1},
	{"roundsd", 2, op_roundsd_2},
	{"roundsd", 3, op_roundsd_3},
	{"roundsd", 4, op_roundsd_4},
	{"roundsd", 5, op_roundsd_5},
	{"roundsd", 6, op_roundsd_6},
	{"roundsd", 7, op_roundsd_7},
	{"roundsd", 8, op_roundsd_8},
	{"roundsd", 9, op_roundsd_9},
	{"roundsd", 10, op_roundsd_10},
	{"roundsd", 11, op_roundsd_11},
	{"roundsd", 12, op_roundsd_12},
	{"roundsd", 13, op_roundsd_13},
	{"roundsd", 14, op_roundsd_14},
	{"roundsd", 15, op_roundsd_15},
	{"dpps", 0, op_dpps_0},
	{"dpps", 1, op_dpps_1},
	{"dpps", 15, op_dpps_15},
	{"dpps", 19, op_dpps_19},
	{"dpps", 24, op_dpps_24},
	{"dpps", 27, op_dpps_27},
	{"dpps", 29, op_dpps_29},
	{"dpps", 30, op_dpps_30},
	{"dpps", 35, op_dpps_35},
	{"dpps", 37, op_dpps_37},
	{"dpps", 44, op_dpps_44},
	{"dpps", 46, op_dpps_46},
	{"dpps", 48, op_dpps_48},
	{"dpps", 49, op_dpps_49},
	{"dpps", 63, op_dpps_63},
	{"dpps", 77, op_dpps_77},
	{"dpps", 85, op_dpps_85},
	{"dpps", 109, op_dpps_109},
	{"dpps", 123, op_dpps_123},
	{"dpps", 127, op_dpps_127},
	{"dpps", 128, op_dpps_128},
	{"dpps", 165, op_dpps_165},
	{"dpps", 170, op_dpps_170},
	{"dpps", 187, op_dpps_187},
	{"dpps", 202, op_dpps_202},
	{"dpps", 214, op_dpps_214},
	{"dpps", 217, op_dpps_217},
	{"dpps", 222, op_dpps_222},
	{"dpps", 228, op_dpps_228},
	{"dpps", 240, op_dpps_240},
	{"dpps", 241, op_dpps_241},
	{"dpps", 255, op_dpps_255},
	{"dppd", 0, op_dppd_0},
	{"dppd", 1, op_dppd_1},
	{"dppd", 15, op_dppd_15},
	{"dppd", 23, op_dppd_23},
	{"dppd", 25, op_dppd_25},
	{"dppd", 27, op_dppd_27},
	{"dppd", 31, op_dppd_31},
	{"dppd", 49, op_dppd_49},
	{"dppd", 63, op_dppd_63},
	{"dppd", 68, op_dppd_68},
	{"dppd", 73, op_dppd_73},
	{"dppd", 85, op_dppd_85},
	{"dppd", 113, op_dppd_113},
	{"dppd", 114, op_dppd_114},
	{"dppd", 127, op_dppd_127},
	{"dppd", 128, op_dppd_128},
	{"dppd", 148, op_dppd_148},
	{"dppd", 170, op_dppd_170},
	{"dppd", 203, op_dppd_203},
	{"dppd", 214, op_dppd_214},
	{"dppd", 228, op_dppd_228},
	{"dppd", 240, op_dppd_240},
	{"dppd", 241, op_dppd_241},
	{"dppd", 255, op_dppd_255},
	{"insertps", 0, op_insertps_0},
	{"insertps", 1, op_insertps_1},
	{"insertps", 15, op_insertps_15},
	{"insertps", 27, op_insertps_27},
	{"insertps", 30, op_insertps_30},
	{"insertps", 32, op_insertps_32},
	{"insertps", 49, op_insertps_49},
	{"insertps", 52, op_insertps_52},
	{"insertps", 60, op_insertps_60},
	{"insertps", 63, op_insertps_63},
	{"insertps", 85, op_insertps_85},
	{"insertps", 92, op_insertps_92},
	{"insertps", 96, op_insertps_96},
	{"insertps", 105, op_insertps_105},
	{"insertps", 127, op_insertps_127},
	{"insertps", 128, op_insertps_128},
	{"insertps", 157, op_insertps_157},
	{"insertps", 170, op_insertps_170},
	{"insertps", 190, op_insertps_190},
	{"insertps", 228, op_insertps_228},
	{"insertps", 240, op_insertps_240},
	{"insertps", 241, op_insertps_241},
	{"insertps", 254, op_insertps_254},
	{"insertps", 255, op_insertps_255},
	{"extractps", 0, op_extractps_0},
	{"extractps", 1, op_extractps_1},
	{"extractps", 2, op_extractps_2},
	{"extractps", 3, op_extractps_3},
	{"blendps", 0, op_blendps_0},
	{"blendps", 1, op_blendps_1},
	{"blendps", 2, op_blendps_2},
	{"blendps", 3, op_blendps_3},
	{"blendps", 4, op_blendps_4},
	{"blendps", 5, op_blendps_5},
	{"blendps", 6, op_blendps_6},
	{"blendps", 7, op_blendps_7},
	{"blendps", 8, op_blendps_8},
	{"blendps", 9, op_blendps_9},
	{"blendps", 10, op_blendps_10},
	{"blendps", 11, op_blendps_11},
	{"blendps", 12, op_blendps_12},
	{"blendps", 13, op_blendps_13},
	{"blendps", 14, op_blendps_14},
	{"blendps", 15, op_blendps_15},
	{"blendpd", 0, op_blendpd_0},
	{"blendpd", 1, op_blendpd_1},
	{"blendpd", 2, op_blendpd_2},
	{"blendpd", 3, op_blendpd_3},
	{"pblendw", 0, op_pblendw_0},
	{"pblendw", 1, op_pblendw_1},
	{"pblendw", 15, op_pblendw_15},
	{"pblendw", 27, op_pblendw_27},
	{"pblendw", 49, op_pblendw_49},
	{"pblendw", 63, op_pblendw_63},
	{"pblendw", 85, op_pblendw_85},
	{"pblendw", 127, op_pblendw_127},
	{"pblendw", 128, op_pblendw_128},
	{"pblendw", 160, op_pblendw_160},
	{"pblendw", 170, op_pblendw_170},
	{"pblendw", 218, op_pblendw_218},
	{"pblendw", 228, op_pblendw_228},
	{"pblendw", 240, op_pblendw_240},
	{"pblendw", 241, op_pblendw_241},
	{"pblendw", 255, op_pblendw_255},
	{"blendvps", -1, op_blendvps},
	{"blendvpd", -1, op_blendvpd},
	{"pblendvb", -1, op_pblendvb},
	{"shufps", 0, op_shufps_0},
	{"shufps", 1, op_shufps_1},
	{"shufps", 15, op_shufps_15},
	{"shufps", 27, op_shufps_27},
	{"shufps", 49, op_shufps_49},
	{"shufps", 63, op_shufps_63},
	{"shufps", 85, op_shufps_85},
	{"shufps", 127, op_shufps_127},
	{"shufps", 128, op_shufps_128},
	{"shufps", 170, op_shufps_170},
	{"shufps", 228, op_shufps_228},
	{"shufps", 232, op_shufps_232},
	{"shufps", 238, op_shufps_238},
	{"shufps", 240, op_shufps_240},
	{"shufps", 241, op_shufps_241},
	{"shufps", 255, op_shufps_255},
	{"shufpd", 0, op_shufpd_0},
	{"shufpd", 1, op_shufpd_1},
	{"shufpd", 2, op_shufpd_2},
	{"shufpd", 3, op_shufpd_3},
	{"unpcklps", -1, op_unpcklps},
	{"unpckhps", -1, op_unpckhps},
	{"unpcklpd", -1, op_unpcklpd},
	{"unpckhpd", -1, op_unpckhpd},
	{"movmskps", -1, op_movmskps},
	{"movmskpd", -1, op_movmskpd},
	{"movddup", -1, op_movddup},
	{"movsldup", -1, op_movsldup},
	{"movshdup", -1, op_movshdup},
	{"paddb", -1, op_paddb},
	{"paddb_mmx", -1, op_paddb_mmx},
	{"paddw", -1, op_paddw},
	{"paddw_mmx", -1, op_paddw_mmx},
	{"paddd", -1, op_paddd},
	{"paddd_mmx", -1, op_paddd_mmx},
	{"paddq", -1, op_paddq},
	{"paddq_mmx", -1, op_paddq_mmx},
	{"psubb", -1, op_psubb},
	{"psubb_mmx", -1, op_psubb_mmx},
	{"psubw", -1, op_psubw},
	{"psubw_mmx", -1, op_psubw_mmx},
	{"psubd", -1, op_psubd},
	{"psubd_mmx", -1, op_psubd_mmx},
	{"psubq", -1, op_psubq},
	{"psubq_mmx", -1, op_psubq_mmx},
	{"paddsb", -1, op_paddsb},
	{"paddsb_mmx", -1, op_paddsb_mmx},
	{"paddsw", -1, op_paddsw},
	{"paddsw_mmx", -1, op_paddsw_mmx},
	{"paddusb", -1, op_paddusb},
	{"paddusb_mmx", -1, op_paddusb_mmx},
	{"paddusw", -1, op_paddusw},
	{"paddusw_mmx", -1, op_paddusw_mmx},
	{"psubsb", -1, op_psubsb},
	{"psubsb_mmx", -1, op_psubsb_mmx},
	{"psubsw", -1, op_psubsw},
	{"psubsw_mmx", -1, op_psubsw_mmx},
	{"psubusb", -1, op_psubusb},
	{"psubusb_mmx", -1, op_psubusb_mmx},
	{"psubusw", -1, op_psubusw},
	{"psubusw_mmx", -1, op_psubusw_mmx},
	{"pmullw", -1, op_pmullw},
	{"pmullw_mmx", -1, op_pmullw_mmx},
	{"pmulhw", -1, op_pmulhw},
	{"pmulhw_mmx", -1, op_pmulhw_mmx},
	{"pmulhuw", -1, op_pmulhuw},
	{"pmulhuw_mmx", -1, op_pmulhuw_mmx},
	{"pmuludq", -1, op_pmuludq},
	{"pmuludq_mmx", -1, op_pmuludq_mmx},
	{"pmaddwd", -1, op_pmaddwd},
	{"pmaddwd_mmx", -1, op_pmaddwd_mmx},
	{"psadbw", -1, op_psadbw},
	{"psadbw_mmx", -1, op_psadbw_mmx},
	{"pavgb", -1, op_pavgb},
	{"pavgb_mmx", -1, op_pavgb_mmx},
	{"pavgw", -1, op_pavgw},
	{"pavgw_mmx", -1, op_pavgw_mmx},
	{"pminub", -1, op_pminub},
	{"pminub_mmx", -1, op_pminub_mmx},
	{"pmaxub", -1, op_pmaxub},
	{"pmaxub_mmx", -1, op_pmaxub_mmx},
	{"pminsw", -1, op_pminsw},
	{"pminsw_mmx", -1, op_pminsw_mmx},
	{"pmaxsw", -1, op_pmaxsw},
	{"pmaxsw_mmx", -1, op_pmaxsw_mmx},
	{"pand", -1, op_pand},
	{"pand_mmx", -1, op_pand_mmx},
	{"pandn", -1, op_pandn},
	{"pandn_mmx", -1, op_pandn_mmx},
	{"por", -1, op_por},
	{"por_mmx", -1, op_por_mmx},
	{"pxor", -1, op_pxor},
	{"pxor_mmx", -1, op_pxor_mmx},
	{"pcmpeqb", -1, op_pcmpeqb},
	{"pcmpeqb_mmx", -1, op_pcmpeqb_mmx},
	{"pcmpeqw", -1, op_pcmpeqw},
	{"pcmpeqw_mmx", -1, op_pcmpeqw_mmx},
	{"pcmpeqd", -1, op_pcmpeqd},
	{"pcmpeqd_mmx", -1, op_pcmpeqd_mmx},
	{"pcmpgtb", -1, op_pcmpgtb},
	{"pcmpgtb_mmx", -1, op_pcmpgtb_mmx},
	{"pcmpgtw", -1, op_pcmpgtw},
	{"pcmpgtw_mmx", -1, op_pcmpgtw_mmx},
	{"pcmpgtd", -1, op_pcmpgtd},
	{"pcmpgtd_mmx", -1, op_pcmpgtd_mmx},
	{"packsswb", -1, op_packsswb},
	{"packsswb_mmx", -1, op_packsswb_mmx},
	{"packssdw", -1, op_packssdw},
	{"packssdw_mmx", -1, op_packssdw_mmx},
	{"packuswb", -1, op_packuswb},
	{"packuswb_mmx", -1, op_packuswb_mmx},
	{"punpcklbw", -1, op_punpcklbw},
	{"punpcklbw_mmx", -1, op_punpcklbw_mmx},
	{"punpcklwd", -1, op_punpcklwd},
	{"punpcklwd_mmx", -1, op_punpcklwd_mmx},
	{"punpckldq", -1, op_punpckldq},
	{"punpckldq_mmx", -1, op_punpckldq_mmx},
	{"punpckhbw", -1, op_punpckhbw},
	{"punpckhbw_mmx", -1, op_punpckhbw_mmx},
	{"punpckhwd", -1, op_punpckhwd},
	{"punpckhwd_mmx", -1, op_punpckhwd_mmx},
	{"punpckhdq", -1, op_punpckhdq},
	{"punpckhdq_mmx", -1, op_punpckhdq_mmx},
	{"psrlw", -1, op_psrlw},
	{"psrlw_mmx", -1, op_psrlw_mmx},
	{"psrld", -1, op_psrld},
	{"psrld_mmx", -1, op_psrld_mmx},
	{"psrlq", -1, op_psrlq},
	{"psrlq_mmx", -1, op_psrlq_mmx},
	{"psraw", -1, op_psraw},
	{"psraw_mmx", -1, op_psraw_mmx},
	{"psrad", -1, op_psrad},
	{"psrad_mmx", -1, op_psrad_mmx},
	{"psllw", -1, op_psllw},
	{"psllw_mmx", -1, op_psllw_mmx},
	{"pslld", -1, op_pslld},
	{"pslld_mmx", -1, op_pslld_mmx},
	{"psllq", -1, op_psllq},
	{"psllq_mmx", -1, op_psllq_mmx},
	{"pshufb", -1, op_pshufb},
	{"pshufb_mmx", -1, op_pshufb_mmx},
	{"phaddw", -1, op_phaddw},
	{"phaddw_mmx", -1, op_phaddw_mmx},
	{"phaddd", -1, op_phaddd},
	{"phaddd_mmx", -1, op_phaddd_mmx},
	{"phaddsw", -1, op_phaddsw},
	{"phaddsw_mmx", -1, op_phaddsw_mmx},
	{"pmaddubsw", -1, op_pmaddubsw},
	{"pmaddubsw_mmx", -1, op_pmaddubsw_mmx},
	{"phsubw", -1, op_phsubw},
	{"phsubw_mmx", -1, op_phsubw_mmx},
	{"phsubd", -1, op_phsubd},
	{"phsubd_mmx", -1, op_phsubd_mmx},
	{"phsubsw", -1, op_phsubsw},
	{"phsubsw_mmx", -1, op_phsubsw_mmx},
	{"psignb", -1, op_psignb},
	{"psignb_mmx", -1, op_psignb_mmx},
	{"psignw", -1, op_psignw},
	{"psignw_mmx", -1, op_psignw_mmx},
	{"psignd", -1, op_psignd},
	{"psignd_mmx", -1, op_psignd_mmx},
	{"pmulhrsw", -1, op_pmulhrsw},
	{"pmulhrsw_mmx", -1, op_pmulhrsw_mmx},
	{"pabsb", -1, op_pabsb},
	{"pabsb_mmx", -1, op_pabsb_mmx},
	{"pabsw", -1, op_pabsw},
	{"pabsw_mmx", -1, op_pabsw_mmx},
	{"pabsd", -1, op_pabsd},
	{"pabsd_mmx", -1, op_pabsd_mmx},
	{"pmovmskb", -1, op_pmovmskb},
	{"pmovmskb_mmx", -1, op_pmovmskb_mmx},
	{"psrlwi", 0, op_psrlwi_0},
	{"psrlwi", 1, op_psrlwi_1},
	{"psrlwi", 3, op_psrlwi_3},
	{"psrlwi", 7, op_psrlwi_7},
	{"psrlwi", 8, op_psrlwi_8},
	{"psrlwi", 15, op_psrlwi_15},
	{"psrlwi", 16, op_psrlwi_16},
	{"psrlwi", 31, op_psrlwi_31},
	{"psrlwi", 32, op_psrlwi_32},
	{"psrlwi", 33, op_psrlwi_33},
	{"psrlwi", 63, op_psrlwi_63},
	{"psrlwi", 64, op_psrlwi_64},
	{"psrlwi", 255, op_psrlwi_255},
	{"psrlwi_mmx", 0, op_psrlwi_mmx_0},
	{"psrlwi_mmx", 1, op_psrlwi_mmx_1},
	{"psrlwi_mmx", 3, op_psrlwi_mmx_3},
	{"psrlwi_mmx", 7, op_psrlwi_mmx_7},
	{"psrlwi_mmx", 8, op_psrlwi_mmx_8},
	{"psrlwi_mmx", 15, op_psrlwi_mmx_15},
	{"psrlwi_mmx", 16, op_psrlwi_mmx_16},
	{"psrlwi_mmx", 31, op_psrlwi_mmx_31},
	{"psrlwi_mmx", 32, op_psrlwi_mmx_32},
	{"psrlwi_mmx", 33, op_psrlwi_mmx_33},
	{"psrlwi_mmx", 63, op_psrlwi_mmx_63},
	{"psrlwi_mmx", 64, op_psrlwi_mmx_64},
	{"psrlwi_mmx", 255, op_psrlwi_mmx_255},
	{"psrawi", 0, op_psrawi_0},
	{"psrawi", 1, op_psrawi_1},
	{"psrawi", 3, op_psrawi_3},
	{"psrawi", 7, op_psrawi_7},
	{"psrawi", 8, op_psrawi_8},
	{"psrawi", 15, op_psrawi_15},
	{"psrawi", 16, op_psrawi_16},
	{"psrawi", 31, op_psrawi_31},
	{"psrawi", 32, op_psrawi_32},
	{"psrawi", 33, op_psrawi_33},
	{"psrawi", 63, op_psrawi_63},
	{"psrawi", 64, op_psrawi_64},
	{"psrawi", 255, op_psrawi_255},
	{"psrawi_mmx", 0, op_psrawi_mmx_0},
	{"psrawi_mmx", 1, op_psrawi_mmx_1},
	{"psrawi_mmx", 3, op_psrawi_mmx_3},
	{"psrawi_mmx", 7, op_psrawi_mmx_7},
	{"psrawi_mmx", 8, op_psrawi_mmx_8},
	{"psrawi_mmx", 15, op_psrawi_mmx_15},
	{"psrawi_mmx", 16, op_psrawi_mmx_16},
	{"psrawi_mmx", 31, op_psrawi_mmx_31},
	{"psrawi_mmx", 32, op_psrawi_mmx_32},
	{"psrawi_mmx", 33, op_psrawi_mmx_33},
	{"psrawi_mmx", 63, op_psrawi_mmx_63},
	{"psrawi_mmx", 64, op_psrawi_mmx_64},
	{"psrawi_mmx", 255, op_psrawi_mmx_255},
	{"psllwi", 0, op_psllwi_0},
	{"psllwi", 1, op_psllwi_1},
	{"psllwi", 3, op_psllwi_3},
	{"psllwi", 7, op_psllwi_7},
	{"psllwi", 8, op_psllwi_8},
	{"psllwi", 15, op_psllwi_15},
	{"psllwi", 16, op_psllwi_16},
	{"psllwi", 31, op_psllwi_31},
	{"psllwi", 32, op_psllwi_32},
	{"psllwi", 33, op_psllwi_33},
	{"psllwi", 63, op_psllwi_63},
	{"psllwi", 64, op_psllwi_64},
	{"psllwi", 255, op_psllwi_255},
	{"psllwi_mmx", 0, op_psllwi_mmx_0},
	{"psllwi_mmx", 1, op_psllwi_mmx_1},
	{"psllwi_mmx", 3, op_psllwi_mmx_3},
	{"psllwi_mmx", 7, op_psllwi_mmx_7},
	{"psllwi_mmx", 8, op_psllwi_mmx_8},
	{"psllwi_mmx", 15, op_psllwi_mmx_15},
	{"psllwi_mmx", 16, op_psllwi_mmx_16},
	{"psllwi_mmx", 31, op_psllwi_mmx_31},
	{"psllwi_mmx", 32, op_psllwi_mmx_32},
	{"psllwi_mmx", 33, op_psllwi_mmx_33},
	{"psllwi_mmx", 63, op_psllwi_mmx_63},
	{"psllwi_mmx", 64, op_psllwi_mmx_64},
	{"psllwi_mmx", 255, op_psllwi_mmx_255},
	{"psrldi", 0, op_psrldi_0},
	{"psrldi", 1, op_psrldi_1},
	{"psrldi", 3, op_psrldi_3},
	{"psrldi", 7, op_psrldi_7},
	{"psrldi", 8, op_psrldi_8},
	{"psrldi", 15, op_psrldi_15},
	{"psrldi", 16, op_psrldi_16},
	{"psrldi", 31, op_psrldi_31},
	{"psrldi", 32, op_psrldi_32},
	{"psrldi", 33, op_psrldi_33},
	{"psrldi", 63, op_psrldi_63},
	{"psrldi", 64, op_psrldi_64},
	{"psrldi", 255, op_psrldi_255},
	{"psrldi_mmx", 0, op_psrldi_mmx_0},
	{"psrldi_mmx", 1, op_psrldi_mmx_1},
	{"psrldi_mmx", 3, op_psrldi_mmx_3},
	{"psrldi_mmx", 7, op_psrldi_mmx_7},
	{"psrldi_mmx", 8, op_psrldi_mmx_8},
	{"psrldi_mmx", 15, op_psrldi_mmx_15},
	{"psrldi_mmx", 16, op_psrldi_mmx_16},
	{"psrldi_mmx", 31, op_psrldi_mmx_31},
	{"psrldi_mmx", 32, op_psrldi_mmx_32},
	{"psrldi_mmx", 33, op_psrldi_mmx_33},
	{"psrldi_mmx", 63, op_psrldi_mmx_63},
	{"psrldi_mmx", 64, op_psrldi_mmx_64},
	{"psrldi_mmx", 255, op_psrldi_mmx_255},
	{"psradi", 0, op_psradi_0},
	{"psradi", 1, op_psradi_1},
	{"psradi", 3, op_psradi_3},
	{"psradi", 7, op_psradi_7},
	{"psradi", 8, op_psradi_8},
	{"psradi", 15, op_psradi_15},
	{"psradi", 16, op_psradi_16},
	{"psradi", 31, op_psradi_31},
	{"psradi", 32, op_psradi_32},
	{"psradi", 33, op_psradi_33},
	{"psradi", 63, op_psradi_63},
	{"psradi", 64, op_psradi_64},
	{"psradi", 255, op_psradi_255},
	{"psradi_mmx", 0, op_psradi_mmx_0},
	{"psradi_mmx", 1, op_psradi_mmx_1},
	{"psradi_mmx", 3, op_psradi_mmx_3},
	{"psradi_mmx", 7, op_psradi_mmx_7},
	{"psradi_mmx", 8, op_psradi_mmx_8},
	{"psradi_mmx", 15, op_psradi_mmx_15},
	{"psradi_mmx", 16, op_psradi_mmx_16},
	{"psradi_mmx", 31, op_psradi_mmx_31},
	{"psradi_mmx", 32, op_psradi_mmx_32},
	{"psradi_mmx", 33, op_psradi_mmx_33},
	{"psradi_mmx", 63, op_psradi_mmx_63},
	{"psradi_mmx", 64, op_psradi_mmx_64},
	{"psradi_mmx", 255, op_psradi_mmx_255},
	{"pslldi", 0, op_pslldi_0},
	{"pslldi", 1, op_pslldi_1},
	{"pslldi", 3, op_pslldi_3},
	{"pslldi", 7, op_pslldi_7},
	{"pslldi", 8, op_pslldi_8},
	{"pslldi", 15, op_pslldi_15},
	{"pslldi", 16, op_pslldi_16},
	{"pslldi", 31, op_pslldi_31},
	{"pslldi", 32, op_pslldi_32},
	{"pslldi", 33, op_pslldi_33},
	{"pslldi", 63, op_pslldi_63},
	{"pslldi", 64, op_pslldi_64},
	{"pslldi", 255, op_pslldi_255},
	{"pslldi_mmx", 0, op_pslldi_mmx_0},
	{"pslldi_mmx", 1, op_pslldi_mmx_1},
	{"pslldi_mmx", 3, op_pslldi_mmx_3},
	{"pslldi_mmx", 7, op_pslldi_mmx_7},
	{"pslldi_mmx", 8, op_pslldi_mmx_8},
	{"pslldi_mmx", 15, op_pslldi_mmx_15},
	{"pslldi_mmx", 16, op_pslldi_mmx_16},
	{"pslldi_mmx", 31, op_pslldi_mmx_31},
	{"pslldi_mmx", 32, op_pslldi_mmx_32},
	{"pslldi_mmx", 33, op_pslldi_mmx_33},
	{"pslldi_mmx", 63, op_pslldi_mmx_63},
	{"pslldi_mmx", 64, op_pslldi_mmx_64},
	{"pslldi_mmx", 255, op_pslldi_mmx_255},
	{"psrlqi", 0, op_psrlqi_0},
	{"psrlqi", 1, op_psrlqi_1},
	{"psrlqi", 3, op_psrlqi_3},
	{"psrlqi", 7, op_psrlqi_7},
	{"psrlqi", 8, op_psrlqi_8},
	{"psrlqi", 15, op_psrlqi_15},
	{"psrlqi", 16, op_psrlqi_16},
	{"psrlqi", 31, op_psrlqi_31},
	{"psrlqi", 32, op_psrlqi_32},
	{"psrlqi", 33, op_psrlqi_33},
	{"psrlqi", 63, op_psrlqi_63},
	{"psrlqi", 64, op_psrlqi_64},
	{"psrlqi", 255, op_psrlqi_255},
	{"psrlqi_mmx", 0, op_psrlqi_mmx_0},
	{"psrlqi_mmx", 1, op_psrlqi_mmx_1},
	{"psrlqi_mmx", 3, op_psrlqi_mmx_3},
	{"psrlqi_mmx", 7, op_psrlqi_mmx_7},
	{"psrlqi_mmx", 8, op_psrlqi_mmx_8},
	{"psrlqi_mmx", 15, op_psrlqi_mmx_15},
	{"psrlqi_mmx", 16, op_psrlqi_mmx_16},
	{"psrlqi_mmx", 31, op_psrlqi_mmx_31},
	{"psrlqi_mmx", 32, op_psrlqi_mmx_32},
	{"psrlqi_mmx", 33, op_psrlqi_mmx_33},
	{"psrlqi_mmx", 63, op_psrlqi_mmx_63},
	{"psrlqi_mmx", 64, op_psrlqi_mmx_64},
	{"psrlqi_mmx", 255, op_psrlqi_mmx_255},
	{"psllqi", 0, op_psllqi_0},
	{"psllqi", 1, op_psllqi_1},
	{"psllqi", 3, op_psllqi_3},
	{"psllqi", 7, op_psllqi_7},
	{"psllqi", 8, op_psllqi_8},
	{"psllqi", 15, op_psllqi_15},
	{"psllqi", 16, op_psllqi_16},
	{"psllqi", 31, op_psllqi_31},
	{"psllqi", 32, op_psllqi_32},
	{"psllqi", 33, op_psllqi_33},
	{"psllqi", 63, op_psllqi_63},
	{"psllqi", 64, op_psllqi_64},
	{"psllqi", 255, op_psllqi_255},
	{"psllqi_mmx", 0, op_psllqi_mmx_0},
	{"psllqi_mmx", 1, op_psllqi_mmx_1},
	{"psllqi_mmx", 3, op_psllqi_mmx_3},
	{"psllqi_mmx", 7, op_psllqi_mmx_7},
	{"psllqi_mmx", 8, op_psllqi_mmx_8},
	{"psllqi_mmx", 15, op_psllqi_mmx_15},
	{"psllqi_mmx", 16, op_psllqi_mmx_16},
	{"psllqi_mmx", 31, op_psllqi_mmx_31},
	{"psllqi_mmx", 32, op_psllqi_mmx_32},
	{"psllqi_mmx", 33, op_psllqi_mmx_33},
	{"psllqi_mmx", 63, op_psllqi_mmx_63},
	{"psllqi_mmx", 64, op_psllqi_mmx_64},
	{"psllqi_mmx", 255, op_psllqi_mmx_255},
	{"psrldq", 0, op_psrldq_0},
	{"psrldq", 1, op_psrldq_1},
	{"psrldq", 5, op_psrldq_5},
	{"psrldq", 8, op_psrldq_8},
	{"psrldq", 15, op_psrldq_15},
	{"psrldq", 16, op_psrldq_16},
	{"psrldq", 17, op_psrldq_17},
	{"psrldq", 255, op_psrldq_255},
	{"pslldq", 0, op_pslldq_0},
	{"pslldq", 1, op_pslldq_1},
	{"pslldq", 5, op_pslldq_5},
	{"pslldq", 8, op_pslldq_8},
	{"pslldq", 15, op_pslldq_15},
	{"pslldq", 16, op_pslldq_16},
	{"pslldq", 17, op_pslldq_17},
	{"pslldq", 255, op_pslldq_255},
	{"punpcklqdq", -1, op_punpcklqdq},
	{"punpckhqdq", -1, op_punpckhqdq},
	{"pshufd", 0, op_pshufd_0},
	{"pshufd", 1, op_pshufd_1},
	{"pshufd", 15, op_pshufd_15},
	{"pshufd", 27, op_pshufd_27},
	{"pshufd", 49, op_pshufd_49},
	{"pshufd", 63, op_pshufd_63},
	{"pshufd", 85, op_pshufd_85},
	{"pshufd", 127, op_pshufd_127},
	{"pshufd", 128, op_pshufd_128},
	{"pshufd", 153, op_pshufd_153},
	{"pshufd", 170, op_pshufd_170},
	{"pshufd", 185, op_pshufd_185},
	{"pshufd", 228, op_pshufd_228},
	{"pshufd", 240, op_pshufd_240},
	{"pshufd", 241, op_pshufd_241},
	{"pshufd", 255, op_pshufd_255},
	{"pshuflw", 0, op_pshuflw_0},
	{"pshuflw", 1, op_pshuflw_1},
	{"pshuflw", 15, op_pshuflw_15},
	{"pshuflw", 27, op_pshuflw_27},
	{"pshuflw", 49, op_pshuflw_49},
	{"pshuflw", 63, op_pshuflw_63},
	{"pshuflw", 85, op_pshuflw_85},
	{"pshuflw", 92, op_pshuflw_92},
	{"pshuflw", 124, op_pshuflw_124},
	{"pshuflw", 127, op_pshuflw_127},
	{"pshuflw", 128, op_pshuflw_128},
	{"pshuflw", 170, op_pshuflw_170},
	{"pshuflw", 228, op_pshuflw_228},
	{"pshuflw", 240, op_pshuflw_240},
	{"pshuflw", 241, op_pshuflw_241},
	{"pshuflw", 255, op_pshuflw_255},
	{"pshufhw", 0, op_pshufhw_0},
	{"pshufhw", 1, op_pshufhw_1},
	{"pshufhw", 15, op_pshufhw_15},
	{"pshufhw", 27, op_pshufhw_27},
	{"pshufhw", 41, op_pshufhw_41},
	{"pshufhw", 49, op_pshufhw_49},
	{"pshufhw", 63, op_pshufhw_63},
	{"pshufhw", 85, op_pshufhw_85},
	{"pshufhw", 127, op_pshufhw_127},
	{"pshufhw", 128, op_pshufhw_128},
	{"pshufhw", 153, op_pshufhw_153},
	{"pshufhw", 170, op_pshufhw_170},
	{"pshufhw", 228, op_pshufhw_228},
	{"pshufhw", 240, op_pshufhw_240},
	{"pshufhw", 241, op_pshufhw_241},
	{"pshufhw", 255, op_pshufhw_255},
	{"pshufw_mmx", 0, op_pshufw_mmx_0},
	{"pshufw_mmx", 1, op_pshufw_mmx_1},
	{"pshufw_mmx", 15, op_pshufw_mmx_15},
	{"pshufw_mmx", 27, op_pshufw_mmx_27},
	{"pshufw_mmx", 49, op_pshufw_mmx_49},
	{"pshufw_mmx", 63, op_pshufw_mmx_63},
	{"pshufw_mmx", 85, op_pshufw_mmx_85},
	{"pshufw_mmx", 127, op_pshufw_mmx_127},
	{"pshufw_mmx", 128, op_pshufw_mmx_128},
	{"pshufw_mmx", 170, op_pshufw_mmx_170},
	{"pshufw_mmx", 175, op_pshufw_mmx_175},
	{"pshufw_mmx", 228, op_pshufw_mmx_228},
	{"pshufw_mmx", 240, op_pshufw_mmx_240},
	{"pshufw_mmx", 241, op_pshufw_mmx_241},
	{"pshufw_mmx", 253, op_pshufw_mmx_253},
	{"pshufw_mmx", 255, op_pshufw_mmx_255},
	{"pextrw", 0, op_pextrw_0},
	{"pextrw", 1, op_pextrw_1},
	{"pextrw", 2, op_pextrw_2},
	{"pextrw", 3, op_pextrw_3},
	{"pextrw", 4, op_pextrw_4},
	{"pextrw", 5, op_pextrw_5},
	{"pextrw", 6, op_pextrw_6},
	{"pextrw", 7, op_pextrw_7},
	{"pinsrw", 0, op_pinsrw_0},
	{"pinsrw", 1, op_pinsrw_1},
	{"pinsrw", 2, op_pinsrw_2},
	{"pinsrw", 3, op_pinsrw_3},
	{"pinsrw", 4, op_pinsrw_4},
	{"pinsrw", 5, op_pinsrw_5},
	{"pinsrw", 6, op_pinsrw_6},
	{"pinsrw", 7, op_pinsrw_7},
	{"pextrw_mmx", 0, op_pextrw_mmx_0},
	{"pextrw_mmx", 1, op_pextrw_mmx_1},
	{"pextrw_mmx", 2, op_pextrw_mmx_2},
	{"pextrw_mmx", 3, op_pextrw_mmx_3},
	{"pinsrw_mmx", 0, op_pinsrw_mmx_0},
	{"pinsrw_mmx", 1, op_pinsrw_mmx_1},
	{"pinsrw_mmx", 2, op_pinsrw_mmx_2},
	{"pinsrw_mmx", 3, op_pinsrw_mmx_3},
	{"palignr", 0, op_palignr_0},
	{"palignr", 1, op_palignr_1},
	{"palignr", 4, op_palignr_4},
	{"palignr", 8, op_palignr_8},
	{"palignr", 15, op_palignr_15},
	{"palignr", 16, op_palignr_16},
	{"palignr", 17, op_palignr_17},
	{"palignr", 24, op_palignr_24},
	{"palignr", 31, op_palignr_31},
	{"palignr", 32, op_palignr_32},
	{"palignr", 33, op_palignr_33},
	{"palignr", 255, op_palignr_255},
	{"palignr_mmx", 0, op_palignr_mmx_0},
	{"palignr_mmx", 1, op_palignr_mmx_1},
	{"palignr_mmx", 4, op_palignr_mmx_4},
	{"palignr_mmx", 7, op_palignr_mmx_7},
	{"palignr_mmx", 8, op_palignr_mmx_8},
	{"palignr_mmx", 9, op_palignr_mmx_9},
	{"palignr_mmx", 15, op_palignr_mmx_15},
	{"palignr_mmx", 16, op_palignr_mmx_16},
	{"palignr_mmx", 17, op_palignr_mmx_17},
	{"palignr_mmx", 255, op_palignr_mmx_255},
	{"ptest", -1, op_ptest},
	{"pmovsxbw", -1, op_pmovsxbw},
	{"pmovsxbd", -1, op_pmovsxbd},
	{"pmovsxbq", -1, op_pmovsxbq},
	{"pmovsxwd", -1, op_pmovsxwd},
	{"pmovsxwq", -1, op_pmovsxwq},
	{"pmovsxdq", -1, op_pmovsxdq},
	{"pmuldq", -1, op_pmuldq},
	{"pcmpeqq", -1, op_pcmpeqq},
	{"packusdw", -1, op_packusdw},
	{"pmovzxbw", -1, op_pmovzxbw},
	{"pmovzxbd", -1, op_pmovzxbd},
	{"pmovzxbq", -1, op_pmovzxbq},
	{"pmovzxwd", -1, op_pmovzxwd},
	{"pmovzxwq", -1, op_pmovzxwq},
	{"pmovzxdq", -1, op_pmovzxdq},
	{"pcmpgtq", -1, op_pcmpgtq},
	{"pminsb", -1, op_pminsb},
	{"pminsd", -1, op_pminsd},
	{"pminuw", -1, op_pminuw},
	{"pminud", -1, op_pminud},
	{"pmaxsb", -1, op_pmaxsb},
	{"pmaxsd", -1, op_pmaxsd},
	{"pmaxuw", -1, op_pmaxuw},
	{"pmaxud", -1, op_pmaxud},
	{"pmulld", -1, op_pmulld},
	{"phminposuw", -1, op_phminposuw},
	{"pextrb", 0, op_pextrb_0},
	{"pextrb", 1, op_pextrb_1},
	{"pextrb", 2, op_pextrb_2},
	{"pextrb", 3, op_pextrb_3},
	{"pextrb", 4, op_pextrb_4},
	{"pextrb", 5, op_pextrb_5},
	{"pextrb", 6, op_pextrb_6},
	{"pextrb", 7, op_pextrb_7},
	{"pextrb", 8, op_pextrb_8},
	{"pextrb", 9, op_pextrb_9},
	{"pextrb", 10, op_pextrb_10},
	{"pextrb", 11, op_pextrb_11},
	{"pextrb", 12, op_pextrb_12},
	{"pextrb", 13, op_pextrb_13},
	{"pextrb", 14, op_pextrb_14},
	{"pextrb", 15, op_pextrb_15},
	{"pextrd", 0, op_pextrd_0},
	{"pextrd", 1, op_pextrd_1},
	{"pextrd", 2, op_pextrd_2},
	{"pextrd", 3, op_pextrd_3},
	{"pextrq", 0, op_pextrq_0},
	{"pextrq", 1, op_pextrq_1},
	{"pinsrb", 0, op_pinsrb_0},
	{"pinsrb", 1, op_pinsrb_1},
	{"pinsrb", 2, op_pinsrb_2},
	{"pinsrb", 3, op_pinsrb_3},
	{"pinsrb", 4, op_pinsrb_4},
	{"pinsrb", 5, op_pinsrb_5},
	{"pinsrb", 6, op_pinsrb_6},
	{"pinsrb", 7, op_pinsrb_7},
	{"pinsrb", 8, op_pinsrb_8},
	{"pinsrb", 9, op_pinsrb_9},
	{"pinsrb", 10, op_pinsrb_10},
	{"pinsrb", 11, op_pinsrb_11},
	{"pinsrb", 12, op_pinsrb_12},
	{"pinsrb", 13, op_pinsrb_13},
	{"pinsrb", 14, op_pinsrb_14},
	{"pinsrb", 15, op_pinsrb_15},
	{"pinsrd", 0, op_pinsrd_0},
	{"pinsrd", 1, op_pinsrd_1},
	{"pinsrd", 2, op_pinsrd_2},
	{"pinsrd", 3, op_pinsrd_3},
	{"pinsrq", 0, op_pinsrq_0},
	{"pinsrq", 1, op_pinsrq_1},
	{"mpsadbw", 0, op_mpsadbw_0},
	{"mpsadbw", 1, op_mpsadbw_1},
	{"mpsadbw", 2, op_mpsadbw_2},
	{"mpsadbw", 3, op_mpsadbw_3},
	{"mpsadbw", 4, op_mpsadbw_4},
	{"mpsadbw", 5, op_mpsadbw_5},
	{"mpsadbw", 6, op_mpsadbw_6},
	{"mpsadbw", 7, op_mpsadbw_7},
	{"pcmpestrm", 0, op_pcmpestrm_0},
	{"pcmpestrm", 1, op_pcmpestrm_1},
	{"pcmpestrm", 2, op_pcmpestrm_2},
	{"pcmpestrm", 3, op_pcmpestrm_3},
	{"pcmpestrm", 4, op_pcmpestrm_4},
	{"pcmpestrm", 5, op_pcmpestrm_5},
	{"pcmpestrm", 6, op_pcmpestrm_6},
	{"pcmpestrm", 7, op_pcmpestrm_7},
	{"pcmpestrm", 8, op_pcmpestrm_8},
	{"pcmpestrm", 9, op_pcmpestrm_9},
	{"pcmpestrm", 10, op_pcmpestrm_10},
	{"pcmpestrm", 11, op_pcmpestrm_11},
	{"pcmpestrm", 12, op_pcmpestrm_12},
	{"pcmpestrm", 13, op_pcmpestrm_13},
	{"pcmpestrm", 14, op_pcmpestrm_14},
	{"pcmpestrm", 15, op_pcmpestrm_15},
	{"pcmpestrm", 16, op_pcmpestrm_16},
	{"pcmpestrm", 17, op_pcmpestrm_17},
	{"pcmpestrm", 18, op_pcmpestrm_18},
	{"pcmpestrm", 19, op_pcmpestrm_19},
	{"pcmpestrm", 20, op_pcmpestrm_20},
	{"pcmpestrm", 21, op_pcmpestrm_21},
	{"pcmpestrm", 22, op_pcmpestrm_22},
	{"pcmpestrm", 23, op_pcmpestrm_23},
	{"pcmpestrm", 24, op_pcmpestrm_24},
	{"pcmpestrm", 25, op_pcmpestrm_25},
	{"pcmpestrm", 26, op_pcmpestrm_26},
	{"pcmpestrm", 27, op_pcmpestrm_27},
	{"pcmpestrm", 28, op_pcmpestrm_28},
	{"pcmpestrm", 29, op_pcmpestrm_29},
	{"pcmpestrm", 30, op_pcmpestrm_30},
	{"pcmpestrm", 31, op_pcmpestrm_31},
	{"pcmpestrm", 32, op_pcmpestrm_32},
	{"pcmpestrm", 33, op_pcmpestrm_33},
	{"pcmpestrm", 34, op_pcmpestrm_34},
	{"pcmpestrm", 35, op_pcmpestrm_35},
	{"pcmpestrm", 36, op_pcmpestrm_36},
	{"pcmpestrm", 37, op_pcmpestrm_37},
	{"pcmpestrm", 38, op_pcmpestrm_38},
	{"pcmpestrm", 39, op_pcmpestrm_39},
	{"pcmpestrm", 40, op_pcmpestrm_40},
	{"pcmpestrm", 41, op_pcmpestrm_41},
	{"pcmpestrm", 42, op_pcmpestrm_42},
	{"pcmpestrm", 43, op_pcmpestrm_43},
	{"pcmpestrm", 44, op_pcmpestrm_44},
	{"pcmpestrm", 45, op_pcmpestrm_45},
	{"pcmpestrm", 46, op_pcmpestrm_46},
	{"pcmpestrm", 47, op_pcmpestrm_47},
	{"pcmpestrm", 48, op_pcmpestrm_48},
	{"pcmpestrm", 49, op_pcmpestrm_49},
	{"pcmpestrm", 50, op_pcmpestrm_50},
	{"pcmpestrm", 51, op_pcmpestrm_51},
	{"pcmpestrm", 52, op_pcmpestrm_52},
	{"pcmpestrm", 53, op_pcmpestrm_53},
	{"pcmpestrm", 54, op_pcmpestrm_54},
	{"pcmpestrm", 55, op_pcmpestrm_55},
	{"pcmpestrm", 56, op_pcmpestrm_56},
	{"pcmpestrm", 57, op_pcmpestrm_57},
	{"pcmpestrm", 58, op_pcmpestrm_58},
	{"pcmpestrm", 59, op_pcmpestrm_59},
	{"pcmpestrm", 60, op_pcmpestrm_60},
	{"pcmpestrm", 61, op_pcmpestrm_61},
	{"pcmpestrm", 62, op_pcmpestrm_62},
	{"pcmpestrm", 63, op_pcmpestrm_63},
	{"pcmpestrm", 64, op_pcmpestrm_64},
	{"pcmpestrm", 65, op_pcmpestrm_65},
	{"pcmpestrm", 66, op_pcmpestrm_66},
	{"pcmpestrm", 67, op_pcmpestrm_67},
	{"pcmpestrm", 68, op_pcmpestrm_68},
	{"pcmpestrm", 69, op_pcmpestrm_69},
	{"pcmpestrm", 70, op_pcmpestrm_70},
	{"pcmpestrm", 71, op_pcmpestrm_71},
	{"pcmpestrm", 72, op_pcmpestrm_72},
	{"pcmpestrm", 73, op_pcmpestrm_73},
	{"pcmpestrm", 74, op_pcmpestrm_74},
	{"pcmpestrm", 75, op_pcmpestrm_75},
	{"pcmpestrm", 76, op_pcmpestrm_76},
	{"pcmpestrm", 77, op_pcmpestrm_77},
	{"pcmpestrm", 78, op_pcmpestrm_78},
	{"pcmpestrm", 79, op_pcmpestrm_79},
	{"pcmpestrm", 80, op_pcmpestrm_80},
	{"pcmpestrm", 81, op_pcmpestrm_81},
	{"pcmpestrm", 82, op_pcmpestrm_82},
	{"pcmpestrm", 83, op_pcmpestrm_83},
	{"pcmpestrm", 84, op_pcmpestrm_84},
	{"pcmpestrm", 85, op_pcmpestrm_85},
	{"pcmpestrm", 86, op_pcmpestrm_86},
	{"pcmpestrm", 87, op_pcmpestrm_87},
	{"pcmpestrm", 88, op_pcmpestrm_88},
	{"pcmpestrm", 89, op_pcmpestrm_89},
	{"pcmpestrm", 90, op_pcmpestrm_90},
	{"pcmpestrm", 91, op_pcmpestrm_91},
	{"pcmpestrm", 92, op_pcmpestrm_92},
	{"pcmpestrm", 93, op_pcmpestrm_93},
	{"pcmpestrm", 94, op_pcmpestrm_94},
	{"pcmpestrm", 95, op_pcmpestrm_95},
	{"pcmpestrm", 96, op_pcmpestrm_96},
	{"pcmpestrm", 97, op_pcmpestrm_97},
	{"pcmpestrm", 98, op_pcmpestrm_98},
	{"pcmpestrm", 99, op_pcmpestrm_99},
	{"pcmpestrm", 100, op_pcmpestrm_100},
	{"pcmpestrm", 101, op_pcmpestrm_101},
	{"pcmpestrm", 102, op_pcmpestrm_102},
	{"pcmpestrm", 103, op_pcmpestrm_103},
	{"pcmpestrm", 104, op_pcmpestrm_104},
	{"pcmpestrm", 105, op_pcmpestrm_105},
	{"pcmpestrm", 106, op_pcmpestrm_106},
	{"pcmpestrm", 107, op_pcmpestrm_107},
	{"pcmpestrm", 108, op_pcmpestrm_108},
	{"pcmpestrm", 109, op_pcmpestrm_109},
	{"pcmpestrm", 110, op_pcmpestrm_110},
	{"pcmpestrm", 111, op_pcmpestrm_111},
	{"pcmpestrm", 112, op_pcmpestrm_112},
	{"pcmpestrm", 113, op_pcmpestrm_113},
	{"pcmpestrm", 114, op_pcmpestrm_114},
	{"pcmpestrm", 115, op_pcmpestrm_115},
	{"pcmpestrm", 116, op_pcmpestrm_116},
	{"pcmpestrm", 117, op_pcmpestrm_117},
	{"pcmpestrm", 118, op_pcmpestrm_118},
	{"pcmpestrm", 119, op_pcmpestrm_119},
	{"pcmpestrm", 120, op_pcmpestrm_120},
	{"pcmpestrm", 121, op_pcmpestrm_121},
	{"pcmpestrm", 122, op_pcmpestrm_122},
	{"pcmpestrm", 123, op_pcmpestrm_123},
	{"pcmpestrm", 124, op_pcmpestrm_124},
	{"pcmpestrm", 125, op_pcmpestrm_125},
	{"pcmpestrm", 126, op_pcmpestrm_126},
	{"pcmpestrm", 127, op_pcmpestrm_127},
	{"pcmpestri", 0, op_pcmpestri_0},
	{"pcmpestri", 1, op_pcmpestri_1},
	{"pcmpestri", 2, op_pcmpestri_2},
	{"pcmpestri", 3, op_pcmpestri_3},
	{"pcmpestri", 4, op_pcmpestri_4},
	{"pcmpestri", 5, op_pcmpestri_5},
	{"pcmpestri", 6, op_pcmpestri_6},
	{"pcmpestri", 7, op_pcmpestri_7},
	{"pcmpestri", 8, op_pcmpestri_8},
	{"pcmpestri", 9, op_pcmpestri_9},
	{"pcmpestri", 10, op_pcmpestri_10},
	{"pcmpestri", 11, op_pcmpestri_11},
	{"pcmpestri", 12, op_pcmpestri_12},
	{"pcmpestri", 13, op_pcmpestri_13},
	{"pcmpestri", 14, op_pcmpestri_14},
	{"pcmpestri", 15, op_pcmpestri_15},
	{"pcmpestri", 16, op_pcmpestri_16},
	{"pcmpestri", 17, op_pcmpestri_17},
	{"pcmpestri", 18, op_pcmpestri_18},
	{"pcmpestri", 19, op_pcmpestri_19},
	{"pcmpestri", 20, op_pcmpestri_20},
	{"pcmpestri", 21, op_pcmpestri_21},
	{"pcmpestri", 22, op_pcmpestri_22},
	{"pcmpestri", 23, op_pcmpestri_23},
	{"pcmpestri", 24, op_pcmpestri_24},
	{"pcmpestri", 25, op_pcmpestri_25},
	{"pcmpestri", 26, op_pcmpestri_26},
	{"pcmpestri", 27, op_pcmpestri_27},
	{"pcmpestri", 28, op_pcmpestri_28},
	{"pcmpestri", 29, op_pcmpestri_29},
	{"pcmpestri", 30, op_pcmpestri_30},
	{"pcmpestri", 31, op_pcmpestri_31},
	{"pcmpestri", 32, op_pcmpestri_32},
	{"pcmpestri", 33, op_pcmpestri_33},
	{"pcmpestri", 34, op_pcmpestri_34},
	{"pcmpestri", 35, op_pcmpestri_35},
	{"pcmpestri", 36, op_pcmpestri_36},
	{"pcmpestri", 37, op_pcmpestri_37},
	{"pcmpestri", 38, op_pcmpestri_38},
	{"pcmpestri", 39, op_pcmpestri_39},
	{"pcmpestri", 40, op_pcmpestri_40},
	{"pcmpestri", 41, op_pcmpestri_41},
	{"pcmpestri", 42, op_pcmpestri_42},
	{"pcmpestri", 43, op_pcmpestri_43},
	{"pcmpestri", 44, op_pcmpestri_44},
	{"pcmpestri", 45, op_pcmpestri_45},
	{"pcmpestri", 46, op_pcmpestri_46},
	{"pcmpestri", 47, op_pcmpestri_47},
	{"pcmpestri", 48, op_pcmpestri_48},
	{"pcmpestri", 49, op_pcmpestri_49},
	{"pcmpestri", 50, op_pcmpestri_50},
	{"pcmpestri", 51, op_pcmpestri_51},
	{"pcmpestri", 52, op_pcmpestri_52},
	{"pcmpestri", 53, op_pcmpestri_53},
	{"pcmpestri", 54, op_pcmpestri_54},
	{"pcmpestri", 55, op_pcmpestri_55},
	{"pcmpestri", 56, op_pcmpestri_56},
	{"pcmpestri", 57, op_pcmpestri_57},
	{"pcmpestri", 58, op_pcmpestri_58},
	{"pcmpestri", 59, op_pcmpestri_59},
	{"pcmpestri", 60, op_pcmpestri_60},
	{"pcmpestri", 61, op_pcmpestri_61},
	{"pcmpestri", 62, op_pcmpestri_62},
	{"pcmpestri", 63, op_pcmpestri_63},
	{"pcmpestri", 64, op_pcmpestri_64},
	{"pcmpestri", 65, op_pcmpestri_65},
	{"pcmpestri", 66, op_pcmpestri_66},
	{"pcmpestri", 67, op_pcmpestri_67},
	{"pcmpestri", 68, op_pcmpestri_68},
	{"pcmpestri", 69, op_pcmpestri_69},
	{"pcmpestri", 70, op_pcmpestri_70},
	{"pcmpestri", 71, op_pcmpestri_71},
	{"pcmpestri", 72, op_pcmpestri_72},
	{"pcmpestri", 73, op_pcmpestri_73},
	{"pcmpestri", 74, op_pcmpestri_74},
	{"pcmpestri", 75, op_pcmpestri_75},
	{"pcmpestri", 76, op_pcmpestri_76},
	{"pcmpestri", 77, op_pcmpestri_77},
	{"pcmpestri", 78, op_pcmpestri_78},
	{"pcmpestri", 79, op_pcmpestri_79},
	{"pcmpestri", 80, op_pcmpestri_80},
	{"pcmpestri", 81, op_pcmpestri_81},
	{"pcmpestri", 82, op_pcmpestri_82},
	{"pcmpestri", 83, op_pcmpestri_83},
	{"pcmpestri", 84, op_pcmpestri_84},
	{"pcmpestri", 85, op_pcmpestri_85},
	{"pcmpestri", 86, op_pcmpestri_86},
	{"pcmpestri", 87, op_pcmpestri_87},
	{"pcmpestri", 88, op_pcmpestri_88},
	{"pcmpestri", 89, op_pcmpestri_89},
	{"pcmpestri", 90, op_pcmpestri_90},
	{"pcmpestri", 91, op_pcmpestri_91},
	{"pcmpestri", 92, op_pcmpestri_92},
	{"pcmpestri", 93, op_pcmpestri_93},
	{"pcmpestri", 94, op_pcmpestri_94},
	{"pcmpestri", 95, op_pcmpestri_95},
	{"pcmpestri", 96, op_pcmpestri_96},
	{"pcmpestri", 97, op_pcmpestri_97},
	{"pcmpestri", 98, op_pcmpestri_98},
	{"pcmpestri", 99, op_pcmpestri_99},
	{"pcmpestri", 100, op_pcmpestri_100},
	{"pcmpestri", 101, op_pcmpestri_101},
	{"pcmpestri", 102, op_pcmpestri_102},
	{"pcmpestri", 103, op_pcmpestri_103},
	{"pcmpestri", 104, op_pcmpestri_104},
	{"pcmpestri", 105, op_pcmpestri_105},
	{"pcmpestri", 106, op_pcmpestri_106},
	{"pcmpestri", 107, op_pcmpestri_107},
	{"pcmpestri", 108, op_pcmpestri_108},
	{"pcmpestri", 109, op_pcmpestri_109},
	{"pcmpestri", 110, op_pcmpestri_110},
	{"pcmpestri", 111, op_pcmpestri_111},
	{"pcmpestri", 112, op_pcmpestri_112},
	{"pcmpestri", 113, op_pcmpestri_113},
	{"pcmpestri", 114, op_pcmpestri_114},
	{"pcmpestri", 115, op_pcmpestri_115},
	{"pcmpestri", 116, op_pcmpestri_116},
	{"pcmpestri", 117, op_pcmpestri_117},
	{"pcmpestri", 118, op_pcmpestri_118},
	{"pcmpestri", 119, op_pcmpestri_119},
	{"pcmpestri", 120, op_pcmpestri_120},
	{"pcmpestri", 121, op_pcmpestri_121},
	{"pcmpestri", 122, op_pcmpestri_122},
	{"pcmpestri", 123, op_pcmpestri_123},
	{"pcmpestri", 124, op_pcmpestri_124},
	{"pcmpestri", 125, op_pcmpestri_125},
	{"pcmpestri", 126, op_pcmpestri_126},
	{"pcmpestri", 127, op_pcmpestri_127},
	{"pcmpistrm", 0, op_pcmpistrm_0},
	{"pcmpistrm", 1, op_pcmpistrm_1},
	{"pcmpistrm", 2, op_pcmpistrm_2},
	{"pcmpistrm", 3, op_pcmpistrm_3},
	{"pcmpistrm", 4, op_pcmpistrm_4},
	{"pcmpistrm", 5, op_pcmpistrm_5},
	{"pcmpistrm", 6, op_pcmpistrm_6},
	{"pcmpistrm", 7, op_pcmpistrm_7},
	{"pcmpistrm", 8, op_pcmpistrm_8},
	{"pcmpistrm", 9, op_pcmpistrm_9},
	{"pcmpistrm", 10, op_pcmpistrm_10},
	{"pcmpistrm", 11, op_pcmpistrm_11},
	{"pcmpistrm", 12, op_pcmpistrm_12},
	{"pcmpistrm", 13, op_pcmpistrm_13},
	{"pcmpistrm", 14, op_pcmpistrm_14},
	{"pcmpistrm", 15, op_pcmpistrm_15},
	{"pcmpistrm", 16, op_pcmpistrm_16},
	{"pcmpistrm", 17, op_pcmpistrm_17},
	{"pcmpistrm", 18, op_pcmpistrm_18},
	{"pcmpistrm", 19, op_pcmpistrm_19},
	{"pcmpistrm", 20, op_pcmpistrm_20},
	{"pcmpistrm", 21, op_pcmpistrm_21},
	{"pcmpistrm", 22, op_pcmpistrm_22},
	{"pcmpistrm", 23, op_pcmpistrm_23},
	{"pcmpistrm", 24, op_pcmpistrm_24},
	{"pcmpistrm", 25, op_pcmpistrm_25},
	{"pcmpistrm", 26, op_pcmpistrm_26},
	{"pcmpistrm", 27, op_pcmpistrm_27},
	{"pcmpistrm", 28, op_pcmpistrm_28},
	{"pcmpistrm", 29, op_pcmpistrm_29},
	{"pcmpistrm", 30, op_pcmpistrm_30},
	{"pcmpistrm", 31, op_pcmpistrm_31},
	{"pcmpistrm", 32, op_pcmpistrm_32},
	{"pcmpistrm", 33, op_pcmpistrm_33},
	{"pcmpistrm", 34, op_pcmpistrm_34},
	{"pcmpistrm", 35, op_pcmpistrm_35},
	{"pcmpistrm", 36, op_pcmpistrm_36},
	{"pcmpistrm", 37, op_pcmpistrm_37},
	{"pcmpistrm", 38, op_pcmpistrm_38},
	{"pcmpistrm", 39, op_pcmpistrm_39},
	{"pcmpistrm", 40, op_pcmpistrm_40},
	{"pcmpistrm", 41, op_pcmpistrm_41},
	{"pcmpistrm", 42, op_pcmpistrm_42},
	{"pcmpistrm", 43, op_pcmpistrm_43},
	{"pcmpistrm", 44, op_pcmpistrm_44},
	{"pcmpistrm", 45, op_pcmpistrm_45},
	{"pcmpistrm", 46, op_pcmpistrm_46},
	{"pcmpistrm", 47, op_pcmpistrm_47},
	{"pcmpistrm", 48, op_pcmpistrm_48},
	{"pcmpistrm", 49, op_pcmpistrm_49},
	{"pcmpistrm", 50, op_pcmpistrm_50},
	{"pcmpistrm", 51, op_pcmpistrm_51},
	{"pcmpistrm", 52, op_pcmpistrm_52},
	{"pcmpistrm", 53, op_pcmpistrm_53},
	{"pcmpistrm", 54, op_pcmpistrm_54},
	{"pcmpistrm", 55, op_pcmpistrm_55},
	{"pcmpistrm", 56, op_pcmpistrm_56},
	{"pcmpistrm", 57, op_pcmpistrm_57},
	{"pcmpistrm", 58, op_pcmpistrm_58},
	{"pcmpistrm", 59, op_pcmpistrm_59},
	{"pcmpistrm", 60, op_pcmpistrm_60},
	{"pcmpistrm", 61, op_pcmpistrm_61},
	{"pcmpistrm", 62, op_pcmpistrm_62},
	{"pcmpistrm", 63, op_pcmpistrm_63},
	{"pcmpistrm", 64, op_pcmpistrm_64},
	{"pcmpistrm", 65, op_pcmpistrm_65},
	{"pcmpistrm", 66, op_pcmpistrm_66},
	{"pcmpistrm", 67, op_pcmpistrm_67},
	{"pcmpistrm", 68, op_pcmpistrm_68},
	{"pcmpistrm", 69, op_pcmpistrm_69},
	{"pcmpistrm", 70, op_pcmpistrm_70},
	{"pcmpistrm", 71, op_pcmpistrm_71},
	{"pcmpistrm", 72, op_pcmpistrm_72},
	{"pcmpistrm", 73, op_pcmpistrm_73},
	{"pcmpistrm", 74, op_pcmpistrm_74},
	{"pcmpistrm", 75, op_pcmpistrm_75},
	{"pcmpistrm", 76, op_pcmpistrm_76},
	{"pcmpistrm", 77, op_pcmpistrm_77},
	{"pcmpistrm", 78, op_pcmpistrm_78},
	{"pcmpistrm", 79, op_pcmpistrm_79},
	{"pcmpistrm", 80, op_pcmpistrm_80},
	{"pcmpistrm", 81, op_pcmpistrm_81},
	{"pcmpistrm", 82, op_pcmpistrm_82},
	{"pcmpistrm", 83, op_pcmpistrm_83},
	{"pcmpistrm", 84, op_pcmpistrm_84},
	{"pcmpistrm", 85, op_pcmpistrm_85},
	{"pcmpistrm", 86, op_pcmpistrm_86},
	{"pcmpistrm", 87, op_pcmpistrm_87},
	{"pcmpistrm", 88, op_pcmpistrm_88},
	{"pcmpistrm", 89, op_pcmpistrm_89},
	{"pcmpistrm", 90, op_pcmpistrm_90},
	{"pcmpistrm", 91, op_pcmpistrm_91},
	{"pcmpistrm", 92, op_pcmpistrm_92},
	{"pcmpistrm", 93, op_pcmpistrm_93},
	{"pcmpistrm", 94, op_pcmpistrm_94},
	{"pcmpistrm", 95, op_pcmpistrm_95},
	{"pcmpistrm", 96, op_pcmpistrm_96},
	{"pcmpistrm", 97, op_pcmpistrm_97},
	{"pcmpistrm", 98, op_pcmpistrm_98},
	{"pcmpistrm", 99, op_pcmpistrm_99},
	{"pcmpistrm", 100, op_pcmpistrm_100},
	{"pcmpistrm", 101, op_pcmpistrm_101},
	{"pcmpistrm", 102, op_pcmpistrm_102},
	{"pcmpistrm", 103, op_pcmpistrm_103},
	{"pcmpistrm", 104, op_pcmpistrm_104},
	{"pcmpistrm", 105, op_pcmpistrm_105},
	{"pcmpistrm", 106, op_pcmpistrm_106},
	{"pcmpistrm", 107, op_pcmpistrm_107},
	{"pcmpistrm", 108, op_pcmpistrm_108},
	{"pcmpistrm", 109, op_pcmpistrm_109},
	{"pcmpistrm", 110, op_pcmpistrm_110},
	{"pcmpistrm", 111, op_pcmpistrm_111},
	{"pcmpistrm", 112, op_pcmpistrm_112},
	{"pcmpistrm", 113, op_pcmpistrm_113},
	{"pcmpistrm", 114, op_pcmpistrm_114},
	{"pcmpistrm", 115, op_pcmpistrm_115},
	{"pcmpistrm", 116, op_pcmpistrm_116},
	{"pcmpistrm", 117, op_pcmpistrm_117},
	{"pcmpistrm", 118, op_pcmpistrm_118},
	{"pcmpistrm", 119, op_pcmpistrm_119},
	{"pcmpistrm", 120, op_pcmpistrm_120},
	{"pcmpistrm", 121, op_pcmpistrm_121},
	{"pcmpistrm", 122, op_pcmpistrm_122},
	{"pcmpistrm", 123, op_pcmpistrm_123},
	{"pcmpistrm", 124, op_pcmpistrm_124},
	{"pcmpistrm", 125, op_pcmpistrm_125},
	{"pcmpistrm", 126, op_pcmpistrm_126},
	{"pcmpistrm", 127, op_pcmpistrm_127},
	{"pcmpistri", 0, op_pcmpistri_0},
	{"pcmpistri", 1, op_pcmpistri_1},
	{"pcmpistri", 2, op_pcmpistri_2},
	{"pcmpistri", 3, op_pcmpistri_3},
	{"pcmpistri", 4, op_pcmpistri_4},
	{"pcmpistri", 5, op_pcmpistri_5},
	{"pcmpistri", 6, op_pcmpistri_6},
	{"pcmpistri", 7, op_pcmpistri_7},
	{"pcmpistri", 8, op_pcmpistri_8},
	{"pcmpistri", 9, op_pcmpistri_9},
	{"pcmpistri", 10, op_pcmpistri_10},
	{"pcmpistri", 11, op_pcmpistri_11},
	{"pcmpistri", 12, op_pcmpistri_12},
	{"pcmpistri", 13, op_pcmpistri_13},
	{"pcmpistri", 14, op_pcmpistri_14},
	{"pcmpistri", 15, op_pcmpistri_15},
	{"pcmpistri", 16, op_pcmpistri_16},
	{"pcmpistri", 17, op_pcmpistri_17},
	{"pcmpistri", 18, op_pcmpistri_18},
	{"pcmpistri", 19, op_pcmpistri_19},
	{"pcmpistri", 20, op_pcmpistri_20},
	{"pcmpistri", 21, op_pcmpistri_21},
	{"pcmpistri", 22, op_pcmpistri_22},
	{"pcmpistri", 23, op_pcmpistri_23},
	{"pcmpistri", 24, op_pcmpistri_24},
	{"pcmpistri", 25, op_pcmpistri_25},
	{"pcmpistri", 26, op_pcmpistri_26},
	{"pcmpistri", 27, op_pcmpistri_27},
	{"pcmpistri", 28, op_pcmpistri_28},
	{"pcmpistri", 29, op_pcmpistri_29},
	{"pcmpistri", 30, op_pcmpistri_30},
	{"pcmpistri", 31, op_pcmpistri_31},
	{"pcmpistri", 32, op_pcmpistri_32},
	{"pcmpistri", 33, op_pcmpistri_33},
	{"pcmpistri", 34, op_pcmpistri_34},
	{"pcmpistri", 35, op_pcmpistri_35},
	{"pcmpistri", 36, op_pcmpistri_36},
	{"pcmpistri", 37, op_pcmpistri_37},
	{"pcmpistri", 38, op_pcmpistri_38},
	{"pcmpistri", 39, op_pcmpistri_39},
	{"pcmpistri", 40, op_pcmpistri_40},
	{"pcmpistri", 41, op_pcmpistri_41},
	{"pcmpistri", 42, op_pcmpistri_42},
	{"pcmpistri", 43, op_pcmpistri_43},
	{"pcmpistri", 44, op_pcmpistri_44},
	{"pcmpistri", 45, op_pcmpistri_45},
	{"pcmpistri", 46, op_pcmpistri_46},
	{"pcmpistri", 47, op_pcmpistri_47},
	{"pcmpistri", 48, op_pcmpistri_48},
	{"pcmpistri", 49, op_pcmpistri_49},
	{"pcmpistri", 50, op_pcmpistri_50},
	{"pcmpistri", 51, op_pcmpistri_51},
	{"pcmpistri", 52, op_pcmpistri_52},
	{"pcmpistri", 53, op_pcmpistri_53},
	{"pcmpistri", 54, op_pcmpistri_54},
	{"pcmpistri", 55, op_pcmpistri_55},
	{"pcmpistri", 56, op_pcmpistri_56},
	{"pcmpistri", 57, op_pcmpistri_57},
	{"pcmpistri", 58, op_pcmpistri_58},
	{"pcmpistri", 59, op_pcmpistri_59},
	{"pcmpistri", 60, op_pcmpistri_60},
	{"pcmpistri", 61, op_pcmpistri_61},
	{"pcmpistri", 62, op_pcmpistri_62},
	{"pcmpistri", 63, op_pcmpistri_63},
	{"pcmpistri", 64, op_pcmpistri_64},
	{"pcmpistri", 65, op_pcmpistri_65},
	{"pcmpistri", 66, op_pcmpistri_66},
	{"pcmpistri", 67, op_pcmpistri_67},
	{"pcmpistri", 68, op_pcmpistri_68},
	{"pcmpistri", 69, op_pcmpistri_69},
	{"pcmpistri", 70, op_pcmpistri_70},
	{"pcmpistri", 71, op_pcmpistri_71},
	{"pcmpistri", 72, op_pcmpistri_72},
	{"pcmpistri", 73, op_pcmpistri_73},
	{"pcmpistri", 74, op_pcmpistri_74},
	{"pcmpistri", 75, op_pcmpistri_75},
	{"pcmpistri", 76, op_pcmpistri_76},
	{"pcmpistri", 77, op_pcmpistri_77},
	{"pcmpistri", 78, op_pcmpistri_78},
	{"pcmpistri", 79, op_pcmpistri_79},
	{"pcmpistri", 80, op_pcmpistri_80},
	{"pcmpistri", 81, op_pcmpistri_81},
	{"pcmpistri", 82, op_pcmpistri_82},
	{"pcmpistri", 83, op_pcmpistri_83},
	{"pcmpistri", 84, op_pcmpistri_84},
	{"pcmpistri", 85, op_pcmpistri_85},
	{"pcmpistri", 86, op_pcmpistri_86},
	{"pcmpistri", 87, op_pcmpistri_87},
	{"pcmpistri", 88, op_pcmpistri_88},
	{"pcmpistri", 89, op_pcmpistri_89},
	{"pcmpistri", 90, op_pcmpistri_90},
	{"pcmpistri", 91, op_pcmpistri_91},
	{"pcmpistri", 92, op_pcmpistri_92},
	{"pcmpistri", 93, op_pcmpistri_93},
	{"pcmpistri", 94, op_pcmpistri_94},
	{"pcmpistri", 95, op_pcmpistri_95},
	{"pcmpistri", 96, op_pcmpistri_96},
	{"pcmpistri", 97, op_pcmpistri_97},
	{"pcmpistri", 98, op_pcmpistri_98},
	{"pcmpistri", 99, op_pcmpistri_99},
	{"pcmpistri", 100, op_pcmpistri_100},
	{"pcmpistri", 101, op_pcmpistri_101},
	{"pcmpistri", 102, op_pcmpistri_102},
	{"pcmpistri", 103, op_pcmpistri_103},
	{"pcmpistri", 104, op_pcmpistri_104},
	{"pcmpistri", 105, op_pcmpistri_105},
	{"pcmpistri", 106, op_pcmpistri_106},
	{"pcmpistri", 107, op_pcmpistri_107},
	{"pcmpistri", 108, op_pcmpistri_108},
	{"pcmpistri", 109, op_pcmpistri_109},
	{"pcmpistri", 110, op_pcmpistri_110},
	{"pcmpistri", 111, op_pcmpistri_111},
	{"pcmpistri", 112, op_pcmpistri_112},
	{"pcmpistri", 113, op_pcmpistri_113},
	{"pcmpistri", 114, op_pcmpistri_114},
	{"pcmpistri", 115, op_pcmpistri_115},
	{"pcmpistri", 116, op_pcmpistri_116},
	{"pcmpistri", 117, op_pcmpistri_117},
	{"pcmpistri", 118, op_pcmpistri_118},
	{"pcmpistri", 119, op_pcmpistri_119},
	{"pcmpistri", 120, op_pcmpistri_120},
	{"pcmpistri", 121, op_pcmpistri_121},
	{"pcmpistri", 122, op_pcmpistri_122},
	{"pcmpistri", 123, op_pcmpistri_123},
	{"pcmpistri", 124, op_pcmpistri_124},
	{"pcmpistri", 125, op_pcmpistri_125},
	{"pcmpistri", 126, op_pcmpistri_126},
	{"pcmpistri", 127, op_pcmpistri_127},
	{"crc32b", -1, op_crc32b},
	{"crc32w", -1, op_crc32w},
	{"crc32d", -1, op_crc32d},
	{"crc32q", -1, op_crc32q},
	{"popcntw", -1, op_popcntw},
	{"popcntd", -1, op_popcntd},
	{"popcntq", -1, op_popcntq},
}
