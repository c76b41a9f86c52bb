package assets

import (
	"bufio"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
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
	while read -r m; do modprobe "$m" || echo "gemu-init: modprobe $m failed"; done < /etc/gemu-modules
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
	// are module names (as modprobe takes them) copied from it with their
	// dependencies from modules.dep, and loaded by /init before the marker.
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

// addModules copies the named modules and everything they depend on.
func addModules(cw *CPIOWriter, dir string, names []string) error {
	f, err := os.Open(filepath.Join(dir, "modules.dep"))
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	defer f.Close()
	deps := map[string][]string{} // module file -> files it needs
	byName := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		mod, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		deps[mod] = strings.Fields(rest)
		byName[moduleName(mod)] = mod
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("initramfs: modules.dep: %w", err)
	}
	need := map[string]bool{}
	for _, n := range names {
		m, ok := byName[moduleName(n)]
		if !ok {
			return fmt.Errorf("initramfs: module %s not in %s/modules.dep", n, dir)
		}
		need[m] = true
		for _, d := range deps[m] {
			need[d] = true
		}
	}
	ver := filepath.Base(dir)
	root := "lib/modules/" + ver
	dirs := map[string]bool{root: true}
	var files []string
	for m := range need {
		files = append(files, m)
		for d := path.Dir(m); d != "."; d = path.Dir(d) {
			dirs[root+"/"+d] = true
		}
	}
	sort.Strings(files)
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
	for _, m := range files {
		if err := copyFile(m); err != nil {
			return err
		}
	}
	for _, meta := range []string{"modules.dep", "modules.alias", "modules.builtin", "modules.order", "modules.symbols"} {
		if _, err := os.Stat(filepath.Join(dir, meta)); err == nil {
			if err := copyFile(meta); err != nil {
				return err
			}
		}
	}
	return cw.File("etc/gemu-modules", 0o644, []byte(strings.Join(names, "\n")+"\n"))
}
