package i8042

import (
	"fmt"
	"strconv"
	"testing"

	"gemu/hw/hwtest/devfuzz"
)

// fuzzTarget drives the controller through its two ports, host key and
// mouse events, and resets.
func fuzzTarget() devfuzz.Target {
	return devfuzz.Target{
		New: func(env devfuzz.Env) *devfuzz.Instance {
			t := env.Trace
			k, err := New(Config{KbdIRQ: t.Line("irq1"), AuxIRQ: t.Line("irq12"), A20: t.Line("a20"), Reset: t.Call("reset-request")})
			if err != nil {
				panic(err)
			}
			k.Reset() // the machine's power-on reset
			return &devfuzz.Instance{
				Regions: k.Regions(),
				State:   k,
				Ops: []devfuzz.Op{
					{Name: "key", Do: func(in *devfuzz.Input) {
						code := uint16(in.Byte())
						if f := in.Byte(); f&1 != 0 {
							code |= KeyExtended
						} else if f&6 == 6 {
							code = in.Uint16()
						}
						t.Add("key", uint64(code), b2u(k.Key(code, in.Bool())))
					}},
					{Name: "mouse", Do: func(in *devfuzz.Input) {
						k.MouseEvent(int32(in.Uint32()), int32(in.Uint32()), int32(int8(in.Byte())), in.Byte())
					}},
					{Name: "leds", Do: func(in *devfuzz.Input) { t.Add("leds", uint64(k.LEDs()), b2u(k.A20())) }},
					{Name: "reset", Do: func(in *devfuzz.Input) { k.Reset() }},
				},
				Check: func() error { return k.check(t.Level("irq1"), t.Level("irq12"), t.Level("a20")) },
			}
		},
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// check verifies queue bounds, the stored registers and that the
// interrupt and A20 lines are what the registers make them.
func (k *Controller) check(irq1, irq12, a20 bool) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, q := range []struct {
		name string
		q    *queue
	}{{"reply", &k.reply}, {"aux-loop", &k.auxLoop}, {"keyboard", &k.kbd.out}, {"mouse", &k.aux.out}} {
		if q.q.n < 0 || q.q.n > len(q.q.buf) || q.q.head < 0 || q.q.head >= len(q.q.buf) {
			return fmt.Errorf("%s queue: %d bytes at %d", q.name, q.q.n, q.q.head)
		}
	}
	if k.kbd.out.n > queueLen+8 || k.aux.out.n > queueLen+8 {
		return fmt.Errorf("device queues hold %d and %d bytes", k.kbd.out.n, k.aux.out.n)
	}
	if k.status&(stOBF|stIBF|stINH|stAUXB) != 0 {
		return fmt.Errorf("status %#x stores derived bits", k.status)
	}
	if !k.obf && !(k.reply.empty() && k.auxLoop.empty()) {
		return fmt.Errorf("output buffer empty with controller bytes waiting")
	}
	kbd := k.obf && !k.obAux && k.ram[0]&cbKbdInt != 0
	aux := k.obf && k.obAux && k.ram[0]&cbAuxInt != 0
	if irq1 != kbd || irq12 != aux || k.kbdLevel != kbd || k.auxLevel != aux {
		return fmt.Errorf("IRQ 1/12 at %v/%v, want %v/%v", irq1, irq12, kbd, aux)
	}
	if a20 != (k.outPort&opA20 != 0) {
		return fmt.Errorf("A20 line %v, output port %#x", a20, k.outPort)
	}
	return nil
}

func FuzzOps(f *testing.F) {
	k, _ := New(Config{Reset: func() {}})
	seeds := devfuzz.ScriptSeeds(f, k.Regions(), func(s *devfuzz.Seq, cmd string, args []string) bool {
		switch cmd {
		case "key":
			if len(args) == 2 {
				c, _ := strconv.ParseUint(args[0], 0, 16)
				down := byte(0)
				if args[1] == "down" {
					down = 1
				}
				s.Op(0, 6, byte(c), byte(c>>8), down)
				return true
			}
		case "mouse":
			if len(args) == 4 {
				var b []byte
				for i, a := range args {
					v, _ := strconv.ParseInt(a, 0, 32)
					if i < 2 {
						b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
					} else {
						b = append(b, byte(v))
					}
				}
				s.Op(1, b...)
				return true
			}
		case "drain":
			for i := 0; i < 8; i++ {
				s.Read(0, 0, 1)
			}
			return true
		case "leds?":
			s.Op(2)
			return true
		}
		return false
	})
	devfuzz.Seed(f, seeds)
	tg := fuzzTarget()
	f.Fuzz(func(t *testing.T, data []byte) { devfuzz.Run(t, tg, data) })
}
