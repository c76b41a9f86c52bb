// Command img benchmarks gemu-img against qemu-img side by side: convert
// qcow2->raw, raw->qcow2 and raw->qcow2 compressed on a 1 GiB image of
// mixed data and zeroes, and 4 KiB reads and writes scattered over a qcow2
// image (qemu-img bench against gemu-img bench, which drives gemu's block
// layer). Each case runs alternately several times; the table shows
// medians and the ratio gemu/qemu (below 1.0: gemu is faster).
//
//	go run ./tests/bench/img [-size 1G] [-runs 3] [-dir /tmp]
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	sizeArg := flag.Int64("size", 1<<30, "image size in bytes")
	runs := flag.Int("runs", 5, "runs of each tool per case")
	dirArg := flag.String("dir", "", "scratch directory (default: a temporary one)")
	flag.Parse()
	if _, err := exec.LookPath("qemu-img"); err != nil {
		fmt.Println("bench/img: qemu-img is not installed (Debian package qemu-utils); nothing to compare against")
		return
	}
	dir := *dirArg
	if dir == "" {
		d, err := os.MkdirTemp("", "gemu-img-bench")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	gemu := filepath.Join(dir, "gemu-img")
	if out, err := exec.Command("go", "build", "-o", gemu, "gemu/cmd/gemu-img").CombinedOutput(); err != nil {
		fail(fmt.Errorf("building gemu-img: %v\n%s", err, out))
	}
	raw := filepath.Join(dir, "mixed.raw")
	if err := makeMixed(raw, *sizeArg); err != nil {
		fail(err)
	}
	qcow := filepath.Join(dir, "mixed.qcow2")
	must("qemu-img", "convert", "-O", "qcow2", raw, qcow)
	out := func(tool, name string) string { return filepath.Join(dir, tool+"-"+name) }

	type bcase struct {
		name string
		args func(tool string) []string
		prep func(tool string)
	}
	rwImg := func(tool string) string { return out(tool, "rw.qcow2") }
	cases := []bcase{
		{"convert qcow2->raw", func(t string) []string { return []string{"convert", "-O", "raw", qcow, out(t, "a.raw")} }, nil},
		{"convert raw->qcow2", func(t string) []string { return []string{"convert", "-O", "qcow2", raw, out(t, "b.qcow2")} }, nil},
		{"convert raw->qcow2 -c", func(t string) []string { return []string{"convert", "-c", "-O", "qcow2", raw, out(t, "c.qcow2")} }, nil},
		{"bench 4k reads (qcow2)", func(t string) []string {
			return []string{"bench", "-q", "-f", "qcow2", "-c", "100000", "-d", "8", "-s", "4k", "-S", "1052672", qcow}
		}, nil},
		{"bench 4k writes (qcow2)", func(t string) []string {
			return []string{"bench", "-q", "-w", "-f", "qcow2", "-c", "50000", "-d", "8", "-s", "4k", "-S", "1052672", rwImg(t)}
		}, func(t string) { copyFile(qcow, rwImg(t)) }},
	}
	tools := map[string]string{"qemu": "qemu-img", "gemu": gemu}
	fmt.Printf("gemu-img vs qemu-img, %d MiB image of mixed data and zeroes, %d runs each (median)\n", *sizeArg>>20, *runs)
	fmt.Printf("%-26s %12s %12s %8s\n", "case", "qemu-img", "gemu-img", "ratio")
	for _, c := range cases {
		times := map[string][]time.Duration{}
		for r := 0; r < *runs; r++ {
			for _, tool := range []string{"qemu", "gemu"} {
				if c.prep != nil {
					c.prep(tool)
				}
				// Write back what earlier runs left dirty, so neither tool
				// pays for the other's page cache.
				must("sync")
				t0 := time.Now()
				if o, err := exec.Command(tools[tool], c.args(tool)...).CombinedOutput(); err != nil {
					fail(fmt.Errorf("%s %s: %v\n%s", tools[tool], strings.Join(c.args(tool), " "), err, o))
				}
				times[tool] = append(times[tool], time.Since(t0))
			}
		}
		if strings.HasPrefix(c.name, "convert") {
			// gemu-img's output must hold the same data as the source.
			args := c.args("gemu")
			if o, err := exec.Command("qemu-img", "compare", raw, args[len(args)-1]).CombinedOutput(); err != nil {
				fail(fmt.Errorf("%s: gemu-img output differs from the source: %s", c.name, o))
			}
		}
		q, g := median(times["qemu"]), median(times["gemu"])
		fmt.Printf("%-26s %11.3fs %11.3fs %8.2f\n", c.name, q.Seconds(), g.Seconds(), g.Seconds()/q.Seconds())
	}
}

// makeMixed writes an image whose 1 MiB chunks are, in turn, random data,
// compressible text, zeroes (written) and holes.
func makeMixed(name string, size int64) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(1))
	chunk := make([]byte, 1<<20)
	text := []byte(strings.Repeat("The quick brown fox jumps over the lazy dog. 0123456789\n", 1<<20/56+1))[:1<<20]
	for off := int64(0); off < size; off += int64(len(chunk)) {
		switch (off >> 20) % 4 {
		case 0:
			rng.Read(chunk)
			if _, err := f.WriteAt(chunk, off); err != nil {
				return err
			}
		case 1:
			if _, err := f.WriteAt(text, off); err != nil {
				return err
			}
		case 2:
			clear(chunk)
			if _, err := f.WriteAt(chunk, off); err != nil {
				return err
			}
		}
	}
	return f.Sync()
}

func copyFile(src, dst string) {
	must("cp", "--sparse=always", src, dst)
}

func must(name string, args ...string) {
	if o, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		fail(fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, o))
	}
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/img:", err)
	os.Exit(1)
}
