package config

import (
	"fmt"
	"sort"
	"strings"

	"gemu/accel"
	"gemu/accel/cpuid"
)

// DefaultCPU is the -cpu model without -cpu, as QEMU's x86-64 default.
const DefaultCPU = "qemu64"

// parseCPU parses "-cpu model[,+feat][,-feat][,feat=on|off][,feat]...".
//
// QEMU applies feat=on|off items first, in order, then every +feat, then
// every -feat, whatever their positions; Changes is ordered so that
// applying it front to back gives that result. Feature names are
// canonicalised to accel/cpuid's spelling.
func parseCPU(opt, arg string) (accel.CPUModel, *Listing, error) {
	bad := func(key, format string, args ...any) error {
		return &OptError{Opt: opt, Arg: arg, Key: key, Reason: fmt.Sprintf(format, args...)}
	}
	if arg == "" {
		return accel.CPUModel{}, nil, bad("", "-cpu option cannot be empty")
	}
	items := strings.Split(arg, ",")
	name := items[0]
	if isHelp(name) {
		return accel.CPUModel{}, &Listing{Text: cpuHelp()}, nil
	}
	if _, ok := cpuid.Models[name]; !ok {
		return accel.CPUModel{}, nil, bad("", "unable to find CPU model '%s' (-cpu help lists them)", name)
	}
	var set, plus, minus []accel.FeatureChange
	for _, it := range items[1:] {
		if it == "" {
			continue
		}
		if isHelp(it) {
			return accel.CPUModel{}, &Listing{Text: cpuHelp()}, nil
		}
		var key string
		var on bool
		list := &set
		switch {
		case it[0] == '+' || it[0] == '-':
			key, on = it[1:], it[0] == '+'
			if on {
				list = &plus
			} else {
				list = &minus
			}
			if strings.Contains(key, "=") {
				return accel.CPUModel{}, nil, bad(key, "Property '%s' not found: write %cfeat or feat=on|off, not both", key, it[0])
			}
		case strings.Contains(it, "="):
			k, v, _ := strings.Cut(it, "=")
			b, ok := parseBool(v)
			if !ok {
				if _, known := cpuid.Lookup(k); known {
					return accel.CPUModel{}, nil, bad(k, "Parameter '%s' expects 'on' or 'off'", k)
				}
				return accel.CPUModel{}, nil, bad(k, "Property '%s' is not supported (gemu's -cpu accepts CPUID feature flags only)", k)
			}
			key, on = k, b
		default:
			key, on = it, true
		}
		f, ok := cpuid.Lookup(key)
		if !ok {
			return accel.CPUModel{}, nil, bad(key, "Property '%s' not found: not a CPUID feature gemu knows (-cpu help lists them)", key)
		}
		*list = append(*list, accel.FeatureChange{Name: f.Name, On: on})
	}
	m := accel.CPUModel{Name: name}
	m.Changes = append(append(append(m.Changes, set...), plus...), minus...)
	return m, nil, nil
}

func cpuHelp() string {
	var b strings.Builder
	b.WriteString("Available CPUs:\n")
	for _, n := range cpuid.ModelNames() {
		fmt.Fprintf(&b, "x86 %-20s  %s\n", n, cpuid.Models[n].Desc)
	}
	b.WriteString("\nRecognized CPUID flags:\n")
	names := make([]string, 0, len(cpuid.Features))
	for _, f := range cpuid.Features {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	b.WriteString(wrapWords(names, "  ", 76))
	return b.String()
}

// wrapWords joins words with spaces into lines of at most width columns,
// each starting with indent.
func wrapWords(words []string, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, w := range words {
		if len(line) > len(indent) && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += w
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
	return b.String()
}
