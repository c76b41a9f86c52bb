package interp

import (
	"testing"

	"gemu/accel"
)

// TestCallFaultOnTargetRestartable: a near or far CALL whose target fails
// its checks raises #GP(0) before pushing, so the faulting instruction can
// be restarted: the frame holds the CALL's address and the old RSP.
func TestCallFaultOnTargetRestartable(t *testing.T) {
	const (
		handler = tCode + 0x800
		sp      = tStack - 0x100
	)
	for _, tc := range []struct {
		name  string
		code  []byte
		limit uint32 // CS limit (compatibility-mode code at CPL0)
	}{
		{"call rel32 beyond the limit", []byte{0x90, 0xe8, 0x00, 0x10, 0x00, 0x00}, 0x100fff - 0x800},
		{"call r/m beyond the limit", []byte{0x90, 0xff, 0xd0}, 0x100fff - 0x800},
		{"call far to an offset beyond the target's limit", []byte{0x90, 0x9a, 0x45, 0x23, 0x01, 0x00, selCode16, 0x00}, 0xffffffff},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			// #GP handler: rdx = error code, rax = pushed RIP, rcx = pushed RSP.
			m.poke(handler, []byte{0x48, 0x8b, 0x14, 0x24, 0x48, 0x8b, 0x44, 0x24, 0x08, 0x48, 0x8b, 0x4c, 0x24, 0x20, 0xf4})
			m.idtGate64Attr(excGP, handler, 0x8e)
			m.poke(tCode, tc.code)
			s := m.setup64()
			s.CS = accel.Segment{Selector: selCode32, Limit: tc.limit, Type: 0xb, S: true, Present: true, DB: true}
			s.GPR[accel.RSP] = sp
			s.GPR[accel.RAX] = tCode + 0x1000 // the indirect target
			if err := m.cpu.SetState(s); err != nil {
				t.Fatal(err)
			}
			st := m.runToHalt()
			if st.GPR[accel.RDX] != 0 || st.GPR[accel.RAX] != tCode+1 || st.GPR[accel.RCX] != sp {
				t.Errorf("#GP(%#x) with RIP %#x, RSP %#x; want #GP(0) at %#x with RSP %#x",
					st.GPR[accel.RDX], st.GPR[accel.RAX], st.GPR[accel.RCX], tCode+1, sp)
			}
		})
	}
}

// TestCallNonCanonicalTarget: in 64-bit mode a CALL rel32 whose target is
// not canonical faults with #GP(0) at the CALL, with RSP unchanged.
func TestCallNonCanonicalTarget(t *testing.T) {
	const (
		handler = tCode + 0x800
		sp      = tStack - 0x100
		page    = 0x00007ffffffff000 // the last canonical low page
	)
	m := newTMachine(t, 4<<20, "qemu64")
	m.put64(tPML4+255*8, 0x20000|7)
	m.put64(0x20000+511*8, 0x21000|7)
	m.put64(0x21000+511*8, 0x22000|7)
	m.put64(0x22000+511*8, 0x23000|7)
	m.poke(0x23ff0, []byte{0xe8, 0x10, 0x00, 0x00, 0x00}) // call .+0x15: 0x800000000005
	m.poke(handler, []byte{0x48, 0x8b, 0x14, 0x24, 0x48, 0x8b, 0x44, 0x24, 0x08, 0x48, 0x8b, 0x4c, 0x24, 0x20, 0xf4})
	m.idtGate64Attr(excGP, handler, 0x8e)
	s := m.setup64()
	s.RIP = page + 0xff0
	s.GPR[accel.RSP] = sp
	if err := m.cpu.SetState(s); err != nil {
		t.Fatal(err)
	}
	st := m.runToHalt()
	if st.GPR[accel.RDX] != 0 || st.GPR[accel.RAX] != page+0xff0 || st.GPR[accel.RCX] != sp {
		t.Errorf("#GP(%#x) with RIP %#x, RSP %#x; want #GP(0) at %#x with RSP %#x",
			st.GPR[accel.RDX], st.GPR[accel.RAX], st.GPR[accel.RCX], uint64(page+0xff0), uint64(sp))
	}
}
