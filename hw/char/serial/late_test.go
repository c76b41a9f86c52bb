package serial

import (
	"testing"
	"time"

	"gemu/hw/hwtest"
	"gemu/hw/hwtest/devfuzz"
)

// TestLateTimeout: the character timeout's callback runs late, as the host
// clock calls back under load: the timeout is still indicated, once, and a
// byte that arrives before the late callback restarts it from that byte.
func TestLateTimeout(t *testing.T) {
	clock := devfuzz.NewLateClock(0, 2*time.Millisecond)
	line := new(hwtest.Line)
	u, err := New(Config{IRQ: line, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	u.Write(regLCR, 1, 0x03)       // 8 data bits, 1 stop bit: 10-bit frames
	u.Write(regFCR, 1, fcrFE|0xc0) // trigger at 14
	u.Write(regIER, 1, ierERBFI)
	u.Receive([]byte("ab")) // the timeout is 4 frames of 10 bits at 9600 baud: 4.2 ms
	clock.Advance(5 * time.Millisecond)
	if line.High() {
		t.Fatal("character timeout before its (late) callback")
	}
	clock.Advance(2 * time.Millisecond)
	if !line.High() || u.Read(regIIR, 1)&iirIDMask != iirCTI {
		t.Fatalf("no character timeout after the late callback (IIR %#x)", u.Read(regIIR, 1))
	}
	u.Read(regRBR, 1) // takes 'a'; the timeout restarts for 'b'
	u.Receive([]byte("c"))
	clock.Advance(3 * time.Millisecond)
	if line.High() {
		t.Fatal("character timeout 3 ms after the last byte")
	}
	clock.Advance(4 * time.Millisecond)
	if !line.High() {
		t.Error("no character timeout for the bytes left")
	}
}
