package aml

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// h decodes a hex string with spaces; quoted runs are literal ASCII.
func h(t *testing.T, s string) []byte {
	t.Helper()
	var b []byte
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, `"`) && strings.HasSuffix(f, `"`) && len(f) >= 2 {
			b = append(b, f[1:len(f)-1]...)
			continue
		}
		var v byte
		for _, c := range f {
			var d byte
			switch {
			case c >= '0' && c <= '9':
				d = byte(c - '0')
			case c >= 'A' && c <= 'F':
				d = byte(c-'A') + 10
			default:
				t.Fatalf("bad hex %q", f)
			}
			v = v<<4 | d
		}
		if len(f) != 2 {
			t.Fatalf("bad hex byte %q", f)
		}
		b = append(b, v)
	}
	return b
}

// The expected bytes below are decoded by hand from the AML grammar (ACPI
// 6.4 chapter 20) and the resource descriptor formats (section 6.4).
func TestEncode(t *testing.T) {
	for _, tc := range []struct {
		name string
		term Term
		want string
	}{
		{"zero", Int(0), "00"},
		{"one", Int(1), "01"},
		{"byte", Int(2), "0A 02"},
		{"byte max", Int(0xff), "0A FF"},
		{"word", Int(0x100), "0B 00 01"},
		{"dword", Int(0x10000), "0C 00 00 01 00"},
		{"dword max", Int(0xffffffff), "0C FF FF FF FF"},
		{"qword", Int(1 << 32), "0E 00 00 00 00 01 00 00 00"},
		{"ones", Ones, "FF"},
		{"string", Str("COM1"), `0D "COM1" 00`},
		{"empty string", Str(""), "0D 00"},
		{"buffer", Buffer([]byte{1, 2}), "11 05 0A 02 01 02"},
		{"empty buffer", Buffer(nil), "11 02 00"},
		{"package", Package(Int(0), Int(0), Int(0), Int(0)), "12 06 04 00 00 00 00"},
		{"package of names", Package(Path("COM1"), Str("a")), `12 09 02 "COM1" 0D "a" 00`},
		{"eisaid PNP0501", EISAID("PNP0501"), "0C 41 D0 05 01"},
		{"eisaid PNP0B00", EISAID("PNP0B00"), "0C 41 D0 0B 00"},
		{"eisaid PNP0F13", EISAID("PNP0F13"), "0C 41 D0 0F 13"},
		{"name", Name("_HID", EISAID("PNP0501")), `08 "_HID" 0C 41 D0 05 01`},
		{"name padded", Name("_S5", Package(Int(0))), `08 "_S5_" 12 03 01 00`},
		{"method", Method("_STA", 0, false, Return(Int(0x0f))), `14 09 "_STA" 00 A4 0A 0F`},
		{"serialized method", Method("M", 2, true), `14 06 "M___" 0A`},
		{"device", Device("COM1", Name("_UID", Int(1))), `5B 82 0B "COM1" 08 "_UID" 01`},
		{"scope root", Scope(`\`), "10 03 5C 00"},
		{"scope", Scope(`\_SB`, Name("X", Int(0))), `10 0C 5C "_SB_" 08 "X___" 00`},
		{"if", If(LEqual(Arg(0), Int(1)), Return(Int(1))), "A0 06 93 68 01 A4 01"},
		{"if else", If(LEqual(Arg(0), Int(1)), Return(Int(1))).Else(Return(Int(0))), "A0 06 93 68 01 A4 01 A1 03 A4 00"},
		{"lnotequal", LNotEqual(Local(1), Int(3)), "92 93 61 0A 03"},
		{"llessgreater", LAnd(LLess(Arg(1), Int(2)), LGreater(Arg(2), Int(3))), "90 95 69 0A 02 94 6A 0A 03"},
		{"lor", LOr(Local(7), Arg(6)), "91 67 6E"},
		{"store", Store(Arg(0), Local(0)), "70 68 60"},
		{"store to name", Store(Int(5), Path(`\_SB.FOO`)), `70 0A 05 5C 2E "_SB_" "FOO_"`},
		{"notify", Notify(Path("PWRB"), Int(0x80)), `86 "PWRB" 0A 80`},
		{"add", Add(Local(0), Int(1), Local(0)), "72 60 01 60"},
		{"and no target", And(Arg(0), Int(1), nil), "7B 68 01 00"},
		{"or", Or(Arg(0), Int(4), Local(2)), "7D 68 0A 04 62"},
		{"subtract", Subtract(Arg(0), Int(4), nil), "74 68 0A 04 00"},
		{"shifts", ShiftLeft(ShiftRight(Arg(0), Int(2), nil), Int(3), Local(0)), "79 7A 68 0A 02 00 0A 03 60"},
		{"increment", Increment(Local(3)), "75 63"},
		{"decrement", Decrement(Local(3)), "76 63"},
		{"call", Call(`\_SB.M`, Int(1), Int(2)), `5C 2E "_SB_" "M___" 01 0A 02`},
		{"opregion", OperationRegion("PMIO", SystemIO, 0x600, 4), `5B 80 "PMIO" 01 0B 00 06 0A 04`},
		{"field", Field("PMIO", ByteAcc, false, Preserve, NamedField("STS", 16), Reserved(16), NamedField("CNT", 16)),
			`5B 81 12 "PMIO" 01 "STS_" 10 00 10 "CNT_" 10`},
		{"field flags", Field("R", DWordAcc, true, WriteAsZeros, NamedField("A", 0x100)), `5B 81 0C "R___" 53 "A___" 40 10`},
		{"io+irq", ResourceTemplate(IO(0x3f8, 0x3f8, 1, 8), IRQNoFlags(4)),
			"11 10 0A 0D 47 01 F8 03 F8 03 01 08 22 10 00 79 00"},
		{"irq flags", ResourceTemplate(IRQ(Level, ActiveLow, true, 9, 11)), "11 09 0A 06 23 00 0A 18 79 00"},
		{"irq edge high", ResourceTemplate(IRQ(Edge, ActiveHigh, false, 1)), "11 09 0A 06 23 02 00 01 79 00"},
		{"mem32fixed", ResourceTemplate(Memory32Fixed(false, 0xfed00000, 0x400)),
			"11 11 0A 0E 86 09 00 00 00 00 D0 FE 00 04 00 00 79 00"},
		{"interrupt", ResourceTemplate(Interrupt(Level, ActiveHigh, false, 9)),
			"11 0E 0A 0B 89 06 00 01 01 09 00 00 00 79 00"},
		{"interrupt edge low shared", ResourceTemplate(Interrupt(Edge, ActiveLow, true, 16, 0x12345678)),
			"11 12 0A 0F 89 0A 00 0F 02 10 00 00 00 78 56 34 12 79 00"},
		{"empty template", ResourceTemplate(), "11 05 0A 02 79 00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Encode(tc.term)
			if err != nil {
				t.Fatal(err)
			}
			if want := h(t, tc.want); !bytes.Equal(got, want) {
				t.Errorf("got  % X\nwant % X", got, want)
			}
		})
	}
}

func TestNameString(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{`\`, "5C 00"},
		{`^`, "5E 00"},
		{`_SB`, `"_SB_"`},
		{`\_SB`, `5C "_SB_"`},
		{`\_SB.COM1`, `5C 2E "_SB_" "COM1"`},
		{`^^PCI0`, `5E 5E "PCI0"`},
		{`^A.B`, `5E 2E "A___" "B___"`},
		{`\_SB.PCI0.ISA`, `5C 2F 03 "_SB_" "PCI0" "ISA_"`},
		{`A.B.C.D`, `2F 04 "A___" "B___" "C___" "D___"`},
		{`_T_0`, `"_T_0"`},
		{`C0FF`, `"C0FF"`},
	} {
		got, err := appendNameString(nil, tc.path)
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if want := h(t, tc.want); !bytes.Equal(got, want) {
			t.Errorf("%s: got % X, want % X", tc.path, got, want)
		}
	}
}

func TestPkgLength(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []byte
	}{
		{0, []byte{0x01}},
		{62, []byte{0x3f}},                          // 62+1 = 63, the one-byte maximum
		{63, []byte{0x41, 0x04}},                    // 63+2 = 65 = 0x41: nibble 1, then 4
		{4093, []byte{0x4f, 0xff}},                  // 4095, the two-byte maximum
		{4094, []byte{0x81, 0x00, 0x01}},            // 4097
		{1<<20 - 4, []byte{0x8f, 0xff, 0xff}},       // 2^20-1, the three-byte maximum
		{1<<20 - 3, []byte{0xc1, 0x00, 0x00, 0x01}}, // 2^20+1
		{MaxPkgLength - 4, []byte{0xcf, 0xff, 0xff, 0xff}},
	} {
		got, err := appendPkgLength(nil, tc.n)
		if err != nil {
			t.Errorf("%d: %v", tc.n, err)
			continue
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("PkgLength(%d) = % X, want % X", tc.n, got, tc.want)
		}
	}
	if _, err := appendPkgLength(nil, MaxPkgLength-3); err == nil {
		t.Error("PkgLength beyond 28 bits encoded")
	}
	// A package long enough for a two-byte PkgLength.
	got, err := Encode(Buffer(make([]byte, 100)))
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0x11, 0x48, 0x06, 0x0a, 100}; !bytes.Equal(got[:5], want) || len(got) != 105 {
		t.Errorf("100-byte buffer: % X..., %d bytes", got[:5], len(got))
	}
}

func TestVarPackage(t *testing.T) {
	elems := make([]Term, 300)
	for i := range elems {
		elems[i] = Int(0)
	}
	got, err := Encode(Package(elems...))
	if err != nil {
		t.Fatal(err)
	}
	// VarPackageOp, PkgLength of 3+300 content bytes (2 bytes), then the
	// element count as a word.
	if want := []byte{0x13, 0x41, 0x13, 0x0b, 0x2c, 0x01}; !bytes.Equal(got[:6], want) || len(got) != 6+300 {
		t.Errorf("got % X... (%d bytes)", got[:6], len(got))
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		term Term
		want string
	}{
		{"lower-case name", Name("_hid", Int(0)), "invalid character"},
		{"digit first", Device("0ABC"), "invalid character"},
		{"long segment", Scope(`\_SB.ABCDE`), "not 1 to 4"},
		{"empty segment", Scope(`\_SB..A`), "not 1 to 4"},
		{"empty name", Name("", Int(0)), "empty name"},
		{"non-ascii string", Str("caf\xe9"), "not ASCII"},
		{"nul in string", Str("a\x00b"), "not ASCII"},
		{"bad eisaid", EISAID("pnp0501"), "capital"},
		{"bad eisaid digit", EISAID("PNP05G1"), "hex digit"},
		{"short eisaid", EISAID("PNP050"), "7 characters"},
		{"arg7", Arg(7), "Arg7"},
		{"local8", Local(8), "Local8"},
		{"method args", Method("M", 8, false), "8 arguments"},
		{"irq 16", ResourceTemplate(IRQNoFlags(16)), "above 15"},
		{"no irqs", ResourceTemplate(IRQ(Edge, ActiveHigh, false)), "no interrupts"},
		{"io range", ResourceTemplate(IO(0x10, 0x8, 1, 1)), "below minimum"},
		{"mem across 4G", ResourceTemplate(Memory32Fixed(true, 0xffff0000, 0x20000)), "cross 4 GiB"},
		{"nil operand", Return(nil), "nil operand"},
		{"nil term", Scope(`\`, nil), "nil term"},
		{"nil descriptor", ResourceTemplate(nil), "nil descriptor"},
		{"field seg", Field("R", ByteAcc, false, Preserve, NamedField("A.B", 1)), "invalid character"},
		{"field zero bits", Field("R", ByteAcc, false, Preserve, NamedField("A", 0)), "0 bits"},
		{"nested error", Scope(`\_SB`, Device("D", Name("_x", Int(0)))), "invalid character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Encode(tc.term)
			if err == nil || !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
