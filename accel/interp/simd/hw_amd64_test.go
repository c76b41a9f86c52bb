//go:build linux

package simd

import (
	"encoding/binary"
	"flag"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"gemu/accel/interp/simd/internal/ssehw"
)

// The differential test runs every instruction form of internal/ssehw on the
// host and through this package over the same random operands and MXCSR
// values, and compares the results, MXCSR, RFLAGS and general registers
// bit for bit. -sse.cases scales the cases per form; -sse.seed reproduces a
// run; -sse.op restricts it to forms whose name contains the string.
var (
	sseCases = flag.Int("sse.cases", 200, "random cases per instruction form")
	sseSeed  = flag.Uint64("sse.seed", 0, "seed (0: random)")
	sseOp    = flag.String("sse.op", "", "only forms whose name contains this")
)

// What a form's model produces, beyond MXCSR and the fault outcome.
const (
	cmpOut     = 1 << iota // XMM0 (all 16 bytes)
	cmpOutLo               // low 8 bytes of Out (MMX results)
	cmpOutMM               // OutMM
	cmpFlags               // RFLAGS arithmetic bits
	cmpRAX                 // RAX
	cmpRCX                 // RCX
	cmpNoMXCSR             // integer instruction: MXCSR untouched, never faults
)

// operand kinds, for the generators.
const (
	opF32 = iota
	opF64
	opInt
	opStr8  // SSE4.2 string bytes
	opStr16 // SSE4.2 string words
)

type model struct {
	run     func(fr *ssehw.Frame, imm uint8) bool
	compare int
	operand int
	gprIn   bool // RAX/RCX/RDX are random inputs
}

var models = map[string]model{}

func vv(fn func(d, s *Vec, mx *uint32) bool) func(*ssehw.Frame, uint8) bool {
	return func(fr *ssehw.Frame, _ uint8) bool {
		d, s, mx := Vec(fr.Dst), Vec(fr.Src), fr.MXCSR
		fault := fn(&d, &s, &mx)
		fr.Out, fr.MXCSROut = d, mx
		return fault
	}
}

func vvi(fn func(d, s *Vec, imm uint8, mx *uint32) bool) func(*ssehw.Frame, uint8) bool {
	return func(fr *ssehw.Frame, imm uint8) bool {
		d, s, mx := Vec(fr.Dst), Vec(fr.Src), fr.MXCSR
		fault := fn(&d, &s, imm, &mx)
		fr.Out, fr.MXCSROut = d, mx
		return fault
	}
}

func init() {
	f := func(name string, op int, fn func(d, s *Vec, mx *uint32) bool) {
		models[name] = model{run: vv(fn), compare: cmpOut, operand: op}
	}
	f("addps", opF32, AddPS)
	f("addss", opF32, AddSS)
	f("addpd", opF64, AddPD)
	f("addsd", opF64, AddSD)
	f("subps", opF32, SubPS)
	f("subss", opF32, SubSS)
	f("subpd", opF64, SubPD)
	f("subsd", opF64, SubSD)
	f("mulps", opF32, MulPS)
	f("mulss", opF32, MulSS)
	f("mulpd", opF64, MulPD)
	f("mulsd", opF64, MulSD)
	f("divps", opF32, DivPS)
	f("divss", opF32, DivSS)
	f("divpd", opF64, DivPD)
	f("divsd", opF64, DivSD)
	f("sqrtps", opF32, SqrtPS)
	f("sqrtss", opF32, SqrtSS)
	f("sqrtpd", opF64, SqrtPD)
	f("sqrtsd", opF64, SqrtSD)
	f("minps", opF32, MinPS)
	f("minss", opF32, MinSS)
	f("minpd", opF64, MinPD)
	f("minsd", opF64, MinSD)
	f("maxps", opF32, MaxPS)
	f("maxss", opF32, MaxSS)
	f("maxpd", opF64, MaxPD)
	f("maxsd", opF64, MaxSD)
	f("addsubps", opF32, AddSubPS)
	f("addsubpd", opF64, AddSubPD)
	f("haddps", opF32, HaddPS)
	f("haddpd", opF64, HaddPD)
	f("hsubps", opF32, HsubPS)
	f("hsubpd", opF64, HsubPD)
	f("cvtps2pd", opF32, CvtPS2PD)
	f("cvtpd2ps", opF64, CvtPD2PS)
	f("cvtss2sd", opF32, CvtSS2SD)
	f("cvtsd2ss", opF64, CvtSD2SS)
	f("cvtdq2ps", opInt, CvtDQ2PS)
	f("cvtps2dq", opF32, CvtPS2DQ)
	f("cvttps2dq", opF32, CvttPS2DQ)
	f("cvtpd2dq", opF64, CvtPD2DQ)
	f("cvttpd2dq", opF64, CvttPD2DQ)
	models["cvtdq2pd"] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
		d, s := Vec(fr.Dst), Vec(fr.Src)
		CvtDQ2PD(&d, &s)
		fr.Out, fr.MXCSROut = d, fr.MXCSR
		return false
	}, compare: cmpOut, operand: opInt}
	fi := func(name string, op int, fn func(d, s *Vec, imm uint8, mx *uint32) bool) {
		models[name] = model{run: vvi(fn), compare: cmpOut, operand: op}
	}
	fi("cmpps", opF32, CmpPS)
	fi("cmpss", opF32, CmpSS)
	fi("cmppd", opF64, CmpPD)
	fi("cmpsd", opF64, CmpSD)
	fi("roundps", opF32, RoundPS)
	fi("roundpd", opF64, RoundPD)
	fi("roundss", opF32, RoundSS)
	fi("roundsd", opF64, RoundSD)
	comi := func(name string, op int, fn func(a, b *Vec, mx *uint32) (uint64, bool)) {
		models[name] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
			d, s, mx := Vec(fr.Dst), Vec(fr.Src), fr.MXCSR
			fl, fault := fn(&d, &s, &mx)
			fr.Out, fr.MXCSROut, fr.Flags = d, mx, fl
			return fault
		}, compare: cmpOut | cmpFlags, operand: op}
	}
	comi("comiss", opF32, ComiSS)
	comi("ucomiss", opF32, UcomiSS)
	comi("comisd", opF64, ComiSD)
	comi("ucomisd", opF64, UcomiSD)
	si := func(name string, is64, double bool) {
		models[name] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
			d, mx := Vec(fr.Dst), fr.MXCSR
			var fault bool
			if double {
				fault = CvtSI2SD(&d, int64(fr.RAX), is64, &mx)
			} else {
				fault = CvtSI2SS(&d, int64(fr.RAX), is64, &mx)
			}
			fr.Out, fr.MXCSROut = d, mx
			return fault
		}, compare: cmpOut, operand: opF64, gprIn: true}
	}
	si("cvtsi2ss", false, false)
	si("cvtsi2ssq", true, false)
	si("cvtsi2sd", false, true)
	si("cvtsi2sdq", true, true)
	s2i := func(name string, op int, is64, trunc bool) {
		models[name] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
			s, mx := Vec(fr.Src), fr.MXCSR
			var r uint64
			var fault bool
			if op == opF32 {
				r, fault = CvtSS2SI(&s, is64, trunc, &mx)
			} else {
				r, fault = CvtSD2SI(&s, is64, trunc, &mx)
			}
			fr.Out, fr.MXCSROut, fr.RAX = fr.Dst, mx, r
			return fault
		}, compare: cmpRAX, operand: op}
	}
	s2i("cvtss2si", opF32, false, false)
	s2i("cvtss2siq", opF32, true, false)
	s2i("cvttss2si", opF32, false, true)
	s2i("cvttss2siq", opF32, true, true)
	s2i("cvtsd2si", opF64, false, false)
	s2i("cvtsd2siq", opF64, true, false)
	s2i("cvttsd2si", opF64, false, true)
	s2i("cvttsd2siq", opF64, true, true)
	models["cvtpi2ps"] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
		d, mx := Vec(fr.Dst), fr.MXCSR
		fault := CvtPI2PS(&d, binary.LittleEndian.Uint64(fr.Src[:]), &mx)
		fr.Out, fr.MXCSROut, fr.OutMM = d, mx, binary.LittleEndian.Uint64(fr.Dst[:])
		return fault
	}, compare: cmpOut | cmpOutMM, operand: opInt}
	models["cvtpi2pd"] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
		d := Vec(fr.Dst)
		CvtPI2PD(&d, binary.LittleEndian.Uint64(fr.Src[:]))
		fr.Out, fr.MXCSROut, fr.OutMM = d, fr.MXCSR, binary.LittleEndian.Uint64(fr.Dst[:])
		return false
	}, compare: cmpOut | cmpOutMM, operand: opInt}
	p2i := func(name string, op int, trunc bool) {
		models[name] = model{run: func(fr *ssehw.Frame, _ uint8) bool {
			s, mx := Vec(fr.Src), fr.MXCSR
			var r uint64
			var fault bool
			if op == opF32 {
				r, fault = CvtPS2PI(&s, trunc, &mx)
			} else {
				r, fault = CvtPD2PI(&s, trunc, &mx)
			}
			fr.Out, fr.MXCSROut, fr.OutMM = fr.Dst, mx, r
			return fault
		}, compare: cmpOutMM, operand: op}
	}
	p2i("cvtps2pi", opF32, false)
	p2i("cvttps2pi", opF32, true)
	p2i("cvtpd2pi", opF64, false)
	p2i("cvttpd2pi", opF64, true)
}

func newRand(t testing.TB) *rand.Rand {
	s := *sseSeed
	if s == 0 {
		s = rand.Uint64()
	}
	t.Logf("seed %d (rerun with -sse.seed=%d)", s, s)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

func randF32(r *rand.Rand) uint32 {
	s := uint32(r.IntN(2)) << 31
	m := r.Uint32() & (1<<23 - 1)
	switch r.IntN(5) {
	case 0:
		m >>= r.IntN(24)
	case 1:
		m &^= 1<<r.IntN(24) - 1
	}
	switch r.IntN(16) {
	case 0:
		return s
	case 1:
		return s | 0x7f800000
	case 2:
		return s | 0x7fc00000 | m
	case 3:
		return s | 0x7f800000 | (m>>1 + 1) // SNaN
	case 4:
		return s | m // denormal (or zero)
	case 5:
		return s | uint32(1+r.IntN(30))<<23 | m // small
	case 6:
		return s | uint32(0xfe-r.IntN(30))<<23 | m // large
	case 7:
		return s | 0x7f7fffff
	case 8:
		return s | uint32(127+r.IntN(64))<<23 | m // integer-ish range
	}
	return s | uint32(127-40+r.IntN(80))<<23 | m
}

func randF64(r *rand.Rand) uint64 {
	s := uint64(r.IntN(2)) << 63
	m := r.Uint64() & (1<<52 - 1)
	switch r.IntN(5) {
	case 0:
		m >>= r.IntN(53)
	case 1:
		m &^= 1<<r.IntN(53) - 1
	}
	switch r.IntN(16) {
	case 0:
		return s
	case 1:
		return s | 0x7ff0000000000000
	case 2:
		return s | 0x7ff8000000000000 | m
	case 3:
		return s | 0x7ff0000000000000 | (m>>1 + 1)
	case 4:
		return s | m
	case 5:
		return s | uint64(1+r.IntN(60))<<52 | m
	case 6:
		return s | uint64(0x7fe-r.IntN(60))<<52 | m
	case 7:
		// around float32's range, for conversions
		return s | uint64(1023-126-30+r.IntN(60))<<52 | m
	case 8:
		return s | uint64(1023+r.IntN(66))<<52 | m
	case 9:
		return s | uint64(1023+127-5+r.IntN(10))<<52 | m
	}
	return s | uint64(1023-60+r.IntN(120))<<52 | m
}

func randInt(r *rand.Rand) uint64 {
	switch r.IntN(6) {
	case 0:
		return 0
	case 1:
		return ^uint64(0)
	case 2:
		return r.Uint64() >> r.IntN(64)
	case 3:
		// boundary patterns in every lane width
		p := []uint64{0x8000800080008000, 0x7fff7fff7fff7fff, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f, 0x8000000080000000, 0x7fffffff7fffffff, 0xffff0000ffff0000, 0x00ff00ff00ff00ff}
		return p[r.IntN(len(p))] ^ r.Uint64()&(r.Uint64()&r.Uint64()&r.Uint64())
	}
	return r.Uint64()
}

func fillVec(r *rand.Rand, v *[16]byte, kind int) {
	switch kind {
	case opF32:
		for i := 0; i < 4; i++ {
			binary.LittleEndian.PutUint32(v[i*4:], randF32(r))
		}
	case opF64:
		for i := 0; i < 2; i++ {
			binary.LittleEndian.PutUint64(v[i*8:], randF64(r))
		}
	case opStr8:
		// Strings over a small alphabet, so that matches, ranges and
		// terminators are common.
		alpha := []byte{0, 'a', 'b', 'c', 'z', 0x80, 0xff, 0x7f}
		for i := range v {
			v[i] = alpha[r.IntN(len(alpha))]
			if r.IntN(4) == 0 {
				v[i] = alpha[1+r.IntN(4)]
			}
		}
		if r.IntN(3) == 0 {
			v[r.IntN(16)] = 0
		}
		if r.IntN(3) == 0 {
			for i := range v {
				if v[i] == 0 {
					v[i] = 'a'
				}
			}
		}
	default:
		for i := 0; i < 2; i++ {
			binary.LittleEndian.PutUint64(v[i*8:], randInt(r))
		}
	}
}

func randMXCSR(r *rand.Rand) uint32 {
	m := uint32(r.IntN(4)) << RCShift
	if r.IntN(3) == 0 {
		m |= DAZ
	}
	if r.IntN(3) == 0 {
		m |= FTZ
	}
	if r.IntN(4) == 0 {
		m |= uint32(r.IntN(64)) << 7
	} else {
		m |= Masks
	}
	if r.IntN(8) == 0 {
		m |= uint32(r.IntN(64)) // sticky flags already set
	}
	return m
}

func randomFrame(r *rand.Rand, m model) ssehw.Frame {
	var fr ssehw.Frame
	fillVec(r, &fr.Dst, m.operand)
	fillVec(r, &fr.Src, m.operand)
	if r.IntN(6) == 0 {
		fr.Src = fr.Dst
	}
	fillVec(r, &fr.Mask, opInt)
	fr.MXCSR = randMXCSR(r)
	fr.RAX, fr.RCX, fr.RDX = randInt(r), randInt(r), randInt(r)
	if m.operand == opStr8 {
		// explicit lengths: mostly in range, sometimes negative or huge
		fr.RAX = uint64(int64(r.IntN(40) - 20))
		fr.RDX = uint64(int64(r.IntN(40) - 20))
		if r.IntN(8) == 0 {
			fr.RAX = r.Uint64()
		}
	}
	return fr
}

func TestHostSSE(t *testing.T) {
	r := newRand(t)
	counts := map[string]int{}
	bad := map[string]int{}
	var missing []string
	seenMissing := map[string]bool{}
	for _, op := range ssehw.Ops {
		if *sseOp != "" && !strings.Contains(op.Name, *sseOp) {
			continue
		}
		m, ok := models[op.Name]
		if !ok {
			if !seenMissing[op.Name] {
				seenMissing[op.Name] = true
				missing = append(missing, op.Name)
			}
			continue
		}
		imm := uint8(max(op.Imm, 0))
		for i := 0; i < *sseCases; i++ {
			in := randomFrame(r, m)
			hw, sw := in, in
			hwFault := ssehw.Run(op.Fn, &hw)
			swFault := m.run(&sw, imm)
			counts[op.Name]++
			if msg := diff(m, hwFault, swFault, &hw, &sw); msg != "" {
				bad[op.Name]++
				if bad[op.Name] <= 3 {
					t.Errorf("%s imm %#x mxcsr %#x dst % x src % x rax %#x rcx %#x rdx %#x: %s", op.Name, imm, in.MXCSR,
						in.Dst, in.Src, in.RAX, in.RCX, in.RDX, msg)
				}
			}
		}
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%-12s %6d cases %d mismatches", n, counts[n], bad[n])
	}
	if len(missing) > 0 {
		t.Logf("no model for: %s", strings.Join(missing, " "))
	}
}

func diff(m model, hwFault, swFault bool, hw, sw *ssehw.Frame) string {
	var b strings.Builder
	if hwFault != swFault {
		b.WriteString("fault: ")
		if hwFault {
			b.WriteString("host faulted, model did not; ")
		} else {
			b.WriteString("model faulted, host did not; ")
		}
	}
	if m.compare&cmpNoMXCSR == 0 && hw.MXCSROut != sw.MXCSROut {
		b.WriteString(sprintf("mxcsr host %#x model %#x; ", hw.MXCSROut, sw.MXCSROut))
	}
	if hwFault || swFault {
		return b.String()
	}
	if m.compare&cmpOut != 0 && hw.Out != sw.Out {
		b.WriteString(sprintf("out host % x model % x; ", hw.Out, sw.Out))
	}
	if m.compare&cmpOutLo != 0 && [8]byte(hw.Out[:8]) != [8]byte(sw.Out[:8]) {
		b.WriteString(sprintf("out host % x model % x; ", hw.Out[:8], sw.Out[:8]))
	}
	if m.compare&cmpOutMM != 0 && hw.OutMM != sw.OutMM {
		b.WriteString(sprintf("mm host %#x model %#x; ", hw.OutMM, sw.OutMM))
	}
	const arith = 0x8d5
	if m.compare&cmpFlags != 0 && hw.Flags&arith != sw.Flags&arith {
		b.WriteString(sprintf("eflags host %#x model %#x; ", hw.Flags&arith, sw.Flags&arith))
	}
	if m.compare&cmpRAX != 0 && hw.RAX != sw.RAX {
		b.WriteString(sprintf("rax host %#x model %#x; ", hw.RAX, sw.RAX))
	}
	if m.compare&cmpRCX != 0 && hw.RCX != sw.RCX {
		b.WriteString(sprintf("rcx host %#x model %#x; ", hw.RCX, sw.RCX))
	}
	return b.String()
}
