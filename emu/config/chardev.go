package config

import (
	"fmt"
	"sort"
	"strings"
)

// ChardevDef describes one character backend (-chardev, or implied by
// -serial, -monitor, -qmp and -debugcon). emu/chardev opens it.
type ChardevDef struct {
	ID      string
	Backend string // "null", "stdio", "file", "pipe", "socket", "pty", "vc"
	// Mux lets several frontends (a serial port and a monitor) share the
	// backend; Ctrl-A c switches input between them (mux=on, "mon:").
	Mux bool

	Signal bool // stdio: Ctrl-C and friends raise signals in gemu (signal=on, default)

	Path   string // file, pipe: the file; socket: the Unix socket path
	Append bool   // file: append instead of truncating (append=on)

	Host    string // socket over TCP: address to connect to or listen on ("" listens on all)
	Port    int    // socket over TCP: port (0 with Server: any free port)
	Server  bool   // socket: listen (server=on) rather than connect
	Wait    bool   // socket server: wait for a client before the VM starts (wait=on, default)
	NoDelay bool   // socket over TCP: disable Nagle's algorithm (nodelay=on / delay=off)

	LogFile   string // a copy of all output goes here (logfile=)
	LogAppend bool   // logappend=on
}

// IsUnix reports whether a socket chardev uses a Unix socket path.
func (d *ChardevDef) IsUnix() bool { return d.Backend == "socket" && d.Path != "" }

// String renders the definition as -chardev would accept it.
func (d *ChardevDef) String() string {
	var b strings.Builder
	b.WriteString(d.Backend)
	add := func(k, v string) {
		b.WriteString(",")
		b.WriteString(k)
		b.WriteString("=")
		b.WriteString(strings.ReplaceAll(v, ",", ",,"))
	}
	onoff := func(v bool) string {
		if v {
			return "on"
		}
		return "off"
	}
	if d.ID != "" {
		add("id", d.ID)
	}
	switch d.Backend {
	case "stdio":
		add("signal", onoff(d.Signal))
	case "file":
		add("path", d.Path)
		if d.Append {
			add("append", "on")
		}
	case "pipe":
		add("path", d.Path)
	case "socket":
		if d.Path != "" {
			add("path", d.Path)
		} else {
			add("host", d.Host)
			add("port", fmt.Sprint(d.Port))
		}
		add("server", onoff(d.Server))
		if d.Server {
			add("wait", onoff(d.Wait))
		}
		if d.NoDelay {
			add("delay", "off")
		}
	}
	if d.Mux {
		add("mux", "on")
	}
	if d.LogFile != "" {
		add("logfile", d.LogFile)
		if d.LogAppend {
			add("logappend", "on")
		}
	}
	return b.String()
}

// chardevBackend describes the keys of one -chardev backend.
type chardevBackend struct {
	name string
	desc string
	keys []keyHelp
}

type keyHelp struct {
	key, typ, desc string
}

var commonChardevKeys = []keyHelp{
	{"id", "str", "identifier the frontends refer to (required)"},
	{"mux", "bool", "let several frontends share the backend, Ctrl-A c switches (default off)"},
	{"logfile", "str", "also write all output to this file"},
	{"logappend", "bool", "append to the logfile instead of truncating it (default off)"},
}

var chardevBackends = []chardevBackend{
	{"file", "output to a file", []keyHelp{
		{"path", "str", "the file (required)"},
		{"append", "bool", "append instead of truncating (default off)"},
	}},
	{"null", "discard output, no input", nil},
	{"pipe", "a named pipe: path.in and path.out, or path for both directions", []keyHelp{
		{"path", "str", "the pipe (required)"},
	}},
	{"pty", "a new pseudo-terminal; its name is printed at start", nil},
	{"socket", "a TCP or Unix stream socket, as client or server", []keyHelp{
		{"host", "str", "TCP address (client default localhost, server default all)"},
		{"port", "num", "TCP port"},
		{"path", "str", "Unix socket path (instead of host and port)"},
		{"server", "bool", "listen instead of connecting (default off)"},
		{"wait", "bool", "server: wait for a client before starting (default on)"},
		{"delay", "bool", "Nagle's algorithm (default on)"},
		{"nodelay", "bool", "same as delay=off"},
		{"telnet", "bool", "only off is supported"},
	}},
	{"stdio", "the standard input and output of gemu", []keyHelp{
		{"signal", "bool", "Ctrl-C and other signal keys act on gemu (default on)"},
	}},
	{"vc", "a text console; gemu has no display, so output is discarded", nil},
}

func findChardevBackend(name string) (*chardevBackend, bool) {
	for i := range chardevBackends {
		if chardevBackends[i].name == name {
			return &chardevBackends[i], true
		}
	}
	return nil, false
}

func chardevHelp() string {
	var b strings.Builder
	b.WriteString("Available chardev backend types:\n")
	for _, c := range chardevBackends {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.desc)
	}
	return b.String()
}

func chardevBackendHelp(c *chardevBackend) string {
	var b strings.Builder
	fmt.Fprintf(&b, "chardev %s options:\n", c.name)
	keys := append(append([]keyHelp(nil), commonChardevKeys...), c.keys...)
	sort.Slice(keys, func(i, j int) bool { return keys[i].key < keys[j].key })
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-22s - %s\n", k.key+"=<"+k.typ+">", k.desc)
	}
	return b.String()
}

// idWellFormed reports whether s is a QEMU identifier: a letter, then
// letters, digits, '-', '.', '_'.
func idWellFormed(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func badID(o *Opts) *OptError {
	return o.Err("id", "Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', starting with a letter)")
}

// parseChardev parses a -chardev argument. It returns a listing for help
// requests.
func parseChardev(opt, arg string) (*ChardevDef, *Listing, error) {
	o := ParseOpts(opt, "backend", arg)
	backend := o.StringDefault("backend", "")
	if o.Help && (backend == "" || isHelp(backend)) {
		return nil, &Listing{Text: chardevHelp()}, nil
	}
	if backend == "" {
		if id, ok := o.String("id"); ok {
			return nil, nil, o.Err("backend", "chardev: \"%s\" missing backend", id)
		}
		return nil, &Listing{Text: chardevHelp()}, nil
	}
	be, ok := findChardevBackend(backend)
	if !ok {
		return nil, nil, o.Err("backend", "'%s' is not a valid char driver name", backend)
	}
	if o.Help {
		return nil, &Listing{Text: chardevBackendHelp(be)}, nil
	}
	known := []string{"backend"}
	for _, k := range commonChardevKeys {
		known = append(known, k.key)
	}
	for _, k := range be.keys {
		known = append(known, k.key)
	}
	if err := o.Check(known...); err != nil {
		return nil, nil, err
	}
	id, ok := o.String("id")
	if !ok {
		return nil, nil, o.Err("id", "chardev: no id specified")
	}
	if !idWellFormed(id) {
		return nil, nil, badID(o)
	}
	d := &ChardevDef{ID: id, Backend: backend}
	if err := fillChardev(o, d); err != nil {
		return nil, nil, err
	}
	return d, nil, nil
}

// fillChardev reads the backend keys of o (already checked against the
// backend's key list) into d and validates them.
func fillChardev(o *Opts, d *ChardevDef) error {
	var err error
	if d.Mux, err = o.Bool("mux", false); err != nil {
		return err
	}
	if lf, ok := o.String("logfile"); ok {
		if lf == "" {
			return o.Err("logfile", "Parameter 'logfile' expects a file name")
		}
		d.LogFile = lf
	}
	if d.LogAppend, err = o.Bool("logappend", false); err != nil {
		return err
	}
	switch d.Backend {
	case "stdio":
		if d.Signal, err = o.Bool("signal", true); err != nil {
			return err
		}
	case "file", "pipe":
		d.Path = o.StringDefault("path", "")
		if d.Path == "" {
			return o.Err("path", "chardev: %s: no filename given", d.Backend)
		}
		if d.Backend == "file" {
			if d.Append, err = o.Bool("append", false); err != nil {
				return err
			}
		}
	case "socket":
		return fillSocket(o, d)
	}
	return nil
}

func fillSocket(o *Opts, d *ChardevDef) error {
	var err error
	if d.Server, err = o.Bool("server", false); err != nil {
		return err
	}
	if d.Wait, err = o.Bool("wait", true); err != nil {
		return err
	}
	if o.Has("wait") && !d.Server {
		return o.Err("wait", "'wait' option is incompatible with socket in client connect mode")
	}
	if !d.Server {
		d.Wait = false
	}
	delay, err := o.Bool("delay", true)
	if err != nil {
		return err
	}
	nodelay, err := o.Bool("nodelay", false)
	if err != nil {
		return err
	}
	d.NoDelay = nodelay || !delay
	telnet, err := o.Bool("telnet", false)
	if err != nil {
		return err
	}
	if telnet {
		return o.Err("telnet", "socket: telnet=on is not supported")
	}
	path, hasPath := o.String("path")
	_, hasHost := o.String("host")
	_, hasPort := o.String("port")
	switch {
	case hasPath && (hasHost || hasPort):
		return o.Err("path", "socket: 'path' cannot be combined with 'host' or 'port'")
	case hasPath:
		if path == "" {
			return o.Err("path", "socket: empty Unix socket path")
		}
		if len(path) > 107 {
			return o.Err("path", "socket: Unix socket path is longer than 107 bytes")
		}
		d.Path = path
		if d.NoDelay {
			return o.Err("nodelay", "socket: 'nodelay' applies only to TCP sockets")
		}
		return nil
	case !hasPort:
		if hasHost {
			return o.Err("port", "chardev: socket: no port given")
		}
		return o.Err("path", "socket: give 'path' for a Unix socket or 'host' and 'port' for TCP")
	}
	portStr, _ := o.String("port")
	port, perr := parseUint(portStr)
	if perr != nil || port > 65535 {
		return o.Err("port", "Parameter 'port' expects a TCP port number (0-65535)")
	}
	if port == 0 && !d.Server {
		return o.Err("port", "socket: port 0 is valid only with server=on")
	}
	d.Port = int(port)
	d.Host = strings.TrimSuffix(strings.TrimPrefix(o.StringDefault("host", ""), "["), "]")
	return nil
}

// legacyChardev parses the chardev shorthand of -serial, -monitor, -qmp and
// -debugcon ("stdio", "file:PATH", "tcp:HOST:PORT,server=on", ...) into a
// definition without ID. "chardev:ID" and "mon:" are handled by the callers.
func legacyChardev(opt, spec string) (*ChardevDef, error) {
	bad := func(reason string) error { return &OptError{Opt: opt, Arg: spec, Reason: reason} }
	name, rest, hasColon := strings.Cut(spec, ":")
	switch {
	case spec == "null":
		return &ChardevDef{Backend: "null"}, nil
	case spec == "stdio":
		return &ChardevDef{Backend: "stdio", Signal: true}, nil
	case spec == "pty":
		return &ChardevDef{Backend: "pty"}, nil
	case name == "vc":
		// The console geometry ("vc:80Cx24C") has no meaning without a display.
		return &ChardevDef{Backend: "vc"}, nil
	case hasColon && (name == "file" || name == "pipe"):
		if rest == "" {
			return nil, bad(fmt.Sprintf("chardev: %s: no filename given", name))
		}
		return &ChardevDef{Backend: name, Path: rest}, nil
	case hasColon && name == "tcp":
		addr, opts, _ := strings.Cut(rest, ",")
		host, port, ok := splitHostPort(addr)
		if !ok {
			return nil, bad(fmt.Sprintf("'%s' is not a valid char driver: tcp needs HOST:PORT", spec))
		}
		o := ParseOpts(opt, "", opts)
		o.Arg = spec
		if err := o.Check("server", "wait", "delay", "nodelay", "telnet"); err != nil {
			return nil, err
		}
		o.Values = append([]KV{{Key: "host", Value: host}, {Key: "port", Value: port}}, o.Values...)
		d := &ChardevDef{Backend: "socket"}
		return d, fillSocket(o, d)
	case hasColon && name == "unix":
		path, opts := splitOptsTail(rest)
		o := ParseOpts(opt, "", opts)
		o.Arg = spec
		if err := o.Check("server", "wait", "telnet"); err != nil {
			return nil, err
		}
		o.Values = append([]KV{{Key: "path", Value: path}}, o.Values...)
		d := &ChardevDef{Backend: "socket"}
		return d, fillSocket(o, d)
	case hasColon && name == "telnet":
		return nil, bad("telnet chardevs are not supported; use tcp:HOST:PORT")
	}
	return nil, bad(fmt.Sprintf("'%s' is not a valid char driver", spec))
}

// splitHostPort splits "HOST:PORT", "[V6ADDR]:PORT" or ":PORT".
func splitHostPort(s string) (host, port string, ok bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 || end+1 >= len(s) || s[end+1] != ':' {
			return "", "", false
		}
		return s[1:end], s[end+2:], s[end+2:] != ""
	}
	i := strings.LastIndex(s, ":")
	if i < 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// splitOptsTail splits "PATH,opt,opt=v" at the first single comma: ",," in
// the path is a literal comma.
func splitOptsTail(s string) (string, string) {
	v, next := optValue(s, 0)
	return v, s[next:]
}
