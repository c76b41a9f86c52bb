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

func TestPCMemoryMap(t *testing.T) {
	ram, err := mem.New(6<<30, mem.PCLayout(6<<30, 3<<30))
	if err != nil {
		t.Fatal(err)
	}
	defer ram.Close()
	got := PCMemoryMap(ram, []E820Entry{{0xfeffc000, 0x4000, E820Reserved}, {0xbfff0000, 0x10000, E820ACPI}})
	want := []E820Entry{
		{0, 0x9fc00, E820RAM},
		{0x9fc00, 0x400, E820Reserved},
		{0xf0000, 0x10000, E820Reserved},
		{0x100000, 0xbfff0000 - 0x100000, E820RAM},
		{0xbfff0000, 0x10000, E820ACPI},
		{0xfeffc000, 0x4000, E820Reserved},
		{1 << 32, 3 << 30, E820RAM},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("memory map mismatch (-want +got):\n%s", d)
	}
}

func TestLinux64(t *testing.T) {
	ram := mem.NewForTest(256 << 20)
	kernel := fakeBzImage(defaultBz())
	initrd := pattern(100<<10+123, 5)
	cmdline := "console=ttyS0 root=/dev/ram0 quiet"
	b, err := Linux(ram, LinuxConfig{Kernel: img("bzImage", kernel), Initrd: &Image{"initrd", bytes.NewReader(initrd), int64(len(initrd))}, Cmdline: cmdline, RSDP: 0xf5a40})
	if err != nil {
		t.Fatal(err)
	}
	if b.Protocol != "linux64" {
		t.Errorf("protocol %q, want linux64", b.Protocol)
	}
	// The kernel fits at pref_address (16 MiB).
	setup := 5 * 512
	if got := readGuest(t, ram, 0x1000000, len(kernel)-setup); !bytes.Equal(got, kernel[setup:]) {
		t.Error("protected-mode kernel not at pref_address")
	}
	if got := readGuest(t, ram, setupAddr, setup); !bytes.Equal(got, kernel[:setup]) {
		t.Error("real-mode setup not at 0x10000")
	}
	bp := uint64(bootParamsAddr)
	zp := readGuest(t, ram, bp, bpSize)
	if !bytes.Equal(zp[hdrMagic:hdrMagic+4], []byte("HdrS")) {
		t.Error("setup header not copied into boot_params")
	}
	checks := []struct {
		name      string
		off, size int
		want      uint64
	}{
		{"type_of_loader", hdrTypeOfLoader, 1, 0xff},
		{"loadflags", hdrLoadFlags, 1, loadedHigh | canUseHeap},
		{"heap_end_ptr", hdrHeapEndPtr, 2, 0xfe00},
		{"vid_mode", hdrVidMode, 2, 0xffff},
		{"cmd_line_ptr", hdrCmdLinePtr, 4, cmdlineAddr},
		{"ext_cmd_line_ptr", bpExtCmdLinePtr, 4, 0},
		{"code32_start", hdrCode32Start, 4, 0x1000000},
		{"hardware_subarch", hdrHardwareSubarch, 4, 0},
		{"ramdisk_size", hdrRamdiskSize, 4, uint64(len(initrd))},
		{"ext_ramdisk_image", bpExtRamdiskImage, 4, 0},
		{"acpi_rsdp_addr", bpACPIRSDPAddr, 8, 0xf5a40},
		{"alt_mem_k", bpAltMemK, 4, (256<<20 - 1<<20) >> 10},
		{"e820_entries", bpE820Entries, 1, 4},
		{"xloadflags (from the image)", hdrXLoadFlags, 2, xlfKernel64 | xlfAbove4G},
	}
	for _, c := range checks {
		var got uint64
		for i := c.size - 1; i >= 0; i-- {
			got = got<<8 | uint64(zp[c.off+i])
		}
		if got != c.want {
			t.Errorf("boot_params.%s = %#x, want %#x", c.name, got, c.want)
		}
	}
	if got := readGuest(t, ram, cmdlineAddr, len(cmdline)+1); string(got) != cmdline+"\x00" {
		t.Errorf("command line %q", got)
	}
	// The initrd is page aligned and as high as RAM allows.
	rd := uint64(le.Uint32(zp[hdrRamdiskImage:]))
	if want := uint64(256<<20-len(initrd)) &^ 0xfff; rd != want {
		t.Errorf("ramdisk_image = %#x, want %#x", rd, want)
	}
	if got := readGuest(t, ram, rd, len(initrd)); !bytes.Equal(got, initrd) {
		t.Error("initrd contents differ")
	}
	wantMap := []E820Entry{{0, 0x9fc00, E820RAM}, {0x9fc00, 0x400, E820Reserved}, {0xf0000, 0x10000, E820Reserved}, {0x100000, 255 << 20, E820RAM}}
	var gotMap []E820Entry
	for i := 0; i < int(zp[bpE820Entries]); i++ {
		e := zp[bpE820Table+20*i:]
		gotMap = append(gotMap, E820Entry{le.Uint64(e), le.Uint64(e[8:]), E820Type(le.Uint32(e[16:]))})
	}
	if d := cmp.Diff(wantMap, gotMap); d != "" {
		t.Errorf("e820 mismatch (-want +got):\n%s", d)
	}

	c := b.CPU
	if c.RIP != 0x1000200 || c.GPR[accel.RSI] != bootParamsAddr {
		t.Errorf("RIP %#x RSI %#x, want 0x1000200 and %#x", c.RIP, c.GPR[accel.RSI], bootParamsAddr)
	}
	if c.CR0&(cr0PE|cr0PG) != cr0PE|cr0PG || c.CR4&cr4PAE == 0 || c.EFER != eferLME|eferLMA || c.CR3 != pml4Addr {
		t.Errorf("not in long mode: CR0 %#x CR4 %#x EFER %#x CR3 %#x", c.CR0, c.CR4, c.EFER, c.CR3)
	}
	if c.RFLAGS&(1<<9) != 0 {
		t.Error("interrupts enabled at entry")
	}
	if c.CS.Selector != 0x10 || !c.CS.L || c.CS.DB || c.DS.Selector != 0x18 || c.SS.Selector != 0x18 || c.ES.Selector != 0x18 {
		t.Errorf("segments: CS %+v DS %+v", c.CS, c.DS)
	}
	gdt := readGuest(t, ram, c.GDT.Base, int(c.GDT.Limit)+1)
	if le.Uint64(gdt[0x10:]) != descCode64 || le.Uint64(gdt[0x18:]) != descData {
		t.Errorf("GDT %x", gdt)
	}
	// Walk the identity map for a few addresses.
	for _, va := range []uint64{0, 0x1000200, 0x7ff12345, 0xfee00000, 0xffffffff} {
		pml4e := guest64(t, ram, c.CR3+8*(va>>39&511))
		pdpte := guest64(t, ram, pml4e&^0xfff+8*(va>>30&511))
		pde := guest64(t, ram, pdpte&^0xfff+8*(va>>21&511))
		if pml4e&1 == 0 || pdpte&1 == 0 || pde&(ptePresent|ptePS) != ptePresent|ptePS {
			t.Fatalf("%#x not mapped: %#x %#x %#x", va, pml4e, pdpte, pde)
		}
		if pa := pde&^0x1fffff&(1<<52-1) | va&0x1fffff; pa != va {
			t.Errorf("%#x maps to %#x", va, pa)
		}
	}
	// Nothing placed overlaps, and everything is in usable RAM.
	for i, r := range b.Regions {
		if !usable(b.E820, uint64(r.Start), r.Size) {
			t.Errorf("%v outside usable RAM", r)
		}
		for _, o := range b.Regions[:i] {
			if r.Start < o.End() && o.Start < r.End() {
				t.Errorf("%v overlaps %v", r, o)
			}
		}
	}
}

func TestLinuxLoadsAt1MiBWhenPrefDoesNotFit(t *testing.T) {
	ram := mem.NewForTest(20 << 20) // 16 MiB + 8 MiB of init_size does not fit
	b, err := Linux(ram, LinuxConfig{Kernel: img("bzImage", fakeBzImage(defaultBz()))})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := b.Region("kernel"); k.Start != 0x100000 || b.CPU.RIP != 0x100200 {
		t.Errorf("kernel at %v, RIP %#x; want 1 MiB", k, b.CPU.RIP)
	}
}

func TestLinux32(t *testing.T) {
	for _, tc := range []struct {
		name    string
		xlf     uint16
		entry32 bool
	}{{"no 64-bit entry", 0, false}, {"forced", xlfKernel64, true}} {
		t.Run(tc.name, func(t *testing.T) {
			o := defaultBz()
			o.xloadflags = tc.xlf
			o.relocatable = false
			ram := mem.NewForTest(64 << 20)
			b, err := Linux(ram, LinuxConfig{Kernel: img("bzImage", fakeBzImage(o)), Entry32: tc.entry32})
			if err != nil {
				t.Fatal(err)
			}
			c := b.CPU
			if b.Protocol != "linux32" || c.RIP != 0x100000 || c.GPR[accel.RSI] != bootParamsAddr || c.GPR[accel.RBX] != 0 || c.GPR[accel.RBP] != 0 || c.GPR[accel.RDI] != 0 {
				t.Errorf("protocol %s RIP %#x ESI %#x EBX %#x", b.Protocol, c.RIP, c.GPR[accel.RSI], c.GPR[accel.RBX])
			}
			if c.CR0&cr0PG != 0 || c.CR0&cr0PE == 0 || c.EFER != 0 || c.CS.L || !c.CS.DB || c.CS.Limit != 0xffffffff {
				t.Errorf("not flat 32-bit protected mode: CR0 %#x EFER %#x CS %+v", c.CR0, c.EFER, c.CS)
			}
			if _, ok := b.Region("page tables"); ok {
				t.Error("page tables written for a 32-bit entry")
			}
		})
	}
}

func TestLinuxErrors(t *testing.T) {
	mod := func(f func(*bzOpts)) []byte {
		o := defaultBz()
		f(&o)
		return fakeBzImage(o)
	}
	patch := func(b []byte, off int, v ...byte) []byte {
		b = append([]byte(nil), b...)
		copy(b[off:], v)
		return b
	}
	good := fakeBzImage(defaultBz())
	big := pattern(40<<20, 1)
	for _, tc := range []struct {
		name    string
		kernel  []byte
		initrd  []byte
		cmdline string
		ramMiB  int
		want    string
		is      error
	}{
		{"empty", nil, nil, "", 64, "too short", ErrNotBzImage},
		{"truncated header", good[:0x230], nil, "", 64, "truncated", ErrTruncated},
		{"no HdrS", patch(good, hdrMagic, 'X'), nil, "", 64, "HdrS", ErrNotBzImage},
		{"bad boot flag", patch(good, hdrBootFlag, 0), nil, "", 64, "boot flag", ErrNotBzImage},
		{"protocol 2.05", mod(func(o *bzOpts) { o.version = 0x205 }), nil, "", 64, "2.05 is older than 2.06", nil},
		{"zImage", mod(func(o *bzOpts) { o.loadFlags = 0 }), nil, "", 64, "zImage", ErrNotBzImage},
		{"short header", patch(good, hdrJump+1, 0x10), nil, "", 64, "before cmdline_size", nil},
		{"setup past end", patch(good[:0x400], hdrSetupSects, 40), nil, "", 64, "40 setup sectors", ErrTruncated},
		{"bad alignment", mod(func(o *bzOpts) { o.align = 0x300000 }), nil, "", 64, "power of two", nil},
		{"cmdline too long", good, nil, strings.Repeat("x", 2048), 64, "exceeds the kernel's cmdline_size of 2047", nil},
		{"kernel larger than RAM", mod(func(o *bzOpts) { o.payload = 3 << 20 }), nil, "", 2, "not inside usable guest RAM", nil},
		{"initrd larger than RAM", good, big, "", 32, "no room for initrd", nil},
		{"initrd below initrd_addr_max impossible", mod(func(o *bzOpts) { o.initrdMax = 0x1fffff }), pattern(2<<20, 1), "", 64, "no room for initrd", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ram := mem.NewForTest(tc.ramMiB << 20)
			c := LinuxConfig{Kernel: img("k", tc.kernel), Cmdline: tc.cmdline}
			if tc.initrd != nil {
				i := img("initrd", tc.initrd)
				c.Initrd = &i
			}
			_, err := Linux(ram, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want one wrapping %v", err, tc.is)
			}
		})
	}
}

func TestVidMode(t *testing.T) {
	for in, want := range map[string]uint16{"": 0xffff, "vga=ext": 0xfffe, "a vga=ask b": 0xfffd, "vga=0x317": 0x317, "vga=791": 791, "vga=junk": 0xffff} {
		if got := vidMode(in); got != want {
			t.Errorf("vidMode(%q) = %#x, want %#x", in, got, want)
		}
	}
}

func TestLinuxWithRAMAbove4G(t *testing.T) {
	ram, err := mem.New(5<<30, mem.PCLayout(5<<30, 3<<30))
	if err != nil {
		t.Fatal(err)
	}
	defer ram.Close()
	reserved := []E820Entry{{0xfeffc000, 0x4000, E820Reserved}}
	initrd := pattern(3<<20+5, 1)
	b, err := Linux(ram, LinuxConfig{Kernel: img("k", fakeBzImage(defaultBz())), Initrd: &Image{"rd", bytes.NewReader(initrd), int64(len(initrd))},
		E820: PCMemoryMap(ram, reserved)})
	if err != nil {
		t.Fatal(err)
	}
	rd, _ := b.Region("initrd")
	// initrd_addr_max (0x7fffffff, as in Debian's kernels) is below the
	// top of low RAM (3 GiB).
	if want := mem.GPA((2<<30 - len(initrd)) &^ 0xfff); rd.Start != want {
		t.Errorf("initrd at %v, want %#x: as high as initrd_addr_max allows", rd, want)
	}
	zp := readGuest(t, ram, bootParamsAddr, bpSize)
	n := int(zp[bpE820Entries])
	last := zp[bpE820Table+20*(n-1):]
	if le.Uint64(last) != 1<<32 || le.Uint64(last[8:]) != 2<<30 || le.Uint32(last[16:]) != uint32(E820RAM) {
		t.Errorf("last e820 entry %x, want RAM from 4 GiB", last[:20])
	}
	if got := le.Uint32(zp[bpAltMemK:]); got != (3<<30-1<<20)>>10 {
		t.Errorf("alt_mem_k %d", got)
	}
}

// An Image whose declared size disagrees with its reader is refused without
// a huge allocation.
func TestLinuxLyingImageSize(t *testing.T) {
	k := fakeBzImage(defaultBz())
	ram := mem.NewForTest(64 << 20)
	for _, tc := range []struct {
		size int64
		want string
	}{{1 << 40, "not inside usable guest RAM"}, {int64(len(k)) + 4096, "truncated"}} {
		_, err := Linux(ram, LinuxConfig{Kernel: Image{"k", bytes.NewReader(k), tc.size}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("size %d: err = %v, want %q", tc.size, err, tc.want)
		}
		rd := Image{"rd", bytes.NewReader([]byte("x")), tc.size}
		_, err = Linux(ram, LinuxConfig{Kernel: img("k", k), Initrd: &rd})
		if err == nil {
			t.Errorf("initrd size %d accepted", tc.size)
		}
	}
}
