package mem

import (
	"bytes"
	"errors"
	"testing"
)

func TestPCLayout(t *testing.T) {
	got := PCLayout(8<<30, 3<<30)
	if len(got) != 2 || got[0] != (Range{0, 3 << 30}) || got[1] != (Range{1 << 32, 5 << 30}) {
		t.Fatalf("PCLayout(8G) = %v", got)
	}
	if got := PCLayout(64<<20, 3<<30); len(got) != 1 || got[0].Size != 64<<20 {
		t.Fatalf("PCLayout(64M) = %v", got)
	}
}

func TestAddOverflow(t *testing.T) {
	if _, ok := GPA(^uint64(0) - 1).Add(2); ok {
		t.Error("Add did not report overflow")
	}
	if a, ok := GPA(10).Add(5); !ok || a != 15 {
		t.Errorf("Add(10, 5) = %d, %v", a, ok)
	}
}

func TestReadWriteAcrossSlots(t *testing.T) {
	g, err := New(3*PageSize, []Range{{0, 2 * PageSize}, {0x10000, PageSize}})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.WriteAt([]byte("hello"), 2*PageSize-2); !errors.Is(err, ErrUnmapped) {
		t.Errorf("write across a gap: err = %v, want ErrUnmapped", err)
	}
	if _, err := g.WriteAt([]byte("hi"), 0x10000); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := g.ReadAt(buf, 0x10000); err != nil || string(buf) != "hi" {
		t.Errorf("ReadAt = %q, %v", buf, err)
	}
	var b Bitmap = *NewBitmap(g.Pages())
	g.HarvestDirty(&b)
	if b.Count() != 2 || !b.Test(1) || !b.Test(2) {
		t.Errorf("dirty pages = %d (page1 %v page2 %v), want pages 1 and 2", b.Count(), b.Test(1), b.Test(2))
	}
	b.Clear()
	g.HarvestDirty(&b)
	if b.Count() != 0 {
		t.Errorf("harvest did not clear")
	}
}

func TestROMOverlay(t *testing.T) {
	g, err := New(1<<20, []Range{{0, 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rom, err := g.AddROM("bios", 0xd0000, 0x10000)
	if err != nil {
		t.Fatal(err)
	}
	copy(rom, "ROM!")
	if len(g.Slots()) != 3 {
		t.Fatalf("slots = %d, want 3 (ram below, rom, ram above)", len(g.Slots()))
	}
	if _, err := g.WriteAt([]byte{1}, 0xd0000); !errors.Is(err, ErrReadOnly) {
		t.Errorf("write to ROM: %v, want ErrReadOnly", err)
	}
	got := make([]byte, 4)
	g.ReadAt(got, 0xd0000)
	if !bytes.Equal(got, []byte("ROM!")) {
		t.Errorf("ROM reads %q", got)
	}
	if err := g.AliasRAM("isa-bios", 0xe0000, 0xd0000, 0x10000, true); err != nil {
		t.Fatal(err)
	}
	g.ReadAt(got, 0xe0000)
	if !bytes.Equal(got, []byte("ROM!")) {
		t.Errorf("alias reads %q", got)
	}
	if _, err := g.AddROM("clash", 0xff001, 0x1000); err == nil {
		t.Error("unaligned ROM accepted")
	}
}

func TestNewRejectsBadLayout(t *testing.T) {
	if _, err := New(2*PageSize, []Range{{0, PageSize}}); err == nil {
		t.Error("short layout accepted")
	}
	if _, err := New(3*PageSize, []Range{{0, 2 * PageSize}, {PageSize, PageSize}}); err == nil {
		t.Error("overlapping ranges accepted")
	}
}
