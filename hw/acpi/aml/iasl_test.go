package aml

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAgainstIASL compiles ASL with ACPICA's iasl (optimizations off, so
// that it encodes names as written) and compares the AML with what the
// builder produces for the same constructs.
func TestAgainstIASL(t *testing.T) {
	iasl, err := exec.LookPath("iasl")
	if err != nil {
		t.Skip("iasl not installed (Debian package acpica-tools)")
	}
	for _, tc := range []struct {
		name  string
		asl   string
		terms []Term
	}{
		{"event method", `
Scope (\_SB) {
    Device (PWRB) { Name (_HID, EisaId ("PNP0C0C")) }
    Device (GED) {
        Name (_HID, "ACPI0013")
        OperationRegion (EREG, SystemMemory, 0xFEA00000, 0x04)
        Field (EREG, DWordAcc, NoLock, WriteAsZeros) { ESEL, 32 }
        Method (_EVT, 1, Serialized) {
            Store (ESEL, Local0)
            If (And (Local0, 0x02)) { Notify (PWRB, 0x80) }
        }
    }
}`, []Term{Scope(`\_SB`,
			Device("PWRB", Name("_HID", EISAID("PNP0C0C"))),
			Device("GED",
				Name("_HID", Str("ACPI0013")),
				OperationRegion("EREG", SystemMemory, 0xfea00000, 4),
				Field("EREG", DWordAcc, false, WriteAsZeros, NamedField("ESEL", 32)),
				Method("_EVT", 1, true,
					Store(Path("ESEL"), Local(0)),
					If(And(Local(0), Int(2), nil), Notify(Path("PWRB"), Int(0x80))))))}},

		{"logic and arithmetic", `
Method (TEST, 2, NotSerialized) {
    If (LEqual (Arg0, One)) { Return (0x1234) } Else { Return (LNot (LLess (Arg1, 0x0A))) }
}
Method (ARIT, 1, NotSerialized) {
    Add (Arg0, 0x10, Local1)
    Subtract (Local1, One, Local2)
    ShiftLeft (Local2, 0x03, Local3)
    ShiftRight (Local3, One, Local4)
    Or (Local4, 0x0000000100000000, Local5)
    Increment (Local5)
    Decrement (Local5)
    Return (LOr (LGreater (Local5, Zero), LAnd (LNotEqual (Local1, Local2), One)))
}
Method (CALL, 0, NotSerialized) { Return (TEST (One, 0x02)) }`, []Term{
			Method("TEST", 2, false,
				If(LEqual(Arg(0), Int(1)), Return(Int(0x1234))).Else(Return(LNot(LLess(Arg(1), Int(10)))))),
			Method("ARIT", 1, false,
				Add(Arg(0), Int(0x10), Local(1)),
				Subtract(Local(1), Int(1), Local(2)),
				ShiftLeft(Local(2), Int(3), Local(3)),
				ShiftRight(Local(3), Int(1), Local(4)),
				Or(Local(4), Int(1<<32), Local(5)),
				Increment(Local(5)),
				Decrement(Local(5)),
				Return(LOr(LGreater(Local(5), Int(0)), LAnd(LNotEqual(Local(1), Local(2)), Int(1))))),
			Method("CALL", 0, false, Return(Call("TEST", Int(1), Int(2)))),
		}},

		{"resources", `
Name (RES, ResourceTemplate () {
    IO (Decode16, 0x0060, 0x0060, 0x01, 0x01)
    IRQ (Level, ActiveLow, Shared, ) {9, 11}
    IRQ (Edge, ActiveHigh, Exclusive, ) {1}
    IRQNoFlags () {1, 12}
    Interrupt (ResourceConsumer, Edge, ActiveLow, Shared, ,, ) { 0x10, 0x12345678 }
    Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, ) { 0x09 }
    Memory32Fixed (ReadWrite, 0xFED00000, 0x00000400)
    Memory32Fixed (ReadOnly, 0xFEC00000, 0x00001000)
})`, []Term{Name("RES", ResourceTemplate(
			IO(0x60, 0x60, 1, 1),
			IRQ(Level, ActiveLow, true, 9, 11),
			IRQ(Edge, ActiveHigh, false, 1),
			IRQNoFlags(1, 12),
			Interrupt(Edge, ActiveLow, true, 0x10, 0x12345678),
			Interrupt(Level, ActiveHigh, false, 9),
			Memory32Fixed(true, 0xfed00000, 0x400),
			Memory32Fixed(false, 0xfec00000, 0x1000)))}},

		{"data", `
Device (\_SB.PWRB) { Name (_HID, EisaId ("PNP0C0C")) }
Name (PKG, Package () { Zero, One, 0xFF, 0x0100, 0x00010000, 0x0000000100000000, "str", Buffer () {1, 2, 3}, EisaId ("PNP0501"), \_SB.PWRB })
Name (ALL1, Ones)`, []Term{
			Device(`\_SB.PWRB`, Name("_HID", EISAID("PNP0C0C"))),
			Name("PKG", Package(Int(0), Int(1), Int(0xff), Int(0x100), Int(0x10000), Int(1<<32), Str("str"),
				Buffer([]byte{1, 2, 3}), EISAID("PNP0501"), Path(`\_SB.PWRB`))),
			Name("ALL1", Ones),
		}},

		{"scopes and prefixes", `
Device (\_SB.PCI0) { Name (_ADR, Zero) Device (ISA) { Name (_ADR, 0x00010000) } }
Scope (\_SB.PCI0.ISA) {
    Name (VAL, 0x05)
    Method (GET, 0, NotSerialized) { Return (^^ISA.VAL) }
    Method (GET2, 0, NotSerialized) { Return (^VAL) }
}
Scope (\) { Name (ROOT, One) }
Scope (\_SB.PCI0.ISA) { OperationRegion (REG, SystemIO, 0x0600, 0x08) }
Field (\_SB.PCI0.ISA.REG, ByteAcc, Lock, Preserve) { , 3, BIT3, 1, Offset (0x04), WORD, 16 }`, []Term{
			Device(`\_SB.PCI0`, Name("_ADR", Int(0)), Device("ISA", Name("_ADR", Int(0x10000)))),
			Scope(`\_SB.PCI0.ISA`,
				Name("VAL", Int(5)),
				Method("GET", 0, false, Return(Path("^^ISA.VAL"))),
				Method("GET2", 0, false, Return(Path("^VAL")))),
			Scope(`\`, Name("ROOT", Int(1))),
			Scope(`\_SB.PCI0.ISA`, OperationRegion("REG", SystemIO, 0x600, 8)),
			Field(`\_SB.PCI0.ISA.REG`, ByteAcc, true, Preserve, Reserved(3), NamedField("BIT3", 1), Reserved(28), NamedField("WORD", 16)),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := "DefinitionBlock (\"\", \"SSDT\", 2, \"GEMU\", \"TEST\", 1) {\n" + tc.asl + "\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "t.asl"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(iasl, "-oa", "-p", "t", "t.asl")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("iasl: %v\n%s", err, out)
			}
			aml, err := os.ReadFile(filepath.Join(dir, "t.aml"))
			if err != nil {
				t.Fatal(err)
			}
			want := aml[36:] // after the table header
			got, err := Encode(tc.terms...)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("builder:\n% X\niasl:\n% X", got, want)
			}
		})
	}
}
