package interp

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gemu/accel"
	"gemu/hw"
	"gemu/hw/mem"
)

// Accelerator is the interpreter ("-accel tcg").
type Accelerator struct{}

var _ accel.Accelerator = Accelerator{}

// Name is "tcg", as -accel spells the software accelerator.
func (Accelerator) Name() string { return "tcg" }

// Available: the interpreter runs everywhere.
func (Accelerator) Available() error { return nil }

// DefaultTSCHz is the TSC frequency advertised (CPUID 0x15, 0x16 and
// 0x40000010) when VMOptions.TSCHz is zero.
const DefaultTSCHz = 2_500_000_000

// NewVM creates a VM over ram. The machine models every interrupt
// controller (IRQChipUser); other modes are refused.
func (Accelerator) NewVM(ram *mem.Guest, io accel.IO, o accel.VMOptions) (accel.VM, error) {
	return NewVM(ram, io, o)
}

// VM is one interpreted virtual machine.
type VM struct {
	ram   *mem.Guest
	io    accel.IO
	opts  accel.VMOptions
	log   *slog.Logger
	model *cpuModel
	tscHz uint64
	clock hw.Clock
	vclk  *VirtualClock // deterministic time, when the machine chose it
	// wallEpoch is the wall time at which clock read zero (kvmclock's
	// wall clock).
	wallEpoch time.Time

	memMu    sync.Mutex
	slots    []*mem.Slot // the layout phys was built from
	phys     []physRange
	codeGen  []atomic.Uint32 // per page: bumped when decoded code there is invalidated
	codeBits []atomic.Uint64 // per page: decoded code exists
	// codeEpoch counts invalidations of decoded code on any page: a block
	// link made in the current epoch needs no check of its page's
	// generation.
	codeEpoch atomic.Uint64
	noGen     atomic.Uint32 // generation of blocks that are never cached

	dirty *mem.Bitmap // pages written by vCPUs since the last harvest

	lockMu sync.Mutex // split locked accesses

	mu     sync.Mutex
	vcpus  []*VCPU // guarded by mu
	closed bool    // guarded by mu

	running atomic.Int32 // vCPUs executing (not halted), for clock warps

	udSeen [1024]atomic.Bool

	rngMu sync.Mutex
	rng   *mrand.ChaCha8
}

var _ accel.VM = (*VM)(nil)

// physRange is one RAM or ROM slot as the interpreter sees it.
type physRange struct {
	start, end uint64
	host       []byte
	ro         bool
	page0      int // dirty-bitmap index of the first page
}

// NewVM creates the interpreter VM (see Accelerator.NewVM).
func NewVM(ram *mem.Guest, io accel.IO, o accel.VMOptions) (*VM, error) {
	if ram == nil || io == nil {
		return nil, errors.New("tcg: a VM needs guest RAM and an IO")
	}
	if o.IRQChip != accel.IRQChipUser {
		return nil, fmt.Errorf("tcg: kernel-irqchip=%s is not supported; the interpreter needs the machine's interrupt controllers (kernel-irqchip=off)", o.IRQChip)
	}
	model, warns, err := resolveModel(o.CPU)
	if err != nil {
		return nil, fmt.Errorf("tcg: %w", err)
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, w := range warns {
		log.Warn(w)
	}
	vm := &VM{ram: ram, io: io, opts: o, log: log, model: model, tscHz: o.TSCHz, clock: o.Clock}
	if vm.tscHz == 0 {
		vm.tscHz = DefaultTSCHz
	}
	if vm.clock == nil {
		vm.clock = hw.NewHostClock()
	}
	if vc, ok := vm.clock.(*VirtualClock); ok {
		vm.vclk = vc
	}
	wall := o.WallClock
	if wall.IsZero() {
		wall = time.Now()
	}
	vm.wallEpoch = wall.Add(-vm.clock.Now())
	var seed [32]byte
	if vm.vclk != nil {
		copy(seed[:], "gemu deterministic random seed..")
	} else if _, err := rand.Read(seed[:]); err != nil {
		return nil, fmt.Errorf("tcg: seeding RDRAND: %w", err)
	}
	vm.rng = mrand.NewChaCha8(seed)
	vm.dirty = mem.NewBitmap(ram.Pages())
	vm.refreshMemory()
	ram.SetWriteHook(vm.pageWritten)
	return vm, nil
}

// pageWritten is called for every page written through mem.Guest (DMA,
// loaders): decoded code from that page is dropped.
func (vm *VM) pageWritten(idx int) {
	if idx < len(vm.codeGen) && vm.isCode(idx) {
		vm.clearCode(idx)
		vm.codeGen[idx].Add(1)
		vm.codeEpoch.Add(1)
	}
}

// refreshMemory rebuilds the physical map after the machine changed the
// memory layout (only while no vCPU runs).
func (vm *VM) refreshMemory() bool {
	vm.memMu.Lock()
	defer vm.memMu.Unlock()
	slots := vm.ram.Slots()
	same := len(slots) == len(vm.slots)
	for i := 0; same && i < len(slots); i++ {
		same = slots[i] == vm.slots[i]
	}
	if same && vm.phys != nil {
		return false
	}
	vm.slots = append([]*mem.Slot(nil), slots...)
	var phys []physRange
	for _, s := range slots {
		phys = append(phys, physRange{start: uint64(s.GPA), end: uint64(s.End()), host: s.Host, ro: s.ReadOnly, page0: s.SlotPage()})
	}
	sort.Slice(phys, func(i, j int) bool { return phys[i].start < phys[j].start })
	vm.phys = phys
	n := vm.ram.Pages()
	if len(vm.codeGen) != n {
		vm.codeGen = make([]atomic.Uint32, n)
		vm.codeBits = make([]atomic.Uint64, (n+63)/64)
		vm.dirty = mem.NewBitmap(n)
	} else {
		for i := range vm.codeGen {
			vm.codeGen[i].Add(1)
		}
		vm.codeEpoch.Add(1)
		for i := range vm.codeBits {
			vm.codeBits[i].Store(0)
		}
	}
	return true
}

// physRange returns the slot holding pa, or nil (MMIO).
func (vm *VM) physRange(pa uint64) *physRange {
	p := vm.phys
	lo, hi := 0, len(p)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case pa < p[m].start:
			hi = m
		case pa >= p[m].end:
			lo = m + 1
		default:
			return &p[m]
		}
	}
	return nil
}

func (vm *VM) isCode(idx int) bool {
	return vm.codeBits[idx/64].Load()&(1<<(idx%64)) != 0
}

func (vm *VM) setCode(idx int) { vm.codeBits[idx/64].Or(1 << (idx % 64)) }

func (vm *VM) clearCode(idx int) { vm.codeBits[idx/64].And(^(1 << (idx % 64))) }

// markDirtyPA marks the page at physical address pa dirty.
func (vm *VM) markDirtyPA(pa uint64) {
	if r := vm.physRange(pa); r != nil && !r.ro {
		vm.dirty.Set(r.page0 + int((pa-r.start)>>12))
	}
}

func (vm *VM) random() uint64 {
	vm.rngMu.Lock()
	defer vm.rngMu.Unlock()
	return vm.rng.Uint64()
}

func (vm *VM) vcpuCount() int {
	if vm.opts.VCPUs > 0 {
		return vm.opts.VCPUs
	}
	return 1
}

// logUD reports an undefined or unsupported opcode once per opcode.
func (vm *VM) logUD(c *CPU, in *inst) {
	if int(in.op) < len(vm.udSeen) && !vm.udSeen[in.op].Swap(true) {
		var b [maxInstLen]byte
		n := c.peekCode(in.ip, b[:])
		vm.log.Warn("tcg: undefined or unsupported instruction raises #UD", "rip", fmt.Sprintf("%#x", in.ip),
			"opcode", fmt.Sprintf("%#x", in.op), "bytes", fmt.Sprintf("% x", b[:n]))
	}
}

// NewVCPU creates vCPU index. Index 0 starts at the reset vector; the
// others wait for INIT and SIPI.
func (vm *VM) NewVCPU(index int) (accel.VCPU, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.closed {
		return nil, errors.New("tcg: VM is closed")
	}
	if index < 0 || index >= 1024 {
		return nil, fmt.Errorf("tcg: vCPU index %d out of range", index)
	}
	for _, v := range vm.vcpus {
		if v.index == index {
			return nil, fmt.Errorf("tcg: vCPU %d exists", index)
		}
	}
	v := newVCPU(vm, index)
	vm.vcpus = append(vm.vcpus, v)
	return v, nil
}

// Instructions sums the guest instructions the VM's vCPUs have executed
// (see VCPU.Instructions).
func (vm *VM) Instructions() uint64 {
	var n uint64
	for _, v := range vm.allVCPUs() {
		n += v.Instructions()
	}
	return n
}

// SetGSI: interrupt controllers are the machine's.
func (vm *VM) SetGSI(gsi uint32, high bool) error { return accel.ErrNoIRQChip }

// SignalMSI: MSIs go to the machine's APIC models.
func (vm *VM) SignalMSI(addr uint64, data uint32) error { return accel.ErrNoIRQChip }

// HarvestDirty ORs the pages vCPUs wrote since the last call into into and
// clears the log. Every vCPU drops its writable TLB entries before it
// writes again (and marks their pages dirty anew), so writes made through
// entries that were live during the harvest are reported next time.
func (vm *VM) HarvestDirty(into *mem.Bitmap) error {
	vm.requestWriteFlush(nil)
	vm.dirty.MoveTo(into)
	return nil
}

// requestWriteFlush makes every vCPU but except drop its write TLB
// entries before its next block: it sets evFlushWrites, which the run
// loop looks at between blocks anyway. (A vCPU created later starts with
// an empty TLB.)
func (vm *VM) requestWriteFlush(except *VCPU) {
	vm.mu.Lock()
	for _, v := range vm.vcpus {
		if v != except {
			v.events.Or(evFlushWrites)
		}
	}
	vm.mu.Unlock()
}

// SaveState describes the VM-wide state: the guest clock in deterministic
// mode.
func (vm *VM) SaveState() (accel.VMState, error) {
	s := accel.VMState{Accel: "tcg"}
	var b [16]byte
	binary.LittleEndian.PutUint64(b[0:], vm.tscHz)
	if vm.vclk != nil {
		binary.LittleEndian.PutUint64(b[8:], uint64(vm.vclk.Now()))
	}
	s.Parts = append(s.Parts, accel.VMStatePart{Name: "clock", Data: b[:]})
	return s, nil
}

// LoadState restores what SaveState saved.
func (vm *VM) LoadState(s accel.VMState) error {
	if s.Accel != "tcg" && s.Accel != "" {
		if len(s.Parts) == 0 {
			return nil
		}
		return fmt.Errorf("tcg: cannot load VM state of accelerator %q", s.Accel)
	}
	for _, p := range s.Parts {
		switch p.Name {
		case "clock":
			if len(p.Data) != 16 {
				return fmt.Errorf("tcg: clock state of %d bytes, want 16", len(p.Data))
			}
			if hz := binary.LittleEndian.Uint64(p.Data); hz != vm.tscHz {
				return fmt.Errorf("tcg: saved TSC frequency %d Hz differs from this VM's %d Hz", hz, vm.tscHz)
			}
			if vm.vclk != nil {
				vm.vclk.SetNow(int64(binary.LittleEndian.Uint64(p.Data[8:])))
			}
		default:
			return fmt.Errorf("tcg: unknown VM state part %q", p.Name)
		}
	}
	return nil
}

// Close releases the VM. vCPUs must have stopped.
func (vm *VM) Close() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	vm.closed = true
	return nil
}
