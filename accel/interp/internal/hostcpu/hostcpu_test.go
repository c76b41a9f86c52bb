package hostcpu

import "testing"

func TestRunAdd(t *testing.T) {
	m, err := New()
	if err != nil {
		t.Skip(err)
	}
	defer m.Close()
	var r Regs
	r.GPR[0] = 40
	r.GPR[1] = 2
	r.GPR[4] = m.StackTop()
	r.RFLAGS = 0x202
	// add rax, rcx; push rax; pop rdx
	if err := m.Run([]byte{0x48, 0x01, 0xc8, 0x50, 0x5a}, &r); err != nil {
		t.Fatal(err)
	}
	if r.GPR[0] != 42 || r.GPR[2] != 42 || r.GPR[1] != 2 {
		t.Fatalf("regs %x", r.GPR)
	}
	if r.GPR[4] != m.StackTop() {
		t.Fatalf("rsp %#x, want %#x", r.GPR[4], m.StackTop())
	}
}

// TestBatch: every sequence of a batch starts from its own registers and
// scratch buffer and leaves its own results.
func TestBatch(t *testing.T) {
	m, err := New()
	if err != nil {
		t.Skip(err)
	}
	defer m.Close()
	var seqs [][]byte
	for i := 0; i < MaxBatch; i++ {
		var r Regs
		for k := range r.GPR {
			r.GPR[k] = uint64(i*100 + k)
		}
		r.GPR[3] = m.ScratchAddr(i)
		r.GPR[4] = m.StackTop()
		r.RFLAGS = 0x202 | uint64(i&1) // CF for odd sequences
		PutRegs(m.Data()[ContextOffset(i):], &r)
		// adc rax, rcx; mov [rbx+8], rax; stc
		seqs = append(seqs, []byte{0x48, 0x11, 0xc8, 0x48, 0x89, 0x43, 0x08, 0xf9})
	}
	im, err := m.Build(seqs)
	if err != nil {
		t.Fatal(err)
	}
	m.RunImage(im)
	for i := 0; i < MaxBatch; i++ {
		r := GetRegs(m.Data()[ContextOffset(i):])
		want := uint64(i*100) + uint64(i*100+1) + uint64(i&1)
		got := uint64(0)
		for k := 0; k < 8; k++ {
			got |= uint64(m.Data()[ScratchOffset(i)+8+k]) << (8 * k)
		}
		if r.GPR[0] != want || got != want || r.RFLAGS&1 != 1 || r.GPR[4] != m.StackTop() || r.GPR[15] != uint64(i*100+15) {
			t.Fatalf("sequence %d: rax %d, stored %d, flags %#x, rsp %#x, r15 %d; want %d", i, r.GPR[0], got, r.RFLAGS, r.GPR[4], r.GPR[15], want)
		}
	}
}
