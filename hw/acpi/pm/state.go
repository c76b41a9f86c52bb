package pm

import (
	"time"

	"gemu/migration/vmstate"
)

// VisitState saves the registers as the hardware holds them. The PM timer
// is saved as its full count, so it continues from there whatever the
// destination's clock reads.
func (p *PM) VisitState(v *vmstate.Visitor) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	count := p.refresh(now)
	v.Uint16("pm1-sts", &p.pm1Sts)
	v.Check(p.pm1Sts&^stsValid == 0, "PM1_STS %#x has undefined bits", p.pm1Sts)
	v.Uint16("pm1-en", &p.pm1En)
	v.Check(p.pm1En&^enValid == 0, "PM1_EN %#x has undefined bits", p.pm1En)
	v.Uint16("pm1-cnt", &p.pm1Cnt)
	v.Check(p.pm1Cnt&^cntValid == 0, "PM1_CNT %#x has undefined or write-only bits", p.pm1Cnt)
	v.Uint16("gpe0-sts", &p.gpeSts)
	v.Uint16("gpe0-en", &p.gpeEn)
	v.Uint8("apmc", &p.apmc)
	v.Uint64("tmr-count", &count)
	// Where the timer is between two ticks, so a loaded timer ticks when
	// the saved one would have.
	var phase uint64
	if !v.Loading() && now > p.tmrBase {
		phase = uint64((now - p.tmrBase) % tmrCycle)
	}
	v.Optional("tmr-phase", phase != 0, func() {
		v.Uint64("ns", &phase)
		v.Check(phase < uint64(tmrCycle), "timer phase %d ns, the cycle is %d", phase, uint64(tmrCycle))
	})
	if v.Loading() && v.Err() == nil {
		p.stopTimer() // armed for the old count-to-time mapping
		p.tmrBase = now - time.Duration(phase)
		p.tmrOff = count - ticks(time.Duration(phase))
		p.tmrLast = count
		p.sci = p.pm1Cnt&cntSCIEn != 0 && (p.pm1Sts&p.pm1En&enValid != 0 || p.gpeSts&p.gpeEn != 0)
		p.sciLine.Set(p.sci)
		p.update()
	}
}
