package kvm

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gemu/accel"
	"gemu/accel/kvm/kvmtest"
	"gemu/hw/mem"
)

// countIO counts port writes and kicks its vCPU at a chosen count; it
// allocates nothing, so what AllocsPerRun sees is the accelerator's.
type countIO struct {
	n, stop int64
	c       *VCPU
}

func (m *countIO) PortRead(uint16, int) uint32 { return 0 }
func (m *countIO) PortWrite(uint16, int, uint32) {
	m.n++
	if m.n == m.stop {
		m.c.Kick()
	}
}
func (m *countIO) MMIORead(uint64, int) uint64 { return 0 }
func (m *countIO) MMIOWrite(addr uint64, size int, val uint64) {
	m.PortWrite(0, size, uint32(val))
}

// romLoop is the real-mode loop "out 0x80, al; dec ecx; jmp $-4" at the
// reset vector: the same three instructions per exit as the QEMU baseline's
// counted ROM loop.
var romLoop = []byte{0xe6, 0x80, 0x66, 0x49, 0xeb, 0xfa}

// romMMIOLoop writes to an unbacked address in a loop:
// "mov [0x1000000 - 16 wrap]..." is not reachable from real mode, so the
// loop writes to the ROM itself, whose writes exit as MMIO:
// "mov [0], al" with DS=CS=0xf000 hits 0xf0000... which is RAM; instead the
// ROM loop uses CS: override at an offset inside the ROM window at 4 GiB-64K.
// cs: mov [0xfff0], al ; jmp $-5 (CS base 0xffff0000 until the first far jump).
var romMMIOLoop = []byte{0x2e, 0xa2, 0x00, 0x00, 0xeb, 0xfa}

// pioVM makes a VM whose BSP runs rom at the reset vector.
func pioVM(tb testing.TB, rom []byte, io accel.IO, ramSize uint64) (*VM, *mem.Guest) {
	tb.Helper()
	kvmtest.Require(tb)
	ram := newRAM(tb, ramSize, rom)
	v, err := New(Options{}).NewVM(ram, io, accel.VMOptions{VCPUs: 1, IRQChip: accel.IRQChipKernel, KernelPIT: true, CPU: accel.CPUModel{Name: "host"}})
	if err != nil {
		ram.Close()
		tb.Fatal(err)
	}
	return v.(*VM), ram
}

func benchExits(b *testing.B, rom []byte) {
	io := &countIO{}
	vm, ram := pioVM(b, rom, io, 2<<20)
	defer ram.Close()
	defer vm.Close()
	onThread(func() {
		c, err := vm.NewVCPU(0)
		if err != nil {
			b.Error(err)
			return
		}
		io.c = c.(*VCPU)
		defer c.Close()
		// Warm up: the first exits include KVM building its shadow state.
		io.stop = 100
		if _, err := c.Run(); err != nil {
			b.Error(err)
			return
		}
		b.ResetTimer()
		io.n, io.stop = 0, int64(b.N)
		var ru0, ru1, rt0, rt1 unix.Rusage
		unix.Getrusage(unix.RUSAGE_SELF, &ru0)
		unix.Getrusage(unix.RUSAGE_THREAD, &rt0)
		start := time.Now()
		exit, err := c.Run()
		el := time.Since(start)
		unix.Getrusage(unix.RUSAGE_THREAD, &rt1)
		unix.Getrusage(unix.RUSAGE_SELF, &ru1)
		b.StopTimer()
		perExit := func(a, b unix.Timeval) float64 {
			return float64(b.Nano()-a.Nano()) / 1000 / float64(io.n)
		}
		b.ReportMetric(perExit(ru0.Utime, ru1.Utime), "µs-user/exit")
		b.ReportMetric(perExit(ru0.Stime, ru1.Stime), "µs-sys/exit")
		b.ReportMetric(perExit(rt0.Utime, rt1.Utime)+perExit(rt0.Stime, rt1.Stime), "µs-vcpu-thread/exit")
		if err != nil || exit.Reason != accel.ExitKicked {
			b.Errorf("Run: %v %v", exit.Reason, err)
		}
		b.ReportMetric(float64(b.N)/el.Seconds(), "exits/s")
		b.ReportMetric(float64(el.Microseconds())/float64(b.N), "µs/exit")
	})
}

// BenchmarkPIOExit: one iteration is one guest port write served by the
// IO and the return to the guest. The guest loop runs at CPL0, so on hosts
// that emulate ring 0 the time includes emulating the loop's two
// instructions, as it does for QEMU on the same host.
func BenchmarkPIOExit(b *testing.B) { benchExits(b, romLoop) }

// BenchmarkMMIOExit is the same with a write into ROM (an MMIO exit).
func BenchmarkMMIOExit(b *testing.B) { benchExits(b, romMMIOLoop) }

// TestExitPathAllocs pins zero allocations per port exit.
func TestExitPathAllocs(t *testing.T) {
	io := &countIO{}
	vm, ram := pioVM(t, romLoop, io, 2<<20)
	defer ram.Close()
	defer vm.Close()
	onThread(func() {
		c, err := vm.NewVCPU(0)
		if err != nil {
			t.Error(err)
			return
		}
		io.c = c.(*VCPU)
		defer c.Close()
		var runErr error
		allocs := testing.AllocsPerRun(5, func() {
			io.n, io.stop = 0, 500
			if _, err := c.Run(); err != nil {
				runErr = err
			}
		})
		if runErr != nil {
			t.Fatal(runErr)
		}
		if allocs != 0 {
			t.Errorf("%v allocations per 500 exits, want 0", allocs)
		}
	})
}

// startToFirstExit builds a machine-sized VM (128 MiB, a 64 KiB ROM that
// writes a port at once) from a fresh accelerator and runs it to its first
// exit.
func startToFirstExit(tb testing.TB) time.Duration { return startToFirstExitThen(tb, nil) }

// startToFirstExitThen is startToFirstExit calling report at the first
// exit, before anything is torn down.
func startToFirstExitThen(tb testing.TB, report func(time.Duration)) time.Duration {
	start := time.Now()
	io := &countIO{stop: 1}
	vm, ram := pioVM(tb, romLoop, io, 128<<20)
	defer ram.Close()
	defer vm.Close()
	var el time.Duration
	onThread(func() {
		c, err := vm.NewVCPU(0)
		if err != nil {
			tb.Error(err)
			return
		}
		defer c.Close()
		io.c = c.(*VCPU)
		if _, err := c.Run(); err != nil {
			tb.Error(err)
		}
		el = time.Since(start)
		if report != nil {
			report(el)
		}
	})
	return el
}

// BenchmarkStartToFirstExit: accelerator, VM, vCPU, first guest exit.
func BenchmarkStartToFirstExit(b *testing.B) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		total += startToFirstExit(b)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/start")
}

const childEnv = "GEMU_KVM_STARTUP_CHILD"

// TestMain lets TestStartupProcess re-run this binary as a fresh process
// that starts a VM, reaches the first exit, and reports.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		startToFirstExitThen(childTB{}, func(el time.Duration) {
			rss, hwm := procStatus("VmRSS"), procStatus("VmHWM")
			fmt.Printf("first-exit %d us rss %s hwm %s\n", el.Microseconds(), rss, hwm)
		})
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func procStatus(key string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == key {
			return strings.Join(strings.Fields(v), "")
		}
	}
	return "?"
}

// childTB is the testing.TB of the child process: failures exit.
type childTB struct{ testing.TB }

func (childTB) Helper()                   {}
func (childTB) Fatal(a ...any)            { fmt.Println(a...); os.Exit(1) }
func (childTB) Error(a ...any)            { fmt.Println(a...); os.Exit(1) }
func (childTB) Errorf(f string, a ...any) { fmt.Printf(f+"\n", a...); os.Exit(1) }
func (childTB) Skip(a ...any)             { fmt.Println(a...); os.Exit(0) }
func (childTB) Skipf(f string, a ...any)  { fmt.Printf(f+"\n", a...); os.Exit(0) }
func (childTB) Fatalf(f string, a ...any) { fmt.Printf(f+"\n", a...); os.Exit(1) }
func (childTB) Cleanup(func())            {}
func (childTB) Logf(f string, a ...any)   {}
func (childTB) Name() string              { return "child" }
func (childTB) Failed() bool              { return false }
func (childTB) TempDir() string           { return os.TempDir() }
func (childTB) Setenv(k, v string)        { os.Setenv(k, v) }
func (childTB) Log(a ...any)              {}
func (childTB) Skipped() bool             { return false }
func (childTB) SkipNow()                  { os.Exit(0) }
func (childTB) FailNow()                  { os.Exit(1) }
func (childTB) Fail()                     { os.Exit(1) }

// TestStartupProcess measures, in a fresh process, the time from exec to
// the guest's first exit and the resident memory then (the guest's 128 MiB
// are untouched, so RSS is the VMM's own). It reports; it asserts nothing
// about time.
func TestStartupProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	kvmtest.Require(t)
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	for i := 0; i < 3; i++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=1")
		pipe, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(pipe).ReadString('\n')
		wall := time.Since(start)
		cmd.Wait()
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		var us int
		var rss, hwm string
		if _, err := fmt.Sscanf(line, "first-exit %d us rss %s hwm %s", &us, &rss, &hwm); err != nil {
			t.Fatalf("child said %q: %v", line, err)
		}
		t.Logf("exec to the guest's first exit %v (of which VM start to first exit %d µs); RSS %s, peak %s", wall, us, rss, hwm)
	}
}
