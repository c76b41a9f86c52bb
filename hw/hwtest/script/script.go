// Package script runs device conversation scripts: text files in which each
// command (a port or MMIO access, a clock tick, a query of the interrupt
// lines, or a command the test adds) is followed by the output it is expected
// to produce. Running a test with -update rewrites the expectations in place.
//
// Format, one item per line:
//
//	# a comment (kept when the file is rewritten)
//	outb 0x3fb 0x80       a command: a name and space-separated arguments
//	inb 0x3fd             a command whose output follows:
//	> 0x60                expected output, one "> " line per output line
//
// Built-in commands:
//
//	outb|outw|outl PORT VAL      write to the port space
//	inb|inw|inl PORT             read from the port space; prints the value
//	writeb|writew|writel|writeq ADDR VAL, readb|readw|readl|readq ADDR   MMIO
//	tick DURATION                advance the manual clock (Go syntax: 10ms, 1.5us, 838ns)
//	now?                         print the clock's time
//	irq? [NAME...]               print the level of the named lines (all, sorted, without names)
//	rises? NAME                  print the rising edges of a line since the last rises?, and forget them
package script

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/hwtest"
)

// update is the -update flag of every test binary that imports this package.
// A test package that uses script must not define its own -update flag.
var update = flag.Bool("update", false, "rewrite the expected output of script tests (testdata/*.txt)")

// Updating reports whether -update was given.
func Updating() bool { return *update }

// Limits on script files, which are parsed from disk (and by the fuzzer).
const (
	MaxLine  = 4096 // bytes in one line
	MaxArgs  = 64   // arguments of one command
	MaxSteps = 1 << 16
)

// Step is one command and the output expected from it.
type Step struct {
	Line     int      // 1-based line of the command
	Comments []string // comment and blank lines before the command, verbatim
	Cmd      string
	Args     []string
	Want     []string // expected output lines, without the "> " prefix
}

// Script is a parsed file: its steps and any comments after the last one.
type Script struct {
	Steps    []Step
	Trailing []string
}

// ParseError names the line of a malformed script.
type ParseError struct {
	Line   int
	Reason string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Parse reads a script.
func Parse(data []byte) (*Script, error) {
	s := &Script{}
	var pending []string
	lines := strings.Split(string(data), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1] // the final newline ends the last line
	}
	for i, raw := range lines {
		ln := i + 1
		line := strings.TrimSuffix(raw, "\r")
		if len(line) > MaxLine {
			return nil, &ParseError{ln, fmt.Sprintf("line longer than %d bytes", MaxLine)}
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			pending = append(pending, trimmed)
		case trimmed == ">" || strings.HasPrefix(trimmed, "> "):
			if len(s.Steps) == 0 || len(pending) > 0 {
				return nil, &ParseError{ln, "expected output without a command before it"}
			}
			st := &s.Steps[len(s.Steps)-1]
			st.Want = append(st.Want, strings.TrimPrefix(strings.TrimPrefix(trimmed, ">"), " "))
		default:
			f := strings.Fields(trimmed)
			if len(f)-1 > MaxArgs {
				return nil, &ParseError{ln, fmt.Sprintf("more than %d arguments", MaxArgs)}
			}
			if len(s.Steps) >= MaxSteps {
				return nil, &ParseError{ln, fmt.Sprintf("more than %d commands", MaxSteps)}
			}
			s.Steps = append(s.Steps, Step{Line: ln, Comments: pending, Cmd: f[0], Args: f[1:]})
			pending = nil
		}
	}
	s.Trailing = pending
	return s, nil
}

// Format renders a script in the canonical form Parse reads.
func (s *Script) Format() []byte {
	var b bytes.Buffer
	for _, st := range s.Steps {
		for _, c := range st.Comments {
			b.WriteString(c)
			b.WriteByte('\n')
		}
		b.WriteString(st.Cmd)
		for _, a := range st.Args {
			b.WriteByte(' ')
			b.WriteString(a)
		}
		b.WriteByte('\n')
		for _, w := range st.Want {
			if w == "" {
				b.WriteString(">\n")
				continue
			}
			b.WriteString("> ")
			b.WriteString(w)
			b.WriteByte('\n')
		}
	}
	for _, c := range s.Trailing {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Command is a test-defined command. Its output (possibly empty, possibly
// several lines) is compared with the expectation; an error is printed as
// "error: ..." and compared the same way, so scripts can exercise misuse.
type Command func(args []string) (string, error)

// Env is what a script drives.
type Env struct {
	IO       *bus.Space              // port space for in*/out* (nil: those commands fail)
	MMIO     *bus.Space              // memory space for read*/write* (nil: those commands fail)
	Clock    *hw.ManualClock         // advanced by tick (nil: tick fails)
	Lines    map[string]*hwtest.Line // queried by irq? and rises?
	Commands map[string]Command      // extra commands; they take precedence over built-ins
}

// errUnknown marks a command the environment does not know: a broken script,
// not a device behaviour, so the test fails instead of recording it.
var errUnknown = errors.New("unknown command")

// Exec runs one command and returns its output lines.
func (e *Env) Exec(cmd string, args []string) ([]string, error) {
	out, err := e.exec(cmd, args)
	if err != nil {
		if errors.Is(err, errUnknown) {
			return nil, err
		}
		out = "error: " + err.Error()
	}
	if out == "" {
		return nil, nil
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n"), nil
}

var accessSizes = map[byte]int{'b': 1, 'w': 2, 'l': 4, 'q': 8}

func (e *Env) exec(cmd string, args []string) (string, error) {
	if c, ok := e.Commands[cmd]; ok {
		return c(args)
	}
	switch cmd {
	case "outb", "outw", "outl":
		return e.write(e.IO, "port", cmd, args, 0xffff)
	case "inb", "inw", "inl":
		return e.read(e.IO, "port", cmd, args, 0xffff)
	case "writeb", "writew", "writel", "writeq":
		return e.write(e.MMIO, "memory", cmd, args, ^uint64(0))
	case "readb", "readw", "readl", "readq":
		return e.read(e.MMIO, "memory", cmd, args, ^uint64(0))
	case "tick":
		if e.Clock == nil {
			return "", errors.New("tick: no clock")
		}
		if len(args) != 1 {
			return "", errors.New("tick: want one duration")
		}
		d, err := time.ParseDuration(args[0])
		if err != nil || d < 0 {
			return "", fmt.Errorf("tick: bad duration %q", args[0])
		}
		e.Clock.Advance(d)
		return "", nil
	case "now?":
		if e.Clock == nil {
			return "", errors.New("now?: no clock")
		}
		return e.Clock.Now().String(), nil
	case "irq?":
		names := args
		if len(names) == 0 {
			for n := range e.Lines {
				names = append(names, n)
			}
			sort.Strings(names)
		}
		var parts []string
		for _, n := range names {
			l, ok := e.Lines[n]
			if !ok {
				return "", fmt.Errorf("irq?: no line %q", n)
			}
			parts = append(parts, fmt.Sprintf("%s=%d", n, b2i(l.High())))
		}
		return strings.Join(parts, " "), nil
	case "rises?":
		if len(args) != 1 {
			return "", errors.New("rises?: want one line name")
		}
		l, ok := e.Lines[args[0]]
		if !ok {
			return "", fmt.Errorf("rises?: no line %q", args[0])
		}
		n := l.Rises()
		l.Reset()
		return strconv.Itoa(n), nil
	}
	return "", fmt.Errorf("%w %q", errUnknown, cmd)
}

func (e *Env) write(s *bus.Space, what, cmd string, args []string, maxAddr uint64) (string, error) {
	if s == nil {
		return "", fmt.Errorf("%s: no %s space", cmd, what)
	}
	if len(args) != 2 {
		return "", fmt.Errorf("%s: want address and value", cmd)
	}
	size := accessSizes[cmd[len(cmd)-1]]
	addr, err := Uint(args[0], maxAddr)
	if err != nil {
		return "", fmt.Errorf("%s: address: %w", cmd, err)
	}
	val, err := Uint(args[1], maxValue(size))
	if err != nil {
		return "", fmt.Errorf("%s: value: %w", cmd, err)
	}
	if !s.Write(addr, size, val) {
		return "unmapped", nil
	}
	return "", nil
}

func (e *Env) read(s *bus.Space, what, cmd string, args []string, maxAddr uint64) (string, error) {
	if s == nil {
		return "", fmt.Errorf("%s: no %s space", cmd, what)
	}
	if len(args) != 1 {
		return "", fmt.Errorf("%s: want an address", cmd)
	}
	size := accessSizes[cmd[len(cmd)-1]]
	addr, err := Uint(args[0], maxAddr)
	if err != nil {
		return "", fmt.Errorf("%s: address: %w", cmd, err)
	}
	v, ok := s.Read(addr, size)
	if !ok {
		return "unmapped", nil
	}
	return fmt.Sprintf("0x%0*x", 2*size, v), nil
}

func maxValue(size int) uint64 {
	if size >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*size) - 1
}

// Uint parses a number (decimal, 0x hex, 0b binary, 0o octal) of at most max.
func Uint(s string, max uint64) (uint64, error) {
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, fmt.Errorf("bad number %q", s)
	}
	if v > max {
		return 0, fmt.Errorf("%s exceeds %#x", s, max)
	}
	return v, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Run parses the script file at path, executes every step in env and
// compares outputs with the expectations. With -update it rewrites the file
// with the outputs instead.
func Run(t *testing.T, path string, env *Env) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	failed := false
	for i := range s.Steps {
		st := &s.Steps[i]
		got, err := env.Exec(st.Cmd, st.Args)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, st.Line, err)
		}
		if *update {
			st.Want = got
			continue
		}
		if !equal(got, st.Want) {
			failed = true
			t.Errorf("%s:%d: %s %s\n  got:  %q\n  want: %q", path, st.Line, st.Cmd, strings.Join(st.Args, " "), got, st.Want)
		}
	}
	if *update {
		if out := s.Format(); !bytes.Equal(out, data) {
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: rewritten", path)
		}
	} else if failed {
		t.Logf("%s: run with -update to rewrite the expectations", path)
	}
}

// RunAll runs every testdata/*.txt file as a subtest, building a fresh
// environment for each with newEnv.
func RunAll(t *testing.T, newEnv func(t *testing.T) *Env) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.txt scripts")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			Run(t, f, newEnv(t))
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
