//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Issue 5, point 5: booting Linux on gemu is no worse than on QEMU. Each
// configuration of TestLinuxBoot also boots on QEMU TCG with the same
// -M, -m, -smp and -append; every warning-like line of gemu's dmesg must
// appear in QEMU's too (after normalisation, linux_console_test.go), or be
// excused by testdata/dmesg-allow.txt.

// dmesgOf returns the dmesg a checking boot printed, or fails the test.
func dmesgOf(t *testing.T, r *bootRun, role string) []string {
	t.Helper()
	out, _, ok := r.cons.output(cmdDmesg, true)
	if !ok || len(out) == 0 {
		t.Fatalf("the %s boot printed no dmesg:\n%s", role, r.describe())
	}
	return out
}

// reportDmesg fails the test for every flagged line and logs the rest;
// both dmesgs go to the test's artifact directory (kept with -artifacts).
func reportDmesg(t *testing.T, name string, got, want []string, d dmesgDiff) {
	t.Helper()
	for _, l := range d.allowed {
		t.Logf("allowed difference: %s", l)
	}
	if len(d.missing) > 0 {
		t.Logf("warning lines only QEMU printed:\n%s", indent(d.missing))
	}
	if len(d.flagged) > 0 {
		dir := t.ArtifactDir()
		os.WriteFile(filepath.Join(dir, "dmesg-"+name+".txt"), []byte(strings.Join(got, "\n")+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "dmesg-QEMU.txt"), []byte(strings.Join(want, "\n")+"\n"), 0o644)
		t.Errorf("%d warning line(s) in %s's dmesg that QEMU's lacks (fix the cause, or add a reviewed entry to testdata/dmesg-allow.txt); both dmesgs are in %s:\n%s",
			len(d.flagged), name, dir, indent(withContext(got, d.flagged)))
	}
}

// withContext returns the flagged lines, each followed by the indented
// lines after it in the dmesg (a call trace, register dump), if any.
func withContext(dmesg, flagged []string) []string {
	var out []string
	for _, f := range flagged {
		out = append(out, f)
		i := slices.IndexFunc(dmesg, func(l string) bool { return strings.TrimSpace(l) == f })
		for j := i + 1; i >= 0 && j < len(dmesg) && j <= i+12; j++ {
			msg := timestampRE.ReplaceAllString(dmesg[j], "")
			if !strings.HasPrefix(msg, " ") && !strings.HasPrefix(msg, "\t") {
				break
			}
			out = append(out, "  "+strings.TrimSpace(dmesg[j]))
		}
	}
	return out
}

func TestLinuxDmesgNoWorseThanQEMU(t *testing.T) {
	allow, err := loadAllowList()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range linuxConfigs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := underTest(t)
			ref := reference(t)
			spec := c.spec("pc")
			got := dmesgOf(t, sharedLinuxBoot(t, e, spec, ""), e.name)
			want := dmesgOf(t, sharedLinuxBoot(t, ref, spec, "reference"), "reference QEMU")
			reportDmesg(t, e.name, got, want, compareDmesg(got, want, allow))
		})
	}
}

// TestLinuxDmesgComparisonCatchesDifferences checks the comparison on QEMU
// alone: the same boot with -cpu Nehalem (an Intel model, where the
// default qemu64 is an AMD one) prints three warning lines that qemu64's
// boot lacks, and the comparison must flag exactly those.
func TestLinuxDmesgComparisonCatchesDifferences(t *testing.T) {
	ref := reference(t)
	allow, err := loadAllowList()
	if err != nil {
		t.Fatal(err)
	}
	c := linuxConfigs[0]
	base := c.spec("pc")
	variant := base
	variant.extra = []string{"-cpu", "Nehalem"}
	want := dmesgOf(t, sharedLinuxBoot(t, ref, base, "reference"), "reference QEMU")
	got := dmesgOf(t, sharedLinuxBoot(t, ref, variant, "reference"), "QEMU -cpu Nehalem")
	d := compareDmesg(got, want, allow)
	expect := []*regexp.Regexp{
		// No PMU driver for a family 6 model the kernel does not know.
		regexp.MustCompile(`^Performance Events: unsupported p# CPU model # no PMU driver`),
		// Intel CPUs without the ARCH_CAPABILITIES MSR: status unknown.
		regexp.MustCompile(`^MMIO Stale Data: Unknown: No mitigations$`),
		// The Intel P-state driver does not know the model either.
		regexp.MustCompile(`^intel_pstate: CPU model not supported$`),
	}
	found := make([]bool, len(expect))
	var unexpected []string
	for _, l := range d.flagged {
		n := normalizeDmesg(l)
		hit := false
		for i, re := range expect {
			if re.MatchString(n) {
				found[i], hit = true, true
			}
		}
		if !hit {
			unexpected = append(unexpected, l)
		}
	}
	for i, ok := range found {
		if !ok {
			t.Errorf("the comparison missed the line %s that -cpu Nehalem adds; it flagged:\n%s", expect[i], indent(d.flagged))
		}
	}
	if len(unexpected) > 0 {
		t.Errorf("the comparison flagged lines that -cpu Nehalem does not explain (timing noise the allow-list lacks?):\n%s", indent(unexpected))
	}
	for _, l := range d.allowed {
		t.Logf("allowed difference: %s", l)
	}
	if !t.Failed() {
		t.Logf("flagged, as expected:\n%s", indent(d.flagged))
	}
	if !strings.Contains(strings.Join(got, "\n"), "Nehalem") {
		t.Errorf("the -cpu Nehalem boot's dmesg names no Nehalem CPU: the variant did not take effect")
	}
}
