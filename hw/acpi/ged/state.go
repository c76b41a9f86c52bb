package ged

import "gemu/migration/vmstate"

// VisitState saves the pending events and the wake status.
func (g *GED) VisitState(v *vmstate.Visitor) {
	g.mu.Lock()
	defer g.mu.Unlock()
	v.Uint32("sel", &g.sel)
	v.Check(g.sel&^EvtPowerDown == 0, "event selector %#x has undefined events", g.sel)
	v.Uint8("sleep-sts", &g.sleepS)
	v.Check(g.sleepS&^stsWak == 0, "sleep status %#x has reserved bits", g.sleepS)
}
