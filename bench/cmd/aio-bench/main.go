// Aio-bench runs aio's benchmark suite against CPython's asyncio, uvloop and
// trio: the workloads of bench/README.md, each in aio, in plain Go and in
// the Python peers that a python3 on this machine has.
//
// It lives in a module of its own (github.com/aio-go/aio/bench), so that
// what it needs to draw its chart (gonum/plot and its fonts) is not a
// requirement of the aio module, which every program that imports aio
// inherits. From the repository's root:
//
//	cd bench && go run ./cmd/aio-bench
//
// # Usage
//
//	aio-bench [--smoke] [--reps N] [--out FILE.md] [--chart FILE.png] [--syscalls perf|strace|off] [--only workload,...]
//
// Each workload runs in fresh processes, interleaved, with medians and the
// ratios aio/peer against the targets. It prints its progress on
// standard error and writes a Markdown report (default docs/BENCHMARKS.md)
// and a bar chart (default docs/benchmarks.png), both in the repository
// that holds the working directory; the full run takes about 20 minutes
// on 2 cores. --smoke runs every workload once at tiny sizes and writes
// nothing unless told where: CI runs it. --syscalls chooses how each
// runtime's syscalls per operation are counted, outside the timed runs:
// perf, strace or off (by default perf if it works, else strace, else
// none). Package bench/harness documents the rest.
//
// # Workers
//
// The aio and go runtimes run in "aio-bench worker": the harness starts the
// running binary again (os.Executable) with "worker" as its first argument,
// one process per measurement, which speaks the worker protocol of
// bench/README.md. The Python peers run in bench/python/workloads.py, found
// from the working directory upwards.
//
// The echo workload's Go server and client are the same binary too:
// "aio-bench worker echo-server --kind KIND" and "aio-bench worker
// echo-client ..." (package bench/echo); its Python servers are
// bench/python/echo.py.
//
// # Exit status
//
// 0 on success, 1 if a benchmark worker fails (a peer skipped for lack of
// python3, uvloop or trio is not a failure), 2 for a usage error: an
// unknown flag or workload name. The worker exits 3 for a workload its
// runtime does not have.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// workerArg is the first argument that makes the binary a worker: the
// harness runs os.Executable() with it, one process per measurement.
const workerArg = "worker"

// cli runs the command line args and returns the exit status; main is only
// the part that touches the process, so tests can run everything else.
func cli(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == workerArg {
		return workerCommand(args[1:], stdout, stderr)
	}
	return benchCommand(args, stdout, stderr)
}
