package cpudiff

import "gemu/accel"

// Where this host's KVM (kvm_pvm, see DESIGN.md §3) cannot give the
// hardware's answer, a case runs on the interpreter alone and checks the
// SDM's expectations; these are the reasons, one per quirk found.
const (
	quirkCRHighBits    = "KVM here answers a MOV to CR0 or CR4 that sets bits 63:32 with #PF (CR2 = the value, RIP past the instruction) instead of #GP(0)"
	quirkIntN          = "KVM here raises #UD for INT n (CD ib, n != 3) and INTO at CPL3 and fails to emulate them at CPL0"
	quirkUser64DataSeg = "KVM here does not track DS, ES, FS and GS selectors faithfully in 64-bit mode at CPL3: a null load is lost and MOV from the register reads the host's selector"
	quirkV86           = "KVM here has no virtual-8086 mode: IRET into it fails to emulate, and a vCPU put in it by state treats segment loads as protected-mode ones"
)

// fixDeliveryAccessed corrects a KVM result that ended in a handler stub
// for this host's event delivery, which loads the handler's CS (and, on a
// privilege change, SS) without setting the descriptors' accessed bits, in
// the GDT or in the segment caches. The SDM (vol. 3A, 3.4.5.1) has the
// processor set the bit whenever it loads a selector into a segment
// register, and hardware event delivery does. The fix sets the bit for the
// final CS, and for the final SS when the run changed SS; it changes
// nothing where KVM already set them.
func fixDeliveryAccessed(w *World, r *Result) {
	s := &r.State
	if r.Vector < 0 || s.CR0&CR0PE == 0 {
		return
	}
	fix := func(g *accel.Segment) {
		if g.Selector&^3 == 0 || g.Selector&4 != 0 || !g.S {
			return
		}
		if g.Type&1 != 0 {
			return
		}
		g.Type |= 1
		la := s.GDT.Base + uint64(g.Selector&^7) + 5
		a, ok := r.translate(la)
		if ok && a < uint64(len(r.RAM)) {
			r.RAM[a] |= 1
			// The processor's write to the descriptor marks the page
			// dirty, as any write through the paging structures does.
			r.markDirty(la)
		}
	}
	fix(&s.CS)
	if s.SS.Selector != w.State.SS.Selector {
		fix(&s.SS)
	}
}

// More quirks of this host's KVM, found by the cases.
const (
	quirkFarGate    = "KVM here raises #UD for far CALL and JMP through call gates or to system descriptors (it hands them to its emulator)"
	quirkFarReturn  = "KVM's emulator here fails on far RET and on IRET other than IRETQ at CPL0, and raises #UD for IRET at CPL3"
	quirkIRETQNull  = "KVM's IRETQ here does not null DS, ES, FS and GS whose DPL is below the new CPL"
	quirkIRETQFault = "KVM's IRETQ here leaves RSP past the frame when the return faults"
	quirkInt3Gate   = "KVM here delivers INT3 from CPL3 without checking the gate's DPL, type and present bit"
	quirkDelivery   = "KVM's event delivery here departs from the SDM: it skips the IDT limit, the target code segment's DPL and the TSS stack checks, raises #DF for a #PF or contributory fault during delivery of a benign exception, leaves CR2 alone for a #PF during delivery, pushes 32-bit frames through 16-bit gates, and clears EFLAGS.AC"
	quirkTaskSwitch = "KVM here cannot switch tasks through a task gate in the IDT (the guest shuts down)"
	quirkAM         = "KVM here runs CPL3 code under the host's CR0.AM: EFLAGS.AC alone enables alignment checks"
)

// Quirks of the fast system calls.
const (
	quirkSyscall      = "SYSCALL at CPL3 here jumps to LSTAR/CSTAR but stays at CPL3, and with EFER.SCE clear it updates RCX and R11 before its #UD (kvm_pvm expects guest kernels that use its own entry protocol)"
	quirkSysret       = "KVM's SYSRET here hangs with a 32-bit operand size, and with a non-canonical RCX raises the #GP after switching to CPL3 (AMD's behaviour; the Intel SDM raises it at CPL0)"
	quirkSysenter64   = "KVM here raises #UD for SYSENTER in 64-bit mode, which Intel processors execute"
	quirkSwapgsCompat = "KVM here raises #GP rather than #UD for SWAPGS in compatibility mode"
)

// quirkLegacyPaging: kvm_pvm pages guests only in long mode.
const quirkLegacyPaging = "KVM here shuts a guest down as soon as it runs with 32-bit or PAE paging (it pages guests only in long mode)"

const (
	quirkEmulatorFails = "KVM's CPL0 instruction emulator here fails on this instruction (emulation failure)"
	quirkCR4Features   = "KVM here accepts CR4 bits (SMEP) that the guest's CPUID does not offer"
)

const (
	quirkWRMSRUD    = "KVM here raises #UD, not #GP, for a WRMSR of a bad value to LSTAR, KERNEL_GS_BASE, SYSENTER_EIP or PAT"
	quirkNativeCPL3 = "CPL3 code runs on the host CPU under the host's CR4 and without CPUID faulting: instructions the guest's CPUID lacks (RDTSCP, RDPID) execute, CR4.TSD and CR0.TS are not applied, and CPUID returns the host's values at any CPL"
)

const quirkGuestBreakpoints = "the guest's own breakpoints and watchpoints (DR0-DR3) do not fire at CPL3 here"

const quirkDAA = "DAA, DAS, AAA, AAS and BOUND raise #UD in 32-bit code at CPL3 here"

const quirkIRQWindow = "KVM here asks for no interrupt-window exit while it emulates CPL0 code: an interrupt that becomes deliverable (STI, POPF, CR8) is injected only at the next exit, typically HLT; at CPL3 the RF pushed with an interrupt before the first instruction is sometimes 1"

const quirkRing3IO = "KVM here raises #GP for port I/O at CPL3 even when IOPL or the TSS I/O bitmap allows it"

// pagingEntries returns the RAM addresses of the paging-structure entries
// that map linear address la in the final state, outermost first, and the
// physical address la maps to; ok is false when paging would fault or an
// entry lies outside RAM. Without paging the address maps to itself.
func (r *Result) pagingEntries(la uint64) (entries []uint64, pa uint64, ok bool) {
	s := &r.State
	if s.CR0&CR0PG == 0 {
		return nil, la, true
	}
	read := func(a uint64, size int) (uint64, bool) {
		if a+uint64(size) > uint64(len(r.RAM)) {
			return 0, false
		}
		if size == 4 {
			return uint64(r.U32(a)), true
		}
		return r.U64(a), true
	}
	const addrMask = 0x000ffffffffff000
	switch {
	case s.CR4&CR4PAE == 0: // 32-bit paging
		la &= 0xffffffff
		pde := s.CR3&0xfffff000 + (la>>22)*4
		e, ok := read(pde, 4)
		if !ok || e&PTEP == 0 {
			return nil, 0, false
		}
		entries = append(entries, pde)
		if e&PTEPS != 0 && s.CR4&CR4PSE != 0 {
			return entries, e&0xffc00000 | la&0x3fffff, true
		}
		pte := e&0xfffff000 + (la>>12&0x3ff)*4
		e, ok = read(pte, 4)
		if !ok || e&PTEP == 0 {
			return nil, 0, false
		}
		return append(entries, pte), e&0xfffff000 | la&0xfff, true
	case s.EFER&EFERLMA == 0: // PAE
		la &= 0xffffffff
		pdpte := s.CR3&0xffffffe0 + (la>>30)*8
		e, ok := read(pdpte, 8)
		if !ok || e&PTEP == 0 {
			return nil, 0, false
		}
		base, shifts := e&addrMask, []uint{21, 12}
		for _, sh := range shifts {
			a := base + (la>>sh&0x1ff)*8
			e, ok = read(a, 8)
			if !ok || e&PTEP == 0 {
				return nil, 0, false
			}
			entries = append(entries, a)
			if sh == 21 && e&PTEPS != 0 {
				return entries, e&addrMask&^(1<<21-1) | la&(1<<21-1), true
			}
			base = e & addrMask
		}
		return entries, base | la&0xfff, true
	default: // 4-level
		base := s.CR3 & addrMask
		for _, sh := range []uint{39, 30, 21, 12} {
			a := base + (la>>sh&0x1ff)*8
			e, ok := read(a, 8)
			if !ok || e&PTEP == 0 {
				return nil, 0, false
			}
			entries = append(entries, a)
			if (sh == 30 || sh == 21) && e&PTEPS != 0 {
				return entries, e&addrMask&^(1<<sh-1) | la&(1<<sh-1), true
			}
			base = e & addrMask
		}
		return entries, base | la&0xfff, true
	}
}

// translate maps a linear address of the final state to RAM.
func (r *Result) translate(la uint64) (uint64, bool) {
	_, pa, ok := r.pagingEntries(la)
	return pa, ok
}

// markDirty sets what a write to linear address la sets in the paging
// structures: the accessed bit of every entry on the way and the dirty bit
// of the one that maps the page.
func (r *Result) markDirty(la uint64) {
	entries, _, ok := r.pagingEntries(la)
	if !ok {
		return
	}
	for i, a := range entries {
		r.RAM[a] |= PTEA
		if i == len(entries)-1 {
			r.RAM[a] |= PTED
		}
	}
}
