package mem

import (
	"math/bits"
	"sync/atomic"
)

// Bitmap is a set of page indexes, safe for concurrent Set and MoveTo.
type Bitmap struct {
	words []atomic.Uint64
	n     int
}

// NewBitmap returns an empty bitmap for n pages.
func NewBitmap(n int) *Bitmap {
	return &Bitmap{words: make([]atomic.Uint64, (n+63)/64), n: n}
}

// Len is the number of pages the bitmap covers.
func (b *Bitmap) Len() int { return b.n }

// Set marks page i. Out-of-range indexes are ignored.
func (b *Bitmap) Set(i int) {
	if i < 0 || i >= b.n {
		return
	}
	w := &b.words[i/64]
	bit := uint64(1) << (i % 64)
	if w.Load()&bit == 0 {
		w.Or(bit)
	}
}

// Test reports whether page i is marked.
func (b *Bitmap) Test(i int) bool {
	if i < 0 || i >= b.n {
		return false
	}
	return b.words[i/64].Load()&(1<<(i%64)) != 0
}

// OrWord ORs a 64-page word (as KVM's dirty log returns them) at word index w.
func (b *Bitmap) OrWord(w int, v uint64) {
	if w >= 0 && w < len(b.words) && v != 0 {
		b.words[w].Or(v)
	}
}

// MoveTo ORs every marked page into dst and clears b.
func (b *Bitmap) MoveTo(dst *Bitmap) {
	for i := range b.words {
		if v := b.words[i].Swap(0); v != 0 && i < len(dst.words) {
			dst.words[i].Or(v)
		}
	}
}

// Count returns the number of marked pages.
func (b *Bitmap) Count() int {
	c := 0
	for i := range b.words {
		c += bits.OnesCount64(b.words[i].Load())
	}
	return c
}

// Clear unmarks every page.
func (b *Bitmap) Clear() {
	for i := range b.words {
		b.words[i].Store(0)
	}
}

// Range calls f for each marked page in increasing order until f returns false.
func (b *Bitmap) Range(f func(i int) bool) {
	for wi := range b.words {
		v := b.words[wi].Load()
		for v != 0 {
			t := bits.TrailingZeros64(v)
			if !f(wi*64 + t) {
				return
			}
			v &^= 1 << t
		}
	}
}
