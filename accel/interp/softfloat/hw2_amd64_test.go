package softfloat

import (
	"testing"

	"gemu/accel/interp/softfloat/internal/x87hw"
)

func st(fr *x87hw.Frame, i int) Float80 { b := fr.ST(i); return FromBytes(b[:]) }

func TestX87Rem(t *testing.T) {
	r := newRand(t)
	for _, op := range []struct {
		name    string
		hw      func(*x87hw.Frame)
		nearest bool
	}{{"fprem", x87hw.Fprem, false}, {"fprem1", x87hw.Fprem1, true}} {
		ml := mismatchLog{t: t, fam: op.name}
		for i := 0; i < *x87Cases; i++ {
			a, b := randFloat80(r), randFloat80(r)
			if r.IntN(2) == 0 { // exponent differences around 0..70
				b.SignExp = b.SignExp&signBit | uint16(int(a.Exp())-r.IntN(72)+2)&expMax
			}
			fcw := randFCW(r)
			var fr x87hw.Frame
			fr.FCW = fcw
			put80(&fr.A, a)
			put80(&fr.B, b)
			op.hw(&fr)
			c := NewContext(fcw)
			got, cc := c.Rem(a, b, op.nearest)
			if c.Status&PreComputation&^c.Mask != 0 {
				got = a
			}
			want := st(&fr, 0)
			gotFSW := uint16(c.Status)&uint16(AllExceptions) | cc
			wantFSW := fr.FSW & fswCompare
			if got != want || gotFSW != wantFSW {
				ml.add("fcw %04x %v, %v: got %v fsw %04x, want %v fsw %04x", fcw, a, b, got, gotFSW, want, wantFSW)
			}
		}
		ml.done(*x87Cases)
	}
}

func TestX87Scale(t *testing.T) {
	r := newRand(t)
	ml := mismatchLog{t: t, fam: "fscale"}
	for i := 0; i < *x87Cases; i++ {
		a, b := randFloat80(r), randFloat80(r)
		if r.IntN(2) == 0 {
			b = FromInt64(int64(r.IntN(40000) - 20000))
			if r.IntN(2) == 0 {
				b.Mant |= r.Uint64() >> 50
			}
		}
		fcw := randFCW(r)
		var fr x87hw.Frame
		fr.FCW = fcw
		put80(&fr.A, a)
		put80(&fr.B, b)
		x87hw.Fscale(&fr)
		c := NewContext(fcw)
		got := c.Scale(a, b)
		if c.Status&PreComputation&^c.Mask != 0 {
			got = a
		}
		want := st(&fr, 0)
		if got != want || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
			ml.add("fcw %04x %v, %v: got %v fsw %04x, want %v fsw %04x", fcw, a, b, got, uint16(c.Status), want, fr.FSW&fswCompare)
		}
	}
	ml.done(*x87Cases)
}

func TestX87Xtract(t *testing.T) {
	r := newRand(t)
	ml := mismatchLog{t: t, fam: "fxtract"}
	for i := 0; i < *x87Cases; i++ {
		a := randFloat80(r)
		fcw := randFCW(r)
		var fr x87hw.Frame
		fr.FCW = fcw
		put80(&fr.A, a)
		x87hw.Fxtract(&fr)
		c := NewContext(fcw)
		e, s := c.Xtract(a)
		if c.Status&PreComputation&^c.Mask != 0 {
			// nothing is pushed: ST(0) keeps the operand
			if got := st(&fr, 0); got != a {
				ml.add("fcw %04x %v: unmasked exception, but ST(0) became %v", fcw, a, got)
			}
			continue
		}
		if s != st(&fr, 0) || e != st(&fr, 1) || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
			ml.add("fcw %04x %v: got %v, %v fsw %04x, want %v, %v fsw %04x", fcw, a, s, e, uint16(c.Status), st(&fr, 0), st(&fr, 1), fr.FSW&fswCompare)
		}
	}
	ml.done(*x87Cases)
}

func TestX87BCD(t *testing.T) {
	r := newRand(t)
	ml := mismatchLog{t: t, fam: "fbld"}
	ml2 := mismatchLog{t: t, fam: "fbstp"}
	for i := 0; i < *x87Cases; i++ {
		var b [10]byte
		for j := 0; j < 9; j++ {
			if r.IntN(8) == 0 {
				b[j] = byte(r.IntN(256)) // invalid nibbles too
			} else {
				b[j] = byte(r.IntN(10)<<4 | r.IntN(10))
			}
			if r.IntN(3) == 0 {
				b[j] = 0
			}
		}
		b[9] = byte(r.IntN(2)) << 7
		if r.IntN(8) == 0 {
			b[9] |= byte(r.IntN(128))
		}
		fcw := randFCW(r)
		var fr x87hw.Frame
		fr.FCW = fcw
		copy(fr.Mem[:], b[:])
		x87hw.Fbld(&fr)
		c := NewContext(fcw)
		got := FromBCD(b)
		if want := st(&fr, 0); got != want || fr.FSW&fswCompare != 0 {
			ml.add("% x: got %v, want %v fsw %04x", b, got, want, fr.FSW&fswCompare)
		}

		a := randFloat80(r)
		switch r.IntN(3) {
		case 0:
			a = FromInt64(r.Int64N(2000000000000000000) - 1000000000000000000)
		case 1:
			a.SignExp = a.SignExp&signBit | uint16(Bias+r.IntN(64))
			a.Mant |= jBit
		}
		fr = x87hw.Frame{FCW: fcw}
		put80(&fr.A, a)
		for j := range fr.Mem {
			fr.Mem[j] = 0x5a
		}
		x87hw.Fbstp(&fr)
		c = NewContext(fcw)
		gotB := c.ToBCD(a)
		if c.Status&Invalid&^c.Mask != 0 {
			copy(gotB[:], []byte{0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a})
		}
		if [10]byte(fr.Mem[:10]) != gotB || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
			ml2.add("fcw %04x %v: got % x fsw %04x, want % x fsw %04x", fcw, a, gotB, uint16(c.Status), fr.Mem[:10], fr.FSW&fswCompare)
		}
	}
	ml.done(*x87Cases)
	ml2.done(*x87Cases)
}

func TestX87LoadConst(t *testing.T) {
	for _, k := range []struct {
		k  Const
		hw func(*x87hw.Frame)
	}{{ConstPi, x87hw.Fldpi}, {ConstL2T, x87hw.Fldl2t}, {ConstL2E, x87hw.Fldl2e}, {ConstLG2, x87hw.Fldlg2}, {ConstLN2, x87hw.Fldln2}} {
		for rc := uint16(0); rc < 4; rc++ {
			for _, pc := range []uint16{0, 2, 3} {
				fcw := 0x7f | rc<<10 | pc<<8
				fr := x87hw.Frame{FCW: fcw}
				k.hw(&fr)
				c := NewContext(fcw)
				got := c.LoadConst(k.k)
				if want := st(&fr, 0); got != want || uint16(c.Status)&fswCompare != fr.FSW&fswCompare {
					t.Errorf("constant %d fcw %04x: got %v fsw %04x, want %v fsw %04x", k.k, fcw, got, uint16(c.Status), want, fr.FSW&fswCompare)
				}
			}
		}
	}
}
