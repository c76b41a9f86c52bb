package config

import (
	"fmt"
	"strings"
)

var smpKeys = []string{"cpus", "maxcpus", "sockets", "dies", "clusters", "cores", "threads"}

func smpHelp() string {
	var b strings.Builder
	b.WriteString("smp-opts options:\n")
	for _, k := range smpKeys {
		fmt.Fprintf(&b, "  %s=<num>\n", k)
	}
	return b.String()
}

// smp checks one -smp argument and merges it into the accumulated -smp
// options: a later key overrides an earlier one, as in QEMU.
func (p *parser) smp(opt, arg string) error {
	o := ParseOpts(opt, "cpus", arg)
	if o.Help || (o.Has("cpus") && isHelp(o.StringDefault("cpus", ""))) {
		p.listing = &Listing{Text: smpHelp()}
		return nil
	}
	if err := o.Check(smpKeys...); err != nil {
		return err
	}
	for _, k := range smpKeys {
		if _, err := o.Uint(k, 0, 1<<32-1); err != nil {
			return err
		}
	}
	if p.smpOpts == nil {
		p.smpOpts = &Opts{Group: o.Group, Opt: opt}
	}
	p.smpOpts.Values = append(p.smpOpts.Values, o.Values...)
	p.smpOpts.Arg = arg
	return nil
}

// resolveSMP derives the topology the way QEMU documents it for -smp:
// omitted values default to 1 for dies and clusters; of the rest, cores are
// derived first (preferred over sockets since QEMU 6.2), then sockets, then
// threads; maxcpus defaults to cpus and cpus to maxcpus. The product of the
// hierarchy must equal maxcpus, and cpus must not exceed it.
func (p *parser) resolveSMP() error {
	o := p.smpOpts
	if o == nil {
		p.cfg.SMP = SMP{CPUs: 1, MaxCPUs: 1, Sockets: 1, Dies: 1, Clusters: 1, Cores: 1, Threads: 1}
		return nil
	}
	get := func(k string) uint64 { v, _ := o.Uint(k, 0, 1<<32-1); return v }
	cpus, maxcpus := get("cpus"), get("maxcpus")
	sockets, dies, clusters := get("sockets"), get("dies"), get("clusters")
	cores, threads := get("cores"), get("threads")
	for _, k := range smpKeys {
		if o.Has(k) && get(k) == 0 {
			return o.Err(k, "Invalid CPU topology: CPU topology parameters must be greater than zero ('%s')", k)
		}
	}
	for _, k := range smpKeys {
		// Anything beyond the CPU limit fails below; capping here keeps
		// the products from overflowing.
		if get(k) > MaxCPUs {
			return o.Err(k, "Invalid SMP CPUs: %s=%d exceeds the maximum of %d", k, get(k), MaxCPUs)
		}
	}
	if clusters > 1 {
		return o.Err("clusters", "clusters not supported by this machine's CPU topology")
	}
	dies = max(dies, 1)
	clusters = 1
	if cpus == 0 && maxcpus == 0 {
		sockets, cores, threads = max(sockets, 1), max(cores, 1), max(threads, 1)
	} else {
		if maxcpus == 0 {
			maxcpus = cpus
		}
		switch {
		case cores == 0:
			sockets, threads = max(sockets, 1), max(threads, 1)
			cores = maxcpus / (sockets * dies * clusters * threads)
		case sockets == 0:
			threads = max(threads, 1)
			sockets = maxcpus / (dies * clusters * cores * threads)
		}
		if threads == 0 {
			threads = maxcpus / (sockets * dies * clusters * cores)
		}
	}
	product := sockets * dies * clusters * cores * threads
	if maxcpus == 0 {
		maxcpus = product
	}
	if cpus == 0 {
		cpus = maxcpus
	}
	topo := fmt.Sprintf("sockets (%d) * dies (%d) * cores (%d) * threads (%d)", sockets, dies, cores, threads)
	if product != maxcpus {
		return o.Err("", "Invalid CPU topology: product of the hierarchy must match maxcpus: %s != maxcpus (%d)", topo, maxcpus)
	}
	if maxcpus < cpus {
		return o.Err("maxcpus", "Invalid CPU topology: maxcpus must be equal to or greater than smp: %s == maxcpus (%d) < smp_cpus (%d)", topo, maxcpus, cpus)
	}
	if maxcpus > MaxCPUs {
		return o.Err("maxcpus", "Invalid SMP CPUs %d. The max CPUs supported by machine '%s' is %d", maxcpus, p.machineType, MaxCPUs)
	}
	p.cfg.SMP = SMP{CPUs: int(cpus), MaxCPUs: int(maxcpus), Sockets: int(sockets), Dies: int(dies),
		Clusters: int(clusters), Cores: int(cores), Threads: int(threads)}
	return nil
}

// memory parses -m [size=]N[,slots=n,maxmem=size]; later arguments override
// earlier ones. A size ending in a digit is in MiB.
func (p *parser) memory(opt, arg string) error {
	o := ParseOpts(opt, "size", arg)
	if o.Help {
		p.listing = &Listing{Text: "memory options:\n  size=<size>            - initial RAM size; a number without suffix is in MiB (default 128M)\n"}
		return nil
	}
	if err := o.Check("size", "slots", "maxmem"); err != nil {
		return err
	}
	for _, k := range []string{"slots", "maxmem"} {
		if o.Has(k) {
			return o.Err(k, "Parameter '%s' is not supported: gemu has no memory hotplug", k)
		}
	}
	s, ok := o.String("size")
	if !ok {
		return nil
	}
	unit := uint64(1)
	if s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' {
		unit = 1 << 20
	}
	v, err := ParseSize(s, unit)
	if err != nil {
		return o.Err("size", "%s", sizeReason("size", s, err))
	}
	if v == 0 {
		v = DefaultRAMSize // -m 0 means the default, as in QEMU
	}
	// RAM is allocated in 8 KiB units, as QEMU rounds it.
	v = (v + 8191) &^ 8191
	if v > MaxRAMSize || v == 0 {
		return o.Err("size", "ram size %s is larger than the %s gemu supports", s, FormatSize(MaxRAMSize))
	}
	p.cfg.RAMSize = v
	return nil
}
