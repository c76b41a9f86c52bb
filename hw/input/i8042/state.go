package i8042

import "gemu/migration/vmstate"

// VisitState saves the controller (RAM, status, output port and buffer,
// pending command and queued replies) and both devices. Loading re-drives
// the interrupts and the A20 gate.
func (k *Controller) VisitState(v *vmstate.Visitor) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v.Array("ram", k.ram[:]) // the command byte's reserved bit 7 is stored as written, as QEMU does
	v.Uint8("status", &k.status)
	v.Check(k.status&(stOBF|stIBF|stINH|stAUXB) == 0, "status %#x stores derived bits", k.status)
	v.Uint8("outport", &k.outPort)
	v.Bool("obf", &k.obf)
	v.Bool("ob-aux", &k.obAux)
	v.Uint8("ob", &k.ob)
	v.Uint8("expect", &k.expect)
	v.Check(k.expect == 0 || (k.expect >= ccWriteRAM && k.expect < ccWriteRAM+ramLen) ||
		(k.expect >= ccWriteOutput && k.expect <= ccWriteAux), "pending command %#x takes no data", k.expect)
	visitQueue(v, "reply", &k.reply)
	visitQueue(v, "aux-loop", &k.auxLoop)
	v.Bool("xlate-break", &k.xlBreak)
	v.Struct("keyboard", func() { k.kbd.visit(v) })
	v.Struct("mouse", func() { k.aux.visit(v) })
	if v.Loading() && v.Err() == nil {
		k.kbdLevel = k.obf && !k.obAux && k.ram[0]&cbKbdInt != 0
		k.auxLevel = k.obf && k.obAux && k.ram[0]&cbAuxInt != 0
		k.kbdIRQ.Set(k.kbdLevel)
		k.auxIRQ.Set(k.auxLevel)
		k.a20.Set(k.outPort&opA20 != 0)
	}
}

func visitQueue(v *vmstate.Visitor, name string, q *queue) {
	b := q.bytes()
	v.Bytes(name, &b, len(q.buf))
	if v.Loading() && v.Err() == nil {
		q.set(b)
	}
}

func (k *keyboard) visit(v *vmstate.Visitor) {
	visitQueue(v, "queue", &k.out)
	v.Uint8("expect", &k.expect)
	v.Check(k.expect == 0 || k.expect == kbSetLEDs || k.expect == kbTypematic || k.expect == kbScanCodeSet,
		"keyboard waits for a parameter of %#x", k.expect)
	v.Uint8("set", &k.set)
	v.Check(k.set == 1 || k.set == 2, "scan code set %d", k.set)
	v.Bool("scanning", &k.scanning)
	v.Uint8("leds", &k.leds)
	v.Check(k.leds <= 7, "leds %#x", k.leds)
	v.Uint8("last", &k.last)
	v.Bool("overrun", &k.overrun)
}

func (m *mouse) visit(v *vmstate.Visitor) {
	visitQueue(v, "queue", &m.out)
	v.Uint8("expect", &m.expect)
	v.Check(m.expect == 0 || m.expect == msSampleRate || m.expect == msResolution, "mouse waits for a parameter of %#x", m.expect)
	v.Bool("remote", &m.remote)
	v.Bool("enabled", &m.enabled)
	v.Bool("wrap", &m.wrap)
	v.Bool("scaling21", &m.scaling21)
	v.Uint8("resolution", &m.resolution)
	v.Check(m.resolution <= 3, "resolution %d", m.resolution)
	v.Uint8("rate", &m.rate)
	v.Uint8("id", &m.id)
	v.Check(m.id == 0 || m.id == 3 || m.id == 4, "mouse id %d", m.id)
	v.Array("rates", m.rates[:])
	v.Uint8("last", &m.last)
	v.Uint8("buttons", &m.buttons)
	v.Check(m.buttons <= 0x1f, "buttons %#x", m.buttons)
	for _, f := range []struct {
		name string
		p    *int32
	}{{"dx", &m.dx}, {"dy", &m.dy}, {"dz", &m.dz}} {
		x := int64(*f.p)
		v.Int64(f.name, &x)
		v.Check(x >= -(1<<20) && x <= 1<<20, "%s %d outside ±2^20", f.name, x)
		if v.Loading() {
			*f.p = int32(x)
		}
	}
}
