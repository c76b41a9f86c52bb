package aml

import "fmt"

// RegionSpace is the address space of an operation region (ACPI 6.4 section
// 19.6.100).
type RegionSpace byte

// Region spaces.
const (
	SystemMemory RegionSpace = 0
	SystemIO     RegionSpace = 1
	PCIConfig    RegionSpace = 2
)

// OperationRegion declares a region of an address space that fields
// describe.
func OperationRegion(name string, space RegionSpace, offset, length uint64) Term {
	return termFunc(func(e *encoder) {
		e.byte(opExtPrefix, extOpRegion)
		e.name(name)
		e.byte(byte(space))
		Int(offset).encode(e)
		Int(length).encode(e)
	})
}

// AccessType is how a field's region is accessed (FieldFlags bits 0-3).
type AccessType byte

// Access types.
const (
	AnyAcc   AccessType = 0
	ByteAcc  AccessType = 1
	WordAcc  AccessType = 2
	DWordAcc AccessType = 3
	QWordAcc AccessType = 4
)

// UpdateRule says what happens to the bits of an access that a write does
// not cover (FieldFlags bits 5-6).
type UpdateRule byte

// Update rules.
const (
	Preserve     UpdateRule = 0
	WriteAsOnes  UpdateRule = 1
	WriteAsZeros UpdateRule = 2
)

// FieldUnit is one element of a Field's list.
type FieldUnit struct {
	name string // "" for a reserved (unnamed) gap
	bits int
}

// NamedField is a field unit of bits bits called name (one name segment).
func NamedField(name string, bits int) FieldUnit { return FieldUnit{name: name, bits: bits} }

// Reserved is an unnamed gap of bits bits (ASL's Offset() compiles to one).
func Reserved(bits int) FieldUnit { return FieldUnit{bits: bits} }

// Field declares field units in an operation region, laid out one after the
// other from bit 0.
func Field(region string, access AccessType, lock bool, update UpdateRule, units ...FieldUnit) Term {
	return termFunc(func(e *encoder) {
		if access > QWordAcc || update > WriteAsZeros {
			e.fail("Field(%s): access type %d or update rule %d out of range", region, access, update)
			return
		}
		flags := byte(access) | byte(update)<<5
		if lock {
			flags |= 1 << 4
		}
		e.pkg(func(e *encoder) {
			e.name(region)
			e.byte(flags)
			for _, u := range units {
				if u.name == "" {
					e.byte(0x00)
				} else {
					if err := checkSeg(u.name); err != nil {
						e.fail("Field(%s): %v", region, err)
						return
					}
					e.b, _ = appendNameSeg(e.b, u.name)
				}
				if u.bits <= 0 {
					e.fail("Field(%s): unit %q of %d bits", region, u.name, u.bits)
					return
				}
				b, err := appendFieldLength(e.b, u.bits)
				if err != nil {
					e.fail("Field(%s): %v", region, fmt.Sprint(err))
					return
				}
				e.b = b
			}
		}, opExtPrefix, extField)
	})
}
