/*
 * pioloop.rom: a 64 KiB BIOS image that executes LOOPS port writes to
 * PIO_PORT (default 100000 writes to port 0x80, the POST diagnostic port),
 * then exits through isa-debug-exit: the PIO-exit benchmark's guest.
 */
	.include "common.inc"
	.ifndef LOOPS
	.set LOOPS, 100000
	.endif
	.ifndef PIO_PORT
	.set PIO_PORT, 0x80
	.endif
	.code16
	.text
start:
	cli
	mov $LOOPS, %ecx
	mov $PIO_PORT, %dx
	xor %al, %al
1:	out %al, %dx
	dec %ecx
	jnz 1b
	exit_with EXIT_OK

	.org 0xfff0
reset:
	jmp start
	.org 0x10000, 0xff
