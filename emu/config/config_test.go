package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
)

// base is the Config of an empty command line.
func base() Config {
	return Config{
		Machine:  Machine{Type: "pc"},
		Accels:   []Accel{{Name: "tcg"}},
		IRQChip:  accel.IRQChipKernel,
		CPU:      accel.CPUModel{Name: "qemu64"},
		RAMSize:  128 << 20,
		SMP:      SMP{CPUs: 1, MaxCPUs: 1, Sockets: 1, Dies: 1, Clusters: 1, Cores: 1, Threads: 1},
		RTC:      RTC{Base: "utc", Clock: RTCClockHost, DriftFix: DriftFixNone},
		ICount:   ICount{Sleep: true},
		Display:  "none",
		Chardevs: []ChardevDef{{ID: "serial0", Backend: "vc"}},
		Serials:  []string{"serial0"},
	}
}

func parseOK(t *testing.T, args ...string) *Config {
	t.Helper()
	c, err := Parse(args)
	if err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	return c
}

func TestParse(t *testing.T) {
	monStdio := ChardevDef{ID: "serial0", Backend: "stdio", Signal: true, Mux: true}
	noSerial := func(c *Config) { c.Chardevs, c.Serials = nil, nil }
	for _, tc := range []struct {
		name string
		args string // split on spaces
		want func(c *Config)
	}{
		{"empty", "", func(c *Config) {}},
		{"machine implied type", "-machine q35", func(c *Config) { c.Machine.Type = "q35" }},
		{"machine alias -M", "-M microvm", func(c *Config) { c.Machine.Type = "microvm" }},
		{"machine versioned name", "-machine pc-i440fx-7.2", func(c *Config) {}},
		{"machine type= and accel", "-machine type=pc,accel=kvm", func(c *Config) { c.Accels = []Accel{{Name: "kvm"}} }},
		{"machine accel fallback list", "-machine accel=kvm:tcg", func(c *Config) { c.Accels = []Accel{{Name: "kvm"}, {Name: "tcg"}} }},
		{"machine kernel-irqchip split", "-machine pc,kernel-irqchip=split", func(c *Config) { c.IRQChip = accel.IRQChipSplit }},
		{"machine kernel-irqchip off", "-machine kernel-irqchip=off", func(c *Config) { c.IRQChip = accel.IRQChipUser }},
		{"machine merged, last wins", "-machine q35 -machine kernel-irqchip=split -machine pc", func(c *Config) { c.IRQChip = accel.IRQChipSplit }},
		{"double dash", "--machine q35 --m 256", func(c *Config) { c.Machine.Type = "q35"; c.RAMSize = 256 << 20 }},
		{"accel kvm", "-accel kvm", func(c *Config) { c.Accels = []Accel{{Name: "kvm"}} }},
		{"accel repeated is fallback order", "-accel kvm -accel tcg", func(c *Config) { c.Accels = []Accel{{Name: "kvm"}, {Name: "tcg"}} }},
		{"accel explicit key", "-accel accel=tcg", func(c *Config) {}},
		{"accel kvm kernel-irqchip", "-accel kvm,kernel-irqchip=split", func(c *Config) { c.Accels = []Accel{{Name: "kvm"}}; c.IRQChip = accel.IRQChipSplit }},
		{"accel irqchip beats machine's", "-machine kernel-irqchip=off -accel kvm,kernel-irqchip=on", func(c *Config) { c.Accels = []Accel{{Name: "kvm"}} }},
		{"enable-kvm", "-enable-kvm", func(c *Config) { c.Accels = []Accel{{Name: "kvm"}} }},
		{"machine accel after enable-kvm wins", "-enable-kvm -machine accel=tcg", func(c *Config) {}},
		{"cpu model", "-cpu kvm64", func(c *Config) { c.CPU.Name = "kvm64" }},
		{"cpu host with kvm", "-enable-kvm -cpu host,-arch-capabilities", func(c *Config) {
			c.Accels = []Accel{{Name: "kvm"}}
			c.CPU = accel.CPUModel{Name: "host", Changes: []accel.FeatureChange{{Name: "arch-capabilities", On: false}}}
		}},
		{"cpu features, QEMU order", "-cpu qemu64,-x2apic,+sse4_2,popcnt=on,avx=off,ssse3", func(c *Config) {
			c.CPU = accel.CPUModel{Name: "qemu64", Changes: []accel.FeatureChange{
				{Name: "popcnt", On: true}, {Name: "avx", On: false}, {Name: "ssse3", On: true},
				{Name: "sse4.2", On: true}, {Name: "x2apic", On: false},
			}}
		}},
		{"cpu last wins", "-cpu kvm64 -cpu max", func(c *Config) { c.CPU.Name = "max" }},
		{"m in MiB", "-m 512", func(c *Config) { c.RAMSize = 512 << 20 }},
		{"m with suffix", "-m 2G", func(c *Config) { c.RAMSize = 2 << 30 }},
		{"m size= key", "-m size=1g", func(c *Config) { c.RAMSize = 1 << 30 }},
		{"m size= digits are MiB", "-m size=64", func(c *Config) { c.RAMSize = 64 << 20 }},
		{"m bytes rounded to 8K", "-m 1000b", func(c *Config) { c.RAMSize = 8192 }},
		{"m fraction", "-m 1.5G", func(c *Config) { c.RAMSize = 3 << 29 }},
		{"m zero is default", "-m 0", func(c *Config) {}},
		{"m last wins", "-m 64 -m 256M", func(c *Config) { c.RAMSize = 256 << 20 }},
		{"smp cpus", "-smp 4", func(c *Config) {
			c.SMP = SMP{CPUs: 4, MaxCPUs: 4, Sockets: 1, Dies: 1, Clusters: 1, Cores: 4, Threads: 1}
		}},
		{"smp full", "-smp 4,sockets=1,cores=2,threads=2", func(c *Config) {
			c.SMP = SMP{CPUs: 4, MaxCPUs: 4, Sockets: 1, Dies: 1, Clusters: 1, Cores: 2, Threads: 2}
		}},
		{"smp sockets derive cores", "-smp 4,sockets=2", func(c *Config) {
			c.SMP = SMP{CPUs: 4, MaxCPUs: 4, Sockets: 2, Dies: 1, Clusters: 1, Cores: 2, Threads: 1}
		}},
		{"smp threads derive cores", "-smp 4,threads=2", func(c *Config) {
			c.SMP = SMP{CPUs: 4, MaxCPUs: 4, Sockets: 1, Dies: 1, Clusters: 1, Cores: 2, Threads: 2}
		}},
		{"smp cores derive sockets", "-smp 8,cores=2", func(c *Config) {
			c.SMP = SMP{CPUs: 8, MaxCPUs: 8, Sockets: 4, Dies: 1, Clusters: 1, Cores: 2, Threads: 1}
		}},
		{"smp no cpus", "-smp sockets=2,cores=3", func(c *Config) {
			c.SMP = SMP{CPUs: 6, MaxCPUs: 6, Sockets: 2, Dies: 1, Clusters: 1, Cores: 3, Threads: 1}
		}},
		{"smp maxcpus", "-smp 8,maxcpus=16", func(c *Config) {
			c.SMP = SMP{CPUs: 8, MaxCPUs: 16, Sockets: 1, Dies: 1, Clusters: 1, Cores: 16, Threads: 1}
		}},
		{"smp maxcpus only", "-smp maxcpus=8,sockets=2", func(c *Config) {
			c.SMP = SMP{CPUs: 8, MaxCPUs: 8, Sockets: 2, Dies: 1, Clusters: 1, Cores: 4, Threads: 1}
		}},
		{"smp dies", "-smp 4,dies=2", func(c *Config) {
			c.SMP = SMP{CPUs: 4, MaxCPUs: 4, Sockets: 1, Dies: 2, Clusters: 1, Cores: 2, Threads: 1}
		}},
		{"smp threads derived last", "-smp 6,sockets=2,cores=3", func(c *Config) {
			c.SMP = SMP{CPUs: 6, MaxCPUs: 6, Sockets: 2, Dies: 1, Clusters: 1, Cores: 3, Threads: 1}
		}},
		{"smp only threads", "-smp threads=2", func(c *Config) {
			c.SMP = SMP{CPUs: 2, MaxCPUs: 2, Sockets: 1, Dies: 1, Clusters: 1, Cores: 1, Threads: 2}
		}},
		{"smp merged", "-smp 4 -smp sockets=2", func(c *Config) {
			c.SMP = SMP{CPUs: 4, MaxCPUs: 4, Sockets: 2, Dies: 1, Clusters: 1, Cores: 2, Threads: 1}
		}},
		{"smp 255", "-smp 255", func(c *Config) {
			c.SMP = SMP{CPUs: 255, MaxCPUs: 255, Sockets: 1, Dies: 1, Clusters: 1, Cores: 255, Threads: 1}
		}},
		{"smp clusters=1", "-smp 2,clusters=1", func(c *Config) {
			c.SMP = SMP{CPUs: 2, MaxCPUs: 2, Sockets: 1, Dies: 1, Clusters: 1, Cores: 2, Threads: 1}
		}},
		{"kernel initrd append", "-kernel bz -initrd rd.img -append console=ttyS0", func(c *Config) {
			c.Kernel, c.Initrd, c.Append = "bz", "rd.img", "console=ttyS0"
		}},
		{"append keeps commas", "-kernel k -append a,b=c,,d", func(c *Config) { c.Kernel, c.Append = "k", "a,b=c,,d" }},
		{"append empty", "-kernel k -append", func(c *Config) { c.Kernel = "k" }},
		{"bios and -L", "-bios bios.bin -L /a -L /b", func(c *Config) { c.BIOS = "bios.bin"; c.FirmwareDirs = []string{"/a", "/b"} }},
		{"nographic defaults to mon:stdio", "-nographic", func(c *Config) {
			c.NoGraphic = true
			c.Chardevs = []ChardevDef{monStdio}
			c.Monitors = []MonitorDef{{Chardev: "serial0", Mode: MonitorReadline}}
		}},
		{"nographic with -serial: monitor on stdio", "-nographic -serial null", func(c *Config) {
			c.NoGraphic = true
			c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "null"}, {ID: "compat_monitor0", Backend: "stdio", Signal: true}}
			c.Monitors = []MonitorDef{{Chardev: "compat_monitor0", Mode: MonitorReadline}}
		}},
		{"nographic with -monitor none: serial on stdio", "-nographic -monitor none", func(c *Config) {
			c.NoGraphic = true
			c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "stdio", Signal: true}}
		}},
		{"nographic -serial mon:stdio", "-nographic -serial mon:stdio", func(c *Config) {
			c.NoGraphic = true
			c.Chardevs = []ChardevDef{monStdio}
			c.Monitors = []MonitorDef{{Chardev: "serial0", Mode: MonitorReadline}}
		}},
		{"nographic nodefaults", "-nographic -nodefaults", func(c *Config) { noSerial(c); c.NoGraphic, c.NoDefaults, c.VGA = true, true, "none" }},
		{"nodefaults", "-nodefaults", func(c *Config) { noSerial(c); c.NoDefaults, c.VGA = true, "none" }},
		{"display none", "-display none", func(c *Config) {}},
		{"serial stdio", "-serial stdio", func(c *Config) { c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "stdio", Signal: true}} }},
		{"serial none", "-serial none", noSerial},
		{"serial none takes no port", "-serial none -serial null", func(c *Config) { c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "null"}} }},
		{"serial file", "-serial file:/tmp/a,b", func(c *Config) { c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "file", Path: "/tmp/a,b"}} }},
		{"serial pty", "-serial pty", func(c *Config) { c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "pty"}} }},
		{"serial pipe", "-serial pipe:/tmp/p", func(c *Config) { c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "pipe", Path: "/tmp/p"}} }},
		{"serial vc geometry", "-serial vc:80Cx24C", func(c *Config) {}},
		{"serial four ports", "-serial null -serial stdio -serial file:x -serial null", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "null"}, {ID: "serial1", Backend: "stdio", Signal: true},
				{ID: "serial2", Backend: "file", Path: "x"}, {ID: "serial3", Backend: "null"}}
			c.Serials = []string{"serial0", "serial1", "serial2", "serial3"}
		}},
		{"serial tcp server", "-serial tcp::4444,server=on,wait=off", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "socket", Port: 4444, Server: true}}
		}},
		{"serial tcp short booleans", "-serial tcp:127.0.0.1:4444,server,nowait,nodelay", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "socket", Host: "127.0.0.1", Port: 4444, Server: true, NoDelay: true}}
		}},
		{"serial tcp ipv6 client", "-serial tcp:[::1]:23", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "socket", Host: "::1", Port: 23}}
		}},
		{"serial unix server waits", "-serial unix:/tmp/s.sock,server=on", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "serial0", Backend: "socket", Path: "/tmp/s.sock", Server: true, Wait: true}}
		}},
		{"serial chardev ref", "-chardev null,id=c0 -serial chardev:c0", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "c0", Backend: "null"}}
			c.Serials = []string{"c0"}
		}},
		{"serial chardev ref before definition", "-serial chardev:c0 -chardev file,id=c0,path=out.txt,append=on", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "c0", Backend: "file", Path: "out.txt", Append: true}}
			c.Serials = []string{"c0"}
		}},
		{"chardev stdio signal off", "-chardev stdio,id=con,signal=off,mux=on -serial chardev:con -mon chardev=con", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "con", Backend: "stdio", Mux: true}}
			c.Serials = []string{"con"}
			c.Monitors = []MonitorDef{{Chardev: "con", Mode: MonitorReadline}}
		}},
		{"chardev socket full", "-chardev socket,id=s,host=localhost,port=5555,server=on,wait=off,delay=off,telnet=off,logfile=/tmp/l,logappend=on", func(c *Config) {
			c.Chardevs = append([]ChardevDef{{ID: "s", Backend: "socket", Host: "localhost", Port: 5555, Server: true, NoDelay: true, LogFile: "/tmp/l", LogAppend: true}}, c.Chardevs...)
		}},
		{"chardev unix client", "-chardev socket,id=s,path=/tmp/x.sock", func(c *Config) {
			c.Chardevs = append([]ChardevDef{{ID: "s", Backend: "socket", Path: "/tmp/x.sock"}}, c.Chardevs...)
		}},
		{"chardev backend= key", "-chardev backend=null,id=n", func(c *Config) {
			c.Chardevs = append([]ChardevDef{{ID: "n", Backend: "null"}}, c.Chardevs...)
		}},
		{"monitor and qmp", "-monitor stdio -qmp tcp::4444,server=on,wait=off -qmp-pretty unix:/tmp/q,server=on,wait=off", func(c *Config) {
			c.Chardevs = append(c.Chardevs,
				ChardevDef{ID: "compat_monitor0", Backend: "stdio", Signal: true},
				ChardevDef{ID: "compat_monitor1", Backend: "socket", Port: 4444, Server: true},
				ChardevDef{ID: "compat_monitor2", Backend: "socket", Path: "/tmp/q", Server: true})
			c.Monitors = []MonitorDef{{Chardev: "compat_monitor0", Mode: MonitorReadline},
				{Chardev: "compat_monitor1", Mode: MonitorControl}, {Chardev: "compat_monitor2", Mode: MonitorControl, Pretty: true}}
		}},
		{"mon control pretty", "-chardev socket,id=q,path=/tmp/q,server=on,wait=off -mon chardev=q,mode=control,pretty=on", func(c *Config) {
			c.Chardevs = append([]ChardevDef{{ID: "q", Backend: "socket", Path: "/tmp/q", Server: true}}, c.Chardevs...)
			c.Monitors = []MonitorDef{{Chardev: "q", Mode: MonitorControl, Pretty: true}}
		}},
		{"device isa-debug-exit defaults", "-device isa-debug-exit", func(c *Config) {
			c.Devices = []DeviceDef{{Driver: "isa-debug-exit", Arg: "isa-debug-exit", Props: []PropValue{
				{Name: "iobase", Type: PropUint, Uint: 0x501}, {Name: "iosize", Type: PropUint, Uint: 2}}}}
		}},
		{"device isa-debug-exit props", "-device isa-debug-exit,iobase=0xf4,iosize=0x04,id=exit", func(c *Config) {
			c.Devices = []DeviceDef{{Driver: "isa-debug-exit", ID: "exit", Arg: "isa-debug-exit,iobase=0xf4,iosize=0x04,id=exit", Props: []PropValue{
				{Name: "iobase", Type: PropUint, Uint: 0xf4, Explicit: true}, {Name: "iosize", Type: PropUint, Uint: 4, Explicit: true}}}}
		}},
		{"device isa-serial gets the next free index", "-serial null -chardev null,id=c -device isa-serial,chardev=c,id=com2", func(c *Config) {
			c.Chardevs = []ChardevDef{{ID: "c", Backend: "null"}, {ID: "serial0", Backend: "null"}}
			c.Devices = []DeviceDef{{Driver: "isa-serial", ID: "com2", Arg: "isa-serial,chardev=c,id=com2", Props: []PropValue{
				{Name: "chardev", Type: PropChardev, Str: "c", Explicit: true}, {Name: "index", Type: PropUint, Uint: 1}}}}
		}},
		{"device isa-serial explicit", "-nodefaults -device isa-serial,index=3,iobase=0x2e8,irq=3", func(c *Config) {
			noSerial(c)
			c.NoDefaults, c.VGA = true, "none"
			c.Devices = []DeviceDef{{Driver: "isa-serial", Arg: "isa-serial,index=3,iobase=0x2e8,irq=3", Props: []PropValue{
				{Name: "index", Type: PropUint, Uint: 3, Explicit: true}, {Name: "iobase", Type: PropUint, Uint: 0x2e8, Explicit: true},
				{Name: "irq", Type: PropUint, Uint: 3, Explicit: true}}}}
		}},
		{"device isa-debugcon", "-chardev file,id=d,path=dbg.log -device isa-debugcon,chardev=d,iobase=0x402", func(c *Config) {
			c.Chardevs = append([]ChardevDef{{ID: "d", Backend: "file", Path: "dbg.log"}}, c.Chardevs...)
			c.Devices = []DeviceDef{{Driver: "isa-debugcon", Arg: "isa-debugcon,chardev=d,iobase=0x402", Props: []PropValue{
				{Name: "chardev", Type: PropChardev, Str: "d", Explicit: true}, {Name: "iobase", Type: PropUint, Uint: 0x402, Explicit: true}}}}
		}},
		{"debugcon", "-debugcon file:debug.log", func(c *Config) {
			c.Chardevs = append(c.Chardevs, ChardevDef{ID: "debugcon", Backend: "file", Path: "debug.log"})
			c.Devices = []DeviceDef{{Driver: "isa-debugcon", Arg: "file:debug.log", Props: []PropValue{
				{Name: "chardev", Type: PropChardev, Str: "debugcon", Explicit: true}, {Name: "iobase", Type: PropUint, Uint: 0xe9}}}}
		}},
		{"debugcon stdio", "-nodefaults -debugcon stdio", func(c *Config) {
			c.NoDefaults, c.VGA = true, "none"
			c.Serials = nil
			c.Chardevs = []ChardevDef{{ID: "debugcon", Backend: "stdio", Signal: true}}
			c.Devices = []DeviceDef{{Driver: "isa-debugcon", Arg: "stdio", Props: []PropValue{
				{Name: "chardev", Type: PropChardev, Str: "debugcon", Explicit: true}, {Name: "iobase", Type: PropUint, Uint: 0xe9}}}}
		}},
		{"booleans", "-no-reboot -no-shutdown -S -no-user-config", func(c *Config) {
			c.NoReboot, c.NoShutdown, c.Freeze, c.NoUserConfig = true, true, true, true
		}},
		{"name plain", "-name vm1", func(c *Config) { c.Name = "vm1" }},
		{"name guest and process", "-name guest=vm1,process=gemu-vm1", func(c *Config) { c.Name, c.ProcessName = "vm1", "gemu-vm1" }},
		{"name with escaped comma", "-name a,,b", func(c *Config) { c.Name = "a,b" }},
		{"pidfile", "-pidfile /run/g.pid", func(c *Config) { c.PIDFile = "/run/g.pid" }},
		{"vga none", "-vga none", func(c *Config) { c.VGA = "none" }},
		{"vga std last wins", "-vga none -vga std", func(c *Config) { c.VGA = "std" }},
		{"nodefaults vga std", "-nodefaults -vga std", func(c *Config) { noSerial(c); c.NoDefaults, c.VGA = true, "std" }},
		{"rtc base localtime", "-rtc base=localtime", func(c *Config) { c.RTC.Base = "localtime" }},
		{"rtc base date", "-rtc base=2006-06-17", func(c *Config) { c.RTC.Base = "2006-06-17" }},
		{"rtc base date and time", "-rtc base=2006-06-17T16:01:21", func(c *Config) { c.RTC.Base = "2006-06-17T16:01:21" }},
		{"rtc base leap day", "-rtc base=2024-02-29T23:59:59", func(c *Config) { c.RTC.Base = "2024-02-29T23:59:59" }},
		{"rtc base year 9999", "-rtc base=9999-12-31", func(c *Config) { c.RTC.Base = "9999-12-31" }},
		{"rtc all keys", "-rtc base=utc,clock=vm,driftfix=slew", func(c *Config) {
			c.RTC = RTC{Base: "utc", Clock: RTCClockVM, DriftFix: DriftFixSlew}
		}},
		{"rtc clock rt", "-rtc clock=rt", func(c *Config) { c.RTC.Clock = RTCClockRT }},
		{"rtc clock host driftfix none", "-rtc clock=host,driftfix=none", func(c *Config) {}},
		{"rtc merged, last wins", "-rtc base=localtime,clock=vm -rtc base=2000-01-01 -rtc driftfix=slew", func(c *Config) {
			c.RTC = RTC{Base: "2000-01-01", Clock: RTCClockVM, DriftFix: DriftFixSlew}
		}},
		{"icount implied shift", "-icount 3", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 3, Sleep: true} }},
		{"icount shift 0 sleep off", "-icount shift=0,sleep=off", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 0} }},
		{"icount shift 10 align", "-icount shift=10,align=on", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 10, Align: true, Sleep: true} }},
		{"icount hex shift", "-icount shift=0xa", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 10, Sleep: true} }},
		{"icount octal shift", "-icount shift=07", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 7, Sleep: true} }},
		{"icount auto", "-icount shift=auto", func(c *Config) { c.ICount = ICount{Enabled: true, Auto: true, Shift: AutoICountShift, Sleep: true} }},
		{"icount auto align", "-icount auto,align=on", func(c *Config) {
			c.ICount = ICount{Enabled: true, Auto: true, Shift: AutoICountShift, Align: true, Sleep: true}
		}},
		{"icount auto sleep off", "-icount auto,sleep=off", func(c *Config) { c.ICount = ICount{Enabled: true, Auto: true, Shift: AutoICountShift} }},
		{"icount short boolean align", "-icount 1,align", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 1, Align: true, Sleep: true} }},
		{"icount short boolean nosleep", "-icount 1,nosleep", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 1} }},
		{"icount merged, last wins", "-icount 1 -icount sleep=off -icount shift=2", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 2} }},
		{"icount without shift is off", "-icount sleep=off", func(c *Config) { c.ICount = ICount{} }},
		{"icount with tcg fallback", "-accel kvm -accel tcg -icount 0", func(c *Config) {
			c.Accels = []Accel{{Name: "kvm"}, {Name: "tcg"}}
			c.ICount = ICount{Enabled: true, Sleep: true}
		}},
		{"icount with machine accel", "-machine accel=tcg -icount 4", func(c *Config) { c.ICount = ICount{Enabled: true, Shift: 4, Sleep: true} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			if tc.args != "" {
				args = strings.Split(tc.args, " ")
			}
			if tc.name == "append empty" {
				args = append(args, "")
			}
			got := parseOK(t, args...)
			want := base()
			tc.want(&want)
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", args, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		args string // split on spaces; "\x00" separates arguments that contain spaces
		want string // the whole message
		key  string
	}{
		{"-bogus", "-bogus: invalid option", ""},
		{"--bogus", "--bogus: invalid option", ""},
		{"-nographic=1", "-nographic=1: invalid option", ""},
		{"-drive file=x", "-drive: option not supported by gemu", ""},
		{"disk.img", "disk.img: disk image arguments are not supported; gemu takes options only", ""},
		{"-", "-: disk image arguments are not supported; gemu takes options only", ""},
		{"-kernel", "-kernel: requires an argument", ""},
		{"-m", "-m: requires an argument", ""},
		{"-machine bogus", "-machine bogus: unsupported machine type 'bogus' (-machine help lists them)", "type"},
		{"-machine pc,foo=1", "-machine pc,foo=1: Invalid parameter 'foo'", "foo"},
		{"-machine pc,kernel-irqchip=maybe", "-machine pc,kernel-irqchip=maybe: Parameter 'kernel-irqchip' expects 'on', 'off' or 'split'", "kernel-irqchip"},
		{"-machine accel=foo", "-machine accel=foo: invalid accelerator foo", "accel"},
		{"-machine accel=kvm:tcg:xen", "-machine accel=kvm:tcg:xen: invalid accelerator xen", "accel"},
		{"-machine pc,accel=", "-machine pc,accel=: no accelerator found in ''", "accel"},
		{"-machine pc,usb", "-machine pc,usb: Invalid parameter 'usb'", "usb"},
		{"-accel foo", "-accel foo: invalid accelerator foo", "accel"},
		{"-accel kvm,foo=bar", "-accel kvm,foo=bar: Invalid parameter 'foo'", "foo"},
		{"-accel tcg,kernel-irqchip=on", "-accel tcg,kernel-irqchip=on: Invalid parameter 'kernel-irqchip'", "kernel-irqchip"},
		{"-accel tcg,thread=single", "-accel tcg,thread=single: Invalid parameter 'thread'", "thread"},
		{"-accel kvm -machine accel=tcg", "-accel kvm: The -accel and \"-machine accel=\" options are incompatible", ""},
		{"-enable-kvm -accel tcg", "-accel tcg: The -accel and \"-machine accel=\" options are incompatible", ""},
		{"-cpu", "-cpu: requires an argument", ""},
		{"-cpu \x00", "-cpu: -cpu option cannot be empty", ""},
		{"-cpu bogus", "-cpu bogus: unable to find CPU model 'bogus' (-cpu help lists them)", ""},
		{"-cpu qemu64,+bogus", "-cpu qemu64,+bogus: Property 'bogus' not found: not a CPUID feature gemu knows (-cpu help lists them)", "bogus"},
		{"-cpu qemu64,bogus", "-cpu qemu64,bogus: Property 'bogus' not found: not a CPUID feature gemu knows (-cpu help lists them)", "bogus"},
		{"-cpu qemu64,sse4.2=maybe", "-cpu qemu64,sse4.2=maybe: Parameter 'sse4.2' expects 'on' or 'off'", "sse4.2"},
		{"-cpu qemu64,family=5", "-cpu qemu64,family=5: Property 'family' is not supported (gemu's -cpu accepts CPUID feature flags only)", "family"},
		{"-cpu qemu64,+sse4.2=on", "-cpu qemu64,+sse4.2=on: Property 'sse4.2=on' not found: write +feat or feat=on|off, not both", "sse4.2=on"},
		{"-cpu host", "-cpu host: CPU model 'host' requires KVM (add -accel kvm or -enable-kvm)", ""},
		{"-m foo", "-m foo: Parameter 'size' expects a size: a non-negative number below 2^64 with an optional suffix B, K, M, G, T, P or E", "size"},
		{"-m 1T5", "-m 1T5: Parameter 'size' expects a size: a non-negative number below 2^64 with an optional suffix B, K, M, G, T, P or E", "size"},
		{"-m -1", "-m -1: Parameter 'size' expects a size: a non-negative number below 2^64 with an optional suffix B, K, M, G, T, P or E", "size"},
		{"-m 16E", "-m 16E: Value '16E' is out of range for parameter 'size'", "size"},
		{"-m 2T", "-m 2T: ram size 2T is larger than the 1T gemu supports", "size"},
		{"-m 512,slots=2", "-m 512,slots=2: Parameter 'slots' is not supported: gemu has no memory hotplug", "slots"},
		{"-m 512,maxmem=1G", "-m 512,maxmem=1G: Parameter 'maxmem' is not supported: gemu has no memory hotplug", "maxmem"},
		{"-m 512,foo=1", "-m 512,foo=1: Invalid parameter 'foo'", "foo"},
		{"-smp 4,foo=1", "-smp 4,foo=1: Invalid parameter 'foo'", "foo"},
		{"-smp x", "-smp x: Parameter 'cpus' expects uint32_t", "cpus"},
		{"-smp -1", "-smp -1: Parameter 'cpus' expects uint32_t", "cpus"},
		{"-smp 0", "-smp 0: Invalid CPU topology: CPU topology parameters must be greater than zero ('cpus')", "cpus"},
		{"-smp 4,sockets=3", "-smp 4,sockets=3: Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (3) * dies (1) * cores (1) * threads (1) != maxcpus (4)", ""},
		{"-smp 4,maxcpus=2", "-smp 4,maxcpus=2: Invalid CPU topology: maxcpus must be equal to or greater than smp: sockets (1) * dies (1) * cores (2) * threads (1) == maxcpus (2) < smp_cpus (4)", "maxcpus"},
		{"-smp cores=4,threads=2,cpus=3", "-smp cores=4,threads=2,cpus=3: Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (0) * dies (1) * cores (4) * threads (2) != maxcpus (3)", ""},
		{"-smp 256", "-smp 256: Invalid SMP CPUs: cpus=256 exceeds the maximum of 255", "cpus"},
		{"-smp sockets=16,cores=16", "-smp sockets=16,cores=16: Invalid SMP CPUs 256. The max CPUs supported by machine 'pc' is 255", "maxcpus"},
		{"-smp 4294967296", "-smp 4294967296: Value '4294967296' is out of range for parameter 'cpus' (maximum 4294967295)", "cpus"},
		{"-smp 4,clusters=2", "-smp 4,clusters=2: clusters not supported by this machine's CPU topology", "clusters"},
		{"-initrd rd.img", "-initrd rd.img: -initrd is only allowed with -kernel", ""},
		{"-append quiet", "-append quiet: -append is only allowed with -kernel", ""},
		{"-kernel \x00", "-kernel: empty file name", ""},
		{"-L \x00", "-L: empty path", ""},
		{"-display sdl", "-display sdl: Display 'sdl' is not available: gemu has no graphical display (use -display none or -nographic)", "type"},
		{"-display gtk,gl=on", "-display gtk,gl=on: Display 'gtk' is not available: gemu has no graphical display (use -display none or -nographic)", "type"},
		{"-display none,gl=on", "-display none,gl=on: Invalid parameter 'gl'", "gl"},
		{"-serial bogus", "-serial bogus: 'bogus' is not a valid char driver", ""},
		{"-serial stdio,signal=off", "-serial stdio,signal=off: 'stdio,signal=off' is not a valid char driver", ""},
		{"-serial file:", "-serial file:: chardev: file: no filename given", ""},
		{"-serial tcp:4556", "-serial tcp:4556: 'tcp:4556' is not a valid char driver: tcp needs HOST:PORT", ""},
		{"-serial tcp::99999", "-serial tcp::99999: Parameter 'port' expects a TCP port number (0-65535)", "port"},
		{"-serial tcp::0", "-serial tcp::0: socket: port 0 is valid only with server=on", "port"},
		{"-serial tcp::4444,wait=off", "-serial tcp::4444,wait=off: 'wait' option is incompatible with socket in client connect mode", "wait"},
		{"-serial tcp::4444,server=1", "-serial tcp::4444,server=1: Parameter 'server' expects 'on' or 'off'", "server"},
		{"-serial tcp::4444,foo=1", "-serial tcp::4444,foo=1: Invalid parameter 'foo'", "foo"},
		{"-serial telnet::4444,server", "-serial telnet::4444,server: telnet chardevs are not supported; use tcp:HOST:PORT", ""},
		{"-serial unix:/tmp/s,telnet=on", "-serial unix:/tmp/s,telnet=on: socket: telnet=on is not supported", "telnet"},
		{"-serial unix:", "-serial unix:: socket: empty Unix socket path", "path"},
		{"-serial chardev:nope", "-serial chardev:nope: chardev 'nope' not found", ""},
		{"-serial chardev:", "-serial chardev:: chardev: needs an ID", ""},
		{"-serial mon:chardev:x", "-serial mon:chardev:x: mon: cannot be combined with chardev:; use -mon chardev=ID and mux=on", ""},
		{"-serial null -serial null -serial null -serial null -serial null", "-serial null: too many serial ports: the machine has COM1-COM4", ""},
		{"-serial stdio -serial stdio", "-serial stdio: cannot use stdio by multiple character devices", ""},
		{"-nographic -serial stdio", "-nographic: cannot use stdio by multiple character devices", ""},
		{"-nographic -debugcon mon:stdio", "-debugcon mon:stdio: cannot use stdio by multiple character devices", ""},
		{"-monitor stdio -monitor stdio", "-monitor stdio: cannot use stdio by multiple character devices", ""},
		{"-chardev null", "-chardev null: chardev: no id specified", "id"},
		{"-chardev null,id=1a", "-chardev null,id=1a: Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', starting with a letter)", "id"},
		{"-chardev null,id=", "-chardev null,id=: Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', starting with a letter)", "id"},
		{"-chardev bogus,id=a", "-chardev bogus,id=a: 'bogus' is not a valid char driver name", "backend"},
		{"-chardev id=a", "-chardev id=a: chardev: \"a\" missing backend", "backend"},
		{"-chardev null,id=a -chardev null,id=a", "-chardev null,id=a: Duplicate ID 'a' for chardev", "id"},
		{"-chardev null,id=serial0 -serial null", "-serial null: Duplicate ID 'serial0' for chardev", ""},
		{"-chardev null,id=a,path=/x", "-chardev null,id=a,path=/x: Invalid parameter 'path'", "path"},
		{"-chardev file,id=a", "-chardev file,id=a: chardev: file: no filename given", "path"},
		{"-chardev file,id=a,path=x,foo=1", "-chardev file,id=a,path=x,foo=1: Invalid parameter 'foo'", "foo"},
		{"-chardev socket,id=a", "-chardev socket,id=a: socket: give 'path' for a Unix socket or 'host' and 'port' for TCP", "path"},
		{"-chardev socket,id=a,host=h", "-chardev socket,id=a,host=h: chardev: socket: no port given", "port"},
		{"-chardev socket,id=a,path=/p,port=1", "-chardev socket,id=a,path=/p,port=1: socket: 'path' cannot be combined with 'host' or 'port'", "path"},
		{"-chardev socket,id=a,path=/p,wait=off", "-chardev socket,id=a,path=/p,wait=off: 'wait' option is incompatible with socket in client connect mode", "wait"},
		{"-chardev socket,id=a,path=/p,server=on,nodelay=on", "-chardev socket,id=a,path=/p,server=on,nodelay=on: socket: 'nodelay' applies only to TCP sockets", "nodelay"},
		{"-chardev socket,id=a,port=http", "-chardev socket,id=a,port=http: Parameter 'port' expects a TCP port number (0-65535)", "port"},
		{"-chardev stdio,id=a,mux=2", "-chardev stdio,id=a,mux=2: Parameter 'mux' expects 'on' or 'off'", "mux"},
		{"-chardev null,id=a -serial chardev:a -device isa-serial,chardev=a", "-device isa-serial,chardev=a: Device 'a' is in use (add mux=on to share a chardev)", "chardev"},
		{"-device foo", "-device foo: 'foo' is not a valid device model name (-device help lists them)", "driver"},
		{"-device id=x", "-device id=x: Parameter 'driver' is missing", "driver"},
		{"-device isa-serial,foo=1", "-device isa-serial,foo=1: Property 'isa-serial.foo' not found", "foo"},
		{"-device isa-serial,iobase=x", "-device isa-serial,iobase=x: Parameter 'iobase' expects integer", "iobase"},
		{"-device isa-serial,irq=16", "-device isa-serial,irq=16: Value '16' is out of range for parameter 'irq' (maximum 0xf)", "irq"},
		{"-device isa-serial,index=4", "-device isa-serial,index=4: Value '4' is out of range for parameter 'index' (maximum 0x3)", "index"},
		{"-device isa-serial,chardev=", "-device isa-serial,chardev=: Parameter 'chardev' expects the ID of a chardev", "chardev"},
		{"-device isa-serial,chardev=nope", "-device isa-serial,chardev=nope: chardev 'nope' not found", "chardev"},
		{"-device isa-serial,id=a/b", "-device isa-serial,id=a/b: Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', starting with a letter)", "id"},
		{"-device isa-debug-exit,id=e -device isa-debug-exit,id=e,iobase=0xf4", "-device isa-debug-exit,id=e,iobase=0xf4: Duplicate ID 'e' for device", "id"},
		{"-device isa-debug-exit,iobase=-1", "-device isa-debug-exit,iobase=-1: Parameter 'iobase' expects integer", "iobase"},
		{"-device isa-debug-exit,iobase=0x10000", "-device isa-debug-exit,iobase=0x10000: Value '0x10000' is out of range for parameter 'iobase' (maximum 0xffff)", "iobase"},
		{"-device isa-debug-exit,iosize=3", "-device isa-debug-exit,iosize=3: isa-debug-exit: iosize must be 1, 2 or 4, not 3", "iosize"},
		{"-device isa-debug-exit,iobase=0xffff", "-device isa-debug-exit,iobase=0xffff: isa-debug-exit: ports 0xffff-0x10000 extend beyond 0xffff", "iobase"},
		{"-device isa-debugcon", "-device isa-debugcon: isa-debugcon: Parameter 'chardev' is missing", "chardev"},
		{"-serial null -device isa-serial,index=0", "-device isa-serial,index=0: isa-serial index 0 (COM1) is already in use", "index"},
		{"-nodefaults -device isa-serial -device isa-serial -device isa-serial -device isa-serial -device isa-serial", "-device isa-serial: Max. supported number of ISA serial ports is 4.", ""},
		{"-debugcon bogus", "-debugcon bogus: 'bogus' is not a valid char driver", ""},
		{"-debugcon null -debugcon null", "-debugcon null: -debugcon can be given only once", ""},
		{"-monitor bogus", "-monitor bogus: 'bogus' is not a valid char driver", ""},
		{"-mon chardev=x", "-mon chardev=x: chardev 'x' not found", ""},
		{"-mon mode=control", "-mon mode=control: Parameter 'chardev' is missing", "chardev"},
		{"-chardev null,id=x -mon x,mode=foo", "-mon x,mode=foo: Parameter 'mode' does not accept value 'foo'", "mode"},
		{"-chardev null,id=x -mon chardev=x,pretty=on", "-mon chardev=x,pretty=on: 'pretty' is not compatible with HMP monitors", "pretty"},
		{"-name guest=a,foo=b", "-name guest=a,foo=b: Invalid parameter 'foo'", "foo"},
		{"-name a,debug-threads=on", "-name a,debug-threads=on: Invalid parameter 'debug-threads'", "debug-threads"},
		{"-name a,process=aaaaaaaaaaaaaaaaaaaa", "-name a,process=aaaaaaaaaaaaaaaaaaaa: Parameter 'process' expects a name of 1 to 15 bytes", "process"},
		{"-pidfile \x00", "-pidfile: empty file name", ""},
		{"-vga cirrus", "-vga cirrus: VGA type 'cirrus' is not supported (std, none)", ""},
		{"-rtc base=foo", "-rtc base=foo: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=", "-rtc base=: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=2006-13-01", "-rtc base=2006-13-01: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=2006-02-30", "-rtc base=2006-02-30: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=2006-06-17T25:00:00", "-rtc base=2006-06-17T25:00:00: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=2006-6-7", "-rtc base=2006-6-7: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=2006-06-17T10:00:00Z", "-rtc base=2006-06-17T10:00:00Z: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=0000-01-01", "-rtc base=0000-01-01: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc base=UTC", "-rtc base=UTC: invalid datetime format; valid formats: '2006-06-17T16:01:21' or '2006-06-17' (or utc, localtime)", "base"},
		{"-rtc clock=foo", "-rtc clock=foo: invalid option value 'foo': Parameter 'clock' expects 'host', 'rt' or 'vm'", "clock"},
		{"-rtc driftfix=foo", "-rtc driftfix=foo: invalid option value 'foo': Parameter 'driftfix' expects 'none' or 'slew'", "driftfix"},
		{"-rtc foo=1", "-rtc foo=1: Invalid parameter 'foo'", "foo"},
		{"-rtc utc", "-rtc utc: Invalid parameter 'utc'", "utc"},
		{"-rtc base=utc,localtime", "-rtc base=utc,localtime: Invalid parameter 'localtime'", "localtime"},
		{"-rtc", "-rtc: requires an argument", ""},
		{"-icount help", "-icount help: icount: Invalid shift value", "shift"},
		{"-icount shift=11", "-icount shift=11: icount: Invalid shift value", "shift"},
		{"-icount shift=-1", "-icount shift=-1: icount: Invalid shift value", "shift"},
		{"-icount shift=x", "-icount shift=x: icount: Invalid shift value", "shift"},
		{"-icount shift=", "-icount shift=: icount: Invalid shift value", "shift"},
		{"-icount shift=99999999999999999999999", "-icount shift=99999999999999999999999: icount: Invalid shift value", "shift"},
		{"-icount align=on", "-icount align=on: Please specify shift option when using align", "align"},
		{"-icount shift=1,align=on,sleep=off", "-icount shift=1,align=on,sleep=off: align=on and sleep=off are incompatible", "align"},
		{"-icount 1,align=on -icount sleep=off", "-icount sleep=off: align=on and sleep=off are incompatible", "align"},
		{"-icount shift=1,align=maybe", "-icount shift=1,align=maybe: Parameter 'align' expects 'on' or 'off'", "align"},
		{"-icount shift=1,sleep=2", "-icount shift=1,sleep=2: Parameter 'sleep' expects 'on' or 'off'", "sleep"},
		{"-icount shift=1,foo=1", "-icount shift=1,foo=1: Invalid parameter 'foo'", "foo"},
		{"-icount shift=1,rr=record,rrfile=r.bin", "-icount shift=1,rr=record,rrfile=r.bin: record/replay (rr=) is not supported by gemu", "rr"},
		{"-icount 0 -accel kvm", "-icount 0: -icount is not allowed with hardware virtualization", ""},
		{"-enable-kvm -icount auto", "-icount auto: -icount is not allowed with hardware virtualization", ""},
		{"-icount", "-icount: requires an argument", ""},
		{"-name \x00a\nb,c=d", `-name a\x0ab,c=d: Invalid parameter 'c'`, "c"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			args := splitArgs(tc.args)
			c, err := Parse(args)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error %q", args, c, tc.want)
			}
			var oe *OptError
			if !errors.As(err, &oe) {
				t.Fatalf("Parse(%q) error %v is %T, want *OptError", args, err, err)
			}
			msg := err.Error()
			if msg != tc.want {
				t.Errorf("Parse(%q) error\n got %q\nwant %q", args, msg, tc.want)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error %q is not one line", msg)
			}
			if oe.Key != tc.key {
				t.Errorf("error key = %q, want %q", oe.Key, tc.key)
			}
			if !strings.HasPrefix(msg, oe.Opt) || oe.Opt == "" {
				t.Errorf("error %q does not start with its flag %q", msg, oe.Opt)
			}
		})
	}
}

// splitArgs splits s on spaces, or on NUL bytes if it contains any (for
// arguments that are empty or contain spaces).
func splitArgs(s string) []string {
	if strings.Contains(s, "\x00") {
		var out []string
		for i, part := range strings.Split(s, "\x00") {
			if i == 0 {
				out = append(out, strings.Fields(part)...)
				continue
			}
			out = append(out, part)
		}
		return out
	}
	return strings.Fields(s)
}

func TestListingStopsParsing(t *testing.T) {
	c := parseOK(t, "-machine", "help", "-bogus")
	if c.Listing == nil || !strings.HasPrefix(c.Listing.Text, "Supported machines are:") {
		t.Fatalf("Listing = %+v", c.Listing)
	}
	if c.Listing.Exit != 0 {
		t.Errorf("Exit = %d", c.Listing.Exit)
	}
	if _, err := Parse([]string{"-bogus", "-machine", "help"}); err == nil {
		t.Error("an error before the help request was ignored")
	}
}

func TestConfigChardev(t *testing.T) {
	c := parseOK(t, "-chardev", "null,id=a", "-serial", "stdio")
	if d, ok := c.Chardev("serial0"); !ok || d.Backend != "stdio" {
		t.Errorf("Chardev(serial0) = %+v, %v", d, ok)
	}
	if _, ok := c.Chardev("nope"); ok {
		t.Error("Chardev(nope) found")
	}
}

func TestChardevDefString(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-chardev", "socket,id=s,host=::1,port=5,server=on,wait=off,nodelay=on"}, "socket,id=s,host=::1,port=5,server=on,wait=off,delay=off"},
		{[]string{"-chardev", "file,id=f,path=a,,b,append=on,logfile=l,logappend=on"}, "file,id=f,path=a,,b,append=on,logfile=l,logappend=on"},
		{[]string{"-chardev", "stdio,id=t,mux=on,signal=off"}, "stdio,id=t,signal=off,mux=on"},
		{[]string{"-chardev", "socket,id=u,path=/tmp/u"}, "socket,id=u,path=/tmp/u,server=off"},
	} {
		c := parseOK(t, tc.args...)
		d := c.Chardevs[0]
		if got := d.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
		// The rendering parses back to the same definition.
		again := parseOK(t, "-chardev", d.String())
		if diff := cmp.Diff(d, again.Chardevs[0]); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", d.String(), diff)
		}
	}
}
