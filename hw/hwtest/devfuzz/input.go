package devfuzz

import "encoding/binary"

// Input decodes operations and their arguments from fuzz bytes. Reads past
// the end return zeros, so every input decodes to some sequence.
type Input struct {
	data []byte
	pos  int
}

// NewInput returns a decoder over data.
func NewInput(data []byte) *Input { return &Input{data: data} }

// More reports whether undecoded bytes remain.
func (in *Input) More() bool { return in.pos < len(in.data) }

// Byte decodes one byte.
func (in *Input) Byte() byte {
	if in.pos >= len(in.data) {
		return 0
	}
	b := in.data[in.pos]
	in.pos++
	return b
}

// Bool decodes a byte's low bit.
func (in *Input) Bool() bool { return in.Byte()&1 != 0 }

// Intn decodes a value in 0..n-1 (n at most 256; 0 for n <= 1).
func (in *Input) Intn(n int) int {
	b := int(in.Byte())
	if n <= 1 {
		return 0
	}
	return b % n
}

// Uint16 decodes two bytes, little endian.
func (in *Input) Uint16() uint16 { return uint16(in.Uint(2)) }

// Uint32 decodes four bytes, little endian.
func (in *Input) Uint32() uint32 { return uint32(in.Uint(4)) }

// Uint64 decodes eight bytes, little endian.
func (in *Input) Uint64() uint64 { return in.Uint(8) }

// Uint decodes an n-byte little-endian value (n at most 8).
func (in *Input) Uint(n int) uint64 {
	var b [8]byte
	for i := 0; i < n && i < 8; i++ {
		b[i] = in.Byte()
	}
	return binary.LittleEndian.Uint64(b[:])
}

// Bytes decodes a length byte (capped at max) and that many bytes.
func (in *Input) Bytes(max int) []byte {
	n := int(in.Byte())
	if n > max {
		n = max
	}
	p := make([]byte, n)
	for i := range p {
		p[i] = in.Byte()
	}
	return p
}

// Size decodes an access size: 1, 2, 4 or 8.
func (in *Input) Size() int { return 1 << (in.Byte() & 3) }

// rewind returns to an earlier position, to decode the same arguments for
// a second instance.
func (in *Input) rewind(pos int) { in.pos = pos }
