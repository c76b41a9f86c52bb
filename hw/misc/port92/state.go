package port92

import "gemu/migration/vmstate"

// VisitState saves the port's byte; every value is valid. Loading re-drives
// the A20 line.
func (p *Port) VisitState(v *vmstate.Visitor) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v.Uint8("outport", &p.val)
	if v.Loading() && v.Err() == nil {
		p.a20.Set(p.val&ctlA20 != 0)
	}
}
