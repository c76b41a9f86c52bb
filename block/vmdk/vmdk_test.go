package vmdk

import (
	"os"
	"path/filepath"
	"testing"

	"gemu/block"
	"gemu/block/blocktest"
)

func TestSuite(t *testing.T) {
	for _, sub := range []string{"monolithicSparse"} {
		t.Run(sub, func(t *testing.T) {
			blocktest.Run(t, blocktest.Config{Format: Format{}, Opts: block.Options{{Key: "subformat", Value: sub}}})
		})
	}
}

func TestDescriptorRoundTrip(t *testing.T) {
	d := &descriptor{version: 1, cid: 0x1234, parentCID: 0xffffffff, createType: "twoGbMaxExtentFlat",
		extents: []extentDesc{{access: "RW", sectors: 100, typ: "FLAT", file: "a b-f001.vmdk"}, {access: "RW", sectors: 8, typ: "ZERO"}},
		ddb:     [][2]string{{"ddb.adapterType", "ide"}}}
	got, err := parseDescriptor(d.encode())
	if err != nil {
		t.Fatal(err)
	}
	if got.encode() != d.encode() {
		t.Errorf("round trip:\n%s\nwant:\n%s", got.encode(), d.encode())
	}
}

func TestBadDescriptors(t *testing.T) {
	for _, s := range []string{
		"",
		"version=1\n",
		"version=1\nRW 0 FLAT \"x\"\n",
		"version=1\nRW 10 FLAT\n",
		"version=1\nRW 10 WEIRD \"x\"\n",
		"version=1\nCID=zz\nRW 10 FLAT \"x\"\n",
		"version=1\nRW 10 FLAT \"x\" -5\n",
	} {
		if _, err := parseDescriptor(s); err == nil {
			t.Errorf("parseDescriptor(%q) succeeded", s)
		}
	}
}

func seeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.vmdk")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzDescriptor(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parseDescriptor(string(data))
		if err != nil {
			return
		}
		if _, err := parseDescriptor(d.encode()); err != nil {
			t.Fatalf("re-encoded descriptor does not parse: %v\n%s", err, d.encode())
		}
	})
}

func FuzzOpen(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4<<20 {
			return
		}
		m := block.NewMemFile(data)
		m.Limit = int64(len(data)) + 8<<20
		opened := map[string]*block.MemFile{}
		o := block.OpenOptions{OpenFile: func(name string, ro bool) (block.File, error) {
			// Every extent file is a copy of the input, capped.
			if len(opened) > 8 {
				return nil, os.ErrNotExist
			}
			c := block.NewMemFile(data)
			c.Limit = m.Limit
			opened[name] = c
			return c, nil
		}}
		img, err := Format{}.Open(m, o)
		if err != nil {
			return
		}
		defer img.Close()
		size := img.Size()
		buf := make([]byte, 64<<10)
		for off := int64(0); off < size && off < 2<<20; off += int64(len(buf)) {
			n := min(int64(len(buf)), size-off)
			if _, err := img.ReadAt(buf[:n], off); err != nil {
				break
			}
			img.(*Image).MapExtent(off, n)
		}
		img.WriteAt([]byte("fuzz"), min(size/2, 100))
		img.(*Image).Check(block.CheckNone)
		img.(*Image).Info()
	})
}
