// Aio is the command line of aio, Python's asyncio brought to Go.
//
// Usage:
//
//	aio <command> [arguments]
//
// The commands are:
//
//	tour    run the examples of the talk and print what they print
//	help    print this help
//
// # aio tour
//
//	aio tour [--virtual] [section ...]
//	aio tour --list
//
// The tour runs the examples of the talk "asyncio", aio's seed, written in
// Go with aio, one section per example, in the order of the talk. Each
// section prints a line "## name" and then what the example prints, in the
// words of CPython running the same example (testdata/reference.py prints
// CPython's output, kept in testdata/reference.out), so that
// testdata/compare.py and the tests can set the two outputs side by side.
// Lines that trace time read "S.SSS message": the seconds since the
// section started, with three decimals.
//
// With section names, only those sections run, still in talk order; an
// unknown name is an error that lists the known ones. The flags are:
//
//	--list     print the section names, one a line, and nothing else
//	--virtual  use a virtual clock: sleeping advances it at once and exactly,
//	           so the tour takes no time and prints 0.500, not 0.501
//
// By default the tour is a demo and keeps real time: the "blocking" section
// really blocks for two seconds.
//
// # Reading the tour
//
// Each section is one Go function, in a file for its part of the talk:
// tour_generator.go (generators: send, throw, close), tour_yieldfrom.go
// (PEP 380's yield from) and tour_framework.go (a scheduler made of
// generators). Above each function is the Python of the slide it mirrors.
//
// # Benchmarks
//
// The benchmark suite against CPython's asyncio, uvloop and trio is not
// here but in the module github.com/aio-go/aio/bench (bench/README.md), so
// that what it needs to draw its charts is no requirement of aio's.
//
// # Exit status
//
// 0 on success, 1 if an example fails, 2 for a usage error: an unknown
// command, flag or section name, or no command at all.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `aio is the command line of aio, Python's asyncio brought to Go.

Usage:

	aio <command> [arguments]

The commands are:

	tour    run the examples of the talk and print what they print
	help    print this help

Run "aio tour -h" for its flags.
`

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the command line args and returns the exit status; main is only
// the part that touches the process, so tests can run everything else.
func cli(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "tour":
		return tourCommand(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "aio: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
