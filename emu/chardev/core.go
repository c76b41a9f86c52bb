package chardev

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"gemu/emu/config"
)

// DefaultFlushTimeout bounds how long Close waits for queued output to
// reach a peer that has stopped reading.
const DefaultFlushTimeout = 2 * time.Second

// retryInterval is how often input is offered again to a receiver that
// took nothing and has not called Wake, so that a frontend that forgets to
// call Wake delays its input instead of losing it.
const retryInterval = 100 * time.Millisecond

// core is the part every backend shares: the output queue with its writer
// goroutine, input delivery with back-pressure, counters and Close.
type core struct {
	id  string
	log *slog.Logger

	mu     sync.Mutex
	recv   Receiver  // guarded by mu
	sink   io.Writer // guarded by mu; nil: output has no reader
	buf    []byte    // guarded by mu; output not yet written
	spare  []byte    // guarded by mu; the other buffer, reused
	owed   bool      // guarded by mu; a Write came up short: TxReady owed
	closed bool      // guarded by mu
	stats  Stats     // guarded by mu
	warned bool      // guarded by mu; a sink failure was logged

	bufMax       int
	flushTimeout time.Duration
	logFile      *os.File // a copy of all output (logfile=), or nil
	// onSinkError is called (on the writer goroutine) when writing to sink
	// failed; it disconnects the peer. Default: stop writing to it.
	onSinkError func(sink io.Writer, err error)
	closers     []func() error // run by Close after the output is flushed

	outSig     chan struct{} // 1-buffered: output queued
	inSig      chan struct{} // 1-buffered: the receiver may take input
	done       chan struct{} // closed by Close
	writerDone chan struct{}
	closeOnce  sync.Once
	closeErr   error
}

// newCore makes the shared part for def with output going to sink (nil:
// discarded) and starts its writer goroutine.
func newCore(def config.ChardevDef, env Env, sink io.Writer) (*core, error) {
	c := &core{
		id:           def.ID,
		log:          env.Logger.With("chardev", def.ID),
		sink:         sink,
		bufMax:       env.OutputBuffer,
		flushTimeout: env.FlushTimeout,
		outSig:       make(chan struct{}, 1),
		inSig:        make(chan struct{}, 1),
		done:         make(chan struct{}),
		writerDone:   make(chan struct{}),
	}
	if def.LogFile != "" {
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if def.LogAppend {
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(def.LogFile, flag, 0o666)
		if err != nil {
			return nil, fmt.Errorf("chardev %s: logfile: %w", def.ID, err)
		}
		c.logFile = f
		c.closers = append(c.closers, f.Close)
	}
	go c.writer()
	return c, nil
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Write queues p for the writer goroutine; see Chardev.
func (c *core) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, ErrClosed
	}
	if c.sink == nil && c.logFile == nil {
		c.stats.Dropped += uint64(len(p))
		return len(p), nil
	}
	n := min(c.bufMax-len(c.buf), len(p))
	if n < 0 {
		n = 0
	}
	c.buf = append(c.buf, p[:n]...)
	if n < len(p) {
		c.owed = true
	}
	if n > 0 {
		signal(c.outSig)
	}
	return n, nil
}

// writer moves queued output to the sink and the log file.
func (c *core) writer() {
	defer close(c.writerDone)
	for {
		final := false
		select {
		case <-c.outSig:
		case <-c.done:
			final = true
		}
		c.mu.Lock()
		chunk := c.buf
		c.buf, c.spare = c.spare[:0], nil
		sink := c.sink
		c.mu.Unlock()

		var written, dropped uint64
		if len(chunk) > 0 {
			if c.logFile != nil {
				c.logFile.Write(chunk) // a failing log must not stop the output
			}
			switch {
			case sink == nil:
				dropped = uint64(len(chunk))
			default:
				n, err := sink.Write(chunk)
				written = uint64(n)
				if err != nil {
					dropped = uint64(len(chunk) - n)
					c.sinkFailed(sink, err)
				}
			}
		}

		c.mu.Lock()
		c.spare = chunk[:0]
		c.stats.Written += written
		c.stats.Dropped += dropped
		var tx TxReadier
		if c.owed && !c.closed {
			c.owed = false
			tx, _ = c.recv.(TxReadier)
		}
		empty := len(c.buf) == 0
		c.mu.Unlock()
		if tx != nil {
			tx.TxReady()
		}
		if final && empty {
			return
		}
	}
}

func (c *core) sinkFailed(sink io.Writer, err error) {
	if c.onSinkError != nil {
		c.onSinkError(sink, err)
		return
	}
	c.mu.Lock()
	if c.sink == sink {
		c.sink = nil
	}
	warned := c.warned
	c.warned = true
	c.mu.Unlock()
	if !warned {
		c.log.Warn("output failed; further output is discarded", "err", err)
	}
}

// setSink changes where output goes (a socket's client came or went).
func (c *core) setSink(w io.Writer) {
	c.mu.Lock()
	c.sink = w
	var tx TxReadier
	if c.owed {
		c.owed = false
		tx, _ = c.recv.(TxReadier)
	}
	c.mu.Unlock()
	if tx != nil {
		tx.TxReady() // output without a peer is now accepted (and dropped)
	}
}

// SetReceiver directs input to r.
func (c *core) SetReceiver(r Receiver) {
	c.mu.Lock()
	c.recv = r
	c.mu.Unlock()
	signal(c.inSig)
}

// Wake says the receiver may take input again.
func (c *core) Wake() { signal(c.inSig) }

func (c *core) receiver() Receiver {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recv
}

// feed delivers host input p to the receiver, waiting while it has no room
// (or none is set). It returns false when the backend is closed first.
func (c *core) feed(p []byte) bool {
	return deliver(c.receiver, p, c.inSig, c.done, func(n int) {
		c.mu.Lock()
		c.stats.Received += uint64(n)
		c.mu.Unlock()
	})
}

// deliver offers p to recv() until it has taken all of it. When the
// receiver takes nothing it waits for wake (or retries after
// retryInterval). It returns false if done is closed first.
func deliver(recv func() Receiver, p []byte, wake, done <-chan struct{}, count func(int)) bool {
	var tick *time.Ticker
	defer func() {
		if tick != nil {
			tick.Stop()
		}
	}()
	for len(p) > 0 {
		select {
		case <-done:
			return false
		default:
		}
		if r := recv(); r != nil {
			n := min(max(r.CanReceive(), 1), len(p))
			m := r.Receive(p[:n])
			if m > n {
				m = n // a receiver cannot take more than it was offered
			}
			if m > 0 {
				count(m)
				p = p[m:]
				continue
			}
		}
		if tick == nil {
			tick = time.NewTicker(retryInterval)
		}
		select {
		case <-wake:
		case <-tick.C:
		case <-done:
			return false
		}
	}
	return true
}

// Stats returns the counters.
func (c *core) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Close flushes and releases the backend.
func (c *core) Close() error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		close(c.done)
		t := time.NewTimer(c.flushTimeout)
		select {
		case <-c.writerDone:
		case <-t.C:
			c.log.Warn("output still pending at close; discarded")
		}
		t.Stop()
		for _, f := range c.closers {
			if err := f(); err != nil && c.closeErr == nil {
				c.closeErr = fmt.Errorf("chardev %s: %w", c.id, err)
			}
		}
	})
	return c.closeErr
}

// readLoop reads r until it fails or the backend closes, feeding the
// input to the receiver. Back-pressure stops the reading.
func (c *core) readLoop(r io.Reader) error {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 && !c.feed(buf[:n]) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (c *core) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}
