package i8254

import (
	"log/slog"
	"time"
)

// KVMChannel is a PIT counter as KVM_GET_PIT2 reports it (struct
// kvm_pit_channel_state): the fields that decide its OUT.
type KVMChannel struct {
	// Count is the count loaded, 1-0x10000: KVM stores a written 0 as
	// 0x10000. 0 is taken as 0x10000 too.
	Count uint32
	Mode  uint8 // 0-5 (6 and 7 alias 2 and 3)
	BCD   bool
	Gate  bool
	// LoadTime is count_load_time: the host's CLOCK_MONOTONIC, in ns,
	// when the count was loaded (KVM reloads it, and so sets the time,
	// also when KVM_SET_PIT2 changes the gate).
	LoadTime int64
}

// KVMOut computes the OUT pin of a counter that an in-kernel PIT
// describes, at now (CLOCK_MONOTONIC ns, LoadTime's clock). With the gate
// low, modes 2 and 3 hold OUT high (8254 data sheet, "Mode 2", "Mode 3");
// otherwise OUT follows the count from LoadTime, as KVM itself computes it.
func KVMOut(c KVMChannel, now int64) bool {
	mode := c.Mode & 7
	if mode >= 6 {
		mode -= 4
	}
	if !c.Gate && (mode == 2 || mode == 3) {
		return true
	}
	elapsed := time.Duration(now - c.LoadTime)
	if now < c.LoadTime {
		elapsed = 0
	}
	return Out(mode, uint16(c.Count), c.BCD, elapsed)
}

// KVMChannel2 adapts an in-kernel PIT's counter 2 to port 0x61 (KVM's PIT
// created with KVM_PIT_SPEAKER_DUMMY leaves the port to user space). The
// accelerator supplies the functions; a failing one is a host failure,
// logged, and reads OUT low.
type KVMChannel2 struct {
	// Get reads counter 2 (KVM_GET_PIT2, channels[2]).
	Get func() (KVMChannel, error)
	// SetGate drives counter 2's gate (KVM_GET_PIT2, change the gate,
	// KVM_SET_PIT2).
	SetGate func(high bool) error
	// Now reads CLOCK_MONOTONIC in ns.
	Now    func() int64
	Logger *slog.Logger // host failures (nil: discarded)
}

var _ Channel2 = (*KVMChannel2)(nil)

// SetChannel2Gate drives the gate.
func (k *KVMChannel2) SetChannel2Gate(high bool) {
	if err := k.SetGate(high); err != nil && k.Logger != nil {
		k.Logger.Error("port 0x61: setting the in-kernel PIT's counter 2 gate", "err", err)
	}
}

// Channel2Out reads counter 2's OUT.
func (k *KVMChannel2) Channel2Out() bool {
	c, err := k.Get()
	if err != nil {
		if k.Logger != nil {
			k.Logger.Error("port 0x61: reading the in-kernel PIT's counter 2", "err", err)
		}
		return false
	}
	return KVMOut(c, k.Now())
}
