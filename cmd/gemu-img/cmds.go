package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gemu/block"
)

// mapEntry is one merged run of qemu-img map.
type mapEntry struct {
	block.Extent
	hasOffset bool
}

func chainExtent(n *block.Node, off, length int64) (block.Extent, error) {
	m, ok := n.Image.(block.Mapper)
	if !ok {
		return block.Extent{Start: off, Length: length, Data: true, Present: true, Offset: off}, nil
	}
	return m.MapExtent(off, length)
}

func cmdMap(e *env, args []string) error {
	fs := flags("map")
	format := fs.StringP("format", "f", "", "")
	output := fs.String("output", "human", "")
	start := fs.String("start-offset", "0", "")
	maxLen := fs.String("max-length", "", "")
	fs.BoolP("force-share", "U", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &exitError{1, fmt.Errorf("Expecting one image file name")}
	}
	if *output != "human" && *output != "json" {
		return &exitError{1, fmt.Errorf("--output must be used with human or json as argument.")}
	}
	n, err := e.open(fs.Arg(0), openOpts{format: *format, readOnly: true})
	if err != nil {
		return err
	}
	defer n.Close()
	so, err := block.ParseSize(*start)
	if err != nil {
		return &exitError{1, fmt.Errorf("Invalid start offset specified! You may use k, M, G, T, P or E suffixes for")}
	}
	end := n.Size()
	if *maxLen != "" {
		ml, err := block.ParseSize(*maxLen)
		if err != nil {
			return &exitError{1, fmt.Errorf("Invalid length specified! You may use k, M, G, T, P or E suffixes for")}
		}
		end = min(end, so+ml)
	}
	var buf bytes.Buffer
	var cur *block.Extent
	first := true
	files := map[int]string{}
	for d, c := 0, n; c != nil; d, c = d+1, c.Backing {
		files[d] = c.Filename
	}
	flush := func() error {
		if cur == nil {
			return nil
		}
		if *output == "json" {
			if first {
				buf.WriteString("[")
			} else {
				buf.WriteString(",\n")
			}
			first = false
			fmt.Fprintf(&buf, `{ "start": %d, "length": %d, "depth": %d, "present": %v, "zero": %v, "data": %v`,
				cur.Start, cur.Length, cur.Depth, cur.Present, cur.Zero, cur.Data)
			if cur.Offset >= 0 {
				fmt.Fprintf(&buf, `, "offset": %d`, cur.Offset)
			}
			buf.WriteString("}")
			return nil
		}
		if cur.Data && !cur.Zero {
			if cur.Offset < 0 {
				return fmt.Errorf("File contains external, encrypted or compressed clusters.")
			}
			file := cur.File
			if file == "" {
				file = files[cur.Depth]
			}
			fmt.Fprintf(&buf, "%-16s%-16s%-16s%s\n", cHex(cur.Start), cHex(cur.Length), cHex(cur.Offset), file)
		}
		return nil
	}
	if *output != "json" {
		fmt.Fprintf(&buf, "%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File")
	}
	for off := so; off < end; {
		ext, err := chainExtent(n, off, end-off)
		if err != nil {
			return err
		}
		if ext.Length <= 0 {
			return fmt.Errorf("map returned an empty extent at %d", off)
		}
		ext.Start = off
		if cur != nil && cur.Depth == ext.Depth && cur.Present == ext.Present && cur.Zero == ext.Zero && cur.Data == ext.Data &&
			((cur.Offset < 0 && ext.Offset < 0) || (cur.Offset >= 0 && ext.Offset == cur.Offset+cur.Length)) && cur.Compressed == ext.Compressed && cur.File == ext.File {
			cur.Length += ext.Length
		} else {
			if err := flush(); err != nil {
				e.stdout.Write(buf.Bytes())
				return err
			}
			x := ext
			cur = &x
		}
		off += ext.Length
	}
	if err := flush(); err != nil {
		e.stdout.Write(buf.Bytes())
		return err
	}
	if *output == "json" {
		if first {
			buf.WriteString("[")
		}
		buf.WriteString("]\n")
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

func cmdSnapshot(e *env, args []string) error {
	fs := flags("snapshot")
	list := fs.BoolP("list", "l", false, "")
	apply := fs.StringP("apply", "a", "", "")
	create := fs.StringP("create", "c", "", "")
	del := fs.StringP("delete", "d", "", "")
	quiet := fs.BoolP("quiet", "q", false, "")
	format := fs.StringP("format", "f", "", "")
	fs.BoolP("force-share", "U", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	_ = quiet
	if fs.NArg() != 1 {
		return &exitError{1, fmt.Errorf("Expecting one image file name")}
	}
	ops := 0
	for _, b := range []bool{*list, fs.Changed("apply"), fs.Changed("create"), fs.Changed("delete")} {
		if b {
			ops++
		}
	}
	if ops > 1 {
		return &exitError{1, fmt.Errorf("Cannot mix '-l', '-a', '-c', '-d'")}
	}
	ro := ops == 0 || *list
	n, err := e.open(fs.Arg(0), openOpts{format: *format, readOnly: ro, noBacking: true})
	if err != nil {
		return err
	}
	s, ok := unwrapImage(n.Image).(block.Snapshotter)
	if !ok {
		n.Close()
		return fmt.Errorf("Could not open '%s': snapshots are not supported by format '%s'", fs.Arg(0), n.Format.Name())
	}
	switch {
	case fs.Changed("create"):
		err = s.CreateSnapshot(block.SnapshotInfo{Name: *create, Date: time.Now()})
		if err != nil {
			err = fmt.Errorf("Could not create snapshot '%s': %v", *create, err)
		}
	case fs.Changed("apply"):
		err = s.ApplySnapshot(*apply)
		if err != nil {
			if errors.Is(err, block.ErrNoSnapshot) {
				err = fmt.Errorf("Could not apply snapshot '%s': Can't find snapshot", *apply)
			} else {
				err = fmt.Errorf("Could not apply snapshot '%s': %v", *apply, err)
			}
		}
	case fs.Changed("delete"):
		err = s.DeleteSnapshot(*del)
		if err != nil {
			if errors.Is(err, block.ErrNoSnapshot) {
				err = fmt.Errorf("Could not delete snapshot '%s': snapshot not found", *del)
			} else {
				err = fmt.Errorf("Could not delete snapshot '%s': %v", *del, err)
			}
		}
	default:
		snaps, lerr := s.Snapshots()
		if lerr == nil && len(snaps) > 0 {
			fmt.Fprintln(e.stdout, "Snapshot list:")
			snapshotTable(e.stdout, snaps)
		}
		err = lerr
	}
	if cerr := n.Close(); err == nil {
		err = cerr
	}
	return err
}

func cmdResize(e *env, args []string) error {
	// "-size" must not be taken for a flag.
	var fixed []string
	for i, a := range args {
		if i > 0 && strings.HasPrefix(a, "-") && len(a) > 1 && (a[1] >= '0' && a[1] <= '9' || a[1] == '.') {
			fixed = append(fixed, "--", a)
			fixed = append(fixed, args[i+1:]...)
			break
		}
		fixed = append(fixed, a)
	}
	fs := flags("resize")
	format := fs.StringP("format", "f", "", "")
	prealloc := fs.String("preallocation", "", "")
	shrink := fs.Bool("shrink", false, "")
	quiet := fs.BoolP("quiet", "q", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, fixed); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return &exitError{1, fmt.Errorf("Expecting image file name and size")}
	}
	sz := fs.Arg(1)
	rel := 0
	if strings.HasPrefix(sz, "+") {
		rel, sz = 1, sz[1:]
	} else if strings.HasPrefix(sz, "-") {
		rel, sz = -1, sz[1:]
	}
	v, err := block.ParseSize(sz)
	if err != nil {
		return &exitError{1, fmt.Errorf("Invalid size specified. You may use k, M, G, T, P or E suffixes for\ngemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.")}
	}
	n, err := e.open(fs.Arg(0), openOpts{format: *format, noBacking: true})
	if err != nil {
		return err
	}
	cur := n.Size()
	target := v
	switch rel {
	case 1:
		target = cur + v
	case -1:
		target = cur - v
	}
	if target < 0 {
		n.Close()
		return fmt.Errorf("New image size must be positive")
	}
	r, ok := unwrapImage(n.Image).(block.Resizer)
	if !ok {
		n.Close()
		return fmt.Errorf("Image format driver does not support resize")
	}
	if target < cur && !*shrink {
		n.Close()
		return fmt.Errorf("Use the --shrink option to perform a shrink operation.")
	}
	if target < cur {
		fmt.Fprintln(e.stderr, "gemu-img: warning: Shrinking an image will delete all data beyond the shrunken image's end. Before performing such an operation, make sure there is no important data there.")
	}
	if err := r.Resize(target, block.ResizeOptions{Shrink: *shrink, Preallocation: *prealloc}); err != nil {
		n.Close()
		return err
	}
	if err := n.Close(); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintln(e.stdout, "Image resized.")
	}
	return nil
}

func cmdCompare(e *env, args []string) error {
	fs := flags("compare")
	f1 := fs.StringP("a-format", "f", "", "")
	f2 := fs.StringP("b-format", "F", "", "")
	strict := fs.BoolP("strict", "s", false, "")
	quiet := fs.BoolP("quiet", "q", false, "")
	fs.BoolP("progress", "p", false, "")
	fs.StringP("source-cache", "T", "", "")
	fs.BoolP("force-share", "U", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return &exitError{2, err}
	}
	if fs.NArg() != 2 {
		return &exitError{2, fmt.Errorf("Expecting two image file names")}
	}
	out := func(format string, a ...any) {
		if !*quiet {
			fmt.Fprintf(e.stdout, format, a...)
		}
	}
	a, err := e.open(fs.Arg(0), openOpts{format: *f1, readOnly: true})
	if err != nil {
		return &exitError{2, err}
	}
	defer a.Close()
	b, err := e.open(fs.Arg(1), openOpts{format: *f2, readOnly: true})
	if err != nil {
		return &exitError{2, err}
	}
	defer b.Close()
	sa, sb := a.Size(), b.Size()
	common := min(sa, sb)
	if sa != sb {
		if *strict {
			out("Strict mode: Image size mismatch!\n")
			return &exitError{1, nil}
		}
	}
	ba := make([]byte, convertChunk)
	bb := make([]byte, convertChunk)
	for off := int64(0); off < common; {
		n := min(int64(len(ba)), common-off)
		// Skip ranges both sides report as zeroes.
		ea, err1 := chainExtent(a, off, n)
		eb, err2 := chainExtent(b, off, n)
		if err1 == nil && err2 == nil && ea.Zero && !ea.Data && eb.Zero && !eb.Data && !*strict {
			off += min(ea.Length, eb.Length)
			continue
		}
		if _, err := a.ReadAt(ba[:n], off); err != nil {
			return &exitError{2, fmt.Errorf("error while reading offset %d of %s: %v", off, fs.Arg(0), err)}
		}
		if _, err := b.ReadAt(bb[:n], off); err != nil {
			return &exitError{2, fmt.Errorf("error while reading offset %d of %s: %v", off, fs.Arg(1), err)}
		}
		if !bytes.Equal(ba[:n], bb[:n]) {
			i := 0
			for ba[i] == bb[i] {
				i++
			}
			// qemu-img reports the first differing sector.
			out("Content mismatch at offset %d!\n", (off+int64(i))&^511)
			return &exitError{1, nil}
		}
		off += n
	}
	if sa != sb {
		out("Warning: Image size mismatch!\n")
		big, name := a, fs.Arg(0)
		if sb > sa {
			big, name = b, fs.Arg(1)
		}
		_ = name
		for off := common; off < big.Size(); {
			n := min(int64(len(ba)), big.Size()-off)
			if _, err := big.ReadAt(ba[:n], off); err != nil {
				return &exitError{2, err}
			}
			if !block.IsZero(ba[:n]) {
				i := 0
				for ba[i] == 0 {
					i++
				}
				out("Content mismatch at offset %d!\n", (off+int64(i))&^511)
				return &exitError{1, nil}
			}
			off += n
		}
	}
	out("Images are identical.\n")
	return nil
}

func cmdCommit(e *env, args []string) error {
	fs := flags("commit")
	format := fs.StringP("format", "f", "", "")
	base := fs.StringP("base", "b", "", "")
	drop := fs.BoolP("drop", "d", false, "")
	prog := fs.BoolP("progress", "p", false, "")
	quiet := fs.BoolP("quiet", "q", false, "")
	fs.StringP("cache", "t", "", "")
	fs.StringP("rate-limit", "r", "", "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &exitError{1, fmt.Errorf("Expecting one image file name")}
	}
	n, err := e.open(fs.Arg(0), openOpts{format: *format, rwBacking: true})
	if err != nil {
		return err
	}
	defer n.Close()
	if n.Backing == nil {
		return fmt.Errorf("Image does not have a backing file")
	}
	target := n.Backing
	depth := 1
	if *base != "" {
		found := false
		for d, c := 1, n.Backing; c != nil; d, c = d+1, c.Backing {
			if c.Filename == *base || block.ResolveBacking(n.Filename, *base) == c.Filename {
				target, depth, found = c, d, true
				break
			}
		}
		if !found {
			return fmt.Errorf("Did not find '%s' in the backing chain of '%s'", *base, fs.Arg(0))
		}
	}
	pr := &progress{w: e.stdout, on: *prog && !*quiet, total: n.Size()}
	buf := make([]byte, convertChunk)
	for off := int64(0); off < n.Size(); {
		ext, err := chainExtent(n, off, min(n.Size()-off, convertChunk))
		if err != nil {
			return err
		}
		l := ext.Length
		if ext.Depth < depth && ext.Present && off < target.Size() {
			l = min(l, target.Size()-off)
			if ext.Zero && !ext.Data {
				if z, ok := unwrapImage(target.Image).(block.Zeroer); ok {
					if err := z.WriteZeroes(off, l, false); err != nil {
						return err
					}
				} else if err := block.WriteZeroes(target, off, l); err != nil {
					return err
				}
			} else {
				if _, err := n.ReadAt(buf[:l], off); err != nil {
					return err
				}
				if _, err := target.WriteAt(buf[:l], off); err != nil {
					return err
				}
			}
		}
		off += ext.Length
		pr.update(off)
	}
	if err := target.Flush(); err != nil {
		return err
	}
	if !*drop && depth == 1 {
		// Empty the committed image, as qemu-img does.
		if d, ok := unwrapImage(n.Image).(interface{ MakeEmpty() error }); ok {
			if err := d.MakeEmpty(); err != nil {
				return err
			}
		}
	}
	pr.finish()
	if !*quiet {
		fmt.Fprintln(e.stdout, "Image committed.")
	}
	return nil
}

func cmdRebase(e *env, args []string) error {
	fs := flags("rebase")
	format := fs.StringP("format", "f", "", "")
	backing := fs.StringP("backing", "b", "", "")
	backingFmt := fs.StringP("backing-format", "F", "", "")
	unsafe := fs.BoolP("unsafe", "u", false, "")
	prog := fs.BoolP("progress", "p", false, "")
	quiet := fs.BoolP("quiet", "q", false, "")
	fs.StringP("cache", "t", "", "")
	fs.StringP("source-cache", "T", "", "")
	fs.BoolP("force-share", "U", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &exitError{1, fmt.Errorf("Expecting one image file name")}
	}
	if !fs.Changed("backing") {
		return &exitError{1, fmt.Errorf("Must specify backing file (-b) or use unsafe mode (-u)")}
	}
	name := fs.Arg(0)
	n, err := e.open(name, openOpts{format: *format, noBacking: *unsafe})
	if err != nil {
		return err
	}
	defer n.Close()
	bk, ok := unwrapImage(n.Image).(block.Backinged)
	if !ok {
		return fmt.Errorf("Image format does not support backing files")
	}
	if *backing != "" && *backingFmt == "" && !*unsafe {
		nb, err := e.open(block.ResolveBacking(name, *backing), openOpts{readOnly: true, noBacking: true})
		if err != nil {
			return fmt.Errorf("Could not open new backing file '%s': %v", *backing, err)
		}
		*backingFmt = nb.Format.Name()
		nb.Close()
	}
	if !*unsafe {
		var newB *block.Node
		if *backing != "" {
			newB, err = e.open(block.ResolveBacking(name, *backing), openOpts{format: *backingFmt, readOnly: true})
			if err != nil {
				return fmt.Errorf("Could not open new backing file '%s': %v", *backing, err)
			}
			defer newB.Close()
		}
		oldB := n.Backing
		pr := &progress{w: e.stdout, on: *prog && !*quiet, total: n.Size()}
		bo := make([]byte, convertChunk)
		bn := make([]byte, convertChunk)
		readB := func(b *block.Node, p []byte, off int64) error {
			clear(p)
			if b == nil || off >= b.Size() {
				return nil
			}
			m := min(int64(len(p)), b.Size()-off)
			_, err := b.ReadAt(p[:m], off)
			return err
		}
		for off := int64(0); off < n.Size(); {
			ext, err := chainExtent(n, off, min(n.Size()-off, convertChunk))
			if err != nil {
				return err
			}
			l := ext.Length
			if ext.Depth > 0 || !ext.Present {
				if err := readB(oldB, bo[:l], off); err != nil {
					return err
				}
				if err := readB(newB, bn[:l], off); err != nil {
					return err
				}
				if !bytes.Equal(bo[:l], bn[:l]) {
					if _, err := n.WriteAt(bo[:l], off); err != nil {
						return err
					}
				}
			}
			off += l
			pr.update(off)
		}
		pr.finish()
	}
	return bk.SetBacking(*backing, *backingFmt)
}

func cmdAmend(e *env, args []string) error {
	fs := flags("amend")
	format := fs.StringP("format", "f", "", "")
	optList := fs.StringArrayP("options", "o", nil, "")
	fs.BoolP("progress", "p", false, "")
	fs.BoolP("quiet", "q", false, "")
	fs.StringP("cache", "t", "", "")
	fs.Bool("force", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &exitError{1, fmt.Errorf("Expecting one image file name")}
	}
	if len(*optList) == 0 {
		return &exitError{1, fmt.Errorf("Must specify options (-o)")}
	}
	opts, err := parseOptions(*optList)
	if err != nil {
		return err
	}
	n, err := e.open(fs.Arg(0), openOpts{format: *format, noBacking: true})
	if err != nil {
		return err
	}
	am, ok := unwrapImage(n.Image).(block.Amender)
	if !ok {
		n.Close()
		return fmt.Errorf("Format driver '%s' does not support option amendment", n.Format.Name())
	}
	if v, ok := opts.Get("size"); ok {
		sz, err := block.ParseSize(v)
		if err != nil {
			n.Close()
			return err
		}
		if r, ok := unwrapImage(n.Image).(block.Resizer); ok {
			if err := r.Resize(sz, block.ResizeOptions{}); err != nil {
				n.Close()
				return err
			}
		}
		opts = opts.Without("size")
	}
	if err := am.Amend(opts); err != nil {
		n.Close()
		return fmt.Errorf("Error while amending options: %v", err)
	}
	return n.Close()
}

func cmdMeasure(e *env, args []string) error {
	fs := flags("measure")
	output := fs.String("output", "human", "")
	outFmt := fs.StringP("output-format", "O", "raw", "")
	optList := fs.StringArrayP("options", "o", nil, "")
	sizeArg := fs.String("size", "", "")
	format := fs.StringP("format", "f", "", "")
	fs.StringP("snapshot", "l", "", "")
	fs.BoolP("force-share", "U", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := parseOptions(*optList)
	if err != nil {
		return err
	}
	if (*sizeArg == "") == (fs.NArg() == 0) {
		return &exitError{1, fmt.Errorf("Either --size N or one filename must be specified.")}
	}
	var size, data int64
	var src *block.Node
	if *sizeArg != "" {
		if size, err = block.ParseSize(*sizeArg); err != nil {
			return &exitError{1, fmt.Errorf("Invalid image size specified.")}
		}
	} else {
		src, err = e.open(fs.Arg(0), openOpts{format: *format, readOnly: true})
		if err != nil {
			return err
		}
		defer src.Close()
		size = src.Size()
	}
	req, full, err := measure(*outFmt, opts, size, src)
	if err != nil {
		return err
	}
	_ = data
	if *output == "json" {
		o := jsonObj{{"required", req}, {"fully-allocated", full}}
		if src != nil && *outFmt == "qcow2" && src.Format.Name() == "qcow2" {
			o = append(o, kv{"bitmaps", int64(0)})
		}
		var buf bytes.Buffer
		writeJSON(&buf, o, 0)
		buf.WriteString("\n")
		e.stdout.Write(buf.Bytes())
		return nil
	}
	fmt.Fprintf(e.stdout, "required size: %d\nfully allocated size: %d\n", req, full)
	if src != nil && *outFmt == "qcow2" && src.Format.Name() == "qcow2" {
		fmt.Fprintf(e.stdout, "bitmaps size: 0\n")
	}
	return nil
}

// measure computes qemu-img measure's two sizes.
func measure(format string, opts block.Options, size int64, src *block.Node) (int64, int64, error) {
	cs := int64(65536)
	refOrder := 4
	es := int64(8)
	prealloc := "off"
	for _, o := range opts {
		switch o.Key {
		case "cluster_size":
			v, err := block.ParseSize(o.Value)
			if err != nil {
				return 0, 0, err
			}
			cs = v
		case "refcount_bits":
			v, err := strconv.Atoi(o.Value)
			if err != nil || v <= 0 {
				return 0, 0, fmt.Errorf("Invalid refcount_bits")
			}
			refOrder = 0
			for 1<<refOrder < v {
				refOrder++
			}
		case "extended_l2":
			if o.Value == "on" {
				es = 16
			}
		case "preallocation":
			prealloc = o.Value
		}
	}
	gran := int64(512)
	if format == "qcow2" {
		gran = cs
	}
	// Bytes of the source that hold data, in target granules.
	required := size
	if src != nil {
		required = 0
		for off := int64(0); off < size; {
			ext, err := chainExtent(src, off, size-off)
			if err != nil {
				return 0, 0, err
			}
			if ext.Data && !ext.Zero || !ext.Present && !ext.Zero {
				a := off &^ (gran - 1)
				b := (off + ext.Length + gran - 1) &^ (gran - 1)
				required += b - a
			}
			off += ext.Length
		}
		if required > (size+gran-1)&^(gran-1) {
			required = (size + gran - 1) &^ (gran - 1)
		}
	}
	if src == nil {
		required = 0 // only metadata is needed for an empty image
	}
	switch format {
	case "raw":
		return size, size, nil
	case "qcow2":
		if prealloc == "full" || prealloc == "falloc" {
			required = size
		}
		full := qcow2PreallocSize(size, cs, refOrder, es)
		aligned := (size + cs - 1) &^ (cs - 1)
		return full - aligned + required, full, nil
	}
	return 0, 0, fmt.Errorf("Format driver '%s' does not support size measurement", format)
}

func divRoundUp(a, b int64) int64 { return (a + b - 1) / b }

func qcow2PreallocSize(total, cs int64, refOrder int, es int64) int64 {
	aligned := (total + cs - 1) &^ (cs - 1)
	meta := cs
	nl2e := aligned / cs
	nl2e = divRoundUp(nl2e, cs/es) * (cs / es)
	meta += nl2e * es
	nl1e := nl2e * es / cs
	nl1e = divRoundUp(nl1e, cs/8) * (cs / 8)
	meta += nl1e * 8
	clusters := (meta + aligned) / cs
	perTable := cs / 8
	perBlock := cs * 8 / (1 << refOrder)
	var table, blocks, n, last int64
	for {
		last = n
		blocks = divRoundUp(clusters+table+blocks, perBlock)
		table = divRoundUp(blocks, perTable)
		n = clusters + blocks + table
		if n == last {
			break
		}
	}
	return meta + (blocks+table)*cs + aligned
}

func cmdBench(e *env, args []string) error {
	fs := flags("bench")
	count := fs.IntP("count", "c", 75000, "")
	depth := fs.IntP("depth", "d", 64, "")
	format := fs.StringP("format", "f", "", "")
	offArg := fs.StringP("offset", "o", "0", "")
	bufArg := fs.StringP("buffer-size", "s", "4096", "")
	stepArg := fs.StringP("step-size", "S", "", "")
	write := fs.BoolP("write", "w", false, "")
	quiet := fs.BoolP("quiet", "q", false, "")
	pattern := fs.Int("pattern", 0, "")
	flushInterval := fs.Int("flush-interval", 0, "")
	noDrain := fs.Bool("no-drain", false, "")
	fs.StringP("cache", "t", "writeback", "")
	fs.StringP("aio", "i", "threads", "")
	fs.BoolP("native", "n", false, "")
	fs.BoolP("force-share", "U", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	_ = noDrain
	if fs.NArg() != 1 {
		return &exitError{1, fmt.Errorf("Expecting one image file name")}
	}
	if *depth < 1 || *depth > 4096 {
		return &exitError{1, fmt.Errorf("Invalid queue depth specified")}
	}
	bufSize, err := block.ParseSize(*bufArg)
	if err != nil || bufSize <= 0 || bufSize > 1<<30 {
		return &exitError{1, fmt.Errorf("Invalid buffer size specified")}
	}
	step := bufSize
	if *stepArg != "" {
		if step, err = block.ParseSize(*stepArg); err != nil {
			return &exitError{1, fmt.Errorf("Invalid step size specified")}
		}
	}
	start, err := block.ParseSize(*offArg)
	if err != nil {
		return &exitError{1, fmt.Errorf("Invalid offset specified")}
	}
	n, err := e.open(fs.Arg(0), openOpts{format: *format, readOnly: !*write})
	if err != nil {
		return err
	}
	defer n.Close()
	size := n.Size()
	if size < bufSize {
		return fmt.Errorf("image is smaller than the buffer size")
	}
	op := "read"
	if *write {
		op = "write"
	}
	if !*quiet {
		fmt.Fprintf(e.stdout, "Sending %d %s requests, %d bytes each, %d in parallel (starting at offset %d, step size %d)\n", *count, op, bufSize, *depth, start, step)
	}
	t0 := time.Now()
	next := make(chan int64, *depth)
	errc := make(chan error, *depth)
	go func() {
		off := start
		for i := 0; i < *count; i++ {
			if off+bufSize > size {
				off = 0
			}
			next <- off
			off += step
		}
		close(next)
	}()
	var flushes int
	for w := 0; w < *depth; w++ {
		go func() {
			buf := make([]byte, bufSize)
			for i := range buf {
				buf[i] = byte(*pattern)
			}
			var err error
			k := 0
			for off := range next {
				if err != nil {
					continue
				}
				if *write {
					_, err = n.WriteAt(buf, off)
					k++
					if err == nil && *flushInterval > 0 && k%*flushInterval == 0 {
						err = n.Flush()
					}
				} else {
					_, err = n.ReadAt(buf, off)
				}
			}
			errc <- err
		}()
	}
	var firstErr error
	for w := 0; w < *depth; w++ {
		if err := <-errc; err != nil && firstErr == nil {
			firstErr = err
		}
	}
	_ = flushes
	if firstErr != nil {
		return fmt.Errorf("Failed request: %v", firstErr)
	}
	if *write {
		if err := n.Flush(); err != nil {
			return err
		}
	}
	if !*quiet {
		fmt.Fprintf(e.stdout, "Run completed in %.3f seconds.\n", time.Since(t0).Seconds())
	}
	return nil
}

// cHex is C's "%#x": "0" for zero, "0x..." otherwise.
func cHex(v int64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x", v)
}
