package interp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// x87 differential family: the register stack is loaded from scratch
// memory, random x87 instructions run with every exception masked (an
// unmasked one would trap natively), and FXSAVE64 stores the state back for
// the memory comparison. FOP, FIP and FDP are excluded: processors may
// leave them stale (CPUID.7.EBX bits 6 and 13).

const (
	x87Vals = 0x2000 // 8 values of 10 bytes to load
	x87Mem  = 0x2100 // memory operands
	x87CW   = 0x20f0
	x87Save = 0x3000 // FXSAVE64 image (512 bytes)
	// x87TransArg is the operand F2XM1 and FYL2XP1 get (10 bytes).
	x87TransArg = 0x2050
	x87Count    = 16
)

// special 80-bit values: zeros, infinities, NaNs, denormals, large and small.
var x87Special = [][2]uint64{
	{0, 0}, {0, 0x8000}, {1 << 63, 0x7fff}, {1 << 63, 0xffff}, {0xc000000000000000, 0x7fff},
	{0xa000000000000000, 0x7fff}, {1, 0}, {1 << 63, 0x3fff}, {1 << 63, 0xbfff}, {0xffffffffffffffff, 0x403e},
	{1 << 63, 0x0001}, {0x8000000000000001, 0x3ffe},
}

type x87Op struct {
	b      []byte // opcode bytes (ModRM reg form uses +i)
	regI   bool   // add a random i to the last byte
	mem    int    // 0: none; 4, 8, 10, 2: memory operand size at x87Mem
	cmovOK bool
}

func x87Ops() []x87Op {
	var ops []x87Op
	add := func(o x87Op) { ops = append(ops, o) }
	for _, esc := range []byte{0xd8, 0xdc, 0xde} {
		for reg := byte(0); reg < 8; reg++ {
			if esc == 0xde && (reg == 2 || reg == 3) {
				continue
			}
			add(x87Op{b: []byte{esc, 0xc0 | reg<<3}, regI: true})
		}
	}
	for reg := byte(0); reg < 8; reg++ {
		for _, esc := range []byte{0xd8, 0xdc, 0xda, 0xde} {
			size := map[byte]int{0xd8: 4, 0xdc: 8, 0xda: 4, 0xde: 2}[esc]
			add(x87Op{b: []byte{esc, 0x80 | reg<<3 | 3}, mem: size})
		}
	}
	// FPREM1 and FPREM (D9 F5, F8), then the other register forms.
	for _, b := range append([][]byte{{0xd9, 0xf5}, {0xd9, 0xf8}}, [][]byte{{0xd9, 0xe0}, {0xd9, 0xe1}, {0xd9, 0xe4}, {0xd9, 0xe5}, {0xd9, 0xe8}, {0xd9, 0xe9},
		{0xd9, 0xea}, {0xd9, 0xeb}, {0xd9, 0xec}, {0xd9, 0xed}, {0xd9, 0xee}, {0xd9, 0xfa}, {0xd9, 0xfc}, {0xd9, 0xfd},
		{0xd9, 0xf4}, {0xd9, 0xf6}, {0xd9, 0xf7}, {0xde, 0xd9}, {0xda, 0xe9}, {0xd9, 0xd0}}...) {
		add(x87Op{b: b})
	}
	for _, b := range [][]byte{{0xd9, 0xc0}, {0xd9, 0xc8}, {0xdd, 0xd0}, {0xdd, 0xd8}, {0xdd, 0xe0}, {0xdd, 0xe8},
		{0xdb, 0xe8}, {0xdb, 0xf0}, {0xdf, 0xe8}, {0xdf, 0xf0}, {0xdd, 0xc0}} {
		add(x87Op{b: b, regI: true})
	}
	for _, b := range [][]byte{{0xda, 0xc0}, {0xda, 0xc8}, {0xda, 0xd0}, {0xda, 0xd8}, {0xdb, 0xc0}, {0xdb, 0xc8}, {0xdb, 0xd0}, {0xdb, 0xd8}} {
		add(x87Op{b: b, regI: true, cmovOK: true})
	}
	// Memory loads and stores.
	for _, m := range []struct {
		esc, reg byte
		size     int
	}{{0xd9, 0, 4}, {0xdd, 0, 8}, {0xdb, 5, 10}, {0xdf, 0, 2}, {0xdb, 0, 4}, {0xdf, 5, 8}, {0xdf, 4, 10},
		{0xd9, 2, 4}, {0xd9, 3, 4}, {0xdd, 2, 8}, {0xdd, 3, 8}, {0xdb, 7, 10}, {0xdf, 2, 2}, {0xdf, 3, 2},
		{0xdb, 2, 4}, {0xdb, 3, 4}, {0xdf, 7, 8}, {0xdf, 1, 2}, {0xdb, 1, 4}, {0xdd, 1, 8}} {
		add(x87Op{b: []byte{m.esc, 0x80 | m.reg<<3 | 3}, mem: m.size})
	}
	add(x87Op{b: []byte{0xdf, 0x80 | 6<<3 | 3}, mem: 10}) // FBSTP
	return ops
}

func x87Seq(r *rand.Rand, data []byte, trans bool, ops []x87Op) []byte {
	var b []byte
	cw := uint16(0x37f) | uint16(r.IntN(4))<<10 // rounding
	cw = cw&^0x300 | uint16([]int{0, 2, 3, 3}[r.IntN(4)])<<8
	binary.LittleEndian.PutUint16(data[x87CW:], cw)
	for i := 0; i < 8; i++ {
		var m uint64
		var se uint16
		if r.IntN(3) == 0 {
			s := x87Special[r.IntN(len(x87Special))]
			m, se = s[0], uint16(s[1])
		} else {
			m = r.Uint64() | 1<<63
			se = uint16(0x3fff-40+r.IntN(80)) | uint16(r.IntN(2))<<15
		}
		binary.LittleEndian.PutUint64(data[x87Vals+10*i:], m)
		binary.LittleEndian.PutUint16(data[x87Vals+10*i+8:], se)
	}
	// Memory operands: plausible doubles and floats.
	for i := 0; i < 64; i += 8 {
		binary.LittleEndian.PutUint64(data[x87Mem+i:], 0x3ff0000000000000|r.Uint64()>>12)
	}
	binary.LittleEndian.PutUint32(data[x87Mem:], 0x3f800000|uint32(r.IntN(1<<23)))
	b = append(b, 0xdb, 0xe3) // fninit
	b = append(b, 0xd9, 0xab) // fldcw [rbx+disp32]
	b = binary.LittleEndian.AppendUint32(b, uint32(x87CW))
	// Fill all eight physical registers (FXSAVE stores stale contents
	// of empty ones too), then pop to leave a random depth.
	for i := 0; i < 8; i++ {
		b = append(b, 0xdb, 0xab) // fld tbyte [rbx+disp32]
		b = binary.LittleEndian.AppendUint32(b, uint32(x87Vals+10*i))
	}
	for i := r.IntN(7); i > 0; i-- {
		b = append(b, 0xdd, 0xd8) // fstp st0
	}
	emit := func(op x87Op) {
		if op.cmovOK {
			b = append(b, 0xdb, 0xf0|byte(r.IntN(8))) // fcomi to define the flags
		}
		b = append(b, op.b...)
		if op.regI {
			b[len(b)-1] |= byte(r.IntN(8))
		}
		if op.mem != 0 {
			b = binary.LittleEndian.AppendUint32(b, uint32(x87Mem+8*r.IntN(6)))
		}
	}
	if !trans {
		for n := 1 + r.IntN(6); n > 0; n-- {
			emit(ops[r.IntN(len(ops))])
		}
	} else {
		// Exact instructions, then one transcendental: its result may
		// differ from the host's in the last place, so nothing may
		// follow that would magnify the difference.
		for n := r.IntN(3); n > 0; n-- {
			emit(ops[r.IntN(len(ops))])
		}
		op := []byte{0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff}[r.IntN(8)]
		switch op {
		case 0xf0, 0xf9:
			// F2XM1 is defined for |ST(0)| <= 1 and FYL2XP1 for
			// |ST(0)| < 1 - sqrt(2)/2 (SDM vol. 2): replace ST(0) by
			// such a value (or, now and then, a special one).
			maxExp := 0x3ffe
			if op == 0xf9 {
				maxExp = 0x3ffc
			}
			m, se := r.Uint64()|1<<63, uint16(maxExp-r.IntN(72))|uint16(r.IntN(2))<<15
			if r.IntN(8) == 0 {
				sp := x87Special[r.IntN(len(x87Special))]
				if sp[1]&0x7fff < 0x3fff {
					m, se = sp[0], uint16(sp[1])
				}
			}
			binary.LittleEndian.PutUint64(data[x87TransArg:], m)
			binary.LittleEndian.PutUint16(data[x87TransArg+8:], se)
			b = append(b, 0xdd, 0xd8, 0xdb, 0xab) // fstp st0; fld tbyte [rbx+disp32]
			b = binary.LittleEndian.AppendUint32(b, uint32(x87TransArg))
		}
		b = append(b, 0xd9, op)
	}
	b = append(b, 0xd9, 0xe5)             // fxam: define C0..C3, which most instructions leave undefined
	b = append(b, 0x48, 0x0f, 0xae, 0x83) // fxsave64 [rbx+disp32]
	b = binary.LittleEndian.AppendUint32(b, uint32(x87Save))
	b = append(b, 0xdb, 0xe3) // fninit
	return b
}

// x87Ignore skips FOP (6..7), FIP (8..15) and FDP (16..23) of the
// FXSAVE64 image and its SSE part (MXCSR, XMM), which holds whatever the
// Go runtime left on the host.
func x87Ignore(off int) byte {
	o := off - x87Save
	if o >= 6 && o < 32 || o >= 160 && o < 512 {
		return 0xff
	}
	return 0
}

// x87Family: random arithmetic, compare, load, store, BCD, FPREM/FPREM1,
// stack and control instructions, all with bit-exact results.
var x87Family = &diffFamily{
	name: "x87",
	build: func(r *rand.Rand, g *gen, data []byte) {
		g.b = append(g.b, x87Seq(r, data, false, x87Ops())...)
		g.undef = arithFlags // FCOMI leaves flags; CF, PF, ZF compared via the image
	},
	ignore:  x87Ignore,
	scratch: x87Save + 512,
}

// x87TransFamily ends each sequence with one of F2XM1, FYL2X, FPTAN,
// FPATAN, FYL2XP1, FSINCOS, FSIN or FCOS. The x87's transcendental results
// are not specified bit for bit: Intel documents an error of at most one
// unit in the last place (SDM vol. 1, 8.3.10), and softfloat computes the
// correctly rounded value from a 128-bit approximation, so the registers
// must agree within 1 ulp; everything else (the other registers, the
// status word's exception flags, C0..C3 set by the final FXAM, the tags)
// must be bit-exact. Most results are bit-exact (see softfloat's
// TestX87Transcendental for the rates).
var x87TransFamily = &diffFamily{
	name: "x87trans",
	build: func(r *rand.Rand, g *gen, data []byte) {
		g.b = append(g.b, x87Seq(r, data, true, x87Ops())...)
		g.undef = arithFlags
	},
	ignore: func(off int) byte {
		if o := off - x87Save; o >= 32 && o < 160 && o%16 < 10 {
			return 0xff // ST registers: check compares them
		}
		return x87Ignore(off)
	},
	check: func(want, got []byte) ([]string, bool) {
		var diffs []string
		tol := false
		for i := 0; i < 8; i++ {
			o := x87Save + 32 + 16*i
			w, g := want[o:o+10], got[o:o+10]
			if bytes.Equal(w, g) {
				continue
			}
			if ulps80(w, g) <= 1 {
				tol = true
				continue
			}
			diffs = append(diffs, fmt.Sprintf("ST(%d): host % x interp % x (more than 1 ulp apart)", i, w, g))
		}
		return diffs, tol
	},
	scratch: x87Save + 512,
}

// ulps80 is the distance in units in the last place between two finite
// 80-bit values of the same sign (^0 when they differ otherwise).
func ulps80(a, b []byte) uint64 {
	ma, ea := binary.LittleEndian.Uint64(a), binary.LittleEndian.Uint16(a[8:])
	mb, eb := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint16(b[8:])
	if ea>>15 != eb>>15 || ea&0x7fff == 0x7fff || eb&0x7fff == 0x7fff {
		return ^uint64(0)
	}
	// key orders magnitudes: biased exponent (1 for a denormal) times
	// 2^63 plus the fraction.
	key := func(m uint64, e uint16) (uint64, uint64) {
		x := uint64(e & 0x7fff)
		if x == 0 {
			x = 1
			if m>>63 == 0 {
				return 0, m // denormal: below 2^63 in the low word
			}
		} else if m>>63 == 0 {
			return ^uint64(0), 0 // unnormal: never close
		}
		return x >> 1, (x&1)<<63 | m&^(1<<63)
	}
	ah, al := key(ma, ea)
	bh, bl := key(mb, eb)
	if ah == ^uint64(0) || bh == ^uint64(0) {
		return ^uint64(0)
	}
	if ah < bh || ah == bh && al < bl {
		ah, al, bh, bl = bh, bl, ah, al
	}
	lo, borrow := bits.Sub64(al, bl, 0)
	if hi, _ := bits.Sub64(ah, bh, borrow); hi != 0 {
		return ^uint64(0)
	}
	return lo
}

func TestHostDifferentialX87(t *testing.T) {
	e := newDiffEnv(t)
	defer e.host.Close()
	run := e.runFamily(t, x87Family, rand.New(rand.NewPCG(*diffSeed, 200)), diffCount(3**diffN))
	t.Logf("x87: %d sequences agree bit for bit, %d mismatches", run.ok, run.fails)
	tr := e.runFamily(t, x87TransFamily, rand.New(rand.NewPCG(*diffSeed, 201)), diffCount(*diffN))
	t.Logf("x87 transcendental: %d sequences agree (%d bit for bit, %d within 1 ulp), %d mismatches", tr.ok+tr.tolerated, tr.ok, tr.tolerated, tr.fails)
}
