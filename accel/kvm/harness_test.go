package kvm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"gemu/accel"
	"gemu/accel/kvm/kvmtest"
	"gemu/hw/mem"
)

// Guest memory locations shared with testdata/guest.S.
const (
	guestBase   = 0x10000
	guestSel    = 0x500
	guestParam  = 0x504
	guestTicks  = 0x608
	guestMMIO   = 0xd0000000
	guestUOut   = 0xd0001000 // ring-3 reports (MMIO: ring 3 has no port access here)
	guestUExit  = 0xd0001004
	portOut     = 0xe9
	portExit    = 0xf4
	portString  = 0xe8
	romBase     = 0xffff0000
	romSize     = 0x10000
	testRAMSize = 8 << 20
)

var (
	guestOnce sync.Once
	guestBin  []byte
	guestErr  error
)

// guestImage assembles testdata/guest.S with GNU as and ld, once per run.
func guestImage(t testing.TB) []byte {
	t.Helper()
	guestOnce.Do(func() {
		for _, tool := range []string{"as", "ld"} {
			if _, err := exec.LookPath(tool); err != nil {
				guestErr = fmt.Errorf("GNU %s (binutils) is not installed", tool)
				return
			}
		}
		dir, err := os.MkdirTemp("", "gemu-kvm-guest")
		if err != nil {
			guestErr = err
			return
		}
		defer os.RemoveAll(dir)
		obj, bin := filepath.Join(dir, "guest.o"), filepath.Join(dir, "guest.bin")
		if out, err := exec.Command("as", "--64", "-o", obj, "testdata/guest.S").CombinedOutput(); err != nil {
			guestErr = fmt.Errorf("as: %v\n%s", err, out)
			return
		}
		if out, err := exec.Command("ld", "-m", "elf_x86_64", fmt.Sprintf("-Ttext=%#x", guestBase), "--oformat=binary",
			"-e", fmt.Sprint(guestBase), "-o", bin, obj).CombinedOutput(); err != nil {
			guestErr = fmt.Errorf("ld: %v\n%s", err, out)
			return
		}
		guestBin, guestErr = os.ReadFile(bin)
	})
	if guestErr != nil {
		if _, ok := guestErr.(*exec.Error); ok {
			t.Skipf("cannot build the test guest: %v", guestErr)
		}
		if guestBin == nil && (guestErr.Error() == "GNU as (binutils) is not installed" || guestErr.Error() == "GNU ld (binutils) is not installed") {
			t.Skip(guestErr)
		}
		t.Fatal(guestErr)
	}
	return guestBin
}

// portWrite is one port write the guest made.
type portWrite struct {
	Port uint16
	Size int
	Val  uint32
}

// mmioAccess is one MMIO access.
type mmioAccess struct {
	Write bool
	Addr  uint64
	Size  int
	Val   uint64
}

// testIO is a minimal machine: it records port and MMIO traffic, serves
// reads with recognisable values, and kicks the vCPUs when the guest writes
// the exit port.
type testIO struct {
	mu       sync.Mutex
	writes   []portWrite  // guarded by mu
	mmio     []mmioAccess // guarded by mu
	exitCode int          // guarded by mu; -1 until written
	reads    int          // guarded by mu
	vcpus    []*VCPU      // guarded by mu
	onOut    func(val uint32)
	discard  bool  // don't record (benchmarks)
	count    int64 // port writes seen, for benchmarks
	stopAt   int64 // kick when count reaches it (0: never)
}

func newTestIO() *testIO { return &testIO{exitCode: -1} }

func (m *testIO) addVCPU(c *VCPU) {
	m.mu.Lock()
	m.vcpus = append(m.vcpus, c)
	m.mu.Unlock()
}

func (m *testIO) kickAll() {
	m.mu.Lock()
	vs := append([]*VCPU(nil), m.vcpus...)
	m.mu.Unlock()
	for _, c := range vs {
		c.Kick()
	}
}

func (m *testIO) PortRead(port uint16, size int) uint32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if port != portString {
		return 0xffffffff
	}
	m.reads++
	switch size {
	case 1:
		return uint32(m.reads)
	case 2:
		return 0x100 + uint32(m.reads)
	}
	return 0x10000 + uint32(m.reads)
}

func (m *testIO) PortWrite(port uint16, size int, val uint32) {
	if m.discard {
		m.count++
		if m.count == m.stopAt {
			m.kickAll()
		}
		return
	}
	m.mu.Lock()
	m.writes = append(m.writes, portWrite{port, size, val})
	on := m.onOut
	m.mu.Unlock()
	switch port {
	case portExit:
		m.mu.Lock()
		m.exitCode = int(val)
		m.mu.Unlock()
		m.kickAll()
	case portOut:
		if on != nil {
			on(val)
		}
	}
}

func (m *testIO) MMIORead(addr uint64, size int) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mmio = append(m.mmio, mmioAccess{false, addr, size, 0})
	// A value that names the address and the size.
	return (addr&0xfff)<<32 | uint64(size)<<24 | 0x00a5a5a5
}

func (m *testIO) MMIOWrite(addr uint64, size int, val uint64) {
	switch addr {
	case guestUOut:
		m.PortWrite(portOut, size, uint32(val))
		return
	case guestUExit:
		m.PortWrite(portExit, size, uint32(val))
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mmio = append(m.mmio, mmioAccess{true, addr, size, val})
}

// outputs returns the values written to port (in order).
func (m *testIO) outputs(port uint16) []uint32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []uint32
	for _, w := range m.writes {
		if w.Port == port {
			out = append(out, w.Val)
		}
	}
	return out
}

// testMachine is RAM, a BIOS ROM whose reset vector jumps to the guest at
// 0x10000, and the IO above.
type testMachine struct {
	ram *mem.Guest
	io  *testIO
	vm  *VM
}

// newRAM makes guest RAM with the ROM at the top of 4 GiB, holding rom at
// its end (the reset vector).
func newRAM(t testing.TB, size uint64, rom []byte) *mem.Guest {
	t.Helper()
	ram, err := mem.New(size, mem.PCLayout(size, size))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ram.AddROM("bios", romBase, romSize)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 0xf4 // hlt
	}
	copy(b[len(b)-16:], rom)
	return ram
}

// farJump is "jmp 0x1000:0000" at the reset vector.
var farJump = []byte{0xea, 0x00, 0x00, 0x00, 0x10}

func newTestMachine(t testing.TB, o accel.VMOptions, sel, param uint32) *testMachine {
	t.Helper()
	kvmtest.Require(t)
	img := guestImage(t)
	ram := newRAM(t, testRAMSize, farJump)
	if err := ram.LoadROM(img, guestBase); err != nil {
		t.Fatal(err)
	}
	var b [8]byte
	putN(b[:], 4, uint64(sel))
	putN(b[4:], 4, uint64(param))
	if _, err := ram.WriteAt(b[:], guestSel); err != nil {
		t.Fatal(err)
	}
	m := &testMachine{ram: ram, io: newTestIO()}
	m.vm = m.newVM(t, o)
	t.Cleanup(func() {
		m.vm.Close()
		ram.Close()
	})
	return m
}

func (m *testMachine) newVM(t testing.TB, o accel.VMOptions) *VM {
	t.Helper()
	if o.VCPUs == 0 {
		o.VCPUs = 1
	}
	if o.CPU.Name == "" {
		o.CPU.Name = "host"
	}
	a := New(Options{})
	v, err := a.NewVM(m.ram, m.io, o)
	if err != nil {
		t.Fatal(err)
	}
	return v.(*VM)
}

// onThread runs f on a fresh goroutine (and so, once NewVCPU locks it, a
// fresh OS thread that ends with it) and waits for it.
func onThread(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

// vcpuRun creates vCPU index on its own thread, calls setup (may be nil),
// then runs it until an exit other than kicked-before-exit-port, and returns
// the exit.
type runResult struct {
	exit accel.Exit
	err  error
}

// runUntilExit creates vCPU 0 on a new thread and runs it until it
// returns; prepare may adjust the vCPU first.
func (m *testMachine) runUntilExit(t testing.TB, prepare func(*VCPU)) (accel.Exit, error, *accel.CPUState) {
	t.Helper()
	var res runResult
	var st *accel.CPUState
	onThread(func() {
		c, err := m.vm.NewVCPU(0)
		if err != nil {
			res.err = err
			return
		}
		vc := c.(*VCPU)
		defer vc.Close()
		m.io.addVCPU(vc)
		if prepare != nil {
			prepare(vc)
		}
		res.exit, res.err = vc.Run()
		if s, err := vc.State(); err == nil {
			st = &s
		}
	})
	return res.exit, res.err, st
}

// runAll creates n vCPUs, each on its own thread, and runs them until the
// guest writes the exit port (Run returns ExitKicked with the exit code
// set) or a vCPU stops for another reason. It returns each vCPU's last exit
// and error, and the final state of vCPU 0.
func (m *testMachine) runAll(t testing.TB, n int) ([]runResult, *accel.CPUState) {
	t.Helper()
	res := make([]runResult, n)
	var st *accel.CPUState
	created := make(chan *VCPU, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := m.vm.NewVCPU(i)
			if err != nil {
				res[i].err = err
				created <- nil
				return
			}
			vc := c.(*VCPU)
			defer vc.Close()
			m.io.addVCPU(vc)
			created <- vc
			<-start
			for {
				res[i].exit, res[i].err = vc.Run()
				if res[i].err != nil || res[i].exit.Reason != accel.ExitKicked || m.io.exited() {
					break
				}
			}
			if i == 0 {
				if s, err := vc.State(); err == nil {
					st = &s
				}
			}
		}(i)
	}
	ok := true
	for i := 0; i < n; i++ {
		if <-created == nil {
			ok = false
		}
	}
	if !ok {
		m.io.kickAll()
	}
	close(start)
	wg.Wait()
	runtime.KeepAlive(m)
	return res, st
}

func (m *testIO) exited() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.exitCode >= 0
}

func newBitmap(n int) *mem.Bitmap { return mem.NewBitmap(n) }
func gpa(a uint64) mem.GPA        { return mem.GPA(a) }
