// Echo-client is the echo workload's client on its own, for a server
// started by hand (bench/README.md, "The echo workload"):
//
//	cd bench && go run ./cmd/echo-client --addr 127.0.0.1:PORT [--pid PID] [--size 1024] [--conns 10] [--warmup 500ms] [--duration 2s] [--syscalls perf|strace] [--idle N]
//
// It prints one JSON line (echo.Result): the requests echoed in the window
// and its length, and, given the server's --pid, the server's CPU time in
// the window, or its syscalls (--syscalls), or its resident memory before
// and with N idle connections (--idle). aio-bench runs the same client as
// "aio-bench worker echo-client".
package main

import (
	"os"

	"github.com/aio-go/aio/bench/echo"
)

func main() {
	os.Exit(echo.ClientCommand(os.Args[1:], os.Stdout, os.Stderr))
}
