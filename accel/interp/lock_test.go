package interp

import "testing"

// TestLockPrefixAcceptance: LOCK is valid exactly on the read-modify-write
// forms with a memory destination (SDM vol. 2, LOCK); elsewhere it is #UD.
func TestLockPrefixAcceptance(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		ok   bool
	}{
		{"lock btr [rax+0x40], 0", []byte{0xf0, 0x48, 0x0f, 0xba, 0x70, 0x40, 0x00}, true},
		{"lock bts [rax], 1", []byte{0xf0, 0x0f, 0xba, 0x28, 0x01}, true},
		{"lock btc [rax], 1", []byte{0xf0, 0x0f, 0xba, 0x38, 0x01}, true},
		{"lock bt [rax], 1", []byte{0xf0, 0x0f, 0xba, 0x20, 0x01}, false},
		{"lock bts eax, 1", []byte{0xf0, 0x0f, 0xba, 0xe8, 0x01}, false},
		{"lock add [rax], ecx", []byte{0xf0, 0x01, 0x08}, true},
		{"lock cmp [rax], ecx", []byte{0xf0, 0x39, 0x08}, false},
		{"lock cmpxchg [rax], ecx", []byte{0xf0, 0x0f, 0xb1, 0x08}, true},
		{"lock mov [rax], ecx", []byte{0xf0, 0x89, 0x08}, false},
	} {
		n, st := oracleLen(tc.code, mode64)
		if got := st == decOK; got != tc.ok || (tc.ok && n != len(tc.code)) {
			t.Errorf("%s: decoded ok=%v len=%d, want ok=%v len=%d", tc.name, got, n, tc.ok, len(tc.code))
		}
	}
}
