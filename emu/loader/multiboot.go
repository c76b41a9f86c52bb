package loader

import (
	"errors"
	"fmt"
	"strings"

	"gemu/accel"
	"gemu/hw/mem"
)

// Multiboot Specification 0.6.96, section 3.1 (the OS image header) and 3.3
// (boot information).
const (
	mbHeaderMagic  = 0x1badb002
	mbBootMagic    = 0x2badb002
	mbSearch       = 8192 // the header lies in the first 8 KiB, 4-byte aligned
	mbPageAlign    = 1 << 0
	mbMemInfo      = 1 << 1
	mbVideoMode    = 1 << 2
	mbAddressValid = 1 << 16

	// boot information flags
	mbiMem        = 1 << 0
	mbiCmdline    = 1 << 2
	mbiMods       = 1 << 3
	mbiMmap       = 1 << 6
	mbiLoaderName = 1 << 9

	mbiSize     = 88 // through the framebuffer fields
	mbModSize   = 16
	mbMmapSize  = 24 // size field + 20-byte entry
	mbLoader    = "gemu"
	mbMaxModule = 64
)

// ErrNoMultiboot is returned by ParseMultibootHeader when no header is found.
var ErrNoMultiboot = errors.New("no Multiboot header in the first 8 KiB")

// MultibootHeader is a Multiboot v1 OS image header.
type MultibootHeader struct {
	Offset int // file offset of the magic
	Flags  uint32
	// The a.out kludge's address fields, valid with flag bit 16.
	HeaderAddr, LoadAddr, LoadEndAddr, BSSEndAddr, EntryAddr uint32
}

// ParseMultibootHeader finds and checks the Multiboot header in the first
// bytes of an image.
func ParseMultibootHeader(b []byte) (*MultibootHeader, error) {
	for off := 0; off+12 <= len(b) && off < mbSearch; off += 4 {
		if le.Uint32(b[off:]) != mbHeaderMagic {
			continue
		}
		flags, sum := le.Uint32(b[off+4:]), le.Uint32(b[off+8:])
		if mbHeaderMagic+flags+sum != 0 {
			continue // not a header: the checksum does not hold
		}
		h := &MultibootHeader{Offset: off, Flags: flags}
		if req := flags & 0xffff &^ (mbPageAlign | mbMemInfo); req != 0 {
			if req&mbVideoMode != 0 {
				return nil, fmt.Errorf("loader: Multiboot kernel requires a video mode (flag bit 2), which this loader cannot provide")
			}
			return nil, fmt.Errorf("loader: Multiboot kernel requires unknown features (flags %#x)", req)
		}
		if flags&mbAddressValid != 0 {
			if off+32 > len(b) {
				return nil, fmt.Errorf("loader: Multiboot address fields: %w", ErrTruncated)
			}
			h.HeaderAddr = le.Uint32(b[off+12:])
			h.LoadAddr = le.Uint32(b[off+16:])
			h.LoadEndAddr = le.Uint32(b[off+20:])
			h.BSSEndAddr = le.Uint32(b[off+24:])
			h.EntryAddr = le.Uint32(b[off+28:])
		}
		return h, nil
	}
	return nil, ErrNoMultiboot
}

// Module is a Multiboot module: a file and the string passed with it.
type Module struct {
	Image   Image
	Cmdline string // "path args", as QEMU passes it
}

// ModuleSpec is one entry of a -initrd module list.
type ModuleSpec struct {
	Path    string // the first word
	Cmdline string // the whole entry
}

// ParseModuleList splits a -initrd value for a Multiboot kernel ("a.bin
// args,b.bin") into modules; ",," stands for a comma inside an entry, as in
// QEMU's option syntax.
func ParseModuleList(s string) ([]ModuleSpec, error) {
	var out []ModuleSpec
	var cur strings.Builder
	flush := func() error {
		e := cur.String()
		cur.Reset()
		path, _, _ := strings.Cut(strings.TrimSpace(e), " ")
		if path == "" {
			return fmt.Errorf("loader: empty entry in module list %q", s)
		}
		out = append(out, ModuleSpec{Path: path, Cmdline: e})
		return nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] != ',' {
			cur.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == ',' {
			cur.WriteByte(',')
			i++
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// MultibootConfig describes a Multiboot boot.
type MultibootConfig struct {
	Kernel Image
	// Cmdline is -append. The kernel receives "<Kernel.Name> <Cmdline>",
	// the image's name first, as QEMU and GRUB pass it.
	Cmdline string
	Modules []Module
	E820    []E820Entry // nil: PCMemoryMap(ram, nil)
}

// Multiboot loads a Multiboot v1 kernel (a 32-bit ELF, or any image with the
// a.out kludge's address fields) and its modules, page aligned just above
// the kernel, builds the boot information at 0x6000 (memory sizes, memory
// map, command line, modules, boot loader name "gemu") with the strings at
// 0x20000, and starts in 32-bit protected mode with paging off, EAX =
// 0x2BADB002 and EBX = the boot information.
func Multiboot(ram *mem.Guest, c MultibootConfig) (*Boot, error) {
	head, err := c.Kernel.head(mbSearch)
	if err != nil {
		return nil, fmt.Errorf("loader: kernel: %w", err)
	}
	h, err := ParseMultibootHeader(head)
	if err != nil {
		return nil, fmt.Errorf("loader: kernel %s: %w", c.Kernel.Name, err)
	}
	if len(c.Modules) > mbMaxModule {
		return nil, fmt.Errorf("loader: %d Multiboot modules, at most %d", len(c.Modules), mbMaxModule)
	}
	p, err := newPlacer(ram, c.E820)
	if err != nil {
		return nil, err
	}
	var entry, end uint64
	if h.Flags&mbAddressValid != 0 {
		if entry, end, err = loadKludge(p, c.Kernel, h); err != nil {
			return nil, err
		}
	} else {
		e, err := ParseELF(c.Kernel)
		if errors.Is(err, ErrNotELF) {
			return nil, fmt.Errorf("loader: Multiboot kernel %s is not ELF and has no address fields (flag bit 16)", c.Kernel.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("loader: kernel %s: %w", c.Kernel.Name, err)
		}
		if e.Is64 {
			return nil, fmt.Errorf("loader: Multiboot kernel %s is a 64-bit ELF; Multiboot v1 loads 32-bit ELF images", c.Kernel.Name)
		}
		if end, err = loadSegments(p, c.Kernel, e); err != nil {
			return nil, err
		}
		entry = e.physEntry()
	}

	// Strings: the command line, then each module's.
	cmdline := c.Kernel.Name + " " + c.Cmdline
	strs := []byte(cmdline + "\x00")
	modStr := make([]uint64, len(c.Modules))
	for i, m := range c.Modules {
		modStr[i] = cmdlineAddr + uint64(len(strs))
		strs = append(strs, m.Cmdline...)
		strs = append(strs, 0)
	}
	if uint64(len(strs)) > cmdlineLimit-cmdlineAddr {
		return nil, fmt.Errorf("loader: Multiboot command lines of %d bytes do not fit below %#x", len(strs), cmdlineLimit)
	}
	if err := p.claim("cmdline", cmdlineAddr, uint64(len(strs))); err != nil {
		return nil, err
	}
	if err := p.write(cmdlineAddr, strs); err != nil {
		return nil, err
	}

	// Modules, page aligned after the kernel.
	info := make([]byte, infoSize)
	off := mbiSize
	modsAddr := infoAddr + uint64(off)
	next, _ := alignUp(end, mem.PageSize)
	for i, m := range c.Modules {
		if m.Image.Size <= 0 {
			return nil, fmt.Errorf("loader: Multiboot module %s is empty", m.Image.Name)
		}
		size := uint64(m.Image.Size)
		if next+size > 1<<32 {
			return nil, fmt.Errorf("loader: Multiboot module %s (%d bytes) does not fit below 4 GiB", m.Image.Name, size)
		}
		if err := p.claim(fmt.Sprintf("module %d", i), next, size); err != nil {
			return nil, err
		}
		if err := p.copyImage(next, m.Image, 0, m.Image.Size); err != nil {
			return nil, err
		}
		le.PutUint32(info[off:], uint32(next))
		le.PutUint32(info[off+4:], uint32(next+size))
		le.PutUint32(info[off+8:], uint32(modStr[i]))
		off += mbModSize
		next, _ = alignUp(next+size, mem.PageSize)
	}

	// Memory map, then the boot loader name.
	mmapAddr := infoAddr + uint64(off)
	if off+len(p.e820)*mbMmapSize+len(mbLoader)+1 > infoSize {
		return nil, fmt.Errorf("loader: memory map of %d entries does not fit the Multiboot information page", len(p.e820))
	}
	for _, m := range p.e820 {
		le.PutUint32(info[off:], mbMmapSize-4)
		le.PutUint64(info[off+4:], m.Addr)
		le.PutUint64(info[off+12:], m.Size)
		le.PutUint32(info[off+20:], uint32(m.Type))
		off += mbMmapSize
	}
	nameAddr := infoAddr + uint64(off)
	off += copy(info[off:], mbLoader+"\x00")

	lower := uint64(0)
	for _, m := range p.e820 {
		if m.Type == E820RAM && m.Addr == 0 {
			lower = min(m.Size, VGAStart) >> 10
		}
	}
	le.PutUint32(info[0:], mbiMem|mbiCmdline|mbiMods|mbiMmap|mbiLoaderName)
	le.PutUint32(info[4:], uint32(lower))
	le.PutUint32(info[8:], uint32(min((lowRAMTop(p.e820)-HighMemStart)>>10, 0xffffffff)))
	le.PutUint32(info[16:], cmdlineAddr)
	le.PutUint32(info[20:], uint32(len(c.Modules)))
	le.PutUint32(info[24:], uint32(modsAddr))
	le.PutUint32(info[44:], uint32(len(p.e820)*mbMmapSize))
	le.PutUint32(info[48:], uint32(mmapAddr))
	le.PutUint32(info[64:], uint32(nameAddr))
	if err := p.claim("multiboot info", infoAddr, uint64(off)); err != nil {
		return nil, err
	}
	if err := p.write(infoAddr, info[:off]); err != nil {
		return nil, err
	}
	if err := writeGDT(p, false); err != nil {
		return nil, err
	}
	if entry >= 1<<32 {
		return nil, fmt.Errorf("loader: Multiboot entry point %#x is above 4 GiB", entry)
	}
	b := &Boot{Protocol: "multiboot", E820: p.e820, CPU: protectedState(uint32(entry))}
	b.CPU.GPR[accel.RAX] = mbBootMagic
	b.CPU.GPR[accel.RBX] = infoAddr
	b.Regions = append([]Region(nil), p.used...)
	return b, nil
}

// loadKludge loads an image by the header's address fields (flag bit 16):
// the file from the header's offset minus (header_addr - load_addr) is
// loaded at load_addr up to load_end_addr (0: the end of the file), and
// memory up to bss_end_addr (0: none) is cleared.
func loadKludge(p *placer, img Image, h *MultibootHeader) (entry, end uint64, err error) {
	if h.HeaderAddr < h.LoadAddr {
		return 0, 0, fmt.Errorf("loader: Multiboot header_addr %#x is below load_addr %#x", h.HeaderAddr, h.LoadAddr)
	}
	fileOff := int64(h.Offset) - int64(h.HeaderAddr-h.LoadAddr)
	if fileOff < 0 {
		return 0, 0, fmt.Errorf("loader: Multiboot load_addr %#x lies before the start of the file", h.LoadAddr)
	}
	loadEnd := uint64(h.LoadEndAddr)
	if loadEnd == 0 {
		loadEnd = uint64(h.LoadAddr) + uint64(img.Size-fileOff)
	}
	if loadEnd < uint64(h.LoadAddr) {
		return 0, 0, fmt.Errorf("loader: Multiboot load_end_addr %#x is below load_addr %#x", loadEnd, h.LoadAddr)
	}
	n := loadEnd - uint64(h.LoadAddr)
	if n > uint64(img.Size-fileOff) {
		return 0, 0, fmt.Errorf("loader: Multiboot image of %d bytes from offset %#x is shorter than load_end_addr - load_addr = %#x: %w", img.Size, fileOff, n, ErrTruncated)
	}
	bssEnd := uint64(h.BSSEndAddr)
	if bssEnd == 0 {
		bssEnd = loadEnd
	}
	if bssEnd < loadEnd {
		return 0, 0, fmt.Errorf("loader: Multiboot bss_end_addr %#x is below load_end_addr %#x", bssEnd, loadEnd)
	}
	if bssEnd == uint64(h.LoadAddr) {
		return 0, 0, fmt.Errorf("loader: Multiboot image loads nothing (load_addr = load_end_addr = %#x)", h.LoadAddr)
	}
	if err := p.claim("kernel", uint64(h.LoadAddr), bssEnd-uint64(h.LoadAddr)); err != nil {
		return 0, 0, err
	}
	if err := p.copyImage(uint64(h.LoadAddr), img, fileOff, int64(n)); err != nil {
		return 0, 0, err
	}
	if err := p.zero(loadEnd, bssEnd-loadEnd); err != nil {
		return 0, 0, err
	}
	if e := uint64(h.EntryAddr); e < uint64(h.LoadAddr) || e >= bssEnd {
		return 0, 0, fmt.Errorf("loader: Multiboot entry_addr %#x lies outside the loaded image [%#x-%#x]", e, h.LoadAddr, bssEnd-1)
	}
	return uint64(h.EntryAddr), bssEnd, nil
}
