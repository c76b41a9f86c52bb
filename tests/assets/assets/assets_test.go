package assets

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/binary"
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

// fakeKO returns a minimal ELF64 relocatable file whose .modinfo section
// says the module depends on depends (comma separated).
func fakeKO(depends string) []byte {
	le := binary.LittleEndian
	modinfo := []byte("license=GPL\x00depends=" + depends + "\x00vermagic=6.1.0\x00")
	shstr := []byte("\x00.modinfo\x00.shstrtab\x00")
	b := make([]byte, 64)
	copy(b, "\x7fELF\x02\x01\x01")
	le.PutUint16(b[16:], 1)  // ET_REL
	le.PutUint16(b[18:], 62) // x86-64
	le.PutUint32(b[20:], 1)
	le.PutUint16(b[52:], 64)
	le.PutUint16(b[58:], 64)
	le.PutUint16(b[60:], 3)
	le.PutUint16(b[62:], 2)
	miOff := len(b)
	b = append(b, modinfo...)
	ssOff := len(b)
	b = append(b, shstr...)
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	le.PutUint64(b[40:], uint64(len(b))) // e_shoff
	sh := func(name, typ uint32, off, size int) {
		h := make([]byte, 64)
		le.PutUint32(h, name)
		le.PutUint32(h[4:], typ)
		le.PutUint64(h[24:], uint64(off))
		le.PutUint64(h[32:], uint64(size))
		le.PutUint64(h[48:], 1)
		b = append(b, h...)
	}
	sh(0, 0, 0, 0)
	sh(1, 1, miOff, len(modinfo)) // .modinfo, PROGBITS
	sh(10, 3, ssOff, len(shstr))  // .shstrtab, STRTAB
	return b
}

// fakeModules makes a lib/modules/<ver> tree, without modules.dep as in
// Debian's packages, with a dependency chain.
func fakeModules(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "6.1.0-test")
	files := map[string][]byte{
		"kernel/drivers/virtio/virtio.ko":      fakeKO(""),
		"kernel/drivers/virtio/virtio_ring.ko": fakeKO("virtio"),
		"kernel/drivers/block/virtio_blk.ko":   fakeKO("virtio,virtio_ring"),
		"kernel/drivers/net/virtio_net.ko":     fakeKO("virtio_ring,virtio"),
		"kernel/drivers/net/loop-a.ko":         fakeKO("loop_b"),
		"kernel/drivers/net/loop-b.ko":         fakeKO("loop_a"),
		"kernel/drivers/net/orphan.ko":         fakeKO("missing"),
		"modules.order":                        []byte("kernel/drivers/virtio/virtio.ko\n"),
	}
	for name, c := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, c, 0o644); err != nil {
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
		"lib/modules/6.1.0-test/modules.order", "etc/gemu-modules"} {
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
	cmd := exec.Command("cpio", "-id", "--quiet", "init", "etc/gemu-modules", "lib/modules/6.1.0-test/modules.dep")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio -id: %v\n%s", err, out)
	}
	if s, _ := os.ReadFile(filepath.Join(dir, "init")); !bytes.Contains(s, []byte("echo "+MarkerInit)) || !bytes.HasPrefix(s, []byte("#!/bin/busybox sh\n")) {
		t.Errorf("init script:\n%s", s)
	}
	// Dependencies load first.
	m := "/lib/modules/6.1.0-test/kernel/drivers/"
	if s, _ := os.ReadFile(filepath.Join(dir, "etc/gemu-modules")); string(s) != m+"virtio/virtio.ko\n"+m+"virtio/virtio_ring.ko\n"+m+"block/virtio_blk.ko\n" {
		t.Errorf("etc/gemu-modules = %q", s)
	}
	if s, _ := os.ReadFile(filepath.Join(dir, "lib/modules/6.1.0-test/modules.dep")); !strings.Contains(string(s),
		"kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n") {
		t.Errorf("modules.dep = %q", s)
	}

	for mod, want := range map[string]string{"nosuch": "module nosuch not in", "orphan": "missing (needed by orphan)", "loop_a": "cycle"} {
		err := BuildInitramfs(io.Discard, InitramfsConfig{Busybox: bb, ModulesDir: fakeModules(t), Modules: []string{mod}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("module %s: err = %v, want %q", mod, err, want)
		}
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

// TestModulesLoadOnQEMU boots the cloud kernel with virtio-blk as modules in
// the initramfs and a virtio disk: /init must load them and see the disk.
func TestModulesLoadOnQEMU(t *testing.T) {
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
	rd, err := InitramfsWithModules(Cloud, "virtio_pci", "virtio_blk")
	if err != nil {
		t.Fatal(err)
	}
	disk := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(disk, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmdline := "console=ttyS0 quiet panic=-1 cryptomgr.notests " + Cmdline("cat /sys/block/vda/size")
	cmd := exec.CommandContext(ctx, qemu, "-M", "pc", "-accel", "tcg", "-m", "256", "-nodefaults", "-display", "none",
		"-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", k, "-initrd", rd, "-append", cmdline,
		"-drive", "file="+disk+",format=raw,if=virtio")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("qemu: %v\n%s", err, out)
	}
	s := strings.ReplaceAll(string(out), "\r\n", "\n")
	if want := MarkerBegin + " 1\n2048\n" + MarkerEnd + " 1 status=0\n"; !strings.Contains(s, want) || strings.Contains(s, "modprobe") {
		t.Errorf("console lacks\n%s\ngot:\n%s", want, s)
	}
}
