package kvm

import (
	"slices"
	"sync"
	"testing"

	"gemu/accel"
	"gemu/hw/irq"
)

// fakeAPIC is a timer-less local APIC for the vCPU tests: interrupt
// requests raised by the test, in-service tracking with EOI, TPR, the APIC
// base, INIT and SIPI IPIs to its peers through their pins, and x2APIC MSRs
// for the ID, TPR and EOI.
type fakeAPIC struct {
	mu    sync.Mutex
	id    uint32
	base  uint64
	tpr   uint8
	svr   uint32
	irr   [256]bool
	isr   [256]bool
	eois  int
	pins  irq.CPUPins
	peers []*fakeAPIC
	tprs  []uint8 // TPR values set through SetTPR
}

var _ accel.LocalAPIC = (*fakeAPIC)(nil)

func newFakeAPIC(id uint32) *fakeAPIC {
	b := uint64(0xfee00000 | apicBaseEnable)
	if id == 0 {
		b |= apicBaseBSP
	}
	return &fakeAPIC{id: id, base: b, svr: 0xff}
}

// raise requests vector v and notifies the CPU.
func (a *fakeAPIC) raise(v uint8) {
	a.mu.Lock()
	a.irr[v] = true
	p := a.pins
	a.mu.Unlock()
	p.Notify()
}

func highest(v *[256]bool) int {
	for i := 255; i >= 16; i-- {
		if v[i] {
			return i
		}
	}
	return -1
}

// pendingLocked is the vector Ack would give, or -1 (SDM vol. 3A, 10.8.3).
func (a *fakeAPIC) pendingLocked() int {
	v := highest(&a.irr)
	if v < 0 {
		return -1
	}
	ppr := int(a.tpr >> 4)
	if s := highest(&a.isr); s >= 0 && s>>4 > ppr {
		ppr = s >> 4
	}
	if v>>4 <= ppr {
		return -1
	}
	return v
}

func (a *fakeAPIC) Pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pendingLocked() >= 0
}

func (a *fakeAPIC) Ack() (uint8, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v := a.pendingLocked()
	if v < 0 {
		return 0, false
	}
	a.irr[v] = false
	a.isr[v] = true
	return uint8(v), true
}

func (a *fakeAPIC) eoiLocked() {
	if s := highest(&a.isr); s >= 0 {
		a.isr[s] = false
	}
	a.eois++
}

func (a *fakeAPIC) TPR() uint8 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tpr
}

func (a *fakeAPIC) SetTPR(v uint8) {
	a.mu.Lock()
	a.tpr = v
	a.tprs = append(a.tprs, v)
	a.mu.Unlock()
}

func (a *fakeAPIC) Base() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.base
}

func (a *fakeAPIC) SetBase(v uint64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.base = v
	return true
}

func (a *fakeAPIC) Read(off uint64, size int) uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch off {
	case 0x20:
		return uint64(a.id) << 24
	case 0x30:
		return 0x50014
	case 0x80:
		return uint64(a.tpr)
	case 0xf0:
		return uint64(a.svr)
	}
	return 0
}

func (a *fakeAPIC) Write(off uint64, size int, val uint64) {
	a.mu.Lock()
	switch off {
	case 0x80:
		a.tpr = uint8(val)
	case 0xb0:
		a.eoiLocked()
	case 0xf0:
		a.svr = uint32(val)
	case 0x300: // ICR: INIT and SIPI to all but self
		mode := val >> 8 & 7
		peers := a.peers
		a.mu.Unlock()
		if val>>18&3 == 3 {
			for _, p := range peers {
				if p == a {
					continue
				}
				switch mode {
				case 5:
					p.pins.INIT()
				case 6:
					p.pins.SIPI(uint8(val))
				}
			}
		}
		return
	}
	a.mu.Unlock()
}

func (a *fakeAPIC) ReadMSR(index uint32) (uint64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.base&apicBaseX2APIC == 0 {
		return 0, false
	}
	switch index {
	case 0x802:
		return uint64(a.id), true
	case 0x808:
		return uint64(a.tpr), true
	}
	return 0, false
}

func (a *fakeAPIC) WriteMSR(index uint32, val uint64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.base&apicBaseX2APIC == 0 {
		return false
	}
	switch index {
	case 0x808:
		a.tpr = uint8(val)
	case 0x80b:
		a.eoiLocked()
	default:
		return false
	}
	return true
}

// userChips is kernel-irqchip=off.
var userChips = accel.VMOptions{IRQChip: accel.IRQChipUser}

// The machine's APIC model under kernel-irqchip=off: MMIO to the APIC page,
// CR8 and TPR kept equal, an interrupt that wakes the vCPU from HLT, one
// raised while IF is clear (delivered through the interrupt window after
// STI), an NMI, and x2APIC MSRs (a refused one is a #GP).
func TestUserAPIC(t *testing.T) {
	m := newTestMachine(t, userChips, 13, 0)
	apic := newFakeAPIC(0)
	m.io.onOut = func(v uint32) {
		if testing.Verbose() {
			println("report", v)
		}
		switch v {
		case 0x1300:
			go apic.raise(0x41)
		case 0x1301:
			apic.raise(0x45) // while IF is off: through the window
		case 0x1302:
			go apic.pins.NMI()
		}
	}
	exit, err, st := m.runUntilExit(t, func(c *VCPU) {
		c.SetLocalAPIC(apic)
		apic.pins = c
	})
	mustRun(t, exit, err, accel.ExitKicked)
	want := []uint32{0x50, 2, 0x1300, 0x41, 0x1301, 0x45, 0x1302, 2, 0, 0xd}
	if got := m.io.outputs(portOut); !slices.Equal(got, want) {
		t.Errorf("guest reported %#x, want %#x", got, want)
	}
	apic.mu.Lock()
	defer apic.mu.Unlock()
	if apic.eois != 2 || apic.svr&0x100 == 0 {
		t.Errorf("EOIs %d, SVR %#x; want 2 EOIs and the APIC software-enabled", apic.eois, apic.svr)
	}
	if !slices.Contains(apic.tprs, 0x50) || apic.tpr != 0 {
		t.Errorf("TPR values set through CR8 %#x, final TPR %#x; want 0x50 among them and 0 at the end", apic.tprs, apic.tpr)
	}
	if apic.base&apicBaseX2APIC == 0 || st == nil || st.APICBase != apic.base {
		t.Errorf("APIC base: model %#x, state %#v; want x2APIC mode in both", apic.base, st)
	}
	for _, v := range m.io.mmio {
		if v.Addr >= 0xfee00000 && v.Addr < 0xfee01000 {
			t.Errorf("APIC page access reached the machine's IO: %+v", v)
		}
	}
}

// Without a model connected, an AP in the wait-for-SIPI state is kept by
// the vCPU (KVM takes only "runnable" without its LAPIC), and State reports
// it.
func TestUserModeMPState(t *testing.T) {
	m := newTestMachine(t, accel.VMOptions{IRQChip: accel.IRQChipUser, VCPUs: 2}, 0, 0)
	onThread(func() {
		c, err := m.vm.NewVCPU(1)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		st, err := c.State()
		if err != nil {
			t.Error(err)
			return
		}
		if st.MPState != accel.MPUninitialized {
			t.Errorf("AP MP state %d, want %d", st.MPState, accel.MPUninitialized)
		}
		st.MPState = accel.MPHalted
		if err := c.SetState(st); err != nil {
			t.Error(err)
			return
		}
		if st, _ = c.State(); st.MPState != accel.MPHalted {
			t.Errorf("MP state %d after setting halted, want %d", st.MPState, accel.MPHalted)
		}
	})
}

// INIT and SIPI through the machine's APIC models: the BSP sends them with
// its ICR; the AP, waiting inside Run, starts at the SIPI vector, checks in
// and halts; the BSP reports the count.
func TestUserAPICSMP(t *testing.T) {
	m := newTestMachine(t, accel.VMOptions{IRQChip: accel.IRQChipUser, VCPUs: 2}, 4, 1)
	apics := []*fakeAPIC{newFakeAPIC(0), newFakeAPIC(1)}
	for _, a := range apics {
		a.peers = apics
	}
	var wg sync.WaitGroup
	res := make([]runResult, 2)
	ready := make(chan struct{}, 2)
	start := make(chan struct{})
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := m.vm.NewVCPU(i)
			if err != nil {
				res[i].err = err
				ready <- struct{}{}
				return
			}
			vc := c.(*VCPU)
			defer vc.Close()
			vc.SetLocalAPIC(apics[i])
			apics[i].mu.Lock()
			apics[i].pins = vc
			apics[i].mu.Unlock()
			m.io.addVCPU(vc)
			ready <- struct{}{}
			<-start
			for {
				res[i].exit, res[i].err = vc.Run()
				if res[i].err != nil || res[i].exit.Reason != accel.ExitKicked || m.io.exited() {
					return
				}
			}
		}(i)
	}
	<-ready
	<-ready
	close(start)
	wg.Wait()
	for i, r := range res {
		if r.err != nil {
			t.Fatalf("vCPU %d: %v", i, r.err)
		}
	}
	got := m.io.outputs(portOut)
	slices.Sort(got) // the AP reports after it checked in: either comes first
	if !slices.Equal(got, []uint32{0x101, 0x201}) {
		t.Errorf("guest reported %#x, want [0x101 0x201]", got)
	}
}
