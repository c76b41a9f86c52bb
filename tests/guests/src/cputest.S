/*
 * cputest.rom: a 64 KiB BIOS image that walks the x86 CPU through its modes
 * and prints one line per check on COM1, then "done", and exits through
 * isa-debug-exit with EXIT_OK (EXIT_FAIL after an exception outside any
 * check):
 *
 *   real mode        integer arithmetic and flags, 16-bit address
 *                    wrap-around, #DE through the IVT, REP string
 *                    instructions
 *   16-bit protected segment bases, #DE through 286 gates
 *   32-bit protected segment loads that raise #GP, #NP and #SS with their
 *                    error codes, #DE, a double fault
 *   long mode        4-level paging: large pages, #PF error codes and CR2
 *                    for not-present, read-only, reserved-bit and NX pages,
 *                    non-canonical addresses; then at CPL3 (entered with
 *                    IRETQ): INT3, privileged instructions, #UD, #DE, #PF,
 *                    a double fault on IST1, SYSCALL, 64-bit integer
 *                    arithmetic, x87 and SSE arithmetic, REP string
 *                    instructions in every size and both directions,
 *                    self-modifying code
 *
 * Build-time symbol EXTRA=1 adds checks that this host's KVM (a PVM: guest
 * kernel code runs in its instruction emulator, guest user code on its own
 * segments) cannot run: #GP error codes through 286 gates, a double fault
 * through a task gate, 32-bit paging (4 MiB pages, accessed and dirty bits,
 * INVLPG, CR0.WP) and PAE paging (2 MiB pages, NX, reserved bits),
 * privilege checks of INT n gates, compatibility mode (#BR, #OF, BCD
 * arithmetic, PUSHA), SYSCALL/SYSRET state, LAR/LSL/VERR/VERW.
 *
 * Each check prints computed values in hex, so the lines are the same on
 * every correct x86 implementation and a difference shows what went wrong.
 * A tried instruction prints "none" or what it raised: the vector's
 * mnemonic, the error code in parentheses, "@+NN", the saved instruction
 * pointer's distance from the instruction ("@ADDR" when it is elsewhere),
 * and CR2 for #PF. Kernel-mode code is plain integer code, because KVM here
 * emulates CPL0 code and its emulator has no x87, SSE, INT n, INT3 or UD2;
 * the rest runs at CPL3, where KVM runs guest code natively. Ring 3 has no
 * port I/O, so it leaves its results in memory and returns through INT3 at
 * user_return, and ring 0 prints them.
 *
 * Expected output, as KVM prints it here and QEMU 7.2 with -accel kvm;
 * guests.Expected returns the lines between the markers:
 * --- expected output ---
 * real mode: add=1111 rol=abcdef89 mul=121f3cb0 div=12340056 idiv=ff72fffa flags=0890 sbb=86ed wrap=5aa5 seg=31415926
 * real mode #DE: #DE@+00
 * real mode strings: movsw=90100010 cmpsb=0083000a stosb=900b scasb=0003900d buf=6c6b6a697a7a7a7a
 * pm16: base=600d1616 cs=0018
 * pm16 div by zero: #DE@+00
 * pm32: base=600d1616 cs=0008 tr=0060
 * pm32 load ds beyond gdt: #GP(0080)@+00
 * pm32 load ds ldt with null ldtr: #GP(000c)@+00
 * pm32 load ds execute-only code: #GP(0078)@+00
 * pm32 load ds tss: #GP(0060)@+00
 * pm32 load ds not present: #NP(0070)@+00
 * pm32 load ss not present: #SS(0070)@+00
 * pm32 load ss null: #GP(0000)@+00
 * pm32 load ss dpl3: #GP(0040)@+00
 * pm32 load ss code: #GP(0008)@+00
 * pm32 far jump to null: #GP(0000)@+00
 * pm32 div by zero: #DE@+00
 * pm32 idiv overflow: #DE@+00
 * pm32 load ds data: none
 * pm32 double fault: #DF(0000)@+00
 * long mode: alias=600dcafe cs=0028 efer=0d01 tr=0050
 * long mode read not present: #PF(0000)@+00 cr2=0000000000020018
 * long mode write read-only: #PF(0003)@+00 cr2=0000000000021020
 * long mode read reserved bit: #PF(0009)@+00 cr2=0000000000024008
 * long mode fetch no-execute: #PF(0011)@00023000 cr2=0000000000023000
 * long mode read non-canonical: #GP(0000)@+00
 * long mode div by zero: #DE@+00
 * long mode load ss not present: #SS(0070)@+00
 * user int3: #BP@+01
 * user hlt: #GP(0000)@+00
 * user cli: #GP(0000)@+00
 * user in: #GP(0000)@+00
 * user read cr0: #GP(0000)@+00
 * user wrmsr: #GP(0000)@+00
 * user load ds ring 0: #GP(0010)@+00
 * user read non-canonical: #GP(0000)@+00
 * user ud2: #UD@+00
 * user into in 64-bit mode: #UD@+00
 * user div by zero: #DE@+00
 * user idiv overflow: #DE@+00
 * user read not present: #PF(0004)@+00 cr2=0000000000020028
 * user read supervisor: #PF(0005)@+00 cr2=0000000000022030
 * user write read-only: #PF(0007)@+00 cr2=0000000000021038
 * user fetch no-execute: #PF(0015)@00023000 cr2=0000000000023000
 * user read reserved bit: #PF(000d)@+00 cr2=0000000000024040
 * user double fault on ist1: #DF(0000) frame=ist1-0028 cs=004b
 * syscall: rcx=+05 r11=0444
 * alu64: mul=121fa00ad77d7422:236d88fe5618cf00 div=0124924924924924:7e3649cb031697d0 imul=fe4eceeb0400ac7b shld=3456789abcdeffed shrd=432100123456789a bsf=0028 bsr=001f bswap=efcdab8967452301
 * alu64 flags: adc=0000000000000000/0055 sbb=fffffffffffffffe/0091 neg=0885 rcl=0000000000000003/0801 sar=fffffffffffffffd/0081 cmpxchg=0000000000000007/0044 xadd=000000000000000a:000000000000000d
 * x87 arith: 1/3=3ffd:aaaaaaaaaaaaaaab sqrt2=3fff:b504f333f9de6484 pi=4000:c90fdaa22168c235 1e10*pi=4021:ea111fe0fcbbdcb3 sum=3fff:8ccccccccccccd00 int=000000000000303a
 * x87 precision: double=3ffd:aaaaaaaaaaaaa800 single=3ffd:aaaaab0000000000 double-sqrt2=3fff:b504f333f9de6800
 * x87 rounding: fist -2.5 n=fffffffe d=fffffffd u=fffffffe z=fffffffe frndint 2.5 n=4000:8000000000000000 d=4000:8000000000000000 u=4000:c000000000000000 z=4000:8000000000000000
 * x87 status: 1/0=7fff:8000000000000000 sw=0004 1/3 sw=0020 sqrt(-1)=ffff:c000000000000000 sw=0001 fist overflow=80000000 sw=0001
 * x87 compare: fcomi 1,2=0001 fcomi 2,1=0000 fucomi nan=0045 fcom 1,2.5=0100 ftst -1=0100 fxam +0=4000 -inf=0700 nan=0100 denormal=4400 normal=0400 empty=4100
 * x87 misc: fprem=3fff:c000000000000000 sw=4200 fxtract=3fff:c000000000000000/4001:a000000000000000 fscale=4004:c000000000000000 fbstp=0000:0000000012345678 fild/fistp=123456789abcdef0 fchs/fabs=c000:a000000000000000
 * sse ps: add=4040000041200000:40a000003fc00000 mul=c080000041a80000:40c000003f000000 div=c08000003edb6db7:3f2aaaab40000000 sqrt=ffc00000402953fd:3fddb3d73f3504f3 min=4000000040400000:800000007fc00001 max=4080000040a00000:400000007fc00001 cmplt=ffffffff00000000:00000000ffffffff
 * sse sd: add=400e000000000000 mul=400b000000000000 div=3fd5555555555555 sqrt=3ff6a09e667f3bcd min-nan=7ff8000000000123 comisd=0001 ucomisd nan=0045
 * sse convert: cvtsi2sd=c01c000000000000 cvtsd2si n=0000000000000002 u=0000000000000003 cvttsd2si big=8000000000000000 cvtss2sd=3fd5555560000000 cvtpd2ps=0000000000000000:ff8000003eaaaaab cvtdq2ps=4f0000004b800000:c00000003f800000 cvttps2dq=8000000080000000:ffffffff00000001
 * sse mxcsr: 1/0=1f84 1/3=1fa0 sqrt(-2.5)=1f81/fff8000000000000 underflow=1fb0 overflow=1fa8
 * sse2 integer: paddw=ffbb7733ffff01ff:61303101ff8002ff psubusb=00000000550000fd:001000fd017e0000 pmullw=d3ee6c52557204fe:220001fe817fff00 pmulhw=c74e0da7e355fffd:09390220c0be0001 pmuludq=3900001daafc04fe:3fbf82fe7e82ff00 pmaddwd=d4f64040e3525a70:0b5923fec0c0807f psadbw=00000000000002e0:000000000000029c
 * sse2 pack: packsswb=807f7f807f7f7f7f:7f7f807f7f7f807f packuswb=00ffff00ffffffff:ffff00ffffff00ff punpcklbw=31301020201002ff:7f80017f0101ff00 pshufd=807f0100302010ff:aa5502fe78563412 pshuflw=78563412aa5502fe:10ff30200100807f pslldq=12aa5502fe302010:ff807f0100000000 psrlq=078563412aa5502f:0302010ff807f010 psraw=0f0a0682f54a005f:0604021ff00f0020
 * sse2 compare: pcmpgtb=ff00000000ffff00:00ff000000ff00ff pmovmskb=0918 pavgb=805e3c1a80808180:3118188180400180 pminub=7856341255550201:301010027f010100 pmaxsw=7856432155aa02fe:311020027f0101ff pandn=8721432155aafd01:011020007f0000ff shufps=404000003f000000:4080000040400000 unpcklps=4040000040000000:3f0000003f800000 movmskps=0008
 * strings movs: b=0000000000031025 w=0000000000031126 d=000000000003122c q=0000000000031338 hash=cab154c4 df=1 b=00000000000314e2 q=00000000000315d0 hash=079513ee
 * strings stos: b=0000000000032021 w=0000000000032122 d=0000000000032224 q=0000000000032328 df=1 b=000000000003242f q=0000000000032520 hash=8e958d6c
 * strings cmps: b=0000000000000028/0000000000033018/0095 w=0000003400033018/0085 d=0000003a00033018/0085 q=0000003d00033018/0085 df=1 b=0000001700033016/0095 rcx=0 0000000000033000/0044
 * strings scas: b=0000000000000017/0000000000033029/0044 w=0000000b0003322a/0095 d=0000000600033028/0044 q=0000000000033040/0005 df=1 b=0000000a00033009/0044
 * strings misc: lodsb=111111111111110f/0000000000033006 lodsq=2d2a2724211e1b18 addr32 movsb=0000000000033005/0000000000033445 overlap=61616161
 * self-modifying code: 11111111 22222222 patched opcode 00000077/22222222 next instruction 44444444 44444444
 * done
 * --- end ---
 *
 * With EXTRA=1 (from QEMU 7.2's TCG and the SDM, where QEMU's TCG is known
 * to be wrong; tests/e2e lists those lines):
 * --- expected output with EXTRA=1 ---
 * real mode: add=1111 rol=abcdef89 mul=121f3cb0 div=12340056 idiv=ff72fffa flags=0890 sbb=86ed wrap=5aa5 seg=31415926
 * real mode #DE: #DE@+00
 * real mode strings: movsw=90100010 cmpsb=0083000a stosb=900b scasb=0003900d buf=6c6b6a697a7a7a7a
 * pm16: base=600d1616 cs=0018
 * pm16 load ds beyond gdt: #GP(0080)@+00
 * pm16 div by zero: #DE@+00
 * pm32: base=600d1616 cs=0008 tr=0060
 * pm32 load ds beyond gdt: #GP(0080)@+00
 * pm32 load ds ldt with null ldtr: #GP(000c)@+00
 * pm32 load ds execute-only code: #GP(0078)@+00
 * pm32 load ds tss: #GP(0060)@+00
 * pm32 load ds not present: #NP(0070)@+00
 * pm32 load ss not present: #SS(0070)@+00
 * pm32 load ss null: #GP(0000)@+00
 * pm32 load ss dpl3: #GP(0040)@+00
 * pm32 load ss code: #GP(0008)@+00
 * pm32 far jump to null: #GP(0000)@+00
 * pm32 div by zero: #DE@+00
 * pm32 idiv overflow: #DE@+00
 * pm32 load ds data: none
 * pm32 double fault: #DF(0000)@+00
 * pm32 double fault through task gate: link=0060 err=0000 nt=4000 types=8b8b after=8b89 tr=0060 ts=08
 * paging32: alias=600dcafe ad=2060 pde.a=20 invlpg=1111111122222222
 * paging32 read not present: #PF(0000)@+00 cr2=00020010
 * paging32 write read-only, wp=1: #PF(0003)@+00 cr2=00021004
 * paging32 write read-only, wp=0: none
 * pae: alias=600dcafe
 * pae fetch no-execute: #PF(0011)@00023000 cr2=00023000
 * pae read reserved bit: #PF(0009)@+00 cr2=00024000
 * pae read not present: #PF(0000)@+00 cr2=00020ffc
 * long mode: alias=600dcafe cs=0028 efer=0d01 tr=0050
 * long mode read not present: #PF(0000)@+00 cr2=0000000000020018
 * long mode write read-only: #PF(0003)@+00 cr2=0000000000021020
 * long mode read reserved bit: #PF(0009)@+00 cr2=0000000000024008
 * long mode fetch no-execute: #PF(0011)@00023000 cr2=0000000000023000
 * long mode read non-canonical: #GP(0000)@+00
 * long mode div by zero: #DE@+00
 * long mode load ss not present: #SS(0070)@+00
 * user int3: #BP@+01
 * user int 0x41 to a ring-0 gate: #GP(020a)@+00
 * user int 0x42 to a gate not present: #NP(0212)@+00
 * user hlt: #GP(0000)@+00
 * user cli: #GP(0000)@+00
 * user in: #GP(0000)@+00
 * user read cr0: #GP(0000)@+00
 * user wrmsr: #GP(0000)@+00
 * user load ds ring 0: #GP(0010)@+00
 * user read non-canonical: #GP(0000)@+00
 * user ud2: #UD@+00
 * user ud2 with its gate not present: #NP(0033)@+00
 * user into in 64-bit mode: #UD@+00
 * user div by zero: #DE@+00
 * user idiv overflow: #DE@+00
 * user read not present: #PF(0004)@+00 cr2=0000000000020028
 * user read supervisor: #PF(0005)@+00 cr2=0000000000022030
 * user write read-only: #PF(0007)@+00 cr2=0000000000021038
 * user fetch no-execute: #PF(0015)@00023000 cr2=0000000000023000
 * user read reserved bit: #PF(000d)@+00 cr2=0000000000024040
 * user double fault on ist1: #DF(0000) frame=ist1-0028 cs=004b
 * syscall: rcx=+05 r11=0444
 * compat bound: #BR@+00
 * compat bound in range: none
 * compat into: #OF@+05
 * compat into no overflow: none
 * compat alu: daa=00150014 das=00150056 aaa=00110107 aas=00110007 aam=00040709 aad=0000004f pusha=00200000
 * syscall in ring 0: rflags=0000 cs=0028 ss=0030; sysret cs=004b ss=0043 df=0400
 * segments: lar ucode=00a0fa00 lsl=ffffffff lar udata=00c0f200 lar data=0004 lar tss=0010 verw udata=0044 verw ucode=0014 verr ucode=0040
 * alu64: mul=121fa00ad77d7422:236d88fe5618cf00 div=0124924924924924:7e3649cb031697d0 imul=fe4eceeb0400ac7b shld=3456789abcdeffed shrd=432100123456789a bsf=0028 bsr=001f bswap=efcdab8967452301
 * alu64 flags: adc=0000000000000000/0055 sbb=fffffffffffffffe/0091 neg=0885 rcl=0000000000000003/0801 sar=fffffffffffffffd/0081 cmpxchg=0000000000000007/0044 xadd=000000000000000a:000000000000000d
 * x87 arith: 1/3=3ffd:aaaaaaaaaaaaaaab sqrt2=3fff:b504f333f9de6484 pi=4000:c90fdaa22168c235 1e10*pi=4021:ea111fe0fcbbdcb3 sum=3fff:8ccccccccccccd00 int=000000000000303a
 * x87 precision: double=3ffd:aaaaaaaaaaaaa800 single=3ffd:aaaaab0000000000 double-sqrt2=3fff:b504f333f9de6800
 * x87 rounding: fist -2.5 n=fffffffe d=fffffffd u=fffffffe z=fffffffe frndint 2.5 n=4000:8000000000000000 d=4000:8000000000000000 u=4000:c000000000000000 z=4000:8000000000000000
 * x87 status: 1/0=7fff:8000000000000000 sw=0004 1/3 sw=0020 sqrt(-1)=ffff:c000000000000000 sw=0001 fist overflow=80000000 sw=0001
 * x87 compare: fcomi 1,2=0001 fcomi 2,1=0000 fucomi nan=0045 fcom 1,2.5=0100 ftst -1=0100 fxam +0=4000 -inf=0700 nan=0100 denormal=4400 normal=0400 empty=4100
 * x87 misc: fprem=3fff:c000000000000000 sw=4200 fxtract=3fff:c000000000000000/4001:a000000000000000 fscale=4004:c000000000000000 fbstp=0000:0000000012345678 fild/fistp=123456789abcdef0 fchs/fabs=c000:a000000000000000
 * sse ps: add=4040000041200000:40a000003fc00000 mul=c080000041a80000:40c000003f000000 div=c08000003edb6db7:3f2aaaab40000000 sqrt=ffc00000402953fd:3fddb3d73f3504f3 min=4000000040400000:800000007fc00001 max=4080000040a00000:400000007fc00001 cmplt=ffffffff00000000:00000000ffffffff
 * sse sd: add=400e000000000000 mul=400b000000000000 div=3fd5555555555555 sqrt=3ff6a09e667f3bcd min-nan=7ff8000000000123 comisd=0001 ucomisd nan=0045
 * sse convert: cvtsi2sd=c01c000000000000 cvtsd2si n=0000000000000002 u=0000000000000003 cvttsd2si big=8000000000000000 cvtss2sd=3fd5555560000000 cvtpd2ps=0000000000000000:ff8000003eaaaaab cvtdq2ps=4f0000004b800000:c00000003f800000 cvttps2dq=8000000080000000:ffffffff00000001
 * sse mxcsr: 1/0=1f84 1/3=1fa0 sqrt(-2.5)=1f81/fff8000000000000 underflow=1fb0 overflow=1fa8
 * sse2 integer: paddw=ffbb7733ffff01ff:61303101ff8002ff psubusb=00000000550000fd:001000fd017e0000 pmullw=d3ee6c52557204fe:220001fe817fff00 pmulhw=c74e0da7e355fffd:09390220c0be0001 pmuludq=3900001daafc04fe:3fbf82fe7e82ff00 pmaddwd=d4f64040e3525a70:0b5923fec0c0807f psadbw=00000000000002e0:000000000000029c
 * sse2 pack: packsswb=807f7f807f7f7f7f:7f7f807f7f7f807f packuswb=00ffff00ffffffff:ffff00ffffff00ff punpcklbw=31301020201002ff:7f80017f0101ff00 pshufd=807f0100302010ff:aa5502fe78563412 pshuflw=78563412aa5502fe:10ff30200100807f pslldq=12aa5502fe302010:ff807f0100000000 psrlq=078563412aa5502f:0302010ff807f010 psraw=0f0a0682f54a005f:0604021ff00f0020
 * sse2 compare: pcmpgtb=ff00000000ffff00:00ff000000ff00ff pmovmskb=0918 pavgb=805e3c1a80808180:3118188180400180 pminub=7856341255550201:301010027f010100 pmaxsw=7856432155aa02fe:311020027f0101ff pandn=8721432155aafd01:011020007f0000ff shufps=404000003f000000:4080000040400000 unpcklps=4040000040000000:3f0000003f800000 movmskps=0008
 * strings movs: b=0000000000031025 w=0000000000031126 d=000000000003122c q=0000000000031338 hash=cab154c4 df=1 b=00000000000314e2 q=00000000000315d0 hash=079513ee
 * strings stos: b=0000000000032021 w=0000000000032122 d=0000000000032224 q=0000000000032328 df=1 b=000000000003242f q=0000000000032520 hash=8e958d6c
 * strings cmps: b=0000000000000028/0000000000033018/0095 w=0000003400033018/0085 d=0000003a00033018/0085 q=0000003d00033018/0085 df=1 b=0000001700033016/0095 rcx=0 0000000000033000/0044
 * strings scas: b=0000000000000017/0000000000033029/0044 w=0000000b0003322a/0095 d=0000000600033028/0044 q=0000000000033040/0005 df=1 b=0000000a00033009/0044
 * strings misc: lodsb=111111111111110f/0000000000033006 lodsq=2d2a2724211e1b18 addr32 movsb=0000000000033005/0000000000033445 overlap=61616161
 * self-modifying code: 11111111 22222222 patched opcode 00000077/22222222 next instruction 44444444 44444444
 * done
 * --- end ---
 */
	.include "common.inc"
	.include "cputest.inc"
	.ifndef EXTRA
	.set EXTRA, 0
	.endif

	.text
/* ------------------------------------------------------------------ */
/* Real mode                                                           */
/* ------------------------------------------------------------------ */
	.code16
start:
	ljmp $0xf000, $1f		/* CS base 0xf0000: the low alias */
1:	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $RM_STACK, %esp

	/* The GDT lives in RAM: the CPU writes accessed and busy bits. */
	mov $gdt_rom, %si
	mov $GDT, %di
	mov $(gdt_rom_end - gdt_rom), %cx
	rep movsb %cs:(%si), %es:(%di)
	movl $MAGIC, MAGIC_ADDR

	PR16 "real mode: add="
	mov $0x1234, %ax
	add $0xfedc, %ax		/* 0x1110, CF=1 */
	adc $0, %ax
	HEX16 4
	PR16 " rol="
	mov $0x89abcdef, %eax
	rol $8, %eax
	HEX16 8
	PR16 " mul="
	mov $0xfedc, %ax
	mov $0x1234, %bx
	mul %bx
	shl $16, %edx
	mov %ax, %dx
	mov %edx, %eax
	HEX16 8
	PR16 " div="
	mov $0x0012, %dx
	mov $0x3456, %ax
	mov $0x0100, %bx
	div %bx				/* 0x123456 / 0x100 */
	shl $16, %eax
	mov %dx, %ax
	HEX16 8
	PR16 " idiv="
	mov $-1000, %ax
	cwd
	mov $7, %bx
	idiv %bx			/* -142 rem -6 */
	shl $16, %eax
	mov %dx, %ax
	HEX16 8
	PR16 " flags="
	mov $0x7f, %al
	add $1, %al			/* OF SF AF */
	pushf
	pop %ax
	and $0x8d5, %ax
	HEX16 4
	PR16 " sbb="
	mov $5, %al
	sub $7, %al			/* CF */
	sbb $0x10, %al			/* 0xfe - 0x11 */
	lahf
	HEX16 4
	PR16 " wrap="
	mov $0x2000, %ax
	mov %ax, %es
	movw $0x5aa5, %es:1
	mov %ax, %ds
	mov $0xffff, %bx
	mov $2, %si
	mov (%bx,%si), %ax		/* offset 0x10001 wraps to 1 */
	HEX16 4
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	PR16 " seg="
	mov $0x1000, %ax
	mov %ax, %es
	movl $0x31415926, %es:0x10	/* linear 0x10010 */
	mov $0x1001, %ax
	mov %ax, %es
	mov %es:0, %eax			/* the same byte */
	HEX16 8
	xor %ax, %ax
	mov %ax, %es
	PR16 "\n"

	/* #DE through the interrupt vector table: the saved IP is the DIV. */
	PR16 "real mode #DE: "
	movw $rm_de, 0
	movw $0xf000, 2
	mov %sp, rm_sp
	mov $100, %ax
	xor %cl, %cl
rm_de_insn:
	div %cl
	PR16 "none"
	jmp 2f
rm_de:
	pop %ax				/* IP, then CS and FLAGS */
	mov rm_sp, %sp
	PR16 "#DE@+"
	sub $rm_de_insn, %ax
	HEX16 2
2:	PR16 "\n"

	/* Strings: copy, compare, store backwards, scan. */
	PR16 "real mode strings: movsw="
	mov $str_a, %si
	mov $BUF16, %di
	mov $8, %cx
	rep movsw %cs:(%si), %es:(%di)
	mov %di, %ax
	shl $16, %eax
	mov %si, %ax
	sub $str_a, %ax			/* a distance: the ROM's layout varies */
	HEX16 8
	PR16 " cmpsb="
	mov $str_b, %si
	mov $BUF16, %di
	mov $16, %cx
	repe cmpsb %es:(%di), %cs:(%si)	/* differ at index 5 */
	lahf
	movzbl %ah, %eax
	shl $16, %eax
	mov %cx, %ax
	HEX16 8
	PR16 " stosb="
	std
	mov $(BUF16 + 15), %di
	mov $4, %cx
	mov $'z', %al
	rep stosb
	cld
	mov %di, %ax
	HEX16 4
	PR16 " scasb="
	mov $BUF16, %di
	mov $16, %cx
	mov $'z', %al
	repne scasb
	mov %cx, %ax
	shl $16, %eax
	mov %di, %ax
	HEX16 8
	PR16 " buf="
	mov BUF16 + 8, %eax
	HEX16 8
	mov BUF16 + 12, %eax
	HEX16 8
	PR16 "\n"

/* ------------------------------------------------------------------ */
/* 16-bit protected mode                                               */
/* ------------------------------------------------------------------ */
	/* 286 interrupt gates to the 16-bit stubs. */
	mov $IDT16, %di
	mov $stubs16, %ax
	mov $32, %cx
1:	mov %ax, (%di)
	movw $SEL_CODE16, 2(%di)
	movw $0x8600, 4(%di)		/* present, DPL0, 286 interrupt gate */
	movw $0, 6(%di)
	add $8, %di
	add $STUB, %ax
	dec %cx
	jnz 1b
	movl $0x600d1616, DATA16_BASE + 0x10

	lgdtl %cs:gdtr
	lidtl %cs:idtr16
	mov %cr0, %eax
	and $0x9fffffff, %eax		/* caches on: clear CD, NW */
	or $1, %eax
	mov %eax, %cr0
	ljmp $SEL_CODE16, $pm16
pm16:
	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $RM_STACK, %esp

	PR16 "pm16: base="
	mov $SEL_DATA16, %ax
	mov %ax, %fs
	mov %fs:0x10, %eax
	HEX16 8
	PR16 " cs="
	mov %cs, %ax
	HEX16 4
	PR16 "\n"
	.if EXTRA
	/* This host's KVM pushes 32-bit error codes through 286 gates. */
	PR16 "pm16 load ds beyond gdt: "
	mov $SEL_BEYOND, %ax
	TRY16 mov %ax, %ds
	PR16 "\n"
	.endif
	PR16 "pm16 div by zero: "
	mov $1, %ax
	xor %dx, %dx
	xor %cx, %cx
	TRY16 div %cx
	PR16 "\n"

	ljmpl $SEL_CODE32, $(ROM + pm32)

/* 16-bit helpers. */
putc16:
	push %ax
	push %dx
	uart_putc
	pop %dx
	pop %ax
	ret

puts16i:
	pop %si
	push %ax
1:	mov %cs:(%si), %al
	inc %si
	test %al, %al
	jz 2f
	call putc16
	jmp 1b
2:	pop %ax
	jmp *%si

/* hex16 prints the low %cl hex digits of %eax. */
hex16:
	push %eax
	push %ecx
	mov %cl, %ch
	shl $2, %cl
	ror %cl, %eax
1:	rol $4, %eax
	push %ax
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('a' - '9' - 1), %al
2:	call putc16
	pop %ax
	dec %ch
	jnz 1b
	pop %ecx
	pop %eax
	ret

/* try16 calls the instruction at %bx; an exception returns here too. */
try16:
	movb $0xff, rec_vec
	mov %bx, rec_base
	mov %esp, try_sp
	call *%bx
try16_back:
	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	ret

common16:
	mov $SEL_DATA, %ax
	mov %ax, %ds
	pop %ax
	mov %al, rec_vec
	pop %ax
	mov %ax, rec_err
	pop %ax
	mov %ax, rec_ip
	mov try_sp, %esp
	jmp try16_back

	stubs 16, common16

fault16:
	movzbl rec_vec, %eax
	cmp $0xff, %al
	jne 1f
	PR16 "none"
	ret
1:	push %eax
	shl $2, %ax
	mov %ax, %si
	add $vecnames, %si
2:	mov %cs:(%si), %al
	inc %si
	test %al, %al
	jz 3f
	call putc16
	jmp 2b
3:	pop %eax
	mov %al, %cl
	mov $ERRMASK, %edx
	shr %cl, %edx
	test $1, %dl
	jz 4f
	PR16 "("
	mov rec_err, %ax
	HEX16 4
	PR16 ")"
4:	mov rec_ip, %ax
	sub rec_base, %ax
	cmp $0x100, %ax
	jae 5f
	PR16 "@+"
	HEX16 2
	ret
5:	PR16 "@"
	mov rec_ip, %ax
	HEX16 4
	ret

/* ------------------------------------------------------------------ */
/* 32-bit protected mode                                               */
/* ------------------------------------------------------------------ */
	.code32
pm32:
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss
	mov $KSTACK_TOP, %esp

	mov $IDT32, %edi
	mov $(ROM + stubs32), %eax
	mov $32, %ecx
1:	mov %ax, (%edi)
	movw $SEL_CODE32, 2(%edi)
	movw $0x8e00, 4(%edi)		/* present, DPL0, 386 interrupt gate */
	mov %eax, %edx
	shr $16, %edx
	mov %dx, 6(%edi)
	add $8, %edi
	add $STUB, %eax
	dec %ecx
	jnz 1b
	lidt ROM + idtr32
	mov $SEL_TSS32, %ax
	ltr %ax

	PR32 "pm32: base="
	mov $SEL_DATA16, %ax
	mov %ax, %fs
	mov %fs:0x10, %eax
	HEX32 8
	PR32 " cs="
	mov %cs, %ax
	HEX32 4
	PR32 " tr="
	str %ax
	HEX32 4
	PR32 "\n"

	PR32 "pm32 load ds beyond gdt: "
	mov $SEL_BEYOND, %ax
	TRY32 mov %ax, %ds
	PR32 "\npm32 load ds ldt with null ldtr: "
	mov $SEL_LDT, %ax
	TRY32 mov %ax, %ds
	PR32 "\npm32 load ds execute-only code: "
	mov $SEL_EXECONLY, %ax
	TRY32 mov %ax, %ds
	PR32 "\npm32 load ds tss: "
	mov $SEL_TSS32, %ax
	TRY32 mov %ax, %ds
	PR32 "\npm32 load ds not present: "
	mov $SEL_NOTPRESENT, %ax
	TRY32 mov %ax, %ds
	PR32 "\npm32 load ss not present: "
	mov $SEL_NOTPRESENT, %ax
	TRY32 mov %ax, %ss
	PR32 "\npm32 load ss null: "
	xor %eax, %eax
	TRY32 mov %ax, %ss
	PR32 "\npm32 load ss dpl3: "
	mov $SEL_UDATA, %ax
	TRY32 mov %ax, %ss
	PR32 "\npm32 load ss code: "
	mov $SEL_CODE32, %ax
	TRY32 mov %ax, %ss
	PR32 "\npm32 far jump to null: "
	TRY32 ljmp $0, $0
	PR32 "\npm32 div by zero: "
	mov $1, %eax
	xor %edx, %edx
	xor %ecx, %ecx
	TRY32 div %ecx
	PR32 "\npm32 idiv overflow: "
	mov $0x80000000, %eax
	mov $-1, %edx
	mov $-1, %ecx
	TRY32 idiv %ecx
	PR32 "\npm32 load ds data: "
	mov $SEL_DATA16, %ax
	TRY32 mov %ax, %ds
	PR32 "\n"

	/* A #DE whose gate is not present raises #NP while delivering it:
	 * a double fault. */
	PR32 "pm32 double fault: "
	andb $0x7f, IDT32 + 5		/* vector 0 not present */
	mov $1, %eax
	xor %edx, %edx
	xor %ecx, %ecx
	TRY32 div %ecx
	orb $0x80, IDT32 + 5
	PR32 "\n"

	.if EXTRA
	/* The same through a task gate to the TSSDF task (this host's KVM
	 * cannot switch tasks). */
	PR32 "pm32 double fault through task gate: "
	movl $(ROM + df_task), TSSDF + 0x20	/* EIP */
	movl $0x2, TSSDF + 0x24			/* EFLAGS */
	movl $DFSTACK_TOP, TSSDF + 0x38		/* ESP */
	movl $SEL_DATA, TSSDF + 0x48		/* ES */
	movl $SEL_CODE32, TSSDF + 0x4c		/* CS */
	movl $SEL_DATA, TSSDF + 0x50		/* SS */
	movl $SEL_DATA, TSSDF + 0x54		/* DS */
	movl $SEL_DATA, TSSDF + 0x58		/* FS */
	movl $SEL_DATA, TSSDF + 0x5c		/* GS */
	movl $0, TSSDF + 0x1c			/* CR3 (paging is off) */
	movw $0, IDT32 + 8 * 8			/* task gate: offset unused */
	movw $SEL_TSSDF, IDT32 + 8 * 8 + 2
	movw $0x8500, IDT32 + 8 * 8 + 4		/* present, DPL0, task gate */
	movw $0, IDT32 + 8 * 8 + 6
	andb $0x7f, IDT32 + 5			/* vector 0 not present */
	movl $0xffffffff, df_err
	mov %esp, try_sp
	mov $1, %eax
	xor %edx, %edx
	xor %ecx, %ecx
	div %ecx
	PR32 "none\n"
	jmp df_done
df_task:
	pop %eax			/* the error code */
	mov %eax, df_err
	movzwl TSSDF, %eax		/* the previous task link */
	mov %eax, df_link
	pushf
	pop %eax
	and $0x4000, %eax		/* NT */
	mov %eax, df_nt
	movzbl GDT + SEL_TSS32 + 5, %eax
	shl $8, %eax
	movb GDT + SEL_TSSDF + 5, %al
	mov %eax, df_busy
	orb $0x80, IDT32 + 5
	movl $(ROM + df_back), TSS32 + 0x20
	iret				/* back to the interrupted task */
	jmp df_task
df_back:
	PR32 "link="
	mov df_link, %eax
	HEX32 4
	PR32 " err="
	mov df_err, %eax
	HEX32 4
	PR32 " nt="
	mov df_nt, %eax
	HEX32 4
	PR32 " types="
	mov df_busy, %eax
	HEX32 4
	PR32 " after="
	movzbl GDT + SEL_TSS32 + 5, %eax
	shl $8, %eax
	movb GDT + SEL_TSSDF + 5, %al
	HEX32 4
	PR32 " tr="
	str %ax
	HEX32 4
	PR32 " ts="
	mov %cr0, %eax
	and $0x8, %eax			/* set by the task switches */
	HEX32 2
	PR32 "\n"
df_done:
	clts
	movw $0x8e00, IDT32 + 8 * 8 + 4
	mov $(ROM + stubs32 + 8 * STUB), %eax
	mov %ax, IDT32 + 8 * 8
	movw $SEL_CODE32, IDT32 + 8 * 8 + 2
	shr $16, %eax
	mov %ax, IDT32 + 8 * 8 + 6
	.endif

/* 32-bit and PAE paging run only with EXTRA: this host's KVM supports
 * 64-bit paging only. */
	.if EXTRA
/* ------------------------------------------------------------------ */
/* 32-bit paging                                                       */
/* ------------------------------------------------------------------ */
	/* PT32 maps the first 4 MiB, supervisor, writable; PD32[2] maps a
	 * 4 MiB page of physical 0 at ALIAS. */
	mov $PT32, %edi
	mov $0x003, %eax
	mov $1024, %ecx
1:	mov %eax, (%edi)
	add $0x1000, %eax
	add $4, %edi
	dec %ecx
	jnz 1b
	movl $0, PT32 + (PG_NP >> 10)
	movl $(PG_RO | 0x001), PT32 + (PG_RO >> 10)
	movl $(PT32 | 0x003), PD32
	movl $0x083, PD32 + 4 * (ALIAS >> 22)
	movl $0x11111111, PG_INV1
	movl $0x22222222, PG_INV2
	mov %cr4, %eax
	or $0x10, %eax			/* PSE */
	mov %eax, %cr4
	mov $PD32, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80010000, %eax		/* PG, WP */
	mov %eax, %cr0
	jmp 1f
1:
	PR32 "paging32: alias="
	mov ALIAS + MAGIC_ADDR, %eax
	HEX32 8
	PR32 " ad="
	mov PG_AD1, %eax		/* sets A */
	movl $1, PG_AD2			/* sets A and D */
	mov PT32 + (PG_AD1 >> 10), %eax
	and $0x60, %eax
	shl $8, %eax
	mov PT32 + (PG_AD2 >> 10), %edx
	and $0x60, %edx
	or %edx, %eax
	HEX32 4
	PR32 " pde.a="
	mov PD32, %eax
	and $0x20, %eax
	HEX32 2
	PR32 " invlpg="
	mov PG_INV1, %eax
	HEX32 8
	movl $(PG_INV2 | 0x003), PT32 + (PG_INV1 >> 10)
	invlpg PG_INV1
	mov PG_INV1, %eax
	HEX32 8
	movl $(PG_INV1 | 0x003), PT32 + (PG_INV1 >> 10)
	invlpg PG_INV1
	PR32 "\n"
	PR32 "paging32 read not present: "
	TRY32 mov PG_NP + 0x10, %eax
	PR32 "\npaging32 write read-only, wp=1: "
	TRY32 movl $0, PG_RO + 4
	PR32 "\npaging32 write read-only, wp=0: "
	mov %cr0, %eax
	and $~0x10000, %eax
	mov %eax, %cr0
	TRY32 movl $0, PG_RO + 4
	mov %cr0, %eax
	or $0x10000, %eax
	mov %eax, %cr0
	PR32 "\n"

/* ------------------------------------------------------------------ */
/* PAE paging                                                          */
/* ------------------------------------------------------------------ */
	mov %cr0, %eax
	and $0x7fffffff, %eax
	mov %eax, %cr0
	mov $PT_PAE, %edi
	mov $0x003, %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $0x1000, %eax
	add $8, %edi
	dec %ecx
	jnz 1b
	movl $0, PT_PAE + (PG_NP >> 9)
	movl $0x80000000, PT_PAE + (PG_NX >> 9) + 4	/* XD */
	movl $0x00080000, PT_PAE + (PG_RSV >> 9) + 4	/* bit 51 */
	movb $0xc3, PG_NX				/* ret */
	movl $(PT_PAE | 0x003), PD_PAE
	movl $0x083, PD_PAE + 8 * (ALIAS >> 21)
	movl $(PD_PAE | 0x001), PDPT_PAE
	mov $0xc0000080, %ecx		/* EFER */
	rdmsr
	or $0x800, %eax			/* NXE */
	wrmsr
	mov %cr4, %eax
	or $0x20, %eax			/* PAE */
	mov %eax, %cr4
	mov $PDPT_PAE, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0
	jmp 1f
1:
	PR32 "pae: alias="
	mov ALIAS + MAGIC_ADDR, %eax
	HEX32 8
	PR32 "\npae fetch no-execute: "
	mov $PG_NX, %eax
	TRY32 call *%eax
	PR32 "\npae read reserved bit: "
	TRY32 mov PG_RSV, %eax
	PR32 "\npae read not present: "
	TRY32 mov PG_NP + 0xffc, %eax
	PR32 "\n"

	.endif

/* ------------------------------------------------------------------ */
/* Long mode                                                           */
/* ------------------------------------------------------------------ */
	/* PT maps the first 2 MiB for ring 3; PD[4] a 2 MiB page of physical
	 * 0 at ALIAS. */
	mov $PT, %edi
	mov $0x007, %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $0x1000, %eax
	add $8, %edi
	dec %ecx
	jnz 1b
	movl $0, PT + (PG_NP >> 9)
	movl $(PG_RO | 0x005), PT + (PG_RO >> 9)
	movl $(PG_SUP | 0x003), PT + (PG_SUP >> 9)
	movl $0x80000000, PT + (PG_NX >> 9) + 4
	movl $0x00080000, PT + (PG_RSV >> 9) + 4
	movl $(PT | 0x007), PD
	movl $0x087, PD + 8 * (ALIAS >> 21)
	movl $(PD | 0x007), PDPT
	movl $(PDPT | 0x007), PML4

	mov %cr0, %eax
	and $0x7fffffff, %eax
	mov %eax, %cr0
	mov %cr4, %eax
	or $0x620, %eax			/* PAE, OSFXSR, OSXMMEXCPT */
	mov %eax, %cr4
	mov $PML4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $0x901, %eax			/* NXE, LME, SCE */
	wrmsr
	mov %cr0, %eax
	and $~0x4, %eax			/* EM off: x87 and SSE at CPL3 */
	or $0x80010022, %eax		/* PG, WP, NE, MP */
	mov %eax, %cr0
	ljmp $SEL_CODE64, $(ROM + lm64)

/* 32-bit helpers. */
putc32:
	push %eax
	push %edx
	uart_putc
	pop %edx
	pop %eax
	ret

puts32i:
	pop %esi
	push %eax
1:	mov (%esi), %al
	inc %esi
	test %al, %al
	jz 2f
	call putc32
	jmp 1b
2:	pop %eax
	jmp *%esi

hex32:
	push %eax
	push %ecx
	mov %cl, %ch
	shl $2, %cl
	ror %cl, %eax
1:	rol $4, %eax
	push %eax
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('a' - '9' - 1), %al
2:	call putc32
	pop %eax
	dec %ch
	jnz 1b
	pop %ecx
	pop %eax
	ret

try32:
	movb $0xff, rec_vec
	mov %ebx, rec_base
	mov %esp, try_sp
	call *%ebx
try32_back:
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	ret

common32:
	mov $SEL_DATA, %eax
	mov %eax, %ds
	pop %eax
	mov %al, rec_vec
	pop %eax
	mov %eax, rec_err
	pop %eax
	mov %eax, rec_ip
	mov %cr2, %eax
	mov %eax, rec_cr2
	mov try_sp, %esp
	jmp try32_back

	stubs 32, common32

fault32:
	movzbl rec_vec, %eax
	cmp $0xff, %al
	jne 1f
	PR32 "none"
	ret
1:	lea ROM + vecnames(,%eax,4), %esi
	push %eax
2:	mov (%esi), %al
	inc %esi
	test %al, %al
	jz 3f
	call putc32
	jmp 2b
3:	pop %eax
	mov %al, %cl
	mov $ERRMASK, %edx
	shr %cl, %edx
	test $1, %dl
	jz 4f
	PR32 "("
	mov rec_err, %eax
	HEX32 4
	PR32 ")"
4:	mov rec_ip, %eax
	sub rec_base, %eax
	cmp $0x100, %eax
	jae 6f
	PR32 "@+"
	HEX32 2
	jmp 7f
6:	PR32 "@"
	mov rec_ip, %eax
	HEX32 8
7:	cmpb $14, rec_vec
	jne 5f
	PR32 " cr2="
	mov rec_cr2, %eax
	HEX32 8
5:	ret

/* ------------------------------------------------------------------ */
/* 64-bit mode, CPL0                                                   */
/* ------------------------------------------------------------------ */
	.code64
lm64:
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss
	mov $KSTACK_TOP, %esp

	/* Gates: every exception to its stub, #DF on IST1; #BP and #OF may
	 * be raised from ring 3 (INT3, INTO); 0x41 is a ring-0-only gate,
	 * 0x42 a ring-3 gate that is not present, 0x80 the way back from
	 * compatibility mode (64-bit ring 3 returns through user_return). */
	mov $IDT64, %edi
	lea stubs64(%rip), %rax
	mov $32, %ecx
1:	call set_gate64
	add $STUB, %rax
	add $16, %edi
	dec %ecx
	jnz 1b
	movb $1, IDT64 + 8 * 16 + 4		/* IST1 */
	movb $0xee, IDT64 + 3 * 16 + 5
	movb $0xee, IDT64 + 4 * 16 + 5
	mov $(IDT64 + 0x41 * 16), %edi
	lea unexpected64(%rip), %rax
	call set_gate64
	mov $(IDT64 + 0x42 * 16), %edi
	call set_gate64
	movb $0x6e, IDT64 + 0x42 * 16 + 5	/* DPL3, not present */
	mov $(IDT64 + 0x80 * 16), %edi
	lea int80(%rip), %rax
	call set_gate64
	movb $0xee, IDT64 + 0x80 * 16 + 5
	lidt idtr64(%rip)

	movq $RSP0_TOP, TSS64 + 4
	movq $IST1_TOP, TSS64 + 0x24
	movw $104, TSS64 + 0x66			/* no I/O permission bitmap */
	mov $SEL_TSS64, %ax
	ltr %ax

	mov $0xc0000081, %ecx			/* STAR */
	xor %eax, %eax
	mov $(SEL_UCODE32 << 16 | SEL_CODE64), %edx
	wrmsr
	mov $0xc0000082, %ecx			/* LSTAR */
	lea syscall_entry(%rip), %rax
	xor %edx, %edx
	wrmsr
	mov $0xc0000084, %ecx			/* FMASK: TF IF DF */
	mov $0x700, %eax
	wrmsr

	PR64 "long mode: alias="
	mov ALIAS + MAGIC_ADDR, %eax
	HEX64 8
	PR64 " cs="
	mov %cs, %ax
	HEX64 4
	PR64 " efer="
	mov $0xc0000080, %ecx
	rdmsr
	HEX64 4
	PR64 " tr="
	str %ax
	HEX64 4
	PR64 "\n"
	PR64 "long mode read not present: "
	TRY64 mov PG_NP + 0x18, %eax
	PR64 "\nlong mode write read-only: "
	TRY64 movl $0, PG_RO + 0x20
	PR64 "\nlong mode read reserved bit: "
	TRY64 mov PG_RSV + 8, %eax
	PR64 "\nlong mode fetch no-execute: "
	mov $PG_NX, %eax
	TRY64 call *%rax
	PR64 "\nlong mode read non-canonical: "
	mov $0x8000000000000000, %rsi
	TRY64 mov (%rsi), %eax
	PR64 "\nlong mode div by zero: "
	mov $1, %eax
	xor %edx, %edx
	xor %ecx, %ecx
	TRY64 div %rcx
	PR64 "\nlong mode load ss not present: "
	mov $SEL_NOTPRESENT, %eax
	TRY64 mov %eax, %ss
	PR64 "\n"

/* ------------------------------------------------------------------ */
/* 64-bit mode, CPL3: exceptions                                       */
/* ------------------------------------------------------------------ */
	PR64 "user int3: "
	UTRY int3
	.if EXTRA
	/* This host's KVM raises #UD for INT n in ring 3. */
	PR64 "\nuser int 0x41 to a ring-0 gate: "
	UTRY int $0x41
	PR64 "\nuser int 0x42 to a gate not present: "
	UTRY int $0x42
	.endif
	PR64 "\nuser hlt: "
	UTRY hlt
	PR64 "\nuser cli: "
	UTRY cli
	PR64 "\nuser in: "
	UTRY in $0x80, %al
	PR64 "\nuser read cr0: "
	UTRY mov %cr0, %rax
	PR64 "\nuser wrmsr: "
	UTRY wrmsr
	PR64 "\nuser load ds ring 0: "
	mov $SEL_DATA, %eax
	UTRY mov %eax, %ds
	PR64 "\nuser read non-canonical: "
	mov $0x0000800000000000, %rsi
	UTRY mov (%rsi), %eax
	PR64 "\nuser ud2: "
	UTRY ud2
	.if EXTRA
	/* #UD is benign: its gate not present gives #NP (this host's KVM
	 * reports a double fault). */
	PR64 "\nuser ud2 with its gate not present: "
	andb $0x7f, IDT64 + 6 * 16 + 5
	UTRY ud2
	orb $0x80, IDT64 + 6 * 16 + 5
	.endif
	PR64 "\nuser into in 64-bit mode: "
	UTRY .byte 0xce
	PR64 "\nuser div by zero: "
	mov $1, %eax
	xor %edx, %edx
	xor %ecx, %ecx
	UTRY div %ecx
	PR64 "\nuser idiv overflow: "
	mov $0x8000000000000000, %rax
	mov $-1, %rdx
	mov $-1, %rcx
	UTRY idiv %rcx
	PR64 "\nuser read not present: "
	UTRY mov PG_NP + 0x28, %eax
	PR64 "\nuser read supervisor: "
	UTRY mov PG_SUP + 0x30, %eax
	PR64 "\nuser write read-only: "
	UTRY movl $0, PG_RO + 0x38
	PR64 "\nuser fetch no-execute: "
	mov $PG_NX, %eax
	UTRY call *%rax
	PR64 "\nuser read reserved bit: "
	UTRY mov PG_RSV + 0x40, %eax
	PR64 "\n"

	/* A #DE whose gate is not present: #NP during delivery, so a double
	 * fault, taken on IST1; rec_sp is where the CPU left the frame. */
	PR64 "user double fault on ist1: "
	andb $0x7f, IDT64 + 5
	mov $1, %eax
	xor %edx, %edx
	xor %ecx, %ecx
	lea 1f(%rip), %rbx
	call utry
	jmp 2f
1:	div %ecx
	jmp user_return
2:	orb $0x80, IDT64 + 5
	movzbl rec_vec, %eax
	cmp $8, %al
	je 3f
	call fault64
	jmp 4f
3:	PR64 "#DF("
	mov rec_err, %eax
	HEX64 4
	PR64 ") frame=ist1-"
	mov $IST1_TOP, %eax
	sub rec_sp, %eax
	HEX64 4
	PR64 " cs="
	mov rec_cs, %eax
	HEX64 4
4:	PR64 "\n"

	/* SYSCALL saves RIP and RFLAGS in RCX and R11. */
	PR64 "syscall: "
	lea 1f(%rip), %rbx
	call utry
	jmp 2f
1:	xor %eax, %eax			/* ZF PF */
	std
	syscall
2:	call checkfault64
	PR64 "rcx=+"
	mov sc_rcx, %rax
	sub rec_base, %rax
	HEX64 2
	PR64 " r11="
	mov sc_r11, %eax
	and $0xcd5, %eax
	HEX64 4
	PR64 "\n"

	.if EXTRA
	/* This host's KVM runs ring 3 on its own segments (no compatibility
	 * mode, LAR and friends see the host's GDT), has INT n raise #UD in
	 * ring 3, and cannot SYSRET. */
	PR64 "compat bound: "
	mov $9, %eax
	UTRY32 bound %eax, ROM + bounds
	PR64 "\ncompat bound in range: "
	mov $5, %eax
	UTRY32 bound %eax, ROM + bounds
	PR64 "\ncompat into: "
	lea 1f(%rip), %rbx
	call utry32
	jmp 2f
	.code32
1:	mov $0x7f, %al
	add $1, %al			/* OF */
	into
	int $0x80
	.code64
2:	call fault64
	PR64 "\ncompat into no overflow: "
	lea 1f(%rip), %rbx
	call utry32
	jmp 2f
	.code32
1:	xor %eax, %eax
	into
	int $0x80
	.code64
2:	call fault64
	PR64 "\n"
	URUN32 compat_alu, "compat alu: daa=%d das=%d aaa=%d aas=%d aam=%d aad=%d pusha=%d\n"

	PR64 "syscall in ring 0: "
	movb $1, sc_mode
	lea 1f(%rip), %rbx
	call utry
	jmp 2f
1:	xor %eax, %eax			/* ZF PF */
	std
	syscall
	mov %cs, %eax
	mov %eax, UDATA
	mov %ss, %eax
	mov %eax, UDATA + 4
	pushf
	pop %rax
	mov %eax, UDATA + 8
	cld
	jmp user_return
2:	call checkfault64
	PR64 "rflags="
	mov sc_flags, %eax
	and $0x700, %eax
	HEX64 4
	PR64 " cs="
	mov sc_cs, %eax
	HEX64 4
	PR64 " ss="
	mov sc_ss, %eax
	HEX64 4
	PR64 "; sysret cs="
	mov UDATA, %eax
	HEX64 4
	PR64 " ss="
	mov UDATA + 4, %eax
	HEX64 4
	PR64 " df="
	mov UDATA + 8, %eax
	and $0x400, %eax
	HEX64 4
	PR64 "\n"

	PR64 "segments: "
	lea 1f(%rip), %rbx
	call utry
	jmp 2f
1:	mov $RES, %r15
	mov $(SEL_UCODE64 | 3), %ecx
	lar %ecx, %eax
	and $~0x100, %eax		/* accessed: not every CPU sets it */
	RQ %rax
	lsl %ecx, %eax
	RQ %rax
	mov $(SEL_UDATA | 3), %ecx
	lar %ecx, %eax
	and $~0x100, %eax
	RQ %rax
	mov $SEL_DATA, %ecx		/* DPL0: invisible to ring 3 */
	mov $0x1234, %eax
	lar %ecx, %eax
	RF 0x8d5
	mov $(SEL_TSS32 | 3), %ecx
	lar %ecx, %eax
	RF 0x8d5
	mov $(SEL_UDATA | 3), %ecx
	verw %cx
	RF 0x8d5
	mov $(SEL_UCODE64 | 3), %ecx
	verw %cx
	RF 0x8d5
	verr %cx
	RF 0x8d5
	jmp user_return
2:	call checkfault64
	call printf64i
	.asciz "lar ucode=%d lsl=%d lar udata=%d lar data=%w lar tss=%w verw udata=%w verw ucode=%w verr ucode=%w\n"

	.endif

/* ------------------------------------------------------------------ */
/* 64-bit mode, CPL3: integer, x87, SSE and string instructions        */
/* ------------------------------------------------------------------ */
	URUN alu64, "alu64: mul=%q:%q div=%q:%q imul=%q shld=%q shrd=%q bsf=%w bsr=%w bswap=%q\n"
	URUN alu64b, "alu64 flags: adc=%q/%w sbb=%q/%w neg=%w rcl=%q/%w sar=%q/%w cmpxchg=%q/%w xadd=%q:%q\n"

	URUN x87_arith, "x87 arith: 1/3=%t sqrt2=%t pi=%t 1e10*pi=%t sum=%t int=%q\n"
	URUN x87_pc, "x87 precision: double=%t single=%t double-sqrt2=%t\n"
	URUN x87_rc, "x87 rounding: fist -2.5 n=%d d=%d u=%d z=%d frndint 2.5 n=%t d=%t u=%t z=%t\n"
	URUN x87_status, "x87 status: 1/0=%t sw=%w 1/3 sw=%w sqrt(-1)=%t sw=%w fist overflow=%d sw=%w\n"
	URUN x87_compare, "x87 compare: fcomi 1,2=%w fcomi 2,1=%w fucomi nan=%w fcom 1,2.5=%w ftst -1=%w fxam +0=%w -inf=%w nan=%w denormal=%w normal=%w empty=%w\n"
	URUN x87_misc, "x87 misc: fprem=%t sw=%w fxtract=%t/%t fscale=%t fbstp=%t fild/fistp=%q fchs/fabs=%t\n"

	URUN sse_ps, "sse ps: add=%x mul=%x div=%x sqrt=%x min=%x max=%x cmplt=%x\n"
	URUN sse_sd, "sse sd: add=%q mul=%q div=%q sqrt=%q min-nan=%q comisd=%w ucomisd nan=%w\n"
	URUN sse_cvt, "sse convert: cvtsi2sd=%q cvtsd2si n=%q u=%q cvttsd2si big=%q cvtss2sd=%q cvtpd2ps=%x cvtdq2ps=%x cvttps2dq=%x\n"
	URUN sse_mxcsr, "sse mxcsr: 1/0=%w 1/3=%w sqrt(-2.5)=%w/%q underflow=%w overflow=%w\n"
	URUN sse_int, "sse2 integer: paddw=%x psubusb=%x pmullw=%x pmulhw=%x pmuludq=%x pmaddwd=%x psadbw=%x\n"
	URUN sse_int2, "sse2 pack: packsswb=%x packuswb=%x punpcklbw=%x pshufd=%x pshuflw=%x pslldq=%x psrlq=%x psraw=%x\n"
	URUN sse_int3, "sse2 compare: pcmpgtb=%x pmovmskb=%w pavgb=%x pminub=%x pmaxsw=%x pandn=%x shufps=%x unpcklps=%x movmskps=%w\n"

	URUN str_movs, "strings movs: b=%q w=%q d=%q q=%q hash=%d df=1 b=%q q=%q hash=%d\n"
	URUN str_stos, "strings stos: b=%q w=%q d=%q q=%q df=1 b=%q q=%q hash=%d\n"
	URUN str_cmps, "strings cmps: b=%q/%q/%w w=%q/%w d=%q/%w q=%q/%w df=1 b=%q/%w rcx=0 %q/%w\n"
	URUN str_scas, "strings scas: b=%q/%q/%w w=%q/%w d=%q/%w q=%q/%w df=1 b=%q/%w\n"
	URUN str_misc, "strings misc: lodsb=%q/%q lodsq=%q addr32 movsb=%q/%q overlap=%d\n"
	URUN smc, "self-modifying code: %d %d patched opcode %d/%d next instruction %d %d\n"

	PR64 "done\n"
	exit_with EXIT_OK

/* ------------------------------------------------------------------ */
/* 64-bit kernel helpers                                               */
/* ------------------------------------------------------------------ */
/* set_gate64: gate at %rdi to handler %rax: present, DPL0, interrupt gate. */
set_gate64:
	mov %ax, (%rdi)
	movw $SEL_CODE64, 2(%rdi)
	movw $0x8e00, 4(%rdi)
	push %rax
	shr $16, %rax
	mov %ax, 6(%rdi)
	shr $16, %rax
	mov %eax, 8(%rdi)
	movl $0, 12(%rdi)
	pop %rax
	ret

putc64:
	push %rax
	push %rdx
	uart_putc
	pop %rdx
	pop %rax
	ret

puts64i:
	pop %rsi
	push %rax
1:	mov (%rsi), %al
	inc %rsi
	test %al, %al
	jz 2f
	call putc64
	jmp 1b
2:	pop %rax
	jmp *%rsi

hex64:
	push %rax
	push %rcx
	mov %cl, %ch
	shl $2, %cl
	ror %cl, %rax
1:	rol $4, %rax
	push %rax
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('a' - '9' - 1), %al
2:	call putc64
	pop %rax
	dec %ch
	jnz 1b
	pop %rcx
	pop %rax
	ret

/* printf64i prints the format string that follows its call, taking values
 * from RES in order: %b %w %d %q print 2, 4, 8 or 16 hex digits of the
 * next 8-byte slot; %t prints an x87 value from a 16-byte slot as
 * sign-exponent:significand; %x an xmm value from a 16-byte slot as
 * high:low quadwords. */
printf64i:
	pop %rsi
	mov $RES, %edi
1:	mov (%rsi), %al
	inc %rsi
	test %al, %al
	jz 9f
	cmp $'%', %al
	je 2f
	call putc64
	jmp 1b
2:	mov (%rsi), %al
	inc %rsi
	mov (%rdi), %rdx
	cmp $'t', %al
	je 3f
	cmp $'x', %al
	je 4f
	mov $2, %cl
	cmp $'b', %al
	je 5f
	mov $4, %cl
	cmp $'w', %al
	je 5f
	mov $8, %cl
	cmp $'d', %al
	je 5f
	mov $16, %cl
5:	mov %rdx, %rax
	call hex64
	add $8, %rdi
	jmp 1b
3:	mov 8(%rdi), %eax
	mov $4, %cl
	call hex64
	mov $':', %al
	call putc64
	mov %rdx, %rax
	mov $16, %cl
	call hex64
	add $16, %rdi
	jmp 1b
4:	mov 8(%rdi), %rax
	mov $16, %cl
	call hex64
	mov $':', %al
	call putc64
	mov %rdx, %rax
	call hex64
	add $16, %rdi
	jmp 1b
9:	jmp *%rsi

/* try64 calls the instruction at %rbx at CPL0; utry runs it at CPL3 with
 * interrupts off, utry32 in compatibility mode. An exception (INT3 at
 * user_return for a ring-3 routine that ends normally), or INT 0x80 from
 * compatibility mode, returns to try64_back. */
try64:
	movb $0xff, rec_vec
	mov %rbx, rec_base
	mov %rsp, try_sp
	call *%rbx
try64_back:
	cld
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	ret

utry:
	movb $0xff, rec_vec
	mov %rbx, rec_base
	mov %rsp, try_sp
	push $(SEL_UDATA | 3)
	push $USTACK_TOP
	push $0x2
	push $(SEL_UCODE64 | 3)
	push %rbx
	iretq

utry32:
	movb $0xff, rec_vec
	mov %rbx, rec_base
	mov %rsp, try_sp
	/* IRETQ to ring 3 nulls DS and ES while they hold ring-0
	 * selectors (SDM, IRET), and compatibility mode faults on a null
	 * DS: give ring 3 its own (try64_back reloads the kernel's). */
	push %rax
	mov $(SEL_UDATA | 3), %eax
	mov %eax, %ds
	mov %eax, %es
	pop %rax
	push $(SEL_UDATA | 3)
	push $USTACK_TOP
	push $0x2
	push $(SEL_UCODE32 | 3)
	push %rbx
	iretq

int80:
	mov try_sp, %rsp
	jmp try64_back

common64:
	mov %rsp, rec_sp
	addq $16, rec_sp		/* the frame's RIP, above the stub's pushes */
	push %rax
	mov 8(%rsp), %rax
	mov %al, rec_vec
	mov 16(%rsp), %rax
	mov %rax, rec_err
	mov 24(%rsp), %rax
	mov %rax, rec_ip
	mov 32(%rsp), %rax
	mov %rax, rec_cs
	mov %cr2, %rax
	mov %rax, rec_cr2
	cmpb $3, rec_vec		/* INT3 at user_return: the end */
	jne 1f
	lea user_return + 1(%rip), %rax
	cmp %rax, rec_ip
	jne 1f
	movb $0xff, rec_vec
1:	cmpq $0, try_sp
	je unexpected64
	mov try_sp, %rsp
	jmp try64_back

	stubs 64, common64

/* Ring-3 code returns to ring 0 through here. */
user_return:
	int3

/* unexpected64: an exception outside any try. */
unexpected64:
	mov $KSTACK_TOP, %esp
	PR64 "unexpected exception\n"
	exit_with EXIT_FAIL

/* syscall_entry: SYSCALL from ring 3 ends the ring-3 excursion, or with
 * sc_mode set records the ring-0 state and returns with SYSRET. */
syscall_entry:
	mov %rcx, sc_rcx
	mov %r11, sc_r11
	cmpb $0, sc_mode
	jne 1f
	/* Leave through user_return: this host's KVM enters here with its
	 * own selectors in CS and SS, and takes the code for ring 3. */
	push $(SEL_UDATA | 3)
	push $USTACK_TOP
	push $0x2
	push $(SEL_UCODE64 | 3)
	lea user_return(%rip), %rax
	push %rax
	iretq
1:	movb $0, sc_mode
	pushf
	pop %rax
	mov %rax, sc_flags
	mov %cs, %eax
	mov %rax, sc_cs
	mov %ss, %eax
	mov %rax, sc_ss
	sysretq

/* checkfault64 prints a ring-3 exception the routine did not expect. */
checkfault64:
	cmpb $0xff, rec_vec
	je 1f
	PR64 "[exception "
	call fault64
	PR64 "] "
1:	ret

fault64:
	movzbl rec_vec, %eax
	cmp $0xff, %al
	jne 1f
	PR64 "none"
	ret
1:	lea vecnames(%rip), %rsi
	lea (%rsi,%rax,4), %rsi
	push %rax
2:	mov (%rsi), %al
	inc %rsi
	test %al, %al
	jz 3f
	call putc64
	jmp 2b
3:	pop %rax
	mov %al, %cl
	mov $ERRMASK, %edx
	shr %cl, %edx
	test $1, %dl
	jz 4f
	PR64 "("
	mov rec_err, %eax
	HEX64 4
	PR64 ")"
4:	mov rec_ip, %rax
	sub rec_base, %rax
	cmp $0x100, %rax
	jae 6f
	PR64 "@+"
	HEX64 2
	jmp 7f
6:	PR64 "@"
	mov rec_ip, %rax
	HEX64 8
7:	cmpb $14, rec_vec
	jne 5f
	PR64 " cr2="
	mov rec_cr2, %rax
	HEX64 16
5:	ret

	.include "cputest-user.inc"

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */
	.p2align 3
gdt_rom:
	.quad 0
	desc 0, 0xfffff, 0x9a, 0xc		/* 0x08 code32 */
	desc 0, 0xfffff, 0x92, 0xc		/* 0x10 data */
	desc ROM, 0xffff, 0x9a, 0x0		/* 0x18 code16 */
	desc DATA16_BASE, 0xffff, 0x92, 0x0	/* 0x20 data16 */
	desc 0, 0xfffff, 0x9a, 0xa		/* 0x28 code64 */
	desc 0, 0xfffff, 0x92, 0xc		/* 0x30 data */
	desc 0, 0xfffff, 0xfa, 0xc		/* 0x38 user code32 */
	desc 0, 0xfffff, 0xf2, 0xc		/* 0x40 user data */
	desc 0, 0xfffff, 0xfa, 0xa		/* 0x48 user code64 */
	desc TSS64, 0x67, 0x89, 0x0		/* 0x50 64-bit TSS */
	.quad 0
	desc TSS32, 0x67, 0x89, 0x0		/* 0x60 TSS */
	desc TSSDF, 0x67, 0x89, 0x0		/* 0x68 double-fault TSS */
	desc 0, 0xfffff, 0x12, 0xc		/* 0x70 not present */
	desc 0, 0xfffff, 0x98, 0xc		/* 0x78 execute-only */
gdt_rom_end:

	.p2align 2
	.word 0
gdtr:	.word gdt_rom_end - gdt_rom - 1
	.long GDT
	.word 0
idtr16:	.word 32 * 8 - 1
	.long IDT16
	.word 0
idtr32:	.word 32 * 8 - 1
	.long IDT32
	.word 0
idtr64:	.word 0x81 * 16 - 1
	.quad IDT64

bounds:	.long 0, 8

vecnames:
	.ascii "#DE\0#DB\0NMI\0#BP\0#OF\0#BR\0#UD\0#NM\0#DF\0#09\0#TS\0#NP\0#SS\0#GP\0#PF\0#15\0"
	.ascii "#MF\0#AC\0#MC\0#XM\0#VE\0#CP\0#22\0#23\0#24\0#25\0#26\0#27\0#HV\0#VC\0#SX\0#31\0"

str_a:	.ascii "abcdefghijklmnop"
str_b:	.ascii "abcdeXghijklmnop"

	.code16
	.org 0xfff0
reset:
	jmp start
	.org 0x10000, 0xff
