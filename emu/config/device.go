package config

import (
	"fmt"
	"sort"
	"strings"
)

// PropType is the type of a device property.
type PropType int

const (
	PropString  PropType = iota + 1
	PropUint             // an unsigned integer up to PropSpec.Max
	PropBool             // on/off
	PropSize             // a byte count with optional suffix
	PropChardev          // the ID of a chardev (-chardev or implied)
)

func (t PropType) String() string {
	switch t {
	case PropString:
		return "str"
	case PropUint:
		return "uint32"
	case PropBool:
		return "bool"
	case PropSize:
		return "size"
	case PropChardev:
		return "str"
	}
	return fmt.Sprintf("PropType(%d)", int(t))
}

// PropSpec describes one property of a device type.
type PropSpec struct {
	Name string
	Type PropType
	// Default is the value as it would be written on the command line; ""
	// means the property has no default and is absent unless given.
	Default  string
	Max      uint64 // PropUint: the largest value accepted
	Required bool
	Desc     string
}

// Category groups device types in -device help, in QEMU's order.
type Category int

const (
	CatBridge Category = iota
	CatUSB
	CatStorage
	CatNetwork
	CatInput
	CatDisplay
	CatSound
	CatMisc
	CatCPU
	CatWatchdog
	CatUncategorized
)

var categoryNames = [...]string{
	CatBridge: "Controller/Bridge/Hub", CatUSB: "USB", CatStorage: "Storage", CatNetwork: "Network",
	CatInput: "Input", CatDisplay: "Display", CatSound: "Sound", CatMisc: "Misc", CatCPU: "CPU",
	CatWatchdog: "Watchdog", CatUncategorized: "Uncategorized",
}

func (c Category) String() string {
	if c >= 0 && int(c) < len(categoryNames) {
		return categoryNames[c]
	}
	return fmt.Sprintf("Category(%d)", int(c))
}

// DeviceType is a -device type: its bus, category and properties. Every
// type also takes id=.
type DeviceType struct {
	Name     string
	Bus      string // "ISA", "PCI", "System", ...
	Category Category
	Desc     string
	Props    []PropSpec
	// Validate checks combinations of properties after each has been
	// parsed; it returns the key at fault and the reason.
	Validate func(d *DeviceDef) (key, reason string)
}

func (t *DeviceType) prop(name string) (*PropSpec, bool) {
	for i := range t.Props {
		if t.Props[i].Name == name {
			return &t.Props[i], true
		}
	}
	return nil, false
}

// Devices is the catalog of -device types gemu accepts.
var Devices = []DeviceType{
	{
		Name: "isa-serial", Bus: "ISA", Category: CatInput,
		Desc: "16550A UART on the ISA bus (COM1-COM4)",
		Props: []PropSpec{
			{Name: "chardev", Type: PropChardev, Desc: "ID of a chardev to use as a backend"},
			{Name: "index", Type: PropUint, Max: 3, Desc: "COM port number minus one; picks iobase and irq (default: the next free port)"},
			{Name: "iobase", Type: PropUint, Max: 0xfff8, Desc: "I/O port base (default: from index)"},
			{Name: "irq", Type: PropUint, Max: 15, Desc: "ISA interrupt (default: from index)"},
		},
	},
	{
		Name: "isa-debug-exit", Bus: "ISA", Category: CatMisc,
		Desc: "exits gemu with status (value << 1) | 1 when the guest writes value",
		Props: []PropSpec{
			{Name: "iobase", Type: PropUint, Default: "0x501", Max: 0xffff, Desc: "I/O port base"},
			{Name: "iosize", Type: PropUint, Default: "2", Max: 4, Desc: "I/O window size in bytes (1, 2 or 4)"},
		},
		Validate: func(d *DeviceDef) (string, string) {
			base, _ := d.Uint("iobase")
			size, _ := d.Uint("iosize")
			if size != 1 && size != 2 && size != 4 {
				return "iosize", fmt.Sprintf("isa-debug-exit: iosize must be 1, 2 or 4, not %d", size)
			}
			if base+size > 0x10000 {
				return "iobase", fmt.Sprintf("isa-debug-exit: ports %#x-%#x extend beyond 0xffff", base, base+size-1)
			}
			return "", ""
		},
	},
	{
		Name: "isa-debugcon", Bus: "ISA", Category: CatMisc,
		Desc: "Bochs-style debug console port: bytes written go to the chardev",
		Props: []PropSpec{
			{Name: "chardev", Type: PropChardev, Required: true, Desc: "ID of a chardev to use as a backend"},
			{Name: "iobase", Type: PropUint, Default: "0xe9", Max: 0xffff, Desc: "I/O port"},
		},
	},
}

// LookupDevice finds a device type by name.
func LookupDevice(name string) (*DeviceType, bool) {
	for i := range Devices {
		if Devices[i].Name == name {
			return &Devices[i], true
		}
	}
	return nil, false
}

// DeviceDef is one -device entry, validated against its DeviceType.
type DeviceDef struct {
	Driver string
	ID     string // "" when not given
	// Props holds, in catalog order, every property that was given or has
	// a default.
	Props []PropValue
	// Arg is the -device argument as written, for the machine's error
	// messages.
	Arg string
}

// PropValue is a parsed property value.
type PropValue struct {
	Name     string
	Type     PropType
	Str      string // PropString, PropChardev
	Uint     uint64 // PropUint, PropSize
	Bool     bool   // PropBool
	Explicit bool   // given on the command line (false: the catalog default)
}

func (d *DeviceDef) find(name string) (*PropValue, bool) {
	for i := range d.Props {
		if d.Props[i].Name == name {
			return &d.Props[i], true
		}
	}
	return nil, false
}

// Uint returns an integer or size property and whether it is set.
func (d *DeviceDef) Uint(name string) (uint64, bool) {
	p, ok := d.find(name)
	if !ok || (p.Type != PropUint && p.Type != PropSize) {
		return 0, false
	}
	return p.Uint, true
}

// String returns a string or chardev property and whether it is set.
func (d *DeviceDef) String(name string) (string, bool) {
	p, ok := d.find(name)
	if !ok || (p.Type != PropString && p.Type != PropChardev) {
		return "", false
	}
	return p.Str, true
}

// Bool returns a boolean property and whether it is set.
func (d *DeviceDef) Bool(name string) (bool, bool) {
	p, ok := d.find(name)
	if !ok || p.Type != PropBool {
		return false, false
	}
	return p.Bool, true
}

// Explicit reports whether the property was given on the command line.
func (d *DeviceDef) Explicit(name string) bool {
	p, ok := d.find(name)
	return ok && p.Explicit
}

func (d *DeviceDef) set(v PropValue) {
	if p, ok := d.find(v.Name); ok {
		*p = v
		return
	}
	d.Props = append(d.Props, v)
}

func deviceHelp() string {
	var b strings.Builder
	byCat := map[Category][]*DeviceType{}
	for i := range Devices {
		t := &Devices[i]
		byCat[t.Category] = append(byCat[t.Category], t)
	}
	first := true
	for c := CatBridge; c <= CatUncategorized; c++ {
		list := byCat[c]
		if len(list) == 0 {
			continue
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		if !first {
			b.WriteString("\n")
		}
		first = false
		fmt.Fprintf(&b, "%s devices:\n", c)
		for _, t := range list {
			fmt.Fprintf(&b, "name \"%s\", bus %s", t.Name, t.Bus)
			if t.Desc != "" {
				fmt.Fprintf(&b, ", desc \"%s\"", t.Desc)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func devicePropsHelp(t *DeviceType) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s options:\n", t.Name)
	props := append([]PropSpec{{Name: "id", Type: PropString, Desc: "identifier of the device"}}, t.Props...)
	sort.Slice(props, func(i, j int) bool { return props[i].Name < props[j].Name })
	for _, p := range props {
		line := fmt.Sprintf("  %-22s - %s", p.Name+"=<"+p.Type.String()+">", p.Desc)
		switch {
		case p.Required:
			line += " (required)"
		case p.Default != "":
			line += " (default: " + p.Default + ")"
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// parseDevice parses a -device argument against the catalog. Chardev
// references are checked later, when all chardevs are known.
func parseDevice(opt, arg string) (*DeviceDef, *Listing, error) {
	o := ParseOpts(opt, "driver", arg)
	driver := o.StringDefault("driver", "")
	if driver == "" || isHelp(driver) {
		if !o.Help && !isHelp(driver) {
			return nil, nil, o.Err("driver", "Parameter 'driver' is missing")
		}
		return nil, &Listing{Text: deviceHelp()}, nil
	}
	t, ok := LookupDevice(driver)
	if !ok {
		return nil, nil, o.Err("driver", "'%s' is not a valid device model name (-device help lists them)", driver)
	}
	if o.Help {
		return nil, &Listing{Text: devicePropsHelp(t)}, nil
	}
	d := &DeviceDef{Driver: driver, Arg: arg}
	for _, p := range t.Props {
		if p.Default == "" {
			continue
		}
		v, reason := parsePropValue(&p, p.Default)
		if reason != "" {
			panic(fmt.Sprintf("config: catalog default %s.%s=%s: %s", t.Name, p.Name, p.Default, reason)) // programmer error in the catalog
		}
		d.set(v)
	}
	for _, kv := range o.Values {
		switch kv.Key {
		case "driver":
			continue
		case "id":
			if !idWellFormed(kv.Value) {
				return nil, nil, badID(o)
			}
			d.ID = kv.Value
			continue
		}
		p, ok := t.prop(kv.Key)
		if !ok {
			return nil, nil, o.Err(kv.Key, "Property '%s.%s' not found", t.Name, kv.Key)
		}
		v, reason := parsePropValue(p, kv.Value)
		if reason != "" {
			return nil, nil, o.Err(kv.Key, "%s", reason)
		}
		v.Explicit = true
		d.set(v)
	}
	for _, p := range t.Props {
		if _, ok := d.find(p.Name); !ok && p.Required {
			return nil, nil, o.Err(p.Name, "%s: Parameter '%s' is missing", t.Name, p.Name)
		}
	}
	if t.Validate != nil {
		if key, reason := t.Validate(d); reason != "" {
			return nil, nil, o.Err(key, "%s", reason)
		}
	}
	// Keep catalog order, so that equal command lines give equal Configs.
	sort.SliceStable(d.Props, func(i, j int) bool { return propIndex(t, d.Props[i].Name) < propIndex(t, d.Props[j].Name) })
	return d, nil, nil
}

func propIndex(t *DeviceType, name string) int {
	for i := range t.Props {
		if t.Props[i].Name == name {
			return i
		}
	}
	return len(t.Props)
}

func parsePropValue(p *PropSpec, s string) (PropValue, string) {
	v := PropValue{Name: p.Name, Type: p.Type}
	switch p.Type {
	case PropString:
		v.Str = s
	case PropChardev:
		if s == "" {
			return v, fmt.Sprintf("Parameter '%s' expects the ID of a chardev", p.Name)
		}
		v.Str = s
	case PropBool:
		b, ok := parseBool(s)
		if !ok {
			return v, fmt.Sprintf("Parameter '%s' expects 'on' or 'off'", p.Name)
		}
		v.Bool = b
	case PropUint:
		n, err := parseUint(s)
		if err != nil {
			return v, fmt.Sprintf("Parameter '%s' expects integer", p.Name)
		}
		if n > p.Max {
			return v, fmt.Sprintf("Value '%s' is out of range for parameter '%s' (maximum %#x)", s, p.Name, p.Max)
		}
		v.Uint = n
	case PropSize:
		n, err := ParseSize(s, 1)
		if err != nil {
			return v, sizeReason(p.Name, s, err)
		}
		v.Uint = n
	default:
		return v, fmt.Sprintf("property '%s' has unknown type %v", p.Name, p.Type)
	}
	return v, ""
}
