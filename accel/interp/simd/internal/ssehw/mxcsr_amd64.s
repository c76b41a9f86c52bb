#include "textflag.h"

// func readMXCSR(p *uint32)
TEXT ·readMXCSR(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), DI
	BYTE $0x0f; BYTE $0xae; BYTE $0x1f // stmxcsr [rdi]
	RET

// func writeMXCSR(p *uint32)
TEXT ·writeMXCSR(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), DI
	BYTE $0x0f; BYTE $0xae; BYTE $0x17 // ldmxcsr [rdi]
	RET

// fpeHandler is a SIGFPE handler with the C calling convention (signal
// number in DI, siginfo in SI, ucontext in DX). It records the MXCSR the
// fault left, resets the interrupted context's MXCSR to the default, and
// resumes at landing, which returns from the instruction's trampoline (the
// trampolines have no frame, so the return address is on top of the stack).
// Offsets: uc_mcontext is at 40 in ucontext; rip at 128 and the fpstate
// pointer at 184 in sigcontext; MXCSR at 24 in the FXSAVE image.
TEXT ·fpeHandler(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ 224(DX), CX
	MOVL 24(CX), AX
	MOVL AX, ·faultMXCSR(SB)
	MOVL $0x1f80, 24(CX)
	MOVQ $·landing(SB), AX
	MOVQ AX, 168(DX)
	MOVL $1, ·faulted(SB)
	RET

// landing is where a faulting trampoline resumes.
TEXT ·landing(SB), NOSPLIT|NOFRAME, $0-0
	RET

// sigreturn is the handler's restorer.
TEXT ·sigreturn(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ $15, AX // rt_sigreturn
	SYSCALL
	INT $3

// func handlerAddrs() (handler, restorer uintptr)
TEXT ·handlerAddrs(SB), NOSPLIT, $0-16
	MOVQ $·fpeHandler(SB), AX
	MOVQ AX, handler+0(FP)
	MOVQ $·sigreturn(SB), AX
	MOVQ AX, restorer+8(FP)
	RET
