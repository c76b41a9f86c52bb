package loader

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gemu/accel"
	"gemu/hw/mem"
)

// BIOS image limits and the legacy window, as a PC maps its firmware.
const (
	biosMinSize   = 64 << 10
	biosMaxSize   = 16 << 20
	biosGranule   = 64 << 10
	isaBIOSWindow = 128 << 10 // the top of the image also appears below 1 MiB
	fourGiB       = 1 << 32
)

// DefaultBIOS is the firmware the pc machine loads without -bios.
const DefaultBIOS = "bios-256k.bin"

// DefaultFirmwareDirs are searched after the -L directories, in order: where
// Debian's QEMU looks for its firmware.
var DefaultFirmwareDirs = []string{"/usr/share/qemu", "/usr/share/seabios", "/usr/lib/ipxe/qemu"}

// ErrFirmwareNotFound is wrapped by FindFirmware's error.
var ErrFirmwareNotFound = errors.New("firmware not found")

// FindFirmware resolves a firmware name as QEMU does: a name that exists as
// given (relative to the working directory, or absolute) is used as is;
// otherwise it is looked up in each of dirs (the -L directories, in order)
// and then in DefaultFirmwareDirs.
func FindFirmware(name string, dirs []string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("loader: empty firmware name")
	}
	if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() {
		return name, nil
	}
	var tried []string
	if !filepath.IsAbs(name) {
		for _, d := range append(append([]string(nil), dirs...), DefaultFirmwareDirs...) {
			p := filepath.Join(d, name)
			tried = append(tried, d)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
				return "", fmt.Errorf("loader: firmware %s: %w", name, err)
			}
		}
	}
	return "", fmt.Errorf("loader: %w: %s (searched the working directory and %v)", ErrFirmwareNotFound, name, tried)
}

// BIOS maps a firmware image read-only at the top of the 4 GiB address space
// and aliases its last 128 KiB (all of it when smaller) just below 1 MiB, the
// legacy BIOS window (0xe0000-0xfffff for images of 128 KiB or more). The CPU
// starts from the reset state, fetching at 0xfffffff0. The image must be a
// multiple of 64 KiB between 64 KiB and 16 MiB.
func BIOS(ram *mem.Guest, img Image) (*Boot, error) {
	if img.Size < biosMinSize || img.Size > biosMaxSize || img.Size%biosGranule != 0 {
		return nil, fmt.Errorf("loader: BIOS image %s is %d bytes; want a multiple of 64 KiB from 64 KiB to 16 MiB", img.Name, img.Size)
	}
	size := uint64(img.Size)
	base := mem.GPA(fourGiB - size)
	for _, s := range ram.Slots() {
		if s.End() > base && s.GPA < fourGiB {
			return nil, fmt.Errorf("loader: BIOS image %s at %#x overlaps memory slot %s [%#x-%#x]", img.Name, uint64(base), s.Name, uint64(s.GPA), uint64(s.End())-1)
		}
	}
	host, err := ram.AddROM("pc.bios", base, size)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	if err := img.readAt(host, 0); err != nil {
		return nil, fmt.Errorf("loader: BIOS: %w", err)
	}
	isa := min(size, isaBIOSWindow)
	from := base + mem.GPA(size-isa)
	at := mem.GPA(HighMemStart - isa)
	if err := ram.AliasRAM("isa-bios", at, from, isa, true); err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	return &Boot{
		CPU:      accel.ResetState(0),
		Protocol: "bios",
		Regions:  []Region{{"pc.bios", base, size}, {"isa-bios", at, isa}},
	}, nil
}
