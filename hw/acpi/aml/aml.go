// Package aml builds ACPI Machine Language: the byte code of the DSDT and
// SSDTs that an operating system's AML interpreter runs (ACPI 6.4, chapter
// 20, "ACPI Machine Language (AML) Specification").
//
// A table body is a list of Terms built with the constructors here and
// encoded once with Encode:
//
//	body, err := aml.Encode(
//		aml.Scope(`\_SB`,
//			aml.Device("COM1",
//				aml.Name("_HID", aml.EISAID("PNP0501")),
//				aml.Name("_CRS", aml.ResourceTemplate(
//					aml.IO(0x3f8, 0x3f8, 1, 8),
//					aml.IRQNoFlags(4))))),
//		aml.Name("_S5", aml.Package(aml.Int(0), aml.Int(0), aml.Int(0), aml.Int(0))))
//
// Constructors never fail; a malformed argument (a name segment that is not
// [A-Z_][A-Z0-9_]{0,3}, a string with a non-ASCII byte, an IRQ above 15) is
// reported by Encode, naming the problem. Integers take their smallest
// encoding; names shorter than four characters are padded with '_'.
package aml

import (
	"errors"
	"fmt"
)

// Opcodes (ACPI 6.4 section 20.3, "AML Byte Stream Byte Values").
const (
	opZero         = 0x00
	opOne          = 0x01
	opName         = 0x08
	opBytePrefix   = 0x0a
	opWordPrefix   = 0x0b
	opDWordPrefix  = 0x0c
	opStringPrefix = 0x0d
	opQWordPrefix  = 0x0e
	opScope        = 0x10
	opBuffer       = 0x11
	opPackage      = 0x12
	opVarPackage   = 0x13
	opMethod       = 0x14
	opDualName     = 0x2e
	opMultiName    = 0x2f
	opExtPrefix    = 0x5b
	opRoot         = 0x5c // '\'
	opParent       = 0x5e // '^'
	opLocal0       = 0x60
	opArg0         = 0x68
	opStore        = 0x70
	opAdd          = 0x72
	opSubtract     = 0x74
	opIncrement    = 0x75
	opDecrement    = 0x76
	opShiftLeft    = 0x79
	opShiftRight   = 0x7a
	opAnd          = 0x7b
	opOr           = 0x7d
	opNotify       = 0x86
	opLAnd         = 0x90
	opLOr          = 0x91
	opLNot         = 0x92
	opLEqual       = 0x93
	opLGreater     = 0x94
	opLLess        = 0x95
	opIf           = 0xa0
	opElse         = 0xa1
	opReturn       = 0xa4
	opOnes         = 0xff

	// Second bytes after opExtPrefix.
	extOpRegion = 0x80
	extField    = 0x81
	extDevice   = 0x82
)

// MaxPkgLength is the largest value a PkgLength encodes (28 bits).
const MaxPkgLength = 1<<28 - 1

// ErrEncoding is wrapped by every error Encode returns.
var ErrEncoding = errors.New("aml")

// Term is an AML term or data object.
type Term interface {
	encode(e *encoder)
}

// encoder accumulates bytes and the first error.
type encoder struct {
	b   []byte
	err error
}

func (e *encoder) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("%w: %s", ErrEncoding, fmt.Sprintf(format, args...))
	}
}

func (e *encoder) byte(b ...byte) { e.b = append(e.b, b...) }

func (e *encoder) terms(ts []Term) {
	for _, t := range ts {
		if t == nil {
			e.fail("nil term")
			return
		}
		t.encode(e)
	}
}

func (e *encoder) name(path string) {
	b, err := appendNameString(e.b, path)
	if err != nil {
		e.fail("%v", err)
		return
	}
	e.b = b
}

// pkg encodes body, then appends op, a PkgLength covering the body and the
// body itself.
func (e *encoder) pkg(body func(e *encoder), op ...byte) {
	if e.err != nil {
		return
	}
	sub := &encoder{}
	body(sub)
	if sub.err != nil {
		e.err = sub.err
		return
	}
	e.byte(op...)
	b, err := appendPkgLength(e.b, len(sub.b))
	if err != nil {
		e.fail("%v", err)
		return
	}
	e.b = append(b, sub.b...)
}

// Encode returns the AML of a term list.
func Encode(terms ...Term) ([]byte, error) {
	e := &encoder{}
	e.terms(terms)
	if e.err != nil {
		return nil, e.err
	}
	return e.b, nil
}

// termFunc adapts a function to Term.
type termFunc func(e *encoder)

func (f termFunc) encode(e *encoder) { f(e) }

// appendPkgLength appends the PkgLength of a package whose content after
// the PkgLength is n bytes long: the encoded value counts the PkgLength's
// own bytes (ACPI 6.4 section 20.2.4).
func appendPkgLength(b []byte, n int) ([]byte, error) {
	if n < 0 {
		return b, fmt.Errorf("negative package length %d", n)
	}
	for size := 1; size <= 4; size++ {
		if v := n + size; v <= maxForPkgSize(size) {
			return appendPkgValue(b, v, size), nil
		}
	}
	return b, fmt.Errorf("package of %d bytes exceeds the PkgLength maximum %d", n, MaxPkgLength)
}

// appendFieldLength appends v in PkgLength encoding without counting the
// encoding's own bytes: the bit length of a field unit (NamedField and
// ReservedField, ACPI 6.4 section 20.2.5.2).
func appendFieldLength(b []byte, v int) ([]byte, error) {
	if v < 0 || v > MaxPkgLength {
		return b, fmt.Errorf("field length %d outside 0..%d", v, MaxPkgLength)
	}
	for size := 1; size <= 4; size++ {
		if v <= maxForPkgSize(size) {
			return appendPkgValue(b, v, size), nil
		}
	}
	panic("unreachable")
}

// maxForPkgSize is the largest value a PkgLength of size bytes holds: 6 bits
// in a one-byte encoding, then 4 bits in the lead byte plus 8 per follower.
func maxForPkgSize(size int) int {
	if size == 1 {
		return 0x3f
	}
	return 1<<(4+8*(size-1)) - 1
}

func appendPkgValue(b []byte, v, size int) []byte {
	if size == 1 {
		return append(b, byte(v))
	}
	b = append(b, byte(size-1)<<6|byte(v&0x0f))
	v >>= 4
	for i := 1; i < size; i++ {
		b = append(b, byte(v))
		v >>= 8
	}
	return b
}
