package router_test

import (
	"sync"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/intc/apicbus"
	"gemu/hw/intc/i8259"
	"gemu/hw/intc/ioapic"
	"gemu/hw/intc/lapic"
	"gemu/hw/intc/router"
	"gemu/hw/irq"
	"gemu/hw/timer/hpet"
	"gemu/hw/timer/i8254"
)

// The PC's interrupt complex, wired as the machine wires it, with fake
// processors: PIT and HPET → router → 8259 and I/O APIC → local APICs.

type cpu struct {
	mu     sync.Mutex
	notify int
	inits  int
	sipis  []uint8
}

func (c *cpu) Notify()      { c.mu.Lock(); c.notify++; c.mu.Unlock() }
func (c *cpu) NMI()         {}
func (c *cpu) INIT()        { c.mu.Lock(); c.inits++; c.mu.Unlock() }
func (c *cpu) SIPI(v uint8) { c.mu.Lock(); c.sipis = append(c.sipis, v); c.mu.Unlock() }

type pc struct {
	clock *hw.ManualClock
	bus   *apicbus.Bus
	pic   *i8259.PIC
	io    *ioapic.IOAPIC
	rt    *router.Router
	pit   *i8254.PIT
	hpet  *hpet.HPET
	apics []*lapic.APIC
	cpus  []*cpu
}

func newPC(t testing.TB, ncpu int) *pc {
	t.Helper()
	m := &pc{clock: hw.NewManualClock(), bus: apicbus.New()}
	var err error
	// The 8259's INT goes to every processor's LINT0.
	m.pic, err = i8259.New(i8259.Config{INT: irq.LineFunc(func(high bool) {
		for _, a := range m.apics {
			a.SetLINT0(high)
		}
	})})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < ncpu; i++ {
		c := &cpu{}
		a, err := lapic.New(lapic.Config{APICID: uint32(i), BSP: i == 0, CPU: c, Bus: m.bus, PIC: m.pic, Clock: m.clock})
		if err != nil {
			t.Fatal(err)
		}
		m.bus.Attach(a)
		m.apics = append(m.apics, a)
		m.cpus = append(m.cpus, c)
	}
	if m.io, err = ioapic.New(ioapic.Config{Bus: m.bus}); err != nil {
		t.Fatal(err)
	}
	m.bus.AddEOIListener(m.io)
	m.rt = router.New(router.Config{PIC: m.pic, IOAPIC: m.io})
	if m.hpet, err = hpet.New(hpet.Config{Clock: m.clock, IRQ0: irq.GSI(m.rt, 0), IRQ8: irq.GSI(m.rt, 8), Pins: m.rt.IOAPICPins()}); err != nil {
		t.Fatal(err)
	}
	if m.pit, err = i8254.New(i8254.Config{Clock: m.clock, IRQ: m.hpet.PITInput()}); err != nil {
		t.Fatal(err)
	}
	m.pit.Reset()
	return m
}

func (m *pc) ioapicRoute(pin int, lo, hi uint32) {
	m.io.Write(0, 4, uint64(0x10+2*pin+1))
	m.io.Write(0x10, 4, uint64(hi))
	m.io.Write(0, 4, uint64(0x10+2*pin))
	m.io.Write(0x10, 4, uint64(lo))
}

// take runs CPU i's interrupt acknowledges, with an APIC EOI after each
// (and a PIC EOI for the 8259's vectors at or above picBase).
func (m *pc) take(i int, picBase uint8) []uint8 {
	var got []uint8
	for n := 0; n < 1000 && m.apics[i].Pending(); n++ {
		v, ok := m.apics[i].Ack()
		if !ok {
			break
		}
		got = append(got, v)
		if picBase != 0 && v >= picBase && v < picBase+8 {
			m.picWrite(0x20, 0x20)
		} else {
			m.apics[i].Write(0xb0, 4, 0)
		}
	}
	return got
}

func (m *pc) picWrite(port uint16, v uint8) {
	for _, r := range m.pic.Regions() {
		if uint64(port) >= r.Base && uint64(port) < r.Base+r.Len {
			r.Handler.Write(uint64(port)-r.Base, 1, uint64(v))
		}
	}
}

func (m *pc) pitProgram(mode uint8, count uint16) {
	m.pit.Write(3, 1, uint64(0x30|mode<<1))
	m.pit.Write(0, 1, uint64(count&0xff))
	m.pit.Write(0, 1, uint64(count>>8))
}

// TestPITThroughIOAPIC: IRQ 0 from the PIT reaches the BSP as the vector
// the guest programmed in I/O APIC pin 2 (the interrupt source override),
// once per PIT period, with the 8259 fully masked.
func TestPITThroughIOAPIC(t *testing.T) {
	m := newPC(t, 2)
	m.picWrite(0x21, 0xff)
	m.picWrite(0xa1, 0xff)
	m.apics[0].Write(0xf0, 4, 0x1ff)
	m.ioapicRoute(2, 0x30, 0) // fixed, physical, edge, vector 0x30, APIC 0
	// The PIT's OUT rose at its reset while the pin was masked: the edge
	// was latched and is delivered by the unmask.
	if got := m.take(0, 0); len(got) != 1 || got[0] != 0x30 {
		t.Fatalf("latched edge: %x", got)
	}
	m.pitProgram(2, 11932) // 100 Hz: OUT rises 10 ms (and one clock) after the load
	m.clock.Advance(time.Millisecond)
	var got []uint8
	for i := 0; i < 10; i++ {
		m.clock.Advance(10 * time.Millisecond)
		got = append(got, m.take(0, 0)...)
	}
	if len(got) != 10 {
		t.Fatalf("%d interrupts in 100 ms at 100 Hz: %x", len(got), got)
	}
	for _, v := range got {
		if v != 0x30 {
			t.Fatalf("vector %#x, want 0x30", v)
		}
	}
	if m.apics[1].Pending() {
		t.Error("the AP got the BSP's timer")
	}
	if m.cpus[0].notify == 0 {
		t.Error("the BSP was never notified")
	}
}

// TestPITThroughPIC: the virtual-wire path of the firmware and early
// Linux: 8259 → LINT0 (ExtINT) → the processor's acknowledge reaches the
// 8259 through the APIC.
func TestPITThroughPIC(t *testing.T) {
	m := newPC(t, 1)
	for _, b := range [][2]uint8{{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}, {0xa0, 0x11}, {0xa1, 0x70}, {0xa1, 0x02}, {0xa1, 0x01}, {0x21, 0xfe}, {0xa1, 0xff}} {
		m.picWrite(uint16(b[0]), b[1])
	}
	m.apics[0].Write(0xf0, 4, 0x1ff)
	m.apics[0].Write(0x350, 4, 0x700) // LINT0 ExtINT
	m.pitProgram(2, 11932)
	m.clock.Advance(time.Millisecond)
	var got []uint8
	for i := 0; i < 5; i++ {
		m.clock.Advance(10 * time.Millisecond)
		got = append(got, m.take(0, 0x08)...)
	}
	if len(got) != 5 || got[0] != 0x08 {
		t.Fatalf("acknowledged %x, want five 0x08", got)
	}
	// Masking LINT0 stops the path at the APIC.
	m.apics[0].Write(0x350, 4, 0x10700)
	m.clock.Advance(50 * time.Millisecond)
	if m.apics[0].Pending() {
		t.Error("masked LINT0 let the 8259 through")
	}
}

// TestHPETLegacyReplacesPIT: in legacy replacement mode the PIT no longer
// reaches IRQ 0; HPET timer 0 does, as the same I/O APIC vector.
func TestHPETLegacyReplacesPIT(t *testing.T) {
	m := newPC(t, 1)
	m.picWrite(0x21, 0xff)
	m.apics[0].Write(0xf0, 4, 0x1ff)
	m.ioapicRoute(2, 0x30, 0)
	m.pitProgram(2, 11932)
	m.hpet.Write(0x10, 8, 3) // enable, legacy
	m.hpet.Write(0x100, 8, 0x14c)
	m.hpet.Write(0x108, 8, 400000)
	m.hpet.Write(0x108, 8, 400000) // 4 ms period
	m.clock.Advance(40 * time.Millisecond)
	if got := m.take(0, 0); len(got) != 1 {
		t.Fatalf("taken at the end: %x", got)
	}
	n := 0
	for i := 0; i < 10; i++ {
		m.clock.Advance(4 * time.Millisecond)
		n += len(m.take(0, 0))
	}
	if n != 10 {
		t.Errorf("%d interrupts in 40 ms of a 4 ms HPET period (the PIT's 10 ms must not count)", n)
	}
}

// TestLevelPCIThroughIOAPIC: a level-triggered PCI line (GSI 16) is
// delivered once per EOI while asserted, and EOIs reach the I/O APIC
// through the bus.
func TestLevelPCIThroughIOAPIC(t *testing.T) {
	m := newPC(t, 2)
	m.apics[1].Write(0xf0, 4, 0x1ff)
	m.ioapicRoute(16, 0xa051, 1<<24) // level, active low, vector 0x51 to APIC 1
	line := irq.GSI(m.rt, 16)
	line.Set(true)
	v, ok := m.apics[1].Ack()
	if !ok || v != 0x51 {
		t.Fatalf("Ack = %#x %v", v, ok)
	}
	m.apics[1].Write(0xb0, 4, 0) // EOI with the line still high: again
	if v, _ := m.apics[1].Ack(); v != 0x51 {
		t.Fatal("held level not delivered again after EOI")
	}
	line.Set(false)
	m.apics[1].Write(0xb0, 4, 0)
	if m.apics[1].Pending() {
		t.Error("delivered after the line dropped")
	}
}

// TestMSI: an MSI through the bus lands as its vector.
func TestMSI(t *testing.T) {
	m := newPC(t, 2)
	m.apics[1].Write(0xf0, 4, 0x1ff)
	var c irq.MSIController = m.bus
	c.SignalMSI(0xfee01000, 0x4062) // APIC 1, fixed, vector 0x62
	c.SignalMSI(0xfed01000, 0x4063) // outside the window: a memory write
	if v, _ := m.apics[1].Ack(); v != 0x62 || m.apics[1].Pending() {
		t.Errorf("MSI Ack = %#x", v)
	}
}

func TestAllocs(t *testing.T) {
	m := newPC(t, 1)
	m.picWrite(0x21, 0xff)
	m.apics[0].Write(0xf0, 4, 0x1ff)
	m.ioapicRoute(4, 0x34, 0)
	line := irq.GSI(m.rt, 4)
	if n := testing.AllocsPerRun(100, func() {
		line.Set(true)
		line.Set(false)
		m.apics[0].Ack()
		m.apics[0].Write(0xb0, 4, 0)
	}); n != 0 {
		t.Errorf("%v allocations from device line to acknowledge", n)
	}
}

// TestConcurrent drives the complex from several goroutines at once, as
// vCPUs, device threads and the clock do: IPIs both ways, a level line
// with EOI broadcasts, the 8259 path and the timers. It checks that the
// lock order holds (no deadlock; run with -race for data races) and that
// nothing is lost for good: every processor ends with nothing pending
// after its last acknowledges.
func TestConcurrent(t *testing.T) {
	m := newPC(t, 2)
	for i := range m.apics {
		m.apics[i].Write(0xf0, 4, 0x1ff)
	}
	m.apics[0].Write(0x350, 4, 0x700)
	for _, b := range [][2]uint8{{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}, {0xa0, 0x11}, {0xa1, 0x70}, {0xa1, 0x02}, {0xa1, 0x01}, {0x21, 0xf6}} {
		m.picWrite(uint16(b[0]), b[1])
	}
	m.ioapicRoute(16, 0x8051, 1<<24)
	m.ioapicRoute(2, 0x30, 0)
	m.pitProgram(2, 100)
	m.apics[1].Write(0x3e0, 4, 0xb)
	m.apics[1].Write(0x320, 4, 0x20040)
	m.apics[1].Write(0x380, 4, 5000)
	const rounds = 2000
	var wg sync.WaitGroup
	var pmu sync.Mutex // the 8259 EOIs come from CPU 0 only, like a guest's
	vcpu := func(i int) {
		defer wg.Done()
		other := uint32(1-i) << 24
		for n := 0; n < rounds; n++ {
			a := m.apics[i]
			a.Write(0x310, 4, uint64(other))
			a.Write(0x300, 4, 0x00e1) // fixed IPI, vector 0xe1
			for k := 0; k < 4 && a.Pending(); k++ {
				v, ok := a.Ack()
				if !ok {
					break
				}
				if v >= 0x08 && v < 0x10 {
					pmu.Lock()
					m.picWrite(0x20, 0x20)
					pmu.Unlock()
				} else {
					a.Write(0xb0, 4, 0)
				}
			}
		}
	}
	wg.Add(4)
	go vcpu(0)
	go vcpu(1)
	go func() { // a PCI device toggling its level line
		defer wg.Done()
		l := irq.GSI(m.rt, 16)
		for n := 0; n < rounds; n++ {
			l.Set(n%3 != 0)
		}
		l.Set(false)
	}()
	go func() { // time passing: the PIT, the LAPIC timer
		defer wg.Done()
		for n := 0; n < rounds/10; n++ {
			m.clock.Advance(50 * time.Microsecond)
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("deadlock: the goroutines did not finish")
	}
	// Stop the sources, then drain.
	m.pitProgram(0, 0)
	m.apics[1].Write(0x380, 4, 0)
	m.picWrite(0x21, 0xff)
	for i := range m.apics {
		m.take(i, 0x08)
		for k := 0; k < 300; k++ {
			m.apics[i].Write(0xb0, 4, 0) // end whatever is left in service
		}
		m.take(i, 0x08)
		if m.apics[i].Pending() {
			t.Errorf("CPU %d still has an interrupt pending after draining", i)
		}
	}
}
