//go:build e2e

// Package e2e runs the built gemu binary the way users do, and compares it
// with QEMU on the same guests where QEMU is installed.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	gemuPath  string
	buildErr  error
)

// repoRoot is the module's root directory.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// gemu returns the path of a freshly built gemu binary.
func gemu(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gemu-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		gemuPath = filepath.Join(dir, "gemu")
		cmd := exec.Command("go", "build", "-o", gemuPath, "./cmd/gemu")
		cmd.Dir = repoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building gemu: %v", buildErr)
	}
	return gemuPath
}

// result is what a finished emulator process produced.
type result struct {
	stdout, stderr string
	status         int
	elapsed        time.Duration
}

// runProg runs a program with a deadline; a hang fails the test.
func runProg(t testing.TB, timeout time.Duration, prog string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = nil
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("%s %s: no exit within %v\nstdout: %s\nstderr: %s", filepath.Base(prog), strings.Join(args, " "), timeout, r.stdout, r.stderr)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.status = ee.ExitCode()
	default:
		t.Fatalf("%s: %v", prog, err)
	}
	return r
}

// qemu returns the QEMU binary or skips the test.
func qemu(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("qemu-system-x86_64 is not installed (make deps installs Debian's qemu-system-x86)")
	}
	return p
}
