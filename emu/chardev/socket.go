package chardev

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"gemu/emu/config"
)

// dialTimeout bounds a client's connection attempt.
const dialTimeout = 10 * time.Second

// openSocket connects to or listens on a TCP address or Unix socket path.
// A server serves one client at a time and takes the next one when it
// disconnects; output while no client is connected is discarded. A client
// that loses its connection stays disconnected (no reconnect).
func openSocket(def config.ChardevDef, env Env) (*core, func() net.Addr, error) {
	network, addr := "tcp", net.JoinHostPort(def.Host, strconv.Itoa(def.Port))
	if def.Path != "" {
		network, addr = "unix", def.Path
	}
	c, err := newCore(def, env, nil)
	if err != nil {
		return nil, nil, err
	}
	s := &socket{core: c, def: def, env: env}
	c.onSinkError = s.sinkError
	if def.Server {
		err = s.listen(network, addr)
	} else {
		if def.Host == "" && def.Path == "" {
			addr = net.JoinHostPort("localhost", strconv.Itoa(def.Port))
		}
		err = s.dial(network, addr)
	}
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	c.closers = append(c.closers, s.close)
	return c, s.localAddr, nil
}

type socket struct {
	*core
	def config.ChardevDef
	env Env
	ln  net.Listener

	mu   sync.Mutex
	conn net.Conn // guarded by mu; the connected peer, or nil
}

// describe names the listening socket as QEMU's notices do
// ("tcp:127.0.0.1:4444", "unix:/tmp/s"), with the port actually bound.
func (s *socket) describe() string {
	if s.def.Path != "" {
		return "unix:" + s.def.Path
	}
	port := s.def.Port
	if a, ok := s.ln.Addr().(*net.TCPAddr); ok {
		port = a.Port
	}
	return "tcp:" + net.JoinHostPort(s.def.Host, strconv.Itoa(port))
}

func (s *socket) localAddr() net.Addr {
	if s.ln != nil {
		return s.ln.Addr()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		return s.conn.LocalAddr()
	}
	return nil
}

func (s *socket) listen(network, addr string) error {
	if network == "unix" {
		// A socket file left by an earlier run would make bind fail;
		// anything else at the path is not ours to remove.
		if fi, err := os.Lstat(addr); err == nil {
			if fi.Mode()&fs.ModeSocket == 0 {
				return fmt.Errorf("chardev %s: %s exists and is not a socket", s.def.ID, addr)
			}
			os.Remove(addr)
		}
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		return fmt.Errorf("chardev %s: %w", s.def.ID, err)
	}
	if ul, ok := ln.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(true)
	}
	s.ln = ln
	if s.env.OnListen != nil {
		s.env.OnListen(s.def.ID, ln.Addr())
	}
	var first net.Conn
	if s.def.Wait {
		fmt.Fprintf(s.env.Stderr, "gemu: waiting for connection on: disconnected:%s,server=on\n", s.describe())
		type result struct {
			conn net.Conn
			err  error
		}
		ch := make(chan result, 1)
		go func() {
			conn, err := ln.Accept()
			ch <- result{conn, err}
		}()
		select {
		case r := <-ch:
			if r.err != nil {
				ln.Close()
				return fmt.Errorf("chardev %s: accept: %w", s.def.ID, r.err)
			}
			first = r.conn
		case <-s.env.Done:
			ln.Close()
			if r := <-ch; r.conn != nil {
				r.conn.Close()
			}
			return fmt.Errorf("chardev %s: canceled while waiting for a connection", s.def.ID)
		}
	}
	if first != nil {
		s.connect(first)
	}
	go s.serve(first)
	return nil
}

// serve runs the server's connections one after another.
func (s *socket) serve(conn net.Conn) {
	for {
		if conn == nil {
			var err error
			conn, err = s.ln.Accept()
			if err != nil {
				if !s.isClosed() && !errors.Is(err, net.ErrClosed) {
					s.log.Warn("accept failed; no more clients", "err", err)
				}
				return
			}
			s.connect(conn)
		}
		s.run(conn)
		conn = nil
		if s.isClosed() {
			return
		}
	}
}

func (s *socket) dial(network, addr string) error {
	conn, err := net.DialTimeout(network, addr, dialTimeout)
	if err != nil {
		return fmt.Errorf("chardev %s: %w", s.def.ID, err)
	}
	s.connect(conn)
	go s.run(conn)
	return nil
}

// connect makes conn the peer: output goes to it from now on.
func (s *socket) connect(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetNoDelay(s.def.NoDelay)
	}
	s.mu.Lock()
	if s.isClosed() {
		s.mu.Unlock()
		conn.Close()
		return
	}
	s.conn = conn
	s.mu.Unlock()
	s.setSink(conn)
}

// run serves the connected peer conn until it goes away or the backend
// closes.
func (s *socket) run(conn net.Conn) {
	err := s.readLoop(conn)
	if err != nil && err != io.EOF && !errors.Is(err, net.ErrClosed) && !s.isClosed() {
		s.log.Info("connection lost", "err", err)
	}
	s.setSink(nil)
	s.mu.Lock()
	if s.conn == conn {
		s.conn = nil
	}
	s.mu.Unlock()
	conn.Close()
}

// sinkError drops a peer that cannot take output; its reader then sees the
// closed connection and the server waits for the next client.
func (s *socket) sinkError(sink io.Writer, err error) {
	s.core.mu.Lock()
	if s.core.sink == sink {
		s.core.sink = nil
	}
	s.core.mu.Unlock()
	if conn, ok := sink.(net.Conn); ok {
		conn.Close()
	}
}

func (s *socket) close() error {
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	s.mu.Lock()
	conn := s.conn
	s.conn = nil
	s.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	return err
}
