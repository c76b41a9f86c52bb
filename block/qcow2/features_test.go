package qcow2

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"gemu/block"
	"gemu/block/raw"
)

func newImage(t *testing.T, size int64, opts block.Options) (*block.MemFile, *Image) {
	t.Helper()
	m := &block.MemFile{}
	if err := (Format{}).Create(m, size, block.CreateOptions{Opts: opts}); err != nil {
		t.Fatal(err)
	}
	img, err := open(m, block.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return m, img
}

func clean(t *testing.T, img *Image) {
	t.Helper()
	res, err := img.Check(block.CheckNone)
	if err != nil || res.Corruptions != 0 || res.Leaks != 0 {
		t.Fatalf("check: %+v %v\n%v", res, err, res.Messages)
	}
}

func TestSnapshotsAndVMState(t *testing.T) {
	_, img := newImage(t, 4<<20, nil)
	a := bytes.Repeat([]byte{0xaa}, 100000)
	img.WriteAt(a, 0)
	state := []byte("vm state bytes that savevm writes")
	if err := img.WriteVMState(state, 0); err != nil {
		t.Fatal(err)
	}
	if err := img.CreateSnapshot(block.SnapshotInfo{Name: "one", VMStateSize: int64(len(state))}); err != nil {
		t.Fatal(err)
	}
	clean(t, img)
	img.WriteAt(bytes.Repeat([]byte{0xbb}, 100000), 50000)
	if err := img.ApplySnapshot("one"); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 100000)
	img.ReadAt(got, 0)
	if !bytes.Equal(got, a) {
		t.Fatal("ApplySnapshot did not restore the disk")
	}
	vs := make([]byte, len(state))
	if err := img.ReadVMState(vs, 0); err != nil || !bytes.Equal(vs, state) {
		t.Fatalf("ReadVMState = %q, %v", vs, err)
	}
	snaps, _ := img.Snapshots()
	if len(snaps) != 1 || snaps[0].Name != "one" || snaps[0].ID != "1" || snaps[0].VMStateSize != int64(len(state)) {
		t.Fatalf("Snapshots() = %+v", snaps)
	}
	if err := img.DeleteSnapshot("1"); err != nil {
		t.Fatal(err)
	}
	if err := img.DeleteSnapshot("1"); !errors.Is(err, block.ErrNoSnapshot) {
		t.Fatalf("second delete: %v", err)
	}
	clean(t, img)
}

func TestRefcountOneBitRefusesSnapshots(t *testing.T) {
	_, img := newImage(t, 1<<20, block.Options{{Key: "refcount_bits", Value: "1"}})
	img.WriteAt([]byte{1}, 0)
	if err := img.CreateSnapshot(block.SnapshotInfo{Name: "x"}); err == nil {
		t.Fatal("snapshot with refcount_bits=1 succeeded")
	}
}

func TestCorruptBit(t *testing.T) {
	m, img := newImage(t, 1<<20, nil)
	img.WriteAt([]byte{1}, 0)
	img.Close()
	// Point L1 entry 0 at an unaligned offset.
	b := m.Bytes()
	l1 := binary.BigEndian.Uint64(b[40:])
	binary.BigEndian.PutUint64(b[l1:], oflagCopied|0x10200)
	m = block.NewMemFile(b)
	img, err := open(m, block.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = img.ReadAt(make([]byte, 512), 0)
	if !errors.Is(err, block.ErrCorrupt) {
		t.Fatalf("read of corrupt table: %v", err)
	}
	if _, err := img.WriteAt([]byte{1}, 0); !errors.Is(err, block.ErrCorrupt) {
		t.Fatalf("write after corruption: %v", err)
	}
	if _, err := open(m, block.OpenOptions{}); !errors.Is(err, block.ErrCorrupt) {
		t.Fatalf("read-write open of a corrupt image: %v", err)
	}
	if _, err := open(m, block.OpenOptions{ReadOnly: true}); err != nil {
		t.Fatalf("read-only open of a corrupt image: %v", err)
	}
}

func TestDirtyImageRepairedOnOpen(t *testing.T) {
	m, img := newImage(t, 1<<20, block.Options{{Key: "lazy_refcounts", Value: "on"}})
	img.WriteAt(bytes.Repeat([]byte{7}, 70000), 0)
	img.mu.Lock()
	img.flushMeta() // metadata out, but no clean close
	img.mu.Unlock()
	b := m.Bytes()
	if binary.BigEndian.Uint64(b[72:])&incDirty == 0 {
		t.Fatal("lazy_refcounts image is not marked dirty while in use")
	}
	// Lose every refcount update: the repair must rebuild them.
	clear(b[2<<16 : 3<<16])
	img2, err := open(block.NewMemFile(b), block.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if img2.h.incompatible&incDirty != 0 {
		t.Fatal("dirty bit not cleared after repair")
	}
	clean(t, img2)
}

func TestCompressedRoundTrip(t *testing.T) {
	for _, ct := range []string{"zlib", "zstd"} {
		_, img := newImage(t, 1<<20, block.Options{{Key: "compression_type", Value: ct}, {Key: "cluster_size", Value: "4k"}})
		c := img.NewCompressor()
		data := bytes.Repeat([]byte("compress me "), 4096/12+1)[:4096]
		for off := int64(0); off < 64<<10; off += 4096 {
			z, err := c.Compress(data)
			if err != nil || z == nil {
				t.Fatalf("%s: Compress: %v", ct, err)
			}
			if err := img.WriteCompressed(off, data, z); err != nil {
				t.Fatal(err)
			}
		}
		got := make([]byte, 4096)
		img.ReadAt(got, 8192)
		if !bytes.Equal(got, data) {
			t.Fatalf("%s: compressed cluster reads back wrong", ct)
		}
		// Overwriting part of a compressed cluster copies it first.
		img.WriteAt([]byte("X"), 8192+10)
		img.ReadAt(got, 8192)
		want := append([]byte(nil), data...)
		want[10] = 'X'
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: partial overwrite of a compressed cluster", ct)
		}
		clean(t, img)
	}
}

func TestBackingAndSubclusters(t *testing.T) {
	base := block.NewMemFile(bytes.Repeat([]byte{0x5a}, 1<<20))
	bimg, _ := raw.Format{}.Open(base, block.OpenOptions{ReadOnly: true})
	m := &block.MemFile{}
	opts := block.CreateOptions{Opts: block.Options{{Key: "extended_l2", Value: "on"}, {Key: "cluster_size", Value: "64k"}}, BackingFile: "base.raw", BackingFormat: "raw"}
	if err := (Format{}).Create(m, 1<<20, opts); err != nil {
		t.Fatal(err)
	}
	img, err := open(m, block.OpenOptions{Backing: func(name, f string) (block.Image, error) { return bimg, nil }})
	if err != nil {
		t.Fatal(err)
	}
	// A 100-byte write allocates one 2 KiB subcluster; the rest of the
	// cluster still comes from the backing file.
	img.WriteAt(bytes.Repeat([]byte{1}, 100), 3000)
	got := make([]byte, 65536)
	img.ReadAt(got, 0)
	for i, c := range got {
		want := byte(0x5a)
		if i >= 3000 && i < 3100 {
			want = 1
		}
		if c != want {
			t.Fatalf("byte %d = %#x, want %#x", i, c, want)
		}
	}
	e, _ := img.MapExtent(0, 65536)
	if e.Depth != 1 || e.Length != 2048 {
		t.Fatalf("first subcluster should map to the backing file: %+v", e)
	}
	if err := img.WriteZeroes(4096, 4096, false); err != nil {
		t.Fatal(err)
	}
	img.ReadAt(got[:4096], 4096)
	if !block.IsZero(got[:4096]) {
		t.Fatal("zeroed subclusters read non-zero")
	}
	clean(t, img)
}

func TestResize(t *testing.T) {
	_, img := newImage(t, 1<<20, block.Options{{Key: "cluster_size", Value: "4k"}})
	img.WriteAt(bytes.Repeat([]byte{9}, 1<<20), 0)
	if err := img.Resize(600<<10, block.ResizeOptions{}); err == nil {
		t.Fatal("shrink without Shrink succeeded")
	}
	if err := img.Resize(600<<10, block.ResizeOptions{Shrink: true}); err != nil {
		t.Fatal(err)
	}
	if err := img.Resize(64<<20, block.ResizeOptions{}); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4096)
	img.ReadAt(got, 700<<10)
	if !block.IsZero(got) {
		t.Fatal("grown area is not zero")
	}
	img.ReadAt(got, 500<<10)
	if got[0] != 9 {
		t.Fatal("data below the shrink point was lost")
	}
	img.WriteAt([]byte{1}, 60<<20)
	clean(t, img)
}
