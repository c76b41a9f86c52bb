package interp

import (
	"testing"

	"gemu/accel"
)

// idtGate64Attr installs a 64-bit gate with type/DPL/P byte attr (0x8e: a
// present DPL0 interrupt gate, 0xee: DPL3, 0x6e: DPL3 not present).
func (m *tmachine) idtGate64Attr(vec int, target uint64, attr uint8) {
	lo := target&0xffff | uint64(selCode64)<<16 | uint64(attr)<<40 | (target>>16&0xffff)<<48
	m.put64(tIDT+uint64(vec)*16, lo)
	m.put64(tIDT+uint64(vec)*16+8, target>>32)
}

// userState is the 64-bit test state at CPL3.
func (m *tmachine) userState() accel.CPUState {
	s := m.setup64()
	s.CS = accel.Segment{Selector: selUCode, Limit: 0xffffffff, Type: 0xb, S: true, DPL: 3, Present: true, L: true, G: true}
	s.SS = accel.Segment{Selector: selUData, Limit: 0xffffffff, Type: 3, S: true, DPL: 3, Present: true, DB: true, G: true}
	s.GPR[accel.RSP] = tStack - 0x10000
	return s
}

// TestSoftwareInterruptFaultRIP: when INT n or INT3 (INTO likewise) fault on their
// gate (DPL below CPL: #GP; not present: #NP), the handler's frame holds
// the address of the instruction itself; a gate that admits the call
// returns after it.
func TestSoftwareInterruptFaultRIP(t *testing.T) {
	const handler = tCode + 0x800
	for _, tc := range []struct {
		name    string
		code    []byte // at tCode, run at CPL3
		gate    int
		attr    uint8
		vec     int    // the vector whose handler runs
		err     uint64 // its error code
		pushRIP uint64
	}{
		{"int 0x41 to a DPL0 gate", []byte{0x90, 0xcd, 0x41}, 0x41, 0x8e, excGP, 0x41*8 + 2, tCode + 1},
		{"int 0x42 to a gate not present", []byte{0x90, 0xcd, 0x42}, 0x42, 0x6e, excNP, 0x42*8 + 2, tCode + 1},
		{"int3 to a DPL0 gate", []byte{0x90, 0x90, 0xcc}, excBP, 0x8e, excGP, excBP*8 + 2, tCode + 2},
		{"int 0x43 to a DPL3 gate", []byte{0x90, 0xcd, 0x43}, 0x43, 0xee, 0x43, 0, tCode + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			// The handler stores its frame in registers: rdx the error code
			// or 0, rax the pushed RIP; then HLT (CPL0, IF=0: the run ends).
			hasErr := tc.vec == excGP || tc.vec == excNP
			var h []byte
			if hasErr {
				h = []byte{0x48, 0x8b, 0x14, 0x24, 0x48, 0x8b, 0x44, 0x24, 0x08, 0xf4} // mov rdx,[rsp]; mov rax,[rsp+8]; hlt
			} else {
				h = []byte{0x31, 0xd2, 0x48, 0x8b, 0x04, 0x24, 0xf4} // xor edx,edx; mov rax,[rsp]; hlt
			}
			m.poke(handler, h)
			m.idtGate64Attr(excGP, handler, 0x8e)
			m.idtGate64Attr(excNP, handler, 0x8e)
			m.idtGate64Attr(tc.gate, handler, tc.attr)
			m.poke(tCode, tc.code)
			if err := m.cpu.SetState(m.userState()); err != nil {
				t.Fatal(err)
			}
			st := m.runToHalt()
			if st.RIP != handler+uint64(len(h)) || st.GPR[accel.RDX] != tc.err || st.GPR[accel.RAX] != tc.pushRIP {
				t.Errorf("handler ended at %#x with error code %#x, pushed RIP %#x; want %#x, %#x, %#x",
					st.RIP, st.GPR[accel.RDX], st.GPR[accel.RAX], handler+uint64(len(h)), tc.err, tc.pushRIP)
			}
		})
	}
}
