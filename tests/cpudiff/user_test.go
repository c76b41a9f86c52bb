package cpudiff

import (
	"testing"

	"gemu/accel"
)

// stop ends a CPL3 sequence with its whole state: registers, flags, x87 and
// SSE, as the hardware (KVM runs CPL3 natively) left them.
const stop = `
	movb $0, STOP
1:	jmp 1b
`

// userData fills the data area with a recognisable pattern and some
// floating-point values the sequences load.
func userData(w *World) {
	for i := uint64(0); i < 0x1000; i += 8 {
		w.Put64(DataBase+i, 0x0123456789abcdef^(i*0x9e3779b97f4a7c15))
	}
	f64 := []uint64{0x3ff0000000000000, 0x400921fb54442d18, 0xc00e000000000000, 0x7ff0000000000000,
		0x0000000000000001, 0x7ff8000000000000, 0x3fb999999999999a, 0x4415af1d78b58c40}
	for i, v := range f64 {
		w.Put64(DataBase+0x800+8*uint64(i), v)
	}
	f32 := []uint32{0x3f800000, 0x40490fdb, 0xc0700000, 0x7f800000, 0x00000001, 0x7fc00000, 0x3dcccccd, 0x5f000000}
	for i, v := range f32 {
		w.Put32(DataBase+0x900+4*uint64(i), v)
	}
}

// x87Pointers are the bytes of an x87 environment or FXSAVE image at a
// that hold FOP, the FCS and FDS selectors and FDP: this host's CPU leaves
// them zero without an unmasked exception (see Normalize), the interpreter
// records them.
func x87Pointers(a uint64, fxsave bool) []Range {
	if fxsave {
		return []Range{{a + 6, a + 8}, {a + 12, a + 14}, {a + 16, a + 24}}
	}
	return []Range{{a + 16, a + 28}} // 32-bit protected-mode FNSTENV layout
}

// TestUserSequences runs hand-written CPL3 sequences of integer, string,
// x87, MMX and SSE instructions; KVM gives the host CPU's answers.
func TestUserSequences(t *testing.T) {
	cases := []Case{
		{Name: "integer-alu", Code: `
	mov $0x7fffffffffffffff, %rax
	add $1, %rax
	mov %rax, %rbx
	adc $5, %rbx
	sbb %rax, %rcx
	mov $0x12345678, %edx
	imul $-7, %rdx, %rsi
	mov $0xfedcba9876543210, %rax
	mov $0x1234567, %rcx
	mul %rcx
	mov %rax, %r8
	mov %rdx, %r9
	mov $1000000007, %rcx
	xor %edx, %edx
	div %rcx
	mov $-12345, %rax
	cqo
	mov $97, %rcx
	idiv %rcx
	mov $0x8000000000000001, %r10
	rol $3, %r10
	ror %cl, %r10
	rcl $1, %r10
	rcr $2, %r10
	shl $63, %r11
	shrd $7, %r8, %r9
	shld %cl, %r9, %r8
	sar $5, %r8
	bsf %r8, %r12
	bsr %r9, %r13
	bt $7, %r9
	btc $63, %r9
	bts %rcx, %r10
	btr $1, %r10
	setc %r14b
	cmovs %r9, %r15
	bswap %r15
	neg %r14
	not %r13
	xadd %r13, %r12
	mov $DATA, %edi
	lock cmpxchg %rdx, (%rdi)
	lock xadd %eax, 8(%rdi)
	xchg %ax, 16(%rdi)
	movzbl 3(%rdi), %eax
	movswq 4(%rdi), %rbx
	movslq 6(%rdi), %rcx
	lea 0x10(%rdi,%rcx,4), %rdx
	lahf
	cmc
	pushfq
	pop %rbp
` + stop},
		{Name: "bcd-daa-das", Start: Compat32User, NoKVM: quirkDAA, Code: `
	mov $0x1234, %ax
	add $0x99, %al
	daa
	pushf
	pop %ebx
	mov %eax, %ecx
	sub $0x58, %al
	das
	pushf
	pop %edx
	mov %eax, %ebp
	mov $0x0f, %ax
	aaa
	mov %eax, %esi
	mov $0x0f, %ax
	aas
	mov %eax, %edi
` + stop, Want: want(func(e *expect) {
			// 0x34+0x99 = 0xcd: DAA adds 6 (AF) and 0x60 (CF): 0x33.
			e.eq("al after daa", e.r.State.GPR[accel.RCX]&0xff, 0x33)
			e.eq("cf|af after daa", e.r.State.GPR[accel.RBX]&0x11, 0x11)
			// 0x33-0x58 = 0xdb with borrow and AF: DAS subtracts 6
			// and 0x60: 0x75.
			e.eq("al after das", e.r.State.GPR[accel.RBP]&0xff, 0x75)
			e.eq("cf|af after das", e.r.State.GPR[accel.RDX]&0x11, 0x11)
			// 0x000f: AAA gives 0x0105, AAS 0xff09 (AH-1, AL-6).
			e.eq("ax after aaa", e.r.State.GPR[accel.RSI]&0xffff, 0x0105)
			e.eq("ax after aas", e.r.State.GPR[accel.RDI]&0xffff, 0xff09)
		})},
		{Name: "bound-out-of-range", Start: Compat32User, NoKVM: quirkDAA, Stop: AtVector(vecBR),
			Code: "movl $0, DATA\n movl $4, DATA+4\n mov $9, %eax\n bound %eax, DATA\n ud2\n"},
		{Name: "integer-8-16-bit-and-bcd", Start: Compat32User, Code: `
	mov $0x1234, %ax
	add $0x99, %al
	mov $0x0709, %ax
	aad $10
	aam $16
	mov $0x8000, %cx
	imul $3, %cx, %dx
	mov $0xff, %dl
	inc %dl
	dec %dh
	mov $0x1234, %si
	xchg %si, %di
	shl $4, %di
	sar $3, %si
	cbw
	cwde
	cwd
	cdq
	.byte 0xd6 # salc
	pushf
	pop %ebp
` + stop},
		{Name: "string-operations", Code: `
	mov $DATA, %esi
	mov $DATA+0x2000, %edi
	mov $37, %ecx
	rep movsb
	mov $13, %ecx
	rep movsq
	std
	mov $DATA+0x2100, %edi
	mov $0x5a5a5a5a, %eax
	mov $9, %ecx
	rep stosl
	cld
	mov $DATA, %esi
	mov $DATA+0x2000, %edi
	mov $64, %ecx
	repe cmpsb
	mov %ecx, %r8d
	mov $DATA+0x2000, %edi
	mov $0x100, %ecx
	movb $0x77, DATA+0x2040
	mov $0x77, %al
	repne scasb
	mov %ecx, %r9d
	mov $DATA+0x10, %esi
	lodsq
	lodsw
	mov $DATA+0x2200, %edi
	mov $DATA+0x2201, %esi
	mov $31, %ecx
	rep movsb
	xor %ecx, %ecx
	rep stosb
` + stop},
		{Name: "x87-arithmetic", Ignore: x87Pointers(DataBase+0x3040, false), Code: `
	fninit
	fld1
	fldpi
	faddp
	fldl DATA+0x808
	fmulp
	flds DATA+0x904
	fdivr %st(1), %st
	fsqrt
	fldl DATA+0x830
	fxch
	fprem
	fstpl DATA+0x3000
	fildl DATA+0x10
	fistpl DATA+0x3008
	fldl DATA+0x810
	fabs
	fchs
	frndint
	fld %st
	fmul %st(0), %st
	fcomi %st(1), %st
	fucomip %st(1), %st
	fstpt DATA+0x3010
	fldz
	fdivrs DATA+0x900
	fnstsw %ax
	mov %ax, %dx
	fxam
	fnstsw %ax
	fnstenv DATA+0x3040
	fldcw DATA+0x3040
	fldl DATA+0x830
	fbstp DATA+0x3080
	fld1
	fscale
	fxtract
	fnstsw %ax
` + stop},
		{Name: "x87-rounding-and-precision", Code: `
	fninit
	movw $0x0c7f, DATA+0x3000
	fldcw DATA+0x3000
	fldl DATA+0x830
	fldl DATA+0x808
	fdivrp
	fistl DATA+0x3008
	movw $0x007f, DATA+0x3000
	fldcw DATA+0x3000
	fld1
	fldl DATA+0x830
	fdivp
	fstpl DATA+0x3010
	movw $0x087f, DATA+0x3000
	fldcw DATA+0x3000
	fldl DATA+0x830
	frndint
	fistpq DATA+0x3018
	fnstsw %ax
` + stop},
		{Name: "x87-transcendental", Code: `
	fninit
	fldl DATA+0x830
	fsin
	fstpl DATA+0x3000
	fldl DATA+0x830
	fcos
	fstpl DATA+0x3008
	fldl DATA+0x830
	fptan
	fstp %st
	fstpl DATA+0x3010
	fld1
	fldl DATA+0x830
	fpatan
	fstpl DATA+0x3018
	fldl DATA+0x830
	f2xm1
	fstpl DATA+0x3020
	fld1
	fldl DATA+0x808
	fyl2x
	fstpl DATA+0x3028
` + stop},
		{Name: "x87-fprem-quotient-bits", Code: `
	fninit
	fldl DATA+0x808
	fldl DATA+0x838
	fprem
	fnstsw %ax
	mov %eax, %ebx
	fldl DATA+0x810
	fxch
	fprem1
	fnstsw %ax
	mov %eax, %ecx
	fldl DATA+0x800
	fldl DATA+0x838
	fscale
	fldl DATA+0x838
	fprem
	fnstsw %ax
` + stop},
		{Name: "x87-stack-faults-masked", Code: `
	fninit
	fstp %st
	fld1
	fld1
	fld1
	fld1
	fld1
	fld1
	fld1
	fld1
	fld1
	fnstsw %ax
	mov %ax, %bx
	fnclex
	fnstsw %ax
` + stop},
		{Name: "mmx", Code: `
	movq DATA, %mm0
	movq DATA+8, %mm1
	paddb %mm1, %mm0
	psubusw %mm0, %mm1
	pmullw %mm1, %mm2
	pmaddwd DATA+16, %mm2
	punpcklbw %mm1, %mm3
	packsswb %mm3, %mm0
	psllq $7, %mm0
	psraw $3, %mm1
	pcmpgtb %mm0, %mm1
	movd %mm1, %eax
	movq %mm0, DATA+0x3000
	emms
` + stop},
		{Name: "sse2", Code: `
	movaps DATA+0x900, %xmm0
	movups DATA+0x904, %xmm1
	addps %xmm1, %xmm0
	mulps %xmm0, %xmm1
	divss DATA+0x908, %xmm1
	sqrtps %xmm0, %xmm2
	minps %xmm1, %xmm2
	maxps DATA+0x910, %xmm2
	movapd DATA+0x800, %xmm3
	addpd DATA+0x810, %xmm3
	mulsd DATA+0x818, %xmm3
	sqrtsd DATA+0x830, %xmm4
	cvtsi2sd %rax, %xmm5
	cvttsd2si %xmm3, %rbx
	cvtsd2ss %xmm3, %xmm6
	cvtps2pd %xmm0, %xmm7
	ucomisd %xmm3, %xmm4
	comiss %xmm1, %xmm0
	pushfq
	pop %rcx
	movdqu DATA, %xmm8
	movdqu DATA+16, %xmm9
	paddq %xmm8, %xmm9
	pmuludq %xmm8, %xmm10
	pshufd $0x1b, %xmm9, %xmm11
	punpckhbw %xmm8, %xmm11
	packuswb %xmm9, %xmm12
	psrldq $3, %xmm12
	pcmpeqb %xmm8, %xmm12
	pmovmskb %xmm12, %edx
	movmskps %xmm2, %esi
	shufps $0x4e, %xmm0, %xmm13
	andnps %xmm1, %xmm13
	xorpd %xmm14, %xmm14
	cvtdq2ps %xmm9, %xmm15
	stmxcsr DATA+0x3000
	movdqa %xmm15, DATA+0x3010
` + stop},
		{Name: "sse-masked-exceptions-set-mxcsr-flags", Code: `
	xorps %xmm1, %xmm1
	movss DATA+0x900, %xmm0
	divss %xmm1, %xmm0
	movsd DATA+0x820, %xmm2
	mulsd %xmm2, %xmm2
	movsd DATA+0x818, %xmm3
	addsd DATA+0x828, %xmm3
	cvtsd2si DATA+0x818, %rax
	stmxcsr DATA+0x3000
` + stop},
		{Name: "sse-unmasked-exception-is-xm", Stop: AtVector(vecXM),
			Setup: func(w *World) { userData(w); w.State.FPU.MXCSR = 0x1f80 &^ (1 << 9) }, Code: `
	xorps %xmm1, %xmm1
	movss DATA+0x900, %xmm0
	divss %xmm1, %xmm0
	ud2
`},
		// An unmasked #Z is a pre-computation exception: FDIVP leaves
		// its operands and TOP alone (SDM vol. 1, 8.5.3); the next
		// waiting instruction raises #MF.
		{Name: "x87-unmasked-exception-is-mf", Stop: AtVector(vecMF), Want: want(func(e *expect) {
			f := e.r.State.FPU
			e.eq("top", uint64(f.FSW>>11&7), 6)
			e.eq("fsw.es|ze", uint64(f.FSW&0x84), 0x84)
			e.eq("ftw", uint64(f.FTW), 0xc0)
		}), Code: `
	fninit
	movw $0x037b, DATA+0x3000
	fldcw DATA+0x3000
	fldz
	fld1
	fdivp
	fld1
	ud2
`},
		{Name: "fpu-not-available-is-nm", Stop: AtVector(vecNM), NoKVM: quirkNativeCPL3,
			Setup: func(w *World) { w.State.CR0 |= CR0TS }, Code: "fld1\n ud2\n"},
		{Name: "sse-with-ts-is-nm", Stop: AtVector(vecNM), NoKVM: quirkNativeCPL3,
			Setup: func(w *World) { w.State.CR0 |= CR0TS }, Code: "addps %xmm0, %xmm1\n ud2\n"},
		{Name: "sse-misaligned-is-gp", Stop: AtVector(vecGP), Want: frameCode(0), Code: "movaps DATA+8, %xmm0\n ud2\n"},
		{Name: "fxsave-fxrstor", Ignore: append(x87Pointers(DataBase+0x3000, true), x87Pointers(DataBase+0x3200, true)...), Code: `
	fninit
	fldpi
	fld1
	movaps DATA+0x900, %xmm3
	fxsave DATA+0x3000
	fninit
	xorps %xmm3, %xmm3
	fxrstor DATA+0x3000
	fxsave64 DATA+0x3200
` + stop},
	}
	for i := range cases {
		c := &cases[i]
		if c.Start == 0 {
			c.Start = User64
		}
		if c.Stop == (Stop{}) {
			c.Stop = AtStop()
		}
		if c.Setup == nil {
			c.Setup = userData
		}
	}
	runCases(t, cases)
}
