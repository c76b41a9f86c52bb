package accel

// ResetState returns the architectural state of an x86 processor after
// RESET (Intel SDM vol. 3A, table 9-1): real mode, CS.base 0xffff0000 with
// IP 0xfff0 so the first fetch is at 0xfffffff0. Application processors
// (index > 0) start in the wait-for-SIPI state.
func ResetState(index int) CPUState {
	seg := func(typ uint8) Segment {
		return Segment{Limit: 0xffff, Type: typ, S: true, Present: true}
	}
	s := CPUState{
		RIP:      0xfff0,
		RFLAGS:   0x2,
		CS:       seg(0xb), // execute/read, accessed
		DS:       seg(0x3), // read/write, accessed
		ES:       seg(0x3),
		FS:       seg(0x3),
		GS:       seg(0x3),
		SS:       seg(0x3),
		TR:       Segment{Limit: 0xffff, Type: 0xb, Present: true}, // 32-bit busy TSS
		LDT:      Segment{Limit: 0xffff, Type: 0x2, Present: true}, // LDT
		GDT:      DTable{Limit: 0xffff},
		IDT:      DTable{Limit: 0xffff},
		CR0:      0x60000010, // CD, NW, ET
		DR6:      0xffff0ff0,
		DR7:      0x400,
		APICBase: 0xfee00000 | 1<<11, // enabled; BSP bit below
	}
	s.CS.Selector = 0xf000
	s.CS.Base = 0xffff0000
	s.GPR[RDX] = 0x600 // family 6 signature, as QEMU reports
	s.FPU.FCW = 0x37f
	s.FPU.MXCSR = 0x1f80
	if index == 0 {
		s.APICBase |= 1 << 8
	} else {
		s.MPState = MPUninitialized
	}
	return s
}
