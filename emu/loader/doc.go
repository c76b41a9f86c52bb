// Package loader places boot images into guest memory and describes the
// processor state they start in: Linux bzImage (the x86 boot protocol, 64-bit
// or 32-bit entry), PVH ELF kernels, Multiboot v1 kernels, BIOS images for
// -bios, the MultiProcessor Specification tables, the ACPI tables that
// hw/acpi builds and the SMBIOS tables that hw/smbios builds.
//
// Every loader writes through *mem.Guest (so migration sees the pages as
// dirty), refuses hostile images with an error that names the problem, never
// allocates host memory from a size an image declares, and returns a Boot: the
// bootstrap processor's accel.CPUState and the ranges it used.
//
// # Low-memory layout for direct kernel boot
//
// The loaders that start a kernel without firmware use fixed places below
// 640 KiB, all in the usable RAM the memory map reports (the kernel may reuse
// them once it runs on its own tables):
//
//	0x00500  GDT: null, null, 0x10 flat code, 0x18 flat data, 0x20 TSS
//	0x06000  Multiboot information / PVH start_info and their tables
//	0x07000  Linux boot_params (the "zero page")
//	0x09000  page tables: PML4, PDPT, four page directories (first 4 GiB, 2 MiB pages)
//	0x10000  Linux real-mode setup code; its heap ends at 0x10000+heap_end_ptr
//	0x20000  command line (up to 0x9fc00)
//	0x9fc00  extended BIOS data area (e820 reserved), 1 KiB
//	0xf0000  MP floating pointer and configuration table (e820 reserved)
//	0xf2000  ACPI tables, RSDP first (ACPIAddr; e820 reserved, found by the
//	         RSDP scan of 0xe0000-0xfffff and by boot_params.acpi_rsdp_addr
//	         or the PVH start_info when the machine passes KernelConfig.RSDP)
//	0xf8000  SMBIOS entry points, "_SM3_" then "_SM_" at +0x20, and the
//	         structure table at +0x40 (SMBIOSAddr; e820 reserved, found by
//	         the scan of 0xf0000-0xfffff)
//
// Kernels load at 1 MiB, or at a relocatable bzImage's pref_address when its
// whole init_size fits below the top of low RAM; ELF kernels at their
// segments' physical addresses. A Linux or PVH initrd goes as high as it fits
// in usable RAM below 4 GiB (and below a bzImage's initrd_addr_max), page
// aligned, outside the memory a bzImage decompresses into (its runtime
// address for init_size bytes). Multiboot modules follow the kernel, each
// page aligned, as GRUB and QEMU place them.
//
// A bzImage without ACPI finds its CPUs only through MP tables, and only if
// built with CONFIG_X86_MPPARSE: Debian's generic kernel is, its cloud
// kernel is not. The MP table takes at most MPTableSize(254) bytes (under
// 8 KiB) from 0xf0000; the ACPI tables for 254 CPUs take under 11 KiB of
// the 24 KiB from ACPIAddr; the SMBIOS tables for 254 sockets and 2 TiB of
// RAM take 26 KiB of the 32 KiB from SMBIOSAddr (larger ones put their
// structure table in another reserved range). So all three fit in the
// BIOS area together.
package loader
