package cpudiff

import (
	"fmt"
	"testing"
)

// wantIO checks the port writes a run made.
func wantIO(ports ...uint64) func(r *Result) error {
	return func(r *Result) error {
		var got []uint64
		for _, a := range r.IO {
			if a.Kind == "out" {
				got = append(got, a.Addr)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(ports) {
			return fmt.Errorf("port writes %#x, want %#x", got, ports)
		}
		return nil
	}
}

// TestPortIO covers I/O privilege: IOPL against CPL, and the TSS I/O
// permission bitmap. KVM here keeps ring 3 from port I/O whatever IOPL and
// the bitmap say, so the cases that let CPL3 code through run on the
// interpreter against the SDM (vol. 1, 19.5).
func TestPortIO(t *testing.T) {
	// A 64-bit TSS with an I/O bitmap right after it that allows ports
	// 0x80-0x87 and nothing else up to 0x3ff.
	bitmap := func(w *World) {
		w.Put16(TSS64Base+0x66, 0x68)
		for p := uint64(0); p < 0x400/8; p++ {
			w.Put8(TSS64Base+0x68+p, 0xff)
		}
		w.Put8(TSS64Base+0x68+0x80/8, 0x00)
		w.Put8(TSS64Base+0x68+0x400/8, 0xff) // the byte past the end
		w.State.TR.Limit = 0x68 + 0x400/8
	}
	runCases(t, []Case{
		{Name: "cpl0-out", Start: Long64, Stop: AtHalt(), Code: "mov $0x42, %al\n out %al, $0x80\n hlt\n",
			Want: wantIO(0x80)},
		{Name: "cpl3-out-iopl0-no-bitmap", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0),
			Code: "out %al, $0x80\n"},
		{Name: "cpl3-out-iopl3", Start: User64, Stop: AtVector(vecUD), NoKVM: quirkRing3IO,
			Setup: func(w *World) { w.State.RFLAGS |= FlagsIOPL },
			Code:  "mov $0x42, %al\n out %al, $0x80\n in $0x81, %al\n ud2\n", Want: wantIO(0x80)},
		{Name: "cpl3-bitmap-allows", Start: User64, Stop: AtVector(vecUD), NoKVM: quirkRing3IO, Setup: bitmap,
			Code: "out %al, $0x80\n mov $0x86, %dx\n out %ax, (%dx)\n ud2\n", Want: wantIO(0x80, 0x86)},
		{Name: "cpl3-bitmap-word-straddles-denied-port", Start: User64, Stop: AtVector(vecGP), NoKVM: quirkRing3IO,
			Setup: bitmap, Code: "mov $0x87, %dx\n out %ax, (%dx)\n ud2\n", Want: frameCode(0)},
		{Name: "cpl3-bitmap-denies", Start: User64, Stop: AtVector(vecGP), Setup: bitmap, Want: frameCode(0),
			Code: "out %al, $0x70\n ud2\n"},
		{Name: "cpl3-cli-iopl0", Start: User64, Stop: AtVector(vecGP), Want: frameCode(0), Code: "cli\n"},
	})
}
