package loader

import (
	"errors"
	"fmt"

	"gemu/hw/mem"
)

// Kind is a kind of -kernel image.
type Kind int

// Kernel image kinds, in the order Probe tries them.
const (
	KindBzImage   Kind = iota + 1 // Linux bzImage
	KindMultiboot                 // Multiboot v1
	KindPVH                       // ELF with a PVH entry note
)

func (k Kind) String() string {
	switch k {
	case KindBzImage:
		return "bzImage"
	case KindMultiboot:
		return "multiboot"
	case KindPVH:
		return "pvh"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Probe tells what kind of kernel img is, trying in QEMU's order: a Linux
// setup header, then a Multiboot header, then an ELF image with a PVH note.
func Probe(img Image) (Kind, error) {
	head, err := img.head(mbSearch)
	if err != nil {
		return 0, fmt.Errorf("loader: kernel: %w", err)
	}
	_, err = ParseSetupHeader(head)
	if err == nil {
		return KindBzImage, nil
	}
	if !errors.Is(err, ErrNotBzImage) {
		return 0, fmt.Errorf("loader: kernel %s: %w", img.Name, err)
	}
	if _, err := ParseMultibootHeader(head); err == nil {
		return KindMultiboot, nil
	} else if !errors.Is(err, ErrNoMultiboot) {
		return 0, fmt.Errorf("loader: kernel %s: %w", img.Name, err)
	}
	e, err := ParseELF(img)
	if errors.Is(err, ErrNotELF) {
		return 0, fmt.Errorf("loader: kernel %s is not a bzImage, a Multiboot kernel or an ELF image", img.Name)
	}
	if err != nil {
		return 0, fmt.Errorf("loader: kernel %s: %w", img.Name, err)
	}
	if _, ok, err := PVHEntry(img, e); err != nil {
		return 0, fmt.Errorf("loader: kernel %s: %w", img.Name, err)
	} else if !ok {
		return 0, fmt.Errorf("loader: kernel %s is an ELF image without a PVH entry note or a Multiboot header", img.Name)
	}
	return KindPVH, nil
}

// KernelConfig describes a -kernel boot of any kind.
type KernelConfig struct {
	Kernel  Image
	Cmdline string // -append
	// Initrd holds -initrd: one initrd for Linux and PVH, any number of
	// modules for Multiboot (see ParseModuleList).
	Initrd  []Module
	E820    []E820Entry // nil: PCMemoryMap(ram, nil)
	RSDP    uint64      // ACPI RSDP for Linux and PVH; 0: none given
	Entry32 bool        // Linux: use the 32-bit entry point
}

// Kernel loads a -kernel image of whatever kind Probe finds.
func Kernel(ram *mem.Guest, c KernelConfig) (*Boot, error) {
	k, err := Probe(c.Kernel)
	if err != nil {
		return nil, err
	}
	if k == KindMultiboot {
		return Multiboot(ram, MultibootConfig{Kernel: c.Kernel, Cmdline: c.Cmdline, Modules: c.Initrd, E820: c.E820})
	}
	lc := LinuxConfig{Kernel: c.Kernel, Cmdline: c.Cmdline, E820: c.E820, RSDP: c.RSDP, Entry32: c.Entry32}
	switch len(c.Initrd) {
	case 0:
	case 1:
		lc.Initrd = &c.Initrd[0].Image
	default:
		return nil, fmt.Errorf("loader: a %v kernel takes one initrd, not %d", k, len(c.Initrd))
	}
	if k == KindBzImage {
		return Linux(ram, lc)
	}
	return PVH(ram, lc)
}
