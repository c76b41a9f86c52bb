// Package config turns a QEMU command line into a typed Config. It knows the
// option grammar (flags, QemuOpts strings, sizes, booleans) and QEMU's
// defaulting rules, validates every flag and key, and imports no hardware:
// emu/machine builds the machine from the result.
//
// Parse returns either a Config to run, a Listing to print (help, version
// and "help" values such as "-machine help"), or an error. Errors are
// *OptError values whose text is one line in QEMU's style
// ("-smp 4,foo=1: Invalid parameter 'foo'"); the front end prints it after
// its program name and exits with status 1.
package config

import (
	"gemu/accel"
)

// DefaultRAMSize is the RAM size without -m, as QEMU's PC machines use.
const DefaultRAMSize = 128 << 20

// MaxRAMSize is the largest -m accepted: the 40-bit physical address space
// of the default CPU models.
const MaxRAMSize = 1 << 40

// MaxCPUs is the largest -smp cpus/maxcpus accepted (QEMU's limit for pc).
const MaxCPUs = 255

// Config is a parsed command line.
type Config struct {
	// Listing is set when the command line asks for help, a listing or the
	// version: the front end prints Text and exits with Exit. Nothing else
	// in the Config is filled in then.
	Listing *Listing

	Machine Machine
	// Accels is the accelerator fallback order: the machine uses the first
	// one available on the host (-accel, repeated; -machine accel=a:b;
	// -enable-kvm). Default: tcg, as QEMU.
	Accels []Accel
	// IRQChip is where the interrupt controllers live under KVM
	// (-machine kernel-irqchip= or -accel kvm,kernel-irqchip=; default on).
	IRQChip accel.IRQChipMode
	CPU     accel.CPUModel // -cpu; default qemu64
	RAMSize uint64         // -m, in bytes; default 128 MiB
	SMP     SMP
	RTC     RTC    // -rtc
	ICount  ICount // -icount

	Kernel       string   // -kernel
	Initrd       string   // -initrd
	Append       string   // -append: the kernel command line
	BIOS         string   // -bios: firmware image (name or path)
	FirmwareDirs []string // -L, in the order given

	Display   string // "none": gemu has no graphical display
	NoGraphic bool   // -nographic
	// VGA is the graphics card (-vga): "std", "none" (also implied by
	// -nodefaults, as in QEMU), or "" for the machine's default.
	VGA string

	// Chardevs lists every character backend to create: those from
	// -chardev, then those implied by -serial, -monitor, -qmp, -debugcon
	// and the defaults (serial0, compat_monitor0, debugcon, ...).
	Chardevs []ChardevDef
	// Serials are the board's serial ports COM1, COM2, ... in order: each
	// is the ID of an entry in Chardevs.
	Serials []string
	// Monitors are the monitors to start (-monitor, -qmp, -mon and the
	// default "mon:stdio" with -nographic), each on a chardev in Chardevs.
	Monitors []MonitorDef
	// Devices are the -device entries in command-line order, validated
	// against the catalog (Lookup); -debugcon adds an isa-debugcon entry
	// here, as QEMU does.
	Devices []DeviceDef

	NoReboot   bool   // -no-reboot: a guest reset exits instead
	NoShutdown bool   // -no-shutdown: a guest power-off stops the VM instead of exiting
	Freeze     bool   // -S: do not start the vCPUs until the monitor says so
	Name       string // -name guest=
	// ProcessName is -name process=: the name the host shows for the process.
	ProcessName  string
	PIDFile      string // -pidfile
	NoDefaults   bool   // -nodefaults: no default serial, monitor or other default devices
	NoUserConfig bool   // -no-user-config (gemu reads no configuration files anyway)
}

// Listing is output that the front end prints to stdout before exiting with
// status Exit.
type Listing struct {
	Text string
	Exit int
}

// Chardev returns the chardev with the given ID.
func (c *Config) Chardev(id string) (*ChardevDef, bool) {
	for i := range c.Chardevs {
		if c.Chardevs[i].ID == id {
			return &c.Chardevs[i], true
		}
	}
	return nil, false
}

// Machine is the -machine selection.
type Machine struct {
	// Type is the canonical machine name: "pc", "q35" or "microvm"
	// (versioned aliases such as pc-i440fx-7.2 are resolved).
	Type string

	ACPI OnOffAuto // acpi=: ACPI tables (pc, q35, microvm)
	HPET OnOffAuto // hpet= (pc, q35)
	// microvm's optional legacy devices (pic=, pit=, rtc=, isa-serial=,
	// ioapic2=).
	PIC, PIT, RTC, ISASerial, IOAPIC2 OnOffAuto
	// AutoKernelCmdline and OptionROMs are microvm's
	// auto-kernel-cmdline= and x-option-roms= (auto: on).
	AutoKernelCmdline, OptionROMs OnOffAuto
}

// Accel is one accelerator of the fallback list.
type Accel struct {
	Name string // "kvm" or "tcg"
}

// SMP is the CPU topology (-smp), with every value derived: CPUs vCPUs are
// present at start; MaxCPUs = Sockets*Dies*Clusters*Cores*Threads.
type SMP struct {
	CPUs     int
	MaxCPUs  int
	Sockets  int
	Dies     int
	Clusters int
	Cores    int
	Threads  int
}

// MonitorMode is the protocol of a monitor.
type MonitorMode string

const (
	MonitorReadline MonitorMode = "readline" // HMP, the human monitor
	MonitorControl  MonitorMode = "control"  // QMP
)

// MonitorDef is a monitor on a chardev.
type MonitorDef struct {
	Chardev string // ID in Config.Chardevs
	Mode    MonitorMode
	Pretty  bool // QMP replies pretty-printed
}
