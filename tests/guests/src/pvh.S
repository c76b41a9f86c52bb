/*
 * pvh.elf: an ELF kernel with a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY).
 * Started in 32-bit protected mode with EBX pointing at hvm_start_info, it
 * checks the magic and prints what it was given:
 *   pvh: start_info ok
 *   cmdline: <the command line>
 *   modules: <n>
 *   module <i>: <size> bytes          (for each module, at most 4)
 *   memmap: ram at 1M                 (a usable entry covers 1 MiB)
 * then exits through isa-debug-exit with EXIT_OK (EXIT_FAIL on a bad magic).
 * Linked as x86-64 ELF, as QEMU's PVH loader wants; the code is 32-bit.
 */
	.include "common.inc"
	.set PVH_MAGIC, 0x336ec578

	.section .note.Xen, "a", @note
	.p2align 2
	.long 4, 8, 18			/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.quad pvh_entry

	.text
	.code32
	.globl _start
_start:
pvh_entry:
	cli
	mov $stack_top, %esp
	cmpl $PVH_MAGIC, (%ebx)
	jne bad
	mov %ebx, %ebp
	mov $msg_ok, %esi
	call puts
	mov $msg_cmdline, %esi
	call puts
	mov 24(%ebp), %esi		/* cmdline_paddr (low half) */
	test %esi, %esi
	jz 1f
	call puts
1:	mov $msg_nl, %esi
	call puts

	mov $msg_modules, %esi
	call puts
	mov 12(%ebp), %eax		/* nr_modules */
	call putdec
	mov $msg_nl, %esi
	call puts
	xor %edi, %edi
2:	cmp 12(%ebp), %edi
	jae 3f
	cmp $4, %edi
	jae 3f
	mov $msg_module, %esi
	call puts
	mov %edi, %eax
	call putdec
	mov $msg_colon, %esi
	call puts
	mov 16(%ebp), %ebx		/* modlist_paddr */
	mov %edi, %eax
	shl $5, %eax
	mov 8(%ebx,%eax), %eax		/* size (low half) */
	call putdec
	mov $msg_bytes, %esi
	call puts
	inc %edi
	jmp 2b

3:	cmpl $1, 4(%ebp)		/* version 1 has the memory map */
	jb done
	mov 40(%ebp), %ebx		/* memmap_paddr */
	mov 48(%ebp), %ecx		/* memmap_entries */
4:	test %ecx, %ecx
	jz done
	cmpl $1, 16(%ebx)		/* usable RAM */
	jne 5f
	cmpl $0, 4(%ebx)		/* below 4 GiB */
	jne 5f
	cmpl $0x100000, (%ebx)
	ja 5f
	mov (%ebx), %eax
	add 8(%ebx), %eax		/* end, when the size is below 4 GiB */
	cmp $0x100000, %eax
	jbe 5f
	mov $msg_memmap, %esi
	call puts
	jmp done
5:	add $24, %ebx
	dec %ecx
	jmp 4b
done:
	exit_with EXIT_OK
bad:
	exit_with EXIT_FAIL

/* puts prints the string at %esi. Clobbers %eax, %edx, %esi. */
puts:
1:	mov (%esi), %al
	test %al, %al
	jz 2f
	uart_putc
	inc %esi
	jmp 1b
2:	ret

/* putdec prints %eax in decimal. Clobbers %eax, %ecx, %edx, %esi. */
putdec:
	mov $numbuf_end, %esi
	movb $0, (%esi)
	mov $10, %ecx
1:	xor %edx, %edx
	div %ecx
	add $'0', %dl
	dec %esi
	mov %dl, (%esi)
	test %eax, %eax
	jnz 1b
	jmp puts

	.data
msg_ok:		.asciz "pvh: start_info ok\n"
msg_cmdline:	.asciz "cmdline: "
msg_modules:	.asciz "modules: "
msg_module:	.asciz "module "
msg_colon:	.asciz ": "
msg_bytes:	.asciz " bytes\n"
msg_memmap:	.asciz "memmap: ram at 1M\n"
msg_nl:		.asciz "\n"
numbuf:		.space 11
numbuf_end:	.byte 0

	.bss
	.p2align 4
	.space 4096
stack_top:
