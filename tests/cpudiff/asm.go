package cpudiff

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ErrNoAssembler is returned (wrapped) when GNU as or ld is not installed;
// tests skip on it.
var ErrNoAssembler = errors.New("GNU as and ld (binutils) are needed to build the snippets")

// Assembler turns GNU as sources into flat binaries linked at CodeBase. It
// caches by source text for the life of the process.
type Assembler struct {
	mu    sync.Mutex
	dir   string
	cache map[string]*Program
}

// Program is an assembled snippet: its bytes (linked at CodeBase) and the
// addresses of its labels.
type Program struct {
	Code    []byte
	Symbols map[string]uint64
}

// NewAssembler checks for the tools and makes a scratch directory; Close
// removes it.
func NewAssembler() (*Assembler, error) {
	for _, tool := range []string{"as", "ld", "nm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%w: %s not found", ErrNoAssembler, tool)
		}
	}
	dir, err := os.MkdirTemp("", "gemu-cpudiff")
	if err != nil {
		return nil, err
	}
	return &Assembler{dir: dir, cache: map[string]*Program{}}, nil
}

// Close removes the scratch directory.
func (a *Assembler) Close() error { return os.RemoveAll(a.dir) }

// Prelude is prepended to every snippet: the layout's addresses and
// selectors as assembler symbols, so snippets name them instead of
// repeating numbers.
func Prelude() string {
	var b strings.Builder
	for _, s := range Symbols() {
		fmt.Fprintf(&b, "\t.set %s, %#x\n", s.Name, s.Value)
	}
	return b.String()
}

// Assemble builds src, which starts in the given code size (16, 32 or 64),
// linked so that its first byte is at CodeBase.
func (a *Assembler) Assemble(bits int, src string) (*Program, error) {
	switch bits {
	case 16, 32, 64:
	default:
		return nil, fmt.Errorf("cpudiff: code size %d (want 16, 32 or 64)", bits)
	}
	full := fmt.Sprintf("%s\t.text\n\t.code%d\n%s\n", Prelude(), bits, src)
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.cache[full]; ok {
		return p, nil
	}
	sum := sha256.Sum256([]byte(full))
	base := filepath.Join(a.dir, hex.EncodeToString(sum[:8]))
	if err := os.WriteFile(base+".S", []byte(full), 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command("as", "--64", "-o", base+".o", base+".S").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("as: %v\n%s\nsnippet:\n%s", err, out, numbered(src, strings.Count(full[:strings.Index(full, src)], "\n")))
	}
	if out, err := exec.Command("ld", "-m", "elf_x86_64", fmt.Sprintf("-Ttext=%#x", CodeBase), "--oformat=binary",
		"-e", fmt.Sprint(CodeBase), "-o", base+".bin", base+".o").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ld: %v\n%s", err, out)
	}
	b, err := os.ReadFile(base + ".bin")
	if err != nil {
		return nil, err
	}
	if len(b) > CodeSize {
		return nil, fmt.Errorf("cpudiff: snippet of %d bytes exceeds the %d-byte code area", len(b), CodeSize)
	}
	// Label offsets in .text, from the object's symbol table.
	out, err := exec.Command("nm", "--defined-only", base+".o").Output()
	if err != nil {
		return nil, fmt.Errorf("nm: %v", err)
	}
	p := &Program{Code: b, Symbols: map[string]uint64{}}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) != 3 || (f[1] != "t" && f[1] != "T") {
			continue
		}
		v, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil {
			continue
		}
		p.Symbols[f[2]] = CodeBase + v
	}
	a.cache[full] = p
	return p, nil
}

// numbered lists src with line numbers starting after skip lines, as the
// assembler counts them in the whole file.
func numbered(src string, skip int) string {
	var b strings.Builder
	for i, l := range strings.Split(src, "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", skip+i+1, l)
	}
	return b.String()
}
