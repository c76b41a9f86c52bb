package interp

// Port I/O with the protection checks of protected and virtual-8086 mode:
// IOPL, then the I/O permission bitmap in the TSS (Intel SDM vol. 1, 19.5).

// ioCheck raises #GP(0) if the current privilege may not access size
// ports at port.
func (c *CPU) ioCheck(port uint16, size uint8) {
	if !c.protected() || (c.cpl <= c.iopl() && !c.v86()) {
		return
	}
	// Consult the bitmap of a 32-bit (or 64-bit) TSS.
	if c.tr.Type&8 == 0 || c.tr.Unusable {
		c.raiseCode(excGP, 0)
	}
	if c.tr.Limit < 0x67 {
		c.raiseCode(excGP, 0)
	}
	base := c.sysRead(c.tr.Base+0x66, 2)
	off := base + uint64(port>>3)
	if off+1 > uint64(c.tr.Limit) {
		c.raiseCode(excGP, 0)
	}
	bits := c.sysRead(c.tr.Base+off, 2)
	mask := uint64(1)<<size - 1
	if bits>>(port&7)&mask != 0 {
		c.raiseCode(excGP, 0)
	}
}

func (c *CPU) portIn(port uint16, size uint8) uint64 {
	if c.ioBP {
		c.dbHits |= c.ioBreakpoints(port, size)
	}
	return uint64(c.vm.io.PortRead(port, int(size)))
}

func (c *CPU) portOut(port uint16, size uint8, v uint64) {
	if c.ioBP {
		c.dbHits |= c.ioBreakpoints(port, size)
	}
	c.vm.io.PortWrite(port, int(size), uint32(v&sizeMask(size)))
}

// IN AL/AX/EAX, imm8 or DX.
func hIn(c *CPU, in *inst) bool {
	port := uint16(c.R[2])
	if in.pfx&pfxImm != 0 {
		port = uint16(in.imm)
	}
	c.ioCheck(port, in.size)
	v := c.portIn(port, in.size)
	if in.size == 1 {
		c.setReg8(0, v)
	} else {
		c.setRegN(0, in.size, v)
	}
	return false
}

// OUT imm8 or DX, AL/AX/EAX. The block ends: a port write may change what
// the machine does next (reset, A20, debug exit).
func hOut(c *CPU, in *inst) bool {
	port := uint16(c.R[2])
	if in.pfx&pfxImm != 0 {
		port = uint16(in.imm)
	}
	c.ioCheck(port, in.size)
	c.portOut(port, in.size, c.R[0])
	c.rip = in.next
	return true
}
