/*
 * mmioloop.rom: a 64 KiB BIOS image that switches to 32-bit protected mode
 * and executes LOOPS 32-bit stores to MMIO_ADDR (default 100000 stores to
 * 0xfe000000, an address in the PCI hole where nothing is mapped), then
 * exits through isa-debug-exit: the MMIO-exit benchmark's guest.
 */
	.include "common.inc"
	.ifndef LOOPS
	.set LOOPS, 100000
	.endif
	.ifndef MMIO_ADDR
	.set MMIO_ADDR, 0xfe000000
	.endif
	.set ROM_BASE, 0xffff0000	/* where the image's first byte is */

	.code16
	.text
image:
start:
	cli
	lgdtl %cs:gdt_desc
	mov %cr0, %eax
	or $1, %eax		/* CR0.PE */
	mov %eax, %cr0
	ljmpl $0x08, $(ROM_BASE + pm32)

	.code32
pm32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $LOOPS, %ecx
	mov $MMIO_ADDR, %ebx
1:	movl %ecx, (%ebx)
	dec %ecx
	jnz 1b
	exit_with EXIT_OK

	.p2align 3
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: flat data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long ROM_BASE + gdt

	.code16
	.org 0xfff0
reset:
	jmp start
	.org 0x10000, 0xff
