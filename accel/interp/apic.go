package interp

// The local APIC is the machine's model (accel.LocalAPIC). The vCPU routes
// its own accesses to the xAPIC page at the APIC base, the x2APIC MSRs,
// IA32_APIC_BASE, CR8 and TSC_DEADLINE to it. Without one (ROM guests),
// IA32_APIC_BASE and CR8 are plain registers and the APIC page is ordinary
// address space.

const (
	apicBaseBSP    = 1 << 8
	apicBaseX2APIC = 1 << 10
	apicBaseEnable = 1 << 11
)

// apicHit reports whether physical address pa falls in the xAPIC page.
func (c *CPU) apicHit(pa uint64) bool {
	return pa&^0xfff == c.apicPage
}

func (c *CPU) updateAPICPage() {
	c.apicPage = ^uint64(0)
	if c.apic == nil {
		return
	}
	b := c.apic.Base()
	if b&apicBaseEnable != 0 && b&apicBaseX2APIC == 0 {
		c.apicPage = b & addrMask
	}
}

func (c *CPU) apicRead(pa uint64, size uint8) uint64 {
	return c.apic.Read(pa&0xfff, int(size))
}

func (c *CPU) apicWrite(pa uint64, size uint8, v uint64) {
	c.apic.Write(pa&0xfff, int(size), v)
	c.irqPending = true
}

func (c *CPU) apicBaseMSR() uint64 {
	if c.apic != nil {
		return c.apic.Base()
	}
	return c.apicBase
}

// setAPICBase writes IA32_APIC_BASE; false means #GP.
func (c *CPU) setAPICBase(v uint64) bool {
	if c.apic != nil {
		if !c.apic.SetBase(v) {
			return false
		}
	} else {
		if v&^(addrMask|apicBaseBSP|apicBaseEnable|apicBaseX2APIC) != 0 {
			return false
		}
		c.apicBase = v
	}
	old := c.apicPage
	c.updateAPICPage()
	if old != c.apicPage {
		c.flushTLB(false)
	}
	return true
}

func (c *CPU) readTPR() uint8 {
	if c.apic != nil {
		return c.apic.TPR()
	}
	return c.tpr
}

func (c *CPU) writeTPR(v uint8) {
	if c.apic != nil {
		c.apic.SetTPR(v)
		c.irqPending = true
		return
	}
	c.tpr = v
}
