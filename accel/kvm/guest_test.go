package kvm

import (
	"testing"

	"gemu/accel"
)

func TestUserFPU(t *testing.T) {
	m := newTestMachine(t, accel.VMOptions{}, 1, 0)
	exit, err, st := m.runUntilExit(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exit %v outputs %#x", exit.Reason, m.io.outputs(portOut))
	if st != nil {
		t.Logf("%s", st.Dump())
		dumpStack(t, m, st.GPR[accel.RSP])
	}
}

func dumpStack(t *testing.T, m *testMachine, rsp uint64) {
	var b [48]byte
	m.ram.ReadAt(b[:], int64(rsp))
	for i := 0; i < 6; i++ {
		t.Logf("[rsp+%d] = %#x", 8*i, getN(b[8*i:], 8))
	}
}
