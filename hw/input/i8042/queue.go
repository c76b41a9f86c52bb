package i8042

// queue is a device's output buffer: bytes waiting for the controller.
type queue struct {
	buf  [queueLen + 8]byte // headroom so command replies always fit
	head int
	n    int
}

func (q *queue) clear()      { q.head, q.n = 0, 0 }
func (q *queue) room() int   { return queueLen - q.n } // room for input events
func (q *queue) empty() bool { return q.n == 0 }

// push appends bytes; replies may use the headroom beyond queueLen.
func (q *queue) push(b ...byte) {
	for _, x := range b {
		if q.n == len(q.buf) {
			return // cannot happen with bounded replies; drop rather than overwrite
		}
		q.buf[(q.head+q.n)%len(q.buf)] = x
		q.n++
	}
}

func (q *queue) pop() byte {
	b := q.buf[q.head]
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return b
}

func (q *queue) bytes() []byte {
	out := make([]byte, q.n)
	for i := range out {
		out[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	return out
}

func (q *queue) set(p []byte) {
	q.clear()
	q.push(p...)
}
