package config

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOpts(t *testing.T) {
	for _, tc := range []struct {
		name, implied, in string
		want              []KV
		help              bool
	}{
		{"implied first", "type", "pc,accel=kvm", []KV{{Key: "type", Value: "pc"}, {Key: "accel", Value: "kvm"}}, false},
		{"implied only", "cpus", "4", []KV{{Key: "cpus", Value: "4"}}, false},
		{"explicit first key", "type", "type=q35", []KV{{Key: "type", Value: "q35"}}, false},
		{"no implied key", "", "a=1,b=2", []KV{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}, false},
		{"escaped comma in value", "", "file=a,,b.img,if=none", []KV{{Key: "file", Value: "a,b.img"}, {Key: "if", Value: "none"}}, false},
		{"escaped comma in implied", "driver", "x,,y,id=d", []KV{{Key: "driver", Value: "x,y"}, {Key: "id", Value: "d"}}, false},
		{"double escape", "", "a=,,,,", []KV{{Key: "a", Value: ",,"}}, false},
		{"bare boolean", "backend", "socket,server,nowait", []KV{{Key: "backend", Value: "socket"}, {Key: "server", Value: "on", Bare: true}, {Key: "wait", Value: "off", Bare: true}}, false},
		{"nodelay is delay=off", "", "nodelay", []KV{{Key: "delay", Value: "off", Bare: true}}, false},
		{"help implied", "type", "help", []KV{{Key: "type", Value: "help"}}, true},
		{"question mark", "driver", "?", []KV{{Key: "driver", Value: "?"}}, true},
		{"help later", "driver", "isa-serial,help", []KV{{Key: "driver", Value: "isa-serial"}}, true},
		{"trailing comma", "", "a=1,", []KV{{Key: "a", Value: "1"}}, false},
		{"empty value", "", "a=", []KV{{Key: "a", Value: ""}}, false},
		{"value with equals", "", "a=b=c", []KV{{Key: "a", Value: "b=c"}}, false},
		{"repeated key kept", "", "a=1,a=2", []KV{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}, false},
		{"empty", "type", "", nil, false},
		{"empty implied value", "type", ",a=1", []KV{{Key: "type", Value: ""}, {Key: "a", Value: "1"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ParseOpts("-x", tc.implied, tc.in)
			if diff := cmp.Diff(tc.want, o.Values); diff != "" {
				t.Errorf("ParseOpts(%q) values (-want +got):\n%s", tc.in, diff)
			}
			if o.Help != tc.help {
				t.Errorf("ParseOpts(%q).Help = %v, want %v", tc.in, o.Help, tc.help)
			}
		})
	}
}

func TestOptsGetters(t *testing.T) {
	o := ParseOpts("-chardev", "backend", "socket,id=s,server=yes,wait=false,port=0x10,size=1.5K,bad=maybe,n=99999999999999999999,a=1,a=2")
	if v, _ := o.String("a"); v != "2" {
		t.Errorf("String(a) = %q, want the last value 2", v)
	}
	if b, err := o.Bool("server", false); err != nil || !b {
		t.Errorf("Bool(server) = %v, %v", b, err)
	}
	if b, err := o.Bool("wait", true); err != nil || b {
		t.Errorf("Bool(wait) = %v, %v", b, err)
	}
	if b, err := o.Bool("absent", true); err != nil || !b {
		t.Errorf("Bool(absent) = %v, %v; want default", b, err)
	}
	if v, err := o.Uint("port", 0, 65535); err != nil || v != 16 {
		t.Errorf("Uint(port) = %v, %v", v, err)
	}
	if v, err := o.Size("size", 0); err != nil || v != 1536 {
		t.Errorf("Size(size) = %v, %v", v, err)
	}
	var oe *OptError
	if _, err := o.Bool("bad", false); !errors.As(err, &oe) || oe.Key != "bad" || oe.Opt != "-chardev" {
		t.Errorf("Bool(bad) error = %v", err)
	}
	if _, err := o.Uint("n", 0, 1<<64-1); !errors.As(err, &oe) || oe.Key != "n" {
		t.Errorf("Uint(n) overflow error = %v", err)
	}
	if _, err := o.Uint("port", 0, 15); err == nil {
		t.Error("Uint(port) above max: no error")
	}
	if err := o.Check("backend", "id", "server", "wait", "port", "size", "bad", "n"); !errors.As(err, &oe) || oe.Key != "a" {
		t.Errorf("Check error = %v, want one naming 'a'", err)
	}
	want := "-chardev " + o.Arg + ": Invalid parameter 'id'"
	if got := o.Check("backend").Error(); got != want {
		t.Errorf("Check message = %q, want %q", got, want)
	}
}

func TestParseUint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		err  error
	}{
		{"0", 0, nil}, {"42", 42, nil}, {"0x1f", 31, nil}, {"0X1F", 31, nil}, {"010", 8, nil},
		{"18446744073709551615", 1<<64 - 1, nil}, {"18446744073709551616", 0, errRange},
		{"0xffffffffffffffff", 1<<64 - 1, nil}, {"0x10000000000000000", 0, errRange},
		{"", 0, errSyntax}, {"-1", 0, errSyntax}, {"+1", 0, errSyntax}, {"08", 0, errSyntax},
		{"0x", 0, errSyntax}, {"1e3", 0, errSyntax}, {"0b11", 0, errSyntax}, {" 1", 0, errSyntax}, {"1_000", 0, errSyntax},
	} {
		got, err := parseUint(tc.in)
		if got != tc.want || err != tc.err {
			t.Errorf("parseUint(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		unit uint64
		want uint64
		err  error
	}{
		{"512", 1, 512, nil},
		{"512", 1 << 20, 512 << 20, nil},
		{"512b", 1 << 20, 512, nil},
		{"512B", 1, 512, nil},
		{"4k", 1, 4096, nil},
		{"4K", 1, 4096, nil},
		{"1M", 1, 1 << 20, nil},
		{"2G", 1, 2 << 30, nil},
		{"1T", 1, 1 << 40, nil},
		{"1P", 1, 1 << 50, nil},
		{"15E", 1, 15 << 60, nil},
		{"16E", 1, 0, errRange},
		{"1.5G", 1, 3 << 29, nil},
		{"0.5M", 1, 512 << 10, nil},
		{"1.5", 1, 0, errSyntax},
		{"1.5b", 1, 0, errSyntax},
		{"0x1000", 1, 0x1000, nil},
		{"0x10M", 1, 16 << 20, nil},
		{"0x1B", 1, 0x1b, nil},
		{" 512", 1, 512, nil},
		{"512 ", 1, 0, errSyntax},
		{"", 1, 0, errSyntax},
		{"M", 1, 0, errSyntax},
		{"-1", 1, 0, errSyntax},
		{"1e3", 1, 0, errSyntax},
		{"512MiB", 1, 0, errSyntax},
		{"1.", 1 << 20, 0, errSyntax},
		{".5M", 1, 0, errSyntax},
		{"99999999999999999999", 1, 0, errRange},
		{"17179869184G", 1, 0, errRange},
		{"0.0000000000000000000001E", 1, 0, nil},
		{"0.000001E", 1, 1152921504606, nil},
	} {
		got, err := ParseSize(tc.in, tc.unit)
		if got != tc.want || err != tc.err {
			t.Errorf("ParseSize(%q, %d) = %d, %v; want %d, %v", tc.in, tc.unit, got, err, tc.want, tc.err)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for in, want := range map[uint64]string{0: "0B", 1: "1B", 1024: "1K", 1536: "1536B", 128 << 20: "128M", 1 << 40: "1T", 3 << 29: "1536M"} {
		if got := FormatSize(in); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestOptErrorIsOneLine(t *testing.T) {
	e := &OptError{Opt: "-name", Arg: "a\nb\r\x7f", Reason: "bad\tthing"}
	if got, want := e.Error(), `-name a\x0ab\x0d\x7f: bad\x09thing`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
