package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gemu/block/formats"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt")

// script is run in order in an empty directory; each command's output and
// exit status is compared with testdata/golden.txt.
var script = []string{
	"--version",
	"create -f qcow2 a.qcow2 10M",
	"create -f qcow2 -o cluster_size=4k,compat=0.10 v2.qcow2 1M",
	"create -f raw r.raw 4M",
	"create -f qcow2 -b a.qcow2 -F qcow2 o.qcow2",
	"create -f qcow2 -b a.qcow2 bad.qcow2",
	"create -f qcow2 -o cluster_size=3k x.qcow2 1M",
	"create -f qcow2 -o refcount_bits=8,compat=0.10 x.qcow2 1M",
	"create -f qcow2 -o nonsense=1 x.qcow2 1M",
	"create -f nosuchfmt x.img 1M",
	"info a.qcow2",
	"info --output=json v2.qcow2",
	"info --backing-chain o.qcow2",
	"check a.qcow2",
	"check --output=json a.qcow2",
	"check r.raw",
	"check -r bogus a.qcow2",
	"map --output=json a.qcow2",
	"snapshot -c first a.qcow2",
	"snapshot -d nosuch a.qcow2",
	"snapshot -a first a.qcow2",
	"snapshot -d first a.qcow2",
	"resize a.qcow2 +1M",
	"resize a.qcow2 1M",
	"resize --shrink a.qcow2 1M",
	"compare a.qcow2 v2.qcow2",
	"compare -s a.qcow2 v2.qcow2",
	"compare a.qcow2 nosuchfile",
	"convert -O raw a.qcow2 c.raw",
	"compare -f qcow2 -F raw a.qcow2 c.raw",
	"measure --size 1G -O qcow2",
	"measure --output=json --size 10G -O qcow2 -o cluster_size=4k",
	"amend -o lazy_refcounts=on a.qcow2",
	"amend -o compat=0.10 a.qcow2",
	"info --output=json a.qcow2",
	"rebase -u -b r.raw -F raw o.qcow2",
	"info o.qcow2",
	"commit o.qcow2",
	"nosuchcommand",
}

func TestGolden(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var out bytes.Buffer
	for _, line := range script {
		var so, se bytes.Buffer
		e := &env{stdout: &so, stderr: &se, reg: formats.Default()}
		rc := run(e, strings.Fields(line))
		fmt.Fprintf(&out, "$ gemu-img %s\n%s", line, so.String())
		if se.Len() > 0 {
			fmt.Fprintf(&out, "[stderr]\n%s", se.String())
		}
		fmt.Fprintf(&out, "[exit %d]\n\n", rc)
	}
	got := normalize(out.String())
	golden := filepath.Join(wd, "testdata", "golden.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("golden mismatch at line %d:\n got: %s\nwant: %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("golden mismatch: %d lines, want %d", len(gl), len(wl))
	}
}

var wd, _ = os.Getwd()

// normalize drops what changes from run to run: disk usage, snapshot
// dates, VMDK CIDs.
func normalize(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(l, "disk size:"):
			l = "disk size: <varies>"
		case strings.Contains(l, `"actual-size"`):
			l = `    "actual-size": <varies>,`
		}
		b.WriteString(l)
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}
