package cpudiff

import (
	"testing"

	"gemu/accel"
)

// Snippet fragments shared by the cases.
const (
	// descriptor-table pointers, placed after a snippet's code.
	tablePtrs = `
	.balign 8
gdtr:	.word GDTLIMIT
	.long GDT
idtr32:	.word IDT32LIMIT
	.long IDT32
idtr64:	.word IDT64LIMIT
	.quad IDT64
ivtr:	.word 0x3ff
	.long 0
`
	// toProt32 goes from real mode to 32-bit protected mode at CPL0 with
	// flat data segments, the 32-bit IDT and the kernel stack.
	toProt32 = `
	cli
	lgdt gdtr
	lidt idtr32
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmp $KCODE32, $1f
	.code32
1:	mov $KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $KSTACK, %esp
`
)

func TestModeTransitions(t *testing.T) {
	runCases(t, []Case{
		{
			Name:  "real-prot16-prot32-long-compat-and-back",
			Start: Real,
			Stop:  AtHalt(),
			Code: `
	cli
	lgdt gdtr
	lidt idtr32
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmp $KCODE16, $pm16
pm16:	mov $KDATA16, %ax
	mov %ax, %ds
	movw $1, RESULT
	ljmp $KCODE32, $pm32
	.code32
pm32:	mov $KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $KSTACK, %esp
	movl $2, RESULT+4
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $PML4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_LME|EFER_NXE|EFER_SCE), %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	movl $3, RESULT+8
	lidt idtr64
	ljmp $KCODE64, $lm64
	.code64
lm64:	movl $4, RESULT+12
	mov $0x123456789, %rax
	push $KCODE32
	push $compat
	lretq
	.code32
compat:	movl $5, RESULT+16
	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	movl $6, RESULT+20
	hlt
` + tablePtrs,
			Want: wantU32(ReportBase, 1, ReportBase+4, 2, ReportBase+8, 3, ReportBase+12, 4, ReportBase+16, 5, ReportBase+20, 6),
		},
		{
			// Long mode all the way back to real mode: 64-bit ->
			// compatibility -> paging off -> LME off -> 16-bit
			// segments -> PE off -> real mode.
			Name:  "long-to-real",
			Start: Long64,
			Stop:  AtHalt(),
			Code: `
	push $KCODE32
	push $1f
	lretq
	.code32
1:	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	lidt ivtr
	ljmp $KCODE16, $2f
	.code16
2:	mov $KDATA16, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov %cr0, %eax
	and $~CR0_PE, %eax
	mov %eax, %cr0
	ljmp $0, $3f
3:	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7000, %sp
	pushf
	push $0x1234
	movw $0xbeef, RESULT
	hlt
` + tablePtrs,
			Want: wantU32(ReportBase, 0xbeef),
		},
		{
			// Big real mode: a 4 GiB limit loaded in protected mode
			// stays in DS's cache after PE is cleared.
			Name:  "unreal-mode",
			Start: Real,
			Stop:  AtHalt(),
			Code: `
	cli
	lgdt gdtr
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	mov $KDATA, %bx
	mov %bx, %ds
	and $~CR0_PE, %eax
	mov %eax, %cr0
	ljmp $0, $1f
1:	mov $0x1f0000, %ebx
	movl $0xcafef00d, (%ebx)
	mov (%ebx), %ecx
	hlt
` + tablePtrs,
			Want: wantU32(0x1f0000, 0xcafef00d),
		},
		{
			// Compatibility mode to 64-bit mode and back at CPL3:
			// the hardware's answer under KVM.
			Name:  "user-compat-to-64-and-back",
			Start: Compat32User,
			Stop:  AtVector(13),
			Code: `
	ljmp *ptr64
ptr64:	.long lm
	.word UCODE64
	.code64
lm:	mov $0x1122334455667788, %rax
	mov %rax, %r9
	lea comp(%rip), %rcx
	push $UCODE32
	push %rcx
	lretq
	.code32
comp:	mov $0x99, %ebx
	hlt
`,
		},
		{Name: "real-div0", Start: Real, Stop: AtVector(0), Code: `
	mov $0x1234, %ax
	xor %bl, %bl
	div %bl
`},
		{Name: "real-int-n", Start: Real, Stop: AtVector(0x30), Code: `
	mov $0x4321, %ax
	stc
	int $0x30
`},
		{Name: "real-limit-gp", Start: Real, Stop: AtVector(13), Code: `
	mov $0xffff, %bx
	mov (%bx), %ax
`},
		{Name: "real-stack-limit-ss", Start: Real, Stop: AtVector(12), Code: `
	mov $0xffff, %bp
	mov (%bp), %ax
`},
		{Name: "real-iret", Start: Real, Stop: AtHalt(), Code: `
	pushw $0x08d7
	pushw $0
	pushw $1f
	iret
1:	pushf
	pop %ax
	hlt
`},
		{Name: "real-operand-and-address-size", Start: Real, Stop: AtHalt(), Code: `
	mov $0x12345678, %eax
	mov $0x100, %ebx
	mov %eax, (%ebx)
	addr32 mov (%ebx), %cx
	mov $0x2000, %dx
	mov %dx, %es
	mov %eax, %es:0x10
	lea 0x1234(%bx,%si), %di
	hlt
`},
		{
			// Virtual-8086 mode entered by state (KVM's emulator
			// cannot IRET into it at CPL0): real-mode addressing at
			// CPL3, CLI with IOPL 0 faults to the 32-bit IDT with the
			// segment registers pushed.
			Name: "v8086-gp-on-cli", Start: Prot32, Stop: AtVector(13), Bits: 16, NoKVM: quirkV86,
			Setup: v86State,
			Code: `
	mov $0x1234, %ax
	mov %ax, %ds
	movw $0x55aa, 0x10
	mov %ds, %bx
	lea 0x10(%bx,%si), %cx
	cli
`,
			Want: wantU32(0x12350, 0x55aa),
		},
		{
			Name: "v8086-iret-iopl3", Start: Prot32, Stop: AtVector(13), Bits: 16, NoKVM: quirkV86,
			Setup: func(w *World) {
				v86State(w)
				w.State.RFLAGS |= FlagsIOPL
			},
			Code: `
	pushw $0x0cd5
	pushw $0
	pushw $1f
	iret
1:	pushf
	pop %ax
	cli
	sti
	mov %cr0, %eax
`,
		},
	})
}

func TestIllegalModeChanges(t *testing.T) {
	runCases(t, []Case{
		{Name: "clear-pg-in-64-bit-mode", Start: Long64, Stop: AtVector(13), Code: `
	mov %cr0, %rax
	btr $31, %rax
	mov %rax, %cr0
`},
		{Name: "clear-pae-in-long-mode", Start: Long64, Stop: AtVector(13), Code: `
	mov %cr4, %rax
	btr $5, %rax
	mov %rax, %cr4
`},
		{Name: "clear-lme-with-paging", Start: Long64, Stop: AtVector(13), Code: `
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
`},
		{Name: "long-paging-without-pae", Start: Prot32, Stop: AtVector(13), Code: `
	mov $PML4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
`},
		{Name: "pg-without-pe", Start: Prot32, Stop: AtVector(13), Code: `
	mov %cr0, %eax
	and $~CR0_PE, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
`},
		{Name: "nw-without-cd", Start: Long64, Stop: AtVector(13), Code: `
	mov %cr0, %rax
	bts $29, %rax
	btr $30, %rax
	mov %rax, %cr0
`},
		{Name: "cr4-reserved-bit", Start: Long64, NoKVM: quirkCRHighBits, Stop: AtVector(13), Code: `
	mov %cr4, %rax
	bts $40, %rax
	mov %rax, %cr4
`},
		{Name: "cr0-high-bit", Start: Long64, NoKVM: quirkCRHighBits, Stop: AtVector(13), Code: `
	mov %cr0, %rax
	bts $33, %rax
	mov %rax, %cr0
`},
		{Name: "cr3-reserved-bit-62", Start: Long64, Stop: AtVector(13), Code: `
	mov %cr3, %rax
	bts $62, %rax
	mov %rax, %cr3
`},
		{Name: "efer-reserved-bit", Start: Long64, Stop: AtVector(13), Code: `
	mov $MSR_EFER, %ecx
	rdmsr
	bts $20, %eax
	wrmsr
`},
		{Name: "mov-cr-at-cpl3", Start: User64, Stop: AtVector(13), Code: `
	mov %cr0, %rax
`},
		{Name: "mov-cr1-ud", Start: Long64, Stop: AtVector(6), Code: `
	.byte 0x0f, 0x20, 0xc8
`},
		{Name: "lmsw-cannot-clear-pe", Start: Prot32, Stop: AtHalt(), Code: `
	mov $0xfffe, %ax
	lmsw %ax
	smsw %ebx
	mov %cr0, %ecx
	hlt
`},
		{Name: "clts-and-smsw", Start: Long64, Stop: AtHalt(), Code: `
	mov %cr0, %rax
	or $CR0_TS, %rax
	mov %rax, %cr0
	smsw %rbx
	clts
	smsw %rcx
	hlt
`},
	})
}

// v86State starts the snippet in virtual-8086 mode at 0:CodeBase, with the
// 32-bit protected-mode tables for its exceptions.
func v86State(w *World) {
	s := &w.State
	s.RFLAGS |= 1 << 17
	for _, g := range []*accel.Segment{&s.CS, &s.DS, &s.ES, &s.FS, &s.GS, &s.SS} {
		*g = accel.Segment{Limit: 0xffff, Type: 3, S: true, DPL: 3, Present: true}
	}
	s.CS.Type = 0xb
	s.GPR[accel.RSP] = RealStack
}
