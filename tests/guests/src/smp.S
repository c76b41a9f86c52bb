/*
 * smp.elf: a Multiboot v1 kernel (32-bit ELF, loaded at 1 MiB) that
 *   1. enters long mode on identity page tables for the first 4 GiB,
 *   2. counts the CPUs: "cpus=N" on the Multiboot command line, else the
 *      enabled processor entries of the MP table, else 1 (at most MAXCPU),
 *   3. starts every application processor with INIT-SIPI-SIPI through the
 *      local APIC; each enters long mode through a real-mode trampoline at
 *      0x8000 and prints "cpu N up", in order, under a ticket lock,
 *   4. programs PIT channel 0 at 100 Hz, routes ISA IRQ 0 through I/O APIC
 *      pin 2 to the BSP's local APIC, counts TICKS timer interrupts with
 *      interrupts enabled and HLT in between, and prints the count,
 *   5. exits through isa-debug-exit with EXIT_OK (EXIT_FAIL on a missing
 *      CPU or an unexpected interrupt or exception).
 * Kernel-mode code is plain integer code: no x87/SSE, no INT n or INT3, no
 * string instructions, so an instruction emulator can run all of it.
 */
	.include "common.inc"
	.ifndef TICKS
	.set TICKS, 10
	.endif
	.set MAXCPU, 16
	.set TRAMPOLINE, 0x8000		/* AP start page: SIPI vector 0x08 */
	.set LAPIC, 0xfee00000
	.set LAPIC_EOI, 0xb0
	.set LAPIC_SVR, 0xf0
	.set LAPIC_ICR_LO, 0x300
	.set LAPIC_ICR_HI, 0x310
	.set ICR_BUSY, 1 << 12		/* delivery status */
	.set ICR_INIT, 0x000c4500	/* all excluding self, assert, INIT */
	.set ICR_SIPI, 0x000c4600 | (TRAMPOLINE >> 12)
	.set IOAPIC, 0xfec00000
	.set VEC_TIMER, 0x30
	.set VEC_SPURIOUS, 0xff
	.set PIT_HZ, 1193182
	.set PIT_DIVISOR, (PIT_HZ + 50) / 100
	.set MB_MAGIC, 0x1badb002
	.set MB_FLAGS, 0x00000003	/* page-aligned modules, memory info */
	.set SPIN_LIMIT, 20000000	/* polls before giving up on an AP */

	.text
	.globl _start
	.p2align 2
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

/* enter_long switches a CPU in 32-bit protected mode to long mode and jumps
 * to target (64-bit code). */
	.macro enter_long target
	mov $pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax			/* CR4.PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	or $0x100, %eax			/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax		/* PG, PE */
	mov %eax, %cr0
	ljmp $0x08, $\target
	.endm

	.code32
_start:
	cli
	mov $bsp_stack_top, %esp
	cmp $0x2badb002, %eax
	jne fail32
	mov %ebx, mb_info
	lgdt gdt_desc

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
	mov $pdpt + 3, %eax
	mov %eax, pml4
	mov $pd + 3, %eax
	mov %eax, pdpt
	add $0x1000, %eax
	mov %eax, pdpt + 8
	add $0x1000, %eax
	mov %eax, pdpt + 16
	add $0x1000, %eax
	mov %eax, pdpt + 24
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax			/* present, writable, 2 MiB */
	mov %eax, pd(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jb 1b
	/* The I/O APIC and local APIC pages are uncached. */
	orl $0x18, pd + 8 * (IOAPIC >> 21)
	orl $0x18, pd + 8 * (LAPIC >> 21)
	enter_long bsp64

fail32:
	exit_with EXIT_FAIL

	.code64
bsp64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $bsp_stack_top, %rsp

	call count_cpus
	mov %eax, ncpus
	lea msg_smp(%rip), %rsi
	call puts
	mov ncpus(%rip), %eax
	call putdec
	lea msg_cpus(%rip), %rsi
	call puts

	call setup_idt
	mov $LAPIC, %ebx
	movl $0x100 | VEC_SPURIOUS, LAPIC_SVR(%rbx)	/* software enable */
	movl $0, 0x80(%rbx)				/* TPR */

	xor %eax, %eax
	call cpu_up			/* the BSP is cpu 0 */
	cmpl $1, ncpus(%rip)
	je timer

	/* Copy the trampoline to its page, then INIT-SIPI-SIPI. */
	lea trampoline(%rip), %rsi
	mov $TRAMPOLINE, %edi
	mov $(trampoline_end - trampoline), %ecx
1:	mov (%rsi), %al
	mov %al, (%rdi)
	inc %rsi
	inc %rdi
	dec %ecx
	jnz 1b
	mov $ICR_INIT, %eax
	call send_ipi
	mov $ICR_SIPI, %eax
	call send_ipi
	mov $ICR_SIPI, %eax
	call send_ipi

	/* Wait for every AP to print. */
	mov $SPIN_LIMIT, %ecx
2:	mov turn(%rip), %eax
	cmp ncpus(%rip), %eax
	jae timer
	dec %ecx
	jnz 2b
	lea msg_missing(%rip), %rsi
	call puts
	jmp fail

timer:
	/* Mask both 8259s, route ISA IRQ 0 (I/O APIC pin 2) to vector
	 * VEC_TIMER on APIC 0, then start PIT channel 0. */
	mov $0xff, %al
	out %al, $0x21
	out %al, $0xa1
	mov $IOAPIC, %ebx
	movl $0x10 + 2 * 2 + 1, (%rbx)	/* redirection entry 2, high */
	movl $0, 0x10(%rbx)		/* destination APIC ID 0 */
	movl $0x10 + 2 * 2, (%rbx)	/* low: fixed, physical, edge, unmasked */
	movl $VEC_TIMER, 0x10(%rbx)
	mov $0x34, %al			/* channel 0, lobyte/hibyte, mode 2 */
	out %al, $0x43
	mov $(PIT_DIVISOR & 0xff), %al
	out %al, $0x40
	mov $(PIT_DIVISOR >> 8), %al
	out %al, $0x40
	sti
3:	hlt
	cmpl $TICKS, ticks(%rip)
	jb 3b
	cli
	lea msg_timer(%rip), %rsi
	call puts
	mov $TICKS, %eax
	call putdec
	lea msg_ticks(%rip), %rsi
	call puts
	exit_with EXIT_OK

fail:
	exit_with EXIT_FAIL

/* send_ipi writes %eax to the ICR and waits until the APIC has sent it. */
send_ipi:
	mov $LAPIC, %ebx
	movl $0, LAPIC_ICR_HI(%rbx)
	mov %eax, LAPIC_ICR_LO(%rbx)
1:	testl $ICR_BUSY, LAPIC_ICR_LO(%rbx)
	jnz 1b
	ret

/* cpu_up prints "cpu N up" for CPU %eax once it is that CPU's turn, then
 * passes the turn on. */
cpu_up:
	mov %eax, %edx
1:	cmp turn(%rip), %edx
	jne 1b
	push %rdx
	lea msg_cpu(%rip), %rsi
	call puts
	mov (%rsp), %eax
	call putdec
	lea msg_up(%rip), %rsi
	call puts
	pop %rdx
	lock incl turn(%rip)
	ret

/* count_cpus returns in %eax the CPU count, from "cpus=N" on the command
 * line or the MP table, clamped to 1..MAXCPU. */
count_cpus:
	mov mb_info(%rip), %ebx
	testl $4, (%rbx)		/* command line present */
	jz mp
	mov 16(%rbx), %esi
1:	movzbl (%rsi), %eax
	test %eax, %eax
	jz mp
	cmpl $0x73757063, (%rsi)	/* "cpus" */
	jne 3f
	cmpb $'=', 4(%rsi)
	jne 3f
	add $5, %rsi
	xor %eax, %eax
2:	movzbl (%rsi), %ecx
	sub $'0', %ecx
	cmp $9, %ecx
	ja clamp
	imul $10, %eax, %eax
	add %ecx, %eax
	inc %rsi
	jmp 2b
3:	inc %rsi
	jmp 1b
mp:
	/* Look for "_MP_" in the EBDA's first KiB, the last KiB of base
	 * memory and the BIOS area, as the MP specification lists them. */
	movzwl 0x40e, %esi
	shl $4, %esi
	mov $1024, %ecx
	call mp_scan
	jnz found
	mov $0x9fc00, %esi
	mov $1024, %ecx
	call mp_scan
	jnz found
	mov $0xf0000, %esi
	mov $0x10000, %ecx
	call mp_scan
	jnz found
	mov $1, %eax
	ret
found:
	mov 4(%rsi), %esi		/* configuration table */
	test %esi, %esi
	jz 5f
	movzwl 34(%rsi), %ecx		/* entry count */
	add $44, %rsi
	xor %eax, %eax
4:	test %ecx, %ecx
	jz clamp
	dec %ecx
	cmpb $0, (%rsi)			/* processor entry */
	jne 6f
	testb $1, 3(%rsi)		/* enabled */
	jz 7f
	inc %eax
7:	add $20, %rsi
	jmp 4b
6:	add $8, %rsi
	jmp 4b
5:	mov $1, %eax
clamp:
	test %eax, %eax
	jnz 1f
	mov $1, %eax
1:	cmp $MAXCPU, %eax
	jbe 2f
	mov $MAXCPU, %eax
2:	ret

/* mp_scan searches [%rsi, %rsi+%rcx) on 16-byte boundaries for the MP
 * floating pointer; ZF clear and %rsi at it when found. */
mp_scan:
	test %esi, %esi
	jz 2f
1:	cmpl $0x5f504d5f, (%rsi)	/* "_MP_" */
	je 3f
	add $16, %rsi
	sub $16, %ecx
	ja 1b
2:	xor %eax, %eax			/* ZF set: not found */
	ret
3:	or $1, %eax			/* ZF clear */
	ret

/* setup_idt points every vector at unexpected, the timer at timer_isr and
 * the spurious vector at spurious_isr. */
setup_idt:
	xor %ecx, %ecx
	lea unexpected(%rip), %rax
1:	call set_gate
	inc %ecx
	cmp $256, %ecx
	jb 1b
	mov $VEC_TIMER, %ecx
	lea timer_isr(%rip), %rax
	call set_gate
	mov $VEC_SPURIOUS, %ecx
	lea spurious_isr(%rip), %rax
	call set_gate
	lidt idt_desc(%rip)
	ret

/* set_gate makes IDT entry %ecx a 64-bit interrupt gate to %rax. */
set_gate:
	lea idt(%rip), %rdi
	mov %ecx, %edx
	shl $4, %edx
	add %rdx, %rdi
	mov %eax, %edx
	mov %dx, (%rdi)			/* offset 15:0 */
	movw $0x08, 2(%rdi)		/* selector */
	movw $0x8e00, 4(%rdi)		/* present, DPL 0, interrupt gate */
	shr $16, %edx
	mov %dx, 6(%rdi)		/* offset 31:16 */
	movl $0, 8(%rdi)		/* offset 63:32 */
	movl $0, 12(%rdi)
	ret

timer_isr:
	push %rax
	lock incl ticks(%rip)
	mov $LAPIC, %eax
	movl $0, LAPIC_EOI(%rax)
	pop %rax
	iretq

spurious_isr:
	iretq

unexpected:
	lea msg_unexpected(%rip), %rsi
	call puts
	exit_with EXIT_FAIL

/* puts prints the NUL-terminated string at %rsi. Clobbers %rax, %rdx, %rsi. */
puts:
1:	mov (%rsi), %al
	test %al, %al
	jz 2f
	uart_putc
	inc %rsi
	jmp 1b
2:	ret

/* putdec prints %eax in decimal. Clobbers %rax, %rcx, %rdx, %rsi. */
putdec:
	lea numbuf_end(%rip), %rsi
	movb $0, (%rsi)
	mov $10, %ecx
1:	xor %edx, %edx
	div %ecx
	add $'0', %dl
	dec %rsi
	mov %dl, (%rsi)
	test %eax, %eax
	jnz 1b
	jmp puts

/* ap64: an application processor in long mode. It takes the next index,
 * and a stack for it, prints its line in turn and halts. */
ap64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $1, %eax
	lock xadd %eax, next_index(%rip)
	cmp $MAXCPU, %eax
	jae ap_halt
	cmp ncpus(%rip), %eax
	jae ap_halt
	mov %eax, %ecx
	inc %ecx
	shl $10, %ecx
	lea ap_stacks(%rip), %rsp
	add %rcx, %rsp
	call cpu_up
ap_halt:
	cli
1:	hlt
	jmp 1b

	.code32
ap32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	enter_long ap64

/* The real-mode trampoline, copied to TRAMPOLINE; APs start at its first
 * byte with CS = TRAMPOLINE >> 4, IP = 0. */
	.code16
trampoline:
	cli
	xor %ax, %ax
	mov %ax, %ds
	lgdtl TRAMPOLINE + (tramp_gdt_desc - trampoline)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x18, $(TRAMPOLINE + (tramp32 - trampoline))
	.code32
tramp32:
	mov $ap32, %eax
	jmp *%eax
	.p2align 2
tramp_gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
trampoline_end:

	.data
	.p2align 3
gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: flat data */
	.quad 0x00cf9b000000ffff	/* 0x18: flat 32-bit code */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.p2align 3
idt_desc:
	.word 256 * 16 - 1
	.quad idt
mb_info:	.long 0
ncpus:		.long 1
turn:		.long 0		/* the CPU whose line is next */
next_index:	.long 1		/* the index the next AP takes */
ticks:		.long 0
numbuf:		.space 11
numbuf_end:	.byte 0

msg_smp:	.asciz "smp: "
msg_cpus:	.asciz " cpus\n"
msg_cpu:	.asciz "cpu "
msg_up:		.asciz " up\n"
msg_timer:	.asciz "timer: "
msg_ticks:	.asciz " ticks\n"
msg_missing:	.asciz "smp: an application processor did not start\n"
msg_unexpected:	.asciz "unexpected interrupt or exception\n"

	.bss
	.p2align 12
pml4:	.space 0x1000
pdpt:	.space 0x1000
pd:	.space 0x4000
idt:	.space 0x1000
ap_stacks:	.space MAXCPU * 1024
	.space 0x1000
bsp_stack_top:
