// Package i8259 models the PC's pair of Intel 8259A programmable interrupt
// controllers (QEMU's isa-i8259): a master at ports 0x20-0x21 and a slave
// at 0xa0-0xa1 cascaded on the master's IR2, with the PIIX edge/level
// control registers at 0x4d0-0x4d1.
//
// Inputs arrive as levels (SetIRQ); each IR is edge- or level-triggered as
// its ELCR bit says. The master's INT output drives the processor: through
// the local APIC's LINT0 in ExtINT mode on an APIC machine, or directly.
// The processor's interrupt-acknowledge cycle is Ack, which returns the
// vector and moves the request to in-service.
package i8259

import (
	"fmt"
	"log/slog"
	"math/bits"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Config configures the pair. The zero value is a PC's PIC with its INT
// output unconnected.
type Config struct {
	ID     string       // device path; default "/machine/unattached/isa-i8259"
	INT    irq.Line     // the master's INT output (nil: not connected)
	Logger *slog.Logger // guest misbehaviour (nil: discarded)
}

// chip is one 8259A; its fields are guarded by the PIC's mu.
type chip struct {
	irr, isr, imr uint8
	elcr          uint8 // 1: level-triggered
	elcrMask      uint8 // writable ELCR bits
	level         uint8 // input levels, for edge detection
	base          uint8 // ICW2: vector of IR0 (T7-T3)
	lowest        uint8 // the IR with the lowest priority (7 after ICW1)
	icw3          uint8
	icw4          uint8
	step          uint8 // initialisation: the ICW the data port expects next
	needICW4      bool
	single        bool
	rotateAEOI    bool // rotate in automatic EOI mode
	smm           bool // special mask mode
	readISR       bool // OCW3 RIS: command port reads the ISR
	poll          bool // the next read is a poll
	out           bool // INT output
}

// PIC is the master/slave pair.
type PIC struct {
	mu       sync.Mutex
	c        [2]chip // guarded by mu; 0 master, 1 slave
	warnings int     // guarded by mu

	id  string
	int irq.Line
	log *slog.Logger
}

var (
	_ hw.Device   = (*PIC)(nil)
	_ bus.Handler = chipPort{}
	_ bus.Handler = elcrPort{}
)

// New validates c and returns the pair in its reset state.
func New(c Config) (*PIC, error) {
	if c.INT == nil {
		c.INT = irq.None
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/isa-i8259"
	}
	p := &PIC{id: c.ID, int: c.INT, log: c.Logger.With("dev", c.ID)}
	p.c[0].elcrMask = elcrMaskMaster
	p.c[1].elcrMask = elcrMaskSlave
	p.resetChips()
	return p, nil
}

// ID returns the device path.
func (p *PIC) ID() string { return p.id }

// Regions are the master's and slave's ports and the two ELCRs.
func (p *PIC) Regions() []bus.Region {
	return []bus.Region{
		{Name: "pic-master", Base: MasterPort, Len: numRegs, MinSize: 1, MaxSize: 1, Handler: chipPort{p, 0}},
		{Name: "pic-slave", Base: SlavePort, Len: numRegs, MinSize: 1, MaxSize: 1, Handler: chipPort{p, 1}},
		{Name: "elcr", Base: ELCRPort, Len: 2, MinSize: 1, MaxSize: 1, Handler: elcrPort{p}},
	}
}

// Reset returns both chips to their power-on state: uninitialised, nothing
// masked, requested or in service, every IR edge-triggered (the ELCRs
// reset to 0), and every input low; the machine re-drives the lines.
func (p *PIC) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resetChips()
	p.int.Set(false)
}

func (p *PIC) resetChips() {
	for i := range p.c {
		c := &p.c[i]
		*c = chip{elcrMask: c.elcrMask, lowest: 7, icw3: 4 >> i}
	}
}

// SetIRQ drives input n (0-15; 8-15 are the slave's IR0-IR7). IRQ 2 is the
// cascade: the master's IR2 is the slave's INT, so driving it is ignored.
func (p *PIC) SetIRQ(n int, high bool) {
	if n < 0 || n > 15 || n == cascadeIR {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.c[n>>3].input(uint(n&7), high)
	p.update()
}

// input records the level of one IR input and latches a request.
func (c *chip) input(ir uint, high bool) {
	m := uint8(1) << ir
	if high {
		if c.elcr&m != 0 || c.level&m == 0 {
			c.irr |= m // level: while high; edge: on the rising edge
		}
		c.level |= m
		return
	}
	c.level &^= m
	if c.elcr&m != 0 {
		c.irr &^= m
	}
}

// highest returns the IR of highest priority among those set in mask
// (which must not be 0): the one after lowest, in rotation order.
func (c *chip) highest(mask uint8) int {
	first := int(c.lowest+1) & 7
	r := bits.RotateLeft8(mask, -first)
	return (bits.TrailingZeros8(r) + first) & 7
}

// rank is an IR's priority: 0 is the highest, 7 the lowest.
func (c *chip) rank(ir int) int { return (ir - int(c.lowest) - 1) & 7 }

// request returns the IR the chip asks the processor to service, or -1.
// A request is granted if it is not masked and its priority is above every
// level in service (data sheet, "Fully Nested Mode"); in special fully
// nested mode the master also lets the cascade IR interrupt its own
// service (the slave resolves priority); in special mask mode in-service
// levels block only themselves ("Special Mask Mode").
func (c *chip) request(master bool) int {
	pend := c.irr &^ c.imr
	if pend == 0 {
		return -1
	}
	if c.smm {
		pend &^= c.isr
		if pend == 0 {
			return -1
		}
		return c.highest(pend)
	}
	ir := c.highest(pend)
	if c.isr != 0 {
		cur := c.highest(c.isr)
		r, rc := c.rank(ir), c.rank(cur)
		if r > rc || r == rc && !(master && c.icw4&icw4SFNM != 0 && ir == cascadeIR) {
			return -1
		}
	}
	return ir
}

// ack is the chip's part of an interrupt acknowledge (or poll) for ir.
func (c *chip) ack(ir int) {
	m := uint8(1) << ir
	if c.elcr&m == 0 {
		c.irr &^= m
	}
	if c.icw4&icw4AEOI != 0 {
		if c.rotateAEOI {
			c.lowest = uint8(ir)
		}
		return
	}
	c.isr |= m
}

// update recomputes the slave's INT (the master's IR2) and the master's
// INT, driving the output line on a change.
func (p *PIC) update() {
	s, m := &p.c[1], &p.c[0]
	if out := s.request(false) >= 0; out != s.out {
		s.out = out
		m.input(cascadeIR, out)
	}
	if out := m.request(true) >= 0; out != m.out {
		m.out = out
		p.int.Set(out)
	}
}

// INTR reports the master's INT output: an interrupt is waiting for an
// acknowledge. A processor without a local APIC checks it.
func (p *PIC) INTR() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.c[0].out
}

// Ack is the processor's interrupt-acknowledge cycle: it returns the vector
// of the highest-priority request and sets its in-service bit (unless in
// automatic EOI mode). With no request left (it went away before the
// acknowledge) the chip answers with IR7's vector and sets nothing: the
// spurious IRQ 7, or 15 when the master granted the cascade but the slave
// has nothing.
func (p *PIC) Ack() uint8 {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, s := &p.c[0], &p.c[1]
	var vec uint8
	switch ir := m.request(true); {
	case ir < 0:
		vec = m.base | 7
	case ir == cascadeIR && !m.single:
		m.ack(ir)
		if sir := s.request(false); sir < 0 {
			vec = s.base | 7
		} else {
			s.ack(sir)
			vec = s.base | uint8(sir)
		}
		// The acknowledge ends the slave's INT pulse: a request still
		// granted raises it again, a new edge for the master.
		s.out = false
		m.input(cascadeIR, false)
	default:
		m.ack(ir)
		vec = m.base | uint8(ir)
	}
	p.update()
	return vec
}

// read serves a chip's ports.
func (p *PIC) read(i int, off uint64) uint8 {
	c := &p.c[i]
	if c.poll {
		c.poll = false
		ir := c.request(i == 0)
		if ir < 0 {
			return pollNone
		}
		c.ack(ir)
		if i == 1 {
			c.out = false
			p.c[0].input(cascadeIR, false)
		}
		p.update()
		return pollRequest | uint8(ir)
	}
	if off == regData {
		return c.imr
	}
	if c.readISR {
		return c.isr
	}
	return c.irr
}

// write serves a chip's ports.
func (p *PIC) write(i int, off uint64, v uint8) {
	c := &p.c[i]
	if off == regCommand {
		switch {
		case v&icw1Sel != 0:
			p.icw1(c, v)
		case v&ocw3Sel != 0:
			if v&ocw3P != 0 {
				c.poll = true
			}
			if v&ocw3RR != 0 {
				c.readISR = v&ocw3RIS != 0
			}
			if v&ocw3ESMM != 0 {
				c.smm = v&ocw3SMM != 0
			}
		default:
			p.ocw2(c, v)
		}
		p.update()
		return
	}
	switch c.step {
	case stepICW2:
		c.base = v &^ 7
		switch {
		case !c.single:
			c.step = stepICW3
		case c.needICW4:
			c.step = stepICW4
		default:
			c.step = stepReady
		}
	case stepICW3:
		c.icw3 = v
		c.step = stepReady
		if c.needICW4 {
			c.step = stepICW4
		}
	case stepICW4:
		c.icw4 = v & icw4Valid // bits 7-5 must be 0
		c.step = stepReady
		if v&icw4UPM == 0 {
			p.warn("ICW4 selects MCS-80/85 mode; vectors are delivered as in 8086 mode", "chip", i, "icw4", v)
		}
	default:
		c.imr = v
	}
	p.update()
}

// icw1 starts the initialisation sequence (data sheet, "Initialization
// Command Words"): the edge sense circuit is reset (an input that is high
// needs a new rising edge; level-triggered requests stay), the IMR and
// ISR are cleared, IR7 gets the lowest priority, special mask mode and
// poll are cleared, reads select the IRR, and ICW4's functions are
// cleared.
func (p *PIC) icw1(c *chip, v uint8) {
	if v&icw1LTIM != 0 {
		p.warn("ICW1 selects level-triggered mode; the ELCR decides on this chipset", "icw1", v)
	}
	c.needICW4 = v&icw1IC4 != 0
	c.single = v&icw1SNGL != 0
	c.irr &= c.elcr & c.level
	c.imr, c.isr = 0, 0
	c.lowest = 7
	c.smm, c.poll, c.readISR = false, false, false
	c.icw4, c.rotateAEOI = 0, false
	c.step = stepICW2
}

// ocw2 is the EOI and rotation command.
func (p *PIC) ocw2(c *chip, v uint8) {
	level := int(v & ocw2Level)
	switch v >> ocw2CmdShift {
	case ocw2RotateAEOIClear:
		c.rotateAEOI = false
	case ocw2RotateAEOISet:
		c.rotateAEOI = true
	case ocw2NonSpecificEOI, ocw2RotateEOI:
		if c.isr == 0 {
			return
		}
		ir := c.highest(c.isr)
		c.isr &^= 1 << ir
		if v>>ocw2CmdShift == ocw2RotateEOI {
			c.lowest = uint8(ir)
		}
	case ocw2SpecificEOI:
		c.isr &^= 1 << level
	case ocw2RotateSpecific:
		c.isr &^= 1 << level
		c.lowest = uint8(level)
	case ocw2SetPriority:
		c.lowest = uint8(level)
	case ocw2NOP:
	}
}

// readELCR and writeELCR serve ports 0x4d0 (master) and 0x4d1 (slave).
// Bits switched to level take the input's current level as the request.
func (p *PIC) writeELCR(i int, v uint8) {
	c := &p.c[i]
	c.elcr = v & c.elcrMask
	c.irr = c.irr&^c.elcr | c.level&c.elcr
	p.update()
}

func (p *PIC) warn(msg string, args ...any) {
	if p.warnings >= 10 {
		return
	}
	p.warnings++
	p.log.Warn(msg, args...)
}

// Vectors reports each chip's ICW2 vector base (for tests and "info pic").
func (p *PIC) Vectors() (master, slave uint8) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.c[0].base, p.c[1].base
}

// String describes the registers like QEMU's "info pic".
func (p *PIC) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var s string
	for i := range p.c {
		c := &p.c[i]
		s += fmt.Sprintf("pic%d: irr=%02x imr=%02x isr=%02x hprio=%d irq_base=%02x rr_sel=%d elcr=%02x fnm=%d\n",
			i, c.irr, c.imr, c.isr, (c.lowest+1)&7, c.base, b2i(c.readISR), c.elcr, b2i(c.icw4&icw4SFNM != 0))
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// chipPort is one chip's two ports.
type chipPort struct {
	p *PIC
	i int
}

func (h chipPort) Read(off uint64, size int) uint64 {
	if off >= numRegs {
		return 0xff
	}
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	return uint64(h.p.read(h.i, off))
}

func (h chipPort) Write(off uint64, size int, val uint64) {
	if off >= numRegs {
		return
	}
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	h.p.write(h.i, off, uint8(val))
}

// elcrPort is ELCR1 and ELCR2.
type elcrPort struct{ p *PIC }

func (h elcrPort) Read(off uint64, size int) uint64 {
	if off > 1 {
		return 0xff
	}
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	return uint64(h.p.c[off].elcr)
}

func (h elcrPort) Write(off uint64, size int, val uint64) {
	if off > 1 {
		return
	}
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	h.p.writeELCR(int(off), uint8(val))
}
