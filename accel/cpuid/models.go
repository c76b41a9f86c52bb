package cpuid

import "sort"

// Model is a named CPU model for -cpu. Features lists what the model
// advertises; an accelerator intersects it with what it can provide.
type Model struct {
	Name     string
	Desc     string // shown by -cpu help
	Vendor   string // 12 characters, e.g. "AuthenticAMD"
	Family   uint32
	Model    uint32
	Stepping uint32
	Level    uint32 // highest basic leaf
	XLevel   uint32 // highest extended leaf
	ModelID  string // brand string (leaves 0x80000002-4)
	Features Set
	// Host models take their features from the accelerator (host: the
	// host CPU through KVM; max: everything the accelerator implements).
	Host bool
}

// Models are the named models, by name.
var Models = map[string]*Model{
	"qemu64": {
		Name: "qemu64", Desc: "QEMU Virtual CPU version 2.5+",
		Vendor: "AuthenticAMD", Family: 15, Model: 107, Stepping: 1, Level: 0xd, XLevel: 0x8000000a,
		ModelID: "QEMU Virtual CPU version 2.5+",
		Features: MustSet("fpu", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca",
			"cmov", "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2",
			"pni", "cx16",
			"syscall", "nx", "lm",
			"lahf-lm", "abm", "sse4a"),
	},
	"qemu32": {
		Name: "qemu32", Desc: "QEMU Virtual CPU version 2.5+",
		Vendor: "GenuineIntel", Family: 6, Model: 6, Stepping: 3, Level: 4, XLevel: 0x80000004,
		ModelID: "QEMU Virtual CPU version 2.5+",
		Features: MustSet("fpu", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca",
			"cmov", "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni"),
	},
	"kvm64": {
		Name: "kvm64", Desc: "Common KVM processor",
		Vendor: "GenuineIntel", Family: 15, Model: 6, Stepping: 1, Level: 0xd, XLevel: 0x80000008,
		ModelID: "Common KVM processor",
		Features: MustSet("fpu", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca",
			"cmov", "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "pni", "cx16", "syscall", "nx", "lm"),
	},
	"max": {
		Name: "max", Desc: "Enables all features supported by the accelerator in the current host",
		Host: true,
	},
	"host": {
		Name: "host", Desc: "processor with all supported host features (KVM only)",
		Host: true,
	},
}

// ModelNames returns the model names, sorted.
func ModelNames() []string {
	var n []string
	for k := range Models {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}
