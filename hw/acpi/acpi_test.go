package acpi

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

// testAddr is where the tests lay the tables out: emu/loader's place for
// them in the BIOS area.
const testAddr = 0xf2000

// configs are the machines the golden files describe.
func configs() map[string]Config {
	pc1 := PC(1)
	pc1.Addr = testAddr
	pc1.PM.Timer32 = false // the PIIX4's own width

	big := PC(4)
	big.Addr = testAddr
	big.HPET = &HPET{Addr: HPETAddr, ID: HPETID, MinTick: 128}
	big.Serial = []Serial{{0x3f8, 4}, {0x2f8, 3}, {0x3e8, 4}, {0x2e8, 3}}
	big.PM.Timer32 = true
	big.PM.SMICmd, big.PM.ACPIEnable, big.PM.ACPIDisable = 0xb2, 0xf1, 0xf0
	big.VGA = true
	big.OEMID, big.OEMTableID, big.OEMRevision = "OEMID1", "TABLEID8", 7

	bare := PC(2)
	bare.Addr = 0x9e000
	bare.PIC = false
	bare.Serial, bare.RTC, bare.I8042 = nil, nil, false
	bare.PM.GPE0Blk, bare.PM.ResetPort = 0, 0
	mv := MicroVM(2)
	mv.Addr = testAddr
	return map[string]Config{"pc-1cpu": pc1, "pc-4cpu-hpet": big, "pc-bare": bare, "microvm-2cpu": mv}
}

func build(t *testing.T, c Config) *Tables {
	t.Helper()
	tb, err := Build(c)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// dump renders the tables as an annotated hex dump.
func dump(tb *Tables) []byte {
	var b bytes.Buffer
	for _, e := range tb.Entries {
		fmt.Fprintf(&b, "# %s at %#x, %d bytes\n", e.Signature, e.Addr, e.Len)
		data := tb.Table(e.Signature)
		for off := 0; off < len(data); off += 16 {
			line := data[off:min(off+16, len(data))]
			fmt.Fprintf(&b, "%04x: % x%s  |", off, line, strings.Repeat("   ", 16-len(line)))
			for _, c := range line {
				if c < 0x20 || c > 0x7e {
					c = '.'
				}
				b.WriteByte(c)
			}
			b.WriteString("|\n")
		}
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

// guest reads the tables the way an operating system does, from the RSDP
// through the pointers, with offsets taken from the specification rather
// than from the writer.
type guest struct {
	t  *testing.T
	tb *Tables
}

func (g guest) at(addr uint64, n int) []byte {
	g.t.Helper()
	if addr < g.tb.Addr || addr+uint64(n) > g.tb.Addr+uint64(len(g.tb.Bytes)) {
		g.t.Fatalf("pointer %#x (+%d) outside the tables [%#x, %#x)", addr, n, g.tb.Addr, g.tb.Addr+uint64(len(g.tb.Bytes)))
	}
	return g.tb.Bytes[addr-g.tb.Addr : addr-g.tb.Addr+uint64(n)]
}

func sum(b []byte) uint8 {
	var s uint8
	for _, c := range b {
		s += c
	}
	return s
}

// table returns the table at addr after checking its signature, length and
// checksum.
func (g guest) table(addr uint64, sig string) []byte {
	g.t.Helper()
	h := g.at(addr, headerLen)
	if string(h[:4]) != sig {
		g.t.Fatalf("table at %#x is %q, want %q", addr, h[:4], sig)
	}
	tb := g.at(addr, int(le.Uint32(h[4:])))
	if sum(tb) != 0 {
		g.t.Errorf("%s: checksum does not sum to zero", sig)
	}
	return tb
}

func TestGuestView(t *testing.T) {
	for name, c := range configs() {
		t.Run(name, func(t *testing.T) {
			tb := build(t, c)
			g := guest{t, tb}
			if tb.RSDP%16 != 0 || tb.RSDP != tb.Addr {
				t.Errorf("RSDP at %#x: want the first, 16-byte aligned", tb.RSDP)
			}
			rsdp := g.at(tb.RSDP, 36)
			if string(rsdp[:8]) != "RSD PTR " || sum(rsdp[:20]) != 0 || sum(rsdp) != 0 || rsdp[15] != 2 || le.Uint32(rsdp[20:]) != 36 {
				t.Fatalf("RSDP % x: bad signature, checksums, revision or length", rsdp)
			}
			oem := string(rsdp[9:15])
			rsdt := g.table(uint64(le.Uint32(rsdp[16:])), "RSDT")
			xsdt := g.table(le.Uint64(rsdp[24:]), "XSDT")
			var viaRSDT, viaXSDT []uint64
			for i := headerLen; i < len(rsdt); i += 4 {
				viaRSDT = append(viaRSDT, uint64(le.Uint32(rsdt[i:])))
			}
			for i := headerLen; i < len(xsdt); i += 8 {
				viaXSDT = append(viaXSDT, le.Uint64(xsdt[i:]))
			}
			if d := cmp.Diff(viaRSDT, viaXSDT); d != "" {
				t.Errorf("RSDT and XSDT list different tables:\n%s", d)
			}
			found := map[string][]byte{}
			for _, a := range viaXSDT {
				sig := string(g.at(a, 4))
				found[sig] = g.table(a, sig)
			}
			want := []string{"APIC", "FACP"}
			if c.HPET != nil {
				want = append(want, "HPET")
			}
			if got := keys(found); !cmp.Equal(got, want) {
				t.Errorf("XSDT lists %v, want %v", got, want)
			}
			for sig, tbl := range found {
				if string(tbl[10:16]) != oem || string(tbl[28:32]) != "GEMU" {
					t.Errorf("%s: OEM ID %q (RSDP has %q), creator %q", sig, tbl[10:16], oem, tbl[28:32])
				}
			}
			checkFADT(t, g, c, found["FACP"])
			checkMADT(t, c, found["APIC"])
			if h := found["HPET"]; h != nil {
				if le.Uint32(h[36:]) != c.HPET.ID || h[40] != 0 || le.Uint64(h[44:]) != uint64(c.HPET.Addr) || le.Uint16(h[53:]) != c.HPET.MinTick {
					t.Errorf("HPET table % x", h[36:])
				}
			}
		})
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func checkFADT(t *testing.T, g guest, c Config, f []byte) {
	t.Helper()
	if len(f) != 276 || f[8] != 6 {
		t.Fatalf("FADT: %d bytes, revision %d; want 276, 6", len(f), f[8])
	}
	u16 := func(o int) uint16 { return le.Uint16(f[o:]) }
	u32 := func(o int) uint32 { return le.Uint32(f[o:]) }
	u64 := func(o int) uint64 { return le.Uint64(f[o:]) }
	if h := c.HWReduced; h != nil {
		checkReducedFADT(t, g, h, f)
		return
	}
	if u32(112)&(1<<20) != 0 {
		t.Error("FADT: HW_REDUCED_ACPI set on a PC")
	}
	facs, dsdt := u32(36), u32(40)
	if uint64(facs) != u64(132) || uint64(dsdt) != u64(140) {
		t.Errorf("FADT: 32-bit FACS %#x / DSDT %#x differ from the 64-bit %#x / %#x", facs, dsdt, u64(132), u64(140))
	}
	if facs%64 != 0 {
		t.Errorf("FACS at %#x is not 64-byte aligned", facs)
	}
	fs := g.at(uint64(facs), 64)
	if string(fs[:4]) != "FACS" || le.Uint32(fs[4:]) != 64 || le.Uint32(fs[16:]) != 0 {
		t.Errorf("FACS % x", fs)
	}
	g.table(uint64(dsdt), "DSDT")
	pm := c.PM
	if u16(46) != uint16(pm.SCI) || u32(56) != uint32(pm.EvtBlk) || u32(64) != uint32(pm.CntBlk) || u32(76) != uint32(pm.TmrBlk) || u32(80) != uint32(pm.GPE0Blk) {
		t.Errorf("FADT: SCI %d, PM1a_EVT %#x, PM1a_CNT %#x, PM_TMR %#x, GPE0 %#x", u16(46), u32(56), u32(64), u32(76), u32(80))
	}
	gpeLen := pm.GPE0Len
	if pm.GPE0Blk == 0 {
		gpeLen = 0
	}
	if f[88] != 4 || f[89] != 2 || f[91] != 4 || f[92] != gpeLen {
		t.Errorf("FADT: block lengths %d %d %d %d", f[88], f[89], f[91], f[92])
	}
	if u32(48) != uint32(pm.SMICmd) || (pm.SMICmd != 0 && (f[52] != pm.ACPIEnable || f[53] != pm.ACPIDisable)) {
		t.Errorf("FADT: SMI_CMD %#x enable %#x disable %#x", u32(48), f[52], f[53])
	}
	// Each X_ block: I/O space, the legacy block's width, the same port.
	for _, x := range []struct {
		name      string
		gas, port int
		bits      int
	}{{"PM1a_EVT", 148, 56, 32}, {"PM1a_CNT", 172, 64, 16}, {"PM_TMR", 208, 76, 32}, {"GPE0", 220, 80, 8 * int(f[92])}} {
		if u32(x.port) == 0 {
			if !bytes.Equal(f[x.gas:x.gas+12], make([]byte, 12)) {
				t.Errorf("X_%s set without a legacy block", x.name)
			}
			continue
		}
		if f[x.gas] != 1 || int(f[x.gas+1]) != x.bits || u64(x.gas+4) != uint64(u32(x.port)) {
			t.Errorf("X_%s: % x, want I/O, %d bits at %#x", x.name, f[x.gas:x.gas+12], x.bits, u32(x.port))
		}
	}
	flags := u32(112)
	if (flags&(1<<8) != 0) != pm.Timer32 || flags&(1<<20) != 0 || flags&(1<<4) != 0 {
		t.Errorf("FADT flags %#x: TMR_VAL_EXT must follow Timer32, HW_REDUCED and PWR_BUTTON clear", flags)
	}
	if (flags&(1<<10) != 0) != (pm.ResetPort != 0) {
		t.Errorf("FADT flags %#x: RESET_REG_SUP with reset port %#x", flags, pm.ResetPort)
	}
	if pm.ResetPort != 0 && (f[116] != 1 || f[117] != 8 || u64(120) != uint64(pm.ResetPort) || f[128] != pm.ResetValue) {
		t.Errorf("FADT RESET_REG % x value %#x", f[116:128], f[128])
	}
	boot := u16(109)
	if (boot&2 != 0) != c.I8042 || (boot&4 != 0) == c.VGA || (boot&0x20 != 0) != (c.RTC == nil) {
		t.Errorf("FADT IAPC_BOOT_ARCH %#x for i8042=%v vga=%v rtc=%v", boot, c.I8042, c.VGA, c.RTC != nil)
	}
	if c.RTC != nil && f[108] != c.RTC.Century {
		t.Errorf("FADT CENTURY %#x", f[108])
	}
}

// checkReducedFADT checks a hardware-reduced FADT: the flag, no FACS or
// fixed PM blocks, the sleep and reset registers in memory space.
func checkReducedFADT(t *testing.T, g guest, h *HWReduced, f []byte) {
	t.Helper()
	u32 := func(o int) uint32 { return le.Uint32(f[o:]) }
	u64 := func(o int) uint64 { return le.Uint64(f[o:]) }
	flags := u32(112)
	if flags&(1<<20) == 0 || flags&(1<<4) == 0 || (flags&(1<<10) != 0) != (h.ResetReg != 0) {
		t.Errorf("FADT flags %#x: want HW_REDUCED_ACPI, PWR_BUTTON, and RESET_REG_SUP with a reset register", flags)
	}
	if u32(36) != 0 || u64(132) != 0 || u16(f[46:]) != 0 || u32(56) != 0 || u32(64) != 0 || u32(76) != 0 || u32(80) != 0 {
		t.Errorf("FADT: FACS %#x/%#x, SCI %d, PM blocks %#x %#x %#x %#x: want none", u32(36), u64(132), u16(f[46:]), u32(56), u32(64), u32(76), u32(80))
	}
	if u64(140) == 0 {
		t.Error("FADT: no X_DSDT")
	}
	g.table(u64(140), "DSDT")
	for _, r := range []struct {
		name string
		off  int
		addr uint64
	}{{"SLEEP_CONTROL_REG", 244, h.SleepCtl}, {"SLEEP_STATUS_REG", 256, h.SleepSts}, {"RESET_REG", 116, h.ResetReg}} {
		if want := []byte{0, 8, 0, 1}; !bytes.Equal(f[r.off:r.off+4], want) || u64(r.off+4) != r.addr {
			t.Errorf("%s % x, want memory, 8 bits, byte access at %#x", r.name, f[r.off:r.off+12], r.addr)
		}
	}
	if f[128] != h.ResetValue {
		t.Errorf("RESET_VALUE %#x", f[128])
	}
}

func u16(b []byte) uint16 { return le.Uint16(b) }

func checkMADT(t *testing.T, c Config, m []byte) {
	t.Helper()
	if le.Uint32(m[36:]) != c.LAPICAddr || (le.Uint32(m[40:])&1 != 0) != c.PIC {
		t.Errorf("MADT: local APIC %#x flags %#x", le.Uint32(m[36:]), le.Uint32(m[40:]))
	}
	var cpus, ioapics, nmis int
	var overrides []Override
	for off := 44; off < len(m); {
		typ, n := m[off], int(m[off+1])
		if n < 2 || off+n > len(m) {
			t.Fatalf("MADT entry at %d: length %d", off, n)
		}
		e := m[off : off+n]
		switch typ {
		case 0:
			if e[2] != uint8(cpus) || e[3] != uint8(cpus) || le.Uint32(e[4:]) != 1 {
				t.Errorf("local APIC entry %d: % x", cpus, e)
			}
			cpus++
		case 1:
			if e[2] != c.IOAPIC.ID || le.Uint32(e[4:]) != c.IOAPIC.Addr || le.Uint32(e[8:]) != c.IOAPIC.GSIBase {
				t.Errorf("I/O APIC entry % x", e)
			}
			ioapics++
		case 2:
			fl := le.Uint16(e[8:])
			overrides = append(overrides, Override{e[3], le.Uint32(e[4:]), Trigger(fl >> 2 & 3), Polarity(fl & 3)})
		case 4:
			if e[2] != 0xff || e[5] != 1 {
				t.Errorf("local APIC NMI entry % x: want all processors, LINT1", e)
			}
			nmis++
		default:
			t.Errorf("unexpected MADT entry type %d", typ)
		}
		off += n
	}
	if cpus != c.CPUs || ioapics != 1 || nmis != 1 {
		t.Errorf("MADT: %d CPUs, %d I/O APICs, %d NMI entries", cpus, ioapics, nmis)
	}
	if d := cmp.Diff(c.Overrides, overrides); d != "" {
		t.Errorf("MADT overrides (-want +got):\n%s", d)
	}
}

func TestPCOverrides(t *testing.T) {
	got := PCOverrides(9)
	want := []Override{{0, 2, TriggerConforming, PolarityConforming}, {9, 9, TriggerLevel, PolarityLow}}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(c *Config)
		want   string
	}{
		{"no address", func(c *Config) { c.Addr = 0 }, "multiple of 16"},
		{"unaligned", func(c *Config) { c.Addr = 0xf2008 }, "multiple of 16"},
		{"above 4G", func(c *Config) { c.Addr = 0xffffff00 }, "above 4 GiB"},
		{"no cpus", func(c *Config) { c.CPUs = 0 }, "0 CPUs"},
		{"too many cpus", func(c *Config) { c.CPUs = 256 }, "256 CPUs"},
		{"no pm", func(c *Config) { c.PM.CntBlk = 0 }, "required"},
		{"sci", func(c *Config) { c.PM.SCI = 16 }, "IRQ 16"},
		{"odd gpe", func(c *Config) { c.PM.GPE0Len = 3 }, "even"},
		{"slp_typ", func(c *Config) { c.PM.S5SlpTyp = 8 }, "3 bits"},
		{"serials", func(c *Config) { c.Serial = make([]Serial, 5) }, "5 serial"},
		{"serial irq", func(c *Config) { c.Serial = []Serial{{0x3f8, 16}} }, "ISA IRQ"},
		{"rtc", func(c *Config) { c.RTC.Len = 0 }, "RTC"},
		{"hpet", func(c *Config) { c.HPET = &HPET{Addr: HPETAddr} }, "HPET"},
		{"override", func(c *Config) { c.Overrides = []Override{{Source: 1, Trigger: 2}} }, "override"},
		{"oem id", func(c *Config) { c.OEMID = "TOOLONG" }, "longer than 6"},
		{"oem table id", func(c *Config) { c.OEMTableID = "bad\x01" }, "printable"},
		{"lapic", func(c *Config) { c.LAPICAddr = 0 }, "zero"},
		{"reduced without ged", func(c *Config) { c.HWReduced = &HWReduced{SleepCtl: 1, SleepSts: 2} }, "hardware-reduced"},
		{"reduced slp_typ", func(c *Config) { c.HWReduced = MicroVM(1).HWReduced; c.HWReduced.S5SlpTyp = 9 }, "3 bits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := PC(1)
			c.Addr = testAddr
			tc.mutate(&c)
			_, err := Build(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestMaxCPUs(t *testing.T) {
	c := PC(MaxCPUs)
	c.Addr = testAddr
	tb := build(t, c)
	if n := len(tb.Bytes); tb.Addr+uint64(n) > 0x100000 {
		t.Errorf("%d CPUs: %d bytes of tables do not fit below 1 MiB from %#x", MaxCPUs, n, tb.Addr)
	}
	checkMADT(t, c, tb.Table("APIC"))
}
