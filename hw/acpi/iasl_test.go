package acpi

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// iasl returns the path of ACPICA's compiler and disassembler (Debian's
// acpica-tools), or skips.
func iasl(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("iasl")
	if err != nil {
		t.Skip("iasl not installed (Debian package acpica-tools)")
	}
	return p
}

func runIASL(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(iasl(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("iasl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// complaint matches what ACPICA prints about a table it finds wrong.
var complaint = regexp.MustCompile(`(?i)warning|error|incorrect|invalid|unknown|\*\*\*\*`)

// TestIASL disassembles every table with ACPICA's iasl, which must decode
// each without complaint; the DSDT's disassembly must compile back (without
// iasl's optimizations) to the same AML.
func TestIASL(t *testing.T) {
	iasl(t)
	for name, c := range configs() {
		t.Run(name, func(t *testing.T) {
			tb := build(t, c)
			dir := t.TempDir()
			var files []string
			for _, e := range tb.Entries {
				if e.Signature == "RSD PTR " {
					continue // iasl reads the RSDP only from memory dumps
				}
				f := e.Signature + ".dat"
				if err := os.WriteFile(filepath.Join(dir, f), tb.Table(e.Signature), 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			out := runIASL(t, dir, append([]string{"-d"}, files...)...)
			for _, l := range strings.Split(out, "\n") {
				if complaint.MatchString(l) {
					t.Errorf("iasl -d: %s", l)
				}
			}
			dsl := map[string]string{}
			for _, f := range files {
				sig := strings.TrimSuffix(f, ".dat")
				b, err := os.ReadFile(filepath.Join(dir, sig+".dsl"))
				if err != nil {
					t.Fatal(err)
				}
				dsl[sig] = string(b)
				for _, l := range strings.Split(dsl[sig], "\n") {
					if complaint.MatchString(l) {
						t.Errorf("%s.dsl: %s", sig, l)
					}
				}
			}
			for _, want := range expectDisassembly(c) {
				if !regexp.MustCompile(want.re).MatchString(dsl[want.sig]) {
					t.Errorf("%s.dsl lacks %q", want.sig, want.re)
				}
			}

			out = runIASL(t, dir, "-oa", "-p", "recompiled", "DSDT.dsl")
			if !strings.Contains(out, "0 Errors, 0 Warnings") {
				t.Errorf("recompiling the DSDT:\n%s", out)
			}
			re, err := os.ReadFile(filepath.Join(dir, "recompiled.aml"))
			if err != nil {
				t.Fatal(err)
			}
			if ours := tb.Table("DSDT"); !bytes.Equal(re[headerLen:], ours[headerLen:]) {
				t.Errorf("iasl compiles the disassembled DSDT to\n% x\nours is\n% x", re[headerLen:], ours[headerLen:])
			}
		})
	}
}

type expectation struct{ sig, re string }

// expectDisassembly lists lines iasl must print for c.
func expectDisassembly(c Config) []expectation {
	e := []expectation{
		{"APIC", `Local Apic Address : FEE00000`},
		{"APIC", `Subtable Type : 04 \[Local APIC NMI\]`},
		{"DSDT", `Name \(\\_S5, Package \(0x04\)`},
	}
	if c.HWReduced != nil {
		return append(e,
			expectation{"FACP", `Hardware Reduced \(V5\) : 1`},
			expectation{"FACP", `Control Method Power Button \(V1\) : 1`},
			expectation{"FACP", `Sleep Control Register : \[Generic Address Structure\]`},
			expectation{"FACP", `Address : 00000000FEA00200`},
			expectation{"FACP", `Address : 00000000FEA00201`},
			expectation{"FACP", `Address : 00000000FEA00202`},
			expectation{"FACP", `Value to cause reset : 42`},
			expectation{"DSDT", `Name \(_HID, "ACPI0013"`},
			expectation{"DSDT", `Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \)\s+\{\s+0x00000009,\s+\}`},
			expectation{"DSDT", `OperationRegion \(EREG, SystemMemory, 0xFEA00000, 0x04\)`},
			expectation{"DSDT", `Notify \(\\_SB.PWRB, 0x80\)`},
			expectation{"DSDT", `EisaId \("PNP0C0C"\)`},
		)
	}
	e = append(e,
		expectation{"FACP", `PM1A Event Block Address : 00000600`},
		expectation{"FACP", `PM1A Control Block Address : 00000604`},
		expectation{"FACP", `PM Timer Block Address : 00000608`},
		expectation{"FACP", `SCI Interrupt : 0009`},
		expectation{"FACP", `Hardware Reduced \(V5\) : 0`})
	if c.PM.Timer32 {
		e = append(e, expectation{"FACP", `32-bit PM Timer \(V1\) : 1`})
	}
	if c.PM.ResetPort != 0 {
		e = append(e, expectation{"FACP", `Reset Register Supported \(V2\) : 1`},
			expectation{"FACP", `Address : 0000000000000CF9`},
			expectation{"FACP", `Value to cause reset : 06`})
	}
	if c.I8042 {
		e = append(e, expectation{"FACP", `8042 Present on ports 60/64 \(V2\) : 1`},
			expectation{"DSDT", `EisaId \("PNP0303"\)`}, expectation{"DSDT", `EisaId \("PNP0F13"\)`})
	}
	if c.RTC != nil {
		e = append(e, expectation{"FACP", `RTC Century Index : 32`}, expectation{"DSDT", `EisaId \("PNP0B00"\)`})
	}
	if len(c.Serial) > 0 {
		e = append(e, expectation{"DSDT", `Device \(COM1\)`})
	}
	if c.HPET != nil {
		e = append(e, expectation{"HPET", `Address : 00000000FED00000`}, expectation{"DSDT", `0xFED00000,\s+// Address Base`})
	}
	return e
}
