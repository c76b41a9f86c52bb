package interp

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"gemu/accel/interp/internal/hostcpu"
	sf "gemu/accel/interp/softfloat"
)

var tmpTarget = flag.Int("tmp.target", 170, "")

func TestTmpTrans(t *testing.T) {
	e := newDiffEnv(t)
	r := rand.New(rand.NewPCG(1, 201))
	var c *diffCase
	for i := 0; i <= *tmpTarget; i++ {
		c = e.prepare(r, x87TransFamily, i, 0)
	}
	code := c.code
	// find fxam (d9 e5) near the end; the trans op is the 2 bytes before
	n := len(code) - 2 - 8 - 2 - 2 // fninit, fxsave, fxam, op
	op := code[n+1]
	pre := append(append([]byte(nil), code[:n]...), 0x48, 0x0f, 0xae, 0x83, 0, 0x30, 0, 0)
	data := e.host.Data()
	regs := c.regs
	e.host.Run(pre, &regs)
	img := data[x87Save:]
	fcw := binary.LittleEndian.Uint16(img)
	fmt.Printf("op d9 %02x fcw %04x fsw %04x ftw %02x\n", op, fcw, binary.LittleEndian.Uint16(img[2:]), img[4])
	st := func(i int) sf.Float80 {
		return sf.Float80{Mant: binary.LittleEndian.Uint64(img[32+16*i:]), SignExp: binary.LittleEndian.Uint16(img[32+16*i+8:])}
	}
	for i := 0; i < 8; i++ {
		fmt.Printf("  st%d %v\n", i, st(i))
	}
	// host result
	var one hostcpu.Regs = c.regs
	_ = one
	ctx := sf.NewContext(fcw)
	switch op {
	case 0xf2:
		v, v2, c2 := ctx.Tan(st(0))
		fmt.Printf("soft tan: %v %v c2=%v status %#x\n", v, v2, c2, ctx.Status)
	case 0xfe:
		v, c2 := ctx.Sin(st(0))
		fmt.Printf("soft sin: %v c2=%v status %#x\n", v, c2, ctx.Status)
	case 0xff:
		v, c2 := ctx.Cos(st(0))
		fmt.Printf("soft cos: %v c2=%v status %#x\n", v, c2, ctx.Status)
	case 0xfb:
		v, v2, c2 := ctx.SinCos(st(0))
		fmt.Printf("soft sincos: %v %v c2=%v status %#x\n", v, v2, c2, ctx.Status)
	case 0xf0:
		fmt.Printf("soft f2xm1: %v status %#x\n", ctx.TwoXM1(st(0)), ctx.Status)
	case 0xf1:
		fmt.Printf("soft fyl2x: %v status %#x\n", ctx.YL2X(st(1), st(0)), ctx.Status)
	case 0xf9:
		fmt.Printf("soft fyl2xp1: %v status %#x\n", ctx.YL2XP1(st(1), st(0)), ctx.Status)
	case 0xf3:
		fmt.Printf("soft fpatan: %v status %#x\n", ctx.Atan2(st(1), st(0)), ctx.Status)
	}
	// rerun the data: prepare rewrote scratch 0, so the host run of pre has
	// clobbered it; reconstruct by regenerating.
	r2 := rand.New(rand.NewPCG(1, 201))
	for i := 0; i <= *tmpTarget; i++ {
		c = e.prepare(r2, x87TransFamily, i, 0)
	}
	full := append(append([]byte(nil), code[:n+2]...), 0x48, 0x0f, 0xae, 0x83, 0, 0x30, 0, 0)
	regs = c.regs
	e.host.Run(full, &regs)
	fmt.Printf("host: fsw %04x st0 %v st1 %v\n", binary.LittleEndian.Uint16(img[2:]), st(0), st(1))
}
