package interp

// SSE4A (AMD APM vol. 4, "EXTRQ", "INSERTQ", "MOVNTSD", "MOVNTSS"), offered
// by AMD models such as qemu64 through CPUID 8000_0001h ECX bit 6:
//
//	66 0F 78 /0 ib ib   EXTRQ xmm, imm8 (length), imm8 (index)
//	66 0F 79 /r         EXTRQ xmm, xmm (length in bits 5:0, index in 13:8)
//	F2 0F 78 /r ib ib   INSERTQ xmm, xmm, imm8 (length), imm8 (index)
//	F2 0F 79 /r         INSERTQ xmm, xmm (length in bits 69:64, index in 77:72)
//	F3 0F 2B /r         MOVNTSS m32, xmm
//	F2 0F 2B /r         MOVNTSD m64, xmm
//
// A length of 0 means 64 bits. The APM leaves the upper quadword of the
// destination of EXTRQ and INSERTQ undefined, and the result undefined when
// index + length exceeds 64; this implementation keeps the upper quadword
// (as QEMU's TCG does) and computes the natural shift-and-mask result.

// decodeSSE4A decodes 0F 78 and 0F 79.
func decodeSSE4A(d *decoder, b uint8) {
	in := d.in
	d.modRM()
	if d.feat&featSSE4A == 0 || in.mem() || (in.sse != 1 && in.sse != 3) {
		d.undefined() // VMREAD/VMWRITE without a prefix: no VMX offered
		return
	}
	if b == 0x78 {
		if in.sse == 1 && in.sub != 0 {
			d.undefined()
			return
		}
		in.imm = uint64(d.u8())
		in.imm2 = uint16(d.u8())
	}
	switch {
	case b == 0x78 && in.sse == 1:
		in.fn = hExtrqImm
	case b == 0x78:
		in.fn = hInsertqImm
	case in.sse == 1:
		in.fn = hExtrq
	default:
		in.fn = hInsertq
	}
}

// fieldMask is the mask of a bit field of length n (0 meaning 64).
func fieldMask(n uint64) uint64 {
	n &= 63
	if n == 0 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func extrq(v, length, index uint64) uint64 {
	return v >> (index & 63) & fieldMask(length)
}

func insertq(d, s, length, index uint64) uint64 {
	m := fieldMask(length) << (index & 63)
	return d&^m | s<<(index&63)&m
}

func hExtrqImm(c *CPU, in *inst) bool {
	c.sseAvailable()
	x := c.xmm(in.r2)
	x.SetU64(0, extrq(x.U64(0), in.imm, uint64(in.imm2)))
	return false
}

func hExtrq(c *CPU, in *inst) bool {
	c.sseAvailable()
	d, s := c.xmm(in.r1), c.xmm(in.r2)
	ctl := s.U64(0)
	d.SetU64(0, extrq(d.U64(0), ctl, ctl>>8))
	return false
}

func hInsertqImm(c *CPU, in *inst) bool {
	c.sseAvailable()
	d, s := c.xmm(in.r1), c.xmm(in.r2)
	d.SetU64(0, insertq(d.U64(0), s.U64(0), in.imm, uint64(in.imm2)))
	return false
}

func hInsertq(c *CPU, in *inst) bool {
	c.sseAvailable()
	d, s := c.xmm(in.r1), c.xmm(in.r2)
	ctl := s.U64(1)
	d.SetU64(0, insertq(d.U64(0), s.U64(0), ctl, ctl>>8))
	return false
}

// hMovNTS is MOVNTSS (F3) and MOVNTSD (F2): a scalar store.
func hMovNTS(c *CPU, in *inst) bool {
	c.sseAvailable()
	if !in.mem() {
		c.raise(excUD)
	}
	n := 4
	if in.sse == 3 {
		n = 8
	}
	c.sseStore(in, c.xmm(in.r1), n, false)
	return c.smcEnd(in)
}

func init() {
	reg(1, 0x2b, pF3, hMovNTS)
	reg(1, 0x2b, pF2, hMovNTS)
}
