package kvm

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioctl issues a request whose argument is an integer (or none).
func ioctl(fd int, req, arg uintptr) (int, error) {
	r, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, arg)
	if e != 0 {
		return int(r), e
	}
	return int(r), nil
}

// ioctlPtr issues a request whose argument points at *p.
func ioctlPtr[T any](fd int, req uintptr, p *T) (int, error) {
	// unsafe: p is a live Go pointer for the duration of the call (KeepAlive
	// below); the kernel reads or writes at most the size encoded in req or,
	// for the variable-length requests, the entry count the struct carries,
	// which our fixed-size arrays bound.
	r, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(p)))
	runtime.KeepAlive(p)
	if e != 0 {
		return int(r), e
	}
	return int(r), nil
}

// ioctlBytes issues a request whose argument is the first byte of b.
func ioctlBytes(fd int, req uintptr, b []byte) (int, error) {
	// unsafe: b is non-empty and alive for the call; callers size it to at
	// least what the request makes the kernel read or write.
	r, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(&b[0])))
	runtime.KeepAlive(b)
	if e != 0 {
		return int(r), e
	}
	return int(r), nil
}

// hostAddr is the host virtual address of b's first byte, for kernel structs
// that carry user pointers (memory regions, dirty logs). b must be memory
// that the Go runtime does not move or free: an mmap'd region.
func hostAddr(b []byte) uint64 {
	// unsafe: only the address is taken; the callers pass mmap'd slices
	// (guest RAM from hw/mem, dirty-log buffers) that stay mapped until the
	// VM is closed, which first removes the memory slots.
	return uint64(uintptr(unsafe.Pointer(&b[0])))
}

// runWord0 returns the first 32-bit word of kvm_run (request_interrupt_window,
// immediate_exit and padding), so that Kick can set immediate_exit from
// another thread with an atomic store.
func runWord0(run []byte) *uint32 {
	// unsafe: run is the page-aligned mmap of kvm_run, at least 4 KiB long,
	// alive until the vCPU is closed; offset 0 is 4-byte aligned.
	return (*uint32)(unsafe.Pointer(&run[0]))
}

// setImmediateExit stores immediate_exit (byte 1 of kvm_run) atomically,
// leaving request_interrupt_window (byte 0) as given.
func setImmediateExit(w *uint32, on bool, window bool) {
	var v uint32
	if window {
		v |= 1
	}
	if on {
		v |= 1 << 8
	}
	atomic.StoreUint32(w, v)
}
