package interp

// handler executes one decoded instruction. It returns true when the block
// must end after it (a branch, a mode change, a write into the page being
// executed); faults unwind by panicking with *fault (see except.go).
type handler func(c *CPU, in *inst) bool

// Prefix and form bits of inst.pfx.
const (
	pfxLock   = 1 << iota
	pfxRep    // F3
	pfxRepne  // F2
	pfx66     // operand-size prefix present
	pfxRex    // any REX prefix present
	pfxMem    // the ModRM operand is memory
	pfxRipRel // memory operand is RIP-relative (disp already absolute)
	pfxSegOvr // explicit segment override
	pfxImm    // source operand is the immediate (shared handlers)
	pfxTerm   // ends a block
	pfxHigh8  // a byte register operand is AH, CH, DH or BH
	pfxRel    // relative branch: disp holds the displacement while decoding, imm the target
)

// inst is one pre-decoded instruction: the handler and every operand
// resolved, so that executing it touches no decoder state.
type inst struct {
	// 64 bytes: one cache line. Masks follow from the sizes (mask, keep,
	// amask).
	fn    handler
	kind  uint8  // fast-path kind (fast.go), kGeneric for none
	r1    uint8  // destination register (or the only register operand)
	r2    uint8  // source register (register-register forms)
	base  uint8  // memory operand: base register or zeroReg
	index uint8  // memory operand: index register or zeroReg
	scale uint8  // memory operand: shift count 0..3
	seg   uint8  // memory operand's segment
	size  uint8  // operand size in bytes
	op    uint16 // opcode: map<<8 | opcode byte (maps: 0 one-byte, 1 0F, 2 0F38, 3 0F3A)
	pfx   uint16
	asize uint8 // address size in bytes
	len   uint8 // instruction length in bytes
	sub   uint8 // ModRM.reg of group opcodes, condition code, operation index
	modrm uint8
	nf    bool   // fast path: the status flags it writes are dead (see flagLiveness)
	sse   uint8  // mandatory prefix: 0 none, 1 66, 2 F3, 3 F2
	imm2  uint16 // second immediate: ENTER's nesting level, a far pointer's selector, a source size; a side exit's link index + 1 (sideExit)
	imm   uint64 // immediate, sign- or zero-extended as the instruction defines; branch target for relative branches
	disp  uint64 // displacement, sign-extended; absolute for RIP-relative operands
	next  uint64 // RIP of the following instruction
	ip    uint64 // RIP of the instruction
}

// sizeMasks and keepMasks, indexed by an operand or address size, give
// the bits of a value of that size and the bits of a register a write of
// that size preserves.
var (
	sizeMasks = [32]uint64{1: 0xff, 2: 0xffff, 4: 0xffffffff, 8: ^uint64(0), 16: ^uint64(0)}
	keepMasks = [32]uint64{1: ^uint64(0xff), 2: ^uint64(0xffff)}
)

// mask is the operand-size mask.
func (in *inst) mask() uint64 { return sizeMasks[in.size&31] }

// amask is the address-size mask.
func (in *inst) amask() uint64 { return sizeMasks[in.asize&31] }

func (in *inst) mem() bool { return in.pfx&pfxMem != 0 }

// ea computes the memory operand's offset within its segment.
func (c *CPU) ea(in *inst) uint64 {
	return (c.R[in.base] + c.R[in.index]<<(in.scale&3) + in.disp) & in.amask()
}

// wr writes v to register r with the instruction's operand size (not for
// high-byte registers).
func (c *CPU) wr(in *inst, r uint8, v uint64) {
	c.R[r] = c.R[r]&keepMasks[in.size&31] | v&sizeMasks[in.size&31]
}

// lin is the linear address of a fast path's memory operand: 64-bit
// addressing, so no masking and no limit checks.
func (c *CPU) lin(in *inst) uint64 {
	return c.R[in.base] + c.R[in.index]<<(in.scale&3) + in.disp + c.sbase[in.seg&7]
}
