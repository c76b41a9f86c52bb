// Package pm models the ACPI fixed-hardware power-management registers of
// a PIIX4-style PC: the PM1a event block (status and enable), the PM1a
// control block (SCI_EN, sleep type and sleep enable), the 3.579545 MHz PM
// timer, the GPE0 block and the SMI command port of the ACPI enable
// handshake. Events (the power button, the RTC alarm, the timer's top bit,
// general-purpose events) raise the SCI, a level-triggered interrupt, while
// enabled; writing SLP_EN with the S5 sleep type powers the machine off.
//
// The layout is QEMU pc's: PMBASE 0x600 (PM1a_EVT_BLK 0x600, PM1a_CNT_BLK
// 0x604, PM_TMR_BLK 0x608), GPE0_BLK 0xafe0, SCI on IRQ 9, as hw/acpi's
// FADT describes it.
package pm

import (
	"errors"
	"log/slog"
	"math/bits"
	"sync"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Config configures the registers. Shutdown is required.
type Config struct {
	ID   string // device path; default "/machine/unattached/acpi-pm"
	Base uint16 // PMBASE (0: DefaultBase)
	GPE0 uint16 // GPE0_BLK (0: DefaultGPE0)
	// SMICmd is the SMI command port (0: none). Without one the device
	// comes out of reset in ACPI mode (SCI_EN set), as the FADT's SMI_CMD
	// of 0 tells the OS; with one, SCI_EN starts clear and the OS writes
	// ACPIEnable there to set it (ACPIDisable clears it).
	SMICmd      uint16
	ACPIEnable  uint8 // 0: DefaultEnable
	ACPIDisable uint8 // 0: DefaultDisable
	// Timer24 makes the PM timer count 24 bits, as the PIIX4's does;
	// otherwise it counts 32, which the FADT advertises with TMR_VAL_EXT
	// (hw/acpi's PC does).
	Timer24 bool
	SCI     irq.Line // the SCI (nil: not connected)
	Clock   hw.Clock // the PM timer's time base (nil: host time)
	// Shutdown is called when the guest enters S5 (soft off), with the
	// device lock released.
	Shutdown func()
	// Sleep is called when the guest enters S3 or S4 (state 3 or 4), with
	// the device lock released; nil: those requests are ignored, as a board
	// without the sleep states would.
	Sleep  func(state int)
	Logger *slog.Logger // guest misbehaviour (nil: discarded)
}

// PM is the power-management register set.
type PM struct {
	mu      sync.Mutex
	pm1Sts  uint16        // guarded by mu
	pm1En   uint16        // guarded by mu
	pm1Cnt  uint16        // guarded by mu; SLP_EN and GBL_RLS never stored
	gpeSts  uint16        // guarded by mu
	gpeEn   uint16        // guarded by mu
	apmc    uint8         // guarded by mu; the last byte written to SMI_CMD
	tmrOff  uint64        // guarded by mu; count = ticks(now-tmrBase) + tmrOff
	tmrBase time.Duration // guarded by mu
	tmrLast uint64        // guarded by mu; the count when TMR_STS was last brought up to date
	sci     bool          // guarded by mu; the level driven on the SCI line
	timer   hw.Timer      // guarded by mu
	armed   uint64        // guarded by mu; the count timer fires at
	gen     uint64        // guarded by mu; invalidates stale timer callbacks
	warned  int           // guarded by mu

	id          string
	base, gpe0  uint16
	smiCmd      uint16
	acpiEnable  uint8
	acpiDisable uint8
	topBit      uint // the timer bit whose change sets TMR_STS: 23 or 31
	sciLine     irq.Line
	clock       hw.Clock
	shutdown    func()
	sleep       func(int)
	log         *slog.Logger
}

var (
	_ hw.Device   = (*PM)(nil)
	_ bus.Handler = block{}
)

// New validates c and returns the registers in their reset state.
func New(c Config) (*PM, error) {
	if c.Shutdown == nil {
		return nil, errors.New("pm: no Shutdown function")
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/acpi-pm"
	}
	if c.Base == 0 {
		c.Base = DefaultBase
	}
	if c.GPE0 == 0 {
		c.GPE0 = DefaultGPE0
	}
	if c.ACPIEnable == 0 {
		c.ACPIEnable = DefaultEnable
	}
	if c.ACPIDisable == 0 {
		c.ACPIDisable = DefaultDisable
	}
	if c.ACPIEnable == c.ACPIDisable {
		return nil, errors.New("pm: ACPI enable and disable values are the same")
	}
	if c.SCI == nil {
		c.SCI = irq.None
	}
	if c.Clock == nil {
		c.Clock = hw.NewHostClock()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	type span struct{ lo, n uint32 }
	spans := []span{{uint32(c.Base), offTmr + tmrLen}, {uint32(c.GPE0), gpeLen}}
	if c.SMICmd != 0 {
		spans = append(spans, span{uint32(c.SMICmd), 1})
	}
	for i, a := range spans {
		if a.lo+a.n > 0x10000 {
			return nil, errors.New("pm: register block runs past port 0xffff")
		}
		for _, b := range spans[:i] {
			if a.lo < b.lo+b.n && b.lo < a.lo+a.n {
				return nil, errors.New("pm: PM, GPE0 and SMI command ports overlap")
			}
		}
	}
	p := &PM{
		id: c.ID, base: c.Base, gpe0: c.GPE0, smiCmd: c.SMICmd,
		acpiEnable: c.ACPIEnable, acpiDisable: c.ACPIDisable, topBit: 31,
		sciLine: c.SCI, clock: c.Clock, shutdown: c.Shutdown, sleep: c.Sleep,
		log: c.Logger.With("dev", c.ID),
	}
	if c.Timer24 {
		p.topBit = 23
	}
	p.mu.Lock()
	p.reset()
	p.mu.Unlock()
	return p, nil
}

// Region kinds, one Handler each.
const (
	kindEvt = iota
	kindCnt
	kindTmr
	kindGPE
	kindSMI
)

// block is the Handler of one register block.
type block struct {
	p    *PM
	kind int
}

// Regions are the I/O windows the machine maps (QEMU's names).
func (p *PM) Regions() []bus.Region {
	r := []bus.Region{
		{Name: "acpi-evt", Base: uint64(p.base), Len: evtLen, MinSize: 1, MaxSize: 4, Handler: block{p, kindEvt}},
		{Name: "acpi-cnt", Base: uint64(p.base) + offCnt, Len: cntLen, MinSize: 1, MaxSize: 4, Handler: block{p, kindCnt}},
		{Name: "acpi-tmr", Base: uint64(p.base) + offTmr, Len: tmrLen, MinSize: 1, MaxSize: 4, Handler: block{p, kindTmr}},
		{Name: "acpi-gpe0", Base: uint64(p.gpe0), Len: gpeLen, MinSize: 1, MaxSize: 4, Handler: block{p, kindGPE}},
	}
	if p.smiCmd != 0 {
		r = append(r, bus.Region{Name: "apm-io", Base: uint64(p.smiCmd), Len: 1, MinSize: 1, MaxSize: 1, Handler: block{p, kindSMI}})
	}
	return r
}

// ID returns the device path.
func (p *PM) ID() string { return p.id }

// Reset returns the registers to their power-on values: events and enables
// clear, SCI_EN set when there is no SMI command port. The PM timer keeps
// counting.
func (p *PM) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reset()
}

func (p *PM) reset() {
	p.pm1Sts, p.pm1En, p.gpeSts, p.gpeEn, p.apmc = 0, 0, 0, 0, 0
	p.pm1Cnt = 0
	if p.smiCmd == 0 {
		p.pm1Cnt = cntSCIEn
	}
	p.tmrLast = p.count(p.clock.Now())
	if p.sci {
		p.sci = false
		p.sciLine.Set(false)
	}
	p.stopTimer()
}

// ticks is the number of PM timer clocks in d.
func ticks(d time.Duration) uint64 {
	if d < 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), TimerHz)
	q, _ := bits.Div64(hi, lo, uint64(time.Second)) // hi < 2^22: no overflow
	return q
}

// timeOf is the first time at which ticks reaches n, or false if that is
// beyond what a Duration holds.
func timeOf(n uint64) (time.Duration, bool) {
	hi, lo := bits.Mul64(n, uint64(time.Second))
	if hi >= TimerHz {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, TimerHz)
	if r != 0 {
		q++
	}
	if q > 1<<63-1 {
		return 0, false
	}
	return time.Duration(q), true
}

// count is the timer's full 64-bit count at now.
func (p *PM) count(now time.Duration) uint64 { return ticks(now-p.tmrBase) + p.tmrOff }

// tmrCycle is the time in which the PM timer counts a whole number of
// ticks: 3579545 Hz and 10^9 ns share the factor 5, so 200 ms hold exactly
// 715909 ticks. The time since tmrBase modulo tmrCycle is the timer's
// phase between ticks.
const tmrCycle = 200 * time.Millisecond

// refresh brings TMR_STS up to date: it is set whenever the timer's top bit
// has changed since the last look.
func (p *PM) refresh(now time.Duration) uint64 {
	c := p.count(now)
	if c>>p.topBit != p.tmrLast>>p.topBit {
		p.pm1Sts |= stsTmr
	}
	p.tmrLast = c
	return c
}

// update recomputes the SCI level, drives the line on a change and
// (re)arms the timer overflow callback when it can raise the SCI.
func (p *PM) update() {
	level := p.pm1Cnt&cntSCIEn != 0 && (p.pm1Sts&p.pm1En&enValid != 0 || p.gpeSts&p.gpeEn != 0)
	if level != p.sci {
		p.sci = level
		p.sciLine.Set(level)
	}
	if p.pm1En&enTmr == 0 || p.pm1Sts&stsTmr != 0 || p.pm1Cnt&cntSCIEn == 0 {
		p.stopTimer()
		return
	}
	next := (p.tmrLast>>p.topBit + 1) << p.topBit
	if p.timer != nil && p.armed == next {
		return // already due then
	}
	p.stopTimer()
	at, ok := timeOf(next - p.tmrOff)
	if !ok || at > 1<<63-1-p.tmrBase {
		return
	}
	at += p.tmrBase
	gen := p.gen
	p.armed = next
	p.timer = p.clock.AfterFunc(at, func() { p.fire(gen) })
}

func (p *PM) stopTimer() {
	p.gen++
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}

func (p *PM) fire(gen uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen {
		return
	}
	p.timer = nil
	now := p.clock.Now()
	p.refresh(now)
	p.update()
}

func (p *PM) warn(msg string, args ...any) {
	if p.warned >= 10 {
		return
	}
	p.warned++
	p.log.Warn(msg, args...)
}

// bytesOf returns the bytes [off, off+size) of a little-endian register
// image n bytes long; bytes past the image read as all ones.
func bytesOf(img uint64, n int, off uint64, size int) uint64 {
	var v uint64
	for i := 0; i < size; i++ {
		b := uint64(0xff)
		if o := off + uint64(i); o < uint64(n) {
			b = img >> (8 * o) & 0xff
		}
		v |= b << (8 * i)
	}
	return v
}

// written returns the value and byte mask of a write of size bytes at off
// into an n-byte register image.
func written(n int, off uint64, size int, val uint64) (v, mask uint64) {
	for i := 0; i < size; i++ {
		o := off + uint64(i)
		if o >= uint64(n) {
			break
		}
		mask |= 0xff << (8 * o)
		v |= (val >> (8 * i) & 0xff) << (8 * o)
	}
	return v, mask
}

// Read reads a register block.
func (b block) Read(off uint64, size int) uint64 {
	p := b.p
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	c := p.refresh(now)
	var v uint64
	switch b.kind {
	case kindEvt:
		v = bytesOf(uint64(p.pm1Sts)|uint64(p.pm1En)<<16, evtLen, off, size)
	case kindCnt:
		v = bytesOf(uint64(p.pm1Cnt), cntLen, off, size)
	case kindTmr:
		v = bytesOf(c&(1<<(p.topBit+1)-1), tmrLen, off, size)
	case kindGPE:
		v = bytesOf(uint64(p.gpeSts)|uint64(p.gpeEn)<<16, gpeLen, off, size)
	case kindSMI:
		v = bytesOf(uint64(p.apmc), 1, off, size)
	}
	p.update() // TMR_STS may have just become set
	return v
}

// Write writes a register block.
func (b block) Write(off uint64, size int, val uint64) {
	p := b.p
	p.mu.Lock()
	now := p.clock.Now()
	p.refresh(now)
	enter := -1 // sleep state requested by SLP_EN
	switch b.kind {
	case kindEvt:
		v, m := written(evtLen, off, size, val)
		p.pm1Sts &^= uint16(v & m)
		en := uint16((v & m) >> 16)
		p.pm1En = (p.pm1En&^uint16(m>>16) | en) & enValid
		if en&^enValid != 0 {
			p.warn("pm: reserved PM1_EN bits written", "val", en)
		}
	case kindCnt:
		v, m := written(cntLen, off, size, val)
		// GBL_RLS would raise an SMI for firmware in SMM; there is none,
		// so it is dropped with SLP_EN, the other write-only bit.
		cnt := p.pm1Cnt&^uint16(m) | uint16(v)
		p.pm1Cnt = cnt & cntValid
		if uint16(v)&cntSlpEn != 0 {
			enter = p.sleepState(cnt & slpTypMask >> slpTypShift)
		}
	case kindTmr:
		p.warn("pm: write to the read-only PM timer", "val", val)
	case kindGPE:
		v, m := written(gpeLen, off, size, val)
		p.gpeSts &^= uint16(v & m)
		p.gpeEn = p.gpeEn&^uint16(m>>16) | uint16((v&m)>>16)
	case kindSMI:
		if off == 0 {
			p.apmc = uint8(val)
			switch p.apmc {
			case p.acpiEnable:
				p.pm1Cnt |= cntSCIEn
			case p.acpiDisable:
				p.pm1Cnt &^= cntSCIEn
			}
		}
	}
	p.update()
	shutdown, sleep := p.shutdown, p.sleep
	p.mu.Unlock()
	switch enter {
	case 5:
		shutdown()
	case 3, 4:
		sleep(enter)
	}
}

// sleepState maps a SLP_TYP value to the state to enter, or -1 (with a
// warning) when the board does not implement it.
func (p *PM) sleepState(typ uint16) int {
	switch typ {
	case SlpTypS5:
		return 5
	case SlpTypS3, SlpTypS4:
		state := 3
		if typ == SlpTypS4 {
			state = 4
		}
		if p.sleep == nil {
			p.warn("pm: sleep state not supported by this machine", "state", state)
			return -1
		}
		return state
	}
	p.warn("pm: SLP_EN with an undefined sleep type", "slp_typ", typ)
	return -1
}

// PressPowerButton reports a press of the fixed-feature power button
// (PWRBTN_STS), which raises the SCI when the OS has enabled it.
func (p *PM) PressPowerButton() { p.event(stsPwrBtn) }

// RTCAlarm reports that the RTC's alarm fired (RTC_STS), a wake event that
// raises the SCI when enabled.
func (p *PM) RTCAlarm() { p.event(stsRTC) }

// Wake reports that the machine resumed from a sleep state (WAK_STS).
func (p *PM) Wake() { p.event(stsWak) }

func (p *PM) event(sts uint16) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	p.refresh(now)
	p.pm1Sts |= sts
	p.update()
}

// RaiseGPE latches general-purpose event n (0 to GPEs-1) in GPE0_STS; it
// raises the SCI while enabled in GPE0_EN.
func (p *PM) RaiseGPE(n int) {
	if n < 0 || n >= GPEs {
		panic("pm: GPE number out of range") // a wiring mistake in the machine
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	p.refresh(now)
	p.gpeSts |= 1 << n
	p.update()
}

// SCIEnabled reports whether the device is in ACPI mode (SCI_EN).
func (p *PM) SCIEnabled() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pm1Cnt&cntSCIEn != 0
}

// Timer returns the PM timer's current value.
func (p *PM) Timer() uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return uint32(p.count(p.clock.Now()) & (1<<(p.topBit+1) - 1))
}
