package loader

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
	"gemu/hw/mem"
)

// cstring reads a NUL-terminated string from guest memory.
func cstring(t *testing.T, ram *mem.Guest, a uint64) string {
	t.Helper()
	b := readGuest(t, ram, a, 256)
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return string(b[:i])
	}
	t.Fatalf("no string terminator at %#x", a)
	return ""
}

func checkMultibootInfo(t *testing.T, ram *mem.Guest, b *Boot, wantCmdline string, mods []Module) {
	t.Helper()
	if b.Protocol != "multiboot" || b.CPU.GPR[accel.RAX] != mbBootMagic || b.CPU.GPR[accel.RBX] != infoAddr {
		t.Fatalf("protocol %s EAX %#x EBX %#x", b.Protocol, b.CPU.GPR[accel.RAX], b.CPU.GPR[accel.RBX])
	}
	if c := b.CPU; c.CR0&cr0PG != 0 || c.CR0&cr0PE == 0 || c.RFLAGS&(1<<9|1<<17) != 0 || c.CS.Limit != 0xffffffff || !c.CS.DB || c.SS.Limit != 0xffffffff {
		t.Errorf("machine state differs from the Multiboot spec:\n%s", c.Dump())
	}
	mbi := uint64(infoAddr)
	if f := guest32(t, ram, mbi); f != mbiMem|mbiCmdline|mbiMods|mbiMmap|mbiLoaderName {
		t.Errorf("flags %#x", f)
	}
	if lo, hi := guest32(t, ram, mbi+4), guest32(t, ram, mbi+8); lo != 639 || uint64(hi) != (ram.RAMSize()-1<<20)>>10 {
		t.Errorf("mem_lower %d mem_upper %d", lo, hi)
	}
	if got := cstring(t, ram, uint64(guest32(t, ram, mbi+16))); got != wantCmdline {
		t.Errorf("cmdline %q, want %q", got, wantCmdline)
	}
	if got := cstring(t, ram, uint64(guest32(t, ram, mbi+64))); got != "gemu" {
		t.Errorf("boot_loader_name %q", got)
	}
	if n := guest32(t, ram, mbi+20); int(n) != len(mods) {
		t.Fatalf("mods_count %d, want %d", n, len(mods))
	}
	ma := uint64(guest32(t, ram, mbi+24))
	prevEnd := uint64(0)
	for i, m := range mods {
		e := ma + 16*uint64(i)
		start, end := uint64(guest32(t, ram, e)), uint64(guest32(t, ram, e+4))
		if start%mem.PageSize != 0 || start < prevEnd || end-start != uint64(m.Image.Size) {
			t.Errorf("module %d at [%#x, %#x)", i, start, end)
		}
		want := make([]byte, m.Image.Size)
		m.Image.R.ReadAt(want, 0)
		if !bytes.Equal(readGuest(t, ram, start, len(want)), want) {
			t.Errorf("module %d contents differ", i)
		}
		if s := cstring(t, ram, uint64(guest32(t, ram, e+8))); s != m.Cmdline {
			t.Errorf("module %d string %q, want %q", i, s, m.Cmdline)
		}
		prevEnd = end
	}
	mm, ml := uint64(guest32(t, ram, mbi+48)), uint64(guest32(t, ram, mbi+44))
	var got []E820Entry
	for o := uint64(0); o < ml; {
		sz := uint64(guest32(t, ram, mm+o))
		got = append(got, E820Entry{guest64(t, ram, mm+o+4), guest64(t, ram, mm+o+12), E820Type(guest32(t, ram, mm+o+20))})
		o += sz + 4
	}
	if d := cmp.Diff(b.E820, got); d != "" {
		t.Errorf("mmap mismatch (-want +got):\n%s", d)
	}
}

func TestMultibootELF(t *testing.T) {
	code := append(mbHeader(mbPageAlign|mbMemInfo, [5]uint32{}), pattern(0x1000, 3)...)
	kernel := fakeELF(false, elfMachine386, 0xc0100010, []elfSeg{
		{typ: ptLoad, paddr: 0x100000, vaddr: 0xc0100000, data: code, memsz: 0x3000},
	})
	mods := []Module{{img("/tmp/a.bin", pattern(3000, 1)), "/tmp/a.bin arg1 arg2"}, {img("b", pattern(8192, 2)), "b"}}
	ram := mem.NewForTest(32 << 20)
	b, err := Kernel(ram, KernelConfig{Kernel: img("smp.elf", kernel), Cmdline: "cpus=2", Initrd: mods})
	if err != nil {
		t.Fatal(err)
	}
	if b.CPU.RIP != 0x100010 {
		t.Errorf("entry %#x, want the physical 0x100010", b.CPU.RIP)
	}
	if !bytes.Equal(readGuest(t, ram, 0x100000, len(code)), code) {
		t.Error("kernel not loaded")
	}
	checkMultibootInfo(t, ram, b, "smp.elf cpus=2", mods)
	if m0 := guest32(t, ram, uint64(guest32(t, ram, infoAddr+24))); m0 != 0x103000 {
		t.Errorf("first module at %#x, want just after the kernel (0x103000)", m0)
	}
}

func TestMultibootKludge(t *testing.T) {
	// A flat binary: 0x40 bytes of padding, the header, code; loaded at
	// 0x200000 with 0x1000 bytes of bss.
	const load = 0x200000
	body := pattern(0x800, 7)
	hdr := mbHeader(mbAddressValid, [5]uint32{load + 0x40, load, 0, load + 0x40 + 32 + 0x800 + 0x1000, load + 0x60})
	kernel := append(append(make([]byte, 0x40), hdr...), body...)
	ram := mem.NewForTest(16 << 20)
	ram.WriteAt(bytes.Repeat([]byte{0xee}, 0x1000), load+0x40+32+0x800)
	b, err := Multiboot(ram, MultibootConfig{Kernel: img("flat", kernel)})
	if err != nil {
		t.Fatal(err)
	}
	if b.CPU.RIP != load+0x60 {
		t.Errorf("entry %#x", b.CPU.RIP)
	}
	if !bytes.Equal(readGuest(t, ram, load, len(kernel)), kernel) {
		t.Error("image not loaded at load_addr")
	}
	if bss := readGuest(t, ram, load+uint64(len(kernel)), 0x1000); !bytes.Equal(bss, make([]byte, 0x1000)) {
		t.Error("bss not cleared")
	}
	checkMultibootInfo(t, ram, b, "flat ", nil)
}

func TestMultibootErrors(t *testing.T) {
	elf32 := func(h []byte) []byte {
		return fakeELF(false, elfMachine386, 0x100000, []elfSeg{{typ: ptLoad, paddr: 0x100000, data: append(h, 1, 2, 3, 4)}})
	}
	kl := func(a [5]uint32, tail int) []byte { return append(mbHeader(mbAddressValid, a), make([]byte, tail)...) }
	badSum := mbHeader(0, [5]uint32{})
	badSum[8]++
	for _, tc := range []struct {
		name   string
		kernel []byte
		mods   []Module
		want   string
		is     error
	}{
		{"64-bit ELF", fakeELF(true, elfMachineX86, 0x100000, []elfSeg{{typ: ptLoad, paddr: 0x100000, data: mbHeader(0, [5]uint32{})}}), nil, "64-bit ELF", nil},
		{"video mode", elf32(mbHeader(mbVideoMode, [5]uint32{})), nil, "video mode", nil},
		{"unknown requirement", elf32(mbHeader(1<<5, [5]uint32{})), nil, "unknown features", nil},
		{"bad checksum", append(badSum, make([]byte, 64)...), nil, "not a bzImage, a Multiboot kernel or an ELF image", nil},
		{"not ELF without address fields", append(mbHeader(0, [5]uint32{}), make([]byte, 64)...), nil, "no address fields", nil},
		{"address fields truncated", mbHeader(mbAddressValid, [5]uint32{})[:20], nil, "address fields", ErrTruncated},
		{"header_addr below load_addr", kl([5]uint32{0x100000, 0x100010, 0, 0, 0x100000}, 64), nil, "below load_addr", nil},
		{"load_addr before the file", kl([5]uint32{0x100100, 0x100000, 0, 0, 0x100100}, 64), nil, "before the start of the file", nil},
		{"load_end beyond file", kl([5]uint32{0x100000, 0x100000, 0x200000, 0, 0x100000}, 64), nil, "shorter than load_end_addr", ErrTruncated},
		{"load_end below load", kl([5]uint32{0x100000, 0x100000, 0x1000, 0, 0x100000}, 64), nil, "load_end_addr 0x1000 is below", nil},
		{"bss_end below load_end", kl([5]uint32{0x100000, 0x100000, 0x100020, 0x100010, 0x100000}, 64), nil, "bss_end_addr", nil},
		{"entry outside", kl([5]uint32{0x100000, 0x100000, 0, 0, 0x90000}, 64), nil, "outside the loaded image", nil},
		{"huge bss", kl([5]uint32{0x100000, 0x100000, 0, 0xfffff000, 0x100000}, 64), nil, "not inside usable guest RAM", nil},
		{"loads into the EBDA", kl([5]uint32{0x9fc00, 0x9fc00, 0, 0, 0x9fc00}, 64), nil, "not inside usable guest RAM", nil},
		{"module too big", kl([5]uint32{0x100000, 0x100000, 0, 0, 0x100000}, 64), []Module{{img("m", make([]byte, 20<<20)), "m"}}, "not inside usable guest RAM", nil},
		{"empty module", kl([5]uint32{0x100000, 0x100000, 0, 0, 0x100000}, 64), []Module{{img("m", nil), "m"}}, "is empty", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ram := mem.NewForTest(16 << 20)
			_, err := Kernel(ram, KernelConfig{Kernel: img("k", tc.kernel), Initrd: tc.mods})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want one wrapping %v", err, tc.is)
			}
		})
	}
}

func TestParseModuleList(t *testing.T) {
	got, err := ParseModuleList("/a/b.bin x=1 y,c.bin,d,,e.bin q")
	if err != nil {
		t.Fatal(err)
	}
	want := []ModuleSpec{{"/a/b.bin", "/a/b.bin x=1 y"}, {"c.bin", "c.bin"}, {"d,e.bin", "d,e.bin q"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, bad := range []string{"", "a,,,", "a,", ",a"} {
		if _, err := ParseModuleList(bad); err == nil {
			t.Errorf("ParseModuleList(%q) accepted", bad)
		}
	}
}
