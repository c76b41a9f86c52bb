package interp

import (
	"testing"

	"gemu/accel"
)

// TestAccessedBit: loading a segment register from a descriptor whose
// accessed bit is clear sets the bit in the descriptor table and in the
// cached type (SDM vol. 3A, 3.4.5.1), for MOV to a data segment register
// and for the code segment that event delivery loads.
func TestAccessedBit(t *testing.T) {
	const (
		selData2 = 0x50 // data DPL0, accessed clear
		selCode2 = 0x58 // 64-bit code DPL0, accessed clear
		handler  = tCode + 0x800
	)
	for _, tc := range []struct {
		name  string
		code  []byte
		sel   uint16
		cache func(s *accel.CPUState) accel.Segment
		want  uint8 // cached type
	}{
		{"mov ds", []byte{0x66, 0xb8, selData2, 0, 0x8e, 0xd8, 0xf4}, selData2, // mov ax, 0x50; mov ds, ax; hlt
			func(s *accel.CPUState) accel.Segment { return s.DS }, 3},
		{"mov ss", []byte{0x66, 0xb8, selData2, 0, 0x8e, 0xd0, 0xf4}, selData2, // mov ax, 0x50; mov ss, ax; hlt
			func(s *accel.CPUState) accel.Segment { return s.SS }, 3},
		{"exception delivery", []byte{0x0f, 0x0b}, selCode2, // ud2
			func(s *accel.CPUState) accel.Segment { return s.CS }, 0xb},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTMachine(t, 4<<20, "qemu64")
			m.poke(handler, []byte{0xf4})
			lo := uint64(handler)&0xffff | uint64(selCode2)<<16 | uint64(0x8e)<<40 | (uint64(handler)>>16&0xffff)<<48
			m.put64(tIDT+excUD*16, lo)
			m.put64(tIDT+excUD*16+8, 0)
			st := m.run64(tc.code, func(s *accel.CPUState) {
				m.put64(tGDT+selData2, 0x00cf92000000ffff)
				m.put64(tGDT+selCode2, 0x00af9a000000ffff)
				s.GDT.Limit = 0x5f
			})
			if got := tc.cache(&st); got.Selector != tc.sel || got.Type != tc.want {
				t.Errorf("segment %#x type %#x, want %#x type %#x", got.Selector, got.Type, tc.sel, tc.want)
			}
			if d := m.get64(tGDT + uint64(tc.sel)); d>>40&1 == 0 {
				t.Errorf("descriptor %#x: accessed bit clear", d)
			}
		})
	}
}

// TestIRETNestedTask: IRET with NT set in 32-bit protected mode switches
// to the task in the back link and saves, in the outgoing TSS, the EIP
// after the IRET and the registers (SDM vol. 3A, 7.3 step 8); the
// outgoing TSS becomes available and NT is clear in its saved EFLAGS.
func TestIRETNestedTask(t *testing.T) {
	const (
		tss2    = tTSS + 0x100
		selTSS2 = 0x50
	)
	m := newTMachine(t, 4<<20, "qemu64")
	s := m.setup64()
	tssDesc := func(base uint64, typ uint64) uint64 {
		return 0x67 | (base&0xffffff)<<16 | (0x80|typ)<<40 | (base>>24)<<56
	}
	m.put64(tGDT+selTSS, tssDesc(tTSS, 0xb))
	m.put64(tGDT+selTSS2, tssDesc(tss2, 0xb))
	m.put64(tTSS, selTSS2)                // back link
	m.put64(tss2+0x20, tCode+0x100|2<<32) // EIP, EFLAGS
	m.put64(tss2+0x28, 0x1111)            // EAX
	m.put64(tss2+0x38, tStack-0x100)      // ESP
	for i, sel := range []uint64{selData, selCode32, selData, selData, selData, selData} {
		m.put64(tss2+0x48+uint64(i)*4, sel)
	}
	seg := func(sel uint16, typ uint8) accel.Segment {
		return accel.Segment{Selector: sel, Limit: 0xffffffff, Type: typ, S: true, Present: true, DB: true, G: true}
	}
	s.CS = seg(selCode32, 0xb)
	s.DS = seg(selData, 3)
	s.ES, s.SS, s.FS, s.GS = s.DS, s.DS, s.DS, s.DS
	s.TR = accel.Segment{Selector: selTSS, Base: tTSS, Limit: 0x67, Type: 0xb, Present: true}
	s.GDT.Limit = 0x57
	s.CR0 = cr0PE | cr0ET | cr0NE
	s.CR4, s.EFER = 0, 0
	s.RFLAGS = 2 | flagNT
	m.poke(tCode+0x100, []byte{0xf4})
	m.poke(tCode, []byte{0xbb, 0xaa, 0xaa, 0, 0, 0xcf}) // mov ebx, 0xaaaa; iret
	if err := m.cpu.SetState(s); err != nil {
		t.Fatal(err)
	}
	st := m.runToHalt()
	if st.TR.Selector != selTSS2 || st.GPR[accel.RAX] != 0x1111 || st.RIP != tCode+0x101 {
		t.Errorf("TR %#x EAX %#x RIP %#x, want %#x, 0x1111, %#x", st.TR.Selector, st.GPR[accel.RAX], st.RIP, selTSS2, uint64(tCode+0x101))
	}
	saved := m.get64(tTSS + 0x20)
	if eip := uint32(saved); eip != tCode+6 {
		t.Errorf("saved EIP %#x, want %#x (after the IRET)", eip, tCode+6)
	}
	if fl := saved >> 32; fl&flagNT != 0 {
		t.Errorf("saved EFLAGS %#x has NT", fl)
	}
	if ebx := uint32(m.get64(tTSS + 0x34)); ebx != 0xaaaa {
		t.Errorf("saved EBX %#x, want 0xaaaa", ebx)
	}
	if typ := m.get64(tGDT+selTSS) >> 40 & 0xf; typ != 9 {
		t.Errorf("outgoing TSS type %#x, want 9 (available)", typ)
	}
}
