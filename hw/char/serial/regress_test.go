package serial

import (
	"testing"
	"time"

	"gemu/migration/vmstate"
)

// Findings of the fuzz target, each pinned by a test.

// TestTimeoutAgainAfterPartialRead: after a character timeout, a read that
// leaves bytes in the FIFO below the trigger level starts a new timeout
// (§8.4): a driver that takes one byte per interrupt must not stall.
func TestTimeoutAgainAfterPartialRead(t *testing.T) {
	r := newRig(t)
	r.enableFIFO(3) // trigger at 14
	r.out(regIER, ierERBFI)
	r.u.Receive([]byte("abcd"))
	r.clock.Advance(10 * time.Millisecond)
	if got := r.iid(); got != iirCTI {
		t.Fatalf("IIR %#x after the timeout, want CTI %#x", got, iirCTI)
	}
	if got := r.in(regRBR); got != 'a' {
		t.Fatalf("RBR %q, want 'a'", got)
	}
	if got := r.iid(); got != iirNoInt {
		t.Fatalf("IIR %#x right after the read, want none", got)
	}
	r.clock.Advance(10 * time.Millisecond)
	if got := r.iid(); got != iirCTI {
		t.Fatalf("IIR %#x with three bytes left for 10ms, want CTI %#x", got, iirCTI)
	}
}

// TestLoadWakesBlockedBackend: a backend refused by a full FIFO is woken
// by the first read after a snapshot of that state is loaded, as it would
// have been without the load.
func TestLoadWakesBlockedBackend(t *testing.T) {
	r := newRig(t)
	if n := r.u.Receive([]byte("xy")); n != 1 {
		t.Fatalf("Receive took %d bytes in 16450 mode, want 1", n)
	}
	s := newRig(t)
	if err := vmstate.Load(s.u, vmstate.Save(r.u)); err != nil {
		t.Fatal(err)
	}
	s.in(regRBR)
	if s.be.rxReady != 1 {
		t.Errorf("RxReady called %d times after the read, want 1", s.be.rxReady)
	}
}
