package interp

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"gemu/accel"
)

// TestFusedConditions checks subCond and logicCond, which fused compare-
// and-branch kinds use, against cond on the lazy state the same
// instruction leaves.
func TestFusedConditions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edge := []uint64{0, 1, 2, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
		1<<63 - 1, 1 << 63, ^uint64(0), ^uint64(0) - 1}
	val := func() uint64 {
		if r.IntN(2) == 0 {
			return edge[r.IntN(len(edge))]
		}
		return r.Uint64()
	}
	var c CPU
	for i := 0; i < 200000; i++ {
		a, b := val(), val()
		sh := []uint8{0, 32, 48, 56}[r.IntN(4)]
		for cc := uint8(0); cc < 16; cc++ {
			if cc <= 1 || cc == 10 || cc == 11 {
				continue
			}
			c.fop, c.fsh, c.fa, c.fb, c.fr = fopSub, sh, a, b, a-b
			if got, want := subCond(cc, a<<sh, b<<sh), b2u(c.cond(cc)); got != want {
				t.Fatalf("sub %#x-%#x sh %d cc %#x: subCond %d, cond %d", a, b, sh, cc, got, want)
			}
			c.fop, c.fsh, c.fr = fopLogic, sh, a&b
			if got, want := logicCond(cc, (a&b)<<sh), b2u(c.cond(cc)); got != want {
				t.Fatalf("test %#x&%#x sh %d cc %#x: logicCond %d, cond %d", a, b, sh, cc, got, want)
			}
		}
		// Condition programs, for every condition they express.
		for cc := uint8(0); cc < 16; cc++ {
			if p := condProgram(false, cc); p != 0 {
				c.fop, c.fsh, c.fa, c.fb, c.fr = fopSub, sh, a, b, a-b
				if got, want := condProg(p, a<<sh, b<<sh), b2u(c.cond(cc)); got != want {
					t.Fatalf("sub %#x-%#x sh %d cc %#x: condProg %d, cond %d", a, b, sh, cc, got, want)
				}
			}
			if p := condProgram(true, cc); p != 0 {
				c.fop, c.fsh, c.fr = fopLogic, sh, a&b
				if got, want := condProg(p, (a&b)<<sh, 0), b2u(c.cond(cc)); got != want {
					t.Fatalf("test %#x&%#x sh %d cc %#x: condProg %d, cond %d", a, b, sh, cc, got, want)
				}
			}
		}
	}
	// Which conditions have programs.
	for cc := uint8(0); cc < 16; cc++ {
		if got, want := condProgram(false, cc) != 0, cc >= 2 && cc <= 7 || cc >= 12; got != want {
			t.Errorf("compare, cc %#x: program %v, want %v", cc, got, want)
		}
		if got, want := condProgram(true, cc) != 0, cc != 10 && cc != 11; got != want {
			t.Errorf("test, cc %#x: program %v, want %v", cc, got, want)
		}
	}
}

// TestFusedBranchRun runs compare/sub/test followed by each conditional
// branch, fused in their blocks, and checks the path taken, the result
// and the flags the branch leaves against a reference computed in Go.
func TestFusedBranchRun(t *testing.T) {
	m := newTMachine(t, 4<<20, "qemu64")
	type form struct {
		name string
		code []byte // operates on rax with rcx or imm
		imm  bool
		v    uint64 // the immediate, sign-extended
	}
	forms := []form{
		{"cmp rax,rcx", []byte{0x48, 0x39, 0xc8}, false, 0},
		{"cmp eax,ecx", []byte{0x39, 0xc8}, false, 0},
		{"cmp rax,-3", []byte{0x48, 0x83, 0xf8, 0xfd}, true, ^uint64(2)},
		{"cmp eax,0x80", []byte{0x3d, 0x80, 0, 0, 0}, true, 0x80},
		{"sub rax,rcx", []byte{0x48, 0x29, 0xc8}, false, 0},
		{"sub eax,ecx", []byte{0x29, 0xc8}, false, 0},
		{"sub rax,5", []byte{0x48, 0x83, 0xe8, 5}, true, 5},
		{"sub eax,-1", []byte{0x83, 0xe8, 0xff}, true, ^uint64(0)},
		{"test rax,rcx", []byte{0x48, 0x85, 0xc8}, false, 0},
		{"test eax,ecx", []byte{0x85, 0xc8}, false, 0},
	}
	vals := []uint64{0, 1, 5, 0x80, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffd, 1 << 63, ^uint64(0), ^uint64(2), 0x123456789}
	for _, f := range forms {
		for cc := byte(0); cc < 16; cc++ {
			// f; jcc +7; mov edx, 1; jmp +5; mov edx, 2; hlt
			code := append([]byte{}, f.code...)
			code = append(code, 0x70|cc, 7, 0xba, 1, 0, 0, 0, 0xeb, 5, 0xba, 2, 0, 0, 0, 0xf4)
			for _, a := range vals {
				for _, b := range vals {
					st := m.run64(code, func(s *accel.CPUState) {
						s.GPR[accel.RAX], s.GPR[accel.RCX], s.GPR[accel.RDX] = a, b, 0
					})
					// Reference: the same lazy state evaluated by cond.
					var c CPU
					src := b
					if f.imm {
						src = f.v
					}
					sz := uint8(64)
					if f.code[0] != 0x48 {
						sz = 32
					}
					sh := 64 - sz
					wantRAX := a
					switch f.name[:3] {
					case "cmp":
						c.fop, c.fsh, c.fa, c.fb, c.fr = fopSub, sh, a, src, a-src
					case "sub":
						c.fop, c.fsh, c.fa, c.fb, c.fr = fopSub, sh, a, src, a-src
						wantRAX = a - src
					case "tes":
						c.fop, c.fsh, c.fr = fopLogic, sh, a&src
					}
					if sz == 32 && f.name[:3] == "sub" {
						wantRAX &= 0xffffffff
					}
					want := uint64(1)
					if c.cond(cc) {
						want = 2
					}
					if st.GPR[accel.RDX] != want || st.GPR[accel.RAX] != wantRAX {
						t.Fatalf("%s; j%x with rax=%#x rcx=%#x: rdx %d rax %#x, want %d %#x", f.name, cc, a, b, st.GPR[accel.RDX], st.GPR[accel.RAX], want, wantRAX)
					}
					if got, wantF := st.RFLAGS&flagsArith, c.arith(); got != wantF {
						t.Fatalf("%s; j%x with rax=%#x rcx=%#x: flags %#x, want %#x", f.name, cc, a, b, got, wantF)
					}
				}
			}
			// The pair must have run fused (except on OF and PF).
			fused := false
			for _, b := range m.cpu.cpu.bc.byPA[tCode] {
				if b.ip == tCode && b.valid() {
					k := b.insts[0].kind
					fused = k >= kCmpRR64J && k <= kTestRR32J
				}
			}
			wantFused := cc >= 2 && cc <= 7 || cc >= 12
			if f.name[:3] == "tes" {
				wantFused = cc != 10 && cc != 11
			}
			if fused != wantFused {
				t.Errorf("%s; j%x: fused %v, want %v", f.name, cc, fused, wantFused)
			}
		}
	}
}

// TestRunLoopNotBig checks that the compiler does not consider the run
// loop a big function (which would stop inlining the fast paths' helpers
// into it and slow every instruction down).
func TestRunLoopNotBig(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	out, err := exec.Command(goBin, "build", "-gcflags=-m=2", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "inlining call") {
		t.Fatalf("go build -gcflags=-m=2 printed no inlining decisions:\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "considered 'big'") {
			t.Errorf("%s: move code out of the function (see the comment on execBlocks)", line)
		}
	}
}

// TestSideExits runs a loop whose block goes on through a rarely taken
// conditional branch, and checks the result and the instruction count.
func TestSideExits(t *testing.T) {
	m := newTMachine(t, 4<<20, "qemu64")
	code := []byte{
		0xb9, 100, 0, 0, 0, // mov ecx, 100
		0x31, 0xc0, // xor eax, eax
		0x31, 0xd2, // xor edx, edx
		0xff, 0xc0, // L: inc eax
		0xa8, 0x07, // test al, 7
		0x74, 0x02, // jz skip (every 8th time)
		0xff, 0xc2, // inc edx
		0xff, 0xc9, // skip: dec ecx
		0x75, 0xf4, // jnz L
		0xf4, // hlt
	}
	start := m.cpu.cpu.icount
	st := m.run64(code, nil)
	if st.GPR[accel.RAX] != 100 || st.GPR[accel.RDX] != 88 {
		t.Fatalf("rax %d rdx %d, want 100 88", st.GPR[accel.RAX], st.GPR[accel.RDX])
	}
	if n, want := m.cpu.cpu.icount-start, uint64(3+88*6+12*5+1); n != want {
		t.Errorf("executed %d instructions, want %d", n, want)
	}
	// The loop's block holds the JZ as a side exit.
	found := false
	for _, list := range m.cpu.cpu.bc.byPA {
		for _, b := range list {
			for i := range b.insts {
				if in := &b.insts[i]; sideExit(in) && i < len(b.insts)-1 {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("no block with a side exit")
	}

	// The taken side exit's remembered target follows a code change.
	// mov ecx, 3; L: dec ecx; jz out; jmp L; out: mov edx, imm32; hlt
	code = []byte{0xb9, 3, 0, 0, 0, 0xff, 0xc9, 0x74, 0x02, 0xeb, 0xfa, 0xba, 1, 0, 0, 0, 0xf4}
	for want := uint64(1); want <= 3; want++ {
		code[12] = byte(want)
		if st := m.run64(code, nil); st.GPR[accel.RDX] != want {
			t.Fatalf("run %d: rdx %d, want %d", want, st.GPR[accel.RDX], want)
		}
	}
}

// TestFollowedJumps: a block goes on at the target of a forward JMP within
// its page; the result, the instruction count and the final RIP are as if
// each instruction ran alone.
func TestFollowedJumps(t *testing.T) {
	m := newTMachine(t, 4<<20, "qemu64")
	code := []byte{
		0xb8, 1, 0, 0, 0, // mov eax, 1
		0xeb, 0x02, // jmp +2
		0x0f, 0x0b, // ud2 (skipped)
		0x83, 0xc0, 0x02, // add eax, 2
		0xe9, 0x01, 0, 0, 0, // jmp +1 (rel32)
		0xf4,             // hlt (skipped)
		0x83, 0xc0, 0x04, // add eax, 4
		0xf4, // hlt
	}
	start := m.cpu.cpu.icount
	st := m.run64(code, nil)
	if st.GPR[accel.RAX] != 7 {
		t.Fatalf("rax %d, want 7", st.GPR[accel.RAX])
	}
	if n := m.cpu.cpu.icount - start; n != 6 {
		t.Errorf("executed %d instructions, want 6", n)
	}
	if st.RIP != tCode+uint64(len(code)) {
		t.Errorf("halted at %#x, want %#x", st.RIP, tCode+uint64(len(code)))
	}
	followed := false
	for _, b := range m.cpu.cpu.bc.byPA[tCode] {
		if b.ip == tCode && len(b.insts) == 6 && b.insts[1].kind == kNop && b.insts[3].kind == kNop {
			followed = true
		}
	}
	if !followed {
		t.Error("the block did not follow the jumps")
	}
}
