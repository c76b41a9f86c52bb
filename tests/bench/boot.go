package main

// The boot section (issue 5): Linux boot time on the interpreter.
//
//	go run ./tests/bench -only boot [-n runs] [-boot-timeout 10m]
//
// Both Debian kernels boot with the busybox initramfs of tests/assets under
// gemu and under QEMU TCG with the same command line
//
//	-accel tcg -M pc -m 512M -smp 1 -kernel K -initrd I -append "console=ttyS0 panic=-1 [cryptomgr.notests] gemu.cmd=..." -nographic -no-reboot
//
// alternately, and the time from exec to /init's marker line is taken, with
// and without the kernel's crypto self-tests. Medians of 3 runs (or -n, at
// least 3). The guest's instruction count for the same boot comes from one
// more QEMU boot with -icount shift=0,sleep=off, where guest time advances
// 1 ns per instruction: a tiny static program in the initramfs reads the
// TSC (1 GHz under icount) at the first command after the marker, and the
// idle time the guest accounted (/proc/uptime), during which icount skips
// time without executing, is subtracted. gemu's MIPS is QEMU's count over
// gemu's time: the same work, whereas the instructions gemu itself executes
// (accel/interp's counter) include busy-wait loops whose length depends on
// the emulator's speed.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gemu/tests/assets/assets"
)

var (
	bootTimeoutFlag = flag.Duration("boot-timeout", 0,
		"boot: how long one gemu boot may take to reach the marker (default: 30 times QEMU's first boot, at least 2m)")
	bootCaseFlag = flag.String("boot-case", "", "boot: run only the cases whose name matches this regular expression")
)

// bootCase is one row of the boot table.
type bootCase struct {
	name      string
	flavor    string
	selfTests bool
}

// bootResult is one case's measurements.
type bootResult struct {
	c          bootCase
	gemu, qemu []float64 // seconds, exec to marker
	gemuErr    error     // why gemu's boots stopped, if they did
	insns      uint64    // QEMU's guest instructions to the marker; 0 if unknown
	insnsErr   error
}

func (b *bench) boot() error {
	initrd, err := assets.Initramfs()
	if err != nil {
		return err
	}
	kernels := map[string]string{}
	for _, fl := range []string{assets.Cloud, assets.Generic} {
		if kernels[fl], err = assets.Kernel(fl); err != nil {
			return err
		}
	}
	runs := b.runs
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "n" })
	if !explicit || runs < 3 {
		runs = 3
	}
	tmp, err := os.MkdirTemp("", "gemu-bench-boot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	counting, err := countingInitramfs(initrd, tmp)
	if err != nil {
		fmt.Printf("\nboot: no instruction counts: %v\n", err)
	}

	only, err := regexp.Compile(*bootCaseFlag)
	if err != nil {
		return fmt.Errorf("-boot-case: %w", err)
	}
	var results []*bootResult
	for _, c := range []bootCase{
		{"cloud kernel, crypto self-tests", assets.Cloud, true},
		{"cloud kernel, cryptomgr.notests", assets.Cloud, false},
		{"generic kernel, crypto self-tests", assets.Generic, true},
		{"generic kernel, cryptomgr.notests", assets.Generic, false},
	} {
		if !only.MatchString(c.name) {
			continue
		}
		r := &bootResult{c: c}
		results = append(results, r)
		params := "console=ttyS0 panic=-1"
		if !c.selfTests {
			params += " cryptomgr.notests"
		}
		args := func(initrd string, cmds ...string) []string {
			return []string{"-accel", "tcg", "-M", "pc", "-m", "512M", "-smp", "1",
				"-kernel", kernels[c.flavor], "-initrd", initrd,
				"-append", params + " " + assets.Cmdline(cmds...), "-nographic", "-no-reboot"}
		}
		// Once at the marker the run is over; "true" makes /init power off
		// should the process outlive the kill.
		timed := args(initrd, "true")
		fmt.Fprintf(os.Stderr, "boot: %s ...\n", c.name)
		for i := 0; i < runs; i++ {
			d, err := timeToMarker(b.qemu, timed, 10*time.Minute)
			if err != nil {
				return fmt.Errorf("%s: QEMU: %w", c.name, err)
			}
			r.qemu = append(r.qemu, d.Seconds())
			if r.gemuErr != nil {
				continue
			}
			limit := *bootTimeoutFlag
			if limit == 0 {
				limit = max(2*time.Minute, 30*time.Duration(r.qemu[0]*float64(time.Second)))
			}
			d, err = timeToMarker(b.gemu, timed, limit)
			if err != nil {
				r.gemuErr = err
				continue
			}
			r.gemu = append(r.gemu, d.Seconds())
		}
		if counting != "" {
			r.insns, r.insnsErr = qemuInstructions(b.qemu, args(counting, "gemu-rdtsc; cat /proc/uptime"))
		} else {
			r.insnsErr = errors.New("no counting initramfs")
		}
	}
	printBootTable(runs, results)
	var failed []string
	for _, r := range results {
		if r.gemuErr != nil {
			failed = append(failed, r.c.name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("gemu did not boot Linux to the marker (%s): details above", strings.Join(failed, "; "))
	}
	return nil
}

func printBootTable(runs int, results []*bootResult) {
	fmt.Printf("\nLinux boot on -accel tcg (-M pc -m 512M -smp 1, -kernel/-initrd), exec to /init's marker; medians of %d runs each, alternating\n", runs)
	fmt.Printf("%-36s %10s %10s %7s   %s\n", "case", "gemu", "QEMU", "ratio", "goal <= 6, stretch <= 3")
	fmt.Println(strings.Repeat("-", 90))
	for _, r := range results {
		g, ratio := "FAILED", "-"
		q := median(r.qemu)
		if r.gemuErr == nil {
			gm := median(r.gemu)
			g = fmt.Sprintf("%8.2f s", gm)
			ratio = fmt.Sprintf("%.2f", gm/q)
		}
		fmt.Printf("%-36s %10s %8.2f s %7s\n", r.c.name, g, q, ratio)
	}
	fmt.Printf("\nGuest instructions to the marker (QEMU -icount shift=0,sleep=off) and average guest MIPS over the boot\n")
	fmt.Printf("%-36s %14s %10s %10s\n", "case", "instructions", "gemu MIPS", "QEMU MIPS")
	fmt.Println(strings.Repeat("-", 90))
	for _, r := range results {
		if r.insnsErr != nil {
			fmt.Printf("%-36s %14s   (%v)\n", r.c.name, "unknown", r.insnsErr)
			continue
		}
		g := "-"
		if r.gemuErr == nil {
			g = fmt.Sprintf("%.0f", float64(r.insns)/median(r.gemu)/1e6)
		}
		fmt.Printf("%-36s %12.3f G %10s %10.0f\n", r.c.name, float64(r.insns)/1e9, g, float64(r.insns)/median(r.qemu)/1e6)
	}
	fmt.Println("gemu MIPS is QEMU's instruction count for the same boot divided by gemu's time (the same work; busy-wait loops make each emulator's own count differ).")
	for _, r := range results {
		if r.gemuErr != nil {
			fmt.Printf("\ngemu, %s:\n%v\n", r.c.name, r.gemuErr)
		}
	}
}

// timeToMarker runs an emulator until /init's marker line appears on its
// console and returns the time from exec to that line; the process is
// then killed. If the marker does not come within limit, or the process
// ends first, the error says how far the guest got.
func timeToMarker(prog string, args []string, limit time.Duration) (time.Duration, error) {
	cmd := exec.Command(prog, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	lines := make(chan string, 256)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- strings.TrimRight(sc.Text(), "\r")
		}
	}()
	var console []string
	timer := time.NewTimer(limit)
	defer timer.Stop()
	why := ""
	var at time.Duration
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				why = "the process ended before the marker"
				break wait
			}
			if strings.TrimSpace(l) == assets.MarkerInit {
				at = time.Since(start)
				break wait
			}
			console = append(console, l)
		case <-timer.C:
			why = fmt.Sprintf("no marker within %v", limit.Round(time.Second))
			break wait
		}
	}
	cmd.Process.Kill()
	for range lines {
	}
	werr := cmd.Wait()
	if why == "" {
		return at, nil
	}
	if !strings.HasPrefix(why, "no marker") {
		why = fmt.Sprintf("%s after %.1fs", why, time.Since(start).Seconds())
		if werr != nil {
			why += " (" + werr.Error() + ")"
		}
	}
	return 0, &stuckError{why: why, console: console, stderr: stderr.String()}
}

// stuckError describes a boot that did not reach the marker.
type stuckError struct {
	why     string
	console []string
	stderr  string
}

var timestampRE = regexp.MustCompile(`^\s*\[\s*\d+\.\d+\]`)

func (e *stuckError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s; ", e.why)
	has := func(s string) bool {
		for _, l := range e.console {
			if strings.Contains(l, s) {
				return true
			}
		}
		return false
	}
	switch {
	case len(e.console) == 0:
		b.WriteString("nothing ever appeared on the serial console (stuck in firmware, loader or decompressor, or no console)")
	case has("Kernel panic"):
		b.WriteString("the kernel panicked")
	case !has("Run /init as init process"):
		last := ""
		for i := len(e.console) - 1; i >= 0 && last == ""; i-- {
			if timestampRE.MatchString(e.console[i]) {
				last = strings.TrimSpace(e.console[i])
			}
		}
		fmt.Fprintf(&b, "the kernel never started /init; its last line: %q", last)
	default:
		b.WriteString("/init started but never printed " + assets.MarkerInit)
	}
	if s := strings.TrimSpace(e.stderr); s != "" {
		fmt.Fprintf(&b, "\n  stderr (last lines):\n    | %s", strings.Join(lastLines(strings.Split(s, "\n"), 8), "\n    | "))
	}
	if len(e.console) > 0 {
		fmt.Fprintf(&b, "\n  console (last lines of %d):\n    | %s", len(e.console), strings.Join(lastLines(e.console, 15), "\n    | "))
	}
	return b.String()
}

func lastLines(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// qemuInstructions boots QEMU with -icount shift=0,sleep=off on args (whose
// first guest command must be "gemu-rdtsc; cat /proc/uptime", with the
// counting initramfs) and returns the guest instructions executed up to
// that command: the TSC, which counts guest nanoseconds from reset under
// icount, less the time the guest spent idle, which icount skips.
//
// The TSC's rate under icount is checked by the interp section's
// -verify-counts on workloads of known length; the totals agree within
// about 10% with the counting plugin's figures in BASELINES.md (generic
// kernel: 6.0 billion there, 6.1 here; cloud kernel with
// cryptomgr.notests: 0.60 there, 0.66 here).
func qemuInstructions(qemu string, args []string) (uint64, error) {
	args = append(args, "-icount", "shift=0,sleep=off")
	cmd := exec.Command(qemu, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	timer := time.AfterFunc(15*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("QEMU -icount: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	lines := strings.Split(strings.ReplaceAll(string(out), "\r", ""), "\n")
	mhz := 0.0
	var body []string
	in := false
	for _, l := range lines {
		s := strings.TrimSpace(l)
		if m := tscMHzRE.FindStringSubmatch(s); m != nil && mhz == 0 {
			mhz, _ = strconv.ParseFloat(m[1], 64)
		}
		switch {
		case s == assets.MarkerBegin+" 1":
			in = true
		case strings.HasPrefix(s, assets.MarkerEnd+" 1 "):
			in = false
		case in && !timestampRE.MatchString(s):
			body = append(body, s)
		}
	}
	// Under icount the TSC counts guest nanoseconds: 1 GHz, one tick per
	// instruction with shift=0.
	if math.Abs(mhz-1000) > 10 {
		return 0, fmt.Errorf("the guest's TSC runs at %.3f MHz under -icount shift=0, not 1000: the count would be wrong", mhz)
	}
	bad := fmt.Errorf("counting command printed %q, want the TSC and /proc/uptime", body)
	if len(body) != 2 {
		return 0, bad
	}
	tsc, err1 := strconv.ParseUint(body[0], 10, 64)
	up := strings.Fields(body[1])
	if err1 != nil || len(up) != 2 {
		return 0, bad
	}
	uptime, err1 := strconv.ParseFloat(up[0], 64)
	idle, err2 := strconv.ParseFloat(up[1], 64)
	ns := float64(tsc) * 1000 / mhz
	if err1 != nil || err2 != nil || idle > uptime || idle*1e9 >= ns {
		return 0, bad
	}
	return uint64(ns - idle*1e9), nil
}

var tscMHzRE = regexp.MustCompile(`tsc: Detected ([0-9.]+) MHz processor`)

// countingInitramfs writes the initramfs with gemu-rdtsc added: a second
// cpio archive appended to the first at a 4-byte boundary (the kernel
// unpacks concatenated archives). It checks the program on the host first.
func countingInitramfs(initrd, dir string) (string, error) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return "", fmt.Errorf("gemu-rdtsc is checked on the host, which must be linux/amd64")
	}
	prog := rdtscELF()
	host := filepath.Join(dir, "gemu-rdtsc")
	if err := os.WriteFile(host, prog, 0o755); err != nil {
		return "", err
	}
	var prev uint64
	for i := 0; i < 2; i++ {
		out, err := exec.Command(host).Output()
		if err != nil {
			return "", fmt.Errorf("gemu-rdtsc on the host: %v", err)
		}
		v, err := strconv.ParseUint(strings.TrimSuffix(string(out), "\n"), 10, 64)
		if err != nil || v <= prev {
			return "", fmt.Errorf("gemu-rdtsc on the host printed %q after %d", out, prev)
		}
		prev = v
	}
	base, err := os.ReadFile(initrd)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	b.Write(base)
	b.Write(make([]byte, (4-len(base)%4)%4))
	w := assets.NewCPIOWriter(&b)
	if err := w.File("bin/gemu-rdtsc", 0o755, prog); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	p := filepath.Join(dir, "initramfs-rdtsc.cpio")
	return p, os.WriteFile(p, b.Bytes(), 0o644)
}

// rdtscCode prints the TSC in decimal and exits (x86-64 Linux, no libc):
//
//	rdtsc; shl rdx,32; or rax,rdx
//	mov rsi,rsp; dec rsi; mov byte [rsi],10; mov ecx,10
//	1: xor edx,edx; div rcx; add dl,'0'; dec rsi; mov [rsi],dl; test rax,rax; jnz 1b
//	mov rdx,rsp; sub rdx,rsi; mov edi,1; mov eax,1; syscall   ; write(1, rsi, rdx)
//	xor edi,edi; mov eax,60; syscall                         ; exit(0)
var rdtscCode = []byte{
	0x0f, 0x31, 0x48, 0xc1, 0xe2, 0x20, 0x48, 0x09, 0xd0,
	0x48, 0x89, 0xe6, 0x48, 0xff, 0xce, 0xc6, 0x06, 0x0a, 0xb9, 0x0a, 0x00, 0x00, 0x00,
	0x31, 0xd2, 0x48, 0xf7, 0xf1, 0x80, 0xc2, 0x30, 0x48, 0xff, 0xce, 0x88, 0x16, 0x48, 0x85, 0xc0, 0x75, 0xee,
	0x48, 0x89, 0xe2, 0x48, 0x29, 0xf2, 0xbf, 0x01, 0x00, 0x00, 0x00, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x05,
	0x31, 0xff, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05,
}

// rdtscELF wraps rdtscCode in a static ELF64 executable: the ELF header,
// one read-execute PT_LOAD program header mapping the whole file at
// 0x400000, then the code.
func rdtscELF() []byte {
	const (
		base   = 0x400000
		ehSize = 64
		phSize = 56
	)
	var b bytes.Buffer
	le := binary.LittleEndian
	w := func(v any) { binary.Write(&b, le, v) }
	b.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // 64-bit, little endian, version 1, SysV
	w(uint16(2))                                                             // e_type: ET_EXEC
	w(uint16(0x3e))                                                          // e_machine: x86-64
	w(uint32(1))                                                             // e_version
	w(uint64(base + ehSize + phSize))                                        // e_entry
	w(uint64(ehSize))                                                        // e_phoff
	w(uint64(0))                                                             // e_shoff
	w(uint32(0))                                                             // e_flags
	w(uint16(ehSize))                                                        // e_ehsize
	w(uint16(phSize))                                                        // e_phentsize
	w(uint16(1))                                                             // e_phnum
	w(uint16(64))                                                            // e_shentsize
	w(uint16(0))                                                             // e_shnum
	w(uint16(0))                                                             // e_shstrndx
	size := uint64(ehSize + phSize + len(rdtscCode))
	w(uint32(1))      // p_type: PT_LOAD
	w(uint32(5))      // p_flags: R+X
	w(uint64(0))      // p_offset
	w(uint64(base))   // p_vaddr
	w(uint64(base))   // p_paddr
	w(size)           // p_filesz
	w(size)           // p_memsz
	w(uint64(0x1000)) // p_align
	b.Write(rdtscCode)
	return b.Bytes()
}
