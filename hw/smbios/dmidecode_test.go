package smbios

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dumpBin returns the tables in dmidecode's --dump-bin format, for the
// entry point at ep (tb.EntryPoint64 or tb.EntryPoint32): the entry point
// at offset 0 with its table address rewritten to 0x20 (checksums
// redone), and the table at 0x20.
func dumpBin(t *testing.T, tb *Tables, ep uint64) []byte {
	t.Helper()
	out := make([]byte, 0x20, 0x20+len(tb.Table))
	e := tb.Anchor[ep-tb.Addr:]
	switch {
	case bytes.HasPrefix(e, []byte("_SM3_")):
		copy(out, e[:ep3Len])
		binary.LittleEndian.PutUint64(out[ep3Table:], 0x20)
		out[ep3Checksum] = 0
		out[ep3Checksum] = checksum(out[:ep3Len])
	case bytes.HasPrefix(e, []byte("_SM_")):
		copy(out, e[:ep2Len])
		binary.LittleEndian.PutUint32(out[ep2Table:], 0x20)
		out[ep2DMIChecksum] = 0
		out[ep2DMIChecksum] = checksum(out[ep2DMI:ep2Len])
		out[ep2Checksum] = 0
		out[ep2Checksum] = checksum(out[:ep2Len])
	default:
		t.Fatalf("no entry point at %#x", ep)
	}
	return append(out, tb.Table...)
}

// complaints are what dmidecode prints about tables it finds wrong.
var complaints = regexp.MustCompile(`(?i)wrong|invalid|out of spec|bad index|truncated|broken|unsupported|sorry|checksum|<`)

// TestDmidecode has dmidecode decode every machine's tables, through each
// entry point, from a --dump-bin file: it must decode every structure we
// wrote, with no complaint, and print the values we put in.
func TestDmidecode(t *testing.T) {
	tool, err := exec.LookPath("dmidecode")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dmidecode", "/sbin/dmidecode"} {
			if _, serr := os.Stat(p); serr == nil {
				tool, err = p, nil
			}
		}
	}
	if err != nil {
		t.Skip("dmidecode not installed (Debian package dmidecode)")
	}
	cs := configs()
	cs["huge"] = huge()
	for name, c := range cs {
		tb := build(t, c)
		for _, ep := range []uint64{tb.EntryPoint64, tb.EntryPoint32} {
			if ep == 0 {
				continue
			}
			kind := "64"
			if ep == tb.EntryPoint32 {
				kind = "32"
			}
			t.Run(name+"/"+kind, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "dmi.bin")
				if err := os.WriteFile(path, dumpBin(t, tb, ep), 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(tool, "--from-dump", path)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("dmidecode: %v\n%s", err, stderr.String())
				}
				out := stdout.String()
				if stderr.Len() > 0 {
					t.Errorf("dmidecode printed on stderr:\n%s", stderr.String())
				}
				for _, l := range strings.Split(out, "\n") {
					if complaints.MatchString(l) {
						t.Errorf("dmidecode complains: %s", l)
					}
				}
				checkDmidecode(t, c, tb, kind, out)
				if t.Failed() {
					t.Logf("dmidecode output:\n%s", out)
				}
			})
		}
	}
}

// checkDmidecode checks dmidecode's reading of the tables: the version,
// every structure by handle, type and length, and the values.
func checkDmidecode(t *testing.T, c Config, tb *Tables, kind, out string) {
	t.Helper()
	want := "SMBIOS 3.0.0 present."
	if kind == "32" {
		want = fmt.Sprintf("SMBIOS 3.0 present.\n%d structures occupying %d bytes.", len(tb.Structures), len(tb.Table))
	}
	if !strings.Contains(out, want) {
		t.Errorf("dmidecode does not say %q", want)
	}
	var got, wantHeads []string
	for _, m := range regexp.MustCompile(`(?m)^Handle 0x[0-9A-F]{4}, DMI type \d+, \d+ bytes$`).FindAllString(out, -1) {
		got = append(got, m)
	}
	for _, s := range tb.Structures {
		wantHeads = append(wantHeads, fmt.Sprintf("Handle 0x%04X, DMI type %d, %d bytes", s.Handle, s.Type, len(s.Data)+headerLen))
	}
	if strings.Join(got, "\n") != strings.Join(wantHeads, "\n") {
		t.Errorf("dmidecode decoded\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantHeads, "\n"))
	}
	// Values dmidecode prints for what the configuration sets.
	lines := []string{
		"BIOS Information\n\tVendor: " + c.BIOS.Vendor,
		"\tRelease Date: " + c.BIOS.Date,
		"\t\tBIOS characteristics not supported\n\t\tTargeted content distribution is supported",
		"\t\tSystem is a virtual machine",
		"System Information\n\tManufacturer: " + c.System.Manufacturer + "\n\tProduct Name: " + c.System.Product + "\n\tVersion: " + c.System.Version,
		"\tWake-up Type: Power Switch",
		fmt.Sprintf("\tNumber Of Devices: %d", len(ofType(tb.Structures, TypeMemoryDevice))),
		"\tBoot-up State: Safe\n\tPower Supply State: Safe\n\tThermal State: Safe",
		"System Boot Information\n\tStatus: No errors detected",
		"End Of Table",
	}
	if c.BIOS.Major != 0xff {
		lines = append(lines, fmt.Sprintf("\tBIOS Revision: %d.%d", c.BIOS.Major, c.BIOS.Minor))
	}
	if c.BIOS.UEFI {
		lines = append(lines, "\t\tUEFI is supported")
	}
	if c.System.UUID != ([16]byte{}) {
		lines = append(lines, "\tUUID: "+uuidText(c.System.UUID))
	}
	sockets, cores, threads, _ := c.Processor.topology()
	lines = append(lines, fmt.Sprintf("\tSocket Designation: %s %d\n\tType: Central Processor", or(c.Processor.SocketPrefix, "CPU"), sockets-1),
		fmt.Sprintf("\tCore Count: %d", cores), fmt.Sprintf("\tThread Count: %d", cores*threads))
	if c.Processor.Signature != 0 {
		var id [8]byte
		binary.LittleEndian.PutUint32(id[:], c.Processor.Signature)
		binary.LittleEndian.PutUint32(id[4:], c.Processor.Features)
		lines = append(lines, fmt.Sprintf("\tID: % X", id))
	}
	for i, r := range c.Memory.Ranges {
		// dmidecode 3.4 prints extended addresses with 16 digits and a
		// stray "k".
		format := "Handle 0x%04X, DMI type 19, 31 bytes\nMemory Array Mapped Address\n\tStarting Address: 0x%011X\n\tEnding Address: 0x%011X"
		if r.End()>>10 > 0xffffffff {
			format = "Handle 0x%04X, DMI type 19, 31 bytes\nMemory Array Mapped Address\n\tStarting Address: 0x%016Xk\n\tEnding Address: 0x%016Xk"
		}
		lines = append(lines, fmt.Sprintf(format, 0x1300+i, r.Addr, r.End()-1))
	}
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("dmidecode output lacks %q", l)
		}
	}
}
