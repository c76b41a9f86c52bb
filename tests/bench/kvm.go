package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"gemu/accel/kvm/kvmtest"
	"gemu/tests/guests"
)

// qemuKVMCPU is what QEMU needs on a nested KVM that cannot pass the host
// CPU model through whole.
var qemuKVMCPU = []string{"-cpu", "host,-arch-capabilities"}

func (b *bench) kvm() error {
	if err := kvmtest.Usable(); err != nil {
		fmt.Printf("\nkvm: skipped: %v\n", err)
		return nil
	}
	exitROM, err := guests.Build("exit.rom")
	if err != nil {
		return err
	}
	pio, err := guests.Build("pioloop.rom")
	if err != nil {
		return err
	}
	mmio, err := guests.Build("mmioloop.rom")
	if err != nil {
		return err
	}
	// A ROM that prints and then halts for good: its exit port is one
	// nothing claims.
	idle, err := guests.BuildWith("hello.rom", map[string]uint64{"EXIT_PORT": 0x80})
	if err != nil {
		return err
	}
	ok := guests.QEMUStatus(guests.ExitOK)
	common := func(rom string, mem string) []string {
		return []string{"-M", "pc", "-accel", "kvm", "-m", mem, "-nographic", "-bios", rom,
			"-device", "isa-debug-exit,iobase=0xf4,iosize=4"}
	}
	var rows []row
	for _, c := range []struct {
		name string
		rom  string
		note string
	}{
		{"start-up: exec to first guest exit", exitROM, "goal <= 0.25"},
		{"100,000 PIO exits (whole run)", pio, "goal <= 1.0"},
		{"100,000 MMIO exits (whole run)", mmio, ""},
	} {
		var g, q []float64
		for i := 0; i < b.runs; i++ {
			d, err := timeRun(ok, b.gemu, common(c.rom, "64M")...)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			g = append(g, ms(d))
			d, err = timeRun(ok, b.qemu, append(common(c.rom, "64M"), qemuKVMCPU...)...)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			q = append(q, ms(d))
		}
		rows = append(rows, row{name: c.name, gemu: median(g), qemu: median(q), unit: "ms", note: c.note})
	}
	var g, q []float64
	for i := 0; i < b.runs; i++ {
		v, err := vmmRSS(b.gemu, common(idle, "256M"))
		if err != nil {
			return fmt.Errorf("gemu RSS: %w", err)
		}
		g = append(g, v)
		v, err = vmmRSS(b.qemu, append(common(idle, "256M"), qemuKVMCPU...))
		if err != nil {
			return fmt.Errorf("QEMU RSS: %w", err)
		}
		q = append(q, v)
	}
	rows = append(rows, row{name: "VMM RSS outside guest RAM (256 MiB guest)", gemu: median(g), qemu: median(q), unit: "MiB", note: "goal <= 8 MiB"})
	printTable(fmt.Sprintf("KVM (-accel kvm), medians of %d runs each, alternating", b.runs), rows)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// vmmRSS starts an emulator on a guest that prints a line and then idles,
// waits for the line, and returns the process's resident memory outside
// the guest's RAM mapping, in MiB (Firecracker's method).
func vmmRSS(prog string, args []string) (float64, error) {
	cmd := exec.Command(prog, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return 0, fmt.Errorf("%s ended before the guest printed", prog)
			}
			if !strings.Contains(l, "hello from gemu") {
				continue
			}
			time.Sleep(200 * time.Millisecond) // let start-up settle
			return rssOutside(cmd.Process.Pid, 256<<20)
		case <-deadline:
			return 0, fmt.Errorf("%s: the guest printed nothing in 60 s", prog)
		}
	}
}

// rssOutside sums the resident memory of every mapping of pid except the
// guest RAM: the anonymous mapping closest in size to ramSize (at least
// ramSize, allowing for alignment padding).
func rssOutside(pid int, ramSize uint64) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	type mapping struct {
		size, rss uint64
		anon      bool
	}
	var maps []mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		fields := strings.Fields(l)
		if len(fields) == 0 {
			continue
		}
		if strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			maps = append(maps, mapping{anon: len(fields) < 6})
			continue
		}
		if len(maps) == 0 || len(fields) < 2 {
			continue
		}
		v, _ := strconv.ParseUint(fields[1], 10, 64)
		switch fields[0] {
		case "Size:":
			maps[len(maps)-1].size = v << 10
		case "Rss:":
			maps[len(maps)-1].rss = v << 10
		}
	}
	var total uint64
	guest := -1
	for i, m := range maps {
		total += m.rss
		if m.anon && m.size >= ramSize && m.size <= ramSize+64<<20 {
			if guest < 0 || m.size < maps[guest].size {
				guest = i
			}
		}
	}
	if guest < 0 {
		return 0, fmt.Errorf("no mapping of the guest's %d MiB of RAM found", ramSize>>20)
	}
	return float64(total-maps[guest].rss) / (1 << 20), nil
}
