# Test guest for accel/kvm: starts in real mode at 0x10000 (the test puts a
# far jump to it at the reset vector), enters protected and long mode with
# plain integer instructions only, then runs the test selected by the
# dword at SEL. Anything that needs x87 or SSE runs at CPL3, where this
# host's KVM runs guest code natively.
#
# Ports: OUTP (0xe9) reports 32-bit values; EXITP (0xf4) ends the test;
# STRP (0xe8) is the string I/O test port. This host's KVM keeps IOPL at 0
# in ring 3, so ring-3 code reports through MMIO instead: a dword written
# to UOUT is a report, any write to UEXIT ends the test.

	.intel_syntax noprefix

	.set SEL, 0x500          # test selector, written by the test
	.set PARAM, 0x504        # test parameter
	.set READY, 0x600        # page tables built
	.set APCOUNT, 0x604      # application processors that checked in
	.set TICKS, 0x608        # timer interrupts taken
	.set LAST, 0x60c         # last tick the user loop accounted for
	.set PML4, 0x70000
	.set PDPT, 0x71000
	.set PD0, 0x72000
	.set PD3, 0x73000
	.set IDT, 0x74000
	.set TSS, 0x75000
	.set KSTACK, 0x9f000     # ring-0 stack for interrupts from ring 3
	.set USTACK, 0x98000
	.set LAPIC, 0xfee00000
	.set IOAPIC, 0xfec00000
	.set MMIO, 0xd0000000
	.set OUTP, 0xe9
	.set EXITP, 0xf4
	.set STRP, 0xe8
	.set UOUT, 0xd0001000
	.set UEXIT, 0xd0001004

	.text
	.code16
start16:
	cli
	mov ax, cs
	mov ds, ax
	lgdt [gdt_desc - start16]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	.byte 0x66, 0xea         # jmp far 0x08:pm32
	.long pm32
	.word 0x08

	.code32
pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	cmp dword ptr [READY], 1
	je 3f
	mov edi, PML4            # zero PML4, PDPT, PD0, PD3
	xor eax, eax
	mov ecx, 4096
	rep stosd
	mov dword ptr [PML4], PDPT + 7
	mov dword ptr [PDPT], PD0 + 7
	mov dword ptr [PDPT + 24], PD3 + 7
	mov edi, PD0             # 0-1 GiB: 2 MiB user pages
	mov eax, 0x87
	mov ecx, 512
1:	mov [edi], eax
	add eax, 0x200000
	add edi, 8
	dec ecx
	jnz 1b
	mov edi, PD3             # 3-4 GiB: uncached 2 MiB user pages
	mov eax, 0xc000009f
	mov ecx, 512
2:	mov [edi], eax
	add eax, 0x200000
	add edi, 8
	dec ecx
	jnz 2b
	mov dword ptr [READY], 1
3:	mov eax, cr4
	or eax, 0x620            # PAE, OSFXSR, OSXMMEXCPT
	mov cr4, eax
	mov eax, PML4
	mov cr3, eax
	mov ecx, 0xc0000080      # EFER.LME, SCE
	rdmsr
	or eax, 0x101
	wrmsr
	mov eax, cr0
	and eax, 0x9ffffffb      # caches on, no FPU emulation
	or eax, 0x80000003       # PG, MP, PE
	mov cr0, eax
	.byte 0xea               # jmp far 0x18:lm64
	.long lm64
	.word 0x18

	.code64
lm64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov esi, LAPIC           # APIC ID from the local APIC (CPUID may
	mov ebx, [rsi + 0x20]    # reach the host CPU on some hosts)
	shr ebx, 24
	mov r14d, ebx            # APIC ID
	mov eax, ebx
	shl eax, 12
	add eax, 0x81000
	mov esp, eax             # per-CPU stack
	test r14d, r14d
	jnz ap_main
	call setup_idt
	lidt [idt_desc]
	mov dword ptr [TSS + 4], KSTACK
	mov word ptr [TSS + 0x66], 0x68
	mov ax, 0x38
	ltr ax
	mov eax, [SEL]
	cmp eax, 1
	je t_user_fpu
	cmp eax, 2
	je t_pit_ioapic
	cmp eax, 3
	je t_pit_pic
	cmp eax, 4
	je t_smp
	cmp eax, 5
	je t_triple
	cmp eax, 6
	je t_user_spin
	cmp eax, 7
	je t_halt_cli
	cmp eax, 8
	je t_mmio
	cmp eax, 9
	je t_string
	cmp eax, 10
	je t_pio_loop
	cmp eax, 11
	je t_save
	cmp eax, 12
	je t_irq
	cmp eax, 13
	je t_uapic
	mov eax, 0xbad5e1
	jmp fail

# fail reports eax and stops with interrupts off.
fail:
	mov edx, OUTP
	out dx, eax
	mov edx, EXITP
	mov al, 1
	out dx, al
	cli
1:	hlt
	jmp 1b

done:
	mov edx, EXITP
	xor eax, eax
	out dx, al
	cli
1:	hlt
	jmp 1b

# setup_idt points every vector at default_isr.
setup_idt:
	xor ecx, ecx
1:	lea rax, [rip + default_isr]
	call set_gate
	inc ecx
	cmp ecx, 256
	jb 1b
	ret

# set_gate: ecx = vector, rax = handler (below 4 GiB).
set_gate:
	push rbx
	push rdx
	push r8
	mov ebx, eax
	and ebx, 0xffff
	or ebx, 0x180000         # selector 0x18
	mov edx, eax
	and edx, 0xffff0000
	or edx, 0x8e00           # present, DPL 0, interrupt gate
	mov r8d, ecx
	shl r8d, 4
	mov [IDT + r8], ebx
	mov [IDT + r8 + 4], edx
	mov qword ptr [IDT + r8 + 8], 0
	pop r8
	pop rdx
	pop rbx
	ret

default_isr:
	mov eax, 0xdead0000
	jmp fail

# to_user: rax = entry, rdx = RFLAGS; enters ring 3 on USTACK.
to_user:
	push 0x33                # SS
	push USTACK              # RSP
	push rdx                 # RFLAGS
	push 0x2b                # CS
	push rax                 # RIP
	iretq

lapic_enable:
	mov esi, LAPIC
	mov eax, [rsi + 0xf0]
	or eax, 0x1ff            # SVR: enabled, spurious vector 0xff
	mov [rsi + 0xf0], eax
	ret

pit_start:                       # channel 0, mode 2, 1193 counts (1 kHz)
	mov al, 0x34
	out 0x43, al
	mov al, 0xa9
	out 0x40, al
	mov al, 0x04
	out 0x40, al
	ret

mask_pic:
	mov al, 0xff
	out 0x21, al
	out 0xa1, al
	ret

ioapic_route_timer:              # pin 2 -> vector 0x30, fixed, to APIC 0
	mov esi, IOAPIC
	mov dword ptr [rsi], 0x14
	mov dword ptr [rsi + 0x10], 0x30
	mov dword ptr [rsi], 0x15
	mov dword ptr [rsi + 0x10], 0
	ret

# 1: x87 and SSE arithmetic at CPL3.
t_user_fpu:
	lea rax, [rip + user_fpu]
	mov edx, 0x0002          # interrupts off
	jmp to_user
user_fpu:
	mov ebp, UOUT
	mov rax, 0x3ff8000000000000   # 1.5
	movq xmm0, rax
	mov rax, 0x4004000000000000   # 2.5
	movq xmm1, rax
	mulsd xmm0, xmm1
	mov rax, 0x4010000000000000   # 4.0
	movq xmm2, rax
	mulsd xmm0, xmm2              # 15.0
	cvttsd2si eax, xmm0
	mov [rbp], eax
	fninit
	mov dword ptr [rsp - 8], 7
	fild dword ptr [rsp - 8]
	mov dword ptr [rsp - 8], 6
	fimul dword ptr [rsp - 8]
	fistp dword ptr [rsp - 8]
	mov eax, [rsp - 8]
	mov [rbp], eax                # 42
	mov rax, 0x1122334455667788
	movq xmm3, rax
	fld1
	mov [rbp + 4], eax            # UEXIT
1:	jmp 1b

# 2: PIT channel 0 through the IOAPIC (pin 2) to the LAPIC, PARAM ticks.
t_pit_ioapic:
	call lapic_enable
	call mask_pic
	call ioapic_route_timer
	lea rax, [rip + timer_isr]
	mov ecx, 0x30
	call set_gate
	call pit_start
	sti
1:	hlt
	jmp 1b

timer_isr:
	push rax
	push rdx
	push rsi
	inc dword ptr [TICKS]
	mov eax, [TICKS]
	mov edx, OUTP
	out dx, eax
	mov esi, LAPIC
	mov dword ptr [rsi + 0xb0], 0    # EOI
	cmp eax, [PARAM]
	jb 1f
	mov edx, EXITP
	out dx, al
1:	pop rsi
	pop rdx
	pop rax
	iretq

# 3: PIT channel 0 through the 8259 PIC (ExtINT on LINT0), PARAM ticks.
t_pit_pic:
	call lapic_enable
	mov esi, LAPIC
	mov dword ptr [rsi + 0x350], 0x700   # LINT0: ExtINT
	mov al, 0x11
	out 0x20, al
	mov al, 0x20
	out 0x21, al
	mov al, 0x04
	out 0x21, al
	mov al, 0x01
	out 0x21, al
	mov al, 0x11
	out 0xa0, al
	mov al, 0x28
	out 0xa1, al
	mov al, 0x02
	out 0xa1, al
	mov al, 0x01
	out 0xa1, al
	mov al, 0xfe
	out 0x21, al
	mov al, 0xff
	out 0xa1, al
	lea rax, [rip + pic_isr]
	mov ecx, 0x20
	call set_gate
	call pit_start
	sti
1:	hlt
	jmp 1b

pic_isr:
	push rax
	push rdx
	inc dword ptr [TICKS]
	mov eax, [TICKS]
	mov edx, OUTP
	out dx, eax
	mov al, 0x20
	out 0x20, al                     # non-specific EOI
	mov eax, [TICKS]
	cmp eax, [PARAM]
	jb 1f
	mov edx, EXITP
	out dx, al
1:	pop rdx
	pop rax
	iretq

# 4: start the application processors with INIT/SIPI; each reports
# 0x100 + its APIC ID, then the BSP reports 0x200 + how many came.
t_smp:
	call lapic_enable
	mov esi, LAPIC
	mov dword ptr [rsi + 0x310], 0
	mov dword ptr [rsi + 0x300], 0xc4500  # INIT to all but self
	call delay
	mov dword ptr [rsi + 0x300], 0xc4610  # SIPI, vector 0x10 (0x10000)
	call delay
	mov dword ptr [rsi + 0x300], 0xc4610
1:	mov eax, [APCOUNT]
	cmp eax, [PARAM]
	jb 1b
	add eax, 0x200
	mov edx, OUTP
	out dx, eax
	jmp done

delay:
	mov ecx, 2000
1:	dec ecx
	jnz 1b
	ret

ap_main:
	lock inc dword ptr [APCOUNT]
	mov eax, r14d
	add eax, 0x100
	mov edx, OUTP
	out dx, eax
	cli
1:	hlt
	jmp 1b

# 5: a page fault with an empty IDT: #PF -> #GP -> #DF -> triple fault.
t_triple:
	lidt [null_idt]
	mov rbx, 0x40000000      # not mapped
	mov rax, [rbx]
	mov eax, 0xbad
	jmp fail

# 6: spin at CPL3 with interrupts off, counting in rbx and at 0x800.
t_user_spin:
	lea rax, [rip + user_spin]
	mov edx, 0x0002
	jmp to_user
user_spin:
	mov ebp, UOUT
	mov dword ptr [rbp], 0x5555
	xor ebx, ebx
1:	inc rbx
	mov [0x800], rbx
	jmp 1b

# 7: halt with interrupts off.
t_halt_cli:
	mov edx, OUTP
	mov eax, 0x7777
	out dx, eax
	cli
1:	hlt
	jmp 1b

# 8: MMIO reads and writes of every size, and a write into ROM.
t_mmio:
	mov ebx, MMIO
	mov edx, OUTP
	mov rax, [rbx]
	out dx, eax
	shr rax, 32
	out dx, eax
	mov eax, [rbx + 0x10]
	out dx, eax
	movzx eax, word ptr [rbx + 0x20]
	out dx, eax
	movzx eax, byte ptr [rbx + 0x31]
	out dx, eax
	mov rax, 0x0123456789abcdef
	mov [rbx + 0x40], rax
	mov dword ptr [rbx + 0x50], 0xcafebabe
	mov word ptr [rbx + 0x60], 0xbeef
	mov byte ptr [rbx + 0x70], 0x5a
	mov ebx, 0xffff0000      # ROM
	mov dword ptr [rbx], 0x12345678
	mov eax, [rbx]
	out dx, eax
	jmp done

# 9: string I/O in both directions with every size.
t_string:
	mov edx, STRP
	lea rsi, [rip + msg]
	mov ecx, 16
	rep outsb
	lea rsi, [rip + msg]
	mov ecx, 4
	rep outsw
	lea rsi, [rip + msg]
	mov ecx, 2
	rep outsd
	mov edi, 0x700
	mov ecx, 8
	rep insb
	mov edi, 0x710
	mov ecx, 4
	rep insw
	mov edi, 0x720
	mov ecx, 2
	rep insd
	jmp done

# 10: port writes in a tight loop (benchmark).
t_pio_loop:
	mov edx, OUTP
1:	out dx, al
	jmp 1b

# 11: save/restore: timer interrupts (IOAPIC) count ticks at CPL0, and a
# CPL3 loop folds each tick into rbx and xmm0 and reports them, so every
# part of the CPU and interrupt controller state matters for the output.
t_save:
	call lapic_enable
	call mask_pic
	call ioapic_route_timer
	lea rax, [rip + save_isr]
	mov ecx, 0x30
	call set_gate
	call pit_start
	lea rax, [rip + user_save]
	mov edx, 0x0202          # interrupts on
	jmp to_user

save_isr:
	push rax
	push rsi
	inc dword ptr [TICKS]
	mov esi, LAPIC
	mov dword ptr [rsi + 0xb0], 0
	pop rsi
	pop rax
	iretq

user_save:
	mov ebp, UOUT
	xor ebx, ebx
	mov rax, 0x3ff0000000000000  # 1.0
	movq xmm1, rax
	xorpd xmm0, xmm0
	xor r12d, r12d           # last tick accounted for
1:	cmp r12d, [TICKS]
	jae 1b
	inc r12d
	add rbx, r12             # running sum of tick numbers
	addsd xmm0, xmm1         # running count as a double
	mulsd xmm0, xmm1
	mov [rbp], r12d
	mov [rbp], ebx
	cvttsd2si eax, xmm0
	mov [rbp], eax
	cmp r12d, [PARAM]
	jb 1b
	mov [rbp + 4], eax       # UEXIT
2:	jmp 2b

# 12: interrupts from the host: an MSI for vector 0x41 and GSI 5 (IOAPIC
# pin 5, edge) for vector 0x45. Reports 0x1200 when ready, then each vector.
t_irq:
	call lapic_enable
	call mask_pic
	mov esi, IOAPIC
	mov dword ptr [rsi], 0x1a
	mov dword ptr [rsi + 0x10], 0x45
	mov dword ptr [rsi], 0x1b
	mov dword ptr [rsi + 0x10], 0
	lea rax, [rip + msi_isr]
	mov ecx, 0x41
	call set_gate
	lea rax, [rip + gsi_isr]
	mov ecx, 0x45
	call set_gate
	mov edx, OUTP
	mov eax, 0x1200
	out dx, eax
	sti
1:	hlt
	jmp 1b

msi_isr:
	mov eax, 0x41
	jmp irq_common
gsi_isr:
	mov eax, 0x45
irq_common:
	mov edx, OUTP
	out dx, eax
	mov esi, LAPIC
	mov dword ptr [rsi + 0xb0], 0
	inc dword ptr [TICKS]
	cmp dword ptr [TICKS], 2
	jb 1f
	mov edx, EXITP
	out dx, al
1:	iretq

# 13: the machine's local APIC (kernel-irqchip=off): TPR through CR8 and
# the TPR register, interrupts from halt and through an interrupt window,
# an NMI, and x2APIC MSRs. Reports 0x50 and 2 (TPR), 0x1300 (ready),
# 0x41, 0x1301 (IF off), 0x45, 0x1302, 2 (NMI), the x2APIC ID, 0xd (#GP
# on a refused x2APIC MSR).
t_uapic:
	call lapic_enable
	lea rax, [rip + uapic_isr41]
	mov ecx, 0x41
	call set_gate
	lea rax, [rip + uapic_isr45]
	mov ecx, 0x45
	call set_gate
	lea rax, [rip + uapic_nmi]
	mov ecx, 2
	call set_gate
	lea rax, [rip + uapic_gp]
	mov ecx, 13
	call set_gate
	mov edx, OUTP
	mov eax, 5
	mov cr8, rax
	mov esi, LAPIC
	mov eax, [rsi + 0x80]
	out dx, eax              # 0x50
	mov dword ptr [rsi + 0x80], 0x20
	mov rax, cr8
	out dx, eax              # 2
	xor eax, eax
	mov cr8, rax
	mov eax, 0x1300
	out dx, eax
	sti
1:	hlt
	mov eax, [TICKS]
	cmp eax, 1
	jne 1b
	cli
	mov eax, 0x1301          # the test raises 0x45 at once: IF is off
	out dx, eax
	call delay
	sti
	nop
4:	pause                    # 0x45 comes through the interrupt window
	cmp dword ptr [TICKS], 2
	jb 4b
	mov dword ptr [TICKS], 20
	mov eax, 0x1302
	out dx, eax
3:	pause                    # the NMI may come before any HLT
	cmp dword ptr [TICKS], 20
	je 3b
	cli
	mov ecx, 0x1b            # x2APIC mode
	rdmsr
	or eax, 0x400
	wrmsr
	mov ecx, 0x802
	rdmsr
	mov edx, OUTP
	out dx, eax              # x2APIC ID
	mov ecx, 0x8ff           # refused: #GP
	rdmsr
	jmp done

uapic_isr41:
	mov eax, 0x41
	jmp uapic_common
uapic_isr45:
	mov eax, 0x45
uapic_common:
	push rdx
	mov edx, OUTP
	out dx, eax
	mov esi, LAPIC
	mov dword ptr [rsi + 0xb0], 0
	inc dword ptr [TICKS]
	pop rdx
	iretq

uapic_nmi:
	push rdx
	mov edx, OUTP
	mov eax, 2
	out dx, eax
	inc dword ptr [TICKS]
	pop rdx
	iretq

uapic_gp:
	mov edx, OUTP
	mov eax, 0xd
	out dx, eax
	jmp done

	.balign 16
msg:	.ascii "0123456789abcdef"

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff     # 0x08 code32
	.quad 0x00cf92000000ffff     # 0x10 data
	.quad 0x00af9a000000ffff     # 0x18 code64
	.quad 0
	.quad 0x00affa000000ffff     # 0x28 user code64 (0x2b)
	.quad 0x00cff2000000ffff     # 0x30 user data (0x33)
	.quad 0x0000890750000067     # 0x38 TSS at 0x75000
	.quad 0
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.balign 8
idt_desc:
	.word 4095
	.quad IDT
null_idt:
	.word 0
	.quad 0
