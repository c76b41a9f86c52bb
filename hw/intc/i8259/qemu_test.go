package i8259

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the register head of the Linux script on QEMU's PIC.
func TestQEMU(t *testing.T) { script.CompareQEMU(t, "testdata/linux-init.txt") }
