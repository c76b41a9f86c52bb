package softfloat

import "testing"

var sink Float80

func BenchmarkAdd(b *testing.B) {
	c := NewContext(0x37f)
	x, y := Pi, Ln2
	for b.Loop() {
		sink = c.Add(x, y)
	}
}

func BenchmarkMul(b *testing.B) {
	c := NewContext(0x37f)
	x, y := Pi, Ln2
	for b.Loop() {
		sink = c.Mul(x, y)
	}
}

func BenchmarkDiv(b *testing.B) {
	c := NewContext(0x37f)
	x, y := Pi, Ln2
	for b.Loop() {
		sink = c.Div(x, y)
	}
}

func BenchmarkSqrt(b *testing.B) {
	c := NewContext(0x37f)
	for b.Loop() {
		sink = c.Sqrt(Pi)
	}
}

func BenchmarkSin(b *testing.B) {
	c := NewContext(0x37f)
	for b.Loop() {
		sink, _ = c.Sin(Pi)
	}
}

func TestNoAllocations(t *testing.T) {
	c := NewContext(0x37f)
	for name, f := range map[string]func(){
		"Add":   func() { sink = c.Add(Pi, Ln2) },
		"Div":   func() { sink = c.Div(Pi, Ln2) },
		"Sqrt":  func() { sink = c.Sqrt(Pi) },
		"Sin":   func() { sink, _ = c.Sin(Pi) },
		"YL2X":  func() { sink = c.YL2X(Pi, Ln2) },
		"ToBCD": func() { _ = c.ToBCD(Pi) },
	} {
		if n := testing.AllocsPerRun(50, f); n != 0 {
			t.Errorf("%s allocates %v times per call", name, n)
		}
	}
}
