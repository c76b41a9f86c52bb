package acpi_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"gemu/hw"
	"gemu/hw/acpi"
	"gemu/hw/acpi/ged"
	"gemu/hw/acpi/pm"
	"gemu/hw/acpi/rcr"
	"gemu/hw/bus"
	"gemu/hw/hwtest"
)

// TestTablesDriveDevices plays the OS: it takes the PM ports, the SCI, the
// reset register and the S5 sleep type from the tables PC builds and uses
// them on the hw/acpi/pm and hw/acpi/rcr devices with their defaults, which
// must answer as the tables promise.
func TestTablesDriveDevices(t *testing.T) {
	for _, timer32 := range []bool{false, true} {
		c := acpi.PC(2)
		c.Addr = 0xf2000
		c.PM.Timer32 = timer32
		tb, err := acpi.Build(c)
		if err != nil {
			t.Fatal(err)
		}
		le := binary.LittleEndian
		f := tb.Table("FACP")
		evt, cnt, tmr, gpe := le.Uint32(f[56:]), le.Uint32(f[64:]), le.Uint32(f[76:]), le.Uint32(f[80:])
		sci := le.Uint16(f[46:])
		resetPort, resetVal := le.Uint64(f[120:]), f[128]
		ext := le.Uint32(f[112:])&(1<<8) != 0

		// \_S5's SLP_TYPa: the first element of Name(\_S5, Package(4){...}).
		dsdt := tb.Table("DSDT")
		i := bytes.Index(dsdt, []byte("\x08\\_S5_\x12"))
		if i < 0 {
			t.Fatal("DSDT has no \\_S5 package")
		}
		s5 := dsdt[i+9] // after NameOp, the name, PackageOp, PkgLength, NumElements
		if s5 == 0x0a {
			s5 = dsdt[i+10]
		}

		io := bus.NewSpace("io")
		clock := hw.NewManualClock()
		line := new(hwtest.Line)
		shutdowns, resets := 0, 0
		p, err := pm.New(pm.Config{SCI: line, Clock: clock, Timer24: !timer32, Shutdown: func() { shutdowns++ }})
		if err != nil {
			t.Fatal(err)
		}
		r, err := rcr.New(rcr.Config{Reset: func() { resets++ }})
		if err != nil {
			t.Fatal(err)
		}
		for _, reg := range append(p.Regions(), r.Region()) {
			if err := io.Map(reg); err != nil {
				t.Fatal(err)
			}
		}
		if sci != acpi.SCIIRQ || c.Overrides[1].Source != uint8(sci) {
			t.Errorf("SCI %d, override for IRQ %d", sci, c.Overrides[1].Source)
		}
		for _, port := range []uint32{evt, evt + 2, cnt, tmr, gpe, gpe + 2} {
			if _, ok := io.Read(uint64(port), 2); !ok {
				t.Errorf("FADT port %#x is not mapped by the PM device", port)
			}
		}
		// The timer counts the width the FADT advertises.
		clock.Advance(5e9)
		v, _ := io.Read(uint64(tmr), 4)
		if wide := v >= 1<<24; wide != ext {
			t.Errorf("PM timer reads %#x at 5 s; FADT TMR_VAL_EXT=%v", v, ext)
		}
		// With no SMI command port the OS finds ACPI mode on.
		if v, _ := io.Read(uint64(cnt), 2); v&1 == 0 || le.Uint32(f[48:]) != 0 {
			t.Errorf("PM1_CNT %#x, SMI_CMD %#x: want SCI_EN set and no SMI command port", v, le.Uint32(f[48:]))
		}
		// The power button, enabled, raises the SCI.
		io.Write(uint64(evt)+2, 2, 1<<8)
		p.PressPowerButton()
		if !line.High() {
			t.Error("enabled power button event did not raise the SCI")
		}
		// poweroff: SLP_TYPa from \_S5, then SLP_EN.
		io.Write(uint64(cnt), 2, uint64(s5)<<10|1<<13)
		if shutdowns != 1 {
			t.Errorf("S5 from the tables: %d shutdowns", shutdowns)
		}
		// reboot: RESET_VALUE to RESET_REG.
		io.Write(resetPort, 1, uint64(resetVal))
		if resets != 1 {
			t.Errorf("RESET_REG %#x <- %#x: %d resets", resetPort, resetVal, resets)
		}
	}
}

// TestReducedTablesDriveGED does the same for a hardware-reduced machine
// and hw/acpi/ged: the sleep control and reset registers from the FADT, the
// event selector from the DSDT's operation region, the S5 type from _S5.
func TestReducedTablesDriveGED(t *testing.T) {
	c := acpi.MicroVM(1)
	c.Addr = 0xf2000
	tb, err := acpi.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	f := tb.Table("FACP")
	sleepCtl, resetReg, resetVal := le.Uint64(f[248:]), le.Uint64(f[120:]), f[128]
	dsdt := tb.Table("DSDT")
	i := bytes.Index(dsdt, []byte("\x5b\x80EREG\x00")) // OperationRegion (EREG, SystemMemory, ...
	if i < 0 {
		t.Fatal("DSDT has no EREG operation region")
	}
	if dsdt[i+7] != 0x0c {
		t.Fatalf("EREG offset is not a dword constant: % x", dsdt[i:i+12])
	}
	sel := uint64(le.Uint32(dsdt[i+8:]))
	j := bytes.Index(dsdt, []byte("\x08\\_S5_\x12"))
	if j < 0 || dsdt[j+9] != 0x0a {
		t.Fatal("DSDT has no \\_S5 package with a byte SLP_TYP")
	}
	s5 := dsdt[j+10]

	mmio := bus.NewSpace("mmio")
	line := new(hwtest.Line)
	shutdowns, resets := 0, 0
	g, err := ged.New(ged.Config{IRQ: line, Shutdown: func() { shutdowns++ }, Reset: func() { resets++ }})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range g.Regions() {
		if err := mmio.Map(r); err != nil {
			t.Fatal(err)
		}
	}
	g.PressPowerButton()
	if v, ok := mmio.Read(sel, 4); !ok || v&2 == 0 || line.Rises() != 1 {
		t.Errorf("event selector at %#x reads %#x (mapped %v) after a press, %d edges", sel, v, ok, line.Rises())
	}
	mmio.Write(sleepCtl, 1, uint64(s5)<<2|1<<5)
	mmio.Write(resetReg, 1, uint64(resetVal))
	if shutdowns != 1 || resets != 1 {
		t.Errorf("%d shutdowns, %d resets through the FADT's registers", shutdowns, resets)
	}
}

func TestDefaultsAgree(t *testing.T) {
	for _, c := range []struct {
		what     string
		acpi, hw uint64
	}{
		{"PM base", acpi.PMBase, pm.DefaultBase},
		{"GPE0", acpi.GPE0Base, pm.DefaultGPE0},
		{"S5 SLP_TYP", acpi.S5SlpTyp, pm.SlpTypS5},
		{"GPE0 length", acpi.GPE0Len, 2 * pm.GPEs / 8},
		{"reset port", acpi.ResetPort, rcr.Port},
		{"GED", acpi.GEDAddr, ged.DefaultBase},
		{"GED registers", acpi.GEDRegs, ged.DefaultBase + ged.RegsOffset},
		{"GED sleep control", acpi.GEDRegs, ged.DefaultBase + ged.RegsOffset + ged.RegSleepCtl},
		{"GED reset", acpi.GEDRegs + 2, ged.DefaultBase + ged.RegsOffset + ged.RegReset},
		{"GED GSI", acpi.GEDGSI, ged.DefaultGSI},
		{"GED reset value", acpi.GEDResetValue, ged.ResetValue},
		{"GED S5", acpi.GEDS5SlpTyp, ged.SlpTypS5},
	} {
		if c.acpi != c.hw {
			t.Errorf("%s: tables say %#x, device has %#x", c.what, c.acpi, c.hw)
		}
	}
}
