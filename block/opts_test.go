package block

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOpts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Options
		bad  bool
	}{
		{"a=b,c=d", Options{{"a", "b"}, {"c", "d"}}, false},
		{"file=a,,b.img,format=raw", Options{{"file", "a,b.img"}, {"format", "raw"}}, false},
		{"readonly", Options{{"readonly", "on"}}, false},
		{"a=b,", Options{{"a", "b"}}, false},
		{",a=b", nil, true},
		{"=x", nil, true},
		{"a=,b=c", Options{{"a", ""}, {"b", "c"}}, false},
		{"x=1,,,y=2", Options{{"x", "1,"}, {"y", "2"}}, false},
	} {
		got, err := ParseOpts(tc.in, "")
		if (err != nil) != tc.bad {
			t.Errorf("ParseOpts(%q) error = %v", tc.in, err)
			continue
		}
		if !tc.bad {
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("ParseOpts(%q) (-want +got):\n%s", tc.in, d)
			}
		}
	}
}

func TestParseDrive(t *testing.T) {
	d, err := ParseDrive("file=disk.qcow2,format=qcow2,if=virtio,cache=none,discard=unmap,detect-zeroes=unmap,aio=native,index=1")
	if err != nil {
		t.Fatal(err)
	}
	want := DriveOptions{File: "disk.qcow2", Format: "qcow2", If: "virtio", Index: 1, Bus: -1, Unit: -1, Media: "disk",
		Cache: CacheMode{Direct: true}, Discard: "unmap", DetectZeroes: DetectZeroesUnmap, AIO: "native", Werror: "enospc", Rerror: "report"}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("ParseDrive (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ in, mode string }{
		{"file=a,cache=writeback", "writeback"},
		{"file=a,cache=writethrough", "writethrough"},
		{"file=a,cache=directsync", "directsync"},
		{"file=a,cache=unsafe", "unsafe"},
		{"file=a,cache.direct=on", "none"},
	} {
		d, err := ParseDrive(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if d.Cache.String() != tc.mode {
			t.Errorf("%s: cache %s, want %s", tc.in, d.Cache, tc.mode)
		}
	}
	d, err = ParseDrive("media=cdrom,if=ide")
	if err != nil || !d.ReadOnly {
		t.Errorf("cdrom without medium: %+v, %v", d, err)
	}
	for _, bad := range []string{
		"file=a,if=bogus", "file=a,cache=sometimes", "file=a,aio=native", "file=a,detect-zeroes=unmap",
		"file=a,readonly=maybe", "file=a,index=-1", "file=a,media=tape", "if=virtio",
	} {
		if _, err := ParseDrive(bad); err == nil {
			t.Errorf("ParseDrive(%q) succeeded", bad)
		}
	}
}

func TestParseBlockdev(t *testing.T) {
	for _, in := range []string{
		"driver=qcow2,node-name=disk,file.driver=file,file.filename=a.qcow2,cache.direct=on,discard=unmap",
		`{"driver":"qcow2","node-name":"disk","file":{"driver":"file","filename":"a.qcow2"},"cache":{"direct":true},"discard":"unmap"}`,
	} {
		b, err := ParseBlockdev(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if b.Driver != "qcow2" || b.NodeName != "disk" || b.File == nil || b.File.Filename != "a.qcow2" || !b.Cache.Direct || b.Discard != "unmap" {
			t.Errorf("%s: %+v", in, b)
		}
	}
	b, err := ParseBlockdev("driver=raw,node-name=r,file=f0,backing=null")
	if err != nil || b.FileRef != "f0" || !b.NoBacking {
		t.Errorf("refs: %+v %v", b, err)
	}
	for _, bad := range []string{"driver=qcow2", "node-name=x", "driver=file,node-name=x", "driver=qcow2,node-name=x,file.driver=file", "driver=raw,node-name=x,file=a,file.x=b"} {
		if _, err := ParseBlockdev(bad); err == nil {
			t.Errorf("ParseBlockdev(%q) succeeded", bad)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512": 512, "1k": 1024, "1.5M": 3 << 19, "2G": 2 << 30, "1T": 1 << 40, "100b": 100} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "1Q", "99999999999E"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) succeeded", bad)
		}
	}
}

func FuzzParseDrive(f *testing.F) {
	for _, s := range []string{"file=a,,b,format=qcow2,if=virtio", "media=cdrom", "file=x,cache=none,aio=native", ",,,=", "a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ParseDrive(s)
		ParseBlockdev(s)
	})
}
