package i8042

// mouse is the PS/2 mouse on the controller's auxiliary port, with the
// IntelliMouse wheel (ID 3) and 5-button (ID 4) extensions that drivers
// unlock through sample-rate sequences.
type mouse struct {
	out        queue
	expect     uint8 // command waiting for its parameter byte
	remote     bool  // remote mode: packets only on Read Data
	enabled    bool  // stream mode reporting
	wrap       bool  // echo mode
	scaling21  bool
	resolution uint8 // 0..3: 1, 2, 4, 8 counts/mm
	rate       uint8 // samples per second
	id         uint8 // 0 standard, 3 wheel, 4 wheel + 5 buttons
	rates      [3]uint8
	last       uint8
	buttons    uint8 // bit 0 left, 1 right, 2 middle, 3 button 4, 4 button 5
	dx, dy, dz int32 // motion not yet reported (dy positive up, as PS/2 counts)
}

func (m *mouse) reset() {
	*m = mouse{resolution: 2, rate: 100}
}

func (m *mouse) reply(b ...byte) {
	m.out.push(b...)
	m.last = b[len(b)-1]
}

func (m *mouse) defaults() {
	m.resolution, m.rate, m.scaling21 = 2, 100, false
	m.enabled, m.remote = false, false
}

// command handles a byte the host sends to the mouse (through 0xd4).
func (m *mouse) command(b uint8) {
	if m.wrap && b != msResetWrap && b != msReset {
		m.out.push(b)
		return
	}
	if p := m.expect; p != 0 {
		m.expect = 0
		switch p {
		case msSampleRate:
			m.rate = b
			m.rates = [3]uint8{m.rates[1], m.rates[2], b}
			switch {
			case m.rates == [3]uint8{200, 100, 80}:
				m.id = 3
			case m.id == 3 && m.rates == [3]uint8{200, 200, 80}:
				m.id = 4
			}
			m.reply(replyACK)
			return
		case msResolution:
			m.resolution = b & 3
			m.reply(replyACK)
			return
		}
	}
	switch b {
	case msScaling11:
		m.scaling21 = false
		m.reply(replyACK)
	case msScaling21:
		m.scaling21 = true
		m.reply(replyACK)
	case msResolution, msSampleRate:
		m.expect = b
		m.reply(replyACK)
	case msStatus:
		var s uint8
		if m.remote {
			s |= 1 << 6
		}
		if m.enabled {
			s |= 1 << 5
		}
		if m.scaling21 {
			s |= 1 << 4
		}
		s |= m.buttons&1<<2 | m.buttons&4>>1 | m.buttons&2>>1 // left, middle, right
		m.reply(replyACK, s, m.resolution, m.rate)
	case msStream:
		m.remote = false
		m.reply(replyACK)
	case msReadData:
		m.reply(replyACK)
		m.packet()
	case msResetWrap:
		m.wrap = false
		m.reply(replyACK)
	case msWrap:
		m.wrap = true
		m.reply(replyACK)
	case msRemote:
		m.remote = true
		m.reply(replyACK)
	case msGetID:
		m.reply(replyACK, m.id)
	case msEnable:
		m.enabled = true
		m.reply(replyACK)
	case msDisable:
		m.enabled = false
		m.reply(replyACK)
	case msDefaults:
		m.defaults()
		m.reply(replyACK)
	case msResend:
		m.out.push(m.last)
	case msReset:
		m.reset()
		m.reply(replyACK, replyBAT, 0x00)
	default:
		m.reply(replyResend)
	}
}

// event accumulates host motion (dy positive down, screen-wise; dz
// positive towards the user) and button state, then reports what fits.
func (m *mouse) event(dx, dy, dz int32, buttons uint8) {
	m.dx = clampAdd(m.dx, dx)
	m.dy = clampAdd(m.dy, -dy)
	m.dz = clampAdd(m.dz, dz)
	changed := buttons != m.buttons
	m.buttons = buttons & 0x1f
	if changed || m.dx != 0 || m.dy != 0 || m.dz != 0 {
		m.flush(changed)
	}
}

func clampAdd(a, b int32) int32 {
	s := int64(a) + int64(b)
	switch {
	case s > 1<<20:
		return 1 << 20
	case s < -(1 << 20):
		return -(1 << 20)
	}
	return int32(s)
}

// flush sends stream-mode packets while motion remains and room allows.
func (m *mouse) flush(force bool) {
	if !m.enabled || m.remote || m.wrap {
		return
	}
	for force || m.dx != 0 || m.dy != 0 || m.dz != 0 {
		if m.out.room() < m.packetLen() {
			return
		}
		m.packet()
		force = false
	}
}

func (m *mouse) packetLen() int {
	if m.id >= 3 {
		return 4
	}
	return 3
}

// packet sends one movement packet with as much of the pending motion as
// it can carry (9-bit counts, 4-bit wheel); the rest stays pending.
func (m *mouse) packet() {
	dx := clamp(m.dx, -256, 255)
	dy := clamp(m.dy, -256, 255)
	dz := clamp(m.dz, -8, 7)
	m.dx -= dx
	m.dy -= dy
	m.dz -= dz
	b0 := byte(0x08) | m.buttons&1 | m.buttons&2 | m.buttons&4
	if dx < 0 {
		b0 |= 0x10
	}
	if dy < 0 {
		b0 |= 0x20
	}
	p := [4]byte{b0, byte(dx), byte(dy), 0}
	switch m.id {
	case 3:
		p[3] = byte(dz)
	case 4:
		p[3] = byte(dz)&0x0f | (m.buttons&0x18)<<1
	}
	n := m.packetLen()
	m.out.push(p[:n]...)
	m.last = p[n-1]
}

func clamp(v, lo, hi int32) int32 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
