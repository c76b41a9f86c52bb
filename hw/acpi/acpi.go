// Package acpi builds the ACPI tables that describe a gemu machine to its
// guest (ACPI 6.4, chapter 5): the RSDP, RSDT and XSDT, the FADT with its
// FACS and DSDT, the MADT and the HPET table. The DSDT is written with the
// AML builder in hw/acpi/aml; the power-management registers the FADT
// points at are modelled by hw/acpi/pm, the reset register by hw/acpi/rcr,
// and a hardware-reduced machine's registers by hw/acpi/ged.
//
// Build lays every table out for one guest-physical address and returns the
// bytes; emu/loader places them in guest memory and hands the RSDP's address
// to the kernel (boot_params.acpi_rsdp_addr, the PVH start_info), while
// operating systems that scan for it find the RSDP 16-byte aligned in the
// BIOS area.
//
// # Wiring a machine
//
// A board builds the description, lays the tables out where emu/loader
// puts them, and creates the devices the FADT points at with the same
// addresses (their defaults are PC's):
//
//	c := acpi.PC(cpus) // or acpi.MicroVM(cpus): hardware-reduced
//	c.Addr = loader.ACPIAddr
//	c.HPET = &acpi.HPET{Addr: acpi.HPETAddr, ID: acpi.HPETID} // if it has one
//	c.Serial = ...                                               // the COM ports it has
//	tables, err := acpi.Build(c)
//	_, err = loader.ACPI(ram, tables, e820) // then KernelConfig.RSDP = tables.RSDP
//	pmDev, err := pm.New(pm.Config{SCI: gsi9, Clock: clock, Shutdown: powerOff})
//	rc, err := rcr.New(rcr.Config{Reset: reset})                 // map rc.Region()
//	// microvm: ged.New(ged.Config{IRQ: gsi9, Shutdown: powerOff, Reset: reset})
//
// Interrupt lines are driven high while asserted whatever polarity the
// MADT declares (active low for the SCI, as on a PIIX4): the I/O APIC
// models, KVM's and ours, keep the polarity bit for the guest to read and
// do not invert the input.
//
// # Layout
//
// The blob, with offsets from Config.Addr and each table 8-byte aligned:
//
//	RSDP (36 bytes, first: 16-byte aligned)
//	FACS (64 bytes, 64-byte aligned; none on a hardware-reduced machine)
//	DSDT, FACP, APIC, HPET (if any), RSDT, XSDT
package acpi

import (
	"fmt"
)

// Defaults of a PC: the addresses gemu's pc machine implements.
const (
	LAPICAddr  = 0xfee00000 // local APIC base (IA32_APIC_BASE reset value)
	IOAPICAddr = 0xfec00000 // I/O APIC base
	HPETAddr   = 0xfed00000 // HPET base (the IA-PC HPET specification's first block)
	// HPETID is the Event Timer Block ID of a PC HPET: the low half of
	// its capabilities register (revision 1, three timers, 64-bit main
	// counter, legacy replacement routing, vendor 0x8086).
	HPETID = 0x8086a201

	// The PIIX4-style power-management block (hw/acpi/pm defaults).
	PMBase     = 0x600  // PM1a_EVT_BLK; PM1a_CNT_BLK at +4, PM_TMR_BLK at +8
	GPE0Base   = 0xafe0 // GPE0_BLK
	GPE0Len    = 4      // two status bytes, two enable bytes
	SCIIRQ     = 9      // the SCI: ISA IRQ 9, level-triggered, active low
	ResetPort  = 0xcf9  // PIIX reset control register (hw/acpi/rcr)
	ResetValue = 0x06   // hard reset (SRST) and reset CPU (RCPU)
	S5SlpTyp   = 0      // SLP_TYP of S5, the PIIX4 convention

	// CenturyIndex is the CMOS index of the century byte (mc146818.RegCentury).
	CenturyIndex = 0x32

	// The hardware-reduced registers of QEMU microvm's layout (hw/acpi/ged
	// defaults).
	GEDAddr       = 0xfea00000 // the GED's event selector
	GEDRegs       = GEDAddr + 0x200
	GEDGSI        = 9
	GEDResetValue = 0x42
	GEDS5SlpTyp   = 5

	// MaxCPUs is the most processors described, as emu/loader's MP table:
	// xAPIC IDs 0..253, below the I/O APIC's ID (CPUs) and the broadcast
	// ID 255.
	MaxCPUs = 254
)

// Config describes the machine to the guest. PC returns the description of
// gemu's pc machine; callers adjust the devices.
type Config struct {
	// Addr is the guest-physical address the tables are laid out for:
	// 16-byte aligned, below 4 GiB with the whole blob.
	Addr uint64

	CPUs      int    // processors: APIC IDs and ACPI processor UIDs 0..CPUs-1
	LAPICAddr uint32 // local APIC base address
	IOAPIC    IOAPIC
	// PIC: the machine has the dual 8259 PICs (MADT PCAT_COMPAT).
	PIC bool
	// Overrides are the MADT's interrupt source overrides.
	Overrides []Override

	PM PM
	// HWReduced, when set, describes a hardware-reduced machine (ACPI 6.4
	// section 4.1), as QEMU's microvm is: no PM1 or GPE blocks, PM timer,
	// SCI or FACS (PM is ignored), but sleep control and status registers,
	// a reset register and a Generic Event Device through which the power
	// button (a PNP0C0C device) is notified.
	HWReduced *HWReduced

	// Devices described in the DSDT (and the FADT's boot architecture
	// flags): COM ports in order COM1.., the RTC, the i8042 keyboard
	// controller with keyboard and mouse, the HPET.
	Serial []Serial
	RTC    *RTC
	I8042  bool
	VGA    bool // a VGA device exists (otherwise the FADT says "VGA Not Present")
	HPET   *HPET

	OEMID       string // up to 6 characters, padded with spaces ("" is "GEMU")
	OEMTableID  string // up to 8 characters, padded with spaces ("" is "GEMUPC")
	OEMRevision uint32
}

// IOAPIC is the I/O APIC the MADT reports.
type IOAPIC struct {
	ID      uint8
	Addr    uint32
	GSIBase uint32
}

// Override is an MADT interrupt source override: ISA IRQ Source arrives at
// GSI with the given trigger and polarity.
type Override struct {
	Source   uint8
	GSI      uint32
	Trigger  Trigger
	Polarity Polarity
}

// Trigger is an interrupt's trigger mode as the MADT flags encode it.
type Trigger uint8

// Trigger modes (MPS INTI flags, bits 2-3).
const (
	TriggerConforming Trigger = 0
	TriggerEdge       Trigger = 1
	TriggerLevel      Trigger = 3
)

// Polarity is an interrupt's polarity as the MADT flags encode it.
type Polarity uint8

// Polarities (MPS INTI flags, bits 0-1).
const (
	PolarityConforming Polarity = 0
	PolarityHigh       Polarity = 1
	PolarityLow        Polarity = 3
)

// PM is the fixed-hardware register layout the FADT advertises: the
// PIIX4-style block of hw/acpi/pm, all in I/O space.
type PM struct {
	SCI     uint8  // ISA IRQ of the SCI
	EvtBlk  uint16 // PM1a_EVT_BLK: status and enable, 2 bytes each
	CntBlk  uint16 // PM1a_CNT_BLK: 2 bytes
	TmrBlk  uint16 // PM_TMR_BLK: 4 bytes
	Timer32 bool   // the PM timer counts 32 bits (TMR_VAL_EXT), else 24
	GPE0Blk uint16 // GPE0_BLK (0: none)
	GPE0Len uint8  // its length in bytes: even, status half then enable half
	// SMICmd is the SMI command port through which the OS asks for ACPI
	// mode by writing ACPIEnable (0: none; the machine starts in ACPI mode
	// with SCI_EN set).
	SMICmd                  uint16
	ACPIEnable, ACPIDisable uint8
	ResetPort               uint16 // RESET_REG in I/O space (0: no reset register)
	ResetValue              uint8
	S5SlpTyp                uint8 // SLP_TYP value that enters S5 (soft off)
}

// HWReduced is the register layout of a hardware-reduced machine, all in
// memory space: the hw/acpi/ged device.
type HWReduced struct {
	GED        uint32 // address of the GED's event selector (a dword; bit 1: power button)
	GEDGSI     uint32 // the GED's interrupt, edge-triggered and active high
	SleepCtl   uint64 // sleep control register (a byte)
	SleepSts   uint64 // sleep status register (a byte)
	ResetReg   uint64 // reset register (a byte; 0: none)
	ResetValue uint8
	S5SlpTyp   uint8 // SLP_TYP value that enters S5
}

// Serial is a 16550 UART in the DSDT (PNP0501).
type Serial struct {
	IOBase uint16
	IRQ    uint8
}

// RTC is the MC146818 real-time clock in the DSDT (PNP0B00).
type RTC struct {
	IOBase  uint16
	Len     uint8 // ports decoded: 2, or 4 with the extended CMOS bank
	IRQ     uint8
	Century uint8 // CMOS index of the century byte (FADT CENTURY; 0: none)
}

// HPET is the high-precision event timer block (HPET table and PNP0103).
type HPET struct {
	Addr uint32
	// ID is the Event Timer Block ID: bits 31:0 of the block's general
	// capabilities and ID register.
	ID uint32
	// MinTick is the main counter's minimum clock tick in periodic mode.
	MinTick uint16
}

// PC returns the description of gemu's pc machine with cpus processors:
// the I/O APIC with ID cpus (as emu/loader's MP table), the PICs, the PC's
// interrupt source overrides (IRQ 0 on GSI 2; the SCI level-triggered,
// active low), the PIIX4-style PM block at 0x600 with a 32-bit PM timer
// (hw/acpi/pm's default) and GPE0 at 0xafe0, the reset register at 0xcf9,
// COM1, the RTC and the i8042. The HPET is left
// out: set HPET when the machine has one.
func PC(cpus int) Config {
	return Config{
		CPUs:      cpus,
		LAPICAddr: LAPICAddr,
		IOAPIC:    IOAPIC{ID: uint8(cpus), Addr: IOAPICAddr},
		PIC:       true,
		Overrides: PCOverrides(SCIIRQ),
		PM: PM{
			SCI: SCIIRQ, EvtBlk: PMBase, CntBlk: PMBase + 4, TmrBlk: PMBase + 8, Timer32: true,
			GPE0Blk: GPE0Base, GPE0Len: GPE0Len,
			ResetPort: ResetPort, ResetValue: ResetValue, S5SlpTyp: S5SlpTyp,
		},
		Serial: []Serial{{0x3f8, 4}},
		RTC:    &RTC{IOBase: 0x70, Len: 2, IRQ: 8, Century: CenturyIndex},
		I8042:  true,
	}
}

// MicroVM returns the description of a hardware-reduced microvm with cpus
// processors: the I/O APIC with ID cpus, the PICs, the PIT's override (IRQ
// 0 on GSI 2), the GED and its registers at QEMU microvm's addresses, COM1
// and the RTC. Callers drop what the machine lacks (pic=off, rtc=off, ...).
func MicroVM(cpus int) Config {
	return Config{
		CPUs:      cpus,
		LAPICAddr: LAPICAddr,
		IOAPIC:    IOAPIC{ID: uint8(cpus), Addr: IOAPICAddr},
		PIC:       true,
		Overrides: []Override{{Source: 0, GSI: 2}},
		HWReduced: &HWReduced{
			GED: GEDAddr, GEDGSI: GEDGSI,
			SleepCtl: GEDRegs, SleepSts: GEDRegs + 1,
			ResetReg: GEDRegs + 2, ResetValue: GEDResetValue, S5SlpTyp: GEDS5SlpTyp,
		},
		Serial: []Serial{{0x3f8, 4}},
		RTC:    &RTC{IOBase: 0x70, Len: 2, IRQ: 8, Century: CenturyIndex},
	}
}

// PCOverrides returns a PC's interrupt source overrides: the PIT's IRQ 0
// arrives at GSI 2, and the SCI on IRQ sci is level-triggered, active low.
func PCOverrides(sci uint8) []Override {
	return []Override{
		{Source: 0, GSI: 2},
		{Source: sci, GSI: uint32(sci), Trigger: TriggerLevel, Polarity: PolarityLow},
	}
}

// Tables is a built set of tables.
type Tables struct {
	Addr  uint64 // guest-physical address of Bytes[0]
	Bytes []byte
	RSDP  uint64 // address of the RSDP (Addr: it comes first)
	// Entries lists the tables in the blob, in order.
	Entries []Entry
}

// Entry is one table in the blob.
type Entry struct {
	Signature string // "RSD PTR " for the RSDP
	Addr      uint64
	Len       int
}

// Table returns the bytes of the table with signature sig ("FACP", "DSDT",
// "RSD PTR ", ...), or nil.
func (t *Tables) Table(sig string) []byte {
	for _, e := range t.Entries {
		if e.Signature == sig {
			off := e.Addr - t.Addr
			return t.Bytes[off : off+uint64(e.Len)]
		}
	}
	return nil
}

// Build lays the tables out for c.Addr.
func Build(c Config) (*Tables, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	ids, err := c.ids()
	if err != nil {
		return nil, err
	}
	dsdt, err := c.dsdt()
	if err != nil {
		return nil, err
	}
	b := &blob{base: c.Addr}
	rsdp := b.reserve("RSD PTR ", rsdpLen, 16)
	var facs uint64 // a hardware-reduced machine has none
	if c.HWReduced == nil {
		facs = b.add("FACS", buildFACS(), 64)
	}
	dsdtAt := b.add("DSDT", ids.table("DSDT", 2, dsdt), 8)
	fadtAt := b.add("FACP", ids.table("FACP", fadtRevision, c.fadt(facs, dsdtAt)), 8)
	xsdt := []uint64{fadtAt}
	xsdt = append(xsdt, b.add("APIC", ids.table("APIC", madtRevision, c.madt()), 8))
	if c.HPET != nil {
		xsdt = append(xsdt, b.add("HPET", ids.table("HPET", 1, c.hpet()), 8))
	}
	rsdtAt := b.add("RSDT", ids.table("RSDT", 1, pointers(xsdt, 4)), 8)
	xsdtAt := b.add("XSDT", ids.table("XSDT", 1, pointers(xsdt, 8)), 8)
	if end := c.Addr + uint64(len(b.data)); end > 1<<32 {
		return nil, fmt.Errorf("acpi: tables at %#x end at %#x, above 4 GiB", c.Addr, end)
	}
	copy(b.data[rsdp-c.Addr:], buildRSDP(ids.oem, rsdtAt, xsdtAt))
	return &Tables{Addr: c.Addr, Bytes: b.data, RSDP: rsdp, Entries: b.entries}, nil
}

func (c *Config) check() error {
	switch {
	case c.Addr == 0 || c.Addr%16 != 0:
		return fmt.Errorf("acpi: table address %#x is not a non-zero multiple of 16", c.Addr)
	case c.CPUs < 1 || c.CPUs > MaxCPUs:
		return fmt.Errorf("acpi: %d CPUs; 1 to %d supported", c.CPUs, MaxCPUs)
	case c.LAPICAddr == 0 || c.IOAPIC.Addr == 0:
		return fmt.Errorf("acpi: local APIC address %#x or I/O APIC address %#x is zero", c.LAPICAddr, c.IOAPIC.Addr)
	case len(c.Serial) > 4:
		return fmt.Errorf("acpi: %d serial ports; COM1 to COM4 are described", len(c.Serial))
	}
	if h := c.HWReduced; h != nil {
		switch {
		case h.GED == 0 || h.GED%4 != 0 || h.SleepCtl == 0 || h.SleepSts == 0:
			return fmt.Errorf("acpi: hardware-reduced machine needs a dword-aligned GED (%#x) and sleep registers (%#x, %#x)", h.GED, h.SleepCtl, h.SleepSts)
		case h.S5SlpTyp > 7:
			return fmt.Errorf("acpi: S5 sleep type %d does not fit SLP_TYP's 3 bits", h.S5SlpTyp)
		}
	} else {
		pm := &c.PM
		switch {
		case pm.EvtBlk == 0 || pm.CntBlk == 0 || pm.TmrBlk == 0:
			return fmt.Errorf("acpi: PM1a event block %#x, control block %#x and PM timer %#x are all required", pm.EvtBlk, pm.CntBlk, pm.TmrBlk)
		case pm.SCI > 15:
			return fmt.Errorf("acpi: SCI on IRQ %d; an ISA IRQ 0-15 is needed", pm.SCI)
		case pm.GPE0Blk != 0 && (pm.GPE0Len == 0 || pm.GPE0Len%2 != 0):
			return fmt.Errorf("acpi: GPE0 block length %d is not a positive even number", pm.GPE0Len)
		case pm.S5SlpTyp > 7:
			return fmt.Errorf("acpi: S5 sleep type %d does not fit SLP_TYP's 3 bits", pm.S5SlpTyp)
		}
	}
	for i, s := range c.Serial {
		if s.IRQ > 15 || s.IOBase == 0 {
			return fmt.Errorf("acpi: serial port %d at %#x IRQ %d: want a port and an ISA IRQ", i, s.IOBase, s.IRQ)
		}
	}
	if r := c.RTC; r != nil && (r.IRQ > 15 || r.Len == 0) {
		return fmt.Errorf("acpi: RTC with %d ports on IRQ %d", r.Len, r.IRQ)
	}
	if h := c.HPET; h != nil && (h.Addr == 0 || h.ID == 0) {
		return fmt.Errorf("acpi: HPET at %#x with block ID %#x: both are needed", h.Addr, h.ID)
	}
	for _, o := range c.Overrides {
		if o.Source > 15 || o.Trigger == 2 || o.Trigger > 3 || o.Polarity == 2 || o.Polarity > 3 {
			return fmt.Errorf("acpi: interrupt source override %+v: source above 15 or reserved flags", o)
		}
	}
	return nil
}

// blob accumulates tables at aligned offsets.
type blob struct {
	base    uint64
	data    []byte
	entries []Entry
}

// reserve makes room for n bytes aligned to align (absolute) and returns
// their address.
func (b *blob) reserve(sig string, n int, align uint64) uint64 {
	at := b.base + uint64(len(b.data))
	if r := at % align; r != 0 {
		at += align - r
	}
	b.data = append(b.data, make([]byte, int(at-b.base)-len(b.data)+n)...)
	b.entries = append(b.entries, Entry{sig, at, n})
	return at
}

func (b *blob) add(sig string, t []byte, align uint64) uint64 {
	at := b.reserve(sig, len(t), align)
	copy(b.data[at-b.base:], t)
	return at
}

// pointers encodes table addresses as 32- or 64-bit entries (RSDT, XSDT).
func pointers(addrs []uint64, size int) []byte {
	out := make([]byte, 0, len(addrs)*size)
	for _, a := range addrs {
		if size == 4 {
			out = le.AppendUint32(out, uint32(a))
		} else {
			out = le.AppendUint64(out, a)
		}
	}
	return out
}
