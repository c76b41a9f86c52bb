package guests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gemu/emu/loader"
	"gemu/hw/mem"
)

func build(t *testing.T, name string) string {
	t.Helper()
	p, err := Build(name)
	if errors.Is(err, ErrNoTools) {
		t.Skipf("cannot build guests: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuildROMs(t *testing.T) {
	for _, g := range All {
		if g.Kind != ROM || g.needsSymbols {
			continue
		}
		b, err := os.ReadFile(build(t, g.Name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != 64<<10 {
			t.Errorf("%s: %d bytes", g.Name, len(b))
		}
		// The reset vector holds a jump (or, in exit.rom, the exit code).
		if r := b[0xfff0]; r != 0xe9 && r != 0xeb && r != 0xba {
			t.Errorf("%s: reset vector starts with %#x", g.Name, r)
		}
		// The image loads as a BIOS.
		ram := mem.NewForTest(1 << 20)
		if _, err := loader.BIOS(ram, loader.Image{Name: g.Name, R: bytes.NewReader(b), Size: int64(len(b))}); err != nil {
			t.Errorf("%s: %v", g.Name, err)
		}
	}
}

func TestBuildSMPLoadsAsMultiboot(t *testing.T) {
	p := build(t, "smp.elf")
	im, f, err := loader.OpenImage(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if k, err := loader.Probe(im); err != nil || k != loader.KindMultiboot {
		t.Fatalf("Probe = %v, %v", k, err)
	}
	ram := mem.NewForTest(16 << 20)
	b, err := loader.Kernel(ram, loader.KernelConfig{Kernel: im, Cmdline: "cpus=2"})
	if err != nil {
		t.Fatal(err)
	}
	if b.CPU.RIP < 0x100000 || b.CPU.RIP >= 0x101000 {
		t.Errorf("entry %#x", b.CPU.RIP)
	}
	if _, err := loader.MPTable(ram, loader.MPConfig{CPUs: 2}); err != nil {
		t.Error(err)
	}
}

func TestBuildWith(t *testing.T) {
	def := build(t, "pioloop.rom")
	p, err := BuildWith("pioloop.rom", map[string]uint64{"LOOPS": 5, "EXIT_PORT": 0x501})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(def)
	b, _ := os.ReadFile(p)
	if p == def || bytes.Equal(a, b) {
		t.Error("symbols did not change the image")
	}
	if !bytes.Contains(b, []byte{0x66, 0xb9, 5, 0, 0, 0}) { // mov $5, %ecx
		t.Error("LOOPS=5 not in the image")
	}
	if _, err := BuildWith("hello.rom", map[string]uint64{"LOOPS": 1}); err == nil || !strings.Contains(err.Error(), "takes no symbol LOOPS") {
		t.Errorf("unknown symbol: %v", err)
	}
	if _, err := Build("nosuch.rom"); err == nil {
		t.Error("unknown guest built")
	}
}

// runQEMU runs a guest under QEMU with TCG and returns its serial output
// and exit status.
func runQEMU(t *testing.T, g Guest, path string, extra ...string) (string, int) {
	return runQEMUAccel(t, []string{"-accel", "tcg"}, g, path, extra...)
}

func runQEMUAccel(t *testing.T, accel []string, g Guest, path string, extra ...string) (string, int) {
	t.Helper()
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 not installed")
	}
	args := append([]string{"-M", "pc", "-m", "64", "-nodefaults", "-display", "none",
		"-serial", "stdio", "-monitor", "none", "-device", fmt.Sprintf("isa-debug-exit,iobase=%#x,iosize=4", ExitPort)}, accel...)
	if g.Kind == ROM {
		args = append(args, "-bios", path)
	} else {
		args = append(args, "-kernel", path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, append(args, extra...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("%s: %v (want an isa-debug-exit status)\n%s", g.Name, err, errb.String())
	}
	if ctx.Err() != nil {
		t.Fatalf("%s: QEMU did not finish; output so far:\n%s", g.Name, out.String())
	}
	return out.String(), ee.ExitCode()
}

func TestPVHOnQEMU(t *testing.T) {
	g, _ := Lookup("pvh.elf")
	p := build(t, "pvh.elf")
	rd := filepath.Join(t.TempDir(), "module")
	os.WriteFile(rd, make([]byte, 12345), 0o644)
	out, status := runQEMU(t, g, p, "-append", "hello pvh", "-initrd", rd)
	if want := ExpectedPVH("hello pvh", 12345); out != want {
		t.Errorf("serial output:\n%q\nwant:\n%q", out, want)
	}
	if status != QEMUStatus(ExitOK) {
		t.Errorf("exit status %d, want %d", status, QEMUStatus(ExitOK))
	}
}

func TestGuestsOnQEMU(t *testing.T) {
	type run struct {
		guest string
		cpus  int
	}
	runs := []run{{"hello.rom", 1}, {"exit.rom", 1}, {"pioloop.rom", 1}, {"mmioloop.rom", 1}, {"smp.elf", 1}, {"smp.elf", 2}, {"smp.elf", 4}}
	for _, r := range runs {
		t.Run(fmt.Sprintf("%s/smp%d", r.guest, r.cpus), func(t *testing.T) {
			g, _ := Lookup(r.guest)
			p := build(t, r.guest)
			var extra []string
			if g.Kind == Multiboot {
				extra = []string{"-smp", fmt.Sprint(r.cpus), "-append", fmt.Sprintf("cpus=%d", r.cpus)}
			}
			out, status := runQEMU(t, g, p, extra...)
			want, _ := Expected(r.guest, r.cpus)
			if out != want {
				t.Errorf("serial output:\n%q\nwant:\n%q", out, want)
			}
			if status != QEMUStatus(ExitOK) {
				t.Errorf("exit status %d, want %d", status, QEMUStatus(ExitOK))
			}
		})
	}
}

// TestGuestsOnQEMUKVM runs the guests under QEMU on KVM, where this kind of
// host emulates kernel-mode code and refuses some instructions: the guests
// must keep to what it can run.
func TestGuestsOnQEMUKVM(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kernel-mode code is emulated on this kind of host")
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("KVM not usable: %v", err)
	}
	f.Close()
	kvm := []string{"-accel", "kvm", "-cpu", "host,-arch-capabilities"}
	for _, r := range []struct {
		guest string
		cpus  int
	}{{"hello.rom", 1}, {"mmioloop.rom", 1}, {"smp.elf", 2}, {"pvh.elf", 1}} {
		t.Run(r.guest, func(t *testing.T) {
			g, _ := Lookup(r.guest)
			p := build(t, r.guest)
			var extra []string
			want, _ := Expected(r.guest, r.cpus)
			switch g.Kind {
			case Multiboot:
				extra = []string{"-smp", fmt.Sprint(r.cpus), "-append", fmt.Sprintf("cpus=%d", r.cpus)}
			case PVH:
				extra = []string{"-append", "kvm"}
				want = ExpectedPVH("kvm")
			}
			out, status := runQEMUAccel(t, kvm, g, p, extra...)
			if out != want || status != QEMUStatus(ExitOK) {
				t.Errorf("status %d, serial output:\n%q\nwant status %d and:\n%q", status, out, QEMUStatus(ExitOK), want)
			}
		})
	}
}
