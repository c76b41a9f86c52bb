package chardev

import (
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"gemu/emu/config"
)

type muxRig struct {
	in     *io.PipeWriter
	out    *syncBuffer
	b      *Backend
	exits  atomic.Int32
	serial Chardev
	mon    Chardev
	rs, rm *recv
}

func newMuxRig(t *testing.T) *muxRig {
	inR, inW := io.Pipe()
	m := &muxRig{in: inW, out: &syncBuffer{}}
	m.b = open(t, config.ChardevDef{Backend: "stdio", Signal: true, Mux: true},
		Env{Stdin: inR, Stdout: m.out, Exit: func() { m.exits.Add(1) }})
	m.serial, m.mon = attach(t, m.b), attach(t, m.b)
	m.rs, m.rm = newRecv(-1), newRecv(-1)
	m.serial.SetReceiver(m.rs)
	m.mon.SetReceiver(m.rm)
	return m
}

func (m *muxRig) typ(t *testing.T, s string) {
	t.Helper()
	if _, err := m.in.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

func TestMuxKeys(t *testing.T) {
	m := newMuxRig(t)
	if f := m.b.Mux().Focus(); f != "test" {
		t.Fatalf("focus %q", f)
	}
	m.typ(t, "ls\r\x01\x01x")
	waitFor(t, "serial input", func() bool { return m.rs.data() == "ls\r\x01x" })

	m.typ(t, "\x01h")
	waitFor(t, "help", func() bool { return strings.Contains(m.out.String(), "C-a x    quit gemu") })

	m.typ(t, "\x01b")
	waitFor(t, "break", func() bool { m.rs.mu.Lock(); defer m.rs.mu.Unlock(); return m.rs.breaks == 1 })

	// An escape split across reads still works.
	m.typ(t, "a\x01")
	m.typ(t, "cinfo\r\x01")
	m.typ(t, "c")
	waitFor(t, "monitor input", func() bool { return m.rm.data() == "info\r" })
	m.typ(t, "back")
	waitFor(t, "serial input again", func() bool { return m.rs.data() == "ls\r\x01xaback" })
	m.rm.mu.Lock()
	focus := append([]bool(nil), m.rm.focus...)
	m.rm.mu.Unlock()
	if len(focus) != 2 || !focus[0] || focus[1] {
		t.Errorf("monitor focus events %v, want [true false]", focus)
	}

	m.typ(t, "\x01z") // unknown keys are ignored
	m.typ(t, "\x01x")
	waitFor(t, "exit", func() bool { return m.exits.Load() == 1 })
	if m.rm.data() != "info\r" || m.rs.data() != "ls\r\x01xaback" {
		t.Errorf("escape keys leaked: serial %q monitor %q", m.rs.data(), m.rm.data())
	}
}

func TestMuxOutputFromAll(t *testing.T) {
	m := newMuxRig(t)
	m.serial.Write([]byte("serial "))
	m.mon.Write([]byte("(qemu) "))
	waitFor(t, "output", func() bool { return m.out.String() == "serial (qemu) " })
}

// The keys keep working while the focused frontend takes no input; that
// input is queued, up to a bound, then dropped and counted.
func TestMuxFullFrontend(t *testing.T) {
	m := newMuxRig(t)
	m.rs.setRoom(0)
	m.typ(t, "stuck")
	m.typ(t, "\x01c")
	waitFor(t, "focus moved", func() bool { return m.b.Mux().Focus() == "test" && m.rmFocused() })
	m.typ(t, "to monitor")
	waitFor(t, "monitor input", func() bool { return m.rm.data() == "to monitor" })
	m.rs.setRoom(-1)
	m.serial.Wake()
	waitFor(t, "queued serial input", func() bool { return m.rs.data() == "stuck" })

	// Overflow.
	m.typ(t, "\x01c")
	m.rs.setRoom(0)
	waitFor(t, "focus back", func() bool { return !m.rmFocused() })
	big := strings.Repeat("y", muxQueue+100)
	m.typ(t, big)
	m.typ(t, "\x01x")
	waitFor(t, "exit while full", func() bool { return m.exits.Load() == 1 })
	if s := m.b.Stats(); s.InputDropped == 0 {
		t.Errorf("Stats = %+v, want dropped input", s)
	}
}

func (m *muxRig) rmFocused() bool {
	m.rm.mu.Lock()
	defer m.rm.mu.Unlock()
	return len(m.rm.focus) > 0 && m.rm.focus[len(m.rm.focus)-1]
}

func TestMuxDetach(t *testing.T) {
	m := newMuxRig(t)
	if err := m.serial.Close(); err != nil {
		t.Fatal(err)
	}
	// The focus passes to the remaining frontend.
	waitFor(t, "focus", func() bool { return m.rmFocused() })
	m.typ(t, "hi")
	waitFor(t, "monitor input", func() bool { return m.rm.data() == "hi" })
	m.mon.Close()
	if f := m.b.Mux().Focus(); f != "" {
		t.Errorf("focus %q with no frontends", f)
	}
	m.typ(t, "nobody\x01x") // still interpreted
	waitFor(t, "exit", func() bool { return m.exits.Load() == 1 })
}

// FuzzMuxInput feeds arbitrary input, cut into arbitrary reads, to a
// multiplexer with three frontends and compares what each frontend gets
// with a direct reading of the Ctrl-A rules.
func FuzzMuxInput(f *testing.F) {
	f.Add([]byte("abc\x01\x01d\x01cxyz\x01c\x01cq\x01h\x01x\x01"), []byte{3, 1, 7})
	f.Add([]byte("\x01\x01\x01\x01\x01c\x01"), []byte{1})
	f.Add([]byte("plain text"), []byte{})
	f.Fuzz(func(t *testing.T, input, cuts []byte) {
		var exits int
		base, err := newCore(config.ChardevDef{ID: "m"}, Env{Logger: nil, OutputBuffer: 1 << 20, FlushTimeout: 1}.filled(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer base.Close()
		m := newMux(base, Env{Exit: func() { exits++ }})
		defer m.close()
		fes := []*muxFrontend{m.attach("a"), m.attach("b"), m.attach("c")}

		p := input
		for i := 0; len(p) > 0; i++ {
			n := len(p)
			if i < len(cuts) {
				n = min(n, int(cuts[i])+1)
			}
			if got := m.Receive(p[:n]); got != n {
				t.Fatalf("Receive took %d of %d", got, n)
			}
			p = p[n:]
		}

		want := make([][]byte, len(fes))
		focus, esc, wantExits := 0, false, 0
		for _, b := range input {
			switch {
			case esc:
				esc = false
				switch b {
				case EscapeChar:
					want[focus] = append(want[focus], b)
				case 'c':
					focus = (focus + 1) % len(fes)
				case 'x':
					wantExits++
				}
			case b == EscapeChar:
				esc = true
			default:
				want[focus] = append(want[focus], b)
			}
		}
		for i, fe := range fes {
			fe.mu.Lock()
			got := string(fe.queue)
			fe.mu.Unlock()
			if got != string(want[i]) {
				t.Errorf("frontend %d got %q, want %q", i, got, want[i])
			}
		}
		if exits != wantExits {
			t.Errorf("%d exits, want %d", exits, wantExits)
		}
		if m.Focus() != fes[focus].name {
			t.Errorf("focus %s, want %s", m.Focus(), fes[focus].name)
		}
	})
}
