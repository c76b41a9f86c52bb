package aml

import "fmt"

// Data objects (ACPI 6.4 section 20.2.3).

// Int is an integer constant in its smallest encoding: ZeroOp, OneOp, or a
// byte, word, dword or qword prefix. (OnesOp is never chosen: its value
// depends on the table's revision; use Ones.)
func Int(v uint64) Term {
	return termFunc(func(e *encoder) {
		switch {
		case v == 0:
			e.byte(opZero)
		case v == 1:
			e.byte(opOne)
		case v <= 0xff:
			e.byte(opBytePrefix, byte(v))
		case v <= 0xffff:
			e.byte(opWordPrefix, byte(v), byte(v>>8))
		case v <= 0xffffffff:
			e.byte(opDWordPrefix, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
		default:
			e.byte(opQWordPrefix)
			for i := 0; i < 8; i++ {
				e.byte(byte(v >> (8 * i)))
			}
		}
	})
}

// Ones is OnesOp: all bits set in the table's integer width.
var Ones Term = termFunc(func(e *encoder) { e.byte(opOnes) })

// Str is a string constant: ASCII characters 0x01-0x7f, NUL-terminated.
func Str(s string) Term {
	return termFunc(func(e *encoder) {
		for i := 0; i < len(s); i++ {
			if s[i] == 0 || s[i] > 0x7f {
				e.fail("string %q: byte %#x at %d is not ASCII 0x01-0x7f", s, s[i], i)
				return
			}
		}
		e.byte(opStringPrefix)
		e.b = append(e.b, s...)
		e.byte(0)
	})
}

// Buffer is a buffer constant holding data (BufferSize is len(data)).
func Buffer(data []byte) Term {
	return termFunc(func(e *encoder) {
		e.pkg(func(e *encoder) {
			Int(uint64(len(data))).encode(e)
			e.b = append(e.b, data...)
		}, opBuffer)
	})
}

// Package is a package of elements: data objects or name references
// (Path). Up to 255 elements take PackageOp, more VarPackageOp.
func Package(elems ...Term) Term {
	return termFunc(func(e *encoder) {
		if len(elems) <= 0xff {
			e.pkg(func(e *encoder) {
				e.byte(byte(len(elems)))
				e.terms(elems)
			}, opPackage)
			return
		}
		e.pkg(func(e *encoder) {
			Int(uint64(len(elems))).encode(e)
			e.terms(elems)
		}, opVarPackage)
	})
}

// EISAID is the 32-bit compressed EISA identifier of a PNP ID such as
// "PNP0501": three capitals in five bits each, then four hex digits, stored
// big-endian and read as a little-endian dword (ACPI 6.4 section 19.6.35).
func EISAID(id string) Term {
	return termFunc(func(e *encoder) {
		v, err := eisaID(id)
		if err != nil {
			e.fail("%v", err)
			return
		}
		Int(uint64(v)).encode(e)
	})
}

func eisaID(id string) (uint32, error) {
	if len(id) != 7 {
		return 0, fmt.Errorf("EISA ID %q is not 7 characters", id)
	}
	var mfg uint16
	for i := 0; i < 3; i++ {
		c := id[i]
		if c < 'A' || c > 'Z' {
			return 0, fmt.Errorf("EISA ID %q: %q is not a capital letter", id, c)
		}
		mfg = mfg<<5 | uint16(c-'@')
	}
	var prod uint16
	for i := 3; i < 7; i++ {
		c := id[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, fmt.Errorf("EISA ID %q: %q is not an upper-case hex digit", id, c)
		}
		prod = prod<<4 | uint16(d)
	}
	b := [4]byte{byte(mfg >> 8), byte(mfg), byte(prod >> 8), byte(prod)}
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24, nil
}

// Path is a reference to a named object (a NameString used as a term): a
// package element naming an object, the target of Store or Notify, or the
// invocation of a method without arguments.
func Path(path string) Term {
	return termFunc(func(e *encoder) { e.name(path) })
}

// Call invokes a method with arguments (MethodInvocation: the method's name
// followed by its arguments; the interpreter knows their number).
func Call(path string, args ...Term) Term {
	return termFunc(func(e *encoder) {
		e.name(path)
		e.terms(args)
	})
}

// Arg is ArgN (0..6), a method argument.
func Arg(n int) Term {
	return termFunc(func(e *encoder) {
		if n < 0 || n > 6 {
			e.fail("Arg%d: arguments are Arg0 to Arg6", n)
			return
		}
		e.byte(opArg0 + byte(n))
	})
}

// Local is LocalN (0..7), a method local variable.
func Local(n int) Term {
	return termFunc(func(e *encoder) {
		if n < 0 || n > 7 {
			e.fail("Local%d: locals are Local0 to Local7", n)
			return
		}
		e.byte(opLocal0 + byte(n))
	})
}

// Named objects and namespace modifiers (ACPI 6.4 sections 20.2.5.1-2).

// Name declares a named data object.
func Name(name string, value Term) Term {
	return termFunc(func(e *encoder) {
		e.byte(opName)
		e.name(name)
		if value == nil {
			e.fail("Name(%s): nil value", name)
			return
		}
		value.encode(e)
	})
}

// Scope opens an existing scope and adds terms to it.
func Scope(path string, terms ...Term) Term {
	return termFunc(func(e *encoder) {
		e.pkg(func(e *encoder) {
			e.name(path)
			e.terms(terms)
		}, opScope)
	})
}

// Device declares a device object.
func Device(name string, terms ...Term) Term {
	return termFunc(func(e *encoder) {
		e.pkg(func(e *encoder) {
			e.name(name)
			e.terms(terms)
		}, opExtPrefix, extDevice)
	})
}

// Method declares a control method taking args arguments (0..7);
// serialized methods are executed by one thread at a time. The sync level
// is 0.
func Method(name string, args int, serialized bool, terms ...Term) Term {
	return termFunc(func(e *encoder) {
		if args < 0 || args > 7 {
			e.fail("Method(%s): %d arguments; 0 to 7 allowed", name, args)
			return
		}
		flags := byte(args)
		if serialized {
			flags |= 1 << 3
		}
		e.pkg(func(e *encoder) {
			e.name(name)
			e.byte(flags)
			e.terms(terms)
		}, opMethod)
	})
}

// Statements (ACPI 6.4 section 20.2.5.3).

// Return returns a value from a method.
func Return(v Term) Term {
	return termFunc(func(e *encoder) {
		e.byte(opReturn)
		operand(e, v)
	})
}

// IfTerm is an If, optionally followed by an Else.
type IfTerm struct {
	pred    Term
	then    []Term
	els     []Term
	hasElse bool
}

// If runs terms when pred is non-zero.
func If(pred Term, terms ...Term) *IfTerm {
	return &IfTerm{pred: pred, then: terms}
}

// Else gives the If an Else branch.
func (t *IfTerm) Else(terms ...Term) *IfTerm {
	return &IfTerm{pred: t.pred, then: t.then, els: terms, hasElse: true}
}

func (t *IfTerm) encode(e *encoder) {
	e.pkg(func(e *encoder) {
		operand(e, t.pred)
		e.terms(t.then)
	}, opIf)
	if t.hasElse {
		e.pkg(func(e *encoder) { e.terms(t.els) }, opElse)
	}
}

// Notify sends value to the handlers of obj (a device, processor or thermal
// zone named by Path).
func Notify(obj, value Term) Term {
	return termFunc(func(e *encoder) {
		e.byte(opNotify)
		operand(e, obj)
		operand(e, value)
	})
}

// Store copies src into dst (a Local, Arg or named object).
func Store(src, dst Term) Term {
	return termFunc(func(e *encoder) {
		e.byte(opStore)
		operand(e, src)
		operand(e, dst)
	})
}

// Increment adds one to a Local, Arg or named integer.
func Increment(t Term) Term { return unary(opIncrement, t) }

// Decrement subtracts one from a Local, Arg or named integer.
func Decrement(t Term) Term { return unary(opDecrement, t) }

// Expressions (ACPI 6.4 section 20.2.5.4). The arithmetic operators take a
// target: nil discards the result (NullName).

// Add is a + b, stored in target.
func Add(a, b, target Term) Term { return binaryTarget(opAdd, a, b, target) }

// Subtract is a - b, stored in target.
func Subtract(a, b, target Term) Term { return binaryTarget(opSubtract, a, b, target) }

// And is the bitwise a & b, stored in target.
func And(a, b, target Term) Term { return binaryTarget(opAnd, a, b, target) }

// Or is the bitwise a | b, stored in target.
func Or(a, b, target Term) Term { return binaryTarget(opOr, a, b, target) }

// ShiftLeft is a << b, stored in target.
func ShiftLeft(a, b, target Term) Term { return binaryTarget(opShiftLeft, a, b, target) }

// ShiftRight is a >> b, stored in target.
func ShiftRight(a, b, target Term) Term { return binaryTarget(opShiftRight, a, b, target) }

// LEqual is a == b.
func LEqual(a, b Term) Term { return binary(opLEqual, a, b) }

// LNotEqual is a != b (LNot of LEqual).
func LNotEqual(a, b Term) Term { return LNot(LEqual(a, b)) }

// LLess is a < b.
func LLess(a, b Term) Term { return binary(opLLess, a, b) }

// LGreater is a > b.
func LGreater(a, b Term) Term { return binary(opLGreater, a, b) }

// LAnd is the logical a && b.
func LAnd(a, b Term) Term { return binary(opLAnd, a, b) }

// LOr is the logical a || b.
func LOr(a, b Term) Term { return binary(opLOr, a, b) }

// LNot is the logical !a.
func LNot(a Term) Term { return unary(opLNot, a) }

func operand(e *encoder, t Term) {
	if t == nil {
		e.fail("nil operand")
		return
	}
	t.encode(e)
}

func unary(op byte, a Term) Term {
	return termFunc(func(e *encoder) {
		e.byte(op)
		operand(e, a)
	})
}

func binary(op byte, a, b Term) Term {
	return termFunc(func(e *encoder) {
		e.byte(op)
		operand(e, a)
		operand(e, b)
	})
}

func binaryTarget(op byte, a, b, target Term) Term {
	return termFunc(func(e *encoder) {
		e.byte(op)
		operand(e, a)
		operand(e, b)
		if target == nil {
			e.byte(opZero) // NullName: no target
			return
		}
		target.encode(e)
	})
}
