package cpudiff

import (
	"testing"
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
gdtr:	.word GDTLIMIT
	.long GDT
idtr32:	.word IDT32LIMIT
	.long IDT32
idtr64:	.word IDT64LIMIT
	.quad IDT64
`,
			Want: wantU32(ReportBase, 1, ReportBase+4, 2, ReportBase+8, 3, ReportBase+12, 4, ReportBase+16, 5, ReportBase+20, 6),
		},
	})
}
