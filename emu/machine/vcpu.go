package machine

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"gemu/accel"
)

type vcpuCmd int

const (
	cmdResume vcpuCmd = iota + 1
	cmdPause
	cmdStop
	cmdSetState
	cmdGetState
)

type request struct {
	cmd   vcpuCmd
	state accel.CPUState
	reply chan reply
}

type reply struct {
	state accel.CPUState
	err   error
}

// vcpu drives one accelerator vCPU from its own goroutine, locked to its OS
// thread for life. The machine talks to it only through commands, each
// acknowledged, so it knows when every vCPU has stopped touching the guest.
type vcpu struct {
	m       *Machine
	index   int
	cpu     accel.VCPU
	cmds    chan request
	initial accel.CPUState // state right after creation: what a reset restores
	done    chan struct{}
}

func newVCPU(m *Machine, index int) *vcpu {
	return &vcpu{m: m, index: index, cmds: make(chan request, 1), done: make(chan struct{})}
}

// start creates the accelerator vCPU on a new goroutine and leaves it paused.
func (v *vcpu) start() error {
	started := make(chan error, 1)
	go v.loop(started)
	return <-started
}

func (v *vcpu) loop(started chan<- error) {
	runtime.LockOSThread() // for life: KVM ties a vCPU to its thread
	defer close(v.done)
	cpu, err := v.m.vm.NewVCPU(v.index)
	if err != nil {
		started <- fmt.Errorf("vCPU %d: %w", v.index, err)
		return
	}
	v.cpu = cpu
	if v.initial, err = cpu.State(); err != nil {
		started <- fmt.Errorf("vCPU %d: reading its initial state: %w", v.index, err)
		return
	}
	v.m.closers = append(v.m.closers, cpu.Close)
	started <- nil

	running := false
	for {
		if !running {
			req := <-v.cmds
			if stop := v.handle(req, &running); stop {
				return
			}
			continue
		}
		select {
		case req := <-v.cmds:
			if stop := v.handle(req, &running); stop {
				return
			}
			continue
		default:
		}
		exit, err := v.run()
		if err != nil {
			running = false
			v.m.post(event{kind: evInternalError, err: err})
			continue
		}
		switch exit.Reason {
		case accel.ExitKicked, accel.ExitDebug:
		case accel.ExitHalt:
			// Halted with nothing inside the accelerator able to wake it:
			// only the machine can (reset, quit).
			running = false
		case accel.ExitShutdown:
			// A triple fault resets a PC (or ends gemu with -no-reboot).
			running = false
			v.m.post(event{kind: evReset, cause: fmt.Sprintf("triple fault on vCPU %d", v.index)})
		case accel.ExitReset:
			running = false
			v.m.post(event{kind: evReset, cause: fmt.Sprintf("reset requested by vCPU %d", v.index)})
		}
	}
}

// run calls the accelerator, turning a Go panic below it into an internal
// error with the registers, rather than a crashed process.
func (v *vcpu) run() (exit accel.Exit, err error) {
	defer func() {
		if r := recover(); r != nil {
			re := &accel.RunError{VCPU: v.index, Reason: fmt.Sprintf("panic: %v\n%s", r, debug.Stack())}
			if st, serr := v.cpu.State(); serr == nil {
				re.State = &st
			}
			err = re
		}
	}()
	return v.cpu.Run()
}

func (v *vcpu) handle(req request, running *bool) (stop bool) {
	var rep reply
	switch req.cmd {
	case cmdResume:
		*running = true
	case cmdPause:
		*running = false
	case cmdStop:
		*running = false
		stop = true
	case cmdSetState:
		rep.err = v.cpu.SetState(req.state)
	case cmdGetState:
		rep.state, rep.err = v.cpu.State()
	}
	req.reply <- rep
	return stop
}

// command sends a command and waits for the vCPU to acknowledge it.
func (v *vcpu) command(c vcpuCmd) error {
	rep := v.request(request{cmd: c})
	return rep.err
}

func (v *vcpu) setState(s accel.CPUState) error {
	return v.request(request{cmd: cmdSetState, state: s}).err
}

func (v *vcpu) getState() (accel.CPUState, error) {
	rep := v.request(request{cmd: cmdGetState})
	return rep.state, rep.err
}

func (v *vcpu) request(req request) reply {
	select {
	case <-v.done:
		return reply{err: fmt.Errorf("vCPU %d has stopped", v.index)}
	default:
	}
	req.reply = make(chan reply, 1)
	v.cmds <- req
	if v.cpu != nil {
		v.cpu.Kick()
	}
	t := time.NewTimer(waitTimeout)
	defer t.Stop()
	for {
		select {
		case rep := <-req.reply:
			return rep
		case <-v.done:
			return reply{err: fmt.Errorf("vCPU %d has stopped", v.index)}
		case <-t.C:
			// Kick again: a kick can race with the vCPU entering the
			// accelerator on some hosts.
			v.cpu.Kick()
			t.Reset(waitTimeout)
			v.m.log.Warn("vCPU is slow to answer a command", "vcpu", v.index, "cmd", int(req.cmd))
		}
	}
}
