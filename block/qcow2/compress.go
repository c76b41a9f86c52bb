package qcow2

import (
	"bytes"
	"fmt"
	"io"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zstd"

	"gemu/block"
)

// Compressed clusters hold raw deflate streams with a 4 KiB window
// (zlib's windowBits -12) or zstd frames; the L2 entry stores the host
// byte offset and the number of 512-byte sectors the data spans.

func (img *Image) csizeShift() uint { return uint(62 - (img.h.clusterBits - 8)) }

// compressedRange returns the host byte range an entry's data lies in.
func (img *Image) compressedRange(e uint64) (uint64, uint64) {
	shift := img.csizeShift()
	off := e & (uint64(1)<<shift - 1)
	nsec := (e>>shift)&(uint64(1)<<(img.h.clusterBits-8)-1) + 1
	return off, nsec*512 - off%512
}

func (img *Image) decompressCluster(e uint64) ([]byte, error) {
	if img.zbufOK && img.zbufOff == e {
		return img.zbuf, nil
	}
	off, n := img.compressedRange(e)
	if n > uint64(2*img.cs)+512 {
		return nil, img.corrupt("compressed cluster entry %#x spans %d bytes", e, n)
	}
	if off+n > img.fileLimit()+uint64(img.cs) {
		return nil, img.corrupt("compressed cluster at %#x+%d lies beyond the end of the image file", off, n)
	}
	src := make([]byte, n)
	if _, err := img.f.ReadAt(src, int64(off)); err != nil {
		return nil, fmt.Errorf("qcow2: reading compressed cluster at %#x: %w", off, err)
	}
	if img.zbuf == nil {
		img.zbuf = make([]byte, img.cs)
	}
	if err := img.decompress(img.zbuf, src); err != nil {
		img.zbufOK = false
		return nil, fmt.Errorf("qcow2: compressed cluster at %#x: %w", off, err)
	}
	img.zbufOff, img.zbufOK = e, true
	return img.zbuf, nil
}

// decompress fills dst (one cluster) from src.
func (img *Image) decompress(dst, src []byte) error {
	switch img.h.compressionType {
	case compressZlib:
		r := flate.NewReader(bytes.NewReader(src))
		defer r.Close()
		if _, err := io.ReadFull(r, dst); err != nil {
			return fmt.Errorf("inflate: %w", err)
		}
		return nil
	case compressZstd:
		if img.zdec == nil {
			d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(64<<20))
			if err != nil {
				return fmt.Errorf("zstd: %w", err)
			}
			img.zdec = d
		}
		if err := img.zdec.Reset(bytes.NewReader(src)); err != nil {
			return fmt.Errorf("zstd: %w", err)
		}
		if _, err := io.ReadFull(img.zdec, dst); err != nil {
			return fmt.Errorf("zstd: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unknown compression type %d", img.h.compressionType)
}

// Compressor compresses clusters for an image's compression type; one per
// goroutine.
type Compressor struct {
	typ uint8
	buf bytes.Buffer
	fw  *flate.Writer
	zw  *zstd.Encoder
}

// NewCompressor returns a compressor for img's compression type.
func (img *Image) NewCompressor() block.Compressor { return &Compressor{typ: img.h.compressionType} }

// Compress returns the compressed form of one cluster, or nil when it does
// not shrink (the cluster is then stored uncompressed). The result is valid
// until the next call.
func (c *Compressor) Compress(src []byte) ([]byte, error) {
	c.buf.Reset()
	switch c.typ {
	case compressZlib:
		if c.fw == nil {
			w, err := flate.NewWriterWindow(&c.buf, 4096)
			if err != nil {
				return nil, err
			}
			c.fw = w
		} else {
			c.fw.Reset(&c.buf)
		}
		if _, err := c.fw.Write(src); err != nil {
			return nil, err
		}
		if err := c.fw.Close(); err != nil {
			return nil, err
		}
	case compressZstd:
		if c.zw == nil {
			w, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
			if err != nil {
				return nil, err
			}
			c.zw = w
		}
		c.buf.Write(c.zw.EncodeAll(src, c.buf.AvailableBuffer()[:0]))
	default:
		return nil, fmt.Errorf("unknown compression type %d", c.typ)
	}
	if c.buf.Len() >= len(src) {
		return nil, nil
	}
	return c.buf.Bytes(), nil
}

// WriteCompressed stores one whole cluster at guest offset off (cluster
// aligned; the last cluster may be short) as compressed data z, as made by
// a Compressor, or uncompressed when z is nil. The cluster must not be
// allocated yet, as in QEMU.
func (img *Image) WriteCompressed(off int64, data, z []byte) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(off, int64(len(data))); err != nil {
		return err
	}
	cs := uint64(img.cs)
	if uint64(off)%cs != 0 || (uint64(len(data)) != cs && uint64(off)+uint64(len(data)) != img.h.size) {
		return fmt.Errorf("qcow2: compressed writes must cover one whole cluster")
	}
	if z == nil {
		return img.write(data, uint64(off))
	}
	t, err := img.l2ForWrite(img.l1Index(uint64(off)))
	if err != nil {
		return err
	}
	i := img.l2Index(uint64(off))
	old, _ := img.entry(t, i)
	host, err := img.allocBytes(uint64(len(z)))
	if err != nil {
		return err
	}
	if _, err := img.f.WriteAt(z, int64(host)); err != nil {
		return fmt.Errorf("qcow2: writing compressed data at %#x: %w", host, err)
	}
	nsec := (host+uint64(len(z))-1)/512 - host/512 + 1
	e := oflagCompressed | host | (nsec-1)<<img.csizeShift()
	img.releaseEntry(old)
	img.setEntry(t, i, e, 0)
	return nil
}

// allocBytes allocates n bytes for compressed data, packing them after
// the previous compressed cluster when they fit.
func (img *Image) allocBytes(n uint64) (uint64, error) {
	cs := uint64(img.cs)
	if img.cfreeOff != 0 {
		cur := img.cfreeOff
		room := cs - cur%cs
		if cur%cs != 0 && n <= room {
			// Another reference to the partly used cluster.
			if err := img.addRef(cur/cs, 1); err != nil {
				return 0, err
			}
			img.cfreeOff = cur + n
			if img.cfreeOff%cs == 0 {
				img.cfreeOff = 0
			}
			return cur, nil
		}
		if cur%cs != 0 {
			// Span into the next cluster when it is free and adjacent.
			next := cur/cs + 1
			if r, err := img.refcount(next); err == nil && r == 0 && img.freeHint <= next {
				if h, err := img.allocAt(next); err == nil && h {
					if err := img.addRef(cur/cs, 1); err != nil {
						return 0, err
					}
					img.cfreeOff = cur + n
					if img.cfreeOff%cs == 0 {
						img.cfreeOff = 0
					}
					return cur, nil
				}
			}
		}
	}
	host, err := img.allocClusters(1)
	if err != nil {
		return 0, err
	}
	img.cfreeOff = host + n
	if img.cfreeOff%cs == 0 {
		img.cfreeOff = 0
	}
	return host, nil
}

// allocAt allocates cluster idx if it is free.
func (img *Image) allocAt(idx uint64) (bool, error) {
	rb, err := img.loadBlock(idx)
	if err != nil {
		return false, err
	}
	if rb == nil {
		if _, err := img.newBlock(idx / img.refsPerBlock()); err != nil {
			return false, err
		}
	}
	r, err := img.refcount(idx)
	if err != nil || r != 0 {
		return false, err
	}
	if err := img.setRefcount(idx, 1); err != nil {
		return false, err
	}
	if img.freeHint <= idx {
		img.freeHint = idx + 1
	}
	return true, nil
}

// CompressionType is "zlib" or "zstd".
func (img *Image) CompressionType() string {
	if img.h.compressionType == compressZstd {
		return "zstd"
	}
	return "zlib"
}

var _ block.Image = (*Image)(nil)
