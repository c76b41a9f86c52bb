package cpudiff

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"testing"
)

var (
	env         *Env
	laxAccessed = flag.Bool("cpudiff.lax-accessed", false, "ignore accessed bits in segment caches and descriptor tables (investigation aid)")
)

func TestMain(m *testing.M) {
	flag.Parse()
	as, err := NewAssembler()
	if err != nil && !errors.Is(err, ErrNoAssembler) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if as != nil {
		env = &Env{Asm: as, LaxAccessed: *laxAccessed}
	}
	code := m.Run()
	if as != nil {
		as.Close()
	}
	os.Exit(code)
}

// runCases runs each case as a subtest.
func runCases(t *testing.T, cases []Case) {
	t.Helper()
	if env == nil {
		t.Skip(ErrNoAssembler)
	}
	for i := range cases {
		c := &cases[i]
		t.Run(c.Name, func(t *testing.T) { env.RunCase(t, c) })
	}
}

// wantU32 checks doublewords of the final RAM.
func wantU32(pairs ...uint64) func(r *Result) error {
	return func(r *Result) error {
		for i := 0; i+1 < len(pairs); i += 2 {
			if got := r.U32(pairs[i]); uint64(got) != pairs[i+1] {
				return fmt.Errorf("RAM[%#x] = %#x, want %#x", pairs[i], got, pairs[i+1])
			}
		}
		return nil
	}
}
