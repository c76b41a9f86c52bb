package interp

import (
	"fmt"
	"strings"

	"gemu/accel"
	"gemu/accel/cpuid"
)

// CPUID: the models of accel/cpuid intersected with what this interpreter
// implements, and the leaves built from them.

// Internal feature flags: the subset of CPUID features that change what
// instructions or bits the interpreter accepts.
const (
	featSYSCALL uint64 = 1 << iota
	featSEP
	featNX
	featLM
	featRDTSCP
	featRDPID
	featRDRAND
	featRDSEED
	featSMEP
	featSMAP
	featUMIP
	featFSGSBASE
	featXSAVE
	featPCID
	featSSE3
	featSSSE3
	featSSE41
	featSSE42
	featPOPCNT
	featLZCNT
	featMOVBE
	featCX16
	featADX
	featX2APIC
	featTSCDeadline
	featTSCAdjust
	featPDPE1GB
	featCLFLUSHOPT
	featXSAVEOPT
	featFPU
	featSSE
	featSSE2
	featMMX
	featFXSR
	featPCLMUL
	featAES
	featSSE4A
)

// implemented maps every CPUID feature the interpreter offers to its
// internal flag (0 for features with no effect on execution).
var implemented = map[string]uint64{
	"fpu": featFPU, "de": 0, "pse": 0, "tsc": 0, "msr": 0, "pae": 0, "mce": 0, "cx8": 0,
	"apic": 0, "sep": featSEP, "mtrr": 0, "pge": 0, "mca": 0, "cmov": 0, "pat": 0, "pse36": 0,
	"clflush": 0, "mmx": featMMX, "fxsr": featFXSR, "sse": featSSE, "sse2": featSSE2, "vme": 0,
	"pni": featSSE3, "ssse3": featSSSE3, "sse4.1": featSSE41, "sse4.2": featSSE42,
	"cx16": featCX16, "x2apic": featX2APIC, "movbe": featMOVBE, "popcnt": featPOPCNT,
	"tsc-deadline": featTSCDeadline, "xsave": featXSAVE, "rdrand": featRDRAND, "hypervisor": 0,
	"pcid":     featPCID,
	"fsgsbase": featFSGSBASE, "smep": featSMEP, "smap": featSMAP, "erms": 0, "rdseed": featRDSEED,
	"adx": featADX, "clflushopt": featCLFLUSHOPT, "clwb": 0, "umip": featUMIP, "rdpid": featRDPID,
	"fsrm": 0, "tsc-adjust": featTSCAdjust,
	"kvmclock": 0, "kvmclock2": 0, "kvm-nopiodelay": 0, "kvmclock-stable-bit": 0,
	"xsaveopt": featXSAVEOPT,
	"syscall":  featSYSCALL, "nx": featNX, "pdpe1gb": featPDPE1GB, "rdtscp": featRDTSCP, "lm": featLM,
	"lahf-lm": 0, "abm": featLZCNT, "sse4a": featSSE4A, "3dnowprefetch": 0, "invtsc": 0, "cmp-legacy": 0,
}

// needsFPU lists features whose instructions need the x87 arithmetic
// (package softfloat); they are offered once x87Ready.
var needsFPU = map[string]bool{"fpu": true}

// x87Ready reports whether the x87 instructions are wired in.
const x87Ready = true

// maxFeatures are what "-cpu max" offers.
var maxFeatures = []string{
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca",
	"cmov", "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2",
	"pni", "ssse3", "sse4.1", "sse4.2", "cx16", "x2apic", "movbe", "popcnt", "tsc-deadline", "xsave",
	"rdrand", "hypervisor",
	"fsgsbase", "smep", "smap", "erms", "rdseed", "adx", "clflushopt", "umip", "rdpid", "fsrm",
	"xsaveopt",
	"syscall", "nx", "pdpe1gb", "rdtscp", "lm", "lahf-lm", "abm", "3dnowprefetch", "invtsc",
}

// kvmDefaultFeatures are added to every model before the user's changes:
// kvmclock with its stable bit, and the no-op port 0x80 delay (this
// machine needs no I/O delay), as QEMU's KVM models have them.
var kvmDefaultFeatures = []string{"kvmclock", "kvmclock-stable-bit", "kvm-nopiodelay"}

// cpuModel is a resolved -cpu: identity and the features offered.
type cpuModel struct {
	vendor                  string
	family, model, stepping uint32
	level, xlevel           uint32
	brand                   string
	features                cpuid.Set
	feat                    uint64
}

// ErrHostModel is returned for -cpu host, which needs KVM.
var errHostModel = fmt.Errorf("CPU model 'host' requires KVM or HVF")

// resolveModel builds the model for m. Requests for features the
// interpreter does not implement are dropped and reported in warnings,
// as QEMU's TCG does.
func resolveModel(m accel.CPUModel) (*cpuModel, []string, error) {
	name := m.Name
	if name == "" {
		name = "qemu64"
	}
	var cm cpuModel
	var feats cpuid.Set
	switch name {
	case "host":
		return nil, nil, errHostModel
	case "max":
		cm = cpuModel{vendor: "GenuineIntel", family: 6, model: 85, stepping: 4, level: 0x16, xlevel: 0x80000008,
			brand: "QEMU TCG CPU version 2.5+"}
		feats = cpuid.MustSet(maxFeatures...)
	default:
		mod, ok := cpuid.Models[name]
		if !ok || mod.Host {
			return nil, nil, fmt.Errorf("unable to find CPU model '%s'", name)
		}
		cm = cpuModel{vendor: mod.Vendor, family: mod.Family, model: mod.Model, stepping: mod.Stepping,
			level: mod.Level, xlevel: mod.XLevel, brand: mod.ModelID}
		feats = mod.Features.Clone()
	}
	// kvmclock is on by default for every model (see kvmclock.go and the
	// package documentation); "-cpu ...,-kvmclock" turns it off.
	feats.Add(kvmDefaultFeatures...)
	var warn []string
	for _, ch := range m.Changes {
		f, ok := cpuid.Lookup(ch.Name)
		if !ok {
			return nil, nil, fmt.Errorf("CPU feature %s not found", ch.Name)
		}
		if ch.On {
			feats[f.Word()] |= f.Mask()
		} else {
			feats[f.Word()] &^= f.Mask()
		}
	}
	// Keep only what is implemented.
	for _, n := range feats.Names() {
		flag, ok := implemented[n]
		if !ok || needsFPU[n] && !x87Ready {
			warn = append(warn, fmt.Sprintf("TCG doesn't support requested feature: %s", n))
			feats.Remove(n)
			continue
		}
		cm.feat |= flag
	}
	if cm.level < 0xd && cm.feat&featXSAVE != 0 {
		cm.level = 0xd
	}
	cm.features = feats
	return &cm, warn, nil
}

// signature is the leaf-1 EAX family/model/stepping encoding.
func (m *cpuModel) signature() uint32 {
	fam, ext := m.family, uint32(0)
	if fam > 0xf {
		fam, ext = 0xf, m.family-0xf
	}
	return m.stepping&0xf | (m.model&0xf)<<4 | (fam&0xf)<<8 | (m.model>>4&0xf)<<16 | ext<<20
}

func (m *cpuModel) word(leaf, sub uint32, r cpuid.Reg) uint32 {
	return m.features[cpuid.Word{Leaf: leaf, Sub: sub, Reg: r}]
}

func vendorRegs(v string) (b, d, c uint32) {
	var buf [12]byte
	copy(buf[:], v)
	le := func(p []byte) uint32 { return uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24 }
	return le(buf[0:4]), le(buf[4:8]), le(buf[8:12])
}

// cpuidLeaf computes CPUID for leaf/sub on this CPU.
func (c *CPU) cpuidLeaf(leaf, sub uint32) (a, b, cc, d uint32) {
	m := c.vm.model
	vcpus := uint32(c.vm.vcpuCount())
	id := uint32(c.v.index)
	intel := m.vendor == "GenuineIntel"
	if leaf >= 0x80000000 && leaf > m.xlevel && leaf < 0x80010000 || leaf < 0x40000000 && leaf > m.level {
		if intel {
			leaf = m.level
		} else {
			return 0, 0, 0, 0
		}
	}
	switch leaf {
	case 0:
		vb, vd, vc := vendorRegs(m.vendor)
		return m.level, vb, vc, vd
	case 1:
		a = m.signature()
		b = id<<24 | 8<<8
		if vcpus > 1 {
			b |= min(vcpus, 255) << 16
		}
		cc = m.word(1, 0, cpuid.ECX) | 1<<31 // hypervisor
		d = m.word(1, 0, cpuid.EDX)
		if vcpus > 1 {
			d |= 1 << 28
		}
		if c.cr4&cr4OSXSAVE != 0 {
			cc |= 1 << 27
		}
		if c.apicBaseMSR()&(1<<11) == 0 {
			d &^= 1 << 9
		}
		return
	case 2:
		return 1, 0, 0, 0
	case 4:
		if !intel {
			return 0, 0, 0, 0
		}
		// Deterministic cache parameters: L1d, L1i 32 KiB 8-way; L2 1 MiB
		// 16-way; L3 16 MiB 16-way shared. Line size 64.
		cores := uint32(0)
		if vcpus > 1 {
			cores = min(vcpus, 64) - 1
		}
		type cache struct{ level, typ, ways, sets uint32 }
		tab := []cache{{1, 1, 8, 64}, {1, 2, 8, 64}, {2, 3, 16, 1024}, {3, 3, 16, 16384}}
		if sub >= uint32(len(tab)) {
			return 0, 0, 0, 0
		}
		e := tab[sub]
		a = e.typ | e.level<<5 | 1<<8 | cores<<26
		if e.level == 3 {
			a |= cores << 14
		}
		b = 63 | (e.ways-1)<<22
		cc = e.sets - 1
		return
	case 6:
		return 1 << 2, 0, 0, 0 // ARAT: the APIC timer runs in every C-state
	case 7:
		if sub != 0 {
			return 0, 0, 0, 0
		}
		return 0, m.word(7, 0, cpuid.EBX), m.word(7, 0, cpuid.ECX), m.word(7, 0, cpuid.EDX)
	case 0xb:
		shift := uint32(0)
		for 1<<shift < vcpus {
			shift++
		}
		switch sub {
		case 0:
			return 0, 1, 0x100, id
		case 1:
			return shift, vcpus, 0x201, id
		}
		return 0, 0, sub, id
	case 0xd:
		if m.feat&featXSAVE == 0 {
			return 0, 0, 0, 0
		}
		switch sub {
		case 0:
			return xcr0Supported, 576, 576, 0
		case 1:
			if m.feat&featXSAVEOPT != 0 {
				return 1, 0, 0, 0
			}
			return 0, 0, 0, 0
		case 2:
			return 0, 0, 0, 0
		}
		return 0, 0, 0, 0
	case 0x15:
		return 1, 1, uint32(c.vm.tscHz), 0
	case 0x16:
		mhz := uint32(c.vm.tscHz / 1000000)
		return mhz, mhz, 100, 0
	case 0x40000000:
		// KVM's signature when kvmclock is offered (Linux looks for it
		// before it reads the feature leaf), else TCG's, as QEMU's.
		sig := "TCGTCGTCGTCG"
		if m.kvmFeatures() != 0 {
			sig = "KVMKVMKVM\x00\x00\x00"
		}
		// The signature runs through EBX, ECX, EDX in that order.
		r0, r1, r2 := vendorRegs(sig)
		return 0x40000010, r0, r1, r2
	case 0x40000001:
		return m.kvmFeatures(), 0, 0, 0
	case 0x40000010:
		return uint32(c.vm.tscHz / 1000), 0, 0, 0
	case 0x80000000:
		vb, vd, vc := vendorRegs(m.vendor)
		return m.xlevel, vb, vc, vd
	case 0x80000001:
		a = m.signature()
		cc = m.word(0x80000001, 0, cpuid.ECX)
		d = m.word(0x80000001, 0, cpuid.EDX)
		if !intel {
			// AMD mirrors most leaf-1 EDX bits here.
			d |= m.word(1, 0, cpuid.EDX) & 0x0183f3ff
		}
		return
	case 0x80000002, 0x80000003, 0x80000004:
		var buf [48]byte
		copy(buf[:], m.brand)
		o := (leaf - 0x80000002) * 16
		le := func(i uint32) uint32 {
			p := buf[o+i : o+i+4]
			return uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24
		}
		return le(0), le(4), le(8), le(12)
	case 0x80000005:
		if intel {
			return 0, 0, 0, 0
		}
		return 0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140
	case 0x80000006:
		return 0, 0x42004200, 0x02008140, 0x00808140
	case 0x80000007:
		return 0, 0, 0, m.word(0x80000007, 0, cpuid.EDX)
	case 0x80000008:
		cores := uint32(0)
		if !intel && vcpus > 1 {
			cores = vcpus - 1
		}
		return 48<<8 | physBits, 0, cores, 0
	}
	return 0, 0, 0, 0
}

func hCpuid(c *CPU, in *inst) bool {
	a, b, cc, d := c.cpuidLeaf(uint32(c.R[0]), uint32(c.R[1]))
	c.R[0], c.R[3], c.R[1], c.R[2] = uint64(a), uint64(b), uint64(cc), uint64(d)
	return false
}

// featureNames lists the model's features (for logs and tests).
func (m *cpuModel) featureNames() string { return strings.Join(m.features.Names(), ",") }
