package interp

import (
	"encoding/binary"
	"math/bits"

	"gemu/accel/cpuid"
)

// kvmclock: KVM's paravirtual clock (the KVM API documentation, x86
// msr.rst and cpuid.rst), offered so that a Linux guest learns the TSC
// frequency instead of calibrating it against the PIT, HPET or ACPI PM
// timer, which on a slow interpreter is timing-dependent and, on boards
// without those timers (microvm), can fail ("tsc: No reference
// (HPET/PMTIMER) available"). The guest time it publishes is the machine's
// clock (hw.Clock: the virtual one under -icount), the same time the TSC
// and every device follow.
//
// The guest enables a per-vCPU time page with MSR_KVM_SYSTEM_TIME_NEW (or
// the original MSR_KVM_SYSTEM_TIME): the GPA of a pvclock_vcpu_time_info
// with bit 0 set. The page maps TSC values linearly to nanoseconds of guest
// time:
//
//	time = system_time + ((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32
//
// (a negative tsc_shift shifts right). Since this TSC is itself guest time
// scaled to the advertised frequency, the mapping stays exact and the page
// is rewritten only when it is enabled or moved, and when the TSC is set.
// Each update makes version odd, writes the fields, then makes version
// even, so a reader on another vCPU can retry a torn read. MSR_KVM_WALL_CLOCK_NEW
// (MSR_KVM_WALL_CLOCK) asks for a pvclock_wall_clock at a GPA: the wall
// time at which guest time was zero.
const (
	msrKVMWallClock       = 0x11
	msrKVMSystemTime      = 0x12
	msrKVMWallClockNew    = 0x4b564d00
	msrKVMSystemTimeNew   = 0x4b564d01
	kvmSystemTimeEnable   = 1
	pvclockTSCStableBit   = 1 << 0
	pvclockTimeInfoSize   = 32
	pvclockWallClockSize  = 12
	kvmFeatureClocksource = 1 << 0 // CPUID 0x40000001 EAX: MSRs 0x11, 0x12
	kvmFeatureNopIODelay  = 1 << 1
	kvmFeatureClock2      = 1 << 3 // MSRs 0x4b564d00, 0x4b564d01
	kvmFeatureStableBit   = 1 << 24
)

// kvmClockState is one vCPU's time page.
type kvmClockState struct {
	msr uint64 // the last value written to the system-time MSR
	// While enabled: the mapping last published.
	gpa     uint64
	tsc, ns uint64
	mul     uint32
	shift   int8
	wallMSR uint64 // the last value written to a wall-clock MSR
}

// pvclockScale returns tsc_to_system_mul and tsc_shift for a TSC of hz:
// the multiplier in [2^31, 2^32) that turns TSC ticks into nanoseconds.
func pvclockScale(hz uint64) (mul uint32, shift int8) {
	scale := func(s int) uint64 {
		if s >= 0 {
			return mulDiv(1e9, 1<<32, hz<<s)
		}
		return mulDiv(1e9, 1<<(32-s), hz)
	}
	s := 0
	for scale(s) >= 1<<32 {
		s++
	}
	for s > -31 && scale(s) < 1<<31 {
		s--
	}
	return uint32(scale(s)), int8(s)
}

// pvclockTime is what a guest computes from a page of (tsc0, ns0, mul,
// shift) at TSC value tsc.
func pvclockTime(tsc, tsc0, ns0 uint64, mul uint32, shift int8) uint64 {
	d := tsc - tsc0
	if shift >= 0 {
		d <<= uint(shift)
	} else {
		d >>= uint(-shift)
	}
	hi, lo := bits.Mul64(d, uint64(mul))
	return ns0 + (hi<<32 | lo>>32)
}

// kvmFeatures is CPUID 0x40000001 EAX for this model: the kvmclock bits
// the model offers (bit 0 "kvmclock" brings CLOCKSOURCE2 with it, as
// QEMU's "kvmclock" names both).
func (m *cpuModel) kvmFeatures() uint32 {
	w := m.word(0x40000001, 0, cpuid.EAX)
	a := w &^ kvmFeatureClock2
	if w&(kvmFeatureClocksource|kvmFeatureClock2) != 0 {
		a |= kvmFeatureClock2
	}
	return a
}

// guestRAM reports whether n bytes at pa are writable RAM inside one
// page: the hypervisor side writes only there (KVM likewise ignores a
// pvclock area outside RAM).
func (c *CPU) guestRAM(pa uint64, n int) bool {
	if pa&0xfff+uint64(n) > 4096 || c.apicHit(pa) {
		return false
	}
	r := c.vm.physRange(pa)
	return r != nil && !r.ro
}

// pvclockWrite publishes b at pa (checked by guestRAM) with the version
// protocol: the version word at pa becomes odd, the rest is written, then
// the version becomes even.
func (c *CPU) pvclockWrite(pa uint64, b []byte) {
	version := uint32(c.physRead(pa, 4)) | 1
	c.physWrite(pa, 4, uint64(version))
	for i := 4; i < len(b); i += 4 {
		c.physWrite(pa+uint64(i), 4, uint64(binary.LittleEndian.Uint32(b[i:])))
	}
	c.physWrite(pa, 4, uint64(version+1))
}

// writeKVMSystemTime handles a write of v to the system-time MSR.
func (c *CPU) writeKVMSystemTime(v uint64) {
	k := &c.msr.kvm
	k.msr = v
	if v&kvmSystemTimeEnable == 0 {
		k.gpa = 0
		return
	}
	k.gpa = v &^ kvmSystemTimeEnable
	c.publishKVMClock(c.guestNanos())
}

// publishKVMClock writes the time page mapping the current TSC to ns.
func (c *CPU) publishKVMClock(ns uint64) {
	k := &c.msr.kvm
	if k.msr&kvmSystemTimeEnable == 0 {
		return
	}
	k.tsc, k.ns = c.readTSC(), ns
	k.mul, k.shift = pvclockScale(c.vm.tscHz)
	var flags uint8
	if c.vm.model.kvmFeatures()&kvmFeatureStableBit != 0 {
		flags |= pvclockTSCStableBit
	}
	if !c.guestRAM(k.gpa, pvclockTimeInfoSize) {
		return
	}
	var page [pvclockTimeInfoSize]byte
	binary.LittleEndian.PutUint64(page[8:], k.tsc)
	binary.LittleEndian.PutUint64(page[16:], k.ns)
	binary.LittleEndian.PutUint32(page[24:], k.mul)
	page[28] = byte(k.shift)
	page[29] = flags
	c.pvclockWrite(k.gpa, page[:])
}

// tscChanged republishes the time page after the TSC was set, keeping
// guest time continuous: never behind what the old page gives.
func (c *CPU) tscChanged(oldTSC uint64) {
	k := &c.msr.kvm
	if k.msr&kvmSystemTimeEnable == 0 {
		return
	}
	ns := max(c.guestNanos(), pvclockTime(oldTSC, k.tsc, k.ns, k.mul, k.shift))
	c.publishKVMClock(ns)
}

// writeKVMWallClock fills the pvclock_wall_clock at GPA v: the wall time
// at which guest time was zero.
func (c *CPU) writeKVMWallClock(v uint64) {
	c.msr.kvm.wallMSR = v
	if !c.guestRAM(v, pvclockWallClockSize) {
		return
	}
	boot := c.vm.wallEpoch
	var b [pvclockWallClockSize]byte
	binary.LittleEndian.PutUint32(b[4:], uint32(boot.Unix()))
	binary.LittleEndian.PutUint32(b[8:], uint32(boot.Nanosecond()))
	c.pvclockWrite(v, b[:])
}

// kvmMSR reports whether the model offers kvmclock MSR idx: the original
// pair with "kvmclock", the new pair with it too (CLOCKSOURCE2).
func (c *CPU) kvmMSR(idx uint32) bool {
	f := c.vm.model.kvmFeatures()
	if idx == msrKVMWallClock || idx == msrKVMSystemTime {
		return f&kvmFeatureClocksource != 0
	}
	return f&kvmFeatureClock2 != 0
}
