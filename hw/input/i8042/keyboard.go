package i8042

// keyboard is the PS/2 (MF2) keyboard on the controller's first port.
type keyboard struct {
	out      queue
	expect   uint8 // command waiting for its parameter byte (0: none)
	set      uint8 // scan code set, 1 or 2
	scanning bool  // key events are reported
	leds     uint8 // bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock
	last     uint8 // the last byte sent, for resend
	overrun  bool  // an overrun code is queued; no more until the queue drains
	scratch  [8]byte
}

func (k *keyboard) reset() {
	*k = keyboard{set: 2, scanning: true}
}

func (k *keyboard) reply(b ...byte) {
	k.out.push(b...)
	k.last = b[len(b)-1]
}

// command handles a byte the host sends to the keyboard.
func (k *keyboard) command(b uint8) {
	if p := k.expect; p != 0 {
		k.expect = 0
		switch p {
		case kbSetLEDs:
			k.leds = b & 7
			k.reply(replyACK)
			return
		case kbTypematic:
			k.reply(replyACK) // repeat is the host's; the rate is accepted
			return
		case kbScanCodeSet:
			switch b {
			case 0:
				k.reply(replyACK, k.set)
			case 1, 2:
				k.set = b
				k.reply(replyACK)
			default:
				k.reply(replyResend) // set 3 is not supported
			}
			return
		}
	}
	switch b {
	case kbSetLEDs, kbTypematic, kbScanCodeSet:
		k.expect = b
		k.reply(replyACK)
	case kbEcho:
		k.reply(replyEcho)
	case kbIdentify:
		k.reply(replyACK, kbID1, kbID2)
	case kbEnable:
		k.scanning = true
		k.reply(replyACK)
	case kbDisable:
		k.resetDefaults()
		k.scanning = false
		k.reply(replyACK)
	case kbDefaults:
		k.resetDefaults()
		k.reply(replyACK)
	case kbResend:
		k.out.push(k.last)
	case kbReset:
		k.reset()
		k.reply(replyACK, replyBAT)
	case 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd:
		k.reply(replyACK) // set 3 key-type commands: accepted, without effect in sets 1-2
	default:
		k.reply(replyResend)
	}
}

func (k *keyboard) resetDefaults() {
	k.set = 2
	k.leds = 0
	k.overrun = false
}

// key queues a key event; false if the code is no key.
func (k *keyboard) key(code uint16, down bool) bool {
	seq, ok := scancodes(k.scratch[:0], code, down, int(k.set))
	if !ok {
		return false
	}
	if !k.scanning || len(seq) == 0 {
		return true
	}
	if len(seq) > k.out.room() {
		// Buffer overrun: one overrun code (0x00 in set 2, 0xff in set 1).
		if !k.overrun && k.out.room() > 0 {
			k.overrun = true
			if k.set == 1 {
				k.out.push(0xff)
			} else {
				k.out.push(0x00)
			}
		}
		return true
	}
	k.overrun = false
	k.out.push(seq...)
	return true
}
