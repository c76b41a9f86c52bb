package machine

import (
	"gemu/accel"
	"gemu/hw/irq"
)

var _ accel.IO = (*Machine)(nil)

// PortRead serves an IN: unclaimed ports read as all ones, as on a PC's ISA
// bus.
func (m *Machine) PortRead(port uint16, size int) uint32 {
	v, _ := m.io.Read(uint64(port), size)
	return uint32(v)
}

// PortWrite serves an OUT; writes to unclaimed ports are dropped.
func (m *Machine) PortWrite(port uint16, size int, val uint32) {
	m.io.Write(uint64(port), size, uint64(val))
}

// MMIORead serves a load from an address without RAM: unassigned addresses
// read as zero.
func (m *Machine) MMIORead(addr uint64, size int) uint64 {
	v, ok := m.mmio.Read(addr, size)
	if !ok {
		return 0
	}
	return v
}

// MMIOWrite serves a store to an address without RAM; unassigned addresses
// drop it.
func (m *Machine) MMIOWrite(addr uint64, size int, val uint64) {
	m.mmio.Write(addr, size, val)
}

// gsiRouter sends GSI levels to the accelerator's interrupt controllers,
// or to the machine's own models when they live in userspace.
type gsiRouter struct {
	m *Machine
}

func (r gsiRouter) SetGSI(gsi uint32, high bool) {
	if r.m.userIRQ != nil {
		r.m.userIRQ.SetGSI(gsi, high)
		return
	}
	if r.m.vm == nil || r.m.board.irqChip(r.m) == accel.IRQChipUser {
		// Before the VM exists (power-on resets), or no interrupt
		// controller model is connected on this board yet.
		return
	}
	if err := r.m.vm.SetGSI(gsi, high); err != nil {
		r.m.log.Warn("interrupt not delivered", "gsi", gsi, "err", err)
	}
}

// isaIRQ returns the line of ISA interrupt n (0-15) for a device.
func (m *Machine) isaIRQ(n uint32) irq.Line {
	return irq.GSI(gsiRouter{m}, n)
}
