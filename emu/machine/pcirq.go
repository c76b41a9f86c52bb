package machine

import (
	"sync/atomic"
	"time"

	"gemu/accel"
	"gemu/hw/intc/apicbus"
	"gemu/hw/intc/i8259"
	"gemu/hw/intc/ioapic"
	"gemu/hw/intc/lapic"
	"gemu/hw/intc/router"
	"gemu/hw/irq"
	"gemu/hw/timer/hpet"
)

// intc is the PC's interrupt complex as the machine models it (the
// interpreter, KVM with kernel-irqchip=off): the 8259 pair and the I/O APIC
// behind the GSI router, one local APIC per vCPU on an APIC bus, and the
// HPET, which also passes the PIT's and RTC's outputs to IRQ 0 and 8.
type intc struct {
	bus    *apicbus.Bus
	pic    *i8259.PIC
	ioapic *ioapic.IOAPIC
	router *router.Router
	hpet   *hpet.HPET
	apics  []*lapic.APIC
	pins   []*cpuPins
}

// cpuPins stands in for a vCPU's interrupt inputs until the vCPU exists:
// APICs are built with the board, vCPUs later on their own threads.
type cpuPins struct {
	target atomic.Pointer[pinsBox]
}

type pinsBox struct {
	pins irq.CPUPins
	tsc  func(uint64) time.Duration
}

func (p *cpuPins) Notify() {
	if b := p.target.Load(); b != nil {
		b.pins.Notify()
	}
}
func (p *cpuPins) NMI() {
	if b := p.target.Load(); b != nil {
		b.pins.NMI()
	}
}
func (p *cpuPins) INIT() {
	if b := p.target.Load(); b != nil {
		b.pins.INIT()
	}
}
func (p *cpuPins) SIPI(v uint8) {
	if b := p.target.Load(); b != nil {
		b.pins.SIPI(v)
	}
}

// tscToTime converts the vCPU's TSC values for the TSC-deadline timer.
func (p *cpuPins) tscToTime(tsc uint64) time.Duration {
	if b := p.target.Load(); b != nil && b.tsc != nil {
		return b.tsc(tsc)
	}
	return 0
}

// buildIntc creates the interrupt complex and makes the router the
// machine's GSI controller.
func (p *pc) buildIntc(m *Machine, tscHz uint64) error {
	ic := &intc{bus: apicbus.New()}
	var err error
	if p.feat.pic {
		ic.pic, err = i8259.New(i8259.Config{
			INT: irq.LineFunc(func(high bool) {
				for _, a := range ic.apics {
					a.SetLINT0(high)
				}
			}),
			Logger: m.log.With("dev", "i8259"),
		})
		if err != nil {
			return err
		}
	}
	var extint lapic.ExtINTSource
	if ic.pic != nil {
		extint = ic.pic
	}
	cpus := max(m.cfg.SMP.CPUs, 1)
	for i := 0; i < cpus; i++ {
		pins := &cpuPins{}
		a, err := lapic.New(lapic.Config{
			APICID:      uint32(i),
			BSP:         i == 0,
			CPU:         pins,
			Bus:         ic.bus,
			PIC:         extint,
			Clock:       m.clock,
			TSCToTime:   pins.tscToTime,
			TSCHz:       tscHz,
			X2APIC:      true,
			TSCDeadline: true,
			Logger:      m.log.With("dev", "apic"),
		})
		if err != nil {
			return err
		}
		ic.bus.Attach(a)
		ic.apics = append(ic.apics, a)
		ic.pins = append(ic.pins, pins)
		m.addDevice(a)
	}
	ic.ioapic, err = ioapic.New(ioapic.Config{APICID: uint8(cpus & 0xf), Bus: ic.bus, Logger: m.log.With("dev", "ioapic")})
	if err != nil {
		return err
	}
	ic.bus.AddEOIListener(ic.ioapic)
	rc := router.Config{IOAPIC: ic.ioapic}
	if ic.pic != nil {
		rc.PIC = ic.pic
		for _, r := range ic.pic.Regions() {
			if err := m.io.Map(r); err != nil {
				return err
			}
		}
		m.addDevice(ic.pic)
	}
	ic.router = router.New(rc)
	if err := m.mmio.Map(ic.ioapic.Region()); err != nil {
		return err
	}
	m.addDevice(ic.ioapic)
	if p.feat.hpet {
		ic.hpet, err = hpet.New(hpet.Config{
			Clock:  m.clock,
			IRQ0:   irq.GSI(ic.router, 0),
			IRQ8:   irq.GSI(ic.router, 8),
			Pins:   ic.router.IOAPICPins(),
			Logger: m.log.With("dev", "hpet"),
		})
		if err != nil {
			return err
		}
		if err := m.mmio.Map(ic.hpet.Region()); err != nil {
			return err
		}
		m.addDevice(ic.hpet)
	}
	m.userIRQ = ic.router
	p.intc = ic
	return nil
}

// connectVCPU gives vCPU i its local APIC, once the vCPU exists.
func (ic *intc) connectVCPU(i int, cpu accel.VCPU) {
	if i >= len(ic.apics) {
		return
	}
	if u, ok := cpu.(accel.UserAPICVCPU); ok {
		u.SetLocalAPIC(ic.apics[i])
	}
	box := &pinsBox{}
	if pins, ok := cpu.(irq.CPUPins); ok {
		box.pins = pins
	}
	if t, ok := cpu.(interface{ TSCToTime(uint64) time.Duration }); ok {
		box.tsc = t.TSCToTime
	}
	if box.pins != nil {
		ic.pins[i].target.Store(box)
	}
}
