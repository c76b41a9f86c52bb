package chardev

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"gemu/emu/config"
)

// openStdio connects to env.Stdin and env.Stdout. When stdin is a terminal
// it is switched to raw mode (no line editing, no echo, 8-bit input) until
// Close; with signal=on the terminal's signal keys (Ctrl-C, Ctrl-\, Ctrl-Z)
// keep acting on gemu, with signal=off they reach the guest.
func openStdio(def config.ChardevDef, env Env) (*core, error) {
	c, err := newCore(def, env, env.Stdout)
	if err != nil {
		return nil, err
	}
	in := env.Stdin
	if f, ok := in.(*os.File); ok {
		restore, err := makeRaw(f, def.Signal)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("chardev %s: stdin: %w", def.ID, err)
		}
		if restore != nil {
			c.closers = append(c.closers, restore)
		}
		r, stop, err := newCancelableReader(f)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("chardev %s: %w", def.ID, err)
		}
		c.closers = append(c.closers, stop)
		in = r
	}
	go func() {
		err := c.readLoop(in)
		if err != nil && err != io.EOF && !c.isClosed() {
			c.log.Warn("stdin read failed; no more input", "err", err)
		}
		if r, ok := in.(*cancelableReader); ok {
			r.release()
		}
	}()
	return c, nil
}

// makeRaw puts the terminal on f into raw mode as termios(3) describes for
// cfmakeraw, except that output post-processing stays on (so "\n" still
// returns the carriage) and, with keepSignals, ISIG stays on. It returns
// the function that restores the previous settings, or nil when f is not a
// terminal.
func makeRaw(f *os.File, keepSignals bool) (func() error, error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, nil // not a terminal
	}
	t := *old
	rawTermios(&t, keepSignals)
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		return nil, fmt.Errorf("set raw mode: %w", err)
	}
	saved := *old
	return func() error {
		if err := unix.IoctlSetTermios(fd, unix.TCSETS, &saved); err != nil {
			return fmt.Errorf("restore terminal: %w", err)
		}
		return nil
	}, nil
}

// cancelableReader reads a file descriptor with poll(2) alongside a pipe
// that Close writes to, so that a read blocked on a terminal or on an
// inherited blocking descriptor ends when the backend closes. (A blocking
// read cannot be interrupted otherwise, and making the descriptor
// non-blocking would change it for every process sharing it.)
type cancelableReader struct {
	f       *os.File
	fd      int
	cancel  [2]int // pipe: read end polled, write end written by stop
	release func() // closes the read end, once the reader is done with it
}

var errCanceled = errors.New("read canceled")

func newCancelableReader(f *os.File) (*cancelableReader, func() error, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, nil, fmt.Errorf("pipe: %w", err)
	}
	r := &cancelableReader{f: f, cancel: p}
	r.release = sync.OnceFunc(func() { unix.Close(p[0]) })
	raw, err := f.SyscallConn()
	if err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return nil, nil, err
	}
	raw.Control(func(fd uintptr) { r.fd = int(fd) })
	stop := func() error {
		unix.Write(r.cancel[1], []byte{0})
		// The read end stays open while the reader may still poll it;
		// the reading goroutine releases it when it ends.
		return unix.Close(r.cancel[1])
	}
	return r, stop, nil
}

func (r *cancelableReader) Read(p []byte) (int, error) {
	for {
		fds := []unix.PollFd{
			{Fd: int32(r.fd), Events: unix.POLLIN},
			{Fd: int32(r.cancel[0]), Events: unix.POLLIN},
		}
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("poll: %w", err)
		}
		if fds[1].Revents != 0 {
			return 0, errCanceled
		}
		if fds[0].Revents&(unix.POLLIN|unix.POLLHUP|unix.POLLERR) == 0 {
			continue
		}
		n, err := unix.Read(r.fd, p)
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
