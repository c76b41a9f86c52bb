package i8259

import (
	"gemu/migration/vmstate"
)

// VisitState saves both chips' registers, initialisation progress and
// input levels. After a load the outputs are recomputed and INT re-driven.
func (p *PIC) VisitState(v *vmstate.Visitor) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v.Struct("master", func() { p.c[0].visit(v) })
	v.Struct("slave", func() { p.c[1].visit(v) })
	if v.Loading() && v.Err() == nil {
		m, s := &p.c[0], &p.c[1]
		s.out = s.request(false) >= 0
		if s.out != (m.level&(1<<cascadeIR) != 0) {
			v.Fail("master IR2 level %v differs from the slave's INT %v", !s.out, s.out)
			return
		}
		m.out = m.request(true) >= 0
		p.int.Set(m.out)
	}
}

func (c *chip) visit(v *vmstate.Visitor) {
	v.Uint8("irr", &c.irr)
	v.Uint8("isr", &c.isr)
	v.Uint8("imr", &c.imr)
	v.Uint8("elcr", &c.elcr)
	v.Check(c.elcr&^c.elcrMask == 0, "elcr %#x sets fixed edge bits (writable %#x)", c.elcr, c.elcrMask)
	v.Uint8("level", &c.level)
	v.Check(c.irr&c.elcr == c.level&c.elcr, "level-triggered irr %#x differs from the inputs %#x", c.irr&c.elcr, c.level&c.elcr)
	v.Uint8("base", &c.base)
	v.Check(c.base&7 == 0, "vector base %#x has low bits", c.base)
	v.Uint8("lowest", &c.lowest)
	v.Check(c.lowest <= 7, "lowest priority %d", c.lowest)
	v.Uint8("icw3", &c.icw3)
	v.Uint8("icw4", &c.icw4)
	v.Check(c.icw4&^icw4Valid == 0, "icw4 %#x has reserved bits", c.icw4)
	v.Uint8("init-step", &c.step)
	v.Check(c.step == stepReady || c.step >= stepICW2 && c.step <= stepICW4, "initialisation step %d", c.step)
	v.Bool("need-icw4", &c.needICW4)
	v.Bool("single", &c.single)
	v.Check(!(c.step == stepICW3 && c.single) && !(c.step == stepICW4 && !c.needICW4), "initialisation step %d contradicts ICW1", c.step)
	v.Bool("rotate-aeoi", &c.rotateAEOI)
	v.Bool("special-mask", &c.smm)
	v.Bool("read-isr", &c.readISR)
	v.Bool("poll", &c.poll)
}
