package ioapic

import "gemu/migration/vmstate"

// VisitState saves the registers, the redirection table, the asserted
// inputs and the edges waiting for an unmask. Nothing is delivered on
// load: a consistent state has nothing undelivered but what the masks and
// remote IRR bits hold back.
func (s *IOAPIC) VisitState(v *vmstate.Visitor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v.Uint8("sel", &s.sel)
	v.Uint8("id", &s.apicID)
	v.Check(s.apicID <= 15, "APIC ID %d", s.apicID)
	v.Uint8("arb-id", &s.arbID)
	v.Check(s.arbID <= 15, "arbitration ID %d", s.arbID)
	v.Uint64s("redirection", s.rte[:])
	v.Uint32("pins", &s.pins)
	v.Uint32("latched", &s.latched)
	if !v.Loading() || v.Err() != nil {
		return
	}
	v.Check(s.pins>>NumPins == 0 && s.latched>>NumPins == 0, "inputs %#x / latched edges %#x beyond pin %d", s.pins, s.latched, NumPins-1)
	for pin, e := range s.rte {
		m := uint32(1) << pin
		v.Check(e&^(rteWritable|rteRemoteIRR) == 0, "redirection entry %d: %#x has reserved or status bits", pin, e)
		v.Check(e&rteRemoteIRR == 0 || e&rteLevel != 0, "redirection entry %d: remote IRR on an edge entry", pin)
		if e&rteMasked != 0 {
			continue
		}
		if edgeLike(e) {
			v.Check(s.latched&m == 0, "redirection entry %d: unmasked with an undelivered edge", pin)
		} else {
			v.Check(s.pins&m == 0 || e&rteRemoteIRR != 0, "redirection entry %d: asserted level neither delivered nor held", pin)
		}
	}
}
