#include "textflag.h"

// func RcpPSBatch(in, out []uint32)
// RCPPS over len(in) singles (a multiple of 4).
TEXT ·RcpPSBatch(SB), NOSPLIT, $0-48
	MOVQ in_base+0(FP), SI
	MOVQ in_len+8(FP), CX
	MOVQ out_base+24(FP), DI
	SHRQ $2, CX
	JZ   done
loop:
	MOVUPS (SI), X0
	RCPPS  X0, X1
	MOVUPS X1, (DI)
	ADDQ   $16, SI
	ADDQ   $16, DI
	DECQ   CX
	JNZ    loop
done:
	RET

// func RsqrtPSBatch(in, out []uint32)
TEXT ·RsqrtPSBatch(SB), NOSPLIT, $0-48
	MOVQ in_base+0(FP), SI
	MOVQ in_len+8(FP), CX
	MOVQ out_base+24(FP), DI
	SHRQ $2, CX
	JZ   done
loop:
	MOVUPS  (SI), X0
	RSQRTPS X0, X1
	MOVUPS  X1, (DI)
	ADDQ    $16, SI
	ADDQ    $16, DI
	DECQ    CX
	JNZ     loop
done:
	RET
