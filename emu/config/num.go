package config

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

var (
	errSyntax = errors.New("invalid number")
	errRange  = errors.New("number out of range")
)

// parseUint parses an unsigned integer the way C's strtoull does with base
// 0: "0x" or "0X" introduces hexadecimal, a leading "0" octal, anything else
// is decimal. No sign, no spaces, no digit separators.
func parseUint(s string) (uint64, error) {
	base := uint64(10)
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" {
		return 0, errSyntax
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		d, ok := digitVal(s[i])
		if !ok || d >= base {
			return 0, errSyntax
		}
		hi, lo := bits.Mul64(v, base)
		if hi != 0 || lo+d < lo {
			return 0, errRange
		}
		v = lo + d
	}
	return v, nil
}

func digitVal(c byte) (uint64, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0'), true
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}

// sizeSuffix returns the multiplier of a size suffix (case-insensitive):
// B bytes, K, M, G, T, P, E powers of 1024.
func sizeSuffix(c byte) (uint64, bool) {
	switch c | 0x20 {
	case 'b':
		return 1, true
	case 'k':
		return 1 << 10, true
	case 'm':
		return 1 << 20, true
	case 'g':
		return 1 << 30, true
	case 't':
		return 1 << 40, true
	case 'p':
		return 1 << 50, true
	case 'e':
		return 1 << 60, true
	}
	return 0, false
}

// ParseSize parses a byte count as QEMU's size options accept it: a decimal
// number, optionally with a fraction ("1.5G"), or a hexadecimal integer
// ("0x1000"), followed by an optional one-letter suffix B, K, M, G, T, P or
// E (either case, powers of 1024). A number without a suffix is multiplied
// by unit (1 for most options; -m uses 1 MiB). A fraction needs a suffix
// larger than bytes, and the result must be below 2^64.
func ParseSize(s string, unit uint64) (uint64, error) {
	s = strings.TrimLeft(s, " \t")
	if s == "" {
		return 0, errSyntax
	}
	mul := unit
	if c := s[len(s)-1]; c < '0' || c > '9' {
		m, ok := sizeSuffix(c)
		// "0x1B" would be ambiguous: in a hex number B and E are digits
		// and a suffix must not be taken from the digits.
		hex := len(s) > 2 && s[0] == '0' && (s[1]|0x20) == 'x'
		if ok && !(hex && (c|0x20 == 'b' || c|0x20 == 'e')) {
			mul = m
			s = s[:len(s)-1]
		}
	}
	if len(s) > 2 && s[0] == '0' && (s[1]|0x20) == 'x' {
		v, err := parseUint(s)
		if err != nil {
			return 0, err
		}
		hi, lo := bits.Mul64(v, mul)
		if hi != 0 {
			return 0, errRange
		}
		return lo, nil
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return 0, errSyntax
	}
	if hasFrac && mul == 1 {
		return 0, errSyntax
	}
	var v uint64
	for i := 0; i < len(intPart); i++ {
		hi, lo := bits.Mul64(v, 10)
		d := uint64(intPart[i] - '0')
		if hi != 0 || lo+d < lo {
			return 0, errRange
		}
		v = lo + d
	}
	hi, lo := bits.Mul64(v, mul)
	if hi != 0 {
		return 0, errRange
	}
	if hasFrac {
		// Enough digits for any multiplier up to 2^60 to come out exact
		// to the byte; further digits cannot change the truncated result.
		if len(frac) > 19 {
			frac = frac[:19]
		}
		var num uint64
		for i := 0; i < len(frac); i++ {
			num = num*10 + uint64(frac[i]-'0')
		}
		den := uint64(math.Pow10(len(frac)))
		// num/den * mul, computed in 128 bits.
		ph, pl := bits.Mul64(num, mul)
		add, _ := bits.Div64(ph, pl, den)
		sum := lo + add
		if sum < lo {
			return 0, errRange
		}
		lo = sum
	}
	return lo, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatSize renders a byte count with the largest suffix that divides it
// exactly ("128M", "1536K", "4096B" is "4K").
func FormatSize(n uint64) string {
	suffixes := []struct {
		s     string
		shift uint
	}{{"E", 60}, {"P", 50}, {"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}}
	for _, x := range suffixes {
		if n != 0 && n&(1<<x.shift-1) == 0 {
			return strconv.FormatUint(n>>x.shift, 10) + x.s
		}
	}
	return strconv.FormatUint(n, 10) + "B"
}
