//go:build linux && amd64

package hostcpu

import (
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

func enter(entry, ctx uintptr)

// Machine owns the executable buffer and the data area (scratch buffers,
// stack, register contexts).
type Machine struct {
	mu   sync.Mutex
	code []byte // executable mapping
	data []byte
}

// New maps the buffers.
func New() (*Machine, error) {
	code, err := unix.Mmap(-1, 0, CodeSize, unix.PROT_READ|unix.PROT_WRITE|unix.PROT_EXEC, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, fmt.Errorf("hostcpu: mapping code: %w", err)
	}
	data, err := unix.Mmap(-1, 0, DataSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		unix.Munmap(code)
		return nil, fmt.Errorf("hostcpu: mapping data: %w", err)
	}
	return &Machine{code: code, data: data}, nil
}

// Close unmaps the buffers.
func (m *Machine) Close() {
	unix.Munmap(m.code)
	unix.Munmap(m.data)
}

// CodeAddr is the host address where images are placed.
func (m *Machine) CodeAddr() uint64 { return addr(m.code) }

// DataAddr is the host address of the data area.
func (m *Machine) DataAddr() uint64 { return addr(m.data) }

// ScratchAddr is the host address of sequence i's scratch buffer.
func (m *Machine) ScratchAddr(i int) uint64 { return addr(m.data) + uint64(ScratchOffset(i)) }

// StackTop is the initial stack pointer.
func (m *Machine) StackTop() uint64 { return addr(m.data) + stackOff + StackSize - 64 }

// Data is the data area: scratch buffers, stack, register contexts.
func (m *Machine) Data() []byte { return m.data }

func addr(b []byte) uint64 {
	// unsafe: the address of an mmap'ed buffer, used only as a number for
	// guest addressing and code generation.
	return uint64(uintptr(unsafe.Pointer(&b[0])))
}

// Build assembles up to MaxBatch sequences into an image for this
// machine's addresses.
func (m *Machine) Build(seqs [][]byte) (*Image, error) {
	if len(seqs) > MaxBatch {
		return nil, fmt.Errorf("hostcpu: %d sequences in a batch, at most %d", len(seqs), MaxBatch)
	}
	im := buildImage(seqs, m.DataAddr())
	if len(im.Code) > CodeSize {
		return nil, fmt.Errorf("hostcpu: image of %d bytes is too long", len(im.Code))
	}
	return im, nil
}

// RunImage runs an image natively: each sequence starts from the
// registers in its context and leaves its final registers there.
func (m *Machine) RunImage(im *Image) {
	m.mu.Lock()
	defer m.mu.Unlock()
	copy(m.code, im.Code)
	enter(uintptr(addr(m.code)), uintptr(m.DataAddr()+uint64(ContextOffset(goCtx))))
}

// Run executes one sequence natively with regs (in the context of
// sequence 0) and stores the result back.
func (m *Machine) Run(code []byte, regs *Regs) error {
	im, err := m.Build([][]byte{code})
	if err != nil {
		return err
	}
	PutRegs(m.data[ContextOffset(0):], regs)
	m.RunImage(im)
	*regs = GetRegs(m.data[ContextOffset(0):])
	return nil
}
