// Package i8042 models the PC's 8042 keyboard controller (QEMU's i8042)
// with a PS/2 keyboard and a PS/2 mouse behind it: the data and status
// ports, the command byte, the controller commands firmware and Linux use
// (self-test, interface tests and enables, output port with the A20 gate
// and the reset line, pulses), scan code set 2 to set 1 translation, and
// interrupts on IRQ 1 and IRQ 12.
//
// Host input arrives through Key and MouseEvent; the guest reads it byte by
// byte through the output buffer, each refill raising the interrupt again.
package i8042

import (
	"errors"
	"log/slog"
	"sync"

	"gemu/hw"
	"gemu/hw/bus"
	"gemu/hw/irq"
)

// Config configures the controller. Reset is required.
type Config struct {
	ID     string   // device path; default "/machine/unattached/i8042"
	KbdIRQ irq.Line // IRQ 1 (nil: not connected)
	AuxIRQ irq.Line // IRQ 12 (nil: not connected)
	A20    irq.Line // output port bit 1 (nil: not connected)
	// Reset requests a system reset (output port bit 0 driven low, or a
	// pulse command). It is called with the controller's lock released.
	Reset  func()
	Logger *slog.Logger // guest misbehaviour (nil: discarded)
}

// Controller is an 8042 with its keyboard and mouse.
type Controller struct {
	mu       sync.Mutex
	ram      [ramLen]byte // guarded by mu; ram[0] is the command byte
	status   uint8        // guarded by mu; SYS, A2, timeout and parity bits (OBF, AUXB derived)
	outPort  uint8        // guarded by mu
	obf      bool         // guarded by mu; the output buffer holds a byte
	obAux    bool         // guarded by mu; ... from the auxiliary device
	ob       uint8        // guarded by mu; the output buffer (kept after reading)
	expect   uint8        // guarded by mu; controller command waiting for a data byte
	reply    queue        // guarded by mu; controller replies and 0xd2 bytes, ahead of device data
	auxLoop  queue        // guarded by mu; 0xd3 bytes: aux data from the controller itself
	xlBreak  bool         // guarded by mu; translation saw an 0xf0 prefix
	kbd      keyboard     // guarded by mu
	aux      mouse        // guarded by mu
	kbdLevel bool         // guarded by mu; IRQ 1 as last driven
	auxLevel bool         // guarded by mu; IRQ 12 as last driven
	warnings int          // guarded by mu

	id     string
	kbdIRQ irq.Line
	auxIRQ irq.Line
	a20    irq.Line
	reset  func()
	log    *slog.Logger
}

var (
	_ bus.Handler = (*Controller)(nil)
	_ hw.Device   = (*Controller)(nil)
)

// New validates c and returns the controller in its reset state.
func New(c Config) (*Controller, error) {
	if c.Reset == nil {
		return nil, errors.New("i8042: no Reset function")
	}
	for _, l := range []*irq.Line{&c.KbdIRQ, &c.AuxIRQ, &c.A20} {
		if *l == nil {
			*l = irq.None
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ID == "" {
		c.ID = "/machine/unattached/i8042"
	}
	k := &Controller{id: c.ID, kbdIRQ: c.KbdIRQ, auxIRQ: c.AuxIRQ, a20: c.A20, reset: c.Reset, log: c.Logger.With("dev", c.ID)}
	k.resetLocked()
	k.kbdLevel, k.auxLevel = false, false
	return k, nil
}

// Regions are the two ports the machine maps: data at 0x60 and
// status/command at 0x64 (0x61-0x63 belong to other devices). The Handler
// offsets are relative to 0x60.
func (k *Controller) Regions() []bus.Region {
	return []bus.Region{
		{Name: "i8042-data", Base: portData, Len: 1, MinSize: 1, MaxSize: 1, Handler: portHandler{k, offData}},
		{Name: "i8042-cmd", Base: portCommand, Len: 1, MinSize: 1, MaxSize: 1, Handler: portHandler{k, offStatus}},
	}
}

// portHandler serves one port of the controller.
type portHandler struct {
	k   *Controller
	off uint64
}

func (p portHandler) Read(off uint64, size int) uint64 {
	if off != 0 {
		return 0xff
	}
	return p.k.Read(p.off, size)
}

func (p portHandler) Write(off uint64, size int, val uint64) {
	if off == 0 {
		p.k.Write(p.off, size, val)
	}
}

// ID returns the device path.
func (k *Controller) ID() string { return k.id }

// Reset returns the controller, keyboard and mouse to their power-on state,
// lowers both interrupts and drives A20 as the output port's reset value
// says (enabled).
func (k *Controller) Reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.resetLocked()
	k.kbdIRQ.Set(false)
	k.auxIRQ.Set(false)
	k.a20.Set(k.outPort&opA20 != 0)
}

func (k *Controller) resetLocked() {
	k.ram = [ramLen]byte{}
	k.ram[0] = cbKbdInt | cbAuxInt
	k.status = stA2
	k.outPort = outPortReset
	k.obf, k.obAux, k.ob = false, false, 0
	k.expect = 0
	k.reply.clear()
	k.auxLoop.clear()
	k.xlBreak = false
	k.kbd.reset()
	k.aux.reset()
	k.kbdLevel, k.auxLevel = false, false
}

// Read serves a read of the data port (offset 0) or the status port (4).
func (k *Controller) Read(off uint64, size int) uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch off {
	case offData:
		v := k.ob
		if k.obf {
			k.obf = false
			k.drive()  // the interrupt falls with OBF...
			k.update() // ...and rises again for the next byte: an edge per byte
		}
		return uint64(v)
	case offStatus:
		s := k.status | stINH
		if k.obf {
			s |= stOBF
			if k.obAux {
				s |= stAUXB
			}
		}
		return uint64(s)
	}
	return 0xff
}

// Write serves a write of the data port (offset 0) or the command port (4).
func (k *Controller) Write(off uint64, size int, val uint64) {
	b := uint8(val)
	k.mu.Lock()
	reset := false
	switch off {
	case offData:
		k.status &^= stA2
		reset = k.writeData(b)
	case offStatus:
		k.status |= stA2
		reset = k.command(b)
	}
	k.update()
	k.mu.Unlock()
	if reset {
		k.reset()
	}
}

// command runs a controller command; it reports a reset request.
func (k *Controller) command(b uint8) bool {
	k.expect = 0
	switch {
	case b >= ccReadRAM && b < ccReadRAM+ramLen:
		k.reply.push(k.ram[b-ccReadRAM])
	case b >= ccWriteRAM && b < ccWriteRAM+ramLen:
		k.expect = b
	case b == ccAuxDisable:
		k.ram[0] |= cbAuxDis
	case b == ccAuxEnable:
		k.ram[0] &^= cbAuxDis
	case b == ccAuxTest, b == ccKbdTest:
		k.reply.push(0x00)
	case b == ccSelfTest:
		k.status |= stSYS
		k.reply.push(0x55)
	case b == ccKbdDisable:
		k.ram[0] |= cbKbdDis
	case b == ccKbdEnable:
		k.ram[0] &^= cbKbdDis
	case b == ccReadInput:
		k.reply.push(inPortValue)
	case b == ccReadOutput:
		v := k.outPort &^ (opKbdOBF | opAuxOBF)
		if k.obf && !k.obAux {
			v |= opKbdOBF
		}
		if k.obf && k.obAux {
			v |= opAuxOBF
		}
		k.reply.push(v)
	case b == ccWriteOutput, b == ccWriteKbdOB, b == ccWriteAuxOB, b == ccWriteAux:
		k.expect = b
	case b == ccDisableA20:
		k.setOutPort(k.outPort &^ opA20)
	case b == ccEnableA20:
		k.setOutPort(k.outPort | opA20)
	case b == ccReadTest:
		k.reply.push(0x00)
	case b >= ccPulse:
		// Bits 3-0 that are 0 are pulsed low for 6 µs; only bit 0 (reset)
		// has an effect anyone can see.
		return b&opReset == 0
	default:
		k.warn("unknown controller command", "cmd", b)
	}
	return false
}

// writeData takes a data byte: a pending command's parameter, or a byte
// for the keyboard. It reports a reset request.
func (k *Controller) writeData(b uint8) bool {
	cmd := k.expect
	k.expect = 0
	switch {
	case cmd >= ccWriteRAM && cmd < ccWriteRAM+ramLen:
		k.ram[cmd-ccWriteRAM] = b
		if cmd == ccWriteRAM {
			k.status = k.status&^stSYS | b&cbSYS
		}
	case cmd == ccWriteOutput:
		return k.setOutPort(b)
	case cmd == ccWriteKbdOB:
		k.reply.push(b) // keyboard data written by the controller: not translated
	case cmd == ccWriteAuxOB:
		k.auxLoop.push(b) // the controller's own write: not gated by the aux disable bit
	case cmd == ccWriteAux:
		k.aux.command(b)
	default:
		k.kbd.command(b)
	}
	return false
}

// setOutPort stores the output port and drives A20; bit 0 low asks for a
// reset.
func (k *Controller) setOutPort(v uint8) bool {
	old := k.outPort
	k.outPort = v
	if (old^v)&opA20 != 0 {
		k.a20.Set(v&opA20 != 0)
	}
	return v&opReset == 0
}

// update refills the output buffer and drives the interrupts.
func (k *Controller) update() {
	if !k.obf {
		k.fill()
	}
	k.drive()
}

// drive sets IRQ 1 and IRQ 12 from the output buffer's state.
func (k *Controller) drive() {
	kbd := k.obf && !k.obAux && k.ram[0]&cbKbdInt != 0
	aux := k.obf && k.obAux && k.ram[0]&cbAuxInt != 0
	if kbd != k.kbdLevel {
		k.kbdLevel = kbd
		k.kbdIRQ.Set(kbd)
	}
	if aux != k.auxLevel {
		k.auxLevel = aux
		k.auxIRQ.Set(aux)
	}
}

// fill moves the next byte into the empty output buffer: controller
// replies first, then the keyboard, then the mouse, each unless its
// interface is disabled.
func (k *Controller) fill() {
	if !k.reply.empty() {
		k.load(k.reply.pop(), false)
		return
	}
	if !k.auxLoop.empty() {
		k.load(k.auxLoop.pop(), true)
		return
	}
	if k.ram[0]&cbKbdDis == 0 {
		for !k.kbd.out.empty() {
			b := k.kbd.out.pop()
			if k.ram[0]&cbXlate != 0 {
				if b == 0xf0 {
					k.xlBreak = true
					continue
				}
				b = translate(b)
				if k.xlBreak {
					b |= 0x80
					k.xlBreak = false
				}
			}
			k.load(b, false)
			return
		}
	}
	if k.ram[0]&cbAuxDis == 0 && !k.aux.out.empty() {
		k.load(k.aux.out.pop(), true)
		k.aux.flush(false) // room for more motion
	}
}

func (k *Controller) load(b uint8, aux bool) {
	k.ob, k.obf, k.obAux = b, true, aux
}

// Key reports a key press or release from the host: code is a set 1 make
// code (0x01-0x7f), or KeyExtended|code for keys set 1 prefixes with 0xe0,
// or KeyPause or KeyPrintScreen. It returns false for a code that is no key.
// Events beyond the keyboard's 16-byte buffer are lost with an overrun
// code, as on a real keyboard.
func (k *Controller) Key(code uint16, down bool) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	ok := k.kbd.key(code, down)
	k.update()
	return ok
}

// MouseEvent reports host mouse motion (dx right, dy down, dz wheel
// towards the user) and the buttons now held (bit 0 left, 1 right,
// 2 middle, 3 and 4 side buttons).
func (k *Controller) MouseEvent(dx, dy, dz int32, buttons uint8) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.aux.event(dx, dy, dz, buttons)
	k.update()
}

// LEDs returns the keyboard LEDs the guest set: bit 0 Scroll Lock, bit 1
// Num Lock, bit 2 Caps Lock.
func (k *Controller) LEDs() uint8 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.kbd.leds
}

// A20 reports the output port's A20 gate.
func (k *Controller) A20() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.outPort&opA20 != 0
}

func (k *Controller) warn(msg string, args ...any) {
	if k.warnings >= 10 {
		return
	}
	k.warnings++
	k.log.Warn(msg, args...)
}
