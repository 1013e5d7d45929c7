// Package echo is the Go side of the echo workload of aio's benchmark suite
// (bench/README.md, "The echo workload"), as vmbench and uvloop's
// examples/bench run it: a server that echoes every byte it receives, and a
// client in a process of its own that keeps 10 connections busy with
// fixed-size messages (send one, read it back whole, send the next) and
// counts the requests per second over a fixed window after a warm-up.
//
// # Servers
//
// A server kind is a Server registered under its name. This package
// registers GoNet (Go's net, a goroutine per connection); the aio kinds
// (AIOEpoll, AIOPortable) are registered by server_aio.go, which is built
// only with the aiostreams build tag until aio's streams package exists.
// The Python kinds (asyncio and uvloop, each with streams and with
// protocols, and trio) are bench/python/echo.py.
//
// ServerCommand is a server process ("aio-bench worker echo-server"): it
// opens a listener on 127.0.0.1 port 0, prints one JSON line (ReadyLine:
// the address, its process id and its RLIMIT_NOFILE), and serves until its
// standard input reaches end of file, so that a server whose harness dies
// goes with it. Exit status 3 is a kind it does not have.
//
// # Client
//
// ClientCommand is the client process ("aio-bench worker echo-client"). It
// measures, in one of three modes, one thing per run:
//
//   - the rate: requests per second over the window, with the server's CPU
//     time over the same window (user and system, from /proc/<pid>/stat)
//     and the client's own (getrusage);
//   - the syscalls: the server's system calls over the window, counted by
//     perf stat (the raw_syscalls:sys_enter tracepoint, attached to the
//     server and enabled for the window only) or, failing that, strace -c
//     -f, whose ptrace slows the server down, so this run's rate is not
//     reported;
//   - the idle memory: the server's resident set size before and after
//     opening many connections that each exchange one message and then
//     stay open, idle.
//
// Both processes raise their RLIMIT_NOFILE as far as they are allowed to
// (RaiseNoFile); the client exits with status 5 (ExitNoFiles) when it
// cannot open as many descriptors as the idle run needs.
package echo
