// Package softfloat implements the x87 floating-point unit's arithmetic in
// software: 80-bit extended precision values (Float80), the control word's
// rounding and precision control, the status word's exception flags and the
// masked and unmasked responses the x87 produces, bit for bit.
//
// # Using it from an instruction handler
//
// A Context carries what the x87 control word says (rounding control RC,
// precision control PC, exception masks) and collects the exceptions each
// operation raises in Status, using the status word's bit positions:
//
//	ctx := softfloat.NewContext(fpu.FCW)
//	r := ctx.Add(st0, sti)           // FADD ST(0), ST(i)
//	if ctx.Status&softfloat.PreComputation&^ctx.Mask != 0 {
//		// unmasked IE, DE or ZE: the destination is not written;
//		// set FSW.ES and B and raise #MF at the next waiting instruction
//	} else {
//		st0 = r
//	}
//	fsw = fsw&^softfloat.C1 | ctx.Status // sticky flags plus C1
//
// Status is only ever OR-ed into by operations; clear it (ctx.Status = 0)
// before each instruction. Bit 9 of Status is C1, which arithmetic sets when
// the result's significand was rounded up (incremented in magnitude), as the
// x87 does; the caller copies it into FSW.C1, replacing the old value.
// Stack overflow and underflow (IE together with SF) are the caller's: this
// package knows nothing about the register stack or the tag word.
//
// Masked responses are built in: invalid operations return the QNaN
// indefinite (or the integer indefinite for integer stores), division by
// zero returns a signed infinity, overflow returns infinity or the largest
// finite number as the rounding mode says, underflow returns the denormalised
// result. When overflow or underflow is unmasked, results destined for a
// register are returned with the exponent re-biased by 24576 as the x87 does
// (Status then has OE or UE set); results for memory formats (float32,
// float64, integers, BCD) must not be stored by the caller when the
// corresponding exception is unmasked.
//
// Unsupported encodings (unnormals, pseudo-NaNs, pseudo-infinities) are
// invalid operands; pseudo-denormals are accepted as denormals, as the x87
// (387 and later) does.
//
// # Instruction map
//
//	FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR   c.Add(a, b), c.Sub, c.Mul, c.Div (reverse forms swap a and b;
//	                                  FIADD etc. convert with FromInt64 first)
//	FSQRT, FRNDINT, FSCALE            c.Sqrt(x), c.RoundInt(x), c.Scale(st0, st1)
//	FPREM, FPREM1                     c.Rem(st0, st1, nearest) -> (st0, C0|C1|C2|C3)
//	FXTRACT                           c.Xtract(x) -> (exp, sig): ST(0) = exp, then push sig
//	FCOM/FCOMP/FCOMPP/FICOM, FTST     c.Compare(a, b, true).FSW(), c.Test(x).FSW()
//	FUCOM/FUCOMP/FUCOMPP              c.Compare(a, b, false).FSW()
//	FCOMI/FCOMIP, FUCOMI/FUCOMIP      c.Compare(...).EFLAGS() (ZF, PF, CF; clear OF, SF, AF)
//	FXAM                              Examine(x, empty)
//	FCHS, FABS                        x.Neg(), x.Abs() (no exceptions)
//	FLD1, FLDZ, FLDPI, FLDL2E, ...    c.LoadConst(ConstPi) ...
//	FLD/FST m32, m64                  c.FromFloat32/64(bits), c.ToFloat32/64(x)
//	FLD/FSTP m80                      FromBytes(b), x.PutBytes(b) (no exceptions)
//	FILD, FIST/FISTP, FISTTP          FromInt64(i), c.ToInt(x, 16|32|64, truncate)
//	FBLD, FBSTP                       FromBCD(b), c.ToBCD(x)
//	FSIN, FCOS, FSINCOS               c.Sin(x), c.Cos(x) -> (r, c2); c.SinCos(x) -> (sin, cos, c2)
//	FPTAN                             c.Tan(x) -> (tan, push, c2)
//	FPATAN, FYL2X, FYL2XP1            c.Atan2(st1, st0), c.YL2X(st1, st0), c.YL2XP1(st1, st0)
//	F2XM1                             c.TwoXM1(x)
//
// C2 true from the trigonometric functions means the operand was out of
// range (|x| >= 2^63): ST(0) is unchanged, nothing is pushed, and the
// caller sets C2 (otherwise it clears it).
//
// All operations are value in, value out, and allocate nothing.
package softfloat
