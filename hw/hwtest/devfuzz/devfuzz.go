// Package devfuzz drives device models with operation sequences decoded
// from fuzz input, as a hostile guest and an unlucky host would: register
// accesses through the bus (and straight to the handler, at any offset and
// size), clock advances, the device's other inputs (lines, host input,
// MSRs), snapshots taken mid-sequence and loaded into a second instance that
// must then behave identically, and loads of corrupted snapshots. After
// every operation it checks that nothing panicked, that the device keeps
// its stated invariants, that its state saves and loads again, that it
// holds a bounded number of timers and fires them at a bounded rate, and
// that the whole run ends (a watchdog reports a deadlock with every
// goroutine's stack).
//
// A device package's fuzz target builds a Target and calls Run:
//
//	func FuzzOps(f *testing.F) {
//		devfuzz.AddSeeds(f, ...)
//		f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, target, data) })
//	}
package devfuzz

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"gemu/hw/bus"
	"gemu/migration/vmstate"
)

// Env is what a Target's New builds an instance with: its clock and the
// trace its lines and backends record into.
type Env struct {
	Clock *Clock
	Trace *Trace
	// Skew is how far this instance's clock reads ahead of the first
	// instance's: a snapshot may be loaded where the clock reads later.
	// Time the guest keeps across a load (its TSC) is Clock.Now()-Skew.
	Skew time.Duration
}

// Op is a device-specific operation: a line, host input, an MSR access.
// Do decodes its arguments from in and performs it; it must decode the same
// way whatever the device's state, since the harness replays the bytes on a
// second instance.
type Op struct {
	Name string
	Do   func(in *Input)
}

// Instance is one device (or a group of them) under test.
type Instance struct {
	// Regions are the device's guest windows, mapped at their bases into
	// one bus.Space.
	Regions []bus.Region
	// State is what a snapshot holds.
	State vmstate.Stater
	// Ops are the device's other inputs.
	Ops []Op
	// Check verifies the device's invariants; it runs after every
	// operation (nil: none beyond the harness's own).
	Check func() error
}

// Target describes a device for Run.
type Target struct {
	// New builds a fresh instance on env. It is called for the first
	// instance, for every snapshot load, and to check that each state
	// loads again, so it must be cheap and deterministic.
	New func(env Env) *Instance
	// MaxPending bounds the callbacks an instance may have pending on its
	// clock at once (0: 8).
	MaxPending int
	// MinPeriod is the shortest interval at which any one pending
	// callback may recur; an advance of d may run at most
	// MaxPending·(d/MinPeriod+2) callbacks (0: no rate check).
	MinPeriod time.Duration
	// MaxAdvance caps one clock advance (0: 10 s).
	MaxAdvance time.Duration
	// MaxOps caps the operations decoded from one input (0: 1000).
	MaxOps int
	// MaxCallbacks ends an input (successfully) once its clock callbacks
	// reach this many, so inputs that keep many timers at their minimum
	// periods through long advances do not stall the fuzzer (0: 200000).
	MaxCallbacks uint64
	// Lag makes the clock run callbacks at least this late (see Clock);
	// 0: on time.
	Lag time.Duration
	// NoSnapshots says the instance keeps state its sources restore
	// rather than a snapshot (a router of line levels that every device
	// re-drives after a load): snapshot operations do nothing.
	NoSnapshots bool
}

// Operation kinds, as the low bits of an operation byte select them; the
// instance's own Ops follow.
const (
	opRead     = iota // through the bus: region, offset within it, size
	opWrite           // through the bus: region, offset, size, value
	opRawRead         // straight to the handler: any offset, any size
	opRawWrite        // straight to the handler
	opAdvance         // move the clock
	opFork            // snapshot, load into a second instance, run both
	opHostile         // load a corrupted snapshot into a fresh instance
	numBuiltin
)

// Watchdog is how long one input may run before Run reports a deadlock.
var Watchdog = 2 * time.Minute

// Run decodes data into operations and applies them to instances of tg,
// failing t on the first broken property.
func Run(t testing.TB, tg Target, data []byte) {
	t.Helper()
	if tg.MaxPending == 0 {
		tg.MaxPending = 8
	}
	if tg.MaxAdvance == 0 {
		tg.MaxAdvance = 10 * time.Second
	}
	if tg.MaxOps == 0 {
		tg.MaxOps = 1000
	}
	if tg.MaxCallbacks == 0 {
		tg.MaxCallbacks = 200000
	}
	h := &harness{tg: tg, in: NewInput(data)}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v\n%s", r, stack(false))
			}
		}()
		done <- h.run()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v\nlast operations:\n%s", err, h.history())
		}
	case <-time.After(Watchdog):
		t.Fatalf("no progress after %v (deadlock or endless callbacks); goroutines:\n%s", Watchdog, stack(true))
	}
}

func stack(all bool) []byte {
	buf := make([]byte, 1<<20)
	return buf[:runtime.Stack(buf, all)]
}

// inst is a live instance with its clock, trace and bus.
type inst struct {
	*Instance
	env   Env
	space *bus.Space
}

type harness struct {
	tg        Target
	in        *Input
	a, b      *inst // b: the copy loaded from a snapshot, run in lockstep with a
	ops       []string
	callbacks uint64 // run by a's clocks so far
}

func (h *harness) newInst(now, skew time.Duration) (*inst, error) {
	clock := NewClock(now)
	if h.tg.Lag > 0 {
		clock = NewLateClock(now, h.tg.Lag)
	}
	env := Env{Clock: clock, Trace: NewTrace(), Skew: skew}
	i := &inst{Instance: h.tg.New(env), env: env, space: bus.NewSpace("fuzz")}
	for _, r := range i.Regions {
		if err := i.space.Map(r); err != nil {
			return nil, fmt.Errorf("harness: %v", err)
		}
	}
	return i, nil
}

func (h *harness) note(format string, args ...any) {
	if len(h.ops) >= 24 {
		copy(h.ops, h.ops[1:])
		h.ops = h.ops[:23]
	}
	h.ops = append(h.ops, fmt.Sprintf(format, args...))
}

func (h *harness) history() string { return "  " + strings.Join(h.ops, "\n  ") }

func (h *harness) run() error {
	var err error
	if h.a, err = h.newInst(0, 0); err != nil {
		return err
	}
	h.a.env.Trace.Take()
	for n := 0; h.in.More() && n < h.tg.MaxOps && h.callbacks < h.tg.MaxCallbacks; n++ {
		if err := h.step(n); err != nil {
			return fmt.Errorf("operation %d: %w", n, err)
		}
	}
	return nil
}

// step decodes and applies one operation, then checks every property.
func (h *harness) step(n int) error {
	op := int(h.in.Byte()) % (numBuiltin + len(h.a.Ops))
	switch {
	case (op == opFork || op == opHostile) && h.tg.NoSnapshots:
	case op == opFork:
		return h.fork()
	case op == opHostile:
		return h.hostile()
	case op == opAdvance:
		d := h.duration()
		h.note("advance %v", d)
		for _, i := range h.live() {
			before := i.env.Clock.Fired()
			i.env.Clock.Advance(d)
			if i == h.a {
				h.callbacks += i.env.Clock.Fired() - before
			}
			if h.tg.MinPeriod > 0 {
				limit := uint64(h.tg.MaxPending) * (uint64(d/h.tg.MinPeriod) + 2)
				if got := i.env.Clock.Fired() - before; got > limit {
					return fmt.Errorf("%d callbacks in %v: more than %d (one per %v for each of %d timers)", got, d, limit, h.tg.MinPeriod, h.tg.MaxPending)
				}
			}
		}
	default:
		start := h.in.pos
		for _, i := range h.live() {
			h.in.rewind(start)
			h.apply(i, op, i == h.a)
		}
	}
	return h.check()
}

func (h *harness) live() []*inst {
	if h.b == nil {
		return []*inst{h.a}
	}
	return []*inst{h.a, h.b}
}

// duration decodes a clock advance: from nanoseconds to tens of seconds,
// spread over the scales devices care about.
func (h *harness) duration() time.Duration {
	e := h.in.Byte() % 36
	m := uint64(h.in.Byte()) + 1
	d := time.Duration(m << e >> 8)
	if d > h.tg.MaxAdvance {
		d = h.tg.MaxAdvance
	}
	return d
}

// apply performs a register access or a device operation on i.
func (h *harness) apply(i *inst, op int, first bool) {
	in := h.in
	switch op {
	case opRead, opWrite, opRawRead, opRawWrite:
		if len(i.Regions) == 0 {
			return
		}
		r := i.Regions[in.Intn(len(i.Regions))]
		size := in.Size()
		var off uint64
		if op == opRead || op == opWrite {
			off = uint64(in.Uint16()) % r.Len
		} else if sel := in.Byte(); sel < 0xf0 {
			off = uint64(in.Uint16()) % (r.Len + 16) // the region and just past it
		} else {
			off = in.Uint64()
		}
		switch op {
		case opRead:
			v, _ := i.space.Read(r.Base+off, size)
			i.env.Trace.Add("read", off, v)
			if first {
				h.note("read %s+%#x/%d = %#x", r.Name, off, size, v)
			}
		case opRawRead:
			v := r.Handler.Read(off, size)
			i.env.Trace.Add("raw-read", off, v)
			if first {
				h.note("raw read %s+%#x/%d = %#x", r.Name, off, size, v)
			}
		default:
			val := in.Uint(size)
			if first {
				what := "raw write"
				if op == opWrite {
					what = "write"
				}
				h.note("%s %s+%#x/%d = %#x", what, r.Name, off, size, val)
			}
			if op == opWrite {
				i.space.Write(r.Base+off, size, val)
			} else {
				r.Handler.Write(off, size, val)
			}
		}
	default:
		o := i.Ops[op-numBuiltin]
		if first {
			h.note("%s %x", o.Name, in.data[in.pos:min(in.pos+16, len(in.data))])
		}
		o.Do(in)
	}
}

// fork saves a and loads the snapshot into a new instance whose clock may
// read a different time; from then on both run the same operations and
// must behave identically. An earlier copy is dropped.
func (h *harness) fork() error {
	var off time.Duration
	if b := h.in.Byte(); b&1 != 0 {
		off = time.Duration(b>>1) * 1234567
	}
	h.note("snapshot, load at +%v", off)
	if h.b != nil {
		h.a, h.b = h.b, nil
	}
	snap := vmstate.Save(h.a.State)
	b, err := h.newInst(h.a.env.Clock.Now()+off, h.a.env.Skew+off)
	if err != nil {
		return err
	}
	if err := vmstate.Load(b.State, snap); err != nil {
		return fmt.Errorf("snapshot does not load: %w", err)
	}
	// The load drives the copy's lines to the levels the state implies;
	// they must be the levels the original holds.
	if la, lb := h.a.env.Trace.Levels(), b.env.Trace.Levels(); la != lb {
		return fmt.Errorf("lines after load: %s, original: %s", lb, la)
	}
	h.a.env.Trace.Take()
	b.env.Trace.Take()
	h.b = b
	return nil
}

// hostile corrupts a snapshot of a and loads it into a fresh instance. A
// load that succeeds replaces a (and drops the copy): the state passed
// validation, so the device must work from it.
func (h *harness) hostile() error {
	snap := vmstate.Save(h.a.State)
	k := 1 + h.in.Intn(4)
	for j := 0; j < k; j++ {
		p := int(h.in.Uint16()) % len(snap)
		x := h.in.Byte() | 1
		snap[p] ^= x
	}
	c, err := h.newInst(h.a.env.Clock.Now(), h.a.env.Skew)
	if err != nil {
		return err
	}
	if vmstate.Load(c.State, snap) != nil {
		h.note("corrupted snapshot refused")
		return nil
	}
	h.note("corrupted snapshot loaded")
	c.env.Trace.Take()
	h.a, h.b = c, nil
	return nil
}

// check verifies the properties that hold after every operation.
func (h *harness) check() error {
	for _, i := range h.live() {
		if i.Check != nil {
			if err := i.Check(); err != nil {
				return fmt.Errorf("invariant: %w", err)
			}
		}
		if p := i.env.Clock.Pending(); p > h.tg.MaxPending {
			return fmt.Errorf("%d callbacks pending, more than %d", p, h.tg.MaxPending)
		}
	}
	// Saving may deliver what is due at the moment (a timer expiry whose
	// callback has not run), so both instances are saved before their
	// events are compared.
	sa := vmstate.Save(h.a.State)
	if err := h.reload(h.a, sa); err != nil {
		return err
	}
	if h.b == nil {
		h.a.env.Trace.Take()
		return nil
	}
	sb := vmstate.Save(h.b.State)
	ta, tb := h.a.env.Trace.Take(), h.b.env.Trace.Take()
	if !ta.Equal(tb) {
		return fmt.Errorf("the instance loaded from a snapshot behaves differently:\n  original: %v\n  loaded:   %v", ta, tb)
	}
	if !bytes.Equal(sa, sb) {
		return fmt.Errorf("the instance loaded from a snapshot saves a different state:\n  original %x\n  loaded   %x", sa, sb)
	}
	return nil
}

// reload checks that a state i saved loads into a fresh instance and saves
// again the same.
func (h *harness) reload(i *inst, s []byte) error {
	c, err := h.newInst(i.env.Clock.Now(), i.env.Skew)
	if err != nil {
		return err
	}
	if err := vmstate.Load(c.State, s); err != nil {
		return fmt.Errorf("a state the device reached does not load: %w", err)
	}
	if s2 := vmstate.Save(c.State); !bytes.Equal(s, s2) {
		return fmt.Errorf("a state the device reached changes across save and load:\n  saved    %x\n  reloaded %x", s, s2)
	}
	return nil
}

// Part is one named member of a Group.
type Part struct {
	Name  string
	State vmstate.Stater
}

// Group is the state of several devices as one snapshot, each in a struct
// of its own name.
type Group []Part

// VisitState visits every part in order.
func (g Group) VisitState(v *vmstate.Visitor) {
	for _, p := range g {
		v.Struct(p.Name, func() { p.State.VisitState(v) })
	}
}
