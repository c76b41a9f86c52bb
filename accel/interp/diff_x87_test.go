package interp

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// x87 differential family: the register stack is loaded from scratch
// memory, random x87 instructions run with every exception masked (an
// unmasked one would trap natively), and FXSAVE64 stores the state back for
// the memory comparison. FOP, FIP and FDP are excluded: processors may
// leave them stale (CPUID.7.EBX bits 6 and 13).

const (
	x87Vals  = 0x2000 // 8 values of 10 bytes to load
	x87Mem   = 0x2100 // memory operands
	x87CW    = 0x20f0
	x87Save  = 0x3000 // FXSAVE64 image (512 bytes)
	x87Count = 16
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
	for n := 1 + r.IntN(6); n > 0; n-- {
		if trans {
			op := []byte{0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff}[r.IntN(8)]
			b = append(b, 0xd9, op)
			continue
		}
		op := ops[r.IntN(len(ops))]
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
	b = append(b, 0xd9, 0xe5)             // fxam: define C0..C3, which most instructions leave undefined
	b = append(b, 0x48, 0x0f, 0xae, 0x83) // fxsave64 [rbx+disp32]
	b = binary.LittleEndian.AppendUint32(b, uint32(x87Save))
	b = append(b, 0xdb, 0xe3) // fninit
	return b
}

func runX87Diff(t *testing.T, trans bool, n int) {
	e := newDiffEnv(t)
	defer e.host.Close()
	r := rand.New(rand.NewPCG(*diffSeed, 200+b2u64(trans)))
	ops := x87Ops()
	fails, ok := 0, 0
	for i := 0; i < n; i++ {
		err := e.diffCustomMasked(r, func(g *gen, data []byte) {
			g.b = append(g.b, x87Seq(r, data, trans, ops)...)
			g.undef = arithFlags // FCOMI leaves flags; CF, PF, ZF compared via the image
		}, func(i int) byte {
			// FOP (6..7), FIP (8..15), FDP (16..23) in the FXSAVE64 image,
			// and the SSE part (MXCSR, XMM), which holds whatever the Go
			// runtime left on the host.
			o := i - x87Save
			if o >= 6 && o < 32 || o >= 160 && o < 512 {
				return 0xff
			}
			return 0
		})
		if err != nil {
			fails++
			if fails <= 10 {
				t.Errorf("x87 sequence %d: %v", i, err)
			}
			continue
		}
		ok++
	}
	t.Logf("x87 (transcendental %v): %d sequences agree, %d mismatches", trans, ok, fails)
}

func b2u64(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func TestHostDifferentialX87(t *testing.T) {
	n := *diffN * 4
	if testing.Short() {
		n = 500
	}
	runX87Diff(t, false, n)
}
