package pm

// Register blocks, as the PIIX4's power-management function lays them out
// from its PMBASE (Intel 82371AB PIIX4 datasheet, section 11.2 "Power
// Management I/O Space Registers") and as the ACPI fixed hardware defines
// them (ACPI 6.4 section 4.8.3).
const (
	evtLen = 4 // PM1a_EVT_BLK: PM1_STS (2 bytes), PM1_EN (2 bytes)
	cntLen = 2 // PM1a_CNT_BLK: PM1_CNT
	tmrLen = 4 // PM_TMR_BLK: PM_TMR
	gpeLen = 4 // GPE0_BLK: GPE0_STS (2 bytes), GPE0_EN (2 bytes)

	offCnt = 4 // PM1a_CNT_BLK from PMBASE
	offTmr = 8 // PM_TMR_BLK from PMBASE

	// GPEs is the number of general-purpose events in GPE0_BLK.
	GPEs = 8 * gpeLen / 2
)

// PM1_STS bits (ACPI 6.4 Table 4.16; PIIX4 PMSTS). Writing 1 clears a bit.
const (
	stsTmr    = 1 << 0  // TMR_STS: the PM timer's top bit changed
	stsBM     = 1 << 4  // BM_STS: bus master activity (never set: no bus masters are tracked)
	stsGbl    = 1 << 5  // GBL_STS: the firmware released the global lock
	stsPwrBtn = 1 << 8  // PWRBTN_STS: the power button was pressed
	stsRTC    = 1 << 10 // RTC_STS: the RTC alarm fired
	stsWak    = 1 << 15 // WAK_STS: the machine woke from a sleep state

	stsValid = stsTmr | stsBM | stsGbl | stsPwrBtn | stsRTC | stsWak
)

// PM1_EN bits (ACPI 6.4 Table 4.17; PIIX4 PMEN): an event whose status and
// enable bits are both set raises the SCI.
const (
	enTmr    = stsTmr
	enGbl    = stsGbl
	enPwrBtn = stsPwrBtn
	enRTC    = stsRTC

	enValid = enTmr | enGbl | enPwrBtn | enRTC
)

// PM1_CNT bits (ACPI 6.4 Table 4.13; PIIX4 PMCNTRL).
const (
	cntSCIEn    = 1 << 0 // SCI_EN: power-management events raise the SCI (not an SMI)
	cntBMRld    = 1 << 1 // BM_RLD: bus master requests wake from C3
	cntGblRls   = 1 << 2 // GBL_RLS: write-only, the OS releases the global lock to the firmware
	slpTypShift = 10     // SLP_TYP: the sleep state SLP_EN enters
	slpTypMask  = 7 << slpTypShift
	cntSlpEn    = 1 << 13 // SLP_EN: write-only, enter the sleep state

	cntValid = cntSCIEn | cntBMRld | slpTypMask // the bits that read back
)

// Sleep types (SLP_TYP values) this device recognises: the PIIX4
// convention QEMU's pc machine uses, which hw/acpi's _S5 follows.
const (
	SlpTypS5 = 0 // soft off
	SlpTypS3 = 1 // suspend to RAM
	SlpTypS4 = 2 // suspend to disk (the machine powers off)
)

// Defaults.
const (
	DefaultBase    = 0x600  // PMBASE: the PM1a event block; control at +4, timer at +8
	DefaultGPE0    = 0xafe0 // GPE0_BLK
	DefaultEnable  = 0xf1   // the FADT's ACPI_ENABLE value for SMI_CMD
	DefaultDisable = 0xf0   // the FADT's ACPI_DISABLE value
	// SMICmdPort is the PC's SMI command port (PIIX4 APMC), for
	// Config.SMICmd.
	SMICmdPort = 0xb2

	// TimerHz is the PM timer's frequency: 3.579545 MHz, the NTSC colour
	// burst the PC's timers derive from (ACPI 6.4 section 4.8.3.3).
	TimerHz = 3579545
)
