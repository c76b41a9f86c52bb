package aml

import (
	"fmt"
	"strings"
	"testing"
)

// decodePkgLength is an independent reader of the PkgLength encoding: the
// lead byte's top two bits count the following bytes; with none, its low six
// bits are the value, otherwise its low four bits are the least significant.
func decodePkgLength(b []byte) (v, n int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("empty")
	}
	follow := int(b[0] >> 6)
	if follow == 0 {
		return int(b[0] & 0x3f), 1, nil
	}
	if b[0]&0x30 != 0 {
		return 0, 0, fmt.Errorf("lead byte %#x has bits 4-5 set", b[0])
	}
	if len(b) < 1+follow {
		return 0, 0, fmt.Errorf("truncated")
	}
	v = int(b[0] & 0x0f)
	for i := 1; i <= follow; i++ {
		v |= int(b[i]) << (4 + 8*(i-1))
	}
	return v, 1 + follow, nil
}

// decodeNameString reads a NameString back into ASL form, with every
// segment four characters long.
func decodeNameString(b []byte) (string, int, error) {
	var sb strings.Builder
	i := 0
	if i < len(b) && b[i] == opRoot {
		sb.WriteByte('\\')
		i++
	} else {
		for i < len(b) && b[i] == opParent {
			sb.WriteByte('^')
			i++
		}
	}
	if i >= len(b) {
		return "", 0, fmt.Errorf("truncated")
	}
	count := 1
	switch b[i] {
	case opZero:
		return sb.String(), i + 1, nil
	case opDualName:
		count = 2
		i++
	case opMultiName:
		if i+1 >= len(b) {
			return "", 0, fmt.Errorf("truncated")
		}
		count = int(b[i+1])
		i += 2
	}
	for s := 0; s < count; s++ {
		if i+4 > len(b) {
			return "", 0, fmt.Errorf("truncated segment")
		}
		if s > 0 {
			sb.WriteByte('.')
		}
		sb.Write(b[i : i+4])
		i += 4
	}
	return sb.String(), i, nil
}

func padSegments(path string) string {
	i := strings.LastIndexAny(path, `\^`) + 1
	if path[i:] == "" {
		return path
	}
	segs := strings.Split(path[i:], ".")
	for k, s := range segs {
		segs[k] = s + strings.Repeat("_", 4-len(s))
	}
	return path[:i] + strings.Join(segs, ".")
}

func FuzzPkgLength(f *testing.F) {
	for _, n := range []int{0, 62, 63, 4093, 4094, 1<<20 - 4, 1<<20 - 3, MaxPkgLength - 4, MaxPkgLength} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int) {
		b, err := appendPkgLength(nil, n)
		if n < 0 || n > MaxPkgLength-4 {
			if err == nil && n+len(b) > MaxPkgLength {
				t.Fatalf("PkgLength(%d) = % X beyond the maximum", n, b)
			}
			if n < 0 && err == nil {
				t.Fatalf("negative length %d encoded", n)
			}
			return
		}
		if err != nil {
			t.Fatalf("PkgLength(%d): %v", n, err)
		}
		v, used, err := decodePkgLength(b)
		if err != nil || used != len(b) || v != n+len(b) {
			t.Fatalf("PkgLength(%d) = % X decodes to %d (%d bytes), %v", n, b, v, used, err)
		}
		// The shortest encoding: one byte less would not hold the value.
		if len(b) > 1 && n+len(b)-1 <= maxForPkgSize(len(b)-1) {
			t.Fatalf("PkgLength(%d) = % X is not the shortest", n, b)
		}
		fb, err := appendFieldLength(nil, n)
		if err != nil {
			t.Fatal(err)
		}
		if v, used, _ := decodePkgLength(fb); v != n || used != len(fb) {
			t.Fatalf("field length %d = % X decodes to %d", n, fb, v)
		}
	})
}

func FuzzNameString(f *testing.F) {
	for _, s := range []string{`\`, `^`, `_SB`, `\_SB.PCI0.ISA.COM1`, `^^A.B`, `A.B`, `a`, `\\A`, `A..B`, `ABCDE`, `^\A`, `_S5`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		b, err := appendNameString(nil, path)
		if err != nil {
			return
		}
		got, used, err := decodeNameString(b)
		if err != nil || used != len(b) {
			t.Fatalf("%q encodes to % X, which decodes to %q (%d of %d bytes): %v", path, b, got, used, len(b), err)
		}
		if want := padSegments(path); got != want {
			t.Fatalf("%q encodes to % X, which decodes to %q, want %q", path, b, got, want)
		}
	})
}
