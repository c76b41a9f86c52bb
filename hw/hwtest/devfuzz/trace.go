package devfuzz

import (
	"fmt"
	"hash/maphash"
	"io"
	"sort"
	"strings"
	"sync"

	"gemu/hw/irq"
)

// Event is one thing an instance did that the guest or the host can see:
// a read's value, a line's new level, a byte sent to a backend, a call of
// a callback.
type Event struct {
	Src  string // what produced it ("read", "irq", "out", ...)
	A, B uint64
}

func (e Event) String() string { return fmt.Sprintf("%s(%#x, %#x)", e.Src, e.A, e.B) }

// keepEvents is how many events of one operation a trace keeps for
// reports; all of them count in its digest.
const keepEvents = 64

var seed = maphash.MakeSeed()

// Trace records an instance's events since the last Take. Two instances in
// the same state that see the same operations must record the same events.
type Trace struct {
	mu     sync.Mutex
	kept   []Event         // guarded by mu; the first keepEvents
	n      int             // guarded by mu; events since Take
	h      maphash.Hash    // guarded by mu; digest of every event since Take
	levels map[string]bool // guarded by mu; each line's level
}

// NewTrace returns an empty trace.
func NewTrace() *Trace {
	t := &Trace{levels: map[string]bool{}}
	t.h.SetSeed(seed)
	return t
}

// Add records an event.
func (t *Trace) Add(src string, a, b uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.add(Event{src, a, b})
}

func (t *Trace) add(e Event) {
	if len(t.kept) < keepEvents {
		t.kept = append(t.kept, e)
	}
	t.n++
	t.h.WriteString(e.Src)
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(e.A >> (8 * i))
		b[8+i] = byte(e.B >> (8 * i))
	}
	t.h.Write(b[:])
}

// Summary is what Take returns: a digest of the events and the first few.
type Summary struct {
	N      int
	Digest uint64
	Kept   []Event
}

// Equal compares two summaries by count and digest.
func (s Summary) Equal(o Summary) bool { return s.N == o.N && s.Digest == o.Digest }

func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d events", s.N)
	for _, e := range s.Kept {
		b.WriteString("\n    ")
		b.WriteString(e.String())
	}
	if s.N > len(s.Kept) {
		b.WriteString("\n    ...")
	}
	return b.String()
}

// Take returns the events recorded since the last Take and forgets them.
func (t *Trace) Take() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Summary{N: t.n, Digest: t.h.Sum64(), Kept: t.kept}
	t.kept, t.n = nil, 0
	t.h.Reset()
	return s
}

// Levels returns every line's level, as "name=0|1" sorted by name.
func (t *Trace) Levels() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var s []string
	for n, l := range t.levels {
		v := 0
		if l {
			v = 1
		}
		s = append(s, fmt.Sprintf("%s=%d", n, v))
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// Level returns a line's level (false for a line never set).
func (t *Trace) Level(name string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.levels[name]
}

// Line returns an interrupt line that records its level changes. Setting
// the level it already has is no event (a device may re-drive a line), but
// every pulse is two.
func (t *Trace) Line(name string) irq.Line {
	t.mu.Lock()
	if _, ok := t.levels[name]; !ok {
		t.levels[name] = false
	}
	t.mu.Unlock()
	return irq.LineFunc(func(high bool) {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.levels[name] == high {
			return
		}
		t.levels[name] = high
		v := uint64(0)
		if high {
			v = 1
		}
		t.add(Event{name, v, 0})
	})
}

// Call returns a function that records a call of itself.
func (t *Trace) Call(name string) func() { return func() { t.Add(name, 0, 0) } }

// Writer is a backend that records the bytes written to it and takes only
// as many as it has room for (back-pressure), or fails.
type Writer struct {
	t    *Trace
	name string
	mu   sync.Mutex
	room int  // guarded by mu; bytes it takes before pushing back; <0 unlimited
	fail bool // guarded by mu; writes fail
}

var _ io.Writer = (*Writer)(nil)

// Writer returns a backend with unlimited room.
func (t *Trace) Writer(name string) *Writer { return &Writer{t: t, name: name, room: -1} }

// SetRoom sets how many more bytes the writer takes (<0: unlimited) and
// whether its writes fail.
func (w *Writer) SetRoom(room int, fail bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.room, w.fail = room, fail
}

// Write records what it takes.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail {
		w.t.Add(w.name+"-fail", uint64(len(p)), 0)
		return 0, io.ErrClosedPipe
	}
	n := len(p)
	if w.room >= 0 && n > w.room {
		n = w.room
	}
	if w.room >= 0 {
		w.room -= n
	}
	for _, b := range p[:n] {
		w.t.Add(w.name, uint64(b), 0)
	}
	return n, nil
}
