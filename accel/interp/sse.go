package interp

import (
	"gemu/accel/interp/simd"
)

// SSE..SSE4.2 and MMX: operand fetch, register files and the decode table;
// the arithmetic is package simd's.

type simdVec = simd.Vec

func (c *CPU) xmm(i uint8) *simd.Vec { return (*simd.Vec)(&c.fpu.xmm[i&15]) }

// sseSrc returns the source operand of n bytes (16, 8 or 4): the XMM
// register r2 or memory loaded into a scratch vector (zero-extended).
// Packed forms require 16-byte alignment of memory operands.
func (c *CPU) sseSrc(in *inst, n int, align bool) *simd.Vec {
	if !in.mem() {
		return c.xmm(in.r2)
	}
	ea := c.ea(in)
	if align && (c.sbase[in.seg]+ea)&15 != 0 {
		c.raiseCode(excGP, 0)
	}
	v := &c.vtmp
	*v = simd.Vec{}
	switch n {
	case 16:
		v.SetU64(0, c.read(in.seg, ea, 8))
		v.SetU64(1, c.read(in.seg, (ea+8)&in.amask(), 8))
	case 8:
		v.SetU64(0, c.read(in.seg, ea, 8))
	case 4:
		v.SetU32(0, uint32(c.read(in.seg, ea, 4)))
	case 2:
		v.SetU16(0, uint16(c.read(in.seg, ea, 2)))
	}
	return v
}

// sseStore writes n bytes of v to the memory operand.
func (c *CPU) sseStore(in *inst, v *simd.Vec, n int, align bool) {
	ea := c.ea(in)
	if align && (c.sbase[in.seg]+ea)&15 != 0 {
		c.raiseCode(excGP, 0)
	}
	switch n {
	case 16:
		c.probeWriteAt(in.seg, ea, 16)
		c.write(in.seg, ea, 8, v.U64(0))
		c.write(in.seg, (ea+8)&in.amask(), 8, v.U64(1))
	case 8:
		c.write(in.seg, ea, 8, v.U64(0))
	case 4:
		c.write(in.seg, ea, 4, uint64(v.U32(0)))
	}
}

// simdFault raises the exception for an unmasked SIMD floating-point
// exception: #XM with CR4.OSXMMEXCPT, #UD without.
func (c *CPU) simdFault() {
	if c.cr4&cr4OSXMMEXCPT != 0 {
		c.raise(excXM)
	}
	c.raise(excUD)
}

// Handler builders.

// pInt: packed integer XMM op with an aligned 128-bit source.
func pInt(f func(d, s *simd.Vec)) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		f(c.xmm(in.r1), c.sseSrc(in, 16, true))
		return false
	}
}

// pIntU: like pInt, source unaligned (or only partly read).
func pIntN(f func(d, s *simd.Vec), n int) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		f(c.xmm(in.r1), c.sseSrc(in, n, false))
		return false
	}
}

// pImm: packed XMM op with an immediate.
func pImm(f func(d, s *simd.Vec, imm uint8)) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		f(c.xmm(in.r1), c.sseSrc(in, 16, true), uint8(in.imm))
		return false
	}
}

// fp: floating-point op; n is the memory size (16 packed, 8/4 scalar).
func fp(f func(d, s *simd.Vec, mx *uint32) bool, n int) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		s := c.sseSrc(in, n, n == 16)
		if f(c.xmm(in.r1), s, &c.fpu.mxcsr) {
			c.simdFault()
		}
		return false
	}
}

func fpImm(f func(d, s *simd.Vec, imm uint8, mx *uint32) bool, n int) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		s := c.sseSrc(in, n, n == 16)
		if f(c.xmm(in.r1), s, uint8(in.imm), &c.fpu.mxcsr) {
			c.simdFault()
		}
		return false
	}
}

// MMX.

// mmxEnter checks MMX availability and puts the x87 unit in MMX state.
func (c *CPU) mmxEnter() {
	if c.cr0&cr0EM != 0 {
		c.raise(excUD)
	}
	if c.cr0&cr0TS != 0 {
		c.raise(excNM)
	}
	c.fpuCheckPending()
	c.fpu.fsw &^= 7 << 11 // TOP = 0
	c.fpu.ftw = 0         // every register valid
}

func (c *CPU) mm(i uint8) uint64 { return c.fpu.st[i&7].Mant }

func (c *CPU) setMM(i uint8, v uint64) {
	c.fpu.st[i&7].Mant = v
	c.fpu.st[i&7].SignExp = 0xffff
}

// mmSrc reads the 64-bit MMX source: register r2&7 or memory.
func (c *CPU) mmSrc(in *inst) uint64 {
	if in.mem() {
		return c.read(in.seg, c.ea(in), 8)
	}
	return c.mm(in.r2)
}

func mInt(f func(d, s uint64) uint64) handler {
	return func(c *CPU, in *inst) bool {
		c.mmxEnter()
		s := c.mmSrc(in)
		c.setMM(in.r1, f(c.mm(in.r1), s))
		return false
	}
}

// Moves.

func hMovUPS(c *CPU, in *inst) bool { // 0F 10 / 66 0F 10, 0F 6F F3 (unaligned loads)
	c.sseAvailable()
	*c.xmm(in.r1) = *c.sseSrc(in, 16, false)
	return false
}

func hMovAPS(c *CPU, in *inst) bool {
	c.sseAvailable()
	*c.xmm(in.r1) = *c.sseSrc(in, 16, true)
	return false
}

func hMovUPSStore(c *CPU, in *inst) bool {
	c.sseAvailable()
	if !in.mem() {
		*c.xmm(in.r2) = *c.xmm(in.r1)
		return false
	}
	c.sseStore(in, c.xmm(in.r1), 16, false)
	return c.smcEnd(in)
}

func hMovAPSStore(c *CPU, in *inst) bool {
	c.sseAvailable()
	if !in.mem() {
		*c.xmm(in.r2) = *c.xmm(in.r1)
		return false
	}
	c.sseStore(in, c.xmm(in.r1), 16, true)
	return c.smcEnd(in)
}

// MOVSS/MOVSD load: from memory zero the rest, between registers merge.
func movScalar(n int) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		d := c.xmm(in.r1)
		if in.mem() {
			*d = *c.sseSrc(in, n, false)
			return false
		}
		s := c.xmm(in.r2)
		copy(d[:n], s[:n])
		return false
	}
}

func movScalarStore(n int) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		s := c.xmm(in.r1)
		if !in.mem() {
			d := c.xmm(in.r2)
			copy(d[:n], s[:n])
			return false
		}
		c.sseStore(in, s, n, false)
		return c.smcEnd(in)
	}
}

// MOVLPS/MOVLPD (mem) and MOVHLPS (reg): load the low quadword.
func hMovLPS(c *CPU, in *inst) bool {
	c.sseAvailable()
	d := c.xmm(in.r1)
	if in.mem() {
		d.SetU64(0, c.read(in.seg, c.ea(in), 8))
	} else if in.sse == 0 { // MOVHLPS
		d.SetU64(0, c.xmm(in.r2).U64(1))
	} else {
		c.raise(excUD)
	}
	return false
}

func hMovHPS(c *CPU, in *inst) bool {
	c.sseAvailable()
	d := c.xmm(in.r1)
	if in.mem() {
		d.SetU64(1, c.read(in.seg, c.ea(in), 8))
	} else if in.sse == 0 { // MOVLHPS
		d.SetU64(1, c.xmm(in.r2).U64(0))
	} else {
		c.raise(excUD)
	}
	return false
}

func hMovLPSStore(c *CPU, in *inst) bool {
	c.sseAvailable()
	if !in.mem() {
		c.raise(excUD)
	}
	c.write(in.seg, c.ea(in), 8, c.xmm(in.r1).U64(0))
	return c.smcEnd(in)
}

func hMovHPSStore(c *CPU, in *inst) bool {
	c.sseAvailable()
	if !in.mem() {
		c.raise(excUD)
	}
	c.write(in.seg, c.ea(in), 8, c.xmm(in.r1).U64(1))
	return c.smcEnd(in)
}

// MOVNTPS/PD, MOVNTDQ: aligned stores, memory only.
func hMovNT(c *CPU, in *inst) bool {
	c.sseAvailable()
	if !in.mem() {
		c.raise(excUD)
	}
	c.sseStore(in, c.xmm(in.r1), 16, true)
	return c.smcEnd(in)
}

func hMovNTQ(c *CPU, in *inst) bool {
	if !in.mem() {
		c.raise(excUD)
	}
	c.mmxEnter()
	c.write(in.seg, c.ea(in), 8, c.mm(in.r1))
	return c.smcEnd(in)
}

// MOVD/MOVQ xmm, r/m32/64 (66 0F 6E) and mm, r/m (0F 6E).
func hMovdToVec(c *CPU, in *inst) bool {
	var v uint64
	if in.mem() {
		v = c.read(in.seg, c.ea(in), in.size)
	} else {
		v = c.R[in.r2] & sizeMask(in.size)
	}
	if in.sse == 1 {
		c.sseAvailable()
		d := c.xmm(in.r1)
		*d = simd.Vec{}
		d.SetU64(0, v)
		return false
	}
	c.mmxEnter()
	c.setMM(in.r1, v)
	return false
}

// MOVD/MOVQ r/m, xmm/mm (0F 7E, 66 0F 7E); F3 0F 7E is MOVQ xmm, xmm/m64.
func hMovdFromVec(c *CPU, in *inst) bool {
	if in.sse == 2 {
		c.sseAvailable()
		s := c.sseSrc(in, 8, false)
		d := c.xmm(in.r1)
		lo := s.U64(0)
		*d = simd.Vec{}
		d.SetU64(0, lo)
		return false
	}
	var v uint64
	if in.sse == 1 {
		c.sseAvailable()
		v = c.xmm(in.r1).U64(0)
	} else {
		c.mmxEnter()
		v = c.mm(in.r1)
	}
	v &= sizeMask(in.size)
	if in.mem() {
		c.write(in.seg, c.ea(in), in.size, v)
		return c.smcEnd(in)
	}
	if in.size == 8 {
		c.R[in.r2] = v
	} else {
		c.R[in.r2] = v & 0xffffffff
	}
	return false
}

// MOVQ xmm/m64, xmm (66 0F D6).
func hMovqStore(c *CPU, in *inst) bool {
	c.sseAvailable()
	s := c.xmm(in.r1)
	if in.mem() {
		c.write(in.seg, c.ea(in), 8, s.U64(0))
		return c.smcEnd(in)
	}
	d := c.xmm(in.r2)
	lo := s.U64(0)
	*d = simd.Vec{}
	d.SetU64(0, lo)
	return false
}

// MOVQ mm, mm/m64 (0F 6F) and store (0F 7F).
func hMovqMMX(c *CPU, in *inst) bool {
	c.mmxEnter()
	c.setMM(in.r1, c.mmSrc(in))
	return false
}

func hMovqMMXStore(c *CPU, in *inst) bool {
	c.mmxEnter()
	if in.mem() {
		c.write(in.seg, c.ea(in), 8, c.mm(in.r1))
		return c.smcEnd(in)
	}
	c.setMM(in.r2, c.mm(in.r1))
	return false
}

// MOVQ2DQ (F3 0F D6) and MOVDQ2Q (F2 0F D6): register forms only.
func hMovq2dq(c *CPU, in *inst) bool {
	if in.mem() {
		c.raise(excUD)
	}
	c.sseAvailable()
	c.mmxEnter()
	d := c.xmm(in.r1)
	*d = simd.Vec{}
	d.SetU64(0, c.mm(in.r2))
	return false
}

func hMovdq2q(c *CPU, in *inst) bool {
	if in.mem() {
		c.raise(excUD)
	}
	c.sseAvailable()
	c.mmxEnter()
	c.setMM(in.r1, c.xmm(in.r2).U64(0))
	return false
}

func hEmms(c *CPU, in *inst) bool {
	if c.cr0&cr0EM != 0 {
		c.raise(excUD)
	}
	if c.cr0&cr0TS != 0 {
		c.raise(excNM)
	}
	c.fpu.ftw = 0xffff
	return false
}

// MOVMSKPS/PD, PMOVMSKB: register forms into a general register.
func vecMask(f func(s *simd.Vec) uint32) handler {
	return func(c *CPU, in *inst) bool {
		if in.mem() {
			c.raise(excUD)
		}
		c.sseAvailable()
		c.R[in.r1] = uint64(f(c.xmm(in.r2)))
		return false
	}
}

func hPmovmskbMMX(c *CPU, in *inst) bool {
	if in.mem() {
		c.raise(excUD)
	}
	c.mmxEnter()
	c.R[in.r1] = uint64(simd.PmovmskBMMX(c.mm(in.r2)))
	return false
}

// COMISS/COMISD/UCOMISS/UCOMISD.
func comi(f func(a, b *simd.Vec, mx *uint32) (uint64, bool), n int) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		s := c.sseSrc(in, n, false)
		fl, fault := f(c.xmm(in.r1), s, &c.fpu.mxcsr)
		if fault {
			c.simdFault()
		}
		c.materialize()
		c.flags = c.flags&^simd.ComiFlags | fl
		return false
	}
}

// CVTSI2SS/SD xmm, r/m32/64.
func cvtsi2(f func(d *simd.Vec, i int64, is64 bool, mx *uint32) bool) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		var v uint64
		if in.mem() {
			v = c.read(in.seg, c.ea(in), in.size)
		} else {
			v = c.R[in.r2]
		}
		is64 := in.size == 8
		if !is64 {
			v = uint64(int64(int32(v)))
		}
		if f(c.xmm(in.r1), int64(v), is64, &c.fpu.mxcsr) {
			c.simdFault()
		}
		return false
	}
}

// CVT(T)SS2SI / CVT(T)SD2SI r32/64, xmm/m.
func cvt2si(f func(s *simd.Vec, is64, trunc bool, mx *uint32) (uint64, bool), n int, trunc bool) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		s := c.sseSrc(in, n, false)
		v, fault := f(s, in.size == 8, trunc, &c.fpu.mxcsr)
		if fault {
			c.simdFault()
		}
		if in.size == 8 {
			c.R[in.r1] = v
		} else {
			c.R[in.r1] = v & 0xffffffff
		}
		return false
	}
}

// Shift-by-immediate groups 0F 71/72/73 (sub: 2 SRL, 4 SRA, 6 SLL; 73: 3
// PSRLDQ, 7 PSLLDQ).
func shiftImm(w16, w32 [8]func(d *simd.Vec, imm uint8), mmx [8]func(d, cnt uint64) uint64) handler {
	return func(c *CPU, in *inst) bool {
		if in.mem() {
			c.raise(excUD)
		}
		if in.sse == 1 {
			f := w16[in.sub]
			if f == nil {
				c.raise(excUD)
			}
			c.sseAvailable()
			f(c.xmm(in.r2), uint8(in.imm))
			return false
		}
		f := mmx[in.sub]
		if f == nil || in.sse != 0 {
			c.raise(excUD)
		}
		c.mmxEnter()
		c.setMM(in.r2, f(c.mm(in.r2), in.imm&0xff))
		return false
	}
}

// PINSRW / PEXTRW and the SSE4.1 insert/extract forms.
func hPinsrw(c *CPU, in *inst) bool {
	var v uint64
	if in.mem() {
		v = c.read(in.seg, c.ea(in), 2)
	} else {
		v = c.R[in.r2]
	}
	if in.sse == 1 {
		c.sseAvailable()
		simd.PinsrW(c.xmm(in.r1), v, uint8(in.imm))
		return false
	}
	c.mmxEnter()
	c.setMM(in.r1, simd.PinsrWMMX(c.mm(in.r1), v, uint8(in.imm)))
	return false
}

func hPextrw(c *CPU, in *inst) bool {
	if in.mem() {
		c.raise(excUD)
	}
	if in.sse == 1 {
		c.sseAvailable()
		c.R[in.r1] = simd.PextrW(c.xmm(in.r2), uint8(in.imm))
		return false
	}
	c.mmxEnter()
	c.R[in.r1] = simd.PextrWMMX(c.mm(in.r2), uint8(in.imm))
	return false
}

// pextr: PEXTRB/W/D/Q and EXTRACTPS r/m, xmm, imm (66 0F 3A 14..17).
func pextr(f func(s *simd.Vec, imm uint8) uint64, n uint8) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		size := n
		if n == 4 && in.size == 8 {
			size = 8
		}
		var v uint64
		if size == 8 {
			v = simd.PextrQ(c.xmm(in.r1), uint8(in.imm))
		} else {
			v = f(c.xmm(in.r1), uint8(in.imm))
		}
		if in.mem() {
			c.write(in.seg, c.ea(in), size, v)
			return c.smcEnd(in)
		}
		if size == 8 {
			c.R[in.r2] = v
		} else {
			c.R[in.r2] = v & 0xffffffff
		}
		return false
	}
}

func pinsr(f func(d *simd.Vec, v uint64, imm uint8), n uint8) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		size := n
		if n == 4 && in.size == 8 {
			size = 8
		}
		var v uint64
		if in.mem() {
			v = c.read(in.seg, c.ea(in), size)
		} else {
			v = c.R[in.r2]
		}
		if size == 8 {
			simd.PinsrQ(c.xmm(in.r1), v, uint8(in.imm))
		} else {
			f(c.xmm(in.r1), v, uint8(in.imm))
		}
		return false
	}
}

// blendv: PBLENDVB, BLENDVPS, BLENDVPD with XMM0 as the mask.
func blendv(f func(d, s, m *simd.Vec)) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		s := c.sseSrc(in, 16, true)
		m := *c.xmm(0)
		f(c.xmm(in.r1), s, &m)
		return false
	}
}

func hPtest(c *CPU, in *inst) bool {
	c.sseAvailable()
	fl := simd.Ptest(c.xmm(in.r1), c.sseSrc(in, 16, true))
	c.materialize()
	c.flags = c.flags&^simd.ComiFlags | fl
	return false
}

// PMOVSX/PMOVZX read 8, 4 or 2 bytes from memory.
func pmov(f func(d, s *simd.Vec), n int) handler { return pIntN(f, n) }

// String compares (SSE4.2).
func hPcmpstr(c *CPU, in *inst) bool {
	c.sseAvailable()
	a := c.xmm(in.r1)
	b := c.sseSrc(in, 16, false)
	imm := uint8(in.imm)
	var fl uint64
	explicit := in.op&2 == 0 // 60, 61 explicit length; 62, 63 implicit
	index := in.op&1 != 0
	la, lb := int64(0), int64(0)
	if explicit {
		if in.pfx&pfxRex != 0 && in.size == 8 {
			la, lb = int64(c.R[0]), int64(c.R[2])
		} else {
			la, lb = int64(int32(c.R[0])), int64(int32(c.R[2]))
		}
	}
	switch {
	case explicit && index:
		var ecx uint32
		ecx, fl = simd.PcmpEstrI(a, b, la, lb, imm)
		c.R[1] = uint64(ecx)
	case explicit:
		var m simd.Vec
		m, fl = simd.PcmpEstrM(a, b, la, lb, imm)
		*c.xmm(0) = m
	case index:
		var ecx uint32
		ecx, fl = simd.PcmpIstrI(a, b, imm)
		c.R[1] = uint64(ecx)
	default:
		var m simd.Vec
		m, fl = simd.PcmpIstrM(a, b, imm)
		*c.xmm(0) = m
	}
	c.materialize()
	c.flags = c.flags&^simd.ComiFlags | fl
	return false
}

// LDDQU: an unaligned load, memory only.
func hLddqu(c *CPU, in *inst) bool {
	if !in.mem() {
		c.raise(excUD)
	}
	return hMovUPS(c, in)
}

// MOVNTDQA: an aligned load, memory only.
func hMovntdqa(c *CPU, in *inst) bool {
	if !in.mem() {
		c.raise(excUD)
	}
	return hMovAPS(c, in)
}

// CVTPI2PS, CVTPI2PD (mm source), CVT(T)PS2PI, CVT(T)PD2PI (mm dest).
func hCvtpi2ps(c *CPU, in *inst) bool {
	c.sseAvailable()
	var v uint64
	if in.mem() {
		v = c.read(in.seg, c.ea(in), 8)
	} else {
		c.mmxEnter()
		v = c.mm(in.r2)
	}
	if in.sse == 1 {
		simd.CvtPI2PD(c.xmm(in.r1), v)
		return false
	}
	if simd.CvtPI2PS(c.xmm(in.r1), v, &c.fpu.mxcsr) {
		c.simdFault()
	}
	return false
}

func cvtps2pi(trunc bool) handler {
	return func(c *CPU, in *inst) bool {
		c.sseAvailable()
		var v uint64
		var fault bool
		if in.sse == 1 {
			v, fault = simd.CvtPD2PI(c.sseSrc(in, 16, true), trunc, &c.fpu.mxcsr)
		} else {
			v, fault = simd.CvtPS2PI(c.sseSrc(in, 8, false), trunc, &c.fpu.mxcsr)
		}
		if fault {
			c.simdFault()
		}
		c.mmxEnter()
		c.setMM(in.r1, v)
		return false
	}
}

// MASKMOVQ / MASKMOVDQU: byte-masked store to [rDI].
func hMaskmov(c *CPU, in *inst) bool {
	if in.mem() {
		c.raise(excUD)
	}
	seg := uint8(segDS)
	if in.pfx&pfxSegOvr != 0 {
		seg = in.seg
	}
	di := c.R[7] & in.amask()
	var data, mask [16]byte
	n := 8
	if in.sse == 1 {
		c.sseAvailable()
		data, mask = *c.xmm(in.r1), *c.xmm(in.r2)
		n = 16
	} else {
		c.mmxEnter()
		for i := 0; i < 8; i++ {
			data[i] = byte(c.mm(in.r1) >> (8 * i))
			mask[i] = byte(c.mm(in.r2) >> (8 * i))
		}
	}
	for i := 0; i < n; i++ {
		if mask[i]&0x80 != 0 {
			c.write(seg, (di+uint64(i))&in.amask(), 1, uint64(data[i]))
		}
	}
	return c.smcEnd(in)
}

// reg registers fn for opcode op of map m under mandatory prefix p.
func reg(m int, op uint8, p int, fn handler) { sseTab[m][op].fn[p] = fn }

const (
	pNone = 0
	p66   = 1
	pF3   = 2
	pF2   = 3
)

func init() {
	// 0F map: moves.
	reg(1, 0x10, pNone, hMovUPS)
	reg(1, 0x10, p66, hMovUPS)
	reg(1, 0x10, pF3, movScalar(4))
	reg(1, 0x10, pF2, movScalar(8))
	reg(1, 0x11, pNone, hMovUPSStore)
	reg(1, 0x11, p66, hMovUPSStore)
	reg(1, 0x11, pF3, movScalarStore(4))
	reg(1, 0x11, pF2, movScalarStore(8))
	reg(1, 0x12, pNone, hMovLPS)
	reg(1, 0x12, p66, hMovLPS)
	reg(1, 0x12, pF2, pIntN(simd.MovDDUP, 8))
	reg(1, 0x12, pF3, pInt(simd.MovSLDUP))
	reg(1, 0x13, pNone, hMovLPSStore)
	reg(1, 0x13, p66, hMovLPSStore)
	reg(1, 0x14, pNone, pInt(simd.PunpckLDQ))
	reg(1, 0x14, p66, pInt(simd.PunpckLQDQ))
	reg(1, 0x15, pNone, pInt(simd.PunpckHDQ))
	reg(1, 0x15, p66, pInt(simd.PunpckHQDQ))
	reg(1, 0x16, pNone, hMovHPS)
	reg(1, 0x16, p66, hMovHPS)
	reg(1, 0x16, pF3, pInt(simd.MovSHDUP))
	reg(1, 0x17, pNone, hMovHPSStore)
	reg(1, 0x17, p66, hMovHPSStore)
	reg(1, 0x28, pNone, hMovAPS)
	reg(1, 0x28, p66, hMovAPS)
	reg(1, 0x29, pNone, hMovAPSStore)
	reg(1, 0x29, p66, hMovAPSStore)
	reg(1, 0x2a, pNone, hCvtpi2ps)
	reg(1, 0x2a, p66, hCvtpi2ps)
	reg(1, 0x2a, pF3, cvtsi2(simd.CvtSI2SS))
	reg(1, 0x2a, pF2, cvtsi2(simd.CvtSI2SD))
	reg(1, 0x2b, pNone, hMovNT)
	reg(1, 0x2b, p66, hMovNT)
	reg(1, 0x2c, pNone, cvtps2pi(true))
	reg(1, 0x2c, p66, cvtps2pi(true))
	reg(1, 0x2c, pF3, cvt2si(simd.CvtSS2SI, 4, true))
	reg(1, 0x2c, pF2, cvt2si(simd.CvtSD2SI, 8, true))
	reg(1, 0x2d, pNone, cvtps2pi(false))
	reg(1, 0x2d, p66, cvtps2pi(false))
	reg(1, 0x2d, pF3, cvt2si(simd.CvtSS2SI, 4, false))
	reg(1, 0x2d, pF2, cvt2si(simd.CvtSD2SI, 8, false))
	reg(1, 0x2e, pNone, comi(simd.UcomiSS, 4))
	reg(1, 0x2e, p66, comi(simd.UcomiSD, 8))
	reg(1, 0x2f, pNone, comi(simd.ComiSS, 4))
	reg(1, 0x2f, p66, comi(simd.ComiSD, 8))
	reg(1, 0x50, pNone, vecMask(simd.MovmskPS))
	reg(1, 0x50, p66, vecMask(simd.MovmskPD))
	// Arithmetic.
	type quad struct {
		ps, pd, ss, sd func(d, s *simd.Vec, mx *uint32) bool
	}
	for op, q := range map[uint8]quad{
		0x51: {simd.SqrtPS, simd.SqrtPD, simd.SqrtSS, simd.SqrtSD},
		0x58: {simd.AddPS, simd.AddPD, simd.AddSS, simd.AddSD},
		0x59: {simd.MulPS, simd.MulPD, simd.MulSS, simd.MulSD},
		0x5c: {simd.SubPS, simd.SubPD, simd.SubSS, simd.SubSD},
		0x5d: {simd.MinPS, simd.MinPD, simd.MinSS, simd.MinSD},
		0x5e: {simd.DivPS, simd.DivPD, simd.DivSS, simd.DivSD},
		0x5f: {simd.MaxPS, simd.MaxPD, simd.MaxSS, simd.MaxSD},
		0x5a: {simd.CvtPS2PD, simd.CvtPD2PS, simd.CvtSS2SD, simd.CvtSD2SS},
	} {
		n := 16
		if op == 0x5a {
			n = 8 // CVTPS2PD reads 8 bytes
		}
		reg(1, op, pNone, fp(q.ps, n))
		reg(1, op, p66, fp(q.pd, 16))
		reg(1, op, pF3, fp(q.ss, 4))
		reg(1, op, pF2, fp(q.sd, 8))
	}
	reg(1, 0x52, pNone, pInt(simd.RsqrtPS))
	reg(1, 0x52, pF3, pIntN(simd.RsqrtSS, 4))
	reg(1, 0x53, pNone, pInt(simd.RcpPS))
	reg(1, 0x53, pF3, pIntN(simd.RcpSS, 4))
	for op, f := range map[uint8]func(d, s *simd.Vec){0x54: simd.Pand, 0x55: simd.PandN, 0x56: simd.Por, 0x57: simd.Pxor} {
		reg(1, op, pNone, pInt(f))
		reg(1, op, p66, pInt(f))
	}
	reg(1, 0x5b, pNone, fp(simd.CvtDQ2PS, 16))
	reg(1, 0x5b, p66, fp(simd.CvtPS2DQ, 16))
	reg(1, 0x5b, pF3, fp(simd.CvttPS2DQ, 16))
	reg(1, 0xc2, pNone, fpImm(simd.CmpPS, 16))
	reg(1, 0xc2, p66, fpImm(simd.CmpPD, 16))
	reg(1, 0xc2, pF3, fpImm(simd.CmpSS, 4))
	reg(1, 0xc2, pF2, fpImm(simd.CmpSD, 8))
	reg(1, 0xc6, pNone, pImm(simd.ShufPS))
	reg(1, 0xc6, p66, pImm(simd.ShufPD))
	reg(1, 0x7c, p66, fp(simd.HaddPD, 16))
	reg(1, 0x7c, pF2, fp(simd.HaddPS, 16))
	reg(1, 0x7d, p66, fp(simd.HsubPD, 16))
	reg(1, 0x7d, pF2, fp(simd.HsubPS, 16))
	reg(1, 0xd0, p66, fp(simd.AddSubPD, 16))
	reg(1, 0xd0, pF2, fp(simd.AddSubPS, 16))
	reg(1, 0xe6, p66, fp(simd.CvttPD2DQ, 16))
	reg(1, 0xe6, pF2, fp(simd.CvtPD2DQ, 16))
	reg(1, 0xe6, pF3, pIntN(simd.CvtDQ2PD, 8))

	// Integer: opcodes with both MMX (no prefix) and XMM (66) forms.
	type pair struct {
		x func(d, s *simd.Vec)
		m func(d, s uint64) uint64
	}
	for op, p := range map[uint8]pair{
		0x60: {simd.PunpckLBW, simd.PunpckLBWMMX}, 0x61: {simd.PunpckLWD, simd.PunpckLWDMMX},
		0x62: {simd.PunpckLDQ, simd.PunpckLDQMMX}, 0x63: {simd.PacksSWB, simd.PacksSWBMMX},
		0x64: {simd.PcmpgtB, simd.PcmpgtBMMX}, 0x65: {simd.PcmpgtW, simd.PcmpgtWMMX},
		0x66: {simd.PcmpgtD, simd.PcmpgtDMMX}, 0x67: {simd.PackUSWB, simd.PackUSWBMMX},
		0x68: {simd.PunpckHBW, simd.PunpckHBWMMX}, 0x69: {simd.PunpckHWD, simd.PunpckHWDMMX},
		0x6a: {simd.PunpckHDQ, simd.PunpckHDQMMX}, 0x6b: {simd.PacksSDW, simd.PacksSDWMMX},
		0x74: {simd.PcmpeqB, simd.PcmpeqBMMX}, 0x75: {simd.PcmpeqW, simd.PcmpeqWMMX},
		0x76: {simd.PcmpeqD, simd.PcmpeqDMMX},
		0xd1: {simd.PsrlW, simd.PsrlWMMX}, 0xd2: {simd.PsrlD, simd.PsrlDMMX}, 0xd3: {simd.PsrlQ, simd.PsrlQMMX},
		0xd4: {simd.PaddQ, simd.PaddQMMX}, 0xd5: {simd.PmulLW, simd.PmulLWMMX},
		0xd8: {simd.PsubUSB, simd.PsubUSBMMX}, 0xd9: {simd.PsubUSW, simd.PsubUSWMMX},
		0xda: {simd.PminUB, simd.PminUBMMX}, 0xdb: {simd.Pand, simd.PandMMX},
		0xdc: {simd.PaddUSB, simd.PaddUSBMMX}, 0xdd: {simd.PaddUSW, simd.PaddUSWMMX},
		0xde: {simd.PmaxUB, simd.PmaxUBMMX}, 0xdf: {simd.PandN, simd.PandNMMX},
		0xe0: {simd.PavgB, simd.PavgBMMX}, 0xe1: {simd.PsraW, simd.PsraWMMX}, 0xe2: {simd.PsraD, simd.PsraDMMX},
		0xe3: {simd.PavgW, simd.PavgWMMX}, 0xe4: {simd.PmulHUW, simd.PmulHUWMMX}, 0xe5: {simd.PmulHW, simd.PmulHWMMX},
		0xe8: {simd.PsubSB, simd.PsubSBMMX}, 0xe9: {simd.PsubSW, simd.PsubSWMMX},
		0xea: {simd.PminSW, simd.PminSWMMX}, 0xeb: {simd.Por, simd.PorMMX},
		0xec: {simd.PaddSB, simd.PaddSBMMX}, 0xed: {simd.PaddSW, simd.PaddSWMMX},
		0xee: {simd.PmaxSW, simd.PmaxSWMMX}, 0xef: {simd.Pxor, simd.PxorMMX},
		0xf1: {simd.PsllW, simd.PsllWMMX}, 0xf2: {simd.PsllD, simd.PsllDMMX}, 0xf3: {simd.PsllQ, simd.PsllQMMX},
		0xf4: {simd.PmulUDQ, simd.PmulUDQMMX}, 0xf5: {simd.PmaddWD, simd.PmaddWDMMX},
		0xf6: {simd.PsadBW, simd.PsadBWMMX},
		0xf8: {simd.PsubB, simd.PsubBMMX}, 0xf9: {simd.PsubW, simd.PsubWMMX},
		0xfa: {simd.PsubD, simd.PsubDMMX}, 0xfb: {simd.PsubQ, simd.PsubQMMX},
		0xfc: {simd.PaddB, simd.PaddBMMX}, 0xfd: {simd.PaddW, simd.PaddWMMX}, 0xfe: {simd.PaddD, simd.PaddDMMX},
	} {
		reg(1, op, p66, pInt(p.x))
		reg(1, op, pNone, mInt(p.m))
	}
	reg(1, 0x6c, p66, pInt(simd.PunpckLQDQ))
	reg(1, 0x6d, p66, pInt(simd.PunpckHQDQ))
	reg(1, 0x6e, pNone, hMovdToVec)
	reg(1, 0x6e, p66, hMovdToVec)
	reg(1, 0x6f, pNone, hMovqMMX)
	reg(1, 0x6f, p66, hMovAPS)
	reg(1, 0x6f, pF3, hMovUPS)
	reg(1, 0x70, p66, pImm(simd.PshufD))
	reg(1, 0x70, pF3, pImm(simd.PshufHW))
	reg(1, 0x70, pF2, pImm(simd.PshufLW))
	reg(1, 0x70, pNone, func(c *CPU, in *inst) bool {
		c.mmxEnter()
		c.setMM(in.r1, simd.PshufW(c.mmSrc(in), uint8(in.imm)))
		return false
	})
	reg(1, 0x71, pNone, shiftImm([8]func(*simd.Vec, uint8){}, [8]func(*simd.Vec, uint8){},
		[8]func(d, cnt uint64) uint64{2: simd.PsrlWMMX, 4: simd.PsraWMMX, 6: simd.PsllWMMX}))
	reg(1, 0x71, p66, shiftImm([8]func(*simd.Vec, uint8){2: simd.PsrlWImm, 4: simd.PsraWImm, 6: simd.PsllWImm}, [8]func(*simd.Vec, uint8){}, [8]func(d, cnt uint64) uint64{}))
	reg(1, 0x72, pNone, shiftImm([8]func(*simd.Vec, uint8){}, [8]func(*simd.Vec, uint8){},
		[8]func(d, cnt uint64) uint64{2: simd.PsrlDMMX, 4: simd.PsraDMMX, 6: simd.PsllDMMX}))
	reg(1, 0x72, p66, shiftImm([8]func(*simd.Vec, uint8){2: simd.PsrlDImm, 4: simd.PsraDImm, 6: simd.PsllDImm}, [8]func(*simd.Vec, uint8){}, [8]func(d, cnt uint64) uint64{}))
	reg(1, 0x73, pNone, shiftImm([8]func(*simd.Vec, uint8){}, [8]func(*simd.Vec, uint8){},
		[8]func(d, cnt uint64) uint64{2: simd.PsrlQMMX, 6: simd.PsllQMMX}))
	reg(1, 0x73, p66, shiftImm([8]func(*simd.Vec, uint8){2: simd.PsrlQImm, 3: simd.PsrLDQ, 6: simd.PsllQImm, 7: simd.PslLDQ}, [8]func(*simd.Vec, uint8){}, [8]func(d, cnt uint64) uint64{}))
	reg(1, 0x77, pNone, hEmms)
	reg(1, 0x7e, pNone, hMovdFromVec)
	reg(1, 0x7e, p66, hMovdFromVec)
	reg(1, 0x7e, pF3, hMovdFromVec)
	reg(1, 0x7f, pNone, hMovqMMXStore)
	reg(1, 0x7f, p66, hMovAPSStore)
	reg(1, 0x7f, pF3, hMovUPSStore)
	reg(1, 0xc4, pNone, hPinsrw)
	reg(1, 0xc4, p66, hPinsrw)
	reg(1, 0xc5, pNone, hPextrw)
	reg(1, 0xc5, p66, hPextrw)
	reg(1, 0xd6, p66, hMovqStore)
	reg(1, 0xd6, pF3, hMovq2dq)
	reg(1, 0xd6, pF2, hMovdq2q)
	reg(1, 0xd7, p66, vecMask(simd.PmovmskB))
	reg(1, 0xd7, pNone, hPmovmskbMMX)
	reg(1, 0xe7, pNone, hMovNTQ)
	reg(1, 0xe7, p66, hMovNT)
	reg(1, 0xf0, pF2, hLddqu)
	reg(1, 0xf7, pNone, hMaskmov)
	reg(1, 0xf7, p66, hMaskmov)

	// 0F38 map.
	for op, p := range map[uint8]pair{
		0x00: {simd.PshufB, simd.PshufBMMX}, 0x01: {simd.PhaddW, simd.PhaddWMMX}, 0x02: {simd.PhaddD, simd.PhaddDMMX},
		0x03: {simd.PhaddSW, simd.PhaddSWMMX}, 0x04: {simd.PmaddUBSW, simd.PmaddUBSWMMX},
		0x05: {simd.PhsubW, simd.PhsubWMMX}, 0x06: {simd.PhsubD, simd.PhsubDMMX}, 0x07: {simd.PhsubSW, simd.PhsubSWMMX},
		0x08: {simd.PsignB, simd.PsignBMMX}, 0x09: {simd.PsignW, simd.PsignWMMX}, 0x0a: {simd.PsignD, simd.PsignDMMX},
		0x0b: {simd.PmulHRSW, simd.PmulHRSWMMX},
		0x1c: {simd.PabsB, simd.PabsBMMX}, 0x1d: {simd.PabsW, simd.PabsWMMX}, 0x1e: {simd.PabsD, simd.PabsDMMX},
	} {
		reg(2, op, p66, pInt(p.x))
		reg(2, op, pNone, mInt(p.m))
	}
	reg(2, 0x10, p66, blendv(simd.PblendVB))
	reg(2, 0x14, p66, blendv(simd.BlendVPS))
	reg(2, 0x15, p66, blendv(simd.BlendVPD))
	reg(2, 0x17, p66, hPtest)
	for op, f := range map[uint8]func(d, s *simd.Vec){
		0x20: simd.PmovSXBW, 0x21: simd.PmovSXBD, 0x22: simd.PmovSXBQ, 0x23: simd.PmovSXWD, 0x24: simd.PmovSXWQ, 0x25: simd.PmovSXDQ,
		0x30: simd.PmovZXBW, 0x31: simd.PmovZXBD, 0x32: simd.PmovZXBQ, 0x33: simd.PmovZXWD, 0x34: simd.PmovZXWQ, 0x35: simd.PmovZXDQ,
	} {
		n := map[uint8]int{0: 8, 1: 4, 2: 2, 3: 8, 4: 4, 5: 8}[op&0xf]
		reg(2, op, p66, pmov(f, n))
	}
	for op, f := range map[uint8]func(d, s *simd.Vec){
		0x28: simd.PmulDQ, 0x29: simd.PcmpeqQ, 0x2b: simd.PackUSDW, 0x37: simd.PcmpgtQ,
		0x38: simd.PminSB, 0x39: simd.PminSD, 0x3a: simd.PminUW, 0x3b: simd.PminUD,
		0x3c: simd.PmaxSB, 0x3d: simd.PmaxSD, 0x3e: simd.PmaxUW, 0x3f: simd.PmaxUD,
		0x40: simd.PmulLD, 0x41: simd.PhminposUW,
	} {
		reg(2, op, p66, pInt(f))
	}
	reg(2, 0x2a, p66, hMovntdqa)

	// 0F3A map.
	reg(3, 0x08, p66, fpImm(simd.RoundPS, 16))
	reg(3, 0x09, p66, fpImm(simd.RoundPD, 16))
	reg(3, 0x0a, p66, fpImm(simd.RoundSS, 4))
	reg(3, 0x0b, p66, fpImm(simd.RoundSD, 8))
	reg(3, 0x0c, p66, pImm(simd.BlendPS))
	reg(3, 0x0d, p66, pImm(simd.BlendPD))
	reg(3, 0x0e, p66, pImm(simd.PblendW))
	reg(3, 0x0f, p66, pImm(simd.PalignR))
	reg(3, 0x0f, pNone, func(c *CPU, in *inst) bool {
		c.mmxEnter()
		c.setMM(in.r1, simd.PalignRMMX(c.mm(in.r1), c.mmSrc(in), uint8(in.imm)))
		return false
	})
	reg(3, 0x14, p66, pextr(simd.PextrB, 1))
	reg(3, 0x15, p66, pextr(simd.PextrW, 2))
	reg(3, 0x16, p66, pextr(simd.PextrD, 4))
	reg(3, 0x17, p66, pextr(simd.PextrD, 4))
	reg(3, 0x20, p66, pinsr(simd.PinsrB, 1))
	reg(3, 0x21, p66, func(c *CPU, in *inst) bool {
		c.sseAvailable()
		imm := uint8(in.imm)
		if in.mem() {
			imm &^= 0xc0 // the memory operand is one element: no source lane
		}
		simd.InsertPS(c.xmm(in.r1), c.sseSrc(in, 4, false), imm)
		return false
	})
	reg(3, 0x22, p66, pinsr(simd.PinsrD, 4))
	reg(3, 0x40, p66, fpImm(simd.DpPS, 16))
	reg(3, 0x41, p66, fpImm(simd.DpPD, 16))
	reg(3, 0x42, p66, pImm(simd.MpsadBW))
	for _, op := range []uint8{0x60, 0x61, 0x62, 0x63} {
		reg(3, op, p66, hPcmpstr)
	}
}
