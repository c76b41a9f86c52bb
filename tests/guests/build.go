//go:build ignore

// The Makefile's "guests" target runs this file: go run ./tests/guests/build.go -out DIR.
// It does what ./cmd/build does.
package main

import (
	"flag"
	"fmt"
	"os"

	"gemu/tests/guests"
)

func main() {
	out := flag.String("out", "tests/guests/build", "output directory")
	flag.Parse()
	paths, err := guests.BuildAll(*out)
	for _, p := range paths {
		fmt.Println(p)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
