// Package router is a PC's interrupt wiring between device lines and the
// interrupt controllers modelled by the machine (QEMU's GSI handler for
// the pc and q35 boards): it implements irq.GSIController for the 8259
// pair and the I/O APIC.
//
// GSI numbers follow QEMU's internal convention: 0-15 are the ISA IRQs,
// 16-23 the I/O APIC's PCI inputs. ISA IRQ n reaches 8259 input n and I/O
// APIC pin n, except IRQ 0, which reaches pin 2 (the interrupt source
// override that the MP table and ACPI's MADT describe), and IRQ 2, the
// 8259 cascade, which reaches neither. GSIs 16-23 reach the I/O APIC only.
// The 8259 takes the raw level and applies its ELCR (ISA IRQs are
// edge-triggered, active high); the I/O APIC takes the asserted level and
// applies its redirection entries.
//
// Some sources wire to I/O APIC pins directly (the HPET's timer routes):
// IOAPICPins returns their controller. A pin driven from both sides sees
// the wired OR.
package router

import (
	"sync"

	"gemu/hw/irq"
)

// Input is an interrupt controller's set of inputs: the 8259 pair's
// SetIRQ (0-15) and the I/O APIC's (0-23).
type Input interface {
	SetIRQ(n int, high bool)
}

// NumGSIs is the number of GSIs routed: the I/O APIC's 24 pins.
const NumGSIs = 24

// Config names the controllers; either may be nil (a board without it).
type Config struct {
	PIC    Input
	IOAPIC Input
}

// Router routes GSIs.
type Router struct {
	mu     sync.Mutex
	gsi    uint32 // guarded by mu; levels set through SetGSI
	direct uint32 // guarded by mu; levels of direct I/O APIC pin sources
	driven uint32 // guarded by mu; the levels last driven on the I/O APIC pins

	pic, ioapic Input
}

var _ irq.GSIController = (*Router)(nil)

// New returns a router with every line low.
func New(c Config) *Router { return &Router{pic: c.PIC, ioapic: c.IOAPIC} }

// ioapicPin is the I/O APIC pin of a GSI, or -1.
func ioapicPin(gsi uint32) int {
	switch gsi {
	case 0:
		return 2
	case 2:
		return -1
	}
	return int(gsi)
}

// gsiOfPin is the GSI wired to I/O APIC pin p, or -1.
func gsiOfPin(p int) int {
	switch p {
	case 0:
		return -1
	case 2:
		return 0
	}
	return p
}

// SetGSI drives a GSI. Numbers beyond 23 are ignored.
func (r *Router) SetGSI(gsi uint32, high bool) {
	if gsi >= NumGSIs {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	m := uint32(1) << gsi
	if high {
		r.gsi |= m
	} else {
		r.gsi &^= m
	}
	if gsi < 16 && gsi != 2 && r.pic != nil {
		r.pic.SetIRQ(int(gsi), high)
	}
	if p := ioapicPin(gsi); p >= 0 {
		r.drivePin(p)
	}
}

// pinLevel is the OR of I/O APIC pin p's sources.
func (r *Router) pinLevel(p int) bool {
	if r.direct&(1<<p) != 0 {
		return true
	}
	g := gsiOfPin(p)
	return g >= 0 && r.gsi&(1<<g) != 0
}

// drivePin drives I/O APIC pin p with the OR of its sources, on a change.
func (r *Router) drivePin(p int) {
	m := uint32(1) << p
	level := r.pinLevel(p)
	if level == (r.driven&m != 0) {
		return
	}
	r.driven ^= m
	if r.ioapic != nil {
		r.ioapic.SetIRQ(p, level)
	}
}

// Level reports a GSI's level as last set.
func (r *Router) Level(gsi uint32) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return gsi < NumGSIs && r.gsi&(1<<gsi) != 0
}

// Redrive drives every controller input again from the levels held, as
// the machine does after resetting the controllers.
func (r *Router) Redrive() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for g := uint32(0); g < 16; g++ {
		if g != 2 && r.pic != nil {
			r.pic.SetIRQ(int(g), r.gsi&(1<<g) != 0)
		}
	}
	r.driven = 0
	for p := 0; p < NumGSIs; p++ {
		level := r.pinLevel(p)
		if level {
			r.driven |= 1 << p
		}
		if r.ioapic != nil {
			r.ioapic.SetIRQ(p, level)
		}
	}
}

// IOAPICPins returns the controller of direct I/O APIC pin sources: its
// SetGSI(n, level) drives pin n (0-23).
func (r *Router) IOAPICPins() irq.GSIController { return pinInputs{r} }

type pinInputs struct{ r *Router }

func (p pinInputs) SetGSI(pin uint32, high bool) {
	if pin >= NumGSIs {
		return
	}
	r := p.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if high {
		r.direct |= 1 << pin
	} else {
		r.direct &^= 1 << pin
	}
	r.drivePin(int(pin))
}
