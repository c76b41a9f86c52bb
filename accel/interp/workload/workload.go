// Package workload builds the guest programs the interpreter is measured
// with: a tight integer loop, memory copy and fill loops (with and without
// REP MOVS/STOS), and a branchy insertion sort. Each is 64-bit machine code
// with the entry state it expects, so the interpreter's benchmarks and the
// side-by-side comparison with QEMU (which wraps them as ROM guests) run
// exactly the same instructions.
//
// Every workload runs in 64-bit mode with the first GiB identity-mapped,
// code at CodeAddr, data from DataAddr and the stack below StackTop, and
// ends with HLT. Instructions gives the exact number of instructions it
// executes (a REP-prefixed instruction counts once per iteration, as
// QEMU's instruction counting does).
package workload

import "encoding/binary"

// Guest-physical (and, identity-mapped, linear) layout.
const (
	CodeAddr = 0x100000
	DataAddr = 0x400000
	StackTop = 0x300000
	DataSize = 4 << 20 // bytes of data a workload may use
)

// Workload is one guest program.
type Workload struct {
	Name         string
	Code         []byte     // placed at CodeAddr
	Regs         [16]uint64 // initial general-purpose registers (RSP included)
	Data         []byte     // initial contents at DataAddr (nil: zeroes)
	Instructions uint64     // instructions executed from entry to the HLT inclusive
}

// asm is a tiny x86-64 byte emitter.
type asm struct{ b []byte }

func (a *asm) e(p ...byte)  { a.b = append(a.b, p...) }
func (a *asm) pc() int      { return len(a.b) }
func (a *asm) u32(v uint32) { a.b = binary.LittleEndian.AppendUint32(a.b, v) }
func (a *asm) u64(v uint64) { a.b = binary.LittleEndian.AppendUint64(a.b, v) }

// jnz back to target with a rel8 or rel32 displacement.
func (a *asm) jcc(cc byte, target int) {
	rel := target - (a.pc() + 2)
	if rel >= -128 {
		a.e(0x70|cc, byte(int8(rel)))
		return
	}
	rel = target - (a.pc() + 6)
	a.e(0x0f, 0x80|cc)
	a.u32(uint32(int32(rel)))
}

const (
	ccZ  = 0x4
	ccNZ = 0x5
	ccBE = 0x6
	ccA  = 0x7
	ccLE = 0xe
	ccG  = 0xf
	ccGE = 0xd
)

// IntLoop is a register-only loop: eight ALU instructions per iteration
// (add, xor, rotate, lea, imul-free integer mix), iterations times.
func IntLoop(iterations uint32) Workload {
	var a asm
	a.e(0xb9)
	a.u32(iterations) // mov ecx, n
	a.e(0x31, 0xc0)   // xor eax, eax
	a.e(0xba)
	a.u32(0x12345678) // mov edx, imm
	top := a.pc()
	a.e(0x48, 0x01, 0xd0)       // add rax, rdx
	a.e(0x48, 0x31, 0xc2)       // xor rdx, rax
	a.e(0x48, 0xc1, 0xc2, 0x0d) // rol rdx, 13
	a.e(0x4c, 0x8d, 0x04, 0x10) // lea r8, [rax+rdx]
	a.e(0x49, 0x29, 0xc0)       // sub r8, rax
	a.e(0x4c, 0x31, 0xc0)       // xor rax, r8
	a.e(0xff, 0xc9)             // dec ecx
	a.jcc(ccNZ, top)            // jnz top
	a.e(0xf4)                   // hlt
	return Workload{Name: "intloop", Code: a.b, Regs: regs(),
		Instructions: 3 + 8*uint64(iterations) + 1}
}

func regs() [16]uint64 {
	var r [16]uint64
	r[4] = StackTop
	return r
}

// CopyLoop copies size bytes (a multiple of 8, at most DataSize/2) from
// DataAddr to DataAddr+DataSize/2 with an explicit load/store loop, passes
// times.
func CopyLoop(size, passes uint32) Workload {
	var a asm
	a.e(0x41, 0xb9)
	a.u32(passes) // mov r9d, passes
	outer := a.pc()
	a.e(0xbe)
	a.u32(DataAddr) // mov esi, src
	a.e(0xbf)
	a.u32(DataAddr + DataSize/2) // mov edi, dst
	a.e(0xb9)
	a.u32(size / 8) // mov ecx, qwords
	inner := a.pc()
	a.e(0x48, 0x8b, 0x06)       // mov rax, [rsi]
	a.e(0x48, 0x89, 0x07)       // mov [rdi], rax
	a.e(0x48, 0x83, 0xc6, 0x08) // add rsi, 8
	a.e(0x48, 0x83, 0xc7, 0x08) // add rdi, 8
	a.e(0xff, 0xc9)             // dec ecx
	a.jcc(ccNZ, inner)
	a.e(0x41, 0xff, 0xc9) // dec r9d
	a.jcc(ccNZ, outer)
	a.e(0xf4)
	n := 1 + uint64(passes)*(3+6*uint64(size/8)+2) + 1
	return Workload{Name: "copyloop", Code: a.b, Regs: regs(), Instructions: n}
}

// FillLoop stores size bytes of a pattern with an explicit loop, passes
// times.
func FillLoop(size, passes uint32) Workload {
	var a asm
	a.e(0x41, 0xb9)
	a.u32(passes)
	a.e(0x48, 0xb8)
	a.u64(0x0101010101010101) // mov rax, pattern
	outer := a.pc()
	a.e(0xbf)
	a.u32(DataAddr)
	a.e(0xb9)
	a.u32(size / 8)
	inner := a.pc()
	a.e(0x48, 0x89, 0x07)       // mov [rdi], rax
	a.e(0x48, 0x83, 0xc7, 0x08) // add rdi, 8
	a.e(0xff, 0xc9)             // dec ecx
	a.jcc(ccNZ, inner)
	a.e(0x41, 0xff, 0xc9)
	a.jcc(ccNZ, outer)
	a.e(0xf4)
	n := 2 + uint64(passes)*(2+4*uint64(size/8)+2) + 1
	return Workload{Name: "fillloop", Code: a.b, Regs: regs(), Instructions: n}
}

// RepMovs copies size bytes with REP MOVSQ, passes times.
func RepMovs(size, passes uint32) Workload {
	var a asm
	a.e(0x41, 0xb9)
	a.u32(passes)
	outer := a.pc()
	a.e(0xbe)
	a.u32(DataAddr)
	a.e(0xbf)
	a.u32(DataAddr + DataSize/2)
	a.e(0xb9)
	a.u32(size / 8)
	a.e(0xf3, 0x48, 0xa5) // rep movsq
	a.e(0x41, 0xff, 0xc9)
	a.jcc(ccNZ, outer)
	a.e(0xf4)
	n := 1 + uint64(passes)*(3+uint64(size/8)+2) + 1
	return Workload{Name: "repmovs", Code: a.b, Regs: regs(), Instructions: n}
}

// RepStos fills size bytes with REP STOSQ, passes times.
func RepStos(size, passes uint32) Workload {
	var a asm
	a.e(0x41, 0xb9)
	a.u32(passes)
	a.e(0x31, 0xc0) // xor eax, eax
	outer := a.pc()
	a.e(0xbf)
	a.u32(DataAddr)
	a.e(0xb9)
	a.u32(size / 8)
	a.e(0xf3, 0x48, 0xab) // rep stosq
	a.e(0x41, 0xff, 0xc9)
	a.jcc(ccNZ, outer)
	a.e(0xf4)
	n := 2 + uint64(passes)*(2+uint64(size/8)+2) + 1
	return Workload{Name: "repstos", Code: a.b, Regs: regs(), Instructions: n}
}

// Sort runs an insertion sort over n pseudo-random 32-bit keys at
// DataAddr. Its instruction count depends on the data; Instructions is
// computed by simulating the algorithm on the same keys.
func Sort(n uint32) Workload {
	keys := make([]uint32, n)
	x := uint32(2463534242)
	for i := range keys {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		keys[i] = x
	}
	data := make([]byte, 4*n)
	for i, k := range keys {
		binary.LittleEndian.PutUint32(data[4*i:], k)
	}
	var a asm
	// rsi = base, ecx = n, r8d = i
	a.e(0xbe)
	a.u32(DataAddr) // mov esi, base
	a.e(0xb9)
	a.u32(n) // mov ecx, n
	a.e(0x41, 0xb8)
	a.u32(1) // mov r8d, 1
	outer := a.pc()
	a.e(0x44, 0x39, 0xc1) // cmp ecx, r8d
	jbeDone := a.pc()
	a.e(0x0f, 0x86, 0, 0, 0, 0) // jbe done (patched)
	a.e(0x46, 0x8b, 0x0c, 0x86) // mov r9d, [rsi+r8*4]   (key)
	a.e(0x44, 0x89, 0xc7)       // mov edi, r8d          (j = i)
	inner := a.pc()
	a.e(0x85, 0xff) // test edi, edi
	jzPlace := a.pc()
	a.e(0x74, 0)                // jz place (patched)
	a.e(0x8b, 0x44, 0xbe, 0xfc) // mov eax, [rsi+rdi*4-4]
	a.e(0x44, 0x39, 0xc8)       // cmp eax, r9d
	jbePlace := a.pc()
	a.e(0x76, 0)                            // jbe place (patched)
	a.e(0x89, 0x04, 0xbe)                   // mov [rsi+rdi*4], eax
	a.e(0xff, 0xcf)                         // dec edi
	a.e(0xeb, byte(int8(inner-(a.pc()+2)))) // jmp inner
	place := a.pc()
	a.e(0x44, 0x89, 0x0c, 0xbe) // mov [rsi+rdi*4], r9d
	a.e(0x41, 0xff, 0xc0)       // inc r8d
	a.e(0xe9)
	a.u32(uint32(int32(outer - (a.pc() + 4))))
	done := a.pc()
	a.e(0xf4)
	binary.LittleEndian.PutUint32(a.b[jbeDone+2:], uint32(int32(done-(jbeDone+6))))
	a.b[jzPlace+1] = byte(place - (jzPlace + 2))
	a.b[jbePlace+1] = byte(place - (jbePlace + 2))
	// Count instructions by running the algorithm.
	cnt := uint64(3)
	k := append([]uint32(nil), keys...)
	for i := 1; ; i++ {
		cnt += 2 // cmp, jbe
		if uint32(i) >= n {
			break
		}
		cnt += 2 // load key, j = i
		key := k[i]
		j := i
		for {
			cnt += 2 // test, jz
			if j == 0 {
				break
			}
			cnt += 3 // load, cmp, jbe
			if k[j-1] <= key {
				break
			}
			k[j] = k[j-1]
			cnt += 3 // store, dec, jmp
			j--
		}
		k[j] = key
		cnt += 3 // store, inc, jmp
	}
	cnt++ // hlt
	return Workload{Name: "sort", Code: a.b, Regs: regs(), Data: data, Instructions: cnt}
}

// All returns the standard set at sizes that run for a few million
// instructions each.
func All() []Workload {
	return []Workload{
		IntLoop(1 << 20),
		CopyLoop(64<<10, 16),
		FillLoop(64<<10, 16),
		RepMovs(64<<10, 64),
		RepStos(64<<10, 64),
		Sort(2000),
	}
}
