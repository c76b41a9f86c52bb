// Package apicbus carries interrupt messages between a PC's interrupt
// controllers: from I/O APICs, from local APICs (inter-processor
// interrupts) and from message-signalled interrupts of PCI devices to the
// local APICs, and end-of-interrupt broadcasts from the local APICs back to
// the I/O APICs. It is the APIC bus of the 82489DX and P6 family, or the
// system-bus messages of later processors (Intel SDM vol. 3A §10.6, §10.8.4,
// §10.11).
//
// The machine builds one Bus, attaches every local APIC to it (Attach) and
// every I/O APIC as an EOI listener (AddEOIListener), and hands it to the
// devices that send messages. Destination matching is the receivers' own
// (each local APIC knows its ID, logical destination and mode), so the bus
// only fans out, picks the lowest-priority receiver, and resolves
// shorthands.
package apicbus

import (
	"sync"
	"sync/atomic"
)

// DeliveryMode is the delivery mode of an interrupt message (SDM vol. 3A
// §10.6.1, ICR bits 10:8; 82093AA datasheet §3.2.4, redirection entry bits
// 10:8).
type DeliveryMode uint8

// Delivery modes.
const (
	Fixed          DeliveryMode = 0
	LowestPriority DeliveryMode = 1
	SMI            DeliveryMode = 2
	NMI            DeliveryMode = 4
	INIT           DeliveryMode = 5
	StartUp        DeliveryMode = 6
	ExtINT         DeliveryMode = 7
)

var modeNames = [8]string{"fixed", "lowest-priority", "smi", "reserved(3)", "nmi", "init", "startup", "extint"}

func (m DeliveryMode) String() string { return modeNames[m&7] }

// Shorthand is the ICR destination shorthand (SDM vol. 3A §10.6.1, ICR bits
// 19:18). Messages from I/O APICs and MSI use NoShorthand.
type Shorthand uint8

// Shorthands.
const (
	NoShorthand      Shorthand = 0
	Self             Shorthand = 1
	AllIncludingSelf Shorthand = 2
	AllExcludingSelf Shorthand = 3
)

// Message is one interrupt message.
type Message struct {
	// Dest is the destination field: 8 bits from an I/O APIC, an MSI
	// address or an xAPIC ICR, 32 bits from an x2APIC ICR (X2APIC set).
	Dest    uint32
	X2APIC  bool // Dest is a 32-bit x2APIC destination; 0xffffffff broadcasts
	Logical bool // logical destination mode (physical when false)
	Mode    DeliveryMode
	Vector  uint8
	// Level is the ICR level bit: false only for an INIT level de-assert.
	Level bool
	// Trigger is true for a level-triggered interrupt: the receiver sets
	// its TMR bit and broadcasts the EOI.
	Trigger   bool
	Shorthand Shorthand
	// Source is the sending local APIC, for shorthands (nil otherwise).
	Source Target
}

// Target is a local APIC as the bus sees it. Every method may be called
// from any goroutine, and while the caller holds the lock of the device
// sending the message; none may send a message itself before returning.
type Target interface {
	// Match reports whether the APIC is a destination of m (Dest, X2APIC,
	// Logical), including broadcasts. A hardware-disabled APIC matches
	// nothing.
	Match(m Message) bool
	// ArbitrationPriority is the APIC's arbitration priority register,
	// for lowest-priority delivery: the lowest wins.
	ArbitrationPriority() uint8
	// Accept receives a message addressed to it.
	Accept(m Message)
}

// EOIListener is an I/O APIC: it clears the remote IRR of level-triggered
// entries with the vector (SDM vol. 3A §10.8.5).
type EOIListener interface {
	EOI(vector uint8)
}

// Bus fans messages out to the attached local APICs. Attach and
// AddEOIListener may be called at any time; delivery takes no lock and
// allocates nothing.
type Bus struct {
	mu      sync.Mutex                    // serialises Attach and AddEOIListener
	targets atomic.Pointer[[]Target]      // copy on write
	eoi     atomic.Pointer[[]EOIListener] // copy on write
	rr      atomic.Uint32                 // rotates lowest-priority ties
}

// New returns a bus with nothing attached.
func New() *Bus {
	b := &Bus{}
	b.targets.Store(&[]Target{})
	b.eoi.Store(&[]EOIListener{})
	return b
}

// Attach adds a local APIC.
func (b *Bus) Attach(t Target) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.targets.Load()
	n := append(append(make([]Target, 0, len(old)+1), old...), t)
	b.targets.Store(&n)
}

// AddEOIListener adds an I/O APIC to the EOI broadcasts.
func (b *Bus) AddEOIListener(l EOIListener) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.eoi.Load()
	n := append(append(make([]EOIListener, 0, len(old)+1), old...), l)
	b.eoi.Store(&n)
}

// Targets returns the attached local APICs in attachment order.
func (b *Bus) Targets() []Target { return *b.targets.Load() }

// Deliver sends m to its destinations. Lowest-priority messages go to one
// matching APIC with the lowest arbitration priority (ties rotate among
// the candidates); an INIT level de-assert goes to every APIC whatever the
// destination, as the SDM specifies (§10.6.1).
func (b *Bus) Deliver(m Message) {
	ts := *b.targets.Load()
	if m.Mode == INIT && !m.Level && m.Trigger {
		for _, t := range ts {
			t.Accept(m)
		}
		return
	}
	if m.Shorthand == Self {
		if m.Source != nil {
			m.Source.Accept(m)
		}
		return
	}
	if m.Mode == LowestPriority {
		b.lowest(ts, m)
		return
	}
	for _, t := range ts {
		if b.addressed(t, m) {
			t.Accept(m)
		}
	}
}

// addressed reports whether t is a destination of m.
func (b *Bus) addressed(t Target, m Message) bool {
	switch m.Shorthand {
	case AllIncludingSelf:
		return true
	case AllExcludingSelf:
		return t != m.Source
	}
	return t.Match(m)
}

// lowest delivers m to the destination with the lowest arbitration
// priority; ties rotate.
func (b *Bus) lowest(ts []Target, m Message) {
	n := len(ts)
	if n == 0 {
		return
	}
	start := int(b.rr.Add(1) % uint32(n))
	var best Target
	bestPri := 0
	for i := 0; i < n; i++ {
		t := ts[(start+i)%n]
		if !b.addressed(t, m) {
			continue
		}
		if p := int(t.ArbitrationPriority()); best == nil || p < bestPri {
			best, bestPri = t, p
		}
	}
	if best != nil {
		best.Accept(m)
	}
}

// BroadcastEOI tells every I/O APIC that a level-triggered interrupt with
// vector was serviced.
func (b *Bus) BroadcastEOI(vector uint8) {
	for _, l := range *b.eoi.Load() {
		l.EOI(vector)
	}
}

// MSI address and data layout (SDM vol. 3A §10.11.1, §10.11.2).
const (
	MSIAddrBase      = 0xfee00000 // bits 31:20 are 0xfee
	msiAddrMask      = 0xfff00000
	msiAddrDestShift = 12     // bits 19:12: destination ID
	msiAddrRH        = 1 << 3 // redirection hint (lowest priority among the destinations)
	msiAddrDM        = 1 << 2 // destination mode: 1 logical
	msiDataTrigger   = 1 << 15
	msiDataLevel     = 1 << 14
	msiDataModeShift = 8 // bits 10:8: delivery mode
)

// DecodeMSI turns an MSI address and data pair into a message. ok is false
// when the address is outside the interrupt window 0xfee00000-0xfeefffff
// (the write would be an ordinary memory write).
func DecodeMSI(addr uint64, data uint32) (m Message, ok bool) {
	if addr>>32 != 0 || addr&msiAddrMask != MSIAddrBase {
		return Message{}, false
	}
	m = Message{
		Dest:    uint32(addr>>msiAddrDestShift) & 0xff,
		Logical: addr&msiAddrDM != 0,
		Mode:    DeliveryMode(data>>msiDataModeShift) & 7,
		Vector:  uint8(data),
		Level:   data&msiDataLevel != 0,
		Trigger: data&msiDataTrigger != 0,
	}
	// The redirection hint with fixed delivery makes the message go to one
	// of the destinations, the lowest-priority one (§10.11.1).
	if addr&msiAddrRH != 0 && m.Mode == Fixed {
		m.Mode = LowestPriority
	}
	// The level bit matters only for level-triggered messages (§10.11.2):
	// an edge always asserts.
	if !m.Trigger {
		m.Level = true
	}
	return m, true
}

// SignalMSI delivers a message-signalled interrupt. Writes outside the
// interrupt window are dropped: they are not interrupts.
func (b *Bus) SignalMSI(addr uint64, data uint32) {
	if m, ok := DecodeMSI(addr, data); ok {
		b.Deliver(m)
	}
}
