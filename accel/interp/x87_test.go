package interp

import "testing"

// TestX87UnmaskedPreComputation: an unmasked pre-computation exception
// (#Z, #IA) leaves the destination and TOP alone, so an arithmetic or
// compare instruction that pops does not pop (SDM vol. 1, 8.5); FSW gets
// the flag and ES, and the next waiting x87 instruction raises #MF.
func TestX87UnmaskedPreComputation(t *testing.T) {
	setCW := func(cw uint16) []byte { // mov dword [tData], cw; fldcw [tData]
		return []byte{0xc7, 0x04, 0x25, 0, 0, 0x20, 0, byte(cw), byte(cw >> 8), 0, 0, 0xd9, 0x2c, 0x25, 0, 0, 0x20, 0}
	}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	fninit, fnclex, fldz, fld1, fwait := []byte{0xdb, 0xe3}, []byte{0xdb, 0xe2}, []byte{0xd9, 0xee}, []byte{0xd9, 0xe8}, []byte{0x9b}
	for _, tc := range []struct {
		name string
		code []byte
		top  uint16
		ftw  uint8
		flag uint16 // FSW exception flag
	}{
		// 1/0 with #Z unmasked: ST(1) stays 0, both stay valid.
		{"fdivrp #Z", cat(fninit, setCW(0x37b), fldz, fld1, []byte{0xde, 0xf1}, fld1), 6, 0xc0, 0x04},
		// 0/0 masked makes a QNaN; then an ordered compare with it, #IA unmasked.
		{"fcompp #IA", cat(fninit, fldz, fldz, []byte{0xde, 0xf9}, fnclex, setCW(0x37e), fldz, []byte{0xde, 0xd9}, fwait), 6, 0xc0, 0x01},
		{"fcomip #IA", cat(fninit, fldz, fldz, []byte{0xde, 0xf9}, fnclex, setCW(0x37e), fldz, []byte{0xdf, 0xf1}, fwait), 6, 0xc0, 0x01},
		{"fcomp m32 #IA", cat(fninit, fldz, fldz, []byte{0xde, 0xf9}, fnclex, setCW(0x37e), []byte{0xd8, 0x1c, 0x25, 0, 0, 0x20, 0}, fwait), 7, 0x80, 0x01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			r := m.runFaulting(tc.code, m.setup64())
			// #MF comes at the last instruction, a waiting one.
			last := len(fld1)
			if tc.code[len(tc.code)-1] == fwait[0] {
				last = len(fwait)
			}
			if want := uint64(tCode + len(tc.code) - last); r.vec != excMF || r.rip != want {
				t.Errorf("vector %d at %#x, want #MF at %#x", r.vec, r.rip, want)
			}
			f := r.st.FPU
			if top := f.FSW >> 11 & 7; top != tc.top || f.FTW != tc.ftw || f.FSW&0x80 == 0 || f.FSW&tc.flag == 0 {
				t.Errorf("FSW %#x (TOP %d) FTW %#x, want TOP %d, FTW %#x, ES and flag %#x", f.FSW, top, f.FTW, tc.top, tc.ftw, tc.flag)
			}
		})
	}
}
