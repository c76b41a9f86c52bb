// Package hwtest holds fakes for device tests: a line that records its edges,
// and helpers that apply register writes through a bus.Handler.
package hwtest

import (
	"sync"

	"gemu/hw/bus"
)

// Line records every level it is set to.
type Line struct {
	mu     sync.Mutex
	levels []bool // guarded by mu
	high   bool   // guarded by mu
}

// Set records the level.
func (l *Line) Set(high bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.levels = append(l.levels, high)
	l.high = high
}

// High reports the current level.
func (l *Line) High() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.high
}

// Rises counts low-to-high transitions seen so far.
func (l *Line) Rises() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, prev := 0, false
	for _, h := range l.levels {
		if h && !prev {
			n++
		}
		prev = h
	}
	return n
}

// Reset forgets the recorded history (the level stays).
func (l *Line) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.levels = nil
}

// Write is one register write.
type Write struct {
	Off  uint64
	Size int
	Val  uint64
}

// Apply performs the writes in order.
func Apply(h bus.Handler, writes []Write) {
	for _, w := range writes {
		h.Write(w.Off, w.Size, w.Val)
	}
}
