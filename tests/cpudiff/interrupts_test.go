package cpudiff

import (
	"sync"
	"testing"

	"gemu/accel"
	"gemu/hw/irq"
)

// pendingAPIC is a timer-less local APIC with fixed interrupt requests from
// the start: enough to see where an interrupt lands (interrupt shadows,
// IF and TPR) on both accelerators.
type pendingAPIC struct {
	mu   sync.Mutex
	irr  [256]bool
	isr  [256]bool
	tpr  uint8
	base uint64
	pins irq.CPUPins
}

func newPendingAPIC(vectors ...uint8) func() accel.LocalAPIC { return newPendingAPICTPR(0, vectors...) }

// newPendingAPICTPR is newPendingAPIC with an initial TPR.
func newPendingAPICTPR(tpr uint8, vectors ...uint8) func() accel.LocalAPIC {
	return func() accel.LocalAPIC {
		a := &pendingAPIC{base: 0xfee00000 | 1<<11 | 1<<8, tpr: tpr}
		for _, v := range vectors {
			a.irr[v] = true
		}
		return a
	}
}

// Connect gives the model the vCPU's pins (Run calls it).
func (a *pendingAPIC) Connect(c accel.VCPU) {
	if p, ok := c.(irq.CPUPins); ok {
		a.mu.Lock()
		a.pins = p
		a.mu.Unlock()
		p.Notify()
	}
}

func top(v *[256]bool) int {
	for i := 255; i >= 16; i-- {
		if v[i] {
			return i
		}
	}
	return -1
}

func (a *pendingAPIC) pendingLocked() int {
	v := top(&a.irr)
	ppr := int(a.tpr >> 4)
	if s := top(&a.isr); s >= 0 && s>>4 > ppr {
		ppr = s >> 4
	}
	if v < 0 || v>>4 <= ppr {
		return -1
	}
	return v
}

func (a *pendingAPIC) Pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pendingLocked() >= 0
}

func (a *pendingAPIC) Ack() (uint8, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v := a.pendingLocked()
	if v < 0 {
		return 0, false
	}
	a.irr[v], a.isr[v] = false, true
	return uint8(v), true
}

func (a *pendingAPIC) TPR() uint8 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tpr
}

func (a *pendingAPIC) SetTPR(v uint8) {
	a.mu.Lock()
	a.tpr = v
	p := a.pins
	a.mu.Unlock()
	if p != nil {
		p.Notify()
	}
}

func (a *pendingAPIC) Base() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.base
}

func (a *pendingAPIC) SetBase(v uint64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.base = v
	return true
}

func (a *pendingAPIC) Read(off uint64, size int) uint64 {
	if off == 0x80 {
		return uint64(a.TPR())
	}
	return 0
}

func (a *pendingAPIC) Write(off uint64, size int, val uint64) {
	switch off {
	case 0x80:
		a.SetTPR(uint8(val))
	case 0xb0:
		a.mu.Lock()
		if s := top(&a.isr); s >= 0 {
			a.isr[s] = false
		}
		a.mu.Unlock()
	}
}

func (a *pendingAPIC) ReadMSR(index uint32) (uint64, bool)    { return 0, false }
func (a *pendingAPIC) WriteMSR(index uint32, val uint64) bool { return false }

// TestExternalInterrupts delivers interrupts from the machine's local APIC
// model (kernel-irqchip=off on KVM): where an interrupt lands after STI and
// MOV SS (the interrupt shadow), once IF or the TPR allows it, and the
// frame it leaves, from CPL0 and CPL3.
func TestExternalInterrupts(t *testing.T) {
	noIF := func(w *World) { w.State.RFLAGS &^= FlagsIF }
	cases := []Case{
		{Name: "sti-shadow", Start: Long64, Stop: AtVector(0x40), NewAPIC: newPendingAPIC(0x40), Setup: noIF,
			Code: "sti\n mov $1, %eax\nnext: mov $2, %ebx\n hlt\n",
			Want: want(func(e *expect) {
				e.stack64(e.r.Sym("next"))
				e.reg(accel.RAX, 1)
				e.reg(accel.RBX, 0)
			})},
		{Name: "mov-ss-shadow-from-state", Start: Long64, Stop: AtVector(0x40), NewAPIC: newPendingAPIC(0x40),
			Setup: func(w *World) {
				w.State.RFLAGS |= FlagsIF
				w.State.Events.Shadow = 2
			},
			Code: "mov $1, %eax\nnext: mov $2, %ebx\n hlt\n",
			Want: want(func(e *expect) { e.stack64(e.r.Sym("next")) })},
		{Name: "pending-at-cpl3-before-first-instruction", Start: User64, Stop: AtVector(0x41), NewAPIC: newPendingAPIC(0x41),
			Code: "mov $1, %eax\n ud2\n",
			Want: want(func(e *expect) {
				e.stack64(CodeBase, UCode64, 0x202, UserStack, UData)
				e.reg(accel.RAX, 0)
			})},
		{Name: "highest-vector-first", Start: Long64, Stop: AtVector(0x61), NewAPIC: newPendingAPIC(0x41, 0x61, 0x52), Setup: noIF,
			Code: "sti\n nop\n hlt\n"},
		{Name: "popf-sets-if", Start: Long64, Stop: AtVector(0x40), NewAPIC: newPendingAPIC(0x40), Setup: noIF,
			Code: "pushq $0x202\n popfq\nnext: mov $2, %ebx\n hlt\n",
			Want: want(func(e *expect) { e.stack64(e.r.Sym("next")) })},
		{Name: "cr8-masks-until-lowered", Start: Long64, Stop: AtVector(0x40), NewAPIC: newPendingAPICTPR(0x50, 0x40),
			Setup: func(w *World) {
				noIF(w)
				w.State.CR8 = 5
			},
			Code: "sti\n mov $1, %eax\n mov $2, %eax\n mov $3, %ecx\n mov %rcx, %cr8\nnext: mov $3, %eax\n hlt\n",
			Want: want(func(e *expect) {
				e.stack64(e.r.Sym("next"))
				e.reg(accel.RAX, 2)
			})},
		{Name: "cli-keeps-it-pending", Start: Long64, Stop: AtHalt(), NewAPIC: newPendingAPIC(0x40), Setup: noIF,
			Code: "sti\n cli\n mov $7, %eax\n hlt\n",
			Want: want(func(e *expect) { e.reg(accel.RAX, 7) })},
	}
	for i := range cases[:len(cases)-1] {
		cases[i].NoKVM = quirkIRQWindow
	}
	runCases(t, cases)
}
