package port92

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the script's port I/O (up to the first reset) on QEMU.
func TestQEMU(t *testing.T) { script.CompareQEMU(t, "testdata/a20-reset.txt") }
