package main

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio/gen"
	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// talkOrder is the tour as the talk orders it, written out so that a section
// dropped from the registry, or moved, fails a test.
var talkOrder = []string{
	"generator-fib",
	"generator-send",
	"generator-close",
	"generator-throw",
	"generator-throw-handled",
	"generator-ignores-exit",
	"yield-from",
	"yield-from-send",
	"yield-from-raise-stopiteration",
	"yield-from-class",
	"yield-from-throw-close",
	"blocking",
	"generator-framework",
	"generator-framework-sleep",
	"async-iterator",
	"async-context-manager",
	"async-generator",
	"async-contextmanager-from-generator",
	"asyncio-gather",
	"asyncio-task-cancel",
	"asyncio-blocking",
	"asyncio-debug",
	"asyncio-executor",
	"spawn-manual-finalization",
	"taskgroup-error",
	"trio-nursery",
}

// anyOrderAtOnce lists the sections whose reference comes from a runtime
// that orders events of the same instant at random (trio); aio's order is
// FIFO, so these are compared as the same events at the same times, in
// any order within one instant.
//
// asyncio-executor is there too: a's executor job and b's timer end at the
// same instant of real time, and which one the loop sees first is a race in
// asyncio as in aio.
var anyOrderAtOnce = map[string]bool{"trio-nursery": true, "asyncio-executor": true}

func TestEverySectionPrintsWhatCPythonPrints(t *testing.T) {
	data, err := os.ReadFile(referenceOut)
	if err != nil {
		t.Fatal(err)
	}
	reference := parseSections(string(data))
	for _, s := range sections {
		t.Run(s.name, func(t *testing.T) {
			want, ok := reference[s.name]
			if !ok {
				t.Fatalf("section %s is not in reference.out", s.name)
			}
			var out bytes.Buffer
			if err := runSections(&out, &virtualClock{}, []section{s}); err != nil {
				t.Fatal(err)
			}
			got := parseSections(out.String())[s.name]
			if h := headers(out.String()); !slices.Equal(h, []string{s.name}) {
				t.Fatalf("section headers %q, want just %q", h, s.name)
			}
			if anyOrderAtOnce[s.name] {
				got = matchOrderAtOnce(want, got)
			}
			for i := range max(len(want), len(got)) {
				switch {
				case i >= len(got):
					t.Errorf("line %d: want %q, got nothing", i+1, want[i])
				case i >= len(want):
					t.Errorf("line %d: want nothing, got %q", i+1, got[i])
				case !sameLine(want[i], got[i], tolerance):
					t.Errorf("line %d: want %q, got %q", i+1, want[i], got[i])
				}
			}
		})
	}
}

func TestVirtualClockPrintsExactTimes(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli([]string{"tour", "--virtual", "blocking"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, stderr.String())
	}
	want := "## blocking\n0.000 a enter\n1.000 a exit\n1.000 b enter\n1.500 b middle\n2.000 b exit\n"
	if got := stdout.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestListPrintsTheSectionNamesInTalkOrder(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli([]string{"tour", "--list"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, stderr.String())
	}
	if got, want := stdout.String(), strings.Join(talkOrder, "\n")+"\n"; got != want {
		t.Errorf("--list printed\n%s\nwant\n%s", got, want)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q, want nothing", stderr.String())
	}
}

func TestUnknownSectionIsAnErrorNamingTheKnownOnes(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli([]string{"tour", "--virtual", "generator-fib", "no-such-section"}, &stdout, &stderr)
	if code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	if stdout.Len() != 0 {
		t.Errorf("a section ran although the command line was wrong:\n%s", stdout.String())
	}
	msg := stderr.String()
	if !strings.Contains(msg, "no-such-section") {
		t.Errorf("stderr %q does not name the unknown section", msg)
	}
	for _, name := range talkOrder {
		if !strings.Contains(msg, name) {
			t.Errorf("stderr %q does not list the known section %s", msg, name)
		}
	}
}

func TestSubsetRunsOnlyThoseSectionsInTalkOrder(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli([]string{"tour", "--virtual", "generator-framework", "yield-from", "generator-fib"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, stderr.String())
	}
	want := []string{"generator-fib", "yield-from", "generator-framework"}
	if got := headers(stdout.String()); !slices.Equal(got, want) {
		t.Errorf("sections %q, want %q", got, want)
	}
}

func TestCommandLineErrorsAndHelp(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		code        int
		stdout      string // a substring the output must contain
		stderr      string
		emptyOutput bool
	}{
		{name: "no command prints usage", args: nil, code: 2, stderr: "Usage:", emptyOutput: true},
		{name: "help prints usage", args: []string{"help"}, code: 0, stdout: "Usage:"},
		{name: "unknown command is an error with usage", args: []string{"bogus"}, code: 2, stderr: `unknown command "bogus"`, emptyOutput: true},
		{name: "unknown flag is an error", args: []string{"tour", "--bogus"}, code: 2, stderr: "usage: aio tour", emptyOutput: true},
		{name: "tour -h prints the tour's flags", args: []string{"tour", "-h"}, code: 0, stderr: "-virtual", emptyOutput: true},
		{name: "list with names is an error", args: []string{"tour", "--list", "blocking"}, code: 2, stderr: "--list", emptyOutput: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cli(tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit status %d, want %d", code, tt.code)
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.stderr)
			}
			if tt.emptyOutput && stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

func TestRunSectionsStopsAtTheFirstFailure(t *testing.T) {
	boom := errors.New("boom")
	list := []section{
		{"ok", func(*tourContext) error { return nil }},
		{"bad", func(*tourContext) error { return boom }},
		{"never", func(*tourContext) error { t.Error("a section after a failure ran"); return nil }},
	}
	var out bytes.Buffer
	err := runSections(&out, &virtualClock{}, list)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "bad: ") {
		t.Errorf("runSections returned %v, want boom prefixed with the section name", err)
	}
	if got, want := headers(out.String()), []string{"ok", "bad"}; !slices.Equal(got, want) {
		t.Errorf("sections %q, want %q", got, want)
	}
}

// The slide's run lets an exception from next(g) out; CPython then closes
// the other generators as it frees them. Here run closes them itself.
func TestRunClosesTheOthersWhenOneFails(t *testing.T) {
	boom := errors.New("boom")
	var closed bool
	failing := gen.New(func(y *gen.Yielder[time.Duration, any]) (struct{}, error) {
		if _, err := y.Yield(time.Second); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, boom
	})
	waiting := gen.New(func(y *gen.Yielder[time.Duration, any]) (struct{}, error) {
		defer func() { closed = true }()
		for {
			if _, err := y.Yield(time.Hour); err != nil {
				return struct{}{}, err
			}
		}
	})
	tc := &tourContext{out: new(bytes.Buffer), clock: &virtualClock{}}
	if err := run(tc, failing, waiting); !errors.Is(err, boom) {
		t.Errorf("run returned %v, want boom", err)
	}
	if !closed || !waiting.Done() {
		t.Error("run left the waiting generator suspended")
	}
	if got := tc.clock.Now().Sub(time.Time{}); got != time.Second {
		t.Errorf("run slept %v, want 1s: until the failing generator's wake-up", got)
	}
}

func Example_tour() {
	cli([]string{"tour", "--virtual", "generator-framework"}, os.Stdout, os.Stderr)
	// Output:
	// ## generator-framework
	// 0.000 a enter
	// 0.000 b enter
	// 0.500 b middle
	// 1.000 a exit
	// 1.000 b exit
}

// matchOrderAtOnce reorders got, within each run of lines that carry the same
// time, to follow want's order where the same line is in want's run, so that
// only the order of simultaneous events is forgiven.
func matchOrderAtOnce(want, got []string) []string {
	out := slices.Clone(got)
	stamp := func(line string) float64 {
		s, _, _ := strings.Cut(line, " ")
		f, _ := strconv.ParseFloat(s, 64)
		return f
	}
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && stamp(out[j])-stamp(out[i]) <= tolerance {
			j++
		}
		if j <= len(want) {
			run := out[i:j]
			slices.SortStableFunc(run, func(a, b string) int {
				return slices.IndexFunc(want[i:j], func(w string) bool { return sameLine(w, a, tolerance) }) -
					slices.IndexFunc(want[i:j], func(w string) bool { return sameLine(w, b, tolerance) })
			})
		}
		i = j
	}
	return out
}
