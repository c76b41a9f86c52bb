package devfuzz

import (
	"strconv"
	"testing"
	"time"

	"gemu/hw/hwtest/devfuzz"
	"gemu/hw/intc/router"
	"gemu/hw/irq"
	"gemu/migration/vmstate"
)

// tracePins are a CPU's interrupt inputs, recorded.
type tracePins struct {
	t *devfuzz.Trace
	i uint64
}

func (p tracePins) Notify()      { p.t.Add("notify", p.i, 0) }
func (p tracePins) NMI()         { p.t.Add("nmi", p.i, 0) }
func (p tracePins) INIT()        { p.t.Add("init", p.i, 0) }
func (p tracePins) SIPI(v uint8) { p.t.Add("sipi", p.i, uint64(v)) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// pcTarget drives the whole set: register accesses anywhere, the CPUs'
// acknowledges and MSRs, PCI interrupts and MSIs, host input, and machine
// resets.
func pcTarget() devfuzz.Target {
	return devfuzz.Target{
		MaxPending: 12,
		MinPeriod:  50 * time.Microsecond,
		// Cross-device interplay needs no long advances (each device's
		// own target covers wrap-arounds); short ones keep every input
		// fast with a dozen timers at their minimum periods.
		MaxAdvance:   200 * time.Millisecond,
		MaxOps:       400,
		MaxCallbacks: 20000,
		New: func(env devfuzz.Env) *devfuzz.Instance {
			t := env.Trace
			p, err := NewPC(env.Clock, Host{
				CPU:     func(i int) irq.CPUPins { return tracePins{t, uint64(i)} },
				Out:     t.Writer("serial"),
				Request: func(what string) { t.Add("request-"+what, 0, 0) },
			})
			if err != nil {
				panic(err)
			}
			p.Reset() // the machine's power-on reset
			pci := &pciLines{r: p.Router}
			cpu := func(in *devfuzz.Input) int { return in.Intn(NumCPUs) }
			return &devfuzz.Instance{
				Regions: p.Regions(),
				State:   devfuzz.Group{{Name: "pc", State: p}, {Name: "pci", State: pci}},
				Ops: []devfuzz.Op{
					{Name: "ack", Do: func(in *devfuzz.Input) {
						i := cpu(in)
						v, ok := p.APICs[i].Ack()
						t.Add("ack"+strconv.Itoa(i), uint64(v), b2u(ok))
					}},
					{Name: "rdmsr", Do: func(in *devfuzz.Input) {
						i, idx := cpu(in), 0x800+uint32(in.Byte())
						v, ok := p.APICs[i].ReadMSR(idx)
						t.Add("rdmsr", uint64(idx), v<<1|b2u(ok))
					}},
					{Name: "wrmsr", Do: func(in *devfuzz.Input) {
						i, idx := cpu(in), 0x800+uint32(in.Byte())
						t.Add("wrmsr", uint64(idx), b2u(p.APICs[i].WriteMSR(idx, uint64(in.Uint32()))))
					}},
					{Name: "apic-base", Do: func(in *devfuzz.Input) {
						i := cpu(in)
						v := uint64(0xfee00000) | uint64(in.Byte()&0x0d)<<8
						t.Add("set-base", v, b2u(p.APICs[i].SetBase(v)))
					}},
					{Name: "tpr", Do: func(in *devfuzz.Input) { p.APICs[cpu(in)].SetTPR(in.Byte() & 0xf0) }},
					{Name: "pci-intx", Do: func(in *devfuzz.Input) { pci.set(in.Intn(8), in.Bool()) }},
					{Name: "msi", Do: func(in *devfuzz.Input) {
						p.Bus.SignalMSI(0xfee00000|uint64(in.Byte())<<12|uint64(in.Byte()&0xc), uint32(in.Uint16()))
					}},
					{Name: "serial-in", Do: func(in *devfuzz.Input) { t.Add("received", uint64(p.UART.Receive(in.Bytes(24))), 0) }},
					{Name: "key", Do: func(in *devfuzz.Input) { p.KBD.Key(uint16(in.Byte()&0x7f), in.Bool()) }},
					{Name: "mouse", Do: func(in *devfuzz.Input) {
						p.KBD.MouseEvent(int32(int8(in.Byte())), int32(int8(in.Byte())), 0, in.Byte()&7)
					}},
					{Name: "power-button", Do: func(in *devfuzz.Input) { p.PM.PressPowerButton() }},
					{Name: "reset", Do: func(in *devfuzz.Input) { p.Reset() }},
				},
			}
		},
	}
}

// pciLines stand for PCI devices' INTx lines on GSIs 16-23: a source with
// state, which it re-drives after a load as every device does.
type pciLines struct {
	r      *router.Router
	levels uint8
}

func (p *pciLines) set(i int, high bool) {
	if high {
		p.levels |= 1 << i
	} else {
		p.levels &^= 1 << i
	}
	p.r.SetGSI(uint32(16+i), high)
}

func (p *pciLines) VisitState(v *vmstate.Visitor) {
	v.Uint8("levels", &p.levels)
	if v.Loading() && v.Err() == nil {
		for i := 0; i < 8; i++ {
			p.r.SetGSI(uint32(16+i), p.levels&(1<<i) != 0)
		}
	}
}

// seq addresses the set's regions by name.
type seq struct {
	devfuzz.Seq
	idx map[string]int
}

func newSeq() *seq {
	p, err := NewPC(nil, Host{CPU: func(int) irq.CPUPins { return tracePins{} }})
	if err != nil {
		panic(err)
	}
	s := &seq{idx: map[string]int{}}
	for i, r := range p.Regions() {
		s.idx[r.Name] = i
	}
	return s
}

func (s *seq) out(region string, off uint64, v uint64) *seq {
	s.Write(s.idx[region], off, 1, v)
	return s
}

func (s *seq) mmio(region string, off uint64, v uint64) *seq {
	s.Write(s.idx[region], off, 4, v)
	return s
}

// linuxLike is a seed: the PIC programmed and masked, the BSP's APIC
// enabled with LINT0 in ExtINT mode, the I/O APIC routing the UART and the
// HPET's legacy timer, the PIT in mode 2 at 1 kHz, the RTC's periodic
// interrupt, serial input, and the interrupts taken and ended.
func linuxLike() []byte {
	s := newSeq()
	for _, w := range [][2]uint64{{0, 0x11}, {1, 0x20}, {1, 4}, {1, 1}, {1, 0xfb}} {
		s.out("pic-master", w[0], w[1])
	}
	for _, w := range [][2]uint64{{0, 0x11}, {1, 0x28}, {1, 2}, {1, 1}, {1, 0xff}} {
		s.out("pic-slave", w[0], w[1])
	}
	s.mmio("apic0", 0xf0, 0x1ff).mmio("apic0", 0x350, 0x700).mmio("apic0", 0x360, 0x400)
	route := func(pin int, lo uint32) {
		s.mmio("ioapic", 0, uint64(0x10+2*pin)).mmio("ioapic", 0x10, uint64(lo))
	}
	route(4, 0x0034)
	route(2, 0x0030)
	route(8, 0x0038)
	s.out("pit", 3, 0x34).out("pit", 0, 0xa9).out("pit", 0, 0x04)
	s.out("rtc", 0, 0x0a).out("rtc", 1, 0x26).out("rtc", 0, 0x0b).out("rtc", 1, 0x42)
	s.out("serial", 1, 1).out("serial", 4, 0x0b)
	s.Op(7, 3, 'a', 'b', 'c').Advance(3*time.Millisecond).Op(0, 0).Op(0, 0)
	s.mmio("apic0", 0xb0, 0)
	s.Fork(9).Read(s.idx["serial"], 0, 1).Advance(5*time.Millisecond).Op(0, 0)
	s.mmio("apic0", 0xb0, 0).Op(0, 0)
	// The HPET takes over in legacy mode with a periodic timer 0.
	s.Write(s.idx["hpet"], 0x100, 8, 0x4c).Write(s.idx["hpet"], 0x108, 8, 100000).Write(s.idx["hpet"], 0x108, 8, 100000).
		Write(s.idx["hpet"], 0x10, 8, 3).Advance(3*time.Millisecond).Op(0, 0).Op(0, 1).Op(11)
	return s.Bytes()
}

func FuzzPC(f *testing.F) {
	devfuzz.Seed(f, [][]byte{linuxLike()})
	tg := pcTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}

// FuzzPCLate is FuzzPC with timer callbacks that run at least 100 µs late,
// as a host clock under load calls them.
func FuzzPCLate(f *testing.F) {
	devfuzz.Seed(f, [][]byte{linuxLike()})
	tg := pcTarget()
	tg.Lag = 100 * time.Microsecond
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
