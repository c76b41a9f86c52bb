// Package ioapic models a PC's I/O APIC (QEMU's ioapic, version 0x20): 24
// interrupt inputs, each routed by a guest-programmed redirection entry
// into an interrupt message to the local APICs over the APIC bus.
//
// Inputs arrive as asserted levels (SetIRQ). Like QEMU's and KVM's models,
// the entry's polarity bit describes the wire and is kept for the guest to
// read, but the level given is already the asserted state: the machine's
// lines are logical, whatever the firmware tables say about the wiring.
// Edge-triggered inputs latch a rising edge, also while masked, and deliver
// it once unmasked. Level-triggered inputs deliver while asserted, once per
// EOI: the remote IRR bit holds further deliveries until a local APIC
// broadcasts the EOI of the entry's vector (or the guest writes the EOI
// register).
package ioapic

import (
	"fmt"
	"log/slog"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/intc/apicbus"
)

// Config configures the I/O APIC. Bus is required.
type Config struct {
	ID     string       // device path; default "/machine/ioapic"
	Base   uint64       // MMIO base (0: 0xfec00000)
	APICID uint8        // the IOAPICID register's reset value (0-15)
	Bus    *apicbus.Bus // where interrupt messages go
	Logger *slog.Logger // guest misbehaviour (nil: discarded)
}

// IOAPIC is one I/O APIC.
type IOAPIC struct {
	mu       sync.Mutex
	sel      uint8           // guarded by mu; IOREGSEL
	apicID   uint8           // guarded by mu; IOAPICID bits 27:24
	arbID    uint8           // guarded by mu; IOAPICARB bits 27:24
	rte      [NumPins]uint64 // guarded by mu
	pins     uint32          // guarded by mu; asserted inputs
	latched  uint32          // guarded by mu; edges waiting for delivery
	warnings int             // guarded by mu

	id      string
	base    uint64
	resetID uint8
	bus     *apicbus.Bus
	log     *slog.Logger
}

var (
	_ bus.Handler         = (*IOAPIC)(nil)
	_ hw.Device           = (*IOAPIC)(nil)
	_ apicbus.EOIListener = (*IOAPIC)(nil)
)

// New validates c and returns an I/O APIC in its reset state. The machine
// adds it to the bus's EOI listeners (Bus.AddEOIListener).
func New(c Config) (*IOAPIC, error) {
	if c.Bus == nil {
		return nil, fmt.Errorf("ioapic: no APIC bus")
	}
	if c.APICID > 15 {
		return nil, fmt.Errorf("ioapic: APIC ID %d does not fit in 4 bits", c.APICID)
	}
	if c.Base == 0 {
		c.Base = DefaultBase
	}
	if c.Base&(RegionLen-1) != 0 {
		return nil, fmt.Errorf("ioapic: base %#x is not 4 KiB aligned", c.Base)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = "/machine/ioapic"
	}
	s := &IOAPIC{id: c.ID, base: c.Base, resetID: c.APICID, bus: c.Bus, log: c.Logger.With("dev", c.ID)}
	s.resetRegs()
	return s, nil
}

// ID returns the device path.
func (s *IOAPIC) ID() string { return s.id }

// Region is the MMIO window the machine maps.
func (s *IOAPIC) Region() bus.Region {
	return bus.Region{Name: "ioapic", Base: s.base, Len: RegionLen, MinSize: 1, MaxSize: 4, Handler: s}
}

// Reset masks every entry and forgets inputs and latched edges; the
// machine re-drives the lines.
func (s *IOAPIC) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetRegs()
}

func (s *IOAPIC) resetRegs() {
	s.sel = 0
	s.apicID, s.arbID = s.resetID, s.resetID
	for i := range s.rte {
		s.rte[i] = rteReset
	}
	s.pins, s.latched = 0, 0
}

// SetIRQ drives input pin (0-23) to the asserted (high) or idle level.
func (s *IOAPIC) SetIRQ(pin int, high bool) {
	if pin < 0 || pin >= NumPins {
		return
	}
	m := uint32(1) << pin
	s.mu.Lock()
	defer s.mu.Unlock()
	if !high {
		s.pins &^= m
		return
	}
	if s.pins&m != 0 {
		return // no edge; a level entry already delivered or is waiting for its EOI
	}
	s.pins |= m
	s.latched |= m
	s.service(pin)
}

// edgeLike reports whether entry e is delivered once per rising edge: edge
// entries, and NMI, SMI, INIT and ExtINT entries, which the data sheet
// requires to be edge-triggered (§3.2.4 "Delivery Mode").
func edgeLike(e uint64) bool {
	if e&rteLevel == 0 {
		return true
	}
	m := apicbus.DeliveryMode(e>>rteModeShift) & 7
	return m != apicbus.Fixed && m != apicbus.LowestPriority
}

// service delivers pin's interrupt if the entry allows it.
func (s *IOAPIC) service(pin int) {
	m := uint32(1) << pin
	e := s.rte[pin]
	if e&rteMasked != 0 {
		return
	}
	if edgeLike(e) {
		if s.latched&m == 0 {
			return
		}
		s.latched &^= m
		s.deliver(e, false)
		return
	}
	s.latched &^= m // a level entry tracks the input, not edges
	if s.pins&m == 0 || e&rteRemoteIRR != 0 {
		return
	}
	s.rte[pin] |= rteRemoteIRR
	s.deliver(e, true)
}

func (s *IOAPIC) deliver(e uint64, level bool) {
	s.bus.Deliver(apicbus.Message{
		Dest:    uint32(e >> rteDestShift),
		Logical: e&rteDestLogical != 0,
		Mode:    apicbus.DeliveryMode(e>>rteModeShift) & 7,
		Vector:  uint8(e & rteVector),
		Level:   true,
		Trigger: level,
	})
}

// EOI clears the remote IRR of every level-triggered entry with vector and
// delivers again those whose input is still asserted. The local APICs
// broadcast it; the guest may also write the EOI register.
func (s *IOAPIC) EOI(vector uint8) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eoi(vector)
}

func (s *IOAPIC) eoi(vector uint8) {
	for pin := range s.rte {
		e := s.rte[pin]
		if e&rteRemoteIRR == 0 || uint8(e&rteVector) != vector {
			continue
		}
		s.rte[pin] &^= rteRemoteIRR
		s.service(pin)
	}
}

// Read serves the MMIO window.
func (s *IOAPIC) Read(off uint64, size int) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var v uint32
	switch off &^ 3 {
	case regIOREGSEL:
		v = uint32(s.sel)
	case regIOWIN:
		v = s.readReg(s.sel)
	default:
		return 0
	}
	v >>= 8 * (off & 3)
	if size < 4 {
		v &= 1<<(8*size) - 1
	}
	return uint64(v)
}

// Write serves the MMIO window.
func (s *IOAPIC) Write(off uint64, size int, val uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch off {
	case regIOREGSEL:
		s.sel = uint8(val)
	case regIOWIN:
		if size != 4 {
			s.warn("IOWIN write narrower than 32 bits ignored", "size", size, "index", s.sel)
			return
		}
		s.writeReg(s.sel, uint32(val))
	case regEOI:
		s.eoi(uint8(val))
	default:
		if off&^3 == regIOREGSEL && off != regIOREGSEL {
			return // the upper bytes of IOREGSEL are reserved
		}
		s.warn("write outside the I/O APIC registers ignored", "off", off, "size", size)
	}
}

func (s *IOAPIC) readReg(idx uint8) uint32 {
	switch {
	case idx == idxID:
		return uint32(s.apicID) << idShift
	case idx == idxVersion:
		return (NumPins-1)<<16 | Version
	case idx == idxArb:
		return uint32(s.arbID) << idShift
	case idx >= idxRedTbl && idx < idxRedTbl+2*NumPins:
		e := s.rte[(idx-idxRedTbl)/2]
		if idx&1 != 0 {
			return uint32(e >> 32)
		}
		return uint32(e)
	}
	return 0
}

func (s *IOAPIC) writeReg(idx uint8, v uint32) {
	switch {
	case idx == idxID:
		// The arbitration ID follows the ID (data sheet §3.2.3).
		s.apicID = uint8(v & idMask >> idShift)
		s.arbID = s.apicID
	case idx >= idxRedTbl && idx < idxRedTbl+2*NumPins:
		pin := int(idx-idxRedTbl) / 2
		e := s.rte[pin]
		if idx&1 != 0 {
			e = e&0xffffffff | uint64(v)<<32
		} else {
			e = e&^0xffffffff | uint64(v)
		}
		e = e&rteWritable | s.rte[pin]&rteReadOnly
		if e&rteLevel == 0 {
			e &^= rteRemoteIRR // meaningless for edge entries
		}
		if m := apicbus.DeliveryMode(e>>rteModeShift) & 7; m == 3 {
			s.warn("redirection entry with reserved delivery mode 3", "pin", pin)
		}
		s.rte[pin] = e
		s.service(pin)
	default:
		s.warn("write to read-only or reserved I/O APIC register ignored", "index", idx, "val", v)
	}
}

// Entry returns redirection entry pin (for tests and "info ioapic").
func (s *IOAPIC) Entry(pin int) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rte[pin]
}

func (s *IOAPIC) warn(msg string, args ...any) {
	if s.warnings >= 10 {
		return
	}
	s.warnings++
	s.log.Warn(msg, args...)
}
