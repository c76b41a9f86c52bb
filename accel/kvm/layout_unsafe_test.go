package kvm

import (
	"testing"
	"unsafe"
)

// The kernel's struct sizes and offsets (include/uapi/linux/kvm.h and
// arch/x86/include/uapi/asm/kvm.h on x86-64).
func TestStructLayout(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want uintptr
	}{
		// unsafe: Sizeof and Offsetof only inspect types; nothing is dereferenced.
		{"kvm_regs", unsafe.Sizeof(kvmRegs{}), sizeofRegs},
		{"kvm_segment", unsafe.Sizeof(kvmSegment{}), sizeofSegment},
		{"kvm_segment.type", unsafe.Offsetof(kvmSegment{}.Type), 14},
		{"kvm_segment.unusable", unsafe.Offsetof(kvmSegment{}.Unusable), 22},
		{"kvm_dtable", unsafe.Sizeof(kvmDTable{}), sizeofDTable},
		{"kvm_sregs", unsafe.Sizeof(kvmSregs{}), sizeofSregs},
		{"kvm_sregs.gdt", unsafe.Offsetof(kvmSregs{}.GDT), 192},
		{"kvm_sregs.cr0", unsafe.Offsetof(kvmSregs{}.CR0), 224},
		{"kvm_sregs.efer", unsafe.Offsetof(kvmSregs{}.EFER), 264},
		{"kvm_sregs.apic_base", unsafe.Offsetof(kvmSregs{}.APICBase), 272},
		{"kvm_sregs.interrupt_bitmap", unsafe.Offsetof(kvmSregs{}.InterruptBitmap), 280},
		{"kvm_fpu", unsafe.Sizeof(kvmFPU{}), sizeofFPU},
		{"kvm_fpu.fcw", unsafe.Offsetof(kvmFPU{}.FCW), 128},
		{"kvm_fpu.last_opcode", unsafe.Offsetof(kvmFPU{}.LastOpcode), 134},
		{"kvm_fpu.last_ip", unsafe.Offsetof(kvmFPU{}.LastIP), 136},
		{"kvm_fpu.xmm", unsafe.Offsetof(kvmFPU{}.XMM), 152},
		{"kvm_fpu.mxcsr", unsafe.Offsetof(kvmFPU{}.MXCSR), 408},
		{"kvm_cpuid_entry2", unsafe.Sizeof(kvmCPUIDEntry2{}), sizeofCPUIDEntry2},
		{"kvm_cpuid_entry2.flags", unsafe.Offsetof(kvmCPUIDEntry2{}.Flags), 8},
		{"kvm_cpuid_entry2.eax", unsafe.Offsetof(kvmCPUIDEntry2{}.EAX), 12},
		{"kvm_cpuid2.entries", unsafe.Offsetof(kvmCPUID2{}.Entries), sizeofCPUID2},
		{"kvm_msr_entry", unsafe.Sizeof(kvmMSREntry{}), sizeofMSREntry},
		{"kvm_msrs.entries", unsafe.Offsetof(kvmMSRs{}.Entries), sizeofMSRs},
		{"kvm_msr_list.indices", unsafe.Offsetof(kvmMSRList{}.Indices), sizeofMSRList},
		{"kvm_lapic_state", unsafe.Sizeof(kvmLAPICState{}), sizeofLAPIC},
		{"kvm_vcpu_events", unsafe.Sizeof(kvmVCPUEvents{}), sizeofVCPUEvents},
		{"kvm_vcpu_events.interrupt", unsafe.Offsetof(kvmVCPUEvents{}.InterruptInjected), 8},
		{"kvm_vcpu_events.nmi", unsafe.Offsetof(kvmVCPUEvents{}.NMIInjected), 12},
		{"kvm_vcpu_events.sipi_vector", unsafe.Offsetof(kvmVCPUEvents{}.SIPIVector), 16},
		{"kvm_vcpu_events.flags", unsafe.Offsetof(kvmVCPUEvents{}.Flags), 20},
		{"kvm_vcpu_events.smi", unsafe.Offsetof(kvmVCPUEvents{}.SMISMM), 24},
		{"kvm_vcpu_events.exception_has_payload", unsafe.Offsetof(kvmVCPUEvents{}.ExceptionHasPayload), 55},
		{"kvm_vcpu_events.exception_payload", unsafe.Offsetof(kvmVCPUEvents{}.ExceptionPayload), 56},
		{"kvm_debugregs", unsafe.Sizeof(kvmDebugRegs{}), sizeofDebugRegs},
		{"kvm_debugregs.dr6", unsafe.Offsetof(kvmDebugRegs{}.DR6), 32},
		{"kvm_debugregs.flags", unsafe.Offsetof(kvmDebugRegs{}.Flags), 48},
		{"kvm_xcrs", unsafe.Sizeof(kvmXCRs{}), sizeofXCRs},
		{"kvm_xcrs.xcrs", unsafe.Offsetof(kvmXCRs{}.XCRs), 8},
		{"kvm_irqchip", unsafe.Sizeof(kvmIRQChip{}), sizeofIRQChip},
		{"kvm_irqchip.chip", unsafe.Offsetof(kvmIRQChip{}.Chip), 8},
		{"kvm_pit_channel_state", unsafe.Sizeof(kvmPITChannelState{}), sizeofPITChannelState},
		{"kvm_pit_channel_state.count_load_time", unsafe.Offsetof(kvmPITChannelState{}.CountLoadTime), 16},
		{"kvm_pit_state2", unsafe.Sizeof(kvmPITState2{}), sizeofPITState2},
		{"kvm_pit_state2.flags", unsafe.Offsetof(kvmPITState2{}.Flags), 72},
		{"kvm_pit_config", unsafe.Sizeof(kvmPITConfig{}), sizeofPITConfig},
		{"kvm_clock_data", unsafe.Sizeof(kvmClockData{}), sizeofClockData},
		{"kvm_clock_data.flags", unsafe.Offsetof(kvmClockData{}.Flags), 8},
		{"kvm_clock_data.realtime", unsafe.Offsetof(kvmClockData{}.Realtime), 16},
		{"kvm_clock_data.host_tsc", unsafe.Offsetof(kvmClockData{}.HostTSC), 24},
		{"kvm_irq_level", unsafe.Sizeof(kvmIRQLevel{}), sizeofIRQLevel},
		{"kvm_irq_routing_entry", unsafe.Sizeof(kvmIRQRoutingEntry{}), sizeofIRQRoutingEntry},
		{"kvm_irq_routing_entry.u", unsafe.Offsetof(kvmIRQRoutingEntry{}.U), 16},
		{"kvm_irq_routing.entries", unsafe.Offsetof(kvmIRQRouting{}.Entries), sizeofIRQRouting},
		{"kvm_msi", unsafe.Sizeof(kvmMSI{}), sizeofMSI},
		{"kvm_msi.devid", unsafe.Offsetof(kvmMSI{}.DevID), 16},
		{"kvm_userspace_memory_region", unsafe.Sizeof(kvmUserMemoryRegion{}), sizeofUserMemoryRegion},
		{"kvm_userspace_memory_region.guest_phys_addr", unsafe.Offsetof(kvmUserMemoryRegion{}.GuestPhysAddr), 8},
		{"kvm_userspace_memory_region.userspace_addr", unsafe.Offsetof(kvmUserMemoryRegion{}.UserspaceAddr), 24},
		{"kvm_dirty_log", unsafe.Sizeof(kvmDirtyLog{}), sizeofDirtyLog},
		{"kvm_guest_debug", unsafe.Sizeof(kvmGuestDebug{}), sizeofGuestDebug},
		{"kvm_guest_debug.arch", unsafe.Offsetof(kvmGuestDebug{}.DebugReg), 8},
		{"kvm_enable_cap", unsafe.Sizeof(kvmEnableCapArgs{}), sizeofEnableCap},
		// kvm_run offsets used through byte offsets.
		{"kvm_run.immediate_exit", runImmediateExit, 1},
		{"kvm_run.exit_reason", runExitReason, 8},
		{"kvm_run.if_flag", runIFFlag, 13},
		{"kvm_run.cr8", runCR8, 16},
		{"kvm_run.apic_base", runAPICBase, 24},
		{"kvm_run.io", runExit, sizeofRunHeaderToUnion},
		{"kvm_run.mmio.len", runMMIOLen, 48},
		{"kvm_run.mmio.is_write", runMMIOIsWrite, 52},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}
