package interp

import (
	"encoding/binary"

	"gemu/accel"
)

// x87, MMX and SSE register state and the instructions that save and load
// it wholesale (FXSAVE, FXRSTOR, XSAVE, XRSTOR, LDMXCSR, STMXCSR).

type fpuState struct {
	fcw, fsw uint16
	ftw      uint16 // full tag word: two bits per physical register (00 valid, 01 zero, 10 special, 11 empty)
	fop      uint16
	fip, fdp uint64
	fcs, fds uint16
	st       [8]accel.Float80 // physical registers R0..R7
	mxcsr    uint32
	xmm      [16][16]byte
}

const (
	mxcsrDefault = 0x1f80
	mxcsrMask    = 0xffff // every defined bit, including DAZ
)

func (f *fpuState) reset() {
	*f = fpuState{fcw: 0x37f, ftw: 0xffff, mxcsr: mxcsrDefault}
}

// top is the x87 stack top (FSW bits 13:11).
func (f *fpuState) top() int { return int(f.fsw>>11) & 7 }

// abridgedTag converts the full tag word to FXSAVE's one bit per register.
func (f *fpuState) abridgedTag() uint8 {
	var t uint8
	for i := 0; i < 8; i++ {
		if f.ftw>>(2*i)&3 != 3 {
			t |= 1 << i
		}
	}
	return t
}

// setAbridgedTag rebuilds the full tag word from the abridged one,
// classifying each valid register's contents.
func (f *fpuState) setAbridgedTag(t uint8) {
	var w uint16
	for i := 0; i < 8; i++ {
		var tag uint16 = 3
		if t&(1<<i) != 0 {
			tag = classTag(f.st[i])
		}
		w |= tag << (2 * i)
	}
	f.ftw = w
}

// classTag is the full tag of a non-empty register: 0 valid, 1 zero, 2
// special (NaN, infinity, denormal, unsupported).
func classTag(v accel.Float80) uint16 {
	exp := v.SignExp & 0x7fff
	switch {
	case exp == 0 && v.Mant == 0:
		return 1
	case exp == 0x7fff || exp == 0:
		return 2
	case v.Mant>>63 == 0:
		return 2 // unnormal
	}
	return 0
}

// fpuAvailable raises #NM or #UD for an x87 instruction according to CR0.
func (c *CPU) fpuAvailable() {
	if c.cr0&(cr0EM|cr0TS) != 0 {
		c.raise(excNM)
	}
}

// sseAvailable raises #UD or #NM for an SSE instruction according to CR0
// and CR4.OSFXSR.
func (c *CPU) sseAvailable() {
	if c.cr0&cr0EM != 0 || c.cr4&cr4OSFXSR == 0 {
		c.raise(excUD)
	}
	if c.cr0&cr0TS != 0 {
		c.raise(excNM)
	}
}

// fpuCheckPending raises #MF (or asserts FERR) for an unmasked pending x87
// exception, as FWAIT and the waiting x87 instructions do.
func (c *CPU) fpuCheckPending() {
	f := &c.fpu
	if f.fsw&0x80 != 0 { // ES: error summary
		if c.cr0&cr0NE != 0 {
			c.raise(excMF)
		}
		// Without CR0.NE the error goes to FERR# (IRQ 13), which the
		// machine does not wire; execution continues.
	}
}

// fxsaveImage writes the 512-byte FXSAVE image of the state.
func (c *CPU) fxsaveImage(buf *[512]byte, rexW bool) {
	f := &c.fpu
	le := binary.LittleEndian
	le.PutUint16(buf[0:], f.fcw)
	le.PutUint16(buf[2:], f.fsw)
	buf[4] = f.abridgedTag()
	le.PutUint16(buf[6:], f.fop)
	if rexW {
		le.PutUint64(buf[8:], f.fip)
		le.PutUint64(buf[16:], f.fdp)
	} else {
		le.PutUint32(buf[8:], uint32(f.fip))
		le.PutUint16(buf[12:], f.fcs)
		le.PutUint32(buf[16:], uint32(f.fdp))
		le.PutUint16(buf[20:], f.fds)
	}
	le.PutUint32(buf[24:], f.mxcsr)
	le.PutUint32(buf[28:], mxcsrMask)
	top := f.top()
	for i := 0; i < 8; i++ {
		r := f.st[(top+i)&7]
		le.PutUint64(buf[32+16*i:], r.Mant)
		le.PutUint16(buf[40+16*i:], r.SignExp)
	}
	n := 8
	if c.mode == mode64 {
		n = 16
	}
	for i := 0; i < n; i++ {
		copy(buf[160+16*i:], f.xmm[i][:])
	}
}

// fxrstorImage loads the state from an FXSAVE image; false if MXCSR has
// reserved bits set (#GP).
func (c *CPU) fxrstorImage(buf *[512]byte, rexW bool, x87, sse bool) bool {
	f := &c.fpu
	le := binary.LittleEndian
	if sse {
		mx := le.Uint32(buf[24:])
		if mx&^mxcsrMask != 0 {
			return false
		}
		f.mxcsr = mx
		n := 8
		if c.mode == mode64 {
			n = 16
		}
		for i := 0; i < n; i++ {
			copy(f.xmm[i][:], buf[160+16*i:176+16*i])
		}
	}
	if x87 {
		f.fcw = le.Uint16(buf[0:])
		f.fsw = le.Uint16(buf[2:])
		f.fop = le.Uint16(buf[6:]) & 0x7ff
		if rexW {
			f.fip = le.Uint64(buf[8:])
			f.fdp = le.Uint64(buf[16:])
		} else {
			f.fip = uint64(le.Uint32(buf[8:]))
			f.fcs = le.Uint16(buf[12:])
			f.fdp = uint64(le.Uint32(buf[16:]))
			f.fds = le.Uint16(buf[20:])
		}
		top := f.top()
		for i := 0; i < 8; i++ {
			f.st[(top+i)&7] = accel.Float80{Mant: le.Uint64(buf[32+16*i:]), SignExp: le.Uint16(buf[40+16*i:])}
		}
		f.setAbridgedTag(buf[4])
	}
	return true
}

func hFxsave(c *CPU, in *inst) bool {
	if c.feat&featFXSR == 0 {
		c.raise(excUD)
	}
	if c.cr0&(cr0EM|cr0TS) != 0 {
		c.raise(excNM)
	}
	ea := c.ea(in)
	if (c.sbase[in.seg]+ea)&15 != 0 {
		c.raiseCode(excGP, 0)
	}
	var buf [512]byte
	c.fxsaveImage(&buf, in.size == 8)
	c.probeWriteAt(in.seg, ea, 8)
	c.probeWriteAt(in.seg, (ea+504)&in.amask(), 8)
	c.writeBytes(in.seg, ea, buf[:416], in.amask())
	return c.smcEnd(in)
}

func hFxrstor(c *CPU, in *inst) bool {
	if c.feat&featFXSR == 0 {
		c.raise(excUD)
	}
	if c.cr0&(cr0EM|cr0TS) != 0 {
		c.raise(excNM)
	}
	ea := c.ea(in)
	if (c.sbase[in.seg]+ea)&15 != 0 {
		c.raiseCode(excGP, 0)
	}
	var buf [512]byte
	c.readBytes(in.seg, ea, buf[:416], in.amask())
	if !c.fxrstorImage(&buf, in.size == 8, true, true) {
		c.raiseCode(excGP, 0)
	}
	c.rip = in.next
	return true
}

func hLdmxcsr(c *CPU, in *inst) bool {
	c.sseAvailable()
	v := uint32(c.read(in.seg, c.ea(in), 4))
	if v&^mxcsrMask != 0 {
		c.raiseCode(excGP, 0)
	}
	c.fpu.mxcsr = v
	return false
}

func hStmxcsr(c *CPU, in *inst) bool {
	c.sseAvailable()
	c.write(in.seg, c.ea(in), 4, uint64(c.fpu.mxcsr))
	return c.smcEnd(in)
}

// XSAVE/XSAVEOPT and XRSTOR for the x87 and SSE components (SDM vol. 1,
// chapter 13: standard format).
func hXsave(c *CPU, in *inst) bool {
	if c.cr4&cr4OSXSAVE == 0 {
		c.raise(excUD)
	}
	if c.cr0&cr0TS != 0 {
		c.raise(excNM)
	}
	ea := c.ea(in)
	if (c.sbase[in.seg]+ea)&63 != 0 {
		c.raiseCode(excGP, 0)
	}
	rfbm := c.xcr0 & (c.R[2]&0xffffffff<<32 | c.R[0]&0xffffffff)
	var buf [512]byte
	c.fxsaveImage(&buf, in.size == 8)
	c.probeWriteAt(in.seg, ea, 8)
	c.probeWriteAt(in.seg, (ea+568)&in.amask(), 8)
	if rfbm&1 != 0 {
		c.writeBytes(in.seg, ea, buf[:24], in.amask())
		c.writeBytes(in.seg, (ea+32)&in.amask(), buf[32:160], in.amask())
	}
	if rfbm&2 != 0 {
		c.writeBytes(in.seg, (ea+24)&in.amask(), buf[24:32], in.amask())
		c.writeBytes(in.seg, (ea+160)&in.amask(), buf[160:416], in.amask())
	}
	bv := c.read(in.seg, (ea+512)&in.amask(), 8)
	bv = bv&^rfbm | rfbm&xcr0Supported
	c.write(in.seg, (ea+512)&in.amask(), 8, bv)
	return c.smcEnd(in)
}

func hXrstor(c *CPU, in *inst) bool {
	if c.cr4&cr4OSXSAVE == 0 {
		c.raise(excUD)
	}
	if c.cr0&cr0TS != 0 {
		c.raise(excNM)
	}
	ea := c.ea(in)
	if (c.sbase[in.seg]+ea)&63 != 0 {
		c.raiseCode(excGP, 0)
	}
	rfbm := c.xcr0 & (c.R[2]&0xffffffff<<32 | c.R[0]&0xffffffff)
	bv := c.read(in.seg, (ea+512)&in.amask(), 8)
	comp := c.read(in.seg, (ea+520)&in.amask(), 8)
	if comp != 0 || bv&^c.xcr0 != 0 {
		c.raiseCode(excGP, 0)
	}
	var buf [512]byte
	c.readBytes(in.seg, ea, buf[:416], in.amask())
	saved := c.fpu
	x87 := rfbm&1 != 0 && bv&1 != 0
	sse := rfbm&2 != 0 && bv&2 != 0
	if !c.fxrstorImage(&buf, in.size == 8, x87, sse) {
		c.fpu = saved
		c.raiseCode(excGP, 0)
	}
	if rfbm&1 != 0 && bv&1 == 0 {
		mx := c.fpu.mxcsr
		xmm := c.fpu.xmm
		c.fpu.reset()
		c.fpu.mxcsr, c.fpu.xmm = mx, xmm
	}
	if rfbm&2 != 0 && bv&2 == 0 {
		c.fpu.xmm = [16][16]byte{}
		if rfbm&1 == 0 || bv&1 != 0 {
			// MXCSR is loaded from memory whenever the SSE bit of RFBM is
			// set and either component is being restored.
		}
		mx := uint32(c.read(in.seg, (ea+24)&in.amask(), 4))
		if mx&^mxcsrMask != 0 {
			c.fpu = saved
			c.raiseCode(excGP, 0)
		}
		c.fpu.mxcsr = mx
	}
	c.rip = in.next
	return true
}

// decodeX87 selects the handler of an x87 escape (D8..DF); ModRM is read.
func decodeX87(d *decoder, b uint8) {
	in := d.in
	if d.feat&featFPU == 0 {
		d.undefined()
		return
	}
	x87Select(d, in)
}
