package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gemu/accel"
	"gemu/hw/mem"
	"gemu/tests/assets/assets"
	"gemu/tests/guests"
)

// TestLinuxLayoutBootsOnQEMU is the loader's end-to-end check: it lays out
// a Debian kernel, the initramfs and a command line with Linux, copies
// every region into a QEMU guest at the same addresses (-device loader), and
// starts the kernel from the loader's CPU state with linuxboot.rom, which
// replays it. The kernel must reach the initramfs and run a command. With
// two CPUs, the loader's MP table goes along, and the kernel must find both:
// that needs the generic kernel, as the cloud kernel is built without MP
// table support (CONFIG_X86_MPPARSE) and finds CPUs only through ACPI.
func TestLinuxLayoutBootsOnQEMU(t *testing.T) {
	for _, tc := range []struct {
		flavor string
		cpus   int
	}{{assets.Cloud, 1}, {assets.Generic, 2}} {
		t.Run(fmt.Sprintf("%s/smp%d", tc.flavor, tc.cpus), func(t *testing.T) { testLayoutOnQEMU(t, tc.flavor, tc.cpus) })
	}
}

func testLayoutOnQEMU(t *testing.T, flavor string, cpus int) {
	if testing.Short() {
		t.Skip("boots a kernel under QEMU")
	}
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 not installed")
	}
	kpath, err := assets.Kernel(flavor)
	if errors.Is(err, assets.ErrNotFetched) {
		t.Skipf("Debian kernel not in the asset cache (run make assets): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	rdpath, err := assets.Initramfs()
	if err != nil {
		t.Fatal(err)
	}
	kernel, f, err := OpenImage(kpath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	initrd, f2, err := OpenImage(rdpath)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()

	const ramSize = 256 << 20
	ram := mem.NewForTest(ramSize)
	// No firmware: no ACPI, so the kernel cannot power off; reboot=t makes
	// "reboot -f" a triple fault, which ends QEMU under -no-reboot.
	cmdline := "console=ttyS0 quiet panic=-1 reboot=t cryptomgr.notests gemu.exit=reboot " + assets.Cmdline("echo loader-ok; grep -c ^processor /proc/cpuinfo")
	b, err := Linux(ram, LinuxConfig{Kernel: kernel, Initrd: &initrd, Cmdline: cmdline})
	if err != nil {
		t.Fatal(err)
	}
	regions := b.Regions
	if cpus > 1 {
		// In the EBDA: under -bios, 0xf0000 is the ROM's own first bytes.
		r, err := MPTable(ram, MPConfig{CPUs: cpus, Addr: EBDAStart, E820: b.E820})
		if err != nil {
			t.Fatal(err)
		}
		regions = append(regions, r)
	}
	c := b.CPU
	rom, err := guests.BuildWith("linuxboot.rom", map[string]uint64{
		"GDT_BASE": c.GDT.Base, "GDT_LIMIT": uint64(c.GDT.Limit), "CR3": c.CR3, "ENTRY": c.RIP,
		"BOOT_PARAMS": c.GPR[accel.RSI], "CS_SEL": uint64(c.CS.Selector), "DS_SEL": uint64(c.DS.Selector),
	})
	if errors.Is(err, guests.ErrNoTools) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-M", "pc", "-accel", "tcg", "-m", fmt.Sprint(ramSize >> 20), "-smp", fmt.Sprint(cpus), "-nodefaults", "-display", "none",
		"-serial", "stdio", "-monitor", "none", "-no-reboot", "-bios", rom}
	dir := t.TempDir()
	for i, r := range regions {
		if r.Name == "kernel workspace" {
			continue // nothing written there
		}
		p := filepath.Join(dir, fmt.Sprintf("region%d", i))
		if err := os.WriteFile(p, readGuest(t, ram, uint64(r.Start), int(r.Size)), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-device", fmt.Sprintf("loader,file=%s,addr=%#x,force-raw=on", p, uint64(r.Start)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	s := strings.ReplaceAll(string(out), "\r\n", "\n")
	if err != nil {
		t.Fatalf("qemu: %v\n%s\nconsole:\n%s", err, errb.String(), s)
	}
	want := assets.MarkerInit + "\n" + assets.MarkerBegin + fmt.Sprintf(" 1\nloader-ok\n%d\n", cpus) + assets.MarkerEnd + " 1 status=0\n" + assets.MarkerDone + "\n"
	if !strings.Contains(s, want) {
		t.Errorf("console lacks\n%s\ngot:\n%s", want, s)
	}
}
