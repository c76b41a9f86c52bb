//go:build !(linux && amd64)

package hostcpu

// Machine is unavailable off linux/amd64.
type Machine struct{}

// New reports ErrUnsupported.
func New() (*Machine, error) { return nil, ErrUnsupported }

func (m *Machine) Close()                              {}
func (m *Machine) CodeAddr() uint64                    { return 0 }
func (m *Machine) DataAddr() uint64                    { return 0 }
func (m *Machine) ScratchAddr(i int) uint64            { return 0 }
func (m *Machine) StackTop() uint64                    { return 0 }
func (m *Machine) Data() []byte                        { return nil }
func (m *Machine) Build(seqs [][]byte) (*Image, error) { return nil, ErrUnsupported }
func (m *Machine) RunImage(im *Image)                  {}
func (m *Machine) Run(code []byte, regs *Regs) error   { return ErrUnsupported }
