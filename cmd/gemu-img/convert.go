package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"gemu/block"
)

// concat presents several source images as one, like qemu-img convert
// with more than one source.
type source struct {
	nodes []*block.Node
	offs  []int64
	size  int64
}

func (s *source) find(off int64) (int, int64) {
	for i := len(s.offs) - 1; i >= 0; i-- {
		if off >= s.offs[i] {
			return i, off - s.offs[i]
		}
	}
	return 0, off
}

func (s *source) ReadAt(p []byte, off int64) (int, error) {
	done := 0
	for done < len(p) {
		i, in := s.find(off + int64(done))
		n := min(int64(len(p)-done), s.nodes[i].Size()-in)
		if _, err := s.nodes[i].ReadAt(p[done:done+int(n)], in); err != nil {
			return done, err
		}
		done += int(n)
	}
	return len(p), nil
}

// extent describes [off, off+n) of the source: zero or data.
func (s *source) extent(off, n int64) (block.Extent, error) {
	i, in := s.find(off)
	nd := s.nodes[i]
	n = min(n, nd.Size()-in)
	m, ok := nd.Image.(block.Mapper)
	if !ok {
		return block.Extent{Start: off, Length: n, Data: true}, nil
	}
	e, err := m.MapExtent(in, n)
	if err != nil {
		return e, err
	}
	e.Start = off
	return e, nil
}

type progress struct {
	w     io.Writer
	on    bool
	total int64
	last  float64
}

func (p *progress) update(done int64) {
	if !p.on || p.total == 0 {
		return
	}
	pct := 100 * float64(done) / float64(p.total)
	if pct-p.last >= 1 || done == p.total || p.last == 0 && pct == 0 {
		fmt.Fprintf(p.w, "    (%.2f/100%%)\r", pct)
		p.last = pct
	}
}

func (p *progress) finish() {
	if p.on {
		if p.last < 100 {
			fmt.Fprintf(p.w, "    (100.00/100%%)\r")
		}
		fmt.Fprintf(p.w, "\n")
	}
}

func cmdConvert(e *env, args []string) error {
	fs := flags("convert")
	srcFmt := fs.StringP("format", "f", "", "")
	outFmt := fs.StringP("output-format", "O", "raw", "")
	compress := fs.BoolP("compress", "c", false, "")
	prog := fs.BoolP("progress", "p", false, "")
	sparse := fs.StringP("sparse-size", "S", "4k", "")
	optList := fs.StringArrayP("options", "o", nil, "")
	backing := fs.StringP("backing", "B", "", "")
	backingFmt := fs.StringP("backing-format", "F", "", "")
	noCreate := fs.BoolP("no-create", "n", false, "")
	coroutines := fs.IntP("coroutines", "m", 8, "")
	quiet := fs.BoolP("quiet", "q", false, "")
	cache := fs.StringP("cache", "t", "unsafe", "")
	fs.StringP("source-cache", "T", "", "")
	fs.BoolP("force-share", "U", false, "")
	fs.BoolP("copy-range", "C", false, "")
	outOfOrder := fs.BoolP("out-of-order", "W", false, "")
	fs.StringP("rate-limit", "r", "", "")
	fs.String("object", "", "")
	fs.Bool("target-is-zero", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return &exitError{1, fmt.Errorf("Must specify image file name")}
	}
	if *coroutines < 1 || *coroutines > 16 {
		return &exitError{1, fmt.Errorf("Invalid number of coroutines. Allowed number of coroutines is between 1 and 16")}
	}
	sparseSize, err := block.ParseSize(*sparse)
	if err != nil || sparseSize%512 != 0 && sparseSize != 0 {
		return &exitError{1, fmt.Errorf("Invalid buffer size for sparse output specified. Valid sizes are multiples of 512 up to 16M")}
	}
	opts, err := parseOptions(*optList)
	if err != nil {
		return err
	}
	names := fs.Args()
	out := names[len(names)-1]
	src := &source{}
	for _, n := range names[:len(names)-1] {
		nd, err := e.open(n, openOpts{format: *srcFmt, readOnly: true})
		if err != nil {
			return err
		}
		defer nd.Close()
		src.nodes = append(src.nodes, nd)
		src.offs = append(src.offs, src.size)
		src.size += nd.Size()
	}
	if v, ok := opts.Get("backing_file"); ok {
		*backing = v
	}
	if v, ok := opts.Get("backing_fmt"); ok {
		*backingFmt = v
	}
	opts = opts.Without("backing_file").Without("backing_fmt")
	if *compress && *outFmt != "qcow2" && *outFmt != "vmdk" {
		return fmt.Errorf("Compression not supported for this file format")
	}
	if !*noCreate {
		if *backing != "" && *backingFmt == "" {
			return fmt.Errorf("Backing file specified without backing format")
		}
		if err := createImage(e, out, *outFmt, src.size, opts, *backing, *backingFmt, false, true, *cache == "unsafe"); err != nil {
			return err
		}
	}
	dst, err := e.open(out, openOpts{format: *outFmt, cache: *cache})
	if err != nil {
		return err
	}
	pr := &progress{w: e.stdout, on: *prog && !*quiet, total: src.size}
	pr.update(0)
	if err := convertData(src, dst, *compress, sparseSize, *noCreate, *backing != "", *outOfOrder, pr); err != nil {
		dst.Close()
		return err
	}
	pr.finish()
	return dst.Close()
}

const convertChunk = 2 << 20

// chunk is one piece of the source, read ahead of the writer.
type chunk struct {
	off  int64
	n    int64
	zero bool   // reads as zeroes: nothing to copy
	skip bool   // left to the target's backing file (-B)
	buf  []byte // data (len n) when !zero
	err  error
}

// convertData copies the source into the target image: zero ranges are
// skipped on a fresh target (written as zeroes with -n), data is written in
// large runs, and all-zero blocks of sparseSize bytes are left sparse. A
// reader goroutine runs ahead of the writer so reads and writes overlap.
func convertData(src *source, dst *block.Node, compress bool, sparseSize int64, existing, hasBacking, outOfOrder bool, pr *progress) error {
	img := unwrapImage(dst.Image)
	if rc, ok := img.(interface{ RequiresCompression() bool }); compress || ok && rc.RequiresCompression() {
		return convertCompressed(src, img, pr)
	}
	zeroer, _ := img.(block.Zeroer)
	const depth = 4
	free := make(chan []byte, depth)
	for i := 0; i < depth; i++ {
		free <- make([]byte, convertChunk)
	}
	chunks := make(chan chunk, depth)
	stop := make(chan struct{})
	go func() {
		defer close(chunks)
		send := func(c chunk) bool {
			select {
			case chunks <- c:
				return true
			case <-stop:
				return false
			}
		}
		for off := int64(0); off < src.size; {
			ext, err := src.extent(off, min(src.size-off, 1<<30))
			if err == nil && ext.Length <= 0 {
				err = fmt.Errorf("source map returned an empty extent at %d", off)
			}
			if err != nil {
				send(chunk{err: err})
				return
			}
			n := ext.Length
			if hasBacking && ext.Depth > 0 {
				// -B: data the source takes from its own backing chain is
				// assumed to be in the target's backing file too.
				if !send(chunk{off: off, n: n, skip: true}) {
					return
				}
				off += n
				continue
			}
			if ext.Zero && !ext.Data {
				if !send(chunk{off: off, n: n, zero: true}) {
					return
				}
				off += n
				continue
			}
			for n > 0 {
				var buf []byte
				select {
				case buf = <-free:
				case <-stop:
					return
				}
				c := min(n, int64(len(buf)))
				_, err := src.ReadAt(buf[:c], off)
				if !send(chunk{off: off, n: c, buf: buf[:c], err: err}) || err != nil {
					return
				}
				off += c
				n -= c
			}
		}
	}()
	// Chunks are independent. Like qemu-img without -W, formats that
	// allocate write in order (no fragmentation); a raw target takes two
	// concurrent writers.
	var (
		mu       sync.Mutex
		done     int64
		firstErr error
		wg       sync.WaitGroup
	)
	writer := func() {
		defer wg.Done()
		for c := range chunks {
			mu.Lock()
			failed := firstErr != nil
			mu.Unlock()
			if failed {
				if !c.zero && !c.skip && c.buf != nil {
					free <- c.buf[:cap(c.buf)]
				}
				continue
			}
			err := c.err
			switch {
			case err != nil:
			case c.skip:
			case c.zero:
				if existing || hasBacking {
					if zeroer != nil {
						err = zeroer.WriteZeroes(c.off, c.n, true)
					} else {
						err = block.WriteZeroes(img, c.off, c.n)
					}
				}
			default:
				err = writeSparse(img, zeroer, c.buf, c.off, sparseSize, existing || hasBacking)
				free <- c.buf[:cap(c.buf)]
			}
			mu.Lock()
			if err != nil && firstErr == nil {
				firstErr = err
				close(stop)
			}
			done += c.n
			pr.update(done)
			mu.Unlock()
		}
	}
	writers := 1
	if dst.Format.Name() == "raw" || outOfOrder {
		writers = 2
	}
	wg.Add(writers)
	for i := 0; i < writers; i++ {
		go writer()
	}
	wg.Wait()
	return firstErr
}

// writeSparse writes p at off, skipping all-zero blocks of sparseSize
// bytes (writing them as zeroes when the target may hold other data).
func writeSparse(img block.Image, z block.Zeroer, p []byte, off, sparseSize int64, mustZero bool) error {
	if sparseSize == 0 {
		_, err := img.WriteAt(p, off)
		return err
	}
	start := 0
	for start < len(p) {
		// Find the next run of data blocks and the zero run after it.
		i := start
		for i < len(p) {
			end := min(i+int(sparseSize), len(p))
			if block.IsZero(p[i:end]) && end-i == int(sparseSize) {
				break
			}
			i = end
		}
		if i > start {
			if _, err := img.WriteAt(p[start:i], off+int64(start)); err != nil {
				return err
			}
		}
		j := i
		for j < len(p) {
			end := min(j+int(sparseSize), len(p))
			if !block.IsZero(p[j:end]) {
				break
			}
			j = end
		}
		if j > i && mustZero {
			if z != nil {
				if err := z.WriteZeroes(off+int64(i), int64(j-i), false); err != nil {
					return err
				}
			} else if _, err := img.WriteAt(p[i:j], off+int64(i)); err != nil {
				return err
			}
		}
		start = j
	}
	return nil
}

// convertCompressed compresses clusters on every core and writes them in
// order.
func convertCompressed(src *source, img block.Image, pr *progress) error {
	cw, ok := img.(block.CompressedWriter)
	if !ok {
		if sw, ok := img.(interface {
			WriteStream(r io.ReaderAt, size int64) error
		}); ok {
			return sw.WriteStream(src, src.size)
		}
		return fmt.Errorf("Compression not supported for this file format")
	}
	cs := cw.ClusterSize()
	type job struct {
		off  int64
		data []byte
		z    []byte
		zero bool
		err  error
		done chan struct{}
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, 4*workers)
	order := make(chan *job, 4*workers)
	for w := 0; w < workers; w++ {
		go func() {
			c := cw.NewCompressor()
			for j := range jobs {
				if block.IsZero(j.data) {
					j.zero = true
				} else {
					z, err := c.Compress(j.data)
					j.z, j.err = bytes.Clone(z), err
				}
				close(j.done)
			}
		}()
	}
	var readErr error
	go func() {
		defer close(jobs)
		defer close(order)
		for off := int64(0); off < src.size; {
			n := min(cs, src.size-off)
			ext, err := src.extent(off, n)
			if err != nil {
				readErr = err
				return
			}
			if ext.Zero && !ext.Data && ext.Length >= n {
				off += n
				continue
			}
			j := &job{off: off, data: make([]byte, n), done: make(chan struct{})}
			if _, err := src.ReadAt(j.data, off); err != nil {
				readErr = err
				return
			}
			order <- j
			jobs <- j
			off += n
		}
	}()
	var firstErr error
	for j := range order {
		<-j.done
		if firstErr != nil {
			continue
		}
		switch {
		case j.err != nil:
			firstErr = j.err
		case j.zero:
		default:
			if err := cw.WriteCompressed(j.off, j.data, j.z); err != nil {
				firstErr = err
			}
		}
		pr.update(j.off + int64(len(j.data)))
	}
	if firstErr != nil {
		return firstErr
	}
	return readErr
}

var _ = strings.TrimSpace
