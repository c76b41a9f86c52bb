package i8254

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestKVMOut: a counter described the way KVM describes it gives the same
// OUT as this package's running counter 2, for every mode and count,
// from a load at an arbitrary host time.
func TestKVMOut(t *testing.T) {
	const load = int64(123456789012) // CLOCK_MONOTONIC at the load
	for _, mode := range []uint8{0, 1, 2, 3, 4, 5} {
		for _, count := range []uint32{1, 2, 3, 100, 0x1234, 0x10000} {
			r := newRig(t)
			r.program(2, mode, uint16(count))
			r.s61.Write(0, 1, p61Gate2)
			start := r.clock.Now()
			for i := 0; i < 200; i++ {
				el := r.clock.Now() - start
				c := KVMChannel{Count: count, Mode: mode, Gate: true, LoadTime: load}
				if got, want := KVMOut(c, load+int64(el)), r.p.Channel2Out(); got != want {
					t.Fatalf("mode %d count %#x after %v: KVMOut %v, counter %v", mode, count, el, got, want)
				}
				r.clock.Advance(timeOf(uint64(i%5)) + 37)
			}
		}
	}
}

func TestKVMOutEdges(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    KVMChannel
		now  int64
		want bool
	}{
		{"mode 2 gate low holds OUT high", KVMChannel{Count: 10, Mode: 2, LoadTime: 0}, int64(timeOf(9)), true},
		{"mode 3 gate low holds OUT high", KVMChannel{Count: 10, Mode: 3, LoadTime: 0}, int64(timeOf(7)), true},
		{"mode 0 before terminal count", KVMChannel{Count: 10, Mode: 0, Gate: true}, int64(timeOf(5)), false},
		{"mode 0 at terminal count", KVMChannel{Count: 10, Mode: 0, Gate: true}, int64(timeOf(11)), true},
		{"count 0 is 0x10000", KVMChannel{Count: 0, Mode: 0, Gate: true}, int64(timeOf(0x8000)), false},
		{"clock before the load", KVMChannel{Count: 10, Mode: 0, Gate: true, LoadTime: 1000}, 0, false},
		{"BCD", KVMChannel{Count: 0x10, Mode: 0, BCD: true, Gate: true}, int64(timeOf(11)), true},
	} {
		if got := KVMOut(tc.c, tc.now); got != tc.want {
			t.Errorf("%s: KVMOut = %v", tc.name, got)
		}
	}
	// Modes 6 and 7 are 2 and 3.
	for k := uint64(0); k < 30; k++ {
		for _, m := range []uint8{2, 3} {
			a := KVMOut(KVMChannel{Count: 10, Mode: m, Gate: true}, int64(timeOf(k)))
			b := KVMOut(KVMChannel{Count: 10, Mode: m + 4, Gate: true}, int64(timeOf(k)))
			if a != b {
				t.Fatalf("mode %d and %d differ after %d clocks", m, m+4, k)
			}
		}
	}
}

// TestKVMChannel2: port 0x61 over the adapter, as the KVM side builds it.
func TestKVMChannel2(t *testing.T) {
	now := int64(5e9)
	ch := KVMChannel{Count: 1193, Mode: 3, LoadTime: now}
	var fail error
	k := &KVMChannel2{
		Get: func() (KVMChannel, error) { return ch, fail },
		SetGate: func(high bool) error {
			if fail != nil {
				return fail
			}
			ch.Gate, ch.LoadTime = high, now // KVM_SET_PIT2 reloads the count
			return nil
		},
		Now: func() int64 { return now },
	}
	var logs bytes.Buffer
	k.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	p, err := NewPort61(Port61Config{Timer: k})
	if err != nil {
		t.Fatal(err)
	}
	p.Write(0, 1, p61Gate2|p61Speaker)
	if !ch.Gate {
		t.Fatal("gate not driven")
	}
	var outs []bool
	now += int64(250 * time.Microsecond) // sample mid-phase
	for i := 0; i < 4; i++ {
		outs = append(outs, p.Read(0, 1)&p61Out2 != 0)
		now += int64(500 * time.Microsecond) // half of a 1 ms square wave
	}
	if outs[0] != true || outs[1] != false || outs[2] != true || outs[3] != false {
		t.Errorf("OUT2 over two periods %v, want the square wave", outs)
	}
	fail = errors.New("ioctl KVM_GET_PIT2: bad file descriptor")
	if p.Read(0, 1)&p61Out2 != 0 {
		t.Error("OUT2 high after a host failure")
	}
	p.Write(0, 1, 0)
	if !strings.Contains(logs.String(), "KVM_GET_PIT2") || !strings.Contains(logs.String(), "gate") {
		t.Errorf("host failures not logged: %s", logs.String())
	}
}

// FuzzKVMOut computes OUT from arbitrary in-kernel PIT channel states (the
// guest programs them): never a panic, and a gated-off mode 2 or 3 counter
// holds OUT high.
func FuzzKVMOut(f *testing.F) {
	f.Add(uint32(0x10000), uint8(2), false, true, int64(0), int64(1000000))
	f.Add(uint32(0), uint8(3), true, false, int64(-5), int64(1<<62))
	f.Add(uint32(1), uint8(7), false, true, int64(1<<62), int64(0))
	f.Fuzz(func(t *testing.T, count uint32, mode uint8, bcd, gate bool, load, now int64) {
		out := KVMOut(KVMChannel{Count: count, Mode: mode, BCD: bcd, Gate: gate, LoadTime: load}, now)
		if m := mode & 7; !gate && (m == 2 || m == 3 || m == 6 || m == 7) && !out {
			t.Errorf("mode %d with the gate low: OUT low", m)
		}
	})
}
