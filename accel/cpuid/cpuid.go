// Package cpuid names CPUID feature bits the way QEMU's -cpu option spells
// them and describes the named CPU models, so that both accelerators apply
// "-cpu qemu64,+sse4.2,-x2apic" identically.
package cpuid

import (
	"fmt"
	"sort"
	"strings"
)

// Reg is a CPUID output register.
type Reg uint8

const (
	EAX Reg = iota
	EBX
	ECX
	EDX
)

func (r Reg) String() string { return [...]string{"eax", "ebx", "ecx", "edx"}[r&3] }

// Feature is one named feature bit.
type Feature struct {
	Name  string
	Leaf  uint32
	Sub   uint32
	Reg   Reg
	Bit   uint8
	Alias []string
}

// Word identifies one CPUID output register of one leaf and subleaf.
type Word struct {
	Leaf, Sub uint32
	Reg       Reg
}

// Word returns the register the feature lives in.
func (f *Feature) Word() Word { return Word{f.Leaf, f.Sub, f.Reg} }

// Mask is the feature's bit in its register.
func (f *Feature) Mask() uint32 { return 1 << f.Bit }

func feats(leaf, sub uint32, reg Reg, names map[uint8]string) []Feature {
	out := make([]Feature, 0, len(names))
	for bit, n := range names {
		out = append(out, Feature{Name: n, Leaf: leaf, Sub: sub, Reg: reg, Bit: bit})
	}
	return out
}

// Features lists every named feature bit (QEMU's names).
var Features = func() []Feature {
	var all []Feature
	all = append(all, feats(1, 0, EDX, map[uint8]string{
		0: "fpu", 1: "vme", 2: "de", 3: "pse", 4: "tsc", 5: "msr", 6: "pae", 7: "mce", 8: "cx8", 9: "apic",
		11: "sep", 12: "mtrr", 13: "pge", 14: "mca", 15: "cmov", 16: "pat", 17: "pse36", 18: "pn", 19: "clflush",
		21: "ds", 22: "acpi", 23: "mmx", 24: "fxsr", 25: "sse", 26: "sse2", 27: "ss", 28: "ht", 29: "tm", 30: "ia64", 31: "pbe",
	})...)
	all = append(all, feats(1, 0, ECX, map[uint8]string{
		0: "pni", 1: "pclmulqdq", 2: "dtes64", 3: "monitor", 4: "ds-cpl", 5: "vmx", 6: "smx", 7: "est", 8: "tm2",
		9: "ssse3", 10: "cid", 12: "fma", 13: "cx16", 14: "xtpr", 15: "pdcm", 17: "pcid", 18: "dca", 19: "sse4.1",
		20: "sse4.2", 21: "x2apic", 22: "movbe", 23: "popcnt", 24: "tsc-deadline", 25: "aes", 26: "xsave",
		27: "osxsave", 28: "avx", 29: "f16c", 30: "rdrand", 31: "hypervisor",
	})...)
	all = append(all, feats(7, 0, EBX, map[uint8]string{
		0: "fsgsbase", 1: "tsc-adjust", 2: "sgx", 3: "bmi1", 4: "hle", 5: "avx2", 7: "smep", 8: "bmi2", 9: "erms",
		10: "invpcid", 11: "rtm", 14: "mpx", 16: "avx512f", 17: "avx512dq", 18: "rdseed", 19: "adx", 20: "smap",
		21: "avx512ifma", 22: "pcommit", 23: "clflushopt", 24: "clwb", 25: "intel-pt", 26: "avx512pf", 27: "avx512er",
		28: "avx512cd", 29: "sha-ni", 30: "avx512bw", 31: "avx512vl",
	})...)
	all = append(all, feats(7, 0, ECX, map[uint8]string{
		1: "avx512vbmi", 2: "umip", 3: "pku", 4: "ospke", 5: "waitpkg", 6: "avx512vbmi2", 8: "gfni", 9: "vaes",
		10: "vpclmulqdq", 11: "avx512vnni", 12: "avx512bitalg", 14: "avx512-vpopcntdq", 16: "la57", 22: "rdpid",
		25: "cldemote", 27: "movdiri", 28: "movdir64b",
	})...)
	all = append(all, feats(7, 0, EDX, map[uint8]string{
		2: "avx512-4vnniw", 3: "avx512-4fmaps", 4: "fsrm", 10: "md-clear", 14: "serialize", 16: "tsx-ldtrk",
		18: "pconfig", 19: "arch-lbr", 23: "avx512-fp16", 26: "spec-ctrl", 27: "stibp", 29: "arch-capabilities",
		30: "core-capability", 31: "ssbd",
	})...)
	all = append(all, feats(0xd, 1, EAX, map[uint8]string{0: "xsaveopt", 1: "xsavec", 2: "xgetbv1", 3: "xsaves"})...)
	all = append(all, feats(0x80000001, 0, EDX, map[uint8]string{
		11: "syscall", 20: "nx", 22: "mmxext", 25: "fxsr-opt", 26: "pdpe1gb", 27: "rdtscp", 29: "lm", 30: "3dnowext", 31: "3dnow",
	})...)
	all = append(all, feats(0x80000001, 0, ECX, map[uint8]string{
		0: "lahf-lm", 1: "cmp-legacy", 2: "svm", 3: "extapic", 4: "cr8legacy", 5: "abm", 6: "sse4a", 7: "misalignsse",
		8: "3dnowprefetch", 9: "osvw", 10: "ibs", 11: "xop", 12: "skinit", 13: "wdt", 15: "lwp", 16: "fma4", 17: "tce",
		19: "nodeid-msr", 21: "tbm", 22: "topoext", 23: "perfctr-core", 24: "perfctr-nb",
	})...)
	all = append(all, feats(0x80000007, 0, EDX, map[uint8]string{8: "invtsc"})...)
	all = append(all, feats(0x40000001, 0, EAX, map[uint8]string{
		0: "kvmclock", 1: "kvm-nopiodelay", 2: "kvm-mmu", 3: "kvmclock2", 4: "kvm-asyncpf", 5: "kvm-steal-time",
		6: "kvm-pv-eoi", 7: "kvm-pv-unhalt", 9: "kvm-pv-tlb-flush", 10: "kvm-asyncpf-vmexit", 11: "kvm-pv-ipi",
		12: "kvm-poll-control", 13: "kvm-pv-sched-yield", 14: "kvm-asyncpf-int", 15: "kvm-msi-ext-dest-id",
		24: "kvmclock-stable-bit",
	})...)
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}()

// canonical folds the spellings QEMU accepts ("sse4_2", "sse4-2", "lahf_lm")
// into the table's.
func canonical(name string) string {
	n := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	switch n {
	case "sse4-1":
		return "sse4.1"
	case "sse4-2":
		return "sse4.2"
	case "sha":
		return "sha-ni"
	case "tsc-deadline-timer":
		return "tsc-deadline"
	case "sse3":
		return "pni"
	case "i64":
		return "lm"
	case "xd":
		return "nx"
	case "ffxsr":
		return "fxsr-opt"
	case "cx8":
		return "cx8"
	}
	return n
}

// Lookup finds a feature by any of QEMU's spellings.
func Lookup(name string) (*Feature, bool) {
	n := canonical(name)
	i := sort.Search(len(Features), func(i int) bool { return Features[i].Name >= n })
	if i < len(Features) && Features[i].Name == n {
		return &Features[i], true
	}
	return nil, false
}

// Set is a set of feature bits by register.
type Set map[Word]uint32

// Has reports whether the named feature is in s.
func (s Set) Has(name string) bool {
	f, ok := Lookup(name)
	return ok && s[f.Word()]&f.Mask() != 0
}

// Add puts the named features in s; an unknown name is an error.
func (s Set) Add(names ...string) error {
	for _, n := range names {
		f, ok := Lookup(n)
		if !ok {
			return fmt.Errorf("unknown CPU feature %q", n)
		}
		s[f.Word()] |= f.Mask()
	}
	return nil
}

// Remove takes the named features out of s; an unknown name is an error.
func (s Set) Remove(names ...string) error {
	for _, n := range names {
		f, ok := Lookup(n)
		if !ok {
			return fmt.Errorf("unknown CPU feature %q", n)
		}
		s[f.Word()] &^= f.Mask()
	}
	return nil
}

// Clone returns a copy of s.
func (s Set) Clone() Set {
	c := make(Set, len(s))
	for k, v := range s {
		c[k] = v
	}
	return c
}

// Names lists the features in s, sorted.
func (s Set) Names() []string {
	var out []string
	for i := range Features {
		f := &Features[i]
		if s[f.Word()]&f.Mask() != 0 {
			out = append(out, f.Name)
		}
	}
	return out
}

// MustSet builds a Set from names that are known to be valid.
func MustSet(names ...string) Set {
	s := Set{}
	if err := s.Add(names...); err != nil {
		panic(err) // programmer error in a model table
	}
	return s
}
