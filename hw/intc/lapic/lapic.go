// Package lapic models a processor's local APIC (QEMU's apic, version
// 0x50014) for machines whose accelerator takes interrupts from the
// machine's models: the interpreter, and KVM with kernel-irqchip=off. It
// implements accel.LocalAPIC: the xAPIC register page, the x2APIC MSRs,
// IA32_APIC_BASE, TPR/CR8 and IA32_TSC_DEADLINE, and the processor's
// interrupt acknowledge.
//
// The APIC receives messages from the APIC bus (I/O APICs, other APICs'
// IPIs, MSIs), its LINT0/LINT1 pins (the 8259's INT in ExtINT mode, NMI)
// and its timer; it drives its processor through irq.CPUPins. Pending is
// one atomic load, for the vCPU's instruction-block boundaries.
//
// Locking: the APIC's mutex is the innermost lock. Messages it sends (IPIs,
// EOI broadcasts) and the 8259 acknowledge for ExtINT are performed after
// it is released, since they reach other APICs, the I/O APIC, or this APIC
// again.
package lapic

import (
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/intc/apicbus"
	"gemu/hw/irq"
)

// ExtINTSource is the 8259 pair: the interrupt-acknowledge cycle of an
// ExtINT interrupt returns its vector.
type ExtINTSource interface {
	Ack() uint8
}

// SMIPin is implemented by processors that take system-management
// interrupts. Without it, SMI messages are dropped with a warning.
type SMIPin interface {
	SMI()
}

// Config configures one local APIC. CPU is required.
type Config struct {
	ID     string      // device path; default "/machine/unattached/apic<APICID>"
	APICID uint32      // initial APIC ID (CPUID); below 255 unless X2APIC
	BSP    bool        // IA32_APIC_BASE.BSP: the bootstrap processor
	CPU    irq.CPUPins // the processor's interrupt inputs
	// Bus carries IPIs and EOI broadcasts; the machine attaches the APIC to
	// it (Bus.Attach). Nil: a bus of the APIC's own, with itself attached.
	Bus *apicbus.Bus
	// PIC answers the acknowledge of ExtINT interrupts (LINT0 in ExtINT
	// mode, ExtINT messages, and LINT0 with the APIC globally disabled).
	PIC   ExtINTSource
	Clock hw.Clock // time base of the timer (nil: host time)
	// TSCToTime converts a TSC value to clock time, for the TSC-deadline
	// timer (the vCPU knows its TSC offset). Nil: TSC = clock time at
	// TSCHz.
	TSCToTime func(tsc uint64) time.Duration
	TSCHz     uint64 // TSC frequency when TSCToTime is nil (0: 1 GHz)
	// X2APIC lets the guest enable x2APIC mode (CPUID.1:ECX.x2APIC).
	X2APIC bool
	// TSCDeadline provides the TSC-deadline timer mode (CPUID.1:ECX[24]).
	TSCDeadline bool
	// PhysAddrBits bounds the APIC base address (0: 40, QEMU's default).
	PhysAddrBits int
	Logger       *slog.Logger // guest misbehaviour (nil: discarded)
}

// minPeriod is the shortest interval between two runs of the periodic
// timer's callback. Shorter periods still count exactly, but their
// interrupts coalesce in the IRR, as they would on a processor too busy to
// take them; KVM applies a floor of the same kind (200 µs by default).
const minPeriod = 50 * time.Microsecond

// APIC is one local APIC.
type APIC struct {
	mu      sync.Mutex
	pending atomic.Bool // an interrupt is deliverable; read without mu

	base   uint64         // guarded by mu; IA32_APIC_BASE
	apicID uint32         // guarded by mu; the ID register (8 bits in xAPIC mode)
	tpr    uint8          // guarded by mu
	ldr    uint32         // guarded by mu; xAPIC LDR (bits 31:24)
	dfr    uint32         // guarded by mu
	svr    uint32         // guarded by mu
	isr    [8]uint32      // guarded by mu
	tmr    [8]uint32      // guarded by mu
	irr    [8]uint32      // guarded by mu
	esr    uint32         // guarded by mu; errors since the last ESR write
	esrReg uint32         // guarded by mu; the ESR as software reads it
	icrLo  uint32         // guarded by mu
	icrHi  uint32         // guarded by mu
	lvt    [numLVT]uint32 // guarded by mu
	lint   [2]bool        // guarded by mu; LINT0, LINT1 input levels
	extint bool           // guarded by mu; an ExtINT message waits for its acknowledge

	// Timer (guarded by mu).
	initial  uint32
	divide   uint32
	origin   time.Duration // start of the current count from initial
	armed    bool          // an expiry is still to come
	nextAt   time.Duration // the next undelivered expiry
	deadline uint64        // IA32_TSC_DEADLINE
	timer    hw.Timer
	timerGen uint64
	callAt   time.Duration // when timer calls back (later than nextAt under minPeriod)

	warnings int // guarded by mu

	id        string
	initialID uint32
	bsp       bool
	cpu       irq.CPUPins
	bus       *apicbus.Bus
	pic       ExtINTSource
	clock     hw.Clock
	tscToTime func(uint64) time.Duration
	x2OK      bool
	dlOK      bool
	addrMask  uint64
	log       *slog.Logger
}

var (
	_ bus.Handler    = (*APIC)(nil)
	_ hw.Device      = (*APIC)(nil)
	_ apicbus.Target = (*APIC)(nil)
)

// New validates c and returns a local APIC in its power-on state: enabled
// in xAPIC mode at 0xfee00000, software-disabled, every LVT masked.
func New(c Config) (*APIC, error) {
	if c.CPU == nil {
		return nil, errors.New("lapic: no CPU pins")
	}
	if c.APICID >= 0xff && !c.X2APIC {
		return nil, fmt.Errorf("lapic: APIC ID %d needs x2APIC (xAPIC IDs are 0-254)", c.APICID)
	}
	if c.PhysAddrBits == 0 {
		c.PhysAddrBits = 40
	}
	if c.PhysAddrBits < 32 || c.PhysAddrBits > 52 {
		return nil, fmt.Errorf("lapic: %d physical address bits outside 32-52", c.PhysAddrBits)
	}
	if c.Clock == nil {
		c.Clock = hw.NewHostClock()
	}
	if c.TSCToTime == nil {
		hz := c.TSCHz
		if hz == 0 {
			hz = 1e9
		}
		c.TSCToTime = func(tsc uint64) time.Duration { return time.Duration(mulDiv(tsc, 1e9, hz)) }
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = fmt.Sprintf("/machine/unattached/apic%d", c.APICID)
	}
	a := &APIC{
		id: c.ID, initialID: c.APICID, bsp: c.BSP, cpu: c.CPU, bus: c.Bus, pic: c.PIC,
		clock: c.Clock, tscToTime: c.TSCToTime, x2OK: c.X2APIC, dlOK: c.TSCDeadline,
		addrMask: (uint64(1)<<c.PhysAddrBits - 1) & baseAddr,
		log:      c.Logger.With("dev", c.ID),
	}
	if a.bus == nil {
		a.bus = apicbus.New()
		a.bus.Attach(a)
	}
	a.powerOn()
	return a, nil
}

func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return ^uint64(0)
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// ID returns the device path.
func (a *APIC) ID() string { return a.id }

// Bus returns the bus the APIC sends on.
func (a *APIC) Bus() *apicbus.Bus { return a.bus }

// Reset is the processor's RESET: the power-on state.
func (a *APIC) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.powerOn()
}

func (a *APIC) powerOn() {
	a.base = DefaultBase | baseEnable
	if a.bsp {
		a.base |= baseBSP
	}
	a.apicID = a.initialID
	a.resetRegs()
}

// resetRegs puts the registers in their power-up and INIT state (SDM
// §10.4.7.1), keeping the ID and IA32_APIC_BASE.
func (a *APIC) resetRegs() {
	a.tpr, a.ldr, a.dfr, a.svr = 0, 0, dfrReset, svrReset
	a.isr, a.tmr, a.irr = [8]uint32{}, [8]uint32{}, [8]uint32{}
	a.esr, a.esrReg, a.icrLo, a.icrHi = 0, 0, 0, 0
	for i := range a.lvt {
		a.lvt[i] = lvtMasked
	}
	a.extint = false
	a.initial, a.divide, a.origin, a.armed, a.nextAt, a.deadline = 0, 0, 0, false, 0, 0
	a.stopTimer()
	a.pending.Store(false)
}

func (a *APIC) hwEnabled() bool { return a.base&baseEnable != 0 }
func (a *APIC) swEnabled() bool { return a.svr&svrEnable != 0 }
func (a *APIC) x2() bool        { return a.base&baseX2APIC != 0 }

// Vector bitmaps: 256 bits in eight 32-bit registers, as the ISR, TMR and
// IRR are laid out.

func highest(v *[8]uint32) int {
	for i := 7; i >= 0; i-- {
		if w := v[i]; w != 0 {
			return i*32 + bits.Len32(w) - 1
		}
	}
	return -1
}

func setBit(v *[8]uint32, vec uint8)       { v[vec>>5] |= 1 << (vec & 31) }
func clearBit(v *[8]uint32, vec uint8)     { v[vec>>5] &^= 1 << (vec & 31) }
func testBit(v *[8]uint32, vec uint8) bool { return v[vec>>5]&(1<<(vec&31)) != 0 }

// ppr is the processor priority (SDM §10.8.3.1): the TPR, or the class of
// the highest in-service vector if that is higher.
func (a *APIC) ppr() uint8 {
	isrv := highest(&a.isr)
	if isrv < 0 || a.tpr&0xf0 >= uint8(isrv)&0xf0 {
		return a.tpr
	}
	return uint8(isrv) & 0xf0
}

// apr is the arbitration priority (SDM §10.6.2.4, Figure 10-15).
func (a *APIC) apr() uint8 {
	isrv, irrv := highest(&a.isr), highest(&a.irr)
	cls := uint8(0)
	if isrv >= 0 {
		cls = uint8(isrv) & 0xf0
	}
	if irrv >= 0 && uint8(irrv)&0xf0 > cls {
		cls = uint8(irrv) & 0xf0
	}
	if a.tpr&0xf0 >= cls {
		return a.tpr
	}
	return cls
}

// deliverable returns the IRR vector the processor may take now, or -1.
func (a *APIC) deliverable() int {
	v := highest(&a.irr)
	if v < 0 || uint8(v)&0xf0 <= a.ppr()&0xf0 {
		return -1
	}
	return v
}

// extintReady reports an ExtINT interrupt waiting for the 8259's
// acknowledge: an ExtINT message, LINT0 high in ExtINT mode, or LINT0 high
// with the APIC globally disabled (then LINT0 is the processor's INTR).
func (a *APIC) extintReady() bool {
	if !a.hwEnabled() {
		return a.lint[0]
	}
	if a.extint {
		return true
	}
	l := a.lvt[lvtLINT0]
	return a.lint[0] && l&lvtMasked == 0 && apicbus.DeliveryMode(l>>lvtModeShift)&7 == apicbus.ExtINT
}

// update refreshes the pending summary and tells the processor when an
// interrupt became deliverable (or, with event, when a new one arrived).
func (a *APIC) update(event bool) {
	p := a.extintReady() || a.hwEnabled() && a.deliverable() >= 0
	was := a.pending.Swap(p)
	if p && (!was || event) {
		a.cpu.Notify()
	}
}

// Pending reports whether Ack would return a vector now.
func (a *APIC) Pending() bool { return a.pending.Load() }

// Ack is the processor's interrupt acknowledge: the highest-priority
// deliverable IRR vector moves to in-service; otherwise an ExtINT
// interrupt is acknowledged at the 8259, which supplies the vector.
func (a *APIC) Ack() (uint8, bool) {
	a.mu.Lock()
	if a.hwEnabled() {
		if v := a.deliverable(); v >= 0 {
			clearBit(&a.irr, uint8(v))
			setBit(&a.isr, uint8(v))
			a.update(false)
			a.mu.Unlock()
			return uint8(v), true
		}
	}
	ext := a.extintReady()
	a.extint = false
	a.update(false)
	a.mu.Unlock()
	if !ext || a.pic == nil {
		return 0, false
	}
	return a.pic.Ack(), true
}

// TPR reads the task priority register.
func (a *APIC) TPR() uint8 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tpr
}

// SetTPR writes the task priority register (MOV to CR8 writes v<<4).
func (a *APIC) SetTPR(v uint8) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tpr = v
	a.update(false)
}

// acceptVector puts a fixed or lowest-priority interrupt in the IRR (SDM
// §10.8.2-10.8.3). Vectors 0-15 are illegal; a software-disabled APIC
// discards them.
func (a *APIC) acceptVector(vec uint8, level bool) {
	if vec < 16 {
		a.raiseError(esrRecvIllegalVector)
		return
	}
	if !a.swEnabled() {
		return
	}
	setBit(&a.irr, vec)
	if level {
		setBit(&a.tmr, vec)
	} else {
		clearBit(&a.tmr, vec)
	}
	a.update(true)
}

// raiseError records an error and signals it through the error LVT (SDM
// §10.5.3).
func (a *APIC) raiseError(bit uint32) {
	a.esr |= bit
	l := a.lvt[lvtError]
	if l&lvtMasked != 0 {
		return
	}
	if vec := uint8(l & lvtVector); vec >= 16 && a.swEnabled() {
		setBit(&a.irr, vec)
		clearBit(&a.tmr, vec)
		a.update(true)
	} else {
		a.esr |= esrRecvIllegalVector
	}
}

// localDeliver signals a local interrupt source through its LVT entry
// (SDM §10.5.1): the timer, error and thermal entries are always fixed;
// LINT entries choose their delivery mode.
func (a *APIC) localDeliver(i int) {
	l := a.lvt[i]
	if l&lvtMasked != 0 {
		return
	}
	mode := apicbus.DeliveryMode(l>>lvtModeShift) & 7
	if i == lvtTimer || i == lvtError {
		mode = apicbus.Fixed
	}
	switch mode {
	case apicbus.Fixed:
		level := (i == lvtLINT0 || i == lvtLINT1) && l&lvtLevel != 0
		if level {
			a.lvt[i] |= lvtRemoteIRR
		}
		a.acceptVector(uint8(l&lvtVector), level)
	case apicbus.NMI:
		a.cpu.NMI()
	case apicbus.SMI:
		a.smi()
	case apicbus.INIT:
		a.resetRegs()
		a.cpu.INIT()
	case apicbus.ExtINT:
		a.update(true)
	default:
		a.warn("LVT entry with reserved delivery mode", "lvt", i, "val", l)
	}
}

func (a *APIC) smi() {
	if s, ok := a.cpu.(SMIPin); ok {
		s.SMI()
		return
	}
	a.warn("SMI dropped: the processor has no system-management mode")
}

// SetLINT0 drives the LINT0 pin (the 8259's INT on a PC).
func (a *APIC) SetLINT0(high bool) { a.setLINT(0, high) }

// SetLINT1 drives the LINT1 pin (NMI on a PC).
func (a *APIC) SetLINT1(high bool) { a.setLINT(1, high) }

// LINT0 and LINT1 return the pins as lines.
func (a *APIC) LINT0() irq.Line { return irq.LineFunc(a.SetLINT0) }
func (a *APIC) LINT1() irq.Line { return irq.LineFunc(a.SetLINT1) }

func (a *APIC) setLINT(i int, high bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	was := a.lint[i]
	a.lint[i] = high
	if !a.hwEnabled() {
		// Globally disabled: LINT0 is INTR and LINT1 is NMI (SDM §10.4.3).
		if i == 1 && high && !was {
			a.cpu.NMI()
		}
		a.update(i == 0 && high)
		return
	}
	l := a.lvt[lvtLINT0+i]
	switch mode := apicbus.DeliveryMode(l>>lvtModeShift) & 7; {
	case mode == apicbus.ExtINT:
		// Always level-sensitive (SDM §10.5.1, "Trigger Mode").
		a.update(high)
	case mode == apicbus.Fixed && l&lvtLevel != 0:
		if high && l&lvtRemoteIRR == 0 {
			a.localDeliver(lvtLINT0 + i)
		}
	default:
		if high && !was {
			a.localDeliver(lvtLINT0 + i)
		}
	}
}

// Match reports whether the APIC is a destination of m (SDM §10.6.2).
func (a *APIC) Match(m apicbus.Message) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.hwEnabled() {
		return false
	}
	if a.x2() {
		d := m.Dest
		if !m.X2APIC {
			d &= 0xff
			if d == 0xff {
				return true
			}
		} else if d == 0xffffffff {
			return true
		}
		if !m.Logical {
			return d == a.apicID
		}
		ldr := a.x2LDR()
		return d>>16 == ldr>>16 && d&ldr&0xffff != 0
	}
	if m.X2APIC && m.Dest == 0xffffffff {
		return true
	}
	d := uint8(m.Dest)
	if d == 0xff {
		return true
	}
	if !m.Logical {
		return uint32(d) == a.apicID
	}
	ldr := uint8(a.ldr >> 24)
	if a.dfr>>dfrModelShift == dfrFlat {
		return d&ldr != 0
	}
	return d>>4 == ldr>>4 && d&ldr&0xf != 0
}

// x2LDR is the logical ID derived from the x2APIC ID (SDM §10.12.10.2).
func (a *APIC) x2LDR() uint32 {
	return (a.apicID>>clusterIDShift)<<16 | 1<<(a.apicID&0xf)
}

// ArbitrationPriority is the APR, for lowest-priority delivery.
func (a *APIC) ArbitrationPriority() uint8 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.apr()
}

// Accept receives a message from the bus.
func (a *APIC) Accept(m apicbus.Message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.hwEnabled() {
		return
	}
	switch m.Mode {
	case apicbus.Fixed, apicbus.LowestPriority:
		a.acceptVector(m.Vector, m.Trigger)
	case apicbus.NMI:
		a.cpu.NMI()
	case apicbus.SMI:
		a.smi()
	case apicbus.INIT:
		if m.Trigger && !m.Level {
			return // INIT level de-assert: arbitration IDs only (SDM §10.6.1)
		}
		a.resetRegs()
		a.cpu.INIT()
	case apicbus.StartUp:
		a.cpu.SIPI(m.Vector)
	case apicbus.ExtINT:
		a.extint = true
		a.update(true)
	default:
		a.warn("message with reserved delivery mode dropped", "mode", uint8(m.Mode))
	}
}

// action is work that a register write leaves for after the lock: an EOI
// broadcast, or an IPI.
type action struct {
	eoi    int // vector, or -1
	ipi    bool
	msg    apicbus.Message
	reject bool // x2APIC: the write raises #GP
}

var noAction = action{eoi: -1}

func (a *APIC) perform(act action) {
	if act.eoi >= 0 {
		a.bus.BroadcastEOI(uint8(act.eoi))
	}
	if act.ipi {
		a.bus.Deliver(act.msg)
	}
}

// eoi ends the highest-priority in-service interrupt (SDM §10.8.5) and
// returns its vector if it was level-triggered, for the broadcast.
func (a *APIC) eoi() int {
	v := highest(&a.isr)
	if v < 0 {
		return -1
	}
	vec := uint8(v)
	clearBit(&a.isr, vec)
	level := testBit(&a.tmr, vec)
	for i := lvtLINT0; i <= lvtLINT1; i++ {
		l := a.lvt[i]
		if l&lvtRemoteIRR != 0 && uint8(l&lvtVector) == vec {
			a.lvt[i] &^= lvtRemoteIRR
			if a.lint[i-lvtLINT0] {
				a.localDeliver(i)
			}
		}
	}
	a.update(true)
	if level {
		return v
	}
	return -1
}

// Read serves the xAPIC page. Registers are 32 bits at 16-byte strides;
// narrower reads see their bytes, bytes 4-15 of a slot read 0.
func (a *APIC) Read(off uint64, size int) uint64 {
	if off >= pageSize {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.hwEnabled() || a.x2() {
		return 0
	}
	v, ok := a.readReg(int(off>>4), false)
	if !ok {
		a.warn("read of a reserved APIC register", "off", off)
		return 0
	}
	lane := off & 0xf
	if lane >= 4 {
		return 0
	}
	v = v & 0xffffffff >> (8 * lane)
	if size < 8 {
		v &= 1<<(8*size) - 1
	}
	return v
}

// Write serves the xAPIC page. Only aligned 32-bit (or wider) writes reach
// a register.
func (a *APIC) Write(off uint64, size int, val uint64) {
	if off >= pageSize {
		return
	}
	a.mu.Lock()
	if !a.hwEnabled() || a.x2() {
		a.mu.Unlock()
		return
	}
	if off&0xf != 0 || size < 4 {
		a.warn("unaligned or narrow APIC register write ignored", "off", off, "size", size)
		a.mu.Unlock()
		return
	}
	act := a.writeReg(int(off>>4), val&0xffffffff, false)
	a.mu.Unlock()
	a.perform(act)
}

// readReg reads register idx; x2 selects the x2APIC view. ok is false for
// a register that does not exist in that view (x2APIC: #GP).
func (a *APIC) readReg(idx int, x2 bool) (uint64, bool) {
	switch {
	case idx == idxID:
		if x2 {
			return uint64(a.apicID), true
		}
		return uint64(a.apicID) << xapicIDShift, true
	case idx == idxVersion:
		return Version, true
	case idx == idxTPR:
		return uint64(a.tpr), true
	case idx == idxAPR && !x2:
		return uint64(a.apr()), true
	case idx == idxPPR:
		return uint64(a.ppr()), true
	case (idx == idxEOI || idx == idxRRD) && !x2:
		return 0, true
	case idx == idxLDR:
		if x2 {
			return uint64(a.x2LDR()), true
		}
		return uint64(a.ldr), true
	case idx == idxDFR && !x2:
		return uint64(a.dfr | 0x0fffffff), true
	case idx == idxSVR:
		return uint64(a.svr), true
	case idx >= idxISR && idx < idxISR+8:
		return uint64(a.isr[idx-idxISR]), true
	case idx >= idxTMR && idx < idxTMR+8:
		return uint64(a.tmr[idx-idxTMR]), true
	case idx >= idxIRR && idx < idxIRR+8:
		return uint64(a.irr[idx-idxIRR]), true
	case idx == idxESR:
		return uint64(a.esrReg), true
	case idx == idxICR:
		if x2 {
			return uint64(a.icrHi)<<32 | uint64(a.icrLo), true
		}
		return uint64(a.icrLo), true
	case idx == idxICR2 && !x2:
		return uint64(a.icrHi), true
	case idx >= idxLVT && idx < idxLVT+numLVT:
		return uint64(a.lvt[idx-idxLVT]), true
	case idx == idxInitial:
		return uint64(a.initial), true
	case idx == idxCurrent:
		return uint64(a.currentCount(a.clock.Now())), true
	case idx == idxDivide:
		return uint64(a.divide), true
	}
	return 0, false
}

// writeReg writes register idx. In the x2APIC view (x2) a write to a
// read-only or missing register, or with reserved bits set, is refused
// (#GP); the xAPIC view ignores such bits and registers.
func (a *APIC) writeReg(idx int, v uint64, x2 bool) action {
	act := noAction
	reject := func() action {
		if !x2 {
			a.warn("write to a read-only or reserved APIC register ignored", "index", idx, "val", v)
		}
		return action{eoi: -1, reject: true}
	}
	if x2 && idx != idxICR && v>>32 != 0 {
		return reject()
	}
	switch {
	case idx == idxID:
		if x2 {
			return reject()
		}
		a.apicID = uint32(v >> xapicIDShift & 0xff)
	case idx == idxTPR:
		if x2 && v&^tprMask != 0 {
			return reject()
		}
		a.tpr = uint8(v)
		a.update(false)
	case idx == idxEOI:
		if x2 && v != 0 {
			return reject()
		}
		act.eoi = a.eoi()
	case idx == idxLDR && !x2:
		a.ldr = uint32(v) & ldrXAPICMask
	case idx == idxDFR && !x2:
		a.dfr = uint32(v)>>dfrModelShift<<dfrModelShift | 0x0fffffff
	case idx == idxSVR:
		if x2 && v&^svrWritable != 0 {
			return reject()
		}
		a.svr = uint32(v) & svrWritable
		if !a.swEnabled() {
			for i := range a.lvt {
				a.lvt[i] |= lvtMasked
			}
		}
		a.update(false)
	case idx == idxESR:
		if x2 && v != 0 {
			return reject()
		}
		a.esrReg, a.esr = a.esr, 0
	case idx == idxICR:
		if x2 {
			if uint32(v)&icrX2Reserved != 0 {
				return reject()
			}
			a.icrHi = uint32(v >> 32)
		}
		a.icrLo = uint32(v) & icrWritable
		return a.sendIPI()
	case idx == idxICR2 && !x2:
		a.icrHi = uint32(v) & icr2DestMask
	case idx >= idxLVT && idx < idxLVT+numLVT:
		i := idx - idxLVT
		w := lvtWritable[i]
		if i == lvtTimer && a.dlOK {
			w |= lvtTimerDeadline
		}
		ro := uint32(lvtDeliveryStatus | lvtRemoteIRR)
		if x2 && uint32(v)&^(w|ro) != 0 {
			return reject()
		}
		nv := uint32(v)&w | a.lvt[i]&lvtRemoteIRR
		if !a.swEnabled() {
			nv |= lvtMasked
		}
		if i == lvtTimer {
			a.writeTimerLVT(nv)
		} else {
			a.lvt[i] = nv
		}
		if i == lvtLINT0 || i == lvtLINT1 {
			// A pin held high under a new mode (ExtINT, level) is seen now.
			if a.lint[i-lvtLINT0] && apicbus.DeliveryMode(nv>>lvtModeShift)&7 == apicbus.Fixed && nv&lvtLevel != 0 && nv&lvtRemoteIRR == 0 {
				a.localDeliver(i)
			}
			a.update(false)
		}
	case idx == idxInitial:
		a.writeInitial(uint32(v))
	case idx == idxDivide:
		if x2 && v&^dividerMask != 0 {
			return reject()
		}
		a.writeDivide(uint32(v) & dividerMask)
	case idx == idxSelfIPI && x2:
		if v&^selfIPIVector != 0 {
			return reject()
		}
		act.ipi = true
		act.msg = apicbus.Message{Mode: apicbus.Fixed, Vector: uint8(v), Level: true, Shorthand: apicbus.Self, Source: a}
		if v < 16 {
			a.raiseError(esrSendIllegalVector)
			act.ipi = false
		}
	default:
		return reject()
	}
	return act
}

// sendIPI turns the ICR just written into a message (SDM §10.6.1).
func (a *APIC) sendIPI() action {
	lo := a.icrLo
	mode := apicbus.DeliveryMode(lo>>icrModeShift) & 7
	m := apicbus.Message{
		Logical:   lo&icrDestLogical != 0,
		Mode:      mode,
		Vector:    uint8(lo & icrVector),
		Level:     true,
		Trigger:   lo&icrTriggerLevel != 0,
		Shorthand: apicbus.Shorthand(lo>>icrShorthandShift) & 3,
		Source:    a,
	}
	if a.x2() {
		m.Dest, m.X2APIC = a.icrHi, true
	} else {
		m.Dest = a.icrHi >> icrDestShift
	}
	switch mode {
	case apicbus.Fixed, apicbus.LowestPriority:
		if m.Vector < 16 {
			a.raiseError(esrSendIllegalVector)
			return noAction
		}
		if mode == apicbus.LowestPriority && m.Shorthand == apicbus.Self {
			a.warn("lowest-priority IPI to self is invalid; not sent")
			return noAction
		}
	case apicbus.INIT:
		m.Level = lo&icrLevelAssert != 0
		if m.Level {
			m.Trigger = false
		}
	case apicbus.NMI, apicbus.SMI, apicbus.StartUp:
		m.Trigger = false
	default:
		a.warn("IPI with reserved delivery mode not sent", "icr", lo)
		return noAction
	}
	return action{eoi: -1, ipi: true, msg: m}
}

// Base reads IA32_APIC_BASE.
func (a *APIC) Base() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.base
}

// SetBase writes IA32_APIC_BASE (SDM §10.4.4, §10.12.5): reserved bits,
// x2APIC without support, and the invalid transitions (to EXTD without EN,
// disabled to x2APIC, x2APIC to xAPIC) are refused with #GP. BSP is read
// only. Disabling the APIC returns its registers to their reset values;
// entering x2APIC mode makes the ID the initial APIC ID.
func (a *APIC) SetBase(v uint64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if v&^(a.addrMask|baseBSP|baseX2APIC|baseEnable) != 0 {
		return false
	}
	en, ex := v&baseEnable != 0, v&baseX2APIC != 0
	oen, oex := a.hwEnabled(), a.x2()
	switch {
	case ex && !a.x2OK:
		return false
	case ex && !en:
		return false
	case ex && !oen:
		return false // disabled to x2APIC must go through xAPIC
	case oex && en && !ex:
		return false // x2APIC to xAPIC must go through disabled
	}
	a.base = v&^baseBSP | a.base&baseBSP
	switch {
	case oen && !en:
		a.apicID = a.initialID
		a.resetRegs()
		// A globally disabled APIC passes LINT0 and LINT1 through.
		a.update(false)
		return true
	case !oex && ex:
		a.apicID = a.initialID
	}
	a.update(false)
	return true
}

// ReadMSR reads an x2APIC register (MSRs 0x800-0x8ff, in x2APIC mode) or
// IA32_TSC_DEADLINE; false means #GP.
func (a *APIC) ReadMSR(index uint32) (uint64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if index == msrDeadline {
		if !a.dlOK {
			return 0, false
		}
		if a.timerMode() != timerDeadline {
			return 0, true
		}
		return a.deadline, true
	}
	if index < msrX2First || index > msrX2Last || !a.x2() {
		return 0, false
	}
	idx := int(index - msrX2First)
	if idx == idxEOI || idx == idxSelfIPI {
		return 0, false // write only
	}
	return a.readReg(idx, true)
}

// WriteMSR writes an x2APIC register or IA32_TSC_DEADLINE; false means #GP.
func (a *APIC) WriteMSR(index uint32, val uint64) bool {
	a.mu.Lock()
	if index == msrDeadline {
		defer a.mu.Unlock()
		if !a.dlOK {
			return false
		}
		a.writeDeadline(val)
		return true
	}
	if index < msrX2First || index > msrX2Last || !a.x2() {
		a.mu.Unlock()
		return false
	}
	act := a.writeReg(int(index-msrX2First), val, true)
	a.mu.Unlock()
	if act.reject {
		return false
	}
	a.perform(act)
	return true
}

func (a *APIC) warn(msg string, args ...any) {
	if a.warnings >= 10 {
		return
	}
	a.warnings++
	a.log.Warn(msg, args...)
}

// IRR reports whether vector is requested (for tests and "info lapic").
func (a *APIC) IRR(vector uint8) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return testBit(&a.irr, vector)
}

// ISR reports whether vector is in service.
func (a *APIC) ISR(vector uint8) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return testBit(&a.isr, vector)
}
