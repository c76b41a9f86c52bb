//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gemu/tests/assets/assets"
)

// The Linux boot tests run the stock Debian kernels with the project's
// busybox initramfs (package gemu/tests/assets/assets) on an emulator and
// read everything back from the serial console.
//
// Environment:
//
//	GEMU_LINUX_EMULATOR   the emulator under test: unset for a freshly built
//	                      gemu, "qemu" for qemu-system-x86_64 from PATH (to
//	                      validate the tests themselves), or a path to any
//	                      binary taking QEMU's command line.
//	GEMU_LINUX_TIMEOUT    multiplies every boot timeout (default 1), e.g. 3
//	                      on a machine much slower than the reference one.
//
// Every boot passes -no-reboot and panic=-1, so a kernel panic ends the
// emulator at once instead of looping through reboots until the timeout.

// emulator is a program that takes QEMU's command line.
type emulator struct {
	name   string // "gemu", "QEMU": how messages name it
	path   string
	isQEMU bool // the reference QEMU, which needs a few quirks (see machineArgs)
}

// underTest returns the emulator the Linux tests boot.
func underTest(t testing.TB) emulator {
	t.Helper()
	switch v := os.Getenv("GEMU_LINUX_EMULATOR"); v {
	case "":
		return emulator{name: "gemu", path: gemu(t)}
	case "qemu":
		return emulator{name: "QEMU", path: qemu(t), isQEMU: true}
	default:
		p, err := exec.LookPath(v)
		if err != nil {
			t.Fatalf("GEMU_LINUX_EMULATOR=%s: %v", v, err)
		}
		return emulator{name: filepath.Base(p), path: p}
	}
}

// reference returns the installed QEMU, the reference the dmesg comparison
// holds the emulator under test to, or skips.
func reference(t testing.TB) emulator {
	t.Helper()
	return emulator{name: "QEMU", path: qemu(t), isQEMU: true}
}

// timeoutScale reads GEMU_LINUX_TIMEOUT.
func timeoutScale(t testing.TB) float64 {
	t.Helper()
	v := os.Getenv("GEMU_LINUX_TIMEOUT")
	if v == "" {
		return 1
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		t.Fatalf("GEMU_LINUX_TIMEOUT=%q: want a positive factor", v)
	}
	return f
}

// kernelParams are the kernel parameters every boot starts with:
// console=ttyS0 for the serial console, panic=-1 to reboot (and so, with
// -no-reboot, end the emulator) at once on a panic.
const kernelParams = "console=ttyS0 panic=-1"

// noSelfTests skips the kernel's crypto self-tests, 58% of the cloud
// kernel's boot instructions under QEMU (BASELINES.md). They exercise only
// CPU arithmetic; one boot configuration keeps them (linuxConfigs) so that
// a wrong result still shows up as an "alg: ... failed" line in dmesg.
const noSelfTests = "cryptomgr.notests"

// bootSpec is one boot of a Linux guest.
type bootSpec struct {
	flavor  string // assets.Cloud, assets.Generic
	machine string // "pc", "microvm"
	smp     int
	mem     string   // -m; "512M" when empty
	params  []string // kernel parameters after kernelParams
	cmds    []string // gemu.cmd= commands; none starts the interactive shell
	extra   []string // more emulator arguments
	// interact, when set, is called for each console line with the
	// emulator's stdin; it may type into the guest's shell.
	interact func(line string, stdin io.Writer)
	timeout  time.Duration // whole boot; scaled by GEMU_LINUX_TIMEOUT
}

// key identifies a spec for sharing one boot between tests.
func (s bootSpec) key(e emulator) string {
	return strings.Join([]string{e.path, s.flavor, s.machine, strconv.Itoa(s.smp), s.mem,
		strings.Join(s.params, " "), strings.Join(s.cmds, "\x00"), strings.Join(s.extra, " ")}, "|")
}

func (s bootSpec) String() string {
	return fmt.Sprintf("%s kernel on -M %s -smp %d", flavorName(s.flavor), s.machine, s.smp)
}

func flavorName(fl string) string {
	switch fl {
	case assets.Cloud:
		return "cloud"
	case assets.Generic:
		return "generic"
	}
	return fl
}

// hostTSCkHz is the host's TSC frequency in kHz from /proc/cpuinfo, for
// QEMU's microvm quirk; 0 if unknown.
func hostTSCkHz() int {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`(?m)^cpu MHz\s*:\s*([0-9.]+)`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	f, _ := strconv.ParseFloat(string(m[1]), 64)
	return int(f * 1000)
}

// args returns the emulator's command line.
func (s bootSpec) args(e emulator, kernel, initrd string) []string {
	machine := s.machine
	params := append([]string{kernelParams}, s.params...)
	if e.isQEMU && s.machine == "microvm" {
		// QEMU 7.2's microvm under TCG hangs calibrating the TSC unless
		// it has a PIT and is told the TSC frequency (BASELINES.md). gemu
		// is held to booting without these.
		machine += ",pit=on"
		if khz := hostTSCkHz(); khz > 0 {
			params = append(params, fmt.Sprintf("tsc_early_khz=%d", khz))
		}
	}
	if len(s.cmds) > 0 {
		params = append(params, assets.Cmdline(s.cmds...))
	}
	mem := s.mem
	if mem == "" {
		mem = "512M"
	}
	a := []string{"-accel", "tcg", "-M", machine, "-m", mem, "-smp", strconv.Itoa(s.smp),
		"-kernel", kernel, "-initrd", initrd, "-append", strings.Join(params, " "),
		"-nographic", "-no-reboot"}
	return append(a, s.extra...)
}

// consoleLine is one line of serial output and when it arrived.
type consoleLine struct {
	text string
	at   time.Time
}

// bootRun is what one boot produced.
type bootRun struct {
	emu     emulator
	spec    bootSpec
	cmdline []string
	start   time.Time
	lines   []consoleLine
	stderr  string
	exited  bool // the process ended by itself
	status  int  // its exit status
	elapsed time.Duration
	// stopReason says why the harness ended the process ("" if it exited).
	stopReason string
	markerAt   time.Duration // exec to assets.MarkerInit; 0 if never
	doneAt     time.Duration // exec to assets.MarkerDone; 0 if never
	cons       console
}

// The harness's limits, before GEMU_LINUX_TIMEOUT scaling.
const (
	// exitGrace is how long an emulator may take to end after the guest
	// printed assets.MarkerDone and ran poweroff or reboot.
	exitGrace = 30 * time.Second
	// silenceShare: a boot whose console has said nothing for this share
	// of its timeout, after it started talking, is stuck. The longest
	// silence under QEMU is the generic kernel's XZ decompression after
	// the firmware's banner, 4.4 billion instructions (BASELINES.md).
	silenceShare = 0.5
)

// bootLinux boots spec on e and returns the run; the run's problems are
// reported by its methods, not here. An error means the boot could not be
// attempted at all.
func bootLinux(t testing.TB, e emulator, spec bootSpec) (*bootRun, error) {
	kernel, err := assets.Kernel(spec.flavor)
	if errors.Is(err, assets.ErrNotFetched) {
		t.Skipf("guest assets are not fetched (make assets): %v", err)
	}
	if err != nil {
		return nil, err
	}
	initrd, err := assets.Initramfs()
	if err != nil {
		return nil, err
	}
	scale := timeoutScale(t)
	limit := time.Duration(float64(spec.timeout) * scale)
	grace := time.Duration(float64(exitGrace) * scale)
	silence := time.Duration(float64(limit) * silenceShare)

	r := &bootRun{emu: e, spec: spec, cmdline: spec.args(e, kernel, initrd)}
	cmd := exec.Command(e.path, r.cmdline...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	var errb lockedBuffer
	cmd.Stderr = &errb
	r.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", e.name, err)
	}

	lines := make(chan consoleLine, 256)
	go func() {
		defer close(lines)
		br := bufio.NewReaderSize(stdout, 64<<10)
		for {
			s, err := br.ReadString('\n')
			if s != "" {
				s = strings.TrimRight(s, "\r\n")
				lines <- consoleLine{text: strings.ReplaceAll(s, "\r", ""), at: time.Now()}
			}
			if err != nil {
				return
			}
		}
	}()
	waited := make(chan error, 1)

	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	quiet := time.NewTimer(silence)
	defer quiet.Stop()
	var graceC <-chan time.Time
	stop := func(reason string) {
		if r.stopReason == "" {
			r.stopReason = reason
			cmd.Process.Kill()
		}
	}
	for lines != nil {
		select {
		case l, ok := <-lines:
			if !ok {
				lines = nil
				break
			}
			r.lines = append(r.lines, l)
			quiet.Reset(silence)
			switch {
			case r.markerAt == 0 && strings.TrimSpace(l.text) == assets.MarkerInit:
				r.markerAt = l.at.Sub(r.start)
			case r.doneAt == 0 && strings.TrimSpace(l.text) == assets.MarkerDone:
				r.doneAt = l.at.Sub(r.start)
				graceC = time.After(grace)
			case graceC == nil && (strings.Contains(l.text, "reboot: Power down") ||
				strings.Contains(l.text, "reboot: Restarting system")):
				graceC = time.After(grace) // the interactive shell's reboot
			}
			if spec.interact != nil {
				spec.interact(l.text, stdin)
			}
		case <-deadline.C:
			stop(fmt.Sprintf("no exit within the boot timeout of %v", limit.Round(100*time.Millisecond)))
		case <-quiet.C:
			if len(r.lines) > 0 {
				stop(fmt.Sprintf("the console was silent for %v", silence.Round(100*time.Millisecond)))
			}
		case <-graceC:
			stop(fmt.Sprintf("%s did not exit within %v of the guest powering off or rebooting", e.name, grace.Round(100*time.Millisecond)))
		}
	}
	go func() { waited <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-waited:
	case <-time.After(10 * time.Second):
		stop("stdout closed but the process lingered")
		werr = <-waited
	}
	stdin.Close()
	r.elapsed = time.Since(r.start)
	r.stderr = errb.String()
	var ee *exec.ExitError
	switch {
	case werr == nil:
		r.exited = r.stopReason == ""
	case errors.As(werr, &ee):
		r.exited = r.stopReason == "" && ee.Exited()
		r.status = ee.ExitCode()
	default:
		return nil, fmt.Errorf("%s: %w", e.name, werr)
	}
	r.cons = parseConsole(r.texts())
	return r, nil
}

// lockedBuffer is a bytes.Buffer safe for exec's stderr copier and readers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (r *bootRun) texts() []string {
	s := make([]string, len(r.lines))
	for i, l := range r.lines {
		s[i] = l.text
	}
	return s
}

// contains reports whether a console line contains s.
func (r *bootRun) contains(s string) bool {
	for _, l := range r.lines {
		if strings.Contains(l.text, s) {
			return true
		}
	}
	return false
}

// lineAt returns the arrival time of the first line of command n's output
// equal to text.
func (r *bootRun) lineAt(n int, text string) (time.Time, bool) {
	b, ok := r.cons.blocks[n]
	if !ok {
		return time.Time{}, false
	}
	for i := b.first; i < len(r.lines) && i <= b.last; i++ {
		if strings.TrimSpace(r.lines[i].text) == text {
			return r.lines[i].at, true
		}
	}
	return time.Time{}, false
}

// commandLine is the emulator invocation, for messages.
func (r *bootRun) commandLine() string {
	return r.emu.path + " " + strings.Join(r.cmdline, " ")
}

// stage says how far a boot got, from its console.
func (r *bootRun) stage() string {
	switch {
	case len(r.lines) == 0:
		return "nothing ever appeared on the serial console: stuck before the kernel's first message (firmware, loader, decompressor) or the console is not wired"
	case r.contains("Kernel panic"):
		return "the kernel panicked"
	case !r.contains("Linux version"):
		return "console output, but the kernel never printed its banner"
	case !r.contains("Run /init as init process"):
		return fmt.Sprintf("the kernel booted but never started /init; its last line: %q", lastKernelLine(r.texts()))
	case r.markerAt == 0:
		return "/init started but never printed " + assets.MarkerInit
	case len(r.spec.cmds) > 0 && r.doneAt == 0:
		n := r.cons.lastBegun
		if n < 1 || n > len(r.spec.cmds) {
			return fmt.Sprintf("%s printed, but no command began", assets.MarkerInit)
		}
		return fmt.Sprintf("stuck in command %d (%q)", n, r.spec.cmds[n-1])
	case len(r.spec.cmds) > 0 && len(r.unfinished()) > 0:
		return fmt.Sprintf("%s printed, but commands %v never finished", assets.MarkerDone, r.unfinished())
	case len(r.spec.cmds) > 0:
		return "every command finished (" + assets.MarkerDone + ")"
	default:
		return assets.MarkerInit + " printed"
	}
}

// lastKernelLine is the last line with a printk timestamp.
func lastKernelLine(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if timestampRE.MatchString(lines[i]) {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

// describe is the report of a boot for failure messages: how it ended,
// how far it got, the last lines of stderr and of the console.
func (r *bootRun) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s booting the %s\n  %s\n", r.emu.name, r.spec, r.commandLine())
	if r.exited {
		fmt.Fprintf(&b, "  exited with status %d after %.1fs\n", r.status, r.elapsed.Seconds())
	} else {
		fmt.Fprintf(&b, "  stopped by the test after %.1fs: %s\n", r.elapsed.Seconds(), r.stopReason)
	}
	fmt.Fprintf(&b, "  progress: %s\n", r.stage())
	if s := strings.TrimSpace(r.stderr); s != "" {
		fmt.Fprintf(&b, "  stderr (last lines):\n%s\n", indent(tail(strings.Split(s, "\n"), 10)))
	}
	if len(r.lines) > 0 {
		fmt.Fprintf(&b, "  console (last lines of %d):\n%s\n", len(r.lines), indent(tail(r.texts(), 25)))
	}
	return b.String()
}

func tail(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func indent(s []string) string {
	return "    | " + strings.Join(s, "\n    | ")
}

// requireMarker fails the test unless the boot reached /init's marker, and
// logs the boot's times.
func (r *bootRun) requireMarker(t testing.TB) {
	t.Helper()
	if r.markerAt == 0 {
		t.Fatalf("%s did not reach %s:\n%s", r.emu.name, assets.MarkerInit, r.describe())
	}
	t.Logf("%s: %s after %.2fs, exit after %.2fs (%s)", r.emu.name, assets.MarkerInit,
		r.markerAt.Seconds(), r.elapsed.Seconds(), r.spec)
}

// requireDone fails the test unless every command ran to its end marker.
func (r *bootRun) requireDone(t testing.TB) {
	t.Helper()
	r.requireMarker(t)
	if n := r.unfinished(); len(n) > 0 || r.doneAt == 0 {
		t.Fatalf("%s: the guest's commands did not all finish (unfinished: %v):\n%s", r.emu.name, n, r.describe())
	}
}

// unfinished lists the commands without an end marker.
func (r *bootRun) unfinished() []int {
	var n []int
	for i := range r.spec.cmds {
		if b := r.cons.blocks[i+1]; b == nil || !b.ended {
			n = append(n, i+1)
		}
	}
	return n
}

// checkExit checks that the run ended by itself with status 0 after the
// guest's last words were want ("reboot: Power down" after poweroff,
// "reboot: Restarting system" after reboot with -no-reboot).
func (r *bootRun) checkExit(t testing.TB, want string) {
	t.Helper()
	said := r.contains(want)
	switch {
	case r.exited && r.status == 0 && said:
	case r.exited && r.status == 0:
		t.Errorf("%s exited with status 0 but the guest never printed %q: it did not end the way the test asked:\n%s", r.emu.name, want, r.describe())
	case r.exited:
		t.Errorf("%s exited with status %d, want 0:\n%s", r.emu.name, r.status, r.describe())
	case said && want == "reboot: Power down":
		t.Errorf("the guest powered off (%q) but %s kept running: it does not act on the guest's ACPI power-off (S5 through PM1a control on pc, "+
			"the GED sleep control register on microvm). Without that, only the assets' gemu.exit=reboot reboot=t with -no-reboot ends a guest; "+
			"these tests hold the emulator to poweroff.\n%s", want, r.emu.name, r.describe())
	case said:
		t.Errorf("the guest rebooted (%q) but %s kept running despite -no-reboot:\n%s", want, r.emu.name, r.describe())
	default:
		t.Errorf("%s did not end the run:\n%s", r.emu.name, r.describe())
	}
}

// bootCache lets tests share boots: the boot tests and the dmesg comparison
// look at the same runs, so each configuration boots once per emulator.
var bootCache struct {
	mu sync.Mutex
	m  map[string]*sharedBoot
}

type sharedBoot struct {
	once sync.Once
	run  *bootRun
	err  error
}

// sharedLinuxBoot boots spec on e once per test binary and returns the run.
// Callers asking for the same spec, emulator and tag share the run; a
// different tag asks for a boot of its own (the reference boot of the dmesg
// comparison is tagged, so that with QEMU under test the comparison holds
// two independent QEMU runs to each other).
func sharedLinuxBoot(t testing.TB, e emulator, spec bootSpec, tag string) *bootRun {
	t.Helper()
	// Resolve the assets here, so that a missing cache skips every caller.
	if _, err := assets.Kernel(spec.flavor); errors.Is(err, assets.ErrNotFetched) {
		t.Skipf("guest assets are not fetched (make assets): %v", err)
	}
	bootCache.mu.Lock()
	if bootCache.m == nil {
		bootCache.m = map[string]*sharedBoot{}
	}
	k := tag + "|" + spec.key(e)
	sb := bootCache.m[k]
	if sb == nil {
		sb = &sharedBoot{}
		bootCache.m[k] = sb
	}
	bootCache.mu.Unlock()
	sb.once.Do(func() { sb.run, sb.err = bootLinux(t, e, spec) })
	if sb.run == nil && sb.err == nil {
		t.Fatalf("booting the %s on %s: the test that started the boot stopped before it finished", spec, e.name)
	}
	if sb.err != nil {
		t.Fatalf("booting the %s on %s: %v", spec, e.name, sb.err)
	}
	return sb.run
}
