// Package kvmtest lets tests that need KVM skip, with the reason, on hosts
// where it cannot be used.
package kvmtest

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// Device is the KVM device node tests use.
const Device = "/dev/kvm"

// KVM's system ioctls used for the probe (include/uapi/linux/kvm.h):
// _IO(0xae, 0x00) and _IO(0xae, 0x01).
const (
	getAPIVersion = 0xae00
	createVM      = 0xae01
)

var (
	once   sync.Once
	reason error
)

func probe() error {
	if os.Getenv("GEMU_NO_KVM") != "" {
		return errors.New("GEMU_NO_KVM is set")
	}
	fd, err := unix.Open(Device, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", Device, err)
	}
	defer unix.Close(fd)
	v, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), getAPIVersion, 0)
	if e != 0 {
		return fmt.Errorf("KVM_GET_API_VERSION: %w", e)
	}
	if v != 12 {
		return fmt.Errorf("KVM API version %d, want 12", v)
	}
	vm, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), createVM, 0)
	if e != 0 {
		return fmt.Errorf("KVM_CREATE_VM: %w", e)
	}
	unix.Close(int(vm))
	return nil
}

// Require skips the test, saying why, unless KVM is usable here. Setting
// GEMU_NO_KVM in the environment skips KVM tests on purpose.
func Require(t testing.TB) {
	t.Helper()
	once.Do(func() { reason = probe() })
	if reason != nil {
		t.Skipf("KVM not usable: %v", reason)
	}
}

// Usable reports why KVM cannot be used here, or nil: the same probe as
// Require, for programs (benchmarks) rather than tests.
func Usable() error {
	once.Do(func() { reason = probe() })
	return reason
}
