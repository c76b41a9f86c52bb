package chardev

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"gemu/emu/config"
)

// newTestPTY returns the controller and terminal ends of a new pseudo-terminal.
func newTestPTY(t *testing.T) (ctl, tty *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(ctl.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		ctl.Close()
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		ctl.Close()
		t.Skipf("ptsname: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		ctl.Close()
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { tty.Close(); ctl.Close() })
	return ctl, tty
}

func termios(t *testing.T, f *os.File) *unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

func TestRawTerminal(t *testing.T) {
	for _, signal := range []bool{true, false} {
		t.Run(fmt.Sprintf("signal=%v", signal), func(t *testing.T) {
			ctl, tty := newTestPTY(t)
			before := *termios(t, tty)
			if before.Lflag&unix.ICANON == 0 || before.Lflag&unix.ECHO == 0 {
				t.Fatalf("a new terminal is not in cooked mode: %+v", before)
			}
			b, err := New(config.ChardevDef{ID: "con", Backend: "stdio", Signal: signal}, Env{Stdin: tty, Stdout: tty})
			if err != nil {
				t.Fatal(err)
			}
			raw := termios(t, tty)
			if raw.Lflag&(unix.ICANON|unix.ECHO|unix.IEXTEN) != 0 || raw.Iflag&(unix.ICRNL|unix.IXON) != 0 {
				t.Errorf("not raw: lflag %#x iflag %#x", raw.Lflag, raw.Iflag)
			}
			if raw.Oflag&unix.OPOST == 0 {
				t.Error("output processing turned off")
			}
			if got := raw.Lflag&unix.ISIG != 0; got != signal {
				t.Errorf("ISIG = %v, want %v", got, signal)
			}
			if raw.Cc[unix.VMIN] != 1 || raw.Cc[unix.VTIME] != 0 {
				t.Errorf("VMIN %d VTIME %d", raw.Cc[unix.VMIN], raw.Cc[unix.VTIME])
			}

			// Raw input: a carriage return arrives as it is, with no line
			// buffering and no echo.
			h := attach(t, b)
			r := newRecv(-1)
			h.SetReceiver(r)
			ctl.Write([]byte("a\rb"))
			waitFor(t, "raw input", func() bool { return r.data() == "a\rb" })
			// Ctrl-C is the terminal's interrupt key with signal=on (no
			// process gets it here: the terminal has no session), and
			// reaches the guest with signal=off.
			ctl.Write([]byte("\x03c"))
			want := "a\rbc"
			if !signal {
				want = "a\rb\x03c"
			}
			waitFor(t, "input after Ctrl-C", func() bool { return r.data() == want })

			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			after := termios(t, tty)
			if *after != before {
				t.Errorf("terminal not restored:\n before %+v\n after  %+v", before, *after)
			}
		})
	}
}

// Close ends the read of a terminal that never gets input (a blocking read
// could not be interrupted otherwise).
func TestStdinReaderStops(t *testing.T) {
	_, tty := newTestPTY(t)
	b, err := New(config.ChardevDef{ID: "con", Backend: "stdio"}, Env{Stdin: tty, Stdout: tty})
	if err != nil {
		t.Fatal(err)
	}
	h := attach(t, b)
	h.SetReceiver(newRecv(-1))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
