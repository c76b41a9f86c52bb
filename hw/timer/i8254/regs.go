package i8254

// Ports and bits of the Intel 8254 Programmable Interval Timer (Intel
// 8254 data sheet, order no. 231164, "Operational Description"), and of
// port 0x61, the NMI status and control register of PC chipsets (Intel
// 82371AB PIIX4 data sheet §4.1.8 "NMISC—NMI Status and Control").
const (
	regCounter0 = 0 // counter 0 (PC: IRQ 0)
	regCounter1 = 1 // counter 1 (PC: DRAM refresh; unused)
	regCounter2 = 2 // counter 2 (PC: speaker, gated by port 0x61 bit 0)
	regControl  = 3 // control word register, write only (data sheet Figure 8)
	numRegs     = 4

	// DefaultIOBase is the PIT's first port on a PC.
	DefaultIOBase = 0x40
)

// Control word fields (data sheet Figure 8).
const (
	cwSCShift = 6      // SC1..SC0: select counter; 3 = read-back command
	cwRWShift = 4      // RW1..RW0: read/write access
	cwRWMask  = 3 << 4 //
	cwMShift  = 1      // M2..M0: mode
	cwMMask   = 7 << 1 //
	cwBCD     = 1 << 0 // BCD counting

	scReadBack = 3
)

// Read/write access modes (RW1..RW0).
const (
	rwLatch = 0 // counter latch command
	rwLSB   = 1 // least significant byte only
	rwMSB   = 2 // most significant byte only
	rwWord  = 3 // LSB then MSB
)

// Read-back command bits (data sheet Figure 11).
const (
	rbNotCount  = 1 << 5 // 0: latch the counts of the selected counters
	rbNotStatus = 1 << 4 // 0: latch their status
	rbCounters  = 7 << 1 // CNT2, CNT1, CNT0 select bits
)

// Status byte (data sheet Figure 12).
const (
	stOUT       = 1 << 7 // the counter's OUT pin
	stNullCount = 1 << 6 // the last count written has not yet been loaded
)

// Port 0x61 bits (PIIX4 §4.1.8).
const (
	p61Gate2     = 1 << 0 // TIM2EN: counter 2 gate
	p61Speaker   = 1 << 1 // SPKREN: speaker data enable
	p61SERREn    = 1 << 2 // PCI SERR# enable (stored)
	p61IOCHKEn   = 1 << 3 // IOCHK# enable (stored)
	p61Refresh   = 1 << 4 // refresh cycle toggle, read only
	p61Out2      = 1 << 5 // counter 2 OUT, read only
	p61Writable  = p61Gate2 | p61Speaker | p61SERREn | p61IOCHKEn
	p61Port      = 0x61
	refreshCycle = 15085 // ns per refresh toggle (the ISA refresh request period)
)

// Frequency is the PIT's input clock on a PC: 14.31818 MHz / 12.
const Frequency = 1193182
