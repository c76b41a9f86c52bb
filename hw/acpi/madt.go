package acpi

// MADT (ACPI 6.4 section 5.2.12) structure types and flags.
const (
	madtPCATCompat = 1 << 0 // the machine also has dual 8259 PICs

	madtLocalAPIC     = 0 // Table 5.22, 8 bytes
	madtIOAPIC        = 1 // Table 5.24, 12 bytes
	madtOverride      = 2 // Table 5.25, 10 bytes
	madtLocalAPICNMI  = 4 // Table 5.30, 6 bytes
	madtLAPICEnabled  = 1 << 0
	madtAllProcessors = 0xff // ACPI processor UID meaning every processor
	lint1             = 1
)

// madt returns the MADT body: the local APIC address and flags, a local
// APIC per CPU, the I/O APIC, the interrupt source overrides and NMI on
// LINT1 of every processor (as the MP table's local interrupt entries).
func (c *Config) madt() []byte {
	var t []byte
	t = le.AppendUint32(t, c.LAPICAddr)
	var flags uint32
	if c.PIC {
		flags |= madtPCATCompat
	}
	t = le.AppendUint32(t, flags)
	for i := 0; i < c.CPUs; i++ {
		t = append(t, madtLocalAPIC, 8, uint8(i), uint8(i))
		t = le.AppendUint32(t, madtLAPICEnabled)
	}
	t = append(t, madtIOAPIC, 12, c.IOAPIC.ID, 0)
	t = le.AppendUint32(t, c.IOAPIC.Addr)
	t = le.AppendUint32(t, c.IOAPIC.GSIBase)
	for _, o := range c.Overrides {
		t = append(t, madtOverride, 10, 0 /* ISA */, o.Source)
		t = le.AppendUint32(t, o.GSI)
		t = le.AppendUint16(t, uint16(o.Polarity)|uint16(o.Trigger)<<2)
	}
	t = append(t, madtLocalAPICNMI, 6, madtAllProcessors)
	t = le.AppendUint16(t, 0) // polarity and trigger conform to the bus
	t = append(t, lint1)
	return t
}

// hpet returns the HPET table body (IA-PC HPET specification 1.0a, section
// 3.2.4): block ID, base address, sequence number 0, minimum tick, no page
// protection guarantee.
func (c *Config) hpet() []byte {
	t := make([]byte, 4+gasLen+1+2+1)
	le.PutUint32(t, c.HPET.ID)
	gas(t[4:], spaceMemory, 64, accessUndefined, uint64(c.HPET.Addr))
	t[16] = 0 // HPET number
	le.PutUint16(t[17:], c.HPET.MinTick)
	t[19] = 0 // page protection and OEM attributes
	return t
}
