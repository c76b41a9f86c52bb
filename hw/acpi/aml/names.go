package aml

import (
	"fmt"
	"strings"
)

// Name paths are written as in ASL: an optional root prefix '\' or any
// number of parent prefixes '^', then name segments separated by '.'. A
// segment is one to four characters, a capital letter or '_' followed by
// capitals, digits or '_', and is padded with '_' to four (ACPI 6.4 section
// 20.2.2, "Name Objects Encoding"):
//
//	`\_SB.COM1`  root, dual name path
//	`^^PCI0`     two parent prefixes, one segment
//	`_S5`        one segment, encoded "_S5_"
//	`\`          the root itself (root prefix and NullName)

// MaxSegments is the most segments a MultiNamePath holds.
const MaxSegments = 255

// appendNameString appends the NameString encoding of path.
func appendNameString(b []byte, path string) ([]byte, error) {
	rest := path
	switch {
	case strings.HasPrefix(rest, `\`):
		b = append(b, opRoot)
		rest = rest[1:]
	case strings.HasPrefix(rest, "^"):
		for strings.HasPrefix(rest, "^") {
			b = append(b, opParent)
			rest = rest[1:]
		}
	}
	if rest == "" {
		if len(path) == 0 {
			return b, fmt.Errorf("empty name")
		}
		return append(b, opZero), nil // NullName after the prefixes
	}
	segs := strings.Split(rest, ".")
	if len(segs) > MaxSegments {
		return b, fmt.Errorf("name %q has %d segments; at most %d", path, len(segs), MaxSegments)
	}
	switch len(segs) {
	case 1:
	case 2:
		b = append(b, opDualName)
	default:
		b = append(b, opMultiName, byte(len(segs)))
	}
	for _, s := range segs {
		var err error
		if b, err = appendNameSeg(b, s); err != nil {
			return b, fmt.Errorf("name %q: %w", path, err)
		}
	}
	return b, nil
}

// appendNameSeg appends one padded four-character name segment.
func appendNameSeg(b []byte, s string) ([]byte, error) {
	if len(s) == 0 || len(s) > 4 {
		return b, fmt.Errorf("segment %q is not 1 to 4 characters", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		lead := c >= 'A' && c <= 'Z' || c == '_'
		if !lead && (i == 0 || c < '0' || c > '9') {
			return b, fmt.Errorf("segment %q: invalid character %q at %d", s, c, i)
		}
	}
	b = append(b, s...)
	for i := len(s); i < 4; i++ {
		b = append(b, '_')
	}
	return b, nil
}

// checkSeg reports whether s is a single valid name segment (no prefixes,
// no dots), for objects that the grammar names with a NameSeg.
func checkSeg(s string) error {
	_, err := appendNameSeg(nil, s)
	return err
}
