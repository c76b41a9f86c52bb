// Package hw is the device contract shared by every device model: identity,
// reset and state, and the clock devices read time from.
package hw

import (
	"time"

	"gemu/migration/vmstate"
)

// Device is a piece of emulated hardware. Models are deterministic state
// machines: registers in through a bus.Handler, interrupts out through
// irq.Lines, time from a Clock; no goroutines or host I/O inside.
type Device interface {
	// ID is the stable QOM-style path ("/machine/peripheral/disk0"), the key
	// of the device's section in snapshots and migration streams.
	ID() string
	// Reset returns the device's own fields to their power-on values. The
	// machine re-drives interrupt lines afterwards.
	Reset()
	// VisitState describes the device's state for saving and loading.
	VisitState(v *vmstate.Visitor)
}

// Clock is the time source of device models: host time under KVM, a virtual
// clock advanced by the interpreter or by a test otherwise.
type Clock interface {
	// Now is the time since the machine was created, in nanoseconds of
	// guest time.
	Now() time.Duration
	// AfterFunc calls f (on a goroutine the clock owns) once the clock reads
	// at least d. f must not block; it typically raises a line.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc callback.
type Timer interface {
	// Stop cancels the callback; false if it already ran or was stopped.
	Stop() bool
}
