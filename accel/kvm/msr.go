package kvm

import (
	"fmt"
	"sort"

	"gemu/accel"
)

// MSR indexes (Intel SDM vol. 4; KVM's paravirtual MSRs from
// Documentation/virt/kvm/x86/msr.rst).
const (
	msrTSC            = 0x10
	msrAPICBase       = 0x1b
	msrTSCAdjust      = 0x3b
	msrSysenterCS     = 0x174
	msrSysenterESP    = 0x175
	msrSysenterEIP    = 0x176
	msrMCGCap         = 0x179
	msrMCGStatus      = 0x17a
	msrMCGCtl         = 0x17b
	msrMiscEnable     = 0x1a0
	msrMTRRPhysBase0  = 0x200
	msrMTRRFix64K     = 0x250
	msrMTRRFix16K8000 = 0x258
	msrMTRRFix16KA000 = 0x259
	msrMTRRFix4KC000  = 0x268
	msrMTRRFix4KF800  = 0x26f
	msrPAT            = 0x277
	msrMTRRDefType    = 0x2ff
	msrTSCDeadline    = 0x6e0
	msrEFER           = 0xc0000080
	msrSTAR           = 0xc0000081
	msrLSTAR          = 0xc0000082
	msrCSTAR          = 0xc0000083
	msrFMASK          = 0xc0000084
	msrFSBase         = 0xc0000100
	msrGSBase         = 0xc0000101
	msrKernelGSBase   = 0xc0000102
	msrTSCAux         = 0xc0000103

	miscEnableFastStrings = 1 << 0
	patDefault            = 0x0007040600070406 // WB, WT, UC-, UC repeated (SDM vol. 3A, 12.12.4)
)

// extraMSRs are saved in addition to KVM_GET_MSR_INDEX_LIST when the vCPU
// accepts them: the MTRRs (which KVM emulates but does not list) and a few
// MSRs that depend on the CPUID the vCPU was given.
var extraMSRs = func() []uint32 {
	l := []uint32{msrMTRRFix64K, msrMTRRFix16K8000, msrMTRRFix16KA000, msrMTRRDefType, msrTSCAux,
		msrMCGStatus, msrMCGCtl, msrTSCDeadline, msrTSCAdjust, msrPAT, msrMiscEnable}
	for i := uint32(0); i < 16; i++ {
		l = append(l, msrMTRRPhysBase0+i) // 8 base/mask pairs
	}
	for i := uint32(msrMTRRFix4KC000); i <= msrMTRRFix4KF800; i++ {
		l = append(l, i)
	}
	return l
}()

// skippedMSRs are never saved as MSRs: their state travels in dedicated
// CPUState fields (EFER, APICBase, the FS/GS bases in the segments).
var skippedMSRs = map[uint32]bool{msrEFER: true, msrAPICBase: true, msrFSBase: true, msrGSBase: true}

// msrCandidates merges KVM's list with the extras, sorted and deduplicated.
func msrCandidates(kvmList []uint32) []uint32 {
	set := map[uint32]bool{}
	for _, m := range kvmList {
		set[m] = true
	}
	for _, m := range extraMSRs {
		set[m] = true
	}
	var out []uint32
	for m := range set {
		if !skippedMSRs[m] {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// probeMSRs keeps the candidates that this vCPU can both read and write
// back: the ones whose value survives a save and restore.
func (c *VCPU) probeMSRs(cands []uint32) []uint32 {
	readable := c.msrPass(cands, nil)
	vals := make([]uint64, len(readable))
	c.fillMSRBuf(readable, nil)
	if n, err := ioctlPtr(c.fd, kvmGetMSRs, c.msrBuf); err == nil && n == len(readable) {
		for i := range readable {
			vals[i] = c.msrBuf.Entries[i].Data
		}
	}
	return c.msrPass(readable, vals)
}

// msrPass returns the MSRs of list that KVM_GET_MSRS (vals nil) or
// KVM_SET_MSRS (with vals) accepts. Both stop at the first MSR they refuse
// and return how many they handled, so each refusal costs one more call.
func (c *VCPU) msrPass(list []uint32, vals []uint64) []uint32 {
	var ok []uint32
	for i := 0; i < len(list); {
		var vs []uint64
		if vals != nil {
			vs = vals[i:]
		}
		c.fillMSRBuf(list[i:], vs)
		req := kvmGetMSRs
		if vals != nil {
			req = kvmSetMSRs
		}
		n, err := ioctlPtr(c.fd, req, c.msrBuf)
		if err != nil {
			n = 0
		}
		ok = append(ok, list[i:i+n]...)
		i += n + 1 // skip the refused one
	}
	return ok
}

func (c *VCPU) fillMSRBuf(idx []uint32, vals []uint64) {
	n := min(len(idx), maxMSRs)
	c.msrBuf.NMSRs = uint32(n)
	for i := 0; i < n; i++ {
		c.msrBuf.Entries[i] = kvmMSREntry{Index: idx[i]}
		if vals != nil {
			c.msrBuf.Entries[i].Data = vals[i]
		}
	}
}

// getMSRs reads the given MSRs.
func (c *VCPU) getMSRs(idx []uint32) ([]accel.MSR, error) {
	c.fillMSRBuf(idx, nil)
	n, err := ioctlPtr(c.fd, kvmGetMSRs, c.msrBuf)
	if err != nil {
		return nil, fmt.Errorf("kvm: KVM_GET_MSRS: %w", err)
	}
	if n != len(idx) {
		return nil, fmt.Errorf("kvm: KVM_GET_MSRS read %d of %d MSRs, refusing %#x", n, len(idx), idx[n])
	}
	out := make([]accel.MSR, n)
	for i := range out {
		out[i] = accel.MSR{Index: c.msrBuf.Entries[i].Index, Value: c.msrBuf.Entries[i].Data}
	}
	return out, nil
}

// setMSRs writes ms, failing with the first MSR KVM refuses.
func (c *VCPU) setMSRs(ms []accel.MSR) error {
	for start := 0; start < len(ms); start += maxMSRs {
		chunk := ms[start:min(len(ms), start+maxMSRs)]
		c.msrBuf.NMSRs = uint32(len(chunk))
		for i, m := range chunk {
			c.msrBuf.Entries[i] = kvmMSREntry{Index: m.Index, Data: m.Value}
		}
		n, err := ioctlPtr(c.fd, kvmSetMSRs, c.msrBuf)
		if err != nil {
			return fmt.Errorf("kvm: KVM_SET_MSRS: %w", err)
		}
		if n != len(chunk) {
			return fmt.Errorf("kvm: the vCPU refuses MSR %#x = %#x", chunk[n].Index, chunk[n].Value)
		}
	}
	return nil
}

// resetMSRValues turns the values KVM gives a new vCPU into the values
// after RESET: TSC at zero, fast strings on, the default PAT.
func resetMSRValues(vals []accel.MSR) []accel.MSR {
	out := make([]accel.MSR, len(vals))
	copy(out, vals)
	for i := range out {
		switch out[i].Index {
		case msrTSC, msrTSCAdjust, msrTSCDeadline:
			out[i].Value = 0
		case msrMiscEnable:
			out[i].Value |= miscEnableFastStrings
		case msrPAT:
			out[i].Value = patDefault
		}
	}
	return out
}
