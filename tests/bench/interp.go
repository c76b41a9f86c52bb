package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"gemu/tests/guests"
)

// The interp section measures the interpreter's guest MIPS against QEMU's
// TCG on three ROM workloads, each with an exact dynamic instruction count:
//
//	int      a tight register loop (add, rol, xor, dec, jnz)
//	mem      memcpy and memset of 1 MiB buffers with REP MOVSQ, REP MOVSB,
//	         REP STOSQ and with plain load/store loops
//	branchy  insertion sort of 256 pseudo-random words, over and over
//
// Every workload enters long mode (identity-mapped 2 MiB pages), runs, and
// compares its result with the value the Go model below computes: the ROM
// exits through isa-debug-exit with EXIT_OK only when they agree, so a
// wrong emulation cannot pass for a fast one.
//
// Instruction counts come from the Go models, which follow each ROM's
// control flow instruction by instruction. A REP string instruction that
// runs n > 0 iterations counts n + 1 times, as QEMU counts it (with
// -icount and in its instruction-counting plugins: every iteration, then
// the execution that finds the count exhausted), so that the figures
// compare with QEMU's published in BASELINES.md.
// -verify-counts checks the models: it builds each ROM with COUNT=1, which
// reads the TSC at the reset vector and before exiting and prints the
// difference, and runs it under QEMU with -icount shift=0,sleep=off, where
// the TSC advances by exactly one per instruction.
//
// Guest MIPS = instructions / (median wall time - median start-up time),
// the start-up time being that of exit.rom, which exits at once.
var (
	verifyCounts = flag.Bool("verify-counts", false, "interp: check the workloads' instruction counts under QEMU -icount before measuring")
	interpScale  = flag.Float64("interp-scale", 1, "interp: scale the workloads' iteration counts")
)

// workload is one ROM of the interp section.
type workload struct {
	name string
	note string
	body string // assembly of "work", which returns its result in %rax
	// params returns the build-time symbols at the given scale.
	params func(scale float64) map[string]uint64
	// model returns the instructions "work" executes, through its RET,
	// and the result it returns.
	model func(p map[string]uint64) (count, result uint64)
}

// romFrame is the assembly around every workload: from the reset vector
// to long mode, the call to work, the result check and the exit.
const romFrame = `
	.set ROM, 0xf0000
	.set PML4, 0x1000
	.set PDPT, 0x2000
	.set PD, 0x3000
	.set TSC0, 0x500
	.ifndef COUNT
	.set COUNT, 0
	.endif
	.text
	.code16
start:
	.if COUNT
	rdtsc
	mov %eax, TSC0
	mov %edx, TSC0 + 4
	.endif
	cli
	ljmp $0xf000, $1f
1:	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	movl $(PDPT | 3), PML4
	movl $(PD | 3), PDPT
	mov $PD, %edi
	mov $0x83, %eax
	mov $512, %cx
2:	mov %eax, (%di)
	add $0x200000, %eax
	add $8, %di
	dec %cx
	jnz 2b
	lgdtl %cs:gdtr
	mov $PML4, %eax
	mov %eax, %cr3
	mov $0x20, %eax
	mov %eax, %cr4
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov $0x80000001, %eax
	mov %eax, %cr0
	ljmpl $0x08, $(ROM + lm)

	.code64
lm:	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $0x80000, %esp
	call work
	movabs $EXPECT, %rdx
	cmp %rdx, %rax
	jne fail
	.if COUNT
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub TSC0, %rax
	mov %rax, %rbx
	mov $16, %ecx
3:	rol $4, %rbx
	mov %bl, %al
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 4f
	add $('a' - '9' - 1), %al
4:	mov $0x3f8, %dx
	out %al, %dx
	dec %ecx
	jnz 3b
	mov $'\n', %al
	out %al, %dx
	.endif
	mov $0xf4, %dx
	mov $0x10, %al
	out %al, %dx
	hlt
fail:	mov $0xf4, %dx
	mov $0x11, %al
	out %al, %dx
	hlt

	.p2align 3
gdt:	.quad 0, 0x00af9b000000ffff, 0x00cf93000000ffff
gdtr:	.word 23
	.long ROM + gdt
`

// frameCount is the number of instructions romFrame executes besides
// work's: from the reset vector's JMP through the OUT to isa-debug-exit.
// Real mode: JMP, CLI, LJMP, 4 segment setup, 2 table stores, 3 loop
// setup, 512 iterations of 5, LGDT, 2 CR3, 2 CR4, 4 EFER, 2 CR0, LJMP;
// long mode: 5 segment and stack setup, CALL, 3 for the check, 3 to exit.
const frameCount = 1 + 1 + 1 + 4 + 2 + 3 + 512*5 + 1 + 2 + 2 + 4 + 2 + 1 + 5 + 1 + 3 + 3

// countWindow converts a workload's total count into what the COUNT=1 build
// prints: the instructions after the first RDTSC through the second, that
// is, without the reset vector's JMP and the 3 exit instructions but with
// the 2 stores of the first TSC value and the second RDTSC.
func countWindow(total uint64) uint64 { return total - 1 - 3 + 2 + 1 }

var workloads = []workload{
	{
		name: "int",
		note: "goal >= 150 MIPS",
		body: `
work:
	mov $N, %rcx
	xor %eax, %eax
	movabs $0x9e3779b97f4a7c15, %rdx
1:	add %rdx, %rax
	rol $7, %rax
	xor %rcx, %rax
	dec %rcx
	jnz 1b
	ret
`,
		params: func(s float64) map[string]uint64 {
			return map[string]uint64{"N": scaled(30_000_000, s)}
		},
		model: func(p map[string]uint64) (uint64, uint64) {
			n := p["N"]
			var rax uint64
			for rcx := n; rcx > 0; rcx-- {
				rax += 0x9e3779b97f4a7c15
				rax = bits.RotateLeft64(rax, 7)
				rax ^= rcx
			}
			return 3 + 5*n + 1, rax
		},
	},
	{
		name: "mem",
		note: "goal >= 100 MIPS",
		body: `
	.set SRC, 0x1000000
	.set D1, 0x1400000
	.set D2, 0x1800000
	.set D3, 0x1c00000
	.set D4, 0x2000000
	.set D5, 0x2400000
	.set Q, SZ / 8
work:
	mov $SRC, %edi
	mov $Q, %ecx
	xor %eax, %eax
	movabs $0x9e3779b97f4a7c15, %rdx
1:	mov %rax, (%rdi)
	add %rdx, %rax
	add $8, %rdi
	dec %ecx
	jnz 1b
	mov $R, %r9d
	xor %r8d, %r8d
2:	mov $SRC, %esi
	mov $D1, %edi
	mov $Q, %ecx
	rep movsq
	mov $SRC, %esi
	mov $D2, %edi
	mov $Q, %ecx
	rep movsb
	mov $D3, %edi
	mov $Q, %ecx
	mov %r8, %rax
	rep stosq
	mov $SRC, %esi
	mov $D4, %edi
	mov $Q, %ecx
3:	mov (%rsi), %rax
	mov %rax, (%rdi)
	add $8, %rsi
	add $8, %rdi
	dec %ecx
	jnz 3b
	mov $D5, %edi
	mov $Q, %ecx
4:	mov %r8, (%rdi)
	add $8, %rdi
	dec %ecx
	jnz 4b
	inc %r8
	dec %r9d
	jnz 2b
	mov D1 + SZ - 8, %rax
	add D2 + Q - 8, %rax
	add D3 + 8, %rax
	add D4 + SZ / 2, %rax
	add D5 + SZ - 8, %rax
	ret
`,
		params: func(s float64) map[string]uint64 {
			return map[string]uint64{"SZ": 1 << 20, "R": scaled(150, s)}
		},
		model: func(p map[string]uint64) (uint64, uint64) {
			q, r := p["SZ"]/8, p["R"]
			src := func(i uint64) uint64 { return i * 0x9e3779b97f4a7c15 }
			rep := q + 1 // a REP instruction of q iterations
			count := 4 + 5*q + 2 + r*((3+rep)+(3+rep)+(3+rep)+(3+6*q)+(2+4*q)+3) + 6
			last := r - 1
			// D2 holds the first q bytes of SRC: its last qword is
			// SRC's qword q/8-1.
			res := src(q-1) + src(q/8-1) + last + src(q/2) + last
			return count, res
		},
	},
	{
		name: "branchy",
		note: "goal >= 100 MIPS",
		body: `
	.set ARR, 0x100000
work:
	mov $R, %r9d
	movabs $0x5851f42d4c957f2d, %r10
	movabs $0x14057b7ef767814f, %r11
	xor %ebx, %ebx
	xor %r12d, %r12d
1:	mov $ARR, %edi
	mov $M, %ecx
2:	imul %r10, %rbx
	add %r11, %rbx
	mov %rbx, %rax
	shr $33, %rax
	mov %eax, (%rdi)
	add $4, %rdi
	dec %ecx
	jnz 2b
	mov $1, %esi
3:	cmp $M, %esi
	jae 7f
	mov ARR(,%rsi,4), %eax
	mov %esi, %edi
4:	test %edi, %edi
	jz 6f
	mov ARR - 4(,%rdi,4), %edx
	cmp %eax, %edx
	jbe 6f
	mov %edx, ARR(,%rdi,4)
	dec %edi
	jmp 4b
6:	mov %eax, ARR(,%rdi,4)
	inc %esi
	jmp 3b
7:	mov ARR, %eax
	add %rax, %r12
	mov ARR + 2 * M, %eax
	xor %rax, %r12
	mov ARR + 4 * M - 4, %eax
	rol $5, %r12
	add %rax, %r12
	dec %r9d
	jnz 1b
	mov %r12, %rax
	ret
`,
		params: func(s float64) map[string]uint64 {
			return map[string]uint64{"M": 256, "R": scaled(1500, s)}
		},
		model: func(p map[string]uint64) (uint64, uint64) {
			m, r := int(p["M"]), p["R"]
			a := make([]uint32, m)
			var rbx, r12 uint64
			count := uint64(5)
			for ; r > 0; r-- {
				count += 2 + 8*uint64(m)
				for i := range a {
					rbx = rbx*0x5851f42d4c957f2d + 0x14057b7ef767814f
					a[i] = uint32(rbx >> 33)
				}
				count++ // mov $1, %esi
				for i := 1; ; i++ {
					count += 2 // cmp, jae
					if i >= m {
						break
					}
					count += 2
					key, j := a[i], i
					for {
						count += 2 // test, jz
						if j == 0 {
							break
						}
						count += 3 // load, cmp, jbe
						if a[j-1] <= key {
							break
						}
						count += 3
						a[j] = a[j-1]
						j--
					}
					count += 3
					a[j] = key
				}
				r12 += uint64(a[0])
				r12 ^= uint64(a[m/2])
				r12 = bits.RotateLeft64(r12, 5)
				r12 += uint64(a[m-1])
				count += 7 + 2
			}
			return count + 2, r12
		},
	},
}

func scaled(n uint64, s float64) uint64 {
	v := uint64(float64(n) * s)
	return max(v, 1)
}

// buildWorkload assembles a workload's ROM into dir with its parameters,
// its expected result and, for count, COUNT=1.
func buildWorkload(dir string, w workload, p map[string]uint64, count bool) (string, error) {
	_, res := w.model(p)
	var defs []string
	for k, v := range p {
		defs = append(defs, "--defsym", fmt.Sprintf("%s=%d", k, v))
	}
	defs = append(defs, "--defsym", fmt.Sprintf("EXPECT=%d", res))
	name := w.name
	if count {
		defs = append(defs, "--defsym", "COUNT=1")
		name += "-count"
	}
	src := romFrame + w.body + "\n\t.code16\n\t.org 0xfff0\nreset:\n\tjmp start\n\t.org 0x10000, 0xff\n"
	s := filepath.Join(dir, name+".S")
	if err := os.WriteFile(s, []byte(src), 0o644); err != nil {
		return "", err
	}
	obj := filepath.Join(dir, name+".o")
	rom := filepath.Join(dir, name+".rom")
	for _, step := range [][]string{
		append(append([]string{"as", "--64", "-o", obj}, defs...), s),
		{"ld", "-m", "elf_x86_64", "-Ttext=0", "-e", "0", "--oformat=binary", "-o", rom, obj},
	} {
		cmd := exec.Command(step[0], step[1:]...)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			return "", fmt.Errorf("building the %s workload: %s: %v\n%s", w.name, strings.Join(step, " "), err, out)
		}
	}
	if st, err := os.Stat(rom); err != nil || st.Size() != 64<<10 {
		return "", fmt.Errorf("the %s workload is not a 64 KiB image", w.name)
	}
	return rom, nil
}

func interpArgs(rom string) []string {
	return []string{"-M", "pc", "-accel", "tcg", "-m", "64M", "-nographic", "-bios", rom,
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4"}
}

// verifyWorkloadCount runs a COUNT=1 build under QEMU with -icount shift=0
// and compares the TSC difference it prints with the model's count.
func (b *bench) verifyWorkloadCount(dir string, w workload, p map[string]uint64, total uint64) error {
	rom, err := buildWorkload(dir, w, p, true)
	if err != nil {
		return err
	}
	cmd := exec.Command(b.qemu, append(interpArgs(rom), "-icount", "shift=0,sleep=off")...)
	var out bytes.Buffer
	cmd.Stdout = &out
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != guests.QEMUStatus(guests.ExitOK) {
		return fmt.Errorf("%s: the COUNT=1 build did not exit with EXIT_OK under QEMU -icount: %v", w.name, err)
	}
	got, err := strconv.ParseUint(strings.TrimSpace(out.String()), 16, 64)
	if err != nil {
		return fmt.Errorf("%s: the COUNT=1 build printed %q", w.name, out.String())
	}
	if want := countWindow(total); got != want {
		return fmt.Errorf("%s: QEMU -icount counted %d instructions, the model %d", w.name, got, want)
	}
	fmt.Printf("interp: %s: %d instructions, as QEMU -icount counts them\n", w.name, total)
	return nil
}

func (b *bench) interp() error {
	dir, err := os.MkdirTemp("", "gemu-bench-interp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	exitROM, err := guests.Build("exit.rom")
	if err != nil {
		return err
	}
	ok := guests.QEMUStatus(guests.ExitOK)
	type built struct {
		w     workload
		rom   string
		count uint64
	}
	var ws []built
	for _, w := range workloads {
		p := w.params(*interpScale)
		c, _ := w.model(p)
		total := frameCount + c
		if *verifyCounts {
			if err := b.verifyWorkloadCount(dir, w, p, total); err != nil {
				return err
			}
		}
		rom, err := buildWorkload(dir, w, p, false)
		if err != nil {
			return err
		}
		ws = append(ws, built{w, rom, total})
	}

	run := func(prog string, rom string) (float64, error) {
		d, err := timeRun(ok, prog, interpArgs(rom)...)
		return d.Seconds(), err
	}
	var gStart, qStart []float64
	for i := 0; i < b.runs; i++ {
		g, err := run(b.gemu, exitROM)
		if err != nil {
			return fmt.Errorf("start-up: %w", err)
		}
		q, err := run(b.qemu, exitROM)
		if err != nil {
			return fmt.Errorf("start-up: %w", err)
		}
		gStart, qStart = append(gStart, g), append(qStart, q)
	}
	gs, qs := median(gStart), median(qStart)
	rows := []row{{name: "start-up (exit.rom)", gemu: gs * 1000, qemu: qs * 1000, unit: "ms"}}
	for _, w := range ws {
		var g, q []float64
		for i := 0; i < b.runs; i++ {
			d, err := run(b.gemu, w.rom)
			if err != nil {
				return fmt.Errorf("%s: %w", w.w.name, err)
			}
			g = append(g, d)
			d, err = run(b.qemu, w.rom)
			if err != nil {
				return fmt.Errorf("%s: %w", w.w.name, err)
			}
			q = append(q, d)
		}
		gm, qm := median(g), median(q)
		mips := func(wall, start float64) float64 {
			if wall <= start {
				return 0
			}
			return float64(w.count) / (wall - start) / 1e6
		}
		rows = append(rows,
			row{name: fmt.Sprintf("%s: wall (%.3g instructions)", w.w.name, float64(w.count)), gemu: gm, qemu: qm, unit: "s"},
			row{name: w.w.name + ": guest MIPS", gemu: mips(gm, gs), qemu: mips(qm, qs), unit: "MIPS", note: w.w.note})
	}
	printTable(fmt.Sprintf("Interpreter (-accel tcg), medians of %d runs each, alternating", b.runs), rows)
	return nil
}
