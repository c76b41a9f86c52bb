package i8254

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the time-independent script on QEMU's PIT.
func TestQEMU(t *testing.T) { script.CompareQEMU(t, "testdata/status.txt") }
