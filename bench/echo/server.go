package echo

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The Go server kinds.
const (
	AIOEpoll    = "aio-epoll"    // aio's streams on its epoll reactor (server_aio.go)
	AIOPortable = "aio-portable" // aio's streams on its portable backend (server_aio.go)
	GoNet       = "go-net"       // Go's net, a goroutine per connection
)

// A Server listens on addr (always "127.0.0.1:0" in the benchmark), calls
// ready once with the address it is bound to, and echoes every connection
// until ctx is done; then it closes the listener and every connection and
// returns nil once its handlers have returned. An error is for a listener
// that cannot be opened or fails for good.
type Server func(ctx context.Context, addr string, ready func(net.Addr)) error

var (
	serversMu sync.Mutex
	servers   = map[string]Server{GoNet: ServeGoNet}
)

// Register adds a server kind; it panics if the kind is already taken. It
// is for init functions (server_aio.go), before any server runs.
func Register(kind string, s Server) {
	serversMu.Lock()
	defer serversMu.Unlock()
	if _, dup := servers[kind]; dup || s == nil {
		panic("echo.Register: duplicate or nil server " + kind)
	}
	servers[kind] = s
}

// Lookup returns the server of the kind, or nil.
func Lookup(kind string) Server {
	serversMu.Lock()
	defer serversMu.Unlock()
	return servers[kind]
}

// Kinds returns the registered kinds, sorted.
func Kinds() []string {
	serversMu.Lock()
	defer serversMu.Unlock()
	var ks []string
	for k := range servers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// ReadBufferSize is what the Go server reads into at once: the size of
// trio's default receive_some, between io.Copy's 32 KiB and the 256 KiB of
// asyncio's and uvloop's transports. A 100 KiB message then takes two reads
// or more, as it mostly would anyway (the loopback delivers it in pieces).
const ReadBufferSize = 64 << 10

// ServeGoNet is the GoNet server: net.Listen, a goroutine per accepted
// connection that reads into a buffer of its own and writes back what it
// read, as a Go programmer would write an echo server. Accept errors that
// may pass (EMFILE, ENFILE: out of descriptors) are retried after a backoff,
// as net/http does.
func ServeGoNet(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ready(ln.Addr())
	var (
		mu    sync.Mutex
		conns = map[net.Conn]struct{}{}
		wg    sync.WaitGroup
	)
	stop := context.AfterFunc(ctx, func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for c := range conns {
			c.Close()
		}
	})
	defer stop()
	defer wg.Wait()
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			ln.Close()
			return err
		}
		backoff = 0
		mu.Lock()
		if ctx.Err() != nil {
			mu.Unlock()
			c.Close()
			return nil
		}
		conns[c] = struct{}{}
		mu.Unlock()
		wg.Go(func() {
			echoConn(c)
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
			c.Close()
		})
	}
}

func echoConn(c net.Conn) {
	buf := make([]byte, ReadBufferSize)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func isTemporary(err error) bool {
	var te interface{ Temporary() bool }
	return errors.As(err, &te) && te.Temporary()
}

// ReadyLine is the line a server process prints once it listens.
type ReadyLine struct {
	Addr string `json:"addr"`
	PID  int    `json:"pid"`
	// NoFile is its RLIMIT_NOFILE (the soft limit) after it raised it
	// towards --nofile; 0 where it cannot tell.
	NoFile int `json:"nofile"`
}

// ExitNoKind is the exit status of a server process for a kind it does not
// have (the worker protocol's "no such workload").
const ExitNoKind = 3

// ServerCommand is the server process: "echo-server --kind KIND [--nofile
// N]". It listens on 127.0.0.1 port 0, prints its ReadyLine on stdout and
// serves until stdin reaches end of file (or fails). It returns the exit
// status: 0, 1 if the server failed, 2 for bad arguments, ExitNoKind.
func ServerCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("echo-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "the server kind: "+strings.Join(Kinds(), ", ")+" (aio-epoll and aio-portable once built)")
	nofile := fs.Int("nofile", 0, "raise RLIMIT_NOFILE to at least this many descriptors, if allowed")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *kind == "" || *nofile < 0 {
		if err == nil {
			fs.Usage()
		}
		return 2
	}
	serve := Lookup(*kind)
	if serve == nil {
		if !slices.Contains([]string{AIOEpoll, AIOPortable, GoNet}, *kind) {
			fmt.Fprintf(stderr, "echo-server: unknown kind %q\n", *kind)
			return 2
		}
		fmt.Fprintf(stderr, "echo-server: %s is not built in (bench/echo/server_aio.go)\n", *kind)
		return ExitNoKind
	}
	limit := RaiseNoFile(*nofile)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // the harness closes stdin to stop the server
		io.Copy(io.Discard, stdin)
		cancel()
	}()
	var printErr error
	err := serve(ctx, "127.0.0.1:0", func(a net.Addr) {
		line, _ := json.Marshal(ReadyLine{Addr: a.String(), PID: os.Getpid(), NoFile: limit})
		if _, printErr = fmt.Fprintf(stdout, "%s\n", line); printErr != nil {
			cancel()
		}
	})
	if err == nil {
		err = printErr
	}
	if err != nil {
		fmt.Fprintf(stderr, "echo-server %s: %v\n", *kind, err)
		return 1
	}
	return 0
}
