// Command gemu runs an x86-64 PC virtual machine from a QEMU command line
// (qemu-system-x86_64 syntax): on KVM where the host allows, on gemu's own
// interpreter with -accel tcg.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"syscall"

	"gemu/emu/config"
	"gemu/emu/machine"
)

func main() {
	os.Exit(profiled(func() int { return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }))
}

// profiled runs f, writing a CPU profile to $GEMU_CPUPROFILE when it is
// set (for `go tool pprof`): the interpreter's speed is measured this way.
func profiled(f func() int) int {
	path := os.Getenv("GEMU_CPUPROFILE")
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: GEMU_CPUPROFILE: %v\n", progName(), err)
		return f()
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintf(os.Stderr, "%s: GEMU_CPUPROFILE: %v\n", progName(), err)
		return f()
	}
	defer pprof.StopCPUProfile()
	return f()
}

// progName is how errors name the program: "gemu", or the name it was
// installed under (qemu-system-x86_64).
func progName() string {
	if len(os.Args) > 0 {
		if b := filepath.Base(os.Args[0]); b != "" && b != "." {
			return b
		}
	}
	return "gemu"
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := config.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName(), err)
		return 1
	}
	if cfg.Listing != nil {
		fmt.Fprint(stdout, cfg.Listing.Text)
		return cfg.Listing.Exit
	}
	if cfg.PIDFile != "" {
		if err := writePIDFile(cfg.PIDFile); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", progName(), err)
			return 1
		}
		defer os.Remove(cfg.PIDFile)
	}
	level := slog.LevelWarn
	if os.Getenv("GEMU_DEBUG") != "" {
		level = slog.LevelDebug
	}
	logger := slog.New(newLineHandler(stderr, progName(), level))
	m, err := machine.New(cfg, machine.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName(), err)
		return 1
	}
	defer m.Close()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sigs
		fmt.Fprintf(stderr, "%s: terminating on signal %d\n", progName(), s.(syscall.Signal))
		m.Quit()
	}()

	status, err := m.Run()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName(), err)
		if status == 0 {
			status = 1
		}
	}
	return status
}

// writePIDFile writes the process ID, refusing to overwrite a file that
// another running process holds locked, as QEMU's -pidfile does.
func writePIDFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("cannot create PID file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("cannot lock PID file %s: another process holds it", path)
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return fmt.Errorf("cannot write PID file: %w", err)
	}
	if _, err := f.WriteString(strconv.Itoa(os.Getpid()) + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("cannot write PID file: %w", err)
	}
	// The file stays open (and locked) for the life of the process.
	return nil
}
