// Package simd implements the SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2
// operations and the MMX integer operations of x86-64, over 128-bit (Vec)
// and 64-bit (uint64) values, bit for bit as Intel processors compute them,
// MXCSR exception flags, DAZ and FTZ included.
//
// # Calling convention
//
// Every instruction is a function over pointers to its operands, named after
// the mnemonic (AddPS, PshufB, Pcmpistri, ...):
//
//	fault := simd.AddPS(&xmm[dst], &xmm[src], &mxcsr) // ADDPS xmm1, xmm2/m128
//	simd.PaddB(&xmm[dst], &xmm[src])                  // PADDB xmm1, xmm2/m128
//	mm[dst] = simd.PaddBMMX(mm[dst], mm[src])         // PADDB mm1, mm2/m64
//
// dst is the first (destination) operand and src the second, as in Intel's
// two-operand syntax; a memory operand is loaded into a Vec first (scalar
// forms read only the low 4 or 8 bytes of src). Immediates are passed as
// uint8. Functions never allocate and never call through interfaces.
//
// # Floating point and MXCSR
//
// Floating-point functions take the MXCSR by pointer: they read its rounding
// control, DAZ, FTZ and exception masks, and OR in the exception flags
// raised. They return fault == true when an unmasked exception occurred: the
// destination is then left unchanged, MXCSR holds the flags the processor
// reports in that case, and the caller raises #XM (or #UD when
// CR4.OSXMMEXCPT is clear). With all exceptions masked (the reset value
// 0x1f80) they never fault. NaN results follow Intel's rules: the first
// source operand's NaN if it is one, else the second's, quieted; invalid
// operations produce the default QNaN (sign set, top fraction bit set);
// conversions to integers produce the integer indefinite (only the sign bit
// set).
//
// RCPPS, RCPSS, RSQRTPS and RSQRTSS are approximations whose exact results
// are implementation specific; this package reproduces those of the Intel
// cores the differential tests were run on (see rcp.go).
//
// # Instruction map
//
// Floating point (all take mxcsr and return fault):
//
//	ADD/SUB/MUL/DIV/MIN/MAX/SQRT PS PD SS SD  AddPS ... SqrtSD
//	ADDSUBPS/PD, HADDPS/PD, HSUBPS/PD         AddSubPS, AddSubPD, HaddPS, HaddPD, HsubPS, HsubPD
//	CMPPS/PD/SS/SD imm (predicates 0-7)       CmpPS(d, s, imm, mx) ...
//	COMISS/SD, UCOMISS/SD                     ComiSS(a, b, mx) -> (eflags, fault): write the ComiFlags bits
//	ROUNDPS/PD/SS/SD imm                      RoundPS(d, s, imm, mx) ...
//	DPPS, DPPD imm                            DpPS, DpPD
//	CVTSS2SD, CVTSD2SS, CVTPS2PD, CVTPD2PS    CvtSS2SD ... (PD2PS and PD2DQ zero the upper half)
//	CVTDQ2PS, CVT(T)PS2DQ, CVT(T)PD2DQ        CvtDQ2PS, CvtPS2DQ, CvttPS2DQ, CvtPD2DQ, CvttPD2DQ
//	CVTDQ2PD, CVTPI2PD                        CvtDQ2PD, CvtPI2PD (exact: no mxcsr)
//	CVTSI2SS/SD r32/r64                       CvtSI2SS(d, int64(v), is64, mx), CvtSI2SD
//	CVT(T)SS2SI, CVT(T)SD2SI r32/r64          CvtSS2SI(s, is64, truncate, mx) -> (value, fault)
//	CVTPI2PS, CVT(T)PS2PI, CVT(T)PD2PI        CvtPI2PS(d, mm, mx), CvtPS2PI(s, truncate, mx) -> (mm, fault), CvtPD2PI
//	RCPPS/SS, RSQRTPS/SS                      RcpPS, RcpSS, RsqrtPS, RsqrtSS (no mxcsr: no exceptions)
//
// Data movement and logic on floats use the integer forms: ANDPS/ANDPD are
// Pand, ANDNPS PandN, ORPS Por, XORPS Pxor, UNPCKLPS PunpckLDQ, UNPCKHPS
// PunpckHDQ, UNPCKLPD PunpckLQDQ, UNPCKHPD PunpckHQDQ; SHUFPS, SHUFPD,
// BLENDPS, BLENDPD, BLENDVPS, BLENDVPD, INSERTPS, MOVMSKPS, MOVMSKPD,
// MOVDDUP, MOVSLDUP, MOVSHDUP and EXTRACTPS (PextrD) have their own
// functions. Plain moves (MOVAPS, MOVSS, MOVQ, ...) are the caller's.
//
// Integer (XMM: func(d, s *Vec); MMX: func(d, s uint64) uint64, named
// ...MMX): PADD/PSUB B W D Q, with saturation SB SW USB USW; PMULLW,
// PMULHW, PMULHUW, PMULHRSW, PMULUDQ, PMULDQ, PMULLD; PMADDWD, PMADDUBSW,
// PSADBW; PAVGB/W; PMIN/PMAX UB SB SW UW SD UD; PAND, PANDN, POR, PXOR;
// PCMPEQ/PCMPGT B W D Q; PSIGN B W D; PABS B W D (d = |s|); PACKSSWB,
// PACKSSDW, PACKUSWB, PACKUSDW; PUNPCKL/H BW WD DQ QDQ; PSHUFB; PHADD/PHSUB
// W D SW. Shifts: PsllW(d, s) by s's low quadword, PsllWImm(d, imm), and
// PsllWMMX(d, count) for MMX (likewise Psrl, Psra for W D Q; PslLDQ and
// PsrLDQ shift bytes). Shuffles: PshufD/LW/HW(d, s, imm), PshufW(mm, imm),
// PalignR(d, s, imm), PalignRMMX. Others: PmovmskB(s) uint32, PextrB/W/D/Q
// (s, imm) uint64, PinsrB/W/D/Q(d, v, imm), PmovSX/ZX BW BD BQ WD WQ DQ,
// Ptest(d, s) eflags, PhminposUW, MpsadBW, PblendW, PblendVB(d, s, xmm0).
//
// SSE4.2 and friends: PcmpEstrI(a, b, rax, rdx, imm) -> (ecx, eflags),
// PcmpEstrM -> (xmm0, eflags), PcmpIstrI, PcmpIstrM; CRC32(crc, data,
// size); Popcnt(v) -> (count, eflags).
//
// EFLAGS results are the values of the ComiFlags bits (CF, PF, AF, ZF, SF,
// OF): the caller clears those six and ORs the result in.
//
// # Vec
//
// Vec is the 16 bytes of an XMM register in memory order (little-endian
// lanes), the same type as accel.FPU's XMM entries, so a register file
// stored as [16][16]byte converts without copying: (*simd.Vec)(&fpu.XMM[i]).
package simd
