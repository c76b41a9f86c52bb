package config

import (
	"fmt"
	"strings"
)

// Version is gemu's own version.
const Version = "0.1.0"

// QEMUVersion is the QEMU release whose command line and behaviour gemu
// follows. -version reports it first because tools (libvirt, test
// harnesses, distribution scripts) find the version by matching
// "QEMU emulator version X.Y.Z" on the first line and gate features on it;
// gemu's own version follows in parentheses where QEMU puts its package
// version.
const QEMUVersion = "7.2.0"

func versionText() string {
	return fmt.Sprintf("QEMU emulator version %s (gemu %s)\n"+
		"gemu is a QEMU-compatible emulator written in Go; it is not QEMU.\n", QEMUVersion, Version)
}

// usage is the text of -h, built from the flag table.
func usage() string {
	var b strings.Builder
	b.WriteString(strings.SplitN(versionText(), "\n", 2)[0] + "\n")
	b.WriteString("usage: gemu [options]\n\nOptions:\n")
	for _, f := range flags {
		head := "-" + f.name
		for _, a := range f.aliases {
			head += ", -" + a
		}
		if f.arg != "" {
			head += " " + f.arg
		}
		if len(head) <= 22 {
			fmt.Fprintf(&b, "%-24s%s\n", head, f.help)
		} else {
			fmt.Fprintf(&b, "%s\n%24s%s\n", head, "", f.help)
		}
	}
	b.WriteString("\nWith -nographic or a mon:stdio serial port, press Ctrl-A h for the terminal keys.\n")
	return b.String()
}
