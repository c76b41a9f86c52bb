// Package port92 models System Control Port A (port 0x92): the "fast A20"
// gate and the fast processor reset, as QEMU's port92 device does.
package port92

import (
	"errors"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Config configures the port. Reset is required.
type Config struct {
	ID string // device path; default "/machine/unattached/port92"
	// A20 follows bit 1 (nil: not connected).
	A20 irq.Line
	// Reset requests a system reset (called with the device lock released,
	// so it may reset this device synchronously).
	Reset func()
}

// Port is System Control Port A.
type Port struct {
	mu  sync.Mutex
	val uint8 // guarded by mu; the byte last written (bit 0 cleared by reset)

	id    string
	a20   irq.Line
	reset func()
}

var (
	_ bus.Handler = (*Port)(nil)
	_ hw.Device   = (*Port)(nil)
)

// New validates c and returns the port.
func New(c Config) (*Port, error) {
	if c.Reset == nil {
		return nil, errors.New("port92: no Reset function")
	}
	if c.A20 == nil {
		c.A20 = irq.None
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/port92"
	}
	return &Port{id: c.ID, a20: c.A20, reset: c.Reset}, nil
}

// Region is the port the machine maps.
func (p *Port) Region() bus.Region {
	return bus.Region{Name: "port92", Base: portA, Len: 1, MinSize: 1, MaxSize: 1, Handler: p}
}

// ID returns the device path.
func (p *Port) ID() string { return p.id }

// A20 reports whether the port enables address line 20.
func (p *Port) A20() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.val&ctlA20 != 0
}

// Read returns the byte last written (bit 0 reads 0 after a reset). The
// bytes of a wider access beyond port 0x92 belong to no device and read as
// all ones.
func (p *Port) Read(off uint64, size int) uint64 {
	if off != 0 {
		return 0xff
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return uint64(p.val)
}

// Write stores the byte, drives A20 from bit 1, and requests a reset when
// bit 0 goes from 0 to 1. The bytes of a wider access beyond port 0x92 are
// not the port's.
func (p *Port) Write(off uint64, size int, val uint64) {
	if off != 0 {
		return
	}
	p.mu.Lock()
	old := p.val
	p.val = uint8(val)
	p.a20.Set(p.val&ctlA20 != 0)
	reset := old&ctlFastReset == 0 && p.val&ctlFastReset != 0
	p.mu.Unlock()
	if reset {
		p.reset()
	}
}

// Reset clears the fast-reset bit, so the next 0→1 write resets again; the
// A20 bit keeps its value.
func (p *Port) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.val &^= ctlFastReset
}
