package interp

// x87Select chooses the handler of an x87 instruction.
func x87Select(d *decoder, in *inst) {
	d.undefined()
}
