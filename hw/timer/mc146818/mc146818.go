// Package mc146818 models the PC's real-time clock and CMOS RAM (QEMU's
// mc146818rtc): the MC146818A's time and calendar registers in BCD or
// binary and 12- or 24-hour format, the update cycle with its UIP flag, the
// periodic, alarm and update-ended interrupts on IRQ 8, and the 114 bytes
// of battery-backed RAM that firmware reads its configuration from.
//
// Time is not stepped. The divider chain's phase is a function of the
// machine clock; the calendar counts the divider's second boundaries from
// the moment it was last set, so the RTC advances exactly with hw.Clock and
// is deterministic under a manual clock. Interrupt flags are evaluated over
// the divider time that passed, and a clock timer is armed only while an
// enabled interrupt can still fire.
package mc146818

import (
	"fmt"
	"log/slog"
	"math/bits"
	"sync"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Config configures the RTC. The zero value is the PC's RTC at 0x70 with
// its interrupt unconnected, host time, and the calendar starting at
// 2000-01-01 00:00:00.
type Config struct {
	ID     string   // device path; default "/machine/unattached/mc146818rtc"
	IOBase uint16   // index port (0: 0x70); the data port follows it
	IRQ    irq.Line // IRQ 8 (nil: not connected)
	Clock  hw.Clock // time base (nil: host time); "-rtc clock=" picks which one
	// Base is the RTC's reading when Clock reads zero: its fields in its
	// own location are what the guest reads (see ParseBase for -rtc base=).
	Base time.Time
	// ExtendedBank adds a second 128-byte bank at ports base+2 and base+3
	// (0x72/0x73), as PC chipsets have; QEMU's RTC has none.
	ExtendedBank bool
	// NMIMask follows bit 7 of the last index write: high while NMIs are
	// masked (nil: not connected).
	NMIMask irq.Line
	// TimeSet, if set, is called (without the RTC's lock) with the new
	// reading whenever the guest sets the clock (QEMU's RTC_CHANGE).
	TimeSet func(rtc time.Time)
	Logger  *slog.Logger // guest misbehaviour (nil: discarded)
}

// RTC is an MC146818A with its CMOS RAM.
type RTC struct {
	mu        sync.Mutex
	cmos      [cmosSize]byte // guarded by mu; RAM, registers A-D, the time image while stopped
	ext       [cmosSize]byte // guarded by mu; the extended bank
	index     uint8          // guarded by mu
	extIndex  uint8          // guarded by mu
	nmiMasked bool           // guarded by mu

	// The divider chain: its phase in ns is divBase at clock time divRef
	// and advances with the clock while the divider runs.
	divBase int64         // guarded by mu
	divRef  time.Duration // guarded by mu
	// The calendar, while it runs, reads calSec (Unix seconds of its UTC
	// fields) at divider second calDivSec, plus the seconds since.
	calSec    int64 // guarded by mu
	calDivSec int64 // guarded by mu
	// flagsAt is the divider time up to which register C is evaluated.
	flagsAt int64 // guarded by mu

	irqLevel bool     // guarded by mu
	timer    hw.Timer // guarded by mu
	timerGen uint64   // guarded by mu
	warnings int      // guarded by mu

	id      string
	iobase  uint16
	irq     irq.Line
	nmi     irq.Line
	clock   hw.Clock
	extBank bool
	timeSet func(time.Time)
	log     *slog.Logger
}

var (
	_ bus.Handler = (*RTC)(nil)
	_ hw.Device   = (*RTC)(nil)
)

// New validates c and returns the RTC in its power-on state: 32.768 kHz
// divider running, 1024 Hz periodic rate selected, BCD, 24-hour mode.
func New(c Config) (*RTC, error) {
	if c.IOBase == 0 {
		c.IOBase = DefaultIOBase
	}
	n := uint32(2)
	if c.ExtendedBank {
		n = 4
	}
	if uint32(c.IOBase)+n > 0x10000 {
		return nil, fmt.Errorf("mc146818rtc: iobase %#x: the ports do not fit below 0x10000", c.IOBase)
	}
	if c.Base.IsZero() {
		c.Base = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if y := c.Base.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("mc146818rtc: base year %d outside 0..9999", y)
	}
	if c.IRQ == nil {
		c.IRQ = irq.None
	}
	if c.NMIMask == nil {
		c.NMIMask = irq.None
	}
	if c.Clock == nil {
		c.Clock = hw.NewHostClock()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/mc146818rtc"
	}
	r := &RTC{
		id: c.ID, iobase: c.IOBase, irq: c.IRQ, nmi: c.NMIMask, clock: c.Clock,
		extBank: c.ExtendedBank, timeSet: c.TimeSet, log: c.Logger.With("dev", c.ID),
	}
	r.cmos[regA] = aDV32K | 6
	r.cmos[regB] = b24
	r.cmos[regD] = dVRT
	r.divBase = int64(c.Base.Nanosecond())
	r.calSec = wallSeconds(c.Base)
	r.flagsAt = r.divBase
	return r, nil
}

// wallSeconds is t's fields in its own location, as Unix seconds of UTC.
func wallSeconds(t time.Time) int64 {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()
}

// Region is the port window the machine maps: index and data, and the
// extended bank's pair when configured.
func (r *RTC) Region() bus.Region {
	n := uint64(2)
	if r.extBank {
		n = 4
	}
	return bus.Region{Name: "rtc", Base: uint64(r.iobase), Len: n, MinSize: 1, MaxSize: 1, Handler: r}
}

// ID returns the device path.
func (r *RTC) ID() string { return r.id }

// Reset is the RESET pin: it clears the interrupt enables and flags (and
// square-wave output), and leaves the time, the divider and the RAM alone
// (data sheet, "RESET"), as the battery keeps them.
func (r *RTC) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	r.updateFlags(now)
	r.cmos[regB] &^= bPIE | bAIE | bUIE | bSQWE
	r.cmos[regC] = 0
	r.irqLevel = false
	r.irq.Set(false)
	r.schedule(now)
}

// Now returns the RTC's current reading (its fields are in UTC).
func (r *RTC) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reading(r.clock.Now())
}

func (r *RTC) reading(now time.Duration) time.Time {
	if r.calendarRunning() {
		return time.Unix(wrapCalendar(r.calendarAt(now)), 0).UTC()
	}
	return time.Unix(wrapCalendar(r.parseImage()), 0).UTC()
}

// NMIMasked reports bit 7 of the last index write.
func (r *RTC) NMIMasked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nmiMasked
}

// CMOS returns byte i (0..127) of the main bank as the RAM holds it.
func (r *RTC) CMOS(i int) byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cmos[i&(cmosSize-1)]
}

// SetCMOS stores byte i of the main bank, for the machine filling in its
// configuration before the guest starts. Bytes 0x00-0x0d are the clock's
// registers and are refused.
func (r *RTC) SetCMOS(i int, v byte) error {
	if i < 0x0e || i >= cmosSize {
		return fmt.Errorf("mc146818rtc: CMOS index %#x outside the RAM (0x0e..0x7f)", i)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cmos[i] = v
	return nil
}

// Read serves a guest read of a port.
func (r *RTC) Read(off uint64, size int) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch off {
	case portData:
		return uint64(r.readReg(r.index, r.clock.Now()))
	case portExtData:
		if r.extBank {
			return uint64(r.ext[r.extIndex])
		}
	}
	// The index ports are write-only; they read as an idle bus, as QEMU's do.
	return 0xff
}

// Write serves a guest write of a port.
func (r *RTC) Write(off uint64, size int, val uint64) {
	b := uint8(val)
	r.mu.Lock()
	var set func(time.Time)
	var setTo time.Time
	switch off {
	case portIndex:
		r.index = b &^ nmiDisable
		if masked := b&nmiDisable != 0; masked != r.nmiMasked {
			r.nmiMasked = masked
			r.nmi.Set(masked)
		}
	case portData:
		if r.writeReg(r.index, b, r.clock.Now()) && r.timeSet != nil {
			set, setTo = r.timeSet, r.reading(r.clock.Now())
		}
	case portExtIndex:
		if r.extBank {
			r.extIndex = b &^ nmiDisable
		}
	case portExtData:
		if r.extBank {
			r.ext[r.extIndex] = b
		}
	}
	r.mu.Unlock()
	if set != nil {
		set(setTo)
	}
}

func (r *RTC) readReg(i uint8, now time.Duration) uint8 {
	switch {
	case isTimeReg(i):
		if r.calendarRunning() {
			return r.timeField(i, r.calendarAt(now))
		}
		return r.cmos[i]
	case i == regA:
		v := r.cmos[regA]
		if r.uip(now) {
			v |= aUIP
		}
		return v
	case i == regC:
		r.updateFlags(now)
		v := r.cmos[regC]
		if r.irqf() {
			v |= cIRQF
		}
		r.cmos[regC] = 0
		r.updateIRQ(now)
		return v
	}
	return r.cmos[i]
}

// writeReg stores a register; it reports whether the guest set the clock.
func (r *RTC) writeReg(i, b uint8, now time.Duration) bool {
	switch {
	case isTimeReg(i):
		r.updateFlags(now)
		if !r.calendarRunning() {
			r.cmos[i] = b // held until SET is cleared
			return false
		}
		r.freezeCalendar(now)
		r.cmos[i] = b
		r.thawCalendar(now)
		r.updateIRQ(now) // a flag updateFlags just found raises IRQ 8
		return true
	case i == regA:
		r.updateFlags(now)
		wasRunning, wasCal := r.dividerRunning(), r.calendarRunning()
		wasReset := r.cmos[regA]&0x60 == 0x60
		if wasCal && !dividerRuns(b) {
			r.freezeCalendar(now)
		}
		if wasRunning {
			r.divBase = r.divAt(now)
		}
		r.cmos[regA] = b & aWritable
		if r.dividerRunning() {
			if !wasRunning && wasReset {
				// Released from reset: the first update comes half a second later.
				r.divBase = floorDiv(r.divBase, int64(time.Second))*int64(time.Second) + int64(time.Second/2)
			}
			r.divRef = now
		}
		r.flagsAt = r.divAt(now)
		thawed := !wasCal && r.calendarRunning()
		if thawed {
			r.thawCalendar(now)
		}
		r.updateIRQ(now)
		return thawed
	case i == regB:
		r.updateFlags(now)
		wasCal := r.calendarRunning()
		if wasCal && b&bSET != 0 {
			r.freezeCalendar(now) // in the format the registers had
		}
		if b&bSET != 0 {
			b &^= bUIE // setting SET clears UIE (data sheet, "Register B")
		}
		r.cmos[regB] = b
		set := false
		if !wasCal && r.calendarRunning() {
			r.thawCalendar(now) // in the format just selected
			set = true
		}
		r.updateIRQ(now)
		return set
	case i == regC || i == regD:
		r.warn("write to a read-only register", "reg", i, "val", b)
		return false
	}
	r.cmos[i] = b
	return false
}

func isTimeReg(i uint8) bool {
	switch i {
	case regSeconds, regMinutes, regHours, regDayOfWeek, regDayOfMonth, regMonth, regYear, RegCentury:
		return true
	}
	return false
}

// dividerRunning: DV 000, 001 and 010 count (QEMU accepts all three; on a
// PC only 010 matches the crystal); 11x holds the chain in reset; the
// others stop it.
func (r *RTC) dividerRunning() bool { return dividerRuns(r.cmos[regA]) }

func dividerRuns(a uint8) bool { return a&aDVMask <= aDV32K }

func (r *RTC) calendarRunning() bool {
	return r.dividerRunning() && r.cmos[regB]&bSET == 0
}

// divAt is the divider's phase in ns at clock time now.
func (r *RTC) divAt(now time.Duration) int64 {
	if !r.dividerRunning() {
		return r.divBase
	}
	return r.divBase + int64(now-r.divRef)
}

// calendarAt is the calendar's reading (Unix seconds) at now; the calendar
// must be running.
func (r *RTC) calendarAt(now time.Duration) int64 {
	return r.calSec + floorDiv(r.divAt(now), int64(time.Second)) - r.calDivSec
}

// freezeCalendar writes the running calendar into the time registers.
func (r *RTC) freezeCalendar(now time.Duration) {
	s := r.calendarAt(now)
	for _, i := range []uint8{regSeconds, regMinutes, regHours, regDayOfWeek, regDayOfMonth, regMonth, regYear, RegCentury} {
		r.cmos[i] = r.timeField(i, s)
	}
}

// thawCalendar restarts the calendar from the time registers; the next
// update comes at the divider's next second boundary.
func (r *RTC) thawCalendar(now time.Duration) {
	r.calSec = r.parseImage()
	r.calDivSec = floorDiv(r.divAt(now), int64(time.Second))
}

// uip: the update-in-progress flag rises 244 µs before each update.
func (r *RTC) uip(now time.Duration) bool {
	if !r.calendarRunning() {
		return false
	}
	c := cycles(r.divAt(now))
	return c%crystalHz >= crystalHz-uipCycles
}

// periodCycles is the periodic interrupt's period in crystal cycles (0:
// none), per RS3-RS0 with the 32.768 kHz time base (data sheet, table
// "Periodic Interrupt Rate").
func (r *RTC) periodCycles() uint64 {
	rs := r.cmos[regA] & aRSMask
	switch rs {
	case 0:
		return 0
	case 1, 2:
		rs += 7
	}
	return 1 << (rs - 1)
}

// cycles is the number of crystal cycles in d ns of divider time.
func cycles(d int64) uint64 {
	if d <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), crystalHz)
	q, _ := bits.Div64(hi, lo, uint64(time.Second))
	return q
}

// cycleTime is the divider time at which cycle c begins.
func cycleTime(c uint64) int64 {
	hi, lo := bits.Mul64(c, uint64(time.Second))
	q, rem := bits.Div64(hi, lo, crystalHz)
	if rem != 0 {
		q++
	}
	return int64(q)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (r *RTC) irqf() bool {
	b, c := r.cmos[regB], r.cmos[regC]
	return (b&bPIE != 0 && c&cPF != 0) || (b&bAIE != 0 && c&cAF != 0) || (b&bUIE != 0 && c&cUF != 0)
}

// updateFlags sets PF, UF and AF for the events in the divider time since
// the last evaluation.
func (r *RTC) updateFlags(now time.Duration) {
	d1 := r.divAt(now)
	d0 := r.flagsAt
	r.flagsAt = d1
	if d1 <= d0 {
		return
	}
	if p := r.periodCycles(); p != 0 && cycles(d1)/p > cycles(d0)/p {
		r.cmos[regC] |= cPF
	}
	if !r.calendarRunning() {
		return
	}
	s0 := floorDiv(d0, int64(time.Second))
	s1 := floorDiv(d1, int64(time.Second))
	if s1 <= s0 {
		return
	}
	r.cmos[regC] |= cUF
	if r.cmos[regC]&cAF == 0 {
		cal0 := r.calSec + s0 - r.calDivSec
		if next, ok := r.nextAlarm(cal0); ok && next <= cal0+(s1-s0) {
			r.cmos[regC] |= cAF
		}
	}
}

// updateIRQ drives IRQ 8 from IRQF and re-arms the timer.
func (r *RTC) updateIRQ(now time.Duration) {
	if level := r.irqf(); level != r.irqLevel {
		r.irqLevel = level
		r.irq.Set(level)
	}
	r.schedule(now)
}

// schedule arms the timer for the next event that would raise IRQF: the
// first after the divider time the flags were last evaluated at, which may
// be in the past when a snapshot was taken before a late callback ran.
func (r *RTC) schedule(now time.Duration) {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	r.timerGen++
	if !r.dividerRunning() {
		return
	}
	b, c := r.cmos[regB], r.cmos[regC]
	d := r.flagsAt
	next := int64(-1)
	consider := func(t int64) {
		if t > d && (next < 0 || t < next) {
			next = t
		}
	}
	if p := r.periodCycles(); b&bPIE != 0 && c&cPF == 0 && p != 0 {
		consider(cycleTime((cycles(d)/p + 1) * p))
	}
	if r.calendarRunning() {
		sec := floorDiv(d, int64(time.Second))
		if b&bUIE != 0 && c&cUF == 0 {
			consider((sec + 1) * int64(time.Second))
		}
		if b&bAIE != 0 && c&cAF == 0 {
			cal := r.calSec + sec - r.calDivSec
			if t, ok := r.nextAlarm(cal); ok {
				consider((r.calDivSec + t - r.calSec) * int64(time.Second))
			}
		}
	}
	if next < 0 {
		return
	}
	gen := r.timerGen
	at := r.divRef + time.Duration(next-r.divBase)
	r.timer = r.clock.AfterFunc(at, func() { r.fire(gen) })
}

func (r *RTC) fire(gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.timerGen {
		return
	}
	r.timer = nil
	now := r.clock.Now()
	r.updateFlags(now)
	r.updateIRQ(now)
}

func (r *RTC) warn(msg string, args ...any) {
	if r.warnings >= 10 {
		return
	}
	r.warnings++
	r.log.Warn(msg, args...)
}
