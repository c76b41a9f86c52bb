package chardev

import (
	"io"
	"os"
	"regexp"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gemu/emu/config"
)

func TestPTY(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	stderr := &syncBuffer{}
	b := open(t, config.ChardevDef{ID: "serial0", Backend: "pty"}, Env{Stderr: stderr})
	name := b.PTY()
	if m := regexp.MustCompile(`^char device redirected to (/dev/pts/\d+) \(label serial0\)\n$`).FindStringSubmatch(stderr.String()); m == nil || m[1] != name {
		t.Fatalf("notice %q, PTY() %q", stderr.String(), name)
	}
	h := attach(t, b)
	r := newRecv(-1)
	h.SetReceiver(r)

	// Nobody has the terminal open: output is discarded.
	h.Write([]byte("early"))
	waitFor(t, "drop", func() bool { return h.Stats().Dropped == 5 })

	for round := 0; round < 2; round++ {
		tty, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			t.Fatal(err)
		}
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil || tio.Lflag&(unix.ICANON|unix.ECHO) != 0 {
			t.Fatalf("terminal not raw: %+v, %v", tio, err)
		}
		tty.Write([]byte("typed\r"))
		want := "typed\r"
		if round == 1 {
			want += want
		}
		waitFor(t, "input", func() bool { return r.data() == want })
		// Connected now: output reaches the client, byte for byte.
		h.Write([]byte("out\n"))
		buf := make([]byte, 4)
		tty.SetReadDeadline(time.Now().Add(waitTimeout))
		if _, err := io.ReadFull(tty, buf); err != nil || string(buf) != "out\n" {
			t.Fatalf("client read %q, %v", buf, err)
		}
		tty.Close()
		// Closed again: output is dropped again.
		waitFor(t, "disconnect", func() bool {
			before := h.Stats().Dropped
			h.Write([]byte("z"))
			return waitDropped(h, before+1)
		})
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
