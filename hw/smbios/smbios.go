// Package smbios builds the System Management BIOS tables (DMTF DSP0134,
// version 3.0) that describe a gemu machine to its guest when no firmware
// does, as in a direct kernel boot: Linux prints them as "DMI: <vendor>
// <product>, BIOS <version> <date>" and exports them in /sys/class/dmi/id,
// and dmidecode, systemd and cloud-init read them.
//
// Build lays out the entry points and the structure table for the
// guest-physical addresses the caller chooses; emu/loader places them in
// guest memory (loader.SMBIOS), with the entry points in the system BIOS
// area where operating systems scan for them.
//
// # Wiring a machine
//
//	c := smbios.PC() // or smbios.Q35(), smbios.MicroVM(): names as QEMU 7.2 gives them
//	c.Addr = loader.SMBIOSAddr
//	c.BIOS.Version, c.BIOS.Date = ..., "mm/dd/yyyy"
//	c.System.UUID = ... // -uuid, in the order it is written
//	c.Processor.CPUs, c.Processor.Sockets, c.Processor.Cores, c.Processor.Threads = ... // -smp
//	c.Processor.Signature, c.Processor.Features = ... // CPUID.1:EAX and EDX of the vCPU model
//	c.Memory.Ranges = []smbios.Range{{0, lowRAM}, {4 << 30, highRAM}} // RAM as mapped
//	tables, err := smbios.Build(c)
//	regions, err := loader.SMBIOS(ram, tables, e820)
//
// # What the tables hold
//
// Both entry points by default: the SMBIOS 3.0 one ("_SM3_", which Linux
// prefers and EFI will use) and the 2.1 one ("_SM_" with "_DMI_"), for
// older guests, both pointing at one table. The structures, with QEMU's
// handle numbering (type<<8 | instance) and QEMU's contents where the
// configuration says nothing more:
//
//	type 0   BIOS information (handle 0x0000)
//	type 1   system information: manufacturer, product, version, UUID (0x0100)
//	type 3   chassis (0x0300)
//	type 4   one processor per socket: CPUID signature and features, core and thread counts (0x0400+)
//	type 16  the physical memory array (0x1000)
//	type 17  memory devices, one per 16 GiB of RAM (0x1100+)
//	type 19  memory array mapped addresses, one per RAM range (0x1300+)
//	type 32  system boot information (0x2000)
//	type 127 end of table (0x7F00)
package smbios

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// Version is an SMBIOS specification version.
type Version struct{ Major, Minor, Docrev uint8 }

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Docrev) }

// SpecVersion is the version the tables follow: their structures have the
// 3.0 lengths.
var SpecVersion = Version{3, 0, 0}

// EntryPoints selects the entry points Build writes (QEMU's
// smbios-entry-point-type machine property has one of each).
type EntryPoints uint8

const (
	// BothEntryPoints writes the 64-bit entry point at Addr and the 32-bit
	// one at Addr+32.
	BothEntryPoints EntryPoints = iota
	// EntryPoint64 writes only the SMBIOS 3.0 entry point ("_SM3_").
	EntryPoint64
	// EntryPoint32 writes only the SMBIOS 2.1 entry point ("_SM_"), which
	// needs the table below 4 GiB and at most 65535 bytes long.
	EntryPoint32
)

// AnchorSize is the room the entry points take at Addr: 32 bytes for each
// (24 and 31 bytes, each 16-byte aligned).
func (e EntryPoints) AnchorSize() uint64 {
	if e == BothEntryPoints {
		return 64
	}
	return 32
}

// Config describes the machine to the guest. PC, Q35 and MicroVM return
// QEMU's descriptions of its boards; the caller adds the addresses, the
// processors and the memory.
type Config struct {
	// Addr is the guest-physical address of the entry points: 16-byte
	// aligned, in 0xf0000-0xfffff for operating systems that scan for
	// them.
	Addr uint64
	// TableAddr is the address of the structure table; 0 places it right
	// after the entry points (Addr + EntryPoints.AnchorSize()).
	TableAddr   uint64
	EntryPoints EntryPoints

	BIOS      BIOS
	System    System
	Chassis   Chassis
	Processor Processor
	Memory    Memory
}

// BIOS is the type 0 structure (DSP0134 section 7.1). The BIOS is
// described as QEMU describes its own: starting segment 0xE800, 64 KiB ROM,
// "BIOS characteristics not supported", and the extension bits for
// targeted content distribution and a virtual machine (and UEFI).
type BIOS struct {
	Vendor  string
	Version string
	Date    string // mm/dd/yyyy, or empty
	// Major and Minor are the system BIOS release (Linux's bios_release
	// shows "Major.Minor"; 0xFF in both says there is none).
	Major, Minor uint8
	UEFI         bool // the firmware supports the UEFI specification
}

// System is the type 1 structure (DSP0134 section 7.2); the wake-up type
// is "power switch".
type System struct {
	Manufacturer string
	Product      string
	Version      string
	Serial       string
	SKU          string
	Family       string
	// UUID in the order it is written ("00112233-4455-6677-8899-aabbccddeeff"
	// is {0x00, 0x11, ...}); the table stores its first three fields little
	// endian, as SMBIOS 2.6 and later do. All zero: not set.
	UUID [16]byte
}

// Chassis is the type 3 structure (DSP0134 section 7.4), in safe states,
// with unknown security status.
type Chassis struct {
	Manufacturer string
	Version      string
	Serial       string
	AssetTag     string
	SKU          string
	Type         uint8 // DSP0134 table 17 (bit 7, the lock, is refused); 0 means Other (1)
}

// Processor describes the type 4 structures (DSP0134 section 7.5): one per
// socket, central processors without cache information.
type Processor struct {
	// SocketPrefix names the sockets "<prefix> <n>"; empty means "CPU".
	SocketPrefix string
	Manufacturer string
	Version      string
	Serial       string
	AssetTag     string
	PartNumber   string
	// Family is the processor family (DSP0134 table 23); 0 means Other (1).
	// Values from 0xFE go through the Processor Family 2 field.
	Family uint16
	// Signature and Features are CPUID leaf 1's EAX and EDX: the processor
	// ID field.
	Signature, Features uint32
	// MaxSpeed and CurrentSpeed are in MHz; 0 is unknown.
	MaxSpeed, CurrentSpeed uint16
	// Characteristics is the Processor Characteristics field (DSP0134
	// table 27); 0 means Unknown (bit 1).
	Characteristics uint16

	// The topology, as -smp gives it: CPUs present at boot (0: all),
	// sockets, cores per socket, threads per core (0 each means 1).
	// Sockets are filled in order: CPU n is thread n%Threads of core
	// (n/Threads)%Cores of socket n/(Cores*Threads).
	CPUs, Sockets, Cores, Threads int
}

// Memory describes the types 16, 17 and 19 (DSP0134 sections 7.17, 7.18
// and 7.20): one memory array, a memory device for each DeviceSize of the
// total RAM, a mapped address structure for each range.
type Memory struct {
	// Ranges is the RAM as the guest-physical address space maps it, in
	// ascending order, KiB aligned (pc: [0, below 4 GiB), [4 GiB, ...)).
	Ranges []Range
	// LocatorPrefix names the memory devices "<prefix> <n>"; empty means
	// "DIMM".
	LocatorPrefix string
	Manufacturer  string
}

// DeviceSize is the RAM each memory device holds (the last one holds the
// rest), as QEMU divides it.
const DeviceSize = 16 << 30

// Range is a guest-physical address range.
type Range struct{ Addr, Size uint64 }

// End is the first address after r.
func (r Range) End() uint64 { return r.Addr + r.Size }

// Handle numbering: QEMU's, type<<8 plus the instance, with room for 256
// sockets, 512 memory devices (types 17 and 18's blocks) and 256 ranges.
const (
	handleBIOS      = 0x0000
	handleSystem    = 0x0100
	handleChassis   = 0x0300
	handleProcessor = 0x0400
	handleArray     = 0x1000
	handleDevice    = 0x1100
	handleMapped    = 0x1300
	handleBoot      = 0x2000
	handleEnd       = 0x7f00

	maxSockets = 0x100
	maxDevices = handleMapped - handleDevice
	maxRanges  = 0x100
)

// PC returns QEMU 7.2's description of its pc machine (pc-i440fx-7.2).
func PC() Config { return qemu("Standard PC (i440FX + PIIX, 1996)", "pc-i440fx-7.2") }

// Q35 returns QEMU 7.2's description of its q35 machine (pc-q35-7.2).
func Q35() Config { return qemu("Standard PC (Q35 + ICH9, 2009)", "pc-q35-7.2") }

// MicroVM returns the description of a microvm machine.
func MicroVM() Config { return qemu("microvm", "microvm") }

// qemu returns QEMU's defaults for a machine: "QEMU" as the manufacturer of
// the system, chassis, processors and memory, the machine type as the
// version of all three, processors at 2000 MHz, and a BIOS from gemu.
func qemu(product, version string) Config {
	return Config{
		BIOS:      BIOS{Vendor: "gemu"},
		System:    System{Manufacturer: "QEMU", Product: product, Version: version},
		Chassis:   Chassis{Manufacturer: "QEMU", Version: version},
		Processor: Processor{Manufacturer: "QEMU", Version: version, MaxSpeed: 2000, CurrentSpeed: 2000},
		Memory:    Memory{Manufacturer: "QEMU"},
	}
}

// Tables is what Build lays out: the entry points for Addr and the
// structure table for TableAddr.
type Tables struct {
	Addr   uint64 // guest-physical address of Anchor
	Anchor []byte // the entry points, EntryPoints.AnchorSize() bytes
	// EntryPoint64 and EntryPoint32 are the entry points' addresses, 0 for
	// one not written.
	EntryPoint64, EntryPoint32 uint64

	TableAddr  uint64 // guest-physical address of Table
	Table      []byte // the structure table
	Structures []Structure
	Version    Version
}

// Contiguous reports whether the table directly follows the entry points,
// so that one write of Bytes places both.
func (t *Tables) Contiguous() bool { return t.TableAddr == t.Addr+uint64(len(t.Anchor)) }

// Bytes returns the anchor followed by the table, for contiguous tables.
func (t *Tables) Bytes() []byte {
	if !t.Contiguous() {
		return nil
	}
	return append(append([]byte(nil), t.Anchor...), t.Table...)
}

// Build builds the tables c describes, after checking it.
func Build(c Config) (*Tables, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	ss := c.structures()
	table, err := Encode(ss)
	if err != nil {
		return nil, err
	}
	t := &Tables{Addr: c.Addr, TableAddr: c.TableAddr, Table: table, Structures: ss, Version: SpecVersion}
	if t.TableAddr == 0 {
		t.TableAddr = c.Addr + c.EntryPoints.AnchorSize()
	}
	n := uint64(len(table))
	if t.TableAddr+n < t.TableAddr {
		return nil, fmt.Errorf("smbios: structure table at %#x wraps around", t.TableAddr)
	}
	if t.TableAddr < c.Addr+c.EntryPoints.AnchorSize() && c.Addr < t.TableAddr+n {
		return nil, fmt.Errorf("smbios: structure table [%#x-%#x] overlaps the entry points at %#x", t.TableAddr, t.TableAddr+n-1, c.Addr)
	}
	if c.EntryPoints != EntryPoint64 {
		if n > math.MaxUint16 {
			return nil, fmt.Errorf("smbios: structure table of %d bytes is too long for the 32-bit entry point (at most 65535); use the 64-bit one alone", n)
		}
		if t.TableAddr+n > 1<<32 {
			return nil, fmt.Errorf("smbios: structure table [%#x-%#x] is above 4 GiB, out of the 32-bit entry point's reach; use the 64-bit one alone", t.TableAddr, t.TableAddr+n-1)
		}
	}
	maxStruct := 0
	for _, s := range ss {
		maxStruct = max(maxStruct, s.Size())
	}
	t.Anchor = make([]byte, c.EntryPoints.AnchorSize())
	switch c.EntryPoints {
	case BothEntryPoints:
		t.EntryPoint64, t.EntryPoint32 = c.Addr, c.Addr+32
		copy(t.Anchor, entryPoint3(t.Version, t.TableAddr, uint32(n)))
		copy(t.Anchor[32:], entryPoint2(t.Version, uint32(t.TableAddr), uint16(n), uint16(len(ss)), uint16(maxStruct)))
	case EntryPoint64:
		t.EntryPoint64 = c.Addr
		copy(t.Anchor, entryPoint3(t.Version, t.TableAddr, uint32(n)))
	case EntryPoint32:
		t.EntryPoint32 = c.Addr
		copy(t.Anchor, entryPoint2(t.Version, uint32(t.TableAddr), uint16(n), uint16(len(ss)), uint16(maxStruct)))
	}
	return t, nil
}

var dateRE = regexp.MustCompile(`^(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])/[0-9]{4}$`)

func (c *Config) check() error {
	if c.Addr%16 != 0 {
		return fmt.Errorf("smbios: entry point address %#x is not 16-byte aligned", c.Addr)
	}
	if c.EntryPoints > EntryPoint32 {
		return fmt.Errorf("smbios: unknown entry point selection %d", c.EntryPoints)
	}
	if c.Addr+c.EntryPoints.AnchorSize() < c.Addr {
		return fmt.Errorf("smbios: entry points at %#x wrap around", c.Addr)
	}
	for _, f := range []struct {
		name, val string
	}{
		{"BIOS vendor", c.BIOS.Vendor}, {"BIOS version", c.BIOS.Version}, {"BIOS date", c.BIOS.Date},
		{"system manufacturer", c.System.Manufacturer}, {"system product", c.System.Product},
		{"system version", c.System.Version}, {"system serial", c.System.Serial},
		{"system SKU", c.System.SKU}, {"system family", c.System.Family},
		{"chassis manufacturer", c.Chassis.Manufacturer}, {"chassis version", c.Chassis.Version},
		{"chassis serial", c.Chassis.Serial}, {"chassis asset tag", c.Chassis.AssetTag},
		{"chassis SKU", c.Chassis.SKU},
		{"socket prefix", c.Processor.SocketPrefix}, {"processor manufacturer", c.Processor.Manufacturer},
		{"processor version", c.Processor.Version}, {"processor serial", c.Processor.Serial},
		{"processor asset tag", c.Processor.AssetTag}, {"processor part number", c.Processor.PartNumber},
		{"memory locator prefix", c.Memory.LocatorPrefix}, {"memory manufacturer", c.Memory.Manufacturer},
	} {
		if strings.IndexByte(f.val, 0) >= 0 {
			return fmt.Errorf("smbios: %s %q contains a NUL byte", f.name, f.val)
		}
	}
	if c.BIOS.Date != "" && !dateRE.MatchString(c.BIOS.Date) {
		return fmt.Errorf("smbios: BIOS date %q is not mm/dd/yyyy", c.BIOS.Date)
	}
	if c.Chassis.Type&0x80 != 0 || c.Chassis.Type > chassisTypeMax {
		return fmt.Errorf("smbios: chassis type %#x is not one of DSP0134's (1 to %#x)", c.Chassis.Type, chassisTypeMax)
	}
	if f := c.Processor.Family; f >= 0xfffe {
		return fmt.Errorf("smbios: processor family %#x is reserved", f)
	}
	if err := c.Processor.checkTopology(); err != nil {
		return err
	}
	return c.Memory.check()
}

// chassisTypeMax is the last chassis type DSP0134 3.0 defines (Stick PC).
const chassisTypeMax = 0x24

// topology returns the sockets, cores per socket, threads per core and
// CPUs present, with zeros defaulted.
func (p *Processor) topology() (sockets, cores, threads, cpus int) {
	sockets, cores, threads, cpus = max(p.Sockets, 1), max(p.Cores, 1), max(p.Threads, 1), p.CPUs
	if cpus == 0 {
		cpus = sockets * cores * threads
	}
	return
}

func (p *Processor) checkTopology() error {
	if p.CPUs < 0 || p.Sockets < 0 || p.Cores < 0 || p.Threads < 0 {
		return fmt.Errorf("smbios: negative topology (cpus %d, sockets %d, cores %d, threads %d)", p.CPUs, p.Sockets, p.Cores, p.Threads)
	}
	sockets, cores, threads, cpus := p.topology()
	if sockets > maxSockets {
		return fmt.Errorf("smbios: %d sockets; at most %d", sockets, maxSockets)
	}
	// The core and thread counts are 16-bit (0xFFFF is reserved).
	if cores > 0xfffe || threads > 0xfffe || cores*threads > 0xfffe {
		return fmt.Errorf("smbios: %d cores of %d threads per socket; at most 65534 threads", cores, threads)
	}
	if cpus > sockets*cores*threads {
		return fmt.Errorf("smbios: %d CPUs do not fit %d sockets of %d cores of %d threads", cpus, sockets, cores, threads)
	}
	return nil
}

func (m *Memory) check() error {
	if len(m.Ranges) == 0 {
		return fmt.Errorf("smbios: no RAM ranges")
	}
	if len(m.Ranges) > maxRanges {
		return fmt.Errorf("smbios: %d RAM ranges; at most %d", len(m.Ranges), maxRanges)
	}
	var total uint64
	for i, r := range m.Ranges {
		if r.Size == 0 || r.End() < r.Addr {
			return fmt.Errorf("smbios: RAM range %d [%#x, +%#x) is empty or wraps", i, r.Addr, r.Size)
		}
		if r.Addr%1024 != 0 || r.Size%1024 != 0 {
			return fmt.Errorf("smbios: RAM range %d [%#x, +%#x) is not KiB aligned", i, r.Addr, r.Size)
		}
		if i > 0 && r.Addr < m.Ranges[i-1].End() {
			return fmt.Errorf("smbios: RAM range %d at %#x overlaps or precedes range %d ending at %#x", i, r.Addr, i-1, m.Ranges[i-1].End())
		}
		if total+r.Size < total {
			return fmt.Errorf("smbios: RAM ranges add up to more than 16 EiB")
		}
		total += r.Size
	}
	if n := (total + DeviceSize - 1) / DeviceSize; n > maxDevices {
		return fmt.Errorf("smbios: %d bytes of RAM need %d memory devices of 16 GiB; at most %d", total, n, maxDevices)
	}
	return nil
}
