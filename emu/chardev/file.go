package chardev

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"gemu/emu/config"
)

// openFile writes output to def.Path, truncating it or (append=on)
// appending. A file gives no input.
func openFile(def config.ChardevDef, env Env) (*core, error) {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if def.Append {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(def.Path, flag, 0o666)
	if err != nil {
		return nil, fmt.Errorf("chardev %s: %w", def.ID, err)
	}
	c, err := newCore(def, env, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	c.closers = append(c.closers, f.Close)
	return c, nil
}

// openPipe uses the named pipes def.Path+".in" (input) and def.Path+".out"
// (output) when both exist, and def.Path for both directions otherwise.
// They are opened read-write so that opening does not wait for a peer.
func openPipe(def config.ChardevDef, env Env) (*core, error) {
	open := func(p string) (*os.File, error) { return os.OpenFile(p, os.O_RDWR, 0) }
	in, errIn := open(def.Path + ".in")
	out, errOut := open(def.Path + ".out")
	if errIn != nil || errOut != nil {
		for _, f := range []*os.File{in, out} {
			if f != nil {
				f.Close()
			}
		}
		for _, err := range []error{errIn, errOut} {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("chardev %s: %w", def.ID, err)
			}
		}
		f, err := open(def.Path)
		if err != nil {
			return nil, fmt.Errorf("chardev %s: %w", def.ID, err)
		}
		in, out = f, f
	}
	c, err := newCore(def, env, out)
	if err != nil {
		in.Close()
		if out != in {
			out.Close()
		}
		return nil, err
	}
	c.closers = append(c.closers, in.Close)
	if out != in {
		c.closers = append(c.closers, out.Close)
	}
	go func() {
		err := c.readLoop(in)
		if err != nil && err != io.EOF && !c.isClosed() {
			c.log.Warn("pipe read failed; no more input", "err", err)
		}
	}()
	return c, nil
}
