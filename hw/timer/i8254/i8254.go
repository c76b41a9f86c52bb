// Package i8254 models the Intel 8254 Programmable Interval Timer of a PC
// (QEMU's isa-pit) and port 0x61, the register through which the speaker
// and firmware reach counter 2.
//
// The counters are not stepped: each one's value and OUT level are
// computed from the machine clock's time since the count was loaded, at
// 1.193182 MHz with exact integer arithmetic, so nothing drifts. Only
// counter 0 drives an interrupt (IRQ 0); a clock timer fires at each change
// of its OUT (in mode 2, once per period for the low pulse and the rise;
// periodic counts shorter than minPeriod are called back every minPeriod,
// their interrupts coalescing).
//
// Under KVM with the in-kernel PIT this model is not used, but port 0x61
// still is: it reads counter 2 through the Channel2 interface, which this
// PIT and an adapter over KVM's PIT state both provide.
package i8254

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Channel2 is counter 2 as port 0x61 sees it: a gate input and an output.
type Channel2 interface {
	SetChannel2Gate(high bool)
	Channel2Out() bool
}

// Config configures the PIT. The zero value is the PC's PIT at 0x40 with
// counter 0 unconnected and host time.
type Config struct {
	ID     string       // device path; default "/machine/unattached/isa-pit"
	IOBase uint16       // first of the four ports (0: 0x40)
	IRQ    irq.Line     // counter 0's OUT (IRQ 0; nil: not connected)
	Clock  hw.Clock     // time base (nil: host time)
	Logger *slog.Logger // guest misbehaviour (nil: discarded)
}

// PIT is an 8254 with three counters.
type PIT struct {
	mu       sync.Mutex
	ch       [3]counter    // guarded by mu
	irqLevel bool          // guarded by mu; the level last driven on irq
	timer    hw.Timer      // guarded by mu; counter 0's next OUT change
	timerGen uint64        // guarded by mu; invalidates callbacks of stopped timers
	callAt   time.Duration // guarded by mu; when timer calls back
	callLvl  bool          // guarded by mu; the level it drives first
	warnings int           // guarded by mu

	id     string
	iobase uint16
	irq    irq.Line
	clock  hw.Clock
	log    *slog.Logger
}

var (
	_ bus.Handler = (*PIT)(nil)
	_ hw.Device   = (*PIT)(nil)
	_ Channel2    = (*PIT)(nil)
)

// New validates c and returns a PIT in its reset state.
func New(c Config) (*PIT, error) {
	if c.IOBase == 0 {
		c.IOBase = DefaultIOBase
	}
	if c.IOBase > 0x10000-numRegs {
		return nil, fmt.Errorf("isa-pit: iobase %#x: the four ports do not fit below 0x10000", c.IOBase)
	}
	if c.IRQ == nil {
		c.IRQ = irq.None
	}
	if c.Clock == nil {
		c.Clock = hw.NewHostClock()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/isa-pit"
	}
	p := &PIT{id: c.ID, iobase: c.IOBase, irq: c.IRQ, clock: c.Clock, log: c.Logger.With("dev", c.ID)}
	p.initCounters(0)
	return p, nil
}

// Region is the four-port window the machine maps.
func (p *PIT) Region() bus.Region {
	return bus.Region{Name: "pit", Base: uint64(p.iobase), Len: numRegs, MinSize: 1, MaxSize: 1, Handler: p}
}

// ID returns the device path.
func (p *PIT) ID() string { return p.id }

// Reset puts every counter in mode 3 with the full count, as QEMU does
// (the data sheet leaves the power-on state undefined): counters 0 and 1
// run at once, counter 2 waits for its gate. IRQ 0 is driven to counter
// 0's level and its timer started. New leaves the line and the clock
// alone, so the machine's power-on reset is what starts counter 0.
func (p *PIT) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	p.initCounters(now)
	p.irqLevel = p.ch[0].out(now)
	p.irq.Set(p.irqLevel)
	p.schedule(now)
}

func (p *PIT) initCounters(now time.Duration) {
	for i := range p.ch {
		c := &p.ch[i]
		*c = counter{gate: i != 2, cr: 0x10000}
		c.setMode(now, 3, rwWord, false)
		c.load(now, 0)
	}
	p.irqLevel = false
}

// Read serves a guest read of a counter port; the control port reads as an
// unclaimed port.
func (p *PIT) Read(off uint64, size int) uint64 {
	if off >= regControl {
		return 0xff
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return uint64(p.ch[off].readByte(p.clock.Now()))
}

// Write serves a guest write of a counter or the control word.
func (p *PIT) Write(off uint64, size int, val uint64) {
	if off >= numRegs {
		return
	}
	b := uint8(val)
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if off < regControl {
		p.ch[off].writeByte(now, b)
		if off == regCounter0 {
			p.update(now)
		}
		return
	}
	sc := b >> cwSCShift
	if sc == scReadBack {
		if b&1 != 0 {
			p.warn("read-back command with reserved bit 0 set", "val", b)
		}
		for i := range p.ch {
			if b&(2<<i) == 0 {
				continue
			}
			if b&rbNotStatus == 0 {
				p.ch[i].latchStatus(now)
			}
			if b&rbNotCount == 0 {
				p.ch[i].latchCount(now)
			}
		}
		return
	}
	c := &p.ch[sc]
	rw := (b & cwRWMask) >> cwRWShift
	if rw == rwLatch {
		c.latchCount(now)
		return
	}
	c.setMode(now, (b&cwMMask)>>cwMShift, rw, b&cwBCD != 0)
	if sc == 0 {
		p.update(now)
	}
}

// update drives IRQ 0 from counter 0's OUT and schedules its next change.
func (p *PIT) update(now time.Duration) {
	p.drive(p.ch[0].out(now))
	p.schedule(now)
}

// drive sets counter 0's OUT line to level if it differs.
func (p *PIT) drive(level bool) {
	if level != p.irqLevel {
		p.irqLevel = level
		p.irq.Set(level)
	}
}

// minPeriod is the shortest interval between two callbacks of a periodic
// count (modes 2 and 3). Shorter periods still count exactly, as reads
// show, but their interrupts coalesce, as on a processor too busy to take
// them; KVM's in-kernel PIT applies a floor of the same kind (200 µs).
// Without one a guest could make the host run a callback every 838 ns.
const minPeriod = 50 * time.Microsecond

func (p *PIT) schedule(now time.Duration) {
	p.stopTimer()
	c := &p.ch[0]
	at, ok := c.nextEdge(now)
	if !ok {
		// A count of 1 in mode 2 or 3 has no edges, but a new count
		// waiting for the end of its period will.
		if at, ok := c.nextReload(now); ok {
			p.arm(at, p.irqLevel)
		}
		return
	}
	// The level OUT passes through at the edge is decided now: the
	// callback may run late, after reads that moved the counter's
	// bookkeeping past at. In mode 2 the edge is the rise that ends the
	// one-clock low pulse, and the pulse is driven with it.
	level := !c.out(now)
	interval := time.Duration(0) // between callbacks of a periodic count
	switch c.kind() {
	case 2:
		level = false
		interval = timeOf(uint64(c.period))
	case 3:
		interval = timeOf(uint64(c.period) / 2)
	}
	call := at
	if interval < minPeriod && call < now+minPeriod && (c.kind() == 2 || c.kind() == 3) {
		call = now + minPeriod
	}
	p.arm(call, level)
}

func (p *PIT) stopTimer() {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.timerGen++
}

// arm schedules the callback that drives level at time at, then OUT's
// level of the moment.
func (p *PIT) arm(at time.Duration, level bool) {
	gen := p.timerGen
	p.callAt, p.callLvl = at, level
	p.timer = p.clock.AfterFunc(at, func() { p.fire(gen, level) })
}

// fire runs when the clock has passed an edge of counter 0's OUT. OUT is
// driven to the level the edge produced before the level of now: a host
// clock calls back late (and short periods are called back at most every
// minPeriod), and mode 2's one-clock low pulse must still reach the
// interrupt controller as an edge rather than vanish.
func (p *PIT) fire(gen uint64, level bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.timerGen {
		return
	}
	p.timer = nil
	p.drive(level)
	p.update(p.clock.Now())
}

// SetChannel2Gate drives counter 2's gate (port 0x61 bit 0).
func (p *PIT) SetChannel2Gate(high bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ch[2].setGate(p.clock.Now(), high)
}

// Channel2Out reads counter 2's OUT (port 0x61 bit 5).
func (p *PIT) Channel2Out() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ch[2].out(p.clock.Now())
}

// Count returns counter i's current value as the CE holds it (binary).
func (p *PIT) Count(i int) uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ch[i].value(p.clock.Now())
}

func (p *PIT) warn(msg string, args ...any) {
	if p.warnings >= 10 {
		return
	}
	p.warnings++
	p.log.Warn(msg, args...)
}
