package interp

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gemu/accel"
	"gemu/accel/interp/workload"
)

// loadWorkload prepares a test machine for w and returns the entry state.
func loadWorkload(tb testing.TB, w workload.Workload) (*tmachine, accel.CPUState) {
	m := newTMachine(tb, 16<<20, "max")
	s := m.setup64()
	m.poke(workload.CodeAddr, w.Code)
	if w.Data != nil {
		m.poke(workload.DataAddr, w.Data)
	}
	copy(s.GPR[:], w.Regs[:])
	s.RIP = workload.CodeAddr
	return m, s
}

func TestWorkloads(t *testing.T) {
	for _, w := range []workload.Workload{
		workload.IntLoop(1000), workload.CopyLoop(4096, 3), workload.FillLoop(4096, 3),
		workload.RepMovs(4096, 3), workload.RepStos(4096, 3), workload.Sort(300),
	} {
		t.Run(w.Name, func(t *testing.T) {
			m, s := loadWorkload(t, w)
			if err := m.cpu.SetState(s); err != nil {
				t.Fatal(err)
			}
			start := m.cpu.cpu.icount
			st := m.runToHalt()
			if st.RIP != workload.CodeAddr+uint64(len(w.Code)) {
				t.Fatalf("halted at %#x, want %#x", st.RIP, workload.CodeAddr+uint64(len(w.Code)))
			}
			n := m.cpu.cpu.icount - start
			if got := m.vm.Instructions(); got != m.cpu.cpu.icount {
				t.Errorf("VM.Instructions() = %d, the vCPU executed %d", got, m.cpu.cpu.icount)
			}
			switch w.Name {
			case "repmovs", "repstos":
				// One REP execution counts once here, per iteration in
				// Instructions.
			default:
				if n != w.Instructions {
					t.Errorf("executed %d instructions, workload says %d", n, w.Instructions)
				}
			}
			if w.Name == "sort" {
				prev := uint32(0)
				for i := 0; i < 300; i++ {
					var b [4]byte
					m.ram.ReadAt(b[:], int64(workload.DataAddr+4*i))
					v := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
					if v < prev {
						t.Fatalf("not sorted at %d", i)
					}
					prev = v
				}
			}
		})
	}
}

// cpuTime is the process's user+system CPU time; on a shared machine it
// is a steadier measure than wall time.
func cpuTime() time.Duration {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchWorkload(b *testing.B, w workload.Workload) {
	m, s := loadWorkload(b, w)
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if w.Data != nil {
			m.poke(workload.DataAddr, w.Data)
		}
		if err := m.cpu.SetState(s); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := cpuTime()
		exit, err := m.cpu.Run()
		cpu += cpuTime() - t0
		if err != nil || exit.Reason != accel.ExitHalt {
			b.Fatalf("exit %v, %v", exit, err)
		}
	}
	b.ReportMetric(float64(w.Instructions)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MIPS")
	if cpu > 0 {
		b.ReportMetric(float64(w.Instructions)*float64(b.N)/cpu.Seconds()/1e6, "MIPS/cpu")
	}
}

func BenchmarkIntLoop(b *testing.B)  { benchWorkload(b, workload.IntLoop(1<<20)) }
func BenchmarkCopyLoop(b *testing.B) { benchWorkload(b, workload.CopyLoop(64<<10, 16)) }
func BenchmarkFillLoop(b *testing.B) { benchWorkload(b, workload.FillLoop(64<<10, 16)) }
func BenchmarkRepMovs(b *testing.B)  { benchWorkload(b, workload.RepMovs(64<<10, 64)) }
func BenchmarkRepStos(b *testing.B)  { benchWorkload(b, workload.RepStos(64<<10, 64)) }
func BenchmarkSort(b *testing.B)     { benchWorkload(b, workload.Sort(2000)) }

// TestRunLoopAllocs pins zero allocations on the execution loop once the
// code is decoded: the hot path must not allocate.
func TestRunLoopAllocs(t *testing.T) {
	for _, w := range []workload.Workload{workload.IntLoop(1000), workload.CopyLoop(4096, 2), workload.Sort(100), workload.RepStos(4096, 2)} {
		m, s := loadWorkload(t, w)
		run := func() {
			if err := m.cpu.SetState(s); err != nil {
				t.Fatal(err)
			}
			if exit, err := m.cpu.Run(); err != nil || exit.Reason != accel.ExitHalt {
				t.Fatalf("exit %v, %v", exit, err)
			}
		}
		run() // decode once
		if n := testing.AllocsPerRun(20, run); n != 0 {
			t.Errorf("%s: %.1f allocations per run, want 0", w.Name, n)
		}
	}
}
