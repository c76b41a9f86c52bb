package kvm

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"gemu/accel"
	"gemu/accel/cpuid"
)

// cpuidEntry is one CPUID leaf/subleaf as gemu handles it.
type cpuidEntry struct {
	Function, Index, Flags uint32
	EAX, EBX, ECX, EDX     uint32
}

func entryFromKVM(e kvmCPUIDEntry2) cpuidEntry {
	return cpuidEntry{e.Function, e.Index, e.Flags, e.EAX, e.EBX, e.ECX, e.EDX}
}

func (e cpuidEntry) toKVM() kvmCPUIDEntry2 {
	return kvmCPUIDEntry2{Function: e.Function, Index: e.Index, Flags: e.Flags, EAX: e.EAX, EBX: e.EBX, ECX: e.ECX, EDX: e.EDX}
}

func (e *cpuidEntry) reg(r cpuid.Reg) *uint32 {
	switch r {
	case cpuid.EAX:
		return &e.EAX
	case cpuid.EBX:
		return &e.EBX
	case cpuid.ECX:
		return &e.ECX
	}
	return &e.EDX
}

// KVM's paravirtual CPUID leaves (Documentation/virt/kvm/x86/cpuid.rst) and
// the hypervisor timing leaf that advertises the TSC and APIC bus frequency.
const (
	leafKVMSignature = 0x40000000
	leafKVMFeatures  = 0x40000001
	leafTiming       = 0x40000010

	// "KVMKVMKVM\0\0\0" in EBX, ECX, EDX.
	kvmSigEBX = 0x4b4d564b
	kvmSigECX = 0x564b4d56
	kvmSigEDX = 0x0000004d

	// apicBusKHz is the frequency of KVM's emulated APIC timer (1 GHz).
	apicBusKHz = 1000000
)

// Leaves whose subleaf (ECX) selects the output.
var indexedLeaves = map[uint32]bool{4: true, 7: true, 0xb: true, 0xd: true, 0xf: true, 0x10: true, 0x12: true,
	0x14: true, 0x17: true, 0x18: true, 0x1d: true, 0x1e: true, 0x1f: true, 0x20: true, 0x23: true, 0x24: true,
	0x8000001d: true, 0x80000020: true, 0x80000026: true}

// kvmDefaultFeatures are switched on for named models under KVM, as QEMU does
// (its kvm_default_props), before the user's +/- changes.
var kvmDefaultFeatures = []string{"kvmclock", "kvm-nopiodelay", "kvm-asyncpf", "kvm-steal-time", "kvm-pv-eoi",
	"kvmclock-stable-bit", "x2apic", "hypervisor"}

// kvmDefaultOff are switched off for named models under KVM.
var kvmDefaultOff = []string{"acpi", "monitor", "svm"}

// wordOrder lists feature words in the order QEMU reports them (its
// FeatureWord enumeration), so warnings come out in the same order.
var wordOrder = []cpuid.Word{
	{Leaf: 1, Reg: cpuid.EDX}, {Leaf: 1, Reg: cpuid.ECX},
	{Leaf: 7, Reg: cpuid.EBX}, {Leaf: 7, Reg: cpuid.ECX}, {Leaf: 7, Reg: cpuid.EDX},
	{Leaf: 0x80000001, Reg: cpuid.EDX}, {Leaf: 0x80000001, Reg: cpuid.ECX},
	{Leaf: 0x80000007, Reg: cpuid.EDX},
	{Leaf: leafKVMFeatures, Reg: cpuid.EAX},
	{Leaf: 0xd, Sub: 1, Reg: cpuid.EAX},
}

// amdAliases are the leaf 1 EDX bits that AMD processors mirror in leaf
// 0x80000001 EDX (AMD APM vol. 3, CPUID Fn8000_0001_EDX).
const amdAliases = 0x0183f3ff

// topology is how vCPUs are arranged; gemu follows QEMU's default for
// "-smp N": N sockets of one core with one thread.
type topology struct {
	threads, cores, sockets int
}

func defaultTopology(n int) topology { return topology{threads: 1, cores: 1, sockets: max(n, 1)} }

// bitsFor is the number of APIC ID bits that count n items.
func bitsFor(n int) uint32 {
	b := uint32(0)
	for (1 << b) < n {
		b++
	}
	return b
}

// apicID is the initial APIC ID of vCPU index.
func (t topology) apicID(index int) uint32 {
	smt, core := bitsFor(t.threads), bitsFor(t.cores)
	thread := index % t.threads
	c := (index / t.threads) % t.cores
	pkg := index / (t.threads * t.cores)
	return uint32(pkg)<<(smt+core) | uint32(c)<<smt | uint32(thread)
}

// cpuidTemplate is a VM's CPUID table before the per-vCPU fields (APIC IDs,
// TSC frequency) are filled in.
type cpuidTemplate struct {
	entries []cpuidEntry
	topo    topology
}

// warning formats a filtered feature the way QEMU's check does.
func warning(f *cpuid.Feature) string {
	reg := strings.ToUpper(f.Reg.String())
	return fmt.Sprintf("host doesn't support requested feature: CPUID.%02XH:%s.%s [bit %d]", f.Leaf, reg, f.Name, f.Bit)
}

// find returns the entry for leaf/sub in es, or nil.
func find(es []cpuidEntry, leaf, sub uint32) *cpuidEntry {
	for i := range es {
		e := &es[i]
		if e.Function != leaf {
			continue
		}
		if e.Flags&cpuidFlagSignificantIndex != 0 && e.Index != sub {
			continue
		}
		return e
	}
	return nil
}

// supportedSet gathers, for every register that holds named features, its
// whole value in the supported table.
func supportedSet(sup []cpuidEntry) cpuid.Set {
	s := cpuid.Set{}
	for i := range cpuid.Features {
		w := cpuid.Features[i].Word()
		if e := find(sup, w.Leaf, w.Sub); e != nil {
			s[w] = *e.reg(w.Reg)
		}
	}
	return s
}

// namedMasks are the bits of each word that have QEMU names.
var namedMasks = func() map[cpuid.Word]uint32 {
	m := map[cpuid.Word]uint32{}
	for i := range cpuid.Features {
		f := &cpuid.Features[i]
		m[f.Word()] |= f.Mask()
	}
	return m
}()

// buildCPUID turns the -cpu option and KVM's supported CPUID into the VM's
// CPUID template. Features the host cannot provide are dropped with a
// warning each, as QEMU does; unknown model or feature names are errors.
func buildCPUID(sup []cpuidEntry, m accel.CPUModel, nvcpus int) (*cpuidTemplate, []string, error) {
	name := m.Name
	if name == "" {
		name = "qemu64" // QEMU's default for the PC machines
	}
	model, ok := cpuid.Models[name]
	if !ok {
		return nil, nil, fmt.Errorf("kvm: unknown CPU model %q (known: %s)", name, strings.Join(cpuid.ModelNames(), ", "))
	}
	supSet := supportedSet(sup)
	var want cpuid.Set
	if model.Host {
		want = supSet.Clone()
		want.Add("hypervisor")
	} else {
		want = model.Features.Clone()
		if err := want.Add(kvmDefaultFeatures...); err != nil {
			return nil, nil, err
		}
		if err := want.Remove(kvmDefaultOff...); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range m.Changes {
		var err error
		if c.On {
			err = want.Add(c.Name)
		} else {
			err = want.Remove(c.Name)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("kvm: -cpu %s: %w", name, err)
		}
	}
	// Filter against the host, in QEMU's order.
	var warnings []string
	final := cpuid.Set{}
	seen := map[cpuid.Word]bool{}
	words := append([]cpuid.Word(nil), wordOrder...)
	var rest []cpuid.Word
	for w := range namedMasks {
		rest = append(rest, w)
	}
	sort.Slice(rest, func(i, j int) bool {
		a, b := rest[i], rest[j]
		if a.Leaf != b.Leaf {
			return a.Leaf < b.Leaf
		}
		if a.Sub != b.Sub {
			return a.Sub < b.Sub
		}
		return a.Reg < b.Reg
	})
	words = append(words, rest...)
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		mask := namedMasks[w]
		missing := want[w] &^ supSet[w] & mask
		for bit := uint8(0); bit < 32; bit++ {
			if missing&(1<<bit) == 0 {
				continue
			}
			for i := range cpuid.Features {
				f := &cpuid.Features[i]
				if f.Word() == w && f.Bit == bit {
					warnings = append(warnings, warning(f))
					break
				}
			}
		}
		if v := want[w] & supSet[w] & mask; v != 0 {
			final[w] = v
		}
	}

	var es []cpuidEntry
	if model.Host {
		es = hostEntries(sup, final)
	} else {
		es = modelEntries(sup, model, final)
	}
	es = append(es,
		cpuidEntry{Function: leafKVMSignature, EAX: leafKVMFeatures, EBX: kvmSigEBX, ECX: kvmSigECX, EDX: kvmSigEDX},
		cpuidEntry{Function: leafKVMFeatures, EAX: final[cpuid.Word{Leaf: leafKVMFeatures, Reg: cpuid.EAX}]})
	return &cpuidTemplate{entries: es, topo: defaultTopology(nvcpus)}, warnings, nil
}

// setNamed replaces the named bits of every register in es with final's.
func setNamed(es []cpuidEntry, final cpuid.Set) {
	for w, mask := range namedMasks {
		if e := find(es, w.Leaf, w.Sub); e != nil {
			r := e.reg(w.Reg)
			*r = *r&^mask | final[w]&mask
		}
	}
}

// hostEntries is "-cpu host" (and "max"): everything KVM supports, with the
// named bits as filtered.
func hostEntries(sup []cpuidEntry, final cpuid.Set) []cpuidEntry {
	var es []cpuidEntry
	for _, e := range sup {
		if e.Function >= leafKVMSignature && e.Function < 0x40000100 || e.Function == 0xb {
			continue // rebuilt below or per vCPU
		}
		es = append(es, e)
	}
	if e := find(sup, 0, 0); e != nil && e.EAX >= 0xb {
		for sub := uint32(0); sub < 3; sub++ {
			es = append(es, cpuidEntry{Function: 0xb, Index: sub, Flags: cpuidFlagSignificantIndex})
		}
	}
	setNamed(es, final)
	if brandEmpty(es) {
		if b := hostBrand(); b != "" {
			es = setBrand(es, b)
		}
	}
	return es
}

func brandEmpty(es []cpuidEntry) bool {
	for l := uint32(0x80000002); l <= 0x80000004; l++ {
		if e := find(es, l, 0); e != nil && (e.EAX|e.EBX|e.ECX|e.EDX) != 0 {
			return false
		}
	}
	return true
}

// hostBrand reads the host's processor name, for hosts whose KVM does not
// pass the brand leaves through.
func hostBrand() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// setBrand puts brand (at most 47 characters and a NUL) in leaves
// 0x80000002-4, adding them if they are missing.
func setBrand(es []cpuidEntry, brand string) []cpuidEntry {
	var b [48]byte
	copy(b[:47], brand)
	for i := 0; i < 3; i++ {
		leaf := uint32(0x80000002 + i)
		e := find(es, leaf, 0)
		if e == nil {
			es = append(es, cpuidEntry{Function: leaf})
			e = &es[len(es)-1]
		}
		w := b[16*i:]
		e.EAX, e.EBX, e.ECX, e.EDX = le32(w[0:]), le32(w[4:]), le32(w[8:]), le32(w[12:])
	}
	return es
}

// signature is CPUID.1:EAX for family, model and stepping (Intel SDM vol. 2A,
// CPUID, figure 3-6).
func signature(family, model, stepping uint32) uint32 {
	var eax uint32
	if family > 0xf {
		eax |= 0xf<<8 | (family-0xf)<<20
	} else {
		eax |= family << 8
	}
	eax |= (model&0xf)<<4 | (model>>4)<<16
	return eax | stepping&0xf
}

// modelEntries builds the table of a named model from scratch, taking only
// cache and address-size descriptions from the host.
func modelEntries(sup []cpuidEntry, m *cpuid.Model, final cpuid.Set) []cpuidEntry {
	v := []byte(m.Vendor + "            ")[:12]
	var es []cpuidEntry
	supMaxBasic := uint32(0)
	if e := find(sup, 0, 0); e != nil {
		supMaxBasic = e.EAX
	}
	level := m.Level
	es = append(es, cpuidEntry{Function: 0, EAX: level, EBX: le32(v[0:]), EDX: le32(v[4:]), ECX: le32(v[8:])})
	sig := signature(m.Family, m.Model, m.Stepping)
	es = append(es, cpuidEntry{Function: 1, EAX: sig, EBX: 8 << 8}) // CLFLUSH line size: 8 quadwords
	copyLeaf := func(leaf uint32) {
		for _, e := range sup {
			if e.Function == leaf {
				es = append(es, e)
			}
		}
	}
	for leaf := uint32(2); leaf <= level && leaf <= supMaxBasic; leaf++ {
		switch leaf {
		case 2, 4, 6:
			copyLeaf(leaf)
		case 7:
			es = append(es, cpuidEntry{Function: 7, Flags: cpuidFlagSignificantIndex})
		case 0xb:
			// filled per vCPU
			for sub := uint32(0); sub < 3; sub++ {
				es = append(es, cpuidEntry{Function: 0xb, Index: sub, Flags: cpuidFlagSignificantIndex})
			}
		case 0xd:
			if final.Has("xsave") {
				copyLeaf(0xd)
			} else {
				es = append(es, cpuidEntry{Function: 0xd, Flags: cpuidFlagSignificantIndex},
					cpuidEntry{Function: 0xd, Index: 1, Flags: cpuidFlagSignificantIndex})
			}
		}
	}
	supMaxExt := uint32(0)
	if e := find(sup, 0x80000000, 0); e != nil {
		supMaxExt = e.EAX
	}
	// The vendor string is repeated in leaf 0x80000000 for every vendor,
	// as QEMU's models do (Intel documents these registers as reserved).
	ext := cpuidEntry{Function: 0x80000000, EAX: m.XLevel, EBX: le32(v[0:]), EDX: le32(v[4:]), ECX: le32(v[8:])}
	es = append(es, ext)
	for leaf := uint32(0x80000001); leaf <= m.XLevel; leaf++ {
		switch leaf {
		case 0x80000001:
			es = append(es, cpuidEntry{Function: leaf, EAX: sig})
		case 0x80000002, 0x80000003, 0x80000004:
			// set below
		case 0x80000005, 0x80000006, 0x80000008:
			if leaf <= supMaxExt {
				copyLeaf(leaf)
			}
		default:
			es = append(es, cpuidEntry{Function: leaf})
		}
	}
	if m.XLevel >= 0x80000004 {
		es = setBrand(es, m.ModelID)
	}
	setNamed(es, final)
	if m.Vendor == "AuthenticAMD" {
		if e := find(es, 0x80000001, 0); e != nil {
			e.EDX |= final[cpuid.Word{Leaf: 1, Reg: cpuid.EDX}] & amdAliases
		}
	}
	if e := find(es, 0x80000008, 0); e != nil {
		e.EBX, e.ECX, e.EDX = 0, 0, 0 // address sizes only
	}
	return es
}

// clearFeature switches off a named feature in the template.
func (t *cpuidTemplate) clearFeature(name string) {
	f, ok := cpuid.Lookup(name)
	if !ok {
		return
	}
	if e := find(t.entries, f.Leaf, f.Sub); e != nil {
		*e.reg(f.Reg) &^= f.Mask()
	}
}

// forVCPU returns the CPUID table of vCPU index: topology leaves with its
// APIC ID, and the timing leaf when the TSC frequency is known.
func (t *cpuidTemplate) forVCPU(index int, tscKHz uint32) []cpuidEntry {
	es := make([]cpuidEntry, 0, len(t.entries)+1)
	es = append(es, t.entries...)
	id := t.topo.apicID(index)
	perPkg := uint32(t.topo.threads * t.topo.cores)
	smtBits, coreBits := bitsFor(t.topo.threads), bitsFor(t.topo.cores)
	for i := range es {
		e := &es[i]
		switch e.Function {
		case 1:
			e.EBX = e.EBX&0x0000ffff | min(perPkg, 255)<<16 | id<<24
			if perPkg > 1 {
				e.EDX |= 1 << 28 // HTT
			} else {
				e.EDX &^= 1 << 28
			}
		case 4:
			if e.EAX&0x1f == 0 {
				continue // no more caches
			}
			sharing := uint32(t.topo.threads - 1)
			if (e.EAX>>5)&7 >= 3 {
				sharing = perPkg - 1
			}
			e.EAX = e.EAX&0x3fff | min(sharing, 0xfff)<<14 | uint32(min(t.topo.cores-1, 63))<<26
		case 0xb:
			e.EDX = id
			switch e.Index {
			case 0:
				e.EAX, e.EBX, e.ECX = smtBits, uint32(t.topo.threads), 1<<8
			case 1:
				e.EAX, e.EBX, e.ECX = smtBits+coreBits, perPkg, 2<<8|1
			default:
				e.EAX, e.EBX, e.ECX = 0, 0, e.Index
			}
		case leafKVMSignature:
			if tscKHz != 0 {
				e.EAX = leafTiming
			}
		}
		if indexedLeaves[e.Function] {
			e.Flags |= cpuidFlagSignificantIndex
		}
	}
	if tscKHz != 0 {
		es = append(es, cpuidEntry{Function: leafTiming, EAX: tscKHz, EBX: apicBusKHz})
	}
	return es
}
