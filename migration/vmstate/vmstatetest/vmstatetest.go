// Package vmstatetest holds the round-trip check that every device's tests
// run: save, load into a fresh device, save again, and compare the bytes; then
// feed every truncation and a sample of corruptions of the stream to a fresh
// device and require a clean error or success, never a panic.
package vmstatetest

import (
	"bytes"
	"testing"

	"gemu/migration/vmstate"
)

// RoundTrip builds a device with fresh, brings it into an interesting state
// with mutate (may be nil), and checks that its saved state survives a load
// into another fresh device byte for byte.
func RoundTrip[D vmstate.Stater](t testing.TB, fresh func() D, mutate func(D)) {
	t.Helper()
	a := fresh()
	if mutate != nil {
		mutate(a)
	}
	first := vmstate.Save(a)
	b := fresh()
	if err := vmstate.Load(b, first); err != nil {
		t.Fatalf("load of freshly saved state: %v", err)
	}
	second := vmstate.Save(b)
	if !bytes.Equal(first, second) {
		t.Fatalf("state changed across save/load:\nfirst  %x\nsecond %x", first, second)
	}
	Hostile(t, fresh, first)
}

// Hostile loads truncated and bit-flipped variants of a valid stream into
// fresh devices. Each load may fail, but must not panic.
func Hostile[D vmstate.Stater](t testing.TB, fresh func() D, valid []byte) {
	t.Helper()
	try := func(what string, data []byte) {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("load of %s panicked: %v", what, r)
			}
		}()
		_ = vmstate.Load(fresh(), data)
	}
	for n := 0; n < len(valid); n++ {
		if err := vmstate.Load(fresh(), valid[:n]); err == nil {
			t.Fatalf("load of stream truncated to %d of %d bytes succeeded", n, len(valid))
		}
	}
	step := 1
	if len(valid) > 512 {
		step = len(valid) / 512
	}
	for i := 0; i < len(valid); i += step {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			c := bytes.Clone(valid)
			c[i] ^= x
			try("a corrupted stream", c)
		}
	}
}
