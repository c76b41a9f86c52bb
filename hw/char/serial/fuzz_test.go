package serial

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"gemu/hw/bus"
	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives a UART with register accesses, host input, a backend
// that pushes back or fails, and resets. RxReady is a hint (a spurious
// call is harmless, and a loaded UART makes one when its FIFO is full), so
// it is checked as an invariant rather than traced.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		MaxPending: 1,
		// The character timeout: at least four frames of 7 bits at
		// divisor 1 (243 µs), re-armed once per deadline.
		MinPeriod: 200 * time.Microsecond,
		New: func(env devfuzz.Env) *devfuzz.Instance {
			out := env.Trace.Writer("out")
			line := env.Trace.Line("irq")
			u, err := New(Config{IRQ: line, Clock: env.Clock, Out: out, RxReady: func() {}})
			if err != nil {
				panic(err)
			}
			return &devfuzz.Instance{
				Regions: []bus.Region{u.Region()},
				State:   u,
				Ops: []devfuzz.Op{
					{Name: "receive", Do: func(in *devfuzz.Input) {
						env.Trace.Add("received", uint64(u.Receive(in.Bytes(40))), 0)
					}},
					{Name: "break", Do: func(in *devfuzz.Input) { u.ReceiveBreak() }},
					{Name: "can-receive", Do: func(in *devfuzz.Input) {
						env.Trace.Add("can-receive", uint64(u.CanReceive()), 0)
					}},
					// Bytes written to THR while the backend takes only a
					// few, or fails.
					{Name: "congested", Do: func(in *devfuzz.Input) {
						room, fail, n := int(in.Byte()%4), in.Bool(), 1+in.Intn(4)
						out.SetRoom(room, fail)
						for i := 0; i < n; i++ {
							u.Write(regTHR, 1, uint64(in.Byte()))
						}
						out.SetRoom(-1, false)
					}},
					{Name: "tx-ready", Do: func(in *devfuzz.Input) { u.TxReady() }},
					{Name: "reset", Do: func(in *devfuzz.Input) { u.Reset() }},
				},
				Check: func() error { return u.check(env.Trace.Level("irq")) },
			}
		},
	}
}

// check verifies the UART's invariants: FIFO counts within their
// capacity, status bits that agree with the FIFOs, the interrupt line at
// the level the registers imply, and a timeout on its way whenever one is
// due.
func (u *UART) check(line bool) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	capacity := 1
	if u.fcr&fcrFE != 0 {
		capacity = fifoLen
	}
	for _, f := range []struct {
		name string
		f    *fifo
	}{{"rx", &u.rx}, {"tx", &u.tx}} {
		if f.f.cap != capacity || f.f.n < 0 || f.f.n > f.f.cap || f.f.head < 0 || f.f.head >= fifoLen {
			return fmt.Errorf("%s fifo: %d bytes at %d, capacity %d (want %d)", f.name, f.f.n, f.f.head, f.f.cap, capacity)
		}
	}
	if (u.lsr&lsrDR != 0) != (u.rx.n > 0) {
		return fmt.Errorf("lsr %#x with %d received bytes", u.lsr, u.rx.n)
	}
	if (u.lsr&lsrTHRE != 0) != (u.tx.n == 0) || (u.lsr&lsrTEMT != 0) != (u.tx.n == 0) {
		return fmt.Errorf("lsr %#x with %d bytes to send", u.lsr, u.tx.n)
	}
	if u.ier&^ierValid != 0 || u.mcr&^mcrValid != 0 || u.fcr&^fcrStored != 0 {
		return fmt.Errorf("reserved bits: ier %#x mcr %#x fcr %#x", u.ier, u.mcr, u.fcr)
	}
	if u.ctiPending && (u.fcr&fcrFE == 0 || u.rx.n == 0) {
		return fmt.Errorf("character timeout pending with %d bytes, fcr %#x", u.rx.n, u.fcr)
	}
	want := u.interruptID() != iirNoInt && u.mcr&(mcrOUT2|mcrLOOP) == mcrOUT2
	if u.irqLevel != want || line != want {
		return fmt.Errorf("interrupt line %v (recorded %v), registers imply %v", line, u.irqLevel, want)
	}
	if u.rxBlocked && !u.rx.full() {
		return fmt.Errorf("room in the receive FIFO (%d of %d bytes) and the backend not woken", u.rx.n, u.rx.cap)
	}
	if u.fcr&fcrFE != 0 && u.rx.n > 0 && !u.ctiPending && u.timer == nil {
		return fmt.Errorf("%d bytes in the receive FIFO and no character timeout armed", u.rx.n)
	}
	return nil
}

// scriptOps maps the serial scripts' own commands.
func scriptOps(s *devfuzz.Seq, cmd string, args []string) bool {
	switch cmd {
	case "rx":
		str, err := strconv.Unquote(strings.Join(args, " "))
		if err != nil || len(str) > 40 {
			return false
		}
		s.Op(0, append([]byte{byte(len(str))}, str...)...)
	case "break":
		s.Op(1)
	case "canrx?":
		s.Op(2)
	case "txready":
		s.Op(4)
	default:
		return false
	}
	return true
}

func fuzzSeeds(f *testing.F) [][]byte {
	u, _ := New(Config{})
	seeds := devfuzz.ScriptSeeds(f, []bus.Region{u.Region()}, scriptOps)
	seeds = append(seeds, (&devfuzz.Seq{}).
		Write(0, regFCR, 1, fcrFE|0xc0).Write(0, regIER, 1, ierValid).
		Op(0, 5, 'h', 'e', 'l', 'l', 'o').Fork(3).Advance(time.Millisecond).Read(0, regIIR, 1).
		Read(0, regRBR, 1).Op(3, 0, 1, 3, 'a', 'b', 'c').Fork(0).Op(4).Write(0, regMCR, 1, mcrLOOP).
		Write(0, regTHR, 1, 'x').Advance(10*time.Millisecond).Read(0, regLSR, 1).Bytes())
	return seeds
}

func FuzzOps(f *testing.F) {
	devfuzz.Seed(f, fuzzSeeds(f))
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}

// FuzzLate is FuzzOps with timer callbacks that run at least 100 µs late,
// as a host clock under load calls them.
func FuzzLate(f *testing.F) {
	devfuzz.Seed(f, fuzzSeeds(f))
	tg := fuzzTarget()
	tg.Lag = 100 * time.Microsecond
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
