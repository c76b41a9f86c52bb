package config

import (
	"fmt"
	"strings"

	"gemu/accel"
)

// flagDef is one command-line flag.
type flagDef struct {
	name    string
	aliases []string
	arg     string // the argument's name in -h; "" for flags without one
	help    string
	apply   func(p *parser, opt, arg string) error
}

// flags lists every flag gemu accepts, in -h order.
var flags []flagDef

func init() {
	flags = []flagDef{
		{name: "h", aliases: []string{"help"}, help: "print this help and exit",
			apply: func(p *parser, _, _ string) error { p.listing = &Listing{Text: usage()}; return nil }},
		{name: "version", help: "print the version and exit",
			apply: func(p *parser, _, _ string) error { p.listing = &Listing{Text: versionText()}; return nil }},
		{name: "machine", aliases: []string{"M"}, arg: "[type=]name[,prop=value[,...]]",
			help:  "select the machine ('-machine help' lists them); accel=kvm:tcg, kernel-irqchip=on|off|split",
			apply: (*parser).machine},
		{name: "accel", arg: "[accel=]name[,prop=value]", help: "add an accelerator to try (kvm, tcg; 'help' lists them); kvm takes kernel-irqchip=on|off|split",
			apply: (*parser).accel},
		{name: "enable-kvm", help: "use KVM (same as -machine accel=kvm)",
			apply: func(p *parser, opt, _ string) error {
				p.machineAccels, p.machineAccelOpt = []Accel{{Name: "kvm"}}, &OptError{Opt: opt}
				return nil
			}},
		{name: "cpu", arg: "model[,+feat][,-feat][,feat=on|off]", help: "select the CPU model and features ('-cpu help' lists them)",
			apply: func(p *parser, opt, arg string) error {
				m, l, err := parseCPU(opt, arg)
				if err != nil || l != nil {
					p.listing = l
					return err
				}
				p.cfg.CPU, p.cpuOpt = m, &OptError{Opt: opt, Arg: arg}
				return nil
			}},
		{name: "smp", arg: "[cpus=]n[,maxcpus=n][,sockets=n][,dies=n][,cores=n][,threads=n]", help: "number of vCPUs and their topology",
			apply: (*parser).smp},
		{name: "m", arg: "[size=]megs", help: "guest RAM size: MiB, or a number with suffix K, M, G, T (default 128M)",
			apply: (*parser).memory},
		{name: "kernel", arg: "bzImage", help: "boot this Linux kernel (or multiboot image) directly",
			apply: pathFlag(func(c *Config) *string { return &c.Kernel })},
		{name: "initrd", arg: "file", help: "initial ram disk for -kernel",
			apply: pathFlag(func(c *Config) *string { return &c.Initrd })},
		{name: "append", arg: "cmdline", help: "kernel command line for -kernel",
			apply: func(p *parser, opt, arg string) error { p.cfg.Append, p.appendSet = arg, true; return nil }},
		{name: "bios", arg: "file", help: "firmware image (searched in the -L directories)",
			apply: pathFlag(func(c *Config) *string { return &c.BIOS })},
		{name: "L", arg: "path", help: "directory to search for firmware; repeatable",
			apply: func(p *parser, opt, arg string) error {
				if arg == "" {
					return &OptError{Opt: opt, Arg: arg, Reason: "empty path"}
				}
				p.cfg.FirmwareDirs = append(p.cfg.FirmwareDirs, arg)
				return nil
			}},
		{name: "nographic", help: "no display; serial port and monitor on the terminal (Ctrl-A h for help)",
			apply: func(p *parser, _, _ string) error { p.cfg.NoGraphic = true; return nil }},
		{name: "display", arg: "none", help: "display backend: gemu has only 'none'",
			apply: (*parser).display},
		{name: "vga", arg: "type", help: "graphics card: std or none (default: the machine's; none with -nodefaults)",
			apply: func(p *parser, opt, arg string) error {
				switch arg {
				case "std", "none":
					p.cfg.VGA = arg
				case "help", "?":
					p.listing = &Listing{Text: "std                  standard VGA\nnone                 no graphics card\n"}
				default:
					return &OptError{Opt: opt, Arg: arg, Reason: fmt.Sprintf("VGA type '%s' is not supported (std, none)", arg)}
				}
				return nil
			}},
		{name: "serial", arg: "dev", help: "connect the next serial port (COM1-COM4) to dev: stdio, null, none, pty, file:PATH, pipe:PATH, tcp:HOST:PORT[,server=on][,wait=off], unix:PATH[,...], mon:DEV, chardev:ID",
			apply: (*parser).serial},
		{name: "chardev", arg: "backend,id=id[,prop=value]", help: "create a character backend (-chardev help lists them)",
			apply: func(p *parser, opt, arg string) error {
				d, l, err := parseChardev(opt, arg)
				if err != nil || l != nil {
					p.listing = l
					return err
				}
				p.userChardevs = append(p.userChardevs, chardevEntry{def: *d, opt: opt, arg: arg})
				return nil
			}},
		{name: "device", arg: "driver[,prop=value][,...]", help: "add a device ('-device help' lists them, '-device driver,help' their properties)",
			apply: func(p *parser, opt, arg string) error {
				d, l, err := parseDevice(opt, arg)
				if err != nil || l != nil {
					p.listing = l
					return err
				}
				p.devices = append(p.devices, deviceEntry{def: *d, opt: opt, arg: arg})
				return nil
			}},
		{name: "debugcon", arg: "dev", help: "connect the debug console port 0xe9 to dev (same forms as -serial)",
			apply: (*parser).debugcon},
		{name: "monitor", arg: "dev", help: "human monitor (HMP) on dev (same forms as -serial; none disables the default)",
			apply: func(p *parser, opt, arg string) error { return p.monitor(opt, arg, MonitorReadline, false) }},
		{name: "qmp", arg: "dev", help: "QMP monitor on dev",
			apply: func(p *parser, opt, arg string) error { return p.monitor(opt, arg, MonitorControl, false) }},
		{name: "qmp-pretty", arg: "dev", help: "QMP monitor on dev, replies pretty-printed",
			apply: func(p *parser, opt, arg string) error { return p.monitor(opt, arg, MonitorControl, true) }},
		{name: "mon", arg: "[chardev=]id[,mode=readline|control][,pretty=on|off]", help: "monitor on an existing chardev",
			apply: (*parser).mon},
		{name: "rtc", arg: "[base=utc|localtime|date][,clock=host|rt|vm][,driftfix=none|slew]", help: "set the RTC's start time, the clock it follows and its lost-tick policy",
			apply: (*parser).rtc},
		{name: "icount", arg: "[shift=N|auto][,align=on|off][,sleep=on|off]", help: "run the virtual clock from the instruction count: 2^N ns per instruction (tcg only)",
			apply: (*parser).icount},
		{name: "no-reboot", help: "exit instead of rebooting when the guest resets",
			apply: func(p *parser, _, _ string) error { p.cfg.NoReboot = true; return nil }},
		{name: "no-shutdown", help: "stop instead of exiting when the guest powers off",
			apply: func(p *parser, _, _ string) error { p.cfg.NoShutdown = true; return nil }},
		{name: "S", help: "do not start the vCPUs at start-up (wait for 'cont' on the monitor)",
			apply: func(p *parser, _, _ string) error { p.cfg.Freeze = true; return nil }},
		{name: "name", arg: "[guest=]name[,process=name]", help: "name the guest (and the host process)",
			apply: (*parser).name},
		{name: "pidfile", arg: "file", help: "write the process ID to file",
			apply: pathFlag(func(c *Config) *string { return &c.PIDFile })},
		{name: "nodefaults", help: "create no default devices (serial port, monitor, ...)",
			apply: func(p *parser, _, _ string) error { p.cfg.NoDefaults = true; return nil }},
		{name: "no-user-config", help: "read no user configuration files (gemu reads none anyway)",
			apply: func(p *parser, _, _ string) error { p.cfg.NoUserConfig = true; return nil }},
	}
}

func pathFlag(field func(c *Config) *string) func(p *parser, opt, arg string) error {
	return func(p *parser, opt, arg string) error {
		if arg == "" {
			return &OptError{Opt: opt, Arg: arg, Reason: "empty file name"}
		}
		*field(&p.cfg) = arg
		return nil
	}
}

func lookupFlag(name string) (*flagDef, bool) {
	for i := range flags {
		f := &flags[i]
		if f.name == name {
			return f, true
		}
		for _, a := range f.aliases {
			if a == name {
				return f, true
			}
		}
	}
	return nil, false
}

// qemuOnlyFlags are QEMU flags gemu does not support (yet); naming them
// gives a clearer error than "invalid option".
var qemuOnlyFlags = map[string]bool{
	"drive": true, "blockdev": true, "hda": true, "hdb": true, "hdc": true, "hdd": true, "cdrom": true,
	"fda": true, "fdb": true, "sd": true, "pflash": true, "mtdblock": true, "snapshot": true,
	"netdev": true, "net": true, "nic": true, "object": true, "global": true, "boot": true,
	"usb": true, "usbdevice": true, "gdb": true, "s": true,
	"d": true, "D": true, "trace": true, "daemonize": true, "readconfig": true, "writeconfig": true,
	"incoming": true, "loadvm": true, "action": true, "watchdog": true, "watchdog-action": true,
	"numa": true, "fsdev": true, "virtfs": true, "audiodev": true, "soundhw": true, "k": true,
	"parallel": true, "vnc": true, "spice": true, "full-screen": true, "g": true, "sandbox": true,
	"msg": true, "overcommit": true, "mem-path": true, "mem-prealloc": true, "uuid": true,
	"smbios": true, "acpitable": true, "fw_cfg": true, "option-rom": true, "plugin": true,
	"semihosting": true, "chroot": true, "runas": true, "run-with": true, "tpmdev": true,
	"iscsi": true, "add-fd": true, "echr": true, "virtioconsole": true, "device-tree": true,
	"dtb": true, "bt": true, "win2k-hack": true, "no-hpet": true, "no-acpi": true, "no-fd-bootchk": true,
	"rtc-td-hack": true, "alt-grab": true, "ctrl-grab": true, "no-quit": true, "portrait": true,
	"rotate": true, "preconfig": true, "compat": true, "mem-merge": true, "xen-domid": true,
	"seed": true, "singlestep": true, "enable-sync-profile": true, "only-migratable": true,
	"nouserconfig": true, "set": true, "machine-opts": true,
}

type chardevEntry struct {
	def      ChardevDef
	opt, arg string
}

type deviceEntry struct {
	def      DeviceDef
	opt, arg string
}

type serialEntry struct {
	opt, arg string
	ref      string      // chardev:ID
	def      *ChardevDef // implied chardev
	monitor  bool        // mon:
}

type monitorEntry struct {
	opt, arg string
	ref      string
	def      *ChardevDef
	mode     MonitorMode
	pretty   bool
}

// parser accumulates flags until the command line has been read.
type parser struct {
	cfg     Config
	listing *Listing

	machineType     string
	boardKeyUses    []boardKeyUse
	irqchip         accel.IRQChipMode
	irqchipSet      bool
	machineAccels   []Accel
	machineAccelOpt *OptError // the flag that set machineAccels, for errors
	accels          []Accel
	accelOpt        *OptError
	accelIRQChip    accel.IRQChipMode
	accelIRQChipSet bool
	cpuOpt          *OptError
	appendSet       bool

	smpOpts    *Opts
	nameOpts   *Opts
	icountOpts *Opts

	userChardevs []chardevEntry
	serials      []serialEntry
	serialGiven  bool
	monitors     []monitorEntry
	monitorGiven bool
	debugcons    []serialEntry
	devices      []deviceEntry
}

// Parse reads a QEMU command line (without the program name). It returns a
// Config whose Listing is set for help, listing and version requests (the
// first one on the line wins, and parsing stops there), or an *OptError.
func Parse(args []string) (*Config, error) {
	p := &parser{machineType: defaultMachine()}
	p.cfg.RAMSize = DefaultRAMSize
	p.cfg.CPU = accel.CPUModel{Name: DefaultCPU}
	p.cfg.Display = "none"
	p.cfg.RTC = RTC{Base: DefaultRTCBase, Clock: RTCClockHost, DriftFix: DriftFixNone}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			return nil, &OptError{Opt: a, Reason: "disk image arguments are not supported; gemu takes options only"}
		}
		name := a[1:]
		if name[0] == '-' {
			name = name[1:]
		}
		opt := "-" + name
		f, ok := lookupFlag(name)
		if !ok {
			if qemuOnlyFlags[name] {
				return nil, &OptError{Opt: opt, Reason: "option not supported by gemu"}
			}
			return nil, &OptError{Opt: a, Reason: "invalid option"}
		}
		var arg string
		if f.arg != "" {
			if i+1 >= len(args) {
				return nil, &OptError{Opt: opt, Reason: "requires an argument"}
			}
			i++
			arg = args[i]
		}
		if err := f.apply(p, opt, arg); err != nil {
			return nil, err
		}
		if p.listing != nil {
			return &Config{Listing: p.listing}, nil
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return &p.cfg, nil
}

func (p *parser) display(opt, arg string) error {
	o := ParseOpts(opt, "type", arg)
	typ := o.StringDefault("type", "")
	if o.Help || isHelp(typ) {
		p.listing = &Listing{Text: "Available display backend types:\nnone\n"}
		return nil
	}
	if typ != "none" {
		return o.Err("type", "Display '%s' is not available: gemu has no graphical display (use -display none or -nographic)", typ)
	}
	if err := o.Check("type"); err != nil {
		return err
	}
	p.cfg.Display = "none"
	return nil
}

func (p *parser) name(opt, arg string) error {
	o := ParseOpts(opt, "guest", arg)
	if o.Help {
		p.listing = &Listing{Text: "name options:\n  guest=<str>            - the guest's name\n  process=<str>          - the host process name\n"}
		return nil
	}
	if err := o.Check("guest", "process"); err != nil {
		return err
	}
	if v, ok := o.String("guest"); ok {
		p.cfg.Name = v
	}
	if v, ok := o.String("process"); ok {
		if v == "" || len(v) > 15 {
			return o.Err("process", "Parameter 'process' expects a name of 1 to 15 bytes")
		}
		p.cfg.ProcessName = v
	}
	return nil
}

// serialSpec parses the argument of -serial or -debugcon: "mon:DEV",
// "chardev:ID" or a chardev shorthand.
func serialSpec(opt, arg string) (serialEntry, error) {
	e := serialEntry{opt: opt, arg: arg}
	spec := arg
	if rest, ok := strings.CutPrefix(spec, "mon:"); ok {
		e.monitor, spec = true, rest
	}
	if id, ok := strings.CutPrefix(spec, "chardev:"); ok {
		if e.monitor {
			return e, &OptError{Opt: opt, Arg: arg, Reason: "mon: cannot be combined with chardev:; use -mon chardev=ID and mux=on"}
		}
		if id == "" {
			return e, &OptError{Opt: opt, Arg: arg, Reason: "chardev: needs an ID"}
		}
		e.ref = id
		return e, nil
	}
	d, err := legacyChardev(opt, spec)
	if err != nil {
		if oe, ok := err.(*OptError); ok {
			oe.Arg = arg
		}
		return e, err
	}
	if e.monitor {
		d.Mux = true
	}
	e.def = d
	return e, nil
}

func (p *parser) serial(opt, arg string) error {
	p.serialGiven = true
	if arg == "none" {
		return nil
	}
	e, err := serialSpec(opt, arg)
	if err != nil {
		return err
	}
	if e.monitor {
		p.monitorGiven = true
	}
	p.serials = append(p.serials, e)
	if len(p.serials) > 4 {
		return &OptError{Opt: opt, Arg: arg, Reason: "too many serial ports: the machine has COM1-COM4"}
	}
	return nil
}

func (p *parser) debugcon(opt, arg string) error {
	if len(p.debugcons) > 0 {
		return &OptError{Opt: opt, Arg: arg, Reason: "-debugcon can be given only once"}
	}
	e, err := serialSpec(opt, arg)
	if err != nil {
		return err
	}
	p.debugcons = append(p.debugcons, e)
	return nil
}

func (p *parser) monitor(opt, arg string, mode MonitorMode, pretty bool) error {
	p.monitorGiven = true
	if arg == "none" {
		return nil
	}
	e := monitorEntry{opt: opt, arg: arg, mode: mode, pretty: pretty}
	if id, ok := strings.CutPrefix(arg, "chardev:"); ok {
		if id == "" {
			return &OptError{Opt: opt, Arg: arg, Reason: "chardev: needs an ID"}
		}
		e.ref = id
	} else {
		d, err := legacyChardev(opt, arg)
		if err != nil {
			return err
		}
		e.def = d
	}
	p.monitors = append(p.monitors, e)
	return nil
}

func (p *parser) mon(opt, arg string) error {
	o := ParseOpts(opt, "chardev", arg)
	if o.Help {
		p.listing = &Listing{Text: "mon options:\n  chardev=<str>          - ID of the chardev (required)\n  mode=<readline|control> - HMP or QMP (default readline)\n  pretty=<bool>          - pretty-print QMP replies (default off)\n"}
		return nil
	}
	if err := o.Check("chardev", "mode", "pretty"); err != nil {
		return err
	}
	id, ok := o.String("chardev")
	if !ok || id == "" {
		return o.Err("chardev", "Parameter 'chardev' is missing")
	}
	mode := MonitorMode(o.StringDefault("mode", string(MonitorReadline)))
	if mode != MonitorReadline && mode != MonitorControl {
		return o.Err("mode", "Parameter 'mode' does not accept value '%s'", mode)
	}
	pretty, err := o.Bool("pretty", false)
	if err != nil {
		return err
	}
	if pretty && mode != MonitorControl {
		return o.Err("pretty", "'pretty' is not compatible with HMP monitors")
	}
	p.monitorGiven = true
	p.monitors = append(p.monitors, monitorEntry{opt: opt, arg: arg, ref: id, mode: mode, pretty: pretty})
	return nil
}

// finish applies QEMU's defaults and the checks that need the whole line.
func (p *parser) finish() error {
	c := &p.cfg
	c.Machine.Type = p.machineType
	for _, u := range p.boardKeyUses {
		if !u.key.on(c.Machine.Type) {
			e := *u.err
			e.Reason = fmt.Sprintf("Property '%s-machine.%s' not found", c.Machine.Type, u.key.key)
			return &e
		}
	}
	if err := p.resolveAccels(); err != nil {
		return err
	}
	if c.CPU.Name == "host" && !hasAccel(c.Accels, "kvm") {
		e := *p.cpuOpt
		e.Reason = "CPU model 'host' requires KVM (add -accel kvm or -enable-kvm)"
		return &e
	}
	if err := p.resolveSMP(); err != nil {
		return err
	}
	if err := p.resolveICount(); err != nil {
		return err
	}
	if c.VGA == "" && c.NoDefaults {
		c.VGA = "none"
	}
	if c.Kernel == "" {
		if c.Initrd != "" {
			return &OptError{Opt: "-initrd", Arg: c.Initrd, Reason: "-initrd is only allowed with -kernel"}
		}
		if p.appendSet {
			return &OptError{Opt: "-append", Arg: c.Append, Reason: "-append is only allowed with -kernel"}
		}
	}
	return p.resolveChardevs()
}

type boardKeyUse struct {
	key *boardKey
	err *OptError
}

func hasAccel(list []Accel, name string) bool {
	for _, a := range list {
		if a.Name == name {
			return true
		}
	}
	return false
}

// resolveChardevs applies QEMU's defaults for the serial port and monitor,
// names the implied chardevs, and checks references and sharing.
func (p *parser) resolveChardevs() error {
	c := &p.cfg
	defaultSerial := !c.NoDefaults && !p.serialGiven
	defaultMonitor := !c.NoDefaults && !p.monitorGiven
	serials := p.serials
	monitors := p.monitors
	if c.NoGraphic {
		switch {
		case defaultSerial && defaultMonitor:
			serials = append(serials, serialEntry{opt: "-nographic", arg: "", monitor: true,
				def: &ChardevDef{Backend: "stdio", Signal: true, Mux: true}})
		default:
			if defaultSerial {
				serials = append(serials, serialEntry{opt: "-nographic", def: &ChardevDef{Backend: "stdio", Signal: true}})
			}
			if defaultMonitor {
				monitors = append(monitors, monitorEntry{opt: "-nographic", mode: MonitorReadline,
					def: &ChardevDef{Backend: "stdio", Signal: true}})
			}
		}
	} else if defaultSerial {
		// QEMU's default serial port is a text console of the display;
		// without one its output goes nowhere. The default monitor on such
		// a console could not be reached at all, so none is created.
		serials = append(serials, serialEntry{opt: "-serial", arg: "vc", def: &ChardevDef{Backend: "vc"}})
	}

	ids := map[string]int{} // chardev ID -> index in c.Chardevs
	c.Chardevs = nil
	for _, e := range p.userChardevs {
		if _, dup := ids[e.def.ID]; dup {
			return &OptError{Opt: e.opt, Arg: e.arg, Key: "id", Reason: fmt.Sprintf("Duplicate ID '%s' for chardev", e.def.ID)}
		}
		ids[e.def.ID] = len(c.Chardevs)
		c.Chardevs = append(c.Chardevs, e.def)
	}
	add := func(opt, arg, id string, d *ChardevDef) error {
		if _, dup := ids[id]; dup {
			return &OptError{Opt: opt, Arg: arg, Reason: fmt.Sprintf("Duplicate ID '%s' for chardev", id)}
		}
		def := *d
		def.ID = id
		ids[id] = len(c.Chardevs)
		c.Chardevs = append(c.Chardevs, def)
		return nil
	}
	users := map[string]int{}
	use := func(opt, arg, id string) error {
		i, ok := ids[id]
		if !ok {
			return &OptError{Opt: opt, Arg: arg, Reason: fmt.Sprintf("chardev '%s' not found", id)}
		}
		users[id]++
		if users[id] > 1 && !c.Chardevs[i].Mux {
			return &OptError{Opt: opt, Arg: arg, Reason: fmt.Sprintf("Device '%s' is in use (add mux=on to share a chardev)", id)}
		}
		return nil
	}

	c.Serials = nil
	for i, e := range serials {
		id := e.ref
		if e.def != nil {
			id = fmt.Sprintf("serial%d", i)
			if err := add(e.opt, e.arg, id, e.def); err != nil {
				return err
			}
		}
		if err := use(e.opt, e.arg, id); err != nil {
			return err
		}
		c.Serials = append(c.Serials, id)
		if e.monitor {
			c.Monitors = append(c.Monitors, MonitorDef{Chardev: id, Mode: MonitorReadline})
			users[id]++
		}
	}
	for _, e := range p.debugcons {
		id := e.ref
		if e.def != nil {
			id = "debugcon"
			if err := add(e.opt, e.arg, id, e.def); err != nil {
				return err
			}
		}
		if e.monitor {
			c.Monitors = append(c.Monitors, MonitorDef{Chardev: id, Mode: MonitorReadline})
			users[id]++
		}
		d, _, err := parseDevice(e.opt, "isa-debugcon,chardev="+strings.ReplaceAll(id, ",", ",,"))
		if err != nil {
			return &OptError{Opt: e.opt, Arg: e.arg, Reason: err.(*OptError).Reason}
		}
		d.Arg = e.arg
		p.devices = append(p.devices, deviceEntry{opt: e.opt, arg: e.arg, def: *d})
	}
	compat := 0
	for _, e := range monitors {
		id := e.ref
		if e.def != nil {
			id = fmt.Sprintf("compat_monitor%d", compat)
			compat++
			if err := add(e.opt, e.arg, id, e.def); err != nil {
				return err
			}
		}
		if err := use(e.opt, e.arg, id); err != nil {
			return err
		}
		c.Monitors = append(c.Monitors, MonitorDef{Chardev: id, Mode: e.mode, Pretty: e.pretty})
	}

	if err := p.resolveDevices(use); err != nil {
		return err
	}

	// One process has one stdin: QEMU refuses a second stdio chardev.
	stdio := 0
	for i := range c.Chardevs {
		if c.Chardevs[i].Backend == "stdio" {
			stdio++
			if stdio > 1 {
				opt, arg := p.originOf(c.Chardevs[i].ID)
				return &OptError{Opt: opt, Arg: arg, Reason: "cannot use stdio by multiple character devices"}
			}
		}
	}
	return nil
}

// originOf finds the flag that created chardev id, for error messages.
func (p *parser) originOf(id string) (string, string) {
	for _, e := range p.userChardevs {
		if e.def.ID == id {
			return e.opt, e.arg
		}
	}
	switch {
	case strings.HasPrefix(id, "serial"):
		var n int
		if _, err := fmt.Sscanf(id, "serial%d", &n); err == nil && n < len(p.serials) {
			return p.serials[n].opt, p.serials[n].arg
		}
		return "-nographic", ""
	case id == "debugcon" && len(p.debugcons) > 0:
		return p.debugcons[0].opt, p.debugcons[0].arg
	case strings.HasPrefix(id, "compat_monitor"):
		var n int
		fmt.Sscanf(id, "compat_monitor%d", &n)
		k := 0
		for _, m := range p.monitors {
			if m.def != nil {
				if k == n {
					return m.opt, m.arg
				}
				k++
			}
		}
		return "-nographic", ""
	}
	return "", ""
}

// resolveDevices checks the devices' chardev references, gives isa-serial
// devices their port index (the lowest one not taken by -serial or another
// isa-serial) and checks duplicate IDs.
func (p *parser) resolveDevices(use func(opt, arg, id string) error) error {
	c := &p.cfg
	c.Devices = nil
	ids := map[string]bool{}
	taken := map[uint64]bool{}
	for i := range c.Serials {
		taken[uint64(i)] = true
	}
	for i := range p.devices {
		e := &p.devices[i]
		if e.def.ID != "" {
			if ids[e.def.ID] {
				return &OptError{Opt: e.opt, Arg: e.arg, Key: "id", Reason: fmt.Sprintf("Duplicate ID '%s' for device", e.def.ID)}
			}
			ids[e.def.ID] = true
		}
		for _, pv := range e.def.Props {
			if pv.Type == PropChardev {
				if err := use(e.opt, e.arg, pv.Str); err != nil {
					err.(*OptError).Key = pv.Name
					return err
				}
			}
		}
		if e.def.Driver == "isa-serial" {
			if idx, ok := e.def.Uint("index"); ok {
				if taken[idx] {
					return &OptError{Opt: e.opt, Arg: e.arg, Key: "index", Reason: fmt.Sprintf("isa-serial index %d (COM%d) is already in use", idx, idx+1)}
				}
				taken[idx] = true
			}
		}
	}
	for i := range p.devices {
		e := &p.devices[i]
		if e.def.Driver == "isa-serial" && !e.def.Explicit("index") {
			idx := uint64(0)
			for taken[idx] {
				idx++
			}
			if idx > 3 {
				return &OptError{Opt: e.opt, Arg: e.arg, Reason: "Max. supported number of ISA serial ports is 4."}
			}
			taken[idx] = true
			e.def.set(PropValue{Name: "index", Type: PropUint, Uint: idx})
			t, _ := LookupDevice("isa-serial")
			d := &e.def
			sortProps(t, d)
		}
		c.Devices = append(c.Devices, e.def)
	}
	return nil
}

func sortProps(t *DeviceType, d *DeviceDef) {
	props := d.Props
	for i := 1; i < len(props); i++ {
		for j := i; j > 0 && propIndex(t, props[j].Name) < propIndex(t, props[j-1].Name); j-- {
			props[j], props[j-1] = props[j-1], props[j]
		}
	}
}
