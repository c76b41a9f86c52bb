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
