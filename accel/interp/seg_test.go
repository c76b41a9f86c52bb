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
