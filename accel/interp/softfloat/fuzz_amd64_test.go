package softfloat

import (
	"encoding/binary"
	"testing"

	"gemu/accel/interp/softfloat/internal/x87hw"
)

// Differential fuzz targets against the host x87, one per family.

func seed80(f *testing.F, add func(a, b [10]byte)) {
	for _, p := range [][2]Float80{
		{One, Pi},
		{Indefinite, Float80{Mant: 0x8000000000000001, SignExp: expMax}},
		{Float80{Mant: 1, SignExp: 0}, Float80{Mant: jBit, SignExp: 0}},
		{Float80{Mant: 0x4000000000000000, SignExp: 0x4000}, Inf},
		{FromInt64(-7), FromInt64(3)},
	} {
		var a, b [10]byte
		p[0].PutBytes(a[:])
		p[1].PutBytes(b[:])
		add(a, b)
	}
}

func FuzzX87Arith(f *testing.F) {
	seed80(f, func(a, b [10]byte) { f.Add(uint8(0), uint16(0x37f), a[:], b[:]) })
	ops := []struct {
		hw func(*x87hw.Frame)
		sw func(c *Context, a, b Float80) (Float80, uint16)
	}{
		{x87hw.Fadd, func(c *Context, a, b Float80) (Float80, uint16) { return c.Add(a, b), 0 }},
		{x87hw.Fsub, func(c *Context, a, b Float80) (Float80, uint16) { return c.Sub(a, b), 0 }},
		{x87hw.Fmul, func(c *Context, a, b Float80) (Float80, uint16) { return c.Mul(a, b), 0 }},
		{x87hw.Fdiv, func(c *Context, a, b Float80) (Float80, uint16) { return c.Div(a, b), 0 }},
		{x87hw.Fsqrt, func(c *Context, a, _ Float80) (Float80, uint16) { return c.Sqrt(a), 0 }},
		{x87hw.Frndint, func(c *Context, a, _ Float80) (Float80, uint16) { return c.RoundInt(a), 0 }},
		{x87hw.Fprem, func(c *Context, a, b Float80) (Float80, uint16) { return c.Rem(a, b, false) }},
		{x87hw.Fprem1, func(c *Context, a, b Float80) (Float80, uint16) { return c.Rem(a, b, true) }},
		{x87hw.Fscale, func(c *Context, a, b Float80) (Float80, uint16) { return c.Scale(a, b), 0 }},
		{x87hw.Fcom, func(c *Context, a, b Float80) (Float80, uint16) { return a, c.Compare(a, b, true).FSW() }},
		{x87hw.Fucom, func(c *Context, a, b Float80) (Float80, uint16) { return a, c.Compare(a, b, false).FSW() }},
	}
	f.Fuzz(func(t *testing.T, op uint8, fcw uint16, ab, bb []byte) {
		var a, b Float80
		var buf [10]byte
		copy(buf[:], ab)
		a = FromBytes(buf[:])
		buf = [10]byte{}
		copy(buf[:], bb)
		b = FromBytes(buf[:])
		o := ops[int(op)%len(ops)]
		fcw = fcw&0x0f3f | 0x40
		var fr x87hw.Frame
		fr.FCW = fcw
		put80(&fr.A, a)
		put80(&fr.B, b)
		o.hw(&fr)
		c := NewContext(fcw)
		got, cc := o.sw(&c, a, b)
		if c.Status&PreComputation&^c.Mask != 0 {
			got = a
		}
		gotFSW := uint16(c.Status)&fswCompare | cc
		if cc != 0 {
			gotFSW = uint16(c.Status)&uint16(AllExceptions) | cc
		}
		if want := st(&fr, 0); got != want || gotFSW != fr.FSW&fswCompare {
			t.Errorf("op %d fcw %04x %v, %v: got %v fsw %04x, want %v fsw %04x", int(op)%len(ops), fcw, a, b, got, gotFSW, want, fr.FSW&fswCompare)
		}
	})
}

func FuzzX87Convert(f *testing.F) {
	seed80(f, func(a, _ [10]byte) { f.Add(uint8(0), uint16(0x37f), a[:]) })
	ops := []struct {
		hw   func(*x87hw.Frame)
		size int
		sw   func(c *Context, a Float80) []byte
	}{
		{x87hw.Fstm32, 4, func(c *Context, a Float80) []byte { return binary.LittleEndian.AppendUint32(nil, c.ToFloat32(a)) }},
		{x87hw.Fstm64, 8, func(c *Context, a Float80) []byte { return binary.LittleEndian.AppendUint64(nil, c.ToFloat64(a)) }},
		{x87hw.Fistm16, 2, func(c *Context, a Float80) []byte {
			return binary.LittleEndian.AppendUint16(nil, uint16(c.ToInt(a, 16, false)))
		}},
		{x87hw.Fistm32, 4, func(c *Context, a Float80) []byte {
			return binary.LittleEndian.AppendUint32(nil, uint32(c.ToInt(a, 32, false)))
		}},
		{x87hw.Fistm64, 8, func(c *Context, a Float80) []byte {
			return binary.LittleEndian.AppendUint64(nil, uint64(c.ToInt(a, 64, false)))
		}},
		{x87hw.Fisttm64, 8, func(c *Context, a Float80) []byte {
			return binary.LittleEndian.AppendUint64(nil, uint64(c.ToInt(a, 64, true)))
		}},
		{x87hw.Fbstp, 10, func(c *Context, a Float80) []byte { b := c.ToBCD(a); return b[:] }},
	}
	f.Fuzz(func(t *testing.T, op uint8, fcw uint16, ab []byte) {
		var buf [10]byte
		copy(buf[:], ab)
		a := FromBytes(buf[:])
		o := ops[int(op)%len(ops)]
		fcw = fcw&0x0f3f | 0x40
		var fr x87hw.Frame
		fr.FCW = fcw
		put80(&fr.A, a)
		for i := range fr.Mem {
			fr.Mem[i] = 0x5a
		}
		o.hw(&fr)
		c := NewContext(fcw)
		got := o.sw(&c, a)
		if c.Status&AllExceptions&^c.Mask&(Invalid|Denormal|Overflow|Underflow) != 0 {
			got = fr.Mem[:o.size] // not stored: compare flags only
		}
		if string(got) != string(fr.Mem[:o.size]) || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
			t.Errorf("op %d fcw %04x %v: got % x fsw %04x, want % x fsw %04x", int(op)%len(ops), fcw, a, got, uint16(c.Status), fr.Mem[:o.size], fr.FSW&fswCompare)
		}
	})
}
