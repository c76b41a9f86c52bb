package ssehw

//go:noescape
func readMXCSR(p *uint32)

//go:noescape
func writeMXCSR(p *uint32)

// Implemented in assembly and never called from Go: the SIGFPE handler, the
// point a faulting trampoline resumes at, and the handler's restorer.
func fpeHandler()
func landing()
func sigreturn()

func handlerAddrs() (handler, restorer uintptr)
