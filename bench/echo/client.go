package echo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Client is one run of the client: which server, which message, which mode.
type Client struct {
	Addr      string // the server's address
	ServerPID int    // the server's process, whose CPU, memory or syscalls are read; 0: none
	Size      int    // bytes per message
	Conns     int    // connections kept busy at once
	// Warmup runs the load before the window; Duration is the window.
	Warmup, Duration time.Duration
	// Syscalls, if set (Perf or Strace), counts the server's system calls
	// over the window instead of reading its CPU time: all of them, and
	// some by name (perf: those of its list that have a tracepoint here;
	// strace: all).
	Syscalls string
	// Idle, if above 0, makes this an idle-memory run instead: Idle
	// connections that each exchange one message of Size bytes, then stay
	// open; no load, no window.
	Idle int
}

// Result is what the client process prints, one JSON line. Figures it did
// not measure are -1.
type Result struct {
	Requests int64   `json:"requests"` // echoed messages within the window
	Seconds  float64 `json:"seconds"`  // the window's wall time
	// ServerUser and ServerSys are the server's CPU seconds in the window,
	// ClientUser and ClientSys the client's own.
	ServerUser float64 `json:"server_user_s"`
	ServerSys  float64 `json:"server_sys_s"`
	ClientUser float64 `json:"client_user_s"`
	ClientSys  float64 `json:"client_sys_s"`
	Syscalls   int64   `json:"syscalls"` // the server's, in the window
	// SyscallsBy are some of them by name (see Client.Syscalls).
	SyscallsBy map[string]int64 `json:"syscalls_by,omitempty"`
	// IdleConns connections were open and idle when the server's resident
	// set size was IdleRSSKB; it was BaseRSSKB before the first connected.
	IdleConns int   `json:"idle_conns"`
	BaseRSSKB int64 `json:"base_rss_kb"`
	IdleRSSKB int64 `json:"idle_rss_kb"`
}

// ExitNoFiles is the client's exit status when it cannot raise its
// RLIMIT_NOFILE to what an idle run needs.
const ExitNoFiles = 5

// errNoFiles is the error of an idle run short of descriptors.
var errNoFiles = errors.New("echo: RLIMIT_NOFILE too low")

// Run runs the client and returns its figures. ctx bounds the whole run.
func (c Client) Run(ctx context.Context) (Result, error) {
	res := Result{ServerUser: -1, ServerSys: -1, ClientUser: -1, ClientSys: -1, Syscalls: -1}
	if c.Size < 1 {
		return res, fmt.Errorf("echo: message size %d", c.Size)
	}
	if c.Idle > 0 {
		return c.idle(ctx, res)
	}
	if c.Conns < 1 || c.Duration <= 0 {
		return res, fmt.Errorf("echo: %d connections for %v", c.Conns, c.Duration)
	}
	conns, err := dialAll(ctx, c.Addr, c.Conns, c.Conns)
	if err != nil {
		return res, err
	}
	var (
		requests atomic.Int64
		stop     atomic.Bool
		wg       sync.WaitGroup
		errMu    sync.Mutex
		loadErr  error
	)
	for _, conn := range conns {
		wg.Go(func() {
			if err := load(conn, c.Size, &requests, &stop); err != nil && !stop.Load() {
				errMu.Lock()
				loadErr = errors.Join(loadErr, err)
				errMu.Unlock()
				stop.Store(true)
			}
		})
	}
	err = c.window(ctx, &res, &requests, &stop)
	stop.Store(true)
	closeAll(conns) // unblocks the readers
	wg.Wait()
	if loadErr != nil { // the reason the window may have failed
		err = loadErr
	}
	return res, err
}

// window waits out the warm-up, then measures over the window.
func (c Client) window(ctx context.Context, res *Result, requests *atomic.Int64, stop *atomic.Bool) error {
	if err := sleep(ctx, c.Warmup); err != nil {
		return err
	}
	var cnt counter
	if c.Syscalls != "" {
		var err error
		if cnt, err = startCounter(c.Syscalls, c.ServerPID); err != nil {
			return err
		}
	}
	su0, ss0, serr := ProcCPU(c.ServerPID)
	cu0, cs0 := selfCPU()
	r0, t0 := requests.Load(), time.Now()
	err := sleep(ctx, c.Duration)
	r1, t1 := requests.Load(), time.Now()
	cu1, cs1 := selfCPU()
	su1, ss1, serr1 := ProcCPU(c.ServerPID)
	if cnt != nil {
		n, by, cerr := cnt.stop()
		if err == nil && cerr != nil {
			err = fmt.Errorf("counting syscalls with %s: %w", c.Syscalls, cerr)
		}
		res.Syscalls, res.SyscallsBy = n, by
	}
	if err != nil {
		return err
	}
	if stop.Load() {
		return errors.New("echo: the load stopped during the window") // its error follows
	}
	res.Requests, res.Seconds = r1-r0, t1.Sub(t0).Seconds()
	if haveProc() {
		res.ClientUser, res.ClientSys = cu1-cu0, cs1-cs0
	}
	if serr == nil && serr1 == nil && cnt == nil {
		res.ServerUser, res.ServerSys = su1-su0, ss1-ss0
	}
	return nil
}

// load echoes messages of size bytes on conn until stop: write one, read
// it back whole, count it.
func load(conn net.Conn, size int, requests *atomic.Int64, stop *atomic.Bool) error {
	msg, buf := message(size), make([]byte, size)
	for !stop.Load() {
		if err := exchange(conn, msg, buf); err != nil {
			return err
		}
		requests.Add(1)
	}
	return nil
}

// message is size bytes of a pattern whose two ends differ.
func message(size int) []byte {
	msg := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
	msg[size-1] = '\n'
	return msg
}

// exchange sends msg and reads its echo into buf, checking its two ends.
func exchange(conn net.Conn, msg, buf []byte) error {
	if _, err := conn.Write(msg); err != nil {
		return err
	}
	if _, err := io.ReadFull(conn, buf); err != nil {
		return err
	}
	if buf[0] != msg[0] || buf[len(buf)-1] != msg[len(msg)-1] {
		return errors.New("echo: the server sent back something else")
	}
	return nil
}

// idle measures the server's memory per idle connection: its resident set
// size before, then with c.Idle connections that each exchanged one
// message and stay open.
func (c Client) idle(ctx context.Context, res Result) (Result, error) {
	if have := RaiseNoFile(c.Idle + 64); have != 0 && have < c.Idle+64 {
		return res, fmt.Errorf("%w: %d descriptors for %d connections", errNoFiles, have, c.Idle)
	}
	base, err := ProcRSS(c.ServerPID)
	if err != nil {
		return res, err
	}
	// Dial a few dozen at a time: the Python servers listen with a backlog
	// of 100.
	conns, err := dialAll(ctx, c.Addr, c.Idle, 50, func(conn net.Conn) error {
		return exchange(conn, message(c.Size), make([]byte, c.Size))
	})
	defer closeAll(conns)
	if err != nil {
		return res, err
	}
	rss, err := ProcRSS(c.ServerPID)
	if err != nil {
		return res, err
	}
	res.IdleConns, res.BaseRSSKB, res.IdleRSSKB = len(conns), base, rss
	return res, nil
}

// dialAll opens n connections to addr, parallel at a time, running each
// then (if any) on every new connection. On error it closes what it opened.
func dialAll(ctx context.Context, addr string, n, parallel int, then ...func(net.Conn) error) ([]net.Conn, error) {
	conns := make([]net.Conn, n)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var d net.Dialer
	for i := range conns {
		sem <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			conn, err := d.DialContext(ctx, "tcp", addr)
			for _, fn := range then {
				if err == nil {
					conn.SetDeadline(time.Now().Add(toolTimeout))
					if err = fn(conn); err == nil {
						err = conn.SetDeadline(time.Time{})
					}
				}
			}
			if err != nil {
				if conn != nil {
					conn.Close()
				}
				cancel(fmt.Errorf("connection %d of %d: %w", i+1, n, err))
				return
			}
			conns[i] = conn
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		closeAll(conns)
		return nil, err
	}
	return conns, nil
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ClientCommand is the client process: "echo-client --addr A --pid P
// --size N [--conns 10] [--warmup D] [--duration D] [--syscalls TOOL]
// [--idle N]", which prints its Result as one JSON line. It returns the exit
// status: 0, 1 if the run failed, 2 for bad arguments, ExitNoFiles.
func ClientCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("echo-client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Client
	fs.StringVar(&c.Addr, "addr", "", "the server's host:port")
	fs.IntVar(&c.ServerPID, "pid", 0, "the server's process id, for its CPU time, memory and syscalls")
	fs.IntVar(&c.Size, "size", 1024, "bytes per message")
	fs.IntVar(&c.Conns, "conns", 10, "connections kept busy")
	fs.DurationVar(&c.Warmup, "warmup", 500*time.Millisecond, "load before the window")
	fs.DurationVar(&c.Duration, "duration", 2*time.Second, "the window")
	fs.StringVar(&c.Syscalls, "syscalls", "", "count the server's syscalls in the window with perf or strace (no CPU figures then)")
	fs.IntVar(&c.Idle, "idle", 0, "instead of a load, open this many idle connections and read the server's memory")
	timeout := fs.Duration("timeout", 5*time.Minute, "bound on the whole run")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || c.Addr == "" {
		if err == nil {
			fs.Usage()
		}
		return 2
	}
	if c.Syscalls != "" && c.Syscalls != Perf && c.Syscalls != Strace || c.ServerPID <= 0 && (c.Syscalls != "" || c.Idle > 0) {
		fmt.Fprintln(stderr, "echo-client: --syscalls is perf or strace, and it and --idle need --pid")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := c.Run(ctx)
	if errors.Is(err, errNoFiles) {
		fmt.Fprintf(stderr, "echo-client: %v\n", err)
		return ExitNoFiles
	}
	if err != nil {
		fmt.Fprintf(stderr, "echo-client: %v\n", err)
		return 1
	}
	line, _ := json.Marshal(res)
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return 1
	}
	return 0
}
