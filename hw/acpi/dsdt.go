package acpi

import (
	"fmt"

	"gemu/hw/acpi/aml"
)

// staPresent is the _STA value of a device that is present, enabled, shown
// in the UI and functioning.
const staPresent = 0x0f

// dsdt returns the DSDT's AML: the processors and the machine's ISA devices
// under \_SB, and the S5 sleep package. There is no PCI yet, so the devices
// sit directly under \_SB; the power button is the FADT's fixed feature.
func (c *Config) dsdt() ([]byte, error) {
	var sb []aml.Term
	for i := 0; i < c.CPUs; i++ {
		sb = append(sb, aml.Device(fmt.Sprintf("C%03X", i),
			aml.Name("_HID", aml.Str("ACPI0007")),
			aml.Name("_UID", aml.Int(uint64(i)))))
	}
	for i, s := range c.Serial {
		sb = append(sb, isaDevice(fmt.Sprintf("COM%d", i+1), "PNP0501", uint64(i+1),
			aml.IO(s.IOBase, s.IOBase, 1, 8), aml.IRQNoFlags(s.IRQ)))
	}
	if r := c.RTC; r != nil {
		sb = append(sb, isaDevice("RTC", "PNP0B00", 0,
			aml.IO(r.IOBase, r.IOBase, 1, r.Len), aml.IRQNoFlags(r.IRQ)))
	}
	if c.I8042 {
		sb = append(sb,
			isaDevice("KBD", "PNP0303", 0, aml.IO(0x60, 0x60, 1, 1), aml.IO(0x64, 0x64, 1, 1), aml.IRQNoFlags(1)),
			isaDevice("MOU", "PNP0F13", 0, aml.IRQNoFlags(12)))
	}
	if h := c.HPET; h != nil {
		sb = append(sb, isaDevice("HPET", "PNP0103", 0, aml.Memory32Fixed(false, h.Addr, 0x400)))
	}
	s5 := aml.Int(uint64(c.PM.S5SlpTyp))
	return aml.Encode(
		aml.Scope(`\_SB`, sb...),
		// \_S5: SLP_TYPa, SLP_TYPb and two reserved words.
		aml.Name(`\_S5`, aml.Package(s5, s5, aml.Int(0), aml.Int(0))),
	)
}

// isaDevice is a fixed motherboard device: its hardware ID, a unique ID,
// present status and the resources it decodes.
func isaDevice(name, hid string, uid uint64, res ...aml.Resource) aml.Term {
	return aml.Device(name,
		aml.Name("_HID", aml.EISAID(hid)),
		aml.Name("_UID", aml.Int(uid)),
		aml.Method("_STA", 0, false, aml.Return(aml.Int(staPresent))),
		aml.Name("_CRS", aml.ResourceTemplate(res...)))
}
