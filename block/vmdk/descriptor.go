package vmdk

import (
	"fmt"
	"strconv"
	"strings"
)

// maxDescriptor caps a descriptor file's size.
const maxDescriptor = 1 << 20

// extentDesc is one extent line: ACCESS SECTORS TYPE "FILE" [OFFSET].
type extentDesc struct {
	access  string // RW, RDONLY, NOACCESS
	sectors int64
	typ     string // SPARSE, FLAT, ZERO, VMFS, VMFSSPARSE
	file    string
	offset  int64 // sectors, FLAT only
}

// descriptor is a parsed disk descriptor.
type descriptor struct {
	version    int
	cid        uint32
	parentCID  uint32
	createType string
	parentHint string
	extents    []extentDesc
	ddb        [][2]string // ddb.* entries in order
}

// parseDescriptor parses a descriptor's text, as in VMware's "Virtual Disk
// Format 5.0", section "The Descriptor File".
func parseDescriptor(text string) (*descriptor, error) {
	if len(text) > maxDescriptor {
		return nil, fmt.Errorf("descriptor of %d bytes is too large", len(text))
	}
	d := &descriptor{parentCID: 0xffffffff}
	sawVersion := false
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimRight(line, "\r\x00"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		switch {
		case strings.HasPrefix(line, "RW ") || strings.HasPrefix(line, "RDONLY ") || strings.HasPrefix(line, "NOACCESS "):
			e, err := parseExtentLine(line)
			if err != nil {
				return nil, fmt.Errorf("descriptor line %d: %w", n+1, err)
			}
			d.extents = append(d.extents, e)
			if len(d.extents) > 4096 {
				return nil, fmt.Errorf("descriptor lists more than 4096 extents")
			}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("descriptor line %d: invalid entry %q", n+1, line)
			}
			k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"`)
			switch k {
			case "version":
				i, err := strconv.Atoi(v)
				if err != nil {
					return nil, fmt.Errorf("descriptor: invalid version %q", v)
				}
				d.version, sawVersion = i, true
			case "CID":
				c, err := strconv.ParseUint(v, 16, 32)
				if err != nil {
					return nil, fmt.Errorf("descriptor: invalid CID %q", v)
				}
				d.cid = uint32(c)
			case "parentCID":
				c, err := strconv.ParseUint(v, 16, 32)
				if err != nil {
					return nil, fmt.Errorf("descriptor: invalid parentCID %q", v)
				}
				d.parentCID = uint32(c)
			case "createType":
				d.createType = v
			case "parentFileNameHint":
				d.parentHint = v
			default:
				if strings.HasPrefix(k, "ddb.") {
					d.ddb = append(d.ddb, [2]string{k, v})
				}
			}
		}
	}
	if !sawVersion && len(d.extents) == 0 {
		return nil, fmt.Errorf("not a VMDK descriptor")
	}
	if len(d.extents) == 0 {
		return nil, fmt.Errorf("descriptor lists no extents")
	}
	return d, nil
}

func parseExtentLine(line string) (extentDesc, error) {
	var e extentDesc
	// ACCESS SECTORS TYPE "FILE" [OFFSET]; the file name is quoted and may
	// hold spaces.
	q1 := strings.IndexByte(line, '"')
	q2 := strings.LastIndexByte(line, '"')
	head := line
	if q1 >= 0 && q2 > q1 {
		head = line[:q1]
		e.file = line[q1+1 : q2]
	}
	f := strings.Fields(head)
	if len(f) < 3 {
		if len(f) == 3-1 && strings.HasSuffix(line, "ZERO") {
			f = strings.Fields(line)
		} else if len(f) < 2 {
			return e, fmt.Errorf("invalid extent line %q", line)
		}
	}
	e.access = f[0]
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || n <= 0 || n > 1<<41 {
		return e, fmt.Errorf("invalid extent size in %q", line)
	}
	e.sectors = n
	if len(f) >= 3 {
		e.typ = f[2]
	}
	switch e.typ {
	case "SPARSE", "VMFSSPARSE", "FLAT", "VMFS":
		if e.file == "" {
			return e, fmt.Errorf("extent line %q has no file name", line)
		}
	case "ZERO":
	default:
		return e, fmt.Errorf("unsupported extent type %q", e.typ)
	}
	if q2 > 0 && q2+1 < len(line) {
		rest := strings.TrimSpace(line[q2+1:])
		if rest != "" {
			o, err := strconv.ParseInt(rest, 10, 64)
			if err != nil || o < 0 || o > 1<<50 {
				return e, fmt.Errorf("invalid extent offset in %q", line)
			}
			e.offset = o
		}
	}
	return e, nil
}

// encode renders the descriptor in QEMU's layout.
func (d *descriptor) encode() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Disk DescriptorFile\nversion=%d\nCID=%08x\nparentCID=%08x\ncreateType=\"%s\"\n", max(d.version, 1), d.cid, d.parentCID, d.createType)
	if d.parentHint != "" {
		fmt.Fprintf(&b, "parentFileNameHint=\"%s\"\n", d.parentHint)
	}
	b.WriteString("\n# Extent description\n")
	for _, e := range d.extents {
		switch e.typ {
		case "ZERO":
			fmt.Fprintf(&b, "%s %d ZERO\n", e.access, e.sectors)
		case "FLAT", "VMFS":
			fmt.Fprintf(&b, "%s %d %s \"%s\" %d\n", e.access, e.sectors, e.typ, e.file, e.offset)
		default:
			fmt.Fprintf(&b, "%s %d %s \"%s\"\n", e.access, e.sectors, e.typ, e.file)
		}
	}
	b.WriteString("\n# The Disk Data Base\n#DDB\n\n")
	for _, kv := range d.ddb {
		fmt.Fprintf(&b, "%s = \"%s\"\n", kv[0], kv[1])
	}
	return b.String()
}

func (d *descriptor) ddbGet(k string) string {
	for _, kv := range d.ddb {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}
