package kvm

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"gemu/accel"
	"gemu/migration/vmstate"
)

// fakeRun builds a kvm_run page pair for exit decoding without KVM.
func fakeRun() []byte { return make([]byte, 2*4096) }

func ioExit(run []byte, dir uint8, size uint8, port uint16, count uint32, data []byte) {
	run[runIODirection] = dir
	run[runIOSize] = size
	putN(run[runIOPort:], 2, uint64(port))
	putN(run[runIOCount:], 4, uint64(count))
	putN(run[runIODataOffset:], 8, 4096)
	copy(run[4096:], data)
}

func TestHandleStringIO(t *testing.T) {
	for _, size := range []uint8{1, 2, 4} {
		io := newTestIO()
		c := &VCPU{fd: -1, run: fakeRun(), io: io, vm: &VM{acc: &Accelerator{host: &hostInfo{}}}}
		data := []byte("abcdefghijklmnop")
		count := uint32(len(data)) / uint32(size)
		ioExit(c.run, exitIOOut, size, portString, count, data)
		if err := c.handleIO(); err != nil {
			t.Fatal(err)
		}
		var want []portWrite
		for i := 0; i < int(count); i++ {
			want = append(want, portWrite{portString, int(size), uint32(getN(data[i*int(size):], int(size)))})
		}
		if d := cmp.Diff(want, io.writes); d != "" {
			t.Errorf("out size %d (-want +got):\n%s", size, d)
		}
		// In: each element gets the value the IO returned.
		ioExit(c.run, exitIOIn, size, portString, 3, nil)
		if err := c.handleIO(); err != nil {
			t.Fatal(err)
		}
		base := map[uint8]uint64{1: 0, 2: 0x100, 4: 0x10000}[size]
		for i := 0; i < 3; i++ {
			if v := getN(c.run[4096+i*int(size):], int(size)); v != base+uint64(i+1) {
				t.Errorf("in size %d element %d = %#x, want %#x", size, i, v, base+uint64(i+1))
			}
		}
	}
}

func TestHandleBadExits(t *testing.T) {
	c := &VCPU{fd: -1, run: fakeRun(), io: newTestIO(), vm: &VM{acc: &Accelerator{host: &hostInfo{}}}}
	var re *accel.RunError
	ioExit(c.run, exitIOOut, 3, 0x80, 1, nil)
	if err := c.handleIO(); !errors.As(err, &re) {
		t.Errorf("size 3 port access: %v", err)
	}
	ioExit(c.run, exitIOOut, 4, 0x80, 4000, nil)
	if err := c.handleIO(); !errors.As(err, &re) {
		t.Errorf("data beyond kvm_run: %v", err)
	}
	putN(c.run[runMMIOLen:], 4, 9)
	if err := c.handleMMIO(); !errors.As(err, &re) {
		t.Errorf("9-byte MMIO: %v", err)
	}
}

func TestHandleMMIO(t *testing.T) {
	io := newTestIO()
	c := &VCPU{fd: -1, run: fakeRun(), io: io}
	for _, n := range []int{1, 2, 3, 4, 8} {
		putN(c.run[runMMIOPhysAddr:], 8, guestMMIO+0x10)
		putN(c.run[runMMIOLen:], 4, uint64(n))
		c.run[runMMIOIsWrite] = 0
		if err := c.handleMMIO(); err != nil {
			t.Fatal(err)
		}
		want := (uint64(0x10)<<32 | uint64(n)<<24 | 0xa5a5a5)
		if n < 8 {
			want &= 1<<(8*n) - 1
		}
		if v := getN(c.run[runMMIOData:], n); v != want {
			t.Errorf("read %d: %#x, want %#x", n, v, want)
		}
		c.run[runMMIOIsWrite] = 1
		putN(c.run[runMMIOData:], 8, 0x1122334455667788)
		if err := c.handleMMIO(); err != nil {
			t.Fatal(err)
		}
		last := io.mmio[len(io.mmio)-1]
		wantV := uint64(0x1122334455667788)
		if n < 8 {
			wantV &= 1<<(8*n) - 1
		}
		if !last.Write || last.Size != n || last.Val != wantV {
			t.Errorf("write %d: %+v", n, last)
		}
	}
}

func TestParseVMState(t *testing.T) {
	good := validVMState()
	if _, err := parseVMState(good, true, true); err != nil {
		t.Fatal(err)
	}
	if _, err := parseVMState(good, false, false); err == nil {
		t.Error("irqchip parts accepted by a VM without irqchip")
	}
	noPIT := accel.VMState{Accel: "kvm"}
	for _, p := range good.Parts {
		if p.Name != partPIT {
			noPIT.Parts = append(noPIT.Parts, p)
		}
	}
	if _, err := parseVMState(noPIT, true, true); err == nil {
		t.Error("state without the PIT accepted by a VM with one")
	}
	if _, err := parseVMState(noPIT, true, false); err != nil {
		t.Errorf("state without the PIT, VM without one: %v", err)
	}
}

// validVMState is a state as KVM saves it after reset.
func validVMState() accel.VMState {
	pic := make([]byte, sizeofPICState)
	pic[picIRQBase] = 0x08
	pic[picELCRMask] = 0xf8
	ioapic := make([]byte, sizeofIOAPICState)
	putN(ioapic[ioapicBase:], 8, ioapicDefault)
	var pit kvmPITState2
	for i := range pit.Channels {
		pit.Channels[i] = kvmPITChannelState{Count: 0x10000, Mode: pitModeUnset, RWMode: 3, Gate: 1}
	}
	part := func(n string, b []byte) accel.VMStatePart {
		return accel.VMStatePart{Name: n, Data: append([]byte{partVersion}, b...)}
	}
	return accel.VMState{Accel: "kvm", Parts: []accel.VMStatePart{
		part(partPICMaster, pic), part(partPICSlave, pic), part(partIOAPIC, ioapic),
		part(partPIT, encodePIT(&pit)), part(partClock, make([]byte, 8)),
	}}
}

// FuzzParseVMState feeds arbitrary VM state streams through the vmstate
// codec and the KVM part checks: errors are fine, panics are not, and
// whatever passes must have the kernel's shapes.
func FuzzParseVMState(f *testing.F) {
	good := validVMState()
	f.Add(vmstate.Save(&good))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var st accel.VMState
		if err := vmstate.Load(&st, data); err != nil {
			return
		}
		for _, chips := range []bool{false, true} {
			p, err := parseVMState(st, chips, chips)
			if err != nil {
				continue
			}
			for _, c := range p.pit.Channels {
				if c.Count > 0x10000 || (c.Mode > 5 && c.Mode != pitModeUnset) {
					t.Fatalf("accepted PIT channel %+v", c)
				}
			}
		}
	})
}
