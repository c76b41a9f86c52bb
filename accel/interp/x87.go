package interp

import (
	"gemu/accel"
	sf "gemu/accel/interp/softfloat"
)

// x87 instructions: the register stack, tags, status and control words,
// exception reporting, and the decode of escapes D8..DF. The arithmetic is
// package softfloat's.

type f80 = sf.Float80

func toSF(v accel.Float80) f80   { return f80(v) }
func fromSF(v f80) accel.Float80 { return accel.Float80(v) }

const (
	fswIE  = 1 << 0
	fswDE  = 1 << 1
	fswSF  = 1 << 6
	fswES  = 1 << 7
	fswC0  = 1 << 8
	fswC1  = 1 << 9
	fswC2  = 1 << 10
	fswC3  = 1 << 14
	fswB   = 1 << 15
	fswCC  = fswC0 | fswC1 | fswC2 | fswC3
	tagEmp = 3
)

func (f *fpuState) phys(i int) int { return (f.top() + i) & 7 }
func (f *fpuState) tag(p int) int  { return int(f.ftw>>(2*p)) & 3 }
func (f *fpuState) setTag(p int, t int) {
	f.ftw = f.ftw&^(3<<(2*p)) | uint16(t)<<(2*p)
}
func (f *fpuState) setTop(t int) { f.fsw = f.fsw&^(7<<11) | uint16(t&7)<<11 }
func (f *fpuState) empty(i int) bool {
	return f.tag(f.phys(i)) == tagEmp
}

// stGet returns ST(i).
func (f *fpuState) stGet(i int) f80 { return toSF(f.st[f.phys(i)]) }

// stSet writes ST(i) and its tag.
func (f *fpuState) stSet(i int, v f80) {
	p := f.phys(i)
	f.st[p] = fromSF(v)
	f.setTag(p, int(classTag(f.st[p])))
}

// x87 is the per-instruction context: softfloat's rounding state and the
// exceptions raised.
type x87 struct {
	c   *CPU
	f   *fpuState
	ctx sf.Context
	uf  bool // a masked stack underflow happened: the result is the indefinite
}

func (c *CPU) x87Begin(in *inst, wait bool) *x87 {
	c.fpuAvailable()
	if wait {
		c.fpuCheckPending()
	}
	x := &c.x87ctx
	x.c, x.f = c, &c.fpu
	x.ctx = sf.NewContext(c.fpu.fcw)
	x.uf = false
	return x
}

// note records the instruction pointer and opcode (FIP, FOP, and FDP for
// memory operands).
func (x *x87) note(in *inst) {
	f := x.f
	f.fop = uint16(in.op&7)<<8 | uint16(in.modrm)
	f.fip = in.ip
	f.fcs = x.c.seg[segCS].Selector
	if in.mem() {
		f.fdp = x.c.ea(in)
		f.fds = x.c.seg[in.seg].Selector
	}
}

// stackFault reports a stack overflow (push onto a full register) or
// underflow (read of an empty one): IE, SF, C1 = overflow. It returns true
// if the exception is masked and execution goes on with the indefinite.
func (x *x87) stackFault(overflow bool) bool {
	f := x.f
	f.fsw |= fswIE | fswSF
	f.fsw &^= fswC1
	if overflow {
		f.fsw |= fswC1
	}
	if x.f.fcw&fswIE == 0 {
		f.fsw |= fswES | fswB
		return false
	}
	return true
}

// finish folds the raised exceptions into FSW; it reports whether the
// destination may be written (no unmasked pre-computation exception).
func (x *x87) finish() bool {
	st := x.ctx.Status
	f := x.f
	f.fsw = f.fsw&^fswC1 | uint16(st&sf.C1) | uint16(st&sf.AllExceptions)
	unmasked := st & sf.AllExceptions &^ x.ctx.Mask
	if unmasked != 0 {
		f.fsw |= fswES | fswB
	}
	return unmasked&sf.PreComputation == 0
}

// read returns ST(i), handling an empty register (stack underflow); ok is
// false when the instruction must stop (unmasked).
func (x *x87) read(i int) (f80, bool) {
	if x.f.empty(i) {
		if !x.stackFault(false) {
			return f80{}, false
		}
		x.uf = true
		return sf.Indefinite, true
	}
	return x.f.stGet(i), true
}

func (x *x87) push(v f80) {
	f := x.f
	t := (f.top() - 1) & 7
	if f.tag(t) != tagEmp {
		if !x.stackFault(true) {
			return
		}
		v = sf.Indefinite
	}
	f.setTop(t)
	f.stSet(0, v)
}

func (x *x87) pop() {
	f := x.f
	f.setTag(f.top(), tagEmp)
	f.setTop(f.top() + 1)
}

// memory operands

// loadMem reads a memory operand of the given kind; an arithmetic operand
// (operand true) keeps a signalling NaN signalling for the operation.
func (x *x87) loadMem(in *inst, kind int, operand bool) f80 {
	c := x.c
	ea := c.ea(in)
	switch kind {
	case memF32:
		if operand {
			return x.ctx.Float32Operand(uint32(c.read(in.seg, ea, 4)))
		}
		return x.ctx.FromFloat32(uint32(c.read(in.seg, ea, 4)))
	case memF64:
		if operand {
			return x.ctx.Float64Operand(c.read(in.seg, ea, 8))
		}
		return x.ctx.FromFloat64(c.read(in.seg, ea, 8))
	case memI16:
		return sf.FromInt64(int64(int16(c.read(in.seg, ea, 2))))
	case memI32:
		return sf.FromInt64(int64(int32(c.read(in.seg, ea, 4))))
	case memI64:
		return sf.FromInt64(int64(c.read(in.seg, ea, 8)))
	case memF80:
		var b [10]byte
		c.readBytes(in.seg, ea, b[:], in.amask())
		return sf.FromBytes(b[:])
	case memBCD:
		var b [10]byte
		c.readBytes(in.seg, ea, b[:], in.amask())
		return sf.FromBCD(b)
	}
	return f80{}
}

const (
	memF32 = iota
	memF64
	memI16
	memI32
	memI64
	memF80
	memBCD
)

// arith performs op 0..7 (add, mul, com, comp, sub, subr, div, divr) on a
// and b.
func (x *x87) arith(op uint8, a, b f80) f80 {
	switch op {
	case 0:
		return x.ctx.Add(a, b)
	case 1:
		return x.ctx.Mul(a, b)
	case 4:
		return x.ctx.Sub(a, b)
	case 5:
		return x.ctx.Sub(b, a)
	case 6:
		return x.ctx.Div(a, b)
	case 7:
		return x.ctx.Div(b, a)
	}
	return a
}

// compare sets C0, C2 and C3 from comparing a with b; it reports false
// when an unmasked invalid operation leaves the condition codes, and the
// stack (no pop follows), alone (SDM vol. 1, 8.5.1).
func (x *x87) compare(a, b f80, ordered bool) bool {
	if x.uf { // masked underflow: unordered
		x.f.fsw |= fswC0 | fswC2 | fswC3
		return true
	}
	o := x.ctx.Compare(a, b, ordered)
	if !x.finish() {
		return false
	}
	x.f.fsw = x.f.fsw&^(fswC0|fswC2|fswC3) | o.FSW()
	return true
}

// Handlers.

// hX87ArithMem: D8/DC/DA/DE with a memory operand: ST0 op= m.
func hX87ArithMem(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	var kind int
	switch in.op & 7 {
	case 0:
		kind = memF32
	case 4:
		kind = memF64
	case 2:
		kind = memI32
	case 6:
		kind = memI16
	}
	m := x.loadMem(in, kind, true)
	x.note(in)
	a, ok := x.read(0)
	if !ok {
		return false
	}
	switch in.sub {
	case 2, 3:
		if x.compare(a, m, true) && in.sub == 3 {
			x.pop()
		}
		return false
	}
	if x.uf {
		x.f.stSet(0, sf.Indefinite)
		return false
	}
	r := x.arith(in.sub, a, m)
	if x.finish() {
		x.f.stSet(0, r)
	}
	return false
}

// hX87ArithReg: D8 (ST0 op= ST(i)), DC (ST(i) op= ST0), DE (and pop).
func hX87ArithReg(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	x.note(in)
	i := int(in.modrm & 7)
	esc := in.op & 7
	op := in.sub
	if esc == 0 && (op == 2 || op == 3) {
		a, ok1 := x.read(0)
		b, ok2 := x.read(i)
		if !ok1 || !ok2 {
			return false
		}
		if x.compare(a, b, true) && op == 3 {
			x.pop()
		}
		return false
	}
	if esc == 6 && in.modrm == 0xd9 { // FCOMPP
		a, ok1 := x.read(0)
		b, ok2 := x.read(1)
		if !ok1 || !ok2 {
			return false
		}
		if x.compare(a, b, true) {
			x.pop()
			x.pop()
		}
		return false
	}
	if esc == 4 && (op == 2 || op == 3) || esc == 6 && (op == 2 || op == 3) {
		// DC D0+i / DC D8+i: FCOM/FCOMP aliases.
		a, ok1 := x.read(0)
		b, ok2 := x.read(i)
		if !ok1 || !ok2 {
			return false
		}
		if x.compare(a, b, true) && op == 3 {
			x.pop()
		}
		return false
	}
	if esc == 0 {
		a, ok1 := x.read(0)
		b, ok2 := x.read(i)
		if !ok1 || !ok2 {
			return false
		}
		if x.uf {
			x.f.stSet(0, sf.Indefinite)
			return false
		}
		r := x.arith(op, a, b)
		if x.finish() {
			x.f.stSet(0, r)
		}
		return false
	}
	// DC/DE: ST(i) = ST(i) op ST0 with the SUB/SUBR and DIV/DIVR encodings
	// swapped.
	swap := [8]uint8{0, 1, 2, 3, 5, 4, 7, 6}
	a, ok1 := x.read(i)
	b, ok2 := x.read(0)
	if !ok1 || !ok2 {
		return false
	}
	if x.uf {
		x.f.stSet(i, sf.Indefinite)
	} else if r := x.arith(swap[op], a, b); x.finish() {
		x.f.stSet(i, r)
	} else {
		return false // an unmasked pre-computation exception: no pop
	}
	if esc == 6 {
		x.pop()
	}
	return false
}

// hX87Load: FLD m32/m64/m80, FILD m16/m32/m64, FBLD.
func hX87Load(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	var kind int
	switch {
	case in.op&7 == 1 && in.sub == 0:
		kind = memF32
	case in.op&7 == 5 && in.sub == 0:
		kind = memF64
	case in.op&7 == 3 && in.sub == 5:
		kind = memF80
	case in.op&7 == 7 && in.sub == 0:
		kind = memI16
	case in.op&7 == 3 && in.sub == 0:
		kind = memI32
	case in.op&7 == 7 && in.sub == 5:
		kind = memI64
	case in.op&7 == 7 && in.sub == 4:
		kind = memBCD
	}
	v := x.loadMem(in, kind, false)
	x.note(in)
	if f := x.f; f.tag((f.top()-1)&7) != tagEmp {
		// Stack overflow outranks what the operand would raise (IE for
		// an SNaN, DE for a denormal): SDM vol. 1, 8.7.
		x.push(v)
		return false
	}
	if !x.finish() {
		return false
	}
	x.push(v)
	return false
}

// hX87Store: FST/FSTP m32/m64/m80, FIST/FISTP/FISTTP m16/m32/m64, FBSTP.
func hX87Store(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	x.note(in)
	v, ok := x.read(0)
	if !ok {
		return false
	}
	esc, sub := in.op&7, in.sub
	pop := sub == 3 || sub == 1 || esc == 3 && sub == 7 || esc == 7 && (sub == 6 || sub == 7)
	ea := c.ea(in)
	switch {
	case esc == 1: // FST/FSTP m32
		r := x.ctx.ToFloat32(v)
		if !x.finishStore() {
			return false
		}
		c.write(in.seg, ea, 4, uint64(r))
	case esc == 5: // FST/FSTP m64, FISTTP m64
		if sub == 1 {
			r := x.ctx.ToInt(v, 64, true)
			if !x.finishStore() {
				return false
			}
			c.write(in.seg, ea, 8, uint64(r))
		} else {
			r := x.ctx.ToFloat64(v)
			if !x.finishStore() {
				return false
			}
			c.write(in.seg, ea, 8, r)
		}
	case esc == 3 && sub == 7: // FSTP m80
		var b [10]byte
		v.PutBytes(b[:])
		c.writeBytes(in.seg, ea, b[:], in.amask())
	case esc == 3: // FIST/FISTP/FISTTP m32
		r := x.ctx.ToInt(v, 32, sub == 1)
		if !x.finishStore() {
			return false
		}
		c.write(in.seg, ea, 4, uint64(r))
	case esc == 7 && sub == 6: // FBSTP
		b := x.ctx.ToBCD(v)
		if !x.finishStore() {
			return false
		}
		c.writeBytes(in.seg, ea, b[:], in.amask())
	case esc == 7 && sub == 7: // FISTP m64
		r := x.ctx.ToInt(v, 64, false)
		if !x.finishStore() {
			return false
		}
		c.write(in.seg, ea, 8, uint64(r))
	case esc == 7: // FIST/FISTP/FISTTP m16
		r := x.ctx.ToInt(v, 16, sub == 1)
		if !x.finishStore() {
			return false
		}
		c.write(in.seg, ea, 2, uint64(r))
	}
	if pop {
		x.pop()
	}
	return c.smcEnd(in)
}

// finishStore: a store to memory is suppressed by any unmasked exception
// that the conversion raised (invalid, overflow, underflow, precision
// excepted as the SDM says: only IE, OE, UE suppress).
func (x *x87) finishStore() bool {
	st := x.ctx.Status
	x.finish()
	return st&(sf.Invalid|sf.Overflow|sf.Underflow|sf.Denormal)&^x.ctx.Mask == 0
}

// hX87D9Reg handles the register forms of D9.
func hX87D9Reg(c *CPU, in *inst) bool {
	m := in.modrm
	wait := true
	x := c.x87Begin(in, wait)
	f := x.f
	i := int(m & 7)
	switch {
	case m >= 0xc0 && m <= 0xc7: // FLD ST(i)
		x.note(in)
		v, ok := x.read(i)
		if !ok {
			return false
		}
		x.push(v)
		return false
	case m >= 0xc8 && m <= 0xcf: // FXCH
		x.note(in)
		a, ok1 := x.read(0)
		b, ok2 := x.read(i)
		if !ok1 || !ok2 {
			return false
		}
		f.stSet(0, b)
		f.stSet(i, a)
		f.fsw &^= fswC1
		return false
	case m == 0xd0: // FNOP
		x.note(in)
		return false
	case m == 0xe0, m == 0xe1: // FCHS, FABS
		x.note(in)
		v, ok := x.read(0)
		if !ok {
			return false
		}
		switch {
		case x.uf:
		case m == 0xe0:
			v = v.Neg()
		default:
			v = v.Abs()
		}
		f.fsw &^= fswC1
		f.stSet(0, v)
		return false
	case m == 0xe4: // FTST
		x.note(in)
		v, ok := x.read(0)
		if !ok {
			return false
		}
		o := x.ctx.Test(v)
		if x.finish() {
			f.fsw = f.fsw&^(fswC0|fswC2|fswC3) | o.FSW()
		}
		return false
	case m == 0xe5: // FXAM
		x.note(in)
		cc := sf.Examine(f.stGet(0), f.empty(0))
		f.fsw = f.fsw&^fswCC | cc
		return false
	case m >= 0xe8 && m <= 0xee: // constants
		x.note(in)
		v := x.ctx.LoadConst(sf.Const(m - 0xe8))
		x.push(v)
		return false
	case m == 0xf6: // FDECSTP
		f.setTop(f.top() - 1)
		f.fsw &^= fswC1
		return false
	case m == 0xf7: // FINCSTP
		f.setTop(f.top() + 1)
		f.fsw &^= fswC1
		return false
	}
	x.note(in)
	a, ok := x.read(0)
	if !ok {
		return false
	}
	if !x.uf && (m == 0xf2 || m == 0xf4 || m == 0xfb) && f.tag((f.top()-1)&7) != tagEmp {
		// The result needs a push onto a full stack: overflow before
		// anything is computed; the masked response leaves indefinites.
		if !x.stackFault(true) {
			return false
		}
		f.stSet(0, sf.Indefinite)
		f.setTop(f.top() - 1)
		f.stSet(0, sf.Indefinite)
		return false
	}
	if x.uf {
		// Masked stack underflow: the destination gets the indefinite.
		switch m {
		case 0xf1, 0xf3, 0xf9:
			f.stSet(1, sf.Indefinite)
			x.pop()
		case 0xf2, 0xf4, 0xfb:
			f.stSet(0, sf.Indefinite)
			x.push(sf.Indefinite)
		default:
			f.stSet(0, sf.Indefinite)
		}
		return false
	}
	switch m {
	case 0xf0: // F2XM1
		r := x.ctx.TwoXM1(a)
		if x.finish() {
			f.stSet(0, r)
		}
	case 0xf1, 0xf3, 0xf9: // FYL2X, FPATAN, FYL2XP1: ST1 = f(ST1, ST0), pop
		b, ok := x.read(1)
		if !ok {
			return false
		}
		if x.uf {
			f.stSet(1, sf.Indefinite)
			x.pop()
			return false
		}
		var r f80
		switch m {
		case 0xf1:
			r = x.ctx.YL2X(b, a)
		case 0xf3:
			r = x.ctx.Atan2(b, a)
		default:
			r = x.ctx.YL2XP1(b, a)
		}
		if x.finish() {
			f.stSet(1, r)
			x.pop()
		}
	case 0xf2: // FPTAN
		t, one, c2 := x.ctx.Tan(a)
		f.fsw &^= fswC2
		if c2 {
			f.fsw |= fswC2
			x.finish()
			return false
		}
		if x.finish() {
			f.stSet(0, t)
			x.push(one)
		}
	case 0xf4: // FXTRACT
		e, s := x.ctx.Xtract(a)
		if x.finish() {
			f.stSet(0, e)
			x.push(s)
		}
	case 0xf5, 0xf8: // FPREM1, FPREM
		b, ok := x.read(1)
		if !ok {
			return false
		}
		if x.uf {
			f.stSet(0, sf.Indefinite)
			return false
		}
		r, cc := x.ctx.Rem(a, b, m == 0xf5)
		if x.finish() {
			f.stSet(0, r)
			f.fsw = f.fsw&^fswCC | cc
		}
	case 0xfa: // FSQRT
		r := x.ctx.Sqrt(a)
		if x.finish() {
			f.stSet(0, r)
		}
	case 0xfb: // FSINCOS
		s, co, c2 := x.ctx.SinCos(a)
		f.fsw &^= fswC2
		if c2 {
			f.fsw |= fswC2
			x.finish()
			return false
		}
		if x.finish() {
			f.stSet(0, s)
			x.push(co)
		}
	case 0xfc: // FRNDINT
		r := x.ctx.RoundInt(a)
		if x.finish() {
			f.stSet(0, r)
		}
	case 0xfd: // FSCALE
		b, ok := x.read(1)
		if !ok {
			return false
		}
		if x.uf {
			f.stSet(0, sf.Indefinite)
			return false
		}
		r := x.ctx.Scale(a, b)
		if x.finish() {
			f.stSet(0, r)
		}
	case 0xfe, 0xff: // FSIN, FCOS
		var r f80
		var c2 bool
		if m == 0xfe {
			r, c2 = x.ctx.Sin(a)
		} else {
			r, c2 = x.ctx.Cos(a)
		}
		f.fsw &^= fswC2
		if c2 {
			f.fsw |= fswC2
			x.finish()
			return false
		}
		if x.finish() {
			f.stSet(0, r)
		}
	default:
		c.raise(excUD)
	}
	return false
}

// FCMOVcc (DA/DB C0..DF): DA: B, E, BE, U; DB: NB, NE, NBE, NU.
func hFcmov(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	x.note(in)
	i := int(in.modrm & 7)
	cc := [4]uint8{2, 4, 6, 0xa}[in.sub&3]
	if in.op&7 == 3 {
		cc |= 1
	}
	v, ok := x.read(i)
	if !ok {
		return false
	}
	if x.f.empty(0) && !x.uf {
		if !x.stackFault(false) {
			return false
		}
		x.uf = true
	}
	if x.uf {
		x.f.stSet(0, sf.Indefinite)
		return false
	}
	if c.cond(cc) {
		x.f.stSet(0, v)
	}
	return false
}

// FCOMI/FCOMIP/FUCOMI/FUCOMIP (DB/DF E8..F7).
func hFcomi(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	x.note(in)
	i := int(in.modrm & 7)
	a, ok1 := x.read(0)
	b, ok2 := x.read(i)
	if !ok1 || !ok2 {
		return false
	}
	if x.uf {
		c.materialize()
		c.flags = c.flags&^flagsArith | flagZF | flagPF | flagCF
		if in.op&7 == 7 {
			x.pop()
		}
		return false
	}
	o := x.ctx.Compare(a, b, in.sub == 6)
	if !x.finish() {
		return false // unmasked #IA: flags and stack unchanged
	}
	c.materialize()
	c.flags = c.flags&^flagsArith | o.EFLAGS()
	if in.op&7 == 7 {
		x.pop()
	}
	return false
}

// FUCOM/FUCOMP (DD E0..EF), FUCOMPP (DA E9).
func hFucom(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	x.note(in)
	i := int(in.modrm & 7)
	if in.op&7 == 2 {
		i = 1
	}
	a, ok1 := x.read(0)
	b, ok2 := x.read(i)
	if !ok1 || !ok2 {
		return false
	}
	if !x.compare(a, b, false) {
		return false
	}
	if in.op&7 == 2 {
		x.pop()
		x.pop()
	} else if in.sub == 5 {
		x.pop()
	}
	return false
}

// FFREE (DD C0+i), FFREEP (DF C0+i), FST/FSTP ST(i) (DD D0/D8).
func hX87DDReg(c *CPU, in *inst) bool {
	x := c.x87Begin(in, true)
	x.note(in)
	f := x.f
	i := int(in.modrm & 7)
	switch in.sub {
	case 0: // FFREE / FFREEP
		f.setTag(f.phys(i), tagEmp)
		if in.op&7 == 7 {
			x.pop()
		}
	case 2, 3: // FST/FSTP ST(i)
		v, ok := x.read(0)
		if !ok {
			return false
		}
		f.stSet(i, v)
		if in.sub == 3 {
			x.pop()
		}
	default:
		c.raise(excUD)
	}
	return false
}

// Control instructions.

func hFninit(c *CPU, in *inst) bool {
	c.fpuAvailable()
	f := &c.fpu
	f.fcw, f.fsw, f.ftw, f.fop, f.fip, f.fdp, f.fcs, f.fds = 0x37f, 0, 0xffff, 0, 0, 0, 0, 0
	return false
}

func hFnclex(c *CPU, in *inst) bool {
	c.fpuAvailable()
	c.fpu.fsw &^= 0x80ff
	return false
}

// FNOP-like legacy DB E0/E1/E4 (FNENI, FNDISI, FNSETPM) do nothing.
func hX87Nop(c *CPU, in *inst) bool {
	c.fpuAvailable()
	return false
}

func hFldcw(c *CPU, in *inst) bool {
	c.fpuAvailable()
	c.fpuCheckPending()
	c.fpu.fcw = uint16(c.read(in.seg, c.ea(in), 2)) | 0x40
	c.updateES()
	return false
}

// updateES recomputes the error summary after the masks or flags change.
func (c *CPU) updateES() {
	f := &c.fpu
	if f.fsw&0x3f&^f.fcw != 0 {
		f.fsw |= fswES | fswB
	} else {
		f.fsw &^= fswES | fswB
	}
}

func hFnstcw(c *CPU, in *inst) bool {
	c.fpuAvailable()
	c.write(in.seg, c.ea(in), 2, uint64(c.fpu.fcw))
	return c.smcEnd(in)
}

func hFnstsw(c *CPU, in *inst) bool {
	c.fpuAvailable()
	if !in.mem() { // FNSTSW AX
		c.R[0] = c.R[0]&^0xffff | uint64(c.fpu.fsw)
		return false
	}
	c.write(in.seg, c.ea(in), 2, uint64(c.fpu.fsw))
	return c.smcEnd(in)
}

// envSize is the FSTENV/FLDENV image size for the operand size.
func envSize(in *inst) uint64 {
	if in.size == 2 {
		return 14
	}
	return 28
}

// writeEnv stores the environment (protected-mode layout; the real-mode
// layout is used outside protected mode).
func (c *CPU) writeEnv(in *inst, ea uint64) {
	f := &c.fpu
	w := func(i int, v uint64) {
		if in.size == 2 {
			c.write(in.seg, (ea+uint64(2*i))&in.amask(), 2, v&0xffff)
		} else {
			c.write(in.seg, (ea+uint64(4*i))&in.amask(), 4, v&0xffffffff)
		}
	}
	w(0, uint64(f.fcw)|0xffff0000)
	w(1, uint64(f.fsw)|0xffff0000)
	w(2, uint64(f.ftw)|0xffff0000)
	if c.protected() && !c.v86() {
		w(3, f.fip)
		w(4, uint64(f.fcs)|uint64(f.fop)<<16)
		w(5, f.fdp)
		w(6, uint64(f.fds)|0xffff0000)
	} else {
		w(3, f.fip)
		w(4, uint64(f.fop)|(f.fip>>16&0xf000)<<0)
		w(5, f.fdp)
		w(6, f.fdp>>16&0xf000)
	}
}

func (c *CPU) readEnv(in *inst, ea uint64) {
	f := &c.fpu
	r := func(i int) uint64 {
		if in.size == 2 {
			return c.read(in.seg, (ea+uint64(2*i))&in.amask(), 2)
		}
		return c.read(in.seg, (ea+uint64(4*i))&in.amask(), 4)
	}
	fcw, fsw, ftw := uint16(r(0)), uint16(r(1)), uint16(r(2))
	fip, sel, fdp, dsel := r(3), r(4), r(5), r(6)
	f.fcw, f.fsw, f.ftw = fcw|0x40, fsw, ftw
	f.fip, f.fdp = fip, fdp
	if c.protected() && !c.v86() {
		f.fcs, f.fop, f.fds = uint16(sel), uint16(sel>>16)&0x7ff, uint16(dsel)
	} else {
		f.fop = uint16(sel) & 0x7ff
	}
	c.updateES()
}

func hFnstenv(c *CPU, in *inst) bool {
	c.fpuAvailable()
	ea := c.ea(in)
	c.probeWriteAt(in.seg, ea, uint8(envSize(in)))
	c.writeEnv(in, ea)
	c.fpu.fcw |= 0x3f // FNSTENV masks every exception afterwards
	return c.smcEnd(in)
}

func hFldenv(c *CPU, in *inst) bool {
	c.fpuAvailable()
	c.readEnv(in, c.ea(in))
	return false
}

func hFnsave(c *CPU, in *inst) bool {
	c.fpuAvailable()
	ea := c.ea(in)
	n := envSize(in)
	c.probeWriteAt(in.seg, ea, uint8(n))
	c.probeWriteAt(in.seg, (ea+n+72)&in.amask(), 8)
	c.writeEnv(in, ea)
	var b [80]byte
	for i := 0; i < 8; i++ {
		v := c.fpu.stGet(i)
		v.PutBytes(b[10*i:])
	}
	c.writeBytes(in.seg, (ea+n)&in.amask(), b[:], in.amask())
	hFninit(c, in)
	return c.smcEnd(in)
}

func hFrstor(c *CPU, in *inst) bool {
	c.fpuAvailable()
	ea := c.ea(in)
	n := envSize(in)
	var b [80]byte
	c.readBytes(in.seg, (ea+n)&in.amask(), b[:], in.amask())
	c.readEnv(in, ea)
	for i := 0; i < 8; i++ {
		p := c.fpu.phys(i)
		c.fpu.st[p] = fromSF(sf.FromBytes(b[10*i:]))
	}
	return false
}

// x87Select chooses the handler of an x87 instruction (ModRM read).
func x87Select(d *decoder, in *inst) {
	esc := in.op & 7
	m := in.modrm
	if in.mem() {
		switch esc {
		case 0, 2, 4, 6:
			in.fn = hX87ArithMem
		case 1:
			switch in.sub {
			case 0:
				in.fn = hX87Load
			case 2, 3:
				in.fn = hX87Store
			case 4:
				in.fn = hFldenv
			case 5:
				in.fn = hFldcw
			case 6:
				in.fn = hFnstenv
			case 7:
				in.fn = hFnstcw
			default:
				d.undefined()
			}
		case 3:
			switch in.sub {
			case 0, 5:
				in.fn = hX87Load
			case 1, 2, 3, 7:
				in.fn = hX87Store
			default:
				d.undefined()
			}
		case 5:
			switch in.sub {
			case 0:
				in.fn = hX87Load
			case 1, 2, 3:
				in.fn = hX87Store
			case 4:
				in.fn = hFrstor
			case 6:
				in.fn = hFnsave
			case 7:
				in.fn = hFnstsw
			default:
				d.undefined()
			}
		case 7:
			switch in.sub {
			case 0, 4, 5:
				in.fn = hX87Load
			case 1, 2, 3, 6, 7:
				in.fn = hX87Store
			}
		}
		return
	}
	switch esc {
	case 0, 4, 6:
		in.fn = hX87ArithReg
		if esc == 6 && in.sub == 3 && m != 0xd9 {
			d.undefined()
		}
	case 1:
		switch {
		case m <= 0xd0, m == 0xe0, m == 0xe1, m == 0xe4, m == 0xe5, m >= 0xe8 && m <= 0xee, m >= 0xf0:
			in.fn = hX87D9Reg
		default:
			d.undefined()
		}
	case 2:
		switch {
		case m < 0xe0:
			in.fn = hFcmov
		case m == 0xe9:
			in.fn = hFucom
		default:
			d.undefined()
		}
	case 3:
		switch {
		case m < 0xe0:
			in.fn = hFcmov
		case m == 0xe2:
			in.fn = hFnclex
		case m == 0xe3:
			in.fn = hFninit
		case m == 0xe0, m == 0xe1, m == 0xe4:
			in.fn = hX87Nop
		case m >= 0xe8 && m < 0xf8:
			in.fn = hFcomi
		default:
			d.undefined()
		}
	case 5:
		switch in.sub {
		case 0, 2, 3:
			in.fn = hX87DDReg
		case 4, 5:
			in.fn = hFucom
		default:
			d.undefined()
		}
	case 7:
		switch {
		case m >= 0xc0 && m < 0xc8:
			in.fn = hX87DDReg // FFREEP
			in.sub = 0
		case m == 0xe0:
			in.fn = hFnstsw
		case m >= 0xe8 && m < 0xf8:
			in.fn = hFcomi
		default:
			d.undefined()
		}
	}
}
