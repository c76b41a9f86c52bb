//go:build linux && amd64

package hostcpu

import (
	"encoding/binary"
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

func enter(entry, ctx uintptr)

// context is shared with the generated prologue and epilogue.
type context struct {
	goSP, goBP uint64     // 0, 8
	regs       [16]uint64 // 16
	flags      uint64     // 144
}

// Machine owns the executable buffer, the scratch data and the stack.
type Machine struct {
	mu      sync.Mutex
	code    []byte // executable mapping
	data    []byte // scratch + stack
	ctx     *context
	ctxMem  []byte
	codeOff int // where test code starts (after the prologue)
}

// New maps the buffers.
func New() (*Machine, error) {
	code, err := unix.Mmap(-1, 0, CodeSize, unix.PROT_READ|unix.PROT_WRITE|unix.PROT_EXEC, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, fmt.Errorf("hostcpu: mapping code: %w", err)
	}
	data, err := unix.Mmap(-1, 0, ScratchSize+StackSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		unix.Munmap(code)
		return nil, fmt.Errorf("hostcpu: mapping data: %w", err)
	}
	ctxMem, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		unix.Munmap(code)
		unix.Munmap(data)
		return nil, fmt.Errorf("hostcpu: mapping context: %w", err)
	}
	// unsafe: ctxMem is a page from mmap, never moved by the GC, large
	// enough for context and alive as long as the Machine.
	m := &Machine{code: code, data: data, ctxMem: ctxMem, ctx: (*context)(unsafe.Pointer(&ctxMem[0]))}
	m.codeOff = len(m.prologue())
	copy(code, m.prologue())
	return m, nil
}

// Close unmaps the buffers.
func (m *Machine) Close() {
	unix.Munmap(m.code)
	unix.Munmap(m.data)
	unix.Munmap(m.ctxMem)
}

// CodeAddr is the host address where test code is placed.
func (m *Machine) CodeAddr() uint64 { return m.addr(m.code) + uint64(m.codeOff) }

// ScratchAddr is the host address of the scratch buffer.
func (m *Machine) ScratchAddr() uint64 { return m.addr(m.data) }

// StackTop is the initial stack pointer.
func (m *Machine) StackTop() uint64 { return m.addr(m.data) + ScratchSize + StackSize - 64 }

// StackBase is the lowest stack address.
func (m *Machine) StackBase() uint64 { return m.addr(m.data) + ScratchSize }

func (m *Machine) addr(b []byte) uint64 {
	// unsafe: the address of an mmap'ed buffer, used only as a number for
	// guest addressing and code generation.
	return uint64(uintptr(unsafe.Pointer(&b[0])))
}

// Data is the scratch buffer followed by the stack.
func (m *Machine) Data() []byte { return m.data }

// prologue: save Go's SP and BP in the context (DI), switch to the test
// stack, load flags and registers (DI last).
func (m *Machine) prologue() []byte {
	var p []byte
	p = append(p, 0x48, 0x89, 0x27)         // mov [rdi], rsp
	p = append(p, 0x48, 0x89, 0x6f, 0x08)   // mov [rdi+8], rbp
	p = append(p, 0x48, 0x8b, 0x67, 16+4*8) // mov rsp, [rdi+48]
	p = append(p, 0xff, 0xb7, 144, 0, 0, 0) // push qword [rdi+144]
	p = append(p, 0x9d)                     // popfq
	for r := 0; r < 16; r++ {
		if r == 4 || r == 7 {
			continue
		}
		rex := byte(0x48)
		if r >= 8 {
			rex |= 4
		}
		// mov r, [rdi+disp32]
		p = append(p, rex, 0x8b, 0x87|byte(r&7)<<3)
		p = binary.LittleEndian.AppendUint32(p, uint32(16+8*r))
	}
	p = append(p, 0x48, 0x8b, 0x7f, 16+7*8) // mov rdi, [rdi+72]
	return p
}

// epilogue stores registers and flags into the context at ctx and returns
// to Go.
func epilogue(ctx uint64) []byte {
	var p []byte
	p = append(p, 0x9c)       // pushfq
	p = append(p, 0x50)       // push rax
	p = append(p, 0x48, 0xb8) // mov rax, imm64
	p = binary.LittleEndian.AppendUint64(p, ctx)
	for r := 1; r < 16; r++ {
		if r == 4 {
			continue
		}
		rex := byte(0x48)
		if r >= 8 {
			rex |= 4
		}
		// mov [rax+disp32], r
		p = append(p, rex, 0x89, 0x80|byte(r&7)<<3)
		p = binary.LittleEndian.AppendUint32(p, uint32(16+8*r))
	}
	p = append(p, 0x59)                           // pop rcx (guest rax)
	p = append(p, 0x48, 0x89, 0x48, 16)           // mov [rax+16], rcx
	p = append(p, 0x59)                           // pop rcx (flags)
	p = append(p, 0x48, 0x89, 0x88, 144, 0, 0, 0) // mov [rax+144], rcx
	p = append(p, 0x48, 0x89, 0x60, 16+4*8)       // mov [rax+48], rsp
	p = append(p, 0xfc)                           // cld
	p = append(p, 0x48, 0x8b, 0x68, 0x08)         // mov rbp, [rax+8]
	p = append(p, 0x48, 0x8b, 0x20)               // mov rsp, [rax]
	p = append(p, 0xc3)                           // ret
	return p
}

// Run executes code natively with regs and stores the result back. The
// code runs at CodeAddr; the scratch data is whatever Data holds.
func (m *Machine) Run(code []byte, regs *Regs) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	ep := epilogue(m.addr(m.ctxMem))
	if m.codeOff+len(code)+len(ep) > CodeSize {
		return fmt.Errorf("hostcpu: code of %d bytes is too long", len(code))
	}
	copy(m.code[m.codeOff:], code)
	copy(m.code[m.codeOff+len(code):], ep)
	m.ctx.regs = regs.GPR
	m.ctx.flags = regs.RFLAGS
	enter(uintptr(m.addr(m.code)), uintptr(m.addr(m.ctxMem)))
	regs.GPR = m.ctx.regs
	regs.RFLAGS = m.ctx.flags
	return nil
}
