package loader

import (
	"gemu/accel"
)

// Fixed low-memory places (see the package documentation).
const (
	gdtAddr        = 0x500
	infoAddr       = 0x6000 // Multiboot information, PVH start_info
	infoSize       = 0x1000
	bootParamsAddr = 0x7000
	pml4Addr       = 0x9000
	pdptAddr       = 0xa000
	pdAddr         = 0xb000 // four page directories: 0xb000-0xefff
	pageTablesEnd  = 0xf000
	setupAddr      = 0x10000
	cmdlineAddr    = 0x20000
	cmdlineLimit   = EBDAStart
)

// GDT selectors. Linux's boot protocol requires __BOOT_CS = 0x10 and
// __BOOT_DS = 0x18 with flat 4 GiB segments; the other protocols use the same
// table.
const (
	selCode = 0x10
	selData = 0x18
	selTSS  = 0x20
	gdtSize = 0x30 // null, null, code, data, 16-byte TSS descriptor
)

// Segment descriptors (Intel SDM vol. 3A, 3.4.5): base 0, limit 0xfffff in
// 4 KiB units, present, DPL 0.
const (
	descCode32 = 0x00cf9b000000ffff // execute/read, accessed; D=1
	descCode64 = 0x00af9b000000ffff // execute/read, accessed; L=1
	descData   = 0x00cf93000000ffff // read/write, accessed; B=1
	descTSS    = 0x00008b0000000067 // busy 32/64-bit TSS, base 0, limit 0x67
)

// writeGDT writes the boot GDT, with a 64-bit or a 32-bit code segment.
func writeGDT(p *placer, long bool) error {
	if err := p.claim("gdt", gdtAddr, gdtSize); err != nil {
		return err
	}
	code := uint64(descCode32)
	if long {
		code = descCode64
	}
	b := make([]byte, gdtSize)
	le.PutUint64(b[selCode:], code)
	le.PutUint64(b[selData:], descData)
	le.PutUint64(b[selTSS:], descTSS)
	return p.write(gdtAddr, b)
}

// Page-table entry bits (SDM vol. 3A, 4.5).
const (
	ptePresent = 1 << 0
	pteWrite   = 1 << 1
	ptePS      = 1 << 7 // 2 MiB page in a page directory
)

// writePageTables identity-maps the first 4 GiB with 2 MiB pages.
func writePageTables(p *placer) error {
	if err := p.claim("page tables", pml4Addr, pageTablesEnd-pml4Addr); err != nil {
		return err
	}
	b := make([]byte, pageTablesEnd-pml4Addr)
	le.PutUint64(b[0:], pdptAddr|ptePresent|pteWrite)
	for i := uint64(0); i < 4; i++ {
		le.PutUint64(b[pdptAddr-pml4Addr+8*i:], (pdAddr+i*0x1000)|ptePresent|pteWrite)
	}
	for i := uint64(0); i < 4*512; i++ {
		le.PutUint64(b[pdAddr-pml4Addr+8*i:], i<<21|ptePresent|pteWrite|ptePS)
	}
	return p.write(pml4Addr, b)
}

// Control-register and EFER bits (SDM vol. 3A, 2.5; vol. 4, EFER).
const (
	cr0PE   = 1 << 0
	cr0ET   = 1 << 4
	cr0PG   = 1 << 31
	cr4PAE  = 1 << 5
	eferLME = 1 << 8
	eferLMA = 1 << 10
)

func flatSegment(sel uint16, typ uint8) accel.Segment {
	return accel.Segment{Selector: sel, Limit: 0xffffffff, Type: typ, S: true, Present: true, DB: true, G: true}
}

// protectedState is the state for a 32-bit protected-mode entry with paging
// off: flat code and data segments from the boot GDT, interrupts disabled.
func protectedState(entry uint32) accel.CPUState {
	s := accel.ResetState(0)
	s.GPR[accel.RDX] = 0
	s.RIP = uint64(entry)
	s.RFLAGS = 0x2
	s.CS = flatSegment(selCode, 0xb)
	data := flatSegment(selData, 0x3)
	s.DS, s.ES, s.FS, s.GS, s.SS = data, data, data, data, data
	s.TR = accel.Segment{Selector: selTSS, Limit: 0x67, Type: 0xb, Present: true}
	s.GDT = accel.DTable{Base: gdtAddr, Limit: gdtSize - 1}
	s.IDT = accel.DTable{}
	s.CR0 = cr0PE | cr0ET
	return s
}

// longState is the state for a 64-bit entry: long mode with the identity
// page tables.
func longState(entry uint64) accel.CPUState {
	s := protectedState(0)
	s.RIP = entry
	s.CS.L, s.CS.DB = true, false
	s.CR0 |= cr0PG
	s.CR3 = pml4Addr
	s.CR4 = cr4PAE
	s.EFER = eferLME | eferLMA
	return s
}
