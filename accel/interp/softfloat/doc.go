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
// All operations are value in, value out, and allocate nothing.
package softfloat
