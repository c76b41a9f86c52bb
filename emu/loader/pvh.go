package loader

import (
	"fmt"

	"gemu/accel"
	"gemu/hw/mem"
)

// The Xen PVH boot ABI (xen/include/public/arch-x86/hvm/start_info.h, and
// the ELF note XEN_ELFNOTE_PHYS32_ENTRY from xen/include/public/elfnote.h).
const (
	xenNotePhys32Entry = 18
	pvhMagic           = 0x336ec578
	pvhVersion         = 1
	pvhStartInfoSize   = 56
	pvhModSize         = 32
	pvhMemmapSize      = 24
)

// PVHEntry returns the 32-bit physical entry point from an ELF image's
// XEN_ELFNOTE_PHYS32_ENTRY note, and false when there is none.
func PVHEntry(img Image, e *ELF) (uint32, bool, error) {
	notes, err := e.Notes(img)
	if err != nil {
		return 0, false, err
	}
	for _, n := range notes {
		if n.Name != "Xen" || n.Type != xenNotePhys32Entry {
			continue
		}
		var v uint64
		switch len(n.Desc) {
		case 4:
			v = uint64(le.Uint32(n.Desc))
		case 8:
			v = le.Uint64(n.Desc)
		default:
			return 0, false, fmt.Errorf("loader: PVH entry note has a %d-byte descriptor, want 4 or 8", len(n.Desc))
		}
		if v >= 1<<32 {
			return 0, false, fmt.Errorf("loader: PVH entry point %#x is above 4 GiB", v)
		}
		return uint32(v), true, nil
	}
	return 0, false, nil
}

// PVH loads an ELF kernel that carries a PVH entry note: its PT_LOAD segments
// at their physical addresses, the initrd as a module placed high, the
// command line, and an hvm_start_info (version 1, with the memory map) at
// 0x6000. The CPU starts at the note's entry in 32-bit protected mode with
// paging off and EBX pointing at the start info.
func PVH(ram *mem.Guest, c LinuxConfig) (*Boot, error) {
	e, err := ParseELF(c.Kernel)
	if err != nil {
		return nil, fmt.Errorf("loader: kernel %s: %w", c.Kernel.Name, err)
	}
	entry, ok, err := PVHEntry(c.Kernel, e)
	if err != nil {
		return nil, fmt.Errorf("loader: kernel %s: %w", c.Kernel.Name, err)
	}
	if !ok {
		return nil, fmt.Errorf("loader: kernel %s is an ELF image without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)", c.Kernel.Name)
	}
	p, err := newPlacer(ram, c.E820)
	if err != nil {
		return nil, err
	}
	if _, err := loadSegments(p, c.Kernel, e); err != nil {
		return nil, err
	}

	si := make([]byte, infoSize)
	off := pvhStartInfoSize
	le.PutUint32(si[0:], pvhMagic)
	le.PutUint32(si[4:], pvhVersion)
	if c.Cmdline != "" {
		if uint64(len(c.Cmdline))+1 > cmdlineLimit-cmdlineAddr {
			return nil, fmt.Errorf("loader: kernel command line of %d bytes does not fit below %#x", len(c.Cmdline), cmdlineLimit)
		}
		if err := p.claim("cmdline", cmdlineAddr, uint64(len(c.Cmdline))+1); err != nil {
			return nil, err
		}
		if err := p.write(cmdlineAddr, append([]byte(c.Cmdline), 0)); err != nil {
			return nil, err
		}
		le.PutUint64(si[24:], cmdlineAddr)
	}
	if c.Initrd != nil {
		if c.Initrd.Size <= 0 {
			return nil, fmt.Errorf("loader: initrd %s is empty", c.Initrd.Name)
		}
		a, err := p.placeHigh("initrd", uint64(c.Initrd.Size), 1<<32, mem.PageSize)
		if err != nil {
			return nil, err
		}
		if err := p.copyImage(a, *c.Initrd, 0, c.Initrd.Size); err != nil {
			return nil, err
		}
		le.PutUint32(si[12:], 1)
		le.PutUint64(si[16:], infoAddr+uint64(off))
		le.PutUint64(si[off:], a)
		le.PutUint64(si[off+8:], uint64(c.Initrd.Size))
		off += pvhModSize
	}
	if (infoSize-off)/pvhMemmapSize < len(p.e820) {
		return nil, fmt.Errorf("loader: memory map of %d entries does not fit the PVH start info page", len(p.e820))
	}
	le.PutUint64(si[40:], infoAddr+uint64(off))
	le.PutUint32(si[48:], uint32(len(p.e820)))
	for _, m := range p.e820 {
		le.PutUint64(si[off:], m.Addr)
		le.PutUint64(si[off+8:], m.Size)
		le.PutUint32(si[off+16:], uint32(m.Type))
		off += pvhMemmapSize
	}
	if c.RSDP != 0 {
		le.PutUint64(si[32:], c.RSDP)
	}
	if err := p.claim("start_info", infoAddr, uint64(off)); err != nil {
		return nil, err
	}
	if err := p.write(infoAddr, si[:off]); err != nil {
		return nil, err
	}
	if err := writeGDT(p, false); err != nil {
		return nil, err
	}
	b := &Boot{Protocol: "pvh", E820: p.e820, CPU: protectedState(entry)}
	b.CPU.GPR[accel.RBX] = infoAddr
	b.Regions = append([]Region(nil), p.used...)
	return b, nil
}
