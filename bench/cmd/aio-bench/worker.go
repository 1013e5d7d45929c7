package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aio-go/aio/bench/echo"
	"github.com/aio-go/aio/bench/workloads"
)

// workerCommand is "aio-bench worker": one workload, once, in the aio or go
// runtime, after --warmup untimed rounds, printed as the worker protocol's
// JSON line (bench/README.md). The harness (aio-bench itself) runs it in a
// process of its own for every measurement. Exit status 3 means the runtime
// does not have the workload; 2 is a usage error, including a warm-up asked
// of a memory workload.
//
// "aio-bench worker echo-server ..." and "aio-bench worker echo-client ..."
// are the echo workload's Go server and client processes (package
// bench/echo).
func workerCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "echo-server":
			return echo.ServerCommand(args[1:], os.Stdin, stdout, stderr)
		case "echo-client":
			return echo.ClientCommand(args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("aio-bench worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rt := fs.String("runtime", "", "aio or go")
	workload := fs.String("workload", "", "the workload's name (bench/README.md)")
	size := fs.Int("size", 0, "the workload's size")
	warmup := fs.Int("warmup", 0, "untimed rounds of the workload before the measured one, in this process (one tree each for tree_*)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || (*rt != workloads.AIO && *rt != workloads.Go) || !slices.Contains(workloads.Names(), *workload) || *size < 1 || *warmup < 0 {
		fmt.Fprintf(stderr, "usage: aio-bench worker --runtime {aio,go} --workload NAME --size N [--warmup K]\nworkloads: %s\n",
			strings.Join(workloads.Names(), " "))
		return 2
	}
	res, err := workloads.Run(*rt, *workload, *size, *warmup)
	switch {
	case errors.Is(err, workloads.ErrNoWorkload):
		return 3
	case errors.Is(err, workloads.ErrNoWarmup):
		fmt.Fprintf(stderr, "aio-bench worker: %v\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "aio-bench worker: %v\n", err)
		return 1
	}
	line, err := json.Marshal(res)
	if err == nil {
		_, err = fmt.Fprintf(stdout, "%s\n", line)
	}
	if err != nil {
		fmt.Fprintf(stderr, "aio-bench worker: %v\n", err)
		return 1
	}
	return 0
}
