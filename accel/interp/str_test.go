package interp

import (
	"testing"

	"gemu/accel"
)

// TestAddr32StringOps: in 64-bit mode an address-size prefix makes string
// instructions and LOOP use ESI, EDI and ECX, and their updates are 32-bit
// register writes, which clear the upper halves of RSI, RDI and RCX (SDM
// vol. 1, 3.4.1.1).
func TestAddr32StringOps(t *testing.T) {
	for _, tc := range []struct {
		name          string
		code          []byte
		rsi, rdi, rcx uint64
		copied        int
	}{
		{"movsb", []byte{0x67, 0xa4}, tData + 1, tData + 0x101, 0xffffffff00000003, 1},
		{"rep movsb", []byte{0x67, 0xf3, 0xa4}, tData + 3, tData + 0x103, 0, 3},
		{"rep movsq", []byte{0x67, 0xf3, 0x48, 0xa5}, tData + 24, tData + 0x118, 0, 24},
		{"rep stosb", []byte{0x67, 0xf3, 0xaa}, 0x1234567800000000 | tData, tData + 0x103, 0, 0},
		{"lodsb", []byte{0x67, 0xac}, tData + 1, 0x8765432100000000 | tData + 0x100, 0xffffffff00000003, 0},
		{"rep cmpsb", []byte{0x67, 0xf3, 0xa6}, tData + 1, tData + 0x101, 2, 0},
		{"loop", []byte{0x67, 0xe2, 0xfd}, 0x1234567800000000 | tData, 0x8765432100000000 | tData + 0x100, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			m.poke(tData, []byte("abcdefghijklmnopqrstuvwxyz012345"))
			m.poke(tData+0x100, []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ678901"))
			st := m.run64(append(tc.code, 0xf4), func(s *accel.CPUState) {
				s.GPR[accel.RSI] = 0x1234567800000000 | tData
				s.GPR[accel.RDI] = 0x8765432100000000 | tData + 0x100
				s.GPR[accel.RCX] = 0xffffffff00000003
				s.GPR[accel.RAX] = 0x61
			})
			if st.GPR[accel.RSI] != tc.rsi || st.GPR[accel.RDI] != tc.rdi || st.GPR[accel.RCX] != tc.rcx {
				t.Errorf("rsi=%#x rdi=%#x rcx=%#x, want %#x %#x %#x", st.GPR[accel.RSI], st.GPR[accel.RDI], st.GPR[accel.RCX], tc.rsi, tc.rdi, tc.rcx)
			}
			got := make([]byte, 32)
			m.ram.ReadAt(got, tData+0x100)
			want := []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ678901")
			copy(want, "abcdefghijklmnopqrstuvwxyz012345"[:tc.copied])
			if tc.name == "rep stosb" {
				copy(want, "aaa")
			}
			if string(got) != string(want) {
				t.Errorf("destination %q, want %q", got, want)
			}
		})
	}
}

// TestAddr16StringOpsKeepUpperBits: 16-bit address registers merge into
// the 32-bit ones.
func TestAddr16StringOpsKeepUpperBits(t *testing.T) {
	m := newTMachine(t, 4<<20, "qemu64")
	s := m.setup64()
	s.CS = accel.Segment{Selector: selCode32, Limit: 0xffffffff, Type: 0xb, S: true, Present: true, DB: true, G: true}
	s.GPR[accel.RSI] = 0x00010010
	s.GPR[accel.RDI] = 0x00020020
	s.GPR[accel.RCX] = 0x00030002
	// addr16 rep movsb; hlt (32-bit compatibility-mode code)
	m.poke(tCode, []byte{0x67, 0xf3, 0xa4, 0xf4})
	if err := m.cpu.SetState(s); err != nil {
		t.Fatal(err)
	}
	st := m.runToHalt()
	if st.GPR[accel.RSI] != 0x00010012 || st.GPR[accel.RDI] != 0x00020022 || st.GPR[accel.RCX] != 0x00030000 {
		t.Errorf("rsi=%#x rdi=%#x rcx=%#x", st.GPR[accel.RSI], st.GPR[accel.RDI], st.GPR[accel.RCX])
	}
}
