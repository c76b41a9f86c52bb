//go:build linux && amd64

package ssehw

import (
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

var (
	mu         sync.Mutex
	faulted    uint32 // set by fpeHandler
	faultMXCSR uint32 // MXCSR at the fault, recorded by fpeHandler
)

// kernelSigaction is struct sigaction as rt_sigaction takes it on x86-64.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	sigFPE      = 8
	saSigInfo   = 0x4
	saOnStack   = 0x08000000
	saRestorer  = 0x04000000
	sysSigactin = 13 // rt_sigaction
)

// Run executes fn over f and reports whether it raised #XM. After a fault,
// MXCSROut holds the MXCSR the fault left and the other outputs are
// untouched.
//
// For the duration of the call, SIGFPE is handled by a small handler of
// this package instead of the Go run time's: it records MXCSR and resumes
// after the instruction with MXCSR reset, so no Go code ever runs with the
// test's unmasked exceptions. Calls are serialised.
func Run(fn func(*Frame), f *Frame) (fault bool) {
	mu.Lock()
	defer mu.Unlock()
	h, r := handlerAddrs()
	act := kernelSigaction{handler: h, flags: saSigInfo | saOnStack | saRestorer, restorer: r}
	var old kernelSigaction
	// unsafe: act and old live on this frame across the raw system
	// calls, which only read and write them.
	if _, _, e := syscall.RawSyscall6(sysSigactin, sigFPE, uintptr(unsafe.Pointer(&act)), uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 {
		panic("rt_sigaction: " + e.Error())
	}
	runtime.LockOSThread()
	faulted = 0
	fn(f)
	fault = faulted != 0
	if fault {
		f.MXCSROut = faultMXCSR
	}
	runtime.UnlockOSThread()
	if _, _, e := syscall.RawSyscall6(sysSigactin, sigFPE, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0); e != 0 {
		panic("rt_sigaction: " + e.Error())
	}
	return fault
}
