package interp

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/arch/x86/x86asm"

	"gemu/accel"
	"gemu/accel/interp/internal/hostcpu"
)

// Differential testing against the host processor: random sequences of
// unprivileged 64-bit instructions run natively (internal/hostcpu) and in
// the interpreter from the same registers, flags and scratch memory; the
// resulting registers, the defined flags and the memory must agree.

var (
	diffN     = flag.Int("diff.n", 12000, "random sequences per integer family for the host differential test (SSE 4x, x87 3x, x87 transcendental 1x)")
	diffSeed  = flag.Uint64("diff.seed", 1, "seed of the host differential test")
	diffTrace = flag.Bool("diff.trace", false, "print each sequence before running it natively")
)

// gen builds instruction sequences. Register 3 (RBX) holds the scratch
// base and register 4 (RSP) the stack; neither is ever a destination.
type gen struct {
	r      *rand.Rand
	b      []byte
	undef  uint64 // flags currently undefined
	undefR map[int]bool
}

const arithFlags = flagsArith

func (g *gen) emit(p ...byte) { g.b = append(g.b, p...) }

// dst picks a destination register (not RBX, not RSP).
func (g *gen) dst() int {
	for {
		r := g.r.IntN(16)
		if r != 3 && r != 4 {
			return r
		}
	}
}

// src picks any register.
func (g *gen) src() int { return g.r.IntN(16) }

func (g *gen) size() int { return []int{1, 2, 4, 8}[g.r.IntN(4)] }

// mem returns a displacement into the scratch area for an operand of n bytes.
func (g *gen) disp(n int) int32 {
	return int32(g.r.IntN(hostcpu.ScratchSize/2-64) + 32)
}

// operand is a ModRM r/m operand: a register or [rbx+disp32].
type operand struct {
	reg  int
	mem  bool
	disp int32
}

func (g *gen) rm(size int, allowMem bool) operand {
	if allowMem && g.r.IntN(2) == 0 {
		return operand{mem: true, disp: g.disp(size)}
	}
	return operand{reg: g.dst()}
}

// enc emits an instruction: optional legacy prefix, 66 for 16-bit, REX,
// opcode bytes, ModRM for reg and rm, then imm.
func (g *gen) enc(pfx []byte, size int, opc []byte, reg int, rm operand, imm []byte) {
	g.emit(pfx...)
	if size == 2 {
		g.emit(0x66)
	}
	rex := byte(0)
	if size == 8 {
		rex |= 8
	}
	if reg >= 8 {
		rex |= 4
	}
	if !rm.mem && rm.reg >= 8 {
		rex |= 1
	}
	if size == 1 && (reg >= 4 || !rm.mem && rm.reg >= 4) && g.r.IntN(2) == 0 {
		rex |= 0x40 // SPL..DIL instead of AH..BH
	}
	if size == 1 && (reg == 7 || !rm.mem && rm.reg == 7) {
		rex |= 0x40 // never BH: RBX holds the scratch base
	}
	// High-byte registers cannot be used with REX; byte forms that name
	// AH..BH must avoid registers 8..15 and any REX bit.
	if rex != 0 {
		g.emit(0x40 | rex)
	}
	g.emit(opc...)
	if rm.mem {
		g.emit(0x80|byte(reg&7)<<3|3, 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(g.b[len(g.b)-4:], uint32(rm.disp))
	} else {
		g.emit(0xc0 | byte(reg&7)<<3 | byte(rm.reg&7))
	}
	g.emit(imm...)
}

func (g *gen) imm(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	if g.r.IntN(4) == 0 {
		for i := range b {
			b[i] = []byte{0, 0xff, 0x7f, 0x80, 1}[g.r.IntN(5)]
		}
	}
	return b
}

func immSize(size int) int { return min(size, 4) }

// byteRegsOK reports whether an 8-bit form may use reg and rm together
// (AH..BH, encoded as 4..7 without REX, cannot mix with 8..15).
func byteRegOK(reg int, rm operand) bool {
	hi := func(r int) bool { return r >= 4 && r < 8 }
	ext := reg >= 8 || !rm.mem && rm.reg >= 8
	return !ext || !hi(reg) && (rm.mem || !hi(rm.reg))
}

// defineFlags emits CMP r, imm to make every status flag defined.
func (g *gen) defineFlags() {
	g.enc(nil, 8, []byte{0x81}, 7, operand{reg: g.src()}, g.imm(4))
	g.undef = 0
}

func (g *gen) needFlags(f uint64) {
	if g.undef&f != 0 {
		g.defineFlags()
	}
}

// Families.

func (g *gen) alu() {
	op := g.r.IntN(8)
	size := g.size()
	if op == 2 || op == 3 {
		g.needFlags(flagCF)
	}
	reg, rm := g.dst(), g.rm(size, true)
	if size == 1 && !byteRegOK(reg, rm) {
		reg = g.r.IntN(3)
	}
	switch g.r.IntN(5) {
	case 0: // E, G
		opc := byte(op<<3 | 0)
		if size > 1 {
			opc |= 1
		}
		if g.r.IntN(8) == 0 && rm.mem && op != 7 {
			g.emit(0xf0) // LOCK
		}
		g.enc(nil, size, []byte{opc}, reg, rm, nil)
	case 1: // G, E
		opc := byte(op<<3 | 2)
		if size > 1 {
			opc |= 1
		}
		g.enc(nil, size, []byte{opc}, reg, rm, nil)
	case 2: // group 1 with Ib / Iz
		if size == 1 {
			g.enc(nil, 1, []byte{0x80}, op, rm, g.imm(1))
		} else if g.r.IntN(2) == 0 {
			g.enc(nil, size, []byte{0x83}, op, rm, g.imm(1))
		} else {
			g.enc(nil, size, []byte{0x81}, op, rm, g.imm(immSize(size)))
		}
	case 3: // accumulator, imm
		if size == 2 {
			g.emit(0x66)
		}
		if size == 8 {
			g.emit(0x48)
		}
		if size == 1 {
			g.emit(byte(op<<3|4), g.imm(1)[0])
		} else {
			g.emit(byte(op<<3 | 5))
			g.emit(g.imm(immSize(size))...)
		}
	case 4: // TEST
		if g.r.IntN(2) == 0 {
			opc := byte(0x84)
			if size > 1 {
				opc = 0x85
			}
			g.enc(nil, size, []byte{opc}, reg, rm, nil)
		} else if size == 1 {
			g.enc(nil, 1, []byte{0xf6}, 0, rm, g.imm(1))
		} else {
			g.enc(nil, size, []byte{0xf7}, 0, rm, g.imm(immSize(size)))
		}
		g.undef = flagAF
		return
	}
	g.undef = 0
	if op == 1 || op == 4 || op == 6 {
		g.undef = flagAF
	}
}

func (g *gen) unary() {
	size := g.size()
	rm := g.rm(size, true)
	opc := byte(0xf6)
	if size > 1 {
		opc = 0xf7
	}
	switch g.r.IntN(4) {
	case 0: // NOT
		g.enc(nil, size, []byte{opc}, 2, rm, nil)
	case 1: // NEG
		g.enc(nil, size, []byte{opc}, 3, rm, nil)
		g.undef = 0
	case 2, 3: // INC, DEC
		g.needFlags(flagCF)
		o := byte(0xfe)
		if size > 1 {
			o = 0xff
		}
		g.enc(nil, size, []byte{o}, g.r.IntN(2), rm, nil)
		g.undef &= flagCF
	}
}

func (g *gen) muldiv() {
	size := g.size()
	opc := byte(0xf6)
	if size > 1 {
		opc = 0xf7
	}
	switch g.r.IntN(5) {
	case 0: // MUL/IMUL one operand
		g.enc(nil, size, []byte{opc}, 4+g.r.IntN(2), g.rm(size, true), nil)
		g.undef = flagSF | flagZF | flagAF | flagPF
	case 1: // IMUL r, r/m
		if size == 1 {
			size = 4
		}
		g.enc(nil, size, []byte{0x0f, 0xaf}, g.dst(), g.rm(size, true), nil)
		g.undef = flagSF | flagZF | flagAF | flagPF
	case 2: // IMUL r, r/m, imm
		if size == 1 {
			size = 2
		}
		if g.r.IntN(2) == 0 {
			g.enc(nil, size, []byte{0x6b}, g.dst(), g.rm(size, true), g.imm(1))
		} else {
			g.enc(nil, size, []byte{0x69}, g.dst(), g.rm(size, true), g.imm(immSize(size)))
		}
		g.undef = flagSF | flagZF | flagAF | flagPF
	default: // DIV/IDIV with a divisor that cannot fault
		signed := g.r.IntN(2) == 1
		d := g.dst()
		for d == 0 || d == 2 {
			d = g.dst()
		}
		bits := uint(8 * size)
		v := g.r.Uint64()
		if g.r.IntN(3) == 0 {
			v = v&^(1<<bits-1) | uint64(1+g.r.IntN(20))
		}
		if signed {
			// A positive divisor of at least 2: no quotient overflow with a
			// sign-extended dividend.
			v = v&^(1<<(bits-1)) | 2
		} else {
			v |= 1
		}
		g.emit(0x48|byte(d>>3), 0xb8|byte(d&7)) // mov d, imm64
		g.emit(binary.LittleEndian.AppendUint64(nil, v)...)
		switch {
		case size == 1:
			g.emit(0x0f, 0xb6, 0xc0) // movzx eax, al
			if signed {
				g.emit(0x66, 0x98) // cbw
			}
		case signed && size == 2:
			g.emit(0x66, 0x99) // cwd
		case signed && size == 4:
			g.emit(0x99) // cdq
		case signed && size == 8:
			g.emit(0x48, 0x99) // cqo
		default:
			g.emit(0x31, 0xd2) // xor edx, edx
		}
		modrm := 0xc0 | byte(6+b2i(signed))<<3 | byte(d&7)
		switch size {
		case 1:
			g.emit(0x40|byte(d>>3), 0xf6, modrm) // REX: never AH..BH
		case 2:
			g.emit(0x66)
			if d >= 8 {
				g.emit(0x41)
			}
			g.emit(0xf7, modrm)
		case 4:
			if d >= 8 {
				g.emit(0x41)
			}
			g.emit(0xf7, modrm)
		case 8:
			g.emit(0x48|byte(d>>3), 0xf7, modrm)
		}
		g.undef = arithFlags
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (g *gen) shift() {
	size := g.size()
	w := size * 8
	op := g.r.IntN(8)
	if op == 6 {
		op = 4
	}
	rm := g.rm(size, true)
	var cnt int
	var opcode []byte
	var imm []byte
	switch g.r.IntN(3) {
	case 0:
		cnt = 1
		opcode = []byte{0xd0}
	case 1:
		cnt = g.r.IntN(64)
		if g.r.IntN(2) == 0 {
			cnt = g.r.IntN(w + 2)
		}
		opcode = []byte{0xc0}
		imm = []byte{byte(cnt)}
	case 2:
		cnt = g.r.IntN(64)
		g.emit(0xb1, byte(cnt)) // mov cl, cnt
		opcode = []byte{0xd2}
		if !rm.mem && rm.reg == 1 {
			rm.reg = 0
		}
	}
	if size > 1 {
		opcode[0] |= 1
	}
	if op == 2 || op == 3 {
		g.needFlags(flagCF)
	}
	g.enc(nil, size, opcode, op, rm, imm)
	m := cnt & 31
	if size == 8 {
		m = cnt & 63
	}
	if m == 0 {
		return
	}
	u := uint64(0)
	if m != 1 {
		u |= flagOF
	}
	switch op {
	case 4, 5, 7:
		u |= flagAF
		if m >= w && op != 7 {
			u |= flagCF | flagOF
		}
		g.undef = u
	default:
		g.undef = g.undef&^(flagCF|flagOF) | u
	}
}

func (g *gen) shd() {
	size := []int{2, 4, 8}[g.r.IntN(3)]
	w := size * 8
	rm := g.rm(size, true)
	reg := g.dst()
	cnt := g.r.IntN(w)
	if size == 2 {
		cnt = g.r.IntN(17)
	}
	opc := byte(0xa4 | byte(g.r.IntN(2))<<3)
	if g.r.IntN(2) == 0 {
		g.enc(nil, size, []byte{0x0f, opc}, reg, rm, []byte{byte(cnt)})
	} else {
		g.emit(0xb1, byte(cnt)) // mov cl, cnt
		if reg == 1 {
			reg = 0
		}
		if !rm.mem && rm.reg == 1 {
			rm.reg = 2
		}
		g.enc(nil, size, []byte{0x0f, opc | 1}, reg, rm, nil)
	}
	if cnt == 0 {
		return
	}
	g.undef = flagAF
	if cnt != 1 {
		g.undef |= flagOF
	}
}

func (g *gen) bits() {
	size := []int{2, 4, 8}[g.r.IntN(3)]
	switch g.r.IntN(4) {
	case 0: // BT* r/m, imm8
		g.enc(nil, size, []byte{0x0f, 0xba}, 4+g.r.IntN(4), g.rm(size, true), []byte{byte(g.r.IntN(256))})
		g.undef |= flagOF | flagSF | flagAF | flagPF
		g.undef &^= flagCF
	case 1: // BT* r/m, r (register offsets kept small for memory)
		reg := g.dst()
		rm := g.rm(size, true)
		if rm.mem {
			// mov reg32, small offset (may be negative)
			off := int32(g.r.IntN(512) - 256)
			g.emit(0x48|byte(reg>>3)<<0&1, 0xc7, 0xc0|byte(reg&7))
			if reg >= 8 {
				g.b[len(g.b)-3] = 0x49
			}
			g.emit(binary.LittleEndian.AppendUint32(nil, uint32(off))...)
		}
		g.enc(nil, size, []byte{0x0f, 0xa3 | byte(g.r.IntN(4))<<3}, reg, rm, nil)
		g.undef |= flagOF | flagSF | flagAF | flagPF
		g.undef &^= flagCF
	case 2: // BSF/BSR, TZCNT/LZCNT
		reg, rm := g.dst(), g.rm(size, true)
		if g.r.IntN(2) == 0 {
			g.enc(nil, size, []byte{0x0f, 0xbc | byte(g.r.IntN(2))}, reg, rm, nil)
			g.undef = flagCF | flagOF | flagSF | flagAF | flagPF
			g.undefR[reg] = true // undefined destination for a zero source
		} else {
			g.enc([]byte{0xf3}, size, []byte{0x0f, 0xbc | byte(g.r.IntN(2))}, reg, rm, nil)
			g.undef = flagOF | flagSF | flagAF | flagPF
			delete(g.undefR, reg)
		}
	case 3: // POPCNT
		reg := g.dst()
		g.enc([]byte{0xf3}, size, []byte{0x0f, 0xb8}, reg, g.rm(size, true), nil)
		g.undef = 0
		delete(g.undefR, reg)
	}
}

func (g *gen) move() {
	size := g.size()
	reg, rm := g.dst(), g.rm(size, true)
	if size == 1 && !byteRegOK(reg, rm) {
		reg = g.r.IntN(3)
	}
	switch g.r.IntN(10) {
	case 0, 1:
		opc := byte(0x88 | byte(g.r.IntN(2))<<1)
		if size > 1 {
			opc |= 1
		}
		g.enc(nil, size, []byte{opc}, reg, rm, nil)
	case 2:
		if size == 1 {
			g.enc(nil, 1, []byte{0xc6}, 0, rm, g.imm(1))
		} else {
			g.enc(nil, size, []byte{0xc7}, 0, rm, g.imm(immSize(size)))
		}
	case 3: // MOV r, imm (B0/B8), imm64 with REX.W
		r := g.dst()
		if size == 8 {
			g.emit(0x48|byte(r>>3), 0xb8|byte(r&7))
			g.emit(g.imm(8)...)
		} else if size == 1 {
			if r >= 4 {
				g.emit(0x40 | byte(r>>3)) // SPL..R15B, never BH
			}
			g.emit(0xb0|byte(r&7), g.imm(1)[0])
		} else {
			if size == 2 {
				g.emit(0x66)
			}
			if r >= 8 {
				g.emit(0x41)
			}
			g.emit(0xb8 | byte(r&7))
			g.emit(g.imm(size)...)
		}
	case 4: // MOVZX/MOVSX
		if size == 1 {
			size = 4
		}
		srcSize := 1 + g.r.IntN(2)
		if srcSize == 2 && size == 2 {
			srcSize = 1
		}
		opc := byte(0xb6)
		if srcSize == 2 {
			opc = 0xb7
		}
		if g.r.IntN(2) == 0 {
			opc |= 8
		}
		rm := g.rm(srcSize, true)
		if srcSize == 1 && !rm.mem && rm.reg >= 4 && rm.reg < 8 && reg >= 8 {
			rm.reg &= 3
		}
		g.enc(nil, size, []byte{0x0f, opc}, reg, rm, nil)
	case 5: // MOVSXD
		g.enc(nil, 8, []byte{0x63}, reg, g.rm(4, true), nil)
	case 6: // LEA with base, index and scale
		r := g.dst()
		sz := []int{2, 4, 8}[g.r.IntN(3)]
		if sz == 2 {
			g.emit(0x66)
		}
		if g.r.IntN(3) == 0 {
			g.emit(0x67) // 32-bit address
		}
		base, idx := g.src(), g.src()
		if idx == 4 {
			idx = 5
		}
		rex := byte(0)
		if sz == 8 {
			rex |= 8
		}
		if r >= 8 {
			rex |= 4
		}
		if idx >= 8 {
			rex |= 2
		}
		if base >= 8 {
			rex |= 1
		}
		if rex != 0 {
			g.emit(0x40 | rex)
		}
		mod := byte(g.r.IntN(3))
		if base&7 == 5 && mod == 0 {
			mod = 1
		}
		g.emit(0x8d, mod<<6|byte(r&7)<<3|4, byte(g.r.IntN(4))<<6|byte(idx&7)<<3|byte(base&7))
		switch mod {
		case 1:
			g.emit(g.imm(1)...)
		case 2:
			g.emit(g.imm(4)...)
		}
	case 7: // XCHG
		opc := byte(0x86)
		if size > 1 {
			opc = 0x87
		}
		g.enc(nil, size, []byte{opc}, reg, rm, nil)
	case 8: // CMOVcc
		if size == 1 {
			size = 4
		}
		g.needFlags(arithFlags)
		g.enc(nil, size, []byte{0x0f, 0x40 | byte(g.r.IntN(16))}, reg, g.rm(size, true), nil)
	case 9: // SETcc
		g.needFlags(arithFlags)
		rm := g.rm(1, true)
		g.enc(nil, 1, []byte{0x0f, 0x90 | byte(g.r.IntN(16))}, 0, rm, nil)
	}
}

func (g *gen) misc() {
	switch g.r.IntN(12) {
	case 0: // BSWAP
		r := g.dst()
		if g.r.IntN(2) == 0 {
			g.emit(0x48 | byte(r>>3))
		} else if r >= 8 {
			g.emit(0x41)
		}
		g.emit(0x0f, 0xc8|byte(r&7))
	case 1: // CBW family, CWD family
		sz := []byte{0x66, 0x00, 0x48}[g.r.IntN(3)]
		if sz != 0 {
			g.emit(sz)
		}
		g.emit(0x98 | byte(g.r.IntN(2)))
	case 2: // LAHF/SAHF
		if g.r.IntN(2) == 0 {
			g.needFlags(arithFlags)
			g.emit(0x9f)
		} else {
			g.emit(0x9e)
			g.undef &^= flagSF | flagZF | flagAF | flagPF | flagCF
		}
	case 3: // CLC STC CMC
		op := []byte{0xf8, 0xf9, 0xf5}[g.r.IntN(3)]
		if op == 0xf5 {
			g.needFlags(flagCF)
		}
		g.emit(op)
		g.undef &^= flagCF
	case 4: // XADD
		size := g.size()
		reg, rm := g.dst(), g.rm(size, true)
		if size == 1 && !byteRegOK(reg, rm) {
			reg = g.r.IntN(3)
		}
		if rm.mem && g.r.IntN(2) == 0 {
			g.emit(0xf0)
		}
		opc := byte(0xc0)
		if size > 1 {
			opc = 0xc1
		}
		g.enc(nil, size, []byte{0x0f, opc}, reg, rm, nil)
		g.undef = 0
	case 5: // CMPXCHG
		size := g.size()
		reg, rm := g.dst(), g.rm(size, true)
		if size == 1 && !byteRegOK(reg, rm) {
			reg = g.r.IntN(3)
		}
		if rm.mem && g.r.IntN(2) == 0 {
			g.emit(0xf0)
		}
		opc := byte(0xb0)
		if size > 1 {
			opc = 0xb1
		}
		g.enc(nil, size, []byte{0x0f, opc}, reg, rm, nil)
		g.undef = 0
	case 6: // CMPXCHG8B / 16B (aligned)
		d := g.disp(16) &^ 15
		if g.r.IntN(2) == 0 {
			g.emit(0xf0)
		}
		if g.r.IntN(2) == 0 {
			g.emit(0x48)
		}
		g.emit(0x0f, 0xc7, 0x8b)
		g.emit(binary.LittleEndian.AppendUint32(nil, uint32(d))...)
		g.undef &^= flagZF
	case 7: // MOVBE
		size := []int{2, 4, 8}[g.r.IntN(3)]
		g.enc(nil, size, []byte{0x0f, 0x38, 0xf0 | byte(g.r.IntN(2))}, g.dst(), operand{mem: true, disp: g.disp(size)}, nil)
	case 8: // ADCX/ADOX
		size := []int{4, 8}[g.r.IntN(2)]
		if g.r.IntN(2) == 0 {
			g.needFlags(flagCF)
			g.enc([]byte{0x66}, size, []byte{0x0f, 0x38, 0xf6}, g.dst(), g.rm(size, true), nil)
		} else {
			g.needFlags(flagOF)
			g.enc([]byte{0xf3}, size, []byte{0x0f, 0x38, 0xf6}, g.dst(), g.rm(size, true), nil)
		}
	case 9: // PUSH/POP pairs
		r := g.dst()
		if r >= 8 {
			g.emit(0x41)
		}
		g.emit(0x50 | byte(r&7))
		switch g.r.IntN(3) {
		case 0:
			g.emit(0x6a, g.imm(1)[0]) // push imm8
			g.emit(0x8f, 0x83)        // pop [rbx+disp32]
			g.emit(binary.LittleEndian.AppendUint32(nil, uint32(g.disp(8)))...)
		case 1:
			g.emit(0xff, 0xb3) // push [rbx+disp32]
			g.emit(binary.LittleEndian.AppendUint32(nil, uint32(g.disp(8)))...)
			q := g.dst()
			if q >= 8 {
				g.emit(0x41)
			}
			g.emit(0x58 | byte(q&7))
		}
		p := g.dst()
		if p >= 8 {
			g.emit(0x41)
		}
		g.emit(0x58 | byte(p&7))
	case 10: // ENTER/LEAVE pair; RBP must point at readable stack for the
		// nesting levels ENTER copies.
		g.emit(0x48, 0x8d, 0x6c, 0x24, 0xc0) // lea rbp, [rsp-64]
		g.emit(0xc8)
		g.emit(binary.LittleEndian.AppendUint16(nil, uint16(g.r.IntN(64)*8))...)
		g.emit(byte(g.r.IntN(4)))
		g.emit(0xc9)
	case 11: // Jcc/LOOP/JRCXZ over the next instruction
		var tmp gen
		tmp = *g
		tmp.b = nil
		tmp.alu()
		body := tmp.b
		if len(body) > 127 {
			return
		}
		g.needFlags(arithFlags)
		switch g.r.IntN(4) {
		case 0:
			g.emit(0xe3, byte(len(body))) // jrcxz
		case 1:
			g.emit(0xe2, byte(len(body))) // loop
		default:
			g.emit(0x70|byte(g.r.IntN(16)), byte(len(body)))
		}
		g.emit(body...)
		// Either path: flags are those of body or unchanged.
		g.undef |= tmp.undef
		if tmp.undef == 0 && g.undef != 0 {
			g.undef |= arithFlags
		}
	}
}

func (g *gen) str() {
	size := g.size()
	n := g.r.IntN(40)
	back := g.r.IntN(3) == 0
	lo := int32(n*size + 64)
	hi := int32(hostcpu.ScratchSize - n*size - 64)
	pick := func() int32 { return lo + int32(g.r.IntN(int(hi-lo))) }
	// lea rsi, [rbx+d]; lea rdi, [rbx+d]; mov ecx, n
	g.emit(0x48, 0x8d, 0xb3)
	g.emit(binary.LittleEndian.AppendUint32(nil, uint32(pick()))...)
	g.emit(0x48, 0x8d, 0xbb)
	g.emit(binary.LittleEndian.AppendUint32(nil, uint32(pick()))...)
	g.emit(0xb9)
	g.emit(binary.LittleEndian.AppendUint32(nil, uint32(n))...)
	if back {
		g.emit(0xfd) // std
	} else {
		g.emit(0xfc)
	}
	op := []byte{0xa4, 0xa6, 0xaa, 0xac, 0xae}[g.r.IntN(5)]
	if size == 2 {
		g.emit(0x66)
	}
	switch g.r.IntN(3) {
	case 0:
		g.emit(0xf3)
	case 1:
		if op == 0xa6 || op == 0xae {
			g.emit(0xf2)
		} else {
			g.emit(0xf3)
		}
	}
	if size == 8 {
		g.emit(0x48)
	}
	if size > 1 {
		op |= 1
	}
	g.emit(op)
	g.emit(0xfc) // cld
	if op&^1 == 0xa6 || op&^1 == 0xae {
		g.undef = 0
	}
}

// families maps names to generators.
var intFamilies = []struct {
	name string
	fn   func(g *gen)
}{
	{"alu", (*gen).alu},
	{"unary", (*gen).unary},
	{"muldiv", (*gen).muldiv},
	{"shift", (*gen).shift},
	{"shld", (*gen).shd},
	{"bits", (*gen).bits},
	{"move", (*gen).move},
	{"misc", (*gen).misc},
	{"string", (*gen).str},
}

// diffEnv is the interpreter side of the differential test: guest pages
// mapped at the host addresses of the code and data areas, so that a
// batch image runs unchanged natively and in the interpreter.
type diffEnv struct {
	host *hostcpu.Machine
	m    *tmachine
	next uint64 // next free page-table page
	base accel.CPUState
	in   []byte // the data area before a batch
	got  []byte // the interpreter's data area after it
	fill xorshift
}

const (
	dPT      = 0x40000 // page tables
	dCodeGPA = 0x100000
	dDataGPA = 0x400000
	dRAM     = 8 << 20
)

// diffBatch is the number of sequences run per native call and
// interpreter run.
const diffBatch = hostcpu.MaxBatch

func newDiffEnv(t testing.TB) *diffEnv {
	h, err := hostcpu.New()
	if err != nil {
		t.Skipf("native execution unavailable: %v", err)
	}
	m := newTMachine(t, dRAM, "max")
	e := &diffEnv{host: h, m: m, next: dPT + 0x1000, in: make([]byte, hostcpu.DataSize), got: make([]byte, hostcpu.DataSize)}
	e.base = m.setup64()
	e.base.CR3 = dPT
	for i := uint64(0); i < hostcpu.CodeSize/4096; i++ {
		e.mapPage(h.CodeAddr()+i*4096, dCodeGPA+i*4096)
	}
	for i := uint64(0); i < hostcpu.DataSize/4096; i++ {
		e.mapPage(h.DataAddr()+i*4096, dDataGPA+i*4096)
	}
	if err := m.cpu.SetState(e.base); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *diffEnv) mapPage(va, pa uint64) {
	m := e.m
	table := uint64(dPT)
	for level := 3; level >= 1; level-- {
		idx := va >> (12 + 9*uint(level)) & 0x1ff
		ent := m.get64(table + idx*8)
		if ent&1 == 0 {
			ent = e.next | 7
			e.next += 0x1000
			m.put64(table+idx*8, ent)
		}
		table = ent &^ 0xfff
	}
	m.put64(table+(va>>12&0x1ff)*8, pa|7)
}

// xorshift fills scratch buffers quickly from one seed drawn from the
// sequence's random source, so that a sequence stays reproducible.
type xorshift uint64

func (x *xorshift) fillFrom(seed uint64, b []byte) {
	s := seed | 1
	for i := 0; i+8 <= len(b); i += 8 {
		s ^= s << 13
		s ^= s >> 7
		s ^= s << 17
		binary.LittleEndian.PutUint64(b[i:], s)
	}
	*x = xorshift(s)
}

// diffFamily describes how one kind of sequence is built and compared.
type diffFamily struct {
	name  string
	build func(r *rand.Rand, g *gen, data []byte)
	// ignore returns the scratch bits at an offset that the byte
	// comparison skips; check, if set, compares them itself and reports
	// its differences and whether it tolerated any (a result within its
	// stated tolerance rather than bit-exact).
	ignore func(off int) byte
	check  func(want, got []byte) (diffs []string, tolerated bool)
	// scratch is how many leading scratch bytes the family uses and the
	// generator randomises (0: all); the rest keeps what the last batch
	// left, the same natively and in the interpreter.
	scratch int
}

// diffCase is one generated sequence.
type diffCase struct {
	fam    *diffFamily
	idx    int // sequence number within its run
	regs   hostcpu.Regs
	code   []byte
	undef  uint64 // RFLAGS bits undefined at the end
	undefR [16]bool
}

// diffResult is the outcome of one sequence.
type diffResult struct {
	err       error
	tolerated bool
}

// prepare generates sequence idx of family f into batch slot slot: its
// registers, its scratch buffer (written to the host's data area) and
// its code.
func (e *diffEnv) prepare(r *rand.Rand, f *diffFamily, idx, slot int) *diffCase {
	h := e.host
	c := &diffCase{fam: f, idx: idx}
	for i := range c.regs.GPR {
		c.regs.GPR[i] = r.Uint64()
		switch r.IntN(4) {
		case 0:
			c.regs.GPR[i] &= 0xff
		case 1:
			c.regs.GPR[i] = uint64(int64(int8(c.regs.GPR[i])))
		}
	}
	c.regs.GPR[3] = h.ScratchAddr(slot)
	c.regs.GPR[4] = h.StackTop()
	c.regs.RFLAGS = uint64(r.Uint32())&arithFlags | 0x202
	data := h.Data()[hostcpu.ScratchOffset(slot):][:hostcpu.ScratchSize]
	if f.scratch != 0 {
		e.fill.fillFrom(r.Uint64(), data[:f.scratch])
	} else {
		e.fill.fillFrom(r.Uint64(), data)
	}
	g := &gen{r: r, undefR: map[int]bool{}}
	f.build(r, g, data)
	c.code = g.b
	c.undef = g.undef
	for k := range g.undefR {
		c.undefR[k] = true
	}
	return c
}

// runBatch runs cases (case i in slot i) natively and in the interpreter
// and compares each. When the interpreter does not come back from the
// batch, each sequence is run alone to find the one responsible.
func (e *diffEnv) runBatch(cases []*diffCase) []diffResult {
	h := e.host
	data := h.Data()
	seqs := make([][]byte, len(cases))
	for i, c := range cases {
		if *diffTrace {
			fmt.Fprintf(os.Stderr, "%s sequence %d, rbx=%#x code:\n%s", c.fam.name, c.idx, c.regs.GPR[3], disasm(c.code))
		}
		seqs[i] = c.code
		hostcpu.PutRegs(data[hostcpu.ContextOffset(i):], &c.regs)
	}
	stack := data[hostcpu.ScratchOffset(hostcpu.MaxBatch):hostcpu.ContextOffset(0)]
	clear(stack)
	copy(e.in, data)
	res := make([]diffResult, len(cases))
	im, err := h.Build(seqs)
	if err == nil {
		err = e.runInterp(im)
	}
	if err != nil {
		if len(cases) == 1 {
			res[0].err = fmt.Errorf("%v\ncode:\n%s", err, disasm(cases[0].code))
			return res
		}
		// Find the culprit: each sequence alone, the others empty.
		for i := range cases {
			one := make([][]byte, len(cases))
			one[i] = cases[i].code
			copy(data, e.in)
			im, err := h.Build(one)
			if err == nil {
				err = e.runInterp(im)
			}
			if err != nil {
				res[i].err = fmt.Errorf("%v\ncode:\n%s", err, disasm(cases[i].code))
				continue
			}
			h.RunImage(im)
			res[i] = e.compare(cases[i], i)
		}
		return res
	}
	h.RunImage(im)
	for i, c := range cases {
		res[i] = e.compare(c, i)
	}
	return res
}

// runInterp runs the image in the interpreter from the data area saved in
// e.in, leaving the interpreter's data area in e.got.
func (e *diffEnv) runInterp(im *hostcpu.Image) error {
	m := e.m
	h := e.host
	m.poke(dCodeGPA, im.InterpCode())
	m.poke(dDataGPA, e.in)
	c := &m.cpu.cpu
	c.R = [len(c.R)]uint64{}
	c.R[4] = h.StackTop()
	c.rip = h.CodeAddr() + uint64(im.Start)
	c.setRFLAGS(2)
	c.halted = false
	watchdog := time.AfterFunc(20*time.Second, m.cpu.Kick)
	exit, err := m.cpu.Run()
	watchdog.Stop()
	if err != nil {
		m.cpu.SetState(e.base)
		return err
	}
	if want := h.CodeAddr() + uint64(im.Halt) + 2; exit.Reason != accel.ExitHalt || c.rip != want {
		st := c.state()
		m.cpu.SetState(e.base)
		return fmt.Errorf("interpreter stopped with %v at %#x (want HLT at %#x)\n%s", exit.Reason, st.RIP, want-1, st.Dump())
	}
	m.ram.ReadAt(e.got, dDataGPA)
	return nil
}

// compare checks sequence c, run in slot i, against the host.
func (e *diffEnv) compare(c *diffCase, i int) diffResult {
	data := e.host.Data()
	want := hostcpu.GetRegs(data[hostcpu.ContextOffset(i):])
	got := hostcpu.GetRegs(e.got[hostcpu.ContextOffset(i):])
	var diffs []string
	for k := range want.GPR {
		if c.undefR[k] {
			continue
		}
		if want.GPR[k] != got.GPR[k] {
			diffs = append(diffs, fmt.Sprintf("%s: host %#x interp %#x", gprName(k), want.GPR[k], got.GPR[k]))
		}
	}
	mask := uint64(arithFlags|flagDF) &^ c.undef
	if want.RFLAGS&mask != got.RFLAGS&mask {
		diffs = append(diffs, fmt.Sprintf("flags (mask %#x): host %#x interp %#x", mask, want.RFLAGS&mask, got.RFLAGS&mask))
	}
	// Stack contents below RSP may hold return addresses and flags images
	// that differ (IF); compare the scratch area only.
	ws := data[hostcpu.ScratchOffset(i):][:hostcpu.ScratchSize]
	gs := e.got[hostcpu.ScratchOffset(i):][:hostcpu.ScratchSize]
	var r diffResult
	if !bytes.Equal(ws, gs) {
		nd := 0
		for k := 0; k < len(ws) && nd < 12; k += 64 {
			if bytes.Equal(ws[k:k+64], gs[k:k+64]) {
				continue
			}
			for j := k; j < k+64 && nd < 12; j++ {
				if ws[j] == gs[j] {
					continue
				}
				m := byte(0)
				if c.fam.ignore != nil {
					m = c.fam.ignore(j)
				}
				if (ws[j]^gs[j])&^m != 0 {
					diffs = append(diffs, fmt.Sprintf("scratch[%#x]: host %#x interp %#x", j, ws[j], gs[j]))
					nd++
				}
			}
		}
		if c.fam.check != nil {
			d, tol := c.fam.check(ws, gs)
			diffs = append(diffs, d...)
			r.tolerated = tol
		}
	}
	if len(diffs) > 0 {
		in := hostcpu.GetRegs(e.in[hostcpu.ContextOffset(i):])
		r.err = fmt.Errorf("%s\nregs in: %x\nflags in: %#x\ncode:\n%s", strings.Join(diffs, "\n"), in.GPR, in.RFLAGS, disasm(c.code))
	}
	return r
}

func disasm(code []byte) string {
	var sb strings.Builder
	for len(code) > 0 {
		in, err := x86asm.Decode(code, 64)
		if err != nil || in.Len == 0 {
			fmt.Fprintf(&sb, "  % x ??\n", code)
			break
		}
		fmt.Fprintf(&sb, "  %-30s % x\n", x86asm.IntelSyntax(in, 0, nil), code[:in.Len])
		code = code[in.Len:]
	}
	return sb.String()
}

func gprName(i int) string {
	return [...]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}[i]
}

// diffRun is the outcome of a family's run.
type diffRun struct {
	ok, tolerated, fails int
}

// runFamily generates and checks n sequences of family f from r, in
// batches; it reports the first mismatches through t.
func (e *diffEnv) runFamily(t testing.TB, f *diffFamily, r *rand.Rand, n int) diffRun {
	var run diffRun
	for start := 0; start < n; start += diffBatch {
		k := min(diffBatch, n-start)
		cases := make([]*diffCase, k)
		for i := range cases {
			cases[i] = e.prepare(r, f, start+i, i)
		}
		for i, res := range e.runBatch(cases) {
			switch {
			case res.err != nil:
				run.fails++
				if run.fails <= 10 {
					t.Errorf("%s sequence %d (seed %d): %v", f.name, cases[i].idx, *diffSeed, res.err)
				}
			case res.tolerated:
				run.tolerated++
			default:
				run.ok++
			}
		}
	}
	return run
}

// intFamilyDefs are the integer families as diffFamily values.
var intFamilyDefs = func() []*diffFamily {
	var fs []*diffFamily
	for _, f := range intFamilies {
		fn := f.fn
		fs = append(fs, &diffFamily{name: f.name, build: func(r *rand.Rand, g *gen, data []byte) {
			for n := 1 + r.IntN(6); n > 0; n-- {
				fn(g)
			}
		}})
	}
	return fs
}()

// diffCount is the number of sequences per family of a default run.
func diffCount(perFamily int) int {
	if testing.Short() {
		return min(perFamily, 500)
	}
	return perFamily
}

func TestHostDifferentialInteger(t *testing.T) {
	e := newDiffEnv(t)
	defer e.host.Close()
	total, fails := 0, 0
	for fi, f := range intFamilyDefs {
		r := rand.New(rand.NewPCG(*diffSeed, uint64(fi)))
		run := e.runFamily(t, f, r, diffCount(*diffN))
		t.Logf("%-8s %d sequences agree, %d mismatches", f.name, run.ok, run.fails)
		total += run.ok
		fails += run.fails
	}
	t.Logf("integer total: %d sequences agree, %d mismatches", total, fails)
}

// FuzzHostDifferential feeds the fuzzer's bytes to the sequence
// generators as their random source: every input is a reproducible
// instruction sequence checked against the host.
func FuzzHostDifferential(f *testing.F) {
	f.Add(uint8(0), uint64(1), uint64(2))
	f.Add(uint8(3), uint64(42), uint64(7))
	f.Add(uint8(8), uint64(99), uint64(1))
	f.Add(uint8(9), uint64(5), uint64(5))
	f.Add(uint8(10), uint64(11), uint64(13))
	f.Add(uint8(11), uint64(3), uint64(17))
	var e *diffEnv
	fams := append(append([]*diffFamily{}, intFamilyDefs...), sseFamily, x87Family, x87TransFamily)
	f.Fuzz(func(t *testing.T, family uint8, s1, s2 uint64) {
		if e == nil {
			e = newDiffEnv(t)
		}
		r := rand.New(rand.NewPCG(s1, s2))
		fam := fams[int(family)%len(fams)]
		res := e.runBatch([]*diffCase{e.prepare(r, fam, 0, 0)})
		if res[0].err != nil {
			t.Fatalf("%s: %v", fam.name, res[0].err)
		}
	})
}
