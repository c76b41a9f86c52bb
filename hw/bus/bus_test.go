package bus

import (
	"strings"
	"testing"
)

type regs struct {
	mem    [16]byte
	sizes  []int
	writes int
}

func (r *regs) Read(off uint64, size int) uint64 {
	r.sizes = append(r.sizes, size)
	var v uint64
	for i := 0; i < size; i++ {
		v |= uint64(r.mem[int(off)+i]) << (8 * i)
	}
	return v
}

func (r *regs) Write(off uint64, size int, val uint64) {
	r.sizes = append(r.sizes, size)
	r.writes++
	for i := 0; i < size; i++ {
		r.mem[int(off)+i] = byte(val >> (8 * i))
	}
}

func TestOverlapNamesBoth(t *testing.T) {
	s := NewSpace("io")
	if err := s.Map(Region{Name: "serial", Base: 0x3f8, Len: 8, Handler: &regs{}}); err != nil {
		t.Fatal(err)
	}
	err := s.Map(Region{Name: "clash", Base: 0x3ff, Len: 2, Handler: &regs{}})
	if err == nil || !strings.Contains(err.Error(), "serial") || !strings.Contains(err.Error(), "clash") {
		t.Fatalf("overlap error = %v, want both names", err)
	}
	if err := s.Map(Region{Name: "next", Base: 0x400, Len: 2, Handler: &regs{}}); err != nil {
		t.Fatalf("adjacent region refused: %v", err)
	}
}

func TestUnmappedReadsOnes(t *testing.T) {
	s := NewSpace("io")
	if v, ok := s.Read(0x80, 2); ok || v != 0xffff {
		t.Errorf("Read(unmapped) = %#x, %v", v, ok)
	}
}

func TestAccessSizeAdaptation(t *testing.T) {
	for _, tc := range []struct {
		name      string
		min, max  int
		off       uint64
		size      int
		wantSizes []int
		want      uint64
	}{
		{"exact", 1, 4, 0, 4, []int{4}, 0x03020100},
		{"split 8 into 4s", 1, 4, 0, 8, []int{4, 4}, 0x0706050403020100},
		{"split 4 into 1s", 1, 1, 4, 4, []int{1, 1, 1, 1}, 0x07060504},
		{"widen 1 to 4", 4, 4, 5, 1, []int{4}, 0x05},
		{"widen 2 to 4", 4, 4, 6, 2, []int{4}, 0x0706},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &regs{}
			for i := range h.mem {
				h.mem[i] = byte(i)
			}
			s := NewSpace("mmio")
			if err := s.Map(Region{Name: "dev", Base: 0x1000, Len: 16, MinSize: tc.min, MaxSize: tc.max, Handler: h}); err != nil {
				t.Fatal(err)
			}
			v, ok := s.Read(0x1000+tc.off, tc.size)
			if !ok || v != tc.want {
				t.Errorf("Read = %#x, %v; want %#x", v, ok, tc.want)
			}
			if len(h.sizes) != len(tc.wantSizes) {
				t.Fatalf("handler saw sizes %v, want %v", h.sizes, tc.wantSizes)
			}
			for i := range h.sizes {
				if h.sizes[i] != tc.wantSizes[i] {
					t.Errorf("handler saw sizes %v, want %v", h.sizes, tc.wantSizes)
				}
			}
		})
	}
}

func TestWriteSplit(t *testing.T) {
	h := &regs{}
	s := NewSpace("mmio")
	s.Map(Region{Name: "dev", Base: 0, Len: 16, MaxSize: 2, Handler: h})
	s.Write(2, 8, 0x1122334455667788)
	if h.writes != 4 || h.mem[2] != 0x88 || h.mem[9] != 0x11 {
		t.Errorf("split write: %d writes, mem %x", h.writes, h.mem)
	}
}

func TestMoveAndUnmap(t *testing.T) {
	s := NewSpace("mmio")
	s.Map(Region{Name: "bar", Base: 0x1000, Len: 0x100, Handler: &regs{}})
	s.Map(Region{Name: "other", Base: 0x3000, Len: 0x100, Handler: &regs{}})
	if err := s.Move(0x1000, 0x3080); err == nil {
		t.Fatal("move onto another region accepted")
	}
	if _, ok := s.Lookup(0x1000); !ok {
		t.Fatal("failed move lost the region")
	}
	if err := s.Move(0x1000, 0x2000); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup(0x20ff); !ok {
		t.Error("moved region not found")
	}
	if err := s.Unmap(0x2000); err != nil {
		t.Fatal(err)
	}
	if err := s.Unmap(0x2000); err == nil {
		t.Error("double unmap accepted")
	}
}

func TestReadAllocatesNothing(t *testing.T) {
	s := NewSpace("io")
	h := &nop{}
	for i := uint64(0); i < 32; i++ {
		s.Map(Region{Name: "r", Base: i * 16, Len: 8, Handler: h})
	}
	allocs := testing.AllocsPerRun(1000, func() {
		s.Read(0x58, 1)
		s.Write(0x58, 1, 1)
	})
	if allocs != 0 {
		t.Errorf("dispatch allocates %v times", allocs)
	}
}

type nop struct{}

func (nop) Read(uint64, int) uint64   { return 0 }
func (nop) Write(uint64, int, uint64) {}

func BenchmarkDispatch(b *testing.B) {
	s := NewSpace("io")
	h := &nop{}
	for i := uint64(0); i < 64; i++ {
		s.Map(Region{Name: "r", Base: i * 16, Len: 8, Handler: h})
	}
	for i := 0; i < b.N; i++ {
		s.Write(uint64(i%64)*16, 1, 0)
	}
}
