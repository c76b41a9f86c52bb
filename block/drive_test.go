package block_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gemu/block"
	"gemu/block/formats"
)

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotOnLeavesImageUntouched(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "disk.raw")
	orig := bytes.Repeat([]byte{3}, 1<<20)
	writeFile(t, img, orig)
	reg := formats.Default()
	d, err := block.ParseDrive("file=" + img + ",format=raw,snapshot=on")
	if err != nil {
		t.Fatal(err)
	}
	drv, err := reg.OpenDrive(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := drv.WriteAt([]byte("changed"), 0); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 7)
	drv.ReadAt(got, 0)
	if string(got) != "changed" {
		t.Fatalf("overlay reads %q", got)
	}
	if err := drv.Close(); err != nil {
		t.Fatal(err)
	}
	now, _ := os.ReadFile(img)
	if !bytes.Equal(now, orig) {
		t.Fatal("snapshot=on wrote to the image")
	}
}

func TestProbedRawGuardsSectorZero(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "disk.img")
	writeFile(t, img, make([]byte, 1<<20))
	var warned string
	n, err := formats.Default().OpenPath(img, block.PathOptions{Warn: func(s string) { warned = s }})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if !n.Probed || warned == "" {
		t.Fatalf("probed=%v warning=%q", n.Probed, warned)
	}
	qcowMagic := []byte{'Q', 'F', 'I', 0xfb, 0, 0, 0, 3}
	if _, err := n.WriteAt(qcowMagic, 0); !errors.Is(err, block.ErrProbedRawWrite) {
		t.Fatalf("writing a qcow2 header into a probed raw image: %v", err)
	}
	if _, err := n.WriteAt([]byte("boot sector"), 0); err != nil {
		t.Fatalf("ordinary sector 0 write: %v", err)
	}
}

func TestDrivePolicies(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "d.qcow2")
	reg := formats.Default()
	q, _ := reg.Lookup("qcow2")
	hf, err := block.OpenHostFile(img, block.FileOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Create(hf, 4<<20, block.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	hf.Close()
	d, err := block.ParseDrive("file=" + img + ",format=qcow2,detect-zeroes=unmap,discard=unmap,cache=writethrough")
	if err != nil {
		t.Fatal(err)
	}
	drv, err := reg.OpenDrive(d)
	if err != nil {
		t.Fatal(err)
	}
	drv.WriteAt(bytes.Repeat([]byte{1}, 65536), 0)
	drv.WriteAt(make([]byte, 65536), 0) // detected as zeroes: unmapped
	e, err := drv.Node.MapExtent(0, 65536)
	if err != nil || e.Data || !e.Zero {
		t.Fatalf("zero write not turned into an unmap: %+v %v", e, err)
	}
	drv.Close()
	ro, err := block.ParseDrive("file=" + img + ",format=qcow2,readonly=on")
	if err != nil {
		t.Fatal(err)
	}
	drv, err = reg.OpenDrive(ro)
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close()
	if _, err := drv.WriteAt([]byte{1}, 0); !errors.Is(err, block.ErrReadOnly) {
		t.Fatalf("write to readonly drive: %v", err)
	}
}

func TestBlockdev(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "b.raw")
	writeFile(t, img, bytes.Repeat([]byte{4}, 8192))
	b, err := block.ParseBlockdev("driver=raw,node-name=disk0,file.driver=file,file.filename=" + img)
	if err != nil {
		t.Fatal(err)
	}
	drv, err := formats.Default().OpenBlockdev(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close()
	got := make([]byte, 2)
	drv.ReadAt(got, 100)
	if drv.Size() != 8192 || got[0] != 4 {
		t.Fatalf("blockdev reads %v, size %d", got, drv.Size())
	}
}

func TestDirectUnaligned(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "direct.raw")
	writeFile(t, name, make([]byte, 64<<10))
	f, err := block.OpenHostFile(name, block.FileOptions{Direct: true})
	if err != nil {
		t.Skipf("O_DIRECT not supported on %s: %v", dir, err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte("unaligned"), 1000); err != nil {
		if errors.Is(err, os.ErrInvalid) {
			t.Skipf("O_DIRECT writes rejected here: %v", err)
		}
		t.Fatal(err)
	}
	got := make([]byte, 9)
	if _, err := f.ReadAt(got, 1000); err != nil || string(got) != "unaligned" {
		t.Fatalf("ReadAt = %q, %v", got, err)
	}
	if sz, _ := f.Size(); sz != 64<<10 {
		t.Fatalf("size changed to %d", sz)
	}
}
