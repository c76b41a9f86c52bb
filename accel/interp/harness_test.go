package interp

import (
	"encoding/binary"
	"sync"
	"testing"

	"gemu/accel"
	"gemu/hw/mem"
)

// testIO records port and MMIO traffic.
type testIO struct {
	onWrite func(port uint16) // called after each port write, without mu
	mu      sync.Mutex
	out     []portWrite
	in      map[uint16]uint32
	mmio    map[uint64]uint64
	mmioW   []portWrite
}

type portWrite struct {
	port uint64
	size int
	val  uint64
}

func (t *testIO) PortRead(port uint16, size int) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.in[port]
}

func (t *testIO) PortWrite(port uint16, size int, val uint32) {
	t.mu.Lock()
	t.out = append(t.out, portWrite{uint64(port), size, uint64(val)})
	t.mu.Unlock()
	if t.onWrite != nil {
		t.onWrite(port)
	}
}

func (t *testIO) MMIORead(addr uint64, size int) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.mmio[addr]; ok {
		return v
	}
	return ^uint64(0) & sizeMask(uint8(size))
}

func (t *testIO) MMIOWrite(addr uint64, size int, val uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.mmioW = append(t.mmioW, portWrite{addr, size, val})
}

// Test machine layout (guest-physical):
//
//	0x1000  GDT
//	0x2000  IDT (64-bit gates)
//	0x3000  TSS
//	0x10000 page tables: PML4 at 0x10000, PDPT at 0x11000, PD at 0x12000
//	0x100000 code
//	0x200000 data
//	0x300000 stack top (grows down)
const (
	tGDT   = 0x1000
	tIDT   = 0x2000
	tTSS   = 0x3000
	tPML4  = 0x10000
	tCode  = 0x100000
	tData  = 0x200000
	tStack = 0x300000
)

type tmachine struct {
	t   testing.TB
	ram *mem.Guest
	io  *testIO
	vm  *VM
	cpu *VCPU
}

func newTMachine(t testing.TB, size int, model string) *tmachine {
	ram := mem.NewForTest(size)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: model}, IRQChip: accel.IRQChipUser})
	if err != nil {
		t.Fatal(err)
	}
	v, err := vm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	return &tmachine{t: t, ram: ram, io: io, vm: vm, cpu: v.(*VCPU)}
}

func (m *tmachine) poke(a uint64, b []byte) {
	if _, err := m.ram.WriteAt(b, int64(a)); err != nil {
		m.t.Fatal(err)
	}
}

func (m *tmachine) put64(a, v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	m.poke(a, b[:])
}

func (m *tmachine) get64(a uint64) uint64 {
	var b [8]byte
	m.ram.ReadAt(b[:], int64(a))
	return binary.LittleEndian.Uint64(b[:])
}

// GDT selectors of the test layout.
const (
	selCode64 = 0x08
	selData   = 0x10
	selCode32 = 0x18
	selUCode  = 0x20 | 3 // 64-bit user code
	selUData  = 0x28 | 3
	selTSS    = 0x30
	selCode16 = 0x40
	selData16 = 0x48
)

// setup64 builds identity-mapped 4-level paging for the first 1 GiB (2 MiB
// pages, user-accessible), a GDT, a TSS and a 64-bit CPL0 state.
func (m *tmachine) setup64() accel.CPUState {
	// GDT
	gdt := []uint64{
		0,
		0x00af9b000000ffff, // 0x08 64-bit code DPL0
		0x00cf93000000ffff, // 0x10 data DPL0
		0x00cf9b000000ffff, // 0x18 32-bit code DPL0
		0x00affb000000ffff, // 0x20 64-bit code DPL3
		0x00cff3000000ffff, // 0x28 data DPL3
		0, 0,               // 0x30 TSS (16 bytes)
		0x00009b000000ffff, // 0x40 16-bit code
		0x000093000000ffff, // 0x48 16-bit data
	}
	tss := uint64(tTSS)
	gdt[6] = 0x0000890000000067 | (tss&0xffffff)<<16 | (tss>>24)<<56
	gdt[7] = tss >> 32
	for i, d := range gdt {
		m.put64(tGDT+uint64(i)*8, d)
	}
	// TSS: RSP0 and IST1.
	m.put64(tTSS+4, tStack)
	m.put64(tTSS+0x24, tStack-0x8000)
	// Paging.
	m.put64(tPML4, (tPML4+0x1000)|7)
	m.put64(tPML4+0x1000, (tPML4+0x2000)|7)
	for i := uint64(0); i < 512; i++ {
		m.put64(tPML4+0x2000+i*8, i<<21|0x87)
	}
	s := accel.ResetState(0)
	seg := func(sel uint16, typ uint8, l, db bool, dpl uint8) accel.Segment {
		return accel.Segment{Selector: sel, Limit: 0xffffffff, Type: typ, S: true, DPL: dpl, Present: true, L: l, DB: db, G: true}
	}
	s.CS = seg(selCode64, 0xb, true, false, 0)
	s.DS = seg(selData, 3, false, true, 0)
	s.ES, s.SS, s.FS, s.GS = s.DS, s.DS, s.DS, s.DS
	s.TR = accel.Segment{Selector: selTSS, Base: tTSS, Limit: 0x67, Type: 0xb, Present: true}
	s.LDT = accel.Segment{Unusable: true}
	s.GDT = accel.DTable{Base: tGDT, Limit: uint16(len(gdt)*8 - 1)}
	s.IDT = accel.DTable{Base: tIDT, Limit: 0xfff}
	s.CR0 = cr0PE | cr0PG | cr0ET | cr0NE | cr0WP | cr0MP
	s.CR3 = tPML4
	s.CR4 = cr4PAE | cr4PGE | cr4OSFXSR | cr4OSXMMEXCPT
	s.EFER = eferLME | eferLMA | eferSCE | eferNXE
	s.RIP = tCode
	s.RFLAGS = 2
	s.GPR[accel.RSP] = tStack
	return s
}

// run64 runs code at tCode in 64-bit mode until HLT and returns the state.
func (m *tmachine) run64(code []byte, init func(s *accel.CPUState)) accel.CPUState {
	m.t.Helper()
	s := m.setup64()
	if init != nil {
		init(&s)
	}
	m.poke(tCode, code)
	if err := m.cpu.SetState(s); err != nil {
		m.t.Fatal(err)
	}
	return m.runToHalt()
}

func (m *tmachine) runToHalt() accel.CPUState {
	m.t.Helper()
	exit, err := m.cpu.Run()
	if err != nil {
		m.t.Fatal(err)
	}
	if exit.Reason != accel.ExitHalt {
		st, _ := m.cpu.State()
		m.t.Fatalf("exit %v, want halt\n%s", exit.Reason, st.Dump())
	}
	st, _ := m.cpu.State()
	return st
}

func TestSmoke64(t *testing.T) {
	m := newTMachine(t, 4<<20, "qemu64")
	// mov rax, 5; mov rcx, 7; add rax, rcx; imul rax, rax, 3; hlt
	code := []byte{0x48, 0xc7, 0xc0, 5, 0, 0, 0, 0x48, 0xc7, 0xc1, 7, 0, 0, 0, 0x48, 0x01, 0xc8, 0x48, 0x6b, 0xc0, 3, 0xf4}
	st := m.run64(code, nil)
	if st.GPR[accel.RAX] != 36 {
		t.Fatalf("rax = %d, want 36\n%s", st.GPR[accel.RAX], st.Dump())
	}
}
