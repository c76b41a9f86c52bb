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
