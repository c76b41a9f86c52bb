package kvm

import (
	"encoding/binary"
	"math/bits"
)

func le64(b []byte) uint64       { return binary.LittleEndian.Uint64(b) }
func trailingZeros(v uint64) int { return bits.TrailingZeros64(v) }

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// getN reads an n-byte (1-8) little-endian value.
func getN(b []byte, n int) uint64 {
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// putN writes the low n bytes (1-8) of v little-endian.
func putN(b []byte, n int, v uint64) {
	for i := 0; i < n; i++ {
		b[i] = byte(v >> (8 * i))
	}
}
