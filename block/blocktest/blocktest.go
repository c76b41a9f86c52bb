// Package blocktest is the shared test suite every image format passes:
// random writes, zero writes and discards checked against a model of the
// disk, across reopen.
package blocktest

import (
	"bytes"
	"math/rand"
	"testing"

	"gemu/block"
)

// Config describes a format under test.
type Config struct {
	Format block.Format
	Size   int64
	Opts   block.Options
	// DiscardZeroes is true when discarded ranges read as zeroes.
	DiscardZeroes bool
	Ops           int
}

// Run runs the suite.
func Run(t *testing.T, c Config) {
	t.Helper()
	if c.Size == 0 {
		c.Size = 8 << 20
	}
	if c.Ops == 0 {
		c.Ops = 300
	}
	f := &block.MemFile{}
	if err := c.Format.Create(f, c.Size, block.CreateOptions{Opts: c.Opts}); err != nil {
		t.Fatalf("Create: %v", err)
	}
	img, err := c.Format.Open(f, block.OpenOptions{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if img.Size() != c.Size {
		t.Fatalf("Size() = %d, want %d", img.Size(), c.Size)
	}
	model := make([]byte, c.Size)
	rng := rand.New(rand.NewSource(1))
	check := func(when string) {
		t.Helper()
		got := make([]byte, c.Size)
		if _, err := img.ReadAt(got, 0); err != nil {
			t.Fatalf("%s: ReadAt: %v", when, err)
		}
		if !bytes.Equal(got, model) {
			for i := range got {
				if got[i] != model[i] {
					t.Fatalf("%s: byte %d = %#x, want %#x", when, i, got[i], model[i])
				}
			}
		}
	}
	for i := 0; i < c.Ops; i++ {
		off := rng.Int63n(c.Size)
		n := rng.Int63n(min(c.Size-off, 256<<10)) + 1
		if rng.Intn(3) == 0 {
			off &^= 4095
			n = (n + 4095) &^ 4095
			if off+n > c.Size {
				n = c.Size - off
			}
		}
		switch op := rng.Intn(10); {
		case op < 6:
			p := make([]byte, n)
			if rng.Intn(4) > 0 {
				rng.Read(p)
			}
			if _, err := img.WriteAt(p, off); err != nil {
				t.Fatalf("op %d: WriteAt(%d, %d): %v", i, n, off, err)
			}
			copy(model[off:], p)
		case op < 8:
			z, ok := img.(block.Zeroer)
			if !ok {
				continue
			}
			if err := z.WriteZeroes(off, n, rng.Intn(2) == 0); err != nil {
				t.Fatalf("op %d: WriteZeroes(%d, %d): %v", i, off, n, err)
			}
			clear(model[off : off+n])
		case op < 9:
			d, ok := img.(block.Discarder)
			if !ok || !c.DiscardZeroes {
				continue
			}
			if err := d.Discard(off, n); err != nil {
				t.Fatalf("op %d: Discard(%d, %d): %v", i, off, n, err)
			}
			// Only whole clusters are dropped; read back to learn which.
			got := make([]byte, n)
			if _, err := img.ReadAt(got, off); err != nil {
				t.Fatal(err)
			}
			for j := range got {
				if got[j] != 0 && got[j] != model[off+int64(j)] {
					t.Fatalf("op %d: discard left byte %d = %#x, neither zero nor old %#x", i, off+int64(j), got[j], model[off+int64(j)])
				}
			}
			copy(model[off:], got)
		default:
			if err := img.Flush(); err != nil {
				t.Fatalf("Flush: %v", err)
			}
		}
		if i%50 == 0 {
			check("mid-run")
		}
	}
	check("after writes")
	if err := img.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	img, err = c.Format.Open(f, block.OpenOptions{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	check("after reopen")
	if ck, ok := img.(block.Checker); ok {
		res, err := ck.Check(block.CheckNone)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		if res.Corruptions != 0 || res.Leaks != 0 || res.CheckErrors != 0 {
			t.Fatalf("Check: %+v", res)
		}
	}
	img.Close()
}
