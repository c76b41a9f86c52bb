package qcow2

import (
	"os"
	"path/filepath"
	"testing"

	"gemu/block"
)

func addSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.qcow2")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, opts := range []block.Options{
		{{Key: "cluster_size", Value: "512"}},
		{{Key: "cluster_size", Value: "16k"}, {Key: "extended_l2", Value: "on"}},
		{{Key: "cluster_size", Value: "512"}, {Key: "refcount_bits", Value: "1"}},
	} {
		m := &block.MemFile{}
		if err := (Format{}).Create(m, 64<<10, block.CreateOptions{Opts: opts}); err != nil {
			f.Fatal(err)
		}
		img, err := open(m, block.OpenOptions{})
		if err != nil {
			f.Fatal(err)
		}
		img.WriteAt(make([]byte, 3000), 100)
		img.CreateSnapshot(block.SnapshotInfo{Name: "s"})
		img.WriteAt([]byte("hello"), 5000)
		img.Close()
		f.Add(m.Bytes())
	}
}

// exercise reads everything a hostile image describes and writes to it;
// any failure must be an error, never a panic, a hang or a huge
// allocation.
func exercise(t *testing.T, data []byte, writable bool) {
	m := block.NewMemFile(data)
	m.Limit = int64(len(data)) + 8<<20
	img, err := open(m, block.OpenOptions{ReadOnly: !writable, NoRepair: !writable})
	if err != nil {
		return
	}
	defer img.Close()
	size := img.Size()
	buf := make([]byte, 64<<10)
	for off := int64(0); off < size && off < 4<<20; off += int64(len(buf)) {
		n := min(int64(len(buf)), size-off)
		if _, err := img.ReadAt(buf[:n], off); err != nil {
			break
		}
	}
	for off := int64(0); off < size && off < 4<<20; {
		e, err := img.MapExtent(off, min(size-off, 4<<20-off))
		if err != nil || e.Length <= 0 {
			break
		}
		off += e.Length
	}
	img.Snapshots()
	img.Info()
	img.Check(block.CheckNone)
	if writable {
		img.WriteAt([]byte("written by the fuzzer"), min(size/2, 1000))
		img.WriteZeroes(0, min(size, 4096), true)
		img.Discard(0, min(size, 65536))
		img.CreateSnapshot(block.SnapshotInfo{Name: "f"})
		img.Check(block.CheckAll)
		img.Flush()
	}
}

func FuzzOpen(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4<<20 {
			return
		}
		exercise(t, data, false)
	})
}

func FuzzOpenWrite(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4<<20 {
			return
		}
		exercise(t, data, true)
	})
}

func FuzzHeader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseHeader(data)
		if err != nil {
			return
		}
		if _, err := h.encode(); err != nil {
			return
		}
	})
}
