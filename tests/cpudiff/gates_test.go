package cpudiff

import (
	"fmt"
	"testing"

	"gemu/accel"
)

// farJumpOracle is the SDM's answer for a far JMP or CALL straight to a code
// segment (vol. 2A, CALL and JMP, protected-mode checks): nil when the
// transfer succeeds.
func farJumpOracle(sel uint16, d uint64, cpl uint8, long bool) *fault {
	if sel&^3 == 0 {
		return &fault{vecGP, 0}
	}
	s := SegFromDesc(sel, d)
	code := uint32(sel &^ 3)
	rpl := uint8(sel & 3)
	switch {
	case !s.S || s.Type&0x8 == 0:
		return &fault{vecGP, code}
	case s.Type&0x4 != 0 && s.DPL > cpl: // conforming
		return &fault{vecGP, code}
	case s.Type&0x4 == 0 && (rpl > cpl || s.DPL != cpl):
		return &fault{vecGP, code}
	case !s.Present:
		return &fault{vecNP, code}
	case long && s.L && s.DB:
		return &fault{vecGP, code}
	}
	return nil
}

// TestFarTransfers jumps and calls far to every kind of code descriptor,
// at CPL3 (natively on KVM) and CPL0, in 32-bit protected mode and from
// 64-bit mode.
func TestFarTransfers(t *testing.T) {
	kinds := []descKind{
		{"code32-dpl3", Desc(0, 0xfffff, AccP|AccS|typeCodeXR|dpl(3), FlagG|FlagDB)},
		{"code32-xo-dpl3", Desc(0, 0xfffff, AccP|AccS|typeCodeXO|dpl(3), FlagG|FlagDB)},
		{"code32-dpl0", Desc(0, 0xfffff, AccP|AccS|typeCodeXR, FlagG|FlagDB)},
		{"code32-dpl1", Desc(0, 0xfffff, AccP|AccS|typeCodeXR|dpl(1), FlagG|FlagDB)},
		{"conforming-dpl0", Desc(0, 0xfffff, AccP|AccS|typeConfXR, FlagG|FlagDB)},
		{"conforming-dpl3", Desc(0, 0xfffff, AccP|AccS|typeConfXO|dpl(3), FlagG|FlagDB)},
		{"code64-dpl3", Desc(0, 0xfffff, AccP|AccS|typeCodeXR|dpl(3), FlagG|FlagL)},
		{"code64-dpl0", Desc(0, 0xfffff, AccP|AccS|typeCodeXR, FlagG|FlagL)},
		{"code-l-and-d-dpl3", Desc(0, 0xfffff, AccP|AccS|typeCodeXR|dpl(3), FlagG|FlagL|FlagDB)},
		{"code-l-and-d-dpl0", Desc(0, 0xfffff, AccP|AccS|typeCodeXR, FlagG|FlagL|FlagDB)},
		{"code16-dpl3", Desc(0, 0xffff, AccP|AccS|typeCodeXR|dpl(3), 0)},
		{"code-not-present-dpl3", Desc(0, 0xfffff, AccS|typeCodeXR|dpl(3), FlagG|FlagDB)},
		{"code-not-present-dpl0", Desc(0, 0xfffff, AccS|typeCodeXR, FlagG|FlagDB)},
		{"data-dpl3", Desc(0, 0xfffff, AccP|AccS|typeDataRW|dpl(3), FlagG|FlagDB)},
		{"data-dpl0", Desc(0, 0xfffff, AccP|AccS|typeDataRW, FlagG|FlagDB)},
		{"ldt", Desc(LDTBase, LDTLimit, AccP|0x2|dpl(3), 0)},
		{"interrupt-gate", Gate32(KCode32, CodeBase, 0xe, 3, 0)},
	}
	var cases []Case
	for _, start := range []Start{Prot32User, User64, Compat32User, Prot32, Long64} {
		cpl := cplOf(start)
		for _, k := range kinds {
			for _, op := range []string{"ljmp", "lcall"} {
				for _, rpl := range []uint16{0, 3} {
					sel := uint16(FreeSel) | rpl
					f := farJumpOracle(sel, k.d, cpl, isLong(start))
					c := Case{
						Name:  fmt.Sprintf("%s/%s/%s-rpl%d", start, op, k.name, rpl),
						Start: start,
						Setup: func(w *World) { w.SetGDT(FreeSel, k.d) },
						// The target is ud2 in every code size;
						// the far pointer is m16:32.
						Code: fmt.Sprintf(`
	%s *ptr
ptr:	.long tgt
	.word %#x
tgt:	ud2
`, op, sel),
						Stop: AtVector(vecUD),
					}
					if f != nil {
						c.Stop = AtVector(f.vec)
						c.Want = frameCode(f.code)
					}
					if !SegFromDesc(0, k.d).S {
						c.NoKVM = quirkFarGate
					}
					cases = append(cases, c)
				}
			}
		}
	}
	runCases(t, cases)
}

// callGateCode calls far through the call gate at FreeSel from CPL3 and
// leaves two parameters on the caller's stack; the return address is ret.
const callGateCode = `
	push $0x11111111
	push $0x22222222
	mov $0x1234, %eax
	lcall *ptr
ret:
ptr:	.long 0
	.word FREESEL|3
`

// TestCallGates covers calls and jumps through call gates: privilege
// changes with the stack switch from the TSS, parameter copying, 64-bit
// gates, and the faults for bad gates and targets. KVM here cannot take
// them, so each case carries the SDM's expectations. The callers run with
// IF clear, since a call gate leaves IF alone and the handler stub halts.
func TestCallGates(t *testing.T) {
	noIF := func(w *World) { w.State.RFLAGS &^= FlagsIF }
	gate32 := func(sel uint16, off uint32, typ, dpl, params uint8, present bool) func(w *World) {
		return func(w *World) {
			noIF(w)
			g := Gate32(sel, off, typ, dpl, params)
			if !present {
				g &^= uint64(AccP) << 40
			}
			w.SetGDT(FreeSel, g)
		}
	}
	gate64 := func(sel uint16, off uint64, dpl uint8, hiType uint64) func(w *World) {
		return func(w *World) {
			noIF(w)
			lo, hi := Gate64(sel, off, 0xc, dpl, 0)
			w.SetGDT(FreeSel, lo)
			w.SetGDT(FreeSel+8, hi|hiType<<40)
		}
	}
	stub := uint32(Stub(0x40))
	cpl0 := func(e *expect) {
		e.eq("cs", uint64(e.r.State.CS.Selector), KCode32)
		e.eq("ss", uint64(e.r.State.SS.Selector), KData)
	}
	cases := []Case{
		{Name: "32-call-gate-to-cpl0-copies-params", Start: Prot32User, Stop: AtVector(0x40),
			Setup: gate32(KCode32, stub, 0xc, 3, 2, true), Code: callGateCode,
			Want: want(func(e *expect) {
				cpl0(e)
				e.reg(accel.RSP, KernStack-24)
				e.reg(accel.RAX, 0x1234)
				e.stack32(uint32(e.r.Sym("ret")), UCode32, 0x22222222, 0x11111111, UserStack-8, UData)
			})},
		{Name: "32-call-gate-no-params", Start: Prot32User, Stop: AtVector(0x40),
			Setup: gate32(KCode32, stub, 0xc, 3, 0, true), Code: callGateCode,
			Want: want(func(e *expect) {
				cpl0(e)
				e.reg(accel.RSP, KernStack-16)
				e.stack32(uint32(e.r.Sym("ret")), UCode32, UserStack-8, UData)
			})},
		{Name: "32-call-gate-31-params", Start: Prot32User, Stop: AtVector(0x40),
			Setup: gate32(KCode32, stub, 0xc, 3, 31, true), Code: callGateCode,
			Want: want(func(e *expect) {
				cpl0(e)
				e.reg(accel.RSP, KernStack-4*35)
				e.stack32(uint32(e.r.Sym("ret")), UCode32, 0x22222222, 0x11111111)
				e.m32(KernStack-8, UserStack-8)
				e.m32(KernStack-4, UData)
			})},
		{Name: "32-call-gate-16-bit", Start: Prot32User, Stop: AtVector(0x40),
			Setup: gate32(KCode32, stub, 0x4, 3, 2, true), Code: callGateCode,
			Want: want(func(e *expect) {
				cpl0(e)
				e.reg(accel.RSP, KernStack-12)
				e.stack16(uint16(e.r.Sym("ret")), UCode32, 0x2222, 0x2222, (UserStack-8)&0xffff, UData)
			})},
		{Name: "32-call-gate-dpl0-from-cpl3", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(FreeSel),
			Setup: gate32(KCode32, stub, 0xc, 0, 0, true), Code: callGateCode},
		{Name: "32-call-gate-not-present", Start: Prot32User, Stop: AtVector(vecNP), Want: frameCode(FreeSel),
			Setup: gate32(KCode32, stub, 0xc, 3, 0, false), Code: callGateCode},
		{Name: "32-call-gate-target-not-present", Start: Prot32User, Stop: AtVector(vecNP), Want: frameCode(FreeSel + 8),
			Setup: func(w *World) {
				gate32(FreeSel+8, stub, 0xc, 3, 0, true)(w)
				w.SetGDT(FreeSel+8, Desc(0, 0xfffff, AccS|typeCodeXR, FlagG|FlagDB))
			}, Code: callGateCode},
		{Name: "32-call-gate-target-data", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(KData),
			Setup: gate32(KData, stub, 0xc, 3, 0, true), Code: callGateCode},
		{Name: "32-call-gate-to-conforming", Start: Prot32User, Stop: AtVector(vecGP),
			Setup: func(w *World) {
				gate32(FreeSel+8, uint32(CodeBase+0x100), 0xc, 3, 2, true)(w)
				w.SetGDT(FreeSel+8, Desc(0, 0xfffff, AccP|AccS|typeConfXR, FlagG|FlagDB))
			}, Code: callGateCode + "\n.org 0x100\n hlt\n",
			Want: want(func(e *expect) {
				// CPL stays 3: HLT faults, from the caller's stack.
				// HLT faults: RF is set in the pushed EFLAGS.
				e.stack32(0, CodeBase+0x100, (FreeSel+8)|3, 0x10002, UserStack-16, UData)
			})},
		{Name: "32-jmp-call-gate-to-cpl0", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(KCode32),
			Setup: gate32(KCode32, stub, 0xc, 3, 0, true), Code: "ljmp *ptr\nptr: .long 0\n .word FREESEL|3\n"},
		{Name: "32-call-gate-tss-ss0-rpl", Start: Prot32User, Stop: AtVector(vecTS),
			Setup: func(w *World) {
				gate32(KCode32, stub, 0xc, 3, 0, true)(w)
				w.Put32(TSS32Base+8, UData)
				tsTask(w)
			}, Code: callGateCode, Want: frameCode(UData &^ 3)},
		{Name: "64-call-gate-to-cpl0", Start: User64, Stop: AtVector(0x40),
			Setup: gate64(KCode64, uint64(stub), 3, 0), Code: callGateCode,
			Want: want(func(e *expect) {
				e.eq("cs", uint64(e.r.State.CS.Selector), KCode64)
				e.eq("ss", uint64(e.r.State.SS.Selector), 0)
				e.reg(accel.RSP, KernStack-32)
				e.stack64(e.r.Sym("ret"), UCode64, UserStack-16, UData)
			})},
		{Name: "64-call-gate-from-compat", Start: Compat32User, Stop: AtVector(0x40),
			Setup: gate64(KCode64, uint64(stub), 3, 0), Code: callGateCode,
			Want: want(func(e *expect) {
				e.reg(accel.RSP, KernStack-32)
				e.stack64(e.r.Sym("ret"), UCode32, UserStack-8, UData)
			})},
		{Name: "64-call-gate-upper-type-not-zero", Start: User64, Stop: AtVector(vecGP), Want: frameCode(FreeSel),
			Setup: gate64(KCode64, uint64(stub), 3, 0xc), Code: callGateCode},
		{Name: "64-call-gate-to-32-bit-code", Start: User64, Stop: AtVector(vecGP), Want: frameCode(KCode32),
			Setup: gate64(KCode32, uint64(stub), 3, 0), Code: callGateCode},
		{Name: "64-call-gate-jmp-same-level", Start: User64, Stop: AtVector(vecUD),
			Setup: gate64(UCode64, CodeBase+0x100, 3, 0), Code: "ljmp *ptr\nptr: .long 0\n .word FREESEL|3\n.org 0x100\n ud2\n",
			Want: want(func(e *expect) { e.stack64(CodeBase+0x100, UCode64) })},
		{Name: "64-16-byte-gate-beyond-gdt-limit", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0x1f8),
			Setup: func(w *World) {
				noIF(w)
				lo, _ := Gate64(KCode64, uint64(stub), 0xc, 3, 0)
				w.SetGDT(0x1f8, lo)
			}, Code: "lcall *ptr\nptr: .long 0\n .word 0x1fb\n"},
	}
	for i := range cases {
		cases[i].NoKVM = quirkFarGate
	}
	runCases(t, cases)
}

// tsTask makes #TS a task switch to the double-fault task, whose handler
// is then the #TS stub: a #TS raised by a stack switch would otherwise hit
// the same bad stack on delivery.
func tsTask(w *World) {
	w.SetIDT32(vecTS, Gate32(TSSDFSel, 0, 0x5, 0, 0))
	w.Put32(TSSDFBase+0x20, uint32(Stub(vecTS)))
}

// TestReturns covers far returns and IRET in every mode, including returns
// to an outer privilege level, which null data segments the new CPL may
// not use.
func TestReturns(t *testing.T) {
	// report stores the user-visible selectors and flags, then stops.
	const report32 = `
	mov %cs, %ss:DATA
	mov %ss, %ss:DATA+4
	mov %ds, %ss:DATA+8
	mov %es, %ss:DATA+12
	mov %fs, %ss:DATA+16
	mov %gs, %ss:DATA+20
	pushf
	popl %ss:DATA+24
	mov %esp, %ss:DATA+28
	movb $0, %ss:STOP
1:	jmp 1b
`
	// reported checks what report32 stored.
	reported := func(cs, ss, ds, es, fs, gs, flags, esp uint32) func(e *expect) {
		return func(e *expect) {
			for i, v := range []uint32{cs, ss, ds, es, fs, gs, flags, esp} {
				e.m32(DataBase+4*uint64(i), v)
			}
		}
	}
	runCases(t, []Case{
		{Name: "lret-to-cpl3-nulls-data-segments", Start: Prot32, Stop: AtStop(), NoKVM: quirkFarReturn,
			Setup: func(w *World) { w.State.GS = SegFromDesc(UData, w.GDT(UData)) },
			Code: `
	push $UDATA
	push $USTACK-16
	push $UCODE32
	push $user
	lret
user:` + report32,
			Want: want(reported(UCode32, UData, 0, 0, 0, UData, 2, UserStack-16))},
		{Name: "lret-imm-releases-both-stacks", Start: Prot32, Stop: AtStop(), NoKVM: quirkFarReturn, Code: `
	push $UDATA
	push $USTACK-16
	push $0xaaaa
	push $0xbbbb
	push $UCODE32
	push $user
	lret $8
user:` + report32,
			Want: want(reported(UCode32, UData, 0, 0, 0, 0, 2, UserStack-8))},
		{Name: "lret-to-rpl0-from-cpl3", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(KCode32),
			Code: "push $KCODE32\n push $1f\n lret\n1: hlt\n"},
		{Name: "lret-same-level-cpl3", Start: Prot32User, Stop: AtVector(vecUD),
			Code: "push $UCODE32\n push $1f\n lret\n1: mov %esp, %ebx\n ud2\n"},
		{Name: "iret-to-cpl3", Start: Prot32, Stop: AtStop(), NoKVM: quirkFarReturn, Code: `
	push $UDATA
	push $USTACK-32
	push $0x3202
	push $UCODE32
	push $user
	iret
user:` + report32,
			Want: want(reported(UCode32, UData, 0, 0, 0, 0, 0x3202, UserStack-32))},
		{Name: "iret-same-level-32", Start: Prot32, Stop: AtHalt(), NoKVM: quirkFarReturn, Code: `
	pushf
	push %cs
	push $1f
	iret
1:	mov %esp, %ebx
	hlt
`, Want: want(func(e *expect) { e.reg(accel.RBX, KernStack) })},
		{Name: "iret-rpl-below-cpl", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(KCode32), NoKVM: quirkFarReturn,
			Code: "push $0x202\n push $KCODE32\n push $1f\n iret\n1: hlt\n"},
		{Name: "iret-cpl3-cannot-change-iopl-or-if", Start: Prot32User, Stop: AtStop(), NoKVM: quirkFarReturn,
			Setup: func(w *World) { w.State.RFLAGS &^= FlagsIF },
			Code:  "push $0x3202\n push %cs\n push $user\n iret\nuser:" + report32,
			Want:  want(reported(UCode32, UData, UData, UData, UData, UData, 2, UserStack))},
		{Name: "iretq-to-user64", Start: Long64, Stop: AtVector(vecUD), NoKVM: quirkIRETQNull, Code: `
	push $UDATA
	push $USTACK-8
	push $0x202
	push $UCODE64
	push $user
	iretq
user:	mov %ss, %ebx
	mov %rsp, %rcx
	ud2
`, Want: want(func(e *expect) {
			e.reg(accel.RBX, UData)
			e.reg(accel.RCX, UserStack-8)
			s := &e.r.State
			for i, g := range []*accel.Segment{&s.DS, &s.ES, &s.FS, &s.GS} {
				e.eq(fmt.Sprintf("%s selector", []string{"ds", "es", "fs", "gs"}[i]), uint64(g.Selector), 0)
			}
		})},
		{Name: "iretq-to-compat", Start: Long64, Stop: AtStop(), NoKVM: quirkIRETQNull, Code: `
	push $UDATA
	push $USTACK-8
	push $0x202
	push $UCODE32
	push $user
	iretq
	.code32
user:` + report32,
			Want: want(reported(UCode32, UData, 0, 0, 0, 0, 0x202, UserStack-8))},
		{Name: "iretq-same-level-pops-ss-rsp", Start: Long64, Stop: AtHalt(), Code: `
	mov %rsp, %rax
	push $KDATA
	push %rax
	pushf
	push $KCODE64
	push $1f
	iretq
1:	mov %rsp, %rbx
	hlt
`, Want: want(func(e *expect) { e.reg(accel.RBX, KernStack) })},
		{Name: "iretq-non-canonical-rip", Start: Long64, Stop: AtVector(vecGP), NoKVM: quirkIRETQFault, Code: `
	push $UDATA
	push $USTACK
	push $0x202
	push $UCODE64
	mov $0x0000800000000000, %rax
	push %rax
iq:	iretq
`, Want: want(func(e *expect) {
			// The fault leaves RSP at the frame; delivery aligns it
			// down to 16 bytes and pushes six quadwords.
			e.reg(accel.RSP, (KernStack-40)&^15-48)
			e.stack64(0, e.r.Sym("iq"), KCode64)
		})},
		{Name: "iretq-null-ss-to-cpl3", Start: Long64, Stop: AtVector(vecGP), Want: frameCode(0), Code: `
	push $0
	push $USTACK
	push $0x202
	push $UCODE64
	push $1f
	iretq
1:	ud2
`},
		{Name: "iretl-in-long-mode-to-compat", Start: Long64, Stop: AtStop(), NoKVM: quirkFarReturn, Code: `
	sub $20, %rsp
	movl $user, (%rsp)
	movl $UCODE32, 4(%rsp)
	movl $0x202, 8(%rsp)
	movl $USTACK-8, 12(%rsp)
	movl $UDATA, 16(%rsp)
	iretl
	.code32
user:` + report32,
			Want: want(reported(UCode32, UData, 0, 0, 0, 0, 0x202, UserStack-8))},
		{Name: "lretq-to-user64", Start: Long64, Stop: AtVector(vecUD), NoKVM: quirkFarReturn, Code: `
	push $UDATA
	push $USTACK-24
	push $UCODE64
	push $user
	lretq
user:	mov %ss, %ebx
	mov %rsp, %rcx
	ud2
`, Want: want(func(e *expect) {
			e.reg(accel.RBX, UData)
			e.reg(accel.RCX, UserStack-24)
			e.eq("ds selector", uint64(e.r.State.DS.Selector), 0)
		})},
		{Name: "iret-nested-task-returns", Start: Prot32, Stop: AtStop(), NoKVM: quirkFarReturn,
			Setup: func(w *World) {
				// The current task (TSS32) was called from the
				// spare task, which resumes at its EIP.
				w.Put16(TSS32Base, TSSAlt)
				w.State.RFLAGS |= 1 << 14
				w.SetGDT(TSSAlt, Desc(TSSAltB, 0x67, AccP|0xb, 0))
				t := uint64(TSSAltB)
				w.Put32(t+0x20, CodeBase+0x100)
				w.Put32(t+0x24, 0x2)
				w.Put32(t+0x28, 0x1111)
				w.Put32(t+0x38, KernStack-0x100)
				for i, sel := range []uint16{KData, KCode32, KData, KData, KData, KData} {
					w.Put16(t+0x48+4*uint64(i), sel)
				}
			},
			Code: "mov $0xaaaa, %ebx\n iret\nafter:\n.org 0x100\n movb $0, STOP\n1: jmp 1b\n",
			Want: want(func(e *expect) {
				s := &e.r.State
				e.reg(accel.RAX, 0x1111)
				e.reg(accel.RBX, 0)
				e.reg(accel.RSP, KernStack-0x100)
				e.eq("tr", uint64(s.TR.Selector), TSSAlt)
				e.eq("cr0.ts", s.CR0&CR0TS, CR0TS)
				e.eq("eflags.nt", s.RFLAGS&(1<<14), 0)
				e.m32(TSS32Base+0x20, uint32(e.r.Sym("after")))
				e.m32(TSS32Base+0x34, 0xaaaa)
				e.eq("saved eflags.nt", uint64(e.r.U32(TSS32Base+0x24)&(1<<14)), 0)
				e.eq("old TSS type", uint64(e.r.RAM[GDTBase+TSS32Sel+5]&0xf), 0x9)
				e.eq("new TSS type", uint64(e.r.RAM[GDTBase+TSSAlt+5]&0xf), 0xb)
			})},
	})
}

// TestExceptionDelivery covers the IDT: gate types and privilege checks,
// stack switches through the TSS and the IST, 16-byte alignment in long
// mode, error codes with the EXT and IDT bits, and exceptions raised while
// delivering others up to the triple fault.
func TestExceptionDelivery(t *testing.T) {
	idt64 := func(vec int, off uint64, typ, dpl, ist uint8, present bool) func(w *World) {
		return func(w *World) {
			lo, hi := Gate64(KCode64, off, typ, dpl, ist)
			if !present {
				lo &^= uint64(AccP) << 40
			}
			w.SetIDT64(vec, lo, hi)
		}
	}
	both := func(fs ...func(w *World)) func(w *World) {
		return func(w *World) {
			for _, f := range fs {
				f(w)
			}
		}
	}
	// A handler at CodeBase+0x100 that records RFLAGS, then stops.
	const flagsHandler = `
.org 0x100
	pushfq
	pop %rbx
	mov %rsp, %rcx
	cli
	hlt
`
	runCases(t, []Case{
		{Name: "user64-fault-switches-to-rsp0", Start: User64, Stop: AtVector(vecUD), Code: "mov $0x77, %rax\n ud2\n"},
		// The handler's code segment is loaded by delivery: its
		// descriptor's accessed bit is set, in the GDT and the cache.
		{Name: "delivery-sets-accessed-bit", Start: User64, Stop: AtVector(vecUD),
			Setup: func(w *World) {
				w.SetGDT(FreeSel, Desc(0, 0xfffff, AccCode, FlagG|FlagL))
				lo, hi := Gate64(FreeSel, Stub(vecUD), 0xe, 3, 0)
				w.SetIDT64(vecUD, lo, hi)
			}, Code: "ud2\n",
			Want: want(func(e *expect) {
				e.eq("cs.type", uint64(e.r.State.CS.Type), 0xb)
				e.eq("descriptor accessed", uint64(e.r.RAM[GDTBase+FreeSel+5]&1), 1)
			})},
		{Name: "user64-rsp0-aligned-down", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: func(w *World) { w.Put64(TSS64Base+4, KernStack-0x28) }, Code: "hlt\n"},
		{Name: "cpl0-same-level-aligns-rsp", Start: Long64, Stop: AtVector(vecUD),
			Setup: func(w *World) { w.State.GPR[accel.RSP] = KernStack - 0x107 }, Code: "ud2\n"},
		{Name: "ist1-from-user", Start: User64, Stop: AtVector(vecUD),
			Setup: idt64(vecUD, Stub(vecUD), 0xe, 3, 1, true), Code: "ud2\n"},
		{Name: "ist1-same-level", Start: Long64, Stop: AtVector(vecUD),
			Setup: idt64(vecUD, Stub(vecUD), 0xe, 3, 1, true), Code: "ud2\n"},
		{Name: "ist-slot-zero-page-faults", Start: User64, Stop: AtVector(vecPF), NoKVM: quirkDelivery,
			Setup: idt64(vecUD, Stub(vecUD), 0xe, 3, 5, true), Code: "ud2\n",
			// IST5 holds 0: the first push goes to -8, unmapped; #UD is
			// benign, so the #PF is delivered on its own (RSP0).
			Want: want(func(e *expect) {
				e.eq("cr2", e.r.State.CR2, 0xfffffffffffffff8)
				e.stack64(2)
			})},
		{Name: "interrupt-gate-clears-if", Start: User64, Stop: AtHalt(),
			Setup: idt64(vecUD, CodeBase+0x100, 0xe, 3, 0, true), Code: "ud2\n" + flagsHandler},
		{Name: "trap-gate-keeps-if", Start: User64, Stop: AtHalt(),
			Setup: idt64(vecUD, CodeBase+0x100, 0xf, 3, 0, true), Code: "ud2\n" + flagsHandler},
		{Name: "fault-pushes-rf", Start: User64, Stop: AtHalt(),
			Setup: idt64(vecGP, CodeBase+0x100, 0xe, 3, 0, true), Code: "hlt\n" + flagsHandler,
			Want: func(r *Result) error {
				if fl := r.U64(r.State.GPR[accel.RCX] + 24); fl&(1<<16) == 0 {
					return fmt.Errorf("pushed RFLAGS %#x without RF", fl)
				}
				return nil
			}},
		{Name: "int3-gate-dpl0-from-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(vecBP*8 + 2), NoKVM: quirkInt3Gate,
			Setup: idt64(vecBP, Stub(vecBP), 0xe, 0, 0, true), Code: "int3\n"},
		{Name: "int3-gate-not-present", Start: User64, Stop: AtVector(vecNP), Want: frameCode(vecBP*8 + 2), NoKVM: quirkInt3Gate,
			Setup: idt64(vecBP, Stub(vecBP), 0xe, 3, 0, false), Code: "int3\n"},
		{Name: "int3-gate-wrong-type", Start: User64, Stop: AtVector(vecGP), Want: frameCode(vecBP*8 + 2), NoKVM: quirkInt3Gate,
			Setup: idt64(vecBP, Stub(vecBP), 0xc, 3, 0, true), Code: "int3\n"},
		{Name: "int3-pushes-next-rip", Start: User64, Stop: AtVector(vecBP), Code: "nop\n int3\n"},
		{Name: "int1-icebp", Start: User64, Stop: AtVector(vecDB), Code: ".byte 0xf1\n"},
		{Name: "exception-gate-dpl0-ignored-for-faults", Start: User64, Stop: AtVector(vecUD),
			Setup: idt64(vecUD, Stub(vecUD), 0xe, 0, 0, true), Code: "ud2\n"},
		{Name: "gate-to-user-code-from-cpl0", Start: Long64, Stop: AtVector(vecGP), Want: frameCode(UCode64&^3 + 1), NoKVM: quirkDelivery,
			Setup: func(w *World) {
				lo, hi := Gate64(UCode64, Stub(vecUD), 0xe, 3, 0)
				w.SetIDT64(vecUD, lo, hi)
			}, Code: "ud2\n"},
		{Name: "idt-limit-exceeded-ext", Start: User64, Stop: AtVector(vecGP), Want: frameCode(vecAC*8 + 3), NoKVM: quirkDelivery,
			Setup: func(w *World) {
				w.State.IDT.Limit = 16*16 - 1
				w.State.CR0 |= CR0AM
				w.State.RFLAGS |= FlagsAC
			}, Code: "mov $DATA+1, %rax\n mov (%rax), %ecx\n ud2\n"},
		{Name: "double-fault-np-during-gp", Start: User64, Stop: AtVector(vecDF), Want: frameCode(0),
			Setup: idt64(vecGP, Stub(vecGP), 0xe, 3, 0, false), Code: "hlt\n"},
		{Name: "double-fault-pf-on-kernel-stack", Start: User64, Stop: AtVector(vecDF), NoKVM: quirkDelivery,
			Want: want(func(e *expect) {
				e.stack64(0)
				e.eq("cr2", e.r.State.CR2, 0x800000-8)
			}),
			Setup: both(idt64(vecDF, Stub(vecDF), 0xe, 3, 2, true), func(w *World) {
				w.Put64(TSS64Base+4, 0x800000)
			}), Code: "ud2\n"},
		{Name: "pf-during-gp-delivery-is-df-with-cr2", Start: User64, Stop: AtVector(vecDF), NoKVM: quirkDelivery,
			Want: want(func(e *expect) {
				e.stack64(0)
				e.eq("cr2", e.r.State.CR2, 0x600008)
			}),
			Setup: both(idt64(vecDF, Stub(vecDF), 0xe, 3, 2, true), func(w *World) {
				w.Put64(TSS64Base+4, 0x600010)
			}), Code: "hlt\n"},
		{Name: "benign-then-contributory-is-not-df", Start: User64, Stop: AtVector(vecNP), Want: frameCode(vecUD*8 + 3), NoKVM: quirkDelivery,
			Setup: idt64(vecUD, Stub(vecUD), 0xe, 3, 0, false), Code: "ud2\n"},
		{Name: "triple-fault", Start: User64, Stop: AtShutdown(),
			Setup: both(idt64(vecGP, Stub(vecGP), 0xe, 3, 0, false), idt64(vecDF, Stub(vecDF), 0xe, 3, 0, false)),
			Code:  "hlt\n"},
		{Name: "32-fault-from-cpl3-switches-stack", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: "mov $0x77, %eax\n hlt\n"},
		{Name: "32-same-level-no-stack-switch", Start: Prot32, Stop: AtVector(vecUD), Code: "ud2\n"},
		{Name: "32-double-fault-task-gate", Start: Prot32User, Stop: AtVector(vecDF), NoKVM: quirkTaskSwitch,
			Want: want(func(e *expect) {
				s := &e.r.State
				e.eq("tr", uint64(s.TR.Selector), TSSDFSel)
				e.reg(accel.RSP, DFStack-4)
				e.reg(accel.RSI, 0)
				e.stack32(0)
				e.eq("cr0.ts", s.CR0&CR0TS, CR0TS)
				e.eq("eflags.nt", s.RFLAGS&(1<<14), 1<<14)
				e.m32(TSSDFBase, TSS32Sel)
				e.m32(TSS32Base+0x40, 0x5555)
				e.m32(TSS32Base+0x20, uint32(e.r.Sym("h")))
				e.m32(TSS32Base+0x4c, UCode32)
				e.eq("old TSS type", uint64(e.r.RAM[GDTBase+TSS32Sel+5]&0xf), 0xb)
				e.eq("new TSS type", uint64(e.r.RAM[GDTBase+TSSDFSel+5]&0xf), 0xb)
			}),
			Setup: func(w *World) {
				w.SetIDT32(vecDF, Gate32(TSSDFSel, 0, 0x5, 0, 0))
				g := Gate32(KCode32, uint32(Stub(vecGP)), 0xe, 3, 0) &^ (uint64(AccP) << 40)
				w.SetIDT32(vecGP, g)
			}, Code: "mov $0x5555, %esi\nh: hlt\n"},
		{Name: "32-interrupt-to-16-bit-gate", Start: Prot32User, Stop: AtVector(vecUD), NoKVM: quirkDelivery,
			Want: want(func(e *expect) {
				e.reg(accel.RSP, KernStack-10)
				e.stack16(CodeBase, UCode32, 0x202, UserStack&0xffff, UData)
			}),
			Setup: func(w *World) { w.SetIDT32(vecUD, Gate32(KCode32, uint32(Stub(vecUD)), 0x6, 3, 0)) },
			Code:  "ud2\n"},
		{Name: "32-tss-ss0-not-writable", Start: Prot32User, Stop: AtVector(vecTS), Want: frameCode(KCode32 + 1), NoKVM: quirkDelivery,
			Setup: func(w *World) { w.Put16(TSS32Base+8, KCode32); tsTask(w) }, Code: "ud2\n"},
		{Name: "32-tss-too-small-for-esp0", Start: Prot32User, Stop: AtVector(vecTS), Want: frameCode(TSS32Sel + 1), NoKVM: quirkDelivery,
			Setup: func(w *World) { w.State.TR.Limit = 0x7; tsTask(w) }, Code: "ud2\n"},
		{Name: "alignment-check-at-cpl3", Start: User64, Stop: AtVector(vecAC), Want: frameCode(0),
			// Delivery through a 64-bit interrupt gate keeps EFLAGS.AC
			// (only real-mode delivery clears it); KVM here clears it.
			KVMFix: func(w *World, r *Result) { r.State.RFLAGS |= w.State.RFLAGS & FlagsAC }, KVMNote: quirkDelivery,
			Setup: func(w *World) {
				w.State.CR0 |= CR0AM
				w.State.RFLAGS |= FlagsAC
			}, Code: "mov $DATA+4, %rax\n mov (%rax), %rcx\n mov 2(%rax), %edx\n ud2\n"},
		{Name: "alignment-check-off-without-am", Start: User64, Stop: AtVector(vecUD), NoKVM: quirkAM,
			Setup: func(w *World) { w.State.RFLAGS |= FlagsAC }, Code: "mov $DATA+1, %rax\n mov (%rax), %rcx\n ud2\n"},
		{Name: "alignment-check-not-at-cpl0", Start: Long64, Stop: AtVector(vecUD), NoKVM: quirkDelivery,
			Want: want(func(e *expect) { e.eq("rflags.ac", e.r.State.RFLAGS&FlagsAC, FlagsAC) }),
			Setup: func(w *World) {
				w.State.CR0 |= CR0AM
				w.State.RFLAGS |= FlagsAC
			}, Code: "mov $DATA+1, %rax\n mov (%rax), %rcx\n ud2\n"},
	})
}
