// Code generated from a table of x87 instructions; DO NOT EDIT.

package x87hw

//go:noescape
func Fadd(f *Frame)

//go:noescape
func Fsub(f *Frame)

//go:noescape
func Fsubr(f *Frame)

//go:noescape
func Fmul(f *Frame)

//go:noescape
func Fdiv(f *Frame)

//go:noescape
func Fdivr(f *Frame)

//go:noescape
func Fcom(f *Frame)

//go:noescape
func Fucom(f *Frame)

//go:noescape
func Fcomi(f *Frame)

//go:noescape
func Fucomi(f *Frame)

//go:noescape
func Fprem(f *Frame)

//go:noescape
func Fprem1(f *Frame)

//go:noescape
func Fscale(f *Frame)

//go:noescape
func Fpatan(f *Frame)

//go:noescape
func Fyl2x(f *Frame)

//go:noescape
func Fyl2xp1(f *Frame)

//go:noescape
func Fsqrt(f *Frame)

//go:noescape
func Frndint(f *Frame)

//go:noescape
func Fxtract(f *Frame)

//go:noescape
func Fsin(f *Frame)

//go:noescape
func Fcos(f *Frame)

//go:noescape
func Fsincos(f *Frame)

//go:noescape
func Fptan(f *Frame)

//go:noescape
func F2xm1(f *Frame)

//go:noescape
func Ftst(f *Frame)

//go:noescape
func Fxam(f *Frame)

//go:noescape
func Fldpi(f *Frame)

//go:noescape
func Fldl2t(f *Frame)

//go:noescape
func Fldl2e(f *Frame)

//go:noescape
func Fldlg2(f *Frame)

//go:noescape
func Fldln2(f *Frame)

//go:noescape
func Fstm32(f *Frame)

//go:noescape
func Fstm64(f *Frame)

//go:noescape
func Fistm16(f *Frame)

//go:noescape
func Fistm32(f *Frame)

//go:noescape
func Fistm64(f *Frame)

//go:noescape
func Fisttm16(f *Frame)

//go:noescape
func Fisttm32(f *Frame)

//go:noescape
func Fisttm64(f *Frame)

//go:noescape
func Fbstp(f *Frame)

//go:noescape
func Fldm32(f *Frame)

//go:noescape
func Fldm64(f *Frame)

//go:noescape
func Fbld(f *Frame)

//go:noescape
func Fildm16(f *Frame)

//go:noescape
func Fildm32(f *Frame)

//go:noescape
func Fildm64(f *Frame)
