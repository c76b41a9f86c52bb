package debugexit

import (
	"fmt"
	"strings"
	"testing"

	"gemu/hw/bus"
	"gemu/hw/hwtest/script"
)

// TestScripts drives two devices, at QEMU's default place and at 0xf4 as
// test suites configure it, and records the exit statuses they request.
func TestScripts(t *testing.T) {
	script.RunAll(t, func(t *testing.T) *script.Env {
		io := bus.NewSpace("io")
		var exits []string
		for _, c := range []Config{{}, {IOBase: 0xf4, IOSize: 4}} {
			c.Exit = func(s int) { exits = append(exits, fmt.Sprintf("%#x", s)) }
			d, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			if err := io.Map(d.Region()); err != nil {
				t.Fatal(err)
			}
		}
		return &script.Env{IO: io, Commands: map[string]script.Command{
			"exits?": func([]string) (string, error) {
				s := strings.Join(exits, " ")
				exits = nil
				return s, nil
			},
		}}
	})
}
