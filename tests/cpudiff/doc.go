// Package cpudiff is the accelerator differential test: the same snippet
// of machine code, from the same CPU state and RAM, runs on the
// interpreter (accel/interp) and on KVM (accel/kvm) through the accel
// interfaces only, and the resulting CPU state (registers, segments with
// their descriptor caches, control registers, EFER, flags, the MSRs an OS
// programs, x87 and SSE state), RAM and port/MMIO traffic are compared.
//
// # Snippets and their world
//
// Snippets are GNU as sources (binutils; the tests skip without it)
// linked at CodeBase. World lays out everything a snippet needs to move
// between modes: a GDT with code and data segments for every mode and
// privilege level, an IVT, 32- and 64-bit IDTs, TSSs, page tables in all
// three formats, and a handler stub per vector ("hlt; jmp .-1" at
// StubBase+8*vector). A run ends when the vCPU halts with interrupts off
// (normally in a stub, so the final RIP names the exception and its frame
// is on the stack), shuts down, or writes StopMMIO, which keeps the state
// of the code that wrote it (CPL3 included). Prelude lists the layout's
// assembler symbols.
//
// # What decides
//
// On this kind of host KVM is kvm_pvm (DESIGN.md §3): CPL3 code runs on the
// host CPU, so for user-mode sequences KVM gives the hardware's answer;
// kernel-mode code and events go through KVM's emulator and its software
// event delivery, which depart from the Intel SDM in many places. Each
// case says how it must end (Stop) and, where it matters, what the SDM
// says the result is (Want); both runs are checked against that. Where
// this KVM cannot give an answer, or gives a wrong one, the case runs on
// the interpreter alone against the SDM (NoKVM, with the quirk named in
// quirks.go) or corrects KVM's result in a documented way (KVMFix). The
// interpreter gets no such allowance: where it departs from the SDM or
// from the hardware, the test fails.
//
// Normalize lists what is not compared and why (MSRs outside
// ComparedMSRs, KVM's XSAVE image, the halted MP state, stale event
// fields, hidden parts of null selectors, FCS/FDS, and FOP/FDP without an
// unmasked x87 exception).
//
// # Running
//
//	go test ./tests/cpudiff                       # every case (~40 s here)
//	go test ./tests/cpudiff -run TestPaging -v    # one group
//	go test ./tests/cpudiff -run TestRandomUserSequences -cpudiff.random=500 -cpudiff.seed=1000
//	go test ./tests/cpudiff -run XXX -fuzz FuzzUserSequence
//	go test ./tests/cpudiff -cpudiff.lax-accessed # look past accessed-bit differences
//
// Without /dev/kvm every case still runs on the interpreter and is checked
// against its expectations.
package cpudiff
