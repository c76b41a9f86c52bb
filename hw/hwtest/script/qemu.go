package script

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// QEMU differential runs: the port I/O at the head of a script is compiled
// into a 64 KiB real-mode ROM that QEMU runs as its BIOS, straight from the
// reset vector, so its devices start from reset as ours do. Every value the
// ROM reads is written to a debug console at port 0xe5; the run ends
// through isa-debug-exit at 0xf4. The values must equal the script's expectations.
//
// The head ends at the first command that is not outb/outw/inb/inw or a
// side-effect-free query (irq?, rises?, now?, which are skipped); reads
// expected to be "unmapped" are not compared, since what an unclaimed
// port returns is not part of any device. A read preceded by a comment
// "# qemu-differs: <reason>" is run but not compared: the line documents a
// deliberate difference from QEMU (where we follow the data sheet).

const (
	romSize    = 64 << 10
	debugPort  = 0xe5 // an otherwise unused port, so scripts may use 0xe9
	exitPort   = 0xf4
	resetJump  = romSize - 16 // 0xffff0: the reset vector
	qemuBinary = "qemu-system-x86_64"
)

// read is one compared read: the script line and how many bytes it prints.
type read struct {
	line    int
	size    int
	want    []string
	differs bool // documented difference: run, not compared
}

// QEMUDiffers marks a step whose result deliberately differs from QEMU's.
const QEMUDiffers = "# qemu-differs:"

func differs(st Step) bool {
	for _, c := range st.Comments {
		if strings.HasPrefix(c, QEMUDiffers) {
			return true
		}
	}
	return false
}

// compileROM turns the I/O head of s into a ROM image and the reads to
// compare.
func compileROM(s *Script) ([]byte, []read, error) {
	var code []byte
	var reads []read
	emitDX := func(port uint64) { code = append(code, 0xba, byte(port), byte(port>>8)) } // mov dx, imm16
	emitDebug := func() { code = append(code, 0xe6, debugPort) }                         // out imm8, al
steps:
	for _, st := range s.Steps {
		switch st.Cmd {
		case "irq?", "rises?", "now?":
			continue
		case "outb", "outw":
			if len(st.Args) != 2 {
				return nil, nil, fmt.Errorf("line %d: %s wants 2 arguments", st.Line, st.Cmd)
			}
			port, err1 := Uint(st.Args[0], 0xffff)
			val, err2 := Uint(st.Args[1], 0xffff)
			if err1 != nil || err2 != nil || (st.Cmd == "outb" && val > 0xff) {
				return nil, nil, fmt.Errorf("line %d: bad %s arguments", st.Line, st.Cmd)
			}
			emitDX(port)
			if st.Cmd == "outb" {
				code = append(code, 0xb0, byte(val), 0xee) // mov al, imm8; out dx, al
			} else {
				code = append(code, 0xb8, byte(val), byte(val>>8), 0xef) // mov ax, imm16; out dx, ax
			}
		case "inb", "inw":
			if len(st.Args) != 1 {
				return nil, nil, fmt.Errorf("line %d: %s wants 1 argument", st.Line, st.Cmd)
			}
			port, err := Uint(st.Args[0], 0xffff)
			if err != nil {
				return nil, nil, fmt.Errorf("line %d: %v", st.Line, err)
			}
			emitDX(port)
			size := 1
			if st.Cmd == "inb" {
				code = append(code, 0xec) // in al, dx
				emitDebug()
			} else {
				size = 2
				code = append(code, 0xed) // in ax, dx
				emitDebug()
				code = append(code, 0x88, 0xe0) // mov al, ah
				emitDebug()
			}
			reads = append(reads, read{line: st.Line, size: size, want: st.Want, differs: differs(st)})
		default:
			break steps
		}
	}
	// Exit with status (0 << 1) | 1, then halt forever should that fail.
	code = append(code, 0xb0, 0x00, 0xe6, exitPort, 0xfa, 0xf4, 0xeb, 0xfd)
	if len(code) > resetJump {
		return nil, nil, errors.New("script too long for a 64 KiB ROM")
	}
	rom := make([]byte, romSize)
	for i := range rom {
		rom[i] = 0xf4 // hlt
	}
	copy(rom, code)
	copy(rom[resetJump:], []byte{0xea, 0x00, 0x00, 0x00, 0xf0}) // jmp far f000:0000
	return rom, reads, nil
}

// CompareQEMU runs the I/O head of the script at path on QEMU's PC machine
// and compares each read with the script's expectation. extra are more
// QEMU arguments (devices the script talks to beyond the PC's built-in
// ones). It skips when QEMU is not installed.
func CompareQEMU(t *testing.T, path string, extra ...string) {
	t.Helper()
	qemu, err := exec.LookPath(qemuBinary)
	if err != nil {
		t.Skipf("%s not installed: no differential run", qemuBinary)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rom, reads, err := compileROM(s)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	dir := t.TempDir()
	romPath := filepath.Join(dir, "rom.bin")
	outPath := filepath.Join(dir, "debugcon.out")
	if err := os.WriteFile(romPath, rom, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{
		"-M", "pc", "-accel", "tcg", "-nodefaults", "-display", "none", "-monitor", "none",
		"-serial", "null", "-bios", romPath,
		"-chardev", "file,id=gemu-results,path=" + outPath,
		"-device", fmt.Sprintf("isa-debugcon,iobase=%#x,chardev=gemu-results", debugPort),
		"-device", fmt.Sprintf("isa-debug-exit,iobase=%#x,iosize=4", exitPort),
	}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("%s %s: %v (want exit status 1 from isa-debug-exit)\n%s", qemu, strings.Join(args, " "), err, stderr.String())
	}
	got, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for _, r := range reads {
		if pos+r.size > len(got) {
			t.Fatalf("%s: QEMU printed %d bytes, the reads need more", path, len(got))
		}
		v := uint64(got[pos])
		if r.size == 2 {
			v |= uint64(got[pos+1]) << 8
		}
		pos += r.size
		qv := fmt.Sprintf("0x%0*x", 2*r.size, v)
		if r.differs || (len(r.want) == 1 && r.want[0] == "unmapped") {
			continue
		}
		if len(r.want) != 1 || r.want[0] != qv {
			t.Errorf("%s:%d: QEMU read %s, the script expects %q", path, r.line, qv, r.want)
		}
	}
	if pos != len(got) {
		t.Errorf("%s: QEMU printed %d bytes, the reads account for %d", path, len(got), pos)
	}
}
