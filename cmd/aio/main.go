// Aio is the command line of aio, Python's asyncio brought to Go.
//
// Usage:
//
//	aio <command> [arguments]
//
// The commands are:
//
//	tour    run the examples of the talk and print what they print
//	bench   run the benchmarks against CPython's asyncio, uvloop and trio
//	help    print this help
//
// # aio tour
//
//	aio tour [--virtual] [section ...]
//	aio tour --list
//
// The tour runs the examples of the talk "asyncio" (shared/seed/asyncio-talk.md)
// written in Go with aio, one section per example, in the order of the talk.
// Each section prints a line "## name" and then what the example prints, in
// the words of CPython running the same example (shared/talk/reference.py),
// so that shared/talk/compare.py can set the two outputs side by side. Lines
// that trace time read "S.SSS message": the seconds since the section
// started, with three decimals.
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
// # aio bench
//
//	aio bench [--smoke] [--reps N] [--out FILE.md] [--chart FILE.png] [--only workload,...]
//
// The benchmark suite of bench/README.md: each workload in aio, in plain Go
// and in the Python peers (asyncio, uvloop, trio, CPython) that a python3
// on this machine has, in fresh processes, interleaved, with medians and
// the ratios aio/peer against the targets of issue 5. It prints its
// progress on standard error and writes a Markdown report (default
// docs/BENCHMARKS.md) and a bar chart (default docs/benchmarks.png); the
// full run takes about 10 minutes on 2 cores. --smoke runs every workload
// once at tiny sizes and writes nothing unless told where: CI runs it. The
// workers are "aio bench-worker" (hidden; it speaks the protocol of
// bench/README.md) and bench/python/workloads.py, found from the working
// directory. Package bench/harness documents the rest.
//
// # Exit status
//
// 0 on success, 1 if an example or a benchmark worker fails, 2 for a usage
// error: an unknown command, flag, section or workload name, or no command
// at all.
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
	bench   run the benchmarks against CPython's asyncio, uvloop and trio
	help    print this help

Run "aio tour -h" or "aio bench -h" for their flags.
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
	case "bench":
		return benchCommand(rest, stdout, stderr)
	case "bench-worker": // run by "aio bench", one process per measurement
		return benchWorkerCommand(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "aio: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
