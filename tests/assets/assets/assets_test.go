package assets

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sampleArchive(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewCPIOWriter(&b)
	steps := []error{
		w.Dir("bin", 0o755),
		w.File("/bin/hello", 0o755, []byte("hello, world\n")),
		w.File("odd", 0o644, []byte("abc")), // lengths that need padding
		w.File("empty", 0o600, nil),
		w.Symlink("bin/sh", "hello"),
		w.Device("console", 0o600, true, 5, 1),
		w.Device("sda", 0o660, false, 8, 0),
		w.Close(),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if b.Len()%4 != 0 {
		t.Errorf("archive of %d bytes is not 4-byte aligned", b.Len())
	}
	return b.Bytes()
}

// listWith runs an external cpio lister on the archive.
func listWith(t *testing.T, archive []byte, name string, args ...string) []string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(archive)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, errb.String())
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func TestCPIOAgainstGNUCpio(t *testing.T) {
	a := sampleArchive(t)
	got := listWith(t, a, "cpio", "-t", "--quiet")
	want := []string{"bin", "bin/hello", "odd", "empty", "bin/sh", "console", "sda"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("cpio -t (-want +got):\n%s", d)
	}
	long := strings.Join(listWith(t, a, "cpio", "-tv", "--quiet"), "\n")
	for _, s := range []string{"-rwxr-xr-x", "bin/sh -> hello", "crw-------", "5,", "brw-rw----", "8,"} {
		if !strings.Contains(long, s) {
			t.Errorf("cpio -tv output lacks %q:\n%s", s, long)
		}
	}
	// Extract the regular files and compare.
	dir := t.TempDir()
	cmd := exec.Command("cpio", "-id", "--quiet", "--no-absolute-filenames", "bin/hello", "odd", "empty")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(a)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio -id: %v\n%s", err, out)
	}
	for name, want := range map[string]string{"bin/hello": "hello, world\n", "odd": "abc", "empty": ""} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != want {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
}

func TestCPIOAgainstBusybox(t *testing.T) {
	bb := "busybox"
	if p, err := Busybox(); err == nil {
		bb = p
	}
	got := listWith(t, sampleArchive(t), bb, "cpio", "-t")
	want := []string{"bin", "bin/hello", "odd", "empty", "bin/sh", "console", "sda"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("busybox cpio -t (-want +got):\n%s", d)
	}
}

func TestCPIOErrors(t *testing.T) {
	w := NewCPIOWriter(io.Discard)
	if err := w.File("", 0o644, nil); err == nil {
		t.Error("empty name accepted")
	}
	if err := w.File("a\x00b", 0o644, nil); err == nil {
		t.Error("NUL in name accepted")
	}
	if err := w.FileFrom("short", 0o644, strings.NewReader("ab"), 10); err == nil {
		t.Error("short reader accepted")
	}
	w = NewCPIOWriter(io.Discard)
	w.Close()
	if err := w.Dir("late", 0o755); err == nil {
		t.Error("entry after the trailer accepted")
	}
}

func TestCmdline(t *testing.T) {
	cmds := []string{"cat /proc/cpuinfo | grep -c processor", `echo "a  b" 'c'; exit 3`}
	got := Cmdline(cmds...)
	fs := strings.Fields(got)
	if len(fs) != 2 {
		t.Fatalf("Cmdline = %q: want one parameter per command", got)
	}
	for i, f := range fs {
		v, ok := strings.CutPrefix(f, "gemu.cmd=")
		if !ok {
			t.Fatalf("parameter %q", f)
		}
		d, err := base64.StdEncoding.DecodeString(v)
		if err != nil || string(d) != cmds[i] {
			t.Errorf("parameter %d decodes to %q, %v", i, d, err)
		}
	}
}

// fakeModules makes a lib/modules/<ver> tree with a dependency chain.
func fakeModules(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "6.1.0-test")
	files := map[string]string{
		"kernel/drivers/virtio/virtio.ko":      "v",
		"kernel/drivers/virtio/virtio_ring.ko": "r",
		"kernel/drivers/block/virtio_blk.ko":   "b",
		"kernel/drivers/net/virtio_net.ko":     "n",
		"modules.dep":                          "kernel/drivers/virtio/virtio.ko:\nkernel/drivers/virtio/virtio_ring.ko:\nkernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/net/virtio_net.ko: kernel/drivers/virtio/virtio.ko\n",
		"modules.alias":                        "alias virtio:d00000002v* virtio_blk\n",
	}
	for name, c := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBuildInitramfs(t *testing.T) {
	bb := filepath.Join(t.TempDir(), "busybox")
	os.WriteFile(bb, []byte("\x7fELF fake busybox"), 0o755)
	var b bytes.Buffer
	err := BuildInitramfs(&b, InitramfsConfig{Busybox: bb, ModulesDir: fakeModules(t), Modules: []string{"virtio-blk"}, Compress: true})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	got := listWith(t, raw, "cpio", "-t", "--quiet")
	sort.Strings(got)
	for _, want := range []string{"init", "bin/busybox", "bin/sh", "dev/console", "dev/null", "proc", "sys",
		"lib/modules/6.1.0-test/kernel/drivers/block/virtio_blk.ko", "lib/modules/6.1.0-test/kernel/drivers/virtio/virtio.ko",
		"lib/modules/6.1.0-test/kernel/drivers/virtio/virtio_ring.ko", "lib/modules/6.1.0-test/modules.dep",
		"lib/modules/6.1.0-test/modules.alias", "etc/gemu-modules"} {
		if i := sort.SearchStrings(got, want); i == len(got) || got[i] != want {
			t.Errorf("initramfs lacks %s; has %v", want, got)
		}
	}
	for _, f := range got {
		if strings.Contains(f, "virtio_net") {
			t.Errorf("initramfs has %s, which nothing asked for", f)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command("cpio", "-id", "--quiet", "init", "etc/gemu-modules")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio -id: %v\n%s", err, out)
	}
	if s, _ := os.ReadFile(filepath.Join(dir, "init")); !bytes.Contains(s, []byte("echo "+MarkerInit)) || !bytes.HasPrefix(s, []byte("#!/bin/busybox sh\n")) {
		t.Errorf("init script:\n%s", s)
	}
	if s, _ := os.ReadFile(filepath.Join(dir, "etc/gemu-modules")); string(s) != "virtio-blk\n" {
		t.Errorf("etc/gemu-modules = %q", s)
	}

	if err := BuildInitramfs(io.Discard, InitramfsConfig{Busybox: bb, ModulesDir: fakeModules(t), Modules: []string{"nosuch"}}); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown module: %v", err)
	}
	if err := BuildInitramfs(io.Discard, InitramfsConfig{Busybox: filepath.Join(t.TempDir(), "none")}); err == nil {
		t.Error("missing busybox accepted")
	}
}

// The init script must be valid shell: check it with busybox sh -n.
func TestInitScriptSyntax(t *testing.T) {
	if _, err := exec.LookPath("busybox"); err != nil {
		t.Skip("busybox not installed")
	}
	cmd := exec.Command("busybox", "sh", "-n")
	cmd.Stdin = strings.NewReader(initScript)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("busybox sh -n: %v\n%s", err, out)
	}
}

func TestManifest(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GEMU_ASSETS", dir)
	if _, err := Kernel(Cloud); !errors.Is(err, ErrNotFetched) {
		t.Errorf("empty cache: %v", err)
	}
	for _, f := range []string{"k/vmlinuz", "k/mod/x", "bb", "rd"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	os.WriteFile(filepath.Join(dir, manifestName), []byte(`{"kernels":{"cloud-amd64":{"vmlinuz":"k/vmlinuz","modules":"k/mod"}},"busybox":"bb","initramfs":"rd"}`), 0o644)
	if p, err := Kernel(Cloud); err != nil || p != filepath.Join(dir, "k/vmlinuz") {
		t.Errorf("Kernel = %q, %v", p, err)
	}
	if _, err := Kernel(Generic); !errors.Is(err, ErrNotFetched) {
		t.Errorf("missing flavor: %v", err)
	}
	if p, err := Initramfs(); err != nil || p != filepath.Join(dir, "rd") {
		t.Errorf("Initramfs = %q, %v", p, err)
	}
	os.Remove(filepath.Join(dir, "rd"))
	if _, err := Initramfs(); !errors.Is(err, ErrNotFetched) {
		t.Errorf("deleted initramfs: %v", err)
	}
	os.WriteFile(filepath.Join(dir, manifestName), []byte(`{`), 0o644)
	if _, err := Kernel(Cloud); err == nil || errors.Is(err, ErrNotFetched) {
		t.Errorf("corrupt manifest: %v", err)
	}
}

// TestInitramfsBootsOnQEMU boots the cached cloud kernel with the cached
// initramfs under QEMU and checks the markers and the commands' output.
func TestInitramfsBootsOnQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a kernel under QEMU")
	}
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 not installed")
	}
	k, err := Kernel(Cloud)
	if errors.Is(err, ErrNotFetched) {
		t.Skipf("assets not fetched (make assets): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	rd, err := Initramfs()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmdline := "console=ttyS0 quiet panic=-1 cryptomgr.notests " + Cmdline(`echo "one two  three"`, "cat /proc/cmdline | wc -l; exit 7")
	cmd := exec.CommandContext(ctx, qemu, "-M", "pc", "-accel", "tcg", "-m", "256", "-nodefaults", "-display", "none",
		"-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", k, "-initrd", rd, "-append", cmdline)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("qemu: %v\n%s", err, out)
	}
	s := strings.ReplaceAll(string(out), "\r\n", "\n")
	want := MarkerInit + "\n" + MarkerBegin + " 1\none two  three\n" + MarkerEnd + " 1 status=0\n" +
		MarkerBegin + " 2\n1\n" + MarkerEnd + " 2 status=7\n" + MarkerDone + "\n"
	if !strings.Contains(s, want) {
		t.Errorf("console output lacks\n%s\ngot:\n%s", want, s)
	}
}
