package interp

// Two-operand ALU handlers for 16-, 32- and 64-bit operands, written out
// per operation and operand form so that the hot path has no operation
// switch. RR: r1 op= r2; RI: r1 op= imm; RM: r1 op= [mem]; MR: [mem] op= r1;
// MI: [mem] op= imm.

func hAddRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	r := a + b
	c.setFlags(fopAdd, in.size, a, b, r)
	c.wr(in, in.r1, r)
	return false
}

func hAddRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	r := a + b
	c.setFlags(fopAdd, in.size, a, b, r)
	c.wr(in, in.r1, r)
	return false
}

func hAddRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	r := a + b
	c.setFlags(fopAdd, in.size, a, b, r)
	c.wr(in, in.r1, r)
	return false
}

func hAddMR(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	r := a + b
	c.setFlags(fopAdd, in.size, a, b, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hAddMI(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := in.imm
	r := a + b
	c.setFlags(fopAdd, in.size, a, b, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hOrRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	r := a | b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hOrRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	r := a | b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hOrRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	r := a | b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hOrMR(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	r := a | b
	c.setLogic(in.size, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hOrMI(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := in.imm
	r := a | b
	c.setLogic(in.size, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hAdcRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	r := c.adc(a, b, in.size)
	c.wr(in, in.r1, r)
	return false
}

func hAdcRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	r := c.adc(a, b, in.size)
	c.wr(in, in.r1, r)
	return false
}

func hAdcRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	r := c.adc(a, b, in.size)
	c.wr(in, in.r1, r)
	return false
}

func hAdcMR(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	r := c.adc(a, b, in.size)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hAdcMI(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := in.imm
	r := c.adc(a, b, in.size)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hSbbRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	r := c.sbb(a, b, in.size)
	c.wr(in, in.r1, r)
	return false
}

func hSbbRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	r := c.sbb(a, b, in.size)
	c.wr(in, in.r1, r)
	return false
}

func hSbbRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	r := c.sbb(a, b, in.size)
	c.wr(in, in.r1, r)
	return false
}

func hSbbMR(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	r := c.sbb(a, b, in.size)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hSbbMI(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := in.imm
	r := c.sbb(a, b, in.size)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hAndRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	r := a & b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hAndRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	r := a & b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hAndRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	r := a & b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hAndMR(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	r := a & b
	c.setLogic(in.size, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hAndMI(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := in.imm
	r := a & b
	c.setLogic(in.size, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hSubRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	r := a - b
	c.setFlags(fopSub, in.size, a, b, r)
	c.wr(in, in.r1, r)
	return false
}

func hSubRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	r := a - b
	c.setFlags(fopSub, in.size, a, b, r)
	c.wr(in, in.r1, r)
	return false
}

func hSubRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	r := a - b
	c.setFlags(fopSub, in.size, a, b, r)
	c.wr(in, in.r1, r)
	return false
}

func hSubMR(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	r := a - b
	c.setFlags(fopSub, in.size, a, b, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hSubMI(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := in.imm
	r := a - b
	c.setFlags(fopSub, in.size, a, b, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hXorRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	r := a ^ b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hXorRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	r := a ^ b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hXorRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	r := a ^ b
	c.setLogic(in.size, r)
	c.wr(in, in.r1, r)
	return false
}

func hXorMR(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	r := a ^ b
	c.setLogic(in.size, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hXorMI(c *CPU, in *inst) bool {
	a := c.rmwLoad(in.seg, c.ea(in), in.size)
	b := in.imm
	r := a ^ b
	c.setLogic(in.size, r)
	c.rmwStore(r)
	return c.smcEnd(in)
}

func hCmpRR(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], c.R[in.r2]
	c.setFlags(fopSub, in.size, a, b, a-b)
	return false
}

func hCmpRI(c *CPU, in *inst) bool {
	a, b := c.R[in.r1], in.imm
	c.setFlags(fopSub, in.size, a, b, a-b)
	return false
}

func hCmpRM(c *CPU, in *inst) bool {
	b := c.read(in.seg, c.ea(in), in.size)
	a := c.R[in.r1]
	c.setFlags(fopSub, in.size, a, b, a-b)
	return false
}

func hCmpMR(c *CPU, in *inst) bool {
	a := c.read(in.seg, c.ea(in), in.size)
	b := c.R[in.r1]
	c.setFlags(fopSub, in.size, a, b, a-b)
	return false
}

func hCmpMI(c *CPU, in *inst) bool {
	a := c.read(in.seg, c.ea(in), in.size)
	b := in.imm
	c.setFlags(fopSub, in.size, a, b, a-b)
	return false
}

var (
	aluRR = [8]handler{hAddRR, hOrRR, hAdcRR, hSbbRR, hAndRR, hSubRR, hXorRR, hCmpRR}

	aluRM = [8]handler{hAddRM, hOrRM, hAdcRM, hSbbRM, hAndRM, hSubRM, hXorRM, hCmpRM}

	aluMR = [8]handler{hAddMR, hOrMR, hAdcMR, hSbbMR, hAndMR, hSubMR, hXorMR, hCmpMR}

	aluRI = [8]handler{hAddRI, hOrRI, hAdcRI, hSbbRI, hAndRI, hSubRI, hXorRI, hCmpRI}

	aluMI = [8]handler{hAddMI, hOrMI, hAdcMI, hSbbMI, hAndMI, hSubMI, hXorMI, hCmpMI}
)
