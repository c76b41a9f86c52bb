// Package rcr models the PC's reset control register at port 0xcf9, the
// PIIX's RC register that the FADT's RESET_REG points at: writing 0x06 (a
// hard reset) resets the machine, as do Linux's reboot=pci and
// reboot=acpi.
package rcr

import (
	"errors"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
)

// Config configures the register. Reset is required.
type Config struct {
	ID string // device path; default "/machine/unattached/rcr"
	// Reset requests a system reset, with the device lock released (so it
	// may reset this device synchronously). A soft reset (SRST clear) is
	// performed as a full reset too, as QEMU does: the machine has no INIT
	// of the processors alone.
	Reset func()
}

// RCR is the reset control register.
type RCR struct {
	mu  sync.Mutex
	val uint8 // guarded by mu; SRST, RCPU and FULL_RST as last written

	id    string
	reset func()
}

var (
	_ bus.Handler = (*RCR)(nil)
	_ hw.Device   = (*RCR)(nil)
)

// New validates c and returns the register, cleared.
func New(c Config) (*RCR, error) {
	if c.Reset == nil {
		return nil, errors.New("rcr: no Reset function")
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/rcr"
	}
	return &RCR{id: c.ID, reset: c.Reset}, nil
}

// Region is the port the machine maps: one byte at 0xcf9. A PCI host
// bridge whose CONFIG_ADDRESS window covers 0xcf8-0xcfb forwards byte
// accesses at 0xcf9 here instead.
func (r *RCR) Region() bus.Region {
	return bus.Region{Name: "piix-reset-control", Base: Port, Len: 1, MinSize: 1, MaxSize: 1, Handler: r}
}

// ID returns the device path.
func (r *RCR) ID() string { return r.id }

// Read returns the register (reserved bits read 0).
func (r *RCR) Read(off uint64, size int) uint64 {
	if off != 0 {
		return 0xff
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return uint64(r.val)
}

// Write stores the register and resets the machine when RCPU goes from 0
// to 1. Reserved bits are dropped.
func (r *RCR) Write(off uint64, size int, val uint64) {
	if off != 0 {
		return
	}
	r.mu.Lock()
	old := r.val
	r.val = uint8(val) & rcValid
	fire := old&rcRCPU == 0 && r.val&rcRCPU != 0
	r.mu.Unlock()
	if fire {
		r.reset()
	}
}

// Reset clears the register, so that the next write of RCPU resets again.
func (r *RCR) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.val = 0
}
