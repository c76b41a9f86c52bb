package interp

import (
	"math/bits"
	"sync/atomic"
	"time"

	"gemu/hw"
)

// VirtualClock is deterministic guest time for the interpreter, like
// QEMU's -icount: it advances only as vCPUs execute instructions (2^shift
// nanoseconds per instruction) and, when every vCPU is halted waiting for
// an interrupt, jumps straight to the next timer deadline. Callbacks run on
// the goroutine of the vCPU that moves the clock past their deadline, so
// with one vCPU a run is reproducible instruction for instruction.
//
// The machine selects it by creating one, passing it to its devices and in
// VMOptions.Clock; the VM recognises it and drives it.
type VirtualClock struct {
	mc    *hw.ManualClock
	shift uint
	now   atomic.Int64 // cached Now in ns, for cheap reads
}

var _ hw.Clock = (*VirtualClock)(nil)

// NewVirtualClock returns a clock at zero advancing 2^shift ns per
// instruction (shift 0..10).
func NewVirtualClock(shift uint) *VirtualClock {
	if shift > 10 {
		shift = 10
	}
	return &VirtualClock{mc: hw.NewManualClock(), shift: shift}
}

// Now returns the guest time.
func (v *VirtualClock) Now() time.Duration { return v.mc.Now() }

// AfterFunc schedules f for guest time d.
func (v *VirtualClock) AfterFunc(d time.Duration, f func()) hw.Timer { return v.mc.AfterFunc(d, f) }

// Shift is log2 of the nanoseconds per instruction.
func (v *VirtualClock) Shift() uint { return v.shift }

// advance moves time by n executed instructions, running callbacks that
// fall due.
func (v *VirtualClock) advance(n uint64) {
	if n == 0 {
		return
	}
	v.mc.Advance(time.Duration(n << v.shift))
}

// untilNext returns how many instructions remain before the next deadline
// (max if none).
func (v *VirtualClock) untilNext(max uint64) uint64 {
	when, ok := v.mc.Next()
	if !ok {
		return max
	}
	d := when - v.mc.Now()
	if d <= 0 {
		return 1
	}
	n := uint64(d) >> v.shift
	if n == 0 {
		n = 1
	}
	return min(n, max)
}

// warp jumps to the next deadline (every vCPU is idle); false if no timer
// is pending.
func (v *VirtualClock) warp() bool {
	when, ok := v.mc.Next()
	if !ok {
		return false
	}
	if d := when - v.mc.Now(); d > 0 {
		v.mc.Advance(d)
	} else {
		v.mc.Advance(0)
	}
	return true
}

// SetNow moves the clock forward to ns (restoring a snapshot).
func (v *VirtualClock) SetNow(ns int64) {
	if d := time.Duration(ns) - v.mc.Now(); d > 0 {
		v.mc.Advance(d)
	}
}

// tscState is the TSC: guest nanoseconds scaled to the TSC frequency plus
// an offset that writes to IA32_TSC set.
type tscState struct {
	offset uint64
}

func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return ^uint64(0)
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// guestNanos is the current guest time, including instructions of the
// running slice not yet handed to a virtual clock, those of the running
// block before the current instruction among them.
func (c *CPU) guestNanos() uint64 {
	ns := uint64(c.vm.clock.Now())
	if vc := c.vm.vclk; vc != nil {
		n := c.icount
		if c.curBlk != nil && c.curIdx > 0 {
			n += uint64(c.curIdx)
		}
		ns += (n - c.icountClock) << vc.shift
	}
	return ns
}

func (c *CPU) readTSC() uint64 {
	return mulDiv(c.guestNanos(), c.vm.tscHz, 1e9) + c.tsc.offset
}

func (c *CPU) writeTSC(v uint64) {
	c.tsc.offset = v - mulDiv(c.guestNanos(), c.vm.tscHz, 1e9)
}

// TSCToTime converts a TSC value of this vCPU to guest clock time: the
// machine's LAPIC uses it to arm the TSC-deadline timer.
func (v *VCPU) TSCToTime(tsc uint64) time.Duration {
	c := &v.cpu
	t := tsc - c.tsc.offset
	if int64(t) < 0 {
		return 0
	}
	return time.Duration(mulDiv(t, 1e9, c.vm.tscHz))
}
