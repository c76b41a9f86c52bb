package interp

// The two-byte (0F) opcode map and its 0F38 and 0F3A extensions.

func decode0F(d *decoder, b uint8) {
	in := d.in
	m64 := d.mode == mode64
	switch {
	case b >= 0x40 && b <= 0x4f: // CMOVcc Gv, Ev
		d.modRM()
		in.sub = b & 0xf
		in.fn = hCmov
		return
	case b >= 0x80 && b <= 0x8f: // Jcc Jz
		in.size = d.oszBranch()
		in.sub = b & 0xf
		relBranch(d, d.imm(min(in.size, 4)))
		in.fn = hJcc
		return
	case b >= 0x90 && b <= 0x9f: // SETcc Eb
		in.size = 1
		d.modRM()
		in.sub = b & 0xf
		d.rmDest()
		d.byteRegs(false)
		in.fn = hSetcc
		return
	case b >= 0xc8 && b <= 0xcf: // BSWAP
		in.r1 = b&7 | (d.rex&1)<<3
		in.fn = hBswap
		return
	}
	switch b {
	case 0x00: // group 6
		d.modRM()
		d.rmDest()
		switch in.sub {
		case 0, 1: // SLDT, STR
			if in.mem() {
				in.size = 2
			}
			in.fn = hStoreSysSeg
		case 2, 3: // LLDT, LTR
			in.size = 2
			in.fn = hLoadSysSeg
			in.pfx |= pfxTerm
		case 4, 5: // VERR, VERW
			in.size = 2
			in.fn = hVerify
		default:
			d.undefined()
		}
	case 0x01: // group 7
		d.modRM()
		if in.mem() {
			switch in.sub {
			case 0, 1: // SGDT, SIDT
				in.fn = hStoreDT
			case 2, 3: // LGDT, LIDT
				in.fn = hLoadDT
				in.pfx |= pfxTerm
			case 4: // SMSW
				in.size = 2
				in.fn = hSmsw
			case 6: // LMSW
				in.size = 2
				in.fn = hLmsw
				in.pfx |= pfxTerm
			case 7: // INVLPG
				in.fn = hInvlpg
				in.pfx |= pfxTerm
			default:
				d.undefined()
			}
			return
		}
		switch in.sub {
		case 4: // SMSW r
			d.rmDest()
			in.fn = hSmsw
			return
		case 6: // LMSW r
			d.rmDest()
			in.size = 2
			in.fn = hLmsw
			in.pfx |= pfxTerm
			return
		}
		switch in.modrm {
		case 0xca:
			in.fn = hClac
			in.pfx |= pfxTerm
		case 0xcb:
			in.fn = hStac
			in.pfx |= pfxTerm
		case 0xd0:
			in.fn = hXgetbv
		case 0xd1:
			in.fn = hXsetbv
			in.pfx |= pfxTerm
		case 0xf8:
			if !m64 {
				d.undefined()
				return
			}
			in.fn = hSwapgs
		case 0xf9:
			in.fn = hRdtscp
		default:
			d.undefined()
		}
	case 0x02, 0x03: // LAR, LSL
		d.modRM()
		in.sub = b
		in.fn = hLarLsl
	case 0x05:
		in.fn = hSyscall
		in.pfx |= pfxTerm
	case 0x06:
		in.fn = hClts
		in.pfx |= pfxTerm
	case 0x07:
		in.fn = hSysret
		in.pfx |= pfxTerm
	case 0x08, 0x09: // INVD, WBINVD
		in.fn = hWbinvd
	case 0x0b:
		d.undefined()
	case 0x0d: // PREFETCH/PREFETCHW
		d.modRM()
		if !in.mem() {
			d.undefined()
			return
		}
		in.fn = hNop
	case 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f: // hints and reserved NOPs
		d.modRM()
		in.fn = hNop
	case 0x20, 0x21, 0x22, 0x23: // MOV to/from CRn/DRn
		m := d.u8()
		in.modrm = m
		in.sub = m>>3&7 | (d.rex&4)<<1
		in.r1 = m&7 | (d.rex&1)<<3
		if m64 {
			in.size = 8
		} else {
			in.size = 4
		}
		switch b {
		case 0x20:
			in.fn = hMovFromCR
		case 0x21:
			in.fn = hMovFromDR
		case 0x22:
			in.fn = hMovToCR
			in.pfx |= pfxTerm
		case 0x23:
			in.fn = hMovToDR
			in.pfx |= pfxTerm
		}
	case 0x30:
		in.fn = hWrmsr
		in.pfx |= pfxTerm
	case 0x31:
		in.fn = hRdtsc
	case 0x32:
		in.fn = hRdmsr
	case 0x33:
		in.fn = hRdpmc
	case 0x34:
		in.fn = hSysenter
		in.pfx |= pfxTerm
	case 0x35:
		in.fn = hSysexit
		in.pfx |= pfxTerm
	case 0xa0, 0xa8: // PUSH FS/GS
		in.size = d.osz64()
		in.sub = segFS + (b>>3)&1
		in.fn = hPushSeg
	case 0xa1, 0xa9: // POP FS/GS
		in.size = d.osz64()
		in.sub = segFS + (b>>3)&1
		in.fn = hPopSeg
		in.pfx |= pfxTerm
	case 0xa2:
		in.fn = hCpuid
	case 0xa3, 0xab, 0xb3, 0xbb: // BT, BTS, BTR, BTC Ev, Gv
		d.modRM()
		d.swapRM()
		in.sub = b >> 3 & 3 // 0 BT, 1 BTS, 2 BTR, 3 BTC
		in.fn = hBt
	case 0xa4, 0xa5, 0xac, 0xad: // SHLD, SHRD
		d.modRM()
		d.swapRM()
		if b&1 == 0 {
			in.imm = uint64(d.u8())
			in.pfx |= pfxImm
		}
		in.sub = b >> 3 & 1 // 0 SHLD, 1 SHRD
		in.fn = hShd
	case 0xae: // group 15
		d.modRM()
		decodeGroup15(d)
	case 0xaf:
		d.modRM()
		in.fn = hImul2
	case 0xb0, 0xb1: // CMPXCHG
		if b == 0xb0 {
			in.size = 1
		}
		d.modRM()
		d.swapRM()
		if in.size == 1 {
			d.byteRegs(true)
		}
		in.fn = hCmpxchg
	case 0xb2, 0xb4, 0xb5: // LSS, LFS, LGS
		d.modRM()
		if !in.mem() {
			d.undefined()
			return
		}
		switch b {
		case 0xb2:
			in.imm2 = segSS
		case 0xb4:
			in.imm2 = segFS
		case 0xb5:
			in.imm2 = segGS
		}
		in.fn = hLoadFarPtr
		in.pfx |= pfxTerm
	case 0xb6, 0xb7, 0xbe, 0xbf: // MOVZX, MOVSX
		d.modRM()
		src := uint8(1)
		if b&1 != 0 {
			src = 2
		}
		in.imm2 = uint16(src)
		if src == 1 && !in.mem() && d.rex == 0 && in.r2 >= 4 && in.r2 < 8 {
			in.r2 += 16
			in.pfx |= pfxHigh8
		}
		if b < 0xb8 {
			in.fn = hMovzx
		} else {
			in.fn = hMovsx
		}
	case 0xb8:
		if in.sse != 2 {
			d.undefined()
			return
		}
		d.modRM()
		in.fn = hPopcnt
	case 0xb9, 0xff: // UD1, UD0
		d.modRM()
		d.undefined()
	case 0xba: // group 8: BT/BTS/BTR/BTC Ev, Ib
		d.modRM()
		d.rmDest()
		in.imm = uint64(d.u8())
		in.pfx |= pfxImm
		if in.sub < 4 {
			d.undefined()
			return
		}
		in.sub -= 4
		in.fn = hBt
	case 0xbc, 0xbd: // BSF/TZCNT, BSR/LZCNT
		d.modRM()
		in.sub = b & 1
		if in.sse == 2 {
			in.fn = hTzLzcnt
		} else {
			in.fn = hBsfBsr
		}
	case 0xc0, 0xc1: // XADD
		if b == 0xc0 {
			in.size = 1
		}
		d.modRM()
		d.swapRM()
		if in.size == 1 {
			d.byteRegs(true)
		}
		in.fn = hXadd
	case 0xc3: // MOVNTI My, Gy
		d.modRM()
		if !in.mem() || in.sse != 0 {
			d.undefined()
			return
		}
		if in.size == 2 {
			in.size = 4
		}
		in.fn = hMovMR
	case 0xc7: // group 9
		d.modRM()
		decodeGroup9(d)
	case 0x78, 0x79: // SSE4A EXTRQ, INSERTQ
		decodeSSE4A(d, b)
	default:
		decodeSSE(d, b)
	}
}

func decodeGroup15(d *decoder) {
	in := d.in
	if in.mem() {
		switch in.sub {
		case 0:
			in.fn = hFxsave
		case 1:
			in.fn = hFxrstor
			in.pfx |= pfxTerm
		case 2:
			in.fn = hLdmxcsr
		case 3:
			in.fn = hStmxcsr
		case 4:
			in.fn = hXsave
		case 5:
			in.fn = hXrstor
			in.pfx |= pfxTerm
		case 6:
			if in.sse == 1 { // CLWB
				in.fn = hClflush
			} else {
				in.fn = hXsave // XSAVEOPT saves the same as XSAVE
			}
		case 7: // CLFLUSH, CLFLUSHOPT
			in.fn = hClflush
		}
		if in.sse > 1 {
			d.undefined()
		}
		return
	}
	switch {
	case in.sse == 0 && in.sub >= 5: // LFENCE, MFENCE, SFENCE
		in.fn = hNop
	case in.sse == 2 && in.sub < 4 && d.mode == mode64: // RD/WR FS/GS BASE
		d.rmDest()
		in.fn = hFsGsBase
		in.pfx |= pfxTerm
	default:
		d.undefined()
	}
}

func decodeGroup9(d *decoder) {
	in := d.in
	if in.mem() {
		if in.sub == 1 {
			if d.rex&8 != 0 {
				in.size = 16
			} else {
				in.size = 8
			}
			in.fn = hCmpxchg8b
			return
		}
		d.undefined()
		return
	}
	d.rmDest()
	switch {
	case in.sub == 6 && in.sse <= 1:
		in.fn = hRdrand
	case in.sub == 7 && in.sse <= 1:
		in.fn = hRdseed
	case in.sub == 7 && in.sse == 2:
		in.fn = hRdpid
		if d.mode == mode64 {
			in.size = 8
		} else {
			in.size = 4
		}
	default:
		d.undefined()
	}
}

func decode0F38(d *decoder, b uint8) {
	in := d.in
	switch b {
	case 0xf0, 0xf1:
		d.modRM()
		if in.sse == 3 { // CRC32
			if b == 0xf0 {
				in.size = 1
				if !in.mem() && d.rex == 0 && in.r2 >= 4 && in.r2 < 8 {
					in.r2 += 16
				}
			}
			in.fn = hCrc32
			return
		}
		if in.sse > 1 || !in.mem() { // MOVBE
			d.undefined()
			return
		}
		in.sub = b & 1
		in.fn = hMovbe
		return
	case 0xf6:
		d.modRM()
		if d.opsize == 2 {
			in.size = 4
		}
		switch in.sse {
		case 1:
			in.sub = 0 // ADCX
			in.fn = hAdx
		case 2:
			in.sub = 1 // ADOX
			in.fn = hAdx
		default:
			d.undefined()
		}
		return
	}
	decodeSSE38(d, b)
}

func decode0F3A(d *decoder, b uint8) {
	decodeSSE3A(d, b)
}
