package interp

import (
	"os"
	"strings"
	"testing"
	"time"

	"gemu/accel"
	"gemu/hw/mem"
)

// TestSeaBIOSSmoke runs Debian's SeaBIOS image with no devices behind the
// bus except a debug console at port 0x402, as a stress test of real and
// 32-bit protected mode code: the interpreter must not fail, and SeaBIOS
// must get far enough to print its banner.
func TestSeaBIOSSmoke(t *testing.T) {
	img, err := os.ReadFile("/usr/share/seabios/bios-256k.bin")
	if err != nil {
		t.Skipf("SeaBIOS not installed: %v", err)
	}
	ram := mem.NewForTest(16 << 20)
	host, err := ram.AddROM("bios", mem.GPA(1<<32-len(img)), uint64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	copy(host, img)
	n := min(len(img), 128<<10)
	if err := ram.AliasRAM("isa-bios", mem.GPA(0x100000-n), mem.GPA(1<<32-n), uint64(n), true); err != nil {
		t.Fatal(err)
	}
	io := &testIO{in: map[uint16]uint32{0x402: 0xe9}, mmio: map[uint64]uint64{}}
	vm, err := NewVM(ram, io, accel.VMOptions{VCPUs: 1, CPU: accel.CPUModel{Name: "qemu64"}, IRQChip: accel.IRQChipUser})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := vm.NewVCPU(0)
	timer := time.AfterFunc(2*time.Second, v.Kick)
	defer timer.Stop()
	exit, err := v.Run()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, w := range io.out {
		if w.port == 0x402 {
			out.WriteByte(byte(w.val))
		}
	}
	st, _ := v.State()
	t.Logf("exit %v after %d instructions; debug console:\n%s", exit.Reason, v.(*VCPU).cpu.icount, out.String())
	if !strings.Contains(out.String(), "SeaBIOS") {
		t.Errorf("no SeaBIOS banner\n%s", st.Dump())
	}
}
