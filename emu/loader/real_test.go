package loader

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/hw/mem"
	"gemu/tests/assets/assets"
)

// TestDebianBzImage checks what Linux lays out for Debian's stock kernels
// against the boot protocol.
func TestDebianBzImage(t *testing.T) {
	for _, flavor := range assets.Flavors {
		t.Run(flavor, func(t *testing.T) {
			kpath, err := assets.Kernel(flavor)
			if errors.Is(err, assets.ErrNotFetched) {
				t.Skipf("Debian %s kernel not in the asset cache (run make assets): %v", flavor, err)
			}
			if err != nil {
				t.Fatal(err)
			}
			rdpath, err := assets.Initramfs()
			if err != nil {
				t.Skipf("initramfs not built: %v", err)
			}
			kernel, err := os.ReadFile(kpath)
			if err != nil {
				t.Fatal(err)
			}
			initrd, err := os.ReadFile(rdpath)
			if err != nil {
				t.Fatal(err)
			}
			h, err := ParseSetupHeader(kernel[:hdrRead])
			if err != nil {
				t.Fatal(err)
			}
			if h.Version < 0x20c || !h.Entry64() || !h.Relocatable {
				t.Fatalf("Debian kernel header %+v lacks the 64-bit entry", h)
			}
			const ramSize = 256 << 20
			ram := mem.NewForTest(ramSize)
			cmdline := "console=ttyS0 panic=-1 " + assets.Cmdline("uname -r")
			b, err := Linux(ram, LinuxConfig{Kernel: img(kpath, kernel), Initrd: &Image{rdpath, bytes.NewReader(initrd), int64(len(initrd))}, Cmdline: cmdline})
			if err != nil {
				t.Fatal(err)
			}

			// The protected-mode kernel at pref_address, which fits.
			load := h.PrefAddress
			setup := h.SetupSize()
			if got := readGuest(t, ram, load, len(kernel)-int(setup)); !bytes.Equal(got, kernel[setup:]) {
				t.Errorf("protected-mode kernel not at pref_address %#x", load)
			}
			if b.CPU.RIP != load+0x200 || b.Protocol != "linux64" {
				t.Errorf("entry %#x (%s), want startup_64 at %#x", b.CPU.RIP, b.Protocol, load+0x200)
			}

			zp := readGuest(t, ram, bootParamsAddr, bpSize)
			// The setup header is the image's, except the fields a boot
			// loader writes.
			written := map[int]bool{}
			for _, f := range [][2]int{{hdrVidMode, 2}, {hdrTypeOfLoader, 1}, {hdrLoadFlags, 1}, {hdrCode32Start, 4}, {hdrRamdiskImage, 4},
				{hdrRamdiskSize, 4}, {hdrHeapEndPtr, 2}, {hdrCmdLinePtr, 4}, {hdrHardwareSubarch, 4}} {
				for i := 0; i < f[1]; i++ {
					written[f[0]+i] = true
				}
			}
			for i := hdrSetupSects; i < h.End; i++ {
				if !written[i] && zp[i] != kernel[i] {
					t.Errorf("boot_params byte %#x = %#x, image has %#x", i, zp[i], kernel[i])
				}
			}
			if zp[hdrTypeOfLoader] != 0xff || zp[hdrLoadFlags] != kernel[hdrLoadFlags]|canUseHeap {
				t.Errorf("type_of_loader %#x loadflags %#x", zp[hdrTypeOfLoader], zp[hdrLoadFlags])
			}
			if heap := le.Uint16(zp[hdrHeapEndPtr:]); heap != 0xfe00 || setup > setupMax {
				t.Errorf("heap_end_ptr %#x with %d bytes of setup", heap, setup)
			}
			if le.Uint32(zp[hdrCode32Start:]) != uint32(load) {
				t.Errorf("code32_start %#x", le.Uint32(zp[hdrCode32Start:]))
			}
			cl := uint64(le.Uint32(zp[hdrCmdLinePtr:])) | uint64(le.Uint32(zp[bpExtCmdLinePtr:]))<<32
			if got := readGuest(t, ram, cl, len(cmdline)+1); string(got) != cmdline+"\x00" || uint32(len(cmdline)) > h.CmdlineSize {
				t.Errorf("command line at %#x: %q", cl, got)
			}
			rd := uint64(le.Uint32(zp[hdrRamdiskImage:])) | uint64(le.Uint32(zp[bpExtRamdiskImage:]))<<32
			rs := uint64(le.Uint32(zp[hdrRamdiskSize:])) | uint64(le.Uint32(zp[bpExtRamdiskSize:]))<<32
			if rs != uint64(len(initrd)) || rd%4096 != 0 || rd+rs > uint64(h.InitrdAddrMax)+1 || rd+rs > ramSize {
				t.Errorf("initrd at %#x size %d: not page aligned below initrd_addr_max %#x and RAM", rd, rs, h.InitrdAddrMax)
			}
			if want := (ramSize - rs) &^ 4095; rd != want {
				t.Errorf("initrd at %#x, want as high as possible: %#x", rd, want)
			}
			if rd < load+uint64(h.InitSize) {
				t.Errorf("initrd at %#x inside the kernel's init_size area [%#x, %#x)", rd, load, load+uint64(h.InitSize))
			}
			if !bytes.Equal(readGuest(t, ram, rd, int(rs)), initrd) {
				t.Error("initrd contents differ")
			}
			var e820 []E820Entry
			for i := 0; i < int(zp[bpE820Entries]); i++ {
				e := zp[bpE820Table+20*i:]
				e820 = append(e820, E820Entry{le.Uint64(e), le.Uint64(e[8:]), E820Type(le.Uint32(e[16:]))})
			}
			want := []E820Entry{{0, 0x9fc00, E820RAM}, {0x9fc00, 0x400, E820Reserved}, {0xf0000, 0x10000, E820Reserved}, {0x100000, ramSize - 0x100000, E820RAM}}
			if d := cmp.Diff(want, e820); d != "" {
				t.Errorf("e820 (-want +got):\n%s", d)
			}
			if got := le.Uint32(zp[bpAltMemK:]); got != (ramSize-0x100000)>>10 {
				t.Errorf("alt_mem_k %d", got)
			}
		})
	}
}
