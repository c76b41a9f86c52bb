// Package ged models the ACPI Generic Event Device of a hardware-reduced
// machine (QEMU microvm's "acpi-ged"): an event selector behind an edge
// interrupt, through which the power button reaches the OS, and the
// sleep control, sleep status and reset registers that replace the PM1
// blocks of a PC.
package ged

import (
	"errors"
	"log/slog"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Config configures the device. Shutdown and Reset are required.
type Config struct {
	ID   string // device path; default "/machine/unattached/acpi-ged"
	Base uint64 // event selector address (0: DefaultBase); the registers at Base+RegsOffset
	IRQ  irq.Line
	// Shutdown is called when the guest enters S5, Reset when it writes
	// the reset value; both with the device lock released.
	Shutdown func()
	Reset    func()
	Logger   *slog.Logger // guest misbehaviour (nil: discarded)
}

// GED is the generic event device with the hardware-reduced registers.
type GED struct {
	mu     sync.Mutex
	sel    uint32 // guarded by mu; pending events, cleared when read
	sleepS uint8  // guarded by mu; sleep status (WAK_STS)
	warned int    // guarded by mu

	id       string
	base     uint64
	irq      irq.Line
	shutdown func()
	reset    func()
	log      *slog.Logger
}

var (
	_ hw.Device   = (*GED)(nil)
	_ bus.Handler = selHandler{}
	_ bus.Handler = regsHandler{}
)

// New validates c and returns the device.
func New(c Config) (*GED, error) {
	if c.Shutdown == nil || c.Reset == nil {
		return nil, errors.New("ged: Shutdown and Reset functions are required")
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/acpi-ged"
	}
	if c.Base == 0 {
		c.Base = DefaultBase
	}
	if c.Base%4 != 0 || c.Base+RegsOffset+regsLen < c.Base {
		return nil, errors.New("ged: base address not dword aligned or wraps")
	}
	if c.IRQ == nil {
		c.IRQ = irq.None
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &GED{id: c.ID, base: c.Base, irq: c.IRQ, shutdown: c.Shutdown, reset: c.Reset, log: c.Logger.With("dev", c.ID)}, nil
}

type selHandler struct{ g *GED }
type regsHandler struct{ g *GED }

// Regions are the MMIO windows the machine maps.
func (g *GED) Regions() []bus.Region {
	return []bus.Region{
		{Name: "acpi-ged", Base: g.base, Len: selLen, MinSize: 4, MaxSize: 4, Handler: selHandler{g}},
		{Name: "acpi-ged-regs", Base: g.base + RegsOffset, Len: regsLen, MinSize: 1, MaxSize: 1, Handler: regsHandler{g}},
	}
}

// ID returns the device path.
func (g *GED) ID() string { return g.id }

// Reset clears pending events and the wake status.
func (g *GED) Reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sel, g.sleepS = 0, 0
}

// PressPowerButton signals a power button press: the selector's power-down
// bit and an interrupt edge.
func (g *GED) PressPowerButton() {
	g.mu.Lock()
	g.sel |= EvtPowerDown
	g.mu.Unlock()
	irq.Pulse(g.irq)
}

// Wake sets WAK_STS after the machine resumed from a sleep state.
func (g *GED) Wake() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sleepS |= stsWak
}

// Read returns the pending events and clears them (the _EVT method reads
// the selector once per interrupt).
func (h selHandler) Read(off uint64, size int) uint64 {
	g := h.g
	g.mu.Lock()
	defer g.mu.Unlock()
	v := g.sel
	g.sel = 0
	return uint64(v)
}

// Write: the selector is read-only.
func (h selHandler) Write(off uint64, size int, val uint64) {
	g := h.g
	g.mu.Lock()
	defer g.mu.Unlock()
	g.warn("ged: write to the read-only event selector", "val", val)
}

// Read returns the sleep status; sleep control and reset read 0.
func (h regsHandler) Read(off uint64, size int) uint64 {
	g := h.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if off == RegSleepSts {
		return uint64(g.sleepS)
	}
	return 0
}

// Write enters S5 on SLP_EN with SLP_TYP 5, clears WAK_STS on a 1, and
// resets the machine on the reset value.
func (h regsHandler) Write(off uint64, size int, val uint64) {
	g := h.g
	var call func()
	g.mu.Lock()
	switch off {
	case RegSleepCtl:
		if val&ctlSlpEn != 0 {
			if typ := (val & ctlSlpTypMask) >> ctlSlpTypShift; typ == SlpTypS5 {
				call = g.shutdown
			} else {
				g.warn("ged: SLP_EN with an unsupported sleep type", "slp_typ", typ)
			}
		}
	case RegSleepSts:
		g.sleepS &^= uint8(val) & stsWak
	case RegReset:
		if val == ResetValue {
			call = g.reset
		} else {
			g.warn("ged: reset register written with a value other than the reset value", "val", val)
		}
	}
	g.mu.Unlock()
	if call != nil {
		call()
	}
}

func (g *GED) warn(msg string, args ...any) {
	if g.warned >= 10 {
		return
	}
	g.warned++
	g.log.Warn(msg, args...)
}
