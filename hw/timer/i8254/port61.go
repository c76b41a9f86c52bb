package i8254

import (
	"errors"
	"sync"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/migration/vmstate"
)

// Port61Config configures port 0x61. Timer is required.
type Port61Config struct {
	ID    string   // device path; default "/machine/unattached/port61"
	Timer Channel2 // counter 2: this package's PIT or the accelerator's
	Clock hw.Clock // time for the refresh toggle (nil: host time)
}

// Port61 is the NMI status and control register at port 0x61 (PC/AT
// "port B"): counter 2's gate and the speaker enable, counter 2's OUT, and
// the refresh toggle firmware uses for short delays.
type Port61 struct {
	mu      sync.Mutex
	val     uint8         // guarded by mu; the writable bits (p61Writable)
	refresh time.Duration // guarded by mu; clock time of a rising refresh toggle

	id    string
	timer Channel2
	clock hw.Clock
}

var (
	_ bus.Handler = (*Port61)(nil)
	_ hw.Device   = (*Port61)(nil)
)

// NewPort61 validates c and returns the port in its reset state (gate low,
// speaker off).
func NewPort61(c Port61Config) (*Port61, error) {
	if c.Timer == nil {
		return nil, errors.New("port61: no counter 2 (Timer)")
	}
	if c.Clock == nil {
		c.Clock = hw.NewHostClock()
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/port61"
	}
	return &Port61{id: c.ID, timer: c.Timer, clock: c.Clock}, nil
}

// Region is the port the machine maps.
func (s *Port61) Region() bus.Region {
	return bus.Region{Name: "port61", Base: p61Port, Len: 1, MinSize: 1, MaxSize: 1, Handler: s}
}

// ID returns the device path.
func (s *Port61) ID() string { return s.id }

// Speaker reports the speaker inputs: counter 2's gate and the data enable.
// The tone is counter 2's OUT while both are set.
func (s *Port61) Speaker() (gate, data bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.val&p61Gate2 != 0, s.val&p61Speaker != 0
}

// Read returns the stored bits, the refresh toggle (every 15.085 µs of
// guest time) and counter 2's OUT. The NMI source bits read 0: nothing
// here raises IOCHK# or SERR#.
func (s *Port61) Read(off uint64, size int) uint64 {
	if off != 0 {
		return 0xff
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.val
	if s.refreshPhase(s.clock.Now())/refreshCycle != 0 {
		v |= p61Refresh
	}
	if s.timer.Channel2Out() {
		v |= p61Out2
	}
	return uint64(v)
}

// Write stores the writable bits and drives counter 2's gate.
func (s *Port61) Write(off uint64, size int, val uint64) {
	if off != 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.val = uint8(val) & p61Writable
	s.timer.SetChannel2Gate(s.val&p61Gate2 != 0)
}

// Reset clears the register. Counter 2's gate is the timer's: its own
// reset lowers it.
func (s *Port61) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.val = 0
}

// refreshPhase is the time since the refresh toggle last went low, in
// [0, 2·refreshCycle): the toggle reads 1 in the second half.
func (s *Port61) refreshPhase(now time.Duration) time.Duration {
	p := (now - s.refresh) % (2 * refreshCycle)
	if p < 0 {
		p += 2 * refreshCycle
	}
	return p
}

// VisitState saves the writable bits and the refresh toggle's phase, so the
// toggle runs on without a jump. Counter 2's gate is the timer's own state,
// so loading does not drive it.
func (s *Port61) VisitState(v *vmstate.Visitor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v.Uint8("val", &s.val)
	v.Check(s.val&^p61Writable == 0, "port 0x61 value %#x has read-only bits", s.val)
	now := s.clock.Now()
	phase := uint64(s.refreshPhase(now))
	v.Optional("refresh", true, func() {
		v.Uint64("phase-ns", &phase)
		v.Check(phase < 2*refreshCycle, "refresh toggle phase %d ns outside 0..%d", phase, 2*refreshCycle-1)
	})
	if v.Loading() && v.Err() == nil {
		s.refresh = now - time.Duration(phase)
	}
}

// Out computes a counter's OUT from the description an in-kernel PIT gives
// of it (KVM_GET_PIT2: mode, the count as written with 0 for the full
// count, BCD, and the time since the count was loaded or the gate last
// rose, with the gate high since). An accelerator's Channel2 adapter uses
// it, so port 0x61 reads the same OUT from either PIT.
func Out(mode uint8, count uint16, bcd bool, elapsed time.Duration) bool {
	var c counter
	c.setMode(0, mode&7, rwWord, bcd)
	c.load(0, count)
	c.setGate(0, true)
	if elapsed < 0 {
		elapsed = 0
	}
	return c.out(elapsed)
}
