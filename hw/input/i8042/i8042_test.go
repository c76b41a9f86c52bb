package i8042

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest"
	"gemu/hw/hwtest/script"
	"gemu/migration/vmstate"
	"gemu/migration/vmstate/vmstatetest"
)

type rig struct {
	k        *Controller
	kbd, aux *hwtest.Line
	a20      *hwtest.Line
	resets   int
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{kbd: new(hwtest.Line), aux: new(hwtest.Line), a20: new(hwtest.Line)}
	k, err := New(Config{KbdIRQ: r.kbd, AuxIRQ: r.aux, A20: r.a20, Reset: func() { r.resets++ }})
	if err != nil {
		t.Fatal(err)
	}
	r.k = k
	return r
}

func (r *rig) cmd(b uint8)     { r.k.Write(offStatus, 1, uint64(b)) }
func (r *rig) data(b uint8)    { r.k.Write(offData, 1, uint64(b)) }
func (r *rig) status() uint8   { return uint8(r.k.Read(offStatus, 1)) }
func (r *rig) readByte() uint8 { return uint8(r.k.Read(offData, 1)) }

// drain reads the output buffer while it is full, as a polling driver does.
func (r *rig) drain() string {
	var out []string
	for i := 0; i < 64 && r.status()&stOBF != 0; i++ {
		aux := r.status()&stAUXB != 0
		s := fmt.Sprintf("%02x", r.readByte())
		if aux {
			s = "m" + s
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestNewNeedsReset(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without Reset succeeded")
	}
}

func TestResetState(t *testing.T) {
	r := newRig(t)
	r.cmd(ccWriteRAM)
	r.data(0x45)
	r.k.Key(0x1e, true)
	r.k.Reset()
	if s := r.status(); s != stA2|stINH {
		t.Errorf("status %#x after reset, want %#x", s, stA2|stINH)
	}
	r.cmd(ccReadRAM)
	if got := r.drain(); got != "03" {
		t.Errorf("command byte after reset %s, want 03", got)
	}
	r.cmd(ccReadOutput)
	if got := r.drain(); got != "cf" {
		t.Errorf("output port after reset %s, want cf", got)
	}
	if r.kbd.High() || r.aux.High() {
		t.Error("interrupt high after reset")
	}
}

func TestControllerCommands(t *testing.T) {
	for _, tc := range []struct {
		cmd  uint8
		want string
	}{
		{ccSelfTest, "55"},
		{ccKbdTest, "00"},
		{ccAuxTest, "00"},
		{ccReadInput, "80"},
		{ccReadTest, "00"},
		{ccReadRAM + 5, "00"},
	} {
		r := newRig(t)
		r.cmd(tc.cmd)
		if got := r.drain(); got != tc.want {
			t.Errorf("command %#x replied %q, want %q", tc.cmd, got, tc.want)
		}
	}
	r := newRig(t)
	r.cmd(ccSelfTest)
	r.drain()
	if r.status()&stSYS == 0 {
		t.Error("self-test did not set SYS")
	}
	r.cmd(ccAuxDisable)
	r.cmd(ccKbdDisable)
	r.cmd(ccReadRAM)
	if got := r.drain(); got != "33" {
		t.Errorf("command byte %s after 0xa7/0xad, want 33", got)
	}
	r.cmd(ccAuxEnable)
	r.cmd(ccKbdEnable)
	r.cmd(ccReadRAM)
	if got := r.drain(); got != "03" {
		t.Errorf("command byte %s after 0xa8/0xae, want 03", got)
	}
	r.cmd(ccWriteRAM + 0x1f)
	r.data(0x99)
	r.cmd(ccReadRAM + 0x1f)
	if got := r.drain(); got != "99" {
		t.Errorf("RAM byte 31 %s", got)
	}
}

func TestA20AndReset(t *testing.T) {
	r := newRig(t)
	r.cmd(ccWriteOutput)
	r.data(outPortReset &^ opA20)
	if r.a20.High() || r.k.A20() || r.resets != 0 {
		t.Fatal("output port write: A20 still on or reset requested")
	}
	r.cmd(ccEnableA20)
	if !r.a20.High() {
		t.Fatal("0xdf did not enable A20")
	}
	r.cmd(ccDisableA20)
	if r.a20.High() {
		t.Fatal("0xdd did not disable A20")
	}
	r.cmd(ccWriteOutput)
	r.data(0xce) // bit 0 low: reset
	if r.resets != 1 {
		t.Fatalf("%d resets after writing output port bit 0 low", r.resets)
	}
	r.cmd(0xfe) // pulse reset
	if r.resets != 2 {
		t.Fatalf("%d resets after 0xfe", r.resets)
	}
	r.cmd(0xff) // pulse nothing
	r.cmd(0xf2) // pulse bit 0 and 2
	if r.resets != 3 {
		t.Fatalf("%d resets after 0xff, 0xf2", r.resets)
	}
}

// TestResetReentry: the Reset callback may reset the controller at once.
func TestResetReentry(t *testing.T) {
	var k *Controller
	k, _ = New(Config{Reset: func() { k.Reset() }})
	k.Write(offStatus, 1, 0xfe)
	if s := k.Read(offStatus, 1); s != stA2|stINH {
		t.Errorf("status %#x after a synchronous reset", s)
	}
}

func TestKeyboardCommands(t *testing.T) {
	for _, tc := range []struct {
		name  string
		xlate bool
		bytes []uint8
		want  string
	}{
		{"reset", false, []uint8{kbReset}, "fa aa"},
		{"identify", false, []uint8{kbIdentify}, "fa ab 83"},
		{"identify translated", true, []uint8{kbIdentify}, "fa ab 41"},
		{"echo", false, []uint8{kbEcho}, "ee"},
		{"leds", false, []uint8{kbSetLEDs, 0x07}, "fa fa"},
		{"get set", false, []uint8{kbScanCodeSet, 0}, "fa fa 02"},
		{"get set translated", true, []uint8{kbScanCodeSet, 0}, "fa fa 41"},
		{"set 1", false, []uint8{kbScanCodeSet, 1, kbScanCodeSet, 0}, "fa fa fa fa 01"},
		{"set 3 refused", false, []uint8{kbScanCodeSet, 3}, "fa fe"},
		{"typematic", false, []uint8{kbTypematic, 0x20}, "fa fa"},
		{"enable disable defaults", false, []uint8{kbDisable, kbEnable, kbDefaults}, "fa fa fa"},
		{"resend", false, []uint8{kbIdentify, kbResend}, "fa ab 83 83"},
		{"unknown", false, []uint8{0x12}, "fe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			if tc.xlate {
				r.cmd(ccWriteRAM)
				r.data(cbXlate | cbKbdInt)
			}
			for _, b := range tc.bytes {
				r.data(b)
			}
			if got := r.drain(); got != tc.want {
				t.Errorf("replies %q, want %q", got, tc.want)
			}
		})
	}
	r := newRig(t)
	r.data(kbSetLEDs)
	r.data(0x05)
	if r.k.LEDs() != 5 {
		t.Errorf("LEDs %d", r.k.LEDs())
	}
}

func TestTyping(t *testing.T) {
	type ev struct {
		code uint16
		down bool
	}
	keys := []ev{{0x1e, true}, {0x1e, false}, {KeyExtended | 0x48, true}, {KeyExtended | 0x48, false}, {0x41, true}, {KeyPause, true}, {KeyPause, false}}
	for _, tc := range []struct {
		name  string
		setup func(r *rig)
		want  string
	}{
		{"set 2 raw", func(r *rig) {}, "1c f0 1c e0 75 e0 f0 75 83 e1 14 77 e1 f0 14 f0 77"},
		{"set 2 translated", func(r *rig) { r.cmd(ccWriteRAM); r.data(cbXlate | cbKbdInt) },
			"1e 9e e0 48 e0 c8 41 e1 1d 45 e1 9d c5"},
		{"set 1", func(r *rig) { r.data(kbScanCodeSet); r.data(1); r.drain() },
			"1e 9e e0 48 e0 c8 41 e1 1d 45 e1 9d c5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			tc.setup(r)
			var got []string
			for _, e := range keys {
				if !r.k.Key(e.code, e.down) {
					t.Fatalf("Key(%#x) refused", e.code)
				}
				if d := r.drain(); d != "" {
					got = append(got, d)
				}
			}
			if s := strings.Join(got, " "); s != tc.want {
				t.Errorf("bytes %q, want %q", s, tc.want)
			}
		})
	}
	r := newRig(t)
	for _, bad := range []uint16{0, 0x80, 0x1234, KeyExtended} {
		if r.k.Key(bad, true) {
			t.Errorf("Key(%#x) accepted", bad)
		}
	}
}

// TestTranslationRoundTrip: every set 1 key makes a set 2 code that the
// controller translates back to it.
func TestTranslationRoundTrip(t *testing.T) {
	for c := 1; c < 0x80; c++ {
		s2 := set2Of[c]
		if s2 == 0 {
			t.Errorf("set 1 code %#x has no set 2 code", c)
			continue
		}
		if got := translate(s2); got != byte(c) {
			t.Errorf("set 1 %#x -> set 2 %#x -> %#x", c, s2, got)
		}
	}
}

func TestInterruptPerByte(t *testing.T) {
	r := newRig(t)
	r.k.Key(0x1e, true)
	r.k.Key(0x1e, false) // 1c f0 1c: three bytes, three edges
	n := 0
	for r.status()&stOBF != 0 {
		if !r.kbd.High() {
			t.Fatal("IRQ 1 low with the output buffer full")
		}
		r.readByte()
		n++
	}
	if r.kbd.Rises() != 3 || n != 3 || r.kbd.High() {
		t.Errorf("%d bytes, %d rising edges", n, r.kbd.Rises())
	}
	r.cmd(ccWriteRAM)
	r.data(0) // interrupts off: polled
	r.k.Key(0x1e, true)
	if r.kbd.High() || r.status()&stOBF == 0 {
		t.Error("IRQ 1 with interrupts disabled, or no data")
	}
}

func TestDisabledInterfaceHolds(t *testing.T) {
	r := newRig(t)
	r.cmd(ccKbdDisable)
	r.k.Key(0x1e, true)
	if r.status()&stOBF != 0 {
		t.Fatal("keyboard data passed a disabled interface")
	}
	r.cmd(ccKbdEnable)
	if got := r.drain(); got != "1c" {
		t.Errorf("after enable %q", got)
	}
}

func TestKeyboardOverrun(t *testing.T) {
	r := newRig(t)
	r.cmd(ccKbdDisable)
	for i := 0; i < 20; i++ {
		r.k.Key(0x1e, true)
	}
	r.cmd(ccKbdEnable)
	if got, want := r.drain(), strings.TrimSpace(strings.Repeat("1c ", 16)); got != want {
		t.Errorf("after overflow %q, want 16 codes", got)
	}
	// The 17th byte did not fit: it became the overrun code only when room
	// was left; a full buffer drops silently.
	r.cmd(ccKbdDisable)
	for i := 0; i < 15; i++ {
		r.k.Key(0x1e, true)
	}
	r.k.Key(KeyExtended|0x48, true) // two bytes, one left: overrun code
	r.cmd(ccKbdEnable)
	if got := r.drain(); !strings.HasSuffix(got, "1c 00") {
		t.Errorf("overrun code missing: %q", got)
	}
}

func TestMouse(t *testing.T) {
	r := newRig(t)
	send := func(bs ...uint8) string {
		for _, b := range bs {
			r.cmd(ccWriteAux)
			r.data(b)
		}
		return r.drain()
	}
	if got := send(msReset); got != "mfa maa m00" {
		t.Fatalf("reset: %q", got)
	}
	if got := send(msGetID); got != "mfa m00" {
		t.Fatalf("id: %q", got)
	}
	send(msSampleRate, 200, msSampleRate, 100, msSampleRate, 80)
	if got := send(msGetID); got != "mfa m03" {
		t.Fatalf("wheel id: %q", got)
	}
	send(msSampleRate, 200, msSampleRate, 200, msSampleRate, 80)
	if got := send(msGetID); got != "mfa m04" {
		t.Fatalf("5-button id: %q", got)
	}
	r.k.MouseEvent(5, 5, 0, 1)
	if got := r.drain(); got != "" {
		t.Fatalf("packets before enable: %q", got)
	}
	send(msEnable)
	r.k.MouseEvent(5, 3, -1, 1|8) // right 5, down 3, wheel -1, left + button 4
	if got := r.drain(); got != "m29 m05 mfd m1f" {
		t.Errorf("packet %q", got)
	}
	r.k.MouseEvent(300, 0, 0, 0) // beyond 9 bits: two packets
	if got := r.drain(); got != "m08 mff m00 m00 m08 m2d m00 m00" {
		t.Errorf("large motion %q", got)
	}
	if got := send(msStatus); got != "mfa m20 m02 m50" {
		t.Errorf("status %q", got)
	}
	send(msRemote)
	r.k.MouseEvent(1, 0, 0, 0)
	if got := r.drain(); got != "" {
		t.Errorf("remote mode streamed %q", got)
	}
	if got := send(msReadData); got != "mfa m08 m01 m00 m00" {
		t.Errorf("read data %q", got)
	}
	send(msWrap)
	if got := send(0x55); got != "m55" {
		t.Errorf("wrap echo %q", got)
	}
	if got := send(msResetWrap, 0x99); got != "mfa mfe" {
		t.Errorf("after wrap %q", got)
	}
	// IRQ 12 carries mouse bytes; aux disabled holds them.
	r.aux.Reset()
	r.cmd(ccAuxDisable)
	r.cmd(ccWriteAux)
	r.data(msGetID)
	if r.status()&stOBF != 0 {
		t.Fatal("mouse data passed a disabled aux interface")
	}
	r.cmd(ccAuxEnable)
	if !r.aux.High() || r.kbd.High() {
		t.Fatal("mouse byte not on IRQ 12")
	}
}

func TestAuxLoop(t *testing.T) {
	r := newRig(t)
	r.cmd(ccAuxDisable) // the controller's own write is not gated
	r.cmd(ccWriteAuxOB)
	r.data(0x5a)
	if got := r.drain(); got != "m5a" {
		t.Errorf("aux loop %q", got)
	}
	r.cmd(ccWriteKbdOB)
	r.data(0xf0)
	if got := r.drain(); got != "f0" {
		t.Errorf("keyboard loop %q", got)
	}
}

func TestGuestMisuse(t *testing.T) {
	r := newRig(t)
	r.cmd(0xc5) // unknown
	if r.status()&stOBF != 0 {
		t.Error("unknown command replied")
	}
	r.cmd(ccSelfTest)
	r.readByte()
	if v := r.readByte(); v != 0x55 {
		t.Errorf("empty output buffer reads %#x, want the last byte", v)
	}
	r.cmd(ccWriteOutput)
	r.cmd(ccReadRAM) // a new command cancels the pending parameter
	r.data(0xee)     // goes to the keyboard: echo
	if got := r.drain(); got != "03 ee" {
		t.Errorf("after cancelled parameter %q", got)
	}
	if r.resets != 0 {
		t.Error("reset requested")
	}
	if v := (portHandler{r.k, offData}).Read(1, 1); v != 0xff {
		t.Errorf("wide access beyond the port reads %#x", v)
	}
}

func TestAllocs(t *testing.T) {
	r := newRig(t)
	for name, f := range map[string]func(){
		"status":     func() { r.status() },
		"data":       func() { r.readByte() },
		"key + read": func() { r.k.Key(0x1e, true); r.readByte() },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

func TestState(t *testing.T) {
	fresh := func() *Controller {
		k, err := New(Config{Reset: func() {}})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	vmstatetest.RoundTrip(t, fresh, nil)
	vmstatetest.RoundTrip(t, fresh, func(k *Controller) {
		k.Write(offStatus, 1, ccWriteRAM)
		k.Write(offData, 1, cbXlate|cbKbdInt|cbAuxInt|cbSYS)
		k.Key(0x1e, true)
		k.Key(0x1e, false)
		k.Read(offData, 1)
		k.Write(offStatus, 1, ccWriteAux)
		k.Write(offData, 1, msEnable)
		k.MouseEvent(1000, -1000, 3, 7)
		k.Write(offData, 1, kbSetLEDs)
		k.Write(offStatus, 1, ccWriteOutput)
	})
}

func TestStateRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(k *Controller)
		want   string
	}{
		{"status", func(k *Controller) { k.status |= stOBF }, "derived bits"},
		{"expect", func(k *Controller) { k.expect = ccSelfTest }, "takes no data"},
		{"set", func(k *Controller) { k.kbd.set = 3 }, "scan code set 3"},
		{"mouse id", func(k *Controller) { k.aux.id = 2 }, "mouse id 2"},
		{"motion", func(k *Controller) { k.aux.dx = 1 << 21 }, "dx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			tc.mutate(r.k)
			err := vmstate.Load(newRig(t).k, vmstate.Save(r.k))
			if err == nil || !errors.Is(err, vmstate.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		r := newRig(t)
		io := bus.NewSpace("io")
		for _, reg := range r.k.Regions() {
			if err := io.Map(reg); err != nil {
				t.Fatal(err)
			}
		}
		return &script.Env{IO: io, Lines: map[string]*hwtest.Line{"irq1": r.kbd, "irq12": r.aux, "a20": r.a20},
			Commands: map[string]script.Command{
				// key CODE up|down: a host key event (set 1 code, 0xe0.. for extended).
				"key": func(args []string) (string, error) {
					if len(args) != 2 || (args[1] != "down" && args[1] != "up") {
						return "", errors.New("key: want CODE down|up")
					}
					c, err := script.Uint(args[0], 0xffff)
					if err != nil {
						return "", err
					}
					if !r.k.Key(uint16(c), args[1] == "down") {
						return "", fmt.Errorf("key: %#x is no key", c)
					}
					return "", nil
				},
				// mouse DX DY DZ BUTTONS
				"mouse": func(args []string) (string, error) {
					if len(args) != 4 {
						return "", errors.New("mouse: want DX DY DZ BUTTONS")
					}
					var v [4]int64
					for i, a := range args {
						x, err := strconv.ParseInt(a, 0, 32)
						if err != nil {
							return "", err
						}
						v[i] = x
					}
					r.k.MouseEvent(int32(v[0]), int32(v[1]), int32(v[2]), uint8(v[3]))
					return "", nil
				},
				"drain":   func([]string) (string, error) { return r.drain(), nil },
				"resets?": func([]string) (string, error) { return strconv.Itoa(r.resets), nil },
				"leds?":   func([]string) (string, error) { return strconv.Itoa(int(r.k.LEDs())), nil },
			}}
	})
}
