// Package hostcpu runs short machine-code sequences natively on the host
// processor, for the interpreter's differential tests: registers and flags
// are loaded from a Regs, the code runs on its own stack with a scratch
// buffer, and registers and flags are stored back.
//
// Sequences run in batches: BatchCode joins up to MaxBatch sequences, each
// between a glue that loads its registers from its context in the data
// area and a glue that stores them back, into one image that RunBatch runs
// with a single call. The same image (with HLT where the host returns to
// Go) runs unchanged in an interpreter that maps the code and data areas
// at the same addresses, so one batch costs one native call and one
// interpreter run.
//
// Only code that is safe at CPL3 and touches nothing but its scratch
// buffer and the stack may be run: a fault in it crashes the test process.
package hostcpu

import (
	"encoding/binary"
	"errors"
)

// Regs are the general-purpose registers in encoding order and RFLAGS, as
// a context in the data area holds them (17 little-endian words).
type Regs struct {
	GPR    [16]uint64
	RFLAGS uint64
}

// Sizes of the executable and data areas. The data area holds MaxBatch
// scratch buffers, the stack, then the register contexts.
const (
	CodeSize    = 256 << 10
	ScratchSize = 16 << 10
	StackSize   = 16 << 10
	MaxBatch    = 64

	regsSize  = 17 * 8
	ctxStride = 160
	ctxArea   = 12 << 10 // MaxBatch+1 contexts
	stackOff  = MaxBatch * ScratchSize
	ctxOff    = stackOff + StackSize
	// DataSize is the length of Data.
	DataSize = ctxOff + ctxArea
	// goCtx is the context (after the sequences') where the entry saves
	// Go's stack and frame pointers.
	goCtx = MaxBatch
)

// ErrUnsupported is returned on hosts that are not amd64 Linux.
var ErrUnsupported = errors.New("hostcpu: native execution needs linux/amd64")

// ContextOffset is the offset in the data area of sequence i's Regs.
func ContextOffset(i int) int { return ctxOff + i*ctxStride }

// ScratchOffset is the offset in the data area of sequence i's scratch.
func ScratchOffset(i int) int { return i * ScratchSize }

// PutRegs stores r in the context layout at b.
func PutRegs(b []byte, r *Regs) {
	for i, v := range r.GPR {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	binary.LittleEndian.PutUint64(b[128:], r.RFLAGS)
}

// GetRegs reads a context from b.
func GetRegs(b []byte) Regs {
	var r Regs
	for i := range r.GPR {
		r.GPR[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	r.RFLAGS = binary.LittleEndian.Uint64(b[128:])
	return r
}

// Image is a batch of sequences ready to run: Code is placed at the code
// address; natively it runs from offset 0 and returns to Go, and an
// interpreter runs it from Start to the CLI; HLT it finds at Halt after
// the last sequence (the host's copy has the return to Go there).
type Image struct {
	Code        []byte
	Start, Halt int
	Seq         []int // offset of each sequence's own code
}

// buildImage assembles seqs for a data area at dataAddr.
func buildImage(seqs [][]byte, dataAddr uint64) *Image {
	im := &Image{}
	var p []byte
	goAddr := dataAddr + uint64(ContextOffset(goCtx))
	// Entry (DI = Go context): save Go's SP and BP.
	p = append(p, 0x48, 0x89, 0x27)       // mov [rdi], rsp
	p = append(p, 0x48, 0x89, 0x6f, 0x08) // mov [rdi+8], rbp
	im.Start = len(p)
	for i, s := range seqs {
		ctx := dataAddr + uint64(ContextOffset(i))
		// Load: RSP first, then RFLAGS through the new stack, then the
		// other registers, RAX last.
		p = append(p, 0x48, 0xb8) // mov rax, imm64
		p = binary.LittleEndian.AppendUint64(p, ctx)
		p = append(p, 0x48, 0x8b, 0x60, 4*8)    // mov rsp, [rax+32]
		p = append(p, 0xff, 0xb0, 128, 0, 0, 0) // push qword [rax+128]
		p = append(p, 0x9d)                     // popfq
		for r := 1; r < 16; r++ {
			if r == 4 {
				continue
			}
			p = append(p, 0x48|byte(r>>3)<<2, 0x8b, 0x80|byte(r&7)<<3) // mov r, [rax+disp32]
			p = binary.LittleEndian.AppendUint32(p, uint32(8*r))
		}
		p = append(p, 0x48, 0x8b, 0x00) // mov rax, [rax]
		im.Seq = append(im.Seq, len(p))
		p = append(p, s...)
		// Store: flags and RAX through the stack, then the rest.
		p = append(p, 0x9c, 0x50, 0x48, 0xb8) // pushfq; push rax; mov rax, imm64
		p = binary.LittleEndian.AppendUint64(p, ctx)
		for r := 1; r < 16; r++ {
			if r == 4 {
				continue
			}
			p = append(p, 0x48|byte(r>>3)<<2, 0x89, 0x80|byte(r&7)<<3) // mov [rax+disp32], r
			p = binary.LittleEndian.AppendUint32(p, uint32(8*r))
		}
		p = append(p, 0x59, 0x48, 0x89, 0x08)               // pop rcx; mov [rax], rcx
		p = append(p, 0x59, 0x48, 0x89, 0x88, 128, 0, 0, 0) // pop rcx; mov [rax+128], rcx
		p = append(p, 0x48, 0x89, 0x60, 4*8)                // mov [rax+32], rsp
	}
	im.Halt = len(p)
	p = append(p, 0x48, 0xb8) // mov rax, imm64
	p = binary.LittleEndian.AppendUint64(p, goAddr)
	p = append(p, 0xfc)                   // cld
	p = append(p, 0x48, 0x8b, 0x68, 0x08) // mov rbp, [rax+8]
	p = append(p, 0x48, 0x8b, 0x20)       // mov rsp, [rax]
	p = append(p, 0xc3)                   // ret
	im.Code = p
	return im
}

// InterpCode returns the image as an interpreter runs it: CLI and HLT
// where the host returns to Go (the sequences run with IF set, as they do
// natively, and HLT must end the run rather than wait for an interrupt).
// The interpreter stops at Halt+2.
func (im *Image) InterpCode() []byte {
	c := append([]byte(nil), im.Code[:im.Halt]...)
	return append(c, 0xfa, 0xf4)
}
