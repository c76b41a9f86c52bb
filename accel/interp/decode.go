package interp

// Decoder: legacy prefixes, REX, the one-byte, 0F, 0F38 and 0F3A opcode maps,
// ModRM/SIB, displacements and immediates (Intel SDM vol. 2, chapter 2 and
// appendix A). The decoder resolves every operand and chooses the handler;
// encodings that are undefined in the current mode get hUD.

// decodeStatus says how decoding ended.
type decodeStatus uint8

const (
	decOK      decodeStatus = iota
	decUD                   // undefined or unsupported encoding: #UD
	decTooLong              // longer than 15 bytes: #GP(0)
	decShort                // ran out of bytes (tests only; the CPU faults instead)
)

const maxInstLen = 15

type decoder struct {
	buf   []byte
	pos   int
	fetch *blockFetch // supplies bytes beyond buf (nil: none)

	mode   uint8
	feat   uint64 // the CPU model's internal feature flags
	in     *inst
	status decodeStatus

	rex    uint8
	p66    bool
	p67    bool
	lastF  uint8 // last of F2/F3 (for SSE mandatory prefixes)
	seg    int8
	opsize uint8
	mod    uint8
	rmLow  uint8 // ModRM.rm without REX.B
	ud     bool
}

func (d *decoder) u8() uint8 {
	if d.pos >= len(d.buf) {
		if d.pos >= maxInstLen {
			if d.status == decOK {
				d.status = decTooLong
			}
			return 0
		}
		if d.fetch == nil || !d.fetch.more(d) || d.pos >= len(d.buf) {
			if d.status == decOK {
				d.status = decShort
			}
			return 0
		}
	}
	b := d.buf[d.pos]
	d.pos++
	return b
}

func (d *decoder) u16() uint16 { return uint16(d.u8()) | uint16(d.u8())<<8 }
func (d *decoder) u32() uint32 { return uint32(d.u16()) | uint32(d.u16())<<16 }
func (d *decoder) u64() uint64 { return uint64(d.u32()) | uint64(d.u32())<<32 }

// imm reads an immediate of n bytes, sign-extended to 64 bits.
func (d *decoder) imm(n uint8) uint64 {
	switch n {
	case 1:
		return uint64(int8(d.u8()))
	case 2:
		return uint64(int16(d.u16()))
	case 4:
		return uint64(int32(d.u32()))
	}
	return d.u64()
}

// osz is the operand size of ordinary instructions.
func (d *decoder) osz() uint8 {
	if d.mode == mode64 {
		if d.rex&8 != 0 {
			return 8
		}
		if d.p66 {
			return 2
		}
		return 4
	}
	if (d.mode == mode32) != d.p66 {
		return 4
	}
	return 2
}

// osz64 is the operand size of instructions that default to 64 bits in
// 64-bit mode (PUSH, POP, LEAVE, ...).
func (d *decoder) osz64() uint8 {
	if d.mode == mode64 {
		if d.p66 && d.rex&8 == 0 {
			return 2
		}
		return 8
	}
	return d.osz()
}

// oszBranch is the operand size of near branches: 64 in 64-bit mode whatever
// the prefixes (Intel behaviour).
func (d *decoder) oszBranch() uint8 {
	if d.mode == mode64 {
		return 8
	}
	return d.osz()
}

func (d *decoder) asz() uint8 {
	switch d.mode {
	case mode64:
		if d.p67 {
			return 4
		}
		return 8
	case mode32:
		if d.p67 {
			return 2
		}
		return 4
	}
	if d.p67 {
		return 4
	}
	return 2
}

// modRM reads ModRM (and SIB and displacement). r1 gets ModRM.reg; for a
// register operand r2 gets ModRM.rm.
func (d *decoder) modRM() {
	in := d.in
	m := d.u8()
	in.modrm = m
	d.mod = m >> 6
	in.sub = m >> 3 & 7
	in.r1 = in.sub | (d.rex&4)<<1
	d.rmLow = m & 7
	if d.mod == 3 {
		in.r2 = m&7 | (d.rex&1)<<3
		return
	}
	in.pfx |= pfxMem
	in.base, in.index, in.scale = zeroReg, zeroReg, 0
	defSeg := uint8(segDS)
	rm := m & 7
	if in.asize == 2 {
		switch rm {
		case 0:
			in.base, in.index = 3, 6
		case 1:
			in.base, in.index = 3, 7
		case 2:
			in.base, in.index, defSeg = 5, 6, segSS
		case 3:
			in.base, in.index, defSeg = 5, 7, segSS
		case 4:
			in.base = 6
		case 5:
			in.base = 7
		case 6:
			if d.mod == 0 {
				in.disp = uint64(int16(d.u16()))
			} else {
				in.base, defSeg = 5, segSS
			}
		case 7:
			in.base = 3
		}
		switch d.mod {
		case 1:
			in.disp = uint64(int8(d.u8()))
		case 2:
			in.disp = uint64(int16(d.u16()))
		}
	} else {
		switch {
		case rm == 4:
			sib := d.u8()
			in.scale = sib >> 6
			if idx := sib>>3&7 | (d.rex&2)<<2; idx != 4 {
				in.index = idx
			}
			if b := sib & 7; b == 5 && d.mod == 0 {
				in.disp = uint64(int32(d.u32()))
			} else {
				in.base = b | (d.rex&1)<<3
				if b == 4 || b == 5 {
					if in.base == 4 || in.base == 5 {
						defSeg = segSS
					}
				}
			}
		case rm == 5 && d.mod == 0:
			in.disp = uint64(int32(d.u32()))
			if d.mode == mode64 {
				in.pfx |= pfxRipRel
			}
		default:
			in.base = rm | (d.rex&1)<<3
			if in.base == 5 {
				defSeg = segSS
			}
		}
		switch d.mod {
		case 1:
			in.disp = uint64(int8(d.u8()))
		case 2:
			in.disp = uint64(int32(d.u32()))
		}
	}
	if d.seg >= 0 {
		in.seg = uint8(d.seg)
	} else {
		in.seg = defSeg
	}
}

// byteRegs converts r1/r2 to the high-byte encodings (20..23) for byte
// operands without a REX prefix.
func (d *decoder) byteRegs(both bool) {
	in := d.in
	if d.rex != 0 {
		return
	}
	if in.r1 >= 4 && in.r1 < 8 {
		in.r1 += 16
		in.pfx |= pfxHigh8
	}
	if both && in.r2 >= 4 && in.r2 < 8 && !in.mem() {
		in.r2 += 16
		in.pfx |= pfxHigh8
	}
}

// swapRM makes the ModRM.rm register the destination (r1) and ModRM.reg the
// source (r2) of a register-register form.
func (d *decoder) swapRM() {
	in := d.in
	if !in.mem() {
		in.r1, in.r2 = in.r2, in.r1
	}
}

// rmIsDest prepares an E-destination form whose only register is ModRM.rm.
func (d *decoder) rmDest() {
	in := d.in
	if !in.mem() {
		in.r1 = in.r2
	}
}

func (d *decoder) undefined() { d.ud = true }

// decode decodes one instruction at ip into in.
func decode(d *decoder, in *inst, ip uint64) decodeStatus {
	*in = inst{}
	d.in = in
	d.pos = 0
	d.status = decOK
	d.rex, d.p66, d.p67, d.lastF, d.seg, d.ud = 0, false, false, 0, -1, false
	in.ip = ip
	in.base, in.index = zeroReg, zeroReg
	in.seg = segDS

	// Legacy prefixes, then REX (which counts only right before the opcode).
	var b uint8
	for {
		b = d.u8()
		if d.status != decOK {
			return d.status
		}
		switch b {
		case 0xf0:
			in.pfx |= pfxLock
			d.rex = 0
			continue
		case 0xf2:
			in.pfx |= pfxRepne
			in.pfx &^= pfxRep
			d.lastF = 0xf2
			d.rex = 0
			continue
		case 0xf3:
			in.pfx |= pfxRep
			in.pfx &^= pfxRepne
			d.lastF = 0xf3
			d.rex = 0
			continue
		case 0x26, 0x2e, 0x36, 0x3e:
			if d.mode != mode64 {
				d.seg = int8(b>>3) & 3
				in.pfx |= pfxSegOvr
			}
			d.rex = 0
			continue
		case 0x64, 0x65:
			d.seg = int8(b - 0x60)
			in.pfx |= pfxSegOvr
			d.rex = 0
			continue
		case 0x66:
			d.p66 = true
			in.pfx |= pfx66
			d.rex = 0
			continue
		case 0x67:
			d.p67 = true
			d.rex = 0
			continue
		}
		if d.mode == mode64 && b&0xf0 == 0x40 {
			d.rex = b
			continue
		}
		break
	}
	if d.rex != 0 {
		in.pfx |= pfxRex
	}
	// A REX prefix followed by a legacy prefix is ignored; the loop above
	// clears it for the prefixes that reset it, and a REX followed by
	// another REX keeps the last.
	switch {
	case d.lastF == 0xf3:
		in.sse = 2
	case d.lastF == 0xf2:
		in.sse = 3
	case d.p66:
		in.sse = 1
	}
	in.asize = d.asz()
	d.opsize = d.osz()
	in.size = d.opsize
	in.op = uint16(b)
	if b == 0x0f {
		b = d.u8()
		switch b {
		case 0x38:
			b = d.u8()
			in.op = 0x200 | uint16(b)
			decode0F38(d, b)
		case 0x3a:
			b = d.u8()
			in.op = 0x300 | uint16(b)
			decode0F3A(d, b)
		default:
			in.op = 0x100 | uint16(b)
			decode0F(d, b)
		}
	} else {
		decode1(d, b)
	}
	if d.status != decOK {
		return d.status
	}
	if d.pos > maxInstLen {
		return decTooLong
	}
	in.len = uint8(d.pos)
	in.next = ip + uint64(d.pos)
	if in.pfx&pfxRipRel != 0 {
		in.disp += in.next
	}
	if in.pfx&pfxRel != 0 {
		in.imm = (in.next + in.disp) & sizeMask(in.size)
		in.disp = 0
	}
	if d.ud {
		in.fn = hUD
		return decUD
	}
	// LOCK is allowed only on the read-modify-write forms with a memory
	// destination; the handlers chosen for those clear d.lockOK.
	if in.pfx&pfxLock != 0 && !lockable(in) {
		in.fn = hUD
		return decUD
	}
	if in.fn == nil {
		in.fn = hUD
		return decUD
	}
	return decOK
}

// lockable reports whether LOCK is valid on the decoded instruction.
func lockable(in *inst) bool {
	if !in.mem() {
		return false
	}
	switch in.op {
	case 0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30, 0x31,
		0x80, 0x81, 0x83, 0x86, 0x87:
		return in.op < 0x80 || in.op >= 0x86 || in.sub != 7
	case 0xf6, 0xf7:
		return in.sub == 2 || in.sub == 3
	case 0xfe, 0xff:
		return in.sub < 2
	case 0x1ab, 0x1b3, 0x1bb, 0x1b0, 0x1b1, 0x1c0, 0x1c1:
		return true
	case 0x1ba: // the decoder has already mapped /4../7 to 0..3: BTS, BTR, BTC lock
		return in.sub >= 1
	case 0x1c7:
		return in.sub == 1
	}
	return false
}

// Opcode tables for the two-operand ALU group (ADD, OR, ADC, SBB, AND, SUB,
// XOR, CMP in that order).
const (
	aluAdd = iota
	aluOr
	aluAdc
	aluSbb
	aluAnd
	aluSub
	aluXor
	aluCmp
)

func decode1(d *decoder, b uint8) {
	in := d.in
	m64 := d.mode == mode64
	switch {
	case b < 0x40 && b&7 < 6:
		op := b >> 3
		in.sub = op
		switch b & 7 {
		case 0: // Eb, Gb
			in.size = 1
			d.modRM()
			in.sub = op
			d.swapRM()
			d.byteRegs(true)
			pickALU8(d, op, false)
		case 1: // Ev, Gv
			d.modRM()
			in.sub = op
			d.swapRM()
			pickALU(d, op, false)
		case 2: // Gb, Eb
			in.size = 1
			d.modRM()
			in.sub = op
			d.byteRegs(true)
			pickALU8(d, op, true)
		case 3: // Gv, Ev
			d.modRM()
			in.sub = op
			pickALU(d, op, true)
		case 4: // AL, Ib
			in.size = 1
			in.r1 = 0
			in.imm = d.imm(1)
			in.pfx |= pfxImm
			in.fn = aluRI8[op]
		case 5: // rAX, Iz
			in.r1 = 0
			in.imm = d.imm(min(d.opsize, 4))
			in.pfx |= pfxImm
			in.fn = aluRI[op]
		}
		return
	}
	switch b {
	case 0x06, 0x0e, 0x16, 0x1e: // PUSH ES/CS/SS/DS
		if m64 {
			d.undefined()
			return
		}
		in.size = d.osz64()
		in.sub = b >> 3
		in.fn = hPushSeg
	case 0x07, 0x17, 0x1f: // POP ES/SS/DS
		if m64 {
			d.undefined()
			return
		}
		in.size = d.osz64()
		in.sub = b >> 3
		in.fn = hPopSeg
		in.pfx |= pfxTerm
	case 0x27, 0x2f, 0x37, 0x3f: // DAA DAS AAA AAS
		if m64 {
			d.undefined()
			return
		}
		in.sub = b
		in.fn = hBCD
	case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47: // INC r (REX in 64-bit mode)
		in.r1 = b & 7
		in.fn = hIncR
	case 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f:
		in.r1 = b & 7
		in.fn = hDecR
	case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57:
		in.size = d.osz64()
		in.r1 = b&7 | (d.rex&1)<<3
		in.fn = hPushR
	case 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f:
		in.size = d.osz64()
		in.r1 = b&7 | (d.rex&1)<<3
		in.fn = hPopR
	case 0x60:
		if m64 {
			d.undefined()
			return
		}
		in.fn = hPusha
	case 0x61:
		if m64 {
			d.undefined()
			return
		}
		in.fn = hPopa
	case 0x62: // BOUND (EVEX in 64-bit mode)
		if m64 {
			d.undefined()
			return
		}
		d.modRM()
		if !in.mem() {
			d.undefined()
			return
		}
		in.fn = hBound
	case 0x63:
		d.modRM()
		if m64 { // MOVSXD Gv, Ed (a plain move below 64 bits)
			switch {
			case d.opsize == 8:
				in.fn = hMovsxd
			case in.mem():
				in.fn = hMovRM
			default:
				in.fn = hMovRR
			}
			return
		}
		if !in.mem() { // ARPL Ew, Gw
			in.r1, in.r2 = in.r2, in.r1
		}
		in.size = 2
		in.fn = hArpl
	case 0x68:
		in.size = d.osz64()
		in.imm = d.imm(min(in.size, 4))
		in.fn = hPushI
	case 0x6a:
		in.size = d.osz64()
		in.imm = d.imm(1)
		in.fn = hPushI
	case 0x69, 0x6b: // IMUL Gv, Ev, Iz/Ib
		d.modRM()
		if b == 0x69 {
			in.imm = d.imm(min(d.opsize, 4))
		} else {
			in.imm = d.imm(1)
		}
		in.fn = hImul3
	case 0x6c, 0x6d: // INS
		if b == 0x6c {
			in.size = 1
		} else {
			in.size = min(d.opsize, 4)
		}
		in.fn = hIns
		strPfx(d)
	case 0x6e, 0x6f: // OUTS
		if b == 0x6e {
			in.size = 1
		} else {
			in.size = min(d.opsize, 4)
		}
		in.seg = segOr(d, segDS)
		in.fn = hOuts
		strPfx(d)
	case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f:
		in.size = d.oszBranch()
		in.sub = b & 0xf
		rel := d.imm(1)
		relBranch(d, rel)
		in.fn = hJcc
	case 0x80, 0x82: // group 1 Eb, Ib
		if b == 0x82 && m64 {
			d.undefined()
			return
		}
		in.size = 1
		d.modRM()
		d.rmDest()
		d.byteRegs(false)
		in.imm = d.imm(1)
		in.pfx |= pfxImm
		pickALU8I(d, in.sub)
	case 0x81, 0x83: // group 1 Ev, Iz/Ib
		d.modRM()
		d.rmDest()
		if b == 0x81 {
			in.imm = d.imm(min(d.opsize, 4))
		} else {
			in.imm = d.imm(1)
		}
		in.pfx |= pfxImm
		pickALUI(d, in.sub)
	case 0x84: // TEST Eb, Gb
		in.size = 1
		d.modRM()
		d.swapRM()
		d.byteRegs(true)
		if in.mem() {
			in.fn = hTest8M
		} else {
			in.fn = hTest8RR
		}
	case 0x85:
		d.modRM()
		d.swapRM()
		if in.mem() {
			in.fn = hTestMR
		} else {
			in.fn = hTestRR
		}
	case 0x86: // XCHG Eb, Gb
		in.size = 1
		d.modRM()
		d.byteRegs(true)
		in.fn = hXchg8
	case 0x87:
		d.modRM()
		if in.mem() {
			in.fn = hXchgM
		} else {
			in.fn = hXchgRR
		}
	case 0x88: // MOV Eb, Gb
		in.size = 1
		d.modRM()
		d.swapRM()
		d.byteRegs(true)
		if in.mem() {
			in.fn = hMov8MR
		} else {
			in.fn = hMov8RR
		}
	case 0x89:
		d.modRM()
		d.swapRM()
		if in.mem() {
			in.fn = hMovMR
		} else {
			in.fn = hMovRR
		}
	case 0x8a: // MOV Gb, Eb
		in.size = 1
		d.modRM()
		d.byteRegs(true)
		if in.mem() {
			in.fn = hMov8RM
		} else {
			in.fn = hMov8RR
		}
	case 0x8b:
		d.modRM()
		if in.mem() {
			in.fn = hMovRM
		} else {
			in.fn = hMovRR
		}
	case 0x8c: // MOV Ev, Sw
		d.modRM()
		if in.sub > 5 {
			d.undefined()
			return
		}
		if in.mem() {
			in.size = 2
		}
		d.rmDest()
		in.fn = hMovFromSeg
	case 0x8d: // LEA
		d.modRM()
		if !in.mem() {
			d.undefined()
			return
		}
		in.fn = hLea
	case 0x8e: // MOV Sw, Ew
		d.modRM()
		if in.sub > 5 || in.sub == segCS {
			d.undefined()
			return
		}
		in.size = 2
		d.rmDest()
		in.fn = hMovToSeg
		in.pfx |= pfxTerm
	case 0x8f: // POP Ev
		in.size = d.osz64()
		d.modRM()
		if in.sub != 0 {
			d.undefined() // XOP escape on AMD
			return
		}
		d.rmDest()
		in.fn = hPopE
	case 0x90:
		if d.rex&1 != 0 {
			in.r1 = 8
			in.r2 = 0
			in.fn = hXchgRR
			return
		}
		if in.pfx&pfxRep != 0 {
			in.fn = hPause
			return
		}
		in.fn = hNop
	case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97:
		in.r1 = b&7 | (d.rex&1)<<3
		in.r2 = 0
		in.fn = hXchgRR
	case 0x98:
		in.fn = hCbw
	case 0x99:
		in.fn = hCwd
	case 0x9a: // CALL far ptr16:16/32
		if m64 {
			d.undefined()
			return
		}
		in.imm = uint64(d.u16())
		if d.opsize == 4 {
			in.imm |= uint64(d.u16()) << 16
		}
		in.imm2 = d.u16()
		in.fn = hCallFarImm
	case 0x9b:
		in.fn = hFwait
	case 0x9c:
		in.size = d.osz64()
		in.fn = hPushf
	case 0x9d:
		in.size = d.osz64()
		in.fn = hPopf
	case 0x9e:
		in.fn = hSahf
	case 0x9f:
		in.fn = hLahf
	case 0xa0, 0xa1, 0xa2, 0xa3: // MOV AL/rAX <-> moffs
		if b&1 == 0 {
			in.size = 1
		}
		in.disp = d.imm(in.asize)
		if in.asize == 4 {
			in.disp &= 0xffffffff
		} else if in.asize == 2 {
			in.disp &= 0xffff
		}
		in.pfx |= pfxMem
		in.seg = segOr(d, segDS)
		in.r1 = 0
		switch b {
		case 0xa0:
			in.fn = hMov8RM
		case 0xa1:
			in.fn = hMovRM
		case 0xa2:
			in.fn = hMov8MR
		case 0xa3:
			in.fn = hMovMR
		}
	case 0xa4, 0xa5:
		strSize(d, b)
		in.seg = segOr(d, segDS)
		in.fn = hMovs
		strPfx(d)
	case 0xa6, 0xa7:
		strSize(d, b)
		in.seg = segOr(d, segDS)
		in.fn = hCmps
		strPfx(d)
	case 0xa8: // TEST AL, Ib
		in.size = 1
		in.r1 = 0
		in.imm = d.imm(1)
		in.fn = hTest8RI
	case 0xa9:
		in.r1 = 0
		in.imm = d.imm(min(d.opsize, 4))
		in.fn = hTestRI
	case 0xaa, 0xab:
		strSize(d, b)
		in.fn = hStos
		strPfx(d)
	case 0xac, 0xad:
		strSize(d, b)
		in.seg = segOr(d, segDS)
		in.fn = hLods
		strPfx(d)
	case 0xae, 0xaf:
		strSize(d, b)
		in.fn = hScas
		strPfx(d)
	case 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7: // MOV r8, Ib
		in.size = 1
		in.r1 = b&7 | (d.rex&1)<<3
		d.byteRegs(false)
		in.imm = uint64(d.u8())
		in.fn = hMov8RI
	case 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf: // MOV r, Iv
		in.r1 = b&7 | (d.rex&1)<<3
		in.imm = d.imm(d.opsize)
		in.fn = hMovRI
	case 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3: // group 2
		if b&1 == 0 {
			in.size = 1
		}
		d.modRM()
		d.rmDest()
		if in.size == 1 {
			d.byteRegs(false)
		}
		switch b {
		case 0xc0, 0xc1:
			in.imm = uint64(d.u8())
			in.pfx |= pfxImm
		case 0xd0, 0xd1:
			in.imm = 1
			in.pfx |= pfxImm
		}
		pickShift(d)
	case 0xc2:
		in.size = d.oszBranch()
		in.imm = uint64(d.u16())
		in.fn = hRetImm
		in.pfx |= pfxTerm
	case 0xc3:
		in.size = d.oszBranch()
		in.fn = hRet
		in.pfx |= pfxTerm
	case 0xc4, 0xc5: // LES, LDS (VEX in 64-bit mode)
		if m64 {
			d.undefined()
			return
		}
		d.modRM()
		if !in.mem() {
			d.undefined() // VEX
			return
		}
		if b == 0xc4 {
			in.imm2 = segES
		} else {
			in.imm2 = segDS
		}
		in.fn = hLoadFarPtr
		in.pfx |= pfxTerm
	case 0xc6, 0xc7: // MOV Eb/Ev, Ib/Iz
		if b == 0xc6 {
			in.size = 1
		}
		d.modRM()
		if in.sub != 0 {
			d.undefined() // XABORT/XBEGIN (RTM not offered)
			return
		}
		d.rmDest()
		if in.size == 1 {
			d.byteRegs(false)
			in.imm = uint64(d.u8())
			if in.mem() {
				in.fn = hMov8MI
			} else {
				in.fn = hMov8RI
			}
		} else {
			in.imm = d.imm(min(d.opsize, 4))
			if in.mem() {
				in.fn = hMovMI
			} else {
				in.fn = hMovRI
			}
		}
	case 0xc8:
		in.size = d.osz64()
		in.imm = uint64(d.u16())
		in.imm2 = uint16(d.u8())
		in.fn = hEnter
	case 0xc9:
		in.size = d.osz64()
		in.fn = hLeave
	case 0xca:
		in.imm = uint64(d.u16())
		in.fn = hRetFar
		in.pfx |= pfxTerm
	case 0xcb:
		in.fn = hRetFar
		in.pfx |= pfxTerm
	case 0xcc:
		in.imm = 3
		in.fn = hInt3
		in.pfx |= pfxTerm
	case 0xcd:
		in.imm = uint64(d.u8())
		in.fn = hIntN
		in.pfx |= pfxTerm
	case 0xce:
		if m64 {
			d.undefined()
			return
		}
		in.fn = hInto
		in.pfx |= pfxTerm
	case 0xcf:
		in.fn = hIret
		in.pfx |= pfxTerm
	case 0xd4:
		if m64 {
			d.undefined()
			return
		}
		in.imm = uint64(d.u8())
		in.fn = hAam
	case 0xd5:
		if m64 {
			d.undefined()
			return
		}
		in.imm = uint64(d.u8())
		in.fn = hAad
	case 0xd6:
		if m64 {
			d.undefined()
			return
		}
		in.fn = hSalc
	case 0xd7:
		in.seg = segOr(d, segDS)
		in.fn = hXlat
	case 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf:
		d.modRM()
		decodeX87(d, b)
	case 0xe0, 0xe1, 0xe2, 0xe3: // LOOPNE LOOPE LOOP JrCXZ
		in.size = d.oszBranch()
		in.sub = b & 3
		relBranch(d, d.imm(1))
		in.fn = hLoop
	case 0xe4, 0xe5, 0xe6, 0xe7: // IN/OUT imm8
		in.size = 1
		if b&1 != 0 {
			in.size = min(d.opsize, 4)
		}
		in.imm = uint64(d.u8())
		in.pfx |= pfxImm
		if b&2 == 0 {
			in.fn = hIn
		} else {
			in.fn = hOut
		}
	case 0xe8:
		in.size = d.oszBranch()
		rel := d.imm(min(in.size, 4))
		relBranch(d, rel)
		in.fn = hCallRel
		in.pfx |= pfxTerm
	case 0xe9, 0xeb:
		in.size = d.oszBranch()
		var rel uint64
		if b == 0xeb {
			rel = d.imm(1)
		} else {
			rel = d.imm(min(in.size, 4))
		}
		relBranch(d, rel)
		in.fn = hJmpRel
		in.pfx |= pfxTerm
	case 0xea:
		if m64 {
			d.undefined()
			return
		}
		in.imm = uint64(d.u16())
		if d.opsize == 4 {
			in.imm |= uint64(d.u16()) << 16
		}
		in.imm2 = d.u16()
		in.fn = hJmpFarImm
		in.pfx |= pfxTerm
	case 0xec, 0xed, 0xee, 0xef: // IN/OUT DX
		in.size = 1
		if b&1 != 0 {
			in.size = min(d.opsize, 4)
		}
		if b&2 == 0 {
			in.fn = hIn
		} else {
			in.fn = hOut
		}
	case 0xf1:
		in.fn = hInt1
		in.pfx |= pfxTerm
	case 0xf4:
		in.fn = hHlt
		in.pfx |= pfxTerm
	case 0xf5:
		in.fn = hCmc
	case 0xf6, 0xf7: // group 3
		if b == 0xf6 {
			in.size = 1
		}
		d.modRM()
		d.rmDest()
		if in.size == 1 {
			d.byteRegs(false)
		}
		switch in.sub {
		case 0, 1: // TEST E, I
			in.imm = d.imm(min(in.size, 4))
			if in.size == 1 {
				if in.mem() {
					in.fn = hTest8MI
				} else {
					in.fn = hTest8RI
				}
			} else if in.mem() {
				in.fn = hTestMI
			} else {
				in.fn = hTestRI
			}
		case 2:
			in.fn = hNot
		case 3:
			in.fn = hNeg
		case 4, 5:
			in.fn = hMul1
		case 6, 7:
			in.fn = hDiv
		}
	case 0xf8:
		in.fn = hClc
	case 0xf9:
		in.fn = hStc
	case 0xfa:
		in.fn = hCli
	case 0xfb:
		in.fn = hSti
		in.pfx |= pfxTerm
	case 0xfc:
		in.fn = hCld
	case 0xfd:
		in.fn = hStd
	case 0xfe: // group 4
		in.size = 1
		d.modRM()
		d.rmDest()
		d.byteRegs(false)
		switch in.sub {
		case 0, 1:
			in.fn = hIncDec
		default:
			d.undefined()
		}
	case 0xff: // group 5
		d.modRM()
		d.rmDest()
		switch in.sub {
		case 0, 1:
			if in.mem() {
				in.fn = hIncDec
			} else if in.sub == 0 {
				in.fn = hIncR
			} else {
				in.fn = hDecR
			}
		case 2:
			in.size = d.oszBranch()
			in.fn = hCallInd
			in.pfx |= pfxTerm
		case 3:
			if !in.mem() {
				d.undefined()
				return
			}
			in.fn = hCallFarMem
			in.pfx |= pfxTerm
		case 4:
			in.size = d.oszBranch()
			in.fn = hJmpInd
			in.pfx |= pfxTerm
		case 5:
			if !in.mem() {
				d.undefined()
				return
			}
			in.fn = hJmpFarMem
			in.pfx |= pfxTerm
		case 6:
			in.size = d.osz64()
			in.fn = hPushE
		default:
			d.undefined()
		}
	default:
		d.undefined()
	}
}

// relBranch stores the absolute target of a relative branch in imm. The
// target wraps to the operand size (16-bit IP) outside 64-bit mode.
func relBranch(d *decoder, rel uint64) {
	in := d.in
	in.disp = rel
	in.pfx |= pfxTerm | pfxRel
}

// strSize sets the operand size of a string instruction (even opcodes are
// byte forms).
func strSize(d *decoder, b uint8) {
	if b&1 == 0 {
		d.in.size = 1
	}
}

// strPfx records the address size of a string instruction's registers.
func strPfx(d *decoder) {
	in := d.in
	if in.pfx&(pfxRep|pfxRepne) != 0 {
		in.pfx |= pfxTerm // REP forms may stop part way and resume
	}
}

func segOr(d *decoder, def uint8) uint8 {
	if d.seg >= 0 {
		return uint8(d.seg)
	}
	return def
}

func pickALU(d *decoder, op uint8, toReg bool) {
	in := d.in
	switch {
	case !in.mem():
		in.fn = aluRR[op]
	case toReg:
		in.fn = aluRM[op]
	case in.pfx&pfxLock != 0:
		in.fn = hLockALU
	default:
		in.fn = aluMR[op]
	}
	if toReg && op != aluCmp && in.mem() {
		return
	}
}

func pickALU8(d *decoder, op uint8, toReg bool) {
	in := d.in
	switch {
	case in.pfx&pfxLock != 0 && in.mem() && !toReg:
		in.fn = hLockALU
	case !in.mem():
		in.fn = hALU8RR
	case toReg:
		in.fn = hALU8RM
	default:
		in.fn = hALU8MR
	}
}

func pickALUI(d *decoder, op uint8) {
	in := d.in
	switch {
	case !in.mem():
		in.fn = aluRI[op]
	case in.pfx&pfxLock != 0:
		in.fn = hLockALU
	default:
		in.fn = aluMI[op]
	}
}

func pickALU8I(d *decoder, op uint8) {
	in := d.in
	switch {
	case !in.mem():
		in.fn = aluRI8[op]
	case in.pfx&pfxLock != 0:
		in.fn = hLockALU
	default:
		in.fn = hALU8MI
	}
}

func pickShift(d *decoder) {
	in := d.in
	if in.pfx&pfxImm != 0 && !in.mem() && in.size > 1 {
		switch in.sub {
		case 0:
			in.fn = hRolRI
			return
		case 1:
			in.fn = hRorRI
			return
		case 4, 6:
			in.fn = hShlRI
			return
		case 5:
			in.fn = hShrRI
			return
		case 7:
			in.fn = hSarRI
			return
		}
	}
	in.fn = hShift
}
