package accel

import (
	"fmt"
	"strings"

	"gemu/migration/vmstate"
)

// General-purpose register indexes in CPUState.GPR, in instruction-encoding
// order.
const (
	RAX = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

var gprNames = [16]string{"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"}

// Segment is a segment register with its hidden descriptor cache, in the
// unpacked form KVM uses (kvm_segment).
type Segment struct {
	Selector uint16
	Base     uint64
	Limit    uint32 // byte granular (already scaled by G)
	Type     uint8  // descriptor type, 4 bits
	S        bool   // code/data (true) or system
	DPL      uint8
	Present  bool
	AVL      bool
	L        bool // 64-bit code segment
	DB       bool // default operation size / big
	G        bool // granularity, as stored in the descriptor
	Unusable bool // null selector loaded (VMX's "unusable")
}

// DTable is a descriptor-table register (GDTR, IDTR).
type DTable struct {
	Base  uint64
	Limit uint16
}

// Float80 is an x87 register: 64-bit significand with explicit integer bit,
// sign and 15-bit exponent in SignExp.
type Float80 struct {
	Mant    uint64
	SignExp uint16
}

// FPU is the x87, MMX and SSE state in FXSAVE terms.
type FPU struct {
	FCW, FSW uint16
	FTW      uint8  // abridged tag word: bit i set = ST register i (physical) valid
	FOP      uint16 // last x87 opcode
	FIP, FDP uint64 // last instruction and data pointers (64-bit format)
	FCS, FDS uint16 // their selectors (legacy formats)
	ST       [8]Float80
	XMM      [16][16]byte
	MXCSR    uint32
}

// MSR is one model-specific register.
type MSR struct {
	Index uint32
	Value uint64
}

// MP states (KVM_MP_STATE_*): what a vCPU is doing outside instructions.
const (
	MPRunnable      = 0
	MPUninitialized = 1 // application processor waiting for INIT
	MPInitReceived  = 2 // waiting for SIPI
	MPHalted        = 3
	MPSIPIReceived  = 4
)

// Events are pending exceptions and interrupts and the interrupt shadow (KVM's
// kvm_vcpu_events).
type Events struct {
	ExceptionPending  bool
	ExceptionInjected bool
	ExceptionVector   uint8
	ExceptionHasCode  bool
	ExceptionCode     uint32
	InterruptInjected bool
	InterruptVector   uint8
	InterruptSoft     bool
	Shadow            uint8 // bit 0: blocked by MOV SS, bit 1: blocked by STI (KVM's values)
	NMIInjected       bool
	NMIPending        bool
	NMIMasked         bool
	SIPIVector        uint32
	SMM               uint8 // smm flags, for the record
}

// CPUState is one vCPU's architectural state, neutral between accelerators.
// KVM fills every part; the interpreter fills the same parts from its own
// model, so a snapshot can move between them.
type CPUState struct {
	GPR    [16]uint64
	RIP    uint64
	RFLAGS uint64

	CS, DS, ES, FS, GS, SS, TR, LDT Segment
	GDT, IDT                        DTable

	CR0, CR2, CR3, CR4, CR8 uint64
	EFER                    uint64
	APICBase                uint64

	DR  [4]uint64 // DR0-DR3
	DR6 uint64
	DR7 uint64

	FPU  FPU
	XCR0 uint64
	// XSave holds the whole XSAVE area when the accelerator has one (KVM
	// with XSAVE): extended components beyond FPU. Empty otherwise.
	XSave []byte

	MSRs []MSR // every MSR the accelerator saves, sorted by index

	// LAPIC is the local APIC's 1 KiB register page in the APIC MMIO layout
	// (16-byte stride), as KVM_GET_LAPIC returns it. Empty when the APIC is
	// not part of the accelerator.
	LAPIC []byte

	Events  Events
	MPState uint32
	// InterruptBitmap lists external interrupts pending without an in-kernel
	// LAPIC (256 bits).
	InterruptBitmap [4]uint64
}

// Seg returns the segment register named by its encoding index (ES, CS, SS,
// DS, FS, GS).
func (s *CPUState) Seg(i int) *Segment {
	switch i {
	case 0:
		return &s.ES
	case 1:
		return &s.CS
	case 2:
		return &s.SS
	case 3:
		return &s.DS
	case 4:
		return &s.FS
	case 5:
		return &s.GS
	}
	return nil
}

// MSR returns the value of MSR index and whether it is present.
func (s *CPUState) MSR(index uint32) (uint64, bool) {
	for _, m := range s.MSRs {
		if m.Index == index {
			return m.Value, true
		}
	}
	return 0, false
}

// SetMSR sets or adds MSR index.
func (s *CPUState) SetMSR(index uint32, v uint64) {
	for i := range s.MSRs {
		if s.MSRs[i].Index == index {
			s.MSRs[i].Value = v
			return
		}
	}
	s.MSRs = append(s.MSRs, MSR{index, v})
	for i := len(s.MSRs) - 1; i > 0 && s.MSRs[i].Index < s.MSRs[i-1].Index; i-- {
		s.MSRs[i], s.MSRs[i-1] = s.MSRs[i-1], s.MSRs[i]
	}
}

// Dump renders the registers the way QEMU's "info registers" lays them out,
// for error reports.
func (s *CPUState) Dump() string {
	var b strings.Builder
	for i, r := range s.GPR {
		fmt.Fprintf(&b, "%-3s=%016x", gprNames[i], r)
		if i%4 == 3 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	fmt.Fprintf(&b, "RIP=%016x RFL=%08x CPL=%d\n", s.RIP, s.RFLAGS, s.CS.Selector&3)
	seg := func(n string, g *Segment) {
		fmt.Fprintf(&b, "%-3s=%04x %016x %08x type=%x s=%d dpl=%d p=%d l=%d db=%d g=%d\n", n, g.Selector, g.Base, g.Limit,
			g.Type, b2i(g.S), g.DPL, b2i(g.Present), b2i(g.L), b2i(g.DB), b2i(g.G))
	}
	seg("ES", &s.ES)
	seg("CS", &s.CS)
	seg("SS", &s.SS)
	seg("DS", &s.DS)
	seg("FS", &s.FS)
	seg("GS", &s.GS)
	seg("LDT", &s.LDT)
	seg("TR", &s.TR)
	fmt.Fprintf(&b, "GDT=     %016x %08x\nIDT=     %016x %08x\n", s.GDT.Base, s.GDT.Limit, s.IDT.Base, s.IDT.Limit)
	fmt.Fprintf(&b, "CR0=%08x CR2=%016x CR3=%016x CR4=%08x\n", s.CR0, s.CR2, s.CR3, s.CR4)
	fmt.Fprintf(&b, "DR0=%016x DR1=%016x DR2=%016x DR3=%016x\nDR6=%016x DR7=%016x\n", s.DR[0], s.DR[1], s.DR[2], s.DR[3], s.DR6, s.DR7)
	fmt.Fprintf(&b, "EFER=%016x", s.EFER)
	return b.String()
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// VisitState describes the vCPU state for snapshots and migration.
func (s *CPUState) VisitState(v *vmstate.Visitor) {
	v.Uint64s("gpr", s.GPR[:])
	v.Uint64("rip", &s.RIP)
	v.Uint64("rflags", &s.RFLAGS)
	for _, sg := range []struct {
		name string
		p    *Segment
	}{{"cs", &s.CS}, {"ds", &s.DS}, {"es", &s.ES}, {"fs", &s.FS}, {"gs", &s.GS}, {"ss", &s.SS}, {"tr", &s.TR}, {"ldt", &s.LDT}} {
		g := sg.p
		v.Struct(sg.name, func() {
			v.Uint16("selector", &g.Selector)
			v.Uint64("base", &g.Base)
			v.Uint32("limit", &g.Limit)
			v.Uint8("type", &g.Type)
			v.Check(g.Type < 16, "type %d", g.Type)
			v.Bool("s", &g.S)
			v.Uint8("dpl", &g.DPL)
			v.Check(g.DPL < 4, "dpl %d", g.DPL)
			v.Bool("present", &g.Present)
			v.Bool("avl", &g.AVL)
			v.Bool("l", &g.L)
			v.Bool("db", &g.DB)
			v.Bool("g", &g.G)
			v.Bool("unusable", &g.Unusable)
		})
	}
	v.Uint64("gdt-base", &s.GDT.Base)
	v.Uint16("gdt-limit", &s.GDT.Limit)
	v.Uint64("idt-base", &s.IDT.Base)
	v.Uint16("idt-limit", &s.IDT.Limit)
	v.Uint64("cr0", &s.CR0)
	v.Uint64("cr2", &s.CR2)
	v.Uint64("cr3", &s.CR3)
	v.Uint64("cr4", &s.CR4)
	v.Uint64("cr8", &s.CR8)
	v.Uint64("efer", &s.EFER)
	v.Uint64("apic-base", &s.APICBase)
	v.Uint64s("dr", s.DR[:])
	v.Uint64("dr6", &s.DR6)
	v.Uint64("dr7", &s.DR7)
	f := &s.FPU
	v.Struct("fpu", func() {
		v.Uint16("fcw", &f.FCW)
		v.Uint16("fsw", &f.FSW)
		v.Uint8("ftw", &f.FTW)
		v.Uint16("fop", &f.FOP)
		v.Uint64("fip", &f.FIP)
		v.Uint64("fdp", &f.FDP)
		v.Uint16("fcs", &f.FCS)
		v.Uint16("fds", &f.FDS)
		for i := range f.ST {
			v.Uint64(fmt.Sprintf("st%d-mant", i), &f.ST[i].Mant)
			v.Uint16(fmt.Sprintf("st%d-se", i), &f.ST[i].SignExp)
		}
		for i := range f.XMM {
			v.Array(fmt.Sprintf("xmm%d", i), f.XMM[i][:])
		}
		v.Uint32("mxcsr", &f.MXCSR)
	})
	v.Uint64("xcr0", &s.XCR0)
	v.Bytes("xsave", &s.XSave, 1<<16)
	v.Slice("msrs", len(s.MSRs), 4096, func(n int) { s.MSRs = make([]MSR, n) }, func(i int) {
		v.Uint32("index", &s.MSRs[i].Index)
		v.Uint64("value", &s.MSRs[i].Value)
	})
	v.Bytes("lapic", &s.LAPIC, 1024)
	v.Check(len(s.LAPIC) == 0 || len(s.LAPIC) == 1024, "lapic page of %d bytes", len(s.LAPIC))
	e := &s.Events
	v.Struct("events", func() {
		v.Bool("exc-pending", &e.ExceptionPending)
		v.Bool("exc-injected", &e.ExceptionInjected)
		v.Uint8("exc-vector", &e.ExceptionVector)
		v.Check(e.ExceptionVector < 32, "exception vector %d", e.ExceptionVector)
		v.Bool("exc-has-code", &e.ExceptionHasCode)
		v.Uint32("exc-code", &e.ExceptionCode)
		v.Bool("int-injected", &e.InterruptInjected)
		v.Uint8("int-vector", &e.InterruptVector)
		v.Bool("int-soft", &e.InterruptSoft)
		v.Uint8("shadow", &e.Shadow)
		v.Bool("nmi-injected", &e.NMIInjected)
		v.Bool("nmi-pending", &e.NMIPending)
		v.Bool("nmi-masked", &e.NMIMasked)
		v.Uint32("sipi-vector", &e.SIPIVector)
		v.Uint8("smm", &e.SMM)
	})
	v.Uint32("mp-state", &s.MPState)
	v.Check(s.MPState <= MPSIPIReceived, "mp state %d", s.MPState)
	v.Uint64s("interrupt-bitmap", s.InterruptBitmap[:])
}

// VMState is the VM-wide state an accelerator keeps outside its vCPUs: the
// in-kernel interrupt controllers and PIT, and the guest clock. Each part is
// an opaque, versioned blob owned by the accelerator that wrote it; another
// accelerator refuses what it cannot convert.
type VMState struct {
	Accel string // "kvm", "tcg"
	Parts []VMStatePart
}

// VMStatePart is one named piece of VM-wide accelerator state.
type VMStatePart struct {
	Name string // "pic-master", "ioapic", "pit", "clock", ...
	Data []byte
}

// VisitState describes the VM-wide state.
func (s *VMState) VisitState(v *vmstate.Visitor) {
	v.String("accel", &s.Accel, 16)
	v.Slice("parts", len(s.Parts), 64, func(n int) { s.Parts = make([]VMStatePart, n) }, func(i int) {
		v.String("name", &s.Parts[i].Name, 64)
		v.Bytes("data", &s.Parts[i].Data, 1<<20)
	})
}
