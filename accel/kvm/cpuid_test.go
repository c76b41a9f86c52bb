package kvm

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"gemu/accel"
)

// hostTable reads a captured KVM_GET_SUPPORTED_CPUID.
func hostTable(t *testing.T) []cpuidEntry {
	t.Helper()
	f, err := os.Open("testdata/supported_cpuid.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var es []cpuidEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		var e cpuidEntry
		if _, err := fmt.Sscanf(line, "%x.%d fl=%x: %x %x %x %x", &e.Function, &e.Index, &e.Flags, &e.EAX, &e.EBX, &e.ECX, &e.EDX); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		es = append(es, e)
	}
	return es
}

func get(t *testing.T, es []cpuidEntry, leaf, sub uint32) cpuidEntry {
	t.Helper()
	e := find(es, leaf, sub)
	if e == nil {
		t.Fatalf("no CPUID leaf %#x.%d", leaf, sub)
	}
	return *e
}

func TestCPUIDHost(t *testing.T) {
	sup := hostTable(t)
	tmpl, warns, err := buildCPUID(sup, accel.CPUModel{Name: "host"}, 1)
	if err != nil || len(warns) != 0 {
		t.Fatalf("host: %v %v", warns, err)
	}
	es := tmpl.forVCPU(0, 2100000)
	for _, leaf := range []uint32{0, 1, 7, 0xd, 0x80000001, 0x80000008} {
		s, g := get(t, sup, leaf, 0), get(t, es, leaf, 0)
		if leaf == 1 {
			g.EBX &= 0x0000ffff // APIC ID and count are per vCPU
			s.EBX &= 0x0000ffff
		}
		if s != g {
			t.Errorf("leaf %#x: got %+v, want the supported %+v", leaf, g, s)
		}
	}
	sig := get(t, es, leafKVMSignature, 0)
	if sig.EAX != leafTiming || sig.EBX != kvmSigEBX || sig.ECX != kvmSigECX || sig.EDX != kvmSigEDX {
		t.Errorf("KVM signature leaf %+v", sig)
	}
	if tm := get(t, es, leafTiming, 0); tm.EAX != 2100000 || tm.EBX != apicBusKHz {
		t.Errorf("timing leaf %+v", tm)
	}
	if get(t, es, leafKVMFeatures, 0).EAX != get(t, sup, leafKVMFeatures, 0).EAX {
		t.Errorf("KVM features differ from the supported ones")
	}
	if brandEmpty(es) {
		t.Errorf("host model has no brand string")
	}
	// Without a TSC frequency, no timing leaf.
	es = tmpl.forVCPU(0, 0)
	if find(es, leafTiming, 0) != nil || get(t, es, leafKVMSignature, 0).EAX != leafKVMFeatures {
		t.Errorf("timing leaf advertised without a frequency")
	}
}

func TestCPUIDFeatureChanges(t *testing.T) {
	sup := hostTable(t)
	for _, tc := range []struct {
		name    string
		model   accel.CPUModel
		want    []string // warnings
		has     []string
		hasNot  []string
		wantErr bool
	}{
		{name: "qemu64", model: accel.CPUModel{Name: "qemu64"},
			want: []string{
				"host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]",
				"host doesn't support requested feature: CPUID.80000001H:ECX.abm [bit 5]",
				"host doesn't support requested feature: CPUID.80000001H:ECX.sse4a [bit 6]",
			},
			has: []string{"sse2", "lm", "nx", "syscall", "cx16", "x2apic", "hypervisor", "kvmclock"}, hasNot: []string{"pni", "avx2"}},
		{name: "host minus arch-capabilities", model: accel.CPUModel{Name: "host", Changes: []accel.FeatureChange{{Name: "arch-capabilities"}}},
			has: []string{"clwb", "x2apic"}, hasNot: []string{"arch-capabilities"}},
		{name: "requested features the host lacks", model: accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{
			{Name: "sse4.2", On: true}, {Name: "pni", On: false}, {Name: "popcnt", On: true}}},
			want: []string{
				"host doesn't support requested feature: CPUID.01H:ECX.sse4.2 [bit 20]",
				"host doesn't support requested feature: CPUID.01H:ECX.popcnt [bit 23]",
				"host doesn't support requested feature: CPUID.80000001H:ECX.abm [bit 5]",
				"host doesn't support requested feature: CPUID.80000001H:ECX.sse4a [bit 6]",
			}},
		{name: "changes apply in order", model: accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{
			{Name: "avx2", On: true}, {Name: "avx2", On: false}, {Name: "sse2", On: false}, {Name: "sse2", On: true},
			{Name: "pni"}, {Name: "abm"}, {Name: "sse4a"}}},
			has: []string{"sse2"}, hasNot: []string{"avx2"}},
		{name: "host rdtscp", model: accel.CPUModel{Name: "host", Changes: []accel.FeatureChange{{Name: "rdtscp", On: true}}},
			want: []string{"host doesn't support requested feature: CPUID.80000001H:EDX.rdtscp [bit 27]"}},
		{name: "unknown feature", model: accel.CPUModel{Name: "host", Changes: []accel.FeatureChange{{Name: "warp-drive", On: true}}}, wantErr: true},
		{name: "unknown model", model: accel.CPUModel{Name: "pentium9"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, warns, err := buildCPUID(sup, tc.model, 1)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(warns, tc.want) {
				t.Errorf("warnings:\n got %q\nwant %q", warns, tc.want)
			}
			set := supportedSet(tmpl.forVCPU(0, 0))
			for _, f := range tc.has {
				if !set.Has(f) {
					t.Errorf("lacks %s", f)
				}
			}
			for _, f := range tc.hasNot {
				if set.Has(f) {
					t.Errorf("has %s", f)
				}
			}
		})
	}
}

func TestCPUIDNamedModel(t *testing.T) {
	tmpl, _, err := buildCPUID(hostTable(t), accel.CPUModel{Name: "qemu64"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	es := tmpl.forVCPU(0, 0)
	l0 := get(t, es, 0, 0)
	var v [12]byte
	putN(v[0:], 4, uint64(l0.EBX))
	putN(v[4:], 4, uint64(l0.EDX))
	putN(v[8:], 4, uint64(l0.ECX))
	if string(v[:]) != "AuthenticAMD" || l0.EAX != 0xd {
		t.Errorf("leaf 0: %q level %#x", v, l0.EAX)
	}
	// Family 15, model 107 (extended model 6, model 0xb), stepping 1.
	if eax := get(t, es, 1, 0).EAX; eax != 0x00060fb1 {
		t.Errorf("signature %#x, want 0x60fb1", eax)
	}
	var brand []byte
	for l := uint32(0x80000002); l <= 0x80000004; l++ {
		e := get(t, es, l, 0)
		for _, r := range []uint32{e.EAX, e.EBX, e.ECX, e.EDX} {
			var b [4]byte
			putN(b[:], 4, uint64(r))
			brand = append(brand, b[:]...)
		}
	}
	if s := strings.TrimRight(string(brand), "\x00"); s != "QEMU Virtual CPU version 2.5+" {
		t.Errorf("brand %q", s)
	}
	// AMD mirrors the leaf 1 EDX features in 0x80000001 EDX.
	if e := get(t, es, 0x80000001, 0); e.EDX&(1<<0) == 0 || e.EDX&(1<<29) == 0 {
		t.Errorf("0x80000001 EDX %#x lacks fpu alias or lm", e.EDX)
	}
	if find(es, 0x80000005, 0) == nil || get(t, es, 0x80000000, 0).EAX != 0x8000000a {
		t.Errorf("extended leaves wrong")
	}
}

func TestCPUIDTopology(t *testing.T) {
	tmpl, _, err := buildCPUID(hostTable(t), accel.CPUModel{Name: "host"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		es := tmpl.forVCPU(i, 0)
		l1 := get(t, es, 1, 0)
		if id := l1.EBX >> 24; id != uint32(i) {
			t.Errorf("vCPU %d: leaf 1 APIC ID %d", i, id)
		}
		if n := (l1.EBX >> 16) & 0xff; n != 1 || l1.EDX&(1<<28) != 0 {
			t.Errorf("vCPU %d: %d logical per package, HTT %v; want one socket each", i, n, l1.EDX&(1<<28) != 0)
		}
		for sub := uint32(0); sub < 3; sub++ {
			e := get(t, es, 0xb, sub)
			if e.EDX != uint32(i) || e.ECX&0xff != sub {
				t.Errorf("vCPU %d leaf 0xb.%d: %+v", i, sub, e)
			}
		}
		if e := get(t, es, 0xb, 1); e.ECX>>8 != 2 || e.EBX != 1 {
			t.Errorf("leaf 0xb.1 %+v", e)
		}
		if e := get(t, es, 0xb, 2); e.ECX>>8 != 0 {
			t.Errorf("leaf 0xb.2 %+v is not the end marker", e)
		}
		if e := get(t, es, 4, 0); e.EAX>>26 != 0 {
			t.Errorf("leaf 4 cores per package %d", e.EAX>>26+1)
		}
	}
	// Threads and cores pack into the APIC ID.
	tp := topology{threads: 2, cores: 3, sockets: 2}
	if id := tp.apicID(7); id != 1<<3|0<<1|1 { // package 1, core 0, thread 1
		t.Errorf("apicID(7) = %d", id)
	}
}

func TestSignature(t *testing.T) {
	for _, tc := range []struct{ fam, mod, step, want uint32 }{
		{6, 0xcf, 2, 0x000c06f2}, {15, 107, 1, 0x00060fb1}, {0x19, 0x21, 0, 0x00a20f10}, {6, 6, 3, 0x663},
	} {
		if got := signature(tc.fam, tc.mod, tc.step); got != tc.want {
			t.Errorf("signature(%d, %#x, %d) = %#x, want %#x", tc.fam, tc.mod, tc.step, got, tc.want)
		}
	}
}

// Under kernel-irqchip=off on a host without KVM_CAP_X86_USER_SPACE_MSR the
// x2APIC feature is withdrawn: its MSRs could not reach the APIC model.
func TestCPUIDClearFeature(t *testing.T) {
	tmpl, _, err := buildCPUID(hostTable(t), accel.CPUModel{Name: "kvm64"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	const x2apic = 1 << 21
	if get(t, tmpl.forVCPU(0, 0), 1, 0).ECX&x2apic == 0 {
		t.Fatal("kvm64 under KVM lacks x2apic to begin with")
	}
	tmpl.clearFeature("x2apic")
	if ecx := get(t, tmpl.forVCPU(0, 0), 1, 0).ECX; ecx&x2apic != 0 {
		t.Errorf("CPUID.1:ECX %#x still has x2apic", ecx)
	}
	// The vendor string is repeated in leaf 0x80000000, as QEMU does.
	if e := get(t, tmpl.forVCPU(0, 0), 0x80000000, 0); e.EBX != 0x756e6547 || e.EDX != 0x49656e69 || e.ECX != 0x6c65746e {
		t.Errorf("leaf 0x80000000: %#x %#x %#x, want GenuineIntel", e.EBX, e.EDX, e.ECX)
	}
}
