package mem

import "golang.org/x/sys/unix"

// mmapAnon maps n bytes of private anonymous memory, zero-filled and
// untouched: pages cost nothing until the guest or a loader writes them.
func mmapAnon(n int) ([]byte, error) {
	return unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
}

func munmap(b []byte) error { return unix.Munmap(b) }
