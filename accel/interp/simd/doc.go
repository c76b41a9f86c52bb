// Package simd implements the SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2
// operations and the MMX integer operations of x86-64, over 128-bit (Vec)
// and 64-bit (uint64) values, bit for bit as Intel processors compute them,
// MXCSR exception flags, DAZ and FTZ included.
//
// # Calling convention
//
// Every instruction is a function over pointers to its operands, named after
// the mnemonic (AddPS, PshufB, Pcmpistri, ...):
//
//	fault := simd.AddPS(&xmm[dst], &xmm[src], &mxcsr) // ADDPS xmm1, xmm2/m128
//	simd.PaddB(&xmm[dst], &xmm[src])                  // PADDB xmm1, xmm2/m128
//	mm[dst] = simd.PaddBMMX(mm[dst], mm[src])         // PADDB mm1, mm2/m64
//
// dst is the first (destination) operand and src the second, as in Intel's
// two-operand syntax; a memory operand is loaded into a Vec first (scalar
// forms read only the low 4 or 8 bytes of src). Immediates are passed as
// uint8. Functions never allocate and never call through interfaces.
//
// # Floating point and MXCSR
//
// Floating-point functions take the MXCSR by pointer: they read its rounding
// control, DAZ, FTZ and exception masks, and OR in the exception flags
// raised. They return fault == true when an unmasked exception occurred: the
// destination is then left unchanged, MXCSR holds the flags the processor
// reports in that case, and the caller raises #XM (or #UD when
// CR4.OSXMMEXCPT is clear). With all exceptions masked (the reset value
// 0x1f80) they never fault. NaN results follow Intel's rules: the first
// source operand's NaN if it is one, else the second's, quieted; invalid
// operations produce the default QNaN (sign set, top fraction bit set);
// conversions to integers produce the integer indefinite (only the sign bit
// set).
//
// RCPPS, RCPSS, RSQRTPS and RSQRTSS are approximations whose exact results
// are implementation specific; this package reproduces those of the Intel
// cores the differential tests were run on (see rcp.go).
//
// # Vec
//
// Vec is the 16 bytes of an XMM register in memory order (little-endian
// lanes), the same type as accel.FPU's XMM entries, so a register file
// stored as [16][16]byte converts without copying: (*simd.Vec)(&fpu.XMM[i]).
package simd
