package hpet

// Registers of the High Precision Event Timer (IA-PC HPET Specification
// 1.0a, Intel, October 2004, §2.3 "Register Descriptions", Table 2
// "Memory-Mapped Register Space").
const (
	// DefaultBase is the HPET's MMIO address on a PC.
	DefaultBase = 0xfed00000
	// RegionLen is the size of the register block (1 KiB).
	RegionLen = 0x400
	// NumTimers is the number of comparators (QEMU's default).
	NumTimers = 3
	// PeriodFS is COUNTER_CLK_PERIOD: 10 ns, a 100 MHz counter.
	PeriodFS = 10_000_000
	tickNS   = 10
	// DefaultIntCap is every timer's INT_ROUTE_CAP: I/O APIC inputs 2, 8
	// and 16-23, as QEMU's pc machine advertises.
	DefaultIntCap = 0x00ff0104

	regCapID    = 0x000 // General Capabilities and ID, read only (§2.3.4)
	regConfig   = 0x010 // General Configuration (§2.3.5)
	regISR      = 0x020 // General Interrupt Status (§2.3.6)
	regCounter  = 0x0f0 // Main Counter Value (§2.3.7)
	regTimer0   = 0x100 // timer N at 0x100 + 0x20·N
	timerStride = 0x20
	tnConfig    = 0x00 // Timer N Configuration and Capability (§2.3.8)
	tnCmp       = 0x08 // Timer N Comparator Value (§2.3.9)
	tnFSB       = 0x10 // Timer N FSB Interrupt Route (§2.3.10)
)

// General Capabilities and ID fields.
const (
	capRevID       = 0x01
	capNumTimShift = 8       // NUM_TIM_CAP: number of timers - 1
	capCount64     = 1 << 13 // COUNT_SIZE_CAP: 64-bit main counter
	capLegacy      = 1 << 15 // LEG_RT_CAP
	capVendorShift = 16
	vendorID       = 0x8086
	capPeriodShift = 32

	capID = capRevID | (NumTimers-1)<<capNumTimShift | capCount64 | capLegacy |
		vendorID<<capVendorShift | PeriodFS<<capPeriodShift
)

// General Configuration bits.
const (
	cfgEnable   = 1 << 0 // ENABLE_CNF: the main counter runs, timers interrupt
	cfgLegacy   = 1 << 1 // LEG_RT_CNF: timer 0 on IRQ 0, timer 1 on IRQ 8
	cfgWritable = cfgEnable | cfgLegacy
)

// Timer N Configuration and Capability bits.
const (
	tnLevel         = 1 << 1 // Tn_INT_TYPE_CNF: level-triggered
	tnIntEnable     = 1 << 2 // Tn_INT_ENB_CNF
	tnPeriodic      = 1 << 3 // Tn_TYPE_CNF
	tnPeriodicCap   = 1 << 4 // Tn_PER_INT_CAP, read only
	tnSize64Cap     = 1 << 5 // Tn_SIZE_CAP, read only
	tnValSet        = 1 << 6 // Tn_VAL_SET_CNF: the next comparator write sets the accumulator
	tn32Bit         = 1 << 8 // Tn_32MODE_CNF
	tnRouteShift    = 9      // Tn_INT_ROUTE_CNF, bits 13:9
	tnRouteMask     = 0x1f << tnRouteShift
	tnFSBEnable     = 1 << 14 // Tn_FSB_EN_CNF (FSB delivery not advertised here)
	tnFSBCap        = 1 << 15 // Tn_FSB_INT_DEL_CAP, read only: 0
	tnRouteCapShift = 32      // Tn_INT_ROUTE_CAP, bits 63:32

	tnWritable = tnLevel | tnIntEnable | tnPeriodic | tnValSet | tn32Bit | tnRouteMask
	tnCaps     = tnPeriodicCap | tnSize64Cap
)
