package machine

import (
	"fmt"

	"gemu/accel"
	"gemu/accel/kvm"
	"gemu/emu/chardev"
	"gemu/emu/config"
	"gemu/emu/loader"
	"gemu/hw"
	"gemu/hw/acpi/ged"
	"gemu/hw/acpi/pm"
	"gemu/hw/char/debugcon"
	"gemu/hw/char/serial"
	"gemu/hw/input/i8042"
	"gemu/hw/mem"
	"gemu/hw/misc/debugexit"
	"gemu/hw/misc/port92"
	"gemu/hw/timer/i8254"
	"gemu/hw/timer/mc146818"
)

// pc is QEMU's "pc" machine, an i440FX-era PC with ISA devices, and with
// micro set, its "microvm": the same legacy core without the keyboard
// controller, port 0x92 and HPET, its PIC, PIT, RTC and serial port each
// optional.
type pc struct {
	micro    bool
	feat     pcFeatures
	rtc      *mc146818.RTC
	intc     *intc // the machine's interrupt controllers (IRQChipUser)
	pm       *pm.PM
	ged      *ged.GED
	firmware bool // a BIOS image is mapped (no -kernel)
}

// pcFeatures are the board's optional parts, resolved from -machine.
type pcFeatures struct {
	pic, pit, rtc, hpet, serial, i8042, acpi bool
}

func (p *pc) name() string {
	if p.micro {
		return "microvm"
	}
	return "pc"
}

func (p *pc) resolve(c *config.Machine) {
	if p.micro {
		p.feat = pcFeatures{
			pic:    c.PIC.Enabled(true),
			pit:    c.PIT.Enabled(true),
			rtc:    c.RTC.Enabled(true),
			serial: c.ISASerial.Enabled(true),
			acpi:   c.ACPI.Enabled(true),
		}
		return
	}
	p.feat = pcFeatures{pic: true, pit: true, rtc: true, serial: true, i8042: true,
		hpet: c.HPET.Enabled(true), acpi: c.ACPI.Enabled(true)}
}

// lowMemLimit is the RAM an i440FX PC keeps below 4 GiB: all of it up to
// 3.5 GiB, otherwise 3 GiB with the rest moved above 4 GiB (QEMU's
// gigabyte-aligned split).
func pcLowMem(size uint64) uint64 {
	if size >= 0xe0000000 {
		return 0xc0000000
	}
	return size
}

func (p *pc) layout(size uint64) []mem.Range { return mem.PCLayout(size, pcLowMem(size)) }

func (p *pc) irqChip(m *Machine) accel.IRQChipMode {
	if m.accel.Name() == "kvm" {
		return m.cfg.IRQChip
	}
	return accel.IRQChipUser
}

// build creates the board's fixed devices, the ones the command line asks
// for, and maps the firmware.
func (p *pc) build(m *Machine) error {
	p.resolve(&m.cfg.Machine)
	if m.accel.Name() == "kvm" && m.cfg.IRQChip == accel.IRQChipSplit {
		return fmt.Errorf("-machine kernel-irqchip=split: not supported; use on (KVM's PIC, IOAPIC, LAPICs and PIT) or off (gemu's)")
	}
	if m.cfg.Machine.IOAPIC2 == config.On {
		return fmt.Errorf("-machine ioapic2=on: a second I/O APIC is not supported by this build")
	}
	if p.irqChip(m) == accel.IRQChipUser {
		if err := p.buildIntc(m, m.tscHz); err != nil {
			return err
		}
		if p.feat.pit {
			if err := p.buildTimers(m); err != nil {
				return err
			}
		}
	}

	// Serial ports from -serial, COM1 first.
	serials := m.cfg.Serials
	if !p.feat.serial {
		serials = nil
	}
	for i, id := range serials {
		port, ok := serial.COM(i)
		if !ok {
			return fmt.Errorf("-serial: at most 4 serial ports, not %d", len(m.cfg.Serials))
		}
		if err := p.addSerial(m, id, port, fmt.Sprintf("serial%d", i)); err != nil {
			return err
		}
	}
	nextCOM := len(serials)
	for i := range m.cfg.Devices {
		d := &m.cfg.Devices[i]
		if err := p.addDevice(m, d, &nextCOM); err != nil {
			return fmt.Errorf("-device %s: %w", d.Arg, err)
		}
	}

	if p.feat.i8042 {
		if err := p.buildKeyboard(m); err != nil {
			return err
		}
	}
	if p.feat.rtc {
		if err := p.buildRTC(m); err != nil {
			return err
		}
	}
	if p.feat.acpi {
		if err := p.buildACPIDevices(m); err != nil {
			return err
		}
	}
	return p.buildFirmware(m)
}

// buildKeyboard adds port 0x92 and the i8042 keyboard controller, the
// PC's two ways of resetting itself.
func (p *pc) buildKeyboard(m *Machine) error {
	p92, err := port92.New(port92.Config{Reset: func() { m.RequestReset("port 0x92") }})
	if err != nil {
		return err
	}
	if err := m.io.Map(p92.Region()); err != nil {
		return err
	}
	m.addDevice(p92)

	kbd, err := i8042.New(i8042.Config{
		KbdIRQ: m.isaIRQ(1),
		AuxIRQ: m.isaIRQ(12),
		Reset:  func() { m.RequestReset("keyboard controller") },
		Logger: m.log.With("dev", "i8042"),
	})
	if err != nil {
		return err
	}
	for _, r := range kbd.Regions() {
		if err := m.io.Map(r); err != nil {
			return err
		}
	}
	m.addDevice(kbd)
	return nil
}

// buildRTC adds the RTC and fills the CMOS as a PC's firmware expects.
func (p *pc) buildRTC(m *Machine) error {
	rtcIRQ := m.isaIRQ(8)
	if p.intc != nil && p.intc.hpet != nil {
		rtcIRQ = p.intc.hpet.RTCInput() // the HPET passes it on, or cuts it off in legacy mode
	}
	// clock=vm follows the guest's clock (the virtual one under -icount);
	// host and rt follow the host.
	clock := hw.Clock(hw.NewHostClock())
	if m.cfg.RTC.Clock == config.RTCClockVM {
		clock = m.clock
	}
	rtc, err := mc146818.New(mc146818.Config{IRQ: rtcIRQ, Clock: clock, Base: m.rtcBase, Logger: m.log.With("dev", "rtc")})
	if err != nil {
		return err
	}
	if err := m.io.Map(rtc.Region()); err != nil {
		return err
	}
	m.addDevice(rtc)
	p.rtc = rtc
	low := pcLowMem(m.ram.RAMSize())
	if err := rtc.FillPC(mc146818.PCConfig{
		RAMBelow4G: low,
		RAMAbove4G: m.ram.RAMSize() - low,
		CPUs:       max(m.cfg.SMP.CPUs, 1),
	}); err != nil {
		return err
	}
	return nil
}

// defaultMicroVMBIOS is microvm's firmware without -bios, as QEMU's.
const defaultMicroVMBIOS = "qboot.rom"

// buildFirmware maps -bios, or the board's default firmware, unless a
// kernel is booted directly.
func (p *pc) buildFirmware(m *Machine) error {
	if m.cfg.Kernel == "" {
		name := m.cfg.BIOS
		if name == "" {
			name = loader.DefaultBIOS
			if p.micro {
				name = defaultMicroVMBIOS
			}
		}
		path, err := loader.FindFirmware(name, m.cfg.FirmwareDirs)
		if err != nil {
			return fmt.Errorf("could not load PC BIOS '%s': %w", name, err)
		}
		img, f, err := loader.OpenImage(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := loader.BIOS(m.ram, img); err != nil {
			return err
		}
		p.firmware = true
	}
	return nil
}

// buildTimers adds the PIT and port 0x61 that KVM's in-kernel PIT serves
// otherwise.
func (p *pc) buildTimers(m *Machine) error {
	pitIRQ := m.isaIRQ(0)
	if p.intc.hpet != nil {
		pitIRQ = p.intc.hpet.PITInput()
	}
	pit, err := i8254.New(i8254.Config{IRQ: pitIRQ, Clock: m.clock, Logger: m.log.With("dev", "pit")})
	if err != nil {
		return err
	}
	if err := m.io.Map(pit.Region()); err != nil {
		return err
	}
	m.addDevice(pit)
	p61, err := i8254.NewPort61(i8254.Port61Config{Timer: pit, Clock: m.clock})
	if err != nil {
		return err
	}
	if err := m.io.Map(p61.Region()); err != nil {
		return err
	}
	m.addDevice(p61)
	return nil
}

// addSerial adds a UART on chardevID ("": no backend, output dropped).
func (p *pc) addSerial(m *Machine, chardevID string, port serial.ISAPort, name string) error {
	sc := serial.Config{
		IOBase: port.IOBase,
		IRQ:    m.isaIRQ(port.IRQ),
		Clock:  m.clock,
		Logger: m.log.With("dev", name),
	}
	var h chardev.Chardev
	if chardevID != "" {
		var err error
		if h, err = m.chars.Attach(chardevID, name); err != nil {
			return err
		}
		sc.Out, sc.RxReady = h, h.Wake
	}
	u, err := serial.New(sc)
	if err != nil {
		return err
	}
	if h != nil {
		h.SetReceiver(u)
	}
	if err := m.io.Map(u.Region()); err != nil {
		return err
	}
	m.addDevice(u)
	return nil
}

func (p *pc) addDevice(m *Machine, d *config.DeviceDef, nextCOM *int) error {
	switch d.Driver {
	case "isa-serial":
		idx := *nextCOM
		if v, ok := d.Uint("index"); ok {
			idx = int(v)
		}
		port, ok := serial.COM(idx)
		if !ok {
			return fmt.Errorf("no free COM port (index %d)", idx)
		}
		if v, ok := d.Uint("iobase"); ok {
			port.IOBase = uint16(v)
		}
		if v, ok := d.Uint("irq"); ok {
			port.IRQ = uint32(v)
		}
		*nextCOM = idx + 1
		chr, _ := d.String("chardev")
		return p.addSerial(m, chr, port, deviceName(d))
	case "isa-debug-exit":
		base, _ := d.Uint("iobase")
		size, _ := d.Uint("iosize")
		dev, err := debugexit.New(debugexit.Config{IOBase: uint16(base), IOSize: uint16(size), Exit: m.Exit})
		if err != nil {
			return err
		}
		m.addDevice(dev)
		return m.io.Map(dev.Region())
	case "isa-debugcon":
		chr, _ := d.String("chardev")
		h, err := m.chars.Attach(chr, deviceName(d))
		if err != nil {
			return err
		}
		base, _ := d.Uint("iobase")
		dev, err := debugcon.New(debugcon.Config{IOBase: uint16(base), Out: h})
		if err != nil {
			return err
		}
		m.addDevice(dev)
		return m.io.Map(dev.Region())
	}
	return fmt.Errorf("device '%s' is not supported by machine pc", d.Driver)
}

func deviceName(d *config.DeviceDef) string {
	if d.ID != "" {
		return d.ID
	}
	return d.Driver
}

// connectVCPU wires vCPU i to the board once it exists.
func (p *pc) connectVCPU(m *Machine, i int, cpu accel.VCPU) {
	if p.intc != nil {
		p.intc.connectVCPU(i, cpu)
	}
}

// afterReset re-drives the interrupt inputs once every device is reset.
func (p *pc) afterReset(m *Machine) {
	if p.intc != nil {
		p.intc.router.Redrive()
	}
}

// reserved are the machine's own ranges in the memory map: KVM's TSS and
// identity-map pages, below the BIOS at the top of 4 GiB.
func (p *pc) reserved(m *Machine) []loader.E820Entry {
	if m.accel.Name() == "kvm" {
		return []loader.E820Entry{{Addr: kvm.IdentityMapAddr, Size: 0x4000, Type: loader.E820Reserved}}
	}
	return nil
}

// boot loads -kernel (direct kernel boot) or starts the firmware.
func (p *pc) boot(m *Machine) (accel.CPUState, error) {
	if p.firmware {
		return accel.ResetState(0), nil
	}
	img, f, err := loader.OpenImage(m.cfg.Kernel)
	if err != nil {
		return accel.CPUState{}, err
	}
	defer f.Close()
	kc := loader.KernelConfig{Kernel: img, Cmdline: m.cfg.Append, E820: loader.PCMemoryMap(m.ram, p.reserved(m))}
	if m.cfg.Initrd != "" {
		// A Multiboot kernel takes a module list ("a args,b"); for Linux
		// and PVH the whole value is one file name.
		specs := []loader.ModuleSpec{{Path: m.cfg.Initrd, Cmdline: m.cfg.Initrd}}
		if kind, err := loader.Probe(img); err == nil && kind == loader.KindMultiboot {
			if specs, err = loader.ParseModuleList(m.cfg.Initrd); err != nil {
				return accel.CPUState{}, err
			}
		}
		for _, s := range specs {
			mi, mf, err := loader.OpenImage(s.Path)
			if err != nil {
				return accel.CPUState{}, err
			}
			defer mf.Close()
			kc.Initrd = append(kc.Initrd, loader.Module{Image: mi, Cmdline: s.Cmdline})
		}
	}
	if _, err := loader.MPTable(m.ram, loader.MPConfig{CPUs: max(m.cfg.SMP.CPUs, 1), E820: kc.E820}); err != nil {
		return accel.CPUState{}, err
	}
	if p.feat.acpi {
		if kc.RSDP, err = p.placeACPI(m, kc.E820); err != nil {
			return accel.CPUState{}, err
		}
	}
	if !p.micro {
		// QEMU's microvm has no SMBIOS; its pc has SeaBIOS's.
		if err := p.placeSMBIOS(m, kc.E820); err != nil {
			return accel.CPUState{}, err
		}
	}
	b, err := loader.Kernel(m.ram, kc)
	if err != nil {
		return accel.CPUState{}, err
	}
	return b.CPU, nil
}
