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
// sit directly under \_SB. The power button is the FADT's fixed feature, or
// on a hardware-reduced machine a PNP0C0C device that the GED notifies.
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
	typ := c.PM.S5SlpTyp
	if h := c.HWReduced; h != nil {
		sb = append(sb, gedDevice(h)...)
		typ = h.S5SlpTyp
	}
	s5 := aml.Int(uint64(typ))
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

// gedEvtPowerDown is the GED event selector's power button bit
// (hw/acpi/ged.EvtPowerDown).
const gedEvtPowerDown = 1 << 1

// gedDevice returns the Generic Event Device and the power button it
// notifies: on its interrupt the OS runs _EVT, which reads (and so clears)
// the event selector and sends the power button notification (0x80,
// "button pressed") when its bit is set.
func gedDevice(h *HWReduced) []aml.Term {
	return []aml.Term{
		aml.Device("GED",
			aml.Name("_HID", aml.Str("ACPI0013")),
			aml.Name("_UID", aml.Int(0)),
			aml.Name("_CRS", aml.ResourceTemplate(aml.Interrupt(aml.Edge, aml.ActiveHigh, false, h.GEDGSI))),
			aml.OperationRegion("EREG", aml.SystemMemory, uint64(h.GED), 4),
			aml.Field("EREG", aml.DWordAcc, false, aml.WriteAsZeros, aml.NamedField("ESEL", 32)),
			aml.Method("_EVT", 1, true,
				aml.Store(aml.Path("ESEL"), aml.Local(0)),
				aml.If(aml.And(aml.Local(0), aml.Int(gedEvtPowerDown), nil),
					aml.Notify(aml.Path(`\_SB.PWRB`), aml.Int(0x80))))),
		aml.Device("PWRB",
			aml.Name("_HID", aml.EISAID("PNP0C0C")),
			aml.Name("_UID", aml.Int(0))),
	}
}
