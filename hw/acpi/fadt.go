package acpi

// FADT field offsets (ACPI 6.4 Table 5.9), counted from the start of the
// table; body() subtracts the header.
const (
	fadtFirmwareCtrl = 36
	fadtDSDT         = 40
	fadtPMProfile    = 45
	fadtSCIInt       = 46
	fadtSMICmd       = 48
	fadtACPIEnable   = 52
	fadtACPIDisable  = 53
	fadtPM1aEvtBlk   = 56
	fadtPM1aCntBlk   = 64
	fadtPMTmrBlk     = 76
	fadtGPE0Blk      = 80
	fadtPM1EvtLen    = 88
	fadtPM1CntLen    = 89
	fadtPMTmrLen     = 91
	fadtGPE0BlkLen   = 92
	fadtPLvl2Lat     = 96
	fadtPLvl3Lat     = 98
	fadtCentury      = 108
	fadtIAPCBootArch = 109
	fadtFlags        = 112
	fadtResetReg     = 116
	fadtResetValue   = 128
	fadtMinorVersion = 131
	fadtXFirmwareCtl = 132
	fadtXDSDT        = 140
	fadtXPM1aEvtBlk  = 148
	fadtXPM1aCntBlk  = 172
	fadtXPMTmrBlk    = 208
	fadtXGPE0Blk     = 220
	fadtSleepControl = 244
	fadtSleepStatus  = 256
)

// FADT Flags (Table 5.10).
const (
	fadtWBINVD      = 1 << 0
	fadtProcC1      = 1 << 2
	fadtPwrButton   = 1 << 4 // power button is a control-method device (clear: fixed feature)
	fadtSlpButton   = 1 << 5 // sleep button is a control-method device or absent
	fadtFixRTC      = 1 << 6 // RTC wake status is not in the fixed registers
	fadtTmrValExt   = 1 << 8 // the PM timer is 32 bits
	fadtResetRegSup = 1 << 10
	fadtHWReduced   = 1 << 20
)

// IA-PC boot architecture flags (Table 5.11).
const (
	bootLegacyDevices = 1 << 0
	boot8042          = 1 << 1
	bootVGANotPresent = 1 << 2
	bootCMOSRTCAbsent = 1 << 5
)

// Latencies above 100 and 1000 µs say that C2 and C3 are not supported.
const (
	noC2 = 0x0fff
	noC3 = 0x0fff
)

// fadt returns the FADT body (after the header).
func (c *Config) fadt(facs, dsdt uint64) []byte {
	if c.HWReduced != nil {
		return c.fadtReduced(dsdt)
	}
	t := make([]byte, fadtLen)
	pm := &c.PM
	le.PutUint32(t[fadtFirmwareCtrl:], uint32(facs))
	le.PutUint32(t[fadtDSDT:], uint32(dsdt))
	t[fadtPMProfile] = 0 // unspecified
	le.PutUint16(t[fadtSCIInt:], uint16(pm.SCI))
	le.PutUint32(t[fadtSMICmd:], uint32(pm.SMICmd))
	if pm.SMICmd != 0 {
		t[fadtACPIEnable] = pm.ACPIEnable
		t[fadtACPIDisable] = pm.ACPIDisable
	}
	le.PutUint32(t[fadtPM1aEvtBlk:], uint32(pm.EvtBlk))
	le.PutUint32(t[fadtPM1aCntBlk:], uint32(pm.CntBlk))
	le.PutUint32(t[fadtPMTmrBlk:], uint32(pm.TmrBlk))
	t[fadtPM1EvtLen] = 4
	t[fadtPM1CntLen] = 2
	t[fadtPMTmrLen] = 4
	if pm.GPE0Blk != 0 {
		le.PutUint32(t[fadtGPE0Blk:], uint32(pm.GPE0Blk))
		t[fadtGPE0BlkLen] = pm.GPE0Len
	}
	le.PutUint16(t[fadtPLvl2Lat:], noC2)
	le.PutUint16(t[fadtPLvl3Lat:], noC3)
	if c.RTC != nil {
		t[fadtCentury] = c.RTC.Century
	}
	le.PutUint16(t[fadtIAPCBootArch:], c.bootArch())

	flags := uint32(fadtWBINVD | fadtProcC1 | fadtSlpButton)
	if pm.Timer32 {
		flags |= fadtTmrValExt
	}
	if pm.ResetPort != 0 {
		flags |= fadtResetRegSup
		gas(t[fadtResetReg:], spaceIO, 8, accessByte, uint64(pm.ResetPort))
		t[fadtResetValue] = pm.ResetValue
	}
	le.PutUint32(t[fadtFlags:], flags)
	t[fadtMinorVersion] = fadtMinor

	le.PutUint64(t[fadtXFirmwareCtl:], facs)
	le.PutUint64(t[fadtXDSDT:], dsdt)
	gas(t[fadtXPM1aEvtBlk:], spaceIO, 32, accessWord, uint64(pm.EvtBlk))
	gas(t[fadtXPM1aCntBlk:], spaceIO, 16, accessWord, uint64(pm.CntBlk))
	gas(t[fadtXPMTmrBlk:], spaceIO, 32, accessDWord, uint64(pm.TmrBlk))
	if pm.GPE0Blk != 0 {
		gas(t[fadtXGPE0Blk:], spaceIO, 8*pm.GPE0Len, accessByte, uint64(pm.GPE0Blk))
	}
	return t[headerLen:]
}

// fadtReduced returns the FADT of a hardware-reduced machine: no FACS,
// SCI, PM1, PM timer or GPE blocks; the sleep control and status registers
// and the reset register in memory space; the power button a control
// method device (the GED notifies it).
func (c *Config) fadtReduced(dsdt uint64) []byte {
	t := make([]byte, fadtLen)
	h := c.HWReduced
	le.PutUint32(t[fadtDSDT:], uint32(dsdt))
	le.PutUint16(t[fadtPLvl2Lat:], noC2)
	le.PutUint16(t[fadtPLvl3Lat:], noC3)
	if c.RTC != nil {
		t[fadtCentury] = c.RTC.Century
	}
	le.PutUint16(t[fadtIAPCBootArch:], c.bootArch())
	flags := uint32(fadtWBINVD | fadtProcC1 | fadtPwrButton | fadtSlpButton | fadtHWReduced)
	if h.ResetReg != 0 {
		flags |= fadtResetRegSup
		gas(t[fadtResetReg:], spaceMemory, 8, accessByte, h.ResetReg)
		t[fadtResetValue] = h.ResetValue
	}
	le.PutUint32(t[fadtFlags:], flags)
	t[fadtMinorVersion] = fadtMinor
	le.PutUint64(t[fadtXDSDT:], dsdt)
	gas(t[fadtSleepControl:], spaceMemory, 8, accessByte, h.SleepCtl)
	gas(t[fadtSleepStatus:], spaceMemory, 8, accessByte, h.SleepSts)
	return t[headerLen:]
}

// bootArch returns the IA-PC boot architecture flags for the devices the
// machine has.
func (c *Config) bootArch() uint16 {
	var f uint16
	if len(c.Serial) > 0 || c.RTC != nil || c.I8042 {
		f |= bootLegacyDevices
	}
	if c.I8042 {
		f |= boot8042
	}
	if !c.VGA {
		f |= bootVGANotPresent
	}
	if c.RTC == nil {
		f |= bootCMOSRTCAbsent
	}
	return f
}
