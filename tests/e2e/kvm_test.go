//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"gemu/accel/kvm/kvmtest"
	"gemu/tests/guests"
)

// qemuKVMCPU is the CPU model QEMU needs under this kind of nested KVM,
// whose host CPU model QEMU cannot fully pass through.
var qemuKVMCPU = []string{"-cpu", "host,-arch-capabilities"}

func guest(t *testing.T, name string) string {
	t.Helper()
	p, err := guests.Build(name)
	if err != nil {
		t.Fatalf("building test guest %s: %v", name, err)
	}
	return p
}

// TestROMMatchesQEMU is the foundation's acceptance check: the same command
// line under gemu and QEMU prints the same console text and exits with the
// same status.
func TestROMMatchesQEMU(t *testing.T) {
	kvmtest.Require(t)
	rom := guest(t, "hello.rom")
	args := []string{"-M", "pc", "-accel", "kvm", "-m", "64M", "-nographic", "-bios", rom,
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4"}
	g := runProg(t, 60*time.Second, gemu(t), args...)
	want, _ := guests.Expected("hello.rom", 1)
	if g.stdout != want {
		t.Errorf("gemu printed %q, want %q (stderr %s)", g.stdout, want, g.stderr)
	}
	if g.status != guests.QEMUStatus(guests.ExitOK) {
		t.Errorf("gemu exit status %d, want %d", g.status, guests.QEMUStatus(guests.ExitOK))
	}
	q := runProg(t, 120*time.Second, qemu(t), append(args, qemuKVMCPU...)...)
	if q.stdout != g.stdout || q.status != g.status {
		t.Errorf("QEMU printed %q with status %d; gemu %q with status %d", q.stdout, q.status, g.stdout, g.status)
	}
}

// TestMultibootSMP boots the long-mode multiboot guest, which starts every
// AP with INIT/SIPI, takes PIT interrupts through the I/O APIC and exits:
// under KVM with the in-kernel irqchip, and on the interpreter with the
// machine's own PIC, I/O APIC, local APICs and PIT.
func TestMultibootSMP(t *testing.T) {
	elf := guest(t, "smp.elf")
	// kvm-user is KVM with gemu's interrupt controllers and timers
	// (kernel-irqchip=off): the PIT interrupts and the INIT/SIPI IPIs go
	// through the userspace models.
	for _, tc := range []struct {
		accel string
		cpus  int
	}{{"kvm", 1}, {"kvm", 2}, {"kvm", 4}, {"kvm-user", 1}, {"kvm-user", 2}, {"kvm-user", 4}, {"tcg", 1}, {"tcg", 2}, {"tcg", 4}} {
		cpus := tc.cpus
		t.Run(fmt.Sprintf("%s/smp%d", tc.accel, cpus), func(t *testing.T) {
			machine, accel := "pc", tc.accel
			if accel == "kvm-user" {
				machine, accel = "pc,kernel-irqchip=off", "kvm"
			}
			if accel == "kvm" {
				kvmtest.Require(t)
			}
			r := runProg(t, 120*time.Second, gemu(t), "-M", machine, "-accel", accel, "-m", "64M", "-nographic",
				"-smp", fmt.Sprint(cpus), "-kernel", elf, "-device", "isa-debug-exit,iobase=0xf4,iosize=4")
			want, _ := guests.Expected("smp.elf", cpus)
			if r.stdout != want || r.status != guests.QEMUStatus(guests.ExitOK) {
				t.Errorf("-smp %d: status %d, output:\n%s\nwant:\n%s\nstderr: %s", cpus, r.status, r.stdout, want, r.stderr)
			}
		})
	}
}

// TestNoRebootOnTripleFault: without firmware to run, a guest that resets
// the machine ends gemu with status 0 under -no-reboot.
func TestResetPaths(t *testing.T) {
	kvmtest.Require(t)
	rom := guest(t, "hello.rom")
	// Reset through the keyboard controller and port 0x92 are exercised by
	// device tests; here the machine-level path: -no-reboot turns a reset
	// into an exit with status 0. The exit ROM exits first, so drive the
	// reset from a guest that asks for it: the hello ROM built to write
	// its exit status to port 0x64 (0xfe = pulse reset).
	p, err := guests.BuildWith("hello.rom", map[string]uint64{"EXIT_PORT": 0x64, "EXIT_OK": 0xfe})
	if err != nil {
		t.Fatal(err)
	}
	_ = rom
	r := runProg(t, 60*time.Second, gemu(t), "-M", "pc", "-accel", "kvm", "-m", "64M", "-nographic", "-no-reboot", "-bios", p)
	if r.status != 0 {
		t.Errorf("reset with -no-reboot: status %d, want 0 (stderr %s)", r.status, r.stderr)
	}
}
