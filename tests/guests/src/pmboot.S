/*
 * pmboot.rom: a 64 KiB BIOS image that replays a 32-bit protected-mode entry
 * with paging off (emu/loader's "multiboot", "pvh" and "linux32"), so that a
 * layout the loader built and that was placed in guest memory by other means
 * (QEMU's -device loader) can be started on any PC emulator. Build-time
 * symbols:
 *   GDT_BASE, GDT_LIMIT  the loader's GDT (flat 32-bit code at CS_SEL, data
 *                        at DS_SEL)
 *   ENTRY                the entry point
 *   EAX, EBX, ESI        the registers the boot protocol sets
 */
	.include "common.inc"
	.ifndef CS_SEL
	.set CS_SEL, 0x10
	.endif
	.ifndef DS_SEL
	.set DS_SEL, 0x18
	.endif
	.ifndef EAX
	.set EAX, 0
	.endif
	.ifndef EBX
	.set EBX, 0
	.endif
	.ifndef ESI
	.set ESI, 0
	.endif
	.set ROM_BASE, 0xffff0000

	.code16
	.text
start:
	cli
	lgdtl %cs:gdtr
	mov %cr0, %eax
	and $0x9fffffff, %eax		/* caches on: clear CD, NW */
	or $1, %eax			/* PE */
	mov %eax, %cr0
	ljmpl $CS_SEL, $(ROM_BASE + pm32)

	.code32
pm32:
	mov $DS_SEL, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov $ENTRY, %ecx
	mov $EAX, %eax
	mov $EBX, %ebx
	mov $ESI, %esi
	xor %edx, %edx
	xor %edi, %edi
	xor %ebp, %ebp
	jmp *%ecx

	.p2align 2
gdtr:
	.word GDT_LIMIT
	.long GDT_BASE

	.code16
	.org 0xfff0
reset:
	jmp start
	.org 0x10000, 0xff
