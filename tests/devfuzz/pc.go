// Package devfuzz exercises the PC's device models together, wired as the
// pc machine wires them for the interpreter (emu/machine's intc and legacy
// devices): the 8259 pair, the I/O APIC and two local APICs on one APIC
// bus, the GSI router, the HPET passing the PIT's and RTC's interrupts on,
// a UART, the keyboard controller, port 0x92, the ACPI PM registers and the
// reset control register.
//
// Its tests are a fuzz target that drives the whole set through the
// hw/hwtest/devfuzz harness (snapshots of every device at once, loaded into
// a second set that must behave identically), and stress tests that run
// the set under the host clock with several goroutines at once, as vCPUs,
// timer callbacks and backends do, to find data races and deadlocks.
//
//	go test ./tests/devfuzz                                    seeds and a short stress run
//	go test -fuzz FuzzPC ./tests/devfuzz                       (FuzzPCLate: callbacks run late)
//	GEMU_STRESS=10s go test -race -run TestStress ./tests/devfuzz
//
// Each device package has its own targets (FuzzOps, and FuzzLate for the
// devices with timers), run the same way.
package devfuzz

import (
	"fmt"
	"io"
	"time"

	"gemu/hw"
	"gemu/hw/acpi/pm"
	"gemu/hw/acpi/rcr"
	"gemu/hw/bus"
	"gemu/hw/char/serial"
	"gemu/hw/input/i8042"
	"gemu/hw/intc/apicbus"
	"gemu/hw/intc/i8259"
	"gemu/hw/intc/ioapic"
	"gemu/hw/intc/lapic"
	"gemu/hw/intc/router"
	"gemu/hw/irq"
	"gemu/hw/misc/port92"
	"gemu/hw/timer/hpet"
	"gemu/hw/timer/i8254"
	"gemu/hw/timer/mc146818"
	"gemu/migration/vmstate"
)

// NumCPUs is the number of local APICs in a PC set.
const NumCPUs = 2

// APICBase returns where the harness maps CPU i's APIC page. Every CPU sees
// its own at lapic.DefaultBase; one space needs them apart.
func APICBase(i int) uint64 { return lapic.DefaultBase + uint64(i)<<20 }

// Host is what the set reports to its surroundings.
type Host struct {
	CPU     func(i int) irq.CPUPins // CPU i's interrupt inputs
	Out     io.Writer               // the UART's backend (nil: discarded)
	Request func(what string)       // reset and power-off requests (nil: ignored)
}

// PC is the set of devices.
type PC struct {
	Bus    *apicbus.Bus
	PIC    *i8259.PIC
	APICs  []*lapic.APIC
	IOAPIC *ioapic.IOAPIC
	Router *router.Router
	HPET   *hpet.HPET
	PIT    *i8254.PIT
	Port61 *i8254.Port61
	RTC    *mc146818.RTC
	UART   *serial.UART
	KBD    *i8042.Controller
	Port92 *port92.Port
	PM     *pm.PM
	RCR    *rcr.RCR

	devices []hw.Device
}

// NewPC builds the set on clock, as emu/machine does for -M pc.
func NewPC(clock hw.Clock, h Host) (*PC, error) {
	if h.Request == nil {
		h.Request = func(string) {}
	}
	p := &PC{Bus: apicbus.New()}
	var err error
	p.PIC, err = i8259.New(i8259.Config{INT: irq.LineFunc(func(high bool) {
		for _, a := range p.APICs {
			a.SetLINT0(high)
		}
	})})
	if err != nil {
		return nil, err
	}
	for i := 0; i < NumCPUs; i++ {
		a, err := lapic.New(lapic.Config{APICID: uint32(i), BSP: i == 0, CPU: h.CPU(i), Bus: p.Bus, PIC: p.PIC,
			Clock: clock, X2APIC: true, TSCDeadline: true})
		if err != nil {
			return nil, err
		}
		p.Bus.Attach(a)
		p.APICs = append(p.APICs, a)
		p.devices = append(p.devices, a)
	}
	if p.IOAPIC, err = ioapic.New(ioapic.Config{APICID: NumCPUs, Bus: p.Bus}); err != nil {
		return nil, err
	}
	p.Bus.AddEOIListener(p.IOAPIC)
	p.Router = router.New(router.Config{PIC: p.PIC, IOAPIC: p.IOAPIC})
	gsi := func(n uint32) irq.Line { return irq.GSI(p.Router, n) }
	if p.HPET, err = hpet.New(hpet.Config{Clock: clock, IRQ0: gsi(0), IRQ8: gsi(8), Pins: p.Router.IOAPICPins()}); err != nil {
		return nil, err
	}
	if p.PIT, err = i8254.New(i8254.Config{IRQ: p.HPET.PITInput(), Clock: clock}); err != nil {
		return nil, err
	}
	if p.Port61, err = i8254.NewPort61(i8254.Port61Config{Timer: p.PIT, Clock: clock}); err != nil {
		return nil, err
	}
	if p.UART, err = serial.New(serial.Config{IRQ: gsi(4), Clock: clock, Out: h.Out}); err != nil {
		return nil, err
	}
	if p.Port92, err = port92.New(port92.Config{Reset: func() { h.Request("port92") }}); err != nil {
		return nil, err
	}
	if p.KBD, err = i8042.New(i8042.Config{KbdIRQ: gsi(1), AuxIRQ: gsi(12), Reset: func() { h.Request("i8042") }}); err != nil {
		return nil, err
	}
	if p.RTC, err = mc146818.New(mc146818.Config{IRQ: p.HPET.RTCInput(), Clock: clock,
		Base: time.Date(2024, 2, 29, 23, 59, 0, 0, time.UTC)}); err != nil {
		return nil, err
	}
	if p.PM, err = pm.New(pm.Config{SCI: gsi(9), Clock: clock, Shutdown: func() { h.Request("shutdown") }}); err != nil {
		return nil, err
	}
	if p.RCR, err = rcr.New(rcr.Config{Reset: func() { h.Request("rcr") }}); err != nil {
		return nil, err
	}
	p.devices = append(p.devices, p.PIC, p.IOAPIC, p.HPET, p.PIT, p.Port61, p.UART, p.Port92, p.KBD, p.RTC, p.PM, p.RCR)
	return p, nil
}

// Regions are the set's guest windows: ports below 0x10000, MMIO above,
// and CPU i's APIC page at APICBase(i).
func (p *PC) Regions() []bus.Region {
	var r []bus.Region
	r = append(r, p.PIC.Regions()...)
	r = append(r, p.PIT.Region(), p.Port61.Region(), p.UART.Region(), p.Port92.Region(), p.RTC.Region(), p.RCR.Region())
	r = append(r, p.KBD.Regions()...)
	r = append(r, p.PM.Regions()...)
	r = append(r, p.IOAPIC.Region(), p.HPET.Region())
	for i, a := range p.APICs {
		r = append(r, bus.Region{Name: fmt.Sprintf("apic%d", i), Base: APICBase(i), Len: 0x1000, MinSize: 1, MaxSize: 8, Handler: a})
	}
	return r
}

// Reset is the machine's reset: every device, then the router re-drives
// the controllers' inputs.
func (p *PC) Reset() {
	for _, d := range p.devices {
		d.Reset()
	}
	p.Router.Redrive()
}

// VisitState visits every device's section in the machine's order, each
// under its own name.
func (p *PC) VisitState(v *vmstate.Visitor) {
	for i, d := range p.devices {
		v.Struct(fmt.Sprintf("%02d", i), func() { d.VisitState(v) })
	}
}

// Devices returns the devices in the machine's order.
func (p *PC) Devices() []hw.Device { return p.devices }
