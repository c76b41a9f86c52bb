/*
 * linuxboot.rom: a 64 KiB BIOS image that replays the entry state of a
 * 64-bit direct kernel boot (emu/loader's "linux64"), so that a layout built
 * by the loader and placed in guest memory by other means (QEMU's
 * -device loader) can be started on any PC emulator. Build-time symbols:
 *   GDT_BASE, GDT_LIMIT  the loader's GDT (flat code at CS_SEL, data at DS_SEL)
 *   CR3                  the loader's identity page tables
 *   ENTRY                the 64-bit entry point (below 4 GiB)
 *   BOOT_PARAMS          the value for RSI
 * From real mode it loads the GDT, enables PAE, EFER.LME, then PE and PG
 * together, and far-jumps into the 64-bit code segment.
 */
	.include "common.inc"
	.ifndef CS_SEL
	.set CS_SEL, 0x10
	.endif
	.ifndef DS_SEL
	.set DS_SEL, 0x18
	.endif
	.set ROM_BASE, 0xffff0000

	.code16
	.text
start:
	cli
	lgdtl %cs:gdtr
	mov $CR3, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax			/* PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	or $0x100, %eax			/* LME */
	wrmsr
	mov %cr0, %eax
	and $0x9fffffff, %eax		/* caches on: clear CD, NW */
	or $0x80000001, %eax		/* PG, PE */
	mov %eax, %cr0
	ljmpl $CS_SEL, $(ROM_BASE + long64)

	.code64
long64:
	mov $DS_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %edi, %edi
	mov $BOOT_PARAMS, %esi
	mov $ENTRY, %eax
	jmp *%rax

	.p2align 2
gdtr:
	.word GDT_LIMIT
	.long GDT_BASE

	.code16
	.org 0xfff0
reset:
	jmp start
	.org 0x10000, 0xff
