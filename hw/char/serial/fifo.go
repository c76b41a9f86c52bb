package serial

// fifo is a byte ring of up to fifoLen bytes with a settable capacity: 16
// in FIFO mode, 1 in 16450 mode.
type fifo struct {
	buf  [fifoLen]byte
	head int // index of the oldest byte
	n    int // bytes held
	cap  int // 1 or fifoLen
}

func (f *fifo) reset(capacity int) { *f = fifo{cap: capacity} }
func (f *fifo) clear()             { f.head, f.n = 0, 0 }
func (f *fifo) full() bool         { return f.n >= f.cap }
func (f *fifo) free() int          { return f.cap - f.n }

func (f *fifo) push(b byte) {
	f.buf[(f.head+f.n)%fifoLen] = b
	f.n++
}

func (f *fifo) pop() byte {
	b := f.buf[f.head]
	f.head = (f.head + 1) % fifoLen
	f.n--
	return b
}

// front returns the longest contiguous run of held bytes, oldest first.
func (f *fifo) front() []byte {
	end := f.head + f.n
	if end > fifoLen {
		end = fifoLen
	}
	return f.buf[f.head:end]
}

// drop discards the n oldest bytes.
func (f *fifo) drop(n int) {
	f.head = (f.head + n) % fifoLen
	f.n -= n
}

// bytes returns a copy of the held bytes, oldest first.
func (f *fifo) bytes() []byte {
	out := make([]byte, f.n)
	for i := range out {
		out[i] = f.buf[(f.head+i)%fifoLen]
	}
	return out
}

// set replaces the contents (len(p) <= cap, checked by the caller).
func (f *fifo) set(p []byte) {
	f.clear()
	for _, b := range p {
		f.push(b)
	}
}
