package debugexit

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the script's reads (before the first exit) on QEMU.
func TestQEMU(t *testing.T) {
	script.CompareQEMU(t, "testdata/exit.txt", "-device", "isa-debug-exit")
}
