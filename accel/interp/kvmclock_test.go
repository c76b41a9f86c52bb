package interp

import (
	"encoding/binary"
	"testing"
	"time"

	"gemu/accel"
	"gemu/hw"
	"gemu/hw/mem"
)

// kvmClockMachine is a test machine whose clock the test moves by hand.
func kvmClockMachine(t *testing.T, model accel.CPUModel) (*tmachine, *hw.ManualClock) {
	t.Helper()
	clk := hw.NewManualClock()
	ram := mem.NewForTest(4 << 20)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: model, IRQChip: accel.IRQChipUser, Clock: clk, TSCHz: 2_000_000_000})
	if err != nil {
		t.Fatal(err)
	}
	v, err := vm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	return &tmachine{t: t, ram: ram, io: io, vm: vm, cpu: v.(*VCPU)}, clk
}

// wrmsr is "mov ecx, idx; mov eax, lo; mov edx, hi; wrmsr".
func wrmsr(idx uint32, v uint64) []byte {
	b := []byte{0xb9, 0, 0, 0, 0, 0xb8, 0, 0, 0, 0, 0xba, 0, 0, 0, 0, 0x0f, 0x30}
	binary.LittleEndian.PutUint32(b[1:], idx)
	binary.LittleEndian.PutUint32(b[6:], uint32(v))
	binary.LittleEndian.PutUint32(b[11:], uint32(v>>32))
	return b
}

// pvclockPage is a decoded pvclock_vcpu_time_info.
type pvclockPage struct {
	version  uint32
	tsc, ns  uint64
	mul      uint32
	shift    int8
	flags    uint8
	readTime func(tsc uint64) uint64
}

func (m *tmachine) pvclock(gpa uint64) pvclockPage {
	var b [32]byte
	m.ram.ReadAt(b[:], int64(gpa))
	p := pvclockPage{
		version: binary.LittleEndian.Uint32(b[0:]),
		tsc:     binary.LittleEndian.Uint64(b[8:]),
		ns:      binary.LittleEndian.Uint64(b[16:]),
		mul:     binary.LittleEndian.Uint32(b[24:]),
		shift:   int8(b[28]),
		flags:   b[29],
	}
	p.readTime = func(tsc uint64) uint64 { return pvclockTime(tsc, p.tsc, p.ns, p.mul, p.shift) }
	return p
}

// TestKVMClockCPUID: kvmclock is on by default (KVM's signature, the
// clocksource, clocksource2, no-I/O-delay and stable bits), and
// "-kvmclock" takes it away with its MSRs.
func TestKVMClockCPUID(t *testing.T) {
	for _, tc := range []struct {
		model   accel.CPUModel
		sig     string
		feats   uint32
		msrOK   bool
		hasName bool
	}{
		{accel.CPUModel{Name: "qemu64"}, "KVMKVMKVM\x00\x00\x00", 1<<0 | 1<<1 | 1<<3 | 1<<24, true, true},
		{accel.CPUModel{Name: "max"}, "KVMKVMKVM\x00\x00\x00", 1<<0 | 1<<1 | 1<<3 | 1<<24, true, true},
		{accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{{Name: "kvmclock", On: false}}}, "KVMKVMKVM\x00\x00\x00", 1<<1 | 1<<24, false, false},
		{accel.CPUModel{Name: "kvm64", Changes: []accel.FeatureChange{{Name: "kvmclock", On: false}, {Name: "kvm-nopiodelay", On: false},
			{Name: "kvmclock-stable-bit", On: false}}}, "TCGTCGTCGTCG", 0, false, false},
	} {
		m, _ := kvmClockMachine(t, tc.model)
		c := &m.cpu.cpu
		a, b, cc, d := c.cpuidLeaf(0x40000000, 0)
		var sig [12]byte
		binary.LittleEndian.PutUint32(sig[0:], b)
		binary.LittleEndian.PutUint32(sig[4:], cc)
		binary.LittleEndian.PutUint32(sig[8:], d)
		if string(sig[:]) != tc.sig || a < 0x40000001 {
			t.Errorf("%v: leaf 0x40000000 = %#x %q, want >= 0x40000001 %q", tc.model, a, sig, tc.sig)
		}
		if a, _, _, _ := c.cpuidLeaf(0x40000001, 0); a != tc.feats {
			t.Errorf("%v: leaf 0x40000001 eax = %#x, want %#x", tc.model, a, tc.feats)
		}
		if c.kvmMSR(msrKVMSystemTimeNew) != tc.msrOK || c.kvmMSR(msrKVMWallClockNew) != tc.msrOK || c.kvmMSR(msrKVMSystemTime) != tc.msrOK {
			t.Errorf("%v: kvmclock MSRs offered = %v, want %v", tc.model, !tc.msrOK, tc.msrOK)
		}
		if m.vm.model.features.Has("kvmclock") != tc.hasName {
			t.Errorf("%v: features %s", tc.model, m.vm.model.featureNames())
		}
	}
}

// TestKVMClockPage: enabling MSR_KVM_SYSTEM_TIME_NEW publishes a
// pvclock_vcpu_time_info (even version, the TSC and guest time of the
// write, a multiplier and shift for the TSC frequency, the stable bit)
// through which the guest reads the machine's clock; writing the TSC
// republishes it without a step in guest time; the wall-clock MSR gives
// the wall time of guest time zero; GPAs outside RAM are ignored.
func TestKVMClockPage(t *testing.T) {
	const page, wall = tData + 0x40, tData + 0x100
	m, clk := kvmClockMachine(t, accel.CPUModel{Name: "qemu64"})
	clk.Advance(5 * time.Second)
	code := append(wrmsr(msrKVMSystemTimeNew, page|1), wrmsr(msrKVMWallClockNew, wall)...)
	code = append(code, 0xf4)
	m.run64(code, nil)
	c := &m.cpu.cpu
	p := m.pvclock(page)
	if p.version == 0 || p.version&1 != 0 {
		t.Errorf("version %d, want even and not 0", p.version)
	}
	if p.ns != uint64(5*time.Second) || p.tsc != 10_000_000_000 {
		t.Errorf("system_time %d tsc_timestamp %d, want 5e9 and 1e10 (2 GHz)", p.ns, p.tsc)
	}
	if p.flags&pvclockTSCStableBit == 0 || p.mul < 1<<31 {
		t.Errorf("flags %#x mul %#x shift %d: want the stable bit and a normalised multiplier", p.flags, p.mul, p.shift)
	}
	// The guest's reading follows the clock.
	for _, d := range []time.Duration{time.Nanosecond, 1234567 * time.Nanosecond, 3 * time.Second, 90 * time.Minute} {
		clk.Advance(d)
		got, want := p.readTime(c.readTSC()), uint64(clk.Now())
		if got > want || want-got > 2 {
			t.Errorf("after %v: guest time %d, clock %d", d, got, want)
		}
	}
	// Wall clock.
	var wb [12]byte
	m.ram.ReadAt(wb[:], wall)
	sec, nsec := binary.LittleEndian.Uint32(wb[4:]), binary.LittleEndian.Uint32(wb[8:])
	if v := binary.LittleEndian.Uint32(wb[0:]); v == 0 || v&1 != 0 || int64(sec) != m.vm.wallEpoch.Unix() || int(nsec) != m.vm.wallEpoch.Nanosecond() {
		t.Errorf("wall clock version %d %d.%09d, want even, %v", v, sec, nsec, m.vm.wallEpoch)
	}
	// The VM was made at clock time zero: its epoch is then.
	if age := time.Since(m.vm.wallEpoch); age < 0 || age > time.Hour {
		t.Errorf("wall epoch %v is not when the VM was made", m.vm.wallEpoch)
	}
	// Setting the TSC republishes; guest time goes on from where it was.
	before := p.readTime(c.readTSC())
	if !c.writeMSR(msrTSC, 77) {
		t.Fatal("wrmsr TSC refused")
	}
	q := m.pvclock(page)
	if q.version != p.version+2 || q.tsc != 77 {
		t.Errorf("after the TSC write: version %d tsc_timestamp %d, want %d and 77", q.version, q.tsc, p.version+2)
	}
	if after := q.readTime(c.readTSC()); after < before || after-before > 2 {
		t.Errorf("guest time %d after the TSC write, %d before", after, before)
	}
	// Disabling stops the updates; RDMSR returns what was written.
	c.writeMSR(msrKVMSystemTimeNew, page)
	if v, ok := c.readMSR(msrKVMSystemTimeNew); !ok || v != page {
		t.Errorf("rdmsr = %#x, %v", v, ok)
	}
	c.writeMSR(msrTSC, 1000)
	if r := m.pvclock(page); r.version != q.version {
		t.Errorf("disabled page updated: version %d", r.version)
	}
	// Outside RAM (MMIO), or crossing a page: nothing is written.
	for _, gpa := range []uint64{0xfee00000, 64 << 20, tData + 0xff0} {
		if !c.writeMSR(msrKVMSystemTimeNew, gpa|1) {
			t.Errorf("wrmsr %#x refused", gpa)
		}
	}
	if len(m.io.mmio) != 0 {
		t.Errorf("MMIO written: %v", m.io.mmio)
	}
	var b [16]byte
	m.ram.ReadAt(b[:], tData+0xff0)
	if b != [16]byte{} {
		t.Errorf("a page crossing area was written: % x", b)
	}
}

// TestKVMClockStateRoundTrip: the kvmclock MSRs travel in the CPU state,
// and loading them republishes the page.
func TestKVMClockStateRoundTrip(t *testing.T) {
	const page = tData + 0x40
	m, clk := kvmClockMachine(t, accel.CPUModel{Name: "qemu64"})
	clk.Advance(time.Second)
	m.run64(append(wrmsr(msrKVMSystemTimeNew, page|1), 0xf4), nil)
	st, err := m.cpu.State()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range st.MSRs {
		found = found || e.Index == msrKVMSystemTimeNew && e.Value == page|1
	}
	if !found {
		t.Fatalf("MSR_KVM_SYSTEM_TIME_NEW missing from %v", st.MSRs)
	}
	m2, clk2 := kvmClockMachine(t, accel.CPUModel{Name: "qemu64"})
	clk2.Advance(time.Second)
	if err := m2.cpu.SetState(st); err != nil {
		t.Fatal(err)
	}
	p := m2.pvclock(page)
	if p.version == 0 || p.version&1 != 0 || p.ns != uint64(time.Second) {
		t.Errorf("restored page: version %d system_time %d", p.version, p.ns)
	}
}

// TestPvclockScale: the multiplier and shift convert TSC ticks to
// nanoseconds within a nanosecond per second, over the frequencies a
// machine may advertise.
func TestPvclockScale(t *testing.T) {
	for _, hz := range []uint64{1_000_000, 14_318_180, 999_999_999, 1_000_000_000, 1_000_000_001, 2_500_000_000, 3_999_999_999, 10_000_000_000} {
		mul, shift := pvclockScale(hz)
		if mul < 1<<31 {
			t.Errorf("%d Hz: mul %#x not normalised (shift %d)", hz, mul, shift)
		}
		for _, secs := range []uint64{1, 3600} {
			got := pvclockTime(hz*secs, 0, 0, mul, shift)
			want := secs * 1e9
			if got > want || want-got > secs+1 {
				t.Errorf("%d Hz, %d s: %d ns", hz, secs, got)
			}
		}
	}
}

// TestKVMClockWallClockOption: VMOptions.WallClock (-rtc base=) is the
// guest's wall time at VM creation, so the wall-clock MSR reports it less
// the guest time already elapsed.
func TestKVMClockWallClockOption(t *testing.T) {
	base := time.Date(2006, 6, 17, 16, 1, 21, 0, time.UTC)
	clk := hw.NewManualClock()
	clk.Advance(3 * time.Second)
	ram := mem.NewForTest(4 << 20)
	io := &testIO{in: map[uint16]uint32{}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: "qemu64"}, IRQChip: accel.IRQChipUser, Clock: clk, TSCHz: 2_000_000_000, WallClock: base})
	if err != nil {
		t.Fatal(err)
	}
	v, err := vm.NewVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	m := &tmachine{t: t, ram: ram, io: io, vm: vm, cpu: v.(*VCPU)}
	const wall = tData + 0x100
	m.run64(append(wrmsr(msrKVMWallClockNew, wall), 0xf4), nil)
	var wb [12]byte
	m.ram.ReadAt(wb[:], wall)
	sec, nsec := binary.LittleEndian.Uint32(wb[4:]), binary.LittleEndian.Uint32(wb[8:])
	if want := base.Add(-3 * time.Second); int64(sec) != want.Unix() || nsec != 0 {
		t.Errorf("wall clock %d.%09d, want %d.000000000 (%v)", sec, nsec, want.Unix(), want)
	}
}
