package machine

import (
	"gemu/emu/loader"
	"gemu/hw/acpi"
	"gemu/hw/acpi/ged"
	"gemu/hw/acpi/pm"
	"gemu/hw/acpi/rcr"
	"gemu/hw/char/serial"
)

// buildACPIDevices adds the registers the ACPI tables describe: on pc the
// PIIX4-style PM block (SCI on IRQ 9) and the reset control register at
// 0xcf9; on microvm the hardware-reduced generic event device with its
// sleep and reset registers.
func (p *pc) buildACPIDevices(m *Machine) error {
	shutdown := func() { m.RequestShutdown("ACPI S5") }
	reset := func() { m.RequestReset("ACPI reset register") }
	if p.micro {
		g, err := ged.New(ged.Config{
			Base:     acpi.GEDAddr,
			IRQ:      m.isaIRQ(acpi.GEDGSI),
			Shutdown: shutdown,
			Reset:    reset,
			Logger:   m.log.With("dev", "acpi-ged"),
		})
		if err != nil {
			return err
		}
		for _, r := range g.Regions() {
			if err := m.mmio.Map(r); err != nil {
				return err
			}
		}
		m.addDevice(g)
		p.ged = g
		return nil
	}
	pmdev, err := pm.New(pm.Config{
		Base:     acpi.PMBase,
		GPE0:     acpi.GPE0Base,
		SCI:      m.isaIRQ(acpi.SCIIRQ),
		Clock:    m.clock,
		Shutdown: shutdown,
		Logger:   m.log.With("dev", "acpi-pm"),
	})
	if err != nil {
		return err
	}
	for _, r := range pmdev.Regions() {
		if err := m.io.Map(r); err != nil {
			return err
		}
	}
	m.addDevice(pmdev)
	p.pm = pmdev
	rc, err := rcr.New(rcr.Config{Reset: reset})
	if err != nil {
		return err
	}
	if err := m.io.Map(rc.Region()); err != nil {
		return err
	}
	m.addDevice(rc)
	return nil
}

// acpiConfig describes the board as built to the guest.
func (p *pc) acpiConfig(m *Machine) acpi.Config {
	cpus := max(m.cfg.SMP.CPUs, 1)
	var c acpi.Config
	if p.micro {
		c = acpi.MicroVM(cpus)
	} else {
		c = acpi.PC(cpus)
	}
	c.Addr = loader.ACPIAddr
	c.PIC = p.feat.pic
	c.Serial = nil
	if p.feat.serial {
		for i := range m.cfg.Serials {
			if port, ok := serial.COM(i); ok {
				c.Serial = append(c.Serial, acpi.Serial{IOBase: port.IOBase, IRQ: uint8(port.IRQ)})
			}
		}
	}
	if !p.feat.rtc {
		c.RTC = nil
	}
	c.I8042 = p.feat.i8042
	if p.feat.hpet {
		c.HPET = &acpi.HPET{Addr: acpi.HPETAddr, ID: acpi.HPETID}
	}
	return c
}

// placeACPI builds the tables and writes them where the e820 map reserves
// room, returning the RSDP's address for the boot protocol.
func (p *pc) placeACPI(m *Machine, e820 []loader.E820Entry) (uint64, error) {
	t, err := acpi.Build(p.acpiConfig(m))
	if err != nil {
		return 0, err
	}
	if _, err := loader.ACPI(m.ram, t, e820); err != nil {
		return 0, err
	}
	return t.RSDP, nil
}
