package debugcon

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate/vmstatetest"
)

func TestReadback(t *testing.T) {
	d, _ := New(Config{})
	if v := d.Read(0, 1); v != 0xe9 {
		t.Errorf("default readback = %#x, want 0xe9", v)
	}
	rb := uint8(0)
	d, _ = New(Config{Readback: &rb})
	if v := d.Read(0, 1); v != 0 {
		t.Errorf("readback=0 reads %#x", v)
	}
}

func TestWideAccessIsLowByte(t *testing.T) {
	var out bytes.Buffer
	d, _ := New(Config{Out: &out})
	io := bus.NewSpace("io")
	if err := io.Map(d.Region()); err != nil {
		t.Fatal(err)
	}
	io.Write(0xe9, 1, 'h')
	io.Write(0xe9, 2, 'i'|'!'<<8) // the high byte addresses port 0xea
	if out.String() != "hi" {
		t.Errorf("output %q, want %q", out.String(), "hi")
	}
	if v, _ := io.Read(0xe9, 2); v != 0xffe9 {
		t.Errorf("word read = %#x, want 0xffe9", v)
	}
}

type brokenWriter struct{ n int }

func (w *brokenWriter) Write(p []byte) (int, error) { w.n++; return 0, errors.New("disconnected") }

// TestBackendFailure: a failing backend loses bytes without troubling the guest.
func TestBackendFailure(t *testing.T) {
	w := &brokenWriter{}
	d, _ := New(Config{Out: w})
	d.Write(0, 1, 'x')
	d.Write(0, 1, 'y')
	if w.n != 2 {
		t.Errorf("backend saw %d writes, want 2", w.n)
	}
}

func TestWriteAllocs(t *testing.T) {
	d, _ := New(Config{})
	if n := testing.AllocsPerRun(100, func() { d.Write(0, 1, 'a') }); n != 0 {
		t.Errorf("Write allocates %v times", n)
	}
}

func TestResetAndState(t *testing.T) {
	var out bytes.Buffer
	fresh := func() *Device { d, _ := New(Config{Out: &out}); return d }
	d := fresh()
	d.Write(0, 1, 'a')
	d.Reset()
	if d.Read(0, 1) != 0xe9 {
		t.Error("reset changed readback")
	}
	vmstatetest.RoundTrip(t, fresh, nil)
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		var out bytes.Buffer
		d, err := New(Config{Out: &out})
		if err != nil {
			t.Fatal(err)
		}
		io := bus.NewSpace("io")
		if err := io.Map(d.Region()); err != nil {
			t.Fatal(err)
		}
		return &script.Env{IO: io, Commands: map[string]script.Command{
			"out?": func([]string) (string, error) {
				s := strconv.Quote(out.String())
				out.Reset()
				return s, nil
			},
		}}
	})
}
