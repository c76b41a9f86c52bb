package chardev

import (
	"bufio"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gemu/emu/config"
)

func listenAddr(t *testing.T) (func(id string, a net.Addr), func() net.Addr) {
	ch := make(chan net.Addr, 1)
	return func(id string, a net.Addr) { ch <- a }, func() net.Addr {
		select {
		case a := <-ch:
			return a
		case <-time.After(waitTimeout):
			t.Fatal("server never listened")
			return nil
		}
	}
}

func readN(t *testing.T, c net.Conn, n int) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(waitTimeout))
	buf := make([]byte, n)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(buf)
}

func TestTCPServer(t *testing.T) {
	onListen, addr := listenAddr(t)
	b := open(t, config.ChardevDef{Backend: "socket", Host: "127.0.0.1", Port: 0, Server: true}, Env{OnListen: onListen})
	a := addr()
	if b.Addr().String() != a.String() {
		t.Errorf("Addr() = %v, OnListen said %v", b.Addr(), a)
	}
	h := attach(t, b)
	r := newRecv(-1)
	h.SetReceiver(r)

	// Without a client, output is dropped.
	if n, _ := h.Write([]byte("nobody")); n != 6 {
		t.Errorf("Write without client took %d", n)
	}
	waitFor(t, "drop count", func() bool { return h.Stats().Dropped == 6 })

	for i, name := range []string{"first", "second"} {
		c, err := net.Dial("tcp", a.String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte(name))
		want := strings.Join([]string{"first", "second"}[:i+1], "")
		waitFor(t, name+"'s input", func() bool { return r.data() == want })
		// The connection is the sink once its input has arrived.
		h.Write([]byte("hello " + name))
		if got := readN(t, c, len("hello "+name)); got != "hello "+name {
			t.Errorf("client read %q", got)
		}
		c.Close()
		// After the client leaves, output is dropped again.
		waitFor(t, "disconnect", func() bool {
			before := h.Stats().Dropped
			h.Write([]byte("z"))
			return waitDropped(h, before+1)
		})
	}
}

func waitDropped(h Chardev, n uint64) bool {
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) {
		if h.Stats().Dropped >= n {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return false
}

func TestTCPServerWait(t *testing.T) {
	onListen, addr := listenAddr(t)
	stderr := &syncBuffer{}
	type result struct {
		b   *Backend
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := New(config.ChardevDef{ID: "w", Backend: "socket", Host: "127.0.0.1", Server: true, Wait: true},
			Env{OnListen: onListen, Stderr: stderr})
		done <- result{b, err}
	}()
	a := addr()
	select {
	case <-done:
		t.Fatal("New returned before a client connected")
	case <-time.After(20 * time.Millisecond):
	}
	c, err := net.Dial("tcp", a.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var res result
	select {
	case res = <-done:
	case <-time.After(waitTimeout):
		t.Fatal("New did not return after the client connected")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	defer res.b.Close()
	if !strings.Contains(stderr.String(), "waiting for connection on: disconnected:tcp:"+a.String()+",server=on") {
		t.Errorf("stderr = %q", stderr.String())
	}
	h := attach(t, res.b)
	h.Write([]byte("connected"))
	if got := readN(t, c, 9); got != "connected" {
		t.Errorf("read %q", got)
	}
}

func TestServerWaitCanceled(t *testing.T) {
	done := make(chan struct{})
	onListen := func(string, net.Addr) { close(done) }
	_, err := New(config.ChardevDef{ID: "w", Backend: "socket", Path: filepath.Join(t.TempDir(), "s"), Server: true, Wait: true},
		Env{OnListen: onListen, Done: done, Stderr: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("New = %v, want a cancellation", err)
	}
}

func TestTCPClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	b := open(t, config.ChardevDef{Backend: "socket", Host: "127.0.0.1", Port: port, NoDelay: true}, Env{})
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	h := attach(t, b)
	r := newRecv(-1)
	h.SetReceiver(r)
	h.Write([]byte("from guest"))
	if got := readN(t, c, 10); got != "from guest" {
		t.Errorf("peer read %q", got)
	}
	c.Write([]byte("from peer"))
	waitFor(t, "input", func() bool { return r.data() == "from peer" })
	c.Close()
	// No reconnect: output is dropped from now on.
	waitFor(t, "disconnect", func() bool {
		before := h.Stats().Dropped
		h.Write([]byte("z"))
		return waitDropped(h, before+1)
	})

	ln.Close()
	if _, err := New(config.ChardevDef{ID: "x", Backend: "socket", Host: "127.0.0.1", Port: port}, Env{}); err == nil {
		t.Error("connecting to a closed port succeeded")
	}
}

func TestUnixServerAndClient(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.sock")
	// A stale socket file from an earlier run is replaced.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()

	srv := open(t, config.ChardevDef{Backend: "socket", Path: path, Server: true}, Env{})
	cli := open(t, config.ChardevDef{ID: "c1", Backend: "socket", Path: path}, Env{})
	hs, hc := attach(t, srv), attach(t, cli)
	rs, rc := newRecv(-1), newRecv(-1)
	hs.SetReceiver(rs)
	hc.SetReceiver(rc)
	hc.Write([]byte("ping"))
	waitFor(t, "server input", func() bool { return rs.data() == "ping" })
	hs.Write([]byte("pong"))
	waitFor(t, "client input", func() bool { return rc.data() == "pong" })

	srv.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}

	// Something that is not a socket is not removed.
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, nil, 0o644)
	if _, err := New(config.ChardevDef{ID: "u", Backend: "socket", Path: file, Server: true}, Env{}); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("New over a regular file: %v", err)
	}
}

// A server takes line-oriented input from a client that sends more than the
// frontend takes at once, without loss.
func TestSocketBackPressure(t *testing.T) {
	onListen, addr := listenAddr(t)
	b := open(t, config.ChardevDef{Backend: "socket", Host: "127.0.0.1", Server: true}, Env{OnListen: onListen})
	h := attach(t, b)
	r := newRecv(0)
	h.SetReceiver(r)
	c, err := net.Dial("tcp", addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var want strings.Builder
	w := bufio.NewWriter(c)
	for i := 0; i < 2000; i++ {
		line := strings.Repeat(string(rune('a'+i%26)), 1+i%50) + "\n"
		want.WriteString(line)
		w.WriteString(line)
	}
	go w.Flush()
	for r.data() != want.String() {
		r.setRoom(700)
		h.Wake()
		waitFor(t, "progress", func() bool { return r.CanReceive() == 0 || r.data() == want.String() })
	}
}
