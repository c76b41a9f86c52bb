package interp

// Model-specific registers (Intel SDM vol. 4). Unknown indexes raise
// #GP(0), as hardware does.

const (
	msrTSC           = 0x10
	msrPlatformID    = 0x17
	msrAPICBase      = 0x1b
	msrTSCAdjust     = 0x3b
	msrUcodeRev      = 0x8b
	msrMTRRCap       = 0xfe
	msrSysenterCS    = 0x174
	msrSysenterESP   = 0x175
	msrSysenterEIP   = 0x176
	msrMCGCap        = 0x179
	msrMCGStatus     = 0x17a
	msrMCGCtl        = 0x17b
	msrMiscEnable    = 0x1a0
	msrDebugCtl      = 0x1d9
	msrMTRRPhysBase0 = 0x200
	msrMTRRFix64K    = 0x250
	msrMTRRFix16K0   = 0x258
	msrMTRRFix16K1   = 0x259
	msrMTRRFix4K0    = 0x268
	msrPAT           = 0x277
	msrMTRRDefType   = 0x2ff
	msrMC0Ctl        = 0x400
	msrTSCDeadline   = 0x6e0
	msrX2APICFirst   = 0x800
	msrX2APICLast    = 0x8ff
	msrEFER          = 0xc0000080
	msrSTAR          = 0xc0000081
	msrLSTAR         = 0xc0000082
	msrCSTAR         = 0xc0000083
	msrFMASK         = 0xc0000084
	msrFSBase        = 0xc0000100
	msrGSBase        = 0xc0000101
	msrKernelGSBase  = 0xc0000102
	msrTSCAux        = 0xc0000103
	// msrSysCfg is AMD's SYSCFG (AMD APM vol. 2, 7.9.1), which Linux's
	// MTRR code reads on AMD models such as qemu64 without a fault
	// handler. QEMU's TCG answers 0 and discards writes (measured on QEMU
	// 7.2); so does this interpreter, for every model.
	msrSysCfg = 0xc0010010
	// msrAMDFirst..msrAMDLast are AMD's model-specific MSRs (HWCR,
	// SYSCFG, TOP_MEM, INT_PENDING_MSG, VM_CR, OSVW, the DE/LS/BU
	// configuration registers, ...). Linux reads several of them without
	// a fault handler on AMD family 0Fh..17h models (qemu64 is family
	// 0Fh), and QEMU's TCG answers every MSR it does not model with 0 and
	// discards the writes. With an AMD vendor, this range does the same.
	msrAMDFirst = 0xc0010000
	msrAMDLast  = 0xc0011fff

	mcBanks      = 10
	mtrrVarCount = 8
)

// msrState holds the MSRs that are plain storage.
type msrState struct {
	star, lstar, cstar, fmask            uint64
	kernelGSBase                         uint64
	tscAux                               uint64
	sysenterCS, sysenterESP, sysenterEIP uint64
	pat                                  uint64
	mtrrDefType                          uint64
	mtrrFixed                            [11]uint64
	mtrrVar                              [2 * mtrrVarCount]uint64
	miscEnable                           uint64
	mcgStatus, mcgCtl                    uint64
	mcBank                               [4 * mcBanks]uint64
	debugCtl                             uint64
	tscAdjust                            uint64
	kvm                                  kvmClockState
}

func (m *msrState) reset() {
	*m = msrState{}
	m.pat = 0x0007040600070406
	m.miscEnable = 1 // fast strings
	m.mcgCtl = ^uint64(0)
	for i := 0; i < mcBanks; i++ {
		m.mcBank[4*i] = ^uint64(0)
	}
}

func mtrrFixedIndex(idx uint32) int {
	switch idx {
	case msrMTRRFix64K:
		return 0
	case msrMTRRFix16K0:
		return 1
	case msrMTRRFix16K1:
		return 2
	}
	if idx >= msrMTRRFix4K0 && idx < msrMTRRFix4K0+8 {
		return 3 + int(idx-msrMTRRFix4K0)
	}
	return -1
}

// validMemType reports whether t is a memory type MTRRs and PAT accept.
func validMemType(t uint64, pat bool) bool {
	switch t {
	case 0, 1, 4, 5, 6:
		return true
	case 7:
		return pat
	}
	return false
}

// readMSR returns MSR idx, or false for #GP.
func (c *CPU) readMSR(idx uint32) (uint64, bool) {
	m := &c.msr
	switch idx {
	case msrTSC:
		return c.readTSC(), true
	case msrPlatformID:
		return 0, true
	case msrAPICBase:
		return c.apicBaseMSR(), true
	case msrTSCAdjust:
		if c.feat&featTSCAdjust == 0 {
			return 0, false
		}
		return m.tscAdjust, true
	case msrUcodeRev:
		return 1 << 32, true
	case msrMTRRCap:
		return 1<<10 | 1<<8 | mtrrVarCount, true // WC, fixed, 8 variable
	case msrSysenterCS:
		return m.sysenterCS, c.feat&featSEP != 0
	case msrSysenterESP:
		return m.sysenterESP, c.feat&featSEP != 0
	case msrSysenterEIP:
		return m.sysenterEIP, c.feat&featSEP != 0
	case msrMCGCap:
		return 1<<8 | mcBanks, true // MCG_CTL present
	case msrMCGStatus:
		return m.mcgStatus, true
	case msrMCGCtl:
		return m.mcgCtl, true
	case msrMiscEnable:
		return m.miscEnable, true
	case msrDebugCtl:
		return m.debugCtl, true
	case msrPAT:
		return m.pat, true
	case msrMTRRDefType:
		return m.mtrrDefType, true
	case msrTSCDeadline:
		if c.apic == nil || c.feat&featTSCDeadline == 0 {
			return 0, false
		}
		return c.apic.ReadMSR(idx)
	case msrEFER:
		return c.efer, true
	case msrSTAR:
		return m.star, true
	case msrLSTAR:
		return m.lstar, true
	case msrCSTAR:
		return m.cstar, true
	case msrFMASK:
		return m.fmask, true
	case msrFSBase:
		return c.seg[segFS].Base, true
	case msrGSBase:
		return c.seg[segGS].Base, true
	case msrKernelGSBase:
		return m.kernelGSBase, true
	case msrTSCAux:
		return m.tscAux, c.feat&(featRDTSCP|featRDPID) != 0
	case msrSysCfg:
		return 0, true
	case msrKVMSystemTime, msrKVMSystemTimeNew:
		return m.kvm.msr, c.kvmMSR(idx)
	case msrKVMWallClock, msrKVMWallClockNew:
		return m.kvm.wallMSR, c.kvmMSR(idx)
	}
	if idx >= msrAMDFirst && idx <= msrAMDLast && c.vm.model.vendor == "AuthenticAMD" {
		return 0, true
	}
	switch {
	case idx >= msrMTRRPhysBase0 && idx < msrMTRRPhysBase0+2*mtrrVarCount:
		return m.mtrrVar[idx-msrMTRRPhysBase0], true
	case mtrrFixedIndex(idx) >= 0:
		return m.mtrrFixed[mtrrFixedIndex(idx)], true
	case idx >= msrMC0Ctl && idx < msrMC0Ctl+4*mcBanks:
		return m.mcBank[idx-msrMC0Ctl], true
	case idx >= msrX2APICFirst && idx <= msrX2APICLast:
		if c.apic == nil || c.feat&featX2APIC == 0 {
			return 0, false
		}
		return c.apic.ReadMSR(idx)
	}
	return 0, false
}

// writeMSR sets MSR idx; false means #GP.
func (c *CPU) writeMSR(idx uint32, v uint64) bool {
	m := &c.msr
	switch idx {
	case msrTSC:
		old := c.readTSC()
		c.writeTSC(v)
		c.tscChanged(old)
		return true
	case msrAPICBase:
		return c.setAPICBase(v)
	case msrTSCAdjust:
		if c.feat&featTSCAdjust == 0 {
			return false
		}
		old := c.readTSC()
		c.writeTSC(old + v - m.tscAdjust)
		m.tscAdjust = v
		c.tscChanged(old)
		return true
	case msrUcodeRev, msrPlatformID:
		return true
	case msrSysenterCS:
		m.sysenterCS = v & 0xffff
		return c.feat&featSEP != 0
	case msrSysenterESP:
		m.sysenterESP = v
		return canonical(v) && c.feat&featSEP != 0
	case msrSysenterEIP:
		m.sysenterEIP = v
		return canonical(v) && c.feat&featSEP != 0
	case msrMCGStatus:
		m.mcgStatus = v
		return true
	case msrMCGCtl:
		if v != 0 && v != ^uint64(0) {
			return false
		}
		m.mcgCtl = v
		return true
	case msrMiscEnable:
		m.miscEnable = v
		return true
	case msrDebugCtl:
		if v&^0x3 != 0 { // LBR and BTF only
			return false
		}
		m.debugCtl = v
		return true
	case msrPAT:
		for i := 0; i < 8; i++ {
			if !validMemType(v>>(8*i)&0xff, true) {
				return false
			}
		}
		m.pat = v
		return true
	case msrMTRRDefType:
		if v&^0xcff != 0 || !validMemType(v&0xff, false) {
			return false
		}
		m.mtrrDefType = v
		return true
	case msrTSCDeadline:
		if c.apic == nil || c.feat&featTSCDeadline == 0 {
			return false
		}
		return c.apic.WriteMSR(idx, v)
	case msrEFER:
		return c.writeEFER(v)
	case msrSTAR:
		m.star = v
		return true
	case msrLSTAR:
		if !canonical(v) {
			return false
		}
		m.lstar = v
		return true
	case msrCSTAR:
		if !canonical(v) {
			return false
		}
		m.cstar = v
		return true
	case msrFMASK:
		m.fmask = v & 0xffffffff
		return true
	case msrFSBase, msrGSBase:
		if !canonical(v) {
			return false
		}
		s := segFS
		if idx == msrGSBase {
			s = segGS
		}
		c.seg[s].Base = v
		c.sbase[s] = v
		return true
	case msrKernelGSBase:
		if !canonical(v) {
			return false
		}
		m.kernelGSBase = v
		return true
	case msrTSCAux:
		if v>>32 != 0 || c.feat&(featRDTSCP|featRDPID) == 0 {
			return false
		}
		m.tscAux = v
		return true
	case msrSysCfg:
		return true
	case msrKVMSystemTime, msrKVMSystemTimeNew:
		if !c.kvmMSR(idx) {
			return false
		}
		c.writeKVMSystemTime(v)
		return true
	case msrKVMWallClock, msrKVMWallClockNew:
		if !c.kvmMSR(idx) {
			return false
		}
		c.writeKVMWallClock(v)
		return true
	}
	if idx >= msrAMDFirst && idx <= msrAMDLast && c.vm.model.vendor == "AuthenticAMD" {
		return true
	}
	switch {
	case idx >= msrMTRRPhysBase0 && idx < msrMTRRPhysBase0+2*mtrrVarCount:
		i := idx - msrMTRRPhysBase0
		if v>>physBits != 0 {
			return false
		}
		if i%2 == 0 && !validMemType(v&0xff, false) || i%2 == 0 && v&0xf00 != 0 || i%2 == 1 && v&0x7ff != 0 {
			return false
		}
		m.mtrrVar[i] = v
		return true
	case mtrrFixedIndex(idx) >= 0:
		for i := 0; i < 8; i++ {
			if !validMemType(v>>(8*i)&0xff, false) {
				return false
			}
		}
		m.mtrrFixed[mtrrFixedIndex(idx)] = v
		return true
	case idx >= msrMC0Ctl && idx < msrMC0Ctl+4*mcBanks:
		i := idx - msrMC0Ctl
		if i%4 == 1 && v != 0 { // MCi_STATUS accepts only zero
			return false
		}
		m.mcBank[i] = v
		return true
	case idx >= msrX2APICFirst && idx <= msrX2APICLast:
		if c.apic == nil || c.feat&featX2APIC == 0 {
			return false
		}
		return c.apic.WriteMSR(idx, v)
	}
	return false
}

func (c *CPU) writeEFER(v uint64) bool {
	valid := uint64(eferSCE | eferLME | eferLMA)
	if c.feat&featNX != 0 {
		valid |= eferNXE
	}
	if v&^valid != 0 {
		return false
	}
	if c.feat&featLM == 0 && v&eferLME != 0 {
		return false
	}
	// LME cannot change while paging is on; LMA is read-only.
	if c.cr0&cr0PG != 0 && (v^c.efer)&eferLME != 0 {
		return false
	}
	old := c.efer
	c.efer = v&^eferLMA | c.efer&eferLMA
	if (old^c.efer)&eferNXE != 0 {
		c.flushTLB(false)
	}
	return true
}

func hRdmsr(c *CPU, in *inst) bool {
	c.requireCPL0()
	v, ok := c.readMSR(uint32(c.R[1]))
	if !ok {
		c.raiseCode(excGP, 0)
	}
	c.R[0] = v & 0xffffffff
	c.R[2] = v >> 32
	return false
}

func hWrmsr(c *CPU, in *inst) bool {
	c.requireCPL0()
	v := c.R[2]&0xffffffff<<32 | c.R[0]&0xffffffff
	if !c.writeMSR(uint32(c.R[1]), v) {
		c.raiseCode(excGP, 0)
	}
	c.rip = in.next
	return true
}
