package lapic

import (
	"testing"

	"gemu/hw/intc/apicbus"
)

// BenchmarkPending is the vCPU's check at instruction-block boundaries.
func BenchmarkPending(b *testing.B) {
	r := newRig(b, 1)
	r.enable(0)
	for i := 0; i < b.N; i++ {
		r.apic[0].Pending()
	}
}

// BenchmarkAcceptAckEOI is one interrupt's round trip: a message from the
// bus, the acknowledge, the EOI write.
func BenchmarkAcceptAckEOI(b *testing.B) {
	r := newRig(b, 1)
	r.enable(0)
	m := apicbus.Message{Mode: apicbus.Fixed, Vector: 0x41, Level: true}
	a := r.apic[0]
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r.bus.Deliver(m)
		a.Ack()
		a.Write(0xb0, 4, 0)
	}
}
