package chardev

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gemu/emu/config"
)

// waitTimeout bounds every wait in these tests; it is a hang guard, not a
// timing assertion.
const waitTimeout = 10 * time.Second

// recv is a test Receiver with a settable capacity.
type recv struct {
	mu      sync.Mutex
	got     []byte
	room    int // bytes it will still take; <0: unlimited
	offers  int // Receive calls that took nothing
	breaks  int
	txReady int
	focus   []bool
	changed chan struct{}
}

func newRecv(room int) *recv { return &recv{room: room, changed: make(chan struct{}, 1)} }

func (r *recv) CanReceive() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.room < 0 {
		return 1 << 20
	}
	return r.room
}

func (r *recv) Receive(p []byte) int {
	r.mu.Lock()
	n := len(p)
	if r.room >= 0 {
		n = min(n, r.room)
		r.room -= n
	}
	if n == 0 {
		r.offers++
	}
	r.got = append(r.got, p[:n]...)
	r.mu.Unlock()
	signal(r.changed)
	return n
}

func (r *recv) ReceiveBreak() {
	r.mu.Lock()
	r.breaks++
	r.mu.Unlock()
	signal(r.changed)
}

func (r *recv) TxReady() {
	r.mu.Lock()
	r.txReady++
	r.mu.Unlock()
	signal(r.changed)
}

func (r *recv) Focus(in bool) {
	r.mu.Lock()
	r.focus = append(r.focus, in)
	r.mu.Unlock()
	signal(r.changed)
}

func (r *recv) setRoom(n int) {
	r.mu.Lock()
	r.room = n
	r.mu.Unlock()
}

func (r *recv) data() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.got)
}

// waitFor polls cond until it holds or the hang guard expires.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func open(t *testing.T, def config.ChardevDef, env Env) *Backend {
	t.Helper()
	if def.ID == "" {
		def.ID = "c0"
	}
	b, err := New(def, env)
	if err != nil {
		t.Fatalf("New(%+v): %v", def, err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func attach(t *testing.T, b *Backend) Chardev {
	t.Helper()
	h, err := b.Attach("test")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestNullAndVC(t *testing.T) {
	for _, backend := range []string{"null", "vc"} {
		t.Run(backend, func(t *testing.T) {
			b := open(t, config.ChardevDef{Backend: backend}, Env{})
			h := attach(t, b)
			if n, err := h.Write([]byte("hello")); n != 5 || err != nil {
				t.Errorf("Write = %d, %v", n, err)
			}
			if s := h.Stats(); s.Dropped != 5 || s.Written != 0 {
				t.Errorf("Stats = %+v", s)
			}
			if _, err := b.Attach("second"); err == nil {
				t.Error("second Attach of a non-mux backend succeeded")
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := h.Write([]byte("x")); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after Close: %v", err)
			}
		})
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	os.WriteFile(path, []byte("old\n"), 0o644)

	b := open(t, config.ChardevDef{Backend: "file", Path: path}, Env{})
	h := attach(t, b)
	h.Write([]byte("first\n"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "first\n" {
		t.Errorf("truncating file holds %q", got)
	}
	if s := b.Stats(); s.Written != 6 {
		t.Errorf("Stats = %+v", s)
	}

	b = open(t, config.ChardevDef{Backend: "file", Path: path, Append: true}, Env{})
	attach(t, b).Write([]byte("second\n"))
	b.Close()
	if got, _ := os.ReadFile(path); string(got) != "first\nsecond\n" {
		t.Errorf("appending file holds %q", got)
	}

	if _, err := New(config.ChardevDef{ID: "f", Backend: "file", Path: filepath.Join(dir, "no", "such")}, Env{}); err == nil || !strings.Contains(err.Error(), "chardev f") {
		t.Errorf("New on a bad path: %v", err)
	}
}

func TestLogFile(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	out := &syncBuffer{}
	b := open(t, config.ChardevDef{Backend: "stdio", LogFile: log}, Env{Stdin: strings.NewReader(""), Stdout: out})
	attach(t, b).Write([]byte("to both"))
	b.Close()
	if got, _ := os.ReadFile(log); string(got) != "to both" {
		t.Errorf("log holds %q", got)
	}
	if out.String() != "to both" {
		t.Errorf("stdout holds %q", out.String())
	}

	// A null backend with a log keeps a copy although output is dropped.
	b = open(t, config.ChardevDef{Backend: "null", LogFile: log, LogAppend: true}, Env{})
	attach(t, b).Write([]byte(", and more"))
	b.Close()
	if got, _ := os.ReadFile(log); string(got) != "to both, and more" {
		t.Errorf("appended log holds %q", got)
	}
	if s := b.Stats(); s.Dropped != 10 {
		t.Errorf("Stats = %+v", s)
	}
}

func TestStdioPipes(t *testing.T) {
	inR, inW := io.Pipe()
	out := &syncBuffer{}
	b := open(t, config.ChardevDef{Backend: "stdio", Signal: true}, Env{Stdin: inR, Stdout: out})
	h := attach(t, b)
	r := newRecv(-1)
	h.SetReceiver(r)

	h.Write([]byte("guest says hi\r\n"))
	go inW.Write([]byte("host types"))
	waitFor(t, "input", func() bool { return r.data() == "host types" })
	waitFor(t, "output", func() bool { return out.String() == "guest says hi\r\n" })
	if s := h.Stats(); s.Received != 10 || s.Written != 15 {
		t.Errorf("Stats = %+v", s)
	}
}

// Input waits while the receiver is full and resumes on Wake, in order and
// without loss.
func TestInputBackPressure(t *testing.T) {
	inR, inW := io.Pipe()
	b := open(t, config.ChardevDef{Backend: "stdio"}, Env{Stdin: inR, Stdout: io.Discard})
	h := attach(t, b)
	r := newRecv(4)
	h.SetReceiver(r)

	msg := "0123456789abcdefghij"
	go inW.Write([]byte(msg))
	waitFor(t, "first 4 bytes", func() bool { return r.data() == "0123" })
	waitFor(t, "a refused offer", func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.offers > 0 })
	for want := 4; want < len(msg); want += 4 {
		r.setRoom(4)
		h.Wake()
		w := msg[:want+4]
		waitFor(t, "bytes up to "+w, func() bool { return r.data() == w })
	}
}

// A receiver that never calls Wake still gets its input, later.
func TestInputWithoutWake(t *testing.T) {
	b := open(t, config.ChardevDef{Backend: "stdio"}, Env{Stdin: strings.NewReader("abc"), Stdout: io.Discard})
	h := attach(t, b)
	r := newRecv(0)
	h.SetReceiver(r)
	waitFor(t, "a refused offer", func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.offers > 0 })
	r.setRoom(-1)
	waitFor(t, "input", func() bool { return r.data() == "abc" })
}

// Input that arrives before a receiver is attached waits for it.
func TestInputBeforeReceiver(t *testing.T) {
	b := open(t, config.ChardevDef{Backend: "stdio"}, Env{Stdin: strings.NewReader("early"), Stdout: io.Discard})
	h := attach(t, b)
	time.Sleep(10 * time.Millisecond)
	r := newRecv(-1)
	h.SetReceiver(r)
	waitFor(t, "input", func() bool { return r.data() == "early" })
}

// blockingWriter accepts nothing until released.
type blockingWriter struct {
	release chan struct{}
	out     syncBuffer
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	<-w.release
	return w.out.Write(p)
}

// A peer that stops reading makes Write come up short (back-pressure);
// TxReady follows once the queue drains, and nothing is lost.
func TestOutputBackPressure(t *testing.T) {
	w := &blockingWriter{release: make(chan struct{})}
	b := open(t, config.ChardevDef{Backend: "stdio"}, Env{Stdin: strings.NewReader(""), Stdout: w, OutputBuffer: 16})
	h := attach(t, b)
	r := newRecv(-1)
	h.SetReceiver(r)

	var sent bytes.Buffer
	msg := []byte("0123456789")
	// The writer goroutine takes one chunk and blocks in Write; the queue
	// then fills to 16 bytes and Write pushes back.
	short := false
	for i := 0; i < 10 && !short; i++ {
		n, err := h.Write(msg)
		if err != nil {
			t.Fatal(err)
		}
		sent.Write(msg[:n])
		short = n < len(msg)
		time.Sleep(time.Millisecond)
	}
	if !short {
		t.Fatal("Write never pushed back")
	}
	if n, _ := h.Write([]byte("x")); n != 0 {
		t.Errorf("Write to a full queue took %d bytes", n)
	}
	close(w.release)
	waitFor(t, "TxReady", func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.txReady > 0 })
	h.Write([]byte("!"))
	sent.WriteString("!")
	waitFor(t, "all output", func() bool { return w.out.String() == sent.String() })
	if s := h.Stats(); s.Dropped != 0 || s.Written != uint64(sent.Len()) {
		t.Errorf("Stats = %+v, sent %d", s, sent.Len())
	}
}

type failingWriter struct{}

func (failingWriter) Write(p []byte) (int, error) { return 0, syscall.EPIPE }

// A failed stdout stops output: it is counted as dropped from then on.
func TestOutputFailure(t *testing.T) {
	b := open(t, config.ChardevDef{Backend: "stdio"}, Env{Stdin: strings.NewReader(""), Stdout: failingWriter{}})
	h := attach(t, b)
	h.Write([]byte("lost"))
	waitFor(t, "the failure", func() bool { return h.Stats().Dropped == 4 })
	if n, err := h.Write([]byte("gone")); n != 4 || err != nil {
		t.Errorf("Write after failure = %d, %v", n, err)
	}
	if s := h.Stats(); s.Dropped != 8 {
		t.Errorf("Stats = %+v", s)
	}
}

// Close gives up on a peer that never reads, after FlushTimeout.
func TestCloseWithStuckPeer(t *testing.T) {
	w := &blockingWriter{release: make(chan struct{})}
	defer close(w.release)
	b, err := New(config.ChardevDef{ID: "s", Backend: "stdio"}, Env{Stdin: strings.NewReader(""), Stdout: w, FlushTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	attach(t, b).Write([]byte("stuck"))
	done := make(chan error)
	go func() { done <- b.Close() }()
	select {
	case <-done:
	case <-time.After(waitTimeout):
		t.Fatal("Close hung on a stuck peer")
	}
}

func TestPipe(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "p")
	for _, suffix := range []string{".in", ".out"} {
		if err := syscall.Mkfifo(base+suffix, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	b := open(t, config.ChardevDef{Backend: "pipe", Path: base}, Env{})
	h := attach(t, b)
	r := newRecv(-1)
	h.SetReceiver(r)

	in, err := os.OpenFile(base+".in", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(base+".out", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	in.Write([]byte("into the guest"))
	waitFor(t, "input", func() bool { return r.data() == "into the guest" })
	h.Write([]byte("out of the guest"))
	buf := make([]byte, 64)
	out.SetReadDeadline(time.Now().Add(waitTimeout))
	n, err := io.ReadAtLeast(out, buf, 16)
	if err != nil || string(buf[:n]) != "out of the guest" {
		t.Errorf("read %q, %v", buf[:n], err)
	}
}

func TestPipeSingleFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "both")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	b := open(t, config.ChardevDef{Backend: "pipe", Path: path}, Env{})
	h := attach(t, b)
	r := newRecv(-1)
	h.SetReceiver(r)
	// One FIFO for both directions: what the guest writes, it reads back.
	h.Write([]byte("echo"))
	waitFor(t, "loop", func() bool { return r.data() == "echo" })

	if _, err := New(config.ChardevDef{ID: "p", Backend: "pipe", Path: filepath.Join(dir, "missing")}, Env{}); err == nil {
		t.Error("New on a missing pipe succeeded")
	}
}

func TestSet(t *testing.T) {
	dir := t.TempDir()
	defs := []config.ChardevDef{
		{ID: "a", Backend: "null"},
		{ID: "b", Backend: "file", Path: filepath.Join(dir, "b")},
		{ID: "m", Backend: "null", Mux: true},
	}
	s, err := Open(defs, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attach("a", "serial0"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attach("a", "debugcon"); err == nil || !strings.Contains(err.Error(), "in use by serial0") {
		t.Errorf("second Attach: %v", err)
	}
	if _, err := s.Attach("zz", "x"); err == nil {
		t.Error("Attach to an unknown chardev succeeded")
	}
	for _, name := range []string{"serial1", "monitor"} {
		if _, err := s.Attach("m", name); err != nil {
			t.Errorf("Attach(m, %s): %v", name, err)
		}
	}
	if bk, ok := s.Backend("m"); !ok || bk.Mux() == nil || bk.Mux().Focus() != "serial1" {
		t.Errorf("mux backend %v", bk)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A failure part-way closes what was opened.
	_, err = Open([]config.ChardevDef{{ID: "a", Backend: "null"}, {ID: "x", Backend: "file", Path: filepath.Join(dir, "no", "f")}}, Env{})
	if err == nil {
		t.Error("Open with a bad file succeeded")
	}
	_, err = Open([]config.ChardevDef{{ID: "a", Backend: "null"}, {ID: "a", Backend: "null"}}, Env{})
	if err == nil {
		t.Error("Open with a duplicate ID succeeded")
	}
}

func TestUnknownBackend(t *testing.T) {
	if _, err := New(config.ChardevDef{ID: "x", Backend: "braille"}, Env{}); err == nil {
		t.Error("New with an unknown backend succeeded")
	}
}

// The definitions emu/config produces open as they are.
func TestFromConfig(t *testing.T) {
	dir := t.TempDir()
	c, err := config.Parse([]string{"-nodefaults",
		"-serial", "file:" + filepath.Join(dir, "s0"),
		"-serial", "null",
		"-serial", "tcp:127.0.0.1:0,server=on,wait=off",
		"-debugcon", "unix:" + filepath.Join(dir, "dbg.sock") + ",server=on,wait=off",
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(c.Chardevs, Env{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range c.Serials {
		if _, err := s.Attach(id, id); err != nil {
			t.Error(err)
		}
	}
	if b, _ := s.Backend("serial2"); b.Addr() == nil {
		t.Error("TCP server has no address")
	}
	if _, err := net.Dial("unix", filepath.Join(dir, "dbg.sock")); err != nil {
		t.Error(err)
	}
}
