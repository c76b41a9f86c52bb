package interp

import (
	"encoding/binary"
	"testing"

	"gemu/accel"
)

// TestCompatModeDataSegments: IRETQ from 64-bit ring 0 to ring-3
// compatibility mode nulls data segment registers whose DPL is below the
// new CPL (SDM vol. 2, IRET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL"), and a
// memory access through a null DS in compatibility mode raises #GP(0)
// (SDM vol. 3A, 5.4.1; the same as a native 32-bit process on this host
// with DS=0 gets SIGSEGV). With a ring-3 DS, BOUND raises #BR out of
// range and nothing in range, and the legacy ALU instructions run.
func TestCompatModeDataSegments(t *testing.T) {
	const (
		selUCode32 = 0x50 | 3
		target     = tCode + 0x100
		handler    = tCode + 0x800
		bounds     = tData
		results    = tData + 0x100
	)
	for _, tc := range []struct {
		name    string
		ds      uint16
		eax     uint32
		code    []byte // compatibility-mode code at target
		vec     uint8  // the vector whose handler runs
		rip     uint64 // the RIP it sees
		results []uint32
	}{
		{"bound through a nulled DS", selData, 9, []byte{0x62, 0x05, 0, 0, 0x20, 0}, excGP, target, nil},
		{"bound out of range", selUData, 9, []byte{0x62, 0x05, 0, 0, 0x20, 0}, excBR, target, nil},
		{"bound in range", selUData, 5, []byte{0x62, 0x05, 0, 0, 0x20, 0, 0xf4}, excGP, target + 6, nil},
		{"alu", selUData, 0, []byte{
			0xb8, 0x79, 0x00, 0x00, 0x00, // mov eax, 0x79
			0x04, 0x35, // add al, 0x35
			0x27,                         // daa
			0xa3, 0x00, 0x01, 0x20, 0x00, // mov [results], eax
			0x66, 0xb8, 0x09, 0x00, // mov ax, 9
			0x04, 0x08, // add al, 8
			0x37,                         // aaa
			0xa3, 0x04, 0x01, 0x20, 0x00, // mov [results+4], eax
			0xb8, 0x4f, 0x00, 0x00, 0x00, // mov eax, 79
			0xd4, 0x0a, // aam
			0xa3, 0x08, 0x01, 0x20, 0x00, // mov [results+8], eax
			0xd5, 0x0a, // aad
			0xa3, 0x0c, 0x01, 0x20, 0x00, // mov [results+12], eax
			0x60,       // pusha
			0x89, 0xe0, // mov eax, esp
			0xa3, 0x10, 0x01, 0x20, 0x00, // mov [results+16], eax
			0xf4, // hlt: #GP(0) ends the run
		}, excGP, target + 52, []uint32{0x14, 0x0107, 0x0709, 0x4f, tStack - 0x10000 - 32}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			m.put64(tGDT+0x50, 0x00cffa000000ffff) // user 32-bit code
			m.put64(bounds, 8<<32)
			// Handler: rdx = vector, rax = pushed RIP, rcx = pushed CS; hlt.
			for _, v := range []uint8{excGP, excBR} {
				h := handler + uint64(v)*0x20
				m.poke(h, []byte{0xba, v, 0, 0, 0, 0x48, 0x8b, 0x04, 0x24, 0x48, 0x8b, 0x4c, 0x24, 0x08, 0xf4})
				if v == excGP { // skip the error code
					m.poke(h, []byte{0xba, v, 0, 0, 0, 0x48, 0x8b, 0x44, 0x24, 0x08, 0x48, 0x8b, 0x4c, 0x24, 0x10, 0xf4})
				}
				m.idtGate64Attr(int(v), h, 0x8e)
			}
			tgt := uint32(target)
			code := []byte{
				0x66, 0xb9, byte(tc.ds), byte(tc.ds >> 8), // mov cx, ds selector
				0x8e, 0xd9, // mov ds, cx
				0x6a, selUData, // push ss
				0x68, 0x00, 0x00, 0x2f, 0x00, // push rsp (tStack - 0x10000)
				0x6a, 0x02, // push rflags
				0x6a, selUCode32, // push cs
				0x68, byte(tgt), byte(tgt >> 8), byte(tgt >> 16), 0, // push rip
				0x48, 0xcf, // iretq
			}
			m.poke(tCode, code)
			m.poke(target, tc.code)
			st := m.run64(nil, func(s *accel.CPUState) {
				s.GPR[accel.RAX] = uint64(tc.eax)
				s.GDT.Limit = 0x57
			})
			if uint8(st.GPR[accel.RDX]) != tc.vec || st.GPR[accel.RAX] != tc.rip || st.GPR[accel.RCX] != selUCode32 {
				t.Errorf("vector %d at %#x in CS %#x, want %d at %#x in %#x", st.GPR[accel.RDX], st.GPR[accel.RAX], st.GPR[accel.RCX], tc.vec, tc.rip, selUCode32)
			}
			for i, w := range tc.results {
				var b [4]byte
				m.ram.ReadAt(b[:], int64(results+4*i))
				if got := binary.LittleEndian.Uint32(b[:]); got != w {
					t.Errorf("result %d = %#x, want %#x", i, got, w)
				}
			}
		})
	}
}
