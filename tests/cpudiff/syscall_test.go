package cpudiff

import (
	"testing"

	"gemu/accel"
)

// MSR indexes the fast system-call cases program.
const (
	msrSTAR        = 0xc0000081
	msrLSTAR       = 0xc0000082
	msrCSTAR       = 0xc0000083
	msrFMASK       = 0xc0000084
	msrKGSBase     = 0xc0000102
	msrSysenterCS  = 0x174
	msrSysenterESP = 0x175
	msrSysenterEIP = 0x176
)

// fastCalls programs STAR/LSTAR/CSTAR/FMASK for SYSCALL and SYSRET (kernel
// CS KCode64, user base UCode32) and the SYSENTER MSRs (CS KCode64),
// with the kernel entries at CodeBase+0x100 (64-bit) and +0x180
// (compatibility and 32-bit).
func fastCalls(w *World) {
	s := &w.State
	s.SetMSR(msrSTAR, uint64(UCode32&^3)<<48|uint64(KCode64)<<32)
	s.SetMSR(msrLSTAR, CodeBase+0x100)
	s.SetMSR(msrCSTAR, CodeBase+0x180)
	s.SetMSR(msrFMASK, 0x47700)
	s.SetMSR(msrSysenterCS, KCode64)
	s.SetMSR(msrSysenterESP, KernStack-0x40)
	s.SetMSR(msrSysenterEIP, CodeBase+0x100)
}

// entries are the kernel entry points fastCalls names: they halt.
const entries = `
	.code64
	.org 0x100
	hlt
	.org 0x180
	hlt
`

// userStop is CPL3 code that ends the run where it is.
const userStop = `
user:	movb $0, STOP
1:	jmp 1b
`

// TestFastSystemCalls covers SYSCALL/SYSRET, SYSENTER/SYSEXIT and SWAPGS,
// their fixed segment attributes and their faults.
func TestFastSystemCalls(t *testing.T) {
	both := func(fs ...func(w *World)) func(w *World) {
		return func(w *World) {
			for _, f := range fs {
				f(w)
			}
		}
	}
	kernelCS := func(e *expect, sel uint16, long bool) {
		cs := e.r.State.CS
		e.eq("cs", uint64(cs.Selector), uint64(sel))
		e.eq("cs.dpl", uint64(cs.DPL), 0)
		l := uint64(0)
		if long {
			l = 1
		}
		e.eq("cs.l", uint64(b2u(cs.L)), l)
	}
	runCases(t, []Case{
		{Name: "syscall-64", Start: User64, Stop: AtHalt(), Setup: fastCalls, NoKVM: quirkSyscall, Code: `
	mov $0x1234, %rax
	stc
	syscall
after:	ud2
` + entries, Want: want(func(e *expect) {
			kernelCS(e, KCode64, true)
			e.reg(accel.RCX, e.r.Sym("after"))
			e.reg(accel.R11, 0x203)
			e.eq("ss", uint64(e.r.State.SS.Selector), KData)
			e.eq("rflags.if", e.r.State.RFLAGS&FlagsIF, 0)
			e.reg(accel.RSP, UserStack)
		})},
		{Name: "syscall-from-compat-uses-cstar", Start: Compat32User, Stop: AtHalt(), Setup: fastCalls, NoKVM: quirkSyscall, Code: `
	syscall
after:	ud2
` + entries, Want: want(func(e *expect) {
			kernelCS(e, KCode64, true)
			e.reg(accel.RCX, e.r.Sym("after"))
			e.eq("rip", e.r.State.RIP, CodeBase+0x181)
		})},
		{Name: "syscall-with-sce-off", Start: User64, Stop: AtVector(vecUD), NoKVM: quirkSyscall,
			Setup: both(fastCalls, func(w *World) { w.State.EFER &^= EFERSCE }), Code: "syscall\n"},
		{Name: "sysret-64", Start: Long64, Stop: AtStop(), Setup: fastCalls, Code: `
	lea user(%rip), %rcx
	mov $0xffffffff00e40ad7, %r11
	mov $USTACK-0x100, %rsp
	sysretq
` + userStop, Want: want(func(e *expect) {
			s := &e.r.State
			e.eq("cs", uint64(s.CS.Selector), UCode64)
			e.eq("ss", uint64(s.SS.Selector), UData)
			e.eq("rflags", s.RFLAGS, 0xe40ad7&0x3c7fd7|2)
			e.eq("cs.l", uint64(b2u(s.CS.L)), 1)
		})},
		{Name: "sysret-32-to-compat", Start: Long64, Stop: AtStop(), Setup: fastCalls, NoKVM: quirkSysret, Code: `
	mov $user, %ecx
	mov $0x202, %r11
	mov $USTACK-0x100, %rsp
	sysretl
	.code32
` + userStop, Want: want(func(e *expect) {
			s := &e.r.State
			e.eq("cs", uint64(s.CS.Selector), UCode32)
			e.eq("cs.l", uint64(b2u(s.CS.L)), 0)
			e.eq("cs.db", uint64(b2u(s.CS.DB)), 1)
		})},
		{Name: "sysret-non-canonical-rcx", Start: Long64, Stop: AtVector(vecGP), NoKVM: quirkSysret,
			// Intel raises the #GP at CPL0, on the kernel's stack.
			Want: want(func(e *expect) {
				e.stack64(0, e.r.Sym("sr"), KCode64)
				e.eq("ss", uint64(e.r.State.SS.Selector), KData)
				e.reg(accel.RSP, KernStack-48)
			}),
			Setup: fastCalls, Code: `
	mov $0x0000800000000000, %rcx
	mov $0x202, %r11
sr:	sysretq
`},
		{Name: "sysret-at-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: fastCalls, Code: "lea 1f(%rip), %rcx\n sysretq\n1: ud2\n"},
		{Name: "sysenter-32", Start: Prot32User, Stop: AtHalt(), Setup: fastCalls, Code: `
	mov $0x99, %ebx
	sysenter
` + entries, Want: want(func(e *expect) {
			s := &e.r.State
			kernelCS(e, KCode64, false)
			e.eq("cs.db", uint64(b2u(s.CS.DB)), 1)
			e.eq("ss", uint64(s.SS.Selector), KData)
			e.reg(accel.RSP, KernStack-0x40)
			e.eq("rflags.if", s.RFLAGS&FlagsIF, 0)
		})},
		{Name: "sysenter-from-compat", Start: Compat32User, Stop: AtHalt(), Setup: fastCalls,
			Code: "sysenter\n" + entries, Want: want(func(e *expect) { kernelCS(e, KCode64, true) })},
		{Name: "sysenter-from-64", Start: User64, Stop: AtHalt(), Setup: fastCalls, NoKVM: quirkSysenter64,
			Code: "sysenter\n" + entries, Want: want(func(e *expect) { kernelCS(e, KCode64, true) })},
		{Name: "sysenter-null-cs", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: both(fastCalls, func(w *World) { w.State.SetMSR(msrSysenterCS, 0) }), Code: "sysenter\n"},
		{Name: "sysexit-32", Start: Prot32, Stop: AtStop(), Setup: fastCalls, Code: `
	mov $USTACK-0x20, %ecx
	mov $user, %edx
	sysexit
` + userStop, Want: want(func(e *expect) {
			s := &e.r.State
			e.eq("cs", uint64(s.CS.Selector), (KCode64+16)|3)
			e.eq("ss", uint64(s.SS.Selector), (KCode64+24)|3)
			e.reg(accel.RSP, UserStack-0x20)
		})},
		{Name: "sysexit-64", Start: Long64, Stop: AtStop(), Setup: fastCalls, Code: `
	mov $USTACK-0x20, %rcx
	lea user(%rip), %rdx
	sysexitq
` + userStop, Want: want(func(e *expect) {
			s := &e.r.State
			e.eq("cs", uint64(s.CS.Selector), (KCode64+32)|3)
			e.eq("ss", uint64(s.SS.Selector), (KCode64+40)|3)
		})},
		{Name: "sysexit-at-cpl3", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: fastCalls, Code: "sysexit\n"},
		{Name: "swapgs", Start: Long64, Stop: AtHalt(), Setup: func(w *World) {
			w.State.GS.Base = 0x1111000
			w.State.SetMSR(msrKGSBase, 0x2222000)
		}, Code: "swapgs\n mov $MSR_KGSBASE, %ecx\n rdmsr\n hlt\n",
			Want: want(func(e *expect) {
				e.eq("gs.base", e.r.State.GS.Base, 0x2222000)
				e.reg(accel.RAX, 0x1111000)
			})},
		{Name: "swapgs-at-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0), Code: "swapgs\n"},
		{Name: "swapgs-in-compat", Start: Compat32User, Stop: AtVector(vecUD), NoKVM: quirkSwapgsCompat, Code: ".byte 0x0f, 0x01, 0xf8\n"},
	})
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
