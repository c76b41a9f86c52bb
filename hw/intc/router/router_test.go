package router

import (
	"fmt"
	"testing"
)

// recorder is a controller that logs every input change.
type recorder struct{ log []string }

func (r *recorder) SetIRQ(n int, high bool) { r.log = append(r.log, fmt.Sprintf("%d=%v", n, high)) }
func (r *recorder) take() string {
	s := fmt.Sprint(r.log)
	r.log = nil
	return s
}

func TestRouting(t *testing.T) {
	for _, tc := range []struct {
		gsi         uint32
		pic, ioapic string
	}{
		{0, "[0=true]", "[2=true]"}, // the timer: interrupt source override to pin 2
		{1, "[1=true]", "[1=true]"},
		{2, "[]", "[]"}, // the cascade: neither
		{8, "[8=true]", "[8=true]"},
		{9, "[9=true]", "[9=true]"},
		{15, "[15=true]", "[15=true]"},
		{16, "[]", "[16=true]"}, // PCI: I/O APIC only
		{23, "[]", "[23=true]"},
		{24, "[]", "[]"}, // beyond the I/O APIC
	} {
		p, i := new(recorder), new(recorder)
		r := New(Config{PIC: p, IOAPIC: i})
		r.SetGSI(tc.gsi, true)
		if got := p.take(); got != tc.pic {
			t.Errorf("GSI %d: PIC saw %s, want %s", tc.gsi, got, tc.pic)
		}
		if got := i.take(); got != tc.ioapic {
			t.Errorf("GSI %d: I/O APIC saw %s, want %s", tc.gsi, got, tc.ioapic)
		}
	}
}

func TestLevelsAndSharing(t *testing.T) {
	p, i := new(recorder), new(recorder)
	r := New(Config{PIC: p, IOAPIC: i})
	r.SetGSI(5, true)
	r.SetGSI(5, true) // the PIC sees every set (it detects edges itself)
	if got := p.take(); got != "[5=true 5=true]" {
		t.Errorf("PIC %s", got)
	}
	if got := i.take(); got != "[5=true]" {
		t.Errorf("I/O APIC %s: repeated levels are not forwarded", got)
	}
	if !r.Level(5) || r.Level(6) || r.Level(99) {
		t.Error("Level wrong")
	}
	// A direct pin source shares pin 8 with the RTC's GSI 8: wired OR.
	pins := r.IOAPICPins()
	pins.SetGSI(8, true)
	r.SetGSI(8, true)
	r.SetGSI(8, false)
	if got := i.take(); got != "[8=true]" {
		t.Errorf("I/O APIC %s while the direct source holds pin 8", got)
	}
	pins.SetGSI(8, false)
	if got := i.take(); got != "[8=false]" {
		t.Errorf("I/O APIC %s", got)
	}
	// The direct source reaches pin 2 and pin 0 without touching the PIC.
	p.take()
	pins.SetGSI(0, true)
	pins.SetGSI(2, true)
	pins.SetGSI(40, true)
	if got := i.take(); got != "[0=true 2=true]" {
		t.Errorf("direct pins %s", got)
	}
	if got := p.take(); got != "[]" {
		t.Errorf("direct pins reached the PIC: %s", got)
	}
}

func TestRedrive(t *testing.T) {
	p, i := new(recorder), new(recorder)
	r := New(Config{PIC: p, IOAPIC: i})
	r.SetGSI(0, true)
	r.SetGSI(17, true)
	p.take()
	i.take()
	r.Redrive()
	pl, il := p.take(), i.take()
	if want := "[0=true 1=false 3=false 4=false 5=false 6=false 7=false 8=false 9=false 10=false 11=false 12=false 13=false 14=false 15=false]"; pl != want {
		t.Errorf("PIC re-driven with %s", pl)
	}
	if want := "[0=false 1=false 2=true 3=false 4=false 5=false 6=false 7=false 8=false 9=false 10=false 11=false 12=false 13=false 14=false 15=false 16=false 17=true 18=false 19=false 20=false 21=false 22=false 23=false]"; il != want {
		t.Errorf("I/O APIC re-driven with %s", il)
	}
}

func TestNoControllers(t *testing.T) {
	r := New(Config{})
	r.SetGSI(3, true)
	r.IOAPICPins().SetGSI(3, true)
	r.Redrive()
}
