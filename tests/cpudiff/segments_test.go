package cpudiff

import (
	"fmt"
	"testing"

	"gemu/accel"
)

// descKind is a descriptor placed at a free GDT slot for segment-load
// cases.
type descKind struct {
	name string
	d    uint64
}

const (
	typeCodeXO   = 0x8 // execute-only
	typeCodeXR   = 0xa // execute/read
	typeConfXO   = 0xc // conforming execute-only
	typeConfXR   = 0xe // conforming execute/read
	typeDataRO   = 0x0
	typeDataRW   = 0x2
	typeDataDown = 0x6 // read/write, expand-down
)

func dpl(n uint8) uint8 { return n << 5 }

var descKinds = []descKind{
	{"data-rw-dpl3", Desc(0, 0xfffff, AccP|AccS|typeDataRW|dpl(3), FlagG|FlagDB)},
	{"data-rw-dpl0", Desc(0, 0xfffff, AccP|AccS|typeDataRW, FlagG|FlagDB)},
	{"data-rw-dpl1", Desc(0, 0xfffff, AccP|AccS|typeDataRW|dpl(1), FlagG|FlagDB)},
	{"data-ro-dpl3", Desc(0x1000, 0xffff, AccP|AccS|typeDataRO|dpl(3), FlagDB)},
	{"data-expand-down-dpl3", Desc(DataBase, 0x0fff, AccP|AccS|typeDataDown|dpl(3), FlagDB)},
	{"data-not-present-dpl3", Desc(0, 0xfffff, AccS|typeDataRW|dpl(3), FlagG|FlagDB)},
	{"code-xo-dpl3", Desc(0, 0xfffff, AccP|AccS|typeCodeXO|dpl(3), FlagG|FlagDB)},
	{"code-xr-dpl3", Desc(0, 0xfffff, AccP|AccS|typeCodeXR|dpl(3), FlagG|FlagDB)},
	{"code-xr-dpl0", Desc(0, 0xfffff, AccP|AccS|typeCodeXR, FlagG|FlagDB)},
	{"conforming-xr-dpl0", Desc(0, 0xfffff, AccP|AccS|typeConfXR, FlagG|FlagDB)},
	{"conforming-xo-dpl0", Desc(0, 0xfffff, AccP|AccS|typeConfXO, FlagG|FlagDB)},
	{"code64-xr-dpl3", Desc(0, 0xfffff, AccP|AccS|typeCodeXR|dpl(3), FlagG|FlagL)},
	{"code-not-present-dpl3", Desc(0, 0xfffff, AccS|typeCodeXR|dpl(3), FlagG|FlagDB)},
	{"ldt-dpl3", Desc(LDTBase, LDTLimit, AccP|0x2|dpl(3), 0)},
	{"tss32-available-dpl3", Desc(TSSAltB, 0x67, AccP|0x9|dpl(3), 0)},
	{"tss32-busy-dpl3", Desc(TSSAltB, 0x67, AccP|0xb|dpl(3), 0)},
	{"call-gate32-dpl3", Gate32(KCode32, CodeBase, 0xc, 3, 0)},
	{"interrupt-gate32-dpl3", Gate32(KCode32, CodeBase, 0xe, 3, 0)},
	{"task-gate-dpl3", Gate32(TSSAlt, 0, 0x5, 3, 0)},
	{"system-type-0-dpl3", Desc(0, 0xffff, AccP|0x0|dpl(3), 0)},
}

// fault is an exception with its error code.
type fault struct {
	vec  int
	code uint32
}

const (
	vecDE = 0
	vecDB = 1
	vecBP = 3
	vecOF = 4
	vecBR = 5
	vecUD = 6
	vecNM = 7
	vecDF = 8
	vecTS = 10
	vecNP = 11
	vecSS = 12
	vecGP = 13
	vecPF = 14
	vecMF = 16
	vecAC = 17
	vecXM = 19
)

// loadDataOracle is the SDM's answer for MOV to a data-segment register
// (vol. 2B, MOV; vol. 3A, 5.6): nil for a load that succeeds.
func loadDataOracle(sel uint16, d uint64, cpl uint8) *fault {
	if sel&^3 == 0 {
		return nil
	}
	s := SegFromDesc(sel, d)
	rpl := uint8(sel & 3)
	switch {
	case !s.S:
		return &fault{vecGP, uint32(sel &^ 3)}
	case s.Type&0x8 != 0 && s.Type&0x2 == 0: // execute-only code
		return &fault{vecGP, uint32(sel &^ 3)}
	case !(s.Type&0xc == 0xc) && (rpl > s.DPL || cpl > s.DPL): // data or non-conforming code
		return &fault{vecGP, uint32(sel &^ 3)}
	case !s.Present:
		return &fault{vecNP, uint32(sel &^ 3)}
	}
	return nil
}

// loadSSOracle is the SDM's answer for MOV to SS.
func loadSSOracle(sel uint16, d uint64, cpl uint8, long bool) *fault {
	if sel&^3 == 0 {
		if long && cpl < 3 && uint8(sel&3) == cpl {
			return nil
		}
		return &fault{vecGP, 0}
	}
	s := SegFromDesc(sel, d)
	switch {
	case uint8(sel&3) != cpl || !s.S || s.Type&0x8 != 0 || s.Type&0x2 == 0 || s.DPL != cpl:
		return &fault{vecGP, uint32(sel &^ 3)}
	case !s.Present:
		return &fault{vecSS, uint32(sel &^ 3)}
	}
	return nil
}

// frameCode checks the error code on top of the handler's stack.
func frameCode(code uint32) func(r *Result) error {
	return func(r *Result) error {
		sp := r.State.GPR[accel.RSP]
		if got := r.U32(sp); got != code {
			return fmt.Errorf("error code %#x, want %#x", got, code)
		}
		return nil
	}
}

func cplOf(s Start) uint8 {
	switch s {
	case Prot32User, User64, Compat32User:
		return 3
	}
	return 0
}

func isLong(s Start) bool { return s == Long64 || s == User64 || s == Compat32User }

// TestSegmentLoads loads DS and SS with every kind of descriptor, at CPL3
// (natively on KVM) and CPL0 (KVM's emulator), in 32-bit protected mode
// and in long mode, with RPL 0 and 3, and checks the fault and its error
// code against the SDM's rules as well as across the accelerators.
func TestSegmentLoads(t *testing.T) {
	var cases []Case
	for _, start := range []Start{Prot32User, User64, Prot32, Long64} {
		cpl := cplOf(start)
		for _, k := range descKinds {
			for _, rpl := range []uint16{0, 3} {
				for _, reg := range []string{"ds", "ss"} {
					sel := uint16(FreeSel) | rpl
					var f *fault
					if reg == "ds" {
						f = loadDataOracle(sel, k.d, cpl)
					} else {
						f = loadSSOracle(sel, k.d, cpl, isLong(start))
					}
					c := Case{
						Name:  fmt.Sprintf("%s/%s/%s-rpl%d", start, reg, k.name, rpl),
						Start: start,
						Setup: func(w *World) { w.SetGDT(FreeSel, k.d) },
						Code: fmt.Sprintf(`
	mov $%#x, %%eax
	mov %%ax, %%%s
	mov %%%s, %%ebx
	ud2
`, sel, reg, reg),
						Stop: AtVector(vecUD),
					}
					if f != nil {
						c.Stop = AtVector(f.vec)
						c.Want = frameCode(f.code)
					}
					if start == User64 && reg != "ss" {
						c.NoKVM = quirkUser64DataSeg
					}
					cases = append(cases, c)
				}
			}
		}
		// Null selectors, selectors past the GDT limit, and LDT
		// selectors with and without an LDT.
		for _, reg := range []string{"ds", "ss", "fs"} {
			for _, sel := range []uint16{0, 3, 0x200 | 3, 0x4 | 3, 0x4} {
				var f *fault
				d := uint64(0)
				if reg == "ss" {
					f = loadSSOracle(sel, d, cpl, isLong(start))
				} else {
					f = loadDataOracle(sel, d, cpl)
				}
				if sel&^3 != 0 {
					f = &fault{vecGP, uint32(sel &^ 3)} // beyond the limit or no LDT
				}
				c := Case{
					Name:  fmt.Sprintf("%s/%s/selector-%#x", start, reg, sel),
					Start: start,
					Code: fmt.Sprintf(`
	mov $%#x, %%eax
	mov %%ax, %%%s
	mov %%%s, %%ebx
	ud2
`, sel, reg, reg),
					Stop: AtVector(vecUD),
				}
				if f != nil {
					c.Stop = AtVector(f.vec)
					c.Want = frameCode(f.code)
				}
				if start == User64 && reg != "ss" {
					c.NoKVM = quirkUser64DataSeg
				}
				cases = append(cases, c)
			}
		}
		// A data segment in the LDT.
		ldtSel := uint16(0x8 | 4 | 3)
		if cpl == 0 {
			ldtSel = 0x8 | 4
		}
		// Beyond the limit: #GP(0), except in 64-bit mode.
		stop, want := AtVector(vecGP), frameCode(0)
		if start == User64 || start == Long64 {
			stop, want = AtVector(vecUD), nil
		}
		c := Case{
			Name:  fmt.Sprintf("%s/ds/ldt-data", start),
			Start: start,
			Setup: func(w *World) {
				w.SetLDT(0x8, Desc(DataBase, 0xfff, AccData|AccDPL3, FlagDB))
				w.Put32(DataBase+0x10, 0x5a5a1234)
				w.State.LDT = SegFromDesc(LDTSel, w.GDT(LDTSel))
			},
			Code: fmt.Sprintf(`
	mov $%#x, %%eax
	mov %%ax, %%ds
	mov 0x10, %%ecx
	mov $0x1000, %%ebx
	mov (%%ebx), %%edx
	ud2
`, ldtSel),
			Stop: stop,
			Want: want,
		}
		if start == User64 {
			c.NoKVM = quirkUser64DataSeg
		}
		cases = append(cases, c)
	}
	runCases(t, cases)
}

// TestSegmentLimits accesses memory at and beyond segment limits,
// expand-down segments, and read-only and execute-only segments.
func TestSegmentLimits(t *testing.T) {
	setDesc := func(d uint64) func(w *World) { return func(w *World) { w.SetGDT(FreeSel, d) } }
	sel := fmt.Sprintf("$%#x", FreeSel|3)
	runCases(t, []Case{
		{Name: "limit-last-byte", Start: Prot32User, Stop: AtVector(vecUD),
			Setup: setDesc(Desc(DataBase, 0xfff, AccData|AccDPL3, FlagDB)),
			Code:  "mov " + sel + ", %eax\n mov %ax, %es\n movb $1, %es:0xfff\n mov %es:0xffc, %ecx\n ud2\n"},
		{Name: "limit-dword-straddles", Start: Prot32User, Stop: AtVector(vecGP),
			Setup: setDesc(Desc(DataBase, 0xfff, AccData|AccDPL3, FlagDB)), Want: frameCode(0),
			Code: "mov " + sel + ", %eax\n mov %ax, %es\n mov %es:0xffd, %ecx\n ud2\n"},
		{Name: "limit-stack-segment", Start: Prot32User, Stop: AtVector(vecSS),
			Setup: setDesc(Desc(DataBase, 0xfff, AccData|AccDPL3, FlagDB)), Want: frameCode(0),
			Code: "mov " + sel + ", %eax\n mov %ax, %ss\n mov $0x1002, %esp\n push %eax\n ud2\n"},
		{Name: "expand-down-inside", Start: Prot32User, Stop: AtVector(vecUD),
			Setup: setDesc(Desc(DataBase, 0xfff, AccP|AccS|typeDataDown|dpl(3), FlagDB)),
			Code:  "mov " + sel + ", %eax\n mov %ax, %es\n movl $7, %es:0x1000\n mov %es:0xfffffffc, %ecx\n ud2\n"},
		{Name: "expand-down-at-limit", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: setDesc(Desc(DataBase, 0xfff, AccP|AccS|typeDataDown|dpl(3), FlagDB)),
			Code:  "mov " + sel + ", %eax\n mov %ax, %es\n mov %es:0xfff, %ecx\n ud2\n"},
		{Name: "expand-down-16-bit-upper-bound", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: setDesc(Desc(DataBase, 0xfff, AccP|AccS|typeDataDown|dpl(3), 0)),
			Code:  "mov " + sel + ", %eax\n mov %ax, %es\n mov %es:0xfffe, %cx\n mov %es:0x10000, %cl\n ud2\n"},
		{Name: "write-read-only", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: setDesc(Desc(DataBase, 0xfff, AccP|AccS|typeDataRO|dpl(3), FlagDB)),
			Code:  "mov " + sel + ", %eax\n mov %ax, %es\n mov %es:0x10, %ecx\n movl $1, %es:0x10\n ud2\n"},
		{Name: "read-code-segment-through-cs", Start: Prot32User, Stop: AtVector(vecUD),
			Code: "mov %cs:CODE, %ecx\n ud2\n"},
		{Name: "write-code-segment-through-cs", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: "movl $0, %cs:DATA\n ud2\n"},
		{Name: "read-execute-only-cs", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: func(w *World) {
				w.SetGDT(UCode32, Desc(0, 0xfffff, AccP|AccS|typeCodeXO|dpl(3), FlagG|FlagDB))
				w.State.CS = SegFromDesc(UCode32, w.GDT(UCode32))
			},
			Code: "mov %cs:CODE, %ecx\n ud2\n"},
		{Name: "code-limit-fetch", Start: Prot32User, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: func(w *World) {
				w.SetGDT(FreeSel, Desc(0, CodeBase+0x40, AccP|AccS|typeCodeXR|dpl(3), FlagDB))
			},
			Code: "ljmp $" + fmt.Sprint(FreeSel|3) + ", $1f\n1: nop\n .fill 0x30, 1, 0x90\n"},
		{Name: "64-bit-ignores-limits", Start: User64, Stop: AtVector(vecUD),
			Setup: func(w *World) {
				w.SetGDT(FreeSel, Desc(DataBase, 0xf, AccData|AccDPL3, 0))
			},
			Code: "mov " + sel + ", %eax\n mov %ax, %ds\n mov %ax, %es\n movl $0x42, DATA+0x100\n mov %es:DATA+0x100, %ecx\n ud2\n"},
		{Name: "64-bit-fs-gs-bases", Start: User64, Stop: AtVector(vecUD),
			Setup: func(w *World) {
				w.State.FS.Base = DataBase
				w.State.GS.Base = DataBase + 0x800
			},
			Code: "movl $0x11, %fs:0x10\n movl $0x22, %gs:0x10\n mov %fs:0x810, %ecx\n mov %gs:-0x7f0, %edx\n ud2\n"},
		{Name: "64-bit-non-canonical-gp", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: "mov $0x0000800000000000, %rax\n mov (%rax), %rcx\n ud2\n"},
		{Name: "64-bit-non-canonical-stack-ss", Start: User64, Stop: AtVector(vecSS), Want: frameCode(0),
			Code: "mov $0x0000800000000010, %rbp\n mov (%rbp), %rcx\n ud2\n"},
	})
}
