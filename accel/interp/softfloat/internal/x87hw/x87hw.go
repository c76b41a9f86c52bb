// Package x87hw runs single x87 instructions on the host CPU, for
// differential tests of the softfloat package. It is test support: nothing
// in the emulator uses it.
//
// Only non-waiting instructions follow the one under test, so unmasked
// exceptions stay pending and never fault; FNSAVE captures the result.
package x87hw

//go:generate python3 gen.py

import "encoding/binary"

// Frame is the memory an instruction runs over. The field offsets are
// fixed: the assembly addresses them directly.
type Frame struct {
	A     [16]byte  // ST(0) operand, 10-byte format
	B     [16]byte  // ST(1) operand
	FCW   uint16    // control word loaded before the instruction
	FSW   uint16    // status word after it
	_     [4]byte   //
	_     [32]byte  // unused
	Mem   [16]byte  // memory operand of loads and stores
	Flags uint64    // RFLAGS after FCOMI/FUCOMI
	Save  [108]byte // FNSAVE image after the instruction (32-bit layout)
}

// ST returns register ST(i) after the instruction.
func (f *Frame) ST(i int) [10]byte {
	return [10]byte(f.Save[28+10*i : 38+10*i])
}

// Empty reports whether ST(i) is tagged empty after the instruction.
func (f *Frame) Empty(i int) bool {
	fsw := binary.LittleEndian.Uint16(f.Save[4:])
	ftw := binary.LittleEndian.Uint16(f.Save[8:])
	phys := (int(fsw>>11&7) + i) & 7
	return ftw>>(2*phys)&3 == 3
}
