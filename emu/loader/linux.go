package loader

import (
	"fmt"
	"strconv"
	"strings"

	"gemu/accel"
	"gemu/hw/mem"
)

// boot_params offsets outside the setup header (Documentation/arch/x86/zero-page.rst).
const (
	bpExtMemK         = 0x002 // screen_info.ext_mem_k
	bpACPIRSDPAddr    = 0x070
	bpExtRamdiskImage = 0x0c0
	bpExtRamdiskSize  = 0x0c4
	bpExtCmdLinePtr   = 0x0c8
	bpAltMemK         = 0x1e0
	bpE820Entries     = 0x1e8
	bpE820Table       = 0x2d0
	bpE820Max         = 128
	bpSize            = 0x1000
)

// LinuxConfig describes a direct Linux boot.
type LinuxConfig struct {
	Kernel  Image
	Initrd  *Image // nil: no initrd
	Cmdline string
	// E820 is the memory map to give the kernel; nil means
	// PCMemoryMap(ram, nil). Everything is placed in its usable RAM.
	E820 []E820Entry
	// RSDP is the ACPI RSDP address for boot_params.acpi_rsdp_addr; 0 lets
	// the kernel search for it.
	RSDP uint64
	// Entry32 uses the 32-bit entry point even when the kernel has a
	// 64-bit one.
	Entry32 bool
}

// Linux loads a bzImage by the x86 boot protocol (2.06 or later): the
// protected-mode kernel at 1 MiB (or pref_address, see the package
// documentation), the initrd high, boot_params and the command line in low
// memory; it enters at the 64-bit entry point (load address + 0x200) with
// identity page tables for the first 4 GiB when XLF_KERNEL_64 is set, and at
// the 32-bit entry point with paging off otherwise. RSI holds boot_params.
func Linux(ram *mem.Guest, c LinuxConfig) (*Boot, error) {
	head, err := c.Kernel.head(hdrRead)
	if err != nil {
		return nil, fmt.Errorf("loader: kernel: %w", err)
	}
	h, err := ParseSetupHeader(head)
	if err != nil {
		return nil, fmt.Errorf("loader: kernel %s: %w", c.Kernel.Name, err)
	}
	if h.SetupSize() >= c.Kernel.Size {
		return nil, fmt.Errorf("loader: kernel %s: %d setup sectors but only %d bytes: %w", c.Kernel.Name, h.SetupSects, c.Kernel.Size, ErrTruncated)
	}
	p, err := newPlacer(ram, c.E820)
	if err != nil {
		return nil, err
	}
	// The bzImage's protected-mode part.
	pmSize := uint64(c.Kernel.Size - h.SetupSize())
	initSize := max(uint64(h.InitSize), pmSize)
	load := uint64(HighMemStart)
	if h.Relocatable && h.PrefAddress >= HighMemStart && (h.KernelAlignment == 0 || h.PrefAddress%uint64(h.KernelAlignment) == 0) &&
		usable(p.e820, h.PrefAddress, initSize) {
		load = h.PrefAddress
	}
	if err := p.claim("kernel", load, pmSize); err != nil {
		return nil, fmt.Errorf("%w (kernel of %d bytes)", err, pmSize)
	}
	if err := p.copyImage(load, c.Kernel, h.SetupSize(), int64(pmSize)); err != nil {
		return nil, err
	}
	// Keep the initrd out of the memory the kernel decompresses into: from
	// its runtime address (the load address aligned up, and for a
	// relocatable kernel no lower than pref_address) for init_size bytes.
	runtime := load
	if h.Relocatable {
		if a, ok := alignUp(load, uint64(h.KernelAlignment)); ok {
			runtime = max(a, h.PrefAddress)
		}
	}
	wsStart, wsEnd := max(runtime, load+pmSize), min(runtime+initSize, lowRAMTop(p.e820))
	if wsEnd > wsStart && usable(p.e820, wsStart, wsEnd-wsStart) {
		if err := p.claim("kernel workspace", wsStart, wsEnd-wsStart); err != nil {
			return nil, err
		}
	}

	bp := make([]byte, bpSize)
	copy(bp[hdrSetupSects:h.End], head[hdrSetupSects:h.End])

	// Real-mode setup code at 0x10000 with its heap and stack from
	// 0x18000 up to the command line, the "modern bzImage" layout; not run
	// by the 32/64-bit entries, but it keeps the header's heap fields
	// truthful.
	if h.SetupSize() <= setupMax {
		if err := p.claim("setup", setupAddr, uint64(h.SetupSize())); err != nil {
			return nil, err
		}
		if err := p.copyImage(setupAddr, c.Kernel, 0, h.SetupSize()); err != nil {
			return nil, err
		}
		bp[hdrLoadFlags] |= canUseHeap
		le.PutUint16(bp[hdrHeapEndPtr:], setupHeapEnd-0x200)
	}

	// Command line.
	if uint64(len(c.Cmdline)) > uint64(h.CmdlineSize) {
		return nil, fmt.Errorf("loader: kernel command line of %d bytes exceeds the kernel's cmdline_size of %d", len(c.Cmdline), h.CmdlineSize)
	}
	if uint64(len(c.Cmdline))+1 > cmdlineLimit-cmdlineAddr {
		return nil, fmt.Errorf("loader: kernel command line of %d bytes does not fit below %#x", len(c.Cmdline), cmdlineLimit)
	}
	if err := p.claim("cmdline", cmdlineAddr, uint64(len(c.Cmdline))+1); err != nil {
		return nil, err
	}
	if err := p.write(cmdlineAddr, append([]byte(c.Cmdline), 0)); err != nil {
		return nil, err
	}
	put32x(bp, hdrCmdLinePtr, bpExtCmdLinePtr, cmdlineAddr)

	// Initrd: as high as it fits below initrd_addr_max and 4 GiB.
	if c.Initrd != nil {
		if c.Initrd.Size <= 0 {
			return nil, fmt.Errorf("loader: initrd %s is empty", c.Initrd.Name)
		}
		limit := uint64(1) << 32
		if h.InitrdAddrMax != 0 {
			limit = min(limit, uint64(h.InitrdAddrMax)+1)
		}
		size := uint64(c.Initrd.Size)
		a, err := p.placeHigh("initrd", size, limit, mem.PageSize)
		if err != nil {
			return nil, err
		}
		if err := p.copyImage(a, *c.Initrd, 0, c.Initrd.Size); err != nil {
			return nil, err
		}
		put32x(bp, hdrRamdiskImage, bpExtRamdiskImage, a)
		put32x(bp, hdrRamdiskSize, bpExtRamdiskSize, size)
	}

	// The rest of the header a boot loader fills in.
	le.PutUint16(bp[hdrVidMode:], vidMode(c.Cmdline))
	bp[hdrTypeOfLoader] = loaderUnknown
	le.PutUint32(bp[hdrCode32Start:], uint32(load))
	if h.End >= hdrHardwareSubarch+4 {
		le.PutUint32(bp[hdrHardwareSubarch:], 0) // a normal PC
	}
	if c.RSDP != 0 {
		le.PutUint64(bp[bpACPIRSDPAddr:], c.RSDP)
	}
	if len(p.e820) > bpE820Max {
		return nil, fmt.Errorf("loader: memory map of %d entries exceeds boot_params' %d", len(p.e820), bpE820Max)
	}
	bp[bpE820Entries] = uint8(len(p.e820))
	for i, e := range p.e820 {
		o := bpE820Table + 20*i
		le.PutUint64(bp[o:], e.Addr)
		le.PutUint64(bp[o+8:], e.Size)
		le.PutUint32(bp[o+16:], uint32(e.Type))
	}
	extK := (lowRAMTop(p.e820) - HighMemStart) >> 10
	le.PutUint32(bp[bpAltMemK:], uint32(min(extK, 0xffffffff)))
	le.PutUint16(bp[bpExtMemK:], uint16(min(extK, 0xffff)))
	if err := p.claim("boot_params", bootParamsAddr, bpSize); err != nil {
		return nil, err
	}
	if err := p.write(bootParamsAddr, bp); err != nil {
		return nil, err
	}

	b := &Boot{E820: p.e820}
	if h.Entry64() && !c.Entry32 {
		if err := writePageTables(p); err != nil {
			return nil, err
		}
		if err := writeGDT(p, true); err != nil {
			return nil, err
		}
		b.Protocol = "linux64"
		b.CPU = longState(load + 0x200)
	} else {
		if err := writeGDT(p, false); err != nil {
			return nil, err
		}
		b.Protocol = "linux32"
		b.CPU = protectedState(uint32(load))
	}
	b.CPU.GPR[accel.RSI] = bootParamsAddr
	b.Regions = append([]Region(nil), p.used...)
	return b, nil
}

// put32x stores v's low 32 bits at lo and its high 32 bits at the ext_*
// field hi of boot_params.
func put32x(bp []byte, lo, hi int, v uint64) {
	le.PutUint32(bp[lo:], uint32(v))
	le.PutUint32(bp[hi:], uint32(v>>32))
}

// vidMode derives boot_params.vid_mode from a "vga=" parameter as boot
// loaders do: normal (0xffff), ext (0xfffe), ask (0xfffd) or a number.
func vidMode(cmdline string) uint16 {
	for _, f := range strings.Fields(cmdline) {
		v, ok := strings.CutPrefix(f, "vga=")
		if !ok {
			continue
		}
		switch v {
		case "normal":
			return 0xffff
		case "ext":
			return 0xfffe
		case "ask":
			return 0xfffd
		}
		if n, err := strconv.ParseUint(v, 0, 16); err == nil {
			return uint16(n)
		}
	}
	return vidNormal
}
