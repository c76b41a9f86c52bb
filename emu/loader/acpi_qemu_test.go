package loader

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gemu/hw/acpi"
	"gemu/hw/mem"
	"gemu/tests/assets/assets"
)

// The ACPI boots run Debian's cloud kernel on QEMU (TCG) with our tables
// instead of QEMU's (which only firmware would load; the replay ROM loads
// none). The cloud kernel has no MP table support, so finding both CPUs
// proves the MADT. QEMU's machine matches the tables' description of gemu's
// pc where it matters: its PIIX4 power-management function has the same
// register layout (PM1a_EVT 0x600, PM1a_CNT 0x604, PM_TMR 0x608, GPE0
// 0xafe0, S5 as SLP_TYP 0, the reset register at 0xcf9, the SCI on GSI 9;
// its PM timer counts 24 bits, which the tables are told)
// once its PMBASE is set to 0x600 and its I/O decode enabled, which
// firmware does and which the test does through the monitor before the
// guest starts; with smm=off the function comes out of reset in ACPI mode
// (SCI_EN set), as gemu's does. The poweroff then goes through our _S5 and
// FADT to QEMU's PM1a_CNT and ends QEMU as a guest shutdown.
//
// Two placements: at ACPIAddr, where the kernel finds the RSDP by scanning
// the BIOS area (the tables are put into the replay ROM there, since under
// -bios the ROM is what the guest sees at 0xf0000-0xfffff), and in an
// ACPI-data range of RAM passed through boot_params.acpi_rsdp_addr.

// piix4PMSetup is what PC firmware does to the PIIX4 power-management
// function (PCI 00:01.3) before handing over: PMBASE (config register 0x40)
// to 0x600, then PMIOSE (register 0x80 bit 0) to enable its I/O decode.
var piix4PMSetup = []string{
	"o /w 0xcf8 0x80000b40", "o /w 0xcfc 0x00000601",
	"o /w 0xcf8 0x80000b80", "o /b 0xcfc 0x01",
}

// check is a guest command and what it must print (a regular expression).
type check struct{ cmd, want string }

// pcChecks are the guest commands for the pc board, in order.
var pcChecks = []check{
	{`grep -c ^processor /proc/cpuinfo`, `^2\n$`},
	{`cd /sys/firmware/acpi/tables && echo *`, `^APIC DSDT FACP FACS HPET data dynamic\n$`},
	// The SCI: IRQ 9 through the I/O APIC, level-triggered (fasteoi).
	{`grep acpi /proc/interrupts`, `IO-APIC\s+9-fasteoi\s+acpi`},
	// The DSDT's devices in the ACPI namespace, and the ISA ones bound by
	// PNP (the HPET has its own driver).
	{`ls /sys/bus/acpi/devices | sed 's/:.*//' | sort -u | tr '\n' ' '`, `^ACPI0007 LNXPWRBN LNXSYBUS LNXSYSTM PNP0103 PNP0303 PNP0501 PNP0B00 PNP0F13 $`},
	{`cat /sys/bus/pnp/devices/*/id | sort | tr '\n' ' '`, `(?i)^PNP0303 PNP0501 PNP0b00 PNP0f13 $`},
	// The PM timer passed the kernel's checks at the width the FADT gives.
	{`cat /sys/devices/system/clocksource/clocksource0/available_clocksource`, `acpi_pm`},
	{`cat /sys/firmware/acpi/pm_profile`, `^0\n$`},
}

// microvmChecks are the guest commands for the hardware-reduced microvm.
var microvmChecks = []check{
	{`grep -c ^processor /proc/cpuinfo`, `^2\n$`},
	{`cd /sys/firmware/acpi/tables && echo *`, `^APIC DSDT FACP data dynamic\n$`},
	{`ls /sys/bus/acpi/devices | sed 's/:.*//' | sort -u | tr '\n' ' '`, `^ACPI0007 ACPI0013 LNXSYBUS LNXSYSTM PNP0501 PNP0B00 PNP0C0C $`},
	{`cat /sys/bus/pnp/devices/*/id | sort | tr '\n' ' '`, `(?i)^PNP0501 PNP0b00 $`},
	// The GED's interrupt, edge-triggered through the I/O APIC.
	{`grep Ged /proc/interrupts`, `IO-APIC\s+9-edge\s+ACPI:Ged`},
}

// cleanLog is the last check: no complaint from ACPICA or the kernel about
// the tables or the AML (including what a power button event ran).
var cleanLog = check{`dmesg | grep -E 'ACPI (BIOS )?(Error|Warning|Exception)|Firmware (Bug|Warn)|AE_[A-Z]' || echo clean`, `^clean\n$`}

// pressMarker is what the power-button checks print when they start
// waiting; the test then presses the button through QEMU.
const pressMarker = "waiting-for-power-button"

// waitFor prints pressMarker, then polls until cond (shell) succeeds, for
// up to a minute.
func waitFor(cond, report string) string {
	return `echo ` + pressMarker + `; i=0; while [ $i -lt 600 ]; do ` + cond + ` && break; i=$((i+1)); usleep 100000; done; ` + report
}

// The fixed-feature power button counts its events; the GED's shows as
// interrupts on its line.
var (
	pcButton = check{
		waitFor(`set -- $(cat /sys/firmware/acpi/interrupts/ff_pwr_btn); [ "$1" -gt 0 ]`, `echo pwrbtn=$1`),
		`pwrbtn=[1-9]`,
	}
	gedButton = check{
		waitFor(`n=$(awk '/ACPI:Ged/ { s = 0; for (k = 2; k <= NF; k++) if ($k ~ /^[0-9]+$/) s += $k; print s }' /proc/interrupts); [ "${n:-0}" -gt 0 ]`, `echo ged=$n`),
		`ged=[1-9]`,
	}
)

// hostKHz is the host's TSC frequency from /proc/cpuinfo, which QEMU's TCG
// passes through: microvm has no HPET or PM timer for the kernel to
// calibrate the TSC against quickly.
func hostKHz(t *testing.T) int {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skip(err)
	}
	m := regexp.MustCompile(`cpu MHz\s*:\s*([0-9.]+)`).FindSubmatch(b)
	if m == nil {
		t.Skip("no cpu MHz in /proc/cpuinfo")
	}
	var mhz float64
	fmt.Sscan(string(m[1]), &mhz)
	return int(mhz * 1000)
}

func TestACPIBootsOnQEMU(t *testing.T) {
	for _, tc := range []struct {
		name    string
		microvm bool // the hardware-reduced board
		inROM   bool // at ACPIAddr, found by the RSDP scan
		reboot  bool // end with reboot -f instead of poweroff -f
		button  bool // press the power button
	}{
		{name: "pc/scan/poweroff", inROM: true, button: true},
		{name: "pc/boot_params/poweroff"},
		{name: "pc/boot_params/reboot", reboot: true},
		{name: "microvm/poweroff", microvm: true, button: true},
		{name: "microvm/reboot", microvm: true, reboot: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kernel := openImage(t, needAsset(t, func() (string, error) { return assets.Kernel(assets.Cloud) }))
			// The ACPI button driver is a module in Debian's kernels; it
			// enables the power button's fixed event, or takes the GED's
			// notifications.
			initrd := openImage(t, needAsset(t, func() (string, error) { return assets.InitramfsWithModules(assets.Cloud, "button") }))
			ram := mem.NewForTest(256 << 20)
			checks, button := pcChecks, pcButton
			c := acpi.PC(2)
			c.HPET = &acpi.HPET{Addr: acpi.HPETAddr, ID: acpi.HPETID}
			c.PM.Timer32 = false // QEMU's PIIX4 PM timer counts 24 bits
			cmdline := "console=ttyS0 quiet panic=-1 cryptomgr.notests "
			if tc.microvm {
				checks, button = microvmChecks, gedButton
				c = acpi.MicroVM(2)
				cmdline += fmt.Sprintf("tsc_early_khz=%d ", hostKHz(t))
			}
			checks = checks[:len(checks):len(checks)]
			if tc.button {
				checks = append(checks, button)
			}
			checks = append(checks, cleanLog)
			var cmds []string
			for _, c := range checks {
				cmds = append(cmds, c.cmd)
			}
			cmdline += assets.Cmdline(cmds...)
			if tc.reboot {
				cmdline += " gemu.exit=reboot"
			}

			var e820 []E820Entry
			if tc.inROM {
				c.Addr = ACPIAddr
				e820 = PCMemoryMap(ram, nil)
			} else {
				c.Addr = 0x9e000
				e820 = PCMemoryMap(ram, []E820Entry{{0x9e000, 0x1c00, E820ACPI}})
			}
			tb, err := acpi.Build(c)
			if err != nil {
				t.Fatal(err)
			}
			r, err := ACPI(ram, tb, e820)
			if err != nil {
				t.Fatal(err)
			}
			lc := LinuxConfig{Kernel: kernel, Initrd: &initrd, Cmdline: cmdline, E820: e820}
			if !tc.inROM {
				lc.RSDP = tb.RSDP
			}
			b, err := Linux(ram, lc)
			if err != nil {
				t.Fatal(err)
			}
			rom, err := os.ReadFile(replayROM(t, b.CPU))
			if err != nil {
				t.Fatal(err)
			}
			regions := b.Regions
			if tc.inROM {
				// The ROM is the BIOS area; the tables go into its filler.
				off := int(tb.Addr - BIOSAreaStart)
				if !bytes.Equal(rom[off:off+len(tb.Bytes)], make([]byte, len(tb.Bytes))) {
					t.Fatal("the replay ROM has code where the tables go")
				}
				copy(rom[off:], tb.Bytes)
			} else {
				regions = append(regions, r)
			}
			on := board{machine: "pc,smm=off", setup: piix4PMSetup}
			if tc.microvm {
				on = board{machine: "microvm,acpi=on,pic=on,pit=on,rtc=on,isa-serial=on,ioapic2=off"}
			}
			run := bootQMP(t, ram, regions, rom, 2, on, tc.button)

			want := "guest-shutdown"
			if tc.reboot {
				want = "guest-reset"
			}
			if run.reason != want || run.status != 0 {
				t.Errorf("QEMU ended with SHUTDOWN reason %q, status %d; want %q, 0\nconsole:\n%s", run.reason, run.status, want, run.console)
			}
			for i, ch := range checks {
				out, ok := cmdOutput(run.console, i+1)
				if !ok {
					t.Errorf("command %d (%s) did not finish; console:\n%s", i+1, ch.cmd, run.console)
					break
				}
				out = strings.TrimPrefix(out, pressMarker+"\n")
				if !regexp.MustCompile(ch.want).MatchString(out) {
					t.Errorf("%s\nprinted %q, want %q", ch.cmd, out, ch.want)
				}
			}
		})
	}
}

// board is the QEMU machine a boot runs on: -M and the monitor commands
// that stand in for firmware setup.
type board struct {
	machine string
	setup   []string
}

// cmdOutput returns what the initramfs's command n printed, and whether it
// finished with status 0.
func cmdOutput(console string, n int) (string, bool) {
	begin := fmt.Sprintf("%s %d\n", assets.MarkerBegin, n)
	end := fmt.Sprintf("%s %d status=0\n", assets.MarkerEnd, n)
	i := strings.Index(console, begin)
	if i < 0 {
		return "", false
	}
	rest := console[i+len(begin):]
	j := strings.Index(rest, end)
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

type qmpRun struct {
	console string
	reason  string // the SHUTDOWN event's reason
	status  int
}

// bootQMP starts QEMU paused with the regions and the ROM, does the board's
// setup through QMP, runs the guest, presses the power button
// when the guest asks (if button), and returns the console and the reason
// QEMU gave for shutting down.
func bootQMP(t *testing.T, ram *mem.Guest, regions []Region, rom []byte, cpus int, b board, button bool) qmpRun {
	t.Helper()
	// A boot takes seconds. QEMU's TCG has been seen, rarely and only on a
	// loaded machine, to stall before the guest printed anything at all;
	// such a boot is tried once more (the stall's diagnostics are logged),
	// and a boot that stalls twice, or after the guest has spoken, fails.
	run, diag := bootQMPOnce(t, ram, regions, rom, cpus, b, button)
	if diag != "" && strings.TrimSpace(run.console) == "" {
		t.Logf("QEMU stalled before any console output; trying once more. Diagnostics:\n%s", diag)
		run, diag = bootQMPOnce(t, ram, regions, rom, cpus, b, button)
	}
	if diag != "" {
		t.Fatalf("QEMU did not finish; console:\n%s\n%s", run.console, diag)
	}
	return run
}

// bootQMPOnce is one boot. A boot that does not finish in time is stopped;
// diag then holds QEMU's view of the vCPUs.
func bootQMPOnce(t *testing.T, ram *mem.Guest, regions []Region, rom []byte, cpus int, b board, button bool) (run qmpRun, diag string) {
	t.Helper()
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 not installed")
	}
	dir := t.TempDir()
	romPath := filepath.Join(dir, "rom.bin")
	if err := os.WriteFile(romPath, rom, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "qmp.sock")
	args := []string{"-M", b.machine, "-accel", "tcg", "-m", fmt.Sprint(ram.RAMSize() >> 20), "-smp", fmt.Sprint(cpus),
		"-nodefaults", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-S",
		"-qmp", "unix:" + sock + ",server=on,wait=off", "-bios", romPath}
	args = append(args, loaderArgs(t, ram, regions)...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, args...)
	// The guest's progress is bounded separately, so that a stall leaves
	// time to ask QEMU where its vCPUs are.
	stall := time.After(2 * time.Minute)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	var console strings.Builder
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- strings.TrimSuffix(sc.Text(), "\r")
		}
		close(lines)
	}()

	q, err := dialQMP(ctx, sock)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("QMP: %v\n%s", err, errb.String())
	}
	defer q.close()
	for _, c := range b.setup {
		if err := q.hmp(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.exec("cont", nil); err != nil {
		t.Fatal(err)
	}
	for lines != nil {
		select {
		case l, ok := <-lines:
			if !ok {
				lines = nil
				break
			}
			console.WriteString(l + "\n")
			if button && l == pressMarker {
				if err := q.exec("system_powerdown", nil); err != nil {
					t.Error(err)
				}
			}
		case ev := <-q.events:
			if ev.Event == "SHUTDOWN" {
				run.reason = ev.Data.Reason
			}
		case <-stall:
			var d strings.Builder
			for _, c := range []string{"info status", "info cpus", "info registers -a"} {
				out, err := q.hmpOutput(c)
				fmt.Fprintf(&d, "(qemu) %s\n%s%v\n", c, out, err)
			}
			cmd.Process.Kill()
			go func() {
				for range lines {
				}
			}()
			cmd.Wait()
			run.console = console.String()
			return run, d.String()
		case <-ctx.Done():
			t.Fatalf("QEMU did not finish; console:\n%s", console.String())
		}
	}
	err = cmd.Wait()
	for run.reason == "" {
		select {
		case ev := <-q.events:
			if ev.Event == "SHUTDOWN" {
				run.reason = ev.Data.Reason
			}
		case <-time.After(5 * time.Second):
			run.reason = "(no SHUTDOWN event)"
		}
	}
	run.console = console.String()
	if ee, ok := err.(*exec.ExitError); ok {
		run.status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("qemu: %v\n%s", err, errb.String())
	}
	return run, ""
}

// qmp is a minimal QMP client: commands one at a time, events on a channel.
type qmp struct {
	conn    net.Conn
	enc     *json.Encoder
	replies chan qmpMsg
	events  chan qmpMsg
}

type qmpMsg struct {
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class, Desc string
	} `json:"error"`
	Event string `json:"event"`
	Data  struct {
		Reason string `json:"reason"`
	} `json:"data"`
}

func dialQMP(ctx context.Context, path string) (*qmp, error) {
	var conn net.Conn
	var err error
	for {
		conn, err = net.Dial("unix", path)
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(20 * time.Millisecond):
		}
	}
	q := &qmp{conn: conn, enc: json.NewEncoder(conn), replies: make(chan qmpMsg), events: make(chan qmpMsg, 16)}
	dec := json.NewDecoder(conn)
	var greeting map[string]any
	if err := dec.Decode(&greeting); err != nil {
		conn.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	go func() {
		for {
			var m qmpMsg
			if err := dec.Decode(&m); err != nil {
				close(q.replies)
				return
			}
			if m.Event != "" {
				q.events <- m
			} else {
				q.replies <- m
			}
		}
	}()
	if err := q.exec("qmp_capabilities", nil); err != nil {
		conn.Close()
		return nil, err
	}
	return q, nil
}

func (q *qmp) exec(cmd string, args any) error {
	req := map[string]any{"execute": cmd}
	if args != nil {
		req["arguments"] = args
	}
	if err := q.enc.Encode(req); err != nil {
		return fmt.Errorf("QMP %s: %w", cmd, err)
	}
	m, ok := <-q.replies
	if !ok {
		return fmt.Errorf("QMP %s: connection closed", cmd)
	}
	if m.Error != nil {
		return fmt.Errorf("QMP %s: %s: %s", cmd, m.Error.Class, m.Error.Desc)
	}
	return nil
}

// hmp runs a human monitor command and fails on any output (the port
// writes print nothing when they work).
func (q *qmp) hmp(line string) error {
	out, err := q.hmpOutput(line)
	if err != nil {
		return err
	}
	if out != "" {
		return fmt.Errorf("HMP %q printed %q", line, out)
	}
	return nil
}

// hmpOutput runs a human monitor command and returns what it printed.
// The reply may be lost to a stalled QEMU, so it waits at most 10 s.
func (q *qmp) hmpOutput(line string) (string, error) {
	req := map[string]any{"execute": "human-monitor-command", "arguments": map[string]string{"command-line": line}}
	if err := q.enc.Encode(req); err != nil {
		return "", err
	}
	select {
	case m, ok := <-q.replies:
		if !ok {
			return "", fmt.Errorf("HMP %q: connection closed", line)
		}
		if m.Error != nil {
			return "", fmt.Errorf("HMP %q: %s", line, m.Error.Desc)
		}
		var out string
		err := json.Unmarshal(m.Return, &out)
		return out, err
	case <-time.After(10 * time.Second):
		return "", fmt.Errorf("HMP %q: no reply in 10 s", line)
	}
}

func (q *qmp) close() { q.conn.Close() }
