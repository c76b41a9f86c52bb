package config

import (
	"strings"
	"testing"
)

func TestBoardKeys(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want Machine
	}{
		{[]string{"-M", "microvm,pic=off,pit=on,rtc=off,isa-serial=on,acpi=off"},
			Machine{Type: "microvm", PIC: Off, PIT: On, RTC: Off, ISASerial: On, ACPI: Off}},
		{[]string{"-M", "microvm", "-M", "auto-kernel-cmdline=off,x-option-roms=on"},
			Machine{Type: "microvm", AutoKernelCmdline: Off, OptionROMs: On}},
		{[]string{"-M", "pc,acpi=on,hpet=off"}, Machine{Type: "pc", ACPI: On, HPET: Off}},
		{[]string{"-M", "pc,acpi=auto"}, Machine{Type: "pc", ACPI: Auto}},
	} {
		c, err := Parse(tc.args)
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		if c.Machine != tc.want {
			t.Errorf("%v: Machine = %+v, want %+v", tc.args, c.Machine, tc.want)
		}
	}
}

func TestBoardKeyOnWrongBoard(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-M", "pc,pic=off"}, "pc-machine.pic"},
		{[]string{"-M", "pit=on"}, "pc-machine.pit"},
		{[]string{"-M", "microvm,hpet=on"}, "microvm-machine.hpet"},
		{[]string{"-M", "microvm,pic=sometimes"}, "sometimes"},
	} {
		_, err := Parse(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: err = %v, want one line naming %q", tc.args, err, tc.want)
		}
	}
}

func TestOnOffAutoEnabled(t *testing.T) {
	if !Auto.Enabled(true) || Auto.Enabled(false) || !On.Enabled(false) || Off.Enabled(true) {
		t.Error("OnOffAuto.Enabled")
	}
}
