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
