package devfuzz

import (
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/irq"
	"gemu/migration/vmstate"
)

// countPins are a CPU's interrupt inputs that count what arrives.
type countPins struct{ notify, nmi, init, sipi atomic.Int64 }

func (p *countPins) Notify()      { p.notify.Add(1) }
func (p *countPins) NMI()         { p.nmi.Add(1) }
func (p *countPins) INIT()        { p.init.Add(1) }
func (p *countPins) SIPI(v uint8) { p.sipi.Add(1) }

// slowBackend takes a few bytes at a time and asks for TxReady from its own
// goroutine, as a chardev's writer does.
type slowBackend struct {
	mu      sync.Mutex
	n       int
	pending bool
	ready   chan struct{}
}

func (b *slowBackend) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	if b.n%3 == 0 {
		if !b.pending {
			b.pending = true
			select {
			case b.ready <- struct{}{}:
			default:
			}
		}
		return 0, nil
	}
	return len(p), nil
}

// stressDuration is how long each stress test runs: short by default,
// longer with GEMU_STRESS=<duration> (with -race, for instance).
func stressDuration(t *testing.T) time.Duration {
	if s := os.Getenv("GEMU_STRESS"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("GEMU_STRESS=%q: %v", s, err)
		}
		return d
	}
	return 200 * time.Millisecond
}

// program sets the set up as a guest under heavy interrupt load would:
// every timer periodic at a short period, every source routed and
// unmasked, the UART's FIFO and interrupts on.
func program(p *PC) {
	w := func(addr uint64, size int, v uint64) {
		for _, r := range p.Regions() {
			if addr >= r.Base && addr < r.Base+r.Len {
				r.Handler.Write(addr-r.Base, size, v)
				return
			}
		}
		panic(fmt.Sprintf("nothing at %#x", addr))
	}
	for _, v := range []uint64{0x11, 0x20, 4, 1, 0x00} {
		port := uint64(0x21)
		if v == 0x11 {
			port = 0x20
		}
		w(port, 1, v)
	}
	for _, v := range []uint64{0x11, 0x28, 2, 1, 0x00} {
		port := uint64(0xa1)
		if v == 0x11 {
			port = 0xa0
		}
		w(port, 1, v)
	}
	w(0x4d1, 1, 0x0e) // level IRQs 9-11
	for i := 0; i < NumCPUs; i++ {
		b := APICBase(i)
		w(b+0xf0, 4, 0x1ff)
		w(b+0x3e0, 4, 0xb)
		w(b+0x320, 4, 0x20040) // periodic, vector 0x40
		w(b+0x380, 4, 80000)   // 80 µs
		if i == 0 {
			w(b+0x350, 4, 0x700) // LINT0 ExtINT
		}
	}
	for pin := 0; pin < 24; pin++ {
		lo := uint64(0x50 + pin)
		if pin >= 9 {
			lo |= 1 << 15 // level
		}
		if pin&1 != 0 {
			lo |= 1 << 8 // lowest priority
		}
		w(0xfec00000, 4, uint64(0x10+2*pin))
		w(0xfec00010, 4, lo)
		w(0xfec00000, 4, uint64(0x11+2*pin))
		w(0xfec00010, 4, 0xff<<24)
	}
	w(0x43, 1, 0x34) // PIT mode 2, 100 µs
	w(0x40, 1, 119)
	w(0x40, 1, 0)
	w(0x70, 1, 0x0a) // RTC 8192 Hz periodic, update and alarm interrupts
	w(0x71, 1, 0x23)
	w(0x70, 1, 0x0b)
	w(0x71, 1, 0x72)
	w(0x70, 1, 0x01)
	w(0x71, 1, 0xff)
	w(0xfed00100, 8, 0x4c|20<<9) // HPET timer 0 periodic, 150 µs, to pin 20
	w(0xfed00108, 8, 15000)
	w(0xfed00108, 8, 15000)
	w(0xfed00120, 8, 0x4e|21<<9) // timer 1 periodic, level, pin 21
	w(0xfed00128, 8, 7000)
	w(0xfed00128, 8, 7000)
	w(0xfed00010, 8, 1)
	w(0x3fa, 1, 0xc7) // UART FIFO, trigger 14
	w(0x3f9, 1, 0x0f)
	w(0x3fc, 1, 0x0b)
	w(0x604, 2, 1)     // SCI_EN
	w(0x602, 2, 0x521) // PM1_EN: timer, global, power button, RTC
}

// quiesce stops every periodic source so no callback outlives the test.
func quiesce(p *PC) {
	p.Reset()
	p.PIT.Write(3, 1, 0x30) // counter 0 in mode 0, no count: stopped
}

// TestStress runs the set under the host clock with its timers at short
// periods while two vCPU goroutines take interrupts and touch registers,
// a backend feeds input, PCI lines and MSIs fire, and a monitor saves the
// devices' state. It fails on a data race (under -race), a panic, or a
// goroutine that does not finish (deadlock).
func TestStress(t *testing.T) {
	d := stressDuration(t)
	var pins [NumCPUs]countPins
	be := &slowBackend{ready: make(chan struct{}, 1)}
	var requests atomic.Int64
	p, err := NewPC(hw.NewHostClock(), Host{
		CPU:     func(i int) irq.CPUPins { return &pins[i] },
		Out:     be,
		Request: func(string) { requests.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	p.Reset()
	program(p)
	defer quiesce(p)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var work [8]atomic.Int64
	run := func(i int, f func(rng *rand.Rand)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(i)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				f(rng)
				work[i].Add(1)
			}
		}()
	}
	regions := p.Regions()
	for cpu := 0; cpu < NumCPUs; cpu++ {
		a := p.APICs[cpu]
		base := APICBase(cpu)
		run(cpu, func(rng *rand.Rand) {
			// Take what is pending, end it, and touch a register.
			if a.Pending() {
				if _, ok := a.Ack(); ok {
					a.Write(0xb0, 4, 0)
				}
			}
			switch rng.Intn(8) {
			case 0: // an IPI to the other CPU
				a.Write(0x310, 4, uint64(1-cpu)<<24)
				a.Write(0x300, 4, 0x4061)
			case 1:
				a.SetTPR(uint8(rng.Intn(3)) << 4)
			case 2:
				a.ReadMSR(0x800 + uint32(rng.Intn(0x40)))
			default:
				r := regions[rng.Intn(len(regions))]
				if r.Base >= APICBase(0) && r.Base != base {
					return // another CPU's page is not this CPU's to touch
				}
				off := uint64(rng.Intn(int(min(r.Len, 0x400))))
				if rng.Intn(4) == 0 && r.Name != "port92" && r.Name != "i8042-cmd" && r.Name != "piix-reset-control" {
					r.Handler.Write(off, 1, uint64(rng.Intn(256)))
				} else {
					r.Handler.Read(off, 1)
				}
			}
		})
	}
	run(2, func(rng *rand.Rand) { // host input
		p.UART.Receive([]byte("input"))
		p.KBD.Key(uint16(1+rng.Intn(0x50)), rng.Intn(2) == 0)
		p.KBD.MouseEvent(int32(rng.Intn(9)-4), int32(rng.Intn(9)-4), 0, uint8(rng.Intn(8)))
		time.Sleep(10 * time.Microsecond)
	})
	run(3, func(rng *rand.Rand) { // the backend's writer
		select {
		case <-be.ready:
			be.mu.Lock()
			be.pending = false
			be.mu.Unlock()
			p.UART.TxReady()
		case <-time.After(time.Millisecond):
		}
	})
	run(4, func(rng *rand.Rand) { // PCI lines, MSIs, board events
		p.Router.SetGSI(uint32(16+rng.Intn(4)), rng.Intn(2) == 0)
		p.Bus.SignalMSI(0xfee00000|uint64(rng.Intn(2))<<12, uint32(0x60+rng.Intn(16)))
		if rng.Intn(100) == 0 {
			p.PM.PressPowerButton()
		}
		time.Sleep(20 * time.Microsecond)
	})
	run(5, func(rng *rand.Rand) { // the monitor: state and "info" queries
		for _, dev := range p.Devices() {
			s := vmstate.Save(dev)
			if rng.Intn(20) == 0 {
				// A load into a running device: the machine pauses the
				// vCPUs first, but timers and backends go on.
				if err := vmstate.Load(dev, s); err != nil {
					t.Errorf("%s: reloading its own state: %v", dev.ID(), err)
				}
			}
		}
		_ = p.PIC.String()
		time.Sleep(500 * time.Microsecond)
	})

	time.Sleep(d)
	close(stop)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines still running 30 s after the stop (deadlock?):\n%s", buf[:runtime.Stack(buf, true)])
	}
	for i := 0; i < 6; i++ {
		if work[i].Load() == 0 {
			t.Errorf("goroutine %d did no work", i)
		}
	}
	if pins[0].notify.Load() == 0 {
		t.Error("no interrupt reached CPU 0")
	}
	t.Logf("in %v: work %v; CPU 0 notified %d times, CPU 1 %d", d, func() (w []int64) {
		for i := 0; i < 6; i++ {
			w = append(w, work[i].Load())
		}
		return
	}(), pins[0].notify.Load(), pins[1].notify.Load())
}
