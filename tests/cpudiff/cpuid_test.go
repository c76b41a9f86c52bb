package cpudiff

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gemu/accel"
	"gemu/accel/cpuid"
	"gemu/accel/kvm"
	"gemu/accel/kvm/kvmtest"
	"gemu/hw/mem"
)

// cpuidLeaves are the leaves compared, as (leaf, subleaf).
var cpuidLeaves = [][2]uint32{
	{0, 0}, {1, 0}, {7, 0}, {0xd, 0}, {0xd, 1},
	{0x80000000, 0}, {0x80000001, 0}, {0x80000008, 0},
}

// cpuidCode runs CPUID at CPL3 for every leaf, storing EAX, EBX, ECX, EDX
// at DATA + 16*i.
func cpuidCode() string {
	var b strings.Builder
	for i, l := range cpuidLeaves {
		fmt.Fprintf(&b, "\tmov $%#x, %%eax\n\tmov $%#x, %%ecx\n\tcpuid\n", l[0], l[1])
		for j, r := range []string{"eax", "ebx", "ecx", "edx"} {
			fmt.Fprintf(&b, "\tmov %%%s, DATA+%d\n", r, 16*i+4*j)
		}
	}
	b.WriteString("\tud2\n")
	return b.String()
}

// cpuidDiffers lists the registers that may differ between KVM and the
// interpreter for the same -cpu model beyond feature bits, and why.
var cpuidDiffers = map[[3]uint32]string{
	// KVM takes the address sizes from the host (57-bit linear, 48-bit
	// physical here); the interpreter advertises its own.
	{0x80000008, 0, 0}: "address sizes are the host's under KVM",
}

// cpuidFreeBits are bits that may differ in any model: fields without
// meaning in the configuration compared.
var cpuidFreeBits = map[[3]uint32]uint32{
	// EBX[23:16], the logical processor count, is reserved while
	// CPUID.1:EDX.HTT is clear, as it is with one vCPU.
	{1, 0, 1}: 0x00ff0000,
}

// TestCPUID compares what the interpreter's guest reads from CPUID with the
// table KVM is given for the same -cpu model (model features filtered by
// what each accelerator can provide). On this host the guest's CPUID
// instruction reaches the host CPU (see quirkNativeCPL3), so KVM's side is
// read from the vCPU's table. The registers in cpuidDiffers may differ and
// are reported; feature bits that only one side has must be explained by
// what that accelerator lacks, and anything else fails.
func TestCPUID(t *testing.T) {
	if env == nil {
		t.Skip(ErrNoAssembler)
	}
	if err := kvmtest.Usable(); err != nil {
		t.Skipf("KVM not usable: %v", err)
	}
	for _, model := range []string{"kvm64", "qemu64", "kvm64,+popcnt,-nx"} {
		t.Run(model, func(t *testing.T) {
			c := &Case{Name: model, Start: Long64, Stop: AtVector(vecUD), CPU: model, Code: cpuidCode(),
				NoKVM: quirkNativeCPL3}
			ri, _ := env.RunPair(t, c)
			if ri == nil || ri.Err != nil {
				return
			}
			table, err := kvmCPUID(ParseCPU(model))
			if err != nil {
				t.Fatal(err)
			}
			host, err := kvmCPUID(accel.CPUModel{Name: "host"})
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range cpuidLeaves {
				for j, r := range []string{"EAX", "EBX", "ECX", "EDX"} {
					key := [3]uint32{l[0], l[1], uint32(j)}
					k, p := table[i][j], ri.U32(DataBase+uint64(16*i+4*j))
					diff := (k ^ p) &^ cpuidFreeBits[key]
					if diff == 0 {
						continue
					}
					msg := fmt.Sprintf("CPUID.%#x.%d:%s: kvm %#08x, tcg %#08x", l[0], l[1], r, k, p)
					if why, ok := cpuidDiffers[key]; ok {
						t.Logf("%s: documented: %s", msg, why)
						continue
					}
					// Feature bits: one side may lack what its
					// accelerator cannot provide.
					var bad []string
					for f := range cpuid.Features {
						f := &cpuid.Features[f]
						m := f.Mask()
						if f.Leaf != l[0] || f.Sub != l[1] || int(f.Reg) != j || diff&m == 0 {
							continue
						}
						diff &^= m
						switch {
						case p&m != 0 && host[i][j]&m == 0:
							t.Logf("%s: %s: only the interpreter offers it; this host's KVM cannot", msg, f.Name)
						case k&m != 0 && f.Name == "x2apic":
							t.Logf("%s: x2apic: KVM's named models switch it on by default, as QEMU's do", msg)
						case k&m != 0 && !interpImplements(f.Name):
							t.Logf("%s: %s: only KVM offers it; the interpreter does not implement it", msg, f.Name)
						default:
							bad = append(bad, f.Name)
						}
					}
					if diff != 0 {
						bad = append(bad, fmt.Sprintf("unnamed bits %#x", diff))
					}
					if len(bad) > 0 {
						t.Errorf("%s: unexplained: %s", msg, strings.Join(bad, ", "))
					}
				}
			}
		})
	}
}

// interpImplements reports whether the interpreter offers feature name:
// asked for one it does not implement, it drops it with a warning, as
// QEMU's TCG does.
func interpImplements(name string) bool {
	var warned bool
	h := &warnHandler{f: func(string) { warned = true }}
	vm, err := Interp().NewVM(mem.NewForTest(1<<16), &testIO{}, accel.VMOptions{VCPUs: 1, Logger: slog.New(h),
		CPU: accel.CPUModel{Name: "kvm64", Changes: []accel.FeatureChange{{Name: name, On: true}}}, IRQChip: accel.IRQChipUser})
	if err != nil {
		return false
	}
	vm.Close()
	return !warned
}

// warnHandler passes the messages of warnings to f.
type warnHandler struct{ f func(msg string) }

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	h.f(r.Message)
	return nil
}
func (h *warnHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *warnHandler) WithGroup(string) slog.Handler      { return h }

// kvmCPUID returns KVM's CPUID table for the leaves of cpuidLeaves.
func kvmCPUID(m accel.CPUModel) ([][4]uint32, error) {
	ram, err := mem.New(RAMSize, mem.PCLayout(RAMSize, RAMSize))
	if err != nil {
		return nil, err
	}
	defer ram.Close()
	vm, err := KVM().NewVM(ram, &testIO{}, accel.VMOptions{VCPUs: 1, CPU: m, IRQChip: accel.IRQChipUser})
	if err != nil {
		return nil, err
	}
	defer vm.Close()
	var out [][4]uint32
	errc := make(chan error, 1)
	go func() { // NewVCPU locks its goroutine to the thread for good
		c, err := vm.NewVCPU(0)
		if err != nil {
			errc <- err
			return
		}
		defer c.Close()
		for _, l := range cpuidLeaves {
			a, b, cc, d := c.(*kvm.VCPU).CPUID(l[0], l[1])
			out = append(out, [4]uint32{a, b, cc, d})
		}
		errc <- nil
	}()
	return out, <-errc
}

// TestMSRs reads and writes the MSRs an OS programs, and checks the faults
// for unknown MSRs, bad values and CPL3 accesses. RDMSR and WRMSR at CPL0
// reach KVM's MSR code, not its emulator.
func TestMSRs(t *testing.T) {
	wr := func(msr string, hi, lo uint32) string {
		return fmt.Sprintf("\tmov $%s, %%ecx\n\tmov $%#x, %%edx\n\tmov $%#x, %%eax\n\twrmsr\n", msr, hi, lo)
	}
	rd := func(msr string, slot int) string {
		return fmt.Sprintf("\tmov $%s, %%ecx\n\trdmsr\n\tmov %%eax, DATA+%d\n\tmov %%edx, DATA+%d\n", msr, 8*slot, 8*slot+4)
	}
	var all strings.Builder
	for i, m := range []struct {
		name   string
		hi, lo uint32
	}{
		{"MSR_STAR", 0x00230010, 0x12345678},
		{"MSR_LSTAR", 0xffff8000, 0x00401000},
		{"MSR_CSTAR", 0x00007fff, 0xfffff000},
		{"MSR_FMASK", 0, 0x00047700},
		{"MSR_KGSBASE", 0xffff8880, 0x12340000},
		{"MSR_SYSENTER_CS", 0, 0x10},
		{"MSR_SYSENTER_ESP", 0xffff8000, 0x2000},
		{"MSR_SYSENTER_EIP", 0xffff8000, 0x3000},
		{"MSR_PAT", 0x00070406, 0x00070106},
		{"MSR_FSBASE", 0x00007f00, 0x11112222},
		{"MSR_GSBASE", 0xffff8000, 0x33334444},
	} {
		all.WriteString(wr(m.name, m.hi, m.lo))
		all.WriteString(rd(m.name, i))
	}
	all.WriteString("\tud2\n")
	gp := func(name, code string) Case {
		return Case{Name: name, Start: Long64, Stop: AtVector(vecGP), Want: frameCode(0), Code: code}
	}
	runCases(t, []Case{
		{Name: "write-and-read-back", Start: Long64, Stop: AtVector(vecUD), Code: all.String(),
			Want: want(func(e *expect) {
				e.eq("fs.base", e.r.State.FS.Base, 0x00007f0011112222)
				e.eq("gs.base", e.r.State.GS.Base, 0xffff800033334444)
				e.m64(DataBase, 0x0023001012345678)
			})},
		{Name: "efer-nxe-toggle", Start: Long64, Stop: AtVector(vecUD),
			Code: "mov $MSR_EFER, %ecx\n rdmsr\n btr $11, %eax\n wrmsr\n rdmsr\n mov %eax, %ebx\n bts $11, %eax\n wrmsr\n ud2\n"},
		{Name: "efer-lma-is-read-only", Start: Long64, Stop: AtVector(vecUD),
			Code: "mov $MSR_EFER, %ecx\n rdmsr\n btr $10, %eax\n wrmsr\n rdmsr\n mov %eax, %ebx\n ud2\n"},
		gp("unknown-msr-read", "mov $0x12345678, %ecx\n rdmsr\n ud2\n"),
		gp("unknown-msr-write", "mov $0x12345678, %ecx\n xor %eax, %eax\n xor %edx, %edx\n wrmsr\n ud2\n"),
		quirk(gp("lstar-non-canonical", wr("MSR_LSTAR", 0x00008000, 0)+"ud2\n"), quirkWRMSRUD),
		quirk(gp("kgsbase-non-canonical", wr("MSR_KGSBASE", 0x00800000, 0)+"ud2\n"), quirkWRMSRUD),
		gp("fsbase-non-canonical", wr("MSR_FSBASE", 0x12345678, 0)+"ud2\n"),
		quirk(gp("sysenter-eip-non-canonical", wr("MSR_SYSENTER_EIP", 0x00008000, 0)+"ud2\n"), quirkWRMSRUD),
		quirk(gp("pat-reserved-type", wr("MSR_PAT", 0, 0x02)+"ud2\n"), quirkWRMSRUD),
		gp("efer-reserved-bit", "mov $MSR_EFER, %ecx\n rdmsr\n bts $16, %eax\n wrmsr\n ud2\n"),
		{Name: "rdmsr-at-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0), Code: "mov $MSR_STAR, %ecx\n rdmsr\n"},
		{Name: "wrmsr-at-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0), Code: "mov $MSR_STAR, %ecx\n wrmsr\n"},
		{Name: "tsc-aux-without-rdtscp", Start: Long64, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: wr("MSR_TSC_AUX", 0, 5) + "ud2\n"},
		{Name: "rdtscp-without-rdtscp", Start: User64, Stop: AtVector(vecUD), Code: "rdtscp\n", NoKVM: quirkNativeCPL3},
		{Name: "rdpid-without-rdpid", Start: User64, Stop: AtVector(vecUD), Code: "rdpid %rax\n", NoKVM: quirkNativeCPL3},
		{Name: "rdtsc-disabled-by-tsd", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0), NoKVM: quirkNativeCPL3,
			Setup: func(w *World) { w.State.CR4 |= CR4TSD }, Code: "rdtsc\n"},
		{Name: "rdpmc-at-cpl3", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0), Code: "xor %ecx, %ecx\n rdpmc\n"},
	})
}

// quirk marks a case that this host's KVM cannot answer.
func quirk(c Case, why string) Case {
	c.NoKVM = why
	return c
}

var _ = accel.RAX
