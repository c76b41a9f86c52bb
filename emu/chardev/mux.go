package chardev

import (
	"sync"
)

// EscapeChar is the multiplexer's command prefix, Ctrl-A.
const EscapeChar = 0x01

// muxQueue is how much input a multiplexer holds for one frontend that is
// not taking it; beyond that input for the frontend is discarded (and
// counted), so that the Ctrl-A keys keep working while a guest ignores its
// serial port.
const muxQueue = 64 << 10

// muxHelp is printed by Ctrl-A h.
const muxHelp = "\r\n" +
	"Terminal keys (press Ctrl-A, then the key):\r\n" +
	"  C-a h    this help\r\n" +
	"  C-a x    quit gemu\r\n" +
	"  C-a c    move the input between the serial console and the monitor\r\n" +
	"  C-a b    send a break to the serial console\r\n" +
	"  C-a C-a  type a Ctrl-A\r\n"

// Mux shares one backend among several frontends (mux=on, "mon:stdio").
// Output from every frontend goes to the backend; input goes to the one
// that has the focus, which is the first frontend attached until Ctrl-A c
// moves it to the next. The Ctrl-A keys are QEMU's: h help, x quit
// (Env.Exit), c switch, b break, Ctrl-A a literal Ctrl-A.
type Mux struct {
	base *core
	exit func()

	mu      sync.Mutex
	fes     []*muxFrontend // guarded by mu; attached frontends in order
	focus   int            // guarded by mu; index into fes
	escaped bool           // guarded by mu; the previous byte was Ctrl-A
}

func newMux(base *core, env Env) *Mux {
	m := &Mux{base: base, exit: env.Exit}
	base.SetReceiver(m)
	return m
}

func (m *Mux) attach(name string) *muxFrontend {
	fe := &muxFrontend{
		mux:  m,
		name: name,
		sig:  make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	m.mu.Lock()
	m.fes = append(m.fes, fe)
	first := len(m.fes) == 1
	m.mu.Unlock()
	go fe.run()
	if first {
		fe.setFocus(true)
	}
	return fe
}

func (m *Mux) detach(fe *muxFrontend) {
	m.mu.Lock()
	idx := -1
	for i, f := range m.fes {
		if f == fe {
			idx = i
		}
	}
	if idx < 0 {
		m.mu.Unlock()
		return
	}
	m.fes = append(m.fes[:idx], m.fes[idx+1:]...)
	var gain *muxFrontend
	switch {
	case len(m.fes) == 0:
		m.focus = 0
	case idx < m.focus:
		m.focus--
	case idx == m.focus:
		m.focus %= len(m.fes)
		gain = m.fes[m.focus]
	}
	m.mu.Unlock()
	close(fe.done)
	if gain != nil {
		gain.setFocus(true)
	}
}

func (m *Mux) close() {
	m.mu.Lock()
	fes := append([]*muxFrontend(nil), m.fes...)
	m.mu.Unlock()
	for _, fe := range fes {
		m.detach(fe)
	}
}

// Focus returns the name of the frontend that receives input ("" when none
// is attached).
func (m *Mux) Focus() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.fes) == 0 {
		return ""
	}
	return m.fes[m.focus].name
}

func (m *Mux) inputDropped() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n uint64
	for _, fe := range m.fes {
		fe.mu.Lock()
		n += fe.dropped
		fe.mu.Unlock()
	}
	return n
}

// CanReceive implements Receiver for the base backend: the multiplexer
// always takes input, so that its keys work whatever the frontends do.
func (m *Mux) CanReceive() int { return 4096 }

// Receive interprets the Ctrl-A keys and queues everything else for the
// frontend with the focus.
func (m *Mux) Receive(p []byte) int {
	var cmds []byte
	m.mu.Lock()
	start := 0
	flush := func(end int) {
		if end > start && len(m.fes) > 0 {
			m.fes[m.focus].put(p[start:end])
		}
	}
	for i, b := range p {
		if m.escaped {
			m.escaped = false
			start = i + 1
			if b == EscapeChar {
				if len(m.fes) > 0 {
					m.fes[m.focus].put([]byte{EscapeChar})
				}
				continue
			}
			if b == 'c' {
				// Switch now, so that the bytes after it go to the new focus.
				if len(m.fes) > 1 {
					old := m.fes[m.focus]
					m.focus = (m.focus + 1) % len(m.fes)
					cur := m.fes[m.focus]
					m.mu.Unlock()
					old.setFocus(false)
					cur.setFocus(true)
					m.mu.Lock()
				}
				continue
			}
			cmds = append(cmds, b)
			continue
		}
		if b == EscapeChar {
			flush(i)
			m.escaped = true
			start = i + 1
		}
	}
	if !m.escaped {
		flush(len(p))
	}
	var focus *muxFrontend
	if len(m.fes) > 0 {
		focus = m.fes[m.focus]
	}
	m.mu.Unlock()
	for _, b := range cmds {
		m.command(b, focus)
	}
	return len(p)
}

// command runs the Ctrl-A command b (other than c and Ctrl-A).
func (m *Mux) command(b byte, focus *muxFrontend) {
	switch b {
	case 'h', '?':
		m.base.Write([]byte(muxHelp))
	case 'x':
		m.base.Write([]byte("\r\ngemu: terminating on Ctrl-A x\r\n"))
		if m.exit != nil {
			m.exit()
		}
	case 'b':
		if focus == nil {
			return
		}
		if br, ok := focus.receiver().(BreakReceiver); ok {
			br.ReceiveBreak()
		}
	}
	// Any other key after Ctrl-A is ignored, as in QEMU.
}

// TxReady is forwarded to every frontend: any of them may have been
// refused.
func (m *Mux) TxReady() {
	m.mu.Lock()
	fes := append([]*muxFrontend(nil), m.fes...)
	m.mu.Unlock()
	for _, fe := range fes {
		if tx, ok := fe.receiver().(TxReadier); ok {
			tx.TxReady()
		}
	}
}

// muxFrontend is one frontend's handle on a Mux.
type muxFrontend struct {
	mux  *Mux
	name string
	sig  chan struct{} // 1-buffered: queued input or room in the receiver
	done chan struct{} // closed on detach

	mu      sync.Mutex
	recv    Receiver // guarded by mu
	queue   []byte   // guarded by mu; input not yet taken
	dropped uint64   // guarded by mu
	focused bool     // guarded by mu
}

func (fe *muxFrontend) Write(p []byte) (int, error) { return fe.mux.base.Write(p) }

func (fe *muxFrontend) SetReceiver(r Receiver) {
	fe.mu.Lock()
	fe.recv = r
	focused := fe.focused
	fe.mu.Unlock()
	signal(fe.sig)
	if f, ok := r.(FocusReceiver); ok && focused {
		f.Focus(true)
	}
}

func (fe *muxFrontend) Wake() { signal(fe.sig) }

func (fe *muxFrontend) Stats() Stats {
	s := fe.mux.base.Stats()
	fe.mu.Lock()
	s.InputDropped = fe.dropped
	fe.mu.Unlock()
	return s
}

func (fe *muxFrontend) Close() error {
	fe.mux.detach(fe)
	return nil
}

func (fe *muxFrontend) receiver() Receiver {
	fe.mu.Lock()
	defer fe.mu.Unlock()
	return fe.recv
}

func (fe *muxFrontend) setFocus(in bool) {
	fe.mu.Lock()
	fe.focused = in
	r := fe.recv
	fe.mu.Unlock()
	if f, ok := r.(FocusReceiver); ok {
		f.Focus(in)
	}
}

// put queues input for the frontend, discarding what does not fit.
func (fe *muxFrontend) put(p []byte) {
	fe.mu.Lock()
	n := min(len(p), muxQueue-len(fe.queue))
	fe.queue = append(fe.queue, p[:n]...)
	fe.dropped += uint64(len(p) - n)
	fe.mu.Unlock()
	signal(fe.sig)
}

// run delivers queued input to the receiver.
func (fe *muxFrontend) run() {
	var chunk []byte
	for {
		select {
		case <-fe.sig:
		case <-fe.done:
			return
		}
		for {
			fe.mu.Lock()
			chunk = append(chunk[:0], fe.queue...)
			fe.mu.Unlock()
			if len(chunk) == 0 {
				break
			}
			taken := 0
			ok := deliver(fe.receiver, chunk, fe.sig, fe.done, func(n int) { taken += n })
			fe.mu.Lock()
			fe.queue = fe.queue[:copy(fe.queue, fe.queue[taken:])]
			fe.mu.Unlock()
			if !ok {
				return
			}
		}
	}
}
