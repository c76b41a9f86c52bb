package simd

import "testing"

var benchSink Vec

func benchVecs() (Vec, Vec) {
	return VecFrom(0x3ff3333333333333, 0x4009999999999999), VecFrom(0x3fe6666666666666, 0x3ff8000000000000)
}

func BenchmarkAddSD(b *testing.B) {
	d, s := benchVecs()
	mx := MXCSRDefault
	for b.Loop() {
		AddSD(&d, &s, &mx)
		d.SetU64(0, 0x3ff3333333333333)
	}
	benchSink = d
}

func BenchmarkMulSD(b *testing.B) {
	d, s := benchVecs()
	mx := MXCSRDefault
	for b.Loop() {
		MulSD(&d, &s, &mx)
		d.SetU64(0, 0x3ff3333333333333)
	}
	benchSink = d
}

func BenchmarkDivSD(b *testing.B) {
	d, s := benchVecs()
	mx := MXCSRDefault
	for b.Loop() {
		DivSD(&d, &s, &mx)
		d.SetU64(0, 0x3ff3333333333333)
	}
	benchSink = d
}

func BenchmarkAddPS(b *testing.B) {
	d := VecFrom(0x3f8000003f99999a, 0x4000000040400000)
	s := VecFrom(0x3f0000003f19999a, 0x3e8000003e99999a)
	mx := MXCSRDefault
	for b.Loop() {
		AddPS(&d, &s, &mx)
		d = VecFrom(0x3f8000003f99999a, 0x4000000040400000)
	}
	benchSink = d
}

func BenchmarkAddSDDirected(b *testing.B) {
	d, s := benchVecs()
	mx := MXCSRDefault | RoundZero<<RCShift
	for b.Loop() {
		AddSD(&d, &s, &mx)
		d.SetU64(0, 0x3ff3333333333333)
	}
	benchSink = d
}

func BenchmarkAddSDDenormal(b *testing.B) {
	d, s := VecFrom(0x000fffffffffffff, 0), VecFrom(0x0000000000000003, 0)
	mx := MXCSRDefault
	for b.Loop() {
		AddSD(&d, &s, &mx)
		d.SetU64(0, 0x000fffffffffffff)
	}
	benchSink = d
}

func BenchmarkPaddD(b *testing.B) {
	d, s := benchVecs()
	for b.Loop() {
		PaddD(&d, &s)
	}
	benchSink = d
}

func BenchmarkPxor(b *testing.B) {
	d, s := benchVecs()
	for b.Loop() {
		Pxor(&d, &s)
	}
	benchSink = d
}

func BenchmarkPshufB(b *testing.B) {
	d, s := benchVecs()
	for b.Loop() {
		PshufB(&d, &s)
	}
	benchSink = d
}

func BenchmarkPcmpIstrI(b *testing.B) {
	a := Vec{'a', 'e', 'i', 'o', 'u'}
	s := Vec{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}
	var n uint32
	for b.Loop() {
		i, _ := PcmpIstrI(&a, &s, 0)
		n += i
	}
	_ = n
}

func TestNoAllocations(t *testing.T) {
	d, s := benchVecs()
	mx := MXCSRDefault
	for name, f := range map[string]func(){
		"AddSD":     func() { AddSD(&d, &s, &mx) },
		"MulPD":     func() { MulPD(&d, &s, &mx) },
		"AddPS":     func() { AddPS(&d, &s, &mx) },
		"CvtPS2DQ":  func() { CvtPS2DQ(&d, &s, &mx) },
		"PaddB":     func() { PaddB(&d, &s) },
		"PshufB":    func() { PshufB(&d, &s) },
		"PcmpEstrM": func() { PcmpEstrM(&d, &s, 5, 7, 0x44) },
		"CRC32":     func() { CRC32(1, 2, 8) },
		"PaddBMMX":  func() { PaddBMMX(1, 2) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s allocates %v times per call", name, n)
		}
	}
}
