package debugexit

import (
	"strings"
	"testing"

	"gemu/migration/vmstate/vmstatetest"
)

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		off  uint64
		size int
		val  uint64
		want int
	}{
		{"default zero", Config{}, 0, 1, 0, 1},
		{"default pass", Config{}, 0, 2, 0x10, 0x21},
		{"second port", Config{}, 1, 1, 0x3f, 0x7f},
		{"f4 iosize 4 dword", Config{IOBase: 0xf4, IOSize: 4}, 0, 4, 0x12345678, 0x2468acf1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := -1
			calls := 0
			tc.cfg.Exit = func(s int) { got = s; calls++ }
			d, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if v := d.Read(tc.off, tc.size); v != 0 {
				t.Errorf("Read = %#x, want 0", v)
			}
			if calls != 0 {
				t.Fatal("read requested an exit")
			}
			d.Write(tc.off, tc.size, tc.val)
			if calls != 1 || got != tc.want {
				t.Errorf("Exit called %d times with %#x, want once with %#x", calls, got, tc.want)
			}
		})
	}
}

func TestRegion(t *testing.T) {
	d, err := New(Config{Exit: func(int) {}})
	if err != nil {
		t.Fatal(err)
	}
	if r := d.Region(); r.Base != 0x501 || r.Len != 2 || r.Handler != d {
		t.Errorf("Region() = %+v, want 0x501 len 2", r)
	}
	d, _ = New(Config{IOBase: 0xf4, IOSize: 4, Exit: func(int) {}})
	if r := d.Region(); r.Base != 0xf4 || r.Len != 4 {
		t.Errorf("Region() = %+v, want 0xf4 len 4", r)
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no Exit function"},
		{Config{IOBase: 0xffff, IOSize: 2, Exit: func(int) {}}, "does not fit"},
		{Config{IOSize: 300, Exit: func(int) {}}, "does not fit"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestResetAndState(t *testing.T) {
	fresh := func() *Device {
		d, err := New(Config{Exit: func(int) { t.Fatal("exit during state test") }})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := fresh()
	d.Reset()
	if d.Read(0, 1) != 0 {
		t.Error("read after reset not 0")
	}
	vmstatetest.RoundTrip(t, fresh, nil)
}
