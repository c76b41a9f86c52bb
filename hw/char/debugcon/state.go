package debugcon

import "gemu/migration/vmstate"

// VisitState describes the device's state: it has none (readback is
// configuration), so the section is empty.
func (d *Device) VisitState(v *vmstate.Visitor) {}
