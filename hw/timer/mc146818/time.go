package mc146818

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

func toBCD(v int) uint8   { return uint8(v/10%10<<4 | v%10) }
func fromBCD(b uint8) int { return int(b>>4)*10 + int(b&0x0f) }

// enc encodes a field in the data mode register B selects.
func (r *RTC) enc(v int) uint8 {
	if r.cmos[regB]&bDM != 0 {
		return uint8(v)
	}
	return toBCD(v)
}

func (r *RTC) dec(b uint8) int {
	if r.cmos[regB]&bDM != 0 {
		return int(b)
	}
	return fromBCD(b)
}

// calendarCycle is 10000 years in seconds: 25 Gregorian cycles of 400
// years, a whole number of weeks.
const calendarCycle = 25 * 146097 * 86400

// wrapCalendar brings a calendar reading into years 0..9999, as a
// four-digit year counter rolls over (a guest can set the registers to
// years the digits cannot hold, or let 9999 run out). Dates and weekdays
// are unchanged by the whole cycles it removes.
func wrapCalendar(s int64) int64 {
	r := (s - minCalendar) % calendarCycle
	if r < 0 {
		r += calendarCycle
	}
	return minCalendar + r
}

// timeField is time register i for the calendar reading s.
func (r *RTC) timeField(i uint8, s int64) uint8 {
	t := time.Unix(wrapCalendar(s), 0).UTC()
	switch i {
	case regSeconds:
		return r.enc(t.Second())
	case regMinutes:
		return r.enc(t.Minute())
	case regHours:
		return r.encHour(t.Hour())
	case regDayOfWeek:
		return r.enc(int(t.Weekday()) + 1)
	case regDayOfMonth:
		return r.enc(t.Day())
	case regMonth:
		return r.enc(int(t.Month()))
	case regYear:
		return r.enc(t.Year() % 100)
	default: // RegCentury
		return r.enc(t.Year() / 100)
	}
}

// encHour encodes an hour 0..23 in 24-hour or 12-hour form (1..12, bit 7
// for PM).
func (r *RTC) encHour(h int) uint8 {
	if r.cmos[regB]&b24 != 0 {
		return r.enc(h)
	}
	pm := h >= 12
	h %= 12
	if h == 0 {
		h = 12
	}
	v := r.enc(h)
	if pm {
		v |= 0x80
	}
	return v
}

func (r *RTC) decHour(b uint8) int {
	if r.cmos[regB]&b24 != 0 {
		return r.dec(b)
	}
	h := r.dec(b & 0x7f)
	if h == 12 {
		h = 0
	}
	if b&0x80 != 0 {
		h += 12
	}
	return h
}

// parseImage reads the time registers as the calendar they describe.
// Out-of-range fields roll over as time.Date normalises them; the day of
// the week is derived from the date, as QEMU does.
func (r *RTC) parseImage() int64 {
	year := r.dec(r.cmos[RegCentury])*100 + r.dec(r.cmos[regYear])
	return time.Date(year, time.Month(r.dec(r.cmos[regMonth])), r.dec(r.cmos[regDayOfMonth]),
		r.decHour(r.cmos[regHours]), r.dec(r.cmos[regMinutes]), r.dec(r.cmos[regSeconds]), 0, time.UTC).Unix()
}

// alarmField decodes an alarm byte: any (don't care), or a value that
// must match; ok is false for a byte no time can ever match.
func (r *RTC) alarmField(b uint8, hour bool, limit int) (v int, any, ok bool) {
	if b&almDontCare == almDontCare {
		return 0, true, true
	}
	if hour {
		if r.cmos[regB]&b24 == 0 {
			h := r.dec(b & 0x7f)
			if h < 1 || h > 12 || (r.cmos[regB]&bDM == 0 && !validBCD(b&0x7f)) {
				return 0, false, false
			}
			return r.decHour(b), false, true
		}
	}
	if r.cmos[regB]&bDM == 0 && !validBCD(b) {
		return 0, false, false
	}
	v = r.dec(b)
	return v, false, v < limit
}

func validBCD(b uint8) bool { return b&0x0f <= 9 && b>>4 <= 9 }

// nextAlarm returns the first calendar second after cal at which the alarm
// registers match.
func (r *RTC) nextAlarm(cal int64) (int64, bool) {
	sv, sAny, ok1 := r.alarmField(r.cmos[regSecondsAlarm], false, 60)
	mv, mAny, ok2 := r.alarmField(r.cmos[regMinutesAlarm], false, 60)
	hv, hAny, ok3 := r.alarmField(r.cmos[regHoursAlarm], true, 24)
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	day := floorDiv(cal, 86400) * 86400
	after := int(cal - day)
	for d := int64(0); d < 2; d++ {
		if x, ok := matchInDay(after, hv, hAny, mv, mAny, sv, sAny); ok {
			return day + d*86400 + int64(x), true
		}
		after = -1
	}
	return 0, false
}

// matchInDay finds the smallest second of the day greater than after that
// matches the alarm fields, skipping whole hours and minutes that cannot.
func matchInDay(after, hv int, hAny bool, mv int, mAny bool, sv int, sAny bool) (int, bool) {
	for h := 0; h < 24; h++ {
		if (!hAny && h != hv) || h*3600+3599 <= after {
			continue
		}
		for m := 0; m < 60; m++ {
			if (!mAny && m != mv) || h*3600+m*60+59 <= after {
				continue
			}
			for s := 0; s < 60; s++ {
				if !sAny && s != sv {
					continue
				}
				if x := h*3600 + m*60 + s; x > after {
					return x, true
				}
			}
		}
	}
	return 0, false
}

// ErrBase is wrapped by ParseBase's errors.
var ErrBase = errors.New("invalid RTC base")

// ParseBase interprets -rtc base= as QEMU does: "utc" (the default) and
// "localtime" take the host's time now, in UTC or in loc; a date
// "2006-06-17T16:01:21" or "2006-06-17" is the reading at start-up. The
// result's fields in its location are the RTC's reading.
func ParseBase(s string, now time.Time, loc *time.Location) (time.Time, error) {
	switch s {
	case "", "utc":
		return now.UTC(), nil
	case "localtime":
		if loc == nil {
			loc = time.Local
		}
		return now.In(loc), nil
	}
	if len(s) > 64 {
		return time.Time{}, fmt.Errorf("%w: %.64q... is too long", ErrBase, s)
	}
	var t time.Time
	var err error
	if strings.Contains(s, "T") {
		t, err = time.Parse("2006-01-02T15:04:05", s)
	} else {
		t, err = time.Parse("2006-01-02", s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q: want utc, localtime, YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD", ErrBase, s)
	}
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, fmt.Errorf("%w: year %d", ErrBase, y)
	}
	return t, nil
}
