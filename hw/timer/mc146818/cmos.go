package mc146818

import (
	"fmt"
	"strings"
)

// CMOS bytes PC firmware (SeaBIOS, Bochs BIOS) reads its configuration
// from, as QEMU's PC machines fill them (IBM PC/AT Technical Reference for
// 0x10-0x2f; the QEMU/Bochs additions above 0x30).
const (
	CMOSFloppyTypes = 0x10 // high nibble drive A, low nibble drive B (4 = 1.44 MB)
	CMOSEquipment   = 0x14 // bit 0 floppy present, bit 1 FPU, bit 2 PS/2 mouse, bits 7-6 floppies-1
	CMOSBaseMemLo   = 0x15 // base memory in KiB (640)
	CMOSBaseMemHi   = 0x16
	CMOSExtMemLo    = 0x17 // memory above 1 MiB in KiB, at most 65535
	CMOSExtMemHi    = 0x18
	CMOSChecksumHi  = 0x2e // sum of 0x10..0x2d
	CMOSChecksumLo  = 0x2f
	CMOSExtMem2Lo   = 0x30 // copy of 0x17/0x18 (what SeaBIOS reads)
	CMOSExtMem2Hi   = 0x31
	CMOSAbove16MLo  = 0x34 // memory above 16 MiB in 64 KiB units, at most 65535
	CMOSAbove16MHi  = 0x35
	CMOSBootFlag1   = 0x38 // bits 7-4 third boot device; bit 0 set: skip the floppy signature check
	CMOSBootFlag2   = 0x3d // bits 3-0 first boot device, bits 7-4 second
	CMOSAbove4GLo   = 0x5b // memory above 4 GiB in 64 KiB units, 24 bits
	CMOSAbove4GMid  = 0x5c
	CMOSAbove4GHi   = 0x5d
	CMOSCPUCount    = 0x5f // number of CPUs minus one

	checksumFirst = 0x10
	checksumLast  = 0x2d
)

// PCConfig is what a PC machine tells its firmware through CMOS.
type PCConfig struct {
	RAMBelow4G uint64 // bytes of RAM below 4 GiB
	RAMAbove4G uint64 // bytes of RAM above 4 GiB
	CPUs       int    // 1..256
	// BootOrder is -boot order=: up to three of a, b (floppy), c (disk),
	// d (CD-ROM), n (network); empty means "cad", QEMU's default.
	BootOrder string
	// NoFloppyBootCheck sets QEMU's fd_bootchk=off: boot from a floppy
	// without checking its signature.
	NoFloppyBootCheck bool
	Floppies          int // 0..2 drives, for the equipment byte
}

// bootDevice maps a -boot letter to the PC BIOS's CMOS code.
func bootDevice(c byte) (uint8, bool) {
	switch c {
	case 'a', 'b':
		return 1, true
	case 'c':
		return 2, true
	case 'd':
		return 3, true
	case 'n':
		return 4, true
	}
	return 0, false
}

// FillPC writes the memory sizes, CPU count, equipment byte and boot order
// into CMOS and updates the checksum. The century byte is the RTC's own.
func (r *RTC) FillPC(c PCConfig) error {
	if c.CPUs < 1 || c.CPUs > 256 {
		return fmt.Errorf("mc146818rtc: %d CPUs: CMOS counts 1..256", c.CPUs)
	}
	if c.RAMBelow4G > 4<<30 {
		return fmt.Errorf("mc146818rtc: %d bytes of RAM below 4 GiB", c.RAMBelow4G)
	}
	if c.Floppies < 0 || c.Floppies > 2 {
		return fmt.Errorf("mc146818rtc: %d floppy drives: a PC has 0..2", c.Floppies)
	}
	order := c.BootOrder
	if order == "" {
		order = "cad"
	}
	if len(order) > 3 {
		return fmt.Errorf("mc146818rtc: boot order %q: too many boot devices for PC", order)
	}
	var boot [3]uint8
	for i := 0; i < len(order); i++ {
		d, ok := bootDevice(order[i])
		if !ok {
			return fmt.Errorf("mc146818rtc: boot order %q: invalid boot device for PC: %q", order, strings.ToValidUTF8(order[i:i+1], "?"))
		}
		boot[i] = d
	}

	set := map[int]uint8{}
	put16 := func(lo int, v uint64) {
		set[lo], set[lo+1] = uint8(v), uint8(v>>8)
	}
	put16(CMOSBaseMemLo, 640)
	ext := uint64(0)
	if c.RAMBelow4G > 1<<20 {
		ext = min((c.RAMBelow4G-1<<20)>>10, 65535)
	}
	put16(CMOSExtMemLo, ext)
	put16(CMOSExtMem2Lo, ext)
	above16 := uint64(0)
	if c.RAMBelow4G > 16<<20 {
		above16 = min((c.RAMBelow4G-16<<20)>>16, 65535)
	}
	put16(CMOSAbove16MLo, above16)
	high := min(c.RAMAbove4G>>16, 0xffffff)
	set[CMOSAbove4GLo], set[CMOSAbove4GMid], set[CMOSAbove4GHi] = uint8(high), uint8(high>>8), uint8(high>>16)
	set[CMOSCPUCount] = uint8(c.CPUs - 1)
	equip := uint8(0x02 | 0x04) // FPU present, PS/2 mouse port
	if c.Floppies > 0 {
		equip |= 0x01 | uint8(c.Floppies-1)<<6
	}
	set[CMOSEquipment] = equip
	set[CMOSBootFlag2] = boot[1]<<4 | boot[0]
	flag1 := boot[2] << 4
	if c.NoFloppyBootCheck {
		flag1 |= 0x01
	}
	set[CMOSBootFlag1] = flag1

	r.mu.Lock()
	defer r.mu.Unlock()
	for i, v := range set {
		r.cmos[i] = v
	}
	r.updateChecksum()
	return nil
}

// UpdateChecksum recomputes the checksum of bytes 0x10..0x2d after the
// machine changed them with SetCMOS.
func (r *RTC) UpdateChecksum() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updateChecksum()
}

func (r *RTC) updateChecksum() {
	sum := uint16(0)
	for i := checksumFirst; i <= checksumLast; i++ {
		sum += uint16(r.cmos[i])
	}
	r.cmos[CMOSChecksumHi] = uint8(sum >> 8)
	r.cmos[CMOSChecksumLo] = uint8(sum)
}
