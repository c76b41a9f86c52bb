/*
 * hello.rom: a 64 KiB BIOS image. From the reset vector it prints a line on
 * COM1 (polling the line status register before each byte) and exits
 * through isa-debug-exit with EXIT_OK. Real mode throughout; the string is
 * read through CS, whose base after reset is 0xffff0000, the image's start.
 */
	.include "common.inc"
	.code16
	.text
start:
	cli
	cld
	mov $msg, %si
next:
	lodsb %cs:(%si)
	test %al, %al
	jz done
	uart_putc
	jmp next
done:
	exit_with EXIT_OK

msg:	.asciz "hello from gemu test rom\n"

	.org 0xfff0
reset:
	jmp start
	.org 0x10000, 0xff
