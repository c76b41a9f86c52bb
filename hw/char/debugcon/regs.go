package debugcon

// portLen: the device decodes one port (QEMU's isa-debugcon documentation:
// "writes to the port are sent to the chardev, reads return readback").
const portLen = 1
