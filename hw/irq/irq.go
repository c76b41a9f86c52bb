// Package irq is interrupt wiring: lines that devices drive, global system
// interrupts (GSIs) that the interrupt controllers (in-kernel or ours) serve,
// and message-signalled interrupts.
package irq

import "sync"

// Line is an interrupt output. Set never blocks and may be called while the
// caller holds its own lock; the receiver never calls back into the device
// that raised it.
type Line interface{ Set(high bool) }

// LineFunc adapts a function to Line.
type LineFunc func(high bool)

// Set calls f.
func (f LineFunc) Set(high bool) { f(high) }

// None is a line connected to nothing.
var None Line = LineFunc(func(bool) {})

// Pulse raises and lowers l: an edge for edge-triggered inputs.
func Pulse(l Line) {
	l.Set(true)
	l.Set(false)
}

// GSIController receives global system interrupt levels: KVM's in-kernel
// irqchip, or the machine's router into our PIC and IOAPIC models.
type GSIController interface {
	SetGSI(gsi uint32, high bool)
}

// MSIController delivers message-signalled interrupts.
type MSIController interface {
	SignalMSI(addr uint64, data uint32)
}

// GSI returns the line that drives input gsi of c.
func GSI(c GSIController, gsi uint32) Line {
	return LineFunc(func(high bool) { c.SetGSI(gsi, high) })
}

// Shared is a wired-OR of several level-triggered sources onto one line: the
// output is high while any source is high (PCI INTx sharing).
type Shared struct {
	mu    sync.Mutex
	out   Line
	level uint64 // guarded by mu; bit i = source i high
}

// NewShared returns a wired-OR driving out.
func NewShared(out Line) *Shared { return &Shared{out: out} }

// Source returns the i-th input (0..63) of the wired-OR.
func (s *Shared) Source(i int) Line {
	bit := uint64(1) << (uint(i) & 63)
	return LineFunc(func(high bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		was := s.level != 0
		if high {
			s.level |= bit
		} else {
			s.level &^= bit
		}
		if now := s.level != 0; was != now {
			s.out.Set(now) // under mu, so the output follows the inputs' order
		}
	})
}

// CPUPins are a processor's interrupt inputs as its local APIC drives them.
// Every method may be called from any goroutine and must return quickly.
type CPUPins interface {
	// Notify says that the APIC's deliverable-interrupt state may have
	// changed: the CPU re-checks at its next instruction boundary and wakes
	// from HLT.
	Notify()
	NMI()
	INIT()
	SIPI(vector uint8)
}
