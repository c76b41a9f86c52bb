package cpudiff

import (
	"encoding/binary"
	"fmt"

	"gemu/accel"
)

// The guest-physical layout every snippet runs in. Everything a snippet
// needs to leave or enter a mode is already in place: a GDT with flat code
// and data segments for every mode and privilege level, an IVT, 32- and
// 64-bit IDTs whose every vector leads to a handler stub, TSSs, and page
// tables of every format identity-mapping the first 2 MiB of RAM with 4 KiB
// pages, the MMIO page StopMMIO, and (4-level and PAE) RAM once more at
// HighBase with a large page.
//
// Each handler stub is "hlt; jmp .-1" at StubBase + 8*vector. With an
// interrupt gate IF is clear in the handler, so the HLT ends the run
// (accel.ExitHalt) on every accelerator; the final RIP names the vector and
// the exception frame stays on the stack, where the RAM comparison sees it.
// The stubs are plain integer code, which KVM's instruction emulator runs
// at CPL0 on this kind of host.
const (
	RAMSize = 2 << 20

	IVTBase    = 0x0000
	ReportBase = 0x0800 // scratch words snippets may report through
	GDTBase    = 0x1000 // 64 entries
	GDTLimit   = 0x1ff
	LDTBase    = 0x1800 // 32 entries
	LDTLimit   = 0xff
	IDT32Base  = 0x2000 // 256 gates of 8 bytes
	TSS32Base  = 0x2800 // the running task
	TSSDFBase  = 0x2900 // the double-fault task
	TSSAltB    = 0x2a00 // a spare task for task switches
	IDT64Base  = 0x3000 // 256 gates of 16 bytes
	TSS64Base  = 0x4000
	StubBase   = 0x5000 // 256 stubs of 8 bytes
	RealStack  = 0x8000 // real-mode SS:SP = 0:RealStack
	CodeBase   = 0x8000 // the snippet
	CodeSize   = 0x8000

	PML4Base   = 0x10000
	PDPTBase   = 0x11000
	PDBase     = 0x12000 // PD[0] -> PTBase, PD[1] a 2 MiB page
	PTBase     = 0x13000 // 4 KiB pages for 0-2 MiB
	PD32Base   = 0x14000 // 32-bit paging: PD32[0] -> PT32Base
	PT32Base   = 0x15000 // 4 KiB pages for 0-4 MiB
	PAEPDPT    = 0x16000
	PAEPDBase  = 0x17000 // PAEPD[0] -> PAEPTBase, PAEPD[1] a 2 MiB page
	PAEPTBase  = 0x18000
	DataBase   = 0x20000 // 64 KiB for snippet data
	UserStack  = 0x40000 // stack tops (stacks grow down)
	KernStack  = 0x50000
	ISTStack   = 0x58000
	DFStack    = 0x60000
	FreeBase   = 0x60000  // up to 1 MiB: free for cases
	StopMMIO   = 0x3ff000 // a write here ends the run (AtStop); MMIO, mapped in every paging format
	HighBase   = 0x400000 // 4-6 MiB: a 2 MiB page (4-level, PAE) mapping physical 0-2 MiB again
	stubStride = 8
)

// Selectors of the GDT. The order satisfies both SYSCALL/SYSRET (STAR
// 47:32 = KCode64, 63:48 = UCode32) and SYSENTER/SYSEXIT
// (IA32_SYSENTER_CS = KCode64).
const (
	KCode64  = 0x08
	KData    = 0x10
	UCode32  = 0x18 | 3
	UData    = 0x20 | 3
	UCode64  = 0x28 | 3
	UData2   = 0x30 | 3
	KCode32  = 0x38
	KCode16  = 0x40
	KData16  = 0x48
	TSS64Sel = 0x50 // 16 bytes
	TSS32Sel = 0x60
	TSSDFSel = 0x68
	LDTSel   = 0x70
	TSSAlt   = 0x78
	FreeSel  = 0x80 // 0x80-0x1f8 are free for cases
)

// Descriptor access bytes and flags (SDM vol. 3A, 3.4.5).
const (
	AccP    = 0x80
	AccS    = 0x10
	AccDPL3 = 0x60
	AccCode = AccP | AccS | 0xa // execute/read
	AccData = AccP | AccS | 0x2 // read/write

	FlagG   = 0x8
	FlagDB  = 0x4
	FlagL   = 0x2
	FlagAVL = 0x1
)

// Control register, EFER and page-table bits the snippets use.
const (
	CR0PE = 1 << 0
	CR0MP = 1 << 1
	CR0EM = 1 << 2
	CR0TS = 1 << 3
	CR0ET = 1 << 4
	CR0NE = 1 << 5
	CR0WP = 1 << 16
	CR0AM = 1 << 18
	CR0PG = 1 << 31

	CR4VME        = 1 << 0
	CR4PVI        = 1 << 1
	CR4TSD        = 1 << 2
	CR4DE         = 1 << 3
	CR4PSE        = 1 << 4
	CR4PAE        = 1 << 5
	CR4PGE        = 1 << 7
	CR4OSFXSR     = 1 << 9
	CR4OSXMMEXCPT = 1 << 10
	CR4UMIP       = 1 << 11
	CR4FSGSBASE   = 1 << 16
	CR4SMEP       = 1 << 20
	CR4SMAP       = 1 << 21

	MSREFER   = 0xc0000080
	EFERSCE   = 1 << 0
	EFERLME   = 1 << 8
	EFERLMA   = 1 << 10
	EFERNXE   = 1 << 11
	PTEP      = 1 << 0
	PTERW     = 1 << 1
	PTEUS     = 1 << 2
	PTEA      = 1 << 5
	PTED      = 1 << 6
	PTEPS     = 1 << 7
	PTEG      = 1 << 8
	PTENX     = 1 << 63
	FlagsIF   = 1 << 9
	FlagsTF   = 1 << 8
	FlagsAC   = 1 << 18
	FlagsIOPL = 3 << 12
)

// Symbol is an assembler symbol the prelude defines.
type Symbol struct {
	Name  string
	Value uint64
}

// Symbols lists the layout for the assembler prelude.
func Symbols() []Symbol {
	return []Symbol{
		{"RESULT", ReportBase}, {"GDT", GDTBase}, {"GDTLIMIT", GDTLimit}, {"LDTLIMIT", LDTLimit},
		{"IDT32LIMIT", 256*8 - 1}, {"IDT64LIMIT", 256*16 - 1}, {"LDT", LDTBase}, {"IDT32", IDT32Base}, {"IDT64", IDT64Base},
		{"TSS32", TSS32Base}, {"TSSDF", TSSDFBase}, {"TSSALT", TSSAltB}, {"TSS64", TSS64Base}, {"STUBS", StubBase},
		{"CODE", CodeBase}, {"PML4", PML4Base}, {"PDPT", PDPTBase}, {"PD", PDBase}, {"PT", PTBase},
		{"PD32", PD32Base}, {"PT32", PT32Base}, {"PAEPDPT", PAEPDPT}, {"PAEPD", PAEPDBase}, {"PAEPT", PAEPTBase},
		{"DATA", DataBase}, {"USTACK", UserStack}, {"KSTACK", KernStack}, {"ISTSTACK", ISTStack},
		{"DFSTACK", DFStack}, {"FREE", FreeBase}, {"HIGH", HighBase}, {"STOP", StopMMIO},
		{"KCODE64", KCode64}, {"KDATA", KData}, {"UCODE32", UCode32}, {"UDATA", UData}, {"UCODE64", UCode64},
		{"UDATA2", UData2}, {"KCODE32", KCode32}, {"KCODE16", KCode16}, {"KDATA16", KData16},
		{"TSS64SEL", TSS64Sel}, {"TSS32SEL", TSS32Sel}, {"TSSDFSEL", TSSDFSel}, {"LDTSEL", LDTSel},
		{"TSSALTSEL", TSSAlt}, {"FREESEL", FreeSel},
		{"CR0_PE", CR0PE}, {"CR0_MP", CR0MP}, {"CR0_EM", CR0EM}, {"CR0_TS", CR0TS}, {"CR0_NE", CR0NE},
		{"CR0_WP", CR0WP}, {"CR0_AM", CR0AM}, {"CR0_PG", CR0PG},
		{"CR4_PSE", CR4PSE}, {"CR4_PAE", CR4PAE}, {"CR4_PGE", CR4PGE}, {"CR4_OSFXSR", CR4OSFXSR},
		{"CR4_OSXMMEXCPT", CR4OSXMMEXCPT}, {"CR4_SMEP", CR4SMEP}, {"CR4_SMAP", CR4SMAP}, {"CR4_DE", CR4DE},
		{"CR4_TSD", CR4TSD}, {"CR4_UMIP", CR4UMIP}, {"CR4_VME", CR4VME},
		{"MSR_EFER", MSREFER}, {"EFER_SCE", EFERSCE}, {"EFER_LME", EFERLME}, {"EFER_NXE", EFERNXE},
		{"MSR_STAR", 0xc0000081}, {"MSR_LSTAR", 0xc0000082}, {"MSR_CSTAR", 0xc0000083}, {"MSR_FMASK", 0xc0000084},
		{"MSR_FSBASE", 0xc0000100}, {"MSR_GSBASE", 0xc0000101}, {"MSR_KGSBASE", 0xc0000102},
		{"MSR_SYSENTER_CS", 0x174}, {"MSR_SYSENTER_ESP", 0x175}, {"MSR_SYSENTER_EIP", 0x176},
		{"MSR_PAT", 0x277}, {"MSR_TSC_AUX", 0xc0000103},
	}
}

// Stub returns the address of the handler stub of vector v.
func Stub(v int) uint64 { return StubBase + stubStride*uint64(v) }

// StubVector reports which stub rip (the address after its HLT) is in.
func StubVector(rip uint64) (int, bool) {
	if rip < StubBase || rip >= StubBase+256*stubStride {
		return 0, false
	}
	return int((rip - StubBase) / stubStride), true
}

// Range is a guest-physical byte range.
type Range struct {
	Start, End uint64
}

// World is the initial RAM image and CPU state of a run.
type World struct {
	RAM   []byte
	State accel.CPUState
	// Symbols are the snippet's labels (Program.Symbols).
	Symbols map[string]uint64
}

// Sym returns the address of the snippet's label name; it panics on a
// name the snippet does not define (a mistake in the case).
func (w *World) Sym(name string) uint64 {
	v, ok := w.Symbols[name]
	if !ok {
		panic(fmt.Sprintf("cpudiff: the snippet has no label %q", name))
	}
	return v
}

// Desc builds a code, data or system segment descriptor (SDM vol. 3A,
// figure 3-8). access is the byte P|DPL|S|type, flags the nibble G|DB|L|AVL;
// limit is in bytes if G is clear, in 4 KiB units otherwise.
func Desc(base, limit uint32, access, flags uint8) uint64 {
	return uint64(limit&0xffff) | uint64(base&0xffffff)<<16 | uint64(access)<<40 |
		uint64(limit>>16&0xf)<<48 | uint64(flags&0xf)<<52 | uint64(base>>24)<<56
}

// Gate32 builds a 32-bit (or 16-bit) IDT/GDT gate: typ 0xe interrupt, 0xf
// trap, 0xc call, 0x5 task (offset ignored), 0x6/0x7/0x4 the 16-bit forms.
func Gate32(sel uint16, off uint32, typ, dpl uint8, params uint8) uint64 {
	return uint64(off&0xffff) | uint64(sel)<<16 | uint64(params&0x1f)<<32 | uint64(AccP|dpl<<5|typ&0xf)<<40 |
		uint64(off>>16)<<48
}

// Gate64 builds a 64-bit IDT or call gate (16 bytes): low and high
// quadwords.
func Gate64(sel uint16, off uint64, typ, dpl, ist uint8) (lo, hi uint64) {
	lo = off&0xffff | uint64(sel)<<16 | uint64(ist&7)<<32 | uint64(AccP|dpl<<5|typ&0xf)<<40 | (off>>16&0xffff)<<48
	return lo, off >> 32
}

// SysDesc64 builds a 16-byte system descriptor (TSS, LDT) for long mode.
func SysDesc64(base uint64, limit uint32, typ, dpl uint8) (lo, hi uint64) {
	return Desc(uint32(base), limit, AccP|dpl<<5|typ&0xf, 0), base >> 32
}

// SegFromDesc is the descriptor cache a load of sel with descriptor d
// produces, with the accessed bit set as the load sets it.
func SegFromDesc(sel uint16, d uint64) accel.Segment {
	s := accel.Segment{
		Selector: sel,
		Base:     d>>16&0xffffff | (d>>56)<<24,
		Limit:    uint32(d&0xffff | (d>>48&0xf)<<16),
		Type:     uint8(d >> 40 & 0xf),
		S:        d>>44&1 != 0,
		DPL:      uint8(d >> 45 & 3),
		Present:  d>>47&1 != 0,
		AVL:      d>>52&1 != 0,
		L:        d>>53&1 != 0,
		DB:       d>>54&1 != 0,
		G:        d>>55&1 != 0,
	}
	if s.G {
		s.Limit = s.Limit<<12 | 0xfff
	}
	if s.S {
		s.Type |= 1
	}
	return s
}

func (w *World) check(a uint64, n int) {
	if a+uint64(n) > uint64(len(w.RAM)) {
		panic(fmt.Sprintf("cpudiff: access %#x+%d outside RAM", a, n))
	}
}

// Put8 and the others write little-endian values into the initial RAM.
func (w *World) Put8(a uint64, v uint8) { w.check(a, 1); w.RAM[a] = v }
func (w *World) Put16(a uint64, v uint16) {
	w.check(a, 2)
	binary.LittleEndian.PutUint16(w.RAM[a:], v)
}
func (w *World) Put32(a uint64, v uint32) {
	w.check(a, 4)
	binary.LittleEndian.PutUint32(w.RAM[a:], v)
}
func (w *World) Put64(a uint64, v uint64) {
	w.check(a, 8)
	binary.LittleEndian.PutUint64(w.RAM[a:], v)
}

// Get64 reads a quadword of the initial RAM.
func (w *World) Get64(a uint64) uint64 { w.check(a, 8); return binary.LittleEndian.Uint64(w.RAM[a:]) }

// Copy writes b at a.
func (w *World) Copy(a uint64, b []byte) { w.check(a, len(b)); copy(w.RAM[a:], b) }

// SetGDT writes descriptor d for selector sel (RPL and TI ignored).
func (w *World) SetGDT(sel uint16, d uint64) { w.Put64(GDTBase+uint64(sel&^7), d) }

// GDT reads the descriptor of selector sel.
func (w *World) GDT(sel uint16) uint64 { return w.Get64(GDTBase + uint64(sel&^7)) }

// SetLDT writes descriptor d for LDT selector sel.
func (w *World) SetLDT(sel uint16, d uint64) { w.Put64(LDTBase+uint64(sel&^7), d) }

// SetIDT32 writes 32-bit IDT gate v.
func (w *World) SetIDT32(v int, d uint64) { w.Put64(IDT32Base+8*uint64(v), d) }

// SetIDT64 writes 64-bit IDT gate v.
func (w *World) SetIDT64(v int, lo, hi uint64) {
	w.Put64(IDT64Base+16*uint64(v), lo)
	w.Put64(IDT64Base+16*uint64(v)+8, hi)
}

// PTE returns the address of the 4-level (and PAE: same indexes, other
// tables) page-table entry of linear address la below 2 MiB.
func PTE(la uint64) uint64 { return PTBase + (la>>12)*8 }

// PTE32 returns the address of the 32-bit page-table entry of la below 4 MiB.
func PTE32(la uint64) uint64 { return PT32Base + (la>>12)*4 }

// PAEPTE returns the address of the PAE page-table entry of la below 2 MiB.
func PAEPTE(la uint64) uint64 { return PAEPTBase + (la>>12)*8 }

// NewWorld builds the standard layout, with the CPU in the given start
// state.
func NewWorld(start Start) *World {
	w := &World{RAM: make([]byte, RAMSize)}
	// Handler stubs: hlt; jmp .-1 (the same bytes in every mode).
	for v := 0; v < 256; v++ {
		a := Stub(v)
		w.Copy(a, []byte{0xf4, 0xeb, 0xfd, 0x90, 0x90, 0x90, 0x90, 0x90})
		w.Put32(IVTBase+4*uint64(v), uint32(a)) // 0000:stub
		w.SetIDT32(v, Gate32(KCode32, uint32(a), 0xe, 3, 0))
		lo, hi := Gate64(KCode64, a, 0xe, 3, 0)
		w.SetIDT64(v, lo, hi)
	}
	// GDT. The standard code and data descriptors are marked accessed,
	// as operating systems leave them, so that only the descriptors a
	// case makes (with the bit clear) show whether loads set it.
	const a = 1 // accessed
	w.SetGDT(KCode64, Desc(0, 0xfffff, AccCode|a, FlagG|FlagL))
	w.SetGDT(KData, Desc(0, 0xfffff, AccData|a, FlagG|FlagDB))
	w.SetGDT(UCode32, Desc(0, 0xfffff, AccCode|AccDPL3|a, FlagG|FlagDB))
	w.SetGDT(UData, Desc(0, 0xfffff, AccData|AccDPL3|a, FlagG|FlagDB))
	w.SetGDT(UCode64, Desc(0, 0xfffff, AccCode|AccDPL3|a, FlagG|FlagL))
	w.SetGDT(UData2, Desc(0, 0xfffff, AccData|AccDPL3|a, FlagG|FlagDB))
	w.SetGDT(KCode32, Desc(0, 0xfffff, AccCode|a, FlagG|FlagDB))
	w.SetGDT(KCode16, Desc(0, 0xffff, AccCode|a, 0))
	w.SetGDT(KData16, Desc(0, 0xffff, AccData|a, 0))
	lo, hi := SysDesc64(TSS64Base, 0x67, 0xb, 0) // busy: TR holds it
	w.SetGDT(TSS64Sel, lo)
	w.SetGDT(TSS64Sel+8, hi)
	w.SetGDT(TSS32Sel, Desc(TSS32Base, 0x67, AccP|0xb, 0))
	w.SetGDT(TSSDFSel, Desc(TSSDFBase, 0x67, AccP|0x9, 0))
	w.SetGDT(TSSAlt, Desc(TSSAltB, 0x67, AccP|0x9, 0))
	w.SetGDT(LDTSel, Desc(LDTBase, LDTLimit, AccP|0x2, 0))
	// 64-bit TSS: RSP0, IST1 and IST2; no I/O bitmap.
	w.Put64(TSS64Base+4, KernStack)
	w.Put64(TSS64Base+0x24, ISTStack)
	w.Put64(TSS64Base+0x2c, DFStack)
	w.Put16(TSS64Base+0x66, 0x68)
	// 32-bit TSS of the running task: ESP0/SS0; no I/O bitmap.
	w.Put32(TSS32Base+4, KernStack)
	w.Put32(TSS32Base+8, KData)
	w.Put16(TSS32Base+0x66, 0x68)
	w.Put16(TSSAltB+0x66, 0x68)
	// The double-fault task runs the #DF stub on its own stack.
	df := uint64(TSSDFBase)
	w.Put32(df+0x1c, PD32Base) // CR3 (used only with paging)
	w.Put32(df+0x20, uint32(Stub(8)))
	w.Put32(df+0x24, 2) // EFLAGS
	w.Put32(df+0x38, DFStack)
	for i, sel := range []uint16{KData, KCode32, KData, KData, KData, KData} { // ES CS SS DS FS GS
		w.Put16(df+0x48+4*uint64(i), sel)
	}
	w.Put16(df+0x66, 0x68)
	// Page tables: identity maps of RAM and of 2-4 MiB (MMIO, holding
	// StopMMIO), and a large page at HighBase onto RAM again; user and
	// writable, with the accessed and dirty bits clear so the runs set
	// them. 32-bit paging maps 0-4 MiB with 4 KiB pages.
	const u = PTEP | PTERW | PTEUS
	w.Put64(PML4Base, PDPTBase|u)
	w.Put64(PDPTBase, PDBase|u)
	w.Put64(PDBase, PTBase|u)
	w.Put64(PDBase+8, 0x200000|u|PTEPS)
	w.Put64(PDBase+16, u|PTEPS)
	for i := uint64(0); i < 512; i++ {
		w.Put64(PTBase+8*i, i<<12|u)
		w.Put64(PAEPTBase+8*i, i<<12|u)
	}
	w.Put32(PD32Base, PT32Base|u)
	for i := uint64(0); i < 1024; i++ {
		w.Put32(PT32Base+4*i, uint32(i<<12|u))
	}
	w.Put64(PAEPDPT, PAEPDBase|PTEP)
	w.Put64(PAEPDBase, PAEPTBase|u)
	w.Put64(PAEPDBase+8, 0x200000|u|PTEPS)
	w.Put64(PAEPDBase+16, u|PTEPS)
	w.State = w.startState(start)
	return w
}

// Start names an initial CPU mode.
type Start int

const (
	// Real: real mode, CS:IP = 0:CodeBase, SS:SP = 0:RealStack.
	Real Start = iota
	// Prot32: 32-bit protected mode at CPL0, no paging, the 32-bit IDT.
	Prot32
	// Prot32User: 32-bit protected mode at CPL3 (ESP0 in TSS32).
	Prot32User
	// Long64: 64-bit mode at CPL0, 4-level paging, the 64-bit IDT.
	Long64
	// User64: 64-bit mode at CPL3.
	User64
	// Compat32User: compatibility mode (32-bit code in long mode) at CPL3.
	Compat32User
)

func (s Start) String() string {
	return [...]string{"real", "prot32", "prot32-user", "long64", "user64", "compat32-user"}[s]
}

func (w *World) startState(start Start) accel.CPUState {
	s := accel.ResetState(0)
	s.GPR[accel.RDX] = 0
	s.CR0 = CR0ET
	s.GDT = accel.DTable{Base: GDTBase, Limit: GDTLimit}
	s.LDT = accel.Segment{Limit: 0xffff, Type: 2, Present: true}
	s.RFLAGS = 2
	if start == Real {
		real := func(sel uint16, typ uint8) accel.Segment {
			return accel.Segment{Selector: sel, Base: uint64(sel) << 4, Limit: 0xffff, Type: typ, S: true, Present: true}
		}
		s.CS = real(0, 0xb)
		s.DS, s.ES, s.FS, s.GS, s.SS = real(0, 3), real(0, 3), real(0, 3), real(0, 3), real(0, 3)
		s.IDT = accel.DTable{Base: IVTBase, Limit: 0x3ff}
		s.RIP = CodeBase
		s.GPR[accel.RSP] = RealStack
		return s
	}
	seg := func(sel uint16) accel.Segment { return SegFromDesc(sel, w.GDT(sel)) }
	s.CR0 = CR0PE | CR0ET | CR0NE | CR0MP
	s.RIP = CodeBase
	s.LDT = accel.Segment{Unusable: true}
	switch start {
	case Prot32, Prot32User:
		s.IDT = accel.DTable{Base: IDT32Base, Limit: 256*8 - 1}
		s.TR = accel.Segment{Selector: TSS32Sel, Base: TSS32Base, Limit: 0x67, Type: 0xb, Present: true}
		s.CS, s.SS, s.GPR[accel.RSP] = seg(KCode32), seg(KData), KernStack
		d := seg(KData)
		if start == Prot32User {
			s.CS, s.SS, s.GPR[accel.RSP] = seg(UCode32), seg(UData), UserStack
			d = seg(UData)
		}
		s.DS, s.ES, s.FS, s.GS = d, d, d, d
	default:
		s.IDT = accel.DTable{Base: IDT64Base, Limit: 256*16 - 1}
		s.TR = accel.Segment{Selector: TSS64Sel, Base: TSS64Base, Limit: 0x67, Type: 0xb, Present: true}
		s.CR0 |= CR0PG | CR0WP
		s.CR3 = PML4Base
		s.CR4 = CR4PAE | CR4OSFXSR | CR4OSXMMEXCPT
		s.EFER = EFERLME | EFERLMA | EFERSCE | EFERNXE
		s.CS, s.SS, s.GPR[accel.RSP] = seg(KCode64), seg(KData), KernStack
		d := seg(KData)
		switch start {
		case User64:
			s.CS, s.SS, s.GPR[accel.RSP] = seg(UCode64), seg(UData), UserStack
			d = seg(UData)
		case Compat32User:
			s.CS, s.SS, s.GPR[accel.RSP] = seg(UCode32), seg(UData), UserStack
			d = seg(UData)
		}
		s.DS, s.ES, s.FS, s.GS = d, d, d, d
	}
	if s.CS.DPL == 3 {
		s.RFLAGS |= FlagsIF
	}
	return s
}
