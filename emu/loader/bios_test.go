package loader

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gemu/accel"
	"gemu/hw/mem"
)

func TestBIOS(t *testing.T) {
	for _, size := range []int{64 << 10, 256 << 10} {
		ram := mem.NewForTest(16 << 20)
		rom := pattern(size, 3)
		b, err := BIOS(ram, img("bios.bin", rom))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(readGuest(t, ram, 1<<32-uint64(size), size), rom) {
			t.Errorf("%d KiB: image not at the top of 4 GiB", size>>10)
		}
		isa := min(size, 128<<10)
		if !bytes.Equal(readGuest(t, ram, 0x100000-uint64(isa), isa), rom[size-isa:]) {
			t.Errorf("%d KiB: legacy window does not mirror the image's top %d KiB", size>>10, isa>>10)
		}
		if _, err := ram.WriteAt([]byte{1}, 0xffff0); !errors.Is(err, mem.ErrReadOnly) {
			t.Errorf("%d KiB: legacy window writable: %v", size>>10, err)
		}
		if _, err := ram.WriteAt([]byte{1}, 0xfffffff0); !errors.Is(err, mem.ErrReadOnly) {
			t.Errorf("%d KiB: ROM writable: %v", size>>10, err)
		}
		if _, err := ram.WriteAt([]byte{1}, 0xdf000); size == 64<<10 && err != nil {
			t.Errorf("RAM below a 64 KiB BIOS window lost: %v", err)
		}
		want := accel.ResetState(0)
		if b.CPU.RIP != want.RIP || b.CPU.CS.Base != want.CS.Base || b.Protocol != "bios" {
			t.Errorf("not the reset state: RIP %#x CS.base %#x", b.CPU.RIP, b.CPU.CS.Base)
		}
	}
}

func TestBIOSErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
		ram  []mem.Range
		want string
	}{
		{"too small", 32 << 10, nil, "multiple of 64 KiB"},
		{"not a multiple", 100 << 10, nil, "multiple of 64 KiB"},
		{"too big", 32 << 20, nil, "multiple of 64 KiB"},
		{"overlaps RAM", 64 << 10, []mem.Range{{Start: 0, Size: 1 << 20}, {Start: 0xfff00000, Size: 1 << 20}}, "overlaps memory slot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ram *mem.Guest
			if tc.ram != nil {
				var err error
				if ram, err = mem.New(2<<20, tc.ram); err != nil {
					t.Fatal(err)
				}
				defer ram.Close()
			} else {
				ram = mem.NewForTest(1 << 20)
			}
			_, err := BIOS(ram, img("b", make([]byte, tc.size)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestFindFirmware(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(d2, "fw.bin"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(d1, "other.bin"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(d1, "fw.bin"), 0o755) // a directory is not firmware
	if p, err := FindFirmware("fw.bin", []string{d1, d2}); err != nil || p != filepath.Join(d2, "fw.bin") {
		t.Errorf("FindFirmware = %q, %v", p, err)
	}
	abs := filepath.Join(d1, "other.bin")
	if p, err := FindFirmware(abs, nil); err != nil || p != abs {
		t.Errorf("absolute path: %q, %v", p, err)
	}
	if _, err := FindFirmware("no-such-firmware.bin", []string{d1}); !errors.Is(err, ErrFirmwareNotFound) || !strings.Contains(err.Error(), d1) {
		t.Errorf("missing firmware: %v", err)
	}
	if _, err := FindFirmware("", nil); err == nil {
		t.Error("empty name accepted")
	}
}

func TestFindDefaultBIOS(t *testing.T) {
	p, err := FindFirmware(DefaultBIOS, nil)
	if errors.Is(err, ErrFirmwareNotFound) {
		t.Skipf("SeaBIOS is not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	ram := mem.NewForTest(16 << 20)
	if _, err := BIOS(ram, Image{p, f, st.Size()}); err != nil {
		t.Fatalf("loading %s: %v", p, err)
	}
}

func TestMPTable(t *testing.T) {
	for _, cpus := range []int{1, 2, 8, 254} {
		ram := mem.NewForTest(16 << 20)
		r, err := MPTable(ram, MPConfig{CPUs: cpus})
		if err != nil {
			t.Fatal(err)
		}
		if r.Start != MPDefaultAddr || r.Size != MPTableSize(cpus) {
			t.Errorf("region %v", r)
		}
		mpf := readGuest(t, ram, uint64(r.Start), 16)
		if string(mpf[:4]) != "_MP_" || mpf[8] != 1 || mpf[9] != 4 || sum(mpf) != 0 {
			t.Fatalf("floating pointer %x", mpf)
		}
		mpc := uint64(le.Uint32(mpf[4:]))
		hdr := readGuest(t, ram, mpc, 44)
		n := int(le.Uint16(hdr[4:]))
		tbl := readGuest(t, ram, mpc, n)
		if string(tbl[:4]) != "PCMP" || sum(tbl) != 0 || le.Uint32(tbl[36:]) != 0xfee00000 {
			t.Fatalf("config table header %x", hdr)
		}
		var procs, bsp, ioapics, ioints, lints int
		pins := map[uint8]uint8{}
		for e := tbl[44:]; len(e) > 0; {
			switch e[0] {
			case mpEntryProc:
				if int(e[1]) != procs || e[3]&mpProcEN == 0 {
					t.Errorf("processor entry %x", e[:20])
				}
				if e[3]&mpProcBP != 0 {
					bsp++
				}
				procs++
				e = e[20:]
				continue
			case mpEntryBus:
				if string(e[2:8]) != "ISA   " {
					t.Errorf("bus %q", e[2:8])
				}
			case mpEntryIOAPIC:
				ioapics++
				if int(e[1]) != cpus || le.Uint32(e[4:]) != IOAPICAddr {
					t.Errorf("I/O APIC entry %x", e[:8])
				}
			case mpEntryIOIntr:
				ioints++
				pins[e[5]] = e[7]
			case mpEntryLocalInt:
				lints++
				if (e[7] == 0) != (e[1] == mpIntExtINT) {
					t.Errorf("local interrupt entry %x", e[:8])
				}
			default:
				t.Fatalf("unknown entry type %d", e[0])
			}
			e = e[8:]
		}
		if procs != cpus || bsp != 1 || ioapics != 1 || ioints != 15 || lints != 2 || int(le.Uint16(tbl[34:])) != cpus+19 {
			t.Errorf("%d CPUs: %d processors (%d BSP), %d I/O APICs, %d I/O and %d local interrupts", cpus, procs, bsp, ioapics, ioints, lints)
		}
		if pins[0] != 2 || pins[1] != 1 || pins[15] != 15 {
			t.Errorf("IRQ to pin: %v", pins)
		}
	}
}

func sum(b []byte) uint8 {
	var s uint8
	for _, c := range b {
		s += c
	}
	return s
}

func TestMPTableErrors(t *testing.T) {
	ram := mem.NewForTest(16 << 20)
	for _, tc := range []struct {
		name string
		c    MPConfig
		want string
	}{
		{"no CPUs", MPConfig{}, "0 CPUs"},
		{"too many", MPConfig{CPUs: 255}, "255 CPUs"},
		{"unaligned", MPConfig{CPUs: 1, Addr: 0xf0008}, "not 16-byte aligned"},
		{"in usable RAM", MPConfig{CPUs: 1, Addr: 0x8000}, "not inside a reserved range"},
		{"does not fit the EBDA", MPConfig{CPUs: 64, Addr: EBDAStart}, "not inside a reserved range"},
	} {
		if _, err := MPTable(ram, tc.c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := MPTable(ram, MPConfig{CPUs: 2, Addr: EBDAStart}); err != nil {
		t.Errorf("EBDA placement: %v", err)
	}
}
