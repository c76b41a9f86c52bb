package serial

import (
	"testing"

	"gemu/hw/hwtest/script"
)

// TestQEMU replays the scripts' port I/O on QEMU's COM1 and compares reads.
func TestQEMU(t *testing.T) {
	for _, f := range []string{"testdata/linux-8250-probe.txt", "testdata/seabios-probe.txt", "testdata/backpressure.txt", "testdata/loopback-fifo.txt"} {
		t.Run(f, func(t *testing.T) { script.CompareQEMU(t, f) })
	}
}
