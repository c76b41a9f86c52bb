package interp

import (
	"encoding/binary"
	"fmt"
	"testing"

	"gemu/accel/interp/internal/hostcpu"
	sf "gemu/accel/interp/softfloat"
)

// hw2 runs op (d9 xx) with st1=y, st0=x natively; returns st0 and fsw.
func hw2(h *hostcpu.Machine, fcw uint16, op byte, y, x sf.Float80) (sf.Float80, sf.Float80, uint16) {
	d := h.Data()
	binary.LittleEndian.PutUint16(d[0x100:], fcw)
	binary.LittleEndian.PutUint64(d[0:], y.Mant)
	binary.LittleEndian.PutUint16(d[8:], y.SignExp)
	binary.LittleEndian.PutUint64(d[16:], x.Mant)
	binary.LittleEndian.PutUint16(d[24:], x.SignExp)
	code := []byte{0xdb, 0xe3, 0xd9, 0xab, 0, 1, 0, 0, 0xdb, 0x2b, 0xdb, 0x6b, 0x10, 0xd9, op,
		0xdf, 0xe0, 0x66, 0x89, 0x43, 0x40, // fnstsw ax; mov [rbx+0x40], ax
		0xdb, 0x7b, 0x20, 0xdb, 0x7b, 0x30, 0xdb, 0xe3}
	var r hostcpu.Regs
	r.GPR[3] = h.ScratchAddr(0)
	r.GPR[4] = h.StackTop()
	r.RFLAGS = 0x202
	h.Run(code, &r)
	return sf.Float80{Mant: binary.LittleEndian.Uint64(d[0x20:]), SignExp: binary.LittleEndian.Uint16(d[0x28:])},
		sf.Float80{Mant: binary.LittleEndian.Uint64(d[0x30:]), SignExp: binary.LittleEndian.Uint16(d[0x38:])},
		binary.LittleEndian.Uint16(d[0x40:])
}

func p2(k int) sf.Float80 {
	e := k + 0x3fff
	if e <= 0 {
		return sf.Float80{Mant: 1 << 63 >> uint(1-e), SignExp: 0}
	}
	return sf.Float80{Mant: 1 << 63, SignExp: uint16(e)}
}

func TestTmpHW(t *testing.T) {
	h, _ := hostcpu.New()
	one := p2(0)
	three := sf.Float80{Mant: 0xc000000000000000, SignExp: 0x4000}
	fmt.Println("FYL2X y*log2(2^k)")
	for _, k := range []int{-1, 1, 2, 10, 63, 64, 100, -16382, -16383, -16400, -16445} {
		for _, y := range []sf.Float80{one, three} {
			r, _, fsw := hw2(h, 0x37f, 0xf1, y, p2(k))
			c := sf.NewContext(0x37f)
			s := c.YL2X(y, p2(k))
			fmt.Printf("k=%d y=%v host %v fsw %04x soft %v st %#x\n", k, y, r, fsw&0x3f, s, c.Status&0x3f)
		}
	}
	fmt.Println("F2XM1")
	for _, x := range []sf.Float80{one, one.Neg(), p2(-1), p2(-1).Neg(), p2(-64), p2(-70), p2(-100)} {
		r, _, fsw := hw2(h, 0x37f, 0xf0, one, x)
		_ = r
		r2, _, _ := hw2(h, 0x37f, 0xf0, one, x)
		c := sf.NewContext(0x37f)
		fmt.Printf("x=%v host %v fsw %04x soft %v st %#x\n", x, r2, fsw&0x3f, c.TwoXM1(x), c.Status&0x3f)
	}
	fmt.Println("FPATAN y=2^-k x=1, truncate")
	for k := 38; k <= 46; k++ {
		for _, m := range []uint64{0x8000000000000001, 0xb000000000000001, 0xffffffffffff0001} {
			y := sf.Float80{Mant: m, SignExp: uint16(0x3fff - k)}
			r, _, fsw := hw2(h, 0xf7f, 0xf3, y, one)
			c := sf.NewContext(0xf7f)
			s := c.Atan2(y, one)
			fmt.Printf("k=%d m=%x host %v fsw %04x soft %v st %#x\n", k, m, r, fsw&0x3f, s, c.Status&0x3f)
		}
	}
	fmt.Println("misc")
	for _, tc := range []struct {
		op   byte
		y, x sf.Float80
	}{{0xf1, three, one}, {0xf1, one, one}, {0xf9, three, p2(-1)}, {0xf9, three, sf.Float80{}}, {0xf3, sf.Float80{}, one}, {0xf3, one, sf.Float80{}}, {0xf3, one, one}} {
		r, _, fsw := hw2(h, 0x37f, tc.op, tc.y, tc.x)
		fmt.Printf("op %x y=%v x=%v host %v fsw %04x\n", tc.op, tc.y, tc.x, r, fsw&0x3f)
	}
}
