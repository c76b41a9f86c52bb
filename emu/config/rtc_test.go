package config

import (
	"errors"
	"testing"
	"time"

	"gemu/hw/timer/mc146818"
)

// rtcBaseSeeds are base= values around every rule: keywords, both layouts,
// calendar limits, stray characters and lengths.
var rtcBaseSeeds = []string{
	"utc", "localtime", "UTC", "Localtime", "", "2006-06-17", "2006-06-17T16:01:21",
	"2006-06-17T16:01", "2006-06-17T", "T", "2006-6-17", "2006-06-7", "06-06-17",
	"2024-02-29", "2023-02-29", "2006-02-30", "2006-13-01", "2006-00-10", "2006-01-00",
	"0000-01-01", "0001-01-01", "9999-12-31T23:59:59", "2006-06-17T24:00:00",
	"2006-06-17T23:60:00", "2006-06-17T23:59:60", "2006-06-17 16:01:21",
	"2006-06-17T16:01:21Z", "2006-06-17T16:01:21.5", "+2006-06-17", "-2006-06-17",
	"2006-06-17x", " 2006-06-17", "10000-01-01", "2006/06/17",
	"2006-06-17T16:01:21" + "0000000000000000000000000000000000000000000000",
}

// The -rtc base= check must accept exactly what the RTC model's parser
// accepts, so that a line the config passes never fails when the machine
// is built.
func TestRTCBaseMatchesModel(t *testing.T) {
	for _, s := range rtcBaseSeeds {
		checkRTCBase(t, s)
	}
}

func FuzzRTCBase(f *testing.F) {
	for _, s := range rtcBaseSeeds {
		f.Add(s)
	}
	f.Fuzz(checkRTCBase)
}

func checkRTCBase(t *testing.T, s string) {
	_, err := mc146818.ParseBase(s, time.Unix(1e9, 0), time.UTC)
	if err != nil && !errors.Is(err, mc146818.ErrBase) {
		t.Fatalf("ParseBase(%q): error %v does not wrap ErrBase", s, err)
	}
	// ParseBase takes "" as utc (the machine passes the default that
	// way); the command line has no empty base=.
	model := err == nil && s != ""
	if got := rtcBaseValid(s); got != model {
		t.Errorf("rtcBaseValid(%q) = %v, but the RTC model's parser gives error %v", s, got, err)
	}
}

func TestAccelAllowed(t *testing.T) {
	for _, tc := range []struct {
		args  string
		accel string
		ok    bool
	}{
		{"", "tcg", true},
		{"", "kvm", true},
		{"-icount 0", "tcg", true},
		{"-accel kvm -accel tcg -icount 0", "kvm", false},
		{"-accel kvm -accel tcg -icount 0", "tcg", true},
		{"-accel kvm -icount sleep=off", "kvm", true}, // no shift: no icount
	} {
		c := parseOK(t, splitArgs(tc.args)...)
		err := c.AccelAllowed(tc.accel)
		if (err == nil) != tc.ok {
			t.Errorf("%q: AccelAllowed(%s) = %v, want ok=%v", tc.args, tc.accel, err, tc.ok)
		}
		var oe *OptError
		if err != nil && (!errors.As(err, &oe) || oe.Opt != "-icount") {
			t.Errorf("%q: AccelAllowed(%s) error %v is not an -icount *OptError", tc.args, tc.accel, err)
		}
	}
}
