package config

import (
	"fmt"
	"strings"
)

// OptError is a command-line error: the flag, its argument as written, the
// key it concerns (empty when it concerns the whole argument) and a reason
// phrased the way QEMU phrases it. Error() is one line:
//
//	-smp 4,foo=1: Invalid parameter 'foo'
//
// The front end prefixes the program name ("gemu: ") and exits with status 1.
type OptError struct {
	Opt    string // "-smp"; empty for errors not tied to one flag
	Arg    string // "4,foo=1"; empty for flags without an argument
	Key    string // "foo"
	Reason string
}

func (e *OptError) Error() string {
	var b strings.Builder
	if e.Opt != "" {
		b.WriteString(e.Opt)
		if e.Arg != "" {
			b.WriteByte(' ')
			b.WriteString(e.Arg)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return oneLine(b.String())
}

// oneLine escapes control characters so that an error built from hostile
// input stays one printable line.
func oneLine(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, `\x%02x`, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// KV is one key=value item of a QemuOpts string.
type KV struct {
	Key   string
	Value string
	// Bare marks the short boolean forms: "key" (Value "on") and "nokey"
	// (Key without the prefix, Value "off").
	Bare bool
}

// Opts is a parsed QemuOpts string such as "pc,accel=kvm" or
// "socket,id=s0,path=/tmp/s,server=on". Values keep the order written; a key
// given twice keeps both items and the getters use the last, as QEMU does.
// The getters and Check return *OptError values that name the flag, the
// argument and the key.
type Opts struct {
	Group  string // option group, the flag's canonical name without the dash ("smp")
	Opt    string // the flag as it is reported in errors ("-smp")
	Arg    string // the argument as written
	Values []KV
	// Help is set when the string asks for help: "help" or "?" as the
	// implied first value or as a bare item ("isa-serial,help").
	Help bool
}

// ParseOpts parses a QemuOpts string for the option group of flag opt.
// implied names the key of a leading item written without "=" ("pc" in
// "-machine pc,accel=kvm" is type=pc); empty when the group has none. A
// value runs to the next single comma; ",," stands for a literal comma. A
// bare item is a boolean: "key" means key=on and "nokey" key=off; a bare
// "help" or "?" sets Help.
func ParseOpts(opt, implied, s string) *Opts {
	o := &Opts{Group: strings.TrimPrefix(opt, "-"), Opt: opt, Arg: s}
	first := true
	for p := 0; p < len(s); {
		end := p
		for end < len(s) && s[end] != '=' && s[end] != ',' {
			end++
		}
		if end < len(s) && s[end] == '=' {
			key := s[p:end]
			val, next := optValue(s, end+1)
			o.Values = append(o.Values, KV{Key: key, Value: val})
			p = next
		} else if first && implied != "" {
			val, next := optValue(s, p)
			o.Values = append(o.Values, KV{Key: implied, Value: val})
			if isHelp(val) {
				o.Help = true
			}
			p = next
		} else {
			name := s[p:end]
			p = end
			if p < len(s) { // the comma
				p++
			}
			switch {
			case isHelp(name):
				o.Help = true
			case strings.HasPrefix(name, "no"):
				o.Values = append(o.Values, KV{Key: name[2:], Value: "off", Bare: true})
			default:
				o.Values = append(o.Values, KV{Key: name, Value: "on", Bare: true})
			}
		}
		first = false
	}
	return o
}

// optValue reads a value starting at s[p:], ending at a single comma or at
// the end; ",," is a literal comma. It returns the value and the index just
// past its terminating comma.
func optValue(s string, p int) (string, int) {
	var b strings.Builder
	for p < len(s) {
		c := s[p]
		if c == ',' {
			if p+1 < len(s) && s[p+1] == ',' {
				b.WriteByte(',')
				p += 2
				continue
			}
			return b.String(), p + 1
		}
		b.WriteByte(c)
		p++
	}
	return b.String(), p
}

func isHelp(s string) bool { return s == "help" || s == "?" }

// Err returns an *OptError for key with a formatted reason.
func (o *Opts) Err(key, format string, args ...any) *OptError {
	return &OptError{Opt: o.Opt, Arg: o.Arg, Key: key, Reason: fmt.Sprintf(format, args...)}
}

// Check reports the first key not among known as an error.
func (o *Opts) Check(known ...string) error {
	for _, kv := range o.Values {
		ok := false
		for _, k := range known {
			if kv.Key == k {
				ok = true
				break
			}
		}
		if !ok {
			return o.Err(kv.Key, "Invalid parameter '%s'", kv.Key)
		}
	}
	return nil
}

// Has reports whether key was given.
func (o *Opts) Has(key string) bool {
	_, ok := o.lookup(key)
	return ok
}

func (o *Opts) lookup(key string) (KV, bool) {
	for i := len(o.Values) - 1; i >= 0; i-- {
		if o.Values[i].Key == key {
			return o.Values[i], true
		}
	}
	return KV{}, false
}

// String returns the last value of key and whether it was given.
func (o *Opts) String(key string) (string, bool) {
	kv, ok := o.lookup(key)
	return kv.Value, ok
}

// StringDefault returns the last value of key, or def.
func (o *Opts) StringDefault(key, def string) string {
	if v, ok := o.String(key); ok {
		return v
	}
	return def
}

// Bool returns key as a boolean (on/off, yes/no, true/false), or def when
// the key is absent.
func (o *Opts) Bool(key string, def bool) (bool, error) {
	kv, ok := o.lookup(key)
	if !ok {
		return def, nil
	}
	b, ok := parseBool(kv.Value)
	if !ok {
		return def, o.Err(key, "Parameter '%s' expects 'on' or 'off'", key)
	}
	return b, nil
}

func parseBool(s string) (bool, bool) {
	switch s {
	case "on", "yes", "true":
		return true, true
	case "off", "no", "false":
		return false, true
	}
	return false, false
}

// Uint returns key as an unsigned integer (decimal, 0x hexadecimal or
// 0-prefixed octal, as C's strtoull with base 0) no larger than max, or def
// when the key is absent.
func (o *Opts) Uint(key string, def, max uint64) (uint64, error) {
	kv, ok := o.lookup(key)
	if !ok {
		return def, nil
	}
	v, err := parseUint(kv.Value)
	if err != nil {
		return def, o.Err(key, "Parameter '%s' expects %s", key, uintKind(max))
	}
	if v > max {
		return def, o.Err(key, "Value '%s' is out of range for parameter '%s' (maximum %d)", kv.Value, key, max)
	}
	return v, nil
}

func uintKind(max uint64) string {
	switch max {
	case 1<<8 - 1:
		return "uint8_t"
	case 1<<16 - 1:
		return "uint16_t"
	case 1<<32 - 1:
		return "uint32_t"
	}
	return "a non-negative integer"
}

// Size returns key as a byte count with an optional suffix (see ParseSize),
// or def when the key is absent.
func (o *Opts) Size(key string, def uint64) (uint64, error) {
	kv, ok := o.lookup(key)
	if !ok {
		return def, nil
	}
	v, err := ParseSize(kv.Value, 1)
	if err != nil {
		return def, o.Err(key, "%s", sizeReason(key, kv.Value, err))
	}
	return v, nil
}

func sizeReason(key, val string, err error) string {
	if err == errRange {
		return fmt.Sprintf("Value '%s' is out of range for parameter '%s'", val, key)
	}
	return fmt.Sprintf("Parameter '%s' expects a size: a non-negative number below 2^64 with an optional suffix B, K, M, G, T, P or E", key)
}
