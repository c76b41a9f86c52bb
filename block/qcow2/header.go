package qcow2

import (
	"encoding/binary"
	"fmt"
)

// Layout constants, from the qcow2 specification (docs/interop/qcow2.txt).
const (
	magic = 0x514649fb // "QFI\xfb"

	v2HeaderLen = 72
	v3HeaderLen = 104 // without the compression type byte
	// curHeaderLen is what we write for version 3: with the compression
	// type byte, padded to a multiple of 8.
	curHeaderLen = 112

	minClusterBits = 9
	maxClusterBits = 21

	// Incompatible feature bits.
	incDirty       = 1 << 0
	incCorrupt     = 1 << 1
	incDataFile    = 1 << 2
	incCompression = 1 << 3
	incExtL2       = 1 << 4
	incKnown       = incDirty | incCorrupt | incCompression | incExtL2

	// Compatible feature bits.
	compatLazyRefcounts = 1 << 0

	// Autoclear feature bits.
	autoclearBitmaps    = 1 << 0
	autoclearRawData    = 1 << 1
	autoclearKnownToUse = autoclearBitmaps

	// Header extension types.
	extEnd          = 0x00000000
	extBackingFmt   = 0xe2792aca
	extFeatureNames = 0x6803f857
	extBitmaps      = 0x23852875
	extCrypto       = 0x0537be77
	extDataFile     = 0x44415441

	// Compression types (header byte 104).
	compressZlib = 0
	compressZstd = 1

	// L1/L2 entry bits.
	oflagCopied     = uint64(1) << 63
	oflagCompressed = uint64(1) << 62
	oflagZero       = uint64(1) << 0
	offsetMask      = uint64(0x00fffffffffffe00) // bits 9-55
	l1Reserved      = uint64(0x7f000000000001ff)
	l2Reserved      = uint64(0x3f000000000001fe)

	refcountOffsetMask = ^uint64(0x1ff)

	// Caps on hostile values (QEMU's limits).
	maxL1Bytes       = 32 << 20 // L1 table
	maxRefTableBytes = 8 << 20  // refcount table
	maxSnapshots     = 65536
	maxBackingName   = 1023
	maxSnapTableSize = 64 << 20
	maxSnapExtra     = 1024
)

// extension is one header extension, kept verbatim when we do not use it.
type extension struct {
	typ  uint32
	data []byte
}

// header is the qcow2 image header.
type header struct {
	version          uint32
	backingOffset    uint64
	backingSize      uint32
	clusterBits      uint32
	size             uint64
	cryptMethod      uint32
	l1Size           uint32
	l1Offset         uint64
	refTableOffset   uint64
	refTableClusters uint32
	nbSnapshots      uint32
	snapshotsOffset  uint64
	incompatible     uint64
	compatible       uint64
	autoclear        uint64
	refcountOrder    uint32
	headerLen        uint32
	compressionType  uint8

	backingFile string
	backingFmt  string
	exts        []extension // every extension but backing format, in order
}

// parseHeader decodes the header in the first cluster (buf holds at least
// the first min(cluster, file) bytes; fileSize bounds offsets).
func parseHeader(buf []byte) (*header, error) {
	if len(buf) < v2HeaderLen {
		return nil, fmt.Errorf("image is too short for a header")
	}
	be := binary.BigEndian
	if be.Uint32(buf) != magic {
		return nil, fmt.Errorf("Image is not in qcow2 format")
	}
	h := &header{
		version:          be.Uint32(buf[4:]),
		backingOffset:    be.Uint64(buf[8:]),
		backingSize:      be.Uint32(buf[16:]),
		clusterBits:      be.Uint32(buf[20:]),
		size:             be.Uint64(buf[24:]),
		cryptMethod:      be.Uint32(buf[32:]),
		l1Size:           be.Uint32(buf[36:]),
		l1Offset:         be.Uint64(buf[40:]),
		refTableOffset:   be.Uint64(buf[48:]),
		refTableClusters: be.Uint32(buf[56:]),
		nbSnapshots:      be.Uint32(buf[60:]),
		snapshotsOffset:  be.Uint64(buf[64:]),
		refcountOrder:    4,
		headerLen:        v2HeaderLen,
	}
	switch h.version {
	case 2:
	case 3:
		if len(buf) < v3HeaderLen {
			return nil, fmt.Errorf("image is too short for a version 3 header")
		}
		h.incompatible = be.Uint64(buf[72:])
		h.compatible = be.Uint64(buf[80:])
		h.autoclear = be.Uint64(buf[88:])
		h.refcountOrder = be.Uint32(buf[96:])
		h.headerLen = be.Uint32(buf[100:])
		if h.headerLen < v3HeaderLen {
			return nil, fmt.Errorf("qcow2 header too short (%d bytes)", h.headerLen)
		}
		if int(h.headerLen) > len(buf) {
			return nil, fmt.Errorf("qcow2 header of %d bytes exceeds the image file", h.headerLen)
		}
		if h.headerLen > 104 {
			h.compressionType = buf[104]
		}
	default:
		return nil, fmt.Errorf("Unsupported qcow2 version %d", h.version)
	}
	if h.clusterBits < minClusterBits || h.clusterBits > maxClusterBits {
		return nil, fmt.Errorf("Unsupported cluster size: 2^%d", h.clusterBits)
	}
	cs := uint64(1) << h.clusterBits
	if uint64(h.headerLen) > cs || int(h.headerLen) > len(buf) {
		return nil, fmt.Errorf("qcow2 header exceeds cluster size")
	}
	if h.refcountOrder > 6 {
		return nil, fmt.Errorf("Reference count entry width too large; may not exceed 64 bits")
	}
	if h.cryptMethod != 0 {
		return nil, fmt.Errorf("encrypted images are not supported (crypt_method %d): %w", h.cryptMethod, errUnsupported)
	}
	if h.incompatible&^incKnown != 0 {
		return nil, fmt.Errorf("Unsupported qcow2 feature(s): %#x: %w", h.incompatible&^incKnown, errUnsupported)
	}
	if h.incompatible&incDataFile != 0 {
		return nil, fmt.Errorf("external data files are not supported: %w", errUnsupported)
	}
	switch {
	case h.incompatible&incCompression != 0 && h.compressionType == compressZlib:
		return nil, fmt.Errorf("Compression type incompatible feature bit must not be set when compression type is zlib")
	case h.incompatible&incCompression == 0 && h.compressionType != compressZlib:
		return nil, fmt.Errorf("Compression type incompatible feature bit must be set when compression type is not zlib")
	case h.compressionType > compressZstd:
		return nil, fmt.Errorf("Unknown compression type %d", h.compressionType)
	}
	if h.incompatible&incExtL2 != 0 && h.clusterBits < 14 {
		return nil, fmt.Errorf("Extended L2 entries are only supported with cluster sizes of at least 16384 bytes")
	}
	// Extensions start after the header and run to the end of the first
	// cluster at most.
	end := int(cs)
	if end > len(buf) {
		end = len(buf)
	}
	if h.backingOffset != 0 && h.backingOffset < uint64(end) {
		end = int(h.backingOffset)
	}
	off := int(h.headerLen)
	for {
		if off+8 > end {
			// No terminator within the cluster: tolerate a missing one
			// only when nothing follows the header.
			break
		}
		typ := be.Uint32(buf[off:])
		n := int(be.Uint32(buf[off+4:]))
		off += 8
		if typ == extEnd {
			break
		}
		if n > end-off {
			return nil, fmt.Errorf("header extension %#x of %d bytes runs past the first cluster", typ, n)
		}
		data := append([]byte(nil), buf[off:off+n]...)
		off += (n + 7) &^ 7
		switch typ {
		case extBackingFmt:
			h.backingFmt = string(data)
		case extDataFile, extCrypto:
			// Only meaningful with their feature bits, rejected above.
			h.exts = append(h.exts, extension{typ, data})
		default:
			h.exts = append(h.exts, extension{typ, data})
		}
	}
	if h.backingOffset != 0 {
		if h.backingSize > maxBackingName || h.backingSize == 0 && false {
			return nil, fmt.Errorf("Backing file name too long")
		}
		if h.backingOffset+uint64(h.backingSize) > cs || h.backingOffset+uint64(h.backingSize) > uint64(len(buf)) {
			return nil, fmt.Errorf("backing file name at %#x+%d lies outside the header cluster", h.backingOffset, h.backingSize)
		}
		h.backingFile = string(buf[h.backingOffset : h.backingOffset+uint64(h.backingSize)])
	}
	return h, nil
}

// featureNames is the table QEMU writes so that tools name feature bits.
var featureNames = []struct {
	typ  byte // 0 incompatible, 1 compatible, 2 autoclear
	bit  byte
	name string
}{
	{0, 0, "dirty bit"},
	{0, 1, "corrupt bit"},
	{0, 2, "external data file"},
	{0, 3, "compression type"},
	{0, 4, "extended L2 entries"},
	{1, 0, "lazy refcounts"},
	{2, 0, "bitmaps"},
	{2, 1, "raw external data"},
}

func featureTable() []byte {
	b := make([]byte, 48*len(featureNames))
	for i, f := range featureNames {
		b[48*i] = f.typ
		b[48*i+1] = f.bit
		copy(b[48*i+2:48*i+48], f.name)
	}
	return b
}

// encode serialises the header, its extensions and the backing file name;
// it fails if they do not fit in one cluster.
func (h *header) encode() ([]byte, error) {
	be := binary.BigEndian
	hl := v2HeaderLen
	if h.version >= 3 {
		hl = curHeaderLen
		h.headerLen = curHeaderLen
	}
	b := make([]byte, hl, 1024)
	be.PutUint32(b, magic)
	be.PutUint32(b[4:], h.version)
	be.PutUint32(b[16:], uint32(len(h.backingFile)))
	be.PutUint32(b[20:], h.clusterBits)
	be.PutUint64(b[24:], h.size)
	be.PutUint32(b[32:], h.cryptMethod)
	be.PutUint32(b[36:], h.l1Size)
	be.PutUint64(b[40:], h.l1Offset)
	be.PutUint64(b[48:], h.refTableOffset)
	be.PutUint32(b[56:], h.refTableClusters)
	be.PutUint32(b[60:], h.nbSnapshots)
	be.PutUint64(b[64:], h.snapshotsOffset)
	if h.version >= 3 {
		be.PutUint64(b[72:], h.incompatible)
		be.PutUint64(b[80:], h.compatible)
		be.PutUint64(b[88:], h.autoclear)
		be.PutUint32(b[96:], h.refcountOrder)
		be.PutUint32(b[100:], uint32(hl))
		b[104] = h.compressionType
	}
	put := func(typ uint32, data []byte) {
		var e [8]byte
		be.PutUint32(e[:], typ)
		be.PutUint32(e[4:], uint32(len(data)))
		b = append(b, e[:]...)
		b = append(b, data...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
	}
	if h.backingFmt != "" {
		put(extBackingFmt, []byte(h.backingFmt))
	}
	for _, e := range h.exts {
		put(e.typ, e.data)
	}
	put(extEnd, nil)
	if h.backingFile != "" {
		h.backingOffset = uint64(len(b))
		h.backingSize = uint32(len(h.backingFile))
		be.PutUint64(b[8:], h.backingOffset)
		b = append(b, h.backingFile...)
	} else {
		h.backingOffset, h.backingSize = 0, 0
	}
	if len(b) > 1<<h.clusterBits {
		return nil, fmt.Errorf("header, extensions and backing file name need %d bytes, more than one cluster", len(b))
	}
	return b, nil
}
