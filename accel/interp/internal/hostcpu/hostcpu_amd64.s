#include "textflag.h"

// func enter(entry, ctx uintptr)
// Calls the generated prologue at entry with the context pointer in DI.
// The generated code restores SP and BP before returning here.
TEXT ·enter(SB), NOSPLIT, $0-16
	MOVQ entry+0(FP), AX
	MOVQ ctx+8(FP), DI
	CALL AX
	RET
