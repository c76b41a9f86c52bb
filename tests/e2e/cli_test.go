//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestMalformedCommandLines: every malformed or unknown command line ends
// gemu with status 1 and one line on stderr that names the culprit; no
// panic, no hang, nothing on stdout.
func TestMalformedCommandLines(t *testing.T) {
	bin := gemu(t)
	for _, tc := range []struct {
		args []string
		want string // must appear in the error line
	}{
		{[]string{"-frobnicate"}, "-frobnicate"},
		{[]string{"--frobnicate", "x"}, "frobnicate"},
		{[]string{"-m"}, "-m"},
		{[]string{"-m", "lots"}, "lots"},
		{[]string{"-m", "0x"}, "0x"},
		{[]string{"-m", "-5"}, "-5"},
		{[]string{"-m", "size=1G,slots=2,maxmem=4G"}, "slots"},
		{[]string{"-m", "1G,bogus=1"}, "bogus"},
		{[]string{"-m", "100T"}, "100T"},
		{[]string{"-smp", "0"}, "smp"},
		{[]string{"-smp", "4,foo=1"}, "foo"},
		{[]string{"-smp", "4,sockets=3,cores=3,threads=1"}, "smp"},
		{[]string{"-smp", "many"}, "many"},
		{[]string{"-smp", "100000"}, "100000"},
		{[]string{"-machine", "nosuchboard"}, "nosuchboard"},
		{[]string{"-M", "pc,accel=warp"}, "warp"},
		{[]string{"-M", "pc,kernel-irqchip=sideways"}, "kernel-irqchip"},
		{[]string{"-M", "pc,unknownkey=1"}, "unknownkey"},
		{[]string{"-accel", "hvf9"}, "hvf9"},
		{[]string{"-accel", "kvm,bogus=on"}, "bogus"},
		{[]string{"-cpu", "pentium9000"}, "pentium9000"},
		{[]string{"-cpu", "qemu64,+nosuchflag"}, "nosuchflag"},
		{[]string{"-cpu", "qemu64,sse4.2=maybe"}, "maybe"},
		{[]string{"-kernel"}, "-kernel"},
		{[]string{"-initrd"}, "-initrd"},
		{[]string{"-append"}, "-append"},
		{[]string{"-bios"}, "-bios"},
		{[]string{"-serial", "telepathy"}, "telepathy"},
		{[]string{"-serial", "chardev:nothere"}, "nothere"},
		{[]string{"-serial", "file:"}, "file"},
		{[]string{"-chardev", "stdio"}, "id"},
		{[]string{"-chardev", "warp,id=c0"}, "warp"},
		{[]string{"-chardev", "file,id=c0"}, "file"},
		{[]string{"-chardev", "socket,id=s,server=perhaps,port=4444"}, "server"},
		{[]string{"-chardev", "null,id=a", "-chardev", "null,id=a"}, "a"},
		{[]string{"-device", "flux-capacitor"}, "flux-capacitor"},
		{[]string{"-device", "isa-serial,colour=red"}, "colour"},
		{[]string{"-device", "isa-debug-exit,iosize=3"}, "iosize"},
		{[]string{"-device", "isa-debug-exit,iobase=zz"}, "iobase"},
		{[]string{"-device", "isa-debugcon"}, "chardev"},
		{[]string{"-device", "isa-debugcon,chardev=missing"}, "missing"},
		{[]string{"-display", "gtk"}, "gtk"},
		{[]string{"-display"}, "-display"},
		{[]string{"-name"}, "-name"},
		{[]string{"-pidfile"}, "-pidfile"},
		{[]string{"-L"}, "-L"},
		{[]string{"-debugcon"}, "-debugcon"},
		{[]string{"-serial"}, "-serial"},
		{[]string{"stray-argument"}, "stray-argument"},
		{[]string{"-m", "512", "-m"}, "-m"},
		{[]string{"-enable-kvm=yes"}, "enable-kvm"},
		{[]string{"-nographic", "extra"}, "extra"},
	} {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			r := runProg(t, 20*time.Second, bin, tc.args...)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.status != 1 {
				t.Errorf("status %d, want 1 (stderr %q)", r.status, r.stderr)
			}
			if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr %q: want one line naming %q", r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("crashed: %s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
}

// TestListings: help and listing requests print to stdout and exit 0.
func TestListings(t *testing.T) {
	bin := gemu(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-version"}, "QEMU emulator version"},
		{[]string{"-h"}, "-machine"},
		{[]string{"-machine", "help"}, "pc"},
		{[]string{"-cpu", "help"}, "qemu64"},
		{[]string{"-device", "help"}, "isa-serial"},
		{[]string{"-accel", "help"}, "kvm"},
		{[]string{"-device", "isa-debug-exit,help"}, "iobase"},
	} {
		r := runProg(t, 20*time.Second, bin, tc.args...)
		if r.status != 0 || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%v: status %d, stdout %q; want %q", tc.args, r.status, r.stdout, tc.want)
		}
	}
}
