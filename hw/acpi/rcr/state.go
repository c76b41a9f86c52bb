package rcr

import "gemu/migration/vmstate"

// VisitState saves the register.
func (r *RCR) VisitState(v *vmstate.Visitor) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v.Uint8("rc", &r.val)
	v.Check(r.val&^rcValid == 0, "reset control %#x has reserved bits", r.val)
}
