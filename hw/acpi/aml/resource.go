package aml

import "fmt"

// Resource descriptors (ACPI 6.4 section 6.4, "Resource Data Types for
// ACPI"): the contents of the buffers that _CRS and _PRS return.

// Resource is one resource descriptor.
type Resource interface {
	appendTo(b []byte) ([]byte, error)
}

type resFunc func(b []byte) ([]byte, error)

func (f resFunc) appendTo(b []byte) ([]byte, error) { return f(b) }

// Small and large item tags.
const (
	smallIRQ      = 0x04 // 6.4.2.1 IRQ descriptor
	smallIO       = 0x08 // 6.4.2.5 I/O port descriptor
	smallEnd      = 0x0f // 6.4.2.9 end tag
	largeMem32Fix = 0x06 // 6.4.3.4 32-bit fixed memory range descriptor
	largeExtIRQ   = 0x09 // 6.4.3.6 extended interrupt descriptor
)

func smallTag(typ, length byte) byte { return typ<<3 | length }

func largeHeader(b []byte, typ byte, length int) []byte {
	return append(b, 0x80|typ, byte(length), byte(length>>8))
}

// ResourceTemplate is a buffer holding the descriptors followed by an end
// tag (whose checksum byte is 0: "treated as if the checksum passed").
func ResourceTemplate(descs ...Resource) Term {
	return termFunc(func(e *encoder) {
		var b []byte
		for _, d := range descs {
			if d == nil {
				e.fail("ResourceTemplate: nil descriptor")
				return
			}
			var err error
			if b, err = d.appendTo(b); err != nil {
				e.fail("ResourceTemplate: %v", err)
				return
			}
		}
		b = append(b, smallTag(smallEnd, 1), 0)
		Buffer(b).encode(e)
	})
}

// IO is a 16-bit-decode I/O port range: a base between min and max aligned
// to align, length ports long. A fixed range has min == max.
func IO(min, max uint16, align, length uint8) Resource {
	return resFunc(func(b []byte) ([]byte, error) {
		if max < min {
			return b, fmt.Errorf("IO: maximum base %#x below minimum %#x", max, min)
		}
		return append(b, smallTag(smallIO, 7), 1, // bit 0: 16-bit decode
			byte(min), byte(min>>8), byte(max), byte(max>>8), align, length), nil
	})
}

func irqMask(what string, irqs []uint8) (uint16, error) {
	if len(irqs) == 0 {
		return 0, fmt.Errorf("%s: no interrupts", what)
	}
	var m uint16
	for _, n := range irqs {
		if n > 15 {
			return 0, fmt.Errorf("%s: IRQ %d above 15", what, n)
		}
		m |= 1 << n
	}
	return m, nil
}

// IRQNoFlags lists ISA IRQs that are edge-triggered, active high and not
// shared (the two-byte IRQ descriptor).
func IRQNoFlags(irqs ...uint8) Resource {
	return resFunc(func(b []byte) ([]byte, error) {
		m, err := irqMask("IRQNoFlags", irqs)
		if err != nil {
			return b, err
		}
		return append(b, smallTag(smallIRQ, 2), byte(m), byte(m>>8)), nil
	})
}

// Trigger and polarity of an interrupt.
type Trigger bool

// Trigger modes.
const (
	Edge  Trigger = true
	Level Trigger = false
)

// Polarity of an interrupt.
type Polarity bool

// Polarities.
const (
	ActiveHigh Polarity = false
	ActiveLow  Polarity = true
)

// IRQ lists ISA IRQs with their trigger, polarity and sharing (the
// three-byte IRQ descriptor).
func IRQ(trig Trigger, pol Polarity, shared bool, irqs ...uint8) Resource {
	return resFunc(func(b []byte) ([]byte, error) {
		m, err := irqMask("IRQ", irqs)
		if err != nil {
			return b, err
		}
		var flags byte
		if trig == Edge {
			flags |= 1 << 0
		}
		if pol == ActiveLow {
			flags |= 1 << 3
		}
		if shared {
			flags |= 1 << 4
		}
		return append(b, smallTag(smallIRQ, 3), byte(m), byte(m>>8), flags), nil
	})
}

// Interrupt lists global system interrupts a device consumes, with their
// trigger, polarity and sharing (the extended interrupt descriptor).
func Interrupt(trig Trigger, pol Polarity, shared bool, gsis ...uint32) Resource {
	return resFunc(func(b []byte) ([]byte, error) {
		if len(gsis) == 0 || len(gsis) > 255 {
			return b, fmt.Errorf("Interrupt: %d interrupts; 1 to 255 allowed", len(gsis))
		}
		flags := byte(1) // consumer
		if trig == Edge {
			flags |= 1 << 1
		}
		if pol == ActiveLow {
			flags |= 1 << 2
		}
		if shared {
			flags |= 1 << 3
		}
		b = largeHeader(b, largeExtIRQ, 2+4*len(gsis))
		b = append(b, flags, byte(len(gsis)))
		for _, g := range gsis {
			b = append(b, byte(g), byte(g>>8), byte(g>>16), byte(g>>24))
		}
		return b, nil
	})
}

// Memory32Fixed is a fixed range of memory-mapped addresses.
func Memory32Fixed(writable bool, base, length uint32) Resource {
	return resFunc(func(b []byte) ([]byte, error) {
		if length != 0 && uint64(base)+uint64(length) > 1<<32 {
			return b, fmt.Errorf("Memory32Fixed: %#x bytes at %#x cross 4 GiB", length, base)
		}
		var info byte
		if writable {
			info = 1
		}
		b = largeHeader(b, largeMem32Fix, 9)
		b = append(b, info)
		for _, v := range []uint32{base, length} {
			b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
		}
		return b, nil
	})
}
