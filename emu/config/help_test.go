package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/accel/cpuid"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestListings(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"machine-help.txt", []string{"-machine", "help"}},
		{"machine-help.txt", []string{"-M", "?"}},
		{"machine-pc-help.txt", []string{"-machine", "pc,help"}},
		{"accel-help.txt", []string{"-accel", "help"}},
		{"accel-help.txt", []string{"-accel", ""}},
		{"cpu-help.txt", []string{"-cpu", "help"}},
		{"cpu-help.txt", []string{"-cpu", "?"}},
		{"device-help.txt", []string{"-device", "help"}},
		{"device-help.txt", []string{"-device", "driver=help"}},
		{"device-isa-serial-help.txt", []string{"-device", "isa-serial,help"}},
		{"device-isa-debug-exit-help.txt", []string{"-device", "isa-debug-exit,?"}},
		{"device-isa-debugcon-help.txt", []string{"-device", "isa-debugcon,help"}},
		{"chardev-help.txt", []string{"-chardev", "help"}},
		{"chardev-socket-help.txt", []string{"-chardev", "socket,help"}},
		{"smp-help.txt", []string{"-smp", "help"}},
		{"display-help.txt", []string{"-display", "help"}},
		{"rtc-help.txt", []string{"-rtc", "help"}},
		{"rtc-help.txt", []string{"-rtc", "base=utc,?"}},
		{"version.txt", []string{"-version"}},
		{"usage.txt", []string{"-h"}},
		{"usage.txt", []string{"--help"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			c := parseOK(t, tc.args...)
			if c.Listing == nil {
				t.Fatalf("Parse(%q) gave no listing", tc.args)
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, []byte(c.Listing.Text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), c.Listing.Text); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}

// The listings must cover exactly what Parse accepts.
func TestListingsMatchCatalogs(t *testing.T) {
	for _, m := range MachineTypes {
		for _, name := range append([]string{m.Name}, m.Aliases...) {
			c := parseOK(t, "-machine", name)
			if c.Machine.Type != m.Name {
				t.Errorf("-machine %s gave type %q, want %q", name, c.Machine.Type, m.Name)
			}
		}
	}
	help := parseOK(t, "-cpu", "help").Listing.Text
	for _, name := range cpuid.ModelNames() {
		if !strings.Contains(help, "x86 "+name+" ") {
			t.Errorf("-cpu help lacks model %s", name)
		}
		args := []string{"-cpu", name}
		if cpuid.Models[name].Host && name == "host" {
			args = append(args, "-accel", "kvm")
		}
		parseOK(t, args...)
	}
	for _, f := range cpuid.Features {
		if !strings.Contains(help, " "+f.Name+" ") && !strings.Contains(help, " "+f.Name+"\n") {
			t.Errorf("-cpu help lacks flag %s", f.Name)
		}
		parseOK(t, "-cpu", "qemu64,+"+f.Name)
	}
	devHelp := parseOK(t, "-device", "help").Listing.Text
	for _, d := range Devices {
		if !strings.Contains(devHelp, `name "`+d.Name+`", bus `+d.Bus) {
			t.Errorf("-device help lacks %s", d.Name)
		}
		props := parseOK(t, "-device", d.Name+",help").Listing.Text
		for _, p := range d.Props {
			if !strings.Contains(props, "  "+p.Name+"=<") {
				t.Errorf("-device %s,help lacks %s", d.Name, p.Name)
			}
		}
	}
	chHelp := parseOK(t, "-chardev", "help").Listing.Text
	for _, b := range chardevBackends {
		if !strings.Contains(chHelp, "  "+b.name+" ") {
			t.Errorf("-chardev help lacks %s", b.name)
		}
	}
	for _, a := range accelNames {
		parseOK(t, "-accel", a)
	}
}

func TestVersionFirstLine(t *testing.T) {
	text := parseOK(t, "-version").Listing.Text
	first := strings.SplitN(text, "\n", 2)[0]
	// What version-sniffing scripts match.
	if !strings.HasPrefix(first, "QEMU emulator version 7.2.0 ") {
		t.Errorf("first line %q", first)
	}
}
