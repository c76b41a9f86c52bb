// Package ssehw runs single SSE and MMX instructions on the host CPU, for
// differential tests of the simd package. It is test support: nothing in
// the emulator uses it.
//
// Each generated function loads MXCSR, XMM0 (Dst), XMM1 (Src), RAX, RCX and
// RDX from a Frame (MMX forms also MM0 and MM1 from the low halves of Dst
// and Src; the BLENDV forms use XMM2 as the destination and Mask as the
// implicit XMM0), runs one instruction with register operands, and stores
// the results back. An unmasked SIMD exception faults on the host: Go turns
// it to a SIGFPE, which Run catches with a handler of its own.
package ssehw

//go:generate python3 gen.py

// Frame is the state an instruction runs over; the assembly addresses the
// fields by fixed offsets.
type Frame struct {
	Dst      [16]byte // XMM0 (MM0) in; the destination
	Src      [16]byte // XMM1 (MM1)
	MXCSR    uint32   // loaded before the instruction
	MXCSROut uint32   // after it
	_        uint32
	saved    uint32   // the caller's MXCSR
	Out      [16]byte // XMM0 (or MM0 in the low half) after the instruction
	Flags    uint64   // RFLAGS after it
	RAX      uint64   // in and out
	RCX      uint64
	RDX      uint64
	Mask     [16]byte // XMM0 for the BLENDV forms
	OutMM    uint64   // MM0 after the SSE/MMX conversions
}

// Op is one instruction form: a mnemonic and an immediate (-1: none).
type Op struct {
	Name string
	Imm  int
	Fn   func(*Frame)
}
