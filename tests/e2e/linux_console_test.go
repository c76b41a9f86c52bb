//go:build e2e

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gemu/tests/assets/assets"
)

// This file reads a Linux guest's serial console: the command blocks the
// initramfs's /init frames with markers, and the dmesg comparison (its
// normalisation, the warning patterns and the allow-list). The console is
// guest output, so every parser here takes arbitrary text.

// timestampRE matches a printk timestamp prefix: "[    1.234567] ".
var timestampRE = regexp.MustCompile(`^\s*\[\s*\d+\.\d+\]\s?`)

// cmdBlock is the output of one gemu.cmd= command: console lines
// first..last (none when first > last), and its exit status.
type cmdBlock struct {
	first, last int
	status      int
	ended       bool // its MarkerEnd line arrived
}

// console is what parseConsole found.
type console struct {
	lines     []string
	marker    int // index of the MarkerInit line, -1 if none
	blocks    map[int]*cmdBlock
	lastBegun int
	done      bool // MarkerDone arrived
}

// maxCommands bounds the command numbers parseConsole believes.
const maxCommands = 1000

// parseConsole finds /init's markers in the console lines (without line
// ends). A marker counts only as a whole line; anything else is output of
// the command whose block is open.
func parseConsole(lines []string) console {
	c := console{lines: lines, marker: -1, blocks: map[int]*cmdBlock{}}
	open := 0
	for i, l := range lines {
		s := strings.TrimSpace(l)
		switch {
		case s == assets.MarkerInit && c.marker < 0:
			c.marker = i
		case s == assets.MarkerDone:
			c.done = true
			open = 0
		case strings.HasPrefix(s, assets.MarkerBegin+" "):
			n, err := strconv.Atoi(strings.TrimPrefix(s, assets.MarkerBegin+" "))
			if err != nil || n < 1 || n > maxCommands {
				continue
			}
			c.blocks[n] = &cmdBlock{first: i + 1, last: i}
			open = n
			c.lastBegun = n
		case strings.HasPrefix(s, assets.MarkerEnd+" "):
			f := strings.Fields(strings.TrimPrefix(s, assets.MarkerEnd+" "))
			if len(f) != 2 || !strings.HasPrefix(f[1], "status=") {
				continue
			}
			n, err1 := strconv.Atoi(f[0])
			st, err2 := strconv.Atoi(strings.TrimPrefix(f[1], "status="))
			b := c.blocks[n]
			if err1 != nil || err2 != nil || b == nil || b.ended {
				continue
			}
			b.last, b.status, b.ended = i-1, st, true
			if open == n {
				open = 0
			}
		default:
			if b := c.blocks[open]; open != 0 && b != nil {
				b.last = i
			}
		}
	}
	return c
}

// output returns command n's output lines. Lines with a printk timestamp
// are kernel messages the console interleaved, and are dropped unless
// keepKernel (for dmesg's own output). ok is false if the command did not
// finish.
func (c console) output(n int, keepKernel bool) (out []string, status int, ok bool) {
	b := c.blocks[n]
	if b == nil || !b.ended {
		return nil, 0, false
	}
	for i := b.first; i <= b.last && i < len(c.lines); i++ {
		if !keepKernel && timestampRE.MatchString(c.lines[i]) {
			continue
		}
		out = append(out, c.lines[i])
	}
	return out, b.status, true
}

// Normalising dmesg. Two boots of the same kernel differ in timestamps,
// addresses, counts and measured values (BogoMIPS, TSC MHz, memory
// sizes); normalisation strips the timestamp, turns every number (decimal,
// 0x-hex, and bare hex words of 8 or more digits such as addresses and key
// hashes) into "#", and collapses white space. Lines are then compared as
// sets.
var (
	levelRE  = regexp.MustCompile(`^<\d+>`)
	numberRE = regexp.MustCompile(`0[xX][0-9a-fA-F]+|\b[0-9a-fA-F]{8,}\b|\d+`)
	spaceRE  = regexp.MustCompile(`\s+`)
)

func normalizeDmesg(line string) string {
	s := levelRE.ReplaceAllString(line, "")
	s = timestampRE.ReplaceAllString(s, "")
	s = numberRE.ReplaceAllString(s, "#")
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

// warningRE picks the lines the comparison cares about. Besides the words
// the acceptance names (warning, error, unknown, not found, failed, bug,
// taint) it catches what Debian's kernels print when emulated hardware
// misbehaves: timers and interrupts ("lost", "spurious", "stuck", "stall",
// "timed out", "unstable", "blocked for more than"), refused or broken
// devices ("unable", "can't", "cannot", "could not", "invalid",
// "unsupported", "not supported", "broken", "mismatch", "unexpected",
// "corrupt") and crashes ("panic", "oops", "call trace"). "bug",
// "invalid" and "lost" are whole words, so "debug" and "invalidation" do
// not count. Read against 12 boots of both kernels under QEMU (and 8 with
// other -cpu and -M options): the lines it picks there are listed in
// testdata/dmesg-allow.txt's header or are its entries.
var warningRE = regexp.MustCompile(`(?i)warn|error|unknown|not found|fail|\bbugs?\b|taint|unable|can't|cannot|could not|` +
	`timed out|timeout|\blost\b|unsupported|not supported|\binvalid\b|broken|stuck|\bstall|unstable|blocked for more than|` +
	`panic|\boops\b|call trace|unexpected|mismatch|spurious|corrupt`)

// echoRE matches the lines that echo the kernel command line, which holds
// whatever the test passed (panic=-1 among it), not anything the kernel
// found.
var echoRE = regexp.MustCompile(`^(Kernel )?[Cc]ommand line:`)

// isWarning reports whether a normalised dmesg line is one the comparison
// checks.
func isWarning(norm string) bool {
	return !echoRE.MatchString(norm) && warningRE.MatchString(norm)
}

// allowEntry is one reviewed exception: a pattern for normalised lines
// that may appear under gemu though not under QEMU, and why.
type allowEntry struct {
	re   *regexp.Regexp
	why  string
	line int // in the file
}

// parseAllowList reads the allow-list format: an entry is a Go regular
// expression on its own line, matched against normalised dmesg lines, and
// must follow directly a block of "#" comment lines that says why the
// difference is deliberate. Blank lines end a comment block; a comment
// block followed by a blank line (a file header) justifies nothing.
func parseAllowList(text string) ([]allowEntry, error) {
	var entries []allowEntry
	var why []string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "":
			why = nil
		case strings.HasPrefix(l, "#"):
			if c := strings.TrimSpace(strings.TrimPrefix(l, "#")); c != "" {
				why = append(why, c)
			}
		default:
			if len(why) == 0 {
				return nil, fmt.Errorf("line %d: entry %q has no comment saying why the difference is deliberate", n, l)
			}
			re, err := regexp.Compile(l)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			if re.MatchString("") {
				return nil, fmt.Errorf("line %d: entry %q matches every line", n, l)
			}
			entries = append(entries, allowEntry{re: re, why: strings.Join(why, " "), line: n})
			why = nil
		}
	}
	return entries, sc.Err()
}

// loadAllowList reads testdata/dmesg-allow.txt.
func loadAllowList() ([]allowEntry, error) {
	b, err := os.ReadFile("testdata/dmesg-allow.txt")
	if err != nil {
		return nil, err
	}
	e, err := parseAllowList(string(b))
	if err != nil {
		return nil, fmt.Errorf("testdata/dmesg-allow.txt: %w", err)
	}
	return e, nil
}

// dmesgDiff is the result of holding one dmesg to a reference. Lines are
// given as the checked (or reference) guest printed them, first occurrence.
type dmesgDiff struct {
	// flagged are warning lines of the checked dmesg whose normalised
	// form the reference lacks and the allow-list does not excuse:
	// failures.
	flagged []string
	// allowed are such lines that an allow-list entry excuses, with it.
	allowed []string
	// missing are warning lines of the reference the checked dmesg lacks:
	// for information.
	missing []string
}

// compareDmesg holds the dmesg lines got to ref.
func compareDmesg(got, ref []string, allow []allowEntry) dmesgDiff {
	refSet := map[string]string{}
	for _, l := range ref {
		n := normalizeDmesg(l)
		if _, ok := refSet[n]; !ok {
			refSet[n] = strings.TrimSpace(l)
		}
	}
	gotSet := map[string]bool{}
	var d dmesgDiff
	for _, l := range got {
		n := normalizeDmesg(l)
		if gotSet[n] {
			continue
		}
		gotSet[n] = true
		if _, inRef := refSet[n]; inRef || !isWarning(n) {
			continue
		}
		l = strings.TrimSpace(l)
		excused := false
		for _, a := range allow {
			if a.re.MatchString(n) {
				d.allowed = append(d.allowed, fmt.Sprintf("%s   (allow-list line %d: %s)", l, a.line, a.why))
				excused = true
				break
			}
		}
		if !excused {
			d.flagged = append(d.flagged, l)
		}
	}
	for n, l := range refSet {
		if isWarning(n) && !gotSet[n] {
			d.missing = append(d.missing, l)
		}
	}
	sort.Strings(d.missing)
	return d
}
