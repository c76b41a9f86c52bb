package smbios

import "fmt"

// Structure types (DSP0134 section 7).
const (
	TypeBIOS          = 0
	TypeSystem        = 1
	TypeChassis       = 3
	TypeProcessor     = 4
	TypeMemoryArray   = 16
	TypeMemoryDevice  = 17
	TypeMappedAddress = 19
	TypeBoot          = 32
	TypeEnd           = 127
)

// Offsets below are from the start of the structure, header included, as
// DSP0134 gives them; the formatted areas have the 3.0 lengths.

// Type 0, BIOS information (section 7.1).
const (
	biosLen         = 0x18
	biosVendor      = 0x04
	biosVersion     = 0x05
	biosSegment     = 0x06 // starting address segment (WORD)
	biosDate        = 0x08
	biosROMSize     = 0x09 // 64K * (n+1)
	biosChars       = 0x0a // characteristics (QWORD)
	biosCharsExt1   = 0x12
	biosCharsExt2   = 0x13
	biosMajor       = 0x14
	biosMinor       = 0x15
	biosECMajor     = 0x16
	biosECMinor     = 0x17
	biosStartSeg    = 0xe800 // QEMU's: a 96 KiB runtime area up to 1 MiB
	biosCharsNone   = 1 << 3 // "BIOS Characteristics are not supported" (table 7)
	biosExt2Content = 1 << 2 // enable targeted content distribution (table 9)
	biosExt2UEFI    = 1 << 3 // UEFI specification is supported
	biosExt2VM      = 1 << 4 // SMBIOS table describes a virtual machine
	biosNoEC        = 0xff   // no embedded controller firmware
)

// Type 1, system information (section 7.2).
const (
	sysLen          = 0x1b
	sysManufacturer = 0x04
	sysProduct      = 0x05
	sysVersion      = 0x06
	sysSerial       = 0x07
	sysUUID         = 0x08
	sysWakeUp       = 0x18
	sysSKU          = 0x19
	sysFamily       = 0x1a
	wakeUpPower     = 0x06 // power switch (table 12)
)

// Type 3, system enclosure or chassis (section 7.4), without contained
// elements.
const (
	chassisLen          = 0x16
	chassisManufacturer = 0x04
	chassisType         = 0x05
	chassisVersion      = 0x06
	chassisSerial       = 0x07
	chassisAssetTag     = 0x08
	chassisBootState    = 0x09
	chassisPowerState   = 0x0a
	chassisThermalState = 0x0b
	chassisSecurity     = 0x0c
	chassisSKU          = 0x15 // after 0 contained elements
	chassisOther        = 0x01 // table 17
	stateSafe           = 0x03 // table 18
	securityUnknown     = 0x02 // table 19
)

// Type 4, processor information (section 7.5).
const (
	procLen          = 0x30
	procSocket       = 0x04
	procType         = 0x05
	procFamily       = 0x06
	procManufacturer = 0x07
	procID           = 0x08 // CPUID.1 EAX, then EDX
	procVersion      = 0x10
	procMaxSpeed     = 0x14
	procCurSpeed     = 0x16
	procStatus       = 0x18
	procUpgrade      = 0x19
	procL1           = 0x1a
	procL2           = 0x1c
	procL3           = 0x1e
	procSerial       = 0x20
	procAssetTag     = 0x21
	procPartNumber   = 0x22
	procCoreCount    = 0x23
	procCoreEnabled  = 0x24
	procThreadCount  = 0x25
	procChars        = 0x26
	procFamily2      = 0x28
	procCoreCount2   = 0x2a
	procCoreEnabled2 = 0x2c
	procThreadCount2 = 0x2e
	procTypeCentral  = 0x03 // table 22
	procFamilyOther  = 0x01 // table 23
	procFamilyUse2   = 0xfe // "see Processor Family 2"
	procPopulated    = 1 << 6
	procEnabled      = 0x01 // CPU status: enabled
	procUpgradeOther = 0x01 // table 24
	procNoCache      = 0xffff
	procCharsUnknown = 1 << 1
	procCountUseWord = 0xff // "see Core Count 2" and the like
	procCountByteMax = 0xfe
)

// Type 16, physical memory array (section 7.17).
const (
	arrayLen       = 0x17
	arrayLocation  = 0x04
	arrayUse       = 0x05
	arrayECC       = 0x06
	arrayMaxCap    = 0x07 // KiB (DWORD)
	arrayErrHandle = 0x0b
	arrayDevices   = 0x0d
	arrayExtMaxCap = 0x0f // bytes (QWORD)
	locationOther  = 0x01 // table 72
	useSystem      = 0x03 // table 73
	eccMultiBit    = 0x06 // table 74
	maxCapUseExt   = 0x80000000
	noErrorInfo    = 0xfffe // "not provided"
)

// Type 17, memory device (section 7.18), with the 2.8 fields (3.0 adds
// none).
const (
	devLen          = 0x28
	devArray        = 0x04
	devErrHandle    = 0x06
	devTotalWidth   = 0x08
	devDataWidth    = 0x0a
	devSize         = 0x0c
	devFormFactor   = 0x0e
	devLocator      = 0x10
	devBankLocator  = 0x11
	devType         = 0x12
	devTypeDetail   = 0x13
	devManufacturer = 0x17
	devSerial       = 0x18
	devAssetTag     = 0x19
	devPartNumber   = 0x1a
	devExtSize      = 0x1c // MiB, bits 30:0 (DWORD)
	widthUnknown    = 0xffff
	formDIMM        = 0x09   // table 75
	memTypeRAM      = 0x07   // table 76
	detailOther     = 1 << 1 // table 77
	sizeKiB         = 1 << 15
	sizeUseExt      = 0x7fff
)

// Type 19, memory array mapped address (section 7.20).
const (
	mapLen       = 0x1f
	mapStart     = 0x04 // KiB (DWORD)
	mapEnd       = 0x08 // KiB of the last KiB (DWORD)
	mapArray     = 0x0c
	mapPartWidth = 0x0e
	mapExtStart  = 0x0f // bytes (QWORD)
	mapExtEnd    = 0x17 // address of the last byte (QWORD)
	mapUseExt    = 0xffffffff
)

// Type 32, system boot information (section 7.33), and type 127, end of
// table (section 7.44).
const (
	bootLen    = 0x0b
	bootStatus = 0x0a // 0: no errors detected
	endLen     = 0x04
)

// builder collects one structure's formatted area and string set.
type builder struct {
	s Structure
}

func newStructure(typ uint8, handle uint16, length int) *builder {
	return &builder{Structure{Type: typ, Handle: handle, Data: make([]byte, length-headerLen)}}
}

// field returns the formatted area from offset off (a DSP0134 offset,
// header included).
func (b *builder) field(off int) []byte { return b.s.Data[off-headerLen:] }

func (b *builder) byte(off int, v uint8)   { b.field(off)[0] = v }
func (b *builder) word(off int, v uint16)  { le.PutUint16(b.field(off), v) }
func (b *builder) dword(off int, v uint32) { le.PutUint32(b.field(off), v) }
func (b *builder) qword(off int, v uint64) { le.PutUint64(b.field(off), v) }
func (b *builder) bytes(off int, v []byte) { copy(b.field(off), v) }
func (b *builder) done() Structure         { return b.s }
func (b *builder) str(off int, v string)   { b.byte(off, b.intern(v)) }
func (b *builder) strs(offs []int, v ...string) {
	for i, off := range offs {
		b.str(off, v[i])
	}
}

// intern returns the string number of v in the structure's set, adding it
// if new; "" is number 0, no string.
func (b *builder) intern(v string) uint8 {
	if v == "" {
		return 0
	}
	for i, s := range b.s.Strings {
		if s == v {
			return uint8(i + 1)
		}
	}
	b.s.Strings = append(b.s.Strings, v)
	return uint8(len(b.s.Strings))
}

// structures returns every structure c describes, in table order.
func (c *Config) structures() []Structure {
	ss := []Structure{c.bios(), c.system(), c.chassis()}
	ss = append(ss, c.processors()...)
	ss = append(ss, c.memory()...)
	boot := newStructure(TypeBoot, handleBoot, bootLen)
	boot.byte(bootStatus, 0)
	ss = append(ss, boot.done(), newStructure(TypeEnd, handleEnd, endLen).done())
	return ss
}

func (c *Config) bios() Structure {
	b := newStructure(TypeBIOS, handleBIOS, biosLen)
	b.strs([]int{biosVendor, biosVersion, biosDate}, c.BIOS.Vendor, c.BIOS.Version, c.BIOS.Date)
	b.word(biosSegment, biosStartSeg)
	b.byte(biosROMSize, 0) // 64 KiB
	b.qword(biosChars, biosCharsNone)
	ext2 := uint8(biosExt2Content | biosExt2VM)
	if c.BIOS.UEFI {
		ext2 |= biosExt2UEFI
	}
	b.byte(biosCharsExt2, ext2)
	b.byte(biosMajor, c.BIOS.Major)
	b.byte(biosMinor, c.BIOS.Minor)
	b.byte(biosECMajor, biosNoEC)
	b.byte(biosECMinor, biosNoEC)
	return b.done()
}

func (c *Config) system() Structure {
	s := &c.System
	b := newStructure(TypeSystem, handleSystem, sysLen)
	b.strs([]int{sysManufacturer, sysProduct, sysVersion, sysSerial}, s.Manufacturer, s.Product, s.Version, s.Serial)
	b.bytes(sysUUID, uuidBytes(s.UUID))
	b.byte(sysWakeUp, wakeUpPower)
	b.strs([]int{sysSKU, sysFamily}, s.SKU, s.Family)
	return b.done()
}

// uuidBytes returns the UUID as SMBIOS 2.6 and later store it: time_low,
// time_mid and time_hi_and_version little endian, the rest as written
// (DSP0134 section 7.2.1).
func uuidBytes(u [16]byte) []byte {
	b := u
	b[0], b[1], b[2], b[3] = u[3], u[2], u[1], u[0]
	b[4], b[5] = u[5], u[4]
	b[6], b[7] = u[7], u[6]
	return b[:]
}

func (c *Config) chassis() Structure {
	ch := &c.Chassis
	b := newStructure(TypeChassis, handleChassis, chassisLen)
	t := ch.Type
	if t == 0 {
		t = chassisOther
	}
	b.str(chassisManufacturer, ch.Manufacturer)
	b.byte(chassisType, t)
	b.strs([]int{chassisVersion, chassisSerial, chassisAssetTag}, ch.Version, ch.Serial, ch.AssetTag)
	b.byte(chassisBootState, stateSafe)
	b.byte(chassisPowerState, stateSafe)
	b.byte(chassisThermalState, stateSafe)
	b.byte(chassisSecurity, securityUnknown)
	b.str(chassisSKU, ch.SKU)
	return b.done()
}

// processors returns one type 4 structure per socket.
func (c *Config) processors() []Structure {
	p := &c.Processor
	sockets, cores, threads, cpus := p.topology()
	prefix := p.SocketPrefix
	if prefix == "" {
		prefix = "CPU"
	}
	family, family2 := uint8(procFamilyOther), uint16(procFamilyOther)
	if p.Family >= procFamilyUse2 {
		family, family2 = procFamilyUse2, p.Family
	} else if p.Family != 0 {
		family, family2 = uint8(p.Family), p.Family
	}
	chars := p.Characteristics
	if chars == 0 {
		chars = procCharsUnknown
	}
	perSocket := cores * threads
	var out []Structure
	for s := 0; s < sockets; s++ {
		b := newStructure(TypeProcessor, uint16(handleProcessor+s), procLen)
		b.str(procSocket, fmt.Sprintf("%s %d", prefix, s))
		b.byte(procType, procTypeCentral)
		b.byte(procFamily, family)
		b.str(procManufacturer, p.Manufacturer)
		b.dword(procID, p.Signature)
		b.dword(procID+4, p.Features)
		b.str(procVersion, p.Version)
		b.word(procMaxSpeed, p.MaxSpeed)
		b.word(procCurSpeed, p.CurrentSpeed)
		// The CPUs present in this socket, and the cores they use.
		present := min(max(cpus-s*perSocket, 0), perSocket)
		enabled := (present + threads - 1) / threads
		if present > 0 {
			b.byte(procStatus, procPopulated|procEnabled)
		}
		b.byte(procUpgrade, procUpgradeOther)
		b.word(procL1, procNoCache)
		b.word(procL2, procNoCache)
		b.word(procL3, procNoCache)
		b.strs([]int{procSerial, procAssetTag, procPartNumber}, p.Serial, p.AssetTag, p.PartNumber)
		b.byte(procCoreCount, countByte(cores))
		b.byte(procCoreEnabled, countByte(enabled))
		b.byte(procThreadCount, countByte(perSocket))
		b.word(procChars, chars)
		b.word(procFamily2, family2)
		b.word(procCoreCount2, uint16(cores))
		b.word(procCoreEnabled2, uint16(enabled))
		b.word(procThreadCount2, uint16(perSocket))
		out = append(out, b.done())
	}
	return out
}

// countByte is a core or thread count's byte field: the count up to 254,
// else "see the word field" (DSP0134 7.5.6 to 7.5.8).
func countByte(n int) uint8 {
	if n > procCountByteMax {
		return procCountUseWord
	}
	return uint8(n)
}

// memory returns the array, its devices and its mapped ranges.
func (c *Config) memory() []Structure {
	m := &c.Memory
	var total uint64
	for _, r := range m.Ranges {
		total += r.Size
	}
	devices := int((total + DeviceSize - 1) / DeviceSize)

	a := newStructure(TypeMemoryArray, handleArray, arrayLen)
	a.byte(arrayLocation, locationOther)
	a.byte(arrayUse, useSystem)
	a.byte(arrayECC, eccMultiBit)
	if kib := total >> 10; kib < maxCapUseExt {
		a.dword(arrayMaxCap, uint32(kib))
	} else {
		a.dword(arrayMaxCap, maxCapUseExt)
		a.qword(arrayExtMaxCap, total)
	}
	a.word(arrayErrHandle, noErrorInfo)
	a.word(arrayDevices, uint16(devices))
	out := []Structure{a.done()}

	prefix := m.LocatorPrefix
	if prefix == "" {
		prefix = "DIMM"
	}
	for i := 0; i < devices; i++ {
		size := min(total-uint64(i)*DeviceSize, DeviceSize)
		d := newStructure(TypeMemoryDevice, uint16(handleDevice+i), devLen)
		d.word(devArray, handleArray)
		d.word(devErrHandle, noErrorInfo)
		d.word(devTotalWidth, widthUnknown)
		d.word(devDataWidth, widthUnknown)
		d.word(devSize, deviceSize(size))
		d.byte(devFormFactor, formDIMM)
		d.str(devLocator, fmt.Sprintf("%s %d", prefix, i))
		d.byte(devType, memTypeRAM)
		d.word(devTypeDetail, detailOther)
		d.str(devManufacturer, m.Manufacturer)
		out = append(out, d.done())
	}

	for i, r := range m.Ranges {
		s := newStructure(TypeMappedAddress, uint16(handleMapped+i), mapLen)
		start, end := r.Addr>>10, (r.End()-1)>>10
		if end < mapUseExt {
			s.dword(mapStart, uint32(start))
			s.dword(mapEnd, uint32(end))
		} else {
			s.dword(mapStart, mapUseExt)
			s.dword(mapEnd, mapUseExt)
			s.qword(mapExtStart, r.Addr)
			s.qword(mapExtEnd, r.End()-1)
		}
		s.word(mapArray, handleArray)
		s.byte(mapPartWidth, 1)
		out = append(out, s.done())
	}
	return out
}

// deviceSize encodes a memory device's size (at most DeviceSize): in MiB,
// or in KiB (bit 15) for a size under 32 MiB that is not whole MiB. A larger
// size that is not whole MiB is rounded down, the field's finest unit.
func deviceSize(n uint64) uint16 {
	if n%(1<<20) != 0 && n>>10 < sizeUseExt {
		return sizeKiB | uint16(n>>10)
	}
	return uint16(n >> 20)
}

// A device of DeviceSize fits the size field without the extended size
// (this fails to compile otherwise).
const _ = uint16(sizeUseExt - DeviceSize>>20 - 1)
