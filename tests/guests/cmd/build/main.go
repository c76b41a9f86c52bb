// Command build assembles every test guest into a directory.
//
//	go run ./tests/guests/cmd/build [-out DIR]
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
