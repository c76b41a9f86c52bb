package vmdk

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"

	"gemu/block"
)

// CreateOptionsHelp lists vmdk's creation options, as qemu-img names them.
func (Format) CreateOptionsHelp() []block.OptionInfo {
	return []block.OptionInfo{
		{Name: "adapter_type", Type: "str", Help: "Virtual adapter type, can be one of ide (default), lsilogic, buslogic or legacyESX"},
		{Name: "backing_file", Type: "str", Help: "File name of a base image"},
		{Name: "backing_fmt", Type: "str", Help: "Must be 'vmdk' if it is specified"},
		{Name: "compat6", Type: "bool (on/off)", Help: "VMDK version 6 image"},
		{Name: "hwversion", Type: "str", Help: "VMDK hardware version"},
		{Name: "size", Type: "size", Help: "Virtual disk size"},
		{Name: "subformat", Type: "str", Help: "VMDK flat extent format, can be one of {monolithicSparse (default) | monolithicFlat | twoGbMaxExtentSparse | twoGbMaxExtentFlat | streamOptimized}"},
		{Name: "toolsversion", Type: "str", Help: "VMware guest tools version"},
		{Name: "zeroed_grain", Type: "bool (on/off)", Help: "Enable efficient zero writes using the zeroed-grain GTE feature"},
	}
}

const (
	grainSectors = 128
	gtEntries    = 512
	descSectors  = 20
	twoGB        = 4194304 // sectors per split extent
)

// Create writes a new vmdk image of the given subformat; extent files are
// made with o.CreateFile next to the descriptor.
func (Format) Create(f block.File, size int64, o block.CreateOptions) error {
	sub := "monolithicSparse"
	adapter := "ide"
	hw := "4"
	tools := "2147483647"
	zeroed := false
	for _, opt := range o.Opts {
		k, v := opt.Key, opt.Value
		switch k {
		case "subformat":
			switch v {
			case "monolithicSparse", "monolithicFlat", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "streamOptimized":
				sub = v
			default:
				return fmt.Errorf("Unknown subformat: %s", v)
			}
		case "adapter_type":
			switch v {
			case "ide", "lsilogic", "buslogic", "legacyESX":
				adapter = v
			default:
				return fmt.Errorf("Unknown adapter type: '%s'", v)
			}
		case "compat6":
			b, err := block.ParseBool(k, v)
			if err != nil {
				return err
			}
			if b {
				hw = "6"
			}
		case "hwversion":
			if _, err := strconv.Atoi(v); err != nil && v != "undefined" {
				return fmt.Errorf("Invalid hwversion '%s'", v)
			}
			if v != "undefined" {
				hw = v
			}
		case "toolsversion":
			tools = v
		case "zeroed_grain":
			b, err := block.ParseBool(k, v)
			if err != nil {
				return err
			}
			zeroed = b
		default:
			return fmt.Errorf("Invalid parameter '%s'", k)
		}
	}
	if size < 0 || size%512 != 0 && false {
		return fmt.Errorf("invalid size %d", size)
	}
	sectors := (size + 511) / 512
	if o.BackingFormat != "" && o.BackingFormat != "vmdk" {
		return fmt.Errorf("Backing format must be 'vmdk'")
	}
	heads := int64(16)
	if adapter != "ide" {
		heads = 255
	}
	d := &descriptor{version: 1, cid: rand.Uint32(), parentCID: 0xffffffff, createType: sub}
	if o.BackingFile != "" {
		if o.Backing == nil {
			return fmt.Errorf("vmdk: cannot open backing file '%s'", o.BackingFile)
		}
		b, err := o.Backing(o.BackingFile, o.BackingFormat)
		if err != nil {
			return err
		}
		bi := unwrap(b)
		pv, ok := bi.(*Image)
		if !ok {
			b.Close()
			return fmt.Errorf("VMDK backing files must be VMDK images")
		}
		d.parentCID = pv.desc.cid
		if sectors == 0 {
			sectors = pv.size / 512
		}
		b.Close()
		d.parentHint = o.BackingFile
	}
	d.ddb = [][2]string{
		{"ddb.virtualHWVersion", hw},
		{"ddb.geometry.cylinders", strconv.FormatInt(sectors*512/(heads*63*512), 10)},
		{"ddb.geometry.heads", strconv.FormatInt(heads, 10)},
		{"ddb.geometry.sectors", "63"},
		{"ddb.adapterType", adapter},
		{"ddb.toolsVersion", tools},
	}
	base := filepath.Base(o.Name)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	if err := f.Truncate(0); err != nil {
		return err
	}
	switch sub {
	case "monolithicSparse", "streamOptimized":
		d.extents = []extentDesc{{access: "RW", sectors: sectors, typ: "SPARSE", file: base}}
		return writeSparse(f, sectors, d.encode(), sub == "streamOptimized", zeroed)
	}
	if o.CreateFile == nil {
		return fmt.Errorf("vmdk: %s needs extent files next to the descriptor", sub)
	}
	split := sub == "twoGbMaxExtentSparse" || sub == "twoGbMaxExtentFlat"
	sparse := sub == "twoGbMaxExtentSparse"
	for i, left := 1, sectors; left > 0 || i == 1; i++ {
		n := left
		if split {
			n = min(left, twoGB)
		}
		var name string
		switch sub {
		case "monolithicFlat":
			name = stem + "-flat" + filepath.Ext(base)
		case "twoGbMaxExtentFlat":
			name = fmt.Sprintf("%s-f%03d%s", stem, i, filepath.Ext(base))
		default:
			name = fmt.Sprintf("%s-s%03d%s", stem, i, filepath.Ext(base))
		}
		ef, err := o.CreateFile(name)
		if err != nil {
			return err
		}
		if sparse {
			err = writeSparse(ef, n, "", false, zeroed)
			d.extents = append(d.extents, extentDesc{access: "RW", sectors: n, typ: "SPARSE", file: name})
		} else {
			err = ef.Truncate(n * 512)
			if err == nil && n > 0 {
				// Allocate the first block, as QEMU does for raw files.
				_, err = ef.WriteAt(make([]byte, min(n*512, 4096)), 0)
			}
			d.extents = append(d.extents, extentDesc{access: "RW", sectors: n, typ: "FLAT", file: name})
		}
		if cerr := ef.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		left -= n
		if left <= 0 {
			break
		}
	}
	_, err := f.WriteAt([]byte(d.encode()), 0)
	return err
}

func unwrap(img block.Image) block.Image {
	for {
		switch x := img.(type) {
		case *block.Node:
			img = x.Image
		default:
			return img
		}
	}
}

// writeSparse lays out a hosted sparse extent as QEMU does: header,
// descriptor area, redundant and primary grain directories each followed
// by their (zeroed) grain tables, padded to a grain.
func writeSparse(f block.File, sectors int64, desc string, stream, zeroed bool) error {
	per := int64(grainSectors * gtEntries)
	nGD := (sectors + per - 1) / per
	gdSectors := (nGD*4 + 511) / 512
	gtSectors := nGD * (gtEntries * 4 / 512)
	rgd := int64(1 + descSectors)
	gd := rgd + gdSectors + gtSectors
	end := gd + gdSectors + gtSectors
	overhead := (end + grainSectors - 1) / grainSectors * grainSectors
	h := &sparseHeader{
		version:      1,
		flags:        flagNewline | flagRGD,
		capacity:     uint64(sectors),
		grainSize:    grainSectors,
		descOffset:   1,
		descSize:     descSectors,
		numGTEsPerGT: gtEntries,
		rgdOffset:    uint64(rgd),
		gdOffset:     uint64(gd),
		overhead:     uint64(overhead),
	}
	if zeroed {
		h.version = 2
		h.flags |= flagZeroGrain
	}
	if stream {
		h.version = 3
		h.flags |= flagCompressed | flagMarkers
		h.compressAlgo = 1
	}
	buf := make([]byte, end*512)
	copy(buf, h.encode())
	if len(desc) > descSectors*512 {
		return fmt.Errorf("vmdk: descriptor does not fit in %d sectors", descSectors)
	}
	copy(buf[512:], desc)
	for _, dir := range []int64{rgd, gd} {
		for i := int64(0); i < nGD; i++ {
			gt := dir + gdSectors + i*(gtEntries*4/512)
			binary.LittleEndian.PutUint32(buf[dir*512+4*i:], uint32(gt))
		}
	}
	if _, err := f.WriteAt(buf, 0); err != nil {
		return err
	}
	return f.Truncate(overhead * 512)
}
