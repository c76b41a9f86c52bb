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

func pvhNote(entry uint64) []byte {
	d := make([]byte, 8)
	le.PutUint64(d, entry)
	return append(note("GNU", 3, []byte{1, 2, 3, 4}), note("Xen", xenNotePhys32Entry, d)...)
}

func TestPVH(t *testing.T) {
	text, data := pattern(0x3000, 1), pattern(0x800, 2)
	kernel := fakeELF(true, elfMachineX86, 0xffffffff81000000, []elfSeg{
		{typ: ptNote, data: pvhNote(0x1000040)},
		{typ: ptLoad, paddr: 0x1000000, vaddr: 0xffffffff81000000, data: text},
		{typ: ptLoad, paddr: 0x1200000, vaddr: 0xffffffff81200000, data: data, memsz: 0x2000},
	})
	ram := mem.NewForTest(64 << 20)
	// Dirty the bss first: the loader must clear it.
	ram.WriteAt(bytes.Repeat([]byte{0xcc}, 0x2000), 0x1200000)
	initrd := pattern(5000, 9)
	b, err := Kernel(ram, KernelConfig{Kernel: img("vmlinux", kernel), Cmdline: "console=hvc0", Initrd: []Module{{Image: img("rd", initrd)}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Protocol != "pvh" || b.CPU.RIP != 0x1000040 || b.CPU.GPR[accel.RBX] != infoAddr {
		t.Fatalf("protocol %s RIP %#x EBX %#x", b.Protocol, b.CPU.RIP, b.CPU.GPR[accel.RBX])
	}
	if c := b.CPU; c.CR0 != cr0PE|cr0ET || c.CR4 != 0 || c.EFER != 0 || c.CS.L || !c.CS.DB || c.TR.Limit != 0x67 || c.TR.Type != 0xb {
		t.Errorf("not 32-bit protected mode with paging off: %s", c.Dump())
	}
	if !bytes.Equal(readGuest(t, ram, 0x1000000, len(text)), text) || !bytes.Equal(readGuest(t, ram, 0x1200000, len(data)), data) {
		t.Error("segments not loaded at their physical addresses")
	}
	if bss := readGuest(t, ram, 0x1200000+uint64(len(data)), 0x2000-len(data)); !bytes.Equal(bss, make([]byte, len(bss))) {
		t.Error("bss not cleared")
	}
	si := uint64(infoAddr)
	if guest32(t, ram, si) != pvhMagic || guest32(t, ram, si+4) != 1 || guest32(t, ram, si+12) != 1 {
		t.Errorf("start_info header %x", readGuest(t, ram, si, 16))
	}
	if cl := guest64(t, ram, si+24); string(readGuest(t, ram, cl, 13)) != "console=hvc0\x00" {
		t.Errorf("cmdline at %#x", cl)
	}
	mod := guest64(t, ram, si+16)
	ma, ms := guest64(t, ram, mod), guest64(t, ram, mod+8)
	if ms != uint64(len(initrd)) || ma%mem.PageSize != 0 || !bytes.Equal(readGuest(t, ram, ma, len(initrd)), initrd) {
		t.Errorf("module at %#x size %d", ma, ms)
	}
	mm, n := guest64(t, ram, si+40), int(guest32(t, ram, si+48))
	var got []E820Entry
	for i := 0; i < n; i++ {
		e := mm + uint64(24*i)
		got = append(got, E820Entry{guest64(t, ram, e), guest64(t, ram, e+8), E820Type(guest32(t, ram, e+16))})
	}
	if d := cmp.Diff(b.E820, got); d != "" {
		t.Errorf("memmap mismatch (-want +got):\n%s", d)
	}
}

func TestPVHErrors(t *testing.T) {
	seg := func(paddr uint64, n int) elfSeg { return elfSeg{typ: ptLoad, paddr: paddr, data: pattern(n, 0)} }
	nt := elfSeg{typ: ptNote, data: pvhNote(0x100000)}
	badNote := elfSeg{typ: ptNote, data: note("Xen", xenNotePhys32Entry, []byte{1, 2})}
	highNote := elfSeg{typ: ptNote, data: pvhNote(1 << 33)}
	truncNote := elfSeg{typ: ptNote, data: note("Xen", xenNotePhys32Entry, make([]byte, 8))[:20]}
	good := fakeELF(true, elfMachineX86, 0, []elfSeg{nt, seg(0x100000, 0x1000)})
	patch := func(b []byte, off int, v ...byte) []byte {
		b = append([]byte(nil), b...)
		copy(b[off:], v)
		return b
	}
	for _, tc := range []struct {
		name   string
		kernel []byte
		want   string
		is     error
	}{
		{"no note", fakeELF(true, elfMachineX86, 0, []elfSeg{seg(0x100000, 0x1000)}), "without a PVH entry note", nil},
		{"note descriptor size", fakeELF(true, elfMachineX86, 0, []elfSeg{badNote, seg(0x100000, 16)}), "2-byte descriptor", nil},
		{"entry above 4G", fakeELF(true, elfMachineX86, 0, []elfSeg{highNote, seg(0x100000, 16)}), "above 4 GiB", nil},
		{"truncated note", fakeELF(true, elfMachineX86, 0, []elfSeg{truncNote, seg(0x100000, 16)}), "truncated", ErrTruncated},
		{"overlapping segments", fakeELF(true, elfMachineX86, 0, []elfSeg{nt, seg(0x100000, 0x2000), seg(0x101000, 0x1000)}), "overlaps", nil},
		{"segment outside RAM", fakeELF(true, elfMachineX86, 0, []elfSeg{nt, seg(0x7f00000, 0x200000)}), "not inside usable guest RAM", nil},
		{"segment in the EBDA", fakeELF(true, elfMachineX86, 0, []elfSeg{nt, seg(0x9f000, 0x1000)}), "not inside usable guest RAM", nil},
		{"huge memsz", fakeELF(true, elfMachineX86, 0, []elfSeg{nt, {typ: ptLoad, paddr: 0x100000, data: []byte{1}, memsz: 1 << 62}}), "not inside usable guest RAM", nil},
		{"wrapping segment", fakeELF(true, elfMachineX86, 0, []elfSeg{nt, {typ: ptLoad, paddr: ^uint64(0) - 10, data: []byte{1}, memsz: 100}}), "wraps", nil},
		{"filesz > memsz", fakeELF(true, elfMachineX86, 0, []elfSeg{nt, {typ: ptLoad, paddr: 0x100000, data: []byte{1, 2}, memsz: 1}}), "only 1 in memory", nil},
		{"segment past file end", patch(good, 64+56+32, 0xff, 0xff, 0xff), "past the end", ErrTruncated},
		{"not ELF", []byte("just some bytes, not an image"), "not a bzImage, a Multiboot kernel or an ELF image", nil},
		{"big-endian", patch(good, 5, 2), "not little-endian", nil},
		{"bad class", patch(good, 4, 3), "neither 32- nor 64-bit", nil},
		{"not executable", patch(good, 16, 3), "not an executable", nil},
		{"ARM", patch(good, 18, 40), "not x86", nil},
		{"no program headers", patch(good, 56, 0, 0), "no program headers", nil},
		{"too many program headers", patch(good, 56, 0xff, 0xff), "more than 512", nil},
		{"program header size", patch(good, 54, 40), "program header size 40", nil},
		{"program headers past the end", patch(good, 32, 0, 0, 0, 0x10), "past the end", ErrTruncated},
		{"truncated header", good[:40], "ELF64 header", ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ram := mem.NewForTest(128 << 20)
			_, err := Kernel(ram, KernelConfig{Kernel: img("vmlinux", tc.kernel)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want one wrapping %v", err, tc.is)
			}
		})
	}
}
