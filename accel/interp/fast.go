package interp

// Fast paths. The most frequent instruction forms (measured over a Linux
// boot: register moves, loads and stores, two-operand ALU operations,
// shifts by an immediate, LEA, IMUL, conditional branches) are executed
// by a switch inside the block loop (execBlocks) instead of a call through
// inst.fn: the switch compiles to a jump table, keeps the loop's state in
// registers and saves the call, the handler's prologue and the reloads
// after it. Each case does exactly what the instruction's handler does;
// every other form (and every slow path: a TLB miss, an MMIO access, a
// fault) goes through inst.fn or the generic memory functions. The decoder
// still chooses inst.fn for every instruction, so a kind is only a
// shortcut.
//
// Two kinds may cover two instructions: a compare, SUB or TEST followed by
// a conditional branch runs on one dispatch (fuseBranch, condProgram), the
// branch keeping its own kind for blocks entered at it and for
// single-stepping. In 64-bit mode a block also runs on through forward
// fast-path conditional branches (side exits, exec.go) and forward jumps
// within its page, so that it holds more than one basic block.

// Fast-path kinds (inst.kind). 64 and 32 are the operand sizes; 32-bit
// results are zero-extended as every 32-bit register write is.
const (
	kGeneric = iota
	kMovRR64
	kMovRR32
	kMovRI64
	kMovRI32
	kAddRR64
	kAddRR32
	kSubRR64
	kSubRR32
	kCmpRR64
	kCmpRR32
	kAndRR64
	kAndRR32
	kOrRR64
	kOrRR32
	kXorRR64
	kXorRR32
	kAdcRR64
	kTestRR64
	kTestRR32
	kAddRI64
	kAddRI32
	kSubRI64
	kSubRI32
	kCmpRI64
	kCmpRI32
	kAndRI64
	kAndRI32
	kOrRI64
	kOrRI32
	kXorRI64
	kXorRI32
	kShlRI64
	kShlRI32
	kShrRI64
	kShrRI32
	kSarRI64
	kSarRI32
	kRolRI64
	kRorRI64
	kRorRI32
	kImulRR64
	kImulRR32
	kIncR64
	kIncR32
	kDecR64
	kDecR32
	kMovsxdRR
	kMovzxRR8
	// 64-bit mode only: memory operands, branches, the stack.
	kLea64
	kMovRM64
	kMovRM32
	kMovMR64
	kMovMR32
	kMovzxRM8
	kPush64
	kPop64
	kCmpRM64
	kAddRM64
	kJmp
	kCmov64
	kCmov32
	kSetccR
	kTestRR8
	kCmpRI8
	kNop
	kMovzxRR16
	kMovzxRM16
	kRet64
	kCallRel64
	kRolRI32
	kTestMI8
	kCmpMI8
	kMovMR8
	kMovMR16
	kMovsxdRM
	kLea32
	kCmpMR64
	kCmpMI64
	kCmpMI32
	kNotR64
	kNotR32
	kShrRI16
	kXorRM64
	kXorRM32
	// A compare, subtraction or test whose block ends with the
	// conditional branch right after it (JO, JNO, JP, JNP excepted): the
	// instruction runs, then the branch, on one dispatch (fuseBranch).
	kCmpRR64J
	kCmpRR32J
	kCmpRI64J
	kCmpRI32J
	kSubRR64J
	kSubRR32J
	kSubRI64J
	kSubRI32J
	kTestRR64J
	kTestRR32J
	// kJcc0+cc is Jcc with condition code cc (16 kinds).
	kJcc0
)

// fastKind classifies a decoded instruction for the fast path, in decode
// mode mode; kGeneric when it has none.
func fastKind(in *inst, mode uint8) uint8 {
	if in.pfx&(pfxLock|pfxHigh8) != 0 {
		return kGeneric
	}
	mem := in.mem()
	if mem && (mode != mode64 || in.asize != 8) {
		// Memory fast paths compute 64-bit addresses without
		// segmentation checks: 64-bit mode and address size only.
		return kGeneric
	}
	sz := in.size
	pick := func(k64, k32 uint8) uint8 {
		switch sz {
		case 8:
			return k64
		case 4:
			return k32
		}
		return kGeneric
	}
	op := in.op
	switch {
	case op == 0x3c || (op == 0x80 || op == 0x82) && !mem && in.sub == aluCmp:
		return kCmpRI8
	case op == 0x84:
		if !mem {
			return kTestRR8
		}
	case op >= 0x140 && op <= 0x14f:
		if !mem {
			return pick(kCmov64, kCmov32)
		}
	case op >= 0x190 && op <= 0x19f:
		if !mem {
			return kSetccR
		}
	case op == 0x90:
		if in.r1 == 0 && in.pfx&pfxRep == 0 {
			return kNop
		}
	case op >= 0x118 && op <= 0x11f:
		return kNop
	case op == 0x1b7:
		if sz == 4 && in.imm2 == 2 {
			if mem {
				return kMovzxRM16
			}
			return kMovzxRR16
		}
	case op == 0xc3:
		if mode == mode64 && sz == 8 {
			return kRet64
		}
	case op == 0xe8:
		if mode == mode64 && sz == 8 && canonical(in.imm) {
			return kCallRel64
		}
	case op < 0x40 && op&7 < 6 && op&7 != 0 && op&7 != 2 && op&7 != 4:
		// ALU Ev,Gv / Gv,Ev (register forms) and rAX, Iz.
		if mem {
			switch {
			case op&7 == 3 && in.sub == aluXor:
				return pick(kXorRM64, kXorRM32)
			case sz != 8:
				return kGeneric
			case op&7 == 1 && in.sub == aluCmp:
				return kCmpMR64
			case op&7 != 3:
				return kGeneric
			case in.sub == aluCmp:
				return kCmpRM64
			case in.sub == aluAdd:
				return kAddRM64
			}
			return kGeneric
		}
		if op&7 == 5 {
			return aluRIKind(in.sub, sz)
		}
		switch in.sub {
		case aluAdd:
			return pick(kAddRR64, kAddRR32)
		case aluSub:
			return pick(kSubRR64, kSubRR32)
		case aluCmp:
			return pick(kCmpRR64, kCmpRR32)
		case aluAnd:
			return pick(kAndRR64, kAndRR32)
		case aluOr:
			return pick(kOrRR64, kOrRR32)
		case aluXor:
			return pick(kXorRR64, kXorRR32)
		case aluAdc:
			return pick(kAdcRR64, kGeneric)
		}
	case op == 0x81 || op == 0x83:
		if !mem {
			return aluRIKind(in.sub, sz)
		}
		if in.sub == aluCmp {
			return pick(kCmpMI64, kCmpMI32)
		}
	case op == 0xf6:
		if mem && in.sub == 0 {
			return kTestMI8
		}
	case op == 0xf7:
		if !mem && in.sub == 2 {
			return pick(kNotR64, kNotR32)
		}
	case op == 0x80:
		if mem && in.sub == aluCmp {
			return kCmpMI8
		}
	case op == 0x88:
		if mem {
			return kMovMR8
		}
	case op == 0x85:
		if !mem {
			return pick(kTestRR64, kTestRR32)
		}
	case op == 0x89 || op == 0x8b:
		if !mem {
			return pick(kMovRR64, kMovRR32)
		}
		if op == 0x8b {
			return pick(kMovRM64, kMovRM32)
		}
		if sz == 2 {
			return kMovMR16
		}
		return pick(kMovMR64, kMovMR32)
	case op >= 0xb8 && op <= 0xbf, op == 0xc7 && !mem:
		return pick(kMovRI64, kMovRI32)
	case op == 0x8d:
		if mode == mode64 && in.asize == 8 {
			return pick(kLea64, kLea32)
		}
	case op == 0xc1 || op == 0xd1: // shifts by an immediate or by one
		if mem || in.pfx&pfxImm == 0 {
			return kGeneric
		}
		if sz == 2 && in.sub == 5 {
			return kShrRI16
		}
		switch in.sub {
		case 4, 6:
			return pick(kShlRI64, kShlRI32)
		case 5:
			return pick(kShrRI64, kShrRI32)
		case 7:
			return pick(kSarRI64, kSarRI32)
		case 0:
			return pick(kRolRI64, kRolRI32)
		case 1:
			return pick(kRorRI64, kRorRI32)
		}
	case op == 0x1af:
		if !mem {
			return pick(kImulRR64, kImulRR32)
		}
	case op == 0xff:
		if !mem && in.sub == 0 {
			return pick(kIncR64, kIncR32)
		}
		if !mem && in.sub == 1 {
			return pick(kDecR64, kDecR32)
		}
	case op == 0x63:
		if mode == mode64 && sz == 8 {
			if mem {
				return kMovsxdRM
			}
			return kMovsxdRR
		}
	case op == 0x1b6:
		if sz == 4 && in.imm2 == 1 {
			if !mem {
				return kMovzxRR8
			}
			if mode == mode64 {
				return kMovzxRM8
			}
		}
	case op >= 0x70 && op <= 0x7f, op >= 0x180 && op <= 0x18f:
		if mode == mode64 && canonical(in.imm) {
			return kJcc0 + in.sub
		}
	case op == 0xeb || op == 0xe9:
		if mode == mode64 && canonical(in.imm) {
			return kJmp
		}
	case op >= 0x50 && op <= 0x57:
		if mode == mode64 && sz == 8 {
			return kPush64
		}
	case op >= 0x58 && op <= 0x5f:
		if mode == mode64 && sz == 8 && in.r1 != 4 {
			return kPop64
		}
	}
	return kGeneric
}

func aluRIKind(sub, sz uint8) uint8 {
	k := [8][2]uint8{
		aluAdd: {kAddRI64, kAddRI32},
		aluSub: {kSubRI64, kSubRI32},
		aluCmp: {kCmpRI64, kCmpRI32},
		aluAnd: {kAndRI64, kAndRI32},
		aluOr:  {kOrRI64, kOrRI32},
		aluXor: {kXorRI64, kXorRI32},
	}[sub&7]
	switch sz {
	case 8:
		return k[0]
	case 4:
		return k[1]
	}
	return kGeneric
}

// Dead status flags. Most flag results are overwritten before anything
// reads them (SHA-256's rotates, the ADD before a CMP): within a block,
// a backward pass marks the register-only fast-path instructions whose
// flags nothing reads (inst.nf), and those skip recording them. Flags are
// live at the end of the block (its successor, an interrupt or an
// exception frame may see them) and at every instruction that may fault or
// that has no fast path (an exception frame must show the flags as they
// are), so the skipped flags can never be observed.

// flagUse returns the status flags a fast-path instruction reads and
// writes; ok is false for instructions the pass must treat as reading
// every flag.
func flagUse(in *inst) (read, write uint64, ok bool) {
	switch in.kind {
	case kMovRR64, kMovRR32, kMovRI64, kMovRI32, kMovsxdRR, kMovzxRR8, kMovzxRR16, kLea64, kLea32, kJmp, kNop,
		kNotR64, kNotR32:
		return 0, 0, true
	case kTestRR8, kCmpRI8:
		return 0, flagsArith, true
	case kCmov64, kCmov32, kSetccR:
		return condFlags[in.sub&15], 0, true
	case kAddRR64, kAddRR32, kSubRR64, kSubRR32, kCmpRR64, kCmpRR32, kAndRR64, kAndRR32,
		kOrRR64, kOrRR32, kXorRR64, kXorRR32, kTestRR64, kTestRR32,
		kAddRI64, kAddRI32, kSubRI64, kSubRI32, kCmpRI64, kCmpRI32, kAndRI64, kAndRI32,
		kOrRI64, kOrRI32, kXorRI64, kXorRI32, kImulRR64, kImulRR32:
		return 0, flagsArith, true
	case kShlRI64, kShrRI64, kSarRI64, kShlRI32, kShrRI32, kSarRI32, kShrRI16:
		if in.imm&shiftMask(in.kind) == 0 {
			return 0, 0, true
		}
		return 0, flagsArith, true
	case kRolRI64, kRolRI32, kRorRI64, kRorRI32:
		if in.imm&shiftMask(in.kind) == 0 {
			return 0, 0, true
		}
		return 0, flagCF | flagOF, true
	case kIncR64, kIncR32, kDecR64, kDecR32:
		return 0, flagsArith &^ flagCF, true
	}
	if in.kind >= kJcc0 {
		return condFlags[in.kind-kJcc0], 0, true
	}
	return flagsArith, 0, false
}

func shiftMask(kind uint8) uint64 {
	switch kind {
	case kShlRI32, kShrRI32, kSarRI32, kRolRI32, kRorRI32, kShrRI16:
		return 31
	}
	return 63
}

// condFlags are the flags condition code cc reads.
var condFlags = [16]uint64{
	flagOF, flagOF, flagCF, flagCF, flagZF, flagZF, flagCF | flagZF, flagCF | flagZF,
	flagSF, flagSF, flagPF, flagPF, flagSF | flagOF, flagSF | flagOF, flagZF | flagSF | flagOF, flagZF | flagSF | flagOF,
}

// flagLiveness marks the instructions of a block whose flag results are
// dead.
func flagLiveness(insts []inst) {
	live := uint64(flagsArith)
	for i := len(insts) - 1; i >= 0; i-- {
		in := &insts[i]
		if sideExit(in) {
			live = flagsArith // the block may end here
		}
		r, w, _ := flagUse(in)
		in.nf = w != 0 && live&w == 0
		live = live&^w | r
	}
}

// plainInst reports whether an instruction leaves alone everything the
// checks between blocks look at: IF, TF, RF, the interrupt shadow, HLT,
// the debug registers, CPL and mode, pending events. Fast paths do; so do
// handlers that do not end their block, except POPF; of those that end
// it, near branches and string instructions do.
func plainInst(in *inst) bool {
	if in.kind != kGeneric {
		return true
	}
	op := in.op
	switch {
	case op == 0x9d: // POPF
		return false
	case in.pfx&pfxTerm == 0:
		return true
	case op >= 0x70 && op <= 0x7f, op >= 0x180 && op <= 0x18f, op >= 0xe0 && op <= 0xe3,
		op == 0xe8, op == 0xe9, op == 0xeb, op == 0xc2, op == 0xc3:
		return true // near branches, calls, returns, loops
	case op >= 0xa4 && op <= 0xaf:
		return true // string instructions (REP forms end their block)
	case op == 0xff:
		return in.sub == 2 || in.sub == 4 // near indirect CALL, JMP
	}
	return false
}

// fusedBranch maps the kinds fuseBranch joins with a following Jcc to
// their fused kinds.
var fusedBranch = map[uint8]uint8{
	kCmpRR64: kCmpRR64J, kCmpRR32: kCmpRR32J, kCmpRI64: kCmpRI64J, kCmpRI32: kCmpRI32J,
	kSubRR64: kSubRR64J, kSubRR32: kSubRR32J, kSubRI64: kSubRI64J, kSubRI32: kSubRI32J,
	kTestRR64: kTestRR64J, kTestRR32: kTestRR32J,
}

// fuseBranch gives every compare (or SUB, TEST) followed by a conditional
// branch whose condition condProgram can express its fused kind, and the
// branch its condition program (in modrm, which a Jcc has no other use
// for). It runs after flagLiveness and plainInst, which see the unfused
// kinds; the branch keeps its own kind (a block entered at it, or
// single-stepped, runs it alone).
func fuseBranch(insts []inst) {
	for i := 0; i+1 < len(insts); i++ {
		j, in := &insts[i+1], &insts[i]
		if j.kind < kJcc0 || j.kind >= kJcc0+16 {
			continue
		}
		k, ok := fusedBranch[in.kind]
		if !ok {
			continue
		}
		p := condProgram(k == kTestRR64J || k == kTestRR32J, j.kind-kJcc0)
		if p == 0 {
			continue
		}
		in.kind, j.modrm = k, p
	}
}

// Condition programs: how a conditional branch after a compare (a-b) or a
// test (r, compared with 0 as signed) decides from the order of its two
// operands: bit 0 set, taken when less; bit 1, when equal; bit 2, when
// greater; bit 3, the order is signed; bit 7 marks a program.
const (
	cpLT, cpEQ, cpGT, cpSigned, cpValid = 1, 2, 4, 8, 0x80
)

// condProgram returns the program for condition cc after a compare or
// (test) a logic operation, 0 when the order of the operands does not
// decide it (SF alone or OF after a compare, PF).
func condProgram(test bool, cc uint8) uint8 {
	var p uint8
	if test {
		// CF = OF = 0; ZF and SF from r: r < 0 is SF.
		p = cpSigned
		switch cc >> 1 {
		case 0: // O: never
		case 1: // B: never
		case 2: // E
			p |= cpEQ
		case 3: // BE: ZF
			p |= cpEQ
		case 4, 6: // S, L: SF
			p |= cpLT
		case 5:
			return 0
		case 7: // LE: ZF or SF
			p |= cpLT | cpEQ
		}
	} else {
		switch cc >> 1 {
		case 0, 4, 5:
			return 0
		case 1: // B
			p = cpLT
		case 2: // E
			p = cpEQ
		case 3: // BE
			p = cpLT | cpEQ
		case 6: // L
			p = cpLT | cpSigned
		case 7: // LE
			p = cpLT | cpEQ | cpSigned
		}
	}
	if cc&1 != 0 {
		p ^= cpLT | cpEQ | cpGT
	}
	return p | cpValid
}

// condProg runs condition program p on the operands of a compare (a, b)
// or on a test's result and 0, all shifted to bit 63, without a branch.
func condProg(p uint8, a, b uint64) uint64 {
	f := uint64(p) >> 3 & 1 << 63
	a, b = a^f, b^f
	return uint64(p) >> (b2u(a >= b) + b2u(a > b)) & 1
}

// sideExit reports whether in is a conditional branch in the middle of
// its block: when taken, the block ends there (through the block's exit
// link imm2-1); when not, the block goes on. Blocks run on through
// forward fast-path conditional branches (64-bit mode) so that a rarely
// taken branch does not cost a block transition.
func sideExit(in *inst) bool {
	return in.kind >= kJcc0 && in.kind < kJcc0+16 && in.imm2 != 0
}

// maxExits bounds the side exits of one block.
const maxExits = 8

// ccHolds[cc] has bit cf|zf<<1|lt<<2|sf<<3 set when condition cc holds
// with those flags (lt is SF != OF). Conditions on OF alone (OF = lt^sf)
// work too; PF cannot be expressed (cc 10 and 11 are never asked for).
var ccHolds = func() (t [16]uint16) {
	for cc := range t {
		for x := 0; x < 16; x++ {
			cf, zf, lt, sf := x&1 != 0, x&2 != 0, x&4 != 0, x&8 != 0
			var v bool
			switch cc >> 1 {
			case 0:
				v = lt != sf
			case 1:
				v = cf
			case 2:
				v = zf
			case 3:
				v = cf || zf
			case 4:
				v = sf
			case 6:
				v = lt
			case 7:
				v = zf || lt
			}
			if v != (cc&1 != 0) {
				t[cc] |= 1 << x
			}
		}
	}
	return t
}()

// subCond evaluates condition cc on the flags of a-b (operands shifted
// to bit 63 as the lazy state's), without a branch.
func subCond(cc uint8, a, b uint64) uint64 {
	r := a - b
	x := b2u(a < b) | b2u(a == b)<<1 | b2u(int64(a) < int64(b))<<2 | r>>63<<3
	return uint64(ccHolds[cc&15]) >> x & 1
}

// logicCond evaluates condition cc on the flags of a logic result r
// (shifted to bit 63): CF = OF = 0.
func logicCond(cc uint8, r uint64) uint64 {
	x := b2u(r == 0)<<1 | r>>63<<2 | r>>63<<3
	return uint64(ccHolds[cc&15]) >> x & 1
}
