package loader

import (
	"errors"
	"fmt"
)

// ELF constants (System V ABI, "ELF Header" and "Program Header").
const (
	elfClass32    = 1
	elfClass64    = 2
	elfData2LSB   = 1
	elfExec       = 2
	elfMachine386 = 3
	elfMachineX86 = 62
	ptLoad        = 1
	ptNote        = 4
	maxProgs      = 512     // program headers accepted in one image
	maxNoteBytes  = 1 << 20 // bytes of PT_NOTE segments read
)

// ErrNotELF is wrapped by ParseELF's error for images without an ELF header.
var ErrNotELF = errors.New("not an ELF image")

// ELF is what a loader needs from an executable ELF image: its class, entry
// point and program headers.
type ELF struct {
	Is64    bool
	Machine uint16
	Entry   uint64
	Progs   []Prog
}

// Prog is a program header.
type Prog struct {
	Type          uint32
	Off           uint64
	Vaddr, Paddr  uint64
	Filesz, Memsz uint64
}

// ParseELF reads the ELF header and program headers of a little-endian x86
// executable, checking that every segment's file bytes lie inside the image.
func ParseELF(img Image) (*ELF, error) {
	hd, err := img.head(64)
	if err != nil {
		return nil, err
	}
	if len(hd) < 16 || string(hd[:4]) != "\x7fELF" {
		return nil, ErrNotELF
	}
	class := hd[4]
	if class != elfClass32 && class != elfClass64 {
		return nil, fmt.Errorf("loader: ELF class %d is neither 32- nor 64-bit", class)
	}
	if hd[5] != elfData2LSB {
		return nil, fmt.Errorf("loader: ELF data encoding %d is not little-endian", hd[5])
	}
	e := &ELF{Is64: class == elfClass64}
	var phoff uint64
	var phentsize, phnum, wantEnt int
	if e.Is64 {
		if len(hd) < 64 {
			return nil, fmt.Errorf("loader: ELF64 header: %w", ErrTruncated)
		}
		e.Entry = le.Uint64(hd[24:])
		phoff = le.Uint64(hd[32:])
		phentsize, phnum, wantEnt = int(le.Uint16(hd[54:])), int(le.Uint16(hd[56:])), 56
	} else {
		if len(hd) < 52 {
			return nil, fmt.Errorf("loader: ELF32 header: %w", ErrTruncated)
		}
		e.Entry = uint64(le.Uint32(hd[24:]))
		phoff = uint64(le.Uint32(hd[28:]))
		phentsize, phnum, wantEnt = int(le.Uint16(hd[42:])), int(le.Uint16(hd[44:])), 32
	}
	if t := le.Uint16(hd[16:]); t != elfExec {
		return nil, fmt.Errorf("loader: ELF type %d is not an executable (ET_EXEC)", t)
	}
	e.Machine = le.Uint16(hd[18:])
	if e.Machine != elfMachine386 && e.Machine != elfMachineX86 {
		return nil, fmt.Errorf("loader: ELF machine %d is not x86", e.Machine)
	}
	if phnum == 0 {
		return nil, fmt.Errorf("loader: ELF image has no program headers")
	}
	if phnum > maxProgs {
		return nil, fmt.Errorf("loader: ELF image has %d program headers, more than %d", phnum, maxProgs)
	}
	if phentsize != wantEnt {
		return nil, fmt.Errorf("loader: ELF program header size %d, want %d", phentsize, wantEnt)
	}
	if phoff > uint64(img.Size) {
		return nil, fmt.Errorf("loader: ELF program headers at %#x are past the end: %w", phoff, ErrTruncated)
	}
	ph := make([]byte, phnum*phentsize)
	if err := img.readAt(ph, int64(phoff)); err != nil {
		return nil, fmt.Errorf("loader: ELF program headers: %w", err)
	}
	for i := 0; i < phnum; i++ {
		b := ph[i*phentsize:]
		var p Prog
		if e.Is64 {
			p = Prog{Type: le.Uint32(b), Off: le.Uint64(b[8:]), Vaddr: le.Uint64(b[16:]), Paddr: le.Uint64(b[24:]),
				Filesz: le.Uint64(b[32:]), Memsz: le.Uint64(b[40:])}
		} else {
			p = Prog{Type: le.Uint32(b), Off: uint64(le.Uint32(b[4:])), Vaddr: uint64(le.Uint32(b[8:])), Paddr: uint64(le.Uint32(b[12:])),
				Filesz: uint64(le.Uint32(b[16:])), Memsz: uint64(le.Uint32(b[20:]))}
		}
		if p.Type == ptLoad || p.Type == ptNote {
			if p.Off > uint64(img.Size) || p.Filesz > uint64(img.Size)-p.Off {
				return nil, fmt.Errorf("loader: ELF segment %d (%d bytes at file offset %#x) extends past the end of the %d-byte image: %w",
					i, p.Filesz, p.Off, img.Size, ErrTruncated)
			}
		}
		if p.Type == ptLoad && p.Filesz > p.Memsz {
			return nil, fmt.Errorf("loader: ELF segment %d has %d file bytes but only %d in memory", i, p.Filesz, p.Memsz)
		}
		e.Progs = append(e.Progs, p)
	}
	return e, nil
}

// Note is an ELF note.
type Note struct {
	Name string
	Type uint32
	Desc []byte
}

// Notes reads the notes of every PT_NOTE segment, at most maxNoteBytes in all.
func (e *ELF) Notes(img Image) ([]Note, error) {
	var out []Note
	total := uint64(0)
	for i, p := range e.Progs {
		if p.Type != ptNote || p.Filesz == 0 {
			continue
		}
		total += p.Filesz
		if total > maxNoteBytes {
			return nil, fmt.Errorf("loader: ELF notes exceed %d bytes", maxNoteBytes)
		}
		b := make([]byte, p.Filesz)
		if err := img.readAt(b, int64(p.Off)); err != nil {
			return nil, fmt.Errorf("loader: ELF note segment %d: %w", i, err)
		}
		ns, err := parseNotes(b)
		if err != nil {
			return nil, fmt.Errorf("loader: ELF note segment %d: %w", i, err)
		}
		out = append(out, ns...)
	}
	return out, nil
}

// parseNotes splits a note segment: 4-byte namesz, descsz, type, then the
// name and the descriptor, each padded to 4 bytes.
func parseNotes(b []byte) ([]Note, error) {
	var out []Note
	for len(b) > 0 {
		if len(b) < 12 {
			return nil, fmt.Errorf("note header of %d bytes: %w", len(b), ErrTruncated)
		}
		nsz, dsz, typ := uint64(le.Uint32(b)), uint64(le.Uint32(b[4:])), le.Uint32(b[8:])
		b = b[12:]
		np, dp := (nsz+3)&^3, (dsz+3)&^3
		if np > uint64(len(b)) || dp > uint64(len(b))-np {
			return nil, fmt.Errorf("note of name size %d and descriptor size %d: %w", nsz, dsz, ErrTruncated)
		}
		name := b[:nsz]
		if nsz > 0 && name[nsz-1] == 0 {
			name = name[:nsz-1]
		}
		out = append(out, Note{Name: string(name), Type: typ, Desc: b[np : np+dsz]})
		b = b[np+dp:]
	}
	return out, nil
}

// loadSegments copies every PT_LOAD segment to its physical address and
// clears its bss, and returns the end of the highest segment.
func loadSegments(p *placer, img Image, e *ELF) (uint64, error) {
	end := uint64(0)
	n := 0
	for i, s := range e.Progs {
		if s.Type != ptLoad || s.Memsz == 0 {
			continue
		}
		if !e.Is64 && s.Paddr+s.Memsz > 1<<32 {
			return 0, fmt.Errorf("loader: ELF segment %d [%#x+%#x] extends past 4 GiB", i, s.Paddr, s.Memsz)
		}
		if err := p.claim(fmt.Sprintf("kernel segment %d", i), s.Paddr, s.Memsz); err != nil {
			return 0, err
		}
		if err := p.copyImage(s.Paddr, img, int64(s.Off), int64(s.Filesz)); err != nil {
			return 0, err
		}
		if err := p.zero(s.Paddr+s.Filesz, s.Memsz-s.Filesz); err != nil {
			return 0, err
		}
		end = max(end, s.Paddr+s.Memsz)
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("loader: ELF image has no loadable segment")
	}
	return end, nil
}

// physEntry translates the entry point to a physical address when it lies in
// a segment whose virtual and physical addresses differ.
func (e *ELF) physEntry() uint64 {
	for _, s := range e.Progs {
		if s.Type == ptLoad && e.Entry >= s.Vaddr && e.Entry-s.Vaddr < s.Memsz {
			return s.Paddr + (e.Entry - s.Vaddr)
		}
	}
	return e.Entry
}
