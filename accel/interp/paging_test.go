package interp

import (
	"testing"
)

// probe translates la for an access and returns the #PF error code, or -1
// if the access succeeds.
func probe(c *CPU, la uint64, acc, mmu int) (code int) {
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(*fault)
			if !ok || f.vector != excPF {
				panic(r)
			}
			code = int(f.code)
		}
	}()
	c.translate(la, acc, mmu)
	return -1
}

// TestPagePermissions checks access rights and #PF error codes against
// SDM vol. 3A, 4.6 and 4.7.
func TestPagePermissions(t *testing.T) {
	m := newTMachine(t, 8<<20, "max")
	s := m.setup64()
	m.cpu.SetState(s)
	c := &m.cpu.cpu
	// A page table for the 2 MiB region at 0x400000, with 4 KiB pages:
	// 0x400000 supervisor RW, 0x401000 user RO, 0x402000 user RW NX,
	// 0x403000 not present.
	pt := uint64(0x30000)
	m.put64(tPML4+0x2000+2*8, pt|7)
	m.put64(pt+0*8, 0x500000|pteP|pteRW)
	m.put64(pt+1*8, 0x501000|pteP|pteUS)
	m.put64(pt+2*8, 0x502000|pteP|pteRW|pteUS|pteNX)
	m.put64(pt+3*8, 0)
	const (
		sup  = 0x400000
		uro  = 0x401000
		unx  = 0x402000
		none = 0x403000
	)
	for _, tc := range []struct {
		name     string
		cr0, cr4 uint64
		la       uint64
		acc, mmu int
		wantCode int
	}{
		{"user read of supervisor page", 0, 0, sup, accRead, mmuUser, pfP | pfU},
		{"user write to read-only page", 0, 0, uro, accWrite, mmuUser, pfP | pfW | pfU},
		{"user read of user page", 0, 0, uro, accRead, mmuUser, -1},
		{"not present, supervisor write", 0, 0, none, accWrite, mmuSup, pfW},
		{"fetch from NX page", 0, 0, unx, accExec, mmuUser, pfP | pfU | pfI},
		{"supervisor write to RO user page, WP=1", cr0WP, 0, uro, accWrite, mmuSup, pfP | pfW},
		{"supervisor write to RO user page, WP=0", 0, 0, uro, accWrite, mmuSup, -1},
		{"SMEP: supervisor fetch from user page", 0, cr4SMEP, uro, accExec, mmuSup, pfP | pfI},
		{"SMAP: supervisor read of user page", 0, cr4SMAP, uro, accRead, mmuSupSMAP, pfP},
		{"SMAP with AC: supervisor read of user page", 0, cr4SMAP, uro, accRead, mmuSup, -1},
		{"supervisor read of supervisor page", 0, cr4SMAP | cr4SMEP, sup, accRead, mmuSupSMAP, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.cr0 = c.cr0&^cr0WP | tc.cr0
			c.cr4 = c.cr4&^(cr4SMEP|cr4SMAP) | tc.cr4
			c.flushTLB(false)
			if got := probe(c, tc.la, tc.acc, tc.mmu); got != tc.wantCode {
				t.Errorf("error code %d, want %d", got, tc.wantCode)
			}
		})
	}
	// Accessed and dirty bits: a read sets A, a write sets D.
	c.cr0 |= cr0WP
	c.flushTLB(false)
	m.put64(pt+4*8, 0x504000|pteP|pteRW)
	probe(c, 0x404000, accRead, mmuSup)
	if e := m.get64(pt + 4*8); e&pteA == 0 || e&pteD != 0 {
		t.Errorf("after a read the PTE is %#x: want A and not D", e)
	}
	probe(c, 0x404000, accWrite, mmuSup)
	if e := m.get64(pt + 4*8); e&pteD == 0 {
		t.Errorf("after a write the PTE is %#x: want D", e)
	}
	// Reserved bits: bit 51 set in a PTE gives RSVD.
	m.put64(pt+5*8, 0x505000|pteP|1<<51)
	if got := probe(c, 0x405000, accRead, mmuSup); got != pfP|pfRSVD {
		t.Errorf("reserved bit: error code %d", got)
	}
	// Global pages survive a CR3 reload with CR4.PGE; others do not.
	c.cr4 |= cr4PGE
	m.put64(pt+6*8, 0x506000|pteP|pteG)
	m.put64(pt+7*8, 0x507000|pteP)
	probe(c, 0x406000, accRead, mmuSup)
	probe(c, 0x407000, accRead, mmuSup)
	m.put64(pt+6*8, 0)
	m.put64(pt+7*8, 0)
	c.writeCR3(c.cr3)
	if got := probe(c, 0x406000, accRead, mmuSup); got != -1 {
		t.Errorf("global page lost at CR3 reload (code %d)", got)
	}
	if got := probe(c, 0x407000, accRead, mmuSup); got != 0 {
		t.Errorf("non-global page kept at CR3 reload (code %d)", got)
	}
	c.flushPage(0x406000) // INVLPG drops global pages too
	if got := probe(c, 0x406000, accRead, mmuSup); got != 0 {
		t.Errorf("INVLPG kept the global page (code %d)", got)
	}
}
