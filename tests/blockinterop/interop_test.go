// Package blockinterop checks gemu's block layer and gemu-img against
// Debian's qemu-img and qemu-io: images written by QEMU read back
// identically through gemu, images written by gemu pass qemu-img check and
// compare equal, and gemu-img's JSON output equals qemu-img's.
//
// Deliberate differences from qemu-img (not exercised by the matrix):
//   - check -r all repairs refcounts in place where the refcount blocks are
//     sound, instead of rebuilding the whole refcount structure at the end
//     of the file as QEMU 7.2 does; the repaired image is equally clean but
//     its image-end-offset can be smaller.
//   - check -r leaks on an image that also has refcount corruptions repairs
//     the leaks and reports the corruptions (exit 2); QEMU stops with
//     "need to rebuild refcount structures" (exit 1).
//   - Writing to an image with persistent dirty bitmaps flags them in-use
//     (they are kept but not updated), where QEMU would update them.
package blockinterop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gemu/block"
	"gemu/block/formats"
)

var (
	gemuImg string // built binary
	summary struct {
		sync.Mutex
		rows []row
	}
)

type row struct {
	matrix, check, result string
}

func record(matrix, check string, ok bool, note string) {
	summary.Lock()
	defer summary.Unlock()
	r := "ok"
	if !ok {
		r = "FAIL " + note
	}
	summary.rows = append(summary.rows, row{matrix, check, r})
}

func TestMain(m *testing.M) {
	if os.Getenv(crashEnvImage) != "" {
		crashWriter()
	}
	if _, err := exec.LookPath("qemu-img"); err != nil {
		fmt.Println("blockinterop: qemu-img not installed (Debian package qemu-utils); skipping the interoperability matrix")
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "gemu-img-bin")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	gemuImg = filepath.Join(dir, "gemu-img")
	cmd := exec.Command("go", "build", "-o", gemuImg, "gemu/cmd/gemu-img")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Println("building gemu-img:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	printSummary()
	os.Exit(code)
}

func printSummary() {
	summary.Lock()
	defer summary.Unlock()
	if len(summary.rows) == 0 {
		return
	}
	sort.SliceStable(summary.rows, func(i, j int) bool { return summary.rows[i].matrix < summary.rows[j].matrix })
	pass := 0
	fmt.Printf("\nblock interoperability matrix (%d cases)\n", len(summary.rows))
	fmt.Printf("%-52s %-22s %s\n", "image", "check", "result")
	for _, r := range summary.rows {
		fmt.Printf("%-52s %-22s %s\n", r.matrix, r.check, r.result)
		if r.result == "ok" {
			pass++
		}
	}
	// The compact summary: cases per kind of check and per format.
	fmt.Printf("interop summary (%d cases)\n", len(summary.rows))
	printCounts("check", summary.rows, func(r row) string { return r.check })
	printCounts("format", summary.rows, func(r row) string {
		f, _, _ := strings.Cut(r.matrix, " ")
		return f
	})
	fmt.Printf("interop: %d passed, %d failed\n", pass, len(summary.rows)-pass)
}

// printCounts prints passed and failed cases grouped by key.
func printCounts(title string, rows []row, key func(row) string) {
	type count struct{ ok, failed int }
	counts := map[string]*count{}
	var keys []string
	for _, r := range rows {
		k := key(r)
		c := counts[k]
		if c == nil {
			c = &count{}
			counts[k] = c
			keys = append(keys, k)
		}
		if r.result == "ok" {
			c.ok++
		} else {
			c.failed++
		}
	}
	sort.Strings(keys)
	fmt.Printf("  by %s:\n", title)
	for _, k := range keys {
		fmt.Printf("    %-28s %4d passed %3d failed\n", k, counts[k].ok, counts[k].failed)
	}
}

func requireQemu(t *testing.T) {
	t.Helper()
	if gemuImg == "" {
		t.Skip("qemu-img is not installed (Debian package qemu-utils)")
	}
	if _, err := exec.LookPath("qemu-io"); err != nil {
		t.Skip("qemu-io is not installed (Debian package qemu-utils)")
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// runRC runs a command and returns its stdout and exit status.
func runRC(name string, args ...string) (string, string, int) {
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	rc := 0
	if ee, ok := err.(*exec.ExitError); ok {
		rc = ee.ExitCode()
	} else if err != nil {
		rc = -1
	}
	return out.String(), errb.String(), rc
}

// qemuIOScript is the workload QEMU writes: unaligned and aligned data,
// zero writes, discards, and a write spanning clusters.
var qemuIOScript = []string{
	"write -P 0x11 0 100k",
	"write -P 0x22 1M 8k",
	"write -P 0x33 4095 3",
	"write -z 2M 128k",
	"write -P 0x44 2200k 300k",
	"discard 2240k 64k",
	"write -P 0x55 5M 1M",
	"write -z 5M 4k",
	"write -P 0x66 7M 512",
}

func qemuIO(t *testing.T, fmtName, img string, script []string) {
	t.Helper()
	args := []string{"-f", fmtName}
	for _, c := range script {
		args = append(args, "-c", c)
	}
	args = append(args, img)
	run(t, "qemu-io", args...)
}

// readAll reads an image (and its chain) through gemu's block layer.
func readAll(t *testing.T, img string) []byte {
	t.Helper()
	n, err := formats.Default().OpenPath(img, block.PathOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("gemu open %s: %v", img, err)
	}
	defer n.Close()
	b := make([]byte, n.Size())
	if _, err := n.ReadAt(b, 0); err != nil {
		t.Fatalf("gemu read %s: %v", img, err)
	}
	return b
}

// qemuRaw returns the image's content as qemu-img sees it.
func qemuRaw(t *testing.T, img string) []byte {
	t.Helper()
	out := img + ".qemu.raw"
	run(t, "qemu-img", "convert", "-O", "raw", img, out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(out)
	return b
}

func firstDiff(a, b []byte) string {
	if len(a) != len(b) {
		return fmt.Sprintf("sizes %d and %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf("byte %d: %#x vs %#x", i, a[i], b[i])
		}
	}
	return "equal"
}

// jsonEqual compares the JSON documents two tools printed.
func jsonEqual(a, b string) (bool, string) {
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		return false, "gemu-img JSON: " + err.Error()
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		return false, "qemu-img JSON: " + err.Error()
	}
	if reflect.DeepEqual(x, y) {
		return true, ""
	}
	return false, fmt.Sprintf("gemu-img:\n%s\nqemu-img:\n%s", a, b)
}

// compareJSON runs (c): info, check and map JSON from both tools.
func compareJSON(t *testing.T, matrix, img string, backingChain bool) {
	t.Helper()
	for _, sub := range [][]string{
		{"info", "--output=json"},
		{"check", "--output=json"},
		{"map", "--output=json"},
	} {
		args := append(append([]string{}, sub...), img)
		if sub[0] == "info" && backingChain {
			args = append(append([]string{}, sub...), "--backing-chain", img)
		}
		g, _, grc := runRC(gemuImg, args...)
		q, _, qrc := runRC("qemu-img", args...)
		ok, diff := jsonEqual(g, q)
		if strings.TrimSpace(g) == "" && strings.TrimSpace(q) == "" {
			ok = true // neither prints JSON (check on raw: exit 63)
		}
		if grc != qrc {
			ok, diff = false, fmt.Sprintf("exit status %d, qemu-img %d", grc, qrc)
		}
		record(matrix, sub[0]+" --output=json", ok, "")
		if !ok {
			t.Errorf("%s %s differs: %s", matrix, sub[0], diff)
		}
	}
	// Human output, byte for byte.
	for _, sub := range []string{"info", "check", "map"} {
		args := []string{sub, img}
		if sub == "info" && backingChain {
			args = []string{sub, "--backing-chain", img}
		}
		g, _, grc := runRC(gemuImg, args...)
		q, _, qrc := runRC("qemu-img", args...)
		g = strings.ReplaceAll(g, "gemu-img", "qemu-img")
		ok := g == q && grc == qrc
		record(matrix, sub+" (human)", ok, "")
		if !ok {
			t.Errorf("%s %s (human) differs (exit %d vs %d):\ngemu-img:\n%s\nqemu-img:\n%s", matrix, sub, grc, qrc, g, q)
		}
	}
}

// qemuCheckClean runs qemu-img check and reports errors or leaks.
func qemuCheckClean(t *testing.T, matrix, img string) {
	t.Helper()
	out, errOut, rc := runRC("qemu-img", "check", img)
	ok := rc == 0 || rc == 63
	record(matrix, "qemu-img check", ok, "")
	if !ok {
		t.Errorf("%s: qemu-img check exit %d:\n%s%s", matrix, rc, out, errOut)
	}
}

// gemuWorkload writes a random but seeded workload through gemu's block
// layer and mirrors it into want.
func gemuWorkload(t *testing.T, img string, want []byte, seed int64) {
	t.Helper()
	n, err := formats.Default().OpenPath(img, block.PathOptions{})
	if err != nil {
		t.Fatalf("gemu open %s: %v", img, err)
	}
	rng := rand.New(rand.NewSource(seed))
	size := n.Size()
	for i := 0; i < 60; i++ {
		off := rng.Int63n(size)
		l := rng.Int63n(min(size-off, 300<<10)) + 1
		if rng.Intn(2) == 0 {
			off &^= 65535
			l = min((l+65535)&^65535, size-off)
		}
		switch rng.Intn(6) {
		case 0:
			if z, ok := n.Image.(block.Zeroer); ok {
				if err := z.WriteZeroes(off, l, rng.Intn(2) == 0); err != nil {
					t.Fatalf("WriteZeroes: %v", err)
				}
				clear(want[off : off+l])
				continue
			}
			fallthrough
		default:
			p := make([]byte, l)
			for j := range p {
				p[j] = byte(i + 1)
			}
			if rng.Intn(3) == 0 {
				rng.Read(p)
			}
			if _, err := n.WriteAt(p, off); err != nil {
				t.Fatalf("WriteAt(%d, %d): %v", off, l, err)
			}
			copy(want[off:], p)
		}
		if i%20 == 0 {
			if err := n.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := n.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

type qcase struct {
	name     string
	opts     string // -o for qcow2 create
	size     string
	chain    []string // backing chain below the top image, bottom first: "raw", "qcow2:<opts>"
	snap     bool
	prealloc bool
}

func qcowCases() []qcase {
	var cs []qcase
	for _, c := range []string{"512", "4k", "64k", "2M"} {
		for _, compat := range []string{"0.10", "1.1"} {
			cs = append(cs, qcase{name: "qcow2 cluster_size=" + c + " compat=" + compat, opts: "cluster_size=" + c + ",compat=" + compat})
		}
	}
	for _, rb := range []string{"1", "2", "4", "8", "32", "64"} {
		cs = append(cs, qcase{name: "qcow2 refcount_bits=" + rb, opts: "refcount_bits=" + rb})
	}
	for _, c := range []string{"16k", "64k", "2M"} {
		cs = append(cs, qcase{name: "qcow2 extended_l2 cluster_size=" + c, opts: "extended_l2=on,cluster_size=" + c})
	}
	cs = append(cs,
		qcase{name: "qcow2 lazy_refcounts", opts: "lazy_refcounts=on"},
		qcase{name: "qcow2 zstd", opts: "compression_type=zstd"},
		qcase{name: "qcow2 -> raw", opts: "", chain: []string{"raw"}},
		qcase{name: "qcow2 -> qcow2 -> raw", opts: "", chain: []string{"raw", "qcow2:"}},
		qcase{name: "qcow2 v3 -> qcow2 v2", opts: "", chain: []string{"qcow2:compat=0.10"}},
		qcase{name: "qcow2 extended_l2 -> qcow2", opts: "extended_l2=on", chain: []string{"qcow2:cluster_size=4k"}},
		qcase{name: "qcow2 v2 -> raw", opts: "compat=0.10", chain: []string{"raw"}},
		qcase{name: "qcow2 snapshots v3", opts: "", snap: true},
		qcase{name: "qcow2 snapshots v2", opts: "compat=0.10", snap: true},
		qcase{name: "qcow2 snapshots refcount_bits=2", opts: "refcount_bits=2", snap: true},
		qcase{name: "qcow2 preallocation=metadata", opts: "preallocation=metadata", prealloc: true},
		qcase{name: "qcow2 preallocation=falloc", opts: "preallocation=falloc", prealloc: true},
		qcase{name: "qcow2 preallocation=full", opts: "preallocation=full", prealloc: true},
	)
	return cs
}

// buildChain creates the backing images of a case, filled by qemu-io, and
// returns the name of the image the top one should use as backing.
func buildChain(t *testing.T, dir string, chain []string, size string) (string, string) {
	t.Helper()
	var below, belowFmt string
	for i, c := range chain {
		f, opts, _ := strings.Cut(c, ":")
		name := filepath.Join(dir, fmt.Sprintf("base%d.%s", i, f))
		args := []string{"create", "-q", "-f", f}
		if opts != "" {
			args = append(args, "-o", opts)
		}
		if below != "" {
			args = append(args, "-b", filepath.Base(below), "-F", belowFmt)
		}
		args = append(args, name, size)
		run(t, "qemu-img", args...)
		qemuIO(t, f, name, []string{fmt.Sprintf("write -P 0x%02x %dk 192k", 0x70+i, 64*(i+1)), fmt.Sprintf("write -P 0x%02x 3M 512k", 0x80+i)})
		below, belowFmt = name, f
	}
	return below, belowFmt
}

func TestQcow2Matrix(t *testing.T) {
	requireQemu(t)
	for _, tc := range qcowCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			size := tc.size
			if size == "" {
				size = "8M"
			}
			bk, bkFmt := buildChain(t, dir, tc.chain, size)
			create := func(name string, tool string) {
				args := []string{"create", "-q", "-f", "qcow2"}
				if tc.opts != "" {
					args = append(args, "-o", tc.opts)
				}
				if bk != "" {
					args = append(args, "-b", filepath.Base(bk), "-F", bkFmt)
				}
				args = append(args, name, size)
				run(t, tool, args...)
			}
			// (a) QEMU writes, gemu reads.
			qimg := filepath.Join(dir, "qemu.qcow2")
			create(qimg, "qemu-img")
			qemuIO(t, "qcow2", qimg, qemuIOScript[:4])
			if tc.snap {
				run(t, "qemu-img", "snapshot", "-c", "first", qimg)
			}
			qemuIO(t, "qcow2", qimg, qemuIOScript[4:])
			got, want := readAll(t, qimg), qemuRaw(t, qimg)
			ok := bytes.Equal(got, want)
			record(tc.name, "qemu writes, gemu reads", ok, firstDiff(got, want))
			if !ok {
				t.Errorf("gemu reads a qemu-written image differently: %s", firstDiff(got, want))
			}
			compareJSON(t, tc.name+" (qemu-written)", qimg, bk != "")
			if tc.snap {
				snapshotInterop(t, tc.name, dir, qimg)
			}
			// (b) gemu creates and writes, QEMU checks and compares.
			gimg := filepath.Join(dir, "gemu.qcow2")
			create(gimg, gemuImg)
			qemuCheckClean(t, tc.name+" (gemu-created)", gimg)
			exp := readAll(t, gimg) // backing content shows through
			gemuWorkload(t, gimg, exp, int64(len(tc.name)))
			if tc.snap {
				n, err := formats.Default().OpenPath(gimg, block.PathOptions{})
				if err != nil {
					t.Fatal(err)
				}
				s := n.Image.(block.Snapshotter)
				if err := s.CreateSnapshot(block.SnapshotInfo{Name: "g1"}); err != nil {
					t.Fatal(err)
				}
				if _, err := n.WriteAt(bytes.Repeat([]byte{0xee}, 70000), 100000); err != nil {
					t.Fatal(err)
				}
				copy(exp[100000:], bytes.Repeat([]byte{0xee}, 70000))
				if err := n.Close(); err != nil {
					t.Fatal(err)
				}
			}
			expFile := filepath.Join(dir, "expected.raw")
			if err := os.WriteFile(expFile, exp, 0o644); err != nil {
				t.Fatal(err)
			}
			qemuCheckClean(t, tc.name+" (gemu-written)", gimg)
			out, errOut, rc := runRC("qemu-img", "compare", "-f", "raw", "-F", "qcow2", expFile, gimg)
			record(tc.name+" (gemu-written)", "qemu-img compare", rc == 0, out)
			if rc != 0 {
				t.Errorf("qemu-img compare: %d %s%s", rc, out, errOut)
			}
			compareJSON(t, tc.name+" (gemu-written)", gimg, bk != "")
		})
	}
}

// snapshotInterop applies a QEMU-made snapshot with gemu and with QEMU on
// copies of one image and checks that both agree.
func snapshotInterop(t *testing.T, name, dir, img string) {
	t.Helper()
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "snap-q.qcow2"), filepath.Join(dir, "snap-g.qcow2")
	os.WriteFile(a, data, 0o644)
	os.WriteFile(b, data, 0o644)
	run(t, "qemu-img", "snapshot", "-a", "first", a)
	run(t, gemuImg, "snapshot", "-a", "first", b)
	ga, gb := qemuRaw(t, a), qemuRaw(t, b)
	ok := bytes.Equal(ga, gb)
	record(name, "snapshot -a vs qemu", ok, firstDiff(ga, gb))
	if !ok {
		t.Errorf("snapshot apply differs: %s", firstDiff(ga, gb))
	}
	qemuCheckClean(t, name+" (gemu snapshot -a)", b)
	run(t, gemuImg, "snapshot", "-d", "first", b)
	qemuCheckClean(t, name+" (gemu snapshot -d)", b)
	lq, _, _ := runRC("qemu-img", "snapshot", "-l", a)
	lg, _, _ := runRC(gemuImg, "snapshot", "-l", a)
	record(name, "snapshot -l", lq == lg, "")
	if lq != lg {
		t.Errorf("snapshot -l differs:\n%s\nqemu-img:\n%s", lg, lq)
	}
}

// TestCompressed converts with -c through both tools and checks each
// reads the other's output.
func TestCompressed(t *testing.T) {
	requireQemu(t)
	for _, ct := range []string{"zlib", "zstd"} {
		for _, cs := range []string{"4k", "64k", "2M"} {
			name := fmt.Sprintf("qcow2 compressed %s cluster_size=%s", ct, cs)
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				src := filepath.Join(dir, "src.raw")
				run(t, "qemu-img", "create", "-q", "-f", "raw", src, "8M")
				qemuIO(t, "raw", src, qemuIOScript)
				want := qemuRaw(t, src)
				opts := "compression_type=" + ct + ",cluster_size=" + cs
				q := filepath.Join(dir, "q.qcow2")
				run(t, "qemu-img", "convert", "-c", "-O", "qcow2", "-o", opts, src, q)
				got := readAll(t, q)
				ok := bytes.Equal(got, want)
				record(name, "qemu writes, gemu reads", ok, firstDiff(got, want))
				if !ok {
					t.Errorf("qemu-compressed image reads differently: %s", firstDiff(got, want))
				}
				compareJSON(t, name+" (qemu-written)", q, false)
				g := filepath.Join(dir, "g.qcow2")
				run(t, gemuImg, "convert", "-c", "-O", "qcow2", "-o", opts, src, g)
				qemuCheckClean(t, name+" (gemu-written)", g)
				out, _, rc := runRC("qemu-img", "compare", src, g)
				record(name+" (gemu-written)", "qemu-img compare", rc == 0, out)
				if rc != 0 {
					t.Errorf("compare: %s", out)
				}
				compareJSON(t, name+" (gemu-written)", g, false)
			})
		}
	}
}

// TestConvertRoundTrip converts between formats with gemu-img and checks
// the results with qemu-img.
func TestConvertRoundTrip(t *testing.T) {
	requireQemu(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src.qcow2")
	run(t, "qemu-img", "create", "-q", "-f", "qcow2", src, "8M")
	qemuIO(t, "qcow2", src, qemuIOScript)
	for _, tc := range []struct{ name, fmt, opts string }{
		{"convert qcow2->raw", "raw", ""},
		{"convert qcow2->qcow2 v2", "qcow2", "compat=0.10"},
		{"convert qcow2->qcow2 4k", "qcow2", "cluster_size=4k"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			args := []string{"convert", "-O", tc.fmt}
			if tc.opts != "" {
				args = append(args, "-o", tc.opts)
			}
			run(t, gemuImg, append(args, src, out)...)
			o, _, rc := runRC("qemu-img", "compare", src, out)
			record(tc.name, "qemu-img compare", rc == 0, o)
			if rc != 0 {
				t.Errorf("compare: %s", o)
			}
			qemuCheckClean(t, tc.name, out)
			compareJSON(t, tc.name, out, false)
		})
	}
}

// ranges are the byte ranges compared on large images.
func compareRanges(t *testing.T, img string, size int64) (bool, string) {
	t.Helper()
	raw := img + ".qemu.raw"
	run(t, "qemu-img", "convert", "-O", "raw", img, raw)
	defer os.Remove(raw)
	rf, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	n, err := formats.Default().OpenPath(img, block.PathOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("gemu open %s: %v", img, err)
	}
	defer n.Close()
	if n.Size() != size {
		return false, fmt.Sprintf("size %d, want %d", n.Size(), size)
	}
	for _, r := range [][2]int64{{0, 4 << 20}, {2<<30 - 1<<20, 2 << 20}, {size - 1<<20, 1 << 20}} {
		if r[0] < 0 || r[0]+r[1] > size {
			continue
		}
		a, b := make([]byte, r[1]), make([]byte, r[1])
		if _, err := rf.ReadAt(a, r[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := n.ReadAt(b, r[0]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			return false, fmt.Sprintf("range at %d: %s", r[0], firstDiff(b, a))
		}
	}
	return true, ""
}

func TestVMDKMatrix(t *testing.T) {
	requireQemu(t)
	const big = 4<<30 + 512<<20
	for _, tc := range []struct {
		sub  string
		size int64
		opts string
	}{
		{"monolithicSparse", 8 << 20, ""},
		{"monolithicSparse", 8 << 20, "zeroed_grain=on"},
		{"monolithicSparse", 8 << 20, "adapter_type=lsilogic,compat6=on"},
		{"monolithicFlat", 8 << 20, ""},
		{"twoGbMaxExtentSparse", big, ""},
		{"twoGbMaxExtentFlat", big, ""},
	} {
		name := "vmdk " + tc.sub
		if tc.opts != "" {
			name += " " + tc.opts
		}
		if tc.size > 8<<20 {
			name += " 4.5G"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			opts := "subformat=" + tc.sub
			if tc.opts != "" {
				opts += "," + tc.opts
			}
			size := strconv.FormatInt(tc.size, 10)
			script := []string{"write -P 0x11 0 100k", "write -P 0x22 1M 8k", "write -P 0x33 4095 3", "write -P 0x44 2200k 300k"}
			if tc.size > 8<<20 {
				script = append(script, "write -P 0x55 2047M 2M", fmt.Sprintf("write -P 0x66 %d 4k", tc.size-4096))
			}
			q := filepath.Join(dir, "q.vmdk")
			run(t, "qemu-img", "create", "-q", "-f", "vmdk", "-o", opts, q, size)
			qemuIO(t, "vmdk", q, script)
			ok, why := compareRanges(t, q, tc.size)
			record(name, "qemu writes, gemu reads", ok, why)
			if !ok {
				t.Errorf("gemu reads a qemu-written vmdk differently: %s", why)
			}
			compareJSON(t, name+" (qemu-written)", q, false)
			g := filepath.Join(dir, "g.vmdk")
			run(t, gemuImg, "create", "-q", "-f", "vmdk", "-o", opts, g, size)
			qemuCheckClean(t, name+" (gemu-created)", g)
			// gemu writes what qemu-io wrote; the two must compare equal.
			n, err := formats.Default().OpenPath(g, block.PathOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range script {
				var pat, off, l int64
				var ps, os_, ls string
				fmt.Sscanf(c, "write -P %s %s %s", &ps, &os_, &ls)
				pat, _ = strconv.ParseInt(strings.TrimPrefix(ps, "0x"), 16, 64)
				off, _ = block.ParseSize(os_)
				l, _ = block.ParseSize(ls)
				if _, err := n.WriteAt(bytes.Repeat([]byte{byte(pat)}, int(l)), off); err != nil {
					t.Fatalf("gemu write: %v", err)
				}
			}
			if err := n.Close(); err != nil {
				t.Fatal(err)
			}
			qemuCheckClean(t, name+" (gemu-written)", g)
			out, _, rc := runRC("qemu-img", "compare", q, g)
			record(name+" (gemu-written)", "qemu-img compare", rc == 0, out)
			if rc != 0 {
				t.Errorf("compare: %s", out)
			}
			compareJSON(t, name+" (gemu-written)", g, false)
		})
	}
	// streamOptimized: written through convert by both tools.
	t.Run("vmdk streamOptimized", func(t *testing.T) {
		name := "vmdk streamOptimized"
		dir := t.TempDir()
		src := filepath.Join(dir, "src.raw")
		run(t, "qemu-img", "create", "-q", "-f", "raw", src, "8M")
		qemuIO(t, "raw", src, qemuIOScript)
		q := filepath.Join(dir, "q.vmdk")
		run(t, "qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized", src, q)
		got, want := readAll(t, q), qemuRaw(t, src)
		ok := bytes.Equal(got, want)
		record(name, "qemu writes, gemu reads", ok, firstDiff(got, want))
		if !ok {
			t.Errorf("streamOptimized read: %s", firstDiff(got, want))
		}
		compareJSON(t, name+" (qemu-written)", q, false)
		g := filepath.Join(dir, "g.vmdk")
		run(t, gemuImg, "convert", "-O", "vmdk", "-o", "subformat=streamOptimized", src, g)
		qemuCheckClean(t, name+" (gemu-written)", g)
		out, _, rc := runRC("qemu-img", "compare", src, g)
		record(name+" (gemu-written)", "qemu-img compare", rc == 0, out)
		if rc != 0 {
			t.Errorf("compare: %s", out)
		}
		compareJSON(t, name+" (gemu-written)", g, false)
	})
	// Mixed chains: qcow2 over vmdk, vmdk over vmdk.
	t.Run("chain qcow2 -> vmdk", func(t *testing.T) {
		dir := t.TempDir()
		b := filepath.Join(dir, "base.vmdk")
		run(t, "qemu-img", "create", "-q", "-f", "vmdk", b, "8M")
		qemuIO(t, "vmdk", b, []string{"write -P 0x71 0 1M", "write -P 0x72 5M 64k"})
		for _, top := range []string{"qcow2", "vmdk"} {
			name := top + " -> vmdk"
			o := filepath.Join(dir, "top."+top)
			run(t, "qemu-img", "create", "-q", "-f", top, "-b", "base.vmdk", "-F", "vmdk", o)
			qemuIO(t, top, o, []string{"write -P 0x73 512k 1M"})
			got, want := readAll(t, o), qemuRaw(t, o)
			ok := bytes.Equal(got, want)
			record(name, "qemu writes, gemu reads", ok, firstDiff(got, want))
			if !ok {
				t.Errorf("%s: %s", name, firstDiff(got, want))
			}
			compareJSON(t, name, o, true)
		}
	})
}

// TestBitmapsPreserved checks that persistent dirty bitmaps made by QEMU
// survive gemu's writes: still referenced (no leaks), flagged in-use.
func TestBitmapsPreserved(t *testing.T) {
	requireQemu(t)
	name := "qcow2 with dirty bitmaps"
	dir := t.TempDir()
	img := filepath.Join(dir, "bm.qcow2")
	run(t, "qemu-img", "create", "-q", "-f", "qcow2", img, "8M")
	qemuIO(t, "qcow2", img, qemuIOScript[:3])
	run(t, "qemu-img", "bitmap", "--add", img, "b0")
	qemuIO(t, "qcow2", img, qemuIOScript[3:])
	got, want := readAll(t, img), qemuRaw(t, img)
	ok := bytes.Equal(got, want)
	record(name, "qemu writes, gemu reads", ok, firstDiff(got, want))
	compareJSON(t, name+" (qemu-written)", img, false)
	exp := append([]byte(nil), got...)
	gemuWorkload(t, img, exp, 7)
	qemuCheckClean(t, name+" (gemu-written)", img)
	out, _, _ := runRC("qemu-img", "info", img)
	inUse := strings.Contains(out, "in-use")
	record(name+" (gemu-written)", "bitmap flagged in-use", inUse, "")
	if !inUse {
		t.Errorf("bitmap not flagged in-use after gemu wrote the image:\n%s", out)
	}
	compareJSON(t, name+" (gemu-written)", img, false)
}

// TestCommitRebase runs gemu-img commit and rebase on chains made by QEMU
// and checks the content QEMU sees afterwards.
func TestCommitRebase(t *testing.T) {
	requireQemu(t)
	dir := t.TempDir()
	base := filepath.Join(dir, "base.qcow2")
	mid := filepath.Join(dir, "mid.qcow2")
	top := filepath.Join(dir, "top.qcow2")
	run(t, "qemu-img", "create", "-q", "-f", "qcow2", base, "8M")
	qemuIO(t, "qcow2", base, []string{"write -P 1 0 2M", "write -P 2 6M 1M"})
	run(t, "qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", mid)
	qemuIO(t, "qcow2", mid, []string{"write -P 3 1M 2M", "write -z 6M 64k"})
	run(t, "qemu-img", "create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top)
	qemuIO(t, "qcow2", top, []string{"write -P 4 2M 512k"})
	want := qemuRaw(t, top)

	// Safe rebase of top onto base: top takes mid's data.
	run(t, gemuImg, "rebase", "-b", "base.qcow2", "-F", "qcow2", top)
	got := qemuRaw(t, top)
	ok := bytes.Equal(got, want)
	record("rebase (safe) top onto base", "content unchanged", ok, firstDiff(got, want))
	if !ok {
		t.Errorf("rebase changed the content: %s", firstDiff(got, want))
	}
	qemuCheckClean(t, "rebase (safe) top onto base", top)

	// Commit top into base.
	run(t, gemuImg, "commit", top)
	got = qemuRaw(t, base)
	ok = bytes.Equal(got, want)
	record("commit top into base", "base holds the chain", ok, firstDiff(got, want))
	if !ok {
		t.Errorf("commit: base differs: %s", firstDiff(got, want))
	}
	qemuCheckClean(t, "commit top into base", base)
	qemuCheckClean(t, "commit top into base (emptied top)", top)
	got = qemuRaw(t, top)
	ok = bytes.Equal(got, want)
	record("commit top into base", "top reads through", ok, firstDiff(got, want))
}

// damage edits 16-bit refcounts of a qcow2 image made by qemu-img.
func damage(t *testing.T, img string, set map[int]uint16) {
	t.Helper()
	f, err := os.OpenFile(img, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hdr := make([]byte, 64)
	f.ReadAt(hdr, 0)
	rt := int64(beU64(hdr[48:]))
	e := make([]byte, 8)
	f.ReadAt(e, rt)
	rb := int64(beU64(e))
	for c, v := range set {
		f.WriteAt([]byte{byte(v >> 8), byte(v)}, rb+2*int64(c))
	}
}

func beU64(b []byte) uint64 {
	var v uint64
	for i := 0; i < 8; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// TestCheckRepair damages refcounts and compares check and its repairs
// with qemu-img's.
func TestCheckRepair(t *testing.T) {
	requireQemu(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		set  map[int]uint16
	}{
		{"check: leaked clusters", map[int]uint16{1: 3, 7: 2}},
		{"check: leak and corruption", map[int]uint16{1: 3, 5: 0}},
	} {
		img := filepath.Join(dir, "d.qcow2")
		os.Remove(img)
		run(t, "qemu-img", "create", "-q", "-f", "qcow2", img, "4M")
		qemuIO(t, "qcow2", img, []string{"write 0 256k"})
		damage(t, img, tc.set)
		for _, args := range [][]string{{"check", img}, {"check", "--output=json", img}} {
			g, ge, grc := runRC(gemuImg, args...)
			q, qe, qrc := runRC("qemu-img", args...)
			ok := g == q && strings.ReplaceAll(ge, "gemu-img", "qemu-img") == qe && grc == qrc
			record(tc.name, strings.Join(args[:len(args)-1], " "), ok, "")
			if !ok {
				t.Errorf("%s %v: exit %d vs %d\ngemu-img:\n%s%s\nqemu-img:\n%s%s", tc.name, args, grc, qrc, g, ge, q, qe)
			}
		}
		a := img + ".a"
		data, _ := os.ReadFile(img)
		os.WriteFile(a, data, 0o644)
		_, _, rc := runRC(gemuImg, "check", "-r", "all", a)
		o, e, qrc := runRC("qemu-img", "check", a)
		ok := rc == 0 && qrc == 0
		record(tc.name, "gemu-img check -r all", ok, "")
		if !ok {
			t.Errorf("%s: after gemu-img check -r all (exit %d) qemu-img check exits %d:\n%s%s", tc.name, rc, qrc, o, e)
		}
	}
}
