package mc146818

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the time-independent script on QEMU's RTC.
func TestQEMU(t *testing.T) { script.CompareQEMU(t, "testdata/registers.txt") }
