package loader

import (
	"testing"

	"gemu/hw/mem"
)

func FuzzSetupHeader(f *testing.F) {
	f.Add(fakeBzImage(defaultBz())[:hdrRead])
	o := defaultBz()
	o.version = 0x206
	o.setupSects = 0
	f.Add(fakeBzImage(o)[:hdrRead])
	f.Add([]byte("HdrS"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseSetupHeader(b)
		if err != nil {
			return
		}
		if h.Version < minProtocol || h.End < hdrMinEnd || h.End > hdrMagic+0xff || h.SetupSects == 0 {
			t.Fatalf("accepted header %+v", h)
		}
	})
}

func FuzzELF(f *testing.F) {
	f.Add(fakeELF(true, elfMachineX86, 0, []elfSeg{{typ: ptNote, data: pvhNote(0x100000)}, {typ: ptLoad, paddr: 0x100000, data: pattern(64, 1)}}))
	f.Add(fakeELF(false, elfMachine386, 0x100000, []elfSeg{{typ: ptLoad, paddr: 0x100000, data: pattern(64, 1), memsz: 128}}))
	f.Add(fakeELF(false, elfMachine386, 0, []elfSeg{{typ: ptNote, data: note("Xen", xenNotePhys32Entry, []byte{0, 0, 16, 0})}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		im := img("fuzz", b)
		e, err := ParseELF(im)
		if err != nil {
			return
		}
		for _, p := range e.Progs {
			if p.Type == ptLoad && (p.Filesz > p.Memsz || p.Off+p.Filesz > uint64(len(b))) {
				t.Fatalf("accepted segment %+v of a %d-byte image", p, len(b))
			}
		}
		if entry, ok, err := PVHEntry(im, e); err == nil && ok && uint64(entry) >= 1<<32 {
			t.Fatalf("entry %#x", entry)
		}
	})
}

func FuzzMultibootHeader(f *testing.F) {
	f.Add(mbHeader(mbPageAlign|mbMemInfo, [5]uint32{}))
	f.Add(append(make([]byte, 64), mbHeader(mbAddressValid, [5]uint32{0x100040, 0x100000, 0, 0, 0x100060})...))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseMultibootHeader(b)
		if err != nil {
			return
		}
		if h.Offset%4 != 0 || h.Offset >= mbSearch || h.Flags&0xfffc != 0 {
			t.Fatalf("accepted header %+v", h)
		}
	})
}

// FuzzKernel runs whole loads into a small guest: whatever the image, the
// loader returns an error or a boot whose regions are in usable RAM.
func FuzzKernel(f *testing.F) {
	o := defaultBz()
	o.payload = 0x800
	f.Add(fakeBzImage(o), []byte("initrd"))
	f.Add(fakeELF(true, elfMachineX86, 0, []elfSeg{{typ: ptNote, data: pvhNote(0x100000)}, {typ: ptLoad, paddr: 0x100000, data: pattern(64, 1)}}), []byte{})
	f.Add(fakeELF(false, elfMachine386, 0x100000, []elfSeg{{typ: ptLoad, paddr: 0x100000, data: append(mbHeader(0, [5]uint32{}), 1, 2)}}), []byte("m"))
	f.Add(append(mbHeader(mbAddressValid, [5]uint32{0x100000, 0x100000, 0, 0x101000, 0x100000}), 0x90), []byte{})
	f.Fuzz(func(t *testing.T, k, rd []byte) {
		ram := mem.NewForTest(4 << 20)
		c := KernelConfig{Kernel: img("k", k), Cmdline: "console=ttyS0"}
		if len(rd) > 0 {
			c.Initrd = []Module{{img("rd", rd), "rd"}}
		}
		b, err := Kernel(ram, c)
		if err != nil {
			return
		}
		for _, r := range b.Regions {
			if !usable(b.E820, uint64(r.Start), r.Size) {
				t.Fatalf("%v outside usable RAM", r)
			}
		}
	})
}
