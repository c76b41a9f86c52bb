package script

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/hwtest"
)

// latch is a tiny device for the runner's own tests: a register at offset 0
// that reads back what was written, and raises its line while non-zero.
type latch struct {
	v    uint64
	line *hwtest.Line
}

func (l *latch) Read(off uint64, size int) uint64 { return l.v >> (8 * off) }
func (l *latch) Write(off uint64, size int, val uint64) {
	l.v = val << (8 * off)
	l.line.Set(l.v != 0)
}

func newEnv(t *testing.T) *Env {
	io := bus.NewSpace("io")
	line := new(hwtest.Line)
	if err := io.Map(bus.Region{Name: "latch", Base: 0x80, Len: 4, Handler: &latch{line: line}}); err != nil {
		t.Fatal(err)
	}
	clk := hw.NewManualClock()
	fired := 0
	clk.AfterFunc(5*time.Millisecond, func() { fired++ })
	return &Env{
		IO:    io,
		Clock: clk,
		Lines: map[string]*hwtest.Line{"irq5": line},
		Commands: map[string]Command{
			"fired?": func([]string) (string, error) { return fmt.Sprint(fired), nil },
			"fail":   func(args []string) (string, error) { return "", errors.New(strings.Join(args, " ")) },
			"two":    func([]string) (string, error) { return "a\nb\n", nil },
		},
	}
}

func TestScripts(t *testing.T) { RunAll(t, newEnv) }

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"output first", "> 1\n", "line 1: expected output without a command"},
		{"output after comment", "inb 0x80\n# x\n> 1\n", "line 3: expected output without a command"},
		{"long line", strings.Repeat("x", MaxLine+1), "line 1: line longer than"},
		{"many args", "cmd" + strings.Repeat(" a", MaxArgs+1), "line 1: more than 64 arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	in := "# head\n\nouTB 0x80   1\ninb 0x80\n> 0x01\n>\n  # indented comment\ntick 1ms\n# tail\n"
	s, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "# head\n\nouTB 0x80 1\ninb 0x80\n> 0x01\n>\n# indented comment\ntick 1ms\n# tail\n"
	if got := string(s.Format()); got != want {
		t.Fatalf("Format() =\n%s\nwant\n%s", got, want)
	}
	if len(s.Steps) != 3 || s.Steps[1].Line != 4 || len(s.Steps[1].Want) != 2 || s.Steps[1].Want[1] != "" {
		t.Fatalf("steps = %+v", s.Steps)
	}
}

func TestExecErrors(t *testing.T) {
	env := newEnv(t)
	for _, tc := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"outb", []string{"0x80"}, "error: outb: want address and value"},
		{"outb", []string{"0x80", "0x100"}, "error: outb: value: 0x100 exceeds 0xff"},
		{"outw", []string{"0x10000", "1"}, "error: outw: address: 0x10000 exceeds 0xffff"},
		{"inl", []string{"zz"}, `error: inl: address: bad number "zz"`},
		{"inb", []string{"0x10"}, "unmapped"},
		{"outb", []string{"0x10", "1"}, "unmapped"},
		{"readl", []string{"0"}, "error: readl: no memory space"},
		{"tick", []string{"-1s"}, `error: tick: bad duration "-1s"`},
		{"irq?", []string{"irq9"}, `error: irq?: no line "irq9"`},
		{"rises?", nil, "error: rises?: want one line name"},
		{"fail", []string{"x", "y"}, "error: x y"},
	} {
		got, err := env.Exec(tc.cmd, tc.args)
		if err != nil {
			t.Fatalf("%s %v: %v", tc.cmd, tc.args, err)
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s %v = %q, want %q", tc.cmd, tc.args, got, tc.want)
		}
	}
	if _, err := env.Exec("bogus", nil); err == nil {
		t.Error("unknown command did not fail")
	}
	if got, _ := env.Exec("two", nil); len(got) != 2 {
		t.Errorf("multi-line output = %q", got)
	}
}

// TestUpdate checks that -update rewrites a file with the actual outputs.
func TestUpdate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.txt")
	if err := os.WriteFile(p, []byte("outb 0x80 7\ninb 0x80\n> 0x99\nirq?\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := *update
	*update = true
	defer func() { *update = old }()
	Run(t, p, newEnv(t))
	got, _ := os.ReadFile(p)
	if want := "outb 0x80 7\ninb 0x80\n> 0x07\nirq?\n> irq5=1\n"; !bytes.Equal(got, []byte(want)) {
		t.Fatalf("rewritten file:\n%s\nwant\n%s", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"outb 0x3f8 0x41\ninb 0x3fd\n> 0x60\n",
		"# c\n\n  irq?\n> a=1 b=0\n>\n# end",
		"> orphan\n",
		"tick 10ms\r\nnow?\r\n> 10ms\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		out := s.Format()
		s2, err := Parse(out)
		if err != nil {
			t.Fatalf("formatted script does not parse: %v\n%s", err, out)
		}
		if out2 := s2.Format(); !bytes.Equal(out, out2) {
			t.Fatalf("format is not stable:\n%q\n%q", out, out2)
		}
	})
}

func TestCompileROM(t *testing.T) {
	s, err := Parse([]byte("outb 0x80 0x12\ninb 0x80\n> 0x12\nirq?\ninw 0x80\n> 0x0012\ntick 1ms\ninb 0x80\n> 0x00\n"))
	if err != nil {
		t.Fatal(err)
	}
	rom, reads, err := compileROM(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(rom) != romSize || !bytes.Equal(rom[resetJump:resetJump+5], []byte{0xea, 0, 0, 0, 0xf0}) {
		t.Fatal("no reset vector jump")
	}
	want := []byte{0xba, 0x80, 0x00, 0xb0, 0x12, 0xee, 0xba, 0x80, 0x00, 0xec, 0xe6, 0xe5,
		0xba, 0x80, 0x00, 0xed, 0xe6, 0xe5, 0x88, 0xe0, 0xe6, 0xe5, 0xb0, 0x00, 0xe6, 0xf4}
	if !bytes.Equal(rom[:len(want)], want) {
		t.Fatalf("code % x\nwant % x", rom[:len(want)], want)
	}
	if len(reads) != 2 || reads[0].line != 2 || reads[1].size != 2 {
		t.Fatalf("reads %+v (the read after tick must not be compiled)", reads)
	}
}

// TestCompareQEMU runs the runner's own I/O against QEMU's port 0x80 and
// the debug console: an end-to-end check of the harness.
func TestCompareQEMU(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.txt")
	if err := os.WriteFile(p, []byte("inb 0xe5\n> 0xe9\noutb 0x70 0x0f\noutb 0x71 0x5a\noutb 0x70 0x0f\ninb 0x71\n> 0x5a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	CompareQEMU(t, p)
}
