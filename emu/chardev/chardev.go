// Package chardev implements the character backends behind serial ports,
// debug consoles and monitors: stdio (raw terminal mode while the VM runs),
// file, pipe, null, vc (a console without a display: output discarded), TCP
// and Unix sockets as client or server, and the multiplexer behind
// "mon:stdio" with QEMU's Ctrl-A keys, and pty (a new pseudo-terminal).
//
// A backend does the host I/O in its own goroutines; the device model (the
// frontend) only sees a Chardev handle:
//
//   - Guest output goes in through Write, which never blocks: it queues what
//     fits in the backend's buffer and returns that count. A short count is
//     back-pressure; the backend calls the receiver's TxReady (if it has
//     one) when there is room again. Output that nobody can read (a socket
//     without a client, a closed stdout) is discarded and counted.
//   - Host input is offered to the Receiver set with SetReceiver, no more at
//     a time than it says it can take; when it takes nothing, the backend
//     stops reading from the host until the frontend calls Wake.
//
// A 16550A UART (hw/char/serial) is such a receiver as it is: its
// CanReceive, Receive, TxReady and ReceiveBreak methods match, and its
// RxReady callback is the handle's Wake.
//
// Close restores the terminal that stdio put in raw mode, so the front end
// closes every backend also when it exits on a signal. Host reads that an
// *os.File serves (stdin, pipes) end at Close; a Stdin that is some other
// io.Reader keeps its reading goroutine until its Read returns.
package chardev

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"gemu/emu/config"
)

// Receiver is a frontend's input side.
type Receiver interface {
	// CanReceive returns how many bytes Receive would take now.
	CanReceive() int
	// Receive takes a prefix of p and returns its length. The backend
	// offers at least one byte even when CanReceive is 0, so a frontend
	// that keeps count of refused input knows to call Wake later.
	Receive(p []byte) int
}

// TxReadier is implemented by receivers that want to hear when a short
// Write can be retried.
type TxReadier interface{ TxReady() }

// BreakReceiver is implemented by receivers that model a line break
// condition (the multiplexer's Ctrl-A b).
type BreakReceiver interface{ ReceiveBreak() }

// FocusReceiver is implemented by receivers that want to know when the
// multiplexer gives them the input focus or takes it away (a monitor prints
// its prompt).
type FocusReceiver interface{ Focus(in bool) }

// Chardev is a frontend's handle on a backend.
type Chardev interface {
	// Write queues guest output without blocking; see the package comment.
	Write(p []byte) (int, error)
	// SetReceiver directs host input to r (nil: input waits).
	SetReceiver(r Receiver)
	// Wake says that the receiver may take more input now. It never
	// blocks and may be called with the frontend's lock held.
	Wake()
	// Stats returns the backend's counters.
	Stats() Stats
	// Close releases the handle: for a multiplexer's frontend it detaches
	// that frontend; otherwise it closes the backend.
	Close() error
}

// Stats are a backend's counters.
type Stats struct {
	Written      uint64 // output bytes delivered to the host side
	Dropped      uint64 // output bytes discarded: no peer, or the peer failed
	Received     uint64 // input bytes taken from the host (by the frontend, or by a multiplexer)
	InputDropped uint64 // input bytes a multiplexer discarded because its frontend's queue was full
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("chardev: closed")

// DefaultOutputBuffer is the output a backend queues before Write pushes
// back.
const DefaultOutputBuffer = 64 << 10

// Env is what backends need from the process.
type Env struct {
	Stdin  io.Reader // stdio input; nil: os.Stdin. A terminal is put in raw mode until Close.
	Stdout io.Writer // stdio output; nil: os.Stdout
	Stderr io.Writer // notices such as "waiting for connection"; nil: os.Stderr
	// Exit is called when the user asks to quit from the terminal (Ctrl-A x
	// on a multiplexer); nil ignores the request.
	Exit func()
	// Done, when closed, aborts a socket server that waits for its first
	// client (wait=on).
	Done <-chan struct{}
	// OnListen, if set, is told the address every socket server listens on
	// (useful with port=0).
	OnListen func(id string, addr net.Addr)
	Logger   *slog.Logger // host I/O failures; nil: discarded
	// OutputBuffer is the output queue per backend in bytes (0:
	// DefaultOutputBuffer).
	OutputBuffer int
	// FlushTimeout bounds how long Close waits for queued output to drain
	// (0: DefaultFlushTimeout).
	FlushTimeout time.Duration
}

// filled returns e with its defaults applied.
func (e Env) filled() Env {
	e.fill()
	return e
}

func (e *Env) fill() {
	if e.Stdin == nil {
		e.Stdin = os.Stdin
	}
	if e.Stdout == nil {
		e.Stdout = os.Stdout
	}
	if e.Stderr == nil {
		e.Stderr = os.Stderr
	}
	if e.Logger == nil {
		e.Logger = slog.New(slog.DiscardHandler)
	}
	if e.OutputBuffer <= 0 {
		e.OutputBuffer = DefaultOutputBuffer
	}
	if e.FlushTimeout <= 0 {
		e.FlushTimeout = DefaultFlushTimeout
	}
}

// Backend is an opened chardev. Frontends get handles with Attach: one for
// an ordinary backend, any number for a multiplexer (mux=on).
type Backend struct {
	def  config.ChardevDef
	base *core
	mux  *Mux
	addr func() net.Addr
	pty  string

	mu       sync.Mutex
	attached string // guarded by mu; name of the frontend holding a non-mux backend
}

// New opens the backend def describes. A socket server with wait=on
// returns only once a client has connected (or env.Done is closed).
func New(def config.ChardevDef, env Env) (*Backend, error) {
	env.fill()
	b := &Backend{def: def}
	var err error
	switch def.Backend {
	case "null", "vc":
		b.base, err = newCore(def, env, nil)
	case "stdio":
		b.base, err = openStdio(def, env)
	case "file":
		b.base, err = openFile(def, env)
	case "pipe":
		b.base, err = openPipe(def, env)
	case "socket":
		b.base, b.addr, err = openSocket(def, env)
	case "pty":
		b.base, b.pty, err = openPTY(def, env)
	default:
		return nil, fmt.Errorf("chardev %s: unknown backend %q", def.ID, def.Backend)
	}
	if err != nil {
		return nil, err
	}
	if def.Mux {
		b.mux = newMux(b.base, env)
	}
	return b, nil
}

// ID is the chardev's ID.
func (b *Backend) ID() string { return b.def.ID }

// Def is the definition the backend was opened from.
func (b *Backend) Def() config.ChardevDef { return b.def }

// Addr is the local address of a socket backend (the listening address of a
// server), or nil.
func (b *Backend) Addr() net.Addr {
	if b.addr == nil {
		return nil
	}
	return b.addr()
}

// PTY is the terminal name of a pty backend ("/dev/pts/3"), or "".
func (b *Backend) PTY() string { return b.pty }

// Mux is the multiplexer of a mux=on backend, or nil.
func (b *Backend) Mux() *Mux { return b.mux }

// Attach returns the handle for the frontend called name ("serial0",
// "monitor"). A backend without mux=on serves one frontend only.
func (b *Backend) Attach(name string) (Chardev, error) {
	if b.mux != nil {
		return b.mux.attach(name), nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.attached != "" {
		return nil, fmt.Errorf("chardev %s is in use by %s (mux=on shares a chardev)", b.def.ID, b.attached)
	}
	b.attached = name
	return b.base, nil
}

// Stats returns the backend's counters.
func (b *Backend) Stats() Stats {
	s := b.base.Stats()
	if b.mux != nil {
		s.InputDropped += b.mux.inputDropped()
	}
	return s
}

// Close flushes queued output (waiting a bounded time for a stuck peer),
// stops the backend's goroutines, restores the terminal and releases host
// resources.
func (b *Backend) Close() error {
	if b.mux != nil {
		b.mux.close()
	}
	return b.base.Close()
}

// Set is every backend of a Config, by ID.
type Set struct {
	order    []string
	backends map[string]*Backend
}

// Open opens every chardev in defs, in order. On error it closes those
// already open.
func Open(defs []config.ChardevDef, env Env) (*Set, error) {
	s := &Set{backends: map[string]*Backend{}}
	for _, d := range defs {
		if _, dup := s.backends[d.ID]; dup {
			s.Close()
			return nil, fmt.Errorf("chardev %s: duplicate ID", d.ID)
		}
		b, err := New(d, env)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.order = append(s.order, d.ID)
		s.backends[d.ID] = b
	}
	return s, nil
}

// Backend returns the backend with the given ID.
func (s *Set) Backend(id string) (*Backend, bool) {
	b, ok := s.backends[id]
	return b, ok
}

// Attach attaches frontend name to chardev id.
func (s *Set) Attach(id, name string) (Chardev, error) {
	b, ok := s.backends[id]
	if !ok {
		return nil, fmt.Errorf("chardev %s not found", id)
	}
	return b.Attach(name)
}

// Close closes every backend, in reverse order of opening, and returns the
// first error.
func (s *Set) Close() error {
	var first error
	for i := len(s.order) - 1; i >= 0; i-- {
		if err := s.backends[s.order[i]].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
