package blockinterop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gemu/block"
	"gemu/block/formats"
)

// The crash test runs a writer (this test binary, re-executed) that drives
// a write-heavy workload on a qcow2 image through gemu's block layer and
// journals every operation it starts and every flush it completes. The
// writer is killed with SIGKILL at a random moment. The image must then
// pass qemu-img check without corruption (leaks allowed; gemu-img check -r
// leaks must repair them), and every byte written before the last completed
// flush, and not touched by a later operation, must read back intact.

const (
	crashEnvImage   = "GEMU_CRASH_IMAGE"
	crashEnvJournal = "GEMU_CRASH_JOURNAL"
	crashEnvSeed    = "GEMU_CRASH_SEED"
	crashMaxSize    = 24 << 20
)

// crashOp is one operation of the workload, derived from the seed and the
// state (size, number of snapshots) it starts from.
type crashOp struct {
	kind    string // write, zero, discard, flush, snap, delsnap, resize
	off, n  int64
	pattern byte
}

func nextOp(rng *rand.Rand, i int, size int64, snaps int, cs int64) crashOp {
	r := rng.Intn(100)
	off := rng.Int63n(size)
	n := rng.Int63n(min(size-off, 192<<10)) + 1
	switch {
	case r < 50:
		return crashOp{kind: "write", off: off, n: n, pattern: byte(i%250 + 1)}
	case r < 58:
		return crashOp{kind: "zero", off: off, n: n}
	case r < 66:
		off &^= cs - 1
		n = min((n+cs-1)&^(cs-1), size-off)
		return crashOp{kind: "discard", off: off, n: n}
	case r < 84:
		return crashOp{kind: "flush"}
	case r < 90:
		return crashOp{kind: "snap"}
	case r < 95:
		if snaps > 0 {
			return crashOp{kind: "delsnap"}
		}
		return crashOp{kind: "flush"}
	default:
		if size+1<<20 <= crashMaxSize {
			return crashOp{kind: "resize", n: size + 1<<20}
		}
		return crashOp{kind: "flush"}
	}
}

// crashWriter is the child process: it runs the workload until killed.
func crashWriter() {
	img, journal := os.Getenv(crashEnvImage), os.Getenv(crashEnvJournal)
	seed, _ := strconv.ParseInt(os.Getenv(crashEnvSeed), 10, 64)
	j, err := os.OpenFile(journal, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	n, err := formats.Default().OpenPath(img, block.PathOptions{Format: "qcow2"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "writer open:", err)
		os.Exit(1)
	}
	sn := n.Image.(block.Snapshotter)
	snaps, _ := sn.Snapshots()
	nsnap := len(snaps)
	cs := n.Image.(block.Infoer).Info().ClusterSize
	rng := rand.New(rand.NewSource(seed))
	for i := 0; i < 100000; i++ {
		op := nextOp(rng, i, n.Size(), nsnap, cs)
		fmt.Fprintf(j, "B %d\n", i)
		var err error
		switch op.kind {
		case "write":
			_, err = n.WriteAt(bytes.Repeat([]byte{op.pattern}, int(op.n)), op.off)
		case "zero":
			err = n.Image.(block.Zeroer).WriteZeroes(op.off, op.n, i%2 == 0)
		case "discard":
			err = n.Image.(block.Discarder).Discard(op.off, op.n)
		case "flush":
			err = n.Flush()
		case "snap":
			err = sn.CreateSnapshot(block.SnapshotInfo{Name: fmt.Sprintf("s%d", i)})
			nsnap++
			if err == nil {
				err = n.Flush()
			}
		case "delsnap":
			s, _ := sn.Snapshots()
			err = sn.DeleteSnapshot(s[0].ID)
			nsnap--
			if err == nil {
				err = n.Flush()
			}
		case "resize":
			err = n.Image.(block.Resizer).Resize(op.n, block.ResizeOptions{})
			if err == nil {
				err = n.Flush()
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "writer op %d %s: %v\n", i, op.kind, err)
			os.Exit(1)
		}
		if op.kind != "write" && op.kind != "zero" && op.kind != "discard" {
			fmt.Fprintf(j, "F %d\n", i)
		}
	}
	n.Close()
	os.Exit(0)
}

// readJournal returns the last operation started and the last one
// followed by a completed flush (-1 if none).
func readJournal(t *testing.T, path string) (int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return -1, -1
	}
	defer f.Close()
	began, flushed := -1, -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		kind, num, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue // a line cut short by the kill
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		if kind == "B" {
			began = v
		} else if kind == "F" {
			flushed = v
		}
	}
	return began, flushed
}

func TestCrashSafety(t *testing.T) {
	requireQemu(t)
	kills := 200
	if testing.Short() {
		kills = 40
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const rounds = 8
	perImage := kills / rounds
	total, leaky, dirty := 0, 0, 0
	for img := 0; img < rounds; img++ {
		path := filepath.Join(dir, fmt.Sprintf("crash%d.qcow2", img))
		opts := []string{"cluster_size=16k", "cluster_size=64k,lazy_refcounts=on", "cluster_size=4k,refcount_bits=8", "cluster_size=64k"}[img%4]
		run(t, "qemu-img", "create", "-q", "-f", "qcow2", "-o", opts, path, "4M")
		model := make([]byte, 4<<20)
		for k := 0; k < perImage; k++ {
			seed := int64(img*1000 + k)
			journal := filepath.Join(dir, "journal")
			os.Remove(journal)
			cmd := exec.Command(self, "-test.run=^$")
			cmd.Env = append(os.Environ(), crashEnvImage+"="+path, crashEnvJournal+"="+journal, crashEnvSeed+"="+strconv.FormatInt(seed, 10))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(seed))
			time.Sleep(time.Duration(10+rng.Intn(60)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			total++
			if strings.Contains(stderr.String(), "writer") {
				t.Fatalf("writer failed: %s", stderr.String())
			}
			began, flushed := readJournal(t, journal)
			// A crash inside a multi-step update leaves the dirty bit set;
			// opening the image writable repairs it, as QEMU does.
			if hdr, err := os.ReadFile(path); err == nil && len(hdr) > 80 && hdr[79]&1 != 0 {
				dirty++
				n, err := formats.Default().OpenPath(path, block.PathOptions{Format: "qcow2"})
				if err != nil {
					t.Fatalf("kill %d: reopening dirty image: %v", total, err)
				}
				n.Close()
			}
			out, _, rc := runRC("qemu-img", "check", "--output=json", path)
			var res map[string]any
			json.Unmarshal([]byte(out), &res)
			corrupt, _ := res["corruptions"].(float64)
			checkErr, _ := res["check-errors"].(float64)
			leaks, _ := res["leaks"].(float64)
			if rc == 1 || rc == 2 || corrupt > 0 || checkErr > 0 {
				_, e, _ := runRC("qemu-img", "check", path)
				record(fmt.Sprintf("crash image %d kill %d", img, k), "qemu-img check", false, "")
				t.Fatalf("kill %d (seed %d): image corrupt after kill (exit %d):\n%s\n%s", total, seed, rc, out, e)
			}
			if leaks > 0 {
				leaky++
				if _, e, rc := runRC(gemuImg, "check", "-r", "leaks", path); rc != 0 {
					t.Fatalf("kill %d: gemu-img check -r leaks: exit %d %s", total, rc, e)
				}
				if o, e, rc := runRC("qemu-img", "check", path); rc != 0 {
					t.Fatalf("kill %d: leaks not repaired: %s%s", total, o, e)
				}
			}
			// Replay the workload to learn what must be intact.
			n, err := formats.Default().OpenPath(path, block.PathOptions{Format: "qcow2", ReadOnly: true})
			if err != nil {
				t.Fatalf("kill %d: open: %v", total, err)
			}
			got := make([]byte, n.Size())
			if _, err := n.ReadAt(got, 0); err != nil {
				t.Fatalf("kill %d: read: %v", total, err)
			}
			n.Close()
			size := int64(len(model))
			exp := append([]byte(nil), model...)
			uncertain := make([]bool, crashMaxSize)
			nsnap := countSnapshots(t, path, k == 0)
			_ = nsnap
			vr := rand.New(rand.NewSource(seed))
			snaps := snapshotsBefore[path]
			for i := 0; i <= began; i++ {
				op := nextOp(vr, i, size, snaps, clusterOf(opts))
				after := i > flushed
				switch op.kind {
				case "write", "zero", "discard":
					for b := op.off; b < op.off+op.n; b++ {
						if after {
							uncertain[b] = true
							continue
						}
						switch op.kind {
						case "write":
							exp[b] = op.pattern
						case "zero":
							exp[b] = 0
						}
					}
					if op.kind == "discard" && !after {
						// Whole clusters read as zeroes afterwards.
						for b := op.off; b < op.off+op.n; b++ {
							uncertain[b] = true
						}
					}
				case "snap":
					snaps++
				case "delsnap":
					snaps--
				case "resize":
					if !after {
						exp = append(exp, make([]byte, op.n-size)...)
					}
					size = op.n
				}
			}
			if int64(len(got)) != int64(len(exp)) && !(began > flushed && int64(len(got)) == size) {
				t.Fatalf("kill %d: image size %d, want %d", total, len(got), len(exp))
			}
			for b := 0; b < min(len(got), len(exp)); b++ {
				if !uncertain[b] && got[b] != exp[b] {
					record(fmt.Sprintf("crash image %d kill %d", img, k), "flushed data intact", false, "")
					t.Fatalf("kill %d (seed %d): byte %d = %#x, want %#x (ops begun %d, flushed %d)", total, seed, b, got[b], exp[b], began, flushed)
				}
			}
			model = got
			snapshotsBefore[path] = countSnapshots(t, path, false)
		}
	}
	record(fmt.Sprintf("crash test: %d kills", total), "qemu-img check clean", true, "")
	t.Logf("%d kills: %d images with leaks (repaired by gemu-img check -r leaks), %d left dirty and repaired on open, 0 corrupt", total, leaky, dirty)
	fmt.Printf("crash test: %d kills, %d with leaks (repaired), %d dirty (repaired on open), 0 corrupt\n", total, leaky, dirty)
}

var snapshotsBefore = map[string]int{}

func countSnapshots(t *testing.T, path string, first bool) int {
	if first {
		return 0
	}
	n, err := formats.Default().OpenPath(path, block.PathOptions{Format: "qcow2", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	s, _ := n.Image.(block.Snapshotter).Snapshots()
	return len(s)
}

func clusterOf(opts string) int64 {
	for _, kv := range strings.Split(opts, ",") {
		if v, ok := strings.CutPrefix(kv, "cluster_size="); ok {
			n, _ := block.ParseSize(v)
			return n
		}
	}
	return 65536
}
