package config

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse feeds arbitrary argument lists (NUL-separated) to Parse: it
// must not panic or hang, must return either an *OptError with a one-line
// message or a Config that holds together.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"-machine\x00pc,accel=kvm:tcg,kernel-irqchip=split",
		"-M\x00q35\x00-enable-kvm\x00-cpu\x00host,-arch-capabilities,+x2apic,sse4_2=on",
		"-smp\x004,sockets=1,cores=2,threads=2\x00-m\x001.5G",
		"-smp\x00maxcpus=8,dies=2\x00-m\x00size=512,slots=2",
		"-nographic\x00-serial\x00mon:stdio\x00-kernel\x00bz\x00-append\x00console=ttyS0,115200",
		"-serial\x00tcp:[::1]:4444,server,nowait\x00-serial\x00unix:/tmp/a,,b,server=on",
		"-chardev\x00socket,id=s,path=/tmp/s,server=on,wait=off\x00-device\x00isa-serial,chardev=s,index=2",
		"-chardev\x00stdio,id=c,mux=on,signal=off\x00-serial\x00chardev:c\x00-mon\x00chardev=c,mode=control,pretty=on",
		"-device\x00isa-debug-exit,iobase=0xf4,iosize=0x04\x00-debugcon\x00file:/tmp/d",
		"-qmp\x00unix:/tmp/q,server,nowait\x00-monitor\x00none\x00-nodefaults",
		"--name\x00guest=x,,y,process=p\x00-pidfile\x00/p\x00-S\x00-no-reboot",
		"-device\x00help",
		"-cpu\x00qemu64,?",
		"-accel\x00kvm,kernel-irqchip=off\x00-accel\x00tcg",
		"-m\x000x1000\x00-L\x00a\x00-L\x00b\x00-bios\x00x",
		"-rtc\x00base=2006-06-17T16:01:21,clock=vm,driftfix=slew\x00-rtc\x00base=localtime",
		"-icount\x00shift=auto,align=on\x00-icount\x00sleep=off\x00-accel\x00kvm\x00-accel\x00tcg",
		"-icount\x000x3,nosleep\x00-rtc\x00help",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var args []string
		if s != "" {
			args = strings.Split(s, "\x00")
		}
		c, err := Parse(args)
		if err != nil {
			var oe *OptError
			if !errors.As(err, &oe) {
				t.Fatalf("error %v is %T, not *OptError", err, err)
			}
			msg := err.Error()
			if msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("bad error message %q", msg)
			}
			return
		}
		again, err2 := Parse(args)
		if err2 != nil || !cmp.Equal(c, again) {
			t.Fatalf("Parse is not deterministic: %v", err2)
		}
		if c.Listing != nil {
			return
		}
		checkConfig(t, c)
	})
}

// checkConfig verifies the invariants every parsed Config keeps.
func checkConfig(t *testing.T, c *Config) {
	t.Helper()
	if _, ok := lookupMachine(c.Machine.Type); !ok {
		t.Errorf("machine type %q", c.Machine.Type)
	}
	if len(c.Accels) == 0 {
		t.Error("no accelerator")
	}
	for _, a := range c.Accels {
		if !validAccel(a.Name) {
			t.Errorf("accelerator %q", a.Name)
		}
	}
	s := c.SMP
	if s.Sockets*s.Dies*s.Clusters*s.Cores*s.Threads != s.MaxCPUs || s.CPUs < 1 || s.CPUs > s.MaxCPUs || s.MaxCPUs > MaxCPUs {
		t.Errorf("SMP %+v", s)
	}
	if c.RAMSize == 0 || c.RAMSize > MaxRAMSize || c.RAMSize%8192 != 0 {
		t.Errorf("RAMSize %d", c.RAMSize)
	}
	if !rtcBaseValid(c.RTC.Base) {
		t.Errorf("RTC base %q", c.RTC.Base)
	}
	switch c.RTC.Clock {
	case RTCClockHost, RTCClockRT, RTCClockVM:
	default:
		t.Errorf("RTC clock %q", c.RTC.Clock)
	}
	if c.RTC.DriftFix != DriftFixNone && c.RTC.DriftFix != DriftFixSlew {
		t.Errorf("RTC driftfix %q", c.RTC.DriftFix)
	}
	if ic := c.ICount; ic.Shift < 0 || ic.Shift > MaxICountShift || (ic.Align && !ic.Sleep) ||
		(!ic.Enabled && (ic.Shift != 0 || ic.Auto || ic.Align)) || (ic.Enabled && !hasAccel(c.Accels, "tcg")) {
		t.Errorf("ICount %+v with accelerators %v", ic, c.Accels)
	}
	ids := map[string]int{}
	stdio := 0
	for _, d := range c.Chardevs {
		ids[d.ID]++
		if ids[d.ID] > 1 {
			t.Errorf("duplicate chardev %q", d.ID)
		}
		if d.Backend == "stdio" {
			stdio++
		}
		if _, ok := findChardevBackend(d.Backend); !ok {
			t.Errorf("chardev backend %q", d.Backend)
		}
	}
	if stdio > 1 {
		t.Errorf("%d stdio chardevs", stdio)
	}
	if len(c.Serials) > 4 {
		t.Errorf("%d serial ports", len(c.Serials))
	}
	for _, id := range c.Serials {
		if ids[id] != 1 {
			t.Errorf("serial on unknown chardev %q", id)
		}
	}
	for _, m := range c.Monitors {
		if ids[m.Chardev] != 1 {
			t.Errorf("monitor on unknown chardev %q", m.Chardev)
		}
	}
	for _, d := range c.Devices {
		typ, ok := LookupDevice(d.Driver)
		if !ok {
			t.Errorf("device %q", d.Driver)
			continue
		}
		for _, p := range d.Props {
			spec, ok := typ.prop(p.Name)
			if !ok || spec.Type != p.Type {
				t.Errorf("device %s property %+v", d.Driver, p)
			}
			if p.Type == PropChardev && ids[p.Str] != 1 {
				t.Errorf("device %s on unknown chardev %q", d.Driver, p.Str)
			}
		}
	}
}

// FuzzParseSize checks ParseSize against an exact rational computation.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"512", "1.5G", "0x10M", "0x1B", "16E", "15.999E", " 4k", "1.", "0.5b", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseSize(s, 1<<20)
		want, ok := sizeOracle(s, 1<<20)
		if !ok {
			if err == nil {
				t.Fatalf("ParseSize(%q) = %d, want an error", s, got)
			}
			return
		}
		if err != nil || got != want {
			t.Fatalf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	})
}

// sizeOracle computes a size with math/big from the grammar ParseSize
// documents.
func sizeOracle(s string, unit uint64) (uint64, bool) {
	s = strings.TrimLeft(s, " \t")
	mul := new(big.Int).SetUint64(unit)
	hex := len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
	if n := len(s); n > 0 {
		if m, ok := sizeSuffix(s[n-1]); ok && (s[n-1] < '0' || s[n-1] > '9') && !(hex && strings.ContainsRune("bBeE", rune(s[n-1]))) {
			mul.SetUint64(m)
			s = s[:n-1]
		}
	}
	var v *big.Rat
	if hex {
		if len(s) == 2 {
			return 0, false
		}
		n, ok := new(big.Int).SetString(s[2:], 16)
		if !ok || strings.ContainsAny(s[2:], "+-_") {
			return 0, false
		}
		v = new(big.Rat).SetInt(n)
	} else {
		ip, fp, frac := strings.Cut(s, ".")
		if ip == "" || !allDigits(ip) || (frac && (fp == "" || !allDigits(fp))) || (frac && mul.Uint64() == 1) {
			return 0, false
		}
		v, _ = new(big.Rat).SetString(s)
	}
	v.Mul(v, new(big.Rat).SetInt(mul))
	q := new(big.Int).Quo(v.Num(), v.Denom())
	if !q.IsUint64() {
		return 0, false
	}
	return q.Uint64(), true
}

// FuzzParseOpts checks that values written back with ",," escaping parse
// to the same items.
func FuzzParseOpts(f *testing.F) {
	for _, s := range []string{"pc,accel=kvm", "a=,,,b=c", "socket,server,nowait", "x,,y,help", "=,,=", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o := ParseOpts("-x", "type", s)
		var parts []string
		for _, kv := range o.Values {
			if strings.ContainsAny(kv.Key, ",=") {
				t.Fatalf("key %q contains a separator", kv.Key)
			}
			parts = append(parts, kv.Key+"="+strings.ReplaceAll(kv.Value, ",", ",,"))
		}
		back := ParseOpts("-x", "type", strings.Join(parts, ","))
		if !cmp.Equal(stripBare(o.Values), stripBare(back.Values)) {
			t.Fatalf("%q parsed as %+v, re-rendered %q parsed as %+v", s, o.Values, strings.Join(parts, ","), back.Values)
		}
	})
}

func stripBare(kvs []KV) []KV {
	out := make([]KV, len(kvs))
	for i, kv := range kvs {
		out[i] = KV{Key: kv.Key, Value: kv.Value}
	}
	return out
}
