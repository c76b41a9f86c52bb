package ssehw

// RcpPSBatch runs RCPPS over in (a multiple of 4 singles, out at least as
// long) on the host.
//
//go:noescape
func RcpPSBatch(in, out []uint32)

// RsqrtPSBatch runs RSQRTPS likewise.
//
//go:noescape
func RsqrtPSBatch(in, out []uint32)
