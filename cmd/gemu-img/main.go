// Command gemu-img creates, inspects, converts and modifies disk images,
// with qemu-img's subcommands, flags, output formats and exit codes.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"gemu/block"
	"gemu/block/formats"
)

// env is what a subcommand runs with; tests substitute the streams.
type env struct {
	stdout, stderr io.Writer
	reg            *block.Registry
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

type command struct {
	name  string
	usage string
	run   func(e *env, args []string) error
}

var commands = []command{
	{"amend", "amend [--object objectdef] [--image-opts] [-p] [-q] [-f fmt] [-t cache] [--force] -o options filename", cmdAmend},
	{"bench", "bench [-c count] [-d depth] [-f fmt] [--flush-interval=flush_interval] [-i aio] [-n] [--no-drain] [-o offset] [--pattern=pattern] [-q] [-s buffer_size] [-S step_size] [-t cache] [-w] [-U] filename", cmdBench},
	{"check", "check [--object objectdef] [--image-opts] [-q] [-f fmt] [--output=ofmt] [-r [leaks | all]] [-T src_cache] [-U] filename", cmdCheck},
	{"commit", "commit [--object objectdef] [--image-opts] [-q] [-f fmt] [-t cache] [-b base] [-r rate_limit] [-d] [-p] filename", cmdCommit},
	{"compare", "compare [--object objectdef] [--image-opts] [-f fmt] [-F fmt] [-T src_cache] [-p] [-q] [-s] [-U] filename1 filename2", cmdCompare},
	{"convert", "convert [--object objectdef] [--image-opts] [--target-image-opts] [--target-is-zero] [-U] [-C] [-c] [-p] [-q] [-n] [-f fmt] [-t cache] [-T src_cache] [-O output_fmt] [-B backing_file [-F backing_fmt]] [-o options] [-S sparse_size] [-r rate_limit] [-m num_coroutines] [-W] filename [filename2 [...]] output_filename", cmdConvert},
	{"create", "create [--object objectdef] [-q] [-f fmt] [-b backing_file [-F backing_fmt]] [-u] [-o options] filename [size]", cmdCreate},
	{"info", "info [--object objectdef] [--image-opts] [-f fmt] [--output=ofmt] [--backing-chain] [-U] filename", cmdInfo},
	{"map", "map [--object objectdef] [--image-opts] [-f fmt] [--start-offset=offset] [--max-length=len] [--output=ofmt] [-U] filename", cmdMap},
	{"measure", "measure [--output=ofmt] [-O output_fmt] [-o options] [--size N | [--object objectdef] [--image-opts] [-f fmt] [-l snapshot_param] filename]", cmdMeasure},
	{"snapshot", "snapshot [--object objectdef] [--image-opts] [-U] [-q] [-l | -a snapshot | -c snapshot | -d snapshot] filename", cmdSnapshot},
	{"rebase", "rebase [--object objectdef] [--image-opts] [-U] [-q] [-f fmt] [-t cache] [-T src_cache] [-p] [-u] -b backing_file [-F backing_fmt] filename", cmdRebase},
	{"resize", "resize [--object objectdef] [--image-opts] [-f fmt] [--preallocation=prealloc] [-q] [--shrink] filename [+ | -]size", cmdResize},
}

const version = "gemu-img version 7.2.0 (gemu)"

func main() {
	e := &env{stdout: os.Stdout, stderr: os.Stderr, reg: formats.Default()}
	os.Exit(run(e, os.Args[1:]))
}

// run executes one invocation and returns the exit status.
func run(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "gemu-img: Not enough arguments\nTry 'gemu-img --help' for more information")
		return 1
	}
	switch args[0] {
	case "-h", "--help", "help":
		help(e)
		return 0
	case "-V", "--version":
		fmt.Fprintln(e.stdout, version)
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(e, args[1:])
		if err == nil {
			return 0
		}
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil {
				fmt.Fprintf(e.stderr, "gemu-img: %v\n", ee.err)
			}
			return ee.code
		}
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(e.stderr, "gemu-img: %v\n", err)
		return 1
	}
	fmt.Fprintf(e.stderr, "gemu-img: Command not found: %s\n", args[0])
	return 1
}

func help(e *env) {
	w := e.stdout
	fmt.Fprintln(w, version)
	fmt.Fprintln(w, "usage: gemu-img [standard options] command [command options]")
	fmt.Fprintln(w, "QEMU-compatible disk image utility")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "    '-h', '--help'       display this help and exit")
	fmt.Fprintln(w, "    '-V', '--version'    output version information and exit")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Command syntax:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s\n", c.usage)
	}
	fmt.Fprintln(w)
	var names []string
	for _, f := range e.reg.Formats() {
		names = append(names, f.Name())
	}
	sort.Strings(names)
	fmt.Fprintf(w, "Supported formats: %s\n", strings.Join(names, " "))
}

// flags returns a flag set in qemu-img's style: options may follow file
// names, and errors are returned rather than printed by pflag.
func flags(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetInterspersed(true)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

func parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return &exitError{1, err}
	}
	return nil
}

// openOpts are the common ways a subcommand opens an image.
type openOpts struct {
	format    string
	readOnly  bool
	noBacking bool
	rwBacking bool
	cache     string // -t: "" (writeback), none, writethrough, directsync, unsafe
}

func (e *env) open(name string, o openOpts) (*block.Node, error) {
	var cm block.CacheMode
	if o.cache != "" {
		c, err := block.ParseCache(o.cache)
		if err != nil {
			return nil, fmt.Errorf("Invalid cache option: %s", o.cache)
		}
		cm = c
	}
	n, err := e.reg.OpenPath(name, block.PathOptions{
		Direct:           cm.Direct,
		NoFlush:          cm.NoFlush,
		Format:           o.format,
		ReadOnly:         o.readOnly,
		NoBacking:        o.noBacking,
		BackingReadWrite: o.rwBacking,
		Warn:             func(s string) { fmt.Fprintln(e.stderr, s) },
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// parseOptions parses -o strings (which may be given several times).
func parseOptions(list []string) (block.Options, error) {
	var out block.Options
	for _, s := range list {
		o, err := block.ParseOpts(s, "")
		if err != nil {
			return nil, fmt.Errorf("Invalid option list: %s", s)
		}
		out = append(out, o...)
	}
	return out, nil
}

// sizeString formats a byte count the way qemu-img does ("1.5 GiB").
func sizeString(v int64) string {
	suffixes := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	x := float64(v) * 1.024 // floor(log2(v * 1024 / 1000)) / 10
	for x >= 1024 && i < len(suffixes)-1 {
		x /= 1024
		i++
	}
	return fmt.Sprintf("%s %s", cfmtG3(float64(v)/float64(uint64(1)<<(10*i))), suffixes[i])
}

// cfmtG3 is C's "%0.3g".
func cfmtG3(f float64) string {
	s := fmt.Sprintf("%.3g", f)
	return s
}
