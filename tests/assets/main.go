// Command assets fetches the guests the tests boot into the asset cache
// (make assets), and with -run boots one with an interactive shell on the
// serial console (make run).
//
//	go run ./tests/assets [-dir DIR] [-run [-emulator PATH] [-flavor F] [-m MiB] [-smp N]]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"gemu/tests/assets/assets"
)

func main() {
	dir := flag.String("dir", assets.Dir(), "asset cache directory (env GEMU_ASSETS)")
	run := flag.Bool("run", false, "boot the kernel and initramfs to a shell on the console")
	emulator := flag.String("emulator", "", "emulator to boot with (default: bin/gemu beside the module)")
	flavor := flag.String("flavor", assets.Cloud, "kernel flavor for -run: "+strings.Join(assets.Flavors, ", "))
	memMiB := flag.Int("m", 512, "guest RAM in MiB for -run")
	smp := flag.Int("smp", 1, "vCPUs for -run")
	flag.Parse()

	m, err := assets.Fetch(*dir, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if !*run {
		for _, fl := range assets.Flavors {
			fmt.Printf("kernel %-12s %s\n", fl, filepath.Join(*dir, m.Kernels[fl].Vmlinuz))
		}
		fmt.Printf("initramfs           %s\n", filepath.Join(*dir, m.Initramfs))
		return
	}
	k, ok := m.Kernels[*flavor]
	if !ok {
		fmt.Fprintf(os.Stderr, "assets: unknown flavor %q (have %s)\n", *flavor, strings.Join(assets.Flavors, ", "))
		os.Exit(2)
	}
	emu := *emulator
	if emu == "" {
		emu = filepath.Join(filepath.Dir(assets.Dir()), "bin", "gemu")
	}
	accel := "tcg"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil && hasVirt(string(b)) {
		if _, err := os.Stat("/dev/kvm"); err == nil {
			accel = "kvm"
		}
	}
	args := []string{
		"-M", "pc", "-accel", accel, "-m", fmt.Sprint(*memMiB), "-smp", fmt.Sprint(*smp),
		"-nographic", "-no-reboot",
		"-kernel", filepath.Join(*dir, k.Vmlinuz),
		"-initrd", filepath.Join(*dir, m.Initramfs),
		"-append", "console=ttyS0 panic=-1",
	}
	fmt.Fprintf(os.Stderr, "assets: %s %s\n", emu, strings.Join(args, " "))
	fmt.Fprintf(os.Stderr, "assets: booting on -accel %s; the serial console is this terminal: press Ctrl-A x to quit, Ctrl-A h for help\n", accel)
	cmd := exec.Command(emu, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "assets: %s: %v\n", emu, err)
		os.Exit(1)
	}
}

// hasVirt reports whether the CPU flags show hardware virtualisation.
func hasVirt(cpuinfo string) bool {
	for _, l := range strings.Split(cpuinfo, "\n") {
		if !strings.HasPrefix(l, "flags") {
			continue
		}
		for _, f := range strings.Fields(l) {
			if f == "vmx" || f == "svm" {
				return true
			}
		}
	}
	return false
}
