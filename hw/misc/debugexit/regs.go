package debugexit

// The device has a single register: any access to any of its iosize ports
// is the exit request (QEMU documentation, "isa-debug-exit"). A write's value
// v becomes the process status (v << 1) | 1; the host truncates it to its
// low 8 bits. Reads return 0.
