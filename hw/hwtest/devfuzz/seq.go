package devfuzz

import (
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gemu/hw/bus"
	"gemu/hw/hwtest/script"
)

// Seq encodes operations as Run decodes them, to build seed inputs.
type Seq struct {
	b []byte
}

// Bytes returns the encoded input.
func (s *Seq) Bytes() []byte { return s.b }

func sizeCode(size int) byte { return byte(bits.TrailingZeros(uint(size)) & 3) }

func (s *Seq) u(v uint64, n int) {
	for i := 0; i < n; i++ {
		s.b = append(s.b, byte(v>>(8*i)))
	}
}

// Read reads size bytes at off in region r (an index into the instance's
// Regions) through the bus.
func (s *Seq) Read(r int, off uint64, size int) *Seq {
	s.b = append(s.b, opRead, byte(r), sizeCode(size))
	s.u(off, 2)
	return s
}

// Write writes val through the bus.
func (s *Seq) Write(r int, off uint64, size int, val uint64) *Seq {
	s.b = append(s.b, opWrite, byte(r), sizeCode(size))
	s.u(off, 2)
	s.u(val, size)
	return s
}

// Advance moves the clock by about d (to within 1/256).
func (s *Seq) Advance(d time.Duration) *Seq {
	if d < 0 {
		d = 0
	}
	if d > 1<<40 {
		d = 1 << 40
	}
	x := uint64(d) << 8
	e := 0
	for e < 35 && x>>e > 256 {
		e++
	}
	m := min(x>>e, 256)
	if m > 0 {
		m--
	}
	s.b = append(s.b, opAdvance, byte(e), byte(m))
	return s
}

// Fork snapshots the instance and continues with a copy loaded from it,
// its clock later by a multiple of 1.234567 ms (0..127).
func (s *Seq) Fork(later int) *Seq {
	if later <= 0 {
		s.b = append(s.b, opFork, 0)
	} else {
		s.b = append(s.b, opFork, byte(later)<<1|1)
	}
	return s
}

// Op runs the instance's i-th own operation with argument bytes.
func (s *Seq) Op(i int, args ...byte) *Seq {
	s.b = append(s.b, byte(numBuiltin+i))
	s.b = append(s.b, args...)
	return s
}

// Mapper translates a script command that is not a plain port, MMIO or
// clock command into operations; it returns false for a command it does
// not know, which is skipped.
type Mapper func(s *Seq, cmd string, args []string) bool

// FromScript translates a device script (hw/hwtest/script format) into a
// seed: port and MMIO accesses that fall in one of regions become reads
// and writes of that region, ticks become advances, and other commands go
// to m (nil: skipped). Accesses outside every region are dropped.
func FromScript(data []byte, regions []bus.Region, m Mapper) ([]byte, error) {
	sc, err := script.Parse(data)
	if err != nil {
		return nil, err
	}
	s := &Seq{}
	sizes := map[byte]int{'b': 1, 'w': 2, 'l': 4, 'q': 8}
	for _, st := range sc.Steps {
		cmd, args := st.Cmd, st.Args
		switch {
		case (strings.HasPrefix(cmd, "out") || strings.HasPrefix(cmd, "write")) && len(args) == 2,
			(strings.HasPrefix(cmd, "in") || strings.HasPrefix(cmd, "read")) && len(args) == 1:
			size := sizes[cmd[len(cmd)-1]]
			addr, err := strconv.ParseUint(args[0], 0, 64)
			if size == 0 || err != nil {
				continue
			}
			for ri, r := range regions {
				if addr < r.Base || addr-r.Base >= r.Len {
					continue
				}
				if len(args) == 2 {
					v, err := strconv.ParseUint(args[1], 0, 64)
					if err == nil {
						s.Write(ri, addr-r.Base, size, v)
					}
				} else {
					s.Read(ri, addr-r.Base, size)
				}
				break
			}
		case cmd == "tick" && len(args) == 1:
			if d, err := time.ParseDuration(args[0]); err == nil {
				s.Advance(d)
			}
		default:
			if m != nil {
				m(s, cmd, args)
			}
		}
	}
	return s.Bytes(), nil
}

// ScriptSeeds translates every testdata/*.txt script into a seed.
func ScriptSeeds(t testing.TB, regions []bus.Region, m Mapper) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var seeds [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seed, err := FromScript(data, regions, m)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		seeds = append(seeds, seed)
	}
	return seeds
}

// Seed gives fuzz target f its seeds: with -update (the script package's
// flag) they are written to testdata/fuzz/<f's name>/seed-NN, the corpus go
// test runs as unit tests and the fuzzer starts from; without it, and with
// no stored corpus, they are added to f directly.
func Seed(f *testing.F, seeds [][]byte) {
	f.Helper()
	dir := filepath.Join("testdata", "fuzz", f.Name())
	if !script.Updating() {
		if _, err := os.Stat(dir); err != nil {
			for _, s := range seeds {
				f.Add(s)
			}
		}
		return
	}
	old, _ := filepath.Glob(filepath.Join(dir, "seed-*"))
	for _, o := range old {
		os.Remove(o)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.Fatal(err)
	}
	for i, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(s)))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Logf("%s: wrote %d seeds", dir, len(seeds))
}
