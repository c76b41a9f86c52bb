/*
 * exit.rom: a 64 KiB BIOS image whose reset vector writes EXIT_OK to
 * isa-debug-exit at once: the start-up benchmark's guest.
 */
	.include "common.inc"
	.code16
	.text
	.fill 0xfff0, 1, 0xff
reset:
	exit_with EXIT_OK
	.org 0x10000, 0xff
