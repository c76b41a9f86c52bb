package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gemu/block"
)

// jsonObj is an ordered JSON object, printed like QEMU's QObject output.
type jsonObj []kv

type kv struct {
	k string
	v any
}

// writeJSON prints v with QEMU's layout: 4-space indents, ": " separators.
func writeJSON(w io.Writer, v any, indent int) {
	pad := strings.Repeat("    ", indent)
	switch x := v.(type) {
	case jsonObj:
		if len(x) == 0 {
			fmt.Fprint(w, "{}")
			return
		}
		fmt.Fprint(w, "{\n")
		for i, p := range x {
			fmt.Fprintf(w, "%s    %q: ", pad, p.k)
			writeJSON(w, p.v, indent+1)
			if i < len(x)-1 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprint(w, "\n")
		}
		fmt.Fprintf(w, "%s}", pad)
	case []any:
		if len(x) == 0 {
			fmt.Fprint(w, "[]")
			return
		}
		fmt.Fprint(w, "[\n")
		for i, e := range x {
			fmt.Fprintf(w, "%s    ", pad)
			writeJSON(w, e, indent+1)
			if i < len(x)-1 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprint(w, "\n")
		}
		fmt.Fprintf(w, "%s]", pad)
	case string:
		b, _ := json.Marshal(x)
		w.Write(b)
	default:
		fmt.Fprint(w, x)
	}
}

func fieldsJSON(fs []block.Field) jsonObj {
	var o jsonObj
	for _, f := range fs {
		switch v := f.Value.(type) {
		case []block.Field:
			o = append(o, kv{f.Key, fieldsJSON(v)})
		case [][]block.Field:
			var l []any
			for _, e := range v {
				l = append(l, fieldsJSON(e))
			}
			o = append(o, kv{f.Key, l})
		case []string:
			l := []any{}
			for _, e := range v {
				l = append(l, e)
			}
			o = append(o, kv{f.Key, l})
		default:
			o = append(o, kv{f.Key, v})
		}
	}
	return o
}

func printFieldsHuman(w io.Writer, fs []block.Field, indent string) {
	for _, f := range fs {
		if f.Human == "" {
			continue
		}
		switch v := f.Value.(type) {
		case []block.Field:
			fmt.Fprintf(w, "%s%s:\n", indent, f.Human)
			printFieldsHuman(w, v, indent+"    ")
		case []string:
			fmt.Fprintf(w, "%s%s:\n", indent, f.Human)
			for i, e := range v {
				fmt.Fprintf(w, "%s    [%d]: %s\n", indent, i, e)
			}
		case [][]block.Field:
			fmt.Fprintf(w, "%s%s:\n", indent, f.Human)
			for i, e := range v {
				fmt.Fprintf(w, "%s    [%d]:\n", indent, i)
				printFieldsHuman(w, e, indent+"        ")
			}
		default:
			fmt.Fprintf(w, "%s%s: %v\n", indent, f.Human, v)
		}
	}
}

// imageInfo gathers what info prints about one image of a chain.
type imageInfo struct {
	filename     string
	format       string
	virtualSize  int64
	actualSize   int64
	hasActual    bool
	clusterSize  int64
	dirty        bool
	backingFile  string
	fullBacking  string
	backingFmt   string
	snapshots    []block.SnapshotInfo
	specific     *block.Specific
	formatDriver block.Image
}

func gatherInfo(n *block.Node) imageInfo {
	ii := imageInfo{filename: n.Filename, format: n.Format.Name(), virtualSize: n.Size()}
	if as, ok := n.File.(block.AllocatedSizer); ok {
		if v, err := as.AllocatedSize(); err == nil {
			ii.actualSize, ii.hasActual = v, true
		}
	}
	img := unwrapImage(n.Image)
	if inf, ok := img.(block.Infoer); ok {
		i := inf.Info()
		ii.clusterSize, ii.dirty, ii.specific = i.ClusterSize, i.Dirty, i.Specific
	}
	if ea, ok := img.(interface{ ExtraAllocatedSize() int64 }); ok {
		ii.actualSize += ea.ExtraAllocatedSize()
	}
	if b, ok := img.(block.Backinged); ok && b.BackingFile() != "" {
		ii.backingFile = b.BackingFile()
		ii.backingFmt = b.BackingFormat()
		ii.fullBacking = block.ResolveBacking(n.Filename, ii.backingFile)
		if !filepath.IsAbs(ii.backingFile) && !filepath.IsAbs(n.Filename) {
			ii.fullBacking = filepath.Join(filepath.Dir(n.Filename), ii.backingFile)
		}
	}
	if s, ok := img.(block.Snapshotter); ok {
		ii.snapshots, _ = s.Snapshots()
	}
	return ii
}

func unwrapImage(img block.Image) block.Image {
	for {
		u, ok := img.(interface{ Unwrap() block.Image })
		if !ok {
			return img
		}
		img = u.Unwrap()
	}
}

func (ii imageInfo) json() jsonObj {
	var o jsonObj
	if len(ii.snapshots) > 0 {
		var l []any
		for _, s := range ii.snapshots {
			so := jsonObj{}
			if s.ICount >= 0 {
				so = append(so, kv{"icount", s.ICount})
			}
			so = append(so,
				kv{"vm-clock-nsec", int64(s.VMClock % time.Second)},
				kv{"name", s.Name},
				kv{"date-sec", s.Date.Unix()},
				kv{"date-nsec", int64(s.Date.Nanosecond())},
				kv{"vm-clock-sec", int64(s.VMClock / time.Second)},
				kv{"id", s.ID},
				kv{"vm-state-size", s.VMStateSize})
			l = append(l, so)
		}
		o = append(o, kv{"snapshots", l})
	}
	if ii.backingFmt != "" {
		o = append(o, kv{"backing-filename-format", ii.backingFmt})
	}
	o = append(o, kv{"virtual-size", ii.virtualSize}, kv{"filename", ii.filename})
	if ii.clusterSize != 0 {
		o = append(o, kv{"cluster-size", ii.clusterSize})
	}
	o = append(o, kv{"format", ii.format})
	if ii.hasActual {
		o = append(o, kv{"actual-size", ii.actualSize})
	}
	if ii.specific != nil {
		o = append(o, kv{"format-specific", jsonObj{{"type", ii.specific.Type}, {"data", fieldsJSON(ii.specific.Fields)}}})
	}
	if ii.backingFile != "" {
		o = append(o, kv{"full-backing-filename", ii.fullBacking}, kv{"backing-filename", ii.backingFile})
	}
	o = append(o, kv{"dirty-flag", ii.dirty})
	return o
}

func (ii imageInfo) human(w io.Writer) {
	fmt.Fprintf(w, "image: %s\n", ii.filename)
	fmt.Fprintf(w, "file format: %s\n", ii.format)
	fmt.Fprintf(w, "virtual size: %s (%d bytes)\n", sizeString(ii.virtualSize), ii.virtualSize)
	if ii.hasActual {
		fmt.Fprintf(w, "disk size: %s\n", sizeString(ii.actualSize))
	} else {
		fmt.Fprintf(w, "disk size: unavailable\n")
	}
	if ii.clusterSize != 0 {
		fmt.Fprintf(w, "cluster_size: %d\n", ii.clusterSize)
	}
	if ii.dirty {
		fmt.Fprintf(w, "cleanly shut down: no\n")
	}
	if ii.backingFile != "" {
		fmt.Fprintf(w, "backing file: %s", ii.backingFile)
		if ii.fullBacking != ii.backingFile {
			fmt.Fprintf(w, " (actual path: %s)", ii.fullBacking)
		}
		fmt.Fprintln(w)
		if ii.backingFmt != "" {
			fmt.Fprintf(w, "backing file format: %s\n", ii.backingFmt)
		}
	}
	if len(ii.snapshots) > 0 {
		fmt.Fprintln(w, "Snapshot list:")
		snapshotTable(w, ii.snapshots)
	}
	if ii.specific != nil && len(ii.specific.Fields) > 0 {
		fmt.Fprintln(w, "Format specific information:")
		printFieldsHuman(w, ii.specific.Fields, "    ")
	}
}

func snapshotTable(w io.Writer, snaps []block.SnapshotInfo) {
	fmt.Fprintf(w, "%-9s %-17s %7s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK", "ICOUNT")
	for _, s := range snaps {
		date := s.Date.Local().Format("2006-01-02 15:04:05")
		ms := s.VMClock.Milliseconds()
		clock := fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
		ic := ""
		if s.ICount >= 0 {
			ic = strconv.FormatInt(s.ICount, 10)
		}
		fmt.Fprintf(w, "%-9s %-17s %7s%20s%13s%11s\n", s.ID, s.Name, sizeString(s.VMStateSize), date, clock, ic)
	}
}

func cmdInfo(e *env, args []string) error {
	fs := flags("info")
	format := fs.StringP("format", "f", "", "")
	output := fs.String("output", "human", "")
	chain := fs.Bool("backing-chain", false, "")
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
	n, err := e.open(fs.Arg(0), openOpts{format: *format, readOnly: true, noBacking: !*chain})
	if err != nil {
		return err
	}
	defer n.Close()
	var infos []imageInfo
	for c := n; c != nil; c = c.Backing {
		infos = append(infos, gatherInfo(c))
		if !*chain {
			break
		}
	}
	var buf bytes.Buffer
	if *output == "json" {
		if *chain {
			var l []any
			for _, ii := range infos {
				l = append(l, ii.json())
			}
			writeJSON(&buf, l, 0)
		} else {
			writeJSON(&buf, infos[0].json(), 0)
		}
		buf.WriteString("\n")
	} else {
		for i, ii := range infos {
			if i > 0 {
				buf.WriteString("\n")
			}
			ii.human(&buf)
		}
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

func cmdCheck(e *env, args []string) error {
	fs := flags("check")
	format := fs.StringP("format", "f", "", "")
	output := fs.String("output", "human", "")
	repair := fs.StringP("repair", "r", "", "")
	quiet := fs.BoolP("quiet", "q", false, "")
	fs.StringP("cache", "T", "", "")
	fs.BoolP("force-share", "U", false, "")
	fs.String("object", "", "")
	fs.Bool("image-opts", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &exitError{1, fmt.Errorf("Expecting one image file name")}
	}
	fix := block.CheckNone
	switch *repair {
	case "":
	case "leaks":
		fix = block.CheckLeaks
	case "all":
		fix = block.CheckAll
	default:
		return &exitError{1, fmt.Errorf("Unknown option for -r (expecting 'leaks' or 'all'): %s", *repair)}
	}
	if *output != "human" && *output != "json" {
		return &exitError{1, fmt.Errorf("--output must be used with human or json as argument.")}
	}
	name := fs.Arg(0)
	n, err := e.reg.OpenPath(name, block.PathOptions{Format: *format, ReadOnly: fix == block.CheckNone, NoBacking: true, NoRepair: true})
	if err != nil {
		return err
	}
	defer n.Close()
	ck, ok := unwrapImage(n.Image).(block.Checker)
	if !ok {
		return &exitError{63, fmt.Errorf("This image format does not support checks")}
	}
	res, err := ck.Check(fix)
	if err != nil {
		fmt.Fprintf(e.stderr, "gemu-img: Check failed: %v\n", err)
		return &exitError{1, nil}
	}
	for _, m := range res.Messages {
		fmt.Fprintln(e.stderr, m)
	}
	if fix != block.CheckNone && (res.LeaksFixed > 0 || res.CorruptionsFixed > 0) {
		if *output == "human" && !*quiet {
			fmt.Fprintf(e.stdout, "The following inconsistencies were found and repaired:\n\n    %d leaked clusters\n    %d corruptions\n\nDouble checking the fixed image now...\n", res.LeaksFixed, res.CorruptionsFixed)
		}
		lf, cf := res.LeaksFixed, res.CorruptionsFixed
		if res, err = ck.Check(block.CheckNone); err != nil {
			return &exitError{1, fmt.Errorf("Check failed: %v", err)}
		}
		res.LeaksFixed, res.CorruptionsFixed = lf, cf
		for _, m := range res.Messages {
			fmt.Fprintln(e.stderr, m)
		}
	}
	var buf bytes.Buffer
	if *output == "json" {
		var o jsonObj
		if res.ImageEndOffset > 0 {
			o = append(o, kv{"image-end-offset", res.ImageEndOffset})
		}
		if res.CompressedClusters > 0 {
			o = append(o, kv{"compressed-clusters", res.CompressedClusters})
		}
		if res.TotalClusters > 0 {
			o = append(o, kv{"total-clusters", res.TotalClusters})
		}
		if res.Corruptions > 0 {
			o = append(o, kv{"corruptions", res.Corruptions})
		}
		o = append(o, kv{"check-errors", res.CheckErrors})
		if res.Leaks > 0 {
			o = append(o, kv{"leaks", res.Leaks})
		}
		if res.CorruptionsFixed > 0 {
			o = append(o, kv{"corruptions-fixed", res.CorruptionsFixed})
		}
		if res.LeaksFixed > 0 {
			o = append(o, kv{"leaks-fixed", res.LeaksFixed})
		}
		if res.AllocatedClusters > 0 {
			o = append(o, kv{"allocated-clusters", res.AllocatedClusters})
		}
		o = append(o, kv{"filename", name}, kv{"format", n.Format.Name()})
		if res.FragmentedClusters > 0 {
			o = append(o, kv{"fragmented-clusters", res.FragmentedClusters})
		}
		writeJSON(&buf, o, 0)
		buf.WriteString("\n")
	} else if !*quiet {
		if res.Corruptions == 0 && res.Leaks == 0 && res.CheckErrors == 0 {
			buf.WriteString("No errors were found on the image.\n")
		} else {
			if res.Corruptions > 0 {
				fmt.Fprintf(&buf, "\n%d errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n", res.Corruptions)
			}
			if res.Leaks > 0 {
				fmt.Fprintf(&buf, "\n%d leaked clusters were found on the image.\nThis means waste of disk space, but no harm to data.\n", res.Leaks)
			}
			if res.CheckErrors > 0 {
				fmt.Fprintf(&buf, "\n%d internal errors have occurred during the check.\n", res.CheckErrors)
			}
		}
		if res.TotalClusters > 0 && res.AllocatedClusters > 0 {
			pct := func(a int64) float64 { return 100 * float64(a) / float64(res.TotalClusters) }
			fpct, cpct := 0.0, 0.0
			if res.AllocatedClusters > 0 {
				fpct = 100 * float64(res.FragmentedClusters) / float64(res.AllocatedClusters)
				cpct = 100 * float64(res.CompressedClusters) / float64(res.AllocatedClusters)
			}
			fmt.Fprintf(&buf, "%d/%d = %.2f%% allocated, %.2f%% fragmented, %.2f%% compressed clusters\n",
				res.AllocatedClusters, res.TotalClusters, pct(res.AllocatedClusters), fpct, cpct)
		}
		if res.ImageEndOffset > 0 {
			fmt.Fprintf(&buf, "Image end offset: %d\n", res.ImageEndOffset)
		}
	}
	e.stdout.Write(buf.Bytes())
	switch {
	case res.CheckErrors > 0:
		return &exitError{1, nil}
	case res.Corruptions > 0:
		return &exitError{2, nil}
	case res.Leaks > 0:
		return &exitError{3, nil}
	}
	return nil
}

func cmdCreate(e *env, args []string) error {
	fs := flags("create")
	format := fs.StringP("format", "f", "raw", "")
	backing := fs.StringP("backing", "b", "", "")
	backingFmt := fs.StringP("backing-format", "F", "", "")
	optList := fs.StringArrayP("options", "o", nil, "")
	quiet := fs.BoolP("quiet", "q", false, "")
	unsafe := fs.BoolP("unsafe", "u", false, "")
	fs.String("object", "", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := parseOptions(*optList)
	if err != nil {
		return err
	}
	for _, o := range opts {
		if o.Key == "help" || o.Key == "?" {
			return optionHelp(e, *format)
		}
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return &exitError{1, fmt.Errorf("Expecting image file name")}
	}
	name := fs.Arg(0)
	if v, ok := opts.Get("backing_file"); ok && *backing == "" {
		*backing = v
	}
	if v, ok := opts.Get("backing_fmt"); ok && *backingFmt == "" {
		*backingFmt = v
	}
	opts = opts.Without("backing_file").Without("backing_fmt")
	size := int64(-1)
	if v, ok := opts.Get("size"); ok {
		s, err := block.ParseSize(v)
		if err != nil {
			return fmt.Errorf("Parameter 'size' expects a non-negative number below 2^64")
		}
		size = s
		opts = opts.Without("size")
	}
	if fs.NArg() == 2 {
		s, err := block.ParseSize(fs.Arg(1))
		if err != nil || strings.HasPrefix(fs.Arg(1), "-") {
			return &exitError{1, fmt.Errorf("Invalid image size specified. You may use k, M, G, T, P or E suffixes for\ngemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.")}
		}
		size = s
	}
	return createImage(e, name, *format, size, opts, *backing, *backingFmt, *unsafe, *quiet)
}

func createImage(e *env, name, format string, size int64, opts block.Options, backing, backingFmt string, unsafe, quiet bool, noSync ...bool) error {
	f, err := e.reg.Lookup(format)
	if err != nil {
		return fmt.Errorf("Unknown file format '%s'", format)
	}
	openBacking := func(bname, bfmt string) (block.Image, error) {
		return e.reg.OpenPath(block.ResolveBacking(name, bname), block.PathOptions{Format: bfmt, ReadOnly: true, NoBacking: true})
	}
	if backing != "" {
		if backingFmt == "" && !unsafe {
			// QEMU 7.2 requires -F; probe but warn instead of failing
			// only with -u.
			b, err := openBacking(backing, "")
			if err != nil {
				return fmt.Errorf("Could not open backing image: %v", err)
			}
			bn := b.(*block.Node)
			backingFmt = bn.Format.Name()
			b.Close()
			return fmt.Errorf("%s: Backing file specified without backing format\nDetected format of %s.", name, backingFmt)
		}
		if !unsafe {
			b, err := openBacking(backing, backingFmt)
			if err != nil {
				return fmt.Errorf("Could not open backing image: %v", err)
			}
			if size < 0 {
				size = b.Size()
			}
			b.Close()
		}
	}
	if size < 0 {
		return fmt.Errorf("%s: Size must be specified", format)
	}
	// Unknown options are refused before anything is printed.
	if l, ok := f.(block.OptionLister); ok {
		known := map[string]bool{}
		for _, oi := range l.CreateOptionsHelp() {
			known[oi.Name] = true
		}
		for _, o := range opts {
			if !known[o.Key] {
				return fmt.Errorf("%s: Invalid parameter '%s'", name, o.Key)
			}
		}
	}
	if !quiet {
		fmt.Fprintf(e.stdout, "Formatting '%s', fmt=%s%s\n", name, format, formatOptsLine(format, size, opts, backing, backingFmt))
	}
	hf, err := block.OpenHostFile(name, block.FileOptions{Create: true, NoSync: len(noSync) > 0 && noSync[0]})
	if err != nil {
		return err
	}
	defer hf.Close()
	co := block.CreateOptions{Opts: opts, BackingFile: backing, BackingFormat: backingFmt, Name: name}
	dir := filepath.Dir(name)
	co.CreateFile = func(ext string) (block.File, error) {
		if !filepath.IsAbs(ext) {
			ext = filepath.Join(dir, ext)
		}
		return block.OpenHostFile(ext, block.FileOptions{Create: true})
	}
	co.Backing = openBacking
	if err := f.Create(hf, size, co); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// formatOptsLine mirrors the option summary of "Formatting ..." lines.
func formatOptsLine(format string, size int64, opts block.Options, backing, backingFmt string) string {
	var b strings.Builder
	get := func(k, def string) string {
		if v, ok := opts.Get(k); ok {
			return v
		}
		return def
	}
	opt := func(k string) {
		if v, ok := opts.Get(k); ok {
			fmt.Fprintf(&b, " %s=%s", k, v)
		}
	}
	switch format {
	case "qcow2":
		cs := get("cluster_size", "65536")
		if n, err := block.ParseSize(cs); err == nil {
			cs = strconv.FormatInt(n, 10)
		}
		fmt.Fprintf(&b, " cluster_size=%s extended_l2=%s", cs, get("extended_l2", "off"))
		opt("preallocation")
		fmt.Fprintf(&b, " compression_type=%s size=%d", get("compression_type", "zlib"), size)
		opt("compat")
		if backing != "" {
			fmt.Fprintf(&b, " backing_file=%s", backing)
		}
		if backingFmt != "" {
			fmt.Fprintf(&b, " backing_fmt=%s", backingFmt)
		}
		fmt.Fprintf(&b, " lazy_refcounts=%s refcount_bits=%s", get("lazy_refcounts", "off"), get("refcount_bits", "16"))
	case "vmdk":
		fmt.Fprintf(&b, " size=%d", size)
		if backing != "" {
			fmt.Fprintf(&b, " backing_file=%s", backing)
		}
		if backingFmt != "" {
			fmt.Fprintf(&b, " backing_fmt=%s", backingFmt)
		}
		opt("adapter_type")
		fmt.Fprintf(&b, " compat6=%s hwversion=%s", get("compat6", "off"), get("hwversion", "undefined"))
		opt("toolsversion")
		opt("subformat")
		opt("zeroed_grain")
	default:
		fmt.Fprintf(&b, " size=%d", size)
		if backing != "" {
			fmt.Fprintf(&b, " backing_file=%s", backing)
		}
		if backingFmt != "" {
			fmt.Fprintf(&b, " backing_fmt=%s", backingFmt)
		}
		for _, o := range opts {
			fmt.Fprintf(&b, " %s=%s", o.Key, o.Value)
		}
	}
	return b.String()
}

func optionHelp(e *env, format string) error {
	f, err := e.reg.Lookup(format)
	if err != nil {
		return fmt.Errorf("Unknown file format '%s'", format)
	}
	fmt.Fprintf(e.stdout, "Supported options:\n")
	if l, ok := f.(block.OptionLister); ok {
		for _, o := range l.CreateOptionsHelp() {
			fmt.Fprintf(e.stdout, "  %-16s - %s\n", o.Name+"=<"+o.Type+">", o.Help)
		}
	}
	return nil
}
