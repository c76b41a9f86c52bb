package loader

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"gemu/hw/acpi"
	"gemu/hw/mem"
	"gemu/hw/smbios"
	"gemu/tests/assets/assets"
)

// The SMBIOS boots run Debian's cloud kernel on QEMU (TCG) with our SMBIOS
// tables, and our ACPI tables for the power-off, placed at their default
// addresses in the replay ROM (under -bios the ROM is what the guest sees
// at 0xf0000-0xfffff). QEMU's own SMBIOS tables reach a guest only through
// firmware that reads them from fw_cfg, which the replay ROM does not, so
// the kernel sees ours alone: it finds them by scanning the BIOS area,
// prints the "DMI:" line, and exports what they say in /sys/class/dmi/id
// and the raw tables in /sys/firmware/dmi.

// smbiosUUID is the -uuid the tables carry, as written.
const smbiosUUID = "00112233-4455-6677-8899-aabbccddeeff"

// dmiFiles are the /sys/class/dmi/id attributes the checks read, in order.
var dmiFiles = []string{
	"bios_vendor", "bios_version", "bios_date", "bios_release",
	"sys_vendor", "product_name", "product_version", "product_serial", "product_uuid", "product_sku", "product_family",
	"chassis_vendor", "chassis_type", "chassis_version", "chassis_serial", "chassis_asset_tag",
}

func TestSMBIOSBootsOnQEMU(t *testing.T) {
	for _, tc := range []struct {
		name    string
		eps     smbios.EntryPoints
		version string // what the kernel prints: "SMBIOS <version> present."
	}{
		{"both-entry-points", smbios.BothEntryPoints, "3.0.0"},
		{"32-bit-entry-point", smbios.EntryPoint32, "3.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kernel := openImage(t, needAsset(t, func() (string, error) { return assets.Kernel(assets.Cloud) }))
			initrd := openImage(t, needAsset(t, assets.Initramfs))
			ram := mem.NewForTest(256 << 20)

			sc := smbios.PC()
			sc.Addr = SMBIOSAddr
			sc.EntryPoints = tc.eps
			sc.BIOS.Version, sc.BIOS.Date, sc.BIOS.Major, sc.BIOS.Minor = "0.1.0", "02/29/2024", 0, 1
			sc.System.Serial, sc.System.SKU, sc.System.Family = "gemu-serial", "gemu-sku", "gemu-family"
			uuid, err := hex.DecodeString(strings.ReplaceAll(smbiosUUID, "-", ""))
			if err != nil {
				t.Fatal(err)
			}
			copy(sc.System.UUID[:], uuid)
			sc.Chassis.Serial, sc.Chassis.AssetTag = "chassis-serial", "chassis-tag"
			sc.Processor.CPUs, sc.Processor.Sockets = 2, 2
			sc.Processor.Signature, sc.Processor.Features = 0x00060fb1, 0x078bfbfd // qemu64
			sc.Memory.Ranges = []smbios.Range{{Addr: 0, Size: ram.RAMSize()}}
			st, err := smbios.Build(sc)
			if err != nil {
				t.Fatal(err)
			}
			e820 := PCMemoryMap(ram, nil)
			if _, err := SMBIOS(ram, st, e820); err != nil {
				t.Fatal(err)
			}
			ac := acpi.PC(2)
			ac.Addr = ACPIAddr
			ac.PM.Timer32 = false // QEMU's PIIX4 PM timer counts 24 bits
			at, err := acpi.Build(ac)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ACPI(ram, at, e820); err != nil {
				t.Fatal(err)
			}

			var ep []byte // the entry point the kernel uses, as sysfs shows it
			if tc.eps == smbios.EntryPoint32 {
				ep = st.Anchor[:0x1f]
			} else {
				ep = st.Anchor[:0x18]
			}
			var sysfs strings.Builder
			for _, f := range dmiFiles {
				fmt.Fprintf(&sysfs, "%s=%s\n", f, map[string]string{
					"bios_vendor": "gemu", "bios_version": "0.1.0", "bios_date": "02/29/2024", "bios_release": "0.1",
					"sys_vendor": "QEMU", "product_name": "Standard PC (i440FX + PIIX, 1996)", "product_version": "pc-i440fx-7.2",
					"product_serial": "gemu-serial", "product_uuid": smbiosUUID, "product_sku": "gemu-sku", "product_family": "gemu-family",
					"chassis_vendor": "QEMU", "chassis_type": "1", "chassis_version": "pc-i440fx-7.2",
					"chassis_serial": "chassis-serial", "chassis_asset_tag": "chassis-tag",
				}[f])
			}
			checks := []check{
				{`dmesg | grep -E 'SMBIOS|DMI' | sed 's/^\[[ .0-9]*\] //'`,
					`^SMBIOS ` + regexp.QuoteMeta(tc.version) + ` present\.\nDMI: QEMU Standard PC \(i440FX \+ PIIX, 1996\), BIOS 0\.1\.0 02/29/2024\n$`},
				{`cd /sys/class/dmi/id && for f in ` + strings.Join(dmiFiles, " ") + `; do echo "$f=$(cat $f)"; done`,
					`^` + regexp.QuoteMeta(sysfs.String()) + `$`},
				{`ls /sys/firmware/dmi/entries | sort | tr '\n' ' '`, `^0-0 1-0 127-0 16-0 17-0 19-0 3-0 32-0 4-0 4-1 $`},
				{`cat /sys/firmware/dmi/entries/4-1/raw | base64 -w0; echo`, ``}, // compared below
				{`base64 -w0 /sys/firmware/dmi/tables/smbios_entry_point; echo`, `^` + regexp.QuoteMeta(base64.StdEncoding.EncodeToString(ep)) + `\n$`},
				{`base64 -w0 /sys/firmware/dmi/tables/DMI; echo`, `^` + regexp.QuoteMeta(base64.StdEncoding.EncodeToString(st.Table)) + `\n$`},
			}
			var cmds []string
			for _, c := range checks {
				cmds = append(cmds, c.cmd)
			}
			cmdline := "console=ttyS0 quiet panic=-1 cryptomgr.notests " + assets.Cmdline(cmds...)
			b, err := Linux(ram, LinuxConfig{Kernel: kernel, Initrd: &initrd, Cmdline: cmdline, E820: e820})
			if err != nil {
				t.Fatal(err)
			}
			rom, err := os.ReadFile(replayROM(t, b.CPU))
			if err != nil {
				t.Fatal(err)
			}
			// The ROM is the BIOS area; the tables go into its filler.
			for _, p := range []struct {
				addr uint64
				b    []byte
			}{{at.Addr, at.Bytes}, {st.Addr, st.Bytes()}} {
				off := int(p.addr - BIOSAreaStart)
				if !bytes.Equal(rom[off:off+len(p.b)], make([]byte, len(p.b))) {
					t.Fatalf("the replay ROM has code where the tables at %#x go", p.addr)
				}
				copy(rom[off:], p.b)
			}
			run := bootQMP(t, ram, b.Regions, rom, 2, board{machine: "pc,smm=off", setup: piix4PMSetup}, false)
			if run.reason != "guest-shutdown" || run.status != 0 {
				t.Errorf("QEMU ended with SHUTDOWN reason %q, status %d; want guest-shutdown, 0\nconsole:\n%s", run.reason, run.status, run.console)
			}
			for i, ch := range checks {
				out, ok := cmdOutput(run.console, i+1)
				if !ok {
					t.Errorf("command %d (%s) did not finish; console:\n%s", i+1, ch.cmd, run.console)
					break
				}
				if i == 3 {
					// The second socket's type 4 structure, as the
					// kernel holds it: formatted area and strings.
					s := ofType(st.Structures, smbios.TypeProcessor)[1]
					raw, err := smbios.Encode([]smbios.Structure{s})
					if want := base64.StdEncoding.EncodeToString(raw) + "\n"; err != nil || out != want {
						t.Errorf("%s\nprinted %q, want %q (%v)", ch.cmd, out, want, err)
					}
					continue
				}
				if !regexp.MustCompile(ch.want).MatchString(out) {
					t.Errorf("%s\nprinted %q, want %q", ch.cmd, out, ch.want)
				}
			}
		})
	}
}

func ofType(ss []smbios.Structure, typ uint8) []smbios.Structure {
	var out []smbios.Structure
	for _, s := range ss {
		if s.Type == typ {
			out = append(out, s)
		}
	}
	return out
}
