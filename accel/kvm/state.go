package kvm

import (
	"encoding/binary"
	"fmt"

	"gemu/accel"
)

// Conversions between KVM's structs and accel.CPUState.

func regsFromKVM(r *kvmRegs, s *accel.CPUState) {
	s.GPR = [16]uint64{r.RAX, r.RCX, r.RDX, r.RBX, r.RSP, r.RBP, r.RSI, r.RDI,
		r.R8, r.R9, r.R10, r.R11, r.R12, r.R13, r.R14, r.R15}
	s.RIP, s.RFLAGS = r.RIP, r.RFLAGS
}

func regsToKVM(s *accel.CPUState) kvmRegs {
	g := &s.GPR
	return kvmRegs{
		RAX: g[accel.RAX], RBX: g[accel.RBX], RCX: g[accel.RCX], RDX: g[accel.RDX],
		RSI: g[accel.RSI], RDI: g[accel.RDI], RSP: g[accel.RSP], RBP: g[accel.RBP],
		R8: g[accel.R8], R9: g[accel.R9], R10: g[accel.R10], R11: g[accel.R11],
		R12: g[accel.R12], R13: g[accel.R13], R14: g[accel.R14], R15: g[accel.R15],
		RIP: s.RIP, RFLAGS: s.RFLAGS,
	}
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func segFromKVM(k *kvmSegment) accel.Segment {
	return accel.Segment{Selector: k.Selector, Base: k.Base, Limit: k.Limit, Type: k.Type & 0xf, S: k.S != 0,
		DPL: k.DPL & 3, Present: k.Present != 0, AVL: k.AVL != 0, L: k.L != 0, DB: k.DB != 0, G: k.G != 0,
		Unusable: k.Unusable != 0}
}

func segToKVM(g *accel.Segment) kvmSegment {
	return kvmSegment{Base: g.Base, Limit: g.Limit, Selector: g.Selector, Type: g.Type & 0xf, Present: b2u(g.Present),
		DPL: g.DPL & 3, DB: b2u(g.DB), S: b2u(g.S), L: b2u(g.L), G: b2u(g.G), AVL: b2u(g.AVL), Unusable: b2u(g.Unusable)}
}

func sregsFromKVM(k *kvmSregs, s *accel.CPUState) {
	s.CS, s.DS, s.ES, s.FS = segFromKVM(&k.CS), segFromKVM(&k.DS), segFromKVM(&k.ES), segFromKVM(&k.FS)
	s.GS, s.SS, s.TR, s.LDT = segFromKVM(&k.GS), segFromKVM(&k.SS), segFromKVM(&k.TR), segFromKVM(&k.LDT)
	s.GDT = accel.DTable{Base: k.GDT.Base, Limit: k.GDT.Limit}
	s.IDT = accel.DTable{Base: k.IDT.Base, Limit: k.IDT.Limit}
	s.CR0, s.CR2, s.CR3, s.CR4, s.CR8 = k.CR0, k.CR2, k.CR3, k.CR4, k.CR8
	s.EFER, s.APICBase = k.EFER, k.APICBase
	s.InterruptBitmap = k.InterruptBitmap
}

func sregsToKVM(s *accel.CPUState) kvmSregs {
	return kvmSregs{
		CS: segToKVM(&s.CS), DS: segToKVM(&s.DS), ES: segToKVM(&s.ES), FS: segToKVM(&s.FS),
		GS: segToKVM(&s.GS), SS: segToKVM(&s.SS), TR: segToKVM(&s.TR), LDT: segToKVM(&s.LDT),
		GDT: kvmDTable{Base: s.GDT.Base, Limit: s.GDT.Limit}, IDT: kvmDTable{Base: s.IDT.Base, Limit: s.IDT.Limit},
		CR0: s.CR0, CR2: s.CR2, CR3: s.CR3, CR4: s.CR4, CR8: s.CR8, EFER: s.EFER, APICBase: s.APICBase,
		InterruptBitmap: s.InterruptBitmap,
	}
}

func fpuFromKVM(k *kvmFPU) accel.FPU {
	f := accel.FPU{FCW: k.FCW, FSW: k.FSW, FTW: k.FTWX, FOP: k.LastOpcode, FIP: k.LastIP, FDP: k.LastDP,
		XMM: k.XMM, MXCSR: k.MXCSR}
	for i := range f.ST {
		f.ST[i] = accel.Float80{Mant: binary.LittleEndian.Uint64(k.FPR[i][0:]), SignExp: binary.LittleEndian.Uint16(k.FPR[i][8:])}
	}
	return f
}

func fpuToKVM(f *accel.FPU) kvmFPU {
	k := kvmFPU{FCW: f.FCW, FSW: f.FSW, FTWX: f.FTW, LastOpcode: f.FOP, LastIP: f.FIP, LastDP: f.FDP, XMM: f.XMM, MXCSR: f.MXCSR}
	for i, st := range f.ST {
		binary.LittleEndian.PutUint64(k.FPR[i][0:], st.Mant)
		binary.LittleEndian.PutUint16(k.FPR[i][8:], st.SignExp)
	}
	return k
}

// Offsets in the legacy region of an XSAVE area, which has the FXSAVE64
// layout (Intel SDM vol. 1, table 10-2), and in the XSAVE header.
const (
	fxFCW      = 0
	fxFSW      = 2
	fxFTW      = 4
	fxFOP      = 6
	fxFIP      = 8
	fxFDP      = 16
	fxMXCSR    = 24
	fxST       = 32
	fxXMM      = 160
	xsaveBV    = 512 // XSTATE_BV
	xsaveMin   = 576 // legacy region and header
	xfeatureFP = 1 << 0
	xfeatureSS = 1 << 1
)

func fpuFromXSave(x []byte) accel.FPU {
	le := binary.LittleEndian
	f := accel.FPU{FCW: le.Uint16(x[fxFCW:]), FSW: le.Uint16(x[fxFSW:]), FTW: x[fxFTW], FOP: le.Uint16(x[fxFOP:]),
		FIP: le.Uint64(x[fxFIP:]), FDP: le.Uint64(x[fxFDP:]), MXCSR: le.Uint32(x[fxMXCSR:])}
	for i := range f.ST {
		o := fxST + 16*i
		f.ST[i] = accel.Float80{Mant: le.Uint64(x[o:]), SignExp: le.Uint16(x[o+8:])}
	}
	for i := range f.XMM {
		copy(f.XMM[i][:], x[fxXMM+16*i:])
	}
	return f
}

// fpuIntoXSave writes f into the legacy region of x and marks the x87 and
// SSE components as present, so the restore takes them from the area.
func fpuIntoXSave(f *accel.FPU, x []byte) {
	le := binary.LittleEndian
	le.PutUint16(x[fxFCW:], f.FCW)
	le.PutUint16(x[fxFSW:], f.FSW)
	x[fxFTW] = f.FTW
	le.PutUint16(x[fxFOP:], f.FOP)
	le.PutUint64(x[fxFIP:], f.FIP)
	le.PutUint64(x[fxFDP:], f.FDP)
	le.PutUint32(x[fxMXCSR:], f.MXCSR)
	for i, st := range f.ST {
		o := fxST + 16*i
		le.PutUint64(x[o:], st.Mant)
		le.PutUint16(x[o+8:], st.SignExp)
		for j := 10; j < 16; j++ {
			x[o+j] = 0
		}
	}
	for i := range f.XMM {
		copy(x[fxXMM+16*i:], f.XMM[i][:])
	}
	le.PutUint64(x[xsaveBV:], le.Uint64(x[xsaveBV:])|xfeatureFP|xfeatureSS)
}

func eventsFromKVM(k *kvmVCPUEvents) accel.Events {
	return accel.Events{
		ExceptionPending: k.ExceptionPending != 0, ExceptionInjected: k.ExceptionInjected != 0,
		ExceptionVector: k.ExceptionNr & 31, ExceptionHasCode: k.ExceptionHasCode != 0, ExceptionCode: k.ExceptionErrorCode,
		InterruptInjected: k.InterruptInjected != 0, InterruptVector: k.InterruptNr, InterruptSoft: k.InterruptSoft != 0,
		Shadow: k.InterruptShadow, NMIInjected: k.NMIInjected != 0, NMIPending: k.NMIPending != 0, NMIMasked: k.NMIMasked != 0,
		SIPIVector: k.SIPIVector, SMM: k.SMISMM,
	}
}

func eventsToKVM(e *accel.Events) kvmVCPUEvents {
	k := kvmVCPUEvents{
		// Without KVM_CAP_EXCEPTION_PAYLOAD, KVM knows only "injected"
		// exceptions; a pending one is re-raised as injected.
		ExceptionInjected: b2u(e.ExceptionInjected || e.ExceptionPending), ExceptionNr: e.ExceptionVector & 31,
		ExceptionHasCode: b2u(e.ExceptionHasCode), ExceptionErrorCode: e.ExceptionCode,
		InterruptInjected: b2u(e.InterruptInjected), InterruptNr: e.InterruptVector, InterruptSoft: b2u(e.InterruptSoft),
		InterruptShadow: e.Shadow & 3, NMIInjected: b2u(e.NMIInjected), NMIPending: b2u(e.NMIPending), NMIMasked: b2u(e.NMIMasked),
		SIPIVector: e.SIPIVector,
		Flags:      eventsValidNMIPending | eventsValidSIPIVector | eventsValidShadow,
	}
	return k
}

// State reads every part of the vCPU's state. Call it on the vCPU's
// goroutine, between Runs. FCS and FDS read as zero: KVM keeps the x87
// pointers in the 64-bit format only.
func (c *VCPU) State() (accel.CPUState, error) {
	var s accel.CPUState
	var regs kvmRegs
	if _, err := ioctlPtr(c.fd, kvmGetRegs, &regs); err != nil {
		return s, fmt.Errorf("kvm: KVM_GET_REGS: %w", err)
	}
	regsFromKVM(&regs, &s)
	var sregs kvmSregs
	if _, err := ioctlPtr(c.fd, kvmGetSregs, &sregs); err != nil {
		return s, fmt.Errorf("kvm: KVM_GET_SREGS: %w", err)
	}
	sregsFromKVM(&sregs, &s)
	if c.xsave != nil {
		req := kvmGetXSave
		if len(c.xsave) > sizeofXSave {
			req = kvmGetXSave2
		}
		if _, err := ioctlBytes(c.fd, req, c.xsave); err != nil {
			return s, fmt.Errorf("kvm: KVM_GET_XSAVE: %w", err)
		}
		s.FPU = fpuFromXSave(c.xsave)
		s.XSave = append([]byte(nil), c.xsave...)
	} else {
		var f kvmFPU
		if _, err := ioctlPtr(c.fd, kvmGetFPU, &f); err != nil {
			return s, fmt.Errorf("kvm: KVM_GET_FPU: %w", err)
		}
		s.FPU = fpuFromKVM(&f)
	}
	if c.vm.acc.host.caps.xcrs {
		var x kvmXCRs
		if _, err := ioctlPtr(c.fd, kvmGetXCRs, &x); err != nil {
			return s, fmt.Errorf("kvm: KVM_GET_XCRS: %w", err)
		}
		for _, r := range x.XCRs[:min(x.NrXCRs, 16)] {
			if r.XCR == 0 {
				s.XCR0 = r.Value
			}
		}
	}
	msrs, err := c.getMSRs(c.vm.msrList())
	if err != nil {
		return s, err
	}
	s.MSRs = msrs
	if c.vm.irqchip {
		var l kvmLAPICState
		if _, err := ioctlPtr(c.fd, kvmGetLAPIC, &l); err != nil {
			return s, fmt.Errorf("kvm: KVM_GET_LAPIC: %w", err)
		}
		s.LAPIC = append([]byte(nil), l.Regs[:]...)
	}
	var ev kvmVCPUEvents
	if _, err := ioctlPtr(c.fd, kvmGetVCPUEvents, &ev); err != nil {
		return s, fmt.Errorf("kvm: KVM_GET_VCPU_EVENTS: %w", err)
	}
	s.Events = eventsFromKVM(&ev)
	var mp uint32
	if _, err := ioctlPtr(c.fd, kvmGetMPState, &mp); err != nil {
		return s, fmt.Errorf("kvm: KVM_GET_MP_STATE: %w", err)
	}
	s.MPState = mp
	if c.userMode() {
		// Kept here: see uapic.go.
		s.MPState = c.ump
		if c.halted {
			s.MPState = accel.MPHalted
		}
		if c.apic != nil {
			s.CR8 = uint64(c.apic.TPR() >> 4)
			s.APICBase = c.apic.Base()
		}
	}
	var dr kvmDebugRegs
	if _, err := ioctlPtr(c.fd, kvmGetDebugRegs, &dr); err != nil {
		return s, fmt.Errorf("kvm: KVM_GET_DEBUGREGS: %w", err)
	}
	s.DR, s.DR6, s.DR7 = dr.DB, dr.DR6, dr.DR7
	return s, nil
}

// SetState loads s into the vCPU. Parts that s leaves empty take their
// power-on values: no LAPIC page resets the in-kernel LAPIC, no MSRs resets
// the MSRs (TSC zero, fast strings, default PAT), XCR0 zero means x87 only.
// MSRs EFER, APIC base and the FS/GS bases are ignored in s.MSRs, as their
// dedicated fields carry them.
func (c *VCPU) SetState(s accel.CPUState) error {
	if len(s.LAPIC) != 0 && len(s.LAPIC) != sizeofLAPIC {
		return fmt.Errorf("kvm: LAPIC page of %d bytes, want %d", len(s.LAPIC), sizeofLAPIC)
	}
	if s.MPState > accel.MPSIPIReceived {
		return fmt.Errorf("kvm: MP state %d", s.MPState)
	}
	// Special registers first: they carry the APIC base, which the LAPIC
	// page is loaded against, and the modes that decide how the other
	// registers are checked.
	sregs := sregsToKVM(&s)
	if c.apic != nil {
		// The APIC model's TPR is the one that counts; CR8 follows it
		// (see uapic.go), as on the interpreter.
		sregs.CR8 = uint64(c.apic.TPR() >> 4)
	}
	if _, err := ioctlPtr(c.fd, kvmSetSregs, &sregs); err != nil {
		return fmt.Errorf("kvm: KVM_SET_SREGS: %w", err)
	}
	regs := regsToKVM(&s)
	if _, err := ioctlPtr(c.fd, kvmSetRegs, &regs); err != nil {
		return fmt.Errorf("kvm: KVM_SET_REGS: %w", err)
	}
	if c.vm.acc.host.caps.xcrs {
		xcr0 := s.XCR0
		if xcr0 == 0 {
			xcr0 = xfeatureFP
		}
		x := kvmXCRs{NrXCRs: 1}
		x.XCRs[0] = kvmXCR{XCR: 0, Value: xcr0}
		if _, err := ioctlPtr(c.fd, kvmSetXCRs, &x); err != nil {
			return fmt.Errorf("kvm: KVM_SET_XCRS (XCR0 %#x): %w", xcr0, err)
		}
	}
	if c.xsave != nil {
		// With XSAVE, KVM_SET_FPU's registers may not take effect (the
		// kernel restores from the XSAVE image, whose header says which
		// components it holds), so the x87 and SSE state always goes in
		// through an XSAVE image: the one in s, or an empty one whose
		// other components are in their initial state.
		if len(s.XSave) > 0 && len(s.XSave) < xsaveMin {
			return fmt.Errorf("kvm: XSAVE area of %d bytes, need at least %d", len(s.XSave), xsaveMin)
		}
		clear(c.xsave)
		copy(c.xsave, s.XSave)
		fpuIntoXSave(&s.FPU, c.xsave)
		if _, err := ioctlBytes(c.fd, kvmSetXSave, c.xsave); err != nil {
			return fmt.Errorf("kvm: KVM_SET_XSAVE: %w", err)
		}
	} else {
		f := fpuToKVM(&s.FPU)
		if _, err := ioctlPtr(c.fd, kvmSetFPU, &f); err != nil {
			return fmt.Errorf("kvm: KVM_SET_FPU: %w", err)
		}
	}
	if c.vm.irqchip {
		l := &c.resetLAPIC
		var page kvmLAPICState
		if len(s.LAPIC) == sizeofLAPIC {
			copy(page.Regs[:], s.LAPIC)
			l = &page
		}
		if _, err := ioctlPtr(c.fd, kvmSetLAPIC, l); err != nil {
			return fmt.Errorf("kvm: KVM_SET_LAPIC: %w", err)
		}
	}
	// MSRs after the LAPIC: the TSC deadline only sticks once the LAPIC
	// timer is in deadline mode.
	msrs := s.MSRs
	if len(msrs) == 0 {
		msrs = c.resetMSRs
	}
	var filtered []accel.MSR
	for _, m := range msrs {
		if !skippedMSRs[m.Index] {
			filtered = append(filtered, m)
		}
	}
	if err := c.setMSRs(filtered); err != nil {
		return err
	}
	ev := eventsToKVM(&s.Events)
	if _, err := ioctlPtr(c.fd, kvmSetVCPUEvents, &ev); err != nil {
		return fmt.Errorf("kvm: KVM_SET_VCPU_EVENTS: %w", err)
	}
	mp := s.MPState
	if c.userMode() {
		// KVM takes only "runnable" without its LAPIC: the vCPU keeps
		// the MP state itself (see uapic.go).
		c.ump, c.halted = mp, false
		if mp == accel.MPHalted {
			c.ump, c.halted = accel.MPRunnable, true
		}
		c.lastIF = s.RFLAGS&(1<<9) != 0
		c.apicBase = s.APICBase
		if c.apic != nil && s.APICBase != 0 && s.APICBase != c.apic.Base() {
			c.apic.SetBase(s.APICBase)
		}
		mp = accel.MPRunnable
	}
	if _, err := ioctlPtr(c.fd, kvmSetMPState, &mp); err != nil {
		return fmt.Errorf("kvm: KVM_SET_MP_STATE %d: %w", mp, err)
	}
	dr := kvmDebugRegs{DB: s.DR, DR6: s.DR6, DR7: s.DR7}
	if _, err := ioctlPtr(c.fd, kvmSetDebugRegs, &dr); err != nil {
		return fmt.Errorf("kvm: KVM_SET_DEBUGREGS: %w", err)
	}
	return nil
}

// msrList is the VM's probed MSR list.
func (vm *VM) msrList() []uint32 {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.msrs
}
