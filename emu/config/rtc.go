package config

import (
	"fmt"
	"strings"
	"time"
)

// RTCClock is the clock the real-time clock runs from (-rtc clock=).
type RTCClock string

const (
	// RTCClockHost follows the host's wall clock, including its
	// adjustments (QEMU's default).
	RTCClockHost RTCClock = "host"
	// RTCClockRT follows the host's monotonic clock: it keeps running
	// while the VM is stopped but ignores host clock changes.
	RTCClockRT RTCClock = "rt"
	// RTCClockVM follows the guest's virtual clock: it stops while the VM
	// is stopped and, under -icount, advances with executed instructions.
	RTCClockVM RTCClock = "vm"
)

// DriftFix is how the RTC makes up for periodic interrupts the guest missed
// (-rtc driftfix=).
type DriftFix string

const (
	DriftFixNone DriftFix = "none" // lost ticks stay lost (QEMU's default)
	DriftFixSlew DriftFix = "slew" // lost ticks are re-injected, faster, until caught up
)

// RTC is the -rtc selection.
type RTC struct {
	// Base is where the RTC starts: "utc" (the default), "localtime", or a
	// date in one of the forms "2006-06-17T16:01:21" and "2006-06-17",
	// read as UTC. A date is checked here with the rules of the RTC
	// model's parser (mc146818.ParseBase): exactly these layouts, a valid
	// calendar date and time, year 1 to 9999.
	Base     string
	Clock    RTCClock
	DriftFix DriftFix
}

// Default -rtc values, as QEMU's.
const (
	DefaultRTCBase = "utc"
)

var rtcKeys = []keyHelp{
	{"base", "str", "utc, localtime, or a start date 2006-06-17T16:01:21 or 2006-06-17 (default utc)"},
	{"clock", "str", "host, rt or vm: the clock the RTC follows (default host)"},
	{"driftfix", "str", "none or slew: re-inject missed periodic interrupts (default none)"},
}

func rtcHelp() string {
	var b strings.Builder
	b.WriteString("rtc options:\n")
	for _, k := range rtcKeys {
		fmt.Fprintf(&b, "  %-22s - %s\n", k.key+"=<"+k.typ+">", k.desc)
	}
	return b.String()
}

// maxRTCBase bounds the length of a base= value, as the RTC model does.
const maxRTCBase = 64

// rtcBaseValid reports whether s is a base= value the RTC model accepts:
// utc, localtime, YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD with a real calendar
// date and time and a year from 1 to 9999.
func rtcBaseValid(s string) bool {
	switch s {
	case "utc", "localtime":
		return true
	}
	if len(s) > maxRTCBase {
		return false
	}
	layout := "2006-01-02"
	if strings.Contains(s, "T") {
		layout = "2006-01-02T15:04:05"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return false
	}
	return t.Year() >= 1 && t.Year() <= 9999
}

// rtc checks one -rtc argument and merges it into the accumulated -rtc
// options: a later key overrides an earlier one, as in QEMU.
func (p *parser) rtc(opt, arg string) error {
	o := ParseOpts(opt, "", arg)
	if o.Help {
		p.listing = &Listing{Text: rtcHelp()}
		return nil
	}
	if err := o.Check("base", "clock", "driftfix"); err != nil {
		return err
	}
	r := &p.cfg.RTC
	if v, ok := o.String("base"); ok {
		if !rtcBaseValid(v) {
			return o.Err("base", "invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)")
		}
		r.Base = v
	}
	if v, ok := o.String("clock"); ok {
		switch c := RTCClock(v); c {
		case RTCClockHost, RTCClockRT, RTCClockVM:
			r.Clock = c
		default:
			return o.Err("clock", "invalid option value '%s': Parameter 'clock' expects 'host', 'rt' or 'vm'", v)
		}
	}
	if v, ok := o.String("driftfix"); ok {
		switch d := DriftFix(v); d {
		case DriftFixNone, DriftFixSlew:
			r.DriftFix = d
		default:
			return o.Err("driftfix", "invalid option value '%s': Parameter 'driftfix' expects 'none' or 'slew'", v)
		}
	}
	return nil
}
