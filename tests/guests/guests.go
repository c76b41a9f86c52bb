// Package guests builds the small test guests in src/ with the GNU assembler
// and linker from binutils: BIOS images that start at the reset vector, a
// Multiboot kernel and a PVH kernel. They report over COM1 and leave through
// isa-debug-exit, and run unchanged on gemu and on QEMU:
//
//	qemu-system-x86_64 -M pc -nodefaults -display none -serial stdio \
//	    -device isa-debug-exit,iobase=0xf4,iosize=4 -bios hello.rom
//	qemu-system-x86_64 ... -smp 2 -kernel smp.elf -append cpus=2
//
// Outputs are cached under tests/guests/build (git-ignored), keyed by a hash
// of the sources, the build-time symbols and the tools' versions.
package guests

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

//go:embed src/*.S src/*.inc
var sources embed.FS

// Kind says how a guest is started.
type Kind int

const (
	// ROM guests are 64 KiB BIOS images: -bios FILE.
	ROM Kind = iota + 1
	// Multiboot guests are 32-bit ELF Multiboot kernels: -kernel FILE.
	Multiboot
	// PVH guests are ELF kernels with a PVH entry note: -kernel FILE.
	PVH
)

// Guest describes one test guest.
type Guest struct {
	Name string // output file name: "hello.rom", "smp.elf"
	Kind Kind
	// Symbols lists the build-time symbols the source takes (as
	// --defsym), beyond EXIT_PORT, EXIT_OK and EXIT_FAIL.
	Symbols []string
	src     string
	// needsSymbols: the guest cannot be built with defaults.
	needsSymbols bool
}

// All lists the guests.
var All = []Guest{
	{Name: "hello.rom", Kind: ROM, src: "hello.S"},
	{Name: "exit.rom", Kind: ROM, src: "exit.S"},
	{Name: "pioloop.rom", Kind: ROM, Symbols: []string{"LOOPS", "PIO_PORT"}, src: "pioloop.S"},
	{Name: "mmioloop.rom", Kind: ROM, Symbols: []string{"LOOPS", "MMIO_ADDR"}, src: "mmioloop.S"},
	{Name: "smp.elf", Kind: Multiboot, Symbols: []string{"TICKS"}, src: "smp.S"},
	{Name: "pvh.elf", Kind: PVH, src: "pvh.S"},
	// linuxboot.rom replays a 64-bit direct kernel boot's entry state; it
	// needs all of its symbols (see src/linuxboot.S).
	{Name: "linuxboot.rom", Kind: ROM, Symbols: []string{"GDT_BASE", "GDT_LIMIT", "CR3", "ENTRY", "BOOT_PARAMS", "CS_SEL", "DS_SEL"}, src: "linuxboot.S", needsSymbols: true},
	// pmboot.rom replays a 32-bit protected-mode entry (src/pmboot.S).
	{Name: "pmboot.rom", Kind: ROM, Symbols: []string{"GDT_BASE", "GDT_LIMIT", "ENTRY", "EAX", "EBX", "ESI", "CS_SEL", "DS_SEL"}, src: "pmboot.S", needsSymbols: true},
	// cputest.rom walks the CPU through its modes, one line per check
	// (src/cputest.S); EXTRA=1 adds checks this host's KVM cannot run.
	{Name: "cputest.rom", Kind: ROM, Symbols: []string{"EXTRA"}, src: "cputest.S"},
}

// Defaults of the build-time symbols every guest takes.
const (
	ExitPort = 0xf4 // isa-debug-exit's iobase
	ExitOK   = 0x10 // written on success
	ExitFail = 0x11 // written on failure
	// Loops is pioloop's and mmioloop's default number of exits.
	Loops = 100000
	// Ticks is how many timer interrupts smp.elf waits for.
	Ticks = 10
)

// QEMUStatus is the process exit status QEMU's isa-debug-exit gives for a
// value written to it.
func QEMUStatus(v int) int { return v<<1 | 1 }

// Lookup returns the guest called name.
func Lookup(name string) (Guest, error) {
	for _, g := range All {
		if g.Name == name {
			return g, nil
		}
	}
	return Guest{}, fmt.Errorf("guests: no guest %q", name)
}

// Expected returns what a guest built with the default symbols prints on
// COM1. cpus matters only for smp.elf.
func Expected(name string, cpus int) (string, error) {
	switch name {
	case "hello.rom":
		return "hello from gemu test rom\n", nil
	case "exit.rom", "pioloop.rom", "mmioloop.rom", "linuxboot.rom", "pmboot.rom":
		return "", nil
	case "smp.elf":
		var b strings.Builder
		fmt.Fprintf(&b, "smp: %d cpus\n", cpus)
		for i := 0; i < cpus; i++ {
			fmt.Fprintf(&b, "cpu %d up\n", i)
		}
		fmt.Fprintf(&b, "timer: %d ticks\n", Ticks)
		return b.String(), nil
	case "cputest.rom":
		return ExpectedBlock("cputest.S", "expected output")
	}
	return "", fmt.Errorf("guests: no guest %q", name)
}

// ExpectedBlock returns the lines that the header comment of the source
// file src lists between " * --- title ---" and " * --- end ---".
func ExpectedBlock(src, title string) (string, error) {
	b, err := sources.ReadFile("src/" + src)
	if err != nil {
		return "", fmt.Errorf("guests: %w", err)
	}
	_, rest, ok := strings.Cut(string(b), "\n * --- "+title+" ---\n")
	body, _, ok2 := strings.Cut(rest, " * --- end ---\n")
	if !ok || !ok2 {
		return "", fmt.Errorf("guests: %s has no %q block", src, title)
	}
	var out strings.Builder
	for _, l := range strings.SplitAfter(body, "\n") {
		out.WriteString(strings.TrimPrefix(l, " * "))
	}
	return out.String(), nil
}

// ExpectedPVH returns what pvh.elf prints when started with a command line
// and modules of the given sizes.
func ExpectedPVH(cmdline string, moduleSizes ...int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pvh: start_info ok\ncmdline: %s\nmodules: %d\n", cmdline, len(moduleSizes))
	for i, n := range moduleSizes {
		if i < 4 {
			fmt.Fprintf(&b, "module %d: %d bytes\n", i, n)
		}
	}
	b.WriteString("memmap: ram at 1M\n")
	return b.String()
}

// Build returns the path of the guest called name, built with the default
// symbols.
func Build(name string) (string, error) { return BuildWith(name, nil) }

// BuildWith builds a guest with some build-time symbols overridden
// (EXIT_PORT, EXIT_OK, EXIT_FAIL and the guest's Symbols).
func BuildWith(name string, syms map[string]uint64) (string, error) {
	return buildInto(cacheDir(), name, syms)
}

// BuildAll builds every guest that has defaults for its symbols into dir.
func BuildAll(dir string) ([]string, error) {
	var out []string
	for _, g := range All {
		if g.needsSymbols {
			continue
		}
		p, err := buildInto(dir, g.Name, nil)
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

// cacheDir is tests/guests/build beside this source file when the source
// tree is present, else a directory in the user's cache.
func cacheDir() string {
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Dir(file)
		if _, err := os.Stat(filepath.Join(dir, "src", "common.inc")); err == nil {
			return filepath.Join(dir, "build")
		}
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "gemu-guests")
	}
	return filepath.Join(os.TempDir(), "gemu-guests")
}

var buildMu sync.Mutex // one build at a time in this process

func buildInto(dir, name string, syms map[string]uint64) (string, error) {
	g, err := Lookup(name)
	if err != nil {
		return "", err
	}
	allowed := append([]string{"EXIT_PORT", "EXIT_OK", "EXIT_FAIL"}, g.Symbols...)
	var defs []string
	for k, v := range syms {
		if !contains(allowed, k) {
			return "", fmt.Errorf("guests: %s takes no symbol %s (it takes %s)", name, k, strings.Join(allowed, ", "))
		}
		defs = append(defs, fmt.Sprintf("%s=%#x", k, v))
	}
	sort.Strings(defs)
	if dir, err = filepath.Abs(dir); err != nil {
		return "", fmt.Errorf("guests: %w", err)
	}

	buildMu.Lock()
	defer buildMu.Unlock()
	tools, err := toolVersions()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", name, strings.Join(defs, " "), tools)
	fs.WalkDir(sources, "src", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := sources.ReadFile(p)
			fmt.Fprintf(h, "%s %d\n", p, len(b))
			h.Write(b)
		}
		return nil
	})
	sum := hex.EncodeToString(h.Sum(nil))
	out := filepath.Join(dir, name)
	if len(defs) > 0 {
		ext := filepath.Ext(name)
		out = filepath.Join(dir, strings.TrimSuffix(name, ext)+"-"+sum[:12]+ext)
	}
	if b, err := os.ReadFile(out + ".sum"); err == nil && string(b) == sum {
		if _, err := os.Stat(out); err == nil {
			return out, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("guests: %w", err)
	}
	work, err := os.MkdirTemp(dir, ".work-*")
	if err != nil {
		return "", fmt.Errorf("guests: %w", err)
	}
	defer os.RemoveAll(work)
	ents, _ := sources.ReadDir("src")
	for _, e := range ents {
		b, _ := sources.ReadFile("src/" + e.Name())
		if err := os.WriteFile(filepath.Join(work, e.Name()), b, 0o644); err != nil {
			return "", fmt.Errorf("guests: %w", err)
		}
	}
	var asArgs []string
	for _, d := range defs {
		asArgs = append(asArgs, "--defsym", d)
	}
	tmp := filepath.Join(work, name)
	switch g.Kind {
	case ROM:
		steps := [][]string{
			append([]string{"as", "--32", "-I", work, "-o", "g.o"}, append(asArgs, g.src)...),
			{"ld", "-m", "elf_i386", "-Ttext=0", "-e", "0", "--oformat=binary", "-o", tmp, "g.o"},
		}
		if err := run(work, steps); err != nil {
			return "", fmt.Errorf("guests: building %s: %w", name, err)
		}
		if st, err := os.Stat(tmp); err != nil || st.Size() != 64<<10 {
			return "", fmt.Errorf("guests: %s is not a 64 KiB image", name)
		}
	case PVH:
		steps := [][]string{
			append([]string{"as", "--64", "-I", work, "-o", "g.o"}, append(asArgs, g.src)...),
			{"ld", "-m", "elf_x86_64", "-n", "--no-warn-rwx-segments", "-Ttext=0x100000", "-e", "_start", "-o", tmp, "g.o"},
		}
		if err := run(work, steps); err != nil {
			return "", fmt.Errorf("guests: building %s: %w", name, err)
		}
	case Multiboot:
		// Assembled and linked as x86-64 (the kernel has 64-bit code and
		// relocations), then converted to the 32-bit ELF Multiboot v1
		// loads. -n keeps the ELF headers out of the loaded segments.
		steps := [][]string{
			append([]string{"as", "--64", "-I", work, "-o", "g.o"}, append(asArgs, g.src)...),
			{"ld", "-m", "elf_x86_64", "-n", "--no-warn-rwx-segments", "-Ttext=0x100000", "-e", "_start", "-o", "g64.elf", "g.o"},
			{"objcopy", "-O", "elf32-i386", "g64.elf", tmp},
		}
		if err := run(work, steps); err != nil {
			return "", fmt.Errorf("guests: building %s: %w", name, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", fmt.Errorf("guests: %w", err)
	}
	if err := os.WriteFile(out+".sum", []byte(sum), 0o644); err != nil {
		return "", fmt.Errorf("guests: %w", err)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ErrNoTools is wrapped by errors when binutils is not installed.
var ErrNoTools = errors.New("binutils (as, ld, objcopy) not installed")

var (
	toolsOnce sync.Once
	toolsVer  string
	toolsErr  error
)

// toolVersions returns the assembler's and linker's version lines.
func toolVersions() (string, error) {
	toolsOnce.Do(func() {
		var vs []string
		for _, t := range []string{"as", "ld", "objcopy"} {
			if _, err := exec.LookPath(t); err != nil {
				toolsErr = fmt.Errorf("guests: %w: %v", ErrNoTools, err)
				return
			}
			out, err := exec.Command(t, "--version").Output()
			if err != nil {
				toolsErr = fmt.Errorf("guests: %s --version: %w", t, err)
				return
			}
			first, _, _ := strings.Cut(string(out), "\n")
			vs = append(vs, first)
		}
		toolsVer = strings.Join(vs, "; ")
	})
	return toolsVer, toolsErr
}

func run(dir string, steps [][]string) error {
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(s, " "), err, out.String())
		}
		if out.Len() > 0 {
			return fmt.Errorf("%s: unexpected output:\n%s", strings.Join(s, " "), out.String())
		}
	}
	return nil
}
