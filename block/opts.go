package block

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// OptError is an error in a -drive or -blockdev option string.
type OptError struct {
	Key    string // "" when the problem is not one key
	Reason string
}

func (e *OptError) Error() string {
	if e.Key == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.Key, e.Reason)
}

// ParseOpts splits a QemuOpts string into key=value pairs in order: pairs
// are separated by commas, ",," stands for a comma inside a value, and a
// bare "key" means "key=on". implied, when not empty, names the key of a
// first element without "=" (as "-chardev socket,..." does).
func ParseOpts(s, implied string) (Options, error) {
	if s == "" {
		return nil, nil
	}
	var elems []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			if i+1 < len(s) && s[i+1] == ',' {
				b.WriteByte(',')
				i++
				continue
			}
			elems = append(elems, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(s[i])
	}
	elems = append(elems, b.String())
	var out Options
	for i, e := range elems {
		if e == "" {
			if i == len(elems)-1 && i > 0 {
				break // a trailing comma is accepted
			}
			return nil, &OptError{Reason: "Invalid parameter ''"}
		}
		k, v, ok := strings.Cut(e, "=")
		switch {
		case ok && k == "":
			return nil, &OptError{Reason: "Invalid parameter ''"}
		case ok:
			out = append(out, Option{k, v})
		case i == 0 && implied != "":
			out = append(out, Option{implied, e})
		default:
			out = append(out, Option{e, "on"})
		}
	}
	return out, nil
}

// ParseBool parses a QemuOpts boolean ("on"/"off", also "yes"/"no",
// "true"/"false" as QEMU accepts).
func ParseBool(key, v string) (bool, error) {
	switch v {
	case "on", "yes", "true", "y":
		return true, nil
	case "off", "no", "false", "n":
		return false, nil
	}
	return false, &OptError{key, fmt.Sprintf("Parameter '%s' expects 'on' or 'off'", key)}
}

// ParseSize parses a size with an optional k/M/G/T/P/E suffix (binary
// units, as QEMU's size options).
func ParseSize(v string) (int64, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return 0, fmt.Errorf("invalid size '%s'", v)
	}
	mult := float64(1)
	switch s[len(s)-1] {
	case 'b', 'B':
		s = s[:len(s)-1]
	case 'k', 'K':
		mult, s = 1<<10, s[:len(s)-1]
	case 'm', 'M':
		mult, s = 1<<20, s[:len(s)-1]
	case 'g', 'G':
		mult, s = 1<<30, s[:len(s)-1]
	case 't', 'T':
		mult, s = 1<<40, s[:len(s)-1]
	case 'p', 'P':
		mult, s = 1<<50, s[:len(s)-1]
	case 'e', 'E':
		mult, s = 1<<60, s[:len(s)-1]
	}
	if s == "" || strings.ContainsAny(s, "+-") && !strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("invalid size '%s'", v)
	}
	if n, err := strconv.ParseUint(s, 0, 64); err == nil && mult == 1 {
		if n > 1<<63-1 {
			return 0, fmt.Errorf("size '%s' is too large", v)
		}
		return int64(n), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("invalid size '%s'", v)
	}
	r := f * mult
	if r >= 1<<63 {
		return 0, fmt.Errorf("size '%s' is too large", v)
	}
	return int64(r), nil
}

// CacheMode is what a cache= mode means for the host.
type CacheMode struct {
	Direct       bool // O_DIRECT: bypass the host page cache
	NoFlush      bool // ignore flush requests (unsafe)
	Writethrough bool // flush after every write; the guest sees no write cache
}

// ParseCache maps QEMU's cache= names to their meaning.
func ParseCache(v string) (CacheMode, error) {
	switch v {
	case "writeback":
		return CacheMode{}, nil
	case "none", "off":
		return CacheMode{Direct: true}, nil
	case "writethrough":
		return CacheMode{Writethrough: true}, nil
	case "directsync":
		return CacheMode{Direct: true, Writethrough: true}, nil
	case "unsafe":
		return CacheMode{NoFlush: true}, nil
	}
	return CacheMode{}, &OptError{"cache", fmt.Sprintf("invalid cache option '%s'", v)}
}

// String is QEMU's name for the mode.
func (c CacheMode) String() string {
	switch c {
	case CacheMode{}:
		return "writeback"
	case CacheMode{Direct: true}:
		return "none"
	case CacheMode{Writethrough: true}:
		return "writethrough"
	case CacheMode{Direct: true, Writethrough: true}:
		return "directsync"
	case CacheMode{NoFlush: true}:
		return "unsafe"
	}
	return fmt.Sprintf("direct=%v,no-flush=%v,writethrough=%v", c.Direct, c.NoFlush, c.Writethrough)
}

// DetectZeroes is the detect-zeroes= mode.
type DetectZeroes string

// detect-zeroes values.
const (
	DetectZeroesOff   DetectZeroes = "off"
	DetectZeroesOn    DetectZeroes = "on"
	DetectZeroesUnmap DetectZeroes = "unmap"
)

// DriveOptions is a parsed -drive option string.
type DriveOptions struct {
	File         string
	Format       string // "" probes
	If           string // ide, scsi, sd, mtd, floppy, pflash, virtio, none
	Index        int    // -1 when not given
	Bus, Unit    int    // -1 when not given
	Media        string // disk or cdrom
	ReadOnly     bool
	Snapshot     bool // temporary qcow2 overlay, discarded on close
	Cache        CacheMode
	Discard      string // ignore or unmap
	DetectZeroes DetectZeroes
	AIO          string // threads, native, io_uring
	ID           string
	Serial       string
	Werror       string
	Rerror       string
	// Extra holds keys for the format or protocol driver ("file.locking",
	// "l2-cache-size"), checked when the drive is opened.
	Extra Options
}

var driveIfs = map[string]bool{"ide": true, "scsi": true, "sd": true, "mtd": true, "floppy": true, "pflash": true, "virtio": true, "none": true, "xen": true}

// ParseDrive parses the value of -drive.
func ParseDrive(s string) (DriveOptions, error) {
	d := DriveOptions{Index: -1, Bus: -1, Unit: -1, Media: "disk", If: "ide", Discard: "ignore", DetectZeroes: DetectZeroesOff, AIO: "threads", Werror: "enospc", Rerror: "report"}
	opts, err := ParseOpts(s, "")
	if err != nil {
		return d, err
	}
	var cacheDirect, cacheNoFlush *bool
	for _, o := range opts {
		k, v := o.Key, o.Value
		switch k {
		case "file":
			d.File = v
		case "format":
			if v == "?" || v == "help" {
				return d, &OptError{k, "format listing is not an option value"}
			}
			d.Format = v
		case "if":
			if !driveIfs[v] {
				return d, &OptError{k, fmt.Sprintf("unsupported bus type '%s'", v)}
			}
			d.If = v
		case "index", "bus", "unit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return d, &OptError{k, fmt.Sprintf("Parameter '%s' expects a non-negative number", k)}
			}
			switch k {
			case "index":
				d.Index = n
			case "bus":
				d.Bus = n
			default:
				d.Unit = n
			}
		case "media":
			if v != "disk" && v != "cdrom" {
				return d, &OptError{k, fmt.Sprintf("'%s' invalid media", v)}
			}
			d.Media = v
		case "readonly", "read-only":
			b, err := ParseBool(k, v)
			if err != nil {
				return d, err
			}
			d.ReadOnly = b
		case "snapshot":
			b, err := ParseBool(k, v)
			if err != nil {
				return d, err
			}
			d.Snapshot = b
		case "cache":
			c, err := ParseCache(v)
			if err != nil {
				return d, err
			}
			d.Cache = c
		case "cache.direct", "cache.no-flush":
			b, err := ParseBool(k, v)
			if err != nil {
				return d, err
			}
			if k == "cache.direct" {
				cacheDirect = &b
			} else {
				cacheNoFlush = &b
			}
		case "cache.writeback":
			b, err := ParseBool(k, v)
			if err != nil {
				return d, err
			}
			d.Cache.Writethrough = !b
		case "discard":
			switch v {
			case "ignore", "off":
				d.Discard = "ignore"
			case "unmap", "on":
				d.Discard = "unmap"
			default:
				return d, &OptError{k, fmt.Sprintf("Invalid discard option '%s'", v)}
			}
		case "detect-zeroes":
			switch DetectZeroes(v) {
			case DetectZeroesOff, DetectZeroesOn, DetectZeroesUnmap:
				d.DetectZeroes = DetectZeroes(v)
			default:
				return d, &OptError{k, fmt.Sprintf("Parameter 'detect-zeroes' does not accept value '%s'", v)}
			}
		case "aio":
			switch v {
			case "threads", "native", "io_uring":
				d.AIO = v
			default:
				return d, &OptError{k, fmt.Sprintf("invalid aio option '%s'", v)}
			}
		case "id":
			d.ID = v
		case "serial":
			d.Serial = v
		case "werror", "rerror":
			switch v {
			case "ignore", "stop", "report", "enospc":
			default:
				return d, &OptError{k, fmt.Sprintf("'%s' invalid %s action", v, k)}
			}
			if k == "werror" {
				d.Werror = v
			} else {
				d.Rerror = v
			}
		default:
			d.Extra = append(d.Extra, o)
		}
	}
	if cacheDirect != nil {
		d.Cache.Direct = *cacheDirect
	}
	if cacheNoFlush != nil {
		d.Cache.NoFlush = *cacheNoFlush
	}
	if d.AIO == "native" && !d.Cache.Direct {
		return d, &OptError{"aio", "aio=native was specified, but it requires cache.direct=on, which was not specified."}
	}
	if d.DetectZeroes == DetectZeroesUnmap && d.Discard != "unmap" {
		return d, &OptError{"detect-zeroes", "setting detect-zeroes to unmap is not allowed without setting discard operation to unmap"}
	}
	if d.Media == "cdrom" {
		d.ReadOnly = true
	}
	if d.File == "" && d.Media != "cdrom" && d.If != "none" && len(d.Extra) == 0 {
		// QEMU allows a drive without a medium only for removable media;
		// a disk needs a file.
		return d, &OptError{"file", "A block device must be specified for \"file\""}
	}
	return d, nil
}

// BlockdevOptions is one -blockdev node (and its inline children).
type BlockdevOptions struct {
	Driver       string // "qcow2", "raw", "vmdk", or protocol "file"/"host_device"
	NodeName     string
	ReadOnly     bool
	AutoReadOnly bool
	Cache        CacheMode
	Discard      string
	DetectZeroes DetectZeroes
	// Filename is the path for protocol drivers (driver=file).
	Filename string
	AIO      string
	// File is an inline child node (file.driver=...), or FileRef names an
	// existing node ("file=node0").
	File    *BlockdevOptions
	FileRef string
	// Backing is an inline backing node; BackingRef names one; NoBacking
	// is "backing": null.
	Backing    *BlockdevOptions
	BackingRef string
	NoBacking  bool
	Extra      Options
}

// ParseBlockdev parses the value of -blockdev, either dotted keys
// ("driver=qcow2,file.driver=file,file.filename=a.qcow2") or JSON
// ('{"driver":"qcow2","file":{"driver":"file","filename":"a.qcow2"}}').
func ParseBlockdev(s string) (BlockdevOptions, error) {
	tree := map[string]any{}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&tree); err != nil {
			return BlockdevOptions{}, &OptError{Reason: fmt.Sprintf("JSON parse error: %v", err)}
		}
	} else {
		opts, err := ParseOpts(s, "")
		if err != nil {
			return BlockdevOptions{}, err
		}
		for _, o := range opts {
			if err := setDotted(tree, o.Key, o.Value); err != nil {
				return BlockdevOptions{}, err
			}
		}
	}
	b, err := blockdevFromTree(tree, "", 0)
	if err != nil {
		return b, err
	}
	if b.NodeName == "" {
		return b, &OptError{"node-name", "A top-level -blockdev needs 'node-name'"}
	}
	return b, nil
}

func setDotted(tree map[string]any, key, val string) error {
	parts := strings.Split(key, ".")
	m := tree
	for i, p := range parts {
		if p == "" {
			return &OptError{key, "Invalid parameter name"}
		}
		if i == len(parts)-1 {
			if _, ok := m[p]; ok {
				return &OptError{key, fmt.Sprintf("Parameter '%s' is given twice", key)}
			}
			m[p] = val
			return nil
		}
		next, ok := m[p]
		if !ok {
			nm := map[string]any{}
			m[p] = nm
			m = nm
			continue
		}
		nm, ok := next.(map[string]any)
		if !ok {
			return &OptError{key, fmt.Sprintf("Parameter '%s' is both a value and an object", strings.Join(parts[:i+1], "."))}
		}
		m = nm
	}
	return nil
}

func treeString(prefix, k string, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		if x {
			return "on", nil
		}
		return "off", nil
	}
	return "", &OptError{prefix + k, "Invalid parameter type, expected a scalar"}
}

func treeBool(prefix, k string, v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	s, err := treeString(prefix, k, v)
	if err != nil {
		return false, err
	}
	return ParseBool(prefix+k, s)
}

func blockdevFromTree(tree map[string]any, prefix string, depth int) (BlockdevOptions, error) {
	b := BlockdevOptions{Discard: "ignore", DetectZeroes: DetectZeroesOff, AIO: "threads"}
	if depth > MaxChainDepth {
		return b, &OptError{prefix, "nested too deeply"}
	}
	keys := make([]string, 0, len(tree))
	for k := range tree {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := tree[k]
		var err error
		switch k {
		case "driver":
			b.Driver, err = treeString(prefix, k, v)
		case "node-name":
			b.NodeName, err = treeString(prefix, k, v)
		case "read-only":
			b.ReadOnly, err = treeBool(prefix, k, v)
		case "auto-read-only":
			b.AutoReadOnly, err = treeBool(prefix, k, v)
		case "filename":
			b.Filename, err = treeString(prefix, k, v)
		case "aio":
			b.AIO, err = treeString(prefix, k, v)
		case "discard":
			var s string
			s, err = treeString(prefix, k, v)
			switch s {
			case "ignore", "off":
				b.Discard = "ignore"
			case "unmap", "on":
				b.Discard = "unmap"
			default:
				if err == nil {
					err = &OptError{prefix + k, fmt.Sprintf("Invalid discard option '%s'", s)}
				}
			}
		case "detect-zeroes":
			var s string
			s, err = treeString(prefix, k, v)
			switch DetectZeroes(s) {
			case DetectZeroesOff, DetectZeroesOn, DetectZeroesUnmap:
				b.DetectZeroes = DetectZeroes(s)
			default:
				if err == nil {
					err = &OptError{prefix + k, fmt.Sprintf("Parameter 'detect-zeroes' does not accept value '%s'", s)}
				}
			}
		case "cache":
			m, ok := v.(map[string]any)
			if !ok {
				return b, &OptError{prefix + k, "Invalid parameter type, expected an object"}
			}
			for ck, cv := range m {
				switch ck {
				case "direct":
					b.Cache.Direct, err = treeBool(prefix+"cache.", ck, cv)
				case "no-flush":
					b.Cache.NoFlush, err = treeBool(prefix+"cache.", ck, cv)
				default:
					err = &OptError{prefix + "cache." + ck, "Invalid parameter"}
				}
				if err != nil {
					return b, err
				}
			}
		case "file", "backing":
			switch x := v.(type) {
			case map[string]any:
				c, cerr := blockdevFromTree(x, prefix+k+".", depth+1)
				if cerr != nil {
					return b, cerr
				}
				if k == "file" {
					b.File = &c
				} else {
					b.Backing = &c
				}
			case nil:
				if k == "backing" {
					b.NoBacking = true
				} else {
					err = &OptError{prefix + k, "Invalid parameter type, expected a node"}
				}
			default:
				var s string
				s, err = treeString(prefix, k, v)
				if k == "file" {
					b.FileRef = s
				} else if s == "" || s == "null" {
					b.NoBacking = true
				} else {
					b.BackingRef = s
				}
			}
		default:
			var s string
			s, err = treeString(prefix, k, v)
			b.Extra = append(b.Extra, Option{k, s})
		}
		if err != nil {
			return b, err
		}
	}
	if b.Driver == "" {
		return b, &OptError{prefix + "driver", "Parameter 'driver' is missing"}
	}
	switch b.Driver {
	case "file", "host_device", "host_cdrom":
		if b.Filename == "" {
			return b, &OptError{prefix + "filename", "Parameter 'filename' is missing"}
		}
	default:
		if b.File == nil && b.FileRef == "" {
			return b, &OptError{prefix + "file", "Parameter 'file' is missing"}
		}
	}
	return b, nil
}
