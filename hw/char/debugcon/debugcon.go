// Package debugcon models QEMU's isa-debugcon: a write-only console port
// (0xe9 by default, as Bochs introduced it) whose bytes go straight to a
// character backend. Firmware and early kernels print through it.
package debugcon

import (
	"io"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
)

// Defaults of QEMU's iobase and readback properties.
const (
	DefaultIOBase   = 0xe9
	DefaultReadback = 0xe9
)

// Config configures the device; the zero value is QEMU's default device
// with its output discarded.
type Config struct {
	ID     string    // device path; default "/machine/peripheral-anon/isa-debugcon"
	IOBase uint16    // iobase= (0: DefaultIOBase)
	Out    io.Writer // the chardev backend (nil: output is dropped)
	// Readback is the value a read of the port returns (readback=); nil
	// selects QEMU's default, 0xe9, the byte guests test to detect the port.
	Readback *uint8
}

// Device is an isa-debugcon.
type Device struct {
	mu       sync.Mutex
	buf      [1]byte   // guarded by mu; the byte being written, kept to avoid an allocation
	out      io.Writer // guarded by mu
	id       string
	iobase   uint16
	readback uint8
}

var (
	_ bus.Handler = (*Device)(nil)
	_ hw.Device   = (*Device)(nil)
)

// New returns the device; every Config is valid.
func New(c Config) (*Device, error) {
	if c.IOBase == 0 {
		c.IOBase = DefaultIOBase
	}
	if c.ID == "" {
		c.ID = "/machine/peripheral-anon/isa-debugcon"
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	rb := uint8(DefaultReadback)
	if c.Readback != nil {
		rb = *c.Readback
	}
	return &Device{id: c.ID, iobase: c.IOBase, out: c.Out, readback: rb}, nil
}

// Region is the port the machine maps. Of a wider access only the low byte
// is the device's: the others address the following ports.
func (d *Device) Region() bus.Region {
	return bus.Region{Name: "isa-debugcon", Base: uint64(d.iobase), Len: portLen, MinSize: 1, MaxSize: 1, Handler: d}
}

// ID returns the device path.
func (d *Device) ID() string { return d.id }

// Read returns the readback value; the bytes of a wider access beyond the
// port read as all ones, as unclaimed ports do.
func (d *Device) Read(off uint64, size int) uint64 {
	if off != 0 {
		return 0xff
	}
	return uint64(d.readback)
}

// Write sends one byte to the backend. A failing backend loses the byte, as
// a disconnected chardev does; the guest cannot tell.
func (d *Device) Write(off uint64, size int, val uint64) {
	if off != 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.buf[0] = byte(val)
	_, _ = d.out.Write(d.buf[:])
}

// Reset does nothing: the port keeps no state between bytes.
func (d *Device) Reset() {}
