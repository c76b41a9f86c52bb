package interp

import (
	"fmt"

	"gemu/accel"
)

// Conversion between the interpreter's CPU and the neutral accel.CPUState,
// so a snapshot moves between the interpreter and KVM.

// Interrupt shadow kinds in accel.Events.Shadow, as KVM's vCPU events
// spell them (KVM_X86_SHADOW_INT_MOV_SS, KVM_X86_SHADOW_INT_STI).
const (
	shadowMovSS = 1
	shadowSTI   = 2
)

func (c *CPU) state() accel.CPUState {
	var s accel.CPUState
	copy(s.GPR[:], c.R[:16])
	s.RIP = c.rip
	s.RFLAGS = c.rflags()
	for i := 0; i < 6; i++ {
		*s.Seg(i) = c.seg[i].Segment
	}
	s.TR = c.tr.Segment
	s.LDT = c.ldtr.Segment
	s.GDT, s.IDT = c.gdtr, c.idtr
	s.CR0, s.CR2, s.CR3, s.CR4 = c.cr0, c.cr2, c.cr3, c.cr4
	s.CR8 = uint64(c.readTPR() >> 4)
	s.EFER = c.efer
	s.APICBase = c.apicBaseMSR()
	s.DR = c.dr
	s.DR6, s.DR7 = c.dr6, c.dr7
	f := &c.fpu
	s.FPU = accel.FPU{FCW: f.fcw, FSW: f.fsw, FTW: f.abridgedTag(), FOP: f.fop, FIP: f.fip, FDP: f.fdp,
		FCS: f.fcs, FDS: f.fds, MXCSR: f.mxcsr, XMM: f.xmm}
	// As in FXSAVE: ST in stack order, the abridged tag by physical
	// register.
	top := f.top()
	for i := 0; i < 8; i++ {
		s.FPU.ST[i] = f.st[(top+i)&7]
	}
	s.XCR0 = c.xcr0
	m := &c.msr
	add := func(idx uint32, v uint64) { s.MSRs = append(s.MSRs, accel.MSR{Index: idx, Value: v}) }
	add(msrTSC, c.readTSC())
	add(msrSysenterCS, m.sysenterCS)
	add(msrSysenterESP, m.sysenterESP)
	add(msrSysenterEIP, m.sysenterEIP)
	// Machine-check registers travel only when the guest changed them: an
	// accelerator without machine-check banks (KVM before MCE setup)
	// refuses them.
	var reset msrState
	reset.reset()
	if m.mcgStatus != reset.mcgStatus {
		add(msrMCGStatus, m.mcgStatus)
	}
	if m.mcgCtl != reset.mcgCtl {
		add(msrMCGCtl, m.mcgCtl)
	}
	add(msrMiscEnable, m.miscEnable)
	add(msrDebugCtl, m.debugCtl)
	for i := range m.mtrrVar {
		add(msrMTRRPhysBase0+uint32(i), m.mtrrVar[i])
	}
	for _, idx := range []uint32{msrMTRRFix64K, msrMTRRFix16K0, msrMTRRFix16K1, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f} {
		add(idx, m.mtrrFixed[mtrrFixedIndex(idx)])
	}
	add(msrPAT, m.pat)
	add(msrMTRRDefType, m.mtrrDefType)
	if m.mcBank != reset.mcBank {
		for i := range m.mcBank {
			add(msrMC0Ctl+uint32(i), m.mcBank[i])
		}
	}
	add(msrSTAR, m.star)
	add(msrLSTAR, m.lstar)
	add(msrCSTAR, m.cstar)
	add(msrFMASK, m.fmask)
	add(msrKernelGSBase, m.kernelGSBase)
	add(msrTSCAux, m.tscAux)
	if c.feat&featTSCAdjust != 0 {
		add(msrTSCAdjust, m.tscAdjust)
	}
	// kvmclock's MSRs travel once the guest has used them (KVM takes
	// them back and rewrites the guest's pages).
	if m.kvm.msr != 0 {
		add(msrKVMSystemTimeNew, m.kvm.msr)
	}
	if m.kvm.wallMSR != 0 {
		add(msrKVMWallClockNew, m.kvm.wallMSR)
	}
	sortMSRs(s.MSRs)
	e := &s.Events
	if c.hasPend && c.pend.kind == evException && !c.pend.trap {
		e.ExceptionPending = true
		e.ExceptionVector = c.pend.vector
		e.ExceptionHasCode = c.pend.hasCode
		e.ExceptionCode = c.pend.code
	}
	if c.shadow {
		e.Shadow = shadowSTI
		if c.ssShadow {
			e.Shadow = shadowMovSS
		}
	}
	e.NMIPending = c.nmiPending
	e.NMIMasked = c.nmiBlocked
	s.MPState = c.mpState
	if c.halted && c.mpState == accel.MPRunnable {
		s.MPState = accel.MPHalted
	}
	return s
}

func sortMSRs(m []accel.MSR) {
	for i := 1; i < len(m); i++ {
		for j := i; j > 0 && m[j].Index < m[j-1].Index; j-- {
			m[j], m[j-1] = m[j-1], m[j]
		}
	}
}

// checkState rejects states the interpreter cannot run.
func (c *CPU) checkState(s *accel.CPUState) error {
	if s.CR0&cr0PG != 0 && s.CR0&cr0PE == 0 {
		return fmt.Errorf("tcg: CR0 %#x has PG without PE", s.CR0)
	}
	if s.EFER&eferLMA != 0 && (s.CR0&cr0PG == 0 || s.CR4&cr4PAE == 0) {
		return fmt.Errorf("tcg: EFER.LMA without paging and PAE (CR0 %#x CR4 %#x)", s.CR0, s.CR4)
	}
	if s.CR4&cr4LA57 != 0 {
		return fmt.Errorf("tcg: 5-level paging (CR4.LA57) is not supported")
	}
	if s.MPState > accel.MPSIPIReceived {
		return fmt.Errorf("tcg: MP state %d", s.MPState)
	}
	return nil
}

func (c *CPU) setState(s accel.CPUState) {
	copy(c.R[:16], s.GPR[:])
	c.R[16], c.R[17] = 0, 0
	c.rip = s.RIP
	c.cr0, c.cr2, c.cr3, c.cr4 = s.CR0|cr0ET, s.CR2, s.CR3, s.CR4
	c.efer = s.EFER
	c.setRFLAGS(s.RFLAGS)
	real := s.CR0&cr0PE == 0 || s.RFLAGS&flagVM != 0
	for i := 0; i < 6; i++ {
		c.seg[i] = segmentFromAccel(*s.Seg(i), real)
	}
	c.tr = segmentFromAccel(s.TR, false)
	c.ldtr = segmentFromAccel(s.LDT, false)
	c.gdtr, c.idtr = s.GDT, s.IDT
	switch {
	case s.CR0&cr0PE == 0:
		c.cpl = 0
	case s.RFLAGS&flagVM != 0:
		c.cpl = 3
	case s.SS.Unusable:
		c.cpl = uint8(s.CS.Selector & 3)
	default:
		c.cpl = s.SS.DPL
	}
	c.dr = s.DR
	c.dr6, c.dr7 = s.DR6|0xffff0ff0, s.DR7|0x400
	c.updateBreakpoints()
	f := &c.fpu
	f.fcw, f.fsw, f.fop = s.FPU.FCW, s.FPU.FSW, s.FPU.FOP
	f.fip, f.fdp, f.fcs, f.fds = s.FPU.FIP, s.FPU.FDP, s.FPU.FCS, s.FPU.FDS
	f.mxcsr = s.FPU.MXCSR
	f.xmm = s.FPU.XMM
	top := f.top()
	for i := 0; i < 8; i++ {
		f.st[(top+i)&7] = s.FPU.ST[i]
	}
	f.setAbridgedTag(s.FPU.FTW)
	c.xcr0 = s.XCR0
	if c.xcr0 == 0 {
		c.xcr0 = 1
	}
	m := &c.msr
	for _, e := range s.MSRs {
		switch e.Index {
		case msrTSC:
			c.writeTSC(e.Value)
		case msrTSCAdjust:
			m.tscAdjust = e.Value
		default:
			c.writeMSR(e.Index, e.Value)
		}
	}
	// The kvmclock page follows the TSC just restored, whatever the
	// order of the list.
	c.publishKVMClock(c.guestNanos())
	if c.apic != nil {
		if s.APICBase != 0 {
			c.apic.SetBase(s.APICBase)
		}
	} else {
		c.apicBase = s.APICBase
	}
	c.updateAPICPage()
	if c.apic == nil {
		c.tpr = uint8(s.CR8 << 4)
	}
	c.hasPend = false
	if s.Events.ExceptionPending || s.Events.ExceptionInjected {
		c.hasPend = true
		c.pend = fault{vector: s.Events.ExceptionVector, hasCode: s.Events.ExceptionHasCode, code: s.Events.ExceptionCode}
	}
	c.shadow = s.Events.Shadow != 0
	c.ssShadow = s.Events.Shadow&shadowMovSS != 0
	c.nmiPending = s.Events.NMIPending
	c.nmiBlocked = s.Events.NMIMasked
	c.mpState = s.MPState
	c.halted = s.MPState == accel.MPHalted
	if c.halted {
		c.mpState = accel.MPRunnable
	}
	if c.cr0&cr0PG != 0 && c.cr4&cr4PAE != 0 && c.efer&eferLMA == 0 {
		c.loadPDPTEs(c.cr3)
	}
	c.updateMode()
	c.flushTLB(false)
}

// peekCode copies the bytes at ip for diagnostics, without faulting.
func (c *CPU) peekCode(ip uint64, b []byte) (n int) {
	defer func() {
		if recover() != nil {
			// n bytes were readable.
			_ = n
		}
	}()
	for n = 0; n < len(b); n++ {
		la := c.sbase[segCS] + ip + uint64(n)
		pa := c.translate(la, accExec, c.tlb.mmu)
		if r := c.vm.physRange(pa); r != nil {
			b[n] = r.host[pa-r.start]
		} else {
			return n
		}
	}
	return n
}
