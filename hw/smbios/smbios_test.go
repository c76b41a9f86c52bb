package smbios

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// qemu64 is CPUID leaf 1 of QEMU's default CPU model: EAX (family 15,
// model 107, stepping 1) and EDX.
const (
	qemu64Signature = 0x00060fb1
	qemu64Features  = 0x078bfbfd
)

const (
	biosAddr = 0xf8000
	gib      = uint64(1) << 30
	mib      = uint64(1) << 20
)

// configs are the machines the golden files describe.
func configs() map[string]Config {
	pc := PC()
	pc.Addr = biosAddr
	pc.BIOS.Version, pc.BIOS.Date = "0.1.0", "02/29/2024"
	pc.Processor.CPUs, pc.Processor.Cores = 2, 2
	pc.Processor.Signature, pc.Processor.Features = qemu64Signature, qemu64Features
	pc.Memory.Ranges = []Range{{0, 256 * mib}}

	// Four sockets of two cores of two threads, ten CPUs present: the
	// third socket is half populated, the fourth empty. RAM above 4 GiB
	// in three devices.
	big := PC()
	big.Addr = biosAddr
	big.BIOS = BIOS{Vendor: "gemu", Version: "0.1.0", Date: "12/31/2099", Major: 1, Minor: 16}
	big.System.UUID = [16]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	big.System.Serial, big.System.SKU, big.System.Family = "S-1", "SKU-1", "Virtual"
	big.Chassis.Serial, big.Chassis.AssetTag, big.Chassis.SKU, big.Chassis.Type = "C-1", "A-1", "QEMU", 0x11
	big.Processor = Processor{Manufacturer: "GenuineIntel", Version: "Intel Xeon Processor (Icelake)", Family: 0xb3,
		Signature: 0x000606a6, Features: 0x0f8bfbff, MaxSpeed: 3000, CurrentSpeed: 2400, Characteristics: 0xfc,
		CPUs: 10, Sockets: 4, Cores: 2, Threads: 2, Serial: "P-1", PartNumber: "Xeon"}
	big.Memory = Memory{Ranges: []Range{{0, 3 * gib}, {4 * gib, 37 * gib}}, LocatorPrefix: "RAM slot", Manufacturer: "QEMU"}

	micro := MicroVM()
	micro.Addr = biosAddr
	micro.EntryPoints = EntryPoint64
	micro.BIOS.Version, micro.BIOS.Date, micro.BIOS.UEFI = "0.1.0", "01/01/2025", true
	micro.Processor.CPUs, micro.Processor.Sockets = 1, 1
	micro.Processor.Signature, micro.Processor.Features = qemu64Signature, qemu64Features
	micro.Memory.Ranges = []Range{{0, 128 * mib}}

	// The 32-bit entry point alone, with the table elsewhere; memory that
	// is not whole MiB.
	q35 := Q35()
	q35.Addr = biosAddr + 0x100
	q35.TableAddr = 0x9f000
	q35.EntryPoints = EntryPoint32
	q35.Processor.Sockets, q35.Processor.Family = 2, 0x100
	q35.Memory.Ranges = []Range{{0, 2*gib + 512*1024}}

	return map[string]Config{"pc": pc, "pc-big": big, "microvm-64bit": micro, "q35-32bit": q35}
}

// huge is the largest machine: 254 sockets and 8 TiB of RAM in 512
// devices, with ranges past the 32-bit fields.
func huge() Config {
	c := PC()
	c.Addr = biosAddr
	c.Processor.CPUs, c.Processor.Sockets = 254, 254
	c.Memory.Ranges = []Range{{0, 2 * gib}, {4 * gib, 8<<40 - 2*gib}}
	return c
}

func build(t testing.TB, c Config) *Tables {
	t.Helper()
	tb, err := Build(c)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func hexdump(b *bytes.Buffer, data []byte) {
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		fmt.Fprintf(b, "%04x: % x%s  |", off, line, strings.Repeat("   ", 16-len(line)))
		for _, c := range line {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			b.WriteByte(c)
		}
		b.WriteString("|\n")
	}
}

// dump renders tables as the golden files hold them: the entry points,
// then each structure with its strings.
func dump(tb *Tables) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# entry points at %#x (64-bit %#x, 32-bit %#x), %d bytes\n", tb.Addr, tb.EntryPoint64, tb.EntryPoint32, len(tb.Anchor))
	hexdump(&b, tb.Anchor)
	fmt.Fprintf(&b, "# structure table at %#x, %d bytes, %d structures\n", tb.TableAddr, len(tb.Table), len(tb.Structures))
	off := 0
	for _, s := range tb.Structures {
		fmt.Fprintf(&b, "# +%#x type %d handle %#04x, length %#x, strings %q\n", off, s.Type, s.Handle, len(s.Data)+headerLen, s.Strings)
		hexdump(&b, tb.Table[off:off+s.Size()])
		off += s.Size()
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for name, c := range configs() {
		t.Run(name, func(t *testing.T) {
			got := dump(build(t, c))
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("tables differ from %s (-want +got):\n%s", path, d)
			}
		})
	}
}

// place writes the tables into a fake guest memory of 1 MiB and returns it.
func place(t *testing.T, tb *Tables) []byte {
	t.Helper()
	mem := make([]byte, 1<<20)
	for _, p := range []struct {
		addr uint64
		b    []byte
	}{{tb.Addr, tb.Anchor}, {tb.TableAddr, tb.Table}} {
		if p.addr+uint64(len(p.b)) > uint64(len(mem)) {
			t.Fatalf("[%#x, +%#x) is outside the fake memory", p.addr, len(p.b))
		}
		copy(mem[p.addr:], p.b)
	}
	return mem
}

// TestGuestView reads each machine's tables the way a guest does and
// checks what it finds against the configuration, with offsets from the
// specification.
func TestGuestView(t *testing.T) {
	cs := configs()
	cs["huge"] = huge()
	for name, c := range cs {
		t.Run(name, func(t *testing.T) {
			tb := build(t, c)
			if c.TableAddr == 0 && !tb.Contiguous() {
				t.Error("table does not follow the entry points")
			}
			mem := make([]byte, 1<<20)
			if name == "huge" {
				mem = make([]byte, 1<<20+len(tb.Table))
			}
			copy(mem[tb.Addr:], tb.Anchor)
			copy(mem[tb.TableAddr:], tb.Table)
			g, err := readGuest(mem, 0)
			if err != nil {
				t.Fatal(err)
			}
			checkEntries(t, c, tb, g)
			checkStructures(t, c, g.structures)
			if g.used != len(tb.Table) {
				t.Errorf("structures take %d of the table's %d bytes", g.used, len(tb.Table))
			}
		})
	}
}

func checkEntries(t *testing.T, c Config, tb *Tables, g *guestTables) {
	t.Helper()
	want3, want2 := c.EntryPoints != EntryPoint32, c.EntryPoints != EntryPoint64
	if (len(g.e3) == 1) != want3 || (len(g.e2) == 1) != want2 || len(g.e3) > 1 || len(g.e2) > 1 {
		t.Fatalf("found %d 64-bit and %d 32-bit entry points, want %v and %v", len(g.e3), len(g.e2), want3, want2)
	}
	count := 0
	for _, s := range g.structures {
		count++
		if s.Type == TypeEnd {
			break
		}
	}
	maxStruct := 0
	for _, s := range g.structures {
		maxStruct = max(maxStruct, s.Size())
	}
	if want3 {
		e := g.e3[0]
		if e.addr != tb.EntryPoint64 || e.addr != c.Addr || e.version != (Version{3, 0, 0}) || e.table != tb.TableAddr || int(e.length) != len(tb.Table) {
			t.Errorf("64-bit entry point %+v; want it at %#x for the %d-byte table at %#x, version 3.0.0", e, c.Addr, len(tb.Table), tb.TableAddr)
		}
	}
	if want2 {
		e := g.e2[0]
		at := c.Addr
		if want3 {
			at += 32
		}
		if e.addr != tb.EntryPoint32 || e.addr != at || e.version != (Version{3, 0, 0}) || e.table != tb.TableAddr || int(e.length) != len(tb.Table) || e.count != count || e.maxStruct != maxStruct {
			t.Errorf("32-bit entry point %+v; want it at %#x for %d structures (largest %d) in %d bytes at %#x, version 3.0", e, at, count, maxStruct, len(tb.Table), tb.TableAddr)
		}
	}
}

func checkStructures(t *testing.T, c Config, ss []Structure) {
	t.Helper()
	// The types in order, each with its 3.0 length and handle.
	sockets, cores, threads, cpus := c.Processor.topology()
	var total uint64
	for _, r := range c.Memory.Ranges {
		total += r.Size
	}
	devices := int((total + DeviceSize - 1) / DeviceSize)
	type th struct {
		typ    uint8
		handle uint16
		length int
	}
	want := []th{{0, 0, 0x18}, {1, 0x100, 0x1b}, {3, 0x300, 0x16}}
	for i := 0; i < sockets; i++ {
		want = append(want, th{4, uint16(0x400 + i), 0x30})
	}
	want = append(want, th{16, 0x1000, 0x17})
	for i := 0; i < devices; i++ {
		want = append(want, th{17, uint16(0x1100 + i), 0x28})
	}
	for i := range c.Memory.Ranges {
		want = append(want, th{19, uint16(0x1300 + i), 0x1f})
	}
	want = append(want, th{32, 0x2000, 0x0b}, th{127, 0x7f00, 4})
	var got []th
	for _, s := range ss {
		got = append(got, th{s.Type, s.Handle, lengthOf(s)})
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(th{})); d != "" {
		t.Fatalf("structures (-want +got):\n%s", d)
	}

	// Every string is named by some field (no orphans in a string set).
	for _, s := range ss {
		named := map[int]bool{}
		fields := stringFields[s.Type]
		if s.Type == 3 {
			fields = append(fields[:len(fields):len(fields)], 0x15)
		}
		for _, f := range fields {
			named[int(byteAt(s, f))] = true
		}
		for i := range s.Strings {
			if !named[i+1] {
				t.Errorf("type %d handle %#x: string %d %q is named by no field", s.Type, s.Handle, i+1, s.Strings[i])
			}
		}
	}

	bios := ss[0]
	ext2 := uint8(0x14)
	if c.BIOS.UEFI {
		ext2 |= 0x08
	}
	for _, f := range []struct {
		what      string
		got, want any
	}{
		{"BIOS vendor", strAt(bios, 0x04), c.BIOS.Vendor},
		{"BIOS version", strAt(bios, 0x05), c.BIOS.Version},
		{"BIOS date", strAt(bios, 0x08), c.BIOS.Date},
		{"BIOS segment", wordAt(bios, 0x06), uint16(0xe800)},
		{"BIOS characteristics", qwordAt(bios, 0x0a), uint64(1 << 3)},
		{"BIOS characteristics extension", [2]uint8{byteAt(bios, 0x12), byteAt(bios, 0x13)}, [2]uint8{0, ext2}},
		{"BIOS release", [4]uint8{byteAt(bios, 0x14), byteAt(bios, 0x15), byteAt(bios, 0x16), byteAt(bios, 0x17)}, [4]uint8{c.BIOS.Major, c.BIOS.Minor, 0xff, 0xff}},
		{"manufacturer", strAt(ss[1], 0x04), c.System.Manufacturer},
		{"product", strAt(ss[1], 0x05), c.System.Product},
		{"version", strAt(ss[1], 0x06), c.System.Version},
		{"serial", strAt(ss[1], 0x07), c.System.Serial},
		{"UUID", uuidString(ss[1].Data[0x08-4 : 0x18-4]), uuidText(c.System.UUID)},
		{"wake-up type", byteAt(ss[1], 0x18), uint8(6)},
		{"SKU", strAt(ss[1], 0x19), c.System.SKU},
		{"family", strAt(ss[1], 0x1a), c.System.Family},
		{"chassis manufacturer", strAt(ss[2], 0x04), c.Chassis.Manufacturer},
		{"chassis type", byteAt(ss[2], 0x05), max(c.Chassis.Type, 1)},
		{"chassis version", strAt(ss[2], 0x06), c.Chassis.Version},
		{"chassis SKU", strAt(ss[2], 0x15), c.Chassis.SKU},
		{"chassis states", ss[2].Data[0x09-4 : 0x0d-4], []byte{3, 3, 3, 2}},
	} {
		if !cmp.Equal(f.got, f.want) {
			t.Errorf("%s = %v, want %v", f.what, f.got, f.want)
		}
	}

	present := cpus
	for i, p := range ofType(ss, TypeProcessor) {
		inSocket := min(present, cores*threads)
		present -= inSocket
		status, enabled := uint8(0x41), (inSocket+threads-1)/threads
		if inSocket == 0 {
			status = 0
		}
		family := uint16(byteAt(p, 0x06))
		if family == 0xfe {
			family = wordAt(p, 0x28)
		} else if family != wordAt(p, 0x28) {
			t.Errorf("socket %d: family %#x but family 2 %#x", i, family, wordAt(p, 0x28))
		}
		wantFamily := max(c.Processor.Family, 1)
		if got, want := fmt.Sprintf("%q %#x %#x %q %#x %#x %d %d %#x %q",
			strAt(p, 0x04), byteAt(p, 0x05), family, strAt(p, 0x07), dwordAt(p, 0x08), dwordAt(p, 0x0c), wordAt(p, 0x14), wordAt(p, 0x16), byteAt(p, 0x18), strAt(p, 0x10)),
			fmt.Sprintf("%q %#x %#x %q %#x %#x %d %d %#x %q",
				fmt.Sprintf("%s %d", or(c.Processor.SocketPrefix, "CPU"), i), 3, wantFamily, c.Processor.Manufacturer, c.Processor.Signature, c.Processor.Features,
				c.Processor.MaxSpeed, c.Processor.CurrentSpeed, status, c.Processor.Version); got != want {
			t.Errorf("socket %d: got %s, want %s", i, got, want)
		}
		counts := [6]int{int(byteAt(p, 0x23)), int(byteAt(p, 0x24)), int(byteAt(p, 0x25)), int(wordAt(p, 0x2a)), int(wordAt(p, 0x2c)), int(wordAt(p, 0x2e))}
		if w := [6]int{cores, enabled, cores * threads, cores, enabled, cores * threads}; counts != w {
			t.Errorf("socket %d: core count, enabled, thread count (byte and word) %v, want %v", i, counts, w)
		}
		if l := [3]uint16{wordAt(p, 0x1a), wordAt(p, 0x1c), wordAt(p, 0x1e)}; l != [3]uint16{0xffff, 0xffff, 0xffff} {
			t.Errorf("socket %d: cache handles %#x", i, l)
		}
	}

	array := ofType(ss, TypeMemoryArray)[0]
	capacity := uint64(dwordAt(array, 0x07)) << 10
	if dwordAt(array, 0x07) == 0x80000000 {
		capacity = qwordAt(array, 0x0f)
		if total < 2<<40 {
			t.Errorf("extended capacity used for %d bytes", total)
		}
	}
	if capacity != total || wordAt(array, 0x0d) != uint16(devices) || byteAt(array, 0x05) != 3 {
		t.Errorf("memory array: capacity %d, %d devices, use %d; want %d, %d, system memory", capacity, wordAt(array, 0x0d), byteAt(array, 0x05), total, devices)
	}
	var sizes uint64
	for i, d := range ofType(ss, TypeMemoryDevice) {
		size := uint64(wordAt(d, 0x0c))
		if size&0x8000 != 0 {
			size = (size &^ 0x8000) << 10
		} else {
			size <<= 20
		}
		sizes += size
		if wordAt(d, 0x04) != array.Handle || strAt(d, 0x10) != fmt.Sprintf("%s %d", or(c.Memory.LocatorPrefix, "DIMM"), i) || strAt(d, 0x17) != c.Memory.Manufacturer {
			t.Errorf("memory device %d: array %#x, locator %q, manufacturer %q", i, wordAt(d, 0x04), strAt(d, 0x10), strAt(d, 0x17))
		}
		if i < devices-1 && size != DeviceSize {
			t.Errorf("memory device %d holds %d bytes, not 16 GiB", i, size)
		}
	}
	// The size field counts whole MiB above 32 MiB.
	if sizes > total || total-sizes >= uint64(devices)*mib {
		t.Errorf("memory devices hold %d bytes, want %d", sizes, total)
	}
	var ranges []Range
	for _, m := range ofType(ss, TypeMappedAddress) {
		start, end := uint64(dwordAt(m, 0x04))<<10, (uint64(dwordAt(m, 0x08))+1)<<10
		if dwordAt(m, 0x04) == 0xffffffff {
			start, end = qwordAt(m, 0x0f), qwordAt(m, 0x17)+1
		} else if qwordAt(m, 0x0f) != 0 || qwordAt(m, 0x17) != 0 {
			t.Errorf("range %#x: extended addresses set beside the 32-bit ones", m.Handle)
		}
		if wordAt(m, 0x0c) != array.Handle || byteAt(m, 0x0e) != 1 {
			t.Errorf("range %#x: array %#x, partition width %d", m.Handle, wordAt(m, 0x0c), byteAt(m, 0x0e))
		}
		ranges = append(ranges, Range{start, end - start})
	}
	if !cmp.Equal(ranges, c.Memory.Ranges) {
		t.Errorf("mapped ranges %v, want %v", ranges, c.Memory.Ranges)
	}
}

// or returns s, or def if s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// uuidString formats 16 bytes as SMBIOS 2.6 stores a UUID.
func uuidString(b []byte) string {
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x", b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8:10], b[10:16])
}

func uuidText(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func TestHugeEntryPoints(t *testing.T) {
	// The huge table still fits the 32-bit entry point (under 64 KiB);
	// above 4 GiB it does not, nor past 64 KiB.
	c := huge()
	tb := build(t, c)
	if len(tb.Table) > 0xffff {
		t.Fatalf("table of %d bytes", len(tb.Table))
	}
	t.Logf("254 sockets, 8 TiB: %d bytes of structure table", len(tb.Table))
	c.TableAddr = 1<<32 - 0x100
	if _, err := Build(c); err == nil || !strings.Contains(err.Error(), "above 4 GiB") {
		t.Errorf("table across 4 GiB with a 32-bit entry point: %v", err)
	}
	c.EntryPoints = EntryPoint64
	tb = build(t, c)
	if tb.Contiguous() || tb.TableAddr != 1<<32-0x100 || tb.Bytes() != nil {
		t.Errorf("table at %#x, contiguous %v", tb.TableAddr, tb.Contiguous())
	}
	c = huge()
	c.Processor.SocketPrefix = strings.Repeat("x", 200)
	if _, err := Build(c); err == nil || !strings.Contains(err.Error(), "too long for the 32-bit entry point") {
		t.Errorf("table over 64 KiB with a 32-bit entry point: %v", err)
	}
	c.EntryPoints = EntryPoint64
	if _, err := Build(c); err != nil {
		t.Errorf("table over 64 KiB with only the 64-bit entry point: %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	good := func() Config {
		c := PC()
		c.Addr = biosAddr
		c.Memory.Ranges = []Range{{0, 256 * mib}}
		return c
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"unaligned", func(c *Config) { c.Addr = biosAddr + 8 }, "not 16-byte aligned"},
		{"entry point kind", func(c *Config) { c.EntryPoints = 3 }, "unknown entry point"},
		{"NUL", func(c *Config) { c.System.Product = "a\x00b" }, "system product \"a\\x00b\" contains a NUL"},
		{"date", func(c *Config) { c.BIOS.Date = "2024-02-29" }, "not mm/dd/yyyy"},
		{"date month", func(c *Config) { c.BIOS.Date = "13/01/2024" }, "not mm/dd/yyyy"},
		{"chassis lock", func(c *Config) { c.Chassis.Type = 0x81 }, "chassis type 0x81"},
		{"chassis type", func(c *Config) { c.Chassis.Type = 0x25 }, "chassis type 0x25"},
		{"family", func(c *Config) { c.Processor.Family = 0xffff }, "family 0xffff is reserved"},
		{"negative", func(c *Config) { c.Processor.Cores = -1 }, "negative topology"},
		{"sockets", func(c *Config) { c.Processor.Sockets = 257 }, "257 sockets"},
		{"threads", func(c *Config) { c.Processor.Cores, c.Processor.Threads = 256, 256 }, "at most 65534 threads"},
		{"cpus", func(c *Config) { c.Processor.CPUs, c.Processor.Sockets = 3, 2 }, "3 CPUs do not fit"},
		{"no RAM", func(c *Config) { c.Memory.Ranges = nil }, "no RAM ranges"},
		{"empty range", func(c *Config) { c.Memory.Ranges = []Range{{0, 0}} }, "empty or wraps"},
		{"wrap", func(c *Config) { c.Memory.Ranges = []Range{{1 << 63, 1 << 63}} }, "empty or wraps"},
		{"unaligned range", func(c *Config) { c.Memory.Ranges = []Range{{0, 1000}} }, "not KiB aligned"},
		{"overlap", func(c *Config) { c.Memory.Ranges = []Range{{0, 2 * gib}, {gib, gib}} }, "overlaps or precedes"},
		{"too much RAM", func(c *Config) { c.Memory.Ranges = []Range{{0, 8<<40 + gib}} }, "need 513 memory devices"},
		{"too many ranges", func(c *Config) {
			c.Memory.Ranges = nil
			for i := uint64(0); i < 257; i++ {
				c.Memory.Ranges = append(c.Memory.Ranges, Range{i * mib, 4096})
			}
		}, "257 RAM ranges"},
		{"overlapping table", func(c *Config) { c.TableAddr = biosAddr + 0x20 }, "overlaps the entry points"},
		{"table wraps", func(c *Config) { c.TableAddr, c.EntryPoints = 1<<64-16, EntryPoint64 }, "wraps around"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mutate(&c)
			_, err := Build(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Build(good()); err != nil {
		t.Errorf("good config: %v", err)
	}
}

// TestZeroConfig: a config with nothing but memory is one socket with one
// CPU and strings left out.
func TestZeroConfig(t *testing.T) {
	tb := build(t, Config{Memory: Memory{Ranges: []Range{{0, 64 * mib}}}})
	p := ofType(tb.Structures, TypeProcessor)
	if len(p) != 1 || p[0].Strings[0] != "CPU 0" || len(p[0].Strings) != 1 || byteAt(p[0], 0x18) != 0x41 || byteAt(p[0], 0x06) != 1 {
		t.Errorf("processor %+v", p)
	}
	if s := tb.Structures[1]; len(s.Strings) != 0 || strAt(s, 0x04) != "" {
		t.Errorf("system %+v", s)
	}
	if tb.EntryPoint32 != 32 || tb.TableAddr != 64 || len(tb.Bytes()) != 64+len(tb.Table) {
		t.Errorf("32-bit entry point at %#x, table at %#x", tb.EntryPoint32, tb.TableAddr)
	}
}

func TestStringsShared(t *testing.T) {
	// One string named by several fields is stored once.
	c := PC()
	c.Chassis.Version, c.Chassis.SKU = "QEMU", "QEMU"
	c.Memory.Ranges = []Range{{0, 64 * mib}}
	tb := build(t, c)
	ch := tb.Structures[2]
	if !cmp.Equal(ch.Strings, []string{"QEMU"}) || byteAt(ch, 0x04) != 1 || byteAt(ch, 0x06) != 1 || byteAt(ch, 0x15) != 1 {
		t.Errorf("chassis strings %q, data % x", ch.Strings, ch.Data)
	}
}

func TestDeviceSize(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		want uint16
	}{
		{16 * gib, 16384},
		{256 * mib, 256},
		{mib + 4096, 0x8000 | 1028},
		{32*mib - 2048, 0x8000 | 0x7ffe},
		{32*mib - 1024, 31}, // 0xffff would be "unknown"
		{40*mib + 4096, 40}, // whole MiB only above 32 MiB
		{4096, 0x8000 | 4},
	} {
		if got := deviceSize(tc.n); got != tc.want {
			t.Errorf("deviceSize(%#x) = %#x, want %#x", tc.n, got, tc.want)
		}
	}
}

func TestUUIDEncoding(t *testing.T) {
	u := [16]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	want := []byte{0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	if got := uuidBytes(u); !bytes.Equal(got, want) {
		t.Errorf("uuidBytes = % x, want % x", got, want)
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		ss   []Structure
		want string
	}{
		{"long", []Structure{{Type: 200, Data: make([]byte, 252)}}, "formatted area of 252 bytes"},
		{"handle", []Structure{{Type: 1, Handle: 0xfffe}}, "handle 0xfffe is reserved"},
		{"duplicate", []Structure{{Type: 1, Handle: 5}, {Type: 2, Handle: 5}}, "handle 0x5 used by type 1 and type 2"},
		{"empty string", []Structure{{Type: 1, Strings: []string{"a", ""}}}, "string 2 is empty"},
		{"NUL", []Structure{{Type: 1, Strings: []string{"a\x00"}}}, "contains a NUL"},
		{"256 strings", []Structure{{Type: 1, Strings: strings.Split(strings.Repeat("a,", 256)[:511], ",")}}, "256 strings"},
	} {
		if _, err := Encode(tc.ss); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	b, err := Encode([]Structure{{Type: 127, Handle: 0x7f00}, {Type: 200, Handle: 1, Data: []byte{1}, Strings: []string{"ab", "c"}}})
	if want := []byte{127, 4, 0, 0x7f, 0, 0, 200, 5, 1, 0, 1, 'a', 'b', 0, 'c', 0, 0}; err != nil || !bytes.Equal(b, want) {
		t.Errorf("Encode = % x, %v; want % x", b, err, want)
	}
}

// TestDecoderRejects: the guest's reader refuses what DSP0134 does not
// allow, so that the round trips above mean something.
func TestDecoderRejects(t *testing.T) {
	end := []byte{127, 4, 0, 0x7f, 0, 0}
	e3 := entry{anchor: "_SM3_", length: 1 << 16}
	for _, tc := range []struct {
		name  string
		table []byte
		want  string
	}{
		{"short length", append([]byte{1, 3, 0, 1, 0, 0}, end...), "has length 3"},
		{"no end", []byte{1, 4, 0, 1, 0, 0}, "without an end-of-table"},
		{"unterminated strings", []byte{1, 4, 0, 1, 'a', 0}, "not terminated"},
		{"empty first string", append([]byte{1, 4, 0, 1, 0, 'a', 0, 0}, end...), "starts with an empty string"},
		{"bad string number", append([]byte{1, 5, 0, 1, 2, 'a', 0, 0}, end...), "names string 2 of 1"},
		{"repeated handle", append([]byte{1, 4, 0x00, 0x7f, 0, 0}, end...), "repeats handle 0x7f00"},
		{"reserved handle", append([]byte{1, 4, 0xff, 0xff, 0, 0}, end...), "reserved handle"},
		{"past the table", []byte{1, 40, 0, 0}, "runs past the table"},
	} {
		if _, _, err := walk(tc.table, e3); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// A 32-bit entry point's count and length are exact.
	two := append([]byte{1, 4, 0, 1, 0, 0}, end...)
	for _, e := range []entry{{anchor: "_SM_", count: 1, length: 12}, {anchor: "_SM_", count: 3, length: 12}, {anchor: "_SM_", count: 2, length: 13}} {
		if _, _, err := walk(two, e); err == nil {
			t.Errorf("count %d length %d accepted", e.count, e.length)
		}
	}
	if _, n, err := walk(two, entry{anchor: "_SM_", count: 2, length: 12}); err != nil || n != 12 {
		t.Errorf("exact table: %d bytes, %v", n, err)
	}
	// Entry points: a bad checksum or anchor is found and refused.
	tb := build(t, configs()["pc"])
	area := make([]byte, 0x10000)
	copy(area[0x8000:], tb.Anchor)
	area[0x8000+0x0c]++ // table size of the 64-bit one
	area[0x8020+0x16]++ // table length of the 32-bit one
	if e3, e2, err := scan(area, 0xf0000); err == nil || len(e3)+len(e2) != 0 {
		t.Errorf("corrupted entry points: found %v %v, error %v", e3, e2, err)
	}
	copy(area[0x8000:], tb.Anchor)
	area[0x8020+0x15]++ // _DMI_ checksum
	area[0x8020+0x04]-- // keep the whole sum
	if _, e2, err := scan(area, 0xf0000); err == nil || !strings.Contains(err.Error(), "_DMI_ checksum") || len(e2) != 0 {
		t.Errorf("bad _DMI_ checksum: %v", err)
	}
}

// TestWalkAsLinux: the order Linux prefers, the 64-bit entry point, and
// both entry points describe the same structures.
func TestBothEntryPointsAgree(t *testing.T) {
	tb := build(t, configs()["pc"])
	mem := place(t, tb)
	g, err := readGuest(mem, 0)
	if err != nil {
		t.Fatal(err)
	}
	e2 := g.e2[0]
	ss, _, err := walk(mem[e2.table:e2.table+uint64(e2.length)], e2)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(ss, g.structures) {
		t.Error("the 32-bit entry point leads to other structures")
	}
	types := map[uint8]int{}
	for _, s := range ss {
		types[s.Type]++
	}
	var list []string
	for typ, n := range types {
		list = append(list, fmt.Sprintf("%d:%d", typ, n))
	}
	sort.Strings(list)
	if got := strings.Join(list, " "); got != "0:1 127:1 16:1 17:1 19:1 1:1 32:1 3:1 4:1" {
		t.Errorf("types %s", got)
	}
}
