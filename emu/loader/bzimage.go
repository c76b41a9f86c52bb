package loader

import (
	"errors"
	"fmt"
)

// Setup-header offsets in a bzImage and in boot_params (the x86 boot
// protocol, Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header").
const (
	hdrSetupSects      = 0x1f1
	hdrVidMode         = 0x1fa
	hdrBootFlag        = 0x1fe
	hdrJump            = 0x200
	hdrMagic           = 0x202
	hdrVersion         = 0x206
	hdrTypeOfLoader    = 0x210
	hdrLoadFlags       = 0x211
	hdrCode32Start     = 0x214
	hdrRamdiskImage    = 0x218
	hdrRamdiskSize     = 0x21c
	hdrHeapEndPtr      = 0x224
	hdrCmdLinePtr      = 0x228
	hdrInitrdAddrMax   = 0x22c
	hdrKernelAlignment = 0x230
	hdrRelocatable     = 0x234
	hdrXLoadFlags      = 0x236
	hdrCmdlineSize     = 0x238
	hdrHardwareSubarch = 0x23c
	hdrPrefAddress     = 0x258
	hdrInitSize        = 0x260

	hdrMinEnd = hdrCmdlineSize + 4 // a 2.06 header ends after cmdline_size
	hdrRead   = 0x400              // bytes read to parse the header
)

// Values in the setup header.
const (
	bootFlag      = 0xaa55
	hdrSMagic     = 0x53726448 // "HdrS"
	minProtocol   = 0x206
	loadedHigh    = 1 << 0  // loadflags: protected-mode code at 1 MiB (bzImage)
	canUseHeap    = 1 << 7  // loadflags: heap_end_ptr is valid
	xlfKernel64   = 1 << 0  // xloadflags: 64-bit entry at load address + 0x200
	xlfAbove4G    = 1 << 1  // xloadflags: kernel, boot_params, cmdline, ramdisk may be above 4 GiB
	loaderUnknown = 0xff    // type_of_loader: an unregistered boot loader
	vidNormal     = 0xffff  // vid_mode "normal"
	setupMax      = 0x8000  // real-mode code limit in the modern layout; heap and stack above it
	setupHeapEnd  = 0x10000 // end of the setup heap/stack, relative to the setup code
)

// ErrNotBzImage is wrapped by ParseSetupHeader's error for images that carry
// no Linux setup header.
var ErrNotBzImage = errors.New("not a Linux bzImage")

// SetupHeader is the part of a bzImage's real-mode header a boot loader reads.
// Fields that the image's protocol version does not define are zero.
type SetupHeader struct {
	Version         uint16 // 0x20f is protocol 2.15
	SetupSects      int    // real-mode code in 512-byte sectors after the boot sector (0 read as 4)
	LoadFlags       uint8
	Code32Start     uint32
	InitrdAddrMax   uint32 // highest address the initrd may occupy
	KernelAlignment uint32
	Relocatable     bool
	XLoadFlags      uint16
	CmdlineSize     uint32 // maximum command line length without the NUL
	PrefAddress     uint64
	InitSize        uint32
	// End is the offset just after the header (0x202 + the jump's
	// displacement byte): the bytes a boot loader copies into boot_params.
	End int
}

// SetupSize is the size of the real-mode part: the boot sector and the setup
// sectors. The protected-mode kernel starts at this file offset.
func (h *SetupHeader) SetupSize() int64 { return int64(h.SetupSects+1) * 512 }

// Entry64 reports whether the kernel has a 64-bit entry point.
func (h *SetupHeader) Entry64() bool { return h.Version >= 0x20c && h.XLoadFlags&xlfKernel64 != 0 }

// ParseSetupHeader parses the setup header from the first bytes of a bzImage
// (at least 0x23c of them). It accepts boot protocol 2.06 and later and
// bzImages only.
func ParseSetupHeader(b []byte) (*SetupHeader, error) {
	if len(b) < hdrMagic+4 {
		return nil, fmt.Errorf("%w: %d bytes is too short for a setup header", ErrNotBzImage, len(b))
	}
	if m := le.Uint32(b[hdrMagic:]); m != hdrSMagic {
		return nil, fmt.Errorf("%w: no \"HdrS\" magic at %#x (found %#08x)", ErrNotBzImage, hdrMagic, m)
	}
	if f := le.Uint16(b[hdrBootFlag:]); f != bootFlag {
		return nil, fmt.Errorf("%w: boot flag %#04x, want %#04x", ErrNotBzImage, f, bootFlag)
	}
	h := &SetupHeader{End: hdrMagic + int(b[hdrJump+1])}
	if len(b) < hdrMinEnd {
		return nil, fmt.Errorf("loader: setup header truncated at %d bytes: %w", len(b), ErrTruncated)
	}
	h.Version = le.Uint16(b[hdrVersion:])
	if h.Version < minProtocol {
		return nil, fmt.Errorf("loader: boot protocol %d.%02d is older than 2.06, which this loader requires", h.Version>>8, h.Version&0xff)
	}
	if h.End < hdrMinEnd {
		return nil, fmt.Errorf("loader: setup header ends at %#x (jump displacement %#x), before cmdline_size of protocol 2.06", h.End, b[hdrJump+1])
	}
	h.SetupSects = int(b[hdrSetupSects])
	if h.SetupSects == 0 {
		h.SetupSects = 4
	}
	h.LoadFlags = b[hdrLoadFlags]
	if h.LoadFlags&loadedHigh == 0 {
		return nil, fmt.Errorf("%w: a zImage (loaded below 1 MiB) is not supported, only bzImage", ErrNotBzImage)
	}
	field := func(off, size int) uint64 {
		if off+size > h.End || off+size > len(b) {
			return 0
		}
		switch size {
		case 1:
			return uint64(b[off])
		case 2:
			return uint64(le.Uint16(b[off:]))
		case 4:
			return uint64(le.Uint32(b[off:]))
		}
		return le.Uint64(b[off:])
	}
	h.Code32Start = uint32(field(hdrCode32Start, 4))
	h.InitrdAddrMax = uint32(field(hdrInitrdAddrMax, 4))
	h.KernelAlignment = uint32(field(hdrKernelAlignment, 4))
	h.Relocatable = field(hdrRelocatable, 1) != 0
	h.CmdlineSize = uint32(field(hdrCmdlineSize, 4))
	if h.Version >= 0x20a {
		h.PrefAddress = field(hdrPrefAddress, 8)
		h.InitSize = uint32(field(hdrInitSize, 4))
	}
	if h.Version >= 0x20c {
		h.XLoadFlags = uint16(field(hdrXLoadFlags, 2))
	}
	if h.KernelAlignment != 0 && h.KernelAlignment&(h.KernelAlignment-1) != 0 {
		return nil, fmt.Errorf("loader: kernel_alignment %#x is not a power of two", h.KernelAlignment)
	}
	return h, nil
}
