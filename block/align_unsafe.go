package block

import "unsafe"

// addrAligned reports whether p's first byte sits at an address that is a
// multiple of a (O_DIRECT buffers must be aligned).
func addrAligned(p []byte, a int64) bool {
	if len(p) == 0 {
		return true
	}
	// unsafe: the address is only inspected, never turned back into a
	// pointer, so the slice's lifetime does not matter.
	return int64(uintptr(unsafe.Pointer(&p[0])))%a == 0
}
