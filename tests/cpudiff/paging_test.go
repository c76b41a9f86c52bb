package cpudiff

import (
	"fmt"
	"testing"

	"gemu/accel"
)

// pagingFormat is one of the three paging structures of the layout.
type pagingFormat struct {
	name  string
	user  Start // CPL3 start
	kern  Start // CPL0 start
	on    func(w *World)
	pte   func(la uint64) uint64 // address of the 4 KiB entry of la (< 2 MiB)
	wide  bool                   // 8-byte entries
	nx    bool                   // has an XD bit
	large uint64                 // address of the PDE of the large page at HighBase, or 0
}

var pagingFormats = []pagingFormat{
	{name: "4-level", user: User64, kern: Long64, on: func(*World) {}, pte: PTE, wide: true, nx: true,
		large: PDBase + 8*(HighBase>>21)},
	{name: "pae", user: Prot32User, kern: Prot32, on: func(w *World) {
		s := &w.State
		s.CR4 |= CR4PAE
		s.CR3 = PAEPDPT
		s.CR0 |= CR0PG
		s.EFER |= EFERNXE
	}, pte: PAEPTE, wide: true, nx: true, large: PAEPDBase + 8*(HighBase>>21)},
	{name: "32-bit", user: Prot32User, kern: Prot32, on: func(w *World) {
		s := &w.State
		s.CR3 = PD32Base
		s.CR0 |= CR0PG
	}, pte: PTE32},
}

// testPage is the page the paging cases play with.
const testPage = DataBase + 0x1000

func (f pagingFormat) get(w *World, a uint64) uint64 {
	if f.wide {
		return w.Get64(a)
	}
	return uint64(w.Get64(a) & 0xffffffff)
}

func (f pagingFormat) set(w *World, a, v uint64) {
	if f.wide {
		w.Put64(a, v)
	} else {
		w.Put32(a, uint32(v))
	}
}

// pteSet and pteClear change bits of the test page's entry.
func (f pagingFormat) pteSet(bits uint64) func(w *World) {
	return func(w *World) {
		f.on(w)
		a := f.pte(testPage)
		f.set(w, a, f.get(w, a)|bits)
	}
}

func (f pagingFormat) pteClear(bits uint64) func(w *World) {
	return func(w *World) {
		f.on(w)
		a := f.pte(testPage)
		f.set(w, a, f.get(w, a)&^bits)
	}
}

// pfAt checks a page fault's error code and CR2.
func pfAt(code, cr2 uint64) func(r *Result) error {
	return want(func(e *expect) {
		e.stack64Or32(code)
		e.eq("cr2", e.r.State.CR2, cr2)
	})
}

// stack64Or32 checks the error code on top of the handler's stack (the
// low 32 bits, the same in both frame formats).
func (e *expect) stack64Or32(code uint64) {
	e.eq("error code", uint64(e.r.U32(e.r.State.GPR[accel.RSP])), code)
}

// Page-fault error code bits (SDM vol. 3A, 4.7).
const (
	pfP    = 1 << 0
	pfW    = 1 << 1
	pfU    = 1 << 2
	pfRSVD = 1 << 3
	pfID   = 1 << 4
)

// TestPaging covers the three paging formats: #PF error codes and CR2 for
// not-present, protection, reserved-bit and execute-disable faults at CPL3
// (natively on KVM) and CPL0, large pages, CR0.WP, and the accessed and
// dirty bits, which the RAM comparison checks in every case.
func TestPaging(t *testing.T) {
	var cases []Case
	tp := fmt.Sprintf("$%#x", testPage)
	for _, f := range pagingFormats {
		add := func(c Case) {
			c.Name = f.name + "/" + c.Name
			if f.user != User64 {
				c.NoKVM = quirkLegacyPaging
			}
			cases = append(cases, c)
		}
		read := "mov " + tp + ", %eax\n mov (%eax), %ecx\n ud2\n"
		write := "mov " + tp + ", %eax\n movl $0x5a, (%eax)\n ud2\n"
		rmw := "mov " + tp + ", %eax\n incl 8(%eax)\n ud2\n"
		jump := "mov " + tp + ", %eax\n jmp *%eax\n"
		if f.user == User64 {
			jump = "mov " + tp + ", %eax\n jmp *%rax\n"
		}
		fetchID := uint64(0)
		if f.nx {
			fetchID = pfID
		}
		codeOnPage := func(w *World) { w.Copy(testPage, []byte{0x0f, 0x0b}) } // ud2
		add(Case{Name: "user-read-write", Start: f.user, Stop: AtVector(vecUD), Setup: f.on,
			Code: "mov " + tp + ", %eax\n mov (%eax), %ecx\n movl $1, 0x1000(%eax)\n mov 0x2000(%eax), %edx\n ud2\n"})
		add(Case{Name: "not-present-read", Start: f.user, Stop: AtVector(vecPF), Setup: f.pteClear(PTEP),
			Code: read, Want: pfAt(pfU, testPage)})
		add(Case{Name: "not-present-write", Start: f.user, Stop: AtVector(vecPF), Setup: f.pteClear(PTEP),
			Code: write, Want: pfAt(pfU|pfW, testPage)})
		add(Case{Name: "user-reads-supervisor-page", Start: f.user, Stop: AtVector(vecPF), Setup: f.pteClear(PTEUS),
			Code: read, Want: pfAt(pfP|pfU, testPage)})
		add(Case{Name: "user-writes-read-only", Start: f.user, Stop: AtVector(vecPF), Setup: f.pteClear(PTERW),
			Code: write, Want: pfAt(pfP|pfU|pfW, testPage)})
		add(Case{Name: "user-rmw-read-only", Start: f.user, Stop: AtVector(vecPF), Setup: f.pteClear(PTERW),
			Code: rmw, Want: pfAt(pfP|pfU|pfW, testPage+8)})
		add(Case{Name: "user-reads-read-only", Start: f.user, Stop: AtVector(vecUD), Setup: f.pteClear(PTERW), Code: read})
		add(Case{Name: "user-fetch-supervisor-page", Start: f.user, Stop: AtVector(vecPF),
			Setup: func(w *World) { f.pteClear(PTEUS)(w); codeOnPage(w) },
			Code:  jump, Want: pfAt(pfP|pfU|fetchID, testPage)})
		add(Case{Name: "access-straddles-into-not-present", Start: f.user, Stop: AtVector(vecPF), Setup: f.pteClear(PTEP),
			Code: "mov " + tp + ", %eax\n mov -4(%eax), %ecx\n mov -2(%eax), %edx\n ud2\n"})
		add(Case{Name: "fetch-straddles-into-not-present", Start: f.user, Stop: AtVector(vecPF),
			Setup: func(w *World) {
				f.pteClear(PTEP)(w)
				w.Copy(testPage-2, []byte{0xb8, 1}) // mov $imm32, %eax: the rest is on the next page
			},
			Code: "mov " + tp + "-2, %eax\n" + jump[len("mov "+tp+", %eax\n"):],
			Want: pfAt(pfU|fetchID, testPage)})
		add(Case{Name: "kernel-writes-read-only-wp0", Start: f.kern, Stop: AtVector(vecUD),
			Setup: func(w *World) { f.pteClear(PTERW)(w); w.State.CR0 &^= CR0WP }, Code: write})
		add(Case{Name: "kernel-writes-read-only-wp1", Start: f.kern, Stop: AtVector(vecPF),
			Setup: func(w *World) { f.pteClear(PTERW)(w); w.State.CR0 |= CR0WP },
			Code:  write, Want: pfAt(pfP|pfW, testPage)})
		add(Case{Name: "kernel-writes-supervisor-read-only-wp1", Start: f.kern, Stop: AtVector(vecPF),
			Setup: func(w *World) { f.pteClear(PTERW | PTEUS)(w); w.State.CR0 |= CR0WP },
			Code:  write, Want: pfAt(pfP|pfW, testPage)})
		add(Case{Name: "kernel-uses-user-page", Start: f.kern, Stop: AtVector(vecUD), Setup: f.on,
			Code: write + "\n"})
		if f.nx {
			add(Case{Name: "execute-disable", Start: f.user, Stop: AtVector(vecPF),
				Setup: func(w *World) { f.pteSet(PTENX)(w); codeOnPage(w) },
				Code:  jump, Want: pfAt(pfP|pfU|pfID, testPage)})
			add(Case{Name: "xd-without-nxe-is-reserved", Start: f.user, Stop: AtVector(vecPF),
				Setup: func(w *World) { f.pteSet(PTENX)(w); w.State.EFER &^= EFERNXE },
				Code:  read, Want: pfAt(pfP|pfU|pfRSVD, testPage)})
			add(Case{Name: "execute-disable-read-is-fine", Start: f.user, Stop: AtVector(vecUD),
				Setup: f.pteSet(PTENX), Code: read})
			add(Case{Name: "reserved-bit-in-2m-page", Start: f.user, Stop: AtVector(vecPF),
				Setup: func(w *World) { f.on(w); w.Put64(f.large, w.Get64(f.large)|1<<13) },
				Code:  fmt.Sprintf("mov $%#x, %%eax\n mov (%%eax), %%ecx\n ud2\n", HighBase+0x10),
				Want:  pfAt(pfP|pfU|pfRSVD, HighBase+0x10)})
			add(Case{Name: "2m-page-read-write", Start: f.user, Stop: AtVector(vecUD), Setup: f.on,
				Code: fmt.Sprintf("mov $%#x, %%eax\n mov (%%eax), %%ecx\n movl $7, 8(%%eax)\n ud2\n", HighBase+DataBase)})
			add(Case{Name: "2m-page-not-present", Start: f.user, Stop: AtVector(vecPF),
				Setup: func(w *World) { f.on(w); w.Put64(f.large, w.Get64(f.large)&^PTEP) },
				Code:  fmt.Sprintf("mov $%#x, %%eax\n movl $7, (%%eax)\n ud2\n", HighBase+0x123),
				Want:  pfAt(pfU|pfW, HighBase+0x123)})
		}
	}
	// Format-specific structures.
	legacy := len(cases)
	cases = append(cases,
		Case{Name: "32-bit/pse-4m-page", Start: Prot32User, Stop: AtVector(vecUD),
			Setup: func(w *World) {
				pagingFormats[2].on(w)
				w.State.CR4 |= CR4PSE
				w.Put32(PD32Base+4, PTEP|PTERW|PTEUS|PTEPS)
			},
			Code: fmt.Sprintf("mov $%#x, %%eax\n mov (%%eax), %%ecx\n movl $9, 4(%%eax)\n ud2\n", 0x400000+DataBase)},
		Case{Name: "32-bit/pse-4m-page-reserved-bit", Start: Prot32User, Stop: AtVector(vecPF),
			Setup: func(w *World) {
				pagingFormats[2].on(w)
				w.State.CR4 |= CR4PSE
				w.Put32(PD32Base+4, PTEP|PTERW|PTEUS|PTEPS|1<<21)
			},
			Code: "mov $0x400010, %eax\n mov (%eax), %ecx\n ud2\n", Want: pfAt(pfP|pfU|pfRSVD, 0x400010)},
		Case{Name: "pae/pdpte-reserved-bit-on-cr3-load", Start: Prot32, Stop: AtVector(vecGP), Want: frameCode(0),
			Setup: pagingFormats[1].on,
			Code:  "movl $PAEPD+3, PAEPDPT+8\n mov %cr3, %eax\n mov %eax, %cr3\n ud2\n"},
	)
	for i := legacy; i < len(cases); i++ {
		cases[i].NoKVM = quirkLegacyPaging
	}
	cases = append(cases,
		Case{Name: "4-level/1g-page-without-pdpe1gb", Start: User64, Stop: AtVector(vecPF),
			Setup: func(w *World) { w.Put64(PDPTBase+8, 0x0|PTEP|PTERW|PTEUS|PTEPS) },
			Code:  "mov $0x40000010, %eax\n mov (%rax), %ecx\n ud2\n", Want: pfAt(pfP|pfU|pfRSVD, 0x40000010)},
		Case{Name: "4-level/pml4e-not-present", Start: User64, Stop: AtVector(vecPF),
			Code: "mov $0x8000000000, %rax\n mov (%rax), %ecx\n ud2\n", Want: pfAt(pfU, 0x8000000000)},
		Case{Name: "4-level/non-canonical-is-gp-not-pf", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: "mov $0x00ff000000000000, %rax\n mov (%rax), %ecx\n ud2\n"},
		Case{Name: "4-level/invlpg-at-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: "invlpg DATA\n"},
	)
	runCases(t, cases)
}

// supervisorOnly makes every page of the low 2 MiB supervisor-only except
// the data area and the user stack.
func supervisorOnly(w *World) {
	for la := uint64(0); la < 2<<20; la += 4096 {
		if la >= DataBase && la < DataBase+0x10000 || la >= UserStack-0x10000 && la < UserStack {
			continue
		}
		w.Put64(PTE(la), w.Get64(PTE(la))&^PTEUS)
	}
}

// userCode gives user mode its code page back.
func userCode(w *World) { w.Put64(PTE(CodeBase), w.Get64(PTE(CodeBase))|PTEUS) }

// TestSMEPSMAP covers supervisor-mode execution and access prevention. The
// host's KVM offers neither, so the cases run on the interpreter against
// the SDM (vol. 3A, 4.6), with a model that has both.
func TestSMEPSMAP(t *testing.T) {
	const cpu = "kvm64,+smep,+smap"
	const noKVM = "this host's KVM offers neither SMEP nor SMAP"
	smep := func(w *World) { supervisorOnly(w); w.State.CR4 |= CR4SMEP; w.Copy(testPage, []byte{0x0f, 0x0b}) }
	smap := func(w *World) { supervisorOnly(w); w.State.CR4 |= CR4SMAP }
	tp := fmt.Sprintf("$%#x", testPage)
	cases := []Case{
		{Name: "smep-fetch-from-user-page", Start: Long64, Stop: AtVector(vecPF), Setup: smep,
			Code: "mov " + tp + ", %eax\n jmp *%rax\n", Want: pfAt(pfP|pfID, testPage)},
		{Name: "smep-off-fetch-from-user-page", Start: Long64, Stop: AtVector(vecUD),
			Setup: func(w *World) { smep(w); w.State.CR4 &^= CR4SMEP }, Code: "mov " + tp + ", %eax\n jmp *%rax\n"},
		{Name: "smap-read-user-page", Start: Long64, Stop: AtVector(vecPF), Setup: smap,
			Code: "mov " + tp + ", %eax\n mov (%rax), %ecx\n ud2\n", Want: pfAt(pfP, testPage)},
		{Name: "smap-write-user-page", Start: Long64, Stop: AtVector(vecPF), Setup: smap,
			Code: "mov " + tp + ", %eax\n movl $1, 4(%rax)\n ud2\n", Want: pfAt(pfP|pfW, testPage+4)},
		{Name: "smap-stac-allows-clac-forbids", Start: Long64, Stop: AtVector(vecPF), Setup: smap,
			Code: "mov " + tp + ", %eax\n stac\n movl $1, (%rax)\n mov (%rax), %ecx\n pushfq\n pop %rdx\n clac\n mov 8(%rax), %ecx\n ud2\n",
			Want: want(func(e *expect) {
				e.eq("flags after stac", e.r.State.GPR[accel.RDX]&FlagsAC, FlagsAC)
				e.eq("rflags.ac", e.r.State.RFLAGS&FlagsAC, 0)
				e.eq("cr2", e.r.State.CR2, testPage+8)
				e.m32(testPage, 1)
			})},
		{Name: "smap-implicit-access-ignores-ac", Start: Long64, Stop: AtVector(vecPF),
			Setup: func(w *World) {
				// An LDT in a user page: loading a selector from
				// it is an implicit supervisor access.
				smap(w)
				w.SetGDT(LDTSel, Desc(DataBase+0x800, 0xff, AccP|0x2, 0))
				w.State.LDT = SegFromDesc(LDTSel, w.GDT(LDTSel))
				w.Put64(DataBase+0x808, Desc(0, 0xfffff, AccData|1, FlagG|FlagDB))
				w.State.RFLAGS |= FlagsAC
			},
			Code: "mov $0xc, %eax\n mov %eax, %ds\n ud2\n", Want: pfAt(pfP, DataBase+0x808)},
		{Name: "smap-user-mode-unaffected", Start: User64, Stop: AtVector(vecUD), Setup: func(w *World) { smap(w); userCode(w) },
			Code: "mov " + tp + ", %eax\n mov (%rax), %ecx\n ud2\n"},
		{Name: "stac-at-cpl3", Start: User64, Stop: AtVector(vecUD), Setup: func(w *World) { smap(w); userCode(w) }, Code: "stac\n"},
	}
	for i := range cases {
		cases[i].CPU = cpu
		cases[i].NoKVM = noKVM
	}
	// Without SMAP in the model STAC and CLAC do not exist.
	cases = append(cases, Case{Name: "stac-without-smap-is-ud", Start: Long64, Stop: AtVector(vecUD), Code: "stac\n",
		NoKVM: quirkEmulatorFails},
		Case{Name: "stac-at-cpl3-without-smap-is-ud", Start: User64, Stop: AtVector(vecUD), Code: "stac\n"},
		Case{Name: "cr4-smep-without-smep-is-gp", Start: Long64, Stop: AtVector(vecGP), Want: frameCode(0), NoKVM: quirkCR4Features,
			Code: "mov %cr4, %rax\n bts $20, %rax\n mov %rax, %cr4\n"})
	runCases(t, cases)
}
