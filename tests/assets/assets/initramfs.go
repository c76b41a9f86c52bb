package assets

import (
	"compress/gzip"
	"debug/elf"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Markers /init prints on the console.
const (
	// MarkerInit is printed once /init has mounted /proc, /sys and /dev.
	MarkerInit = "GEMU-INIT-OK"
	// MarkerBegin and MarkerEnd frame each command's output:
	// "GEMU-CMD-BEGIN 1" ... "GEMU-CMD-END 1 status=0".
	MarkerBegin = "GEMU-CMD-BEGIN"
	MarkerEnd   = "GEMU-CMD-END"
	// MarkerDone follows the last command, just before /init powers off.
	MarkerDone = "GEMU-DONE"
)

// Cmdline returns kernel parameters that make /init run each command with
// sh -c, in order. Each command travels base64-encoded (standard alphabet,
// with padding) in its own gemu.cmd= parameter, so spaces, quotes and pipes
// need no escaping: gemu.cmd=Y2F0IC9wcm9jL2NwdWluZm8= runs "cat /proc/cpuinfo".
// After the commands /init powers off (poweroff -f), or reboots (reboot -f)
// when the command line also has gemu.exit=reboot. With no gemu.cmd it starts
// an interactive shell on the console.
func Cmdline(cmds ...string) string {
	var b strings.Builder
	for i, c := range cmds {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("gemu.cmd=")
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(c)))
	}
	return b.String()
}

// initScript is /init: a busybox shell script.
const initScript = `#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /tmp
mount -t devpts devpts /dev/pts 2>/dev/null
if [ -s /etc/gemu-modules ]; then
	while read -r m; do insmod "$m" || echo "gemu-init: insmod $m failed"; done < /etc/gemu-modules
fi
echo ` + MarkerInit + `
n=0
exit_cmd="poweroff -f"
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	gemu.exit=reboot) exit_cmd="reboot -f" ;;
	esac
done
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	gemu.cmd=*)
		n=$((n + 1))
		cmd=$(echo "${arg#gemu.cmd=}" | base64 -d)
		echo "` + MarkerBegin + ` $n"
		sh -c "$cmd"
		echo "` + MarkerEnd + ` $n status=$?"
		;;
	esac
done
if [ "$n" -gt 0 ]; then
	echo ` + MarkerDone + `
	sync
	$exit_cmd
fi
echo "gemu-init: no gemu.cmd= on the kernel command line; starting a shell (exit to power off)"
setsid cttyhack sh
poweroff -f
`

// InitramfsConfig says what goes into the initramfs.
type InitramfsConfig struct {
	// Busybox is the path of a static busybox binary.
	Busybox string
	// ModulesDir is a kernel's lib/modules/<version> directory; Modules
	// are module names (as modprobe takes them) copied from it with the
	// modules they depend on, and loaded by /init, dependencies first,
	// before the marker.
	ModulesDir string
	Modules    []string
	// Compress gzips the archive.
	Compress bool
}

// BuildInitramfs writes the initramfs to w: busybox, /init, the device nodes
// the kernel needs before devtmpfs is mounted, and any modules.
func BuildInitramfs(w io.Writer, c InitramfsConfig) error {
	out := w
	var gz *gzip.Writer
	if c.Compress {
		gz = gzip.NewWriter(w)
		out = gz
	}
	cw := NewCPIOWriter(out)
	for _, d := range []string{"bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp", "etc", "root", "lib", "lib/modules"} {
		if err := cw.Dir(d, 0o755); err != nil {
			return err
		}
	}
	if err := cw.Device("dev/console", 0o600, true, 5, 1); err != nil {
		return err
	}
	if err := cw.Device("dev/null", 0o666, true, 1, 3); err != nil {
		return err
	}
	bb, err := os.Open(c.Busybox)
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	defer bb.Close()
	st, err := bb.Stat()
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	if err := cw.FileFrom("bin/busybox", 0o755, bb, st.Size()); err != nil {
		return err
	}
	if err := cw.Symlink("bin/sh", "busybox"); err != nil {
		return err
	}
	if err := cw.File("init", 0o755, []byte(initScript)); err != nil {
		return err
	}
	if len(c.Modules) > 0 {
		if err := addModules(cw, c.ModulesDir, c.Modules); err != nil {
			return err
		}
	}
	if err := cw.Close(); err != nil {
		return err
	}
	if gz != nil {
		return gz.Close()
	}
	return nil
}

// moduleName normalises a module file or name as modprobe does.
func moduleName(p string) string {
	b := path.Base(p)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		b = strings.TrimSuffix(b, ext)
	}
	return strings.ReplaceAll(strings.TrimSuffix(b, ".ko"), "-", "_")
}

// addModules copies the named modules and every module they depend on (from
// each module's .modinfo "depends=" field, so no depmod output is needed),
// writes a modules.dep for them, and lists them in /etc/gemu-modules in
// load order, dependencies first.
func addModules(cw *CPIOWriter, dir string, names []string) error {
	index := map[string]string{} // module name -> path relative to dir
	err := filepath.WalkDir(filepath.Join(dir, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".ko") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			index[moduleName(rel)] = filepath.ToSlash(rel)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("initramfs: modules in %s: %w", dir, err)
	}
	var order []string            // paths, dependencies first
	deps := map[string][]string{} // path -> paths of its dependencies
	state := map[string]int{}     // 1: visiting, 2: done
	var visit func(name string, from string) error
	visit = func(name, from string) error {
		rel, ok := index[moduleName(name)]
		if !ok {
			if from != "" {
				return fmt.Errorf("initramfs: module %s (needed by %s) not in %s", name, from, dir)
			}
			return fmt.Errorf("initramfs: module %s not in %s", name, dir)
		}
		switch state[rel] {
		case 1:
			return fmt.Errorf("initramfs: modules depend on each other in a cycle through %s", name)
		case 2:
			return nil
		}
		state[rel] = 1
		ds, err := modinfoDepends(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := visit(d, name); err != nil {
				return err
			}
			deps[rel] = append(deps[rel], index[moduleName(d)])
		}
		state[rel] = 2
		order = append(order, rel)
		return nil
	}
	for _, n := range names {
		if err := visit(n, ""); err != nil {
			return err
		}
	}

	root := "lib/modules/" + filepath.Base(dir)
	dirs := map[string]bool{root: true}
	for _, m := range order {
		for d := path.Dir(m); d != "."; d = path.Dir(d) {
			dirs[root+"/"+d] = true
		}
	}
	var dl []string
	for d := range dirs {
		dl = append(dl, d)
	}
	sort.Strings(dl) // parents sort before their children
	for _, d := range dl {
		if err := cw.Dir(d, 0o755); err != nil {
			return err
		}
	}
	copyFile := func(rel string) error {
		f, err := os.Open(filepath.Join(dir, rel))
		if err != nil {
			return fmt.Errorf("initramfs: %w", err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		return cw.FileFrom(root+"/"+rel, 0o644, f, st.Size())
	}
	var dep, list strings.Builder
	for _, m := range order {
		if err := copyFile(m); err != nil {
			return err
		}
		fmt.Fprintf(&dep, "%s:", m)
		for _, d := range deps[m] {
			fmt.Fprintf(&dep, " %s", d)
		}
		dep.WriteByte('\n')
		fmt.Fprintf(&list, "/%s/%s\n", root, m)
	}
	for _, meta := range []string{"modules.builtin", "modules.order"} {
		if _, err := os.Stat(filepath.Join(dir, meta)); err == nil {
			if err := copyFile(meta); err != nil {
				return err
			}
		}
	}
	if err := cw.File(root+"/modules.dep", 0o644, []byte(dep.String())); err != nil {
		return err
	}
	return cw.File("etc/gemu-modules", 0o644, []byte(list.String()))
}

// modinfoDepends reads the "depends=" entry of a kernel module's .modinfo
// section.
func modinfoDepends(p string) ([]string, error) {
	f, err := elf.Open(p)
	if err != nil {
		return nil, fmt.Errorf("initramfs: module %s: %w", p, err)
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("initramfs: module %s has no .modinfo section", p)
	}
	if sec.Size > 1<<20 {
		return nil, fmt.Errorf("initramfs: module %s: .modinfo of %d bytes", p, sec.Size)
	}
	b, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("initramfs: module %s: %w", p, err)
	}
	for _, kv := range strings.Split(string(b), "\x00") {
		if v, ok := strings.CutPrefix(kv, "depends="); ok {
			var out []string
			for _, d := range strings.Split(v, ",") {
				if d != "" {
					out = append(out, d)
				}
			}
			return out, nil
		}
	}
	return nil, nil
}
