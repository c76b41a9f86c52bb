package cpudiff

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"gemu/accel"
)

var (
	randomSeqs = flag.Int("cpudiff.random", 24, "random CPL3 sequences TestRandomUserSequences runs")
	randomSeed = flag.Uint64("cpudiff.seed", 1, "first seed of TestRandomUserSequences")
)

// Random CPL3 sequences: integer, string, x87 and SSE instructions over
// random registers and a random data page, compared between the host CPU
// (KVM) and the interpreter. The generator keeps to what the SDM defines:
// every instruction that leaves flags undefined is followed by a CMP that
// defines them all before anything can read them (FXAM for the x87
// condition codes, with the register stack kept free of overflow and
// underflow), BSF/BSR never see a zero
// source, shift counts stay below the operand size where results would be
// undefined, and no x87 transcendental (whose last bits are the
// processor's) is used.

var gprs64 = []string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

// sized names register r (a 64-bit name) at size bits.
func sized(r string, bits int) string {
	legacy := map[string][4]string{
		"rax": {"al", "ax", "eax", "rax"}, "rbx": {"bl", "bx", "ebx", "rbx"}, "rcx": {"cl", "cx", "ecx", "rcx"},
		"rdx": {"dl", "dx", "edx", "rdx"}, "rsi": {"sil", "si", "esi", "rsi"}, "rdi": {"dil", "di", "edi", "rdi"},
		"rbp": {"bpl", "bp", "ebp", "rbp"},
	}
	idx := map[int]int{8: 0, 16: 1, 32: 2, 64: 3}[bits]
	if n, ok := legacy[r]; ok {
		return "%" + n[idx]
	}
	return "%" + r + [4]string{"b", "w", "d", ""}[idx]
}

var suffix = map[int]string{8: "b", 16: "w", 32: "l", 64: "q"}

type gen struct {
	r     *rand.Rand
	b     strings.Builder
	depth int // x87 registers in use
}

func (g *gen) emit(format string, a ...any) { fmt.Fprintf(&g.b, "\t"+format+"\n", a...) }

func (g *gen) reg() string { return gprs64[g.r.IntN(len(gprs64))] }

func (g *gen) size() int { return []int{8, 16, 32, 64}[g.r.IntN(4)] }

// mem is a memory operand in the data page, addressed through RSP-free
// absolute addresses so no register needs to hold a pointer.
func (g *gen) mem(align int) string {
	off := g.r.IntN(0xf00) &^ (align - 1)
	return fmt.Sprintf("DATA+%#x", off)
}

// defineFlags makes every arithmetic flag defined again.
func (g *gen) defineFlags() { g.emit("cmp %s, %s", sized(g.reg(), 64), sized(g.reg(), 64)) }

func (g *gen) integer() {
	bits := g.size()
	a, b := sized(g.reg(), bits), sized(g.reg(), bits)
	s := suffix[bits]
	switch g.r.IntN(16) {
	case 0, 1:
		op := []string{"add", "sub", "adc", "sbb", "and", "or", "xor", "cmp", "test"}[g.r.IntN(9)]
		g.emit("%s %s, %s", op, a, b)
		if op == "and" || op == "or" || op == "xor" || op == "test" {
			g.defineFlags() // AF is undefined
		}
	case 2:
		op := []string{"add", "sub", "adc", "sbb", "and", "or", "xor", "cmp"}[g.r.IntN(8)]
		g.emit("%s%s $%d, %s", op, s, int8(g.r.Uint32()), g.mem(bits/8))
		if op == "and" || op == "or" || op == "xor" {
			g.defineFlags()
		}
	case 3:
		op := []string{"inc", "dec", "neg", "not"}[g.r.IntN(4)]
		g.emit("%s %s", op, a)
	case 4:
		op := []string{"shl", "shr", "sar", "rol", "ror", "rcl", "rcr"}[g.r.IntN(7)]
		g.emit("%s%s $%d, %s", op, s, 1+g.r.IntN(bits-1), a)
		g.defineFlags() // OF for counts above 1, AF
	case 5:
		if bits == 8 {
			bits = 32
			a = sized(g.reg(), 32)
		}
		g.emit("imul %s, %s", sized(g.reg(), bits), a)
		g.defineFlags()
	case 6:
		g.emit("mul%s %s", s, a)
		g.defineFlags()
	case 7:
		op := []string{"bt", "bts", "btr", "btc"}[g.r.IntN(4)]
		if bits == 8 {
			bits, s = 32, "l"
		}
		g.emit("%s%s $%d, %s", op, s, g.r.IntN(bits), sized(g.reg(), bits))
		g.defineFlags()
	case 8:
		if bits == 8 {
			bits = 64
		}
		src := g.reg()
		g.emit("or $0x100, %s", sized(src, 64))
		g.emit("%s %s, %s", []string{"bsf", "bsr"}[g.r.IntN(2)], sized(src, bits), sized(g.reg(), bits))
		g.defineFlags()
	case 9:
		g.emit("cmov%s %s, %s", []string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"}[g.r.IntN(16)],
			sized(g.reg(), 64), sized(g.reg(), 64))
		g.emit("set%s %s", []string{"o", "b", "e", "be", "s", "p", "l", "le"}[g.r.IntN(8)], sized(g.reg(), 8))
	case 10:
		g.emit("bswap %s", sized(g.reg(), 32+32*g.r.IntN(2)))
		g.emit("xchg %s, %s", a, b)
	case 11:
		g.emit("movz%sq %s, %s", "bw"[g.r.IntN(2):][:1], g.mem(2), sized(g.reg(), 64))
		g.emit("movs%sq %s, %s", "bw"[g.r.IntN(2):][:1], g.mem(2), sized(g.reg(), 64))
		g.emit("lea %#x(%s,%s,%d), %s", g.r.IntN(0x1000), sized(g.reg(), 64), sized(g.reg(), 64), 1<<g.r.IntN(4), sized(g.reg(), 64))
	case 12:
		if bits < 32 {
			bits = 32
		}
		g.emit("sh%sd $%d, %s, %s", "lr"[g.r.IntN(2):][:1], 1+g.r.IntN(bits-1), sized(g.reg(), bits), sized(g.reg(), bits))
		g.defineFlags()
	case 13:
		g.emit("xadd %s, %s", a, b)
		g.emit("cmpxchg %s, %s", a, g.mem(bits/8))
	case 14:
		g.emit("%s", []string{"cbw", "cwde", "cdqe", "cwd", "cdq", "cqo", "clc", "stc", "cmc"}[g.r.IntN(9)])
	case 15:
		g.emit("mov%s %s, %s", s, g.mem(bits/8), a)
		g.emit("mov%s %s, %s", s, b, g.mem(bits/8))
	}
}

func (g *gen) str() {
	if g.r.IntN(2) == 0 {
		g.emit("std")
	} else {
		g.emit("cld")
	}
	g.emit("mov $DATA+0x%x, %%esi", 0x400+g.r.IntN(0x400))
	g.emit("mov $DATA+0x%x, %%edi", 0x400+g.r.IntN(0x400))
	g.emit("mov $%d, %%ecx", g.r.IntN(40))
	op := []string{"movs", "stos", "lods", "cmps", "scas"}[g.r.IntN(5)]
	rep := []string{"rep ", "repe ", "repne ", ""}[g.r.IntN(4)]
	if op == "movs" || op == "stos" || op == "lods" {
		rep = []string{"rep ", ""}[g.r.IntN(2)]
	}
	g.emit("%s%s%s", rep, op, suffix[g.size()])
	g.emit("cld")
}

// x87 emits one x87 instruction that keeps the register stack between
// empty and full (stack faults are covered by hand-written cases), then
// FXAM, which defines C0-C3 again: most x87 instructions leave C0, C2 and
// C3 undefined, and FPREM's quotient bits are undefined for NaN operands,
// which a random sequence cannot rule out (TestUserSequences checks them
// on finite ones).
func (g *gen) x87() {
	d := g.depth
	arith := []string{"add", "sub", "subr", "mul", "div", "divr"}
	switch k := g.r.IntN(8); {
	case d == 0 || k < 2 && d < 8:
		if g.r.IntN(2) == 0 {
			g.emit("fldl DATA+0x%x", 0x800+8*g.r.IntN(8))
		} else {
			g.emit("%s", []string{"fld1", "fldz", "fldpi", "fldl2e", "fldln2"}[g.r.IntN(5)])
		}
		g.depth++
	case k == 2:
		g.emit("f%s %%st(%d), %%st", arith[g.r.IntN(6)], g.r.IntN(d))
	case k == 3 && d >= 2:
		g.emit("f%sp %%st, %%st(%d)", arith[g.r.IntN(6)], 1+g.r.IntN(d-1))
		g.depth--
	case k == 4:
		ops := []string{"fchs", "fabs", "fsqrt", "frndint", "ftst"}
		if d >= 2 {
			ops = append(ops, "fxch %st(1)", "fprem", "fprem1", "fscale")
		}
		if d < 8 {
			ops = append(ops, "fxtract")
		}
		op := ops[g.r.IntN(len(ops))]
		g.emit("%s", op)
		if op == "fxtract" {
			g.depth++
		}
	case k == 5:
		g.emit("fstpl DATA+0x%x", 0xa00+8*g.r.IntN(16))
		g.depth--
	case k == 6:
		g.emit("fistpl DATA+0x%x", 0xa80+4*g.r.IntN(16))
		g.depth--
	default:
		g.emit("fcomi %%st(%d), %%st", g.r.IntN(d))
	}
	g.emit("fxam")
}

func (g *gen) sse() {
	x := func() string { return fmt.Sprintf("%%xmm%d", g.r.IntN(16)) }
	switch g.r.IntN(9) {
	case 0:
		g.emit("movaps DATA+0x%x, %s", 0x800+16*g.r.IntN(8), x())
	case 1:
		g.emit("%s%s %s, %s", []string{"add", "sub", "mul", "div", "min", "max", "sqrt"}[g.r.IntN(7)],
			[]string{"ps", "pd", "ss", "sd"}[g.r.IntN(4)], x(), x())
	case 2:
		g.emit("%s %s, %s", []string{"pand", "por", "pxor", "pandn", "paddb", "paddw", "paddd", "paddq", "psubusb",
			"pmullw", "pmuludq", "pcmpeqb", "pcmpgtd", "punpcklbw", "punpckhqdq", "packsswb", "pavgb", "pmaxsw", "psadbw"}[g.r.IntN(19)], x(), x())
	case 3:
		g.emit("%s $%d, %s", []string{"psllw", "psrld", "psraw", "psllq", "psrldq", "pslldq"}[g.r.IntN(6)], g.r.IntN(20), x())
	case 4:
		g.emit("pshufd $%d, %s, %s", g.r.IntN(256), x(), x())
		g.emit("shufps $%d, %s, %s", g.r.IntN(256), x(), x())
	case 5:
		g.emit("%s %s, %s", []string{"cvtps2pd", "cvtpd2ps", "cvtdq2ps", "cvttps2dq", "cvtss2sd", "cvtsd2ss", "rcpps", "rsqrtps"}[g.r.IntN(8)], x(), x())
	case 6:
		g.emit("cvtsi2sd %s, %s", sized(g.reg(), 64), x())
		g.emit("cvttsd2si %s, %s", x(), sized(g.reg(), 64))
	case 7:
		g.emit("%s %s, %s", []string{"comisd", "ucomiss"}[g.r.IntN(2)], x(), x())
		g.emit("%s %s, %s", []string{"pmovmskb", "movmskps"}[g.r.IntN(2)], x(), sized(g.reg(), 32))
	case 8:
		g.emit("movdqu %s, DATA+0x%x", x(), 0xc00+16*g.r.IntN(16))
	}
}

// randomCase builds the case for seed.
func randomCase(seed uint64) Case {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x5eed))}
	n := 20 + g.r.IntN(40)
	for i := 0; i < n; i++ {
		switch k := g.r.IntN(10); {
		case k < 5:
			g.integer()
		case k < 6:
			g.str()
		case k < 8:
			g.x87()
		default:
			g.sse()
		}
	}
	g.emit("pushfq")
	g.emit("pop %%rax")
	code := g.b.String() + stop
	regs := rand.New(rand.NewPCG(seed, 0x2e95))
	return Case{
		Name: fmt.Sprintf("seed-%d", seed), Start: User64, Stop: AtStop(), Code: code,
		Setup: func(w *World) {
			userData(w)
			for i := uint64(0); i < 0x800; i += 8 {
				w.Put64(DataBase+0xa00+i, regs.Uint64())
			}
			s := &w.State
			for i := range s.GPR {
				if i != accel.RSP {
					s.GPR[i] = regs.Uint64() >> (regs.IntN(4) * 16)
				}
			}
			for i := range s.FPU.XMM {
				for j := range s.FPU.XMM[i] {
					s.FPU.XMM[i][j] = byte(regs.Uint32())
				}
			}
			s.FPU.MXCSR = 0x1f80 | uint32(regs.IntN(4))<<13 // rounding mode
			s.RFLAGS = 0x202 | uint64(regs.IntN(2))         // CF
		},
	}
}

// TestRandomUserSequences runs -cpudiff.random seeded random sequences
// (from -cpudiff.seed). A failure names its seed; FuzzUserSequence
// explores further.
func TestRandomUserSequences(t *testing.T) {
	var cases []Case
	for i := 0; i < *randomSeqs; i++ {
		cases = append(cases, randomCase(*randomSeed+uint64(i)))
	}
	runCases(t, cases)
}

// FuzzUserSequence compares a random CPL3 sequence per input seed.
func FuzzUserSequence(f *testing.F) {
	for _, s := range []uint64{1, 2, 3, 42, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		if env == nil {
			t.Skip(ErrNoAssembler)
		}
		c := randomCase(seed)
		env.RunCase(t, &c)
	})
}
