package interp

import (
	"testing"

	"gemu/accel"
)

// faultRun is what trapHandlers' handler saw: the vector, the pushed RIP
// and error code (0 without one), and the final state.
type faultRun struct {
	vec  int // -1: the code reached its own HLT
	rip  uint64
	code uint64
	st   accel.CPUState
}

// runFaulting runs code at tCode from state s (built by setup64 or
// userState) with a CPL0 handler on every vector below 32 that records the
// vector in RBX, the pushed RIP in RAX and the error code in RDX, then
// halts. Code that ends with its own HLT at CPL0 reports vector -1.
func (m *tmachine) runFaulting(code []byte, s accel.CPUState) faultRun {
	m.t.Helper()
	const handlers = tCode + 0x4000
	for v := 0; v < 32; v++ {
		h := uint64(handlers + v*0x20)
		withCode := v == excDF || v >= excTS && v <= excPF || v == excAC
		if withCode { // mov ebx, v; mov rdx, [rsp]; mov rax, [rsp+8]; hlt
			m.poke(h, []byte{0xbb, byte(v), 0, 0, 0, 0x48, 0x8b, 0x14, 0x24, 0x48, 0x8b, 0x44, 0x24, 0x08, 0xf4})
		} else { // mov ebx, v; xor edx, edx; mov rax, [rsp]; hlt
			m.poke(h, []byte{0xbb, byte(v), 0, 0, 0, 0x31, 0xd2, 0x48, 0x8b, 0x04, 0x24, 0xf4})
		}
		m.idtGate64Attr(v, h, 0x8e)
	}
	m.poke(tCode, code)
	s.GPR[accel.RBX] = 0xffffffff
	if err := m.cpu.SetState(s); err != nil {
		m.t.Fatal(err)
	}
	st := m.runToHalt()
	r := faultRun{vec: int(int32(st.GPR[accel.RBX])), st: st}
	if r.vec >= 0 {
		r.rip, r.code = st.GPR[accel.RAX], st.GPR[accel.RDX]
	}
	return r
}

// TestSTACCLACPrivilege: STAC and CLAC at CPL3 raise #UD, not #GP (SDM
// vol. 2, STAC: "#UD If the CPL > 0"); at CPL0 they set and clear AC.
func TestSTACCLACPrivilege(t *testing.T) {
	for _, tc := range []struct {
		name string
		user bool
		code []byte
		vec  int
		ac   bool
	}{
		{"stac cpl3", true, []byte{0x0f, 0x01, 0xcb}, excUD, false},
		{"clac cpl3", true, []byte{0x0f, 0x01, 0xca}, excUD, false},
		{"stac cpl0", false, []byte{0x0f, 0x01, 0xcb, 0xf4}, -1, true},
		{"clac cpl0", false, []byte{0x0f, 0x01, 0xcb, 0x0f, 0x01, 0xca, 0xf4}, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "max")
			s := m.setup64()
			if tc.user {
				s = m.userState()
			}
			r := m.runFaulting(tc.code, s)
			if r.vec != tc.vec || tc.vec >= 0 && r.rip != tCode {
				t.Errorf("vector %d at %#x, want %d at %#x", r.vec, r.rip, tc.vec, uint64(tCode))
			}
			if tc.vec < 0 && (r.st.RFLAGS&flagAC != 0) != tc.ac {
				t.Errorf("RFLAGS %#x, want AC=%v", r.st.RFLAGS, tc.ac)
			}
		})
	}
}

// TestMovSSDefersSingleStep: with TF set, MOV SS holds the single-step
// trap until the next instruction has run (SDM vol. 3A, 6.8.3), so the
// #DB frame points after that one; STI's shadow does not hold it.
func TestMovSSDefersSingleStep(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		rip  uint64
	}{
		{"mov ss", []byte{0x8e, 0xd0, 0x90, 0x90, 0xf4}, tCode + 3},          // mov ss, ax; nop; nop; hlt
		{"lss", []byte{0x0f, 0xb2, 0x0c, 0x24, 0x90, 0x90, 0xf4}, tCode + 5}, // lss ecx, [rsp]; nop; nop; hlt
		{"sti", []byte{0xfb, 0x90, 0x90, 0xf4}, tCode + 1},                   // sti; nop; nop; hlt
		{"nop", []byte{0x90, 0x90, 0xf4}, tCode + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			s := m.setup64()
			s.RFLAGS |= flagTF
			s.GPR[accel.RAX] = selData
			s.GPR[accel.RSP] -= 16
			m.put64(s.GPR[accel.RSP], 0x1234)
			m.put64(s.GPR[accel.RSP]+4, selData)
			r := m.runFaulting(tc.code, s)
			if r.vec != excDB || r.rip != tc.rip {
				t.Errorf("vector %d at %#x, want #DB at %#x", r.vec, r.rip, tc.rip)
			}
			if r.st.DR6&(1<<14) == 0 {
				t.Errorf("DR6 %#x without BS", r.st.DR6)
			}
		})
	}
}

// TestAlignmentCheck: with CR0.AM and EFLAGS.AC, a misaligned data access
// at CPL3 raises #AC(0) before it happens (SDM vol. 3A, 6.15, interrupt
// 17); aligned accesses, CPL0 and either bit clear do not check.
func TestAlignmentCheck(t *testing.T) {
	movLoad := []byte{0x48, 0x8b, 0x08}                              // mov rcx, [rax]
	movStore := []byte{0x89, 0x08}                                   // mov [rax], ecx
	push := []byte{0x48, 0x89, 0xc4, 0x51}                           // mov rsp, rax; push rcx
	popfAC := []byte{0x9c, 0x48, 0x81, 0x0c, 0x24, 0, 0, 4, 0, 0x9d} // pushfq; or qword [rsp], 0x40000; popfq
	for _, tc := range []struct {
		name   string
		user   bool
		am, ac bool
		rax    uint64
		code   []byte
		vec    int // -1: no fault (the UD2 after the code raises #UD)
		rip    uint64
	}{
		{"misaligned load", true, true, true, tData + 4, movLoad, excAC, tCode},
		{"misaligned store", true, true, true, tData + 2, movStore, excAC, tCode},
		{"misaligned push", true, true, true, tData + 0x104, push, excAC, tCode + 3},
		{"aligned load", true, true, true, tData + 8, movLoad, -1, 0},
		{"byte access", true, true, true, tData + 3, []byte{0x8a, 0x08}, -1, 0},
		{"cpl0", false, true, true, tData + 4, movLoad, -1, 0},
		{"am clear", true, false, true, tData + 4, movLoad, -1, 0},
		{"ac clear", true, true, false, tData + 4, movLoad, -1, 0},
		{"ac set by popf", true, true, false, tData + 4, append(append([]byte{}, popfAC...), movLoad...), excAC, tCode + uint64(len(popfAC))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			s := m.setup64()
			if tc.user {
				s = m.userState()
			}
			if tc.am {
				s.CR0 |= cr0AM
			}
			if tc.ac {
				s.RFLAGS |= flagAC
			}
			s.GPR[accel.RAX] = tc.rax
			r := m.runFaulting(append(append([]byte{}, tc.code...), 0x0f, 0x0b), s)
			want, wantRIP := tc.vec, tc.rip
			if want < 0 {
				want, wantRIP = excUD, tCode+uint64(len(tc.code))
			}
			if r.vec != want || r.rip != wantRIP || want == excAC && r.code != 0 {
				t.Errorf("vector %d (%#x) at %#x, want %d (0) at %#x", r.vec, r.code, r.rip, want, wantRIP)
			}
		})
	}
}

// TestDataBreakpoints: a data breakpoint (DR7 R/W = 01 writes, 11 reads and
// writes) raises a #DB trap after the instruction whose access overlaps
// its range, with its B bit in DR6 (SDM vol. 3A, 18.2.4, 18.2.5); accesses
// elsewhere, even on the same page, do not.
func TestDataBreakpoints(t *testing.T) {
	const (
		rwWrite = 1
		rwRW    = 3
		len4    = 3
		len8    = 2
		len1    = 0
	)
	store32 := []byte{0x89, 0x08}       // mov [rax], ecx
	load32 := []byte{0x8b, 0x08}        // mov ecx, [rax]
	store64 := []byte{0x48, 0x89, 0x08} // mov [rax], rcx
	for _, tc := range []struct {
		name    string
		dr      uint64
		rw, len uint64
		rax     uint64
		code    []byte
		hit     bool
	}{
		{"write hits write breakpoint", tData + 8, rwWrite, len4, tData + 8, store32, true},
		{"read misses write breakpoint", tData + 8, rwWrite, len4, tData + 8, load32, false},
		{"read hits read/write breakpoint", tData + 8, rwRW, len4, tData + 8, load32, true},
		{"overlap from below", tData + 8, rwWrite, len4, tData + 4, store64, true},
		{"adjacent", tData + 8, rwWrite, len4, tData + 12, store32, false},
		{"same page elsewhere", tData + 8, rwRW, len4, tData + 0x100, store32, false},
		{"address aligned down to the length", tData + 13, rwWrite, len8, tData + 8, store32, true},
		{"byte breakpoint", tData + 9, rwWrite, len1, tData + 8, store32, true},
		{"push", tStack - 0x100 - 8, rwWrite, len8, tStack - 0x100, []byte{0x48, 0x89, 0xc4, 0x51}, true},                            // mov rsp, rax; push rcx
		{"string store", tData + 0x20, rwWrite, len1, tData + 0x10, []byte{0x48, 0x89, 0xc7, 0xb9, 0x40, 0, 0, 0, 0xf3, 0xaa}, true}, // mov rdi, rax; mov ecx, 64; rep stosb
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			s := m.setup64()
			s.DR[0] = tc.dr
			s.DR7 = 0x400 | 1 | tc.rw<<16 | tc.len<<18 // L0
			s.GPR[accel.RAX] = tc.rax
			code := append(append([]byte{}, tc.code...), 0x0f, 0x0b)
			r := m.runFaulting(code, s)
			after := tCode + uint64(len(tc.code))
			switch {
			case tc.hit && (r.vec != excDB || r.rip != after || r.st.DR6&0xf != 1):
				t.Errorf("vector %d at %#x, DR6 %#x; want #DB at %#x with B0", r.vec, r.rip, r.st.DR6, after)
			case !tc.hit && r.vec != excUD:
				t.Errorf("vector %d at %#x, DR6 %#x; want no #DB", r.vec, r.rip, r.st.DR6)
			}
		})
	}
}

// TestDataBreakpointInDelivery: a data breakpoint hit by the frame an
// exception pushes is reported by a #DB before the handler's first
// instruction.
func TestDataBreakpointInDelivery(t *testing.T) {
	m := newTMachine(t, 4<<20, "qemu64")
	s := m.setup64()
	s.DR[0] = tStack - 8 // where the #UD frame's SS goes
	s.DR7 = 0x400 | 1 | 1<<16 | 2<<18
	r := m.runFaulting([]byte{0x0f, 0x0b}, s)
	if h := uint64(tCode + 0x4000 + excUD*0x20); r.vec != excDB || r.rip != h || r.st.DR6&0xf != 1 {
		t.Errorf("vector %d at %#x, DR6 %#x; want #DB at the #UD handler %#x with B0", r.vec, r.rip, r.st.DR6, h)
	}
}

// TestIOBreakpoints: with CR4.DE, DR7 R/W = 10 watches ports: IN or OUT
// overlapping the range raises a #DB trap after the instruction; without
// CR4.DE the encoding arms nothing.
func TestIOBreakpoints(t *testing.T) {
	for _, tc := range []struct {
		name string
		de   bool
		code []byte
		hit  bool
	}{
		{"out hits", true, []byte{0xe6, 0x80}, true},                         // out 0x80, al
		{"in word overlaps", true, []byte{0x66, 0xe5, 0x7f}, true},           // in ax, 0x7f
		{"out dx elsewhere", true, []byte{0x66, 0xba, 0x70, 0, 0xee}, false}, // mov dx, 0x70; out dx, al
		{"without de", false, []byte{0xe6, 0x80}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			s := m.setup64()
			if tc.de {
				s.CR4 |= cr4DE
			}
			s.DR[0] = 0x80
			s.DR7 = 0x400 | 1 | 2<<16 // L0, I/O, one byte
			code := append(append([]byte{}, tc.code...), 0x0f, 0x0b)
			r := m.runFaulting(code, s)
			after := tCode + uint64(len(tc.code))
			switch {
			case tc.hit && (r.vec != excDB || r.rip != after || r.st.DR6&0xf != 1):
				t.Errorf("vector %d at %#x, DR6 %#x; want #DB at %#x with B0", r.vec, r.rip, r.st.DR6, after)
			case !tc.hit && r.vec != excUD:
				t.Errorf("vector %d at %#x, DR6 %#x; want no #DB", r.vec, r.rip, r.st.DR6)
			}
		})
	}
}
