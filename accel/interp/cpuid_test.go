package interp

import (
	"strings"
	"testing"

	"gemu/accel"
	"gemu/hw/mem"
)

func cpuidOf(t *testing.T, model accel.CPUModel, leaf, sub uint32) (a, b, c, d uint32) {
	t.Helper()
	vm, err := NewVM(mem.NewForTest(1<<20), &testIO{}, accel.VMOptions{VCPUs: 2, CPU: model, IRQChip: accel.IRQChipUser, TSCHz: 3e9})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := vm.NewVCPU(1)
	return v.(*VCPU).cpu.cpuidLeaf(leaf, sub)
}

func TestCPUIDModels(t *testing.T) {
	// qemu64: AMD vendor, SSE2 and SSE3, no SSSE3/SSE4, long mode, NX.
	_, b, c, d := cpuidOf(t, accel.CPUModel{Name: "qemu64"}, 0, 0)
	if vendor := string([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24), byte(d), byte(d >> 8), byte(d >> 16), byte(d >> 24),
		byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)}); vendor != "AuthenticAMD" {
		t.Errorf("qemu64 vendor %q", vendor)
	}
	_, b, c, d = cpuidOf(t, accel.CPUModel{Name: "qemu64"}, 1, 0)
	if d&(1<<26) == 0 || c&1 == 0 || c&(1<<9) != 0 || c&(1<<19) != 0 {
		t.Errorf("qemu64 leaf 1 ecx %#x edx %#x", c, d)
	}
	if b>>24 != 1 {
		t.Errorf("initial APIC ID %d, want 1", b>>24)
	}
	_, _, _, d = cpuidOf(t, accel.CPUModel{Name: "qemu64"}, 0x80000001, 0)
	if d&(1<<29) == 0 || d&(1<<20) == 0 {
		t.Errorf("qemu64 leaf 0x80000001 edx %#x: want LM and NX", d)
	}
	// max: SSE4.2, POPCNT, SMEP, SMAP; the TSC frequency in 0x15/0x16.
	_, _, c, _ = cpuidOf(t, accel.CPUModel{Name: "max"}, 1, 0)
	if c&(1<<20) == 0 || c&(1<<23) == 0 {
		t.Errorf("max leaf 1 ecx %#x: want SSE4.2 and POPCNT", c)
	}
	_, b, _, _ = cpuidOf(t, accel.CPUModel{Name: "max"}, 7, 0)
	if b&(1<<7) == 0 || b&(1<<20) == 0 {
		t.Errorf("max leaf 7 ebx %#x: want SMEP and SMAP", b)
	}
	a, b, c, _ := cpuidOf(t, accel.CPUModel{Name: "max"}, 0x15, 0)
	if uint64(c)*uint64(b)/uint64(a) != 3e9 {
		t.Errorf("leaf 0x15 %d %d %d: TSC frequency", a, b, c)
	}
	a, _, _, _ = cpuidOf(t, accel.CPUModel{Name: "max"}, 0x40000010, 0)
	if a != 3e6 {
		t.Errorf("leaf 0x40000010 eax %d, want 3000000 kHz", a)
	}
	// Feature changes apply; unknown features are errors.
	_, _, c, _ = cpuidOf(t, accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{{Name: "sse4.2", On: true}, {Name: "pni", On: false}}}, 1, 0)
	if c&(1<<20) == 0 || c&1 != 0 {
		t.Errorf("qemu64,+sse4.2,-pni: ecx %#x", c)
	}
}

func TestCPUModelErrors(t *testing.T) {
	for _, tc := range []struct {
		model accel.CPUModel
		want  string
	}{
		{accel.CPUModel{Name: "host"}, "requires KVM"},
		{accel.CPUModel{Name: "no-such-cpu"}, "unable to find CPU model"},
		{accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{{Name: "bogus", On: true}}}, "not found"},
	} {
		_, err := NewVM(mem.NewForTest(1<<20), &testIO{}, accel.VMOptions{CPU: tc.model, IRQChip: accel.IRQChipUser})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.model, err, tc.want)
		}
	}
	if _, err := NewVM(mem.NewForTest(1<<20), &testIO{}, accel.VMOptions{IRQChip: accel.IRQChipKernel}); err == nil {
		t.Error("kernel-irqchip=on accepted")
	}
}

// TestUnimplementedFeatureDropped: asking for a feature the interpreter
// does not implement leaves it out of CPUID (with a warning), and its
// instructions fault with #UD.
func TestUnimplementedFeatureDropped(t *testing.T) {
	_, _, c, _ := cpuidOf(t, accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{{Name: "avx", On: true}}}, 1, 0)
	if c&(1<<28) != 0 {
		t.Errorf("AVX offered: ecx %#x", c)
	}
}
