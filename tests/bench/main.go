// Command bench measures gemu side by side with QEMU on the same machine in
// one run: each case runs both emulators alternately, several times, and
// reports medians and the ratio gemu/QEMU.
//
//	go run ./tests/bench [-n runs] [-only kvm]
//
// Sections:
//
//	kvm: start-up from exec to the guest's first exit, 100,000 PIO exits,
//	     100,000 MMIO exits, and the VMM's resident memory outside guest RAM
//	     for a 256 MiB guest, under -accel kvm.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("n", 5, "runs per emulator and case")
	only := flag.String("only", "", "run only this section (kvm)")
	gemuBin := flag.String("gemu", "", "gemu binary (default: build ./cmd/gemu)")
	flag.Parse()

	bin := *gemuBin
	if bin == "" {
		var err error
		if bin, err = buildGemu(); err != nil {
			fatal(err)
		}
	}
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		fatal(fmt.Errorf("qemu-system-x86_64 is not installed: the benchmarks compare against it (make deps installs it)"))
	}
	b := &bench{gemu: bin, qemu: qemu, runs: *runs}
	sections := []struct {
		name string
		run  func(*bench) error
	}{
		{"kvm", (*bench).kvm},
		{"boot", (*bench).boot},
		{"interp", (*bench).interp},
	}
	for _, s := range sections {
		if *only != "" && *only != s.name {
			continue
		}
		if err := s.run(b); err != nil {
			fatal(fmt.Errorf("%s: %w", s.name, err))
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func buildGemu() (string, error) {
	dir, err := os.MkdirTemp("", "gemu-bench-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "gemu")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/gemu")
	cmd.Dir = repoRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building gemu: %v\n%s", err, b)
	}
	return out, nil
}

type bench struct {
	gemu, qemu string
	runs       int
}

// row is one line of a results table.
type row struct {
	name       string
	gemu, qemu float64 // medians
	unit       string
	note       string
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func printTable(title string, rows []row) {
	fmt.Printf("\n%s\n", title)
	fmt.Printf("%-44s %14s %14s %8s\n", "case", "gemu", "QEMU", "ratio")
	fmt.Println(strings.Repeat("-", 84))
	for _, r := range rows {
		ratio := "-"
		if r.qemu > 0 {
			ratio = fmt.Sprintf("%.2f", r.gemu/r.qemu)
		}
		fmt.Printf("%-44s %10.2f %-3s %10.2f %-3s %8s  %s\n", r.name, r.gemu, r.unit, r.qemu, r.unit, ratio, r.note)
	}
}

// timeRun runs a command to completion and returns its wall time; the
// status must be want.
func timeRun(want int, prog string, args ...string) (time.Duration, error) {
	cmd := exec.Command(prog, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		return 0, err
	}
	if status != want {
		return 0, fmt.Errorf("%s exited with %d, want %d: %s", filepath.Base(prog), status, want, stderr.String())
	}
	return d, nil
}
