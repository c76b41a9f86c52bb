// Package interp is gemu's pure-Go x86-64 interpreter, the accelerator
// selected by "-accel tcg". It decodes guest code once into blocks of
// pre-decoded instructions keyed by guest-physical address, runs each block's
// handlers in a tight loop, maps guest-virtual pages straight to host memory
// through a software TLB, and computes arithmetic flags lazily. x87
// arithmetic comes from package softfloat, SSE..SSE4.2 and MMX from package
// simd.
//
// # Using it from the machine
//
//	vm, err := interp.NewVM(ram, io, accel.VMOptions{VCPUs: n, CPU: model,
//		IRQChip: accel.IRQChipUser, Clock: clock, TSCHz: hz})
//	v, _ := vm.NewVCPU(i)                     // on the goroutine that will run it
//	v.(accel.UserAPICVCPU).SetLocalAPIC(lapic) // before the first Run
//	// the LAPIC drives the vCPU through v.(irq.CPUPins): Notify, NMI, INIT, SIPI
//
// The interrupt controllers are the machine's (only IRQChipUser is
// accepted; SetGSI and SignalMSI return accel.ErrNoIRQChip). Accesses to the
// xAPIC page at IA32_APIC_BASE, the x2APIC MSRs and IA32_TSC_DEADLINE go to
// the vCPU's LocalAPIC; (*VCPU).TSCToTime converts a TSC deadline to guest
// clock time. Without a LocalAPIC the vCPU runs (ROM guests) and the APIC
// page is ordinary address space.
//
// Time: RDTSC is Clock.Now scaled to TSCHz (DefaultTSCHz when zero,
// advertised in CPUID leaves 0x15, 0x16 and 0x40000010). For deterministic
// runs the machine passes a *VirtualClock (NewVirtualClock) as the Clock of
// the VM and of its devices: guest time then advances with executed
// instructions and jumps to the next timer when every vCPU is halted.
//
// kvmclock: every CPU model offers KVM's paravirtual clock by default
// (CPUID 0x40000000 "KVMKVMKVM", 0x40000001 with kvmclock, CLOCKSOURCE2,
// the stable bit and no-I/O-delay; MSR_KVM_SYSTEM_TIME(_NEW) and
// MSR_KVM_WALL_CLOCK(_NEW)); see kvmclock.go. QEMU's TCG offers no
// kvmclock, but with it Linux reads the TSC frequency instead of
// calibrating against the PIT, HPET or PM timer, which on an interpreter
// is timing-dependent and on microvm (no HPET, no PM timer) can fail. The
// time it publishes is the VM's Clock, so -icount runs stay
// deterministic. "-cpu qemu64,-kvmclock" turns it off (and
// -kvmclock-stable-bit,-kvm-nopiodelay with it restores TCG's CPUID
// signature).
//
// Run returns ExitHalt when the vCPU executed HLT with interrupts disabled
// (and no NMI pending); with interrupts enabled it sleeps until the LocalAPIC
// notifies it. ExitKicked answers Kick, ExitShutdown a triple fault. A Go
// panic inside the interpreter is returned as *accel.RunError with the
// register dump.
//
// Memory: RAM and ROM are the mem.Guest slots (ROM writes are discarded,
// addresses outside slots go to IO.MMIORead/MMIOWrite); after changing the
// layout the machine simply calls Run again (the VM notices). Pages written
// by vCPUs are reported by HarvestDirty; writes through mem.Guest (DMA,
// loaders) drop the decoded code of the pages they touch (mem's write hook).
//
// The package is organised by concern: cpu.go (register file), flags.go
// (lazy flags), decode*.go (instruction decoder), exec.go (block cache and
// run loop), mem.go and paging.go (segmentation, TLB, page walks),
// except.go (exception and interrupt delivery), seg.go (descriptor loads,
// far transfers, task switches), system.go, msr.go and cpuid.go (control
// registers, MSRs, CPUID), the integer handlers in alu*.go, move.go,
// ctrl.go, str.go, io.go, and fpu.go, x87.go, sse.go for x87, MMX and SSE.
package interp

import (
	"gemu/accel"
)

// RFLAGS bits (Intel SDM vol. 1, figure 3-8).
const (
	flagCF   = 1 << 0
	flagRes1 = 1 << 1 // always one
	flagPF   = 1 << 2
	flagAF   = 1 << 4
	flagZF   = 1 << 6
	flagSF   = 1 << 7
	flagTF   = 1 << 8
	flagIF   = 1 << 9
	flagDF   = 1 << 10
	flagOF   = 1 << 11
	flagIOPL = 3 << 12
	flagNT   = 1 << 14
	flagRF   = 1 << 16
	flagVM   = 1 << 17
	flagAC   = 1 << 18
	flagVIF  = 1 << 19
	flagVIP  = 1 << 20
	flagID   = 1 << 21

	// flagsArith are the status flags the lazy-flag machinery owns.
	flagsArith = flagCF | flagPF | flagAF | flagZF | flagSF | flagOF
	// flagsValid are the bits of RFLAGS that exist.
	flagsValid = flagsArith | flagTF | flagIF | flagDF | flagIOPL | flagNT | flagRF | flagVM | flagAC | flagVIF | flagVIP | flagID
)

// Control register bits (Intel SDM vol. 3A, 2.5).
const (
	cr0PE = 1 << 0
	cr0MP = 1 << 1
	cr0EM = 1 << 2
	cr0TS = 1 << 3
	cr0ET = 1 << 4
	cr0NE = 1 << 5
	cr0WP = 1 << 16
	cr0AM = 1 << 18
	cr0NW = 1 << 29
	cr0CD = 1 << 30
	cr0PG = 1 << 31

	cr4VME        = 1 << 0
	cr4PVI        = 1 << 1
	cr4TSD        = 1 << 2
	cr4DE         = 1 << 3
	cr4PSE        = 1 << 4
	cr4PAE        = 1 << 5
	cr4MCE        = 1 << 6
	cr4PGE        = 1 << 7
	cr4PCE        = 1 << 8
	cr4OSFXSR     = 1 << 9
	cr4OSXMMEXCPT = 1 << 10
	cr4UMIP       = 1 << 11
	cr4LA57       = 1 << 12
	cr4FSGSBASE   = 1 << 16
	cr4PCIDE      = 1 << 17
	cr4OSXSAVE    = 1 << 18
	cr4SMEP       = 1 << 20
	cr4SMAP       = 1 << 21

	eferSCE = 1 << 0
	eferLME = 1 << 8
	eferLMA = 1 << 10
	eferNXE = 1 << 11
)

// Segment register indexes, in encoding order.
const (
	segES = iota
	segCS
	segSS
	segDS
	segFS
	segGS
	segNone // no memory operand / absolute
)

// Decode modes: the default code size of the code segment.
const (
	mode16 = iota
	mode32
	mode64
)

// zeroReg is the index of a register slot that always reads zero: a memory
// operand without a base or index names it, so effective-address computation
// needs no branches.
const zeroReg = 16

// segCache is a segment register with its descriptor cache and the offset
// ranges that accesses may touch without a fault, precomputed at load time.
type segCache struct {
	accel.Segment
	// rlo..rhi and wlo..whi are the offsets readable and writable without
	// a fault (empty, lo > hi, when the segment cannot be read or written).
	rlo, rhi uint64
	wlo, whi uint64
}

// CPU is one processor's architectural state plus the interpreter's caches.
type CPU struct {
	// R holds RAX..R15 in encoding order; R[zeroReg] is always zero and
	// R[zeroReg+1] is scratch for decoded forms that need a register slot.
	// The rest of the 256 slots are unused: any uint8 register index is in
	// range, so the run loop indexes R without bounds checks.
	R   [256]uint64
	rip uint64

	// Lazy flags: the last flag-setting operation, its operands and result.
	// flags holds every RFLAGS bit the lazy state does not own, and the
	// arithmetic bits when fop is fopRaw.
	fop   uint8
	fsh   uint8 // 64 - operand width in bits
	fa    uint64
	fb    uint64
	fr    uint64
	flags uint64

	seg        [6]segCache
	sbase      [8]uint64 // linear bases used by address generation (0 for ES/CS/SS/DS in 64-bit mode); 6 and 7 stay 0, so the run loop indexes it with seg&7
	ldtr, tr   segCache
	gdtr, idtr accel.DTable
	cr0, cr2   uint64
	cr3, cr4   uint64
	efer       uint64
	xcr0       uint64
	dr         [4]uint64
	dr6, dr7   uint64
	cpl        uint8
	mode       uint8 // decode mode of CS
	pdpte      [4]uint64
	tpr        uint8 // CR8 without a LocalAPIC
	apicBase   uint64
	halted     bool
	shadow     bool // interrupt shadow after STI, MOV SS, POP SS
	ssShadow   bool // the shadow comes from loading SS: it holds debug traps too
	nmiBlocked bool // between NMI delivery and the next IRET
	msr        msrState
	fpu        fpuState
	tsc        tscState
	smcStop    bool // a write hit the page of the running block
	mpState    uint32

	// Memory access caches; see mem.go.
	tlb    tlbSet
	rmw    rmwRef
	vtmp   simdVec // memory operand of an SSE instruction
	x87ctx x87     // the x87 instruction being executed

	// Decoded code; see exec.go.
	bc     blockCache
	dec    decoder
	bfetch blockFetch
	curBlk *block    // the block running, for fault recovery
	curIdx int       // the instruction running in curBlk
	gens   [2]uint64 // generations of block links and jump-cache entries: [0] any, [1] through global pages
	feat   uint64    // internal feature flags of the CPU model

	// Events and faults.
	flt           fault // the fault being raised
	pend          fault // a fault to deliver before running on
	hasPend       bool
	irqPending    bool // the APIC may have a deliverable interrupt
	nmiPending    bool
	shutdownReq   bool
	memoryChanged bool
	bpActive      bool // an instruction or data breakpoint is armed in DR7: step one instruction at a time
	icount        uint64
	icountClock   uint64 // icount already handed to the virtual clock

	// Checked data accesses (see checkData): acCheck while alignment
	// checking applies (CPL3, CR0.AM, EFLAGS.AC); dataBP while a data
	// breakpoint is armed; checked if either. dbHits collects the DR6
	// B0-B3 bits of data breakpoints hit by the running instruction.
	acCheck, dataBP, checked bool
	ioBP                     bool // an I/O breakpoint is armed
	dbHits                   uint64

	apic     accel.LocalAPIC
	apicPage uint64 // physical page of the xAPIC window, or all ones

	v  *VCPU
	vm *VM
}

// segLimitOK reports whether offsets off..off+n-1 of segment s are inside its
// read (write false) or write range.
func (s *segCache) ok(off, n uint64, write bool) bool {
	if write {
		return off >= s.wlo && off+n-1 <= s.whi && off+n-1 >= off
	}
	return off >= s.rlo && off+n-1 <= s.rhi && off+n-1 >= off
}

// rflags materialises RFLAGS.
func (c *CPU) rflags() uint64 {
	return c.flags&^flagsArith | c.arith() | flagRes1
}

// setRFLAGS replaces RFLAGS wholesale (the caller has applied the privilege
// rules for which bits may change).
func (c *CPU) setRFLAGS(v uint64) {
	c.flags = v&flagsValid | flagRes1
	c.fop = fopRaw
}

// ipMask is the instruction-pointer width of the current code segment.
func (c *CPU) ipMask() uint64 {
	switch c.mode {
	case mode64:
		return ^uint64(0)
	case mode32:
		return 0xffffffff
	}
	return 0xffff
}

// stackMask is the stack-pointer width: 64-bit in long mode, else SS.B.
func (c *CPU) stackMask() uint64 {
	if c.mode == mode64 {
		return ^uint64(0)
	}
	if c.seg[segSS].DB {
		return 0xffffffff
	}
	return 0xffff
}

func (c *CPU) longMode() bool  { return c.efer&eferLMA != 0 }
func (c *CPU) protected() bool { return c.cr0&cr0PE != 0 }
func (c *CPU) v86() bool       { return c.flags&flagVM != 0 }
func (c *CPU) iopl() uint8     { return uint8(c.flags>>12) & 3 }

// reg8 reads an 8-bit register by encoding: with no REX prefix, 4..7 are
// AH, CH, DH, BH (encoded here as 20..23 by the decoder).
func (c *CPU) reg8(r uint8) uint64 {
	if r >= 20 {
		return c.R[r-20] >> 8 & 0xff
	}
	return c.R[r] & 0xff
}

func (c *CPU) setReg8(r uint8, v uint64) {
	if r >= 20 {
		c.R[r-20] = c.R[r-20]&^0xff00 | (v&0xff)<<8
		return
	}
	c.R[r] = c.R[r]&^0xff | v&0xff
}

// regN reads a register of size bytes (never a high-byte register).
func (c *CPU) regN(r uint8, size uint8) uint64 {
	return c.R[r] & sizeMask(size)
}

// setRegN writes a register of size bytes with x86 semantics: 32-bit writes
// zero the upper half, 8- and 16-bit writes merge.
func (c *CPU) setRegN(r uint8, size uint8, v uint64) {
	switch size {
	case 8:
		c.R[r] = v
	case 4:
		c.R[r] = v & 0xffffffff
	case 2:
		c.R[r] = c.R[r]&^0xffff | v&0xffff
	default:
		c.setReg8(r, v)
	}
}

func sizeMask(size uint8) uint64 {
	return ^uint64(0) >> (64 - 8*uint(size))
}

func signExtend(v uint64, size uint8) uint64 {
	s := 64 - 8*uint(size)
	return uint64(int64(v<<s) >> s)
}

// updateMode recomputes everything derived from CS, CR0, EFER and the
// segment bases after any of them changed.
func (c *CPU) updateMode() {
	cs := &c.seg[segCS]
	switch {
	case c.efer&eferLMA != 0 && cs.L:
		c.mode = mode64
	case c.cr0&cr0PE != 0 && c.flags&flagVM == 0 && cs.DB:
		c.mode = mode32
	default:
		c.mode = mode16
	}
	for i := range c.seg {
		if c.mode == mode64 && i < segFS {
			c.sbase[i] = 0
		} else {
			c.sbase[i] = c.seg[i].Base
		}
	}
	c.tlb.selectMMU(c)
}
