package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// section is one example of the talk: its name in the tour's output (the same
// as in testdata/reference.py) and the function that runs it.
type section struct {
	name string
	run  func(*tourContext) error
}

// sections is the whole tour, in the order of the talk. A new example is one
// more line here and one function in the file of its part of the talk.
var sections = []section{
	// Generator (tour_generator.go)
	{"generator-fib", generatorFib},
	{"generator-send", generatorSend},
	{"generator-close", generatorClose},
	{"generator-throw", generatorThrow},
	{"generator-throw-handled", generatorThrowHandled},
	{"generator-ignores-exit", generatorIgnoresExit},
	// Generator: PEP 380 (tour_yieldfrom.go)
	{"yield-from", yieldFrom},
	{"yield-from-send", yieldFromSend},
	{"yield-from-raise-stopiteration", yieldFromRaiseStopIteration},
	{"yield-from-class", yieldFromClass},
	{"yield-from-throw-close", yieldFromThrowClose},
	// Generator-based framework (tour_framework.go)
	{"blocking", blocking},
	{"generator-framework", generatorFramework},
	{"generator-framework-sleep", generatorFrameworkSleep},
	// Async sugar (tour_sugar.go)
	{"async-iterator", asyncIterator},
	{"async-context-manager", asyncContextManager},
	{"async-generator", asyncGenerator},
	{"async-contextmanager-from-generator", asyncContextmanagerFromGenerator},
	// Asyncio (tour_asyncio.go)
	{"asyncio-gather", asyncioGather},
	{"asyncio-task-cancel", asyncioTaskCancel},
	// Asyncio and non-asyncio-aware code (tour_blocking.go)
	{"asyncio-blocking", asyncioBlocking},
	{"asyncio-debug", asyncioDebug},
	{"asyncio-executor", asyncioExecutor},
	// Asyncio and task spawn (tour_spawn.go)
	{"spawn-manual-finalization", spawnManualFinalization},
	{"taskgroup-error", taskgroupError},
	{"trio-nursery", trioNursery},
}

// tourContext is what a section runs with: where it prints and the clock it
// reads and sleeps on.
type tourContext struct {
	out   io.Writer
	clock clock
	start time.Time // when the section started: trace prints time since then
	// loopStart is when the section's aio loop started: atrace prints the
	// loop's time since then.
	loopStart time.Time
	err       error // the first failed write; later output is dropped
}

// printf prints like fmt.Printf. A failed write is kept for the runner to
// report, so that the examples read like Python's print, which has no error
// to check.
func (tc *tourContext) printf(format string, args ...any) {
	if tc.err == nil {
		_, tc.err = fmt.Fprintf(tc.out, format, args...)
	}
}

// println prints like fmt.Println, with printf's handling of errors.
func (tc *tourContext) println(args ...any) {
	if tc.err == nil {
		_, tc.err = fmt.Fprintln(tc.out, args...)
	}
}

// trace is the talk's trace(): msg after the seconds since the section
// started, "0.500 b middle".
func (tc *tourContext) trace(msg string) {
	tc.printf("%.3f %s\n", tc.clock.Now().Sub(tc.start).Seconds(), msg)
}

// runSections runs the sections one after another, each with its own start
// time, and stops at the first that fails.
func runSections(out io.Writer, c clock, list []section) error {
	for _, s := range list {
		tc := &tourContext{out: out, clock: c, start: c.Now()}
		tc.printf("## %s\n", s.name)
		if err := s.run(tc); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if tc.err != nil {
			return tc.err
		}
	}
	return nil
}

// selectSections returns the sections named, in talk order whatever the
// order of names (as reference.py does, so the outputs line up), or all of
// them for no names.
func selectSections(names []string) ([]section, error) {
	if len(names) == 0 {
		return sections, nil
	}
	for _, name := range names {
		if !slices.ContainsFunc(sections, func(s section) bool { return s.name == name }) {
			hint := ""
			if strings.HasPrefix(name, "-") {
				hint = " (flags go before section names)"
			}
			return nil, fmt.Errorf("unknown section %q%s; known: %s", name, hint, strings.Join(sectionNames(), " "))
		}
	}
	var list []section
	for _, s := range sections {
		if slices.Contains(names, s.name) {
			list = append(list, s)
		}
	}
	return list, nil
}

func sectionNames() []string {
	names := make([]string, len(sections))
	for i, s := range sections {
		names[i] = s.name
	}
	return names
}

// tourCommand is "aio tour": it parses args and returns the exit status.
func tourCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("aio tour", flag.ContinueOnError)
	fs.SetOutput(stderr)
	list := fs.Bool("list", false, "print the section names, one a line, and nothing else")
	virtual := fs.Bool("virtual", false, "use a virtual clock: sleeps take no time and times print exactly")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: aio tour [--virtual] [section ...]\n       aio tour --list\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *list {
		if fs.NArg() > 0 {
			fmt.Fprintln(stderr, "aio tour: --list takes no section names")
			return 2
		}
		for _, name := range sectionNames() {
			fmt.Fprintln(stdout, name)
		}
		return 0
	}
	chosen, err := selectSections(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "aio tour: %v\n", err)
		return 2
	}
	var c clock = realClock{}
	if *virtual {
		c = &virtualClock{}
	}
	if err := runSections(stdout, c, chosen); err != nil {
		fmt.Fprintf(stderr, "aio tour: %v\n", err)
		return 1
	}
	return 0
}
