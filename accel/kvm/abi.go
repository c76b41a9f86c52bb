package kvm

// This file mirrors the parts of the KVM API (Documentation/virt/kvm/api.rst,
// include/uapi/linux/kvm.h and arch/x86/include/uapi/asm/kvm.h) that gemu
// uses. Every struct here has its size and key offsets pinned by
// layout_unsafe_test.go.

// ioctl number encoding (include/uapi/asm-generic/ioctl.h): direction in bits
// 30-31, argument size in 16-29, type in 8-15, number in 0-7.
const (
	iocNone  = 0
	iocWrite = 1
	iocRead  = 2

	kvmIO = 0xae // KVMIO, the ioctl type of every KVM request
)

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | kvmIO<<8 | nr }
func io(nr uintptr) uintptr             { return ioc(iocNone, nr, 0) }
func ior(nr, size uintptr) uintptr      { return ioc(iocRead, nr, size) }
func iow(nr, size uintptr) uintptr      { return ioc(iocWrite, nr, size) }
func iowr(nr, size uintptr) uintptr     { return ioc(iocRead|iocWrite, nr, size) }

// Struct sizes as the kernel declares them; the ioctl numbers encode them.
const (
	sizeofMSRList           = 4
	sizeofCPUID2            = 8
	sizeofDirtyLog          = 16
	sizeofUserMemoryRegion  = 32
	sizeofIRQLevel          = 8
	sizeofIRQChip           = 520
	sizeofIRQRouting        = 8
	sizeofClockData         = 48
	sizeofPITConfig         = 64
	sizeofPITState2         = 112
	sizeofMSI               = 32
	sizeofRegs              = 144
	sizeofSregs             = 312
	sizeofMSRs              = 8
	sizeofFPU               = 416
	sizeofLAPIC             = 1024
	sizeofMPState           = 4
	sizeofGuestDebug        = 72
	sizeofVCPUEvents        = 64
	sizeofDebugRegs         = 128
	sizeofXSave             = 4096
	sizeofXCRs              = 392
	sizeofEnableCap         = 104
	sizeofSegment           = 24
	sizeofDTable            = 16
	sizeofCPUIDEntry2       = 40
	sizeofMSREntry          = 16
	sizeofIRQRoutingEntry   = 48
	sizeofPICState          = 16
	sizeofIOAPICState       = 216
	sizeofPITChannelState   = 24
	sizeofRunHeaderToUnion  = 32
	sizeofRunBeforeSyncRegs = 304
)

// System ioctls (on /dev/kvm).
var (
	kvmGetAPIVersion       = io(0x00)
	kvmCreateVM            = io(0x01)
	kvmGetMSRIndexList     = iowr(0x02, sizeofMSRList)
	kvmCheckExtension      = io(0x03)
	kvmGetVCPUMmapSize     = io(0x04)
	kvmGetSupportedCPUID   = iowr(0x05, sizeofCPUID2)
	kvmCreateVCPU          = io(0x41)
	kvmGetDirtyLog         = iow(0x42, sizeofDirtyLog)
	kvmSetUserMemoryRegion = iow(0x46, sizeofUserMemoryRegion)
	kvmSetTSSAddr          = io(0x47)
	kvmSetIdentityMapAddr  = iow(0x48, 8)
	kvmCreateIRQChip       = io(0x60)
	kvmIRQLine             = iow(0x61, sizeofIRQLevel)
	kvmGetIRQChip          = iowr(0x62, sizeofIRQChip)
	kvmSetIRQChip          = ior(0x63, sizeofIRQChip) // _IOR in the kernel header, a historical slip kept for ABI
	kvmSetGSIRouting       = iow(0x6a, sizeofIRQRouting)
	kvmCreatePIT2          = iow(0x77, sizeofPITConfig)
	kvmSetBootCPUID        = io(0x78)
	kvmSetClock            = iow(0x7b, sizeofClockData)
	kvmGetClock            = ior(0x7c, sizeofClockData)
	kvmGetPIT2             = ior(0x9f, sizeofPITState2)
	kvmSetPIT2             = iow(0xa0, sizeofPITState2)
	kvmSignalMSI           = iow(0xa5, sizeofMSI)
	kvmEnableCap           = iow(0xa3, sizeofEnableCap)
)

// vCPU ioctls.
var (
	kvmRun            = io(0x80)
	kvmGetRegs        = ior(0x81, sizeofRegs)
	kvmSetRegs        = iow(0x82, sizeofRegs)
	kvmGetSregs       = ior(0x83, sizeofSregs)
	kvmSetSregs       = iow(0x84, sizeofSregs)
	kvmInterrupt      = iow(0x86, 4)
	kvmNMI            = io(0x9a)
	kvmGetMSRs        = iowr(0x88, sizeofMSRs)
	kvmSetMSRs        = iow(0x89, sizeofMSRs)
	kvmGetFPU         = ior(0x8c, sizeofFPU)
	kvmSetFPU         = iow(0x8d, sizeofFPU)
	kvmGetLAPIC       = ior(0x8e, sizeofLAPIC)
	kvmSetLAPIC       = iow(0x8f, sizeofLAPIC)
	kvmSetCPUID2      = iow(0x90, sizeofCPUID2)
	kvmGetMPState     = ior(0x98, sizeofMPState)
	kvmSetMPState     = iow(0x99, sizeofMPState)
	kvmSetGuestDebug  = iow(0x9b, sizeofGuestDebug)
	kvmGetVCPUEvents  = ior(0x9f, sizeofVCPUEvents)
	kvmSetVCPUEvents  = iow(0xa0, sizeofVCPUEvents)
	kvmGetDebugRegs   = ior(0xa1, sizeofDebugRegs)
	kvmSetDebugRegs   = iow(0xa2, sizeofDebugRegs)
	kvmSetTSCKHz      = io(0xa2)
	kvmGetTSCKHz      = io(0xa3)
	kvmGetXSave       = ior(0xa4, sizeofXSave)
	kvmSetXSave       = iow(0xa5, sizeofXSave)
	kvmGetXCRs        = ior(0xa6, sizeofXCRs)
	kvmSetXCRs        = iow(0xa7, sizeofXCRs)
	kvmKVMClockCtrl   = io(0xad)
	kvmGetXSave2      = ior(0xcf, sizeofXSave)
	kvmGetMSRFeatList = iowr(0x0a, sizeofMSRList)
)

// Capabilities (KVM_CAP_*) for KVM_CHECK_EXTENSION.
const (
	capIRQChip            = 0
	capNRVCPUs            = 9
	capNRMemslots         = 10
	capMPState            = 14
	capSetTSSAddr         = 4
	capSetGuestDebug      = 23
	capIRQRouting         = 25
	capPIT2               = 33
	capPITState2          = 35
	capSetIdentityMapAddr = 37
	capAdjustClock        = 39
	capVCPUEvents         = 41
	capDebugRegs          = 50
	capXSave              = 55
	capXCRs               = 56
	capTSCControl         = 60
	capGetTSCKHz          = 61
	capMaxVCPUs           = 66
	capSignalMSI          = 77
	capReadonlyMem        = 81
	capImmediateExit      = 136
	capXSave2             = 208
	capX86UserSpaceMSR    = 188
)

// KVM_CAP_X86_USER_SPACE_MSR exit reasons (args[0] of KVM_ENABLE_CAP).
const msrExitReasonInval = 1 << 0 // accesses that would raise #GP

// Exit reasons (KVM_EXIT_*), in kvm_run.exit_reason.
const (
	exitUnknown       = 0
	exitException     = 1
	exitIO            = 2
	exitHypercall     = 3
	exitDebug         = 4
	exitHLT           = 5
	exitMMIO          = 6
	exitIRQWindowOpen = 7
	exitShutdown      = 8
	exitFailEntry     = 9
	exitIntr          = 10
	exitSetTPR        = 11
	exitTPRAccess     = 12
	exitNMI           = 16
	exitInternalError = 17
	exitSystemEvent   = 24
	exitIOAPICEOI     = 26
	exitX86RDMSR      = 29
	exitX86WRMSR      = 30
)

var exitReasonNames = map[uint32]string{
	exitUnknown: "UNKNOWN", exitException: "EXCEPTION", exitIO: "IO", exitHypercall: "HYPERCALL",
	exitDebug: "DEBUG", exitHLT: "HLT", exitMMIO: "MMIO", exitIRQWindowOpen: "IRQ_WINDOW_OPEN",
	exitShutdown: "SHUTDOWN", exitFailEntry: "FAIL_ENTRY", exitIntr: "INTR", exitSetTPR: "SET_TPR",
	exitTPRAccess: "TPR_ACCESS", exitNMI: "NMI", exitInternalError: "INTERNAL_ERROR",
	exitSystemEvent: "SYSTEM_EVENT", exitIOAPICEOI: "IOAPIC_EOI", exitX86RDMSR: "X86_RDMSR", exitX86WRMSR: "X86_WRMSR",
}

// KVM_EXIT_IO directions and KVM_EXIT_SYSTEM_EVENT types.
const (
	exitIOIn  = 0
	exitIOOut = 1

	systemEventShutdown = 1
	systemEventReset    = 2
	systemEventCrash    = 3
)

// KVM_EXIT_INTERNAL_ERROR suberrors.
var internalErrorNames = map[uint32]string{
	1: "emulation failure",
	2: "simultaneous exceptions (double fault while delivering an event)",
	3: "delivery event exit",
	4: "unexpected exit reason",
}

// Memory region flags.
const (
	memLogDirtyPages = 1 << 0
	memReadonly      = 1 << 1
)

// In-kernel irqchip identifiers (KVM_IRQCHIP_*) and routing entry types.
const (
	irqchipPICMaster = 0
	irqchipPICSlave  = 1
	irqchipIOAPIC    = 2

	irqRoutingIRQChip = 1
	irqRoutingMSI     = 2
)

// KVM_CREATE_PIT2 flags.
const pitSpeakerDummy = 1

// kvm_clock_data flags.
const clockTSCStable = 2

// kvm_vcpu_events.flags.
const (
	eventsValidNMIPending = 1 << 0
	eventsValidSIPIVector = 1 << 1
	eventsValidShadow     = 1 << 2
	eventsValidSMM        = 1 << 3
)

// kvm_guest_debug.control.
const (
	guestDebugEnable     = 1 << 0
	guestDebugSingleStep = 1 << 1
	guestDebugUseHWBP    = 1 << 17
)

// kvm_cpuid_entry2.flags.
const cpuidFlagSignificantIndex = 1 << 0

// kvm_run offsets (struct kvm_run).
const (
	runRequestInterruptWindow = 0
	runImmediateExit          = 1
	runExitReason             = 8
	runReadyForInjection      = 12
	runIFFlag                 = 13
	runCR8                    = 16
	runAPICBase               = 24
	runExit                   = 32 // the exit-specific union

	// KVM_EXIT_IO: direction u8, size u8, port u16, count u32, data_offset u64.
	runIODirection  = runExit + 0
	runIOSize       = runExit + 1
	runIOPort       = runExit + 2
	runIOCount      = runExit + 4
	runIODataOffset = runExit + 8

	// KVM_EXIT_MMIO: phys_addr u64, data [8]u8, len u32, is_write u8.
	runMMIOPhysAddr = runExit + 0
	runMMIOData     = runExit + 8
	runMMIOLen      = runExit + 16
	runMMIOIsWrite  = runExit + 20

	// KVM_EXIT_FAIL_ENTRY: hardware_entry_failure_reason u64, cpu u32.
	runFailEntryReason = runExit + 0
	runFailEntryCPU    = runExit + 8

	// KVM_EXIT_INTERNAL_ERROR: suberror u32, ndata u32, data [16]u64.
	runInternalSuberror = runExit + 0
	runInternalNData    = runExit + 4
	runInternalData     = runExit + 8

	// KVM_EXIT_SYSTEM_EVENT: type u32, ndata u32, data [16]u64.
	runSystemEventType = runExit + 0

	// KVM_EXIT_DEBUG (kvm_debug_exit_arch): exception u32, pad u32, pc, dr6, dr7 u64.
	runDebugException = runExit + 0
	runDebugPC        = runExit + 8
	runDebugDR6       = runExit + 16
	runDebugDR7       = runExit + 24

	// KVM_EXIT_IOAPIC_EOI: vector u8.
	runEOIVector = runExit + 0

	// KVM_EXIT_X86_RDMSR/WRMSR: error u8, pad [7]u8, reason u32, index
	// u32, data u64.
	runMSRError = runExit + 0
	runMSRIndex = runExit + 12
	runMSRData  = runExit + 16
)

// kvmRegs is struct kvm_regs.
type kvmRegs struct {
	RAX, RBX, RCX, RDX uint64
	RSI, RDI, RSP, RBP uint64
	R8, R9, R10, R11   uint64
	R12, R13, R14, R15 uint64
	RIP, RFLAGS        uint64
}

// kvmSegment is struct kvm_segment.
type kvmSegment struct {
	Base     uint64
	Limit    uint32
	Selector uint16
	Type     uint8
	Present  uint8
	DPL      uint8
	DB       uint8
	S        uint8
	L        uint8
	G        uint8
	AVL      uint8
	Unusable uint8
	_        uint8
}

// kvmDTable is struct kvm_dtable.
type kvmDTable struct {
	Base  uint64
	Limit uint16
	_     [3]uint16
}

// kvmSregs is struct kvm_sregs.
type kvmSregs struct {
	CS, DS, ES, FS, GS, SS kvmSegment
	TR, LDT                kvmSegment
	GDT, IDT               kvmDTable
	CR0, CR2, CR3, CR4     uint64
	CR8                    uint64
	EFER                   uint64
	APICBase               uint64
	InterruptBitmap        [4]uint64
}

// kvmFPU is struct kvm_fpu.
type kvmFPU struct {
	FPR        [8][16]byte
	FCW        uint16
	FSW        uint16
	FTWX       uint8 // abridged tag word
	_          uint8
	LastOpcode uint16
	LastIP     uint64
	LastDP     uint64
	XMM        [16][16]byte
	MXCSR      uint32
	_          uint32
}

// kvmCPUIDEntry2 is struct kvm_cpuid_entry2.
type kvmCPUIDEntry2 struct {
	Function uint32
	Index    uint32
	Flags    uint32
	EAX      uint32
	EBX      uint32
	ECX      uint32
	EDX      uint32
	_        [3]uint32
}

// maxCPUIDEntries bounds the CPUID tables gemu exchanges with KVM.
const maxCPUIDEntries = 256

// kvmCPUID2 is struct kvm_cpuid2 with room for maxCPUIDEntries entries.
type kvmCPUID2 struct {
	Nent    uint32
	_       uint32
	Entries [maxCPUIDEntries]kvmCPUIDEntry2
}

// kvmMSREntry is struct kvm_msr_entry.
type kvmMSREntry struct {
	Index uint32
	_     uint32
	Data  uint64
}

// maxMSRs bounds the MSR lists gemu exchanges with KVM.
const maxMSRs = 512

// kvmMSRs is struct kvm_msrs with room for maxMSRs entries.
type kvmMSRs struct {
	NMSRs   uint32
	_       uint32
	Entries [maxMSRs]kvmMSREntry
}

// kvmMSRList is struct kvm_msr_list with room for maxMSRs indexes.
type kvmMSRList struct {
	NMSRs   uint32
	Indices [maxMSRs]uint32
}

// kvmLAPICState is struct kvm_lapic_state.
type kvmLAPICState struct {
	Regs [1024]byte
}

// kvmVCPUEvents is struct kvm_vcpu_events.
type kvmVCPUEvents struct {
	ExceptionInjected   uint8
	ExceptionNr         uint8
	ExceptionHasCode    uint8
	ExceptionPending    uint8
	ExceptionErrorCode  uint32
	InterruptInjected   uint8
	InterruptNr         uint8
	InterruptSoft       uint8
	InterruptShadow     uint8
	NMIInjected         uint8
	NMIPending          uint8
	NMIMasked           uint8
	_                   uint8
	SIPIVector          uint32
	Flags               uint32
	SMISMM              uint8
	SMIPending          uint8
	SMIInsideNMI        uint8
	SMILatchedInit      uint8
	TripleFaultPending  uint8
	_                   [26]uint8
	ExceptionHasPayload uint8
	ExceptionPayload    uint64
}

// kvmDebugRegs is struct kvm_debugregs.
type kvmDebugRegs struct {
	DB    [4]uint64
	DR6   uint64
	DR7   uint64
	Flags uint64
	_     [9]uint64
}

// kvmXCR is struct kvm_xcr.
type kvmXCR struct {
	XCR   uint32
	_     uint32
	Value uint64
}

// kvmXCRs is struct kvm_xcrs.
type kvmXCRs struct {
	NrXCRs uint32
	Flags  uint32
	XCRs   [16]kvmXCR
	_      [16]uint64
}

// kvmIRQChip is struct kvm_irqchip; Chip holds a kvm_pic_state or a
// kvm_ioapic_state.
type kvmIRQChip struct {
	ChipID uint32
	_      uint32
	Chip   [512]byte
}

// kvmPITChannelState is struct kvm_pit_channel_state.
type kvmPITChannelState struct {
	Count         uint32
	LatchedCount  uint16
	CountLatched  uint8
	StatusLatched uint8
	Status        uint8
	ReadState     uint8
	WriteState    uint8
	WriteLatch    uint8
	RWMode        uint8
	Mode          uint8
	BCD           uint8
	Gate          uint8
	CountLoadTime int64
}

// kvmPITState2 is struct kvm_pit_state2.
type kvmPITState2 struct {
	Channels [3]kvmPITChannelState
	Flags    uint32
	_        [9]uint32
}

// kvmPITConfig is struct kvm_pit_config.
type kvmPITConfig struct {
	Flags uint32
	_     [15]uint32
}

// kvmClockData is struct kvm_clock_data.
type kvmClockData struct {
	Clock    uint64
	Flags    uint32
	_        uint32
	Realtime uint64
	HostTSC  uint64
	_        [4]uint32
}

// kvmIRQLevel is struct kvm_irq_level.
type kvmIRQLevel struct {
	IRQ   uint32
	Level uint32
}

// kvmIRQRoutingEntry is struct kvm_irq_routing_entry; U holds the irqchip
// (irqchip, pin) or MSI (address_lo, address_hi, data) union member.
type kvmIRQRoutingEntry struct {
	GSI   uint32
	Type  uint32
	Flags uint32
	_     uint32
	U     [8]uint32
}

// maxRoutes bounds the GSI routing table.
const maxRoutes = 64

// kvmIRQRouting is struct kvm_irq_routing with room for maxRoutes entries.
type kvmIRQRouting struct {
	Nr      uint32
	Flags   uint32
	Entries [maxRoutes]kvmIRQRoutingEntry
}

// kvmMSI is struct kvm_msi.
type kvmMSI struct {
	AddressLo uint32
	AddressHi uint32
	Data      uint32
	Flags     uint32
	DevID     uint32
	_         [12]uint8
}

// kvmUserMemoryRegion is struct kvm_userspace_memory_region.
type kvmUserMemoryRegion struct {
	Slot          uint32
	Flags         uint32
	GuestPhysAddr uint64
	MemorySize    uint64
	UserspaceAddr uint64
}

// kvmDirtyLog is struct kvm_dirty_log; Bitmap is a user pointer.
type kvmDirtyLog struct {
	Slot   uint32
	_      uint32
	Bitmap uint64
}

// kvmGuestDebug is struct kvm_guest_debug.
type kvmGuestDebug struct {
	Control  uint32
	_        uint32
	DebugReg [8]uint64
}

// kvmEnableCapArgs is struct kvm_enable_cap.
type kvmEnableCapArgs struct {
	Cap   uint32
	Flags uint32
	Args  [4]uint64
	_     [64]uint8
}
