//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gemu/tests/assets/assets"
)

// Issue 5's acceptance: the stock Debian kernels boot on the interpreter
// (-accel tcg) to /init's marker and a working shell, with one and two
// vCPUs; the guest sees its CPUs, its memory, a ticking timer and the
// right time; poweroff ends the emulator with status 0, and so does reboot
// with -no-reboot. The same boots feed the dmesg comparison against QEMU
// (linux_dmesg_test.go). linux_harness_test.go says how to run these
// tests against QEMU itself, to check the tests.

// Boot timeouts, before GEMU_LINUX_TIMEOUT scaling: about 13 times QEMU
// TCG's boot time on the reference machine (2.2 s for the cloud kernel,
// 5.4 s for the generic one), twice the slowest time the interpreter's
// goal (6 times QEMU) allows, with room for a loaded 2-core machine.
const (
	cloudTimeout   = 180 * time.Second
	genericTimeout = 360 * time.Second
)

func bootTimeout(flavor string) time.Duration {
	if flavor == assets.Generic {
		return genericTimeout
	}
	return cloudTimeout
}

// The guest commands of the checking boots, in order; the constants are
// their numbers in /init's command blocks.
const (
	cmdQuiet     = 1 // stop kernel messages on the console so that they cannot interleave with the output below
	cmdCPUs      = 2
	cmdMemTotal  = 3
	cmdIRQs      = 4
	cmdIRQsLater = 5
	cmdDate      = 6
	cmdDmesg     = 7 // last, so it holds every message of the run
)

var checkCmds = []string{
	cmdQuiet - 1:     "dmesg -n 1",
	cmdCPUs - 1:      "cat /proc/cpuinfo | grep -c processor",
	cmdMemTotal - 1:  "grep MemTotal /proc/meminfo",
	cmdIRQs - 1:      "cat /proc/interrupts",
	cmdIRQsLater - 1: "sleep 1; cat /proc/interrupts",
	cmdDate - 1:      "date +%s",
	cmdDmesg - 1:     "dmesg",
}

// linuxConfig is one boot configuration of the acceptance.
type linuxConfig struct {
	name   string
	flavor string
	smp    int
	// selfTests keeps the kernel's crypto self-tests: one configuration
	// runs them so that a wrong SIMD or arithmetic result shows up in
	// dmesg as "alg: ... failed"; the others skip them (noSelfTests).
	selfTests bool
}

var linuxConfigs = []linuxConfig{
	{"cloud/smp1", assets.Cloud, 1, true},
	{"cloud/smp2", assets.Cloud, 2, false},
	{"generic/smp1", assets.Generic, 1, false},
	{"generic/smp2", assets.Generic, 2, false},
}

// spec is the checking boot of a configuration on -M machine.
func (c linuxConfig) spec(machine string) bootSpec {
	s := bootSpec{flavor: c.flavor, machine: machine, smp: c.smp, cmds: checkCmds, timeout: bootTimeout(c.flavor)}
	if !c.selfTests {
		s.params = []string{noSelfTests}
	}
	return s
}

// TestLinuxBoot boots each configuration on -M pc and checks what the
// guest reports, then that poweroff ended the emulator with status 0.
func TestLinuxBoot(t *testing.T) {
	for _, c := range linuxConfigs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := sharedLinuxBoot(t, underTest(t), c.spec("pc"), "")
			r.requireDone(t)
			checkGuestReports(t, r, c.smp)
			r.checkExit(t, "reboot: Power down")
		})
	}
}

// Memory the guest must report for -m 512M: the firmware keeps the top
// 128 KiB below 512 MiB and the kernel reserves its own image, page
// tables and crash areas (MemTotal under QEMU: 457 MiB with the generic
// kernel, 470 MiB with the cloud one).
const (
	memTotalMinKiB = 432 << 10
	memTotalMaxKiB = 512 << 10
)

// checkGuestReports checks the outputs of checkCmds.
func checkGuestReports(t *testing.T, r *bootRun, smp int) {
	t.Helper()
	cmdOut := func(n int) ([]string, bool) {
		out, st, ok := r.cons.output(n, false)
		switch {
		case !ok:
			t.Errorf("command %d (%s) did not finish:\n%s", n, checkCmds[n-1], r.describe())
		case st != 0:
			t.Errorf("command %d (%s) exited with status %d; output:\n%s", n, checkCmds[n-1], st, indent(out))
			return out, false
		}
		return out, ok
	}

	if out, ok := cmdOut(cmdCPUs); ok {
		if got := strings.TrimSpace(strings.Join(out, "\n")); got != strconv.Itoa(smp) {
			t.Errorf("the guest counts %q processors in /proc/cpuinfo, want %d", got, smp)
		}
	}

	if out, ok := cmdOut(cmdMemTotal); ok {
		kib, err := memTotal(out)
		switch {
		case err != nil:
			t.Errorf("/proc/meminfo: %v", err)
		case kib < memTotalMinKiB || kib > memTotalMaxKiB:
			t.Errorf("MemTotal is %d kB (%.1f MiB), want %d..%d MiB for -m 512M", kib, float64(kib)/1024, memTotalMinKiB>>10, memTotalMaxKiB>>10)
		default:
			t.Logf("MemTotal: %d kB", kib)
		}
	}

	first, ok1 := cmdOut(cmdIRQs)
	later, ok2 := cmdOut(cmdIRQsLater)
	if ok1 && ok2 {
		a, b := interruptCounts(first), interruptCounts(later)
		switch {
		case a.cpus != smp || b.cpus != smp:
			t.Errorf("/proc/interrupts has %d and %d CPU columns, want %d:\n%s", a.cpus, b.cpus, smp, indent(later))
		case b.local > a.local:
			t.Logf("local APIC timer interrupts: %d, one second later %d", a.local, b.local)
		case b.irq0 > a.irq0:
			t.Logf("the timer ticks on IRQ 0 (%d, one second later %d), not on the local APIC timer", a.irq0, b.irq0)
		default:
			t.Errorf("no timer interrupt in one second: LOC %d -> %d, IRQ 0 %d -> %d\n%s", a.local, b.local, a.irq0, b.irq0, indent(later))
		}
	}

	if out, ok := cmdOut(cmdDate); ok {
		s := strings.TrimSpace(strings.Join(out, "\n"))
		guest, err := strconv.ParseInt(s, 10, 64)
		at, seen := r.lineAt(cmdDate, s)
		switch {
		case err != nil || !seen:
			t.Errorf("date +%%s printed %q, want seconds since the epoch", s)
		default:
			// The guest's clock starts from the RTC's whole second (up to
			// 1 s behind the host) and date truncates to the second (up to
			// 1 s more), so a right clock reads 0 to 2 s behind the host
			// when its line arrives; one more second either way is slack.
			d := float64(guest) - float64(at.UnixNano())/1e9
			if d < -3 || d > 1 {
				t.Errorf("the guest's clock is %+.1fs off the host's (date +%%s printed %d), want -2..0 s", d, guest)
			} else {
				t.Logf("guest clock %+.1fs from the host's", d)
			}
		}
	}
}

var memTotalRE = regexp.MustCompile(`^MemTotal:\s+(\d+) kB$`)

// memTotal parses the output of grep MemTotal /proc/meminfo.
func memTotal(out []string) (int64, error) {
	for _, l := range out {
		if m := memTotalRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			return strconv.ParseInt(m[1], 10, 64)
		}
	}
	return 0, fmt.Errorf("no MemTotal line in %q", out)
}

// irqCounts are totals over the CPUs of one /proc/interrupts listing.
type irqCounts struct {
	cpus  int   // CPU columns in the header
	local int64 // "LOC:" local APIC timer interrupts
	irq0  int64 // "0:" the legacy timer interrupt
}

// interruptCounts parses a /proc/interrupts listing.
func interruptCounts(out []string) irqCounts {
	var c irqCounts
	for i, l := range out {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if i == 0 || (c.cpus == 0 && strings.HasPrefix(f[0], "CPU")) {
			for _, h := range f {
				if strings.HasPrefix(h, "CPU") {
					c.cpus++
				}
			}
			continue
		}
		var sum int64
		for j := 1; j < len(f) && j <= c.cpus; j++ {
			v, err := strconv.ParseInt(f[j], 10, 64)
			if err != nil {
				break
			}
			sum += v
		}
		switch f[0] {
		case "LOC:":
			c.local = sum
		case "0:":
			c.irq0 = sum
		}
	}
	return c
}

// TestLinuxShellReboot boots to /init's interactive shell, types a command
// into it over the serial console, checks the answer, then types
// "reboot -f": with -no-reboot the emulator must end with status 0.
func TestLinuxShellReboot(t *testing.T) {
	t.Parallel()
	e := underTest(t)
	var (
		mu     sync.Mutex
		typed  []string
		answer bool
	)
	spec := bootSpec{flavor: assets.Cloud, machine: "pc", smp: 1, params: []string{noSelfTests},
		timeout: cloudTimeout,
		interact: func(line string, stdin io.Writer) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case strings.HasPrefix(line, "gemu-init: no gemu.cmd=") && len(typed) == 0:
				typed = append(typed, "echo gemu-shell-$((6*7))")
			case strings.TrimSpace(line) == "gemu-shell-42" && !answer:
				answer = true
				typed = append(typed, "reboot -f")
			default:
				return
			}
			io.WriteString(stdin, typed[len(typed)-1]+"\n")
		}}
	r, err := bootLinux(t, e, spec)
	if err != nil {
		t.Fatal(err)
	}
	r.requireMarker(t)
	mu.Lock()
	defer mu.Unlock()
	if !answer {
		t.Fatalf("the shell did not answer %q with gemu-shell-42 (typed: %q):\n%s", "echo gemu-shell-$((6*7))", typed, r.describe())
	}
	r.checkExit(t, "reboot: Restarting system")
}

// TestLinuxMicrovm boots the cloud kernel on -M microvm with its serial
// console and runs the same checks as on -M pc.
func TestLinuxMicrovm(t *testing.T) {
	t.Parallel()
	e := underTest(t)
	if !e.isQEMU {
		out, err := exec.Command(e.path, "-machine", "help").Output()
		if err != nil {
			t.Fatalf("%s -machine help: %v", e.name, err)
		}
		if !regexp.MustCompile(`(?m)^microvm\s`).Match(out) {
			t.Skipf("%s -machine help does not list microvm", e.name)
		}
	}
	c := linuxConfig{"cloud/smp1", assets.Cloud, 1, false}
	r := sharedLinuxBoot(t, e, c.spec("microvm"), "")
	if r.exited && r.status != 0 && strings.Contains(r.stderr, "'microvm' is not supported by this build") {
		t.Skipf("%s lists microvm in -machine help but this build cannot create it yet: %s", e.name, strings.TrimSpace(r.stderr))
	}
	r.requireDone(t)
	checkGuestReports(t, r, 1)
	r.checkExit(t, "reboot: Power down")
}
