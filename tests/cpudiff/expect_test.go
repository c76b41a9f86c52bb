package cpudiff

import (
	"errors"
	"fmt"

	"gemu/accel"
)

// expect collects mismatches between a result and the SDM's answer.
type expect struct {
	r    *Result
	errs []error
}

func (e *expect) eq(what string, got, want uint64) {
	if got != want {
		e.errs = append(e.errs, fmt.Errorf("%s = %#x, want %#x", what, got, want))
	}
}

func (e *expect) err() error { return errors.Join(e.errs...) }

// reg checks a general-purpose register.
func (e *expect) reg(i int, want uint64) { e.eq(gprNames[i], e.r.State.GPR[i], want) }

// m32 and m64 check RAM.
func (e *expect) m32(a uint64, want uint32) {
	e.eq(fmt.Sprintf("RAM[%#x]", a), uint64(e.r.U32(a)), uint64(want))
}
func (e *expect) m64(a uint64, want uint64) { e.eq(fmt.Sprintf("RAM[%#x]", a), e.r.U64(a), want) }

// stack32 and stack64 check the words on top of the final stack.
func (e *expect) stack32(want ...uint32) {
	sp := e.r.State.GPR[accel.RSP]
	for i, w := range want {
		e.eq(fmt.Sprintf("[esp+%d]", 4*i), uint64(e.r.U32(sp+uint64(4*i))), uint64(w))
	}
}

func (e *expect) stack64(want ...uint64) {
	sp := e.r.State.GPR[accel.RSP]
	for i, w := range want {
		e.eq(fmt.Sprintf("[rsp+%d]", 8*i), e.r.U64(sp+uint64(8*i)), w)
	}
}

func (e *expect) stack16(want ...uint16) {
	sp := e.r.State.GPR[accel.RSP]
	for i, w := range want {
		e.eq(fmt.Sprintf("[sp+%d]", 2*i), uint64(e.r.U16(sp+uint64(2*i))), uint64(w))
	}
}

var gprNames = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

// want builds a Want function from checks on an expect.
func want(f func(e *expect)) func(r *Result) error {
	return func(r *Result) error {
		e := &expect{r: r}
		f(e)
		return e.err()
	}
}
