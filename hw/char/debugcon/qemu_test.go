package debugcon

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the script's port I/O on QEMU's isa-debugcon.
func TestQEMU(t *testing.T) {
	script.CompareQEMU(t, "testdata/print.txt", "-chardev", "null,id=dc", "-device", "isa-debugcon,chardev=dc")
}
