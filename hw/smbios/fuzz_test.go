package smbios

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzTableRoundTrip decodes arbitrary bytes as a structure table behind a
// 64-bit entry point; whatever the guest's reader accepts must encode back
// to the same bytes, and decode again to the same structures.
func FuzzTableRoundTrip(f *testing.F) {
	for _, c := range configs() {
		f.Add(build(f, c).Table)
	}
	f.Add([]byte{127, 4, 0, 0x7f, 0, 0})
	f.Add([]byte{1, 5, 0, 1, 1, 'a', 0, 'b', 0, 0, 127, 4, 0, 0x7f, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, table []byte) {
		ss, n, err := walk(table, entry{anchor: "_SM3_", length: uint32(len(table))})
		if err != nil {
			return
		}
		enc, err := Encode(ss)
		if err != nil {
			t.Fatalf("structures the reader accepted do not encode: %v", err)
		}
		if !bytes.Equal(enc, table[:n]) {
			t.Fatalf("re-encoded table differs:\n% x\nwant\n% x", enc, table[:n])
		}
		ss2, n2, err := walk(enc, entry{anchor: "_SM3_", length: uint32(len(enc))})
		if err != nil || n2 != n || !cmp.Equal(ss, ss2) {
			t.Fatalf("re-encoded table decodes to other structures (%d bytes, %v)", n2, err)
		}
	})
}

// FuzzScan puts arbitrary bytes in the upper half of the BIOS area (where
// the configurations put the tables) and reads them as a guest does; every entry point the reader accepts must be the one the writer
// makes for the same table, and the table must round-trip.
func FuzzScan(f *testing.F) {
	for _, c := range configs() {
		if c.TableAddr == 0 && c.Addr == biosAddr {
			f.Add(build(f, c).Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, area []byte) {
		if len(area) > 0x8000 {
			return
		}
		const base = 0xf0000
		mem := make([]byte, 0x10000)
		copy(mem[biosAddr-base:], area)
		g, err := readGuest(mem, base)
		if err != nil {
			return
		}
		for _, e := range g.e3 {
			if want := entryPoint3(e.version, e.table, e.length); !bytes.Equal(mem[e.addr-base:e.addr-base+ep3Len], want) {
				t.Fatalf("64-bit entry point at %#x:\n% x\nthe writer makes\n% x", e.addr, mem[e.addr-base:e.addr-base+ep3Len], want)
			}
		}
		for _, e := range g.e2 {
			want := entryPoint2(e.version, uint32(e.table), uint16(e.length), uint16(e.count), uint16(e.maxStruct))
			if !bytes.Equal(mem[e.addr-base:e.addr-base+ep2Len], want) {
				t.Fatalf("32-bit entry point at %#x:\n% x\nthe writer makes\n% x", e.addr, mem[e.addr-base:e.addr-base+ep2Len], want)
			}
		}
		e := g.e2
		if len(g.e3) > 0 {
			e = g.e3
		}
		enc, err := Encode(g.structures)
		if err != nil || !bytes.Equal(enc, mem[e[0].table-base:e[0].table-base+uint64(g.used)]) {
			t.Fatalf("table behind %s at %#x does not round-trip (%v)", e[0].anchor, e[0].addr, err)
		}
	})
}

// FuzzBuild builds tables from arbitrary configurations (as -smbios and
// -smp options may give them): Build refuses or succeeds without panicking,
// and what it builds reads back through both entry points.
func FuzzBuild(f *testing.F) {
	f.Add("Standard PC (i440FX + PIIX, 1996)", "0.1.0", "02/29/2024", 2, 1, 2, 1, uint64(256<<20), uint64(0), uint16(0), uint8(0), uint8(0))
	f.Add("x", "", "", 10, 4, 2, 2, uint64(3<<30), uint64(37<<30), uint16(0x100), uint8(0x11), uint8(1))
	f.Add("", "v", "01/01/1970", 0, 0, 0, 0, uint64(1<<20), uint64(0), uint16(0xb3), uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, product, version, date string, cpus, sockets, cores, threads int, low, high uint64, family uint16, chassis, eps uint8) {
		c := PC()
		c.Addr = biosAddr
		c.EntryPoints = EntryPoints(eps)
		c.System.Product, c.BIOS.Version, c.BIOS.Date = product, version, date
		c.Processor.CPUs, c.Processor.Sockets, c.Processor.Cores, c.Processor.Threads = cpus, sockets, cores, threads
		c.Processor.Family, c.Chassis.Type = family, chassis
		c.Memory.Ranges = []Range{{0, low}}
		if high != 0 {
			c.Memory.Ranges = append(c.Memory.Ranges, Range{1 << 32, high})
		}
		tb, err := Build(c)
		if err != nil {
			return
		}
		mem := make([]byte, 0x100000+len(tb.Table))
		copy(mem[tb.Addr:], tb.Anchor)
		copy(mem[tb.TableAddr:], tb.Table)
		g, err := readGuest(mem, 0)
		if err != nil {
			t.Fatalf("built tables do not read back: %v", err)
		}
		if !cmp.Equal(g.structures, tb.Structures, cmpopts.EquateEmpty()) || g.used != len(tb.Table) {
			t.Fatal("the guest reads other structures than were built")
		}
		if len(g.e3) > 0 && len(g.e2) > 0 {
			e := g.e2[0]
			ss, _, err := walk(mem[e.table:e.table+uint64(e.length)], e)
			if err != nil || !cmp.Equal(ss, g.structures) {
				t.Fatalf("the 32-bit entry point leads elsewhere: %v", err)
			}
		}
	})
}
