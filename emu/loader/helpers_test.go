package loader

import (
	"bytes"
	"encoding/binary"
	"testing"

	"gemu/hw/mem"
)

func img(name string, b []byte) Image {
	return Image{Name: name, R: bytes.NewReader(b), Size: int64(len(b))}
}

func readGuest(t *testing.T, ram *mem.Guest, a uint64, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := ram.ReadAt(b, int64(a)); err != nil {
		t.Fatalf("reading guest memory at %#x: %v", a, err)
	}
	return b
}

func guest32(t *testing.T, ram *mem.Guest, a uint64) uint32 {
	return binary.LittleEndian.Uint32(readGuest(t, ram, a, 4))
}

func guest64(t *testing.T, ram *mem.Guest, a uint64) uint64 {
	return binary.LittleEndian.Uint64(readGuest(t, ram, a, 8))
}

// bzOpts describe a synthetic bzImage.
type bzOpts struct {
	version     uint16
	setupSects  uint8
	loadFlags   uint8
	xloadflags  uint16
	relocatable bool
	pref        uint64
	align       uint32
	initSize    uint32
	initrdMax   uint32
	cmdlineSize uint32
	payload     int // protected-mode bytes
}

func defaultBz() bzOpts {
	return bzOpts{version: 0x20f, setupSects: 4, loadFlags: loadedHigh, xloadflags: xlfKernel64 | xlfAbove4G,
		relocatable: true, pref: 0x1000000, align: 0x200000, initSize: 0x800000, initrdMax: 0x7fffffff,
		cmdlineSize: 2047, payload: 0x12345}
}

// fakeBzImage builds a bzImage with a real-mode part of setupSects+1
// sectors and a payload whose bytes are i*7.
func fakeBzImage(o bzOpts) []byte {
	sects := int(o.setupSects)
	if sects == 0 {
		sects = 4
	}
	b := make([]byte, (sects+1)*512+o.payload)
	p := binary.LittleEndian
	b[hdrSetupSects] = o.setupSects
	p.PutUint16(b[hdrBootFlag:], bootFlag)
	b[hdrJump] = 0xeb
	b[hdrJump+1] = 0x6a // header ends at 0x26c, as in 6.x kernels
	p.PutUint32(b[hdrMagic:], hdrSMagic)
	p.PutUint16(b[hdrVersion:], o.version)
	b[hdrLoadFlags] = o.loadFlags
	p.PutUint32(b[hdrCode32Start:], 0x100000)
	p.PutUint32(b[hdrInitrdAddrMax:], o.initrdMax)
	p.PutUint32(b[hdrKernelAlignment:], o.align)
	if o.relocatable {
		b[hdrRelocatable] = 1
	}
	p.PutUint16(b[hdrXLoadFlags:], o.xloadflags)
	p.PutUint32(b[hdrCmdlineSize:], o.cmdlineSize)
	p.PutUint64(b[hdrPrefAddress:], o.pref)
	p.PutUint32(b[hdrInitSize:], o.initSize)
	for i := (sects + 1) * 512; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	return b
}

// elfSeg describes a segment of a synthetic ELF image.
type elfSeg struct {
	typ          uint32
	paddr, vaddr uint64
	data         []byte
	memsz        uint64
}

// fakeELF builds an ELF executable with the given segments, their data laid
// out after the program headers.
func fakeELF(is64 bool, machine uint16, entry uint64, segs []elfSeg) []byte {
	p := binary.LittleEndian
	ehsize, phent := 52, 32
	if is64 {
		ehsize, phent = 64, 56
	}
	off := ehsize + phent*len(segs)
	var data []byte
	b := make([]byte, ehsize+phent*len(segs))
	copy(b, "\x7fELF")
	b[4] = elfClass32
	if is64 {
		b[4] = elfClass64
	}
	b[5] = elfData2LSB
	b[6] = 1
	p.PutUint16(b[16:], elfExec)
	p.PutUint16(b[18:], machine)
	if is64 {
		p.PutUint64(b[24:], entry)
		p.PutUint64(b[32:], uint64(ehsize))
		p.PutUint16(b[52:], uint16(ehsize))
		p.PutUint16(b[54:], uint16(phent))
		p.PutUint16(b[56:], uint16(len(segs)))
	} else {
		p.PutUint32(b[24:], uint32(entry))
		p.PutUint32(b[28:], uint32(ehsize))
		p.PutUint16(b[40:], uint16(ehsize))
		p.PutUint16(b[42:], uint16(phent))
		p.PutUint16(b[44:], uint16(len(segs)))
	}
	for i, s := range segs {
		h := b[ehsize+i*phent:]
		fo := uint64(off + len(data))
		memsz := s.memsz
		if memsz == 0 {
			memsz = uint64(len(s.data))
		}
		vaddr := s.vaddr
		if vaddr == 0 {
			vaddr = s.paddr
		}
		if is64 {
			p.PutUint32(h, s.typ)
			p.PutUint64(h[8:], fo)
			p.PutUint64(h[16:], vaddr)
			p.PutUint64(h[24:], s.paddr)
			p.PutUint64(h[32:], uint64(len(s.data)))
			p.PutUint64(h[40:], memsz)
		} else {
			p.PutUint32(h, s.typ)
			p.PutUint32(h[4:], uint32(fo))
			p.PutUint32(h[8:], uint32(vaddr))
			p.PutUint32(h[12:], uint32(s.paddr))
			p.PutUint32(h[16:], uint32(len(s.data)))
			p.PutUint32(h[20:], uint32(memsz))
		}
		data = append(data, s.data...)
	}
	return append(b, data...)
}

// note encodes one ELF note.
func note(name string, typ uint32, desc []byte) []byte {
	p := binary.LittleEndian
	n := append([]byte(name), 0)
	b := make([]byte, 12)
	p.PutUint32(b, uint32(len(n)))
	p.PutUint32(b[4:], uint32(len(desc)))
	p.PutUint32(b[8:], typ)
	pad := func(x []byte) []byte {
		for len(x)%4 != 0 {
			x = append(x, 0)
		}
		return x
	}
	b = append(b, pad(n)...)
	return append(b, pad(append([]byte(nil), desc...))...)
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)*31 + seed
	}
	return b
}

// mbHeader encodes a Multiboot header, with address fields when flags has
// bit 16.
func mbHeader(flags uint32, addr [5]uint32) []byte {
	p := binary.LittleEndian
	b := make([]byte, 32)
	p.PutUint32(b, mbHeaderMagic)
	p.PutUint32(b[4:], flags)
	p.PutUint32(b[8:], -(mbHeaderMagic + flags))
	for i, a := range addr {
		p.PutUint32(b[12+4*i:], a)
	}
	return b
}
