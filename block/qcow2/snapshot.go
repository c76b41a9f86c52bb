package qcow2

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	"gemu/block"
)

// snapshot is one entry of the snapshot table.
type snapshot struct {
	l1Offset    uint64
	l1Size      uint32
	id, name    string
	dateSec     uint32
	dateNsec    uint32
	vmClockNsec uint64
	vmStateSize uint64
	diskSize    uint64
	icount      int64
	extra       []byte // extra data beyond the fields we know, kept as is
	hasDisk     bool
	hasICount   bool
}

const snapHeaderLen = 40

func (img *Image) readSnapshots(fsize int64) error {
	h := img.h
	if h.nbSnapshots == 0 {
		return nil
	}
	if h.nbSnapshots > maxSnapshots {
		return fmt.Errorf("Snapshot table too large (%d snapshots)", h.nbSnapshots)
	}
	if h.snapshotsOffset%uint64(img.cs) != 0 || h.snapshotsOffset == 0 || h.snapshotsOffset >= uint64(fsize) {
		return fmt.Errorf("Snapshot table offset invalid")
	}
	off := h.snapshotsOffset
	start := off
	for i := uint32(0); i < h.nbSnapshots; i++ {
		var hb [snapHeaderLen]byte
		if off-start+snapHeaderLen > maxSnapTableSize || off+snapHeaderLen > uint64(fsize) {
			return fmt.Errorf("Snapshot table exceeds the image file")
		}
		if _, err := img.f.ReadAt(hb[:], int64(off)); err != nil {
			return fmt.Errorf("qcow2: reading snapshot table: %w", err)
		}
		be := binary.BigEndian
		s := snapshot{
			l1Offset:    be.Uint64(hb[0:]),
			l1Size:      be.Uint32(hb[8:]),
			dateSec:     be.Uint32(hb[16:]),
			dateNsec:    be.Uint32(hb[20:]),
			vmClockNsec: be.Uint64(hb[24:]),
			vmStateSize: uint64(be.Uint32(hb[32:])),
			icount:      -1,
		}
		idLen := uint64(be.Uint16(hb[12:]))
		nameLen := uint64(be.Uint16(hb[14:]))
		extraLen := uint64(be.Uint32(hb[36:]))
		if extraLen > maxSnapExtra {
			return fmt.Errorf("Too much extra metadata in snapshot table entry %d", i)
		}
		n := extraLen + idLen + nameLen
		if off-start+snapHeaderLen+n > maxSnapTableSize || off+snapHeaderLen+n > uint64(fsize) {
			return fmt.Errorf("Snapshot table exceeds the image file")
		}
		rest := make([]byte, n)
		if _, err := img.f.ReadAt(rest, int64(off+snapHeaderLen)); err != nil {
			return fmt.Errorf("qcow2: reading snapshot table: %w", err)
		}
		extra := rest[:extraLen]
		if len(extra) >= 8 {
			s.vmStateSize = be.Uint64(extra)
		}
		if len(extra) >= 16 {
			s.diskSize, s.hasDisk = be.Uint64(extra[8:]), true
		} else {
			s.diskSize = h.size
		}
		if len(extra) >= 24 {
			s.icount, s.hasICount = int64(be.Uint64(extra[16:])), true
		}
		if len(extra) > 24 {
			s.extra = append([]byte(nil), extra[24:]...)
		}
		s.id = string(rest[extraLen : extraLen+idLen])
		s.name = string(rest[extraLen+idLen:])
		if s.l1Offset%uint64(img.cs) != 0 {
			return fmt.Errorf("Snapshot L1 table offset invalid (snapshot %s)", s.id)
		}
		if uint64(s.l1Size)*8 > maxL1Bytes {
			return fmt.Errorf("Snapshot L1 table too large (snapshot %s)", s.id)
		}
		if s.l1Size > 0 && (s.l1Offset == 0 || s.l1Offset+uint64(s.l1Size)*8 > uint64(fsize)+uint64(img.cs)) {
			return fmt.Errorf("Snapshot L1 table lies outside the image file (snapshot %s)", s.id)
		}
		img.markRange(s.l1Offset, uint64(s.l1Size)*8)
		img.snaps = append(img.snaps, s)
		off += (snapHeaderLen + n + 7) &^ 7
	}
	img.markRange(start, off-start)
	img.snapTableLen = off - start
	return nil
}

func (img *Image) encodeSnapshots() []byte {
	var b []byte
	be := binary.BigEndian
	for _, s := range img.snaps {
		var hb [snapHeaderLen]byte
		be.PutUint64(hb[0:], s.l1Offset)
		be.PutUint32(hb[8:], s.l1Size)
		be.PutUint16(hb[12:], uint16(len(s.id)))
		be.PutUint16(hb[14:], uint16(len(s.name)))
		be.PutUint32(hb[16:], s.dateSec)
		be.PutUint32(hb[20:], s.dateNsec)
		be.PutUint64(hb[24:], s.vmClockNsec)
		if s.vmStateSize <= 0xffffffff {
			be.PutUint32(hb[32:], uint32(s.vmStateSize))
		}
		extra := make([]byte, 24, 24+len(s.extra))
		be.PutUint64(extra, s.vmStateSize)
		be.PutUint64(extra[8:], s.diskSize)
		be.PutUint64(extra[16:], uint64(s.icount))
		extra = append(extra, s.extra...)
		be.PutUint32(hb[36:], uint32(len(extra)))
		e := append(hb[:], extra...)
		e = append(e, s.id...)
		e = append(e, s.name...)
		for len(e)%8 != 0 {
			e = append(e, 0)
		}
		b = append(b, e...)
	}
	return b
}

// writeSnapshotTable writes the table to fresh clusters and points the
// header at it; the old table's clusters are freed afterwards.
func (img *Image) writeSnapshotTable() error {
	cs := uint64(img.cs)
	b := img.encodeSnapshots()
	var off uint64
	if len(b) > 0 {
		n := (uint64(len(b)) + cs - 1) / cs
		var err error
		if off, err = img.allocClusters(n); err != nil {
			return err
		}
		if err := img.writeDirtyBlocks(); err != nil {
			return err
		}
		if _, err := img.f.WriteAt(b, int64(off)); err != nil {
			return err
		}
		img.markRange(off, uint64(len(b)))
	}
	oldOff, oldN := img.h.snapshotsOffset, img.h.nbSnapshots
	oldLen := uint64(0)
	if oldN > 0 {
		// Length of the old table: re-encode is not possible (it changed),
		// so free the clusters up to the recorded extent.
		oldLen = img.snapTableLen
	}
	img.h.snapshotsOffset = off
	img.h.nbSnapshots = uint32(len(img.snaps))
	if err := img.writeHeader(); err != nil {
		return err
	}
	if oldLen > 0 {
		for c := oldOff / cs; c <= (oldOff+oldLen-1)/cs; c++ {
			delete(img.meta, c)
			img.pendingFree = append(img.pendingFree, c)
		}
	}
	img.snapTableLen = uint64(len(b))
	return nil
}

func (img *Image) findSnapshot(idOrName string) int {
	for i, s := range img.snaps {
		if s.id == idOrName {
			return i
		}
	}
	for i, s := range img.snaps {
		if s.name == idOrName {
			return i
		}
	}
	return -1
}

func (s *snapshot) info() block.SnapshotInfo {
	return block.SnapshotInfo{
		ID:          s.id,
		Name:        s.name,
		VMStateSize: int64(s.vmStateSize),
		Date:        time.Unix(int64(s.dateSec), int64(s.dateNsec)),
		VMClock:     time.Duration(s.vmClockNsec),
		ICount:      s.icount,
		DiskSize:    int64(s.diskSize),
	}
}

// Snapshots lists the internal snapshots.
func (img *Image) Snapshots() ([]block.SnapshotInfo, error) {
	img.mu.Lock()
	defer img.mu.Unlock()
	out := make([]block.SnapshotInfo, len(img.snaps))
	for i := range img.snaps {
		out[i] = img.snaps[i].info()
	}
	return out, nil
}

// readL1 reads a snapshot's L1 table.
func (img *Image) readL1(off uint64, n uint32) ([]uint64, error) {
	b := make([]byte, uint64(n)*8)
	if _, err := img.f.ReadAt(b, int64(off)); err != nil {
		return nil, fmt.Errorf("qcow2: reading L1 table at %#x: %w", off, err)
	}
	l1 := make([]uint64, n)
	for i := range l1 {
		l1[i] = binary.BigEndian.Uint64(b[8*i:])
	}
	return l1, nil
}

// refTree adds delta to the refcounts of every L2 table and cluster an L1
// table reaches.
func (img *Image) refTree(l1 []uint64, delta int64) error {
	for _, le := range l1 {
		l2off := le & offsetMask
		if l2off == 0 {
			continue
		}
		t, err := img.loadL2(l2off)
		if err != nil {
			return err
		}
		for j := uint64(0); j < img.l2n; j++ {
			e, _ := img.entry(t, j)
			if err := img.refEntry(e, delta); err != nil {
				return err
			}
		}
		if err := img.addRef(l2off/uint64(img.cs), delta); err != nil {
			return err
		}
	}
	return nil
}

// fixCopied sets the COPIED flags of the active tables from the refcounts.
func (img *Image) fixCopied() error {
	cs := uint64(img.cs)
	for i, le := range img.l1 {
		l2off := le & offsetMask
		if l2off == 0 {
			continue
		}
		r, err := img.refcount(l2off / cs)
		if err != nil {
			return err
		}
		ne := le &^ oflagCopied
		if r == 1 {
			ne |= oflagCopied
		}
		if ne != le {
			img.l1[i] = ne
			img.l1Dirty = true
		}
		// Shared tables are updated in place too: COPIED flags mean
		// nothing in a snapshot's tables.
		t, err := img.loadL2(l2off)
		if err != nil {
			return err
		}
		for j := uint64(0); j < img.l2n; j++ {
			e, bm := img.entry(t, j)
			if e&oflagCompressed != 0 || e&offsetMask == 0 {
				continue
			}
			r, err := img.refcount((e & offsetMask) / cs)
			if err != nil {
				return err
			}
			ne := e &^ oflagCopied
			if r == 1 {
				ne |= oflagCopied
			}
			if ne != e {
				img.setEntry(t, j, ne, bm)
			}
		}
	}
	return nil
}

// beginMetaUpdate marks the image dirty around a multi-step update, so a
// crash in the middle is repaired on the next open.
func (img *Image) beginMetaUpdate() error {
	if err := img.checkWrite(0, 0); err != nil {
		return err
	}
	if err := img.flushMeta(); err != nil {
		return err
	}
	return img.ensureDirtyMarked()
}

func (img *Image) endMetaUpdate() error {
	if err := img.flushMeta(); err != nil {
		return err
	}
	if img.lazy {
		return nil
	}
	return img.markClean()
}

// CreateSnapshot records the current disk state (and the VM state written
// with WriteVMState) as a new snapshot.
func (img *Image) CreateSnapshot(si block.SnapshotInfo) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.beginMetaUpdate(); err != nil {
		return err
	}
	if len(img.snaps) >= maxSnapshots {
		return fmt.Errorf("qcow2: too many snapshots")
	}
	if si.ID == "" {
		next := 1
		for _, s := range img.snaps {
			if n, err := strconv.Atoi(s.id); err == nil && n >= next {
				next = n + 1
			}
		}
		si.ID = strconv.Itoa(next)
	}
	for _, s := range img.snaps {
		if s.id == si.ID {
			return fmt.Errorf("qcow2: a snapshot with ID %s already exists", si.ID)
		}
	}
	if len(si.ID) > 0xffff || len(si.Name) > 0xffff {
		return fmt.Errorf("qcow2: snapshot ID or name too long")
	}
	if si.Date.IsZero() {
		si.Date = time.Now()
	}
	if si.ICount == 0 {
		si.ICount = 0
	}
	cs := uint64(img.cs)
	// Copy the active L1 table, without COPIED flags.
	var l1off uint64
	if len(img.l1) > 0 {
		n := (uint64(len(img.l1))*8 + cs - 1) / cs
		var err error
		if l1off, err = img.allocClusters(n); err != nil {
			return err
		}
		b := make([]byte, len(img.l1)*8)
		for i, e := range img.l1 {
			binary.BigEndian.PutUint64(b[8*i:], e&^oflagCopied)
		}
		if _, err := img.f.WriteAt(b, int64(l1off)); err != nil {
			return err
		}
		img.markRange(l1off, uint64(len(b)))
	}
	if err := img.refTree(img.l1, 1); err != nil {
		return err
	}
	if err := img.fixCopied(); err != nil {
		return err
	}
	if err := img.flushMeta(); err != nil {
		return err
	}
	img.snaps = append(img.snaps, snapshot{
		l1Offset:    l1off,
		l1Size:      uint32(len(img.l1)),
		id:          si.ID,
		name:        si.Name,
		dateSec:     uint32(si.Date.Unix()),
		dateNsec:    uint32(si.Date.Nanosecond()),
		vmClockNsec: uint64(si.VMClock),
		vmStateSize: uint64(si.VMStateSize),
		diskSize:    img.h.size,
		icount:      si.ICount,
		hasDisk:     true,
		hasICount:   true,
	})
	if err := img.writeSnapshotTable(); err != nil {
		return err
	}
	// The VM state now belongs to the snapshot; drop it from the active
	// state as QEMU does.
	if si.VMStateSize > 0 {
		if err := img.dropVMState(uint64(si.VMStateSize)); err != nil {
			return err
		}
	}
	return img.endMetaUpdate()
}

func (img *Image) vmStateOffset() uint64 {
	span := uint64(img.cs) * img.l2n
	return (img.h.size + span - 1) / span * span
}

func (img *Image) dropVMState(n uint64) error {
	base := img.vmStateOffset()
	cs := uint64(img.cs)
	for off := base; off < base+n; off += cs {
		l1i := img.l1Index(off)
		if l1i >= uint64(len(img.l1)) || img.l1[l1i]&offsetMask == 0 {
			continue
		}
		t, err := img.l2ForWrite(l1i)
		if err != nil {
			return err
		}
		i := img.l2Index(off)
		e, _ := img.entry(t, i)
		if e != 0 {
			img.releaseEntry(e)
			img.setEntry(t, i, 0, 0)
		}
	}
	return nil
}

// WriteVMState writes VM state bytes into the area past the disk that the
// next CreateSnapshot records.
func (img *Image) WriteVMState(p []byte, off int64) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if err := img.checkWrite(0, 0); err != nil {
		return err
	}
	if off < 0 || off+int64(len(p)) < off || uint64(off)+uint64(len(p)) > 1<<40 {
		return fmt.Errorf("qcow2: VM state offset %d out of range", off)
	}
	return img.write(p, img.vmStateOffset()+uint64(off))
}

// ReadVMState reads VM state bytes of the current state (after
// ApplySnapshot: of the applied snapshot).
func (img *Image) ReadVMState(p []byte, off int64) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if off < 0 || off+int64(len(p)) < off || uint64(off)+uint64(len(p)) > 1<<40 {
		return fmt.Errorf("qcow2: VM state offset %d out of range", off)
	}
	base := img.vmStateOffset() + uint64(off)
	done := 0
	for done < len(p) {
		r, err := img.lookup(base+uint64(done), int64(len(p)-done))
		if err != nil {
			return err
		}
		buf := p[done : done+int(r.n)]
		if r.kind == kindUnalloc {
			clear(buf) // VM state never comes from a backing file
		} else if err := img.readRun(r, buf, int64(base)+int64(done)); err != nil {
			return err
		}
		done += int(r.n)
	}
	return nil
}

// ApplySnapshot reverts the disk (and VM-state area) to a snapshot.
func (img *Image) ApplySnapshot(idOrName string) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	i := img.findSnapshot(idOrName)
	if i < 0 {
		return fmt.Errorf("Could not find snapshot '%s': %w", idOrName, block.ErrNoSnapshot)
	}
	if err := img.beginMetaUpdate(); err != nil {
		return err
	}
	s := img.snaps[i]
	sl1, err := img.readL1(s.l1Offset, s.l1Size)
	if err != nil {
		return err
	}
	if err := img.refTree(sl1, 1); err != nil {
		return err
	}
	old := img.l1
	if err := img.refTree(old, -1); err != nil {
		return err
	}
	if uint64(len(sl1)) > uint64(len(old)) {
		if err := img.growL1(uint64(len(sl1))); err != nil {
			return err
		}
	}
	for j := range img.l1 {
		img.l1[j] = 0
	}
	copy(img.l1, sl1)
	img.l1Dirty = true
	// Clusters whose refcount reached zero are free now; drop cached
	// tables that may be among them.
	img.l2Cache = map[uint64]*l2Table{}
	img.zbufOK = false
	img.cfreeOff = 0
	if s.hasDisk && s.diskSize != img.h.size {
		img.h.size = s.diskSize
		if err := img.writeHeader(); err != nil {
			return err
		}
	}
	if err := img.fixCopied(); err != nil {
		return err
	}
	img.freeHint = 1
	return img.endMetaUpdate()
}

// DeleteSnapshot removes a snapshot and frees what only it referenced.
func (img *Image) DeleteSnapshot(idOrName string) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	i := img.findSnapshot(idOrName)
	if i < 0 {
		return fmt.Errorf("Could not find snapshot '%s': %w", idOrName, block.ErrNoSnapshot)
	}
	if err := img.beginMetaUpdate(); err != nil {
		return err
	}
	s := img.snaps[i]
	img.snaps = append(img.snaps[:i:i], img.snaps[i+1:]...)
	if err := img.writeSnapshotTable(); err != nil {
		return err
	}
	if err := img.flushMeta(); err != nil {
		return err
	}
	sl1, err := img.readL1(s.l1Offset, s.l1Size)
	if err != nil {
		return err
	}
	if err := img.refTree(sl1, -1); err != nil {
		return err
	}
	cs := uint64(img.cs)
	if s.l1Size > 0 {
		for c := s.l1Offset / cs; c <= (s.l1Offset+uint64(s.l1Size)*8-1)/cs; c++ {
			delete(img.meta, c)
			if err := img.addRef(c, -1); err != nil {
				return err
			}
		}
	}
	// Tables whose refcount dropped to zero may be cached.
	for off := range img.l2Cache {
		if r, err := img.refcount(off / cs); err == nil && r == 0 {
			delete(img.l2Cache, off)
			delete(img.meta, off/cs)
		}
	}
	img.freeHint = 1
	if err := img.fixCopied(); err != nil {
		return err
	}
	return img.endMetaUpdate()
}
