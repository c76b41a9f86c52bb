// Package hostcpu runs short machine-code sequences natively on the host
// processor, for the interpreter's differential tests: registers and flags
// are loaded from a Regs, the code runs on its own stack with a scratch
// buffer, and registers and flags are stored back.
//
// Only code that is safe at CPL3 and touches nothing but the scratch buffer
// and its stack may be run: a fault in it crashes the test process.
package hostcpu

import "errors"

// Regs are the general-purpose registers in encoding order and RFLAGS.
type Regs struct {
	GPR    [16]uint64
	RFLAGS uint64
}

// Sizes of the executable and data areas.
const (
	CodeSize    = 64 << 10
	ScratchSize = 16 << 10
	StackSize   = 16 << 10
)

// ErrUnsupported is returned on hosts that are not amd64 Linux.
var ErrUnsupported = errors.New("hostcpu: native execution needs linux/amd64")
