// Package assets fetches the stock Debian guests the tests boot (kernels and
// busybox, with apt-get download and dpkg-deb -x) into a cache outside git,
// builds the busybox initramfs, and tells tests where everything is.
//
// The cache is $GEMU_ASSETS, or .assets at the top of the module. Its
// manifest.json records what was fetched; a cache whose manifest and files
// are present is used without asking apt anything.
//
// # The initramfs
//
// Its /init (busybox sh) mounts /proc, /sys, /dev (devtmpfs) and /dev/pts,
// loads the modules listed in /etc/gemu-modules (see InitramfsWithModules),
// prints MarkerInit, then runs each gemu.cmd= parameter of the kernel
// command line in order with sh -c. A command travels base64-encoded, so it
// may hold spaces, quotes and pipes (Cmdline builds the parameters):
//
//	gemu.cmd=Y2F0IC9wcm9jL2NwdWluZm8gfCBncmVwIC1jIHByb2Nlc3Nvcg==
//
// runs "cat /proc/cpuinfo | grep -c processor". Each command's output is
// framed by "GEMU-CMD-BEGIN n" and "GEMU-CMD-END n status=S"; "GEMU-DONE"
// follows the last, then /init runs "poweroff -f" ("reboot -f" with
// gemu.exit=reboot, for machines without ACPI: add reboot=t to turn it into
// a triple fault). With no gemu.cmd= it starts an interactive shell on the
// console and powers off when it exits.
package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// Kernel flavors, as Debian names its linux-image-<flavor> meta-packages.
const (
	Generic = "amd64"       // linux-image-amd64: XZ-compressed bzImage
	Cloud   = "cloud-amd64" // linux-image-cloud-amd64: LZ4-compressed bzImage, fewer drivers
)

// Flavors lists the kernels Fetch gets.
var Flavors = []string{Generic, Cloud}

// ErrNotFetched is wrapped by the lookups when the cache lacks an asset: run
// "make assets" (go run ./tests/assets).
var ErrNotFetched = errors.New("asset not fetched (run make assets)")

// Manifest describes a fetched cache. Paths are relative to the cache.
type Manifest struct {
	Kernels   map[string]KernelInfo `json:"kernels"`
	Busybox   string                `json:"busybox"`
	Initramfs string                `json:"initramfs"`
	// InitramfsSum identifies the /init and layout the initramfs was built
	// with; a cache with another one gets a new initramfs.
	InitramfsSum string            `json:"initramfs_sum"`
	Packages     map[string]string `json:"packages"` // package -> version
}

// KernelInfo is one fetched kernel.
type KernelInfo struct {
	Package string `json:"package"`
	Release string `json:"release"` // uname -r: "6.1.0-56-cloud-amd64"
	Vmlinuz string `json:"vmlinuz"`
	Modules string `json:"modules"` // lib/modules/<release>
}

const manifestName = "manifest.json"

// Dir is the cache directory: $GEMU_ASSETS, or .assets beside the go.mod
// above the working directory.
func Dir() string {
	if d := os.Getenv("GEMU_ASSETS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ".assets"
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, ".assets")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, ".assets")
		}
	}
}

// ReadManifest reads dir's manifest, checking that every file it names exists.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("assets: %s: %w", dir, ErrNotFetched)
	}
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("assets: %s: %w", filepath.Join(dir, manifestName), err)
	}
	paths := []string{m.Busybox, m.Initramfs}
	for _, k := range m.Kernels {
		paths = append(paths, k.Vmlinuz, k.Modules)
	}
	for _, p := range paths {
		if p == "" {
			return nil, fmt.Errorf("assets: %s: manifest incomplete: %w", dir, ErrNotFetched)
		}
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			return nil, fmt.Errorf("assets: %s: %w", p, ErrNotFetched)
		}
	}
	return &m, nil
}

// Kernel returns the path of the cached bzImage of a flavor (Generic, Cloud).
func Kernel(flavor string) (string, error) {
	dir := Dir()
	m, err := ReadManifest(dir)
	if err != nil {
		return "", err
	}
	k, ok := m.Kernels[flavor]
	if !ok {
		return "", fmt.Errorf("assets: kernel flavor %q: %w", flavor, ErrNotFetched)
	}
	return filepath.Join(dir, k.Vmlinuz), nil
}

// KernelModules returns a flavor's lib/modules/<release> directory.
func KernelModules(flavor string) (string, error) {
	dir := Dir()
	m, err := ReadManifest(dir)
	if err != nil {
		return "", err
	}
	k, ok := m.Kernels[flavor]
	if !ok {
		return "", fmt.Errorf("assets: kernel flavor %q: %w", flavor, ErrNotFetched)
	}
	return filepath.Join(dir, k.Modules), nil
}

// Initramfs returns the path of the busybox initramfs (gzip-compressed cpio).
func Initramfs() (string, error) {
	dir := Dir()
	m, err := ReadManifest(dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, m.Initramfs), nil
}

// Busybox returns the path of the static busybox binary.
func Busybox() (string, error) {
	dir := Dir()
	m, err := ReadManifest(dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, m.Busybox), nil
}

// Fetch fills dir: downloads the kernels and busybox-static unless the
// manifest says they are there, unpacks them, builds the initramfs and
// writes the manifest. Progress goes to log.
func Fetch(dir string, log io.Writer) (*Manifest, error) {
	if m, err := ReadManifest(dir); err == nil {
		if m.InitramfsSum == initramfsSum() {
			return m, nil
		}
		return m, buildInitramfs(dir, m, log)
	}
	if err := os.MkdirAll(filepath.Join(dir, "debs"), 0o755); err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	a := &apt{log: log}
	m := &Manifest{Kernels: map[string]KernelInfo{}, Packages: map[string]string{}}
	for _, fl := range Flavors {
		pkg, err := a.resolve("linux-image-" + fl)
		if err != nil {
			return nil, err
		}
		root, ver, err := a.fetch(dir, pkg)
		if err != nil {
			return nil, err
		}
		release := strings.TrimPrefix(pkg, "linux-image-")
		k := KernelInfo{
			Package: pkg,
			Release: release,
			Vmlinuz: filepath.Join(root, "boot", "vmlinuz-"+release),
			Modules: filepath.Join(root, "lib", "modules", release),
		}
		for _, p := range []string{k.Vmlinuz, k.Modules} {
			if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
				return nil, fmt.Errorf("assets: package %s lacks %s: %w", pkg, p, err)
			}
		}
		m.Kernels[fl] = k
		m.Packages[pkg] = ver
	}
	root, ver, err := a.fetch(dir, "busybox-static")
	if err != nil {
		return nil, err
	}
	m.Packages["busybox-static"] = ver
	m.Busybox = filepath.Join(root, "bin", "busybox")
	if _, err := os.Stat(filepath.Join(dir, m.Busybox)); err != nil {
		return nil, fmt.Errorf("assets: busybox-static lacks bin/busybox: %w", err)
	}

	if err := buildInitramfs(dir, m, log); err != nil {
		return nil, err
	}
	return m, nil
}

// initramfsSum identifies what BuildInitramfs puts in the cache's initramfs.
func initramfsSum() string {
	h := sha256.Sum256([]byte("newc+gzip v1\n" + initScript))
	return hex.EncodeToString(h[:8])
}

// buildInitramfs (re)builds the cache's initramfs and writes the manifest.
func buildInitramfs(dir string, m *Manifest, log io.Writer) error {
	m.Initramfs = "initramfs.cpio.gz"
	fmt.Fprintf(log, "assets: building %s\n", m.Initramfs)
	if err := writeFileAtomic(filepath.Join(dir, m.Initramfs), func(w io.Writer) error {
		return BuildInitramfs(w, InitramfsConfig{Busybox: filepath.Join(dir, m.Busybox), Compress: true})
	}); err != nil {
		return err
	}
	m.InitramfsSum = initramfsSum()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, manifestName), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// writeFileAtomic writes a file through a temporary name and renames it.
func writeFileAtomic(path string, fill func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("assets: %w", err)
	}
	defer os.Remove(f.Name())
	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("assets: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("assets: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("assets: %w", err)
	}
	return os.Rename(f.Name(), path)
}

// apt runs Debian's package tools.
type apt struct {
	log     io.Writer
	updated bool
}

func (a *apt) run(dir string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("assets: %s %s: %w\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// update runs apt-get update once, when a lookup found nothing.
func (a *apt) update() error {
	if a.updated {
		return fmt.Errorf("assets: apt-get update did not help")
	}
	a.updated = true
	fmt.Fprintln(a.log, "assets: apt-get update")
	_, err := a.run("", "apt-get", "update", "-q")
	return err
}

var dependsRE = regexp.MustCompile(`(?m)^\s*Depends:\s*(linux-image-[0-9][^\s<>]*)\s*$`)

// resolve turns a kernel meta-package into the versioned image package it
// depends on ("linux-image-cloud-amd64" -> "linux-image-6.1.0-56-cloud-amd64").
func (a *apt) resolve(meta string) (string, error) {
	for {
		out, err := a.run("", "apt-cache", "depends", meta)
		if err == nil {
			if m := dependsRE.FindStringSubmatch(out); m != nil {
				return m[1], nil
			}
		}
		if uerr := a.update(); uerr != nil {
			if err == nil {
				err = fmt.Errorf("assets: %s depends on no linux-image-<version> package:\n%s", meta, out)
			}
			return "", fmt.Errorf("%w (%v)", err, uerr)
		}
	}
}

// fetch downloads pkg into dir/debs unless present and unpacks it into
// dir/pkgs/<pkg>; it returns that directory (relative to dir) and the
// package's version.
func (a *apt) fetch(dir, pkg string) (string, string, error) {
	debs := filepath.Join(dir, "debs")
	find := func() string {
		ms, _ := filepath.Glob(filepath.Join(debs, pkg+"_*.deb"))
		if len(ms) == 0 {
			return ""
		}
		return ms[len(ms)-1]
	}
	deb := find()
	if deb == "" {
		fmt.Fprintf(a.log, "assets: apt-get download %s\n", pkg)
		_, err := a.run(debs, "apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg)
		if err != nil {
			if uerr := a.update(); uerr != nil {
				return "", "", err
			}
			if _, err := a.run(debs, "apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg); err != nil {
				return "", "", err
			}
		}
		if deb = find(); deb == "" {
			return "", "", fmt.Errorf("assets: apt-get download %s left no .deb in %s", pkg, debs)
		}
	}
	ver, err := a.run("", "dpkg-deb", "--field", deb, "Version")
	if err != nil {
		return "", "", err
	}
	rel := filepath.Join("pkgs", pkg)
	root := filepath.Join(dir, rel)
	if err := os.RemoveAll(root); err != nil {
		return "", "", fmt.Errorf("assets: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
		return "", "", fmt.Errorf("assets: %w", err)
	}
	fmt.Fprintf(a.log, "assets: unpacking %s\n", filepath.Base(deb))
	if _, err := a.run("", "dpkg-deb", "-x", deb, root); err != nil {
		return "", "", err
	}
	return rel, strings.TrimSpace(ver), nil
}

// InitramfsWithModules returns an initramfs whose /init loads the named
// modules of a kernel flavor (with their dependencies) before printing
// MarkerInit: "virtio_pci", "virtio_blk", ... It is built on first use and
// kept in the cache under a name derived from the flavor and the modules.
func InitramfsWithModules(flavor string, modules ...string) (string, error) {
	dir := Dir()
	m, err := ReadManifest(dir)
	if err != nil {
		return "", err
	}
	k, ok := m.Kernels[flavor]
	if !ok {
		return "", fmt.Errorf("assets: kernel flavor %q: %w", flavor, ErrNotFetched)
	}
	h := sha256.Sum256([]byte(initramfsSum() + "\n" + k.Release + "\n" + strings.Join(modules, "\n")))
	name := fmt.Sprintf("initramfs-%s-%s.cpio.gz", flavor, hex.EncodeToString(h[:6]))
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	err = writeFileAtomic(p, func(w io.Writer) error {
		return BuildInitramfs(w, InitramfsConfig{
			Busybox:    filepath.Join(dir, m.Busybox),
			ModulesDir: filepath.Join(dir, k.Modules),
			Modules:    modules,
			Compress:   true,
		})
	})
	if err != nil {
		return "", err
	}
	return p, nil
}
