package cpudiff

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
)

// ComparedMSRs are the MSRs whose values both accelerators must agree on:
// the ones an operating system programs and the snippets exercise. The
// rest (TSC, machine-check banks, MTRRs, KVM's paravirtual MSRs) differ by
// design between a real CPU under KVM and the interpreter.
var ComparedMSRs = []uint32{
	0x174, 0x175, 0x176, // SYSENTER_CS, ESP, EIP
	0x277,                  // PAT
	0xc0000081, 0xc0000082, // STAR, LSTAR
	0xc0000083, 0xc0000084, // CSTAR, FMASK
	0xc0000102, // KERNEL_GS_BASE
}

// Normalize reduces s to what is architecturally comparable between the
// accelerators:
//
//   - MSRs: only ComparedMSRs.
//   - The XSAVE image and the LAPIC page are dropped (KVM fills them, the
//     interpreter has no XSAVE image and no APIC of its own).
//   - A vCPU stopped at HLT reports MPHalted on the interpreter and
//     MPRunnable on KVM without an in-kernel irqchip (KVM leaves the halt to
//     user space); both mean the same, and read as MPRunnable here.
//   - Exception fields of Events that are neither pending nor injected are
//     stale (KVM keeps the last one) and read as zero.
//   - A null selector in DS, ES, FS, GS or SS leaves nothing visible in the
//     hidden part but the FS/GS base (64-bit mode) and SS.DPL (the CPL);
//     KVM reports such a segment with zero attributes, the interpreter as
//     "unusable" with the old attributes, so only those fields are kept.
//   - FCS and FDS read as zero: KVM saves the x87 state in the 64-bit
//     FXSAVE format, which has no selectors.
func Normalize(s *accel.CPUState) {
	var msrs []accel.MSR
	for _, m := range s.MSRs {
		if slices.Contains(ComparedMSRs, m.Index) {
			msrs = append(msrs, m)
		}
	}
	s.MSRs = msrs
	s.XSave = nil
	s.LAPIC = nil
	if s.MPState == accel.MPHalted {
		s.MPState = accel.MPRunnable
	}
	e := &s.Events
	if !e.ExceptionPending && !e.ExceptionInjected {
		e.ExceptionVector, e.ExceptionHasCode, e.ExceptionCode = 0, false, 0
	}
	if !e.InterruptInjected {
		e.InterruptVector, e.InterruptSoft = 0, false
	}
	protected := s.CR0&CR0PE != 0 && s.RFLAGS&(1<<17) == 0
	for _, g := range []*accel.Segment{&s.DS, &s.ES, &s.FS, &s.GS, &s.SS} {
		if protected && g.Selector&^3 == 0 {
			*g = accel.Segment{Selector: g.Selector, Base: g.Base, DPL: g.DPL}
			if g != &s.FS && g != &s.GS {
				g.Base = 0
			}
			if g != &s.SS {
				g.DPL = 0
			}
		}
	}
	s.FPU.FCS, s.FPU.FDS = 0, 0
}

// regions name the parts of the layout, for RAM differences.
var regions = []struct {
	start, end uint64
	name       string
}{
	{IVTBase, IVTBase + 0x400, "IVT"},
	{ReportBase, ReportBase + 0x800, "report area"},
	{GDTBase, GDTBase + GDTLimit + 1, "GDT"},
	{LDTBase, LDTBase + LDTLimit + 1, "LDT"},
	{IDT32Base, IDT32Base + 0x800, "IDT32"},
	{TSS32Base, TSS32Base + 0x100, "TSS32"},
	{TSSDFBase, TSSDFBase + 0x100, "double-fault TSS"},
	{TSSAltB, TSSAltB + 0x100, "spare TSS"},
	{IDT64Base, IDT64Base + 0x1000, "IDT64"},
	{TSS64Base, TSS64Base + 0x1000, "TSS64"},
	{StubBase, StubBase + 0x800, "stubs"},
	{RealStack - 0x1000, RealStack, "real-mode stack"},
	{CodeBase, CodeBase + CodeSize, "code"},
	{PML4Base, PML4Base + 0x1000, "PML4"},
	{PDPTBase, PDPTBase + 0x1000, "PDPT"},
	{PDBase, PDBase + 0x1000, "PD"},
	{PTBase, PTBase + 0x1000, "PT"},
	{PD32Base, PD32Base + 0x1000, "PD32"},
	{PT32Base, PT32Base + 0x1000, "PT32"},
	{PAEPDPT, PAEPDPT + 0x1000, "PAE PDPT"},
	{PAEPDBase, PAEPDBase + 0x1000, "PAE PD"},
	{PAEPTBase, PAEPTBase + 0x1000, "PAE PT"},
	{DataBase, DataBase + 0x10000, "data"},
	{UserStack - 0x10000, UserStack, "user stack"},
	{KernStack - 0x10000, KernStack, "kernel stack"},
	{ISTStack - 0x8000, ISTStack, "IST1 stack"},
	{DFStack - 0x8000, DFStack, "IST2/double-fault stack"},
}

func regionName(a uint64) string {
	for _, r := range regions {
		if a >= r.start && a < r.end {
			return fmt.Sprintf("%s+%#x", r.name, a-r.start)
		}
	}
	return "free"
}

// fswES is the x87 error summary bit.
const fswES = 1 << 7

// maxRAMDiffs bounds the RAM differences listed.
const maxRAMDiffs = 24

// DiffRAM lists the quadwords that differ between a and b outside ignore.
func DiffRAM(a, b []byte, ignore []Range) string {
	var sb strings.Builder
	n := 0
	for off := 0; off+8 <= len(a) && off+8 <= len(b); off += 8 {
		x, y := binary.LittleEndian.Uint64(a[off:]), binary.LittleEndian.Uint64(b[off:])
		if x == y {
			continue
		}
		if m := ignoreMask(uint64(off), ignore); x&^m == y&^m {
			continue
		}
		if n < maxRAMDiffs {
			fmt.Fprintf(&sb, "  %#07x (%s): %#016x vs %#016x\n", off, regionName(uint64(off)), x, y)
		}
		n++
	}
	if n > maxRAMDiffs {
		fmt.Fprintf(&sb, "  ... %d more\n", n-maxRAMDiffs)
	}
	return sb.String()
}

// ignoreMask has the bytes of the quadword at a that ig covers set.
func ignoreMask(a uint64, ig []Range) uint64 {
	var m uint64
	for i := uint64(0); i < 8; i++ {
		for _, r := range ig {
			if a+i >= r.Start && a+i < r.End {
				m |= 0xff << (8 * i)
			}
		}
	}
	return m
}

// Diff compares two results (want first) after normalization and returns
// a readable description of every difference, or "".
func Diff(want, got *Result, ignore []Range) string {
	var sb strings.Builder
	if want.Exit != got.Exit {
		fmt.Fprintf(&sb, "exit: %s %v, %s %v\n", want.Accel, want.Exit, got.Accel, got.Exit)
	}
	ws, gs := want.State, got.State
	Normalize(&ws)
	Normalize(&gs)
	if ws.FPU.FSW&fswES == 0 && gs.FPU.FSW&fswES == 0 {
		// Without an unmasked x87 exception, FOP and FDP are the
		// processor's choice: this host's CPU records them only for
		// unmasked exceptions (CPUID.7.0:EBX[6], FDP_EXCPTN_ONLY, and
		// the FOP deprecation of Intel's processors since Core 2), the
		// interpreter for every x87 instruction, as older processors
		// do (SDM vol. 1, 8.1.8 and 8.1.9).
		ws.FPU.FOP, ws.FPU.FDP = 0, 0
		gs.FPU.FOP, gs.FPU.FDP = 0, 0
	}
	if want.Exit == accel.ExitShutdown && got.Exit == accel.ExitShutdown {
		// The state after a triple fault is the processor's business;
		// RF in particular depends on how far delivery got.
		ws.RFLAGS &^= 1 << 16
		gs.RFLAGS &^= 1 << 16
	}
	if d := cmp.Diff(ws, gs); d != "" {
		fmt.Fprintf(&sb, "CPU state (-%s +%s):\n%s", want.Accel, got.Accel, d)
	}
	if d := DiffRAM(want.RAM, got.RAM, ignore); d != "" {
		fmt.Fprintf(&sb, "RAM (%s vs %s):\n%s", want.Accel, got.Accel, d)
	}
	if d := cmp.Diff(want.IO, got.IO); d != "" {
		fmt.Fprintf(&sb, "I/O (-%s +%s):\n%s", want.Accel, got.Accel, d)
	}
	return sb.String()
}
