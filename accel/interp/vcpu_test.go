package interp

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"gemu/accel"
	"gemu/hw/mem"
)

// fakeAPIC is a minimal accel.LocalAPIC: a queue of pending vectors.
type fakeAPIC struct {
	mu      sync.Mutex
	pending []uint8
	base    uint64
	tpr     uint8
	pins    interface{ Notify() }
	writes  []uint64
}

func (a *fakeAPIC) Read(off uint64, size int) uint64 { return 0xab }
func (a *fakeAPIC) Write(off uint64, size int, v uint64) {
	a.mu.Lock()
	a.writes = append(a.writes, off<<32|v)
	a.mu.Unlock()
}
func (a *fakeAPIC) Ack() (uint8, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.pending) == 0 {
		return 0, false
	}
	v := a.pending[0]
	a.pending = a.pending[1:]
	return v, true
}
func (a *fakeAPIC) Pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.pending) > 0
}
func (a *fakeAPIC) TPR() uint8                       { return a.tpr }
func (a *fakeAPIC) SetTPR(v uint8)                   { a.tpr = v }
func (a *fakeAPIC) Base() uint64                     { return a.base }
func (a *fakeAPIC) SetBase(v uint64) bool            { a.base = v; return true }
func (a *fakeAPIC) ReadMSR(i uint32) (uint64, bool)  { return 0, false }
func (a *fakeAPIC) WriteMSR(i uint32, v uint64) bool { return false }
func (a *fakeAPIC) raise(v uint8) {
	a.mu.Lock()
	a.pending = append(a.pending, v)
	a.mu.Unlock()
	a.pins.Notify()
}

// idtGate64 installs a 64-bit interrupt gate for vec pointing at target.
func (m *tmachine) idtGate64(vec int, target uint64) {
	lo := target&0xffff | uint64(selCode64)<<16 | uint64(0x8e00)<<32 | (target>>16&0xffff)<<48
	m.put64(tIDT+uint64(vec)*16, lo)
	m.put64(tIDT+uint64(vec)*16+8, target>>32)
}

// TestInterruptWakesHLT: STI; HLT sleeps until the APIC notifies; the
// handler runs, and IRETQ returns after the HLT.
func TestInterruptWakesHLT(t *testing.T) {
	m := newTMachine(t, 4<<20, "max")
	apic := &fakeAPIC{base: 0xfee00000 | 1<<11 | 1<<8, pins: m.cpu}
	m.cpu.SetLocalAPIC(apic)
	s := m.setup64()
	// handler at tCode+0x100: mov eax, 0x77; out 0xe9, eax; iretq
	m.poke(tCode+0x100, []byte{0xb8, 0x77, 0, 0, 0, 0xe7, 0xe9, 0x48, 0xcf})
	m.idtGate64(0x40, tCode+0x100)
	// sti; hlt; mov eax, 1; out 0xe9, eax; cli; hlt
	m.poke(tCode, []byte{0xfb, 0xf4, 0xb8, 1, 0, 0, 0, 0xe7, 0xe9, 0xfa, 0xf4})
	m.cpu.SetState(s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		exit, err := m.cpu.Run()
		if err != nil || exit.Reason != accel.ExitHalt {
			t.Errorf("exit %v, %v", exit, err)
		}
	}()
	// The vCPU sleeps in HLT; wait until it does, then interrupt it.
	for i := 0; i < 1000 && !m.cpu.cpu.halted; i++ {
		time.Sleep(time.Millisecond)
	}
	apic.raise(0x40)
	<-done
	if got := m.outputs(0xe9); len(got) != 2 || got[0] != 0x77 || got[1] != 1 {
		t.Fatalf("outputs %v, want [0x77 1]", got)
	}
}

// TestKick: a running vCPU returns ExitKicked.
func TestKick(t *testing.T) {
	m := newTMachine(t, 4<<20, "max")
	s := m.setup64()
	m.poke(tCode, []byte{0xeb, 0xfe}) // jmp $
	m.cpu.SetState(s)
	go func() {
		time.Sleep(10 * time.Millisecond)
		m.cpu.Kick()
	}()
	exit, err := m.cpu.Run()
	if err != nil || exit.Reason != accel.ExitKicked {
		t.Fatalf("exit %v, %v", exit, err)
	}
}

// TestTripleFault: a fault with no IDT shuts the CPU down.
func TestTripleFault(t *testing.T) {
	m := newTMachine(t, 4<<20, "max")
	s := m.setup64()
	s.IDT.Limit = 0
	m.poke(tCode, []byte{0x0f, 0x0b}) // ud2
	m.cpu.SetState(s)
	exit, err := m.cpu.Run()
	if err != nil || exit.Reason != accel.ExitShutdown {
		t.Fatalf("exit %v, %v", exit, err)
	}
}

// TestINITSIPI: an application processor waits for INIT and SIPI, then
// starts in real mode at vector << 12.
func TestINITSIPI(t *testing.T) {
	ram := mem.NewForTest(1 << 20)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 2, IRQChip: accel.IRQChipUser})
	if err != nil {
		t.Fatal(err)
	}
	av, _ := vm.NewVCPU(1)
	ap := av.(*VCPU)
	// At 0x9000: mov ax, 0x42; out 0xe9, ax; cli; hlt
	ram.WriteAt([]byte{0xb8, 0x42, 0x00, 0xe7, 0xe9, 0xfa, 0xf4}, 0x9000)
	st, _ := ap.State()
	if st.MPState != accel.MPUninitialized {
		t.Fatalf("AP MP state %d, want uninitialized", st.MPState)
	}
	ap.INIT()
	ap.SIPI(9)
	exit, err := ap.Run()
	if err != nil || exit.Reason != accel.ExitHalt {
		t.Fatalf("exit %v, %v", exit, err)
	}
	if len(io.out) != 1 || io.out[0].val != 0x42 {
		t.Fatalf("outputs %+v", io.out)
	}
	st, _ = ap.State()
	if st.CS.Selector != 0x900 || st.CS.Base != 0x9000 {
		t.Fatalf("CS %+v", st.CS)
	}
}

// TestSelfModifyingCode: a store into the running block's next
// instruction takes effect at once.
func TestSelfModifyingCode(t *testing.T) {
	m := newTMachine(t, 4<<20, "max")
	// mov byte [rip+1], 0x05 -> patches the imm of the next mov
	// c6 05 01 00 00 00 05 ; b8 01 00 00 00 ; f4
	code := []byte{0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x05, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4}
	st := m.run64(code, nil)
	if st.GPR[0] != 5 {
		t.Fatalf("rax = %d, want 5 (the patched immediate)", st.GPR[0])
	}
	// Run again after the loader rewrites the code (DMA-style write).
	m.poke(tCode+8, []byte{0x09})
	st = m.run64(append(code[:6:6], 0x07, 0xb8, 0x09, 0, 0, 0, 0xf4), nil)
	if st.GPR[0] != 7 {
		t.Fatalf("rax = %d, want 7", st.GPR[0])
	}
}

// TestHarvestDirty: pages written by the vCPU are reported, and the log is
// cleared by the harvest.
func TestHarvestDirty(t *testing.T) {
	m := newTMachine(t, 4<<20, "max")
	// mov [0x200000], rax; mov [0x205008], rax; hlt
	code := []byte{0x48, 0x89, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00, 0x48, 0x89, 0x04, 0x25, 0x08, 0x50, 0x20, 0x00, 0xf4}
	m.run64(code, nil)
	bm := mem.NewBitmap(m.ram.Pages())
	m.vm.HarvestDirty(bm)
	for _, p := range []int{0x200, 0x205} {
		if !bm.Test(p) {
			t.Errorf("page %#x not reported dirty", p)
		}
	}
	if bm.Test(0x201) {
		t.Error("page 0x201 reported dirty")
	}
	// A second run writes the same pages again: they are reported again.
	m.run64(code, nil)
	bm2 := mem.NewBitmap(m.ram.Pages())
	m.vm.HarvestDirty(bm2)
	if !bm2.Test(0x200) || !bm2.Test(0x205) {
		t.Error("pages written after a harvest are not reported")
	}
}

// TestVirtualClockTSC: under the virtual clock, RDTSC advances with the
// executed instructions, deterministically.
func TestVirtualClockTSC(t *testing.T) {
	run := func() uint64 {
		ram := mem.NewForTest(4 << 20)
		io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
		vc := NewVirtualClock(0)
		vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: "max"}, IRQChip: accel.IRQChipUser, Clock: vc, TSCHz: 1e9})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := vm.NewVCPU(0)
		m := &tmachine{t: t, ram: ram, io: io, vm: vm, cpu: v.(*VCPU)}
		// mov ecx, 1000; l: dec ecx; jnz l; rdtsc; hlt
		st := m.run64([]byte{0xb9, 0xe8, 0x03, 0, 0, 0xff, 0xc9, 0x75, 0xfc, 0x0f, 0x31, 0xf4}, nil)
		return st.GPR[2]<<32 | st.GPR[0]&0xffffffff
	}
	a, b := run(), run()
	if a != b {
		t.Fatalf("TSC differs between identical runs: %d and %d", a, b)
	}
	// 1 + 2000 instructions before RDTSC at 1 ns each and 1 GHz.
	if a != 2001 {
		t.Fatalf("TSC %d, want 2001", a)
	}
}

// TestSMPLockedIncrements: two vCPUs on their own goroutines add to one
// counter with LOCK XADD; no increment is lost.
func TestSMPLockedIncrements(t *testing.T) {
	ram := mem.NewForTest(4 << 20)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 2, CPU: accel.CPUModel{Name: "max"}, IRQChip: accel.IRQChipUser})
	if err != nil {
		t.Fatal(err)
	}
	n := uint32(200000)
	// mov ecx, n; mov eax, 1; l: lock xadd [0x200000], eax; mov eax, 1; dec ecx; jnz l; hlt
	code := []byte{0xb9, byte(n), byte(n >> 8), byte(n >> 16), 0, 0xb8, 1, 0, 0, 0,
		0xf0, 0x0f, 0xc1, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00, 0xb8, 1, 0, 0, 0, 0xff, 0xc9, 0x75, 0xee, 0xf4}
	var wg sync.WaitGroup
	m0 := &tmachine{t: t, ram: ram, io: io, vm: vm}
	base := m0.setup64()
	m0.poke(tCode, code)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v, err := vm.NewVCPU(i)
			if err != nil {
				t.Error(err)
				return
			}
			s := base
			s.MPState = accel.MPRunnable
			s.GPR[accel.RSP] = tStack - uint64(i)*0x1000
			if err := v.SetState(s); err != nil {
				t.Error(err)
				return
			}
			exit, err := v.Run()
			if err != nil || exit.Reason != accel.ExitHalt {
				t.Errorf("vCPU %d: exit %v, %v", i, exit, err)
			}
		}(i)
	}
	wg.Wait()
	var b [8]byte
	ram.ReadAt(b[:], 0x200000)
	if got := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24; got != 2*uint64(n) {
		t.Fatalf("counter %d, want %d", got, 2*n)
	}
}

// TestAPICPageRouting: accesses to the xAPIC page go to the vCPU's
// LocalAPIC, not to the bus; moving the APIC base moves the window.
func TestAPICPageRouting(t *testing.T) {
	m := newTMachine(t, 4<<20, "max")
	apic := &fakeAPIC{base: 0xfee00000 | 1<<11 | 1<<8, pins: m.cpu}
	m.cpu.SetLocalAPIC(apic)
	s := m.setup64()
	// Map 0xfee00000 with a 2 MiB page (PDPT[3] -> PD at 0x13000).
	m.put64(tPML4+0x1000+3*8, 0x13000|3)
	m.put64(0x13000+0x1f7*8, 0xfee00000|0x83)
	// mov ebx, 0xfee00000; mov eax, [rbx+0x20]; mov [rbx+0xb0], eax; hlt
	code := []byte{0xbb, 0x00, 0x00, 0xe0, 0xfe, 0x8b, 0x43, 0x20, 0x89, 0x83, 0xb0, 0x00, 0x00, 0x00, 0xf4}
	m.poke(tCode, code)
	m.cpu.SetState(s)
	st := m.runToHalt()
	if st.GPR[0] != 0xab {
		t.Errorf("APIC read %#x, want 0xab", st.GPR[0])
	}
	if len(apic.writes) != 1 || apic.writes[0] != 0xb0<<32|0xab {
		t.Errorf("APIC writes %x", apic.writes)
	}
	if len(m.io.mmioW) != 0 {
		t.Errorf("APIC accesses reached the bus: %+v", m.io.mmioW)
	}
}

// TestRemapExecutedCode: decoded code found through a linear address
// follows that address's translation: after INVLPG of a changed PTE and
// after a CR3 write to tables mapping it elsewhere, a CALL to the same
// linear address runs the new code (the pages are not global).
func TestRemapExecutedCode(t *testing.T) {
	const (
		pd, pt       = 0x20000, 0x21000
		codeA, codeB = 0x22000, 0x23000
		pml4B, pdptB = 0x24000, 0x25000
		pdB, ptB     = 0x26000, 0x27000
		lin          = 0x40000000
	)
	m := newTMachine(t, 4<<20, "qemu64")
	s := m.setup64()
	m.put64(tPML4+0x1000+8, pd|7) // PDPT[1]: linear 1 GiB..2 GiB
	m.put64(pd, pt|7)
	m.put64(pt, codeA|7)
	m.poke(codeA, []byte{0xb8, 1, 0, 0, 0, 0xc3}) // mov eax, 1; ret
	m.poke(codeB, []byte{0xb8, 2, 0, 0, 0, 0xc3}) // mov eax, 2; ret
	// Second tables: the same identity map, linear 1 GiB to codeB.
	m.put64(pml4B, pdptB|7)
	m.put64(pdptB, m.get64(tPML4+0x1000))
	m.put64(pdptB+8, pdB|7)
	m.put64(pdB, ptB|7)
	m.put64(ptB, codeB|7)
	le := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	movPT := func(v uint32) []byte { // mov qword [pt], v
		return append(append([]byte{0x48, 0xc7, 0x04, 0x25}, le(pt)...), le(v)...)
	}
	var code []byte
	add := func(b ...[]byte) {
		for _, x := range b {
			code = append(code, x...)
		}
	}
	callRBX := []byte{0xff, 0xd3}
	invlpg := []byte{0x0f, 0x01, 0x3b}     // invlpg [rbx]
	add([]byte{0x48, 0xc7, 0xc3}, le(lin)) // mov rbx, lin
	add(callRBX, []byte{0x49, 0x89, 0xc0}) // call rbx; mov r8, rax
	add(movPT(codeB|7), invlpg, callRBX, []byte{0x49, 0x89, 0xc1})
	add(movPT(codeA|7), invlpg, callRBX, []byte{0x49, 0x89, 0xc2})
	add([]byte{0x48, 0xc7, 0xc0}, le(pml4B), []byte{0x0f, 0x22, 0xd8}) // mov rax, pml4B; mov cr3, rax
	add(callRBX, []byte{0x49, 0x89, 0xc3, 0xf4})
	m.poke(tCode, code)
	if err := m.cpu.SetState(s); err != nil {
		t.Fatal(err)
	}
	st := m.runToHalt()
	if g := st.GPR; g[accel.R8] != 1 || g[accel.R9] != 2 || g[accel.R10] != 1 || g[accel.R11] != 2 {
		t.Errorf("calls returned %d, %d, %d, %d; want 1, 2, 1, 2", g[accel.R8], g[accel.R9], g[accel.R10], g[accel.R11])
	}
}

// TestCrossVCPUCodeWrite: a vCPU holding a write TLB entry for a page
// drops it once another vCPU decodes code from that page, so its next
// write there invalidates that code: the other vCPU, looping over the
// code, sees the change.
func TestCrossVCPUCodeWrite(t *testing.T) {
	ram := mem.NewForTest(4 << 20)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 2, CPU: accel.CPUModel{Name: "max"}, IRQChip: accel.IRQChipUser})
	if err != nil {
		t.Fatal(err)
	}
	const (
		page  = 0x300000 // data for B, then code for A
		flag1 = 0x201000 // B: "I hold a write entry for page" (another TLB slot)
		flag2 = 0x202000 // A: "I loop over the code on page"
	)
	m := &tmachine{t: t, ram: ram, io: io, vm: vm}
	base := m.setup64()
	// B: mov byte [page+0x200], 0 (twice: the first sets the dirty bit);
	// mov byte [flag1], 1; w: cmp byte [flag2], 0; je w;
	// mov byte [page+0x106], 2; hlt
	m.poke(tCode, []byte{
		0xc6, 0x04, 0x25, 0x00, 0x02, 0x30, 0x00, 0x00,
		0xc6, 0x04, 0x25, 0x00, 0x02, 0x30, 0x00, 0x00,
		0xc6, 0x04, 0x25, 0x00, 0x10, 0x20, 0x00, 0x01,
		0x80, 0x3c, 0x25, 0x00, 0x20, 0x20, 0x00, 0x00,
		0x74, 0xf6,
		0xc6, 0x04, 0x25, 0x06, 0x01, 0x30, 0x00, 0x02,
		0xf4,
	})
	// A, on page: mov ecx, N; l: mov eax, 1 (patched to 2 by B);
	// cmp eax, 2; je done; cmp ecx, N-2; jne skip; mov byte [flag2], 1;
	// skip: dec ecx; jnz l; done: hlt. The flag goes up in the third
	// iteration, once the block at l has been decoded and run.
	m.poke(page+0x100, []byte{
		0xb9, 0x00, 0xe1, 0xf5, 0x05,
		0xb8, 1, 0, 0, 0,
		0x83, 0xf8, 0x02,
		0x74, 0x14,
		0x81, 0xf9, 0xfe, 0xe0, 0xf5, 0x05,
		0x75, 0x08,
		0xc6, 0x04, 0x25, 0x00, 0x20, 0x20, 0x00, 0x01,
		0xff, 0xc9,
		0x75, 0xe2,
		0xf4,
	})

	done := make(chan error, 1)
	go func() {
		v, err := vm.NewVCPU(1)
		if err != nil {
			done <- err
			return
		}
		s := base
		s.MPState = accel.MPRunnable
		s.GPR[accel.RSP] = tStack - 0x1000
		if err := v.SetState(s); err != nil {
			done <- err
			return
		}
		exit, err := v.Run()
		if err == nil && exit.Reason != accel.ExitHalt {
			err = fmt.Errorf("B: exit %v", exit.Reason)
		}
		done <- err
	}()
	var b [1]byte
	for deadline := time.Now().Add(time.Minute); b[0] == 0; {
		if time.Now().After(deadline) {
			t.Fatal("vCPU B never got going")
		}
		ram.ReadAt(b[:], flag1)
		time.Sleep(time.Millisecond)
	}

	va, err := vm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	a := &tmachine{t: t, ram: ram, io: io, vm: vm, cpu: va.(*VCPU)}
	s := base
	s.RIP = page + 0x100
	if err := a.cpu.SetState(s); err != nil {
		t.Fatal(err)
	}
	st := a.runToHalt()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st.GPR[accel.RAX] != 2 || st.GPR[accel.RCX] == 0 {
		t.Fatalf("A: eax %d ecx %d: it never saw B's change to its code", st.GPR[accel.RAX], st.GPR[accel.RCX])
	}
}
