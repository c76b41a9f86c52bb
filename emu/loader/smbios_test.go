package loader

import (
	"bytes"
	"strings"
	"testing"

	"gemu/hw/acpi"
	"gemu/hw/mem"
	"gemu/hw/smbios"
)

// smbiosTables builds pc tables for the given sockets and RAM at addr.
func smbiosTables(t *testing.T, sockets int, ram []smbios.Range, addr uint64) *smbios.Tables {
	t.Helper()
	c := smbios.PC()
	c.Addr = addr
	c.BIOS.Version, c.BIOS.Date = "0.1.0", "02/29/2024"
	c.Processor.Sockets = sockets
	c.Memory.Ranges = ram
	tb, err := smbios.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// TestSMBIOSBesideMPAndACPI places the MP table and the ACPI tables for the
// most CPUs either describes and the SMBIOS tables for as many sockets with
// 2 TiB of RAM at their default places: all fit in the BIOS area without
// overlapping, each intact after the others are placed, and the entry
// points are where scans look.
func TestSMBIOSBesideMPAndACPI(t *testing.T) {
	ram := mem.NewForTest(64 << 20)
	mp, err := MPTable(ram, MPConfig{CPUs: 254})
	if err != nil {
		t.Fatal(err)
	}
	c := acpi.PC(acpi.MaxCPUs)
	c.Addr = ACPIAddr
	c.HPET = &acpi.HPET{Addr: acpi.HPETAddr, ID: acpi.HPETID}
	c.Serial = []acpi.Serial{{IOBase: 0x3f8, IRQ: 4}, {IOBase: 0x2f8, IRQ: 3}, {IOBase: 0x3e8, IRQ: 4}, {IOBase: 0x2e8, IRQ: 3}}
	at, err := acpi.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := ACPI(ram, at, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := smbiosTables(t, 254, []smbios.Range{{Addr: 0, Size: 3 << 30}, {Addr: 4 << 30, Size: 2<<40 - 3<<30}}, SMBIOSAddr)
	sr, err := SMBIOS(ram, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sr) != 1 || sr[0].Start != SMBIOSAddr || sr[0].Size != uint64(len(st.Anchor)+len(st.Table)) {
		t.Fatalf("SMBIOS regions %v", sr)
	}
	t.Logf("MP table %v, ACPI %v, SMBIOS %v", mp, ar, sr[0])
	if mp.End() > ar.Start || ar.End() > sr[0].Start || uint64(sr[0].End()) > HighMemStart {
		t.Errorf("MP table %v, ACPI tables %v and SMBIOS tables %v overlap or leave the BIOS area", mp, ar, sr[0])
	}
	if !bytes.Equal(readGuest(t, ram, uint64(ar.Start), int(ar.Size)), at.Bytes) {
		t.Error("placing the SMBIOS tables changed the ACPI tables")
	}
	if !bytes.Equal(readGuest(t, ram, SMBIOSAddr, int(sr[0].Size)), st.Bytes()) {
		t.Error("SMBIOS tables not in guest memory")
	}
	for _, ep := range []uint64{st.EntryPoint64, st.EntryPoint32} {
		if !SMBIOSScannable(ep) {
			t.Errorf("entry point at %#x is not where a scan finds it", ep)
		}
	}
	if string(readGuest(t, ram, st.EntryPoint64, 5)) != "_SM3_" || string(readGuest(t, ram, st.EntryPoint32, 4)) != "_SM_" {
		t.Error("entry points not at their addresses")
	}
}

func TestSMBIOSPlacement(t *testing.T) {
	ram := mem.NewForTest(64 << 20)
	pcRAM := []smbios.Range{{Addr: 0, Size: 64 << 20}}
	// The table in a reserved range of RAM, the entry points in the BIOS
	// area: two regions.
	c := smbios.PC()
	c.Addr, c.TableAddr = SMBIOSAddr, 0x3f00000
	c.Memory.Ranges = pcRAM
	split, err := smbios.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	m := PCMemoryMap(ram, []E820Entry{{0x3f00000, 0x100000, E820Reserved}})
	rs, err := SMBIOS(ram, split, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Name != "smbios" || rs[0].Start != SMBIOSAddr || rs[1].Name != "smbios-table" || rs[1].Start != 0x3f00000 || rs[1].Size != uint64(len(split.Table)) {
		t.Errorf("regions %v", rs)
	}
	if !bytes.Equal(readGuest(t, ram, 0x3f00000, len(split.Table)), split.Table) || !bytes.Equal(readGuest(t, ram, SMBIOSAddr, len(split.Anchor)), split.Anchor) {
		t.Error("split tables not in guest memory")
	}

	acpiData := PCMemoryMap(ram, []E820Entry{{0x3f00000, 0x100000, E820ACPI}})
	for _, tc := range []struct {
		name      string
		addr, tbl uint64
		e820      []E820Entry
		want      string
	}{
		{"entry points in RAM", 0x9e000, 0, nil, "not where operating systems scan"},
		{"entry points in the EBDA", EBDAStart, 0, nil, "not where operating systems scan"},
		{"second entry point past 1 MiB", HighMemStart - 48, 0, nil, "entry point at 0xffff0"},
		{"table in usable RAM", SMBIOSAddr, 0x200000, nil, "smbios-table [0x200000-"},
		{"table in ACPI data", SMBIOSAddr, 0x3f00000, acpiData, "not inside a reserved range"},
		{"not in this map", SMBIOSAddr, 0, m[:1], "smbios [0xf8000-"},
		{"table past the BIOS area", HighMemStart - 64, 0, nil, "not inside a reserved range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := smbios.PC()
			c.Addr, c.TableAddr = tc.addr, tc.tbl
			c.Memory.Ranges = pcRAM
			tb, err := smbios.Build(c)
			if err != nil {
				t.Fatal(err)
			}
			_, err = SMBIOS(ram, tb, tc.e820)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := SMBIOS(ram, &smbios.Tables{}, nil); err == nil {
		t.Error("empty tables placed")
	}
	if _, err := SMBIOS(ram, nil, nil); err == nil {
		t.Error("nil tables placed")
	}
}

func TestSMBIOSScannable(t *testing.T) {
	for a, want := range map[uint64]bool{BIOSAreaStart: true, SMBIOSAddr: true, 0xfffe0: true, 0xffff0: false, 0xf8008: false, 0xeffff0: false, 0xe0000: false} {
		if got := SMBIOSScannable(a); got != want {
			t.Errorf("SMBIOSScannable(%#x) = %v", a, got)
		}
	}
}
