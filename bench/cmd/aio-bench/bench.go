package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aio-go/aio/bench/harness"
)

// benchCommand is aio-bench without "worker": the benchmark suite of
// bench/README.md against CPython's asyncio, uvloop and trio. It writes the
// Markdown report and the chart, and prints its progress on stderr. Exit
// status 1 if a worker failed (a peer skipped for lack of python3, uvloop or
// trio is not a failure), 2 for a usage error.
func benchCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("aio-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	smoke := fs.Bool("smoke", false, "tiny sizes, one repetition, no warm-up round (the in-process warm-up of spawn and the trees stays); writes nothing unless --out or --chart is given")
	reps := fs.Int("reps", 0, fmt.Sprintf("repetitions of every workload (default %d, fewer for the workloads whose Python peers take seconds a run)", harness.DefaultReps))
	out := fs.String("out", "", "the Markdown report (default docs/BENCHMARKS.md in the repository's root; none in smoke mode)")
	chart := fs.String("chart", "", "the PNG chart (default docs/benchmarks.png in the repository's root; none in smoke mode)")
	syscalls := fs.String("syscalls", "", "how to count each runtime's syscalls per operation, outside the timed runs: perf, strace or off (default: perf if it works here, else strace, else none)")
	only := fs.String("only", "", "comma-separated workloads to run (default all): "+strings.Join(harness.Names(), ","))
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: aio-bench [--smoke] [--reps N] [--out FILE.md] [--chart FILE.png] [--syscalls perf|strace|off] [--only workload,...]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *reps < 0 {
		fs.Usage()
		return 2
	}
	if !*smoke && (*out == "" || *chart == "") {
		root := harness.RepoRoot()
		if root == "" {
			fmt.Fprintf(stderr, "aio-bench: not inside the aio repository: give --out and --chart\n")
			return 2
		}
		if *out == "" {
			*out = filepath.Join(root, "docs", "BENCHMARKS.md")
		}
		if *chart == "" {
			*chart = filepath.Join(root, "docs", "benchmarks.png")
		}
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "aio-bench: cannot find the worker: %v\n", err)
		return 1
	}
	opts := harness.Options{
		Smoke:    *smoke,
		Reps:     *reps,
		Worker:   []string{exe, workerArg},
		Progress: stderr,
		Syscalls: *syscalls,
	}
	for name := range strings.SplitSeq(*only, ",") {
		if name = strings.TrimSpace(name); name != "" {
			opts.Only = append(opts.Only, name)
		}
	}
	rep, err := harness.Run(context.Background(), opts)
	if err != nil {
		fmt.Fprintf(stderr, "aio-bench: %v\n", err)
		if rep == nil {
			return 2
		}
		return 1
	}
	if err := writeBenchOutputs(rep, benchCommandLine(exe, args), *out, *chart); err != nil {
		fmt.Fprintf(stderr, "aio-bench: %v\n", err)
		return 1
	}
	n := len(rep.Outcomes)
	if rep.Echo != nil {
		n++
	}
	noun := "workloads"
	if n == 1 {
		noun = "workload"
	}
	fmt.Fprintf(stderr, "aio-bench: %d %s in %v\n", n, noun, rep.Wall.Round(1e9))
	for _, f := range rep.Failures {
		fmt.Fprintf(stderr, "aio-bench: failed: %s\n", f)
	}
	if len(rep.Failures) > 0 {
		return 1
	}
	return 0
}

// writeBenchOutputs writes the report and the chart where asked, the
// report linking the chart by its path relative to the report.
//
// The chart draws the workloads' outcomes; a run of the echo workload alone
// has none, and writes no chart.
func writeBenchOutputs(rep *harness.Report, command, out, chart string) error {
	if len(rep.Outcomes) == 0 {
		chart = ""
	}
	if chart != "" {
		if err := writeFile(chart, rep.Chart); err != nil {
			return err
		}
	}
	if out == "" {
		return nil
	}
	link := ""
	if chart != "" {
		link = chart
		if rel, err := relTo(out, chart); err == nil {
			link = rel
		}
	}
	return writeFile(out, func(w io.Writer) error { return rep.Markdown(w, command, link) })
}

func relTo(from, to string) (string, error) {
	a, err := filepath.Abs(filepath.Dir(from))
	if err != nil {
		return "", err
	}
	b, err := filepath.Abs(to)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(a, b)
	return filepath.ToSlash(rel), err
}

// writeFile creates path (and its directory) and fills it with write.
func writeFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// benchCommandLine is the command as the report records it: "cd bench &&
// go run ./cmd/aio-bench ..." when go run built the binary, "aio-bench ..."
// otherwise.
func benchCommandLine(exe string, args []string) string {
	cmd := "aio-bench"
	if strings.Contains(filepath.ToSlash(exe), "/go-build") {
		cmd = "cd bench && go run ./cmd/aio-bench"
	}
	parts := []string{cmd}
	for _, a := range args {
		if strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
