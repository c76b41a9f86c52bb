package cpudiff

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
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
		t.Run(c.Name, func(t *testing.T) { runKnown(t, c) })
	}
}

// knownBugs are interpreter bugs this suite has found and that are not
// fixed yet, by the subtest names they break (a name ending in "/" covers
// every case under it). A case listed here still runs: when it fails, it
// is skipped with the bug's description; when it passes, the log says the
// entry can go.
var knownBugs = []struct{ cases, bug string }{}

func knownBug(name string) (string, bool) {
	for _, k := range knownBugs {
		if name == k.cases || (strings.HasSuffix(k.cases, "/") && strings.HasPrefix(name, k.cases)) {
			return k.bug, true
		}
	}
	return "", false
}

// runKnown runs a case, turning the failure of a listed known bug into a
// skip that names it.
func runKnown(t *testing.T, c *Case) {
	bug, known := knownBug(t.Name())
	if !known {
		env.RunCase(t, c)
		return
	}
	rec := &recorder{t: t}
	env.RunCase(rec, c)
	if rec.failed {
		t.Skipf("known interpreter bug: %s\n%s", bug, strings.Join(rec.msgs, "\n"))
	}
	t.Logf("passes: the known-bug entry %q can be removed", bug)
}

// recorder collects failures instead of reporting them.
type recorder struct {
	t      *testing.T
	failed bool
	msgs   []string
}

func (r *recorder) Helper()                         {}
func (r *recorder) Logf(format string, args ...any) { r.t.Logf(format, args...) }
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.t.Fatal(args...) }

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
