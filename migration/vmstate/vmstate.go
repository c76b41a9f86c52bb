// Package vmstate is the section codec that devices and vCPUs use to describe
// their state once, for saving and loading alike (snapshots and migration).
//
// A device writes one VisitState method that calls the Visitor for each field.
// When saving, the visitor records each value under its name; when loading, it
// checks that the stream holds the same field, with the same type, next, and
// stores the value. Loading never trusts the stream: every length is capped by
// the caller's limit, names and types must match, and Check lets the device
// validate values before it uses them.
//
// Stream layout of a section (all integers little endian):
//
//	section := version:uvarint entries end
//	entry   := tag:byte name:string value
//	string  := len:uvarint bytes
//	tagOptional value is: present subsection (entries up to end)
//
// The layout is self-describing, so a mismatch names the field.
package vmstate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Field type tags.
const (
	tagEnd byte = iota
	tagBool
	tagU8
	tagU16
	tagU32
	tagU64
	tagI64
	tagBytes  // variable length, capped on load
	tagArray  // fixed length byte array
	tagString // variable length, capped on load
	tagU16s
	tagU32s
	tagU64s
	tagStruct
	tagOptional
)

var tagNames = [...]string{"end", "bool", "uint8", "uint16", "uint32", "uint64", "int64", "bytes", "array", "string", "uint16s", "uint32s", "uint64s", "struct", "optional"}

func tagName(t byte) string {
	if int(t) < len(tagNames) {
		return tagNames[t]
	}
	return fmt.Sprintf("tag %d", t)
}

// ErrInvalid is wrapped by every load error caused by the stream's content.
var ErrInvalid = errors.New("invalid device state")

// MaxLen caps any single variable-length field on load when the caller gives
// no tighter limit.
const MaxLen = 64 << 20

// Stater is anything that describes its state through a Visitor.
type Stater interface {
	VisitState(v *Visitor)
}

// Versioned is implemented by a Stater whose state layout has changed; the
// default version is 1.
type Versioned interface {
	StateVersion() int
}

// Visitor walks a device's fields, saving or loading them.
type Visitor struct {
	loading bool
	version int
	out     []byte // saving
	in      []byte // loading
	pos     int
	err     error
	path    []string // nested struct/optional names, for errors
}

// Save returns the encoded state of s.
func Save(s Stater) []byte {
	ver := versionOf(s)
	v := &Visitor{version: ver}
	v.out = binary.AppendUvarint(v.out, uint64(ver))
	s.VisitState(v)
	v.out = append(v.out, tagEnd)
	return v.out
}

// Load decodes data into s. On error s may be partly modified and must be
// reset or discarded by the caller.
func Load(s Stater, data []byte) (err error) {
	cur := versionOf(s)
	v := &Visitor{loading: true, in: data}
	ver, n := binary.Uvarint(data)
	if n <= 0 {
		return fmt.Errorf("%w: truncated version", ErrInvalid)
	}
	if ver == 0 || ver > uint64(cur) {
		return fmt.Errorf("%w: state version %d, this build reads 1..%d", ErrInvalid, ver, cur)
	}
	v.version = int(ver)
	v.pos = n
	s.VisitState(v)
	if v.err == nil {
		v.expectEnd()
	}
	if v.err == nil && v.pos != len(v.in) {
		v.fail("%d trailing bytes", len(v.in)-v.pos)
	}
	return v.err
}

func versionOf(s Stater) int {
	if vs, ok := s.(Versioned); ok {
		if n := vs.StateVersion(); n > 0 {
			return n
		}
	}
	return 1
}

// Loading reports whether the visitor is loading (true) or saving (false).
func (v *Visitor) Loading() bool { return v.loading }

// Version is the layout version being saved (the current one) or loaded (the
// stream's).
func (v *Visitor) Version() int { return v.version }

// Err returns the first error met while loading.
func (v *Visitor) Err() error { return v.err }

// Check fails the load with a message when ok is false. It is ignored while
// saving: the device's own state is trusted.
func (v *Visitor) Check(ok bool, format string, args ...any) {
	if v.loading && !ok && v.err == nil {
		v.fail(format, args...)
	}
}

// Fail makes the load fail with a message (for validation that is not a
// single condition).
func (v *Visitor) Fail(format string, args ...any) {
	if v.loading && v.err == nil {
		v.fail(format, args...)
	}
}

func (v *Visitor) fail(format string, args ...any) {
	where := ""
	for _, p := range v.path {
		where += p + "."
	}
	v.err = fmt.Errorf("%w: %s%s", ErrInvalid, where, fmt.Sprintf(format, args...))
}

func (v *Visitor) header(tag byte, name string) bool {
	if !v.loading {
		v.out = append(v.out, tag)
		v.out = binary.AppendUvarint(v.out, uint64(len(name)))
		v.out = append(v.out, name...)
		return true
	}
	if v.err != nil {
		return false
	}
	t, got, ok := v.peekHeader()
	if !ok {
		v.fail("%s: truncated stream", name)
		return false
	}
	if got != name {
		if t == tagEnd {
			v.fail("field %s missing", name)
		} else {
			v.fail("field %s found where %s was expected", got, name)
		}
		return false
	}
	if t != tag {
		v.fail("%s: stream has %s, want %s", name, tagName(t), tagName(tag))
		return false
	}
	v.skipHeader()
	return true
}

// peekHeader reads the next entry's tag and name without consuming them.
func (v *Visitor) peekHeader() (tag byte, name string, ok bool) {
	if v.pos >= len(v.in) {
		return 0, "", false
	}
	tag = v.in[v.pos]
	if tag == tagEnd {
		return tag, "", true
	}
	n, k := binary.Uvarint(v.in[v.pos+1:])
	if k <= 0 || n > 1024 || uint64(len(v.in)-v.pos-1-k) < n {
		return 0, "", false
	}
	start := v.pos + 1 + k
	return tag, string(v.in[start : start+int(n)]), true
}

func (v *Visitor) skipHeader() {
	n, k := binary.Uvarint(v.in[v.pos+1:])
	v.pos += 1 + k + int(n)
}

func (v *Visitor) expectEnd() {
	if v.pos >= len(v.in) {
		v.fail("truncated stream: missing end of section")
		return
	}
	if t := v.in[v.pos]; t != tagEnd {
		_, name, _ := v.peekHeader()
		if t == tagOptional {
			v.fail("unknown optional section %q", name)
		} else {
			v.fail("unexpected field %q (%s)", name, tagName(t))
		}
		return
	}
	v.pos++
}

func (v *Visitor) take(n int, name string) []byte {
	if v.err != nil {
		return nil
	}
	if n < 0 || len(v.in)-v.pos < n {
		v.fail("%s: truncated value", name)
		return nil
	}
	b := v.in[v.pos : v.pos+n]
	v.pos += n
	return b
}

func (v *Visitor) uvarint(name string) uint64 {
	if v.err != nil {
		return 0
	}
	n, k := binary.Uvarint(v.in[v.pos:])
	if k <= 0 {
		v.fail("%s: bad length", name)
		return 0
	}
	v.pos += k
	return n
}

// Bool visits a boolean.
func (v *Visitor) Bool(name string, p *bool) {
	if !v.header(tagBool, name) {
		return
	}
	if !v.loading {
		b := byte(0)
		if *p {
			b = 1
		}
		v.out = append(v.out, b)
		return
	}
	if b := v.take(1, name); b != nil {
		if b[0] > 1 {
			v.fail("%s: boolean byte %#x", name, b[0])
			return
		}
		*p = b[0] == 1
	}
}

// Uint8 visits a byte.
func (v *Visitor) Uint8(name string, p *uint8) {
	if !v.header(tagU8, name) {
		return
	}
	if !v.loading {
		v.out = append(v.out, *p)
		return
	}
	if b := v.take(1, name); b != nil {
		*p = b[0]
	}
}

// Uint16 visits a 16-bit value.
func (v *Visitor) Uint16(name string, p *uint16) {
	if !v.header(tagU16, name) {
		return
	}
	if !v.loading {
		v.out = binary.LittleEndian.AppendUint16(v.out, *p)
		return
	}
	if b := v.take(2, name); b != nil {
		*p = binary.LittleEndian.Uint16(b)
	}
}

// Uint32 visits a 32-bit value.
func (v *Visitor) Uint32(name string, p *uint32) {
	if !v.header(tagU32, name) {
		return
	}
	if !v.loading {
		v.out = binary.LittleEndian.AppendUint32(v.out, *p)
		return
	}
	if b := v.take(4, name); b != nil {
		*p = binary.LittleEndian.Uint32(b)
	}
}

// Uint64 visits a 64-bit value.
func (v *Visitor) Uint64(name string, p *uint64) {
	if !v.header(tagU64, name) {
		return
	}
	if !v.loading {
		v.out = binary.LittleEndian.AppendUint64(v.out, *p)
		return
	}
	if b := v.take(8, name); b != nil {
		*p = binary.LittleEndian.Uint64(b)
	}
}

// Int64 visits a signed 64-bit value.
func (v *Visitor) Int64(name string, p *int64) {
	if !v.header(tagI64, name) {
		return
	}
	if !v.loading {
		v.out = binary.LittleEndian.AppendUint64(v.out, uint64(*p))
		return
	}
	if b := v.take(8, name); b != nil {
		*p = int64(binary.LittleEndian.Uint64(b))
	}
}

// Int visits an int, stored as 64 bits; on load it must fit in min..max.
func (v *Visitor) Int(name string, p *int, lo, hi int) {
	x := int64(*p)
	v.Int64(name, &x)
	if v.loading && v.err == nil {
		if x < int64(lo) || x > int64(hi) {
			v.fail("%s: %d outside %d..%d", name, x, lo, hi)
			return
		}
		*p = int(x)
	}
}

// Float64 visits a float64 by its bits.
func (v *Visitor) Float64(name string, p *float64) {
	b := math.Float64bits(*p)
	v.Uint64(name, &b)
	if v.loading && v.err == nil {
		*p = math.Float64frombits(b)
	}
}

// Bytes visits a variable-length byte slice of at most max bytes.
func (v *Visitor) Bytes(name string, p *[]byte, max int) {
	if !v.header(tagBytes, name) {
		return
	}
	if !v.loading {
		v.out = binary.AppendUvarint(v.out, uint64(len(*p)))
		v.out = append(v.out, *p...)
		return
	}
	n := v.uvarint(name)
	if v.err != nil {
		return
	}
	if max > MaxLen || max < 0 {
		max = MaxLen
	}
	if n > uint64(max) {
		v.fail("%s: length %d exceeds %d", name, n, max)
		return
	}
	if b := v.take(int(n), name); b != nil {
		*p = append((*p)[:0], b...)
	}
}

// Array visits a fixed-length byte array; on load the stream must hold
// exactly len(p) bytes.
func (v *Visitor) Array(name string, p []byte) {
	if !v.header(tagArray, name) {
		return
	}
	if !v.loading {
		v.out = binary.AppendUvarint(v.out, uint64(len(p)))
		v.out = append(v.out, p...)
		return
	}
	n := v.uvarint(name)
	if v.err == nil && n != uint64(len(p)) {
		v.fail("%s: length %d, want %d", name, n, len(p))
		return
	}
	if b := v.take(int(n), name); b != nil {
		copy(p, b)
	}
}

// String visits a string of at most max bytes.
func (v *Visitor) String(name string, p *string, max int) {
	if !v.header(tagString, name) {
		return
	}
	if !v.loading {
		v.out = binary.AppendUvarint(v.out, uint64(len(*p)))
		v.out = append(v.out, *p...)
		return
	}
	n := v.uvarint(name)
	if v.err == nil && (n > uint64(max) || n > MaxLen) {
		v.fail("%s: length %d exceeds %d", name, n, max)
		return
	}
	if b := v.take(int(n), name); b != nil {
		*p = string(b)
	}
}

// Uint16s visits a fixed-length array of 16-bit values.
func (v *Visitor) Uint16s(name string, p []uint16) {
	if !v.fixedHeader(tagU16s, name, len(p)) {
		return
	}
	for i := range p {
		if !v.loading {
			v.out = binary.LittleEndian.AppendUint16(v.out, p[i])
		} else if b := v.take(2, name); b != nil {
			p[i] = binary.LittleEndian.Uint16(b)
		}
	}
}

// Uint32s visits a fixed-length array of 32-bit values.
func (v *Visitor) Uint32s(name string, p []uint32) {
	if !v.fixedHeader(tagU32s, name, len(p)) {
		return
	}
	for i := range p {
		if !v.loading {
			v.out = binary.LittleEndian.AppendUint32(v.out, p[i])
		} else if b := v.take(4, name); b != nil {
			p[i] = binary.LittleEndian.Uint32(b)
		}
	}
}

// Uint64s visits a fixed-length array of 64-bit values.
func (v *Visitor) Uint64s(name string, p []uint64) {
	if !v.fixedHeader(tagU64s, name, len(p)) {
		return
	}
	for i := range p {
		if !v.loading {
			v.out = binary.LittleEndian.AppendUint64(v.out, p[i])
		} else if b := v.take(8, name); b != nil {
			p[i] = binary.LittleEndian.Uint64(b)
		}
	}
}

func (v *Visitor) fixedHeader(tag byte, name string, n int) bool {
	if !v.header(tag, name) {
		return false
	}
	if !v.loading {
		v.out = binary.AppendUvarint(v.out, uint64(n))
		return true
	}
	got := v.uvarint(name)
	if v.err == nil && got != uint64(n) {
		v.fail("%s: %d elements, want %d", name, got, n)
	}
	return v.err == nil
}

// Struct visits a named group of fields (a sub-structure, an array element).
func (v *Visitor) Struct(name string, fn func()) {
	if !v.header(tagStruct, name) {
		return
	}
	v.path = append(v.path, name)
	fn()
	if v.loading {
		if v.err == nil {
			v.expectEnd()
		}
	} else {
		v.out = append(v.out, tagEnd)
	}
	v.path = v.path[:len(v.path)-1]
}

// Slice visits a variable number of elements (at most max): n is read or
// written first, then each element through elem(i) inside a Struct named
// after its index. On load, resize is called with the element count before
// the first elem call.
func (v *Visitor) Slice(name string, n int, max int, resize func(n int), elem func(i int)) {
	count := uint64(n)
	v.Uint64(name+"#", &count)
	if v.loading {
		if v.err != nil {
			return
		}
		if count > uint64(max) {
			v.fail("%s: %d elements exceeds %d", name, count, max)
			return
		}
		resize(int(count))
	}
	for i := 0; i < int(count) && v.err == nil; i++ {
		v.Struct(fmt.Sprintf("%s[%d]", name, i), func() { elem(i) })
	}
}

// Optional visits a subsection that is written only when needed is true (as a
// QEMU subsection). On load, a subsection absent from the stream leaves the
// fields at their defaults; one the device does not know fails the load at the
// end of the enclosing section.
func (v *Visitor) Optional(name string, needed bool, fn func()) {
	if !v.loading {
		if !needed {
			return
		}
		v.header(tagOptional, name)
		fn()
		v.out = append(v.out, tagEnd)
		return
	}
	if v.err != nil {
		return
	}
	t, got, ok := v.peekHeader()
	if !ok || t != tagOptional || got != name {
		return // absent: defaults stay
	}
	v.skipHeader()
	v.path = append(v.path, name)
	fn()
	if v.err == nil {
		v.expectEnd()
	}
	v.path = v.path[:len(v.path)-1]
}
