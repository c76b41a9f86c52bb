package mem

import "testing"

func TestWriteHook(t *testing.T) {
	g := NewForTest(4 * PageSize)
	var pages []int
	g.SetWriteHook(func(p int) { pages = append(pages, p) })
	if _, err := g.WriteAt(make([]byte, PageSize+1), PageSize); err != nil {
		t.Fatal(err)
	}
	if _, err := g.ViewForWrite(3*PageSize, 8); err != nil {
		t.Fatal(err)
	}
	g.MarkDirty(0, 1)
	want := []int{1, 2, 3, 0}
	if len(pages) != len(want) {
		t.Fatalf("hook saw pages %v, want %v", pages, want)
	}
	for i := range want {
		if pages[i] != want[i] {
			t.Fatalf("hook saw pages %v, want %v", pages, want)
		}
	}
}
