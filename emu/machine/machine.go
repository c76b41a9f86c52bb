// Package machine builds a virtual machine from a parsed command line and
// runs it: guest RAM, the port and MMIO buses, interrupt wiring, the devices
// of the board, the character backends behind them, the boot images, and one
// goroutine per vCPU on the selected accelerator.
//
// The Machine owns every piece. Devices never see it: they get lines, a
// clock and callbacks (reset, exit) through their Config. Requests that
// change the whole machine's state (exit, reset, shutdown, internal error)
// arrive as events on one channel and are handled by Run's goroutine, which
// is the only one that stops and restarts vCPUs.
package machine

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"gemu/accel"
	"gemu/accel/interp"
	"gemu/emu/chardev"
	"gemu/emu/config"
	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
	"gemu/hw/mem"
	"gemu/hw/timer/mc146818"
)

// Env is what the machine needs from its process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
	// Accelerators overrides the accelerator constructors (tests); nil
	// uses Accelerators().
	Accelerators map[string]func(*slog.Logger) accel.Accelerator
}

// RunState is the machine's run state, named as QMP's query-status does.
type RunState string

const (
	StatePrelaunch     RunState = "prelaunch"
	StateRunning       RunState = "running"
	StatePaused        RunState = "paused"
	StateShutdown      RunState = "shutdown"
	StateInternalError RunState = "internal-error"
	StateGuestPanicked RunState = "guest-panicked"
)

// eventKind is a machine-wide request.
type eventKind int

const (
	evExit          eventKind = iota + 1 // end the process with status
	evReset                              // guest asked for a system reset
	evShutdown                           // guest powered off (ACPI) or triple-faulted
	evInternalError                      // a vCPU cannot continue
	evQuit                               // the user asked to quit (Ctrl-A x, signal)
)

type event struct {
	kind   eventKind
	status int
	err    error
	cause  string
}

// Machine is one virtual machine.
type Machine struct {
	cfg   *config.Config
	env   Env
	log   *slog.Logger
	board board
	accel accel.Accelerator
	vm    accel.VM
	ram   *mem.Guest
	io    *bus.Space
	mmio  *bus.Space
	clock hw.Clock
	// rtcBase is the guest's wall-clock time when clock started (-rtc
	// base=), for the RTC and for paravirtual wall clocks.
	rtcBase time.Time
	tscHz   uint64 // the TSC frequency advertised to the guest (0: the accelerator's)
	chars   *chardev.Set
	vcpus   []*vcpu
	events  chan event

	devices []hw.Device
	// userIRQ receives GSI levels when the interrupt controllers are the
	// machine's own models (the interpreter, kernel-irqchip=off).
	userIRQ irq.GSIController
	closers []func() error

	mu    sync.Mutex
	state RunState // guarded by mu

	// initial holds the vCPU and VM state captured right after creation,
	// restored on a system reset.
	initialVM accel.VMState
	haveVM    bool
}

// board is what differs between machine types.
type board interface {
	// name is the machine type ("pc").
	name() string
	// layout returns the RAM layout for size bytes.
	layout(size uint64) []mem.Range
	// build creates and maps the board's devices.
	build(m *Machine) error
	// boot places firmware or a kernel into RAM and returns the BSP's
	// state. It runs at start and after every system reset.
	boot(m *Machine) (accel.CPUState, error)
	// irqChip says where interrupts are handled under this accelerator.
	irqChip(m *Machine) accel.IRQChipMode
	// connectVCPU wires vCPU i (its APIC) once it exists.
	connectVCPU(m *Machine, i int, cpu accel.VCPU)
	// afterReset runs after every device has been reset.
	afterReset(m *Machine)
}

// New builds the machine cfg describes. Nothing runs until Run.
func New(cfg *config.Config, env Env) (*Machine, error) {
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	if env.Logger == nil {
		env.Logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	m := &Machine{
		cfg:    cfg,
		env:    env,
		log:    env.Logger,
		io:     bus.NewSpace("io"),
		mmio:   bus.NewSpace("memory"),
		events: make(chan event, 16),
		state:  StatePrelaunch,
	}
	if err := m.build(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (m *Machine) build() error {
	cfg, env := m.cfg, m.env
	var err error
	switch cfg.Machine.Type {
	case "pc", "":
		m.board = &pc{}
	case "microvm":
		m.board = &pc{micro: true}
	default:
		return fmt.Errorf("machine type '%s' is not supported by this build (supported: pc, microvm)", cfg.Machine.Type)
	}
	if err := m.pickAccel(); err != nil {
		return err
	}
	m.clock = hw.NewHostClock()
	if cfg.ICount.Enabled {
		// Deterministic guest time: each instruction advances the clock
		// by 2^shift ns (shift=auto starts from QEMU's initial 3). An idle
		// guest's clock jumps to its next timer deadline.
		shift := cfg.ICount.Shift
		if cfg.ICount.Auto && shift == 0 {
			shift = 3
		}
		m.clock = interp.NewVirtualClock(uint(shift))
	}
	base, err := mc146818.ParseBase(cfg.RTC.Base, time.Now(), nil)
	if err != nil {
		return fmt.Errorf("-rtc base=%s: %w", cfg.RTC.Base, err)
	}
	m.rtcBase = base
	if m.accel.Name() == "tcg" {
		m.tscHz = interp.DefaultTSCHz
	}

	size := cfg.RAMSize
	if size == 0 {
		size = config.DefaultRAMSize // -m 0 means the default, as in QEMU
	}
	m.ram, err = mem.New(size, m.board.layout(size))
	if err != nil {
		return err
	}
	m.closers = append(m.closers, m.ram.Close)

	m.chars, err = chardev.Open(cfg.Chardevs, chardev.Env{
		Stdin:  env.Stdin,
		Stdout: env.Stdout,
		Stderr: env.Stderr,
		Exit:   func() { m.post(event{kind: evQuit, cause: "terminal"}) },
		Logger: m.log,
	})
	if err != nil {
		return err
	}
	m.closers = append(m.closers, m.chars.Close)
	if err := m.board.build(m); err != nil {
		return err
	}
	// Power-on reset: devices start from their reset state (a PIT's
	// counter 0 starts counting here).
	m.resetDevices()
	return nil
}

// resetDevices resets every device, then lets the board re-drive the lines
// between them.
func (m *Machine) resetDevices() {
	for _, d := range m.devices {
		d.Reset()
	}
	m.board.afterReset(m)
}

// pickAccel takes the first accelerator of the fallback list that works
// here, warning about those skipped as QEMU does.
func (m *Machine) pickAccel() error {
	ctors := m.env.Accelerators
	if ctors == nil {
		ctors = Accelerators()
	}
	names := m.cfg.Accels
	if len(names) == 0 {
		names = []config.Accel{{Name: "tcg"}}
	}
	var errs []string
	for i, a := range names {
		ctor, ok := ctors[a.Name]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: not built into gemu", a.Name))
			continue
		}
		if err := m.cfg.AccelAllowed(a.Name); err != nil {
			if i < len(names)-1 {
				continue
			}
			return err
		}
		acc := ctor(m.log)
		if err := acc.Available(); err != nil {
			if i < len(names)-1 {
				fmt.Fprintf(m.env.Stderr, "gemu: -accel %s: %v; trying the next accelerator\n", a.Name, err)
			}
			errs = append(errs, fmt.Sprintf("%s: %v", a.Name, err))
			continue
		}
		m.accel = acc
		return nil
	}
	if len(errs) == 1 {
		return fmt.Errorf("-accel %s", errs[0])
	}
	return fmt.Errorf("no accelerator found (%v)", errs)
}

// Accel is the accelerator the machine runs on.
func (m *Machine) Accel() accel.Accelerator { return m.accel }

// RAM is the guest's memory.
func (m *Machine) RAM() *mem.Guest { return m.ram }

// IOSpace and MMIOSpace are the machine's buses ("info mtree").
func (m *Machine) IOSpace() *bus.Space   { return m.io }
func (m *Machine) MMIOSpace() *bus.Space { return m.mmio }

// State returns the run state.
func (m *Machine) State() RunState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

func (m *Machine) setState(s RunState) {
	m.mu.Lock()
	m.state = s
	m.mu.Unlock()
}

// post delivers a machine-wide event without blocking the caller (a device
// or vCPU goroutine). Exit events are never lost: the first one wins.
func (m *Machine) post(e event) {
	select {
	case m.events <- e:
	default:
		// The queue is full: Run is already busy with earlier requests of
		// the same kinds; an exit must still get through.
		if e.kind == evExit || e.kind == evInternalError {
			go func() { m.events <- e }()
		}
	}
}

// Exit ends the machine with a process status (isa-debug-exit).
func (m *Machine) Exit(status int) { m.post(event{kind: evExit, status: status}) }

// RequestReset asks for a system reset (port 0x92, the keyboard controller,
// the ACPI reset register).
func (m *Machine) RequestReset(cause string) { m.post(event{kind: evReset, cause: cause}) }

// RequestShutdown asks for a power-off (ACPI S5).
func (m *Machine) RequestShutdown(cause string) { m.post(event{kind: evShutdown, cause: cause}) }

// addDevice maps h at [base, base+n) of a space and records dev for reset
// and state.
func (m *Machine) addDevice(dev hw.Device) { m.devices = append(m.devices, dev) }

func (m *Machine) mapPorts(name string, base uint64, n uint64, h bus.Handler) error {
	return m.io.Map(bus.Region{Name: name, Base: base, Len: n, Handler: h})
}

// Run starts the vCPUs and serves machine-wide events until the machine
// ends. It returns the process exit status: the isa-debug-exit status, 0
// after a guest power-off or (with -no-reboot) a reset, 1 after an internal
// error.
func (m *Machine) Run() (int, error) {
	vmo := accel.VMOptions{
		VCPUs:     m.cfg.SMP.CPUs,
		CPU:       m.cfg.CPU,
		IRQChip:   m.board.irqChip(m),
		KernelPIT: m.board.irqChip(m) == accel.IRQChipKernel,
		Clock:     m.clock,
		Logger:    m.log,
		TSCHz:     m.tscHz,
		WallClock: m.wallClock(),
	}
	if vmo.VCPUs < 1 {
		vmo.VCPUs = 1
	}
	vm, err := m.accel.NewVM(m.ram, m, vmo)
	if err != nil {
		return 1, err
	}
	m.vm = vm
	m.closers = append(m.closers, vm.Close)
	if st, err := vm.SaveState(); err == nil {
		m.initialVM, m.haveVM = st, true
	}
	boot, err := m.board.boot(m)
	if err != nil {
		return 1, err
	}
	for i := 0; i < vmo.VCPUs; i++ {
		v := newVCPU(m, i)
		m.vcpus = append(m.vcpus, v)
	}
	for _, v := range m.vcpus {
		if err := v.start(); err != nil {
			return 1, err
		}
		m.board.connectVCPU(m, v.index, v.cpu)
	}
	if err := m.vcpus[0].setState(boot); err != nil {
		return 1, fmt.Errorf("setting the boot processor's state: %w", err)
	}
	if m.cfg.Freeze {
		m.setState(StatePaused)
	} else {
		m.resumeAll()
	}
	return m.serve()
}

func (m *Machine) serve() (int, error) {
	for e := range m.events {
		switch e.kind {
		case evExit:
			m.stopAll()
			return e.status, nil
		case evQuit:
			m.stopAll()
			return 0, nil
		case evInternalError:
			m.stopAll()
			m.setState(StateInternalError)
			return 1, e.err
		case evShutdown:
			if m.cfg.NoShutdown {
				m.pauseAll()
				m.setState(StateShutdown)
				continue
			}
			m.stopAll()
			return 0, nil
		case evReset:
			if m.cfg.NoReboot {
				m.stopAll()
				return 0, nil
			}
			if err := m.systemReset(); err != nil {
				m.stopAll()
				return 1, fmt.Errorf("system reset: %w", err)
			}
		}
	}
	return 0, nil
}

// systemReset stops every vCPU, resets devices and the accelerator's
// VM-wide state, reloads the boot images and starts again.
func (m *Machine) systemReset() error {
	m.pauseAll()
	m.resetDevices()
	if m.haveVM {
		if err := m.vm.LoadState(m.initialVM); err != nil {
			return err
		}
	}
	boot, err := m.board.boot(m)
	if err != nil {
		return err
	}
	for _, v := range m.vcpus {
		st := v.initial
		if v.index == 0 {
			st = boot
		}
		if err := v.setState(st); err != nil {
			return err
		}
	}
	m.resumeAll()
	return nil
}

func (m *Machine) resumeAll() {
	for _, v := range m.vcpus {
		v.command(cmdResume)
	}
	m.setState(StateRunning)
}

func (m *Machine) pauseAll() {
	for _, v := range m.vcpus {
		v.command(cmdPause)
	}
	m.setState(StatePaused)
}

func (m *Machine) stopAll() {
	for _, v := range m.vcpus {
		v.command(cmdStop)
	}
	m.setState(StateShutdown)
}

// Close releases everything the machine holds.
func (m *Machine) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		if err := m.closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	m.closers = nil
	return errors.Join(errs...)
}

// waitTimeout is how long a vCPU command may take before the machine
// reports a stuck vCPU instead of hanging.
const waitTimeout = 10 * time.Second

// Quit ends the machine as if the user asked (a signal, Ctrl-A x): Run
// returns status 0.
func (m *Machine) Quit() { m.post(event{kind: evQuit, cause: "quit"}) }

// wallClock is the guest's wall-clock time now, as -rtc base= sets the
// RTC: the clock's digits read as UTC, the way a guest that keeps its RTC
// in UTC reads them (with base=localtime, the host's local time).
func (m *Machine) wallClock() time.Time {
	t := m.rtcBase
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).Add(m.clock.Now())
}
