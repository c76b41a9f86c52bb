package i8042

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the scripts' port I/O on QEMU's i8042.
func TestQEMU(t *testing.T) {
	for _, f := range []string{"testdata/linux-probe.txt", "testdata/seabios-init.txt", "testdata/devices.txt"} {
		t.Run(f, func(t *testing.T) { script.CompareQEMU(t, f) })
	}
}
