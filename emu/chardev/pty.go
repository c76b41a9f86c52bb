package chardev

import (
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/sys/unix"

	"gemu/emu/config"
)

// ptyPoll is how often a pseudo-terminal without a client is checked for
// one, and how soon its reader notices Close.
const ptyPoll = 100 * time.Millisecond

// openPTY creates a pseudo-terminal in raw mode, announces its name on
// Stderr ("char device redirected to /dev/pts/N (label ID)", which scripts
// look for) and serves whoever opens it. While no one has the terminal
// open, output is discarded, as with a socket without a client.
func openPTY(def config.ChardevDef, env Env) (*core, string, error) {
	fd, name, err := newPTY()
	if err != nil {
		return nil, "", fmt.Errorf("chardev %s: pty: %w", def.ID, err)
	}
	c, err := newCore(def, env, nil)
	if err != nil {
		unix.Close(fd)
		return nil, "", err
	}
	p := &pty{core: c, fd: fd, readerDone: make(chan struct{}), stop: make(chan struct{})}
	// A failed write loses that output only: the reader notices the
	// hang-up and reconnects when a client opens the terminal again.
	c.onSinkError = func(io.Writer, error) {}
	c.closers = append(c.closers, p.close)
	fmt.Fprintf(env.Stderr, "char device redirected to %s (label %s)\n", name, def.ID)
	go p.reader()
	return c, name, nil
}

// newPTY opens a pseudo-terminal controller, unlocks its terminal side and
// puts that in raw mode. The terminal side is closed again: the client
// opens it by name.
func newPTY() (int, string, error) {
	// Non-blocking: the controller is ours alone, and writes wait in
	// poll(2) so that Close can end them.
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return -1, "", err
	}
	fail := func(err error) (int, string, error) {
		unix.Close(fd)
		return -1, "", err
	}
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		return fail(fmt.Errorf("unlock: %w", err))
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		return fail(fmt.Errorf("terminal number: %w", err))
	}
	name := fmt.Sprintf("/dev/pts/%d", n)
	tty, err := unix.Open(name, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail(err)
	}
	defer unix.Close(tty)
	t, err := unix.IoctlGetTermios(tty, unix.TCGETS)
	if err != nil {
		return fail(err)
	}
	rawTermios(t, false)
	t.Oflag &^= unix.OPOST // the guest's bytes go through untouched
	if err := unix.IoctlSetTermios(tty, unix.TCSETS, t); err != nil {
		return fail(err)
	}
	return fd, name, nil
}

type pty struct {
	*core
	fd         int
	readerDone chan struct{}
	stop       chan struct{} // closed once Close has given up flushing
}

var errHangUp = errors.New("pty: no client")

// ptyOut is the output sink: the controller side.
type ptyOut struct{ p *pty }

func (w ptyOut) Write(b []byte) (int, error) {
	// Output written after the client went away would wait in the
	// terminal for the next one; check first, as the reader may not have
	// noticed yet.
	fds := []unix.PollFd{{Fd: int32(w.p.fd)}}
	if _, err := unix.Poll(fds, 0); err == nil && fds[0].Revents&unix.POLLHUP != 0 {
		return 0, errHangUp
	}
	n := 0
	for n < len(b) {
		m, err := unix.Write(w.p.fd, b[n:])
		switch err {
		case nil:
			n += m
		case unix.EINTR:
		case unix.EAGAIN:
			select {
			case <-w.p.stop:
				return n, ErrClosed
			default:
			}
			fds := []unix.PollFd{{Fd: int32(w.p.fd), Events: unix.POLLOUT}}
			unix.Poll(fds, int(ptyPoll/time.Millisecond))
		default:
			return n, err
		}
	}
	return n, nil
}

// reader follows the client: connected while the terminal side is open
// (no POLLHUP on the controller), and moves its input to the frontend.
func (p *pty) reader() {
	defer close(p.readerDone)
	buf := make([]byte, 4096)
	connected := false
	disconnect := func() {
		if connected {
			connected = false
			p.setSink(nil)
		}
	}
	for !p.isClosed() {
		fds := []unix.PollFd{{Fd: int32(p.fd), Events: unix.POLLIN}}
		_, err := unix.Poll(fds, int(ptyPoll/time.Millisecond))
		if err != nil && err != unix.EINTR {
			p.log.Warn("pty poll failed; no more input", "err", err)
			disconnect()
			return
		}
		if fds[0].Revents&unix.POLLHUP != 0 {
			disconnect()
			select {
			case <-p.done:
				return
			case <-time.After(ptyPoll):
			}
			continue
		}
		if !connected {
			connected = true
			p.setSink(ptyOut{p})
		}
		if fds[0].Revents&unix.POLLIN == 0 {
			continue
		}
		n, err := unix.Read(p.fd, buf)
		if n > 0 && !p.feed(buf[:n]) {
			return
		}
		if err != nil && err != unix.EINTR && err != unix.EAGAIN {
			disconnect() // EIO: the client closed the terminal
		}
	}
}

// close runs after Close has flushed (or given up): it ends a write still
// waiting for the client and closes the controller once neither goroutine
// can touch its descriptor.
func (p *pty) close() error {
	close(p.stop)
	<-p.writerDone
	<-p.readerDone
	return unix.Close(p.fd)
}

// rawTermios applies termios(3)'s raw mode to t, keeping output
// post-processing (OPOST) and, with keepSignals, ISIG.
func rawTermios(t *unix.Termios, keepSignals bool) {
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag |= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.IEXTEN
	if !keepSignals {
		t.Lflag &^= unix.ISIG
	}
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
}
