package cpudiff

import (
	"testing"

	"gemu/accel"
)

// DR6 and DR7 bits (SDM vol. 3A, 17.2).
const (
	dr6B0     = 1 << 0
	dr6B1     = 1 << 1
	dr6BD     = 1 << 13
	dr6BS     = 1 << 14
	dr6Fixed  = 0xffff0ff0
	dr7GD     = 1 << 13
	dr7Fixed  = 0x400
	rflagsRF  = 1 << 16
	rflagsTF  = 1 << 8
	dr7L0     = 1 << 0
	dr7L1     = 1 << 2
	dr7RW1    = 16 + 4 // R/W1 at bits 21:20
	dr7LEN1   = 18 + 4 // LEN1 at bits 23:22
	breakW    = 1      // R/W: data writes
	breakRW   = 3      // R/W: data reads and writes
	breakLen4 = 3      // LEN: 4 bytes
)

// TestDebug covers single-stepping, hardware breakpoints and watchpoints,
// DR6/DR7 and the debug-register access rules.
func TestDebug(t *testing.T) {
	runCases(t, []Case{
		{Name: "tf-traps-after-the-next-instruction", Start: User64, Stop: AtVector(vecDB), Code: `
	pushfq
	orq $0x100, (%rsp)
	popfq
	nop
second:	nop
	ud2
`, Want: want(func(e *expect) {
			e.stack64(e.r.Sym("second"))
			e.eq("dr6.bs", e.r.State.DR6&dr6BS, dr6BS)
		})},
		// MOV SS holds back the single-step trap of the instruction
		// until after the next one (SDM vol. 3A, 6.8.3). KVM here
		// emulates MOV SS at CPL3 and traps at once.
		{Name: "tf-after-mov-ss-is-deferred", Start: User64, Stop: AtVector(vecDB), NoKVM: quirkUser64DataSeg, Code: `
	mov $UDATA, %eax
	pushfq
	orq $0x100, (%rsp)
	popfq
	mov %ax, %ss
	nop
after:	nop
	ud2
`, Want: want(func(e *expect) { e.stack64(e.r.Sym("after")) })},
		{Name: "tf-over-faulting-instruction", Start: User64, Stop: AtVector(vecUD), Code: `
	pushfq
	orq $0x100, (%rsp)
	popfq
	ud2
`},
		{Name: "execution-breakpoint", Start: User64, Stop: AtVector(vecDB), NoKVM: quirkGuestBreakpoints,
			Setup: func(w *World) {
				w.State.DR[0] = w.Sym("bp")
				w.State.DR7 = dr7Fixed | dr7L0
			}, Code: "mov $1, %eax\n nop\nbp: mov $2, %eax\n ud2\n",
			Want: want(func(e *expect) {
				// A fault: RIP at the breakpoint, RF clear in the
				// pushed RFLAGS.
				e.stack64(e.r.Sym("bp"), UCode64, 0x202)
				e.eq("dr6.b0", e.r.State.DR6&dr6B0, dr6B0)
				e.reg(accel.RAX, 1)
			})},
		{Name: "write-watchpoint", Start: User64, Stop: AtVector(vecDB), NoKVM: quirkGuestBreakpoints,
			Setup: func(w *World) {
				w.State.DR[1] = DataBase + 8
				w.State.DR7 = dr7Fixed | dr7L1 | breakW<<dr7RW1 | breakLen4<<dr7LEN1
			}, Code: "mov $DATA, %eax\n mov (%eax), %ecx\n mov 8(%eax), %ecx\n movl $5, 10(%eax)\nafter: ud2\n",
			Want: want(func(e *expect) {
				e.stack64(e.r.Sym("after"))
				e.eq("dr6.b1", e.r.State.DR6&dr6B1, dr6B1)
			})},
		{Name: "read-write-watchpoint", Start: User64, Stop: AtVector(vecDB), NoKVM: quirkGuestBreakpoints,
			Setup: func(w *World) {
				w.State.DR[1] = DataBase + 8
				w.State.DR7 = dr7Fixed | dr7L1 | breakRW<<dr7RW1 | breakLen4<<dr7LEN1
			}, Code: "mov $DATA, %eax\n mov (%eax), %ecx\n mov 4(%eax), %rcx\nafter: ud2\n",
			Want: want(func(e *expect) { e.stack64(e.r.Sym("after")) })},
		{Name: "mov-dr-at-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0), Code: "mov %dr7, %rax\n"},
		{Name: "dr4-aliases-dr6-without-de", Start: Long64, Stop: AtVector(vecUD),
			Setup: func(w *World) { w.State.DR6 = dr6Fixed | dr6B1 }, Code: "mov %dr4, %rax\n mov %dr5, %rbx\n ud2\n",
			Want: want(func(e *expect) {
				e.reg(accel.RAX, dr6Fixed|dr6B1)
				e.reg(accel.RBX, dr7Fixed)
			})},
		{Name: "dr4-is-ud-with-de", Start: Long64, Stop: AtVector(vecUD),
			Setup: func(w *World) { w.State.CR4 |= CR4DE }, Code: "mov %dr4, %rax\n"},
		{Name: "general-detect", Start: Long64, Stop: AtVector(vecDB),
			Setup: func(w *World) { w.State.DR7 = dr7Fixed | dr7GD }, Code: "gd: mov %dr0, %rax\n",
			Want: want(func(e *expect) {
				e.stack64(e.r.Sym("gd"))
				e.eq("dr6.bd", e.r.State.DR6&dr6BD, dr6BD)
				e.eq("dr7.gd", e.r.State.DR7&dr7GD, 0)
			})},
		{Name: "dr-write-reserved-dr7-high", Start: Long64, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: "mov $0x100000400, %rax\n mov %rax, %dr7\n"},
		{Name: "dr-write-and-read", Start: Long64, Stop: AtVector(vecUD), Code: `
	mov $0x1234, %rax
	mov %rax, %dr0
	mov $0xffff800000001000, %rax
	mov %rax, %dr3
	mov $0x0, %rax
	mov %rax, %dr6
	mov %dr0, %rbx
	mov %dr3, %rcx
	mov %dr6, %rdx
	mov %dr7, %rsi
	ud2
`, KVMNote: "KVM here lets DR6 bit 16 (RTM) be written as 0 although kvm64 has no RTM; without RTM the bit reads as 1",
			KVMFix: func(w *World, r *Result) {
				r.State.DR6 |= 1 << 16
				r.State.GPR[accel.RDX] |= 1 << 16
			}},
	})
}
