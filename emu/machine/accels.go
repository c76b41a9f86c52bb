package machine

import (
	"log/slog"

	"gemu/accel"
	"gemu/accel/interp"
	"gemu/accel/kvm"
)

// Accelerators returns the constructors of the accelerators built into
// gemu, by -accel name.
func Accelerators() map[string]func(*slog.Logger) accel.Accelerator {
	return map[string]func(*slog.Logger) accel.Accelerator{
		"kvm": func(l *slog.Logger) accel.Accelerator { return kvm.New(kvm.Options{Logger: l}) },
		"tcg": func(*slog.Logger) accel.Accelerator { return interp.Accelerator{} },
	}
}
