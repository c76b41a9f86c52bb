// Package hpet models the High Precision Event Timer of a PC (QEMU's hpet):
// a 64-bit main counter at 100 MHz and three comparators, each one-shot or
// periodic, 32- or 64-bit, edge- or level-triggered, routed to an I/O APIC
// input or, in legacy replacement mode, timer 0 to IRQ 0 and timer 1 to
// IRQ 8 in place of the PIT and the RTC. FSB (MSI) delivery is not
// advertised.
//
// The counter is not stepped: its value is computed from the clock, and a
// clock callback fires at each comparator match. A comparator written
// behind the counter matches when the counter comes round again (after
// 2^32 ticks in 32-bit mode; never, in practice, in 64-bit mode), as the
// specification says; QEMU fires such a comparator at once instead.
package hpet

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Config configures the HPET. The zero value is a PC's HPET with nothing
// connected and host time.
type Config struct {
	ID    string   // device path; default "/machine/unattached/hpet"
	Base  uint64   // MMIO base (0: 0xfed00000)
	Clock hw.Clock // time base (nil: host time)
	// IRQ0 and IRQ8 are the ISA IRQ 0 and 8 lines (to the router). The
	// HPET drives them from the PIT's and RTC's outputs (PITInput,
	// RTCInput), or from timers 0 and 1 in legacy replacement mode.
	IRQ0, IRQ8 irq.Line
	// Pins are the I/O APIC inputs that Tn_INT_ROUTE_CNF selects
	// (router.IOAPICPins).
	Pins irq.GSIController
	// IntCap is every timer's INT_ROUTE_CAP (0: 0x00ff0104).
	IntCap uint32
	Logger *slog.Logger // guest misbehaviour (nil: discarded)
}

// maxTicks bounds how far ahead a match is scheduled (about 2900 years).
const maxTicks = 1 << 63 / tickNS

// comparator is one timer; its fields are guarded by the HPET's mu.
type comparator struct {
	config uint64 // Tn_CONF writable bits
	cmp    uint64
	period uint64
	armed  bool
	next   uint64 // the counter value of the next match, when armed
	timer  hw.Timer
	gen    uint64
}

// HPET is the timer block.
type HPET struct {
	mu       sync.Mutex
	config   uint64                // guarded by mu
	isr      uint64                // guarded by mu
	count    uint64                // guarded by mu; counter value at epoch
	epoch    time.Duration         // guarded by mu; clock time at which the counter read count
	t        [NumTimers]comparator // guarded by mu
	pit, rtc bool                  // guarded by mu; the PIT's and RTC's outputs
	out0     bool                  // guarded by mu; IRQ 0 as driven
	out8     bool                  // guarded by mu; IRQ 8 as driven
	pins     uint32                // guarded by mu; I/O APIC inputs driven high
	warnings int                   // guarded by mu

	id         string
	base       uint64
	clock      hw.Clock
	irq0, irq8 irq.Line
	gsi        irq.GSIController
	intCap     uint32
	log        *slog.Logger
}

var (
	_ bus.Handler = (*HPET)(nil)
	_ hw.Device   = (*HPET)(nil)
)

type noPins struct{}

func (noPins) SetGSI(uint32, bool) {}

// New validates c and returns the HPET in its reset state.
func New(c Config) (*HPET, error) {
	if c.Base == 0 {
		c.Base = DefaultBase
	}
	if c.Base&(RegionLen-1) != 0 {
		return nil, fmt.Errorf("hpet: base %#x is not 1 KiB aligned", c.Base)
	}
	if c.IntCap == 0 {
		c.IntCap = DefaultIntCap
	}
	if c.Clock == nil {
		c.Clock = hw.NewHostClock()
	}
	if c.IRQ0 == nil {
		c.IRQ0 = irq.None
	}
	if c.IRQ8 == nil {
		c.IRQ8 = irq.None
	}
	if c.Pins == nil {
		c.Pins = noPins{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/hpet"
	}
	h := &HPET{id: c.ID, base: c.Base, clock: c.Clock, irq0: c.IRQ0, irq8: c.IRQ8, gsi: c.Pins,
		intCap: c.IntCap, log: c.Logger.With("dev", c.ID)}
	h.resetRegs()
	return h, nil
}

// ID returns the device path.
func (h *HPET) ID() string { return h.id }

// Region is the MMIO window the machine maps.
func (h *HPET) Region() bus.Region {
	return bus.Region{Name: "hpet", Base: h.base, Len: RegionLen, MinSize: 1, MaxSize: 8, Handler: h}
}

// Reset stops the counter at 0 and clears every timer (Tn_INT_ROUTE_CNF
// 0, comparators all ones, as the specification's reset values say);
// IRQ 0 and 8 pass the PIT and RTC through again.
func (h *HPET) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.resetRegs()
	h.refresh()
}

func (h *HPET) resetRegs() {
	h.config, h.isr, h.count, h.epoch = 0, 0, 0, 0
	for i := range h.t {
		t := &h.t[i]
		stop(t)
		*t = comparator{cmp: ^uint64(0), period: 0, gen: t.gen}
	}
}

func stop(t *comparator) {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.gen++
	t.armed = false
}

// PITInput and RTCInput are where the machine connects the PIT's and the
// RTC's interrupt outputs: they reach IRQ 0 and 8 unless legacy
// replacement routing is on.
func (h *HPET) PITInput() irq.Line { return irq.LineFunc(func(v bool) { h.setInput(&h.pit, v) }) }
func (h *HPET) RTCInput() irq.Line { return irq.LineFunc(func(v bool) { h.setInput(&h.rtc, v) }) }

func (h *HPET) setInput(p *bool, v bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	*p = v
	h.refresh()
}

func (h *HPET) enabled() bool { return h.config&cfgEnable != 0 }
func (h *HPET) legacy() bool  { return h.config&cfgLegacy != 0 }

// counter is the main counter at now.
func (h *HPET) counter(now time.Duration) uint64 {
	if !h.enabled() || now <= h.epoch {
		return h.count
	}
	return h.count + uint64(now-h.epoch)/tickNS
}

// timeOf is when the counter reaches c; false if that is beyond what a
// Duration holds (centuries away).
func (h *HPET) timeOf(c uint64) (time.Duration, bool) {
	d := c - h.count
	if d > maxTicks {
		return 0, false
	}
	t := h.epoch + time.Duration(d*tickNS)
	if t < h.epoch {
		return 0, false
	}
	return t, true
}

// minPeriod is the shortest interval between two matches of a periodic
// timer after the first: a shorter period advances the comparator by as
// many periods as fit in minPeriod, and their interrupts coalesce, as on a
// processor too busy to take them (the local APIC and the PIT apply the
// same floor). Without one a guest could make the host run a callback
// every 10 ns.
const minPeriod = 50 * time.Microsecond

// dest is where timer i interrupts: -1 IRQ 0, -2 IRQ 8, else an I/O APIC
// input.
func (h *HPET) dest(i int) int {
	if h.legacy() && i < 2 {
		return -1 - i
	}
	return int(h.t[i].config&tnRouteMask) >> tnRouteShift
}

// asserted reports whether level-triggered timer i holds its line.
func (h *HPET) asserted(i int) bool {
	c := h.t[i].config
	return h.enabled() && c&tnLevel != 0 && c&tnIntEnable != 0 && h.isr&(1<<i) != 0
}

// refresh drives IRQ 0, IRQ 8 and the routed I/O APIC inputs from the
// level-triggered timers (and the PIT and RTC outside legacy mode).
func (h *HPET) refresh() { h.drive(false) }

// drive computes the outputs and drives those that changed, or all with
// force (after a load).
func (h *HPET) drive(force bool) {
	o0, o8 := h.pit, h.rtc
	if h.legacy() {
		o0, o8 = false, false
	}
	var pins uint32
	for i := range h.t {
		if !h.asserted(i) {
			continue
		}
		switch d := h.dest(i); d {
		case -1:
			o0 = true
		case -2:
			o8 = true
		default:
			pins |= 1 << d
		}
	}
	if o0 != h.out0 || force {
		h.out0 = o0
		h.irq0.Set(o0)
	}
	if o8 != h.out8 || force {
		h.out8 = o8
		h.irq8.Set(o8)
	}
	ch := h.pins ^ pins
	if force {
		ch = pins
	}
	for ; ch != 0; ch &= ch - 1 {
		p := trailingZeros(ch)
		h.gsi.SetGSI(uint32(p), pins&(1<<p) != 0)
	}
	h.pins = pins
}

func trailingZeros(v uint32) int {
	n := 0
	for v&1 == 0 {
		v >>= 1
		n++
	}
	return n
}

// pulse sends an edge-triggered timer's interrupt: an edge on its line,
// unless a level source holds the line high already.
func (h *HPET) pulse(i int) {
	switch d := h.dest(i); d {
	case -1:
		if !h.out0 {
			irq.Pulse(h.irq0)
		}
	case -2:
		if !h.out8 {
			irq.Pulse(h.irq8)
		}
	default:
		if h.pins&(1<<d) == 0 {
			h.gsi.SetGSI(uint32(d), true)
			h.gsi.SetGSI(uint32(d), false)
		}
	}
}

// mask is the width mask of timer i's comparisons.
func (t *comparator) mask() uint64 {
	if t.config&tn32Bit != 0 {
		return 0xffffffff
	}
	return ^uint64(0)
}

// arm computes timer i's next match from its comparator and schedules it.
func (h *HPET) arm(i int, now time.Duration) {
	t := &h.t[i]
	stop(t)
	if !h.enabled() {
		return
	}
	c := h.counter(now)
	diff := (t.cmp - c) & t.mask()
	if diff > maxTicks {
		return // centuries away: the 64-bit counter wrapping
	}
	t.next, t.armed = c+diff, true
	h.schedule(i, now)
}

func (h *HPET) schedule(i int, now time.Duration) {
	t := &h.t[i]
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	if !t.armed {
		return
	}
	at, ok := h.timeOf(t.next)
	if !ok {
		t.armed = false // the 64-bit counter would have to wrap
		return
	}
	if at <= now {
		h.expire(i, now)
		return
	}
	gen := t.gen
	t.timer = h.clock.AfterFunc(at, func() { h.fired(i, gen) })
}

func (h *HPET) fired(i int, gen uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := &h.t[i]
	if gen != t.gen || !t.armed {
		return
	}
	t.timer = nil
	h.expire(i, h.clock.Now())
}

// expire signals timer i's match and moves to the next one: periodic
// timers add the period to the comparator (§2.3.9.2.2), one-shot timers
// match again when the compared bits wrap (32-bit mode), or never.
func (h *HPET) expire(i int, now time.Duration) {
	t := &h.t[i]
	if t.config&tnLevel != 0 {
		h.isr |= 1 << i
		h.refresh()
	} else if t.config&tnIntEnable != 0 {
		h.pulse(i)
	}
	c := h.counter(now)
	m := t.mask()
	switch {
	case t.config&tnPeriodic != 0 && t.period&m != 0:
		p := t.period & m
		behind := (c - t.cmp) & m // the counter is at or just past the match
		k := behind/p + 1
		if min := uint64(minPeriod / tickNS); p < min {
			k = (behind + min + p - 1) / p // the next match at least minPeriod away
		}
		t.cmp = (t.cmp + k*p) & m
		if diff := (t.cmp - c) & m; diff <= maxTicks {
			t.next = c + diff
		} else {
			t.armed = false // a 64-bit period that wraps the comparator behind the counter
		}
	case m != ^uint64(0):
		t.next += 1 << 32
	default:
		t.armed = false
	}
	h.schedule(i, now)
}

// Read serves the registers: any size, at any offset within a register.
func (h *HPET) Read(off uint64, size int) uint64 {
	if off >= RegionLen {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.reg(off &^ 7)
	v >>= 8 * (off & 7)
	if size < 8 {
		v &= 1<<(8*size) - 1
	}
	return v
}

func (h *HPET) reg(off uint64) uint64 {
	switch off {
	case regCapID:
		return capID
	case regConfig:
		return h.config
	case regISR:
		return h.isr
	case regCounter:
		return h.counter(h.clock.Now())
	}
	if off < regTimer0 || off >= regTimer0+NumTimers*timerStride {
		return 0
	}
	t := &h.t[(off-regTimer0)/timerStride]
	switch (off - regTimer0) % timerStride {
	case tnConfig:
		return t.config | tnCaps | uint64(h.intCap)<<tnRouteCapShift
	case tnCmp:
		return t.cmp & t.mask()
	}
	return 0 // FSB route: FSB delivery is not advertised
}

// Write serves the registers: 32-bit halves or whole 64-bit registers.
func (h *HPET) Write(off uint64, size int, val uint64) {
	if off >= RegionLen {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if size < 4 || off&3 != 0 {
		h.warn("HPET write narrower than 32 bits or unaligned ignored", "off", off, "size", size)
		return
	}
	reg := off &^ 7
	old := h.reg(reg)
	var wmask uint64 = ^uint64(0)
	switch {
	case size == 4 && off&4 != 0:
		val, wmask = val<<32, 0xffffffff<<32
	case size == 4:
		val, wmask = val&0xffffffff, 0xffffffff
	}
	nv := old&^wmask | val&wmask
	now := h.clock.Now()
	switch reg {
	case regConfig:
		h.writeConfig(nv&cfgWritable, now)
	case regISR:
		// Write 1 to clear a level-triggered timer's status.
		h.isr &^= val & wmask
		h.refresh()
	case regCounter:
		h.count, h.epoch = nv, now
		for i := range h.t {
			h.arm(i, now)
		}
	default:
		if reg < regTimer0 || reg >= regTimer0+NumTimers*timerStride {
			if reg != regCapID {
				h.warn("write to a reserved HPET register ignored", "off", off)
			}
			return
		}
		i := int(reg-regTimer0) / timerStride
		switch (reg - regTimer0) % timerStride {
		case tnConfig:
			h.writeTimerConfig(i, nv, now)
		case tnCmp:
			h.writeComparator(i, nv, wmask, now)
		}
	}
}

func (h *HPET) writeConfig(v uint64, now time.Duration) {
	was := h.enabled()
	if was && v&cfgEnable == 0 {
		h.count = h.counter(now)
	}
	if !was && v&cfgEnable != 0 {
		h.epoch = now
	}
	h.config = v
	if was != h.enabled() {
		for i := range h.t {
			h.arm(i, now)
		}
	}
	h.refresh()
}

func (h *HPET) writeTimerConfig(i int, v uint64, now time.Duration) {
	t := &h.t[i]
	nv := v & tnWritable
	if r := uint32(nv&tnRouteMask) >> tnRouteShift; h.intCap&(1<<r) == 0 {
		// The route reads back unchanged (IA-PC HPET 1.0a §2.3.8). Linux
		// writes the reset value 0 back in legacy mode: only a change to
		// an unsupported route is the guest's mistake.
		if nv&tnRouteMask != t.config&tnRouteMask {
			h.warn("timer routed to an I/O APIC input outside INT_ROUTE_CAP; route kept", "timer", i, "route", r)
		}
		nv = nv&^tnRouteMask | t.config&tnRouteMask
	}
	if v&tnFSBEnable != 0 {
		h.warn("FSB delivery requested but not advertised", "timer", i)
	}
	old := t.config
	t.config = nv
	if nv&tn32Bit != 0 {
		t.cmp &= 0xffffffff
		t.period &= 0xffffffff
	}
	if nv&tnLevel == 0 {
		h.isr &^= 1 << i
	}
	if (old^nv)&(tn32Bit|tnPeriodic) != 0 {
		h.arm(i, now)
	}
	h.refresh()
}

// writeComparator writes the comparator (§2.3.9.2.2): one-shot timers and
// periodic ones with Tn_VAL_SET_CNF take the value as the comparator;
// the value is always the period of a periodic timer, and VAL_SET clears.
func (h *HPET) writeComparator(i int, v, wmask uint64, now time.Duration) {
	t := &h.t[i]
	if t.config&tn32Bit != 0 {
		v &= 0xffffffff
		wmask &= 0xffffffff
	}
	if t.config&tnPeriodic == 0 || t.config&tnValSet != 0 {
		t.cmp = t.cmp&^wmask | v&wmask
	}
	t.period = t.period&^wmask | v&wmask
	t.config &^= tnValSet
	h.arm(i, now)
}

func (h *HPET) warn(msg string, args ...any) {
	if h.warnings >= 10 {
		return
	}
	h.warnings++
	h.log.Warn(msg, args...)
}
