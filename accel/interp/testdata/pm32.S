/*
 * 32-bit protected mode ROM for the interpreter's tests, mapped at
 * 0xffff0000 and started from the reset vector. It checks, reporting to
 * port 0xe9 (32-bit OUT):
 *   - an interrupt gate from ring 3 to ring 0 with the stack switch from
 *     the 32-bit TSS (the handler reports the interrupted CS and ESP and
 *     its own SS and ESP), and IRET back to ring 3;
 *   - data segments nulled by an IRET to an outer ring;
 *   - virtual-8086 mode entered with IRET: OUT through the TSS I/O
 *     bitmap, INT n through a 32-bit gate
 *     (the handler sees VM in the saved EFLAGS and the v86 segments
 *     pushed), IRET back, then HLT in v86 mode faulting with #GP;
 *   - a double fault through a task gate: a #GP whose gate is not
 *     present faults again (#NP), which becomes #DF, delivered by a task
 *     switch to the double-fault TSS; that task reports its back link
 *     and the error code and stops.
 *
 * Build: as --32 -o pm32.o pm32.S && ld -m elf_i386 -Ttext=0 -o pm32.elf pm32.o &&
 *        objcopy -O binary -j .text pm32.elf pm32.bin
 */
	.set ROM, 0xffff0000
	.set GDT, 0x1000
	.set IDT, 0x2000
	.set TSS, 0x3000
	.set DFTSS, 0x3100
	.set KSTACK, 0x8000
	.set USTACK, 0x9000
	.set DFSTACK, 0xa000
	.set V86CODE, 0x7000

	.text
	.code16
start16:
	cli
	lgdtl %cs:gdtr
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $(pm32 + ROM)

	.code32
pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $KSTACK, %esp
	/* GDT to RAM */
	movl $(gdt + ROM), %esi
	movl $GDT, %edi
	movl $(gdt_end - gdt) / 4, %ecx
	rep movsl
	lgdtl ram_gdtr + ROM
	/* IDT: 0x80, 0x81 (DPL 3 interrupt gates), 0x82 (DPL 3, for v86),
	   13 (#GP), 8 (task gate to the double-fault TSS) */
	movl $(h80 + ROM), %eax
	movl $0x80, %ebx
	call gate
	movl $(h81 + ROM), %eax
	movl $0x81, %ebx
	call gate
	movl $(h82 + ROM), %eax
	movl $0x82, %ebx
	call gate
	movl $(hgp + ROM), %eax
	movl $13, %ebx
	call gate
	movl $0x00280000, IDT + 8*8		/* task gate, TSS selector 0x28 */
	movl $0x0000e500, IDT + 8*8 + 4
	lidtl idtr + ROM
	/* TSS: SS0:ESP0 */
	movl $KSTACK, TSS + 4
	movl $0x10, TSS + 8
	movw $0x68, TSS + 0x66			/* I/O bitmap at 0x68: all ports allowed */
	movl $TSS + 0x68, %edi
	xorl %eax, %eax
	movl $32, %ecx
	rep stosl
	movb $0xff, TSS + 0x68 + 128
	movw $0x20, %ax
	ltr %ax
	/* double-fault TSS: EIP, ESP, segments, CR3 0, EFLAGS 2 */
	movl $(dftask + ROM), DFTSS + 0x20
	movl $2, DFTSS + 0x24
	movl $DFSTACK, DFTSS + 0x38
	movl $0x10, DFTSS + 0x48		/* ES */
	movl $0x08, DFTSS + 0x4c		/* CS */
	movl $0x10, DFTSS + 0x50		/* SS */
	movl $0x10, DFTSS + 0x54		/* DS */
	movl $1, %eax
	outl %eax, $0xe9
	/* to ring 3 */
	pushl $0x33			/* SS = user data | 3 */
	pushl $USTACK
	pushl $0x3002			/* IOPL 3 (so ring 3 can OUT) */
	pushl $0x1b			/* CS = user code | 3 */
	pushl $(ring3 + ROM)
	iretl

ring3:
	movl $2, %eax
	outl %eax, $0xe9
	int $0x80
	movl $4, %eax
	outl %eax, $0xe9
	int $0x81

h80:	/* ring 0: report the frame and our stack */
	movl 4(%esp), %eax		/* interrupted CS */
	outl %eax, $0xe9
	movl 12(%esp), %eax		/* interrupted ESP */
	outl %eax, $0xe9
	movw %ss, %ax
	movzwl %ax, %eax
	outl %eax, $0xe9
	movl %esp, %eax
	outl %eax, $0xe9
	iretl

h81:	/* back at ring 0 for good: enter virtual-8086 mode. The IRET to
	   ring 3 nulled DS and ES (DPL 0 < CPL 3): reload them. */
	movl $5, %eax
	outl %eax, $0xe9
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movl $(v86 + ROM), %esi
	movl $V86CODE, %edi
	movl $(v86_end - v86), %ecx
	rep movsb
	movl $KSTACK, %esp
	pushl $0			/* GS */
	pushl $0			/* FS */
	pushl $0			/* DS */
	pushl $0			/* ES */
	pushl $0			/* SS */
	pushl $0x6000			/* SP */
	pushl $0x23002			/* EFLAGS: VM, IOPL 3 */
	pushl $0			/* CS */
	pushl $V86CODE			/* IP */
	iretl

	.code16
v86:
	movl $6, %eax
	outl %eax, $0xe9
	int $0x82
	movl $8, %eax
	outl %eax, $0xe9
	hlt				/* #GP in v86 mode */
v86_end:

	.code32
h82:
	movl 8(%esp), %eax		/* saved EFLAGS: VM set */
	shrl $17, %eax
	andl $1, %eax
	addl $0x70, %eax
	outl %eax, $0xe9		/* 0x71 */
	movl 4(%esp), %eax		/* saved CS (v86 segment) */
	outl %eax, $0xe9
	movw %ds, %ax			/* DS nulled on entry from v86 */
	movzwl %ax, %eax
	outl %eax, $0xe9
	iretl

hgp:	/* #GP from HLT in v86 mode, then provoke the double fault */
	popl %eax			/* error code */
	outl %eax, $0xe9
	movl (%esp), %eax		/* faulting IP */
	outl %eax, $0xe9
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movl $KSTACK, %esp
	movl $9, %eax
	outl %eax, $0xe9
	/* make the #GP gate not present, then fault: #GP -> #NP -> #DF */
	andb $0x7f, IDT + 13*8 + 5
	movl $0x40, %eax
	movw %ax, %ds			/* 0x40 is beyond the GDT limit: #GP */

dftask:
	movl $0xdf, %eax
	outl %eax, $0xe9
	movzwl DFTSS, %eax		/* back link */
	outl %eax, $0xe9
	popl %eax			/* error code of #DF */
	outl %eax, $0xe9
	pushfl
	popl %eax
	shrl $14, %eax			/* NT */
	andl $1, %eax
	outl %eax, $0xe9
	cli
	hlt

/* gate: IDT entry %ebx -> handler %eax, 32-bit interrupt gate, DPL 3 */
gate:
	leal IDT(,%ebx,8), %edi
	movw %ax, (%edi)
	movw $0x08, 2(%edi)
	movw $0xee00, 4(%edi)
	shrl $16, %eax
	movw %ax, 6(%edi)
	ret

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08 code */
	.quad 0x00cf93000000ffff	/* 0x10 data */
	.quad 0x00cffb000000ffff	/* 0x18 user code */
	.quad 0x00008900300000e8	/* 0x20 TSS at 0x3000 with an I/O bitmap */
	.quad 0x0000890031000067	/* 0x28 double-fault TSS at 0x3100 */
	.quad 0x00cff3000000ffff	/* 0x30 user data */
gdt_end:
gdtr:
	.word gdt_end - gdt - 1
	.long gdt + ROM
ram_gdtr:
	.word gdt_end - gdt - 1
	.long GDT
idtr:
	.word 0x7ff
	.long IDT

	.org 0xfff0
reset:
	.code16
	jmp start16
	.org 0x10000
