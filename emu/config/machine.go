package config

import (
	"fmt"
	"strings"

	"gemu/accel"
)

// MachineType is an entry of -machine help.
type MachineType struct {
	Name    string   // canonical name, the value of Machine.Type
	Aliases []string // other names accepted (versioned QEMU names)
	Desc    string
	Default bool
}

// MachineTypes are the boards -machine accepts.
var MachineTypes = []MachineType{
	{Name: "microvm", Desc: "microvm (i386)"},
	{Name: "pc", Aliases: []string{"pc-i440fx-7.2"}, Desc: "Standard PC (i440FX + PIIX, 1996)", Default: true},
	{Name: "q35", Aliases: []string{"pc-q35-7.2"}, Desc: "Standard PC (Q35 + ICH9, 2009)"},
}

// lookupMachine resolves a machine name or alias.
func lookupMachine(name string) (*MachineType, bool) {
	for i := range MachineTypes {
		m := &MachineTypes[i]
		if m.Name == name {
			return m, true
		}
		for _, a := range m.Aliases {
			if a == name {
				return m, true
			}
		}
	}
	return nil, false
}

func defaultMachine() string {
	for _, m := range MachineTypes {
		if m.Default {
			return m.Name
		}
	}
	return MachineTypes[0].Name
}

func machineHelp() string {
	var b strings.Builder
	b.WriteString("Supported machines are:\n")
	for _, m := range MachineTypes {
		if len(m.Aliases) > 0 {
			fmt.Fprintf(&b, "%-20s %s (alias of %s)\n", m.Name, m.Desc, m.Aliases[0])
			for i, a := range m.Aliases {
				line := fmt.Sprintf("%-20s %s", a, m.Desc)
				if i == 0 && m.Default {
					line += " (default)"
				}
				b.WriteString(line + "\n")
			}
			continue
		}
		line := fmt.Sprintf("%-20s %s", m.Name, m.Desc)
		if m.Default {
			line += " (default)"
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

var machineKeys = []keyHelp{
	{"type", "str", "the machine type (-machine help lists them)"},
	{"accel", "str", "accelerators to try in order, separated by ':' (kvm, tcg)"},
	{"kernel-irqchip", "on|off|split", "where KVM's interrupt controllers live (default on)"},
}

// OnOffAuto is a QEMU OnOffAuto property: auto lets the machine decide.
type OnOffAuto int

const (
	Auto OnOffAuto = iota
	On
	Off
)

func (v OnOffAuto) String() string { return [...]string{"auto", "on", "off"}[v] }

// Enabled resolves auto to def.
func (v OnOffAuto) Enabled(def bool) bool {
	if v == Auto {
		return def
	}
	return v == On
}

// boardKey is a machine property that only some boards have.
type boardKey struct {
	keyHelp
	boards []string
	set    func(m *Machine, o *Opts, key string) error
}

func onOffAutoKey(field func(*Machine) *OnOffAuto) func(*Machine, *Opts, string) error {
	return func(m *Machine, o *Opts, key string) error {
		v, _ := o.String(key)
		switch v {
		case "on", "yes", "true", "":
			*field(m) = On
		case "off", "no", "false":
			*field(m) = Off
		case "auto":
			*field(m) = Auto
		default:
			return o.Err(key, "Parameter '%s' does not accept value '%s'", key, v)
		}
		return nil
	}
}

// boardKeys are the properties of particular boards, as QEMU names them.
var boardKeys = []boardKey{
	{keyHelp{"acpi", "OnOffAuto", "enable ACPI tables (default auto: on)"}, []string{"pc", "q35", "microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.ACPI })},
	{keyHelp{"hpet", "bool", "enable the HPET (default on)"}, []string{"pc", "q35"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.HPET })},
	{keyHelp{"pic", "OnOffAuto", "enable the i8259 PIC pair"}, []string{"microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.PIC })},
	{keyHelp{"pit", "OnOffAuto", "enable the i8254 PIT"}, []string{"microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.PIT })},
	{keyHelp{"rtc", "OnOffAuto", "enable the MC146818 RTC"}, []string{"microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.RTC })},
	{keyHelp{"isa-serial", "bool", "enable the ISA serial port (default on)"}, []string{"microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.ISASerial })},
	{keyHelp{"ioapic2", "OnOffAuto", "enable a second I/O APIC"}, []string{"microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.IOAPIC2 })},
	{keyHelp{"auto-kernel-cmdline", "bool", "add the machine's devices to the kernel command line (default on)"}, []string{"microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.AutoKernelCmdline })},
	{keyHelp{"x-option-roms", "bool", "load option ROMs (default on)"}, []string{"microvm"},
		onOffAutoKey(func(m *Machine) *OnOffAuto { return &m.OptionROMs })},
}

func boardKeyNames() []string {
	var n []string
	for _, k := range boardKeys {
		n = append(n, k.key)
	}
	return n
}

func (k *boardKey) on(board string) bool {
	for _, b := range k.boards {
		if b == board {
			return true
		}
	}
	return false
}

func machineOptionsHelp(m *MachineType) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s options:\n", m.Name)
	for _, k := range machineKeys {
		fmt.Fprintf(&b, "  %-22s - %s\n", k.key+"=<"+k.typ+">", k.desc)
	}
	for _, k := range boardKeys {
		if k.on(m.Name) {
			fmt.Fprintf(&b, "  %-22s - %s\n", k.key+"=<"+k.typ+">", k.desc)
		}
	}
	return b.String()
}

func parseIRQChip(o *Opts) (accel.IRQChipMode, error) {
	v, _ := o.String("kernel-irqchip")
	switch v {
	case "on", "yes", "true":
		return accel.IRQChipKernel, nil
	case "off", "no", "false":
		return accel.IRQChipUser, nil
	case "split":
		return accel.IRQChipSplit, nil
	}
	return 0, o.Err("kernel-irqchip", "Parameter 'kernel-irqchip' expects 'on', 'off' or 'split'")
}

// accelNames are the accelerators gemu has, in -accel help order.
var accelNames = []string{"tcg", "kvm"}

func accelHelp() string {
	return "Accelerators supported in QEMU binary:\n" + strings.Join(accelNames, "\n") + "\n"
}

func validAccel(name string) bool {
	for _, a := range accelNames {
		if a == name {
			return true
		}
	}
	return false
}

func (p *parser) machine(opt, arg string) error {
	o := ParseOpts(opt, "type", arg)
	typ, hasType := o.String("type")
	if hasType && isHelp(typ) {
		p.listing = &Listing{Text: machineHelp()}
		return nil
	}
	var m *MachineType
	if hasType {
		var ok bool
		if m, ok = lookupMachine(typ); !ok {
			return o.Err("type", "unsupported machine type '%s' (-machine help lists them)", typ)
		}
	}
	if o.Help {
		if m == nil {
			m, _ = lookupMachine(p.machineType)
		}
		p.listing = &Listing{Text: machineOptionsHelp(m)}
		return nil
	}
	if err := o.Check(append([]string{"type", "accel", "kernel-irqchip"}, boardKeyNames()...)...); err != nil {
		return err
	}
	if m != nil {
		p.machineType = m.Name
	}
	for i := range boardKeys {
		k := &boardKeys[i]
		if !o.Has(k.key) {
			continue
		}
		if err := k.set(&p.cfg.Machine, o, k.key); err != nil {
			return err
		}
		e := o.Err(k.key, "")
		p.boardKeyUses = append(p.boardKeyUses, boardKeyUse{k, e})
	}
	if o.Has("kernel-irqchip") {
		mode, err := parseIRQChip(o)
		if err != nil {
			return err
		}
		p.irqchip, p.irqchipSet = mode, true
	}
	if list, ok := o.String("accel"); ok {
		var accels []Accel
		for _, a := range strings.Split(list, ":") {
			if a == "" {
				return o.Err("accel", "no accelerator found in '%s'", list)
			}
			if !validAccel(a) {
				return o.Err("accel", "invalid accelerator %s", a)
			}
			accels = append(accels, Accel{Name: a})
		}
		p.machineAccels, p.machineAccelOpt = accels, &OptError{Opt: opt, Arg: arg}
	}
	return nil
}

func (p *parser) accel(opt, arg string) error {
	o := ParseOpts(opt, "accel", arg)
	name := o.StringDefault("accel", "")
	if o.Help || name == "" || isHelp(name) {
		p.listing = &Listing{Text: accelHelp()}
		return nil
	}
	if !validAccel(name) {
		return o.Err("accel", "invalid accelerator %s", name)
	}
	known := []string{"accel"}
	if name == "kvm" {
		known = append(known, "kernel-irqchip")
	}
	if err := o.Check(known...); err != nil {
		return err
	}
	if o.Has("kernel-irqchip") {
		mode, err := parseIRQChip(o)
		if err != nil {
			return err
		}
		p.accelIRQChip, p.accelIRQChipSet = mode, true
	}
	p.accels = append(p.accels, Accel{Name: name})
	if p.accelOpt == nil {
		p.accelOpt = &OptError{Opt: opt, Arg: arg}
	}
	return nil
}

// resolveAccels combines -accel, -machine accel= and -enable-kvm.
func (p *parser) resolveAccels() error {
	if len(p.accels) > 0 && p.machineAccels != nil {
		e := *p.accelOpt
		e.Reason = "The -accel and \"-machine accel=\" options are incompatible"
		return &e
	}
	switch {
	case len(p.accels) > 0:
		p.cfg.Accels = p.accels
	case p.machineAccels != nil:
		p.cfg.Accels = p.machineAccels
	default:
		p.cfg.Accels = []Accel{{Name: "tcg"}}
	}
	p.cfg.IRQChip = accel.IRQChipKernel
	if p.irqchipSet {
		p.cfg.IRQChip = p.irqchip
	}
	if p.accelIRQChipSet {
		p.cfg.IRQChip = p.accelIRQChip
	}
	return nil
}
