/*
 * A 64 KiB ROM for the interpreter's mode tests, mapped at 0xffff0000.
 * From the reset vector it goes real mode -> 32-bit protected mode ->
 * 64-bit long mode with 1 GiB pages, then checks a page fault delivered
 * through a 64-bit IDT, a ring-3 round trip through IRETQ, SYSCALL and
 * SYSRET, and an INT3 trap. Every step writes a checkpoint to port 0xe9
 * (32-bit OUT); the test compares the sequence. It ends with CLI; HLT.
 *
 * Build: as --64 -o modes.o modes.S && ld -m elf_x86_64 -Ttext=0 -o modes.elf modes.o &&
 *        objcopy -O binary -j .text modes.elf modes.bin
 */
	.set ROM, 0xffff0000
	.set PML4, 0x10000
	.set PDPT, 0x11000
	.set PD0, 0x12000
	.set PD3, 0x13000
	.set IDT, 0x20000
	.set STACK, 0x80000
	.set USTACK, 0x90000
	.set DATA, 0x40000
	.set GDT, 0x30000

	.text
	.code16
start16:
	cli
	/* checkpoint 1: real mode */
	movl $1, %eax
	outl %eax, $0xe9
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
	movl $STACK, %esp
	movl $2, %eax
	outl %eax, $0xe9
	/* copy the GDT to RAM (the TSS descriptor is patched later) */
	movl $(gdt + ROM), %esi
	movl $GDT, %edi
	movl $(gdt_end - gdt) / 4, %ecx
	rep movsl
	lgdtl ram_gdtr + ROM
	/* page tables: PML4[0] -> PDPT; PDPT[0] -> PD0 identity-mapping the
	   first GiB with 2 MiB pages; PDPT[3] -> PD3 mapping the top 2 MiB
	   (the ROM). All user-accessible. */
	movl $PML4, %edi
	xorl %eax, %eax
	movl $0x4000/4, %ecx
	rep stosl
	movl $(PDPT | 7), PML4
	movl $(PD0 | 7), PDPT
	movl $(PD3 | 7), PDPT+24
	movl $PD0, %edi
	movl $0x87, %eax
	movl $512, %ecx
2:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b
	movl $0xffe00087, PD3+511*8
	movl $PML4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax		/* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x101, %eax	/* LME, SCE */
	wrmsr
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	ljmp $0x18, $(lm64 + ROM)

	.code64
lm64:
	movl $3, %eax
	outl %eax, $0xe9
	/* checkpoint 4: EFER.LMA */
	movl $0xc0000080, %ecx
	rdmsr
	outl %eax, $0xe9
	/* IDT: #PF (14) and #BP (3) handlers */
	leaq pf_handler(%rip), %rax
	movl $14, %edi
	call set_gate
	leaq bp_handler(%rip), %rax
	movl $3, %edi
	call set_gate
	lidt idtr(%rip)
	/* page fault on the unmapped 4 GiB: the handler reports CR2 and the
	   error code and skips the 3-byte faulting instruction */
	movabsq $0x100000010, %rbx
	movl (%rbx), %eax	/* 8b 03: faults */
	nop
	movl $5, %eax
	outl %eax, $0xe9
	/* INT3, unless port 0xe8 reads nonzero (KVM on hosts whose
	   instruction emulator cannot run INT3 at CPL0) */
	inb $0xe8, %al
	testb $1, %al
	jnz 1f
	int3
1:	movl $7, %eax
	outl %eax, $0xe9
	/* TSS with RSP0 for the ring-3 round trip */
	movq $STACK, DATA+4
	movq $DATA, %rax
	movw %ax, GDT + (gdt_tss - gdt) + 2
	shrq $16, %rax
	movb %al, GDT + (gdt_tss - gdt) + 4
	movb %ah, GDT + (gdt_tss - gdt) + 7
	movw $0x40, %ax
	ltr %ax
	/* port 0xe8 bit 2: stop before the ring-3 part */
	inb $0xe8, %al
	testb $4, %al
	jnz done
	/* SYSCALL: STAR selectors, LSTAR handler, FMASK clears IF/TF/DF */
	movl $0xc0000081, %ecx
	xorl %eax, %eax
	movl $0x00280018, %edx	/* SYSRET base 0x28, SYSCALL 0x18 */
	wrmsr
	movl $0xc0000082, %ecx
	leaq syscall_entry(%rip), %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	movl $0xc0000084, %ecx
	movl $0x700, %eax
	xorl %edx, %edx
	wrmsr
	/* IRETQ to ring 3 */
	pushq $0x33		/* SS: user data | 3 */
	pushq $USTACK
	pushq $0x2		/* RFLAGS */
	pushq $0x3b		/* CS: user code 64 | 3 */
	leaq user(%rip), %rax
	pushq %rax
	iretq

user:
	movl $8, %eax		/* checkpoint: at CPL3 (read CS) */
	movw %cs, %ax
	movzwl %ax, %eax
	pushq %rax
	popq %rbx
	movq $0x1234, %rdi
	syscall
	/* back from SYSRET at CPL3 */
	movw %cs, %ax
	movzwl %ax, %eax
	movl %eax, %ebx
	/* cannot OUT at CPL3: trap to the kernel with SYSCALL again */
	movq $0x5678, %rdi
	syscall
1:	jmp 1b

syscall_entry:
	/* report the user CS seen before, the argument, and the saved RIP */
	movl %ebx, %eax
	outl %eax, $0xe9
	movl %edi, %eax
	outl %eax, $0xe9
	cmpq $0x5678, %rdi
	je done
	/* SYSRET, or IRETQ when port 0xe8 has bit 1 set (this host's KVM
	   emulates SYSRET at CPL0 without loading RIP from RCX) */
	inb $0xe8, %al
	testb $2, %al
	jnz 1f
	sysretq
1:	pushq $0x33
	pushq %rsp
	addq $8, (%rsp)
	pushq %r11
	pushq $0x3b
	pushq %rcx
	iretq

done:
	movl $9, %eax
	outl %eax, $0xe9
	/* port 0xf4: the test stops here (HLT does not exit with an
	   in-kernel APIC) */
	outb %al, $0xf4
	cli
	hlt

pf_handler:
	movq %cr2, %rax
	outl %eax, $0xe9
	shrq $32, %rax
	outl %eax, $0xe9
	popq %rax		/* error code */
	outl %eax, $0xe9
	addq $2, (%rsp)		/* skip movl (%rbx), %eax */
	iretq

bp_handler:
	movl $6, %eax
	outl %eax, $0xe9
	iretq

/* set_gate: IDT entry %edi -> handler %rax, 64-bit interrupt gate, DPL 3 */
set_gate:
	shll $4, %edi
	addq $IDT, %rdi
	movw %ax, (%rdi)
	movw $0x18, 2(%rdi)
	movw $0xee00, 4(%rdi)
	shrq $16, %rax
	movw %ax, 6(%rdi)
	shrq $16, %rax
	movl %eax, 8(%rdi)
	movl $0, 12(%rdi)
	ret

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08 32-bit code */
	.quad 0x00cf93000000ffff	/* 0x10 data */
	.quad 0x00af9b000000ffff	/* 0x18 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x20 kernel data (SYSCALL SS) */
	.quad 0x00cffb000000ffff	/* 0x28 user code 32 (SYSRET base) */
	.quad 0x00cff3000000ffff	/* 0x30 user data */
	.quad 0x00affb000000ffff	/* 0x38 user code 64 */
gdt_tss:
	.quad 0x0000890000000067	/* 0x40 TSS, base patched */
	.quad 0
gdt_end:
gdtr:
	.word gdt_end - gdt - 1
	.long gdt + ROM
ram_gdtr:
	.word gdt_end - gdt - 1
	.long GDT
idtr:
	.word 0xfff
	.quad IDT

	.org 0xfff0
reset:
	.code16
	jmp start16
	.org 0x10000
