package kvm

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
	"gemu/accel/kvm/kvmtest"
	"gemu/migration/vmstate"
)

// Test selectors of testdata/guest.S.
const (
	selUserFPU   = 1
	selPITIOAPIC = 2
	selPITPIC    = 3
	selSMP       = 4
	selTriple    = 5
	selUserSpin  = 6
	selHaltCLI   = 7
	selMMIO      = 8
	selString    = 9
	selPIOLoop   = 10
	selSave      = 11
	selIRQ       = 12
)

var kernelChips = accel.VMOptions{IRQChip: accel.IRQChipKernel, KernelPIT: true}

func mustRun(t *testing.T, exit accel.Exit, err error, want accel.ExitReason) {
	t.Helper()
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if exit.Reason != want {
		t.Fatalf("Run returned %v, want %v", exit.Reason, want)
	}
}

// (a) Real mode at the reset vector, without in-kernel irqchip: a port
// write, then HLT comes back as ExitHalt.
func TestRealModePortAndHalt(t *testing.T) {
	kvmtest.Require(t)
	// mov al, 0x42; out 0xe9, al; hlt
	ram := newRAM(t, 1<<20, []byte{0xb0, 0x42, 0xe6, 0xe9, 0xf4})
	defer ram.Close()
	m := &testMachine{ram: ram, io: newTestIO()}
	m.vm = m.newVM(t, accel.VMOptions{IRQChip: accel.IRQChipUser})
	defer m.vm.Close()
	exit, err, st := m.runUntilExit(t, nil)
	mustRun(t, exit, err, accel.ExitHalt)
	if got := m.io.outputs(portOut); !slices.Equal(got, []uint32{0x42}) {
		t.Errorf("port 0xe9 got %#x, want [0x42]", got)
	}
	if st.CS.Base != 0xffff0000 || st.RIP != 0xfff5 {
		t.Errorf("halted at %#x:%#x, want 0xffff0000:0xfff5", st.CS.Base, st.RIP)
	}
	if err := m.vm.SetGSI(0, true); err != accel.ErrNoIRQChip {
		t.Errorf("SetGSI without irqchip: %v, want ErrNoIRQChip", err)
	}
}

// (b) MMIO reads and writes of every size reach the IO with the right
// address, size and value; a write into ROM becomes an MMIO exit and leaves
// the ROM alone.
func TestMMIO(t *testing.T) {
	m := newTestMachine(t, kernelChips, selMMIO, 0)
	res, _ := m.runAll(t, 1)
	mustRun(t, res[0].exit, res[0].err, accel.ExitKicked)
	rd := func(addr uint64, size int) uint64 { return (addr&0xfff)<<32 | uint64(size)<<24 | 0x00a5a5a5 }
	q := rd(guestMMIO, 8)
	want := []uint32{uint32(q), uint32(q >> 32), uint32(rd(guestMMIO+0x10, 4)), uint32(rd(guestMMIO+0x20, 2) & 0xffff),
		uint32(rd(guestMMIO+0x31, 1) & 0xff), 0xf4f4f4f4}
	if got := m.io.outputs(portOut); !slices.Equal(got, want) {
		t.Errorf("values read:\n got %#x\nwant %#x", got, want)
	}
	wantAcc := []mmioAccess{
		{false, guestMMIO, 8, 0}, {false, guestMMIO + 0x10, 4, 0}, {false, guestMMIO + 0x20, 2, 0}, {false, guestMMIO + 0x31, 1, 0},
		{true, guestMMIO + 0x40, 8, 0x0123456789abcdef}, {true, guestMMIO + 0x50, 4, 0xcafebabe},
		{true, guestMMIO + 0x60, 2, 0xbeef}, {true, guestMMIO + 0x70, 1, 0x5a},
		{true, romBase, 4, 0x12345678},
	}
	if d := cmp.Diff(wantAcc, m.io.mmio); d != "" {
		t.Errorf("MMIO accesses (-want +got):\n%s", d)
	}
}

// (c) String port I/O, out and in, with sizes 1, 2 and 4.
func TestStringIO(t *testing.T) {
	m := newTestMachine(t, kernelChips, selString, 0)
	res, _ := m.runAll(t, 1)
	mustRun(t, res[0].exit, res[0].err, accel.ExitKicked)
	msg := []byte("0123456789abcdef")
	var want []portWrite
	for _, b := range msg {
		want = append(want, portWrite{portString, 1, uint32(b)})
	}
	for i := 0; i < 4; i++ {
		want = append(want, portWrite{portString, 2, uint32(binary.LittleEndian.Uint16(msg[2*i:]))})
	}
	for i := 0; i < 2; i++ {
		want = append(want, portWrite{portString, 4, binary.LittleEndian.Uint32(msg[4*i:])})
	}
	var got []portWrite
	for _, w := range m.io.writes {
		if w.Port == portString {
			got = append(got, w)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("string outs (-want +got):\n%s", d)
	}
	buf := make([]byte, 0x28)
	m.ram.ReadAt(buf, 0x700)
	for i := 0; i < 8; i++ {
		if buf[i] != byte(i+1) {
			t.Errorf("insb byte %d = %#x, want %#x", i, buf[i], i+1)
		}
	}
	for i := 0; i < 4; i++ {
		if v := binary.LittleEndian.Uint16(buf[0x10+2*i:]); v != uint16(0x100+9+i) {
			t.Errorf("insw word %d = %#x, want %#x", i, v, 0x100+9+i)
		}
	}
	for i := 0; i < 2; i++ {
		if v := binary.LittleEndian.Uint32(buf[0x20+4*i:]); v != uint32(0x10000+13+i) {
			t.Errorf("insd dword %d = %#x, want %#x", i, v, 0x10000+13+i)
		}
	}
}

// (d) Real mode to protected to long mode at CPL0, then x87 and SSE at
// CPL3; the results and the FPU state read back through State.
func TestLongModeUserFPU(t *testing.T) {
	m := newTestMachine(t, kernelChips, selUserFPU, 0)
	res, st := m.runAll(t, 1)
	mustRun(t, res[0].exit, res[0].err, accel.ExitKicked)
	if got := m.io.outputs(portOut); !slices.Equal(got, []uint32{15, 42}) {
		t.Fatalf("guest computed %v, want [15 42]", got)
	}
	if st.CS.Selector&3 != 3 || !st.CS.L || st.EFER&0x400 == 0 {
		t.Errorf("not in 64-bit ring 3: CS %+v EFER %#x", st.CS, st.EFER)
	}
	if v := binary.LittleEndian.Uint64(st.FPU.XMM[3][:]); v != 0x1122334455667788 {
		t.Errorf("xmm3 = %#x", v)
	}
	if v := math.Float64frombits(binary.LittleEndian.Uint64(st.FPU.XMM[0][:])); v != 15 {
		t.Errorf("xmm0 = %v, want 15", v)
	}
	// fld1 pushed 1.0: TOP is 7, physical register 7 holds it.
	top := (st.FPU.FSW >> 11) & 7
	if top != 7 || st.FPU.ST[0] != (accel.Float80{Mant: 1 << 63, SignExp: 0x3fff}) {
		t.Errorf("x87 after fld1: TOP %d ST0 %+v", top, st.FPU.ST[0])
	}
}

// (e) PIT channel 0 interrupts through the in-kernel IOAPIC and LAPIC, and
// through the 8259 PIC.
func TestPITInterrupts(t *testing.T) {
	for _, tc := range []struct {
		name string
		sel  uint32
	}{{"ioapic", selPITIOAPIC}, {"pic", selPITPIC}} {
		t.Run(tc.name, func(t *testing.T) {
			const ticks = 20
			m := newTestMachine(t, kernelChips, tc.sel, ticks)
			res, _ := m.runAll(t, 1)
			mustRun(t, res[0].exit, res[0].err, accel.ExitKicked)
			var want []uint32
			for i := uint32(1); i <= ticks; i++ {
				want = append(want, i)
			}
			if got := m.io.outputs(portOut); !slices.Equal(got, want) {
				t.Errorf("ticks reported %v, want %v", got, want)
			}
		})
	}
}

// (f) -smp 4: the BSP starts the APs with INIT/SIPI through the in-kernel
// LAPIC; each reports its APIC ID.
func TestSMP(t *testing.T) {
	const n = 4
	o := kernelChips
	o.VCPUs = n
	m := newTestMachine(t, o, selSMP, n-1)
	res, _ := m.runAll(t, n)
	for i, r := range res {
		if r.err != nil {
			t.Fatalf("vCPU %d: %v", i, r.err)
		}
	}
	got := m.io.outputs(portOut)
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	want := []uint32{0x101, 0x102, 0x103, 0x200 + n - 1}
	if !slices.Equal(got, want) {
		t.Errorf("reports %#x, want %#x", got, want)
	}
}

// (h) A triple fault ends Run with ExitShutdown.
func TestTripleFault(t *testing.T) {
	m := newTestMachine(t, kernelChips, selTriple, 0)
	res, _ := m.runAll(t, 1)
	mustRun(t, res[0].exit, res[0].err, accel.ExitShutdown)
}

// (i) Kick interrupts a vCPU spinning at CPL3 and one halted with
// interrupts off, every time.
func TestKick(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sel    uint32
		marker uint32
	}{{"user-spin", selUserSpin, 0x5555}, {"halted-cli", selHaltCLI, 0x7777}} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, kernelChips, tc.sel, 0)
			ready := make(chan struct{}, 1)
			m.io.onOut = func(v uint32) {
				if v == tc.marker {
					ready <- struct{}{}
				}
			}
			onThread(func() {
				c, err := m.vm.NewVCPU(0)
				if err != nil {
					t.Error(err)
					return
				}
				vc := c.(*VCPU)
				defer vc.Close()
				var lastRBX uint64
				counter := func() uint64 {
					var b [8]byte
					m.ram.ReadAt(b[:], 0x800)
					return binary.LittleEndian.Uint64(b[:])
				}
				for round := 0; round < 5; round++ {
					done := make(chan struct{})
					go func() {
						defer close(done)
						if round == 0 {
							<-ready
						}
						if tc.sel == selUserSpin {
							// Kick only once the guest has run in this round.
							for c0 := counter(); counter() == c0; {
								time.Sleep(100 * time.Microsecond)
							}
						} else {
							time.Sleep(2 * time.Millisecond)
						}
						vc.Kick()
					}()
					exit, err := vc.Run()
					<-done
					if err != nil || exit.Reason != accel.ExitKicked {
						t.Fatalf("round %d: Run = %v, %v; want kicked", round, exit.Reason, err)
					}
					st, err := vc.State()
					if err != nil {
						t.Fatal(err)
					}
					if tc.sel == selUserSpin {
						if st.CS.Selector&3 != 3 || st.GPR[accel.RBX] <= lastRBX {
							t.Errorf("round %d: CPL %d rbx %d (was %d): not spinning in ring 3", round, st.CS.Selector&3, st.GPR[accel.RBX], lastRBX)
						}
						lastRBX = st.GPR[accel.RBX]
					} else if st.MPState != accel.MPHalted && st.MPState != accel.MPRunnable {
						t.Errorf("round %d: MP state %d", round, st.MPState)
					}
				}
				// A kick before Run makes it return at once; kicks merge.
				vc.Kick()
				vc.Kick()
				if exit, err := vc.Run(); err != nil || exit.Reason != accel.ExitKicked {
					t.Fatalf("pre-kicked Run = %v, %v", exit.Reason, err)
				}
			})
		})
	}
}

// Interrupts from the machine: an MSI and a GSI edge reach the guest.
func TestSignalMSIAndGSI(t *testing.T) {
	m := newTestMachine(t, kernelChips, selIRQ, 0)
	sent := make(chan struct{})
	m.io.onOut = func(v uint32) {
		if v == 0x1200 {
			go func() {
				defer close(sent)
				if err := m.vm.SignalMSI(0xfee00000, 0x41); err != nil {
					t.Error(err)
				}
				// The GSI's vector (0x45) outranks the MSI's: wait until
				// the guest has reported the MSI, so the order is fixed.
				for deadline := time.Now().Add(30 * time.Second); !slices.Contains(m.io.outputs(portOut), 0x41); {
					if time.Now().After(deadline) {
						t.Error("the guest did not report the MSI within 30 s")
						break
					}
					time.Sleep(time.Millisecond)
				}
				if err := m.vm.SetGSI(5, true); err != nil {
					t.Error(err)
				}
				if err := m.vm.SetGSI(5, false); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	res, _ := m.runAll(t, 1)
	<-sent
	mustRun(t, res[0].exit, res[0].err, accel.ExitKicked)
	if got := m.io.outputs(portOut); !slices.Equal(got, []uint32{0x1200, 0x41, 0x45}) {
		t.Errorf("got %#x, want [0x1200 0x41 0x45]", got)
	}
	if err := m.vm.SetGSI(24, true); err == nil {
		t.Error("SetGSI(24) succeeded")
	}
}

// saveRun runs the save/restore guest for ticks timer ticks; with pauseAt
// > 0 it kicks the vCPU from another goroutine once the guest has reported
// that tick, saves everything (vCPU and VM state through the vmstate codec,
// and RAM), builds a brand-new VM from the saved state and runs it to the
// end. It returns every report in order.
func saveRun(t *testing.T, ticks, pauseAt uint32) []uint32 {
	m := newTestMachine(t, kernelChips, selSave, ticks)
	kick := make(chan struct{}, 1)
	var count int
	m.io.onOut = func(v uint32) {
		count++
		if pauseAt > 0 && count%3 == 1 && v == pauseAt {
			kick <- struct{}{}
		}
	}
	var cpuBytes, vmBytes []byte
	var ramCopy []byte
	onThread(func() {
		c, err := m.vm.NewVCPU(0)
		if err != nil {
			t.Error(err)
			return
		}
		vc := c.(*VCPU)
		defer vc.Close()
		m.io.addVCPU(vc)
		go func() {
			<-kick
			vc.Kick()
		}()
		exit, err := vc.Run()
		if err != nil {
			t.Error(err)
			return
		}
		if pauseAt == 0 || m.io.exited() {
			if exit.Reason != accel.ExitKicked || !m.io.exited() {
				t.Errorf("run ended with %v before the guest finished", exit.Reason)
			}
			return
		}
		st, err := vc.State()
		if err != nil {
			t.Error(err)
			return
		}
		vs, err := m.vm.SaveState()
		if err != nil {
			t.Error(err)
			return
		}
		cpuBytes, vmBytes = vmstate.Save(&st), vmstate.Save(&vs)
		ramCopy = make([]byte, testRAMSize)
		m.ram.ReadAt(ramCopy, 0)
	})
	if t.Failed() || cpuBytes == nil {
		return m.io.outputs(portOut)
	}
	// The old VM is gone; everything below comes from the saved bytes.
	m.vm.Close()
	m.ram.Close()
	var st accel.CPUState
	var vs accel.VMState
	if err := vmstate.Load(&st, cpuBytes); err != nil {
		t.Fatal(err)
	}
	if err := vmstate.Load(&vs, vmBytes); err != nil {
		t.Fatal(err)
	}
	m2 := &testMachine{ram: newRAM(t, testRAMSize, farJump), io: m.io}
	defer m2.ram.Close()
	if _, err := m2.ram.WriteAt(ramCopy, 0); err != nil {
		t.Fatal(err)
	}
	m2.vm = m2.newVM(t, kernelChips)
	defer m2.vm.Close()
	m.io.mu.Lock()
	m.io.vcpus = nil
	m.io.mu.Unlock()
	onThread(func() {
		c, err := m2.vm.NewVCPU(0)
		if err != nil {
			t.Error(err)
			return
		}
		vc := c.(*VCPU)
		defer vc.Close()
		m.io.addVCPU(vc)
		if err := vc.SetState(st); err != nil {
			t.Error(err)
			return
		}
		if err := m2.vm.LoadState(vs); err != nil {
			t.Error(err)
			return
		}
		exit, err := vc.Run()
		if err != nil || exit.Reason != accel.ExitKicked || !m.io.exited() {
			t.Errorf("restored run: %v, %v (guest finished %v)", exit.Reason, err, m.io.exited())
		}
	})
	return m.io.outputs(portOut)
}

// (g) Pause mid-run, save vCPU, VM and RAM, restore into a brand-new VM,
// continue: the combined output equals an uninterrupted run's.
func TestSaveRestoreContinues(t *testing.T) {
	const ticks = 150
	ref := saveRun(t, ticks, 0)
	if len(ref) != 3*ticks {
		t.Fatalf("uninterrupted run reported %d values, want %d", len(ref), 3*ticks)
	}
	got := saveRun(t, ticks, 60)
	if d := cmp.Diff(ref, got); d != "" {
		t.Errorf("output with save/restore differs from an uninterrupted run (-want +got):\n%s", d)
	}
}

// State, SetState, State gives the same state; the state survives the
// vmstate codec.
func TestStateRoundTrip(t *testing.T) {
	m := newTestMachine(t, kernelChips, selUserFPU, 0)
	onThread(func() {
		c, err := m.vm.NewVCPU(0)
		if err != nil {
			t.Error(err)
			return
		}
		vc := c.(*VCPU)
		defer vc.Close()
		m.io.addVCPU(vc)
		if _, err := vc.Run(); err != nil {
			t.Error(err)
			return
		}
		a, err := vc.State()
		if err != nil {
			t.Error(err)
			return
		}
		for _, idx := range []uint32{msrTSC, msrSTAR, msrLSTAR, msrCSTAR, msrFMASK, msrKernelGSBase, msrSysenterCS,
			msrSysenterESP, msrSysenterEIP, msrPAT, msrMiscEnable, msrMTRRDefType, msrMTRRPhysBase0, msrMTRRFix64K} {
			if _, ok := a.MSR(idx); !ok {
				t.Errorf("State lacks MSR %#x", idx)
			}
		}
		if v, _ := a.MSR(msrMiscEnable); v&miscEnableFastStrings == 0 {
			t.Errorf("MISC_ENABLE %#x lacks fast strings", v)
		}
		if v, _ := a.MSR(msrPAT); v != patDefault {
			t.Errorf("PAT %#x", v)
		}
		a.SetMSR(msrLSTAR, 0xffffffff81000000)
		a.GPR[accel.R13] = 0x1313
		binary.LittleEndian.PutUint64(a.FPU.XMM[7][:], 0x7777)
		a.DR[1] = 0x1000
		if err := vc.SetState(a); err != nil {
			t.Error(err)
			return
		}
		b, err := vc.State()
		if err != nil {
			t.Error(err)
			return
		}
		// The TSC moves on by itself.
		tsc := func(s *accel.CPUState) { s.SetMSR(msrTSC, 0) }
		tsc(&a)
		tsc(&b)
		fpuIntoXSave(&a.FPU, a.XSave)
		if d := cmp.Diff(a, b); d != "" {
			t.Errorf("state changed across SetState (-set +got):\n%s", d)
		}
		var c2 accel.CPUState
		if err := vmstate.Load(&c2, vmstate.Save(&b)); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(b, c2); d != "" {
			t.Errorf("vmstate round trip (-want +got):\n%s", d)
		}
	})
}

// VM state: save, load into the same VM, save again; hostile parts are
// refused with an error.
func TestVMStateRoundTrip(t *testing.T) {
	m := newTestMachine(t, kernelChips, selPITIOAPIC, 5)
	res, _ := m.runAll(t, 1)
	mustRun(t, res[0].exit, res[0].err, accel.ExitKicked)
	a, err := m.vm.SaveState()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range a.Parts {
		names[p.Name] = true
	}
	for _, n := range []string{partPICMaster, partPICSlave, partIOAPIC, partPIT, partClock} {
		if !names[n] {
			t.Errorf("VM state lacks %q", n)
		}
	}
	if err := m.vm.LoadState(a); err != nil {
		t.Fatal(err)
	}
	b, err := m.vm.SaveState()
	if err != nil {
		t.Fatal(err)
	}
	dropClock := func(s accel.VMState) accel.VMState {
		var o accel.VMState
		o.Accel = s.Accel
		for _, p := range s.Parts {
			if p.Name != partClock {
				o.Parts = append(o.Parts, p)
			}
		}
		return o
	}
	if d := cmp.Diff(dropClock(a), dropClock(b)); d != "" {
		t.Errorf("VM state changed across LoadState (-want +got):\n%s", d)
	}
	bad := func(name string, f func(s *accel.VMState)) {
		s := accel.VMState{Accel: a.Accel}
		for _, p := range a.Parts {
			s.Parts = append(s.Parts, accel.VMStatePart{Name: p.Name, Data: slices.Clone(p.Data)})
		}
		f(&s)
		if err := m.vm.LoadState(s); err == nil {
			t.Errorf("%s: LoadState accepted it", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	part := func(s *accel.VMState, n string) []byte {
		for _, p := range s.Parts {
			if p.Name == n {
				return p.Data
			}
		}
		return nil
	}
	bad("other accelerator", func(s *accel.VMState) { s.Accel = "tcg" })
	bad("missing part", func(s *accel.VMState) { s.Parts = s.Parts[1:] })
	bad("short part", func(s *accel.VMState) { s.Parts[0].Data = s.Parts[0].Data[:3] })
	bad("bad version", func(s *accel.VMState) { s.Parts[0].Data[0] = 9 })
	bad("unknown part", func(s *accel.VMState) { s.Parts = append(s.Parts, accel.VMStatePart{Name: "x", Data: []byte{1}}) })
	bad("pit mode 7", func(s *accel.VMState) { part(s, partPIT)[1+13] = 7 })
	bad("pic init state", func(s *accel.VMState) { part(s, partPICMaster)[1+picInitState] = 9 })
	bad("ioapic base", func(s *accel.VMState) { part(s, partIOAPIC)[1+ioapicBase+1] = 0x12 })
}

// Dirty logging: the first harvest reports everything, later ones the
// pages the guest wrote.
func TestDirtyLog(t *testing.T) {
	m := newTestMachine(t, kernelChips, selMMIO, 0)
	pages := m.ram.Pages()
	first := newBitmap(pages)
	if err := m.vm.HarvestDirty(first); err != nil {
		t.Fatal(err)
	}
	ramPages := int(m.ram.RAMSize() / 4096)
	if n := first.Count(); n != ramPages {
		t.Errorf("first harvest: %d pages, want every RAM page (%d)", n, ramPages)
	}
	res, _ := m.runAll(t, 1)
	mustRun(t, res[0].exit, res[0].err, accel.ExitKicked)
	second := newBitmap(pages)
	if err := m.vm.HarvestDirty(second); err != nil {
		t.Fatal(err)
	}
	for _, a := range []uint64{0x0, 0x70000, 0x73000, 0x74000, 0x75000} {
		if i, _ := m.ram.PageIndex(gpa(a)); !second.Test(i) {
			t.Errorf("page %#x written by the guest is not dirty", a)
		}
	}
	if i, _ := m.ram.PageIndex(gpa(0x400000)); second.Test(i) {
		t.Errorf("untouched page 0x400000 reported dirty")
	}
	if n := second.Count(); n == 0 || n > 64 {
		t.Errorf("second harvest: %d pages", n)
	}
	third := newBitmap(pages)
	if err := m.vm.HarvestDirty(third); err != nil {
		t.Fatal(err)
	}
	if n := third.Count(); n != 0 {
		t.Errorf("harvest with no guest activity: %d pages", n)
	}
	if err := m.vm.SetDirtyLogging(false); err != nil {
		t.Fatal(err)
	}
}
