package i8042

// Ports, registers and command codes of the Intel 8042 keyboard controller
// as PC/AT-compatible systems use it (IBM PC/AT Technical Reference,
// "Keyboard Controller"; IBM PS/2 Hardware Interface Technical Reference,
// "Keyboard/Auxiliary Device Controller"), and of the PS/2 keyboard and
// mouse behind it (same reference, "Keyboard" and "Pointing Device").
const (
	portData    = 0x60 // read: output buffer; write: input buffer (data)
	portCommand = 0x64 // read: status; write: input buffer (command)

	// offData and offStatus are the Handler offsets (from port 0x60).
	offData   = 0
	offStatus = portCommand - portData

	// IRQKeyboard and IRQAux are the controller's ISA interrupts on a PC.
	IRQKeyboard = 1
	IRQAux      = 12
)

// Status register (port 0x64, read).
const (
	stOBF     = 1 << 0 // output buffer full
	stIBF     = 1 << 1 // input buffer full (never seen: input is taken at once)
	stSYS     = 1 << 2 // system flag, from self-test or command byte bit 2
	stA2      = 1 << 3 // last input was a command (port 0x64)
	stINH     = 1 << 4 // 1: keyboard not inhibited by the keylock
	stAUXB    = 1 << 5 // the output buffer holds auxiliary-device data
	stTimeout = 1 << 6 // general time-out
	stParity  = 1 << 7 // parity error
)

// Command byte (controller RAM byte 0).
const (
	cbKbdInt   = 1 << 0 // IRQ 1 on keyboard data
	cbAuxInt   = 1 << 1 // IRQ 12 on auxiliary data
	cbSYS      = 1 << 2 // system flag
	cbOverride = 1 << 3 // ignore the keylock (AT)
	cbKbdDis   = 1 << 4 // keyboard interface disabled
	cbAuxDis   = 1 << 5 // auxiliary interface disabled
	cbXlate    = 1 << 6 // translate scan code set 2 to set 1
)

// Controller commands (port 0x64, write).
const (
	ccReadRAM     = 0x20 // 0x20-0x3f: read RAM byte n-0x20 (0x20: command byte)
	ccWriteRAM    = 0x60 // 0x60-0x7f: write RAM byte n-0x60 with the next data byte
	ccAuxDisable  = 0xa7
	ccAuxEnable   = 0xa8
	ccAuxTest     = 0xa9 // reply 0x00: interface good
	ccSelfTest    = 0xaa // reply 0x55
	ccKbdTest     = 0xab // reply 0x00: interface good
	ccKbdDisable  = 0xad
	ccKbdEnable   = 0xae
	ccReadInput   = 0xc0 // reply: input port
	ccReadOutput  = 0xd0 // reply: output port
	ccWriteOutput = 0xd1 // next data byte: output port
	ccWriteKbdOB  = 0xd2 // next data byte: output buffer, as from the keyboard
	ccWriteAuxOB  = 0xd3 // next data byte: output buffer, as from the aux device
	ccWriteAux    = 0xd4 // next data byte: to the aux device
	ccDisableA20  = 0xdd // (some controllers) output port bit 1 off
	ccEnableA20   = 0xdf // (some controllers) output port bit 1 on
	ccReadTest    = 0xe0 // reply: test inputs
	ccPulse       = 0xf0 // 0xf0-0xff: pulse output port bits 3-0 that are 0 in the command
)

// Output port bits.
const (
	opReset  = 1 << 0 // system reset, active low
	opA20    = 1 << 1 // address line 20 gate
	opAuxDat = 1 << 2
	opAuxClk = 1 << 3
	opKbdOBF = 1 << 4 // IRQ 1 output
	opAuxOBF = 1 << 5 // IRQ 12 output
	opKbdClk = 1 << 6
	opKbdDat = 1 << 7

	outPortReset = opReset | opA20 | opAuxDat | opAuxClk | opKbdClk | opKbdDat
	inPortValue  = 0x80 // input port: bit 7, keyboard not inhibited
)

// Replies shared by the keyboard and the mouse.
const (
	replyACK    = 0xfa
	replyResend = 0xfe
	replyBAT    = 0xaa // basic assurance test passed
	replyEcho   = 0xee
)

// Keyboard commands.
const (
	kbSetLEDs     = 0xed
	kbEcho        = 0xee
	kbScanCodeSet = 0xf0
	kbIdentify    = 0xf2
	kbTypematic   = 0xf3
	kbEnable      = 0xf4
	kbDisable     = 0xf5 // and restore defaults
	kbDefaults    = 0xf6
	kbResend      = 0xfe
	kbReset       = 0xff

	kbID1 = 0xab // identify reply: an MF2 keyboard
	kbID2 = 0x83
)

// Mouse commands.
const (
	msScaling11  = 0xe6
	msScaling21  = 0xe7
	msResolution = 0xe8
	msStatus     = 0xe9
	msStream     = 0xea
	msReadData   = 0xeb
	msResetWrap  = 0xec
	msWrap       = 0xee
	msRemote     = 0xf0
	msGetID      = 0xf2
	msSampleRate = 0xf3
	msEnable     = 0xf4
	msDisable    = 0xf5
	msDefaults   = 0xf6
	msResend     = 0xfe
	msReset      = 0xff
)

const (
	queueLen = 16 // device output buffers, in bytes
	ramLen   = 32 // controller RAM (byte 0 is the command byte)
)
