// Package debugexit models QEMU's isa-debug-exit device: a port that ends
// the emulator with a status the guest chooses, so test guests can report
// pass or fail through the process exit code.
package debugexit

import (
	"fmt"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
)

// Defaults of QEMU's iobase and iosize properties.
const (
	DefaultIOBase = 0x501
	DefaultIOSize = 2
)

// Config configures the device. The zero value, given Exit, is QEMU's
// default: two ports at 0x501.
type Config struct {
	ID     string // device path; default "/machine/peripheral-anon/isa-debug-exit"
	IOBase uint16 // iobase= (0: DefaultIOBase)
	IOSize uint16 // iosize= in ports, 1..256 (0: DefaultIOSize)
	// Exit ends the process with the given status. It is called with the
	// device lock released, at most once per write.
	Exit func(status int)
}

// Device is an isa-debug-exit.
type Device struct {
	mu     sync.Mutex // serialises exits
	id     string
	iobase uint16
	iosize uint16
	exit   func(int)
}

var (
	_ bus.Handler = (*Device)(nil)
	_ hw.Device   = (*Device)(nil)
)

// New validates c and returns the device.
func New(c Config) (*Device, error) {
	if c.Exit == nil {
		return nil, fmt.Errorf("isa-debug-exit: no Exit function")
	}
	if c.IOBase == 0 {
		c.IOBase = DefaultIOBase
	}
	if c.IOSize == 0 {
		c.IOSize = DefaultIOSize
	}
	if c.IOSize > 256 || uint32(c.IOBase)+uint32(c.IOSize) > 0x10000 {
		return nil, fmt.Errorf("isa-debug-exit: iobase %#x iosize %d does not fit the port space", c.IOBase, c.IOSize)
	}
	if c.ID == "" {
		c.ID = "/machine/peripheral-anon/isa-debug-exit"
	}
	return &Device{id: c.ID, iobase: c.IOBase, iosize: c.IOSize, exit: c.Exit}, nil
}

// ExitStatus is the process status a guest write of v requests: QEMU's
// (v << 1) | 1, so a guest can never request a clean exit by accident.
func ExitStatus(v uint64) int { return int(v<<1 | 1) }

// Region is the port window the machine maps.
func (d *Device) Region() bus.Region {
	return bus.Region{Name: "isa-debug-exit", Base: uint64(d.iobase), Len: uint64(d.iosize), MinSize: 1, MaxSize: 4, Handler: d}
}

// ID returns the device path.
func (d *Device) ID() string { return d.id }

// Read returns 0: the port has nothing to say.
func (d *Device) Read(off uint64, size int) uint64 { return 0 }

// Write requests the exit with status (val << 1) | 1.
func (d *Device) Write(off uint64, size int, val uint64) {
	d.mu.Lock()
	exit := d.exit
	d.mu.Unlock()
	exit(ExitStatus(val))
}

// Reset does nothing: the device holds no state.
func (d *Device) Reset() {}
