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

// These tests are the loaders' end-to-end check on QEMU: a loader lays out a
// real guest in a mem.Guest, every region it placed is copied into a QEMU
// guest at the same address (-device loader), and a ROM built with the
// loader's CPU state as symbols (linuxboot.rom for the 64-bit entry,
// pmboot.rom for 32-bit ones) replays that state from the reset vector.

// replay runs QEMU (TCG) on the regions and CPU state, with an
// isa-debug-exit device, and returns the console output and exit status.
func replay(t *testing.T, ram *mem.Guest, regions []Region, c accel.CPUState, cpus int) (string, int) {
	t.Helper()
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 not installed")
	}
	rom := replayROM(t, c)
	args := []string{"-M", "pc", "-accel", "tcg", "-m", fmt.Sprint(ram.RAMSize() >> 20), "-smp", fmt.Sprint(cpus),
		"-nodefaults", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
		"-device", fmt.Sprintf("isa-debug-exit,iobase=%#x,iosize=4", guests.ExitPort), "-bios", rom}
	args = append(args, loaderArgs(t, ram, regions)...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	s := strings.ReplaceAll(out.String(), "\r\n", "\n")
	if ctx.Err() != nil {
		t.Fatalf("QEMU did not finish; console:\n%s", s)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("qemu: %v\n%s", err, errb.String())
	}
	if ee != nil {
		return s, ee.ExitCode()
	}
	return s, 0
}

// replayROM builds the ROM that replays c from the reset vector and
// returns its path.
func replayROM(t *testing.T, c accel.CPUState) string {
	t.Helper()
	var rom string
	var err error
	if c.EFER&eferLMA != 0 {
		rom, err = guests.BuildWith("linuxboot.rom", map[string]uint64{
			"GDT_BASE": c.GDT.Base, "GDT_LIMIT": uint64(c.GDT.Limit), "CR3": c.CR3, "ENTRY": c.RIP,
			"BOOT_PARAMS": c.GPR[accel.RSI], "CS_SEL": uint64(c.CS.Selector), "DS_SEL": uint64(c.DS.Selector),
		})
	} else {
		rom, err = guests.BuildWith("pmboot.rom", map[string]uint64{
			"GDT_BASE": c.GDT.Base, "GDT_LIMIT": uint64(c.GDT.Limit), "ENTRY": c.RIP,
			"EAX": c.GPR[accel.RAX], "EBX": c.GPR[accel.RBX], "ESI": c.GPR[accel.RSI],
			"CS_SEL": uint64(c.CS.Selector), "DS_SEL": uint64(c.DS.Selector),
		})
	}
	if errors.Is(err, guests.ErrNoTools) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rom
}

// loaderArgs copies each region into a file and returns the -device loader
// arguments that put them at their addresses.
func loaderArgs(t *testing.T, ram *mem.Guest, regions []Region) []string {
	t.Helper()
	var args []string
	dir := t.TempDir()
	for i, r := range regions {
		if r.Name == "kernel workspace" {
			continue // nothing written there
		}
		if r.Start >= BIOSAreaStart && r.Start < HighMemStart {
			t.Fatalf("%v: under -bios that is the replay ROM itself", r)
		}
		p := filepath.Join(dir, fmt.Sprintf("region%d", i))
		if err := os.WriteFile(p, readGuest(t, ram, uint64(r.Start), int(r.Size)), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-device", fmt.Sprintf("loader,file=%s,addr=%#x,force-raw=on", p, uint64(r.Start)))
	}
	return args
}

// skipSlow skips QEMU boots in -short runs and under the race detector.
func skipSlow(t *testing.T) {
	t.Helper()
	if testing.Short() || raceEnabled {
		t.Skip("boots a guest under QEMU (not in -short or -race runs)")
	}
}

func needAsset(t *testing.T, get func() (string, error)) string {
	t.Helper()
	skipSlow(t)
	path, err := get()
	if errors.Is(err, assets.ErrNotFetched) {
		t.Skipf("asset cache not filled (run make assets): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func openImage(t *testing.T, path string) Image {
	im, f, err := OpenImage(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return im
}

// TestLinuxLayoutBootsOnQEMU boots Debian kernels from the Linux loader's
// layout to the initramfs, which runs a command. With two CPUs the MP table
// goes along and the kernel must find both: that needs the generic kernel,
// as the cloud kernel is built without MP table support
// (CONFIG_X86_MPPARSE) and finds CPUs only through ACPI. The 32-bit entry
// is checked too.
func TestLinuxLayoutBootsOnQEMU(t *testing.T) {
	for _, tc := range []struct {
		flavor  string
		cpus    int
		entry32 bool
	}{{assets.Cloud, 1, false}, {assets.Cloud, 1, true}, {assets.Generic, 2, false}} {
		name := fmt.Sprintf("%s/smp%d", tc.flavor, tc.cpus)
		if tc.entry32 {
			name += "/entry32"
		}
		t.Run(name, func(t *testing.T) {
			kernel := openImage(t, needAsset(t, func() (string, error) { return assets.Kernel(tc.flavor) }))
			initrd := openImage(t, needAsset(t, assets.Initramfs))
			ram := mem.NewForTest(256 << 20)
			// No firmware, so no ACPI to power off with; reboot=t makes
			// "reboot -f" a triple fault, which ends QEMU under -no-reboot.
			cmdline := "console=ttyS0 quiet panic=-1 reboot=t cryptomgr.notests gemu.exit=reboot " +
				assets.Cmdline("echo loader-ok; grep -c ^processor /proc/cpuinfo")
			b, err := Linux(ram, LinuxConfig{Kernel: kernel, Initrd: &initrd, Cmdline: cmdline, Entry32: tc.entry32})
			if err != nil {
				t.Fatal(err)
			}
			regions := b.Regions
			if tc.cpus > 1 {
				// In the EBDA: under -bios, 0xf0000 holds the replay ROM.
				r, err := MPTable(ram, MPConfig{CPUs: tc.cpus, Addr: EBDAStart, E820: b.E820})
				if err != nil {
					t.Fatal(err)
				}
				regions = append(regions, r)
			}
			out, _ := replay(t, ram, regions, b.CPU, tc.cpus)
			want := assets.MarkerInit + "\n" + assets.MarkerBegin + fmt.Sprintf(" 1\nloader-ok\n%d\n", tc.cpus) +
				assets.MarkerEnd + " 1 status=0\n" + assets.MarkerDone + "\n"
			if !strings.Contains(out, want) {
				t.Errorf("console lacks\n%s\ngot:\n%s", want, out)
			}
		})
	}
}

// TestMultibootBootsOnQEMU starts smp.elf from the Multiboot loader's layout
// with the loader's MP table and no cpus= on its command line, so the
// kernel counts the CPUs from the MP table, starts them, and takes timer
// interrupts.
func TestMultibootBootsOnQEMU(t *testing.T) {
	skipSlow(t)
	p, err := guests.Build("smp.elf")
	if errors.Is(err, guests.ErrNoTools) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	const cpus = 2
	ram := mem.NewForTest(64 << 20)
	mod := img("/boot/module.bin", pattern(5000, 3))
	b, err := Kernel(ram, KernelConfig{Kernel: openImage(t, p), Cmdline: "quiet", Initrd: []Module{{mod, "/boot/module.bin x=1"}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := MPTable(ram, MPConfig{CPUs: cpus, Addr: EBDAStart, E820: b.E820})
	if err != nil {
		t.Fatal(err)
	}
	out, status := replay(t, ram, append(b.Regions, r), b.CPU, cpus)
	want, _ := guests.Expected("smp.elf", cpus)
	if out != want || status != guests.QEMUStatus(guests.ExitOK) {
		t.Errorf("status %d, console:\n%s\nwant status %d and:\n%s", status, out, guests.QEMUStatus(guests.ExitOK), want)
	}
}

// TestPVHBootsOnQEMU starts pvh.elf from the PVH loader's layout; the guest
// prints what its hvm_start_info holds, which must match what it prints
// when QEMU's own PVH loader starts it (tests/guests checks that side).
func TestPVHBootsOnQEMU(t *testing.T) {
	skipSlow(t)
	p, err := guests.Build("pvh.elf")
	if errors.Is(err, guests.ErrNoTools) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	ram := mem.NewForTest(64 << 20)
	mod := img("module", pattern(12345, 1))
	b, err := Kernel(ram, KernelConfig{Kernel: openImage(t, p), Cmdline: "hello pvh", Initrd: []Module{{mod, "module"}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Protocol != "pvh" {
		t.Fatalf("protocol %s", b.Protocol)
	}
	out, status := replay(t, ram, b.Regions, b.CPU, 1)
	if want := guests.ExpectedPVH("hello pvh", 12345); out != want || status != guests.QEMUStatus(guests.ExitOK) {
		t.Errorf("status %d, console:\n%s\nwant status %d and:\n%s", status, out, guests.QEMUStatus(guests.ExitOK), want)
	}
}
