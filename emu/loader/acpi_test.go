package loader

import (
	"bytes"
	"strings"
	"testing"

	"gemu/accel"
	"gemu/hw/acpi"
	"gemu/hw/mem"
)

func pcTables(t *testing.T, cpus int, addr uint64) *acpi.Tables {
	t.Helper()
	c := acpi.PC(cpus)
	c.Addr = addr
	c.HPET = &acpi.HPET{Addr: acpi.HPETAddr, ID: acpi.HPETID}
	tb, err := acpi.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// TestACPIBesideMPTable places the MP table and the ACPI tables for the
// most CPUs either describes at their default places: both fit in the BIOS
// area without overlapping, and the RSDP is where scans look.
func TestACPIBesideMPTable(t *testing.T) {
	ram := mem.NewForTest(64 << 20)
	mp, err := MPTable(ram, MPConfig{CPUs: 254})
	if err != nil {
		t.Fatal(err)
	}
	mpBytes := readGuest(t, ram, uint64(mp.Start), int(mp.Size))
	tb := pcTables(t, acpi.MaxCPUs, ACPIAddr)
	r, err := ACPI(ram, tb, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mp.End() > r.Start {
		t.Errorf("MP table %v runs into the ACPI tables %v", mp, r)
	}
	if uint64(r.End()) > HighMemStart {
		t.Errorf("ACPI tables %v run past the BIOS area", r)
	}
	if !bytes.Equal(readGuest(t, ram, uint64(r.Start), int(r.Size)), tb.Bytes) {
		t.Error("tables not in guest memory")
	}
	if !bytes.Equal(readGuest(t, ram, uint64(mp.Start), int(mp.Size)), mpBytes) {
		t.Error("placing the ACPI tables changed the MP table")
	}
	if !RSDPScannable(tb.RSDP) || string(readGuest(t, ram, tb.RSDP, 8)) != "RSD PTR " {
		t.Errorf("RSDP at %#x is not where a scan finds it", tb.RSDP)
	}
}

func TestACPIPlacement(t *testing.T) {
	ram := mem.NewForTest(64 << 20)
	acpiRange := []E820Entry{{0x9e000, 0x1c00, E820ACPI}}
	m := PCMemoryMap(ram, acpiRange)
	if _, err := ACPI(ram, pcTables(t, 2, 0x9e000), m); err != nil {
		t.Errorf("tables in an ACPI-data range: %v", err)
	}
	for _, tc := range []struct {
		name string
		addr uint64
		e820 []E820Entry
	}{
		{"usable RAM", 0x200000, nil},
		{"straddles the range", 0x9f800, m},
		{"not in this map", ACPIAddr, m[:1]},
	} {
		_, err := ACPI(ram, pcTables(t, 2, tc.addr), tc.e820)
		if err == nil || !strings.Contains(err.Error(), "not inside a reserved or ACPI range") {
			t.Errorf("%s: error %v", tc.name, err)
		}
	}
	if _, err := ACPI(ram, &acpi.Tables{}, nil); err == nil {
		t.Error("empty tables placed")
	}
}

func TestRSDPScannable(t *testing.T) {
	for a, want := range map[uint64]bool{0xe0000: true, ACPIAddr: true, 0xfffd0: true, 0xfffe0: false, 0xf2008: false, 0xdfff0: false, 0x9e000: false} {
		if got := RSDPScannable(a); got != want {
			t.Errorf("RSDPScannable(%#x) = %v", a, got)
		}
	}
}

// TestACPIRSDPToKernels: the RSDP of placed tables reaches a PVH kernel in
// hvm_start_info.rsdp_paddr and a bzImage in boot_params.acpi_rsdp_addr.
func TestACPIRSDPToKernels(t *testing.T) {
	ram := mem.NewForTest(64 << 20)
	tb := pcTables(t, 1, ACPIAddr)
	if _, err := ACPI(ram, tb, nil); err != nil {
		t.Fatal(err)
	}
	pvh := fakeELF(true, elfMachineX86, 0, []elfSeg{{typ: ptNote, data: pvhNote(0x100000)}, {typ: ptLoad, paddr: 0x100000, data: pattern(0x1000, 0)}})
	b, err := Kernel(ram, KernelConfig{Kernel: img("vmlinux", pvh), RSDP: tb.RSDP})
	if err != nil {
		t.Fatal(err)
	}
	if got := guest64(t, ram, b.CPU.GPR[accel.RBX]+32); got != tb.RSDP {
		t.Errorf("PVH start_info rsdp_paddr %#x, want %#x", got, tb.RSDP)
	}
	b, err = Kernel(ram, KernelConfig{Kernel: img("bzImage", fakeBzImage(defaultBz())), RSDP: tb.RSDP})
	if err != nil {
		t.Fatal(err)
	}
	if got := guest64(t, ram, b.CPU.GPR[accel.RSI]+bpACPIRSDPAddr); got != tb.RSDP {
		t.Errorf("boot_params.acpi_rsdp_addr %#x, want %#x", got, tb.RSDP)
	}
	if string(readGuest(t, ram, tb.RSDP, 8)) != "RSD PTR " {
		t.Error("loading the kernels overwrote the tables")
	}
}
