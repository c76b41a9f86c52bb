package cpuid

import "testing"

func TestLookupSpellings(t *testing.T) {
	for _, tc := range []struct {
		in   string
		leaf uint32
		reg  Reg
		bit  uint8
	}{
		{"sse4.2", 1, ECX, 20},
		{"sse4_2", 1, ECX, 20},
		{"sse4-1", 1, ECX, 19},
		{"lahf_lm", 0x80000001, ECX, 0},
		{"arch-capabilities", 7, EDX, 29},
		{"x2apic", 1, ECX, 21},
		{"lm", 0x80000001, EDX, 29},
		{"sse3", 1, ECX, 0},
	} {
		f, ok := Lookup(tc.in)
		if !ok || f.Leaf != tc.leaf || f.Reg != tc.reg || f.Bit != tc.bit {
			t.Errorf("Lookup(%q) = %+v, %v", tc.in, f, ok)
		}
	}
	if _, ok := Lookup("no-such-feature"); ok {
		t.Error("unknown feature found")
	}
}

func TestNoDuplicateBits(t *testing.T) {
	seen := map[[4]uint32]string{}
	names := map[string]bool{}
	for _, f := range Features {
		k := [4]uint32{f.Leaf, f.Sub, uint32(f.Reg), uint32(f.Bit)}
		if o, ok := seen[k]; ok {
			t.Errorf("%s and %s share a bit", o, f.Name)
		}
		seen[k] = f.Name
		if names[f.Name] {
			t.Errorf("duplicate name %s", f.Name)
		}
		names[f.Name] = true
	}
}

func TestSet(t *testing.T) {
	s := Models["qemu64"].Features.Clone()
	if !s.Has("sse2") || s.Has("sse4.2") {
		t.Fatalf("qemu64: %v", s.Names())
	}
	if err := s.Add("sse4.2"); err != nil || !s.Has("sse4_2") {
		t.Fatalf("Add: %v", err)
	}
	if err := s.Remove("bogus"); err == nil {
		t.Error("Remove of unknown feature accepted")
	}
	if Models["qemu64"].Features.Has("sse4.2") {
		t.Error("Clone shares storage")
	}
}
