package config

// MaxICountShift is the largest -icount shift: 2^10 ns of virtual time per
// instruction (QEMU's limit).
const MaxICountShift = 10

// AutoICountShift is the shift that shift=auto starts from (8 ns per
// instruction) before it adapts to the host's speed.
const AutoICountShift = 3

// ICount is the -icount selection: a virtual clock driven by the number of
// executed instructions instead of host time, which makes a run under the
// interpreter deterministic.
type ICount struct {
	// Enabled is set when shift= is given; the other fields matter only
	// then.
	Enabled bool
	// Shift: each instruction advances the virtual clock by 2^Shift ns.
	// With Auto it is the starting point (AutoICountShift).
	Shift int
	// Auto (shift=auto) adjusts the shift so that virtual time keeps up
	// with host time.
	Auto bool
	// Align (align=on) delays the vCPU when virtual time runs ahead of
	// host time.
	Align bool
	// Sleep (sleep=on, the default) lets virtual time advance with host
	// time while every vCPU is idle; with sleep=off an idle guest's clock
	// jumps straight to the next timer deadline.
	Sleep bool
}

var icountKeys = []string{"shift", "align", "sleep", "rr", "rrfile", "rrsnapshot"}

// icount checks one -icount argument and merges it into the accumulated
// -icount options (a later key overrides an earlier one, as in QEMU); the
// combination is resolved by resolveICount.
func (p *parser) icount(opt, arg string) error {
	o := ParseOpts(opt, "shift", arg)
	if err := o.Check(icountKeys...); err != nil {
		return err
	}
	for _, k := range []string{"align", "sleep"} {
		if _, err := o.Bool(k, false); err != nil {
			return err
		}
	}
	for _, k := range []string{"rr", "rrfile", "rrsnapshot"} {
		if o.Has(k) {
			return o.Err(k, "record/replay (%s=) is not supported by gemu", k)
		}
	}
	if v, ok := o.String("shift"); ok && v != "auto" {
		n, err := parseUint(v)
		if err != nil || n > MaxICountShift {
			return o.Err("shift", "icount: Invalid shift value")
		}
	}
	if p.icountOpts == nil {
		p.icountOpts = &Opts{Group: o.Group, Opt: opt}
	}
	p.icountOpts.Values = append(p.icountOpts.Values, o.Values...)
	p.icountOpts.Arg = arg
	return nil
}

// resolveICount fills Config.ICount from the merged -icount options and
// checks the combinations QEMU refuses. It runs after the accelerators are
// known.
func (p *parser) resolveICount() error {
	c := &p.cfg
	c.ICount = ICount{Sleep: true}
	o := p.icountOpts
	if o == nil {
		return nil
	}
	align, _ := o.Bool("align", false)
	sleep, _ := o.Bool("sleep", true)
	shift, hasShift := o.String("shift")
	if !hasShift {
		if o.Has("align") {
			return o.Err("align", "Please specify shift option when using align")
		}
		c.ICount.Sleep = sleep
		return nil
	}
	if align && !sleep {
		return o.Err("align", "align=on and sleep=off are incompatible")
	}
	ic := ICount{Enabled: true, Align: align, Sleep: sleep}
	if shift == "auto" {
		ic.Auto, ic.Shift = true, AutoICountShift
	} else {
		n, _ := parseUint(shift)
		ic.Shift = int(n)
	}
	if !hasAccel(c.Accels, "tcg") {
		return &OptError{Opt: o.Opt, Arg: o.Arg, Reason: "-icount is not allowed with hardware virtualization"}
	}
	c.ICount = ic
	return nil
}

// AccelAllowed reports whether the accelerator called name may run this
// configuration: -icount needs the interpreter (tcg). The machine calls it
// on the accelerator it picks from the fallback list, so that
// "-accel kvm -accel tcg -icount 1" fails where KVM is available, as in
// QEMU, and runs on tcg where it is not.
func (c *Config) AccelAllowed(name string) error {
	if c.ICount.Enabled && name != "tcg" {
		return &OptError{Opt: "-icount", Reason: "-icount is not allowed with hardware virtualization"}
	}
	return nil
}
