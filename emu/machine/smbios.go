package machine

import (
	"gemu/accel"
	"gemu/accel/cpuid"
	"gemu/emu/loader"
	"gemu/hw/smbios"
)

// BIOS identity reported in SMBIOS type 0 for direct kernel boots, where
// gemu itself plays the firmware.
const (
	smbiosBIOSVersion = "gemu-0.1.0"
	smbiosBIOSDate    = "11/26/2026"
)

// smbiosConfig describes the pc board as QEMU 7.2 names it, with the
// processor signature of the -cpu model and the RAM as mapped.
func (p *pc) smbiosConfig(m *Machine) smbios.Config {
	c := smbios.PC()
	c.Addr = loader.SMBIOSAddr
	c.BIOS.Version, c.BIOS.Date = smbiosBIOSVersion, smbiosBIOSDate
	smp := m.cfg.SMP
	c.Processor.CPUs = max(smp.CPUs, 1)
	c.Processor.Sockets, c.Processor.Cores, c.Processor.Threads = max(smp.Sockets, 1), max(smp.Cores, 1), max(smp.Threads, 1)
	c.Processor.Signature, c.Processor.Features = modelSignature(m.cfg.CPU.Name, m.cfg.CPU.Changes)
	for _, s := range m.ram.Slots() {
		if s.ReadOnly {
			continue
		}
		c.Memory.Ranges = appendRange(c.Memory.Ranges, smbios.Range{Addr: uint64(s.GPA), Size: uint64(len(s.Host))})
	}
	return c
}

// appendRange adds r, merging it with the previous range when they touch
// (RAM slots split around ROM overlays are one range of RAM).
func appendRange(rs []smbios.Range, r smbios.Range) []smbios.Range {
	if n := len(rs); n > 0 && rs[n-1].End() >= r.Addr {
		if r.End() > rs[n-1].End() {
			rs[n-1].Size = r.End() - rs[n-1].Addr
		}
		return rs
	}
	return append(rs, r)
}

// modelSignature returns CPUID.1:EAX and EDX for a named model with its
// feature changes; models that take their features from the host report
// zero, as "unknown".
func modelSignature(name string, changes []accel.FeatureChange) (eax, edx uint32) {
	md, ok := cpuid.Models[name]
	if !ok || md.Host {
		return 0, 0
	}
	fam, model := md.Family, md.Model
	eax = md.Stepping&0xf | (model&0xf)<<4 | min(fam, 0xf)<<8 | (model>>4&0xf)<<16
	if fam > 0xf {
		eax |= (fam - 0xf) << 20
	}
	set := md.Features.Clone()
	for _, ch := range changes {
		if ch.On {
			set.Add(ch.Name)
		} else {
			set.Remove(ch.Name)
		}
	}
	edx = set[cpuid.Word{Leaf: 1, Reg: cpuid.EDX}]
	return eax, edx
}

// placeSMBIOS builds the tables and writes them into the BIOS area.
func (p *pc) placeSMBIOS(m *Machine, e820 []loader.E820Entry) error {
	t, err := smbios.Build(p.smbiosConfig(m))
	if err != nil {
		return err
	}
	_, err = loader.SMBIOS(m.ram, t, e820)
	return err
}
