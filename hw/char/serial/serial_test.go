package serial

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/hwtest"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

// backend is a chardev stand-in: it records output and can push back.
type backend struct {
	out     bytes.Buffer
	room    int // bytes it takes before pushing back; <0: unlimited
	err     error
	rxReady int
}

func (b *backend) Write(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n := len(p)
	if b.room >= 0 && n > b.room {
		n = b.room
	}
	if b.room >= 0 {
		b.room -= n
	}
	b.out.Write(p[:n])
	return n, nil
}

type rig struct {
	u     *UART
	line  *hwtest.Line
	clock *hw.ManualClock
	be    *backend
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{line: new(hwtest.Line), clock: hw.NewManualClock(), be: &backend{room: -1}}
	u, err := New(Config{IRQ: r.line, Clock: r.clock, Out: r.be, RxReady: func() { r.be.rxReady++ }})
	if err != nil {
		t.Fatal(err)
	}
	r.u = u
	return r
}

func (r *rig) in(reg uint64) uint8      { return uint8(r.u.Read(reg, 1)) }
func (r *rig) out(reg uint64, v uint8)  { r.u.Write(reg, 1, uint64(v)) }
func (r *rig) iid() uint8               { return r.in(regIIR) & iirIDMask }
func (r *rig) enableFIFO(trigger uint8) { r.out(regFCR, fcrFE|fcrRFR|fcrXFR|trigger<<6) }
func (r *rig) outs(reg uint64, vs ...uint8) {
	for _, v := range vs {
		r.out(reg, v)
	}
}

func TestDivisorLatch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []hwtest.Write
		want   uint16
	}{
		{"reset value", nil, DefaultDivisor},
		{"latch open", []hwtest.Write{{Off: regLCR, Size: 1, Val: lcrDLAB}, {Off: regDLL, Size: 1, Val: 0x01}, {Off: regDLM, Size: 1, Val: 0x02}}, 0x0201},
		{"latch closed hits THR and IER", []hwtest.Write{{Off: regDLL, Size: 1, Val: 0x41}, {Off: regDLM, Size: 1, Val: 0x01}}, DefaultDivisor},
		{"latch closed again", []hwtest.Write{{Off: regLCR, Size: 1, Val: lcrDLAB | 3}, {Off: regDLL, Size: 1, Val: 1}, {Off: regLCR, Size: 1, Val: 3}, {Off: regDLL, Size: 1, Val: 0x42}}, 0x0001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			hwtest.Apply(r.u, tc.writes)
			if got := r.u.Divisor(); got != tc.want {
				t.Errorf("Divisor() = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{IOBase: 0xfffa}); err == nil || !strings.Contains(err.Error(), "iobase 0xfffa") {
		t.Errorf("New(iobase 0xfffa) error = %v", err)
	}
	u, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r := u.Region(); r.Base != 0x3f8 || r.Len != 8 {
		t.Errorf("default region %+v, want COM1", r)
	}
	for i, want := range []ISAPort{{0x3f8, 4}, {0x2f8, 3}, {0x3e8, 4}, {0x2e8, 3}} {
		if got, ok := COM(i); !ok || got != want {
			t.Errorf("COM(%d) = %+v, %v; want %+v", i, got, ok, want)
		}
	}
	if _, ok := COM(4); ok {
		t.Error("COM(4) exists")
	}
}

func TestReset(t *testing.T) {
	r := newRig(t)
	r.enableFIFO(2)
	r.outs(regIER, ierValid)
	r.outs(regMCR, mcrOUT2|mcrDTR)
	r.outs(regSCR, 0x55)
	r.outs(regLCR, lcrDLAB|3)
	r.outs(regDLL, 1)
	r.outs(regLCR, 3)
	r.u.Receive([]byte("abc"))
	r.u.Reset()
	want := map[uint64]uint8{regIER: 0, regIIR: iirNoInt, regLCR: 0, regMCR: mcrOUT2, regLSR: lsrTHRE | lsrTEMT, regMSR: externalInputs, regSCR: 0}
	for reg, w := range want {
		if got := r.in(reg); got != w {
			t.Errorf("after reset register %d = %#x, want %#x", reg, got, w)
		}
	}
	if r.u.Divisor() != DefaultDivisor {
		t.Errorf("divisor %d after reset", r.u.Divisor())
	}
	if n := r.u.CanReceive(); n != 1 {
		t.Errorf("CanReceive after reset = %d, want 1 (16450 mode)", n)
	}
	if _, ok := r.clock.Next(); ok {
		t.Error("a timer survived reset")
	}
}

func TestTransmitImmediate(t *testing.T) {
	r := newRig(t)
	for _, c := range []byte("hello") {
		r.out(regTHR, c)
		if lsr := r.in(regLSR); lsr&(lsrTHRE|lsrTEMT) != lsrTHRE|lsrTEMT {
			t.Fatalf("LSR %#x after THR write: transmitter not empty", lsr)
		}
	}
	if got := r.be.out.String(); got != "hello" {
		t.Errorf("backend got %q", got)
	}
}

func TestTHREInterrupt(t *testing.T) {
	r := newRig(t)
	if r.iid() != iirNoInt || r.line.High() {
		t.Fatal("interrupt pending before any is enabled")
	}
	r.out(regIER, ierETBEI) // enabling with THR empty raises THRE at once
	if !r.line.High() {
		t.Fatal("IRQ not raised by enabling ETBEI with THR empty")
	}
	if id := r.iid(); id != iirTHRE {
		t.Fatalf("IIR id %#x, want THRE", id)
	}
	if r.iid() != iirNoInt || r.line.High() {
		t.Fatal("reading IIR did not clear the THRE interrupt")
	}
	r.out(regIER, ierETBEI) // no 0→1 change: nothing new
	if r.iid() != iirNoInt {
		t.Fatal("rewriting IER with ETBEI already set re-raised THRE")
	}
	r.out(regIER, 0)
	r.out(regIER, ierETBEI)
	if r.iid() != iirTHRE {
		t.Fatal("re-enabling ETBEI did not re-raise THRE")
	}
	r.line.Reset()
	r.out(regTHR, 'x') // transmitted at once: THRE again, with a fresh edge
	if r.line.Rises() != 1 || !r.line.High() {
		t.Fatalf("THR write: %d rising edges, high=%v; want a new edge", r.line.Rises(), r.line.High())
	}
	r.out(regIER, 0)
	if r.line.High() {
		t.Fatal("IRQ still high with IER cleared")
	}
}

func TestOUT2Gating(t *testing.T) {
	r := newRig(t)
	r.out(regMCR, 0)
	r.out(regIER, ierETBEI)
	if r.line.High() {
		t.Fatal("IRQ high without OUT2")
	}
	r.out(regMCR, mcrOUT2)
	if !r.line.High() {
		t.Fatal("IRQ low with OUT2 and THRE pending")
	}
	r.out(regMCR, mcrOUT2|mcrLOOP)
	if r.line.High() {
		t.Fatal("IRQ high in loopback (OUT2 pin forced inactive)")
	}
	if r.iid() == iirNoInt {
		t.Fatal("loopback hid the interrupt from IIR too")
	}
}

func TestLoopback(t *testing.T) {
	r := newRig(t)
	r.out(regMCR, mcrLOOP|mcrOUT2|mcrRTS)
	if msr := r.in(regMSR); msr&msrInputs != msrDCD|msrCTS {
		t.Fatalf("MSR %#x in loopback with OUT2|RTS, want DCD|CTS (0x90)", msr)
	}
	r.out(regTHR, 0x5a)
	if lsr := r.in(regLSR); lsr&lsrDR == 0 {
		t.Fatalf("LSR %#x: looped byte not received", lsr)
	}
	if b := r.in(regRBR); b != 0x5a {
		t.Errorf("RBR %#x, want 0x5a", b)
	}
	if r.be.out.Len() != 0 {
		t.Errorf("loopback leaked %q to the backend", r.be.out.String())
	}
	if n := r.u.Receive([]byte("zz")); n != 2 || r.in(regLSR)&lsrDR != 0 {
		t.Error("host input reached the receiver in loopback")
	}
	// Overrun in 16450 mode: the second byte overwrites RBR and sets OE.
	r.out(regTHR, 1)
	r.out(regTHR, 2)
	if lsr := r.in(regLSR); lsr&(lsrOE|lsrDR) != lsrOE|lsrDR {
		t.Errorf("LSR %#x after overrun, want OE|DR", lsr)
	}
	if b := r.in(regRBR); b != 2 {
		t.Errorf("RBR %#x after overrun, want the newer byte", b)
	}
	if lsr := r.in(regLSR); lsr&lsrOE != 0 {
		t.Error("OE not cleared by the LSR read")
	}
}

func TestMSRDeltas(t *testing.T) {
	r := newRig(t)
	r.out(regIER, ierEDSSI)
	r.out(regMCR, mcrOUT2|mcrLOOP|mcrOUT1) // loopback: CTS,DSR fall, DCD stays, RI rises
	msr := r.in(regMSR)
	if want := uint8(msrDCD | msrRI | msrDCTS | msrDDSR); msr != want {
		t.Fatalf("MSR %#x, want %#x", msr, want)
	}
	if r.in(regMSR)&msrDeltas != 0 {
		t.Fatal("deltas not cleared by reading MSR")
	}
	r.out(regMCR, mcrOUT2|mcrLOOP) // RI falls: trailing edge
	if msr := r.in(regMSR); msr&msrDeltas != msrTERI {
		t.Fatalf("MSR %#x, want TERI only", msr)
	}
	r.out(regMCR, mcrOUT2|mcrLOOP|mcrDTR)
	if r.iid() != iirMS {
		t.Fatal("modem status interrupt not identified")
	}
	r.in(regMSR)
	if r.iid() != iirNoInt {
		t.Fatal("modem status interrupt not cleared by reading MSR")
	}
}

func TestRxFIFOTriggerAndTimeout(t *testing.T) {
	r := newRig(t)
	r.enableFIFO(2) // trigger 8
	r.out(regIER, ierERBFI)
	r.out(regMCR, mcrOUT2)
	if n := r.u.Receive([]byte("abcdefg")); n != 7 {
		t.Fatalf("Receive took %d", n)
	}
	if r.iid() != iirNoInt {
		t.Fatal("RDA below the trigger level")
	}
	r.u.Receive([]byte("h"))
	if r.iid() != iirRDA || !r.line.High() {
		t.Fatal("no RDA at the trigger level")
	}
	r.in(regRBR)
	if r.iid() != iirNoInt {
		t.Fatal("RDA still pending below the trigger level")
	}
	// 9600 baud 8N1 (LCR 0 is 5N1: 7 bits): character timeout is 4 frames.
	ct := r.u.charTime()
	if want := time.Duration(7 * 12 * uint64(time.Second) / 115200); ct != want {
		t.Fatalf("charTime() = %v, want %v", ct, want)
	}
	r.clock.Advance(4*ct - 1)
	if r.iid() != iirNoInt {
		t.Fatal("timeout before four character times")
	}
	r.clock.Advance(1)
	if r.iid() != iirCTI || !r.line.High() {
		t.Fatal("no character timeout after four character times")
	}
	if b := r.in(regRBR); b != 'b' {
		t.Errorf("RBR %q, want 'b'", b)
	}
	if r.iid() != iirNoInt {
		t.Fatal("CTI not cleared by reading RBR")
	}
	for i := 0; i < 6; i++ {
		r.in(regRBR)
	}
	if r.in(regLSR)&lsrDR != 0 {
		t.Fatal("DR set with the FIFO empty")
	}
	if _, ok := r.clock.Next(); ok {
		t.Error("timer still armed with the FIFO empty")
	}
}

func TestRxBackPressure(t *testing.T) {
	r := newRig(t)
	if n := r.u.Receive([]byte("ab")); n != 1 {
		t.Fatalf("16450 mode took %d bytes, want 1", n)
	}
	if r.u.CanReceive() != 0 {
		t.Fatal("room reported with RBR full")
	}
	r.in(regRBR)
	if r.be.rxReady != 1 {
		t.Fatalf("RxReady called %d times after the read, want 1", r.be.rxReady)
	}
	r.enableFIFO(0)
	if n := r.u.Receive(bytes.Repeat([]byte{'x'}, 20)); n != 16 {
		t.Fatalf("FIFO took %d, want 16", n)
	}
	r.in(regRBR)
	if r.be.rxReady != 2 || r.u.CanReceive() != 1 {
		t.Errorf("rxReady %d, room %d", r.be.rxReady, r.u.CanReceive())
	}
}

func TestTxBackPressure(t *testing.T) {
	r := newRig(t)
	r.enableFIFO(0)
	r.out(regMCR, mcrOUT2)
	r.out(regIER, ierETBEI)
	r.iid()
	r.be.room = 2
	for _, c := range []byte("abcdef") {
		r.out(regTHR, c)
	}
	if got := r.be.out.String(); got != "ab" {
		t.Fatalf("backend got %q, want \"ab\"", got)
	}
	if lsr := r.in(regLSR); lsr&(lsrTHRE|lsrTEMT) != 0 {
		t.Fatalf("LSR %#x with bytes queued: transmitter reads empty", lsr)
	}
	if r.line.High() {
		t.Fatal("THRE interrupt with bytes queued")
	}
	r.be.room = -1
	r.u.TxReady()
	if got := r.be.out.String(); got != "abcdef" {
		t.Fatalf("backend got %q after TxReady", got)
	}
	if r.in(regLSR)&lsrTHRE == 0 || r.iid() != iirTHRE {
		t.Fatal("THRE not back after the queue drained")
	}
}

// TestTxOverflow: a driver that ignores THRE loses bytes, and nothing else.
func TestTxOverflow(t *testing.T) {
	r := newRig(t)
	r.enableFIFO(0)
	r.be.room = 0
	for i := 0; i < 20; i++ {
		r.out(regTHR, byte('a'+i))
	}
	r.be.room = -1
	r.u.TxReady()
	if got := r.be.out.String(); got != "abcdefghijklmnop" {
		t.Errorf("backend got %q, want the first 16 bytes", got)
	}
}

func TestBackendError(t *testing.T) {
	r := newRig(t)
	r.be.err = errors.New("closed")
	r.out(regTHR, 'a')
	if r.in(regLSR)&lsrTHRE == 0 {
		t.Error("a failing backend left the transmitter busy")
	}
}

func TestLineStatusInterrupt(t *testing.T) {
	r := newRig(t)
	r.out(regIER, ierELSI|ierERBFI|ierETBEI)
	r.out(regMCR, mcrOUT2)
	r.u.ReceiveBreak()
	if r.iid() != iirRLS {
		t.Fatal("break: line status interrupt not highest priority")
	}
	if lsr := r.in(regLSR); lsr&(lsrBI|lsrDR) != lsrBI|lsrDR {
		t.Fatalf("LSR %#x after break", lsr)
	}
	if r.iid() != iirRDA {
		t.Fatal("after LSR read: RDA should be next")
	}
	r.in(regRBR)
	if r.iid() != iirTHRE {
		t.Fatal("after RBR read: THRE should be next")
	}
}

func TestFCR(t *testing.T) {
	r := newRig(t)
	if iir := r.in(regIIR); iir&iirFIFOs != 0 {
		t.Fatalf("IIR %#x shows FIFOs in 16450 mode", iir)
	}
	r.out(regFCR, fcrFE|0x30|fcrDMS) // bits 4-5 are reserved
	if iir := r.in(regIIR); iir != iirFIFOs|iirNoInt {
		t.Fatalf("IIR %#x with FIFOs, want 0xc1", iir)
	}
	r.u.Receive([]byte("abc"))
	r.out(regFCR, fcrFE|fcrRFR)
	if r.in(regLSR)&lsrDR != 0 || r.u.CanReceive() != 16 {
		t.Fatal("RX FIFO reset left data")
	}
	r.u.Receive([]byte("abc"))
	r.out(regFCR, 0) // leaving FIFO mode clears the FIFOs
	if r.in(regLSR)&lsrDR != 0 || r.u.CanReceive() != 1 {
		t.Fatal("leaving FIFO mode kept data")
	}
	r.out(regFCR, fcrTrigger) // FCR0 = 0: nothing else can be programmed
	if r.u.fcr != 0 {
		t.Fatalf("fcr %#x programmed without FCR0", r.u.fcr)
	}
}

func TestGuestMisuse(t *testing.T) {
	r := newRig(t)
	r.out(regLSR, 0)    // read-only
	r.out(regMSR, 0xff) // read-only
	if lsr, msr := r.in(regLSR), r.in(regMSR); lsr != lsrTHRE|lsrTEMT || msr != externalInputs {
		t.Errorf("writes to status registers took effect: LSR %#x MSR %#x", lsr, msr)
	}
	r.out(regIER, 0xff)
	if ier := r.in(regIER); ier != ierValid {
		t.Errorf("IER %#x, want reserved bits clear", ier)
	}
	r.out(regMCR, 0xff)
	if mcr := r.in(regMCR); mcr != mcrValid {
		t.Errorf("MCR %#x, want reserved bits clear", mcr)
	}
	r.out(regMCR, 0)
	if b := r.in(regRBR); b != 0 {
		t.Errorf("RBR %#x with nothing received", b)
	}
	// Divisor 0: the timeout still fires (the counter wraps at 65536).
	r.outs(regLCR, lcrDLAB)
	r.outs(regDLL, 0)
	r.outs(regDLM, 0)
	r.outs(regLCR, 3)
	r.enableFIFO(3)
	r.out(regIER, ierERBFI)
	r.u.Receive([]byte("a"))
	r.clock.Advance(4 * r.u.charTime())
	if r.iid() != iirCTI {
		t.Error("no timeout with divisor 0")
	}
	if v := r.u.Read(8, 1); v != 0xff {
		t.Errorf("read past the registers = %#x", v)
	}
	r.u.Write(8, 1, 0x41) // ignored
}

func TestCharTime(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		lcr  uint8
		div  uint16
		bits float64
	}{
		{3, 1, 10},                   // 8N1
		{3 | lcrPEN | lcrSTB, 1, 12}, // 8E2
		{0 | lcrSTB, 12, 7.5},        // 5N1.5
		{2 | lcrPEN, 3, 10},          //  7E1
		{3, 0, 10},                   // divisor 0 = 65536
	} {
		r.u.lcr, r.u.div = tc.lcr, tc.div
		d := float64(tc.div)
		if tc.div == 0 {
			d = 65536
		}
		want := time.Duration(tc.bits * d * 1e9 / 115200)
		if got := r.u.charTime(); got != want {
			t.Errorf("lcr %#x div %d: charTime %v, want %v", tc.lcr, tc.div, got, want)
		}
	}
}

func TestAllocs(t *testing.T) {
	r := newRig(t)
	r.be.room = -1
	r.enableFIFO(3)
	r.out(regIER, ierValid)
	r.out(regMCR, mcrOUT2)
	for name, f := range map[string]func(){
		"THR write": func() { r.u.Write(regTHR, 1, 'a'); r.be.out.Reset() },
		"LSR read":  func() { r.u.Read(regLSR, 1) },
		"IIR read":  func() { r.u.Read(regIIR, 1) },
		"MSR read":  func() { r.u.Read(regMSR, 1) },
	} {
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

func TestState(t *testing.T) {
	clock := hw.NewManualClock()
	fresh := func() *UART {
		u, err := New(Config{Clock: clock, IRQ: new(hwtest.Line)})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(u *UART) {
		hwtest.Apply(u, []hwtest.Write{
			{Off: regFCR, Size: 1, Val: fcrFE | 0x80}, {Off: regIER, Size: 1, Val: ierValid},
			{Off: regMCR, Size: 1, Val: mcrOUT2 | mcrRTS}, {Off: regSCR, Size: 1, Val: 0x99},
			{Off: regLCR, Size: 1, Val: 0x1b},
		})
		u.Receive([]byte("hello"))
		clock.Advance(time.Millisecond)
	})
	// Pending timeout and a queued transmit.
	vmstatetest.RoundTrip(t, func() *UART {
		u := fresh()
		u.out = &backend{room: 0}
		return u
	}, func(u *UART) {
		u.Write(regFCR, 1, fcrFE)
		u.Write(regTHR, 1, 'q')
		u.Receive([]byte("x"))
		clock.Advance(time.Second)
	})
}

func TestStateRestoresBehaviour(t *testing.T) {
	a := newRig(t)
	a.enableFIFO(3)
	a.out(regIER, ierERBFI)
	a.out(regMCR, mcrOUT2)
	a.u.Receive([]byte("xy"))
	a.clock.Advance(time.Millisecond)
	data := vmstate.Save(a.u)

	b := newRig(t)
	if err := vmstate.Load(b.u, data); err != nil {
		t.Fatal(err)
	}
	if b.iid() != iirNoInt {
		t.Fatal("interrupt pending right after load")
	}
	b.clock.Advance(10 * time.Millisecond)
	if b.iid() != iirCTI || !b.line.High() {
		t.Fatal("character timeout lost across save/load")
	}
	if b.in(regRBR) != 'x' || b.in(regRBR) != 'y' {
		t.Fatal("FIFO contents lost")
	}
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(u *UART)
		want   string
	}{
		{"ier reserved", func(u *UART) { u.ier = 0x10 }, "ier 0x10 has reserved bits"},
		{"fcr bits", func(u *UART) { u.fcr = fcrRFR }, "fcr 0x2"},
		{"mcr reserved", func(u *UART) { u.mcr = 0x20 }, "mcr 0x20"},
		{"msr inputs", func(u *UART) { u.msr = 0 }, "modem inputs disagree"},
		{"lsr DR", func(u *UART) { u.lsr |= lsrDR }, "data ready disagrees"},
		{"lsr THRE", func(u *UART) { u.lsr &^= lsrTHRE }, "transmitter empty bits"},
		{"rx over capacity", func(u *UART) {
			u.rx.reset(fifoLen)
			u.rx.set([]byte("ab"))
			u.lsr |= lsrDR
		}, "exceed the 1-byte capacity"},
		{"cti without data", func(u *UART) { u.ctiPending = true }, "character timeout pending"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			tc.mutate(r.u)
			data := vmstate.Save(r.u)
			err := vmstate.Load(newRig(t).u, data)
			if err == nil || !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		io := bus.NewSpace("io")
		r := newRig(t)
		if err := io.Map(r.u.Region()); err != nil {
			t.Fatal(err)
		}
		return &script.Env{
			IO:    io,
			Clock: r.clock,
			Lines: map[string]*hwtest.Line{"irq4": r.line},
			Commands: map[string]script.Command{
				// rx "text": bytes from the host; prints how many were taken.
				"rx": func(args []string) (string, error) {
					s, err := strconv.Unquote(strings.Join(args, " "))
					if err != nil {
						return "", fmt.Errorf("rx: want a quoted string")
					}
					return strconv.Itoa(r.u.Receive([]byte(s))), nil
				},
				"break": func([]string) (string, error) { r.u.ReceiveBreak(); return "", nil },
				// tx?: what the backend received since the last tx?.
				"tx?": func([]string) (string, error) {
					s := strconv.Quote(r.be.out.String())
					r.be.out.Reset()
					return s, nil
				},
				// room N: the backend takes N more bytes, then pushes back (-1: unlimited).
				"room": func(args []string) (string, error) {
					if len(args) != 1 {
						return "", errors.New("room: want a count")
					}
					n, err := strconv.Atoi(args[0])
					r.be.room = n
					return "", err
				},
				"txready":  func([]string) (string, error) { r.u.TxReady(); return "", nil },
				"canrx?":   func([]string) (string, error) { return strconv.Itoa(r.u.CanReceive()), nil },
				"rxready?": func([]string) (string, error) { return strconv.Itoa(r.be.rxReady), nil },
			},
		}
	})
}

func BenchmarkTHRWrite(b *testing.B) {
	u, _ := New(Config{Clock: hw.NewManualClock()})
	u.Write(regFCR, 1, fcrFE)
	b.ReportAllocs()
	for b.Loop() {
		u.Write(regTHR, 1, 'x')
	}
}

func BenchmarkLSRRead(b *testing.B) {
	u, _ := New(Config{Clock: hw.NewManualClock()})
	b.ReportAllocs()
	for b.Loop() {
		u.Read(regLSR, 1)
	}
}
