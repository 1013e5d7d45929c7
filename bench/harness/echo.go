package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aio-go/aio/bench/echo"
)

// EchoName is the echo workload's name, in --only and in the report.
const EchoName = "echo"

// An EchoServer is a server kind of the echo workload (bench/README.md, "The
// echo workload").
type EchoServer struct {
	Kind    string // as its server process takes it (--kind, --server)
	Runtime string // whose worker runs it, and whose skip it shares
	What    string
}

// EchoServers are the echo workload's servers, in the table's order. The
// aio kinds answer "not built" (exit status 3) until bench/echo/server_aio.go
// is built in.
var EchoServers = []EchoServer{
	{echo.AIOEpoll, AIO, "aio's streams on its epoll reactor, `ReadInto` into one 256 KiB buffer of the loop's, `Write`, `Drain`"},
	{echo.AIOPortable, AIO, "the same on its portable backend"},
	{echo.GoNet, Go, "Go's net, a goroutine per connection, 64 KiB reads"},
	{"asyncio-streams", Asyncio, "asyncio.start_server, `reader.read(1000000)`, `writer.write`"},
	{"asyncio-protocols", Asyncio, "loop.create_server, a Protocol whose data_received writes back"},
	{"uvloop-streams", Uvloop, "the same streams server on uvloop"},
	{"uvloop-protocols", Uvloop, "the same Protocol on uvloop"},
	{"trio", Trio, "trio.serve_tcp, `async for data in stream: await stream.send_all(data)`"},
}

// echoPlan is how much of the echo workload a run does.
type echoPlan struct {
	sizes          []int // bytes per message
	reps           int
	warmup, window time.Duration
	conns, idle    int // busy connections; idle connections of the memory run
	// quick (the smoke run) runs each server in one process, for its rate
	// and then its idle connections, and counts the syscalls of the first
	// server only: a Python server takes a few tenths of a second to start.
	quick bool
}

// The full run: vmbench's message sizes over 10 connections, a 2 s window
// after a 0.5 s warm-up, 3 repetitions; 10,000 idle connections. The smoke
// run: 1 KiB only, 0.1 s, 100 idle connections.
var (
	echoFull  = echoPlan{sizes: []int{1 << 10, 10 << 10, 100 << 10}, reps: 3, warmup: 500 * time.Millisecond, window: 2 * time.Second, conns: 10, idle: 10_000}
	echoSmoke = echoPlan{sizes: []int{1 << 10}, reps: 1, warmup: 50 * time.Millisecond, window: 100 * time.Millisecond, conns: 10, idle: 100, quick: true}
)

// EchoOutcome is the echo workload's results.
type EchoOutcome struct {
	Sizes          []int
	Reps, Conns    int
	Warmup, Window time.Duration
	IdleConns      int
	// SyscallTool counted the syscalls (echo.Perf or echo.Strace); "" if
	// none could, and SyscallNote says why.
	SyscallTool, SyscallNote string
	Series                   []*EchoSeries // in EchoServers' order
}

// EchoSeries is what one server measured. Its Status is the server's as a
// whole: Skipped or Unavailable (a runtime or a kind that is missing) holds
// for every table. A failure is a figure's own: a point's (EchoPoint.Failure)
// fails that server's row of that size's table, and IdleFailure its row of
// the idle table, and the server runs on for the others.
type EchoSeries struct {
	EchoServer
	Status    Status
	Note      string
	Points    []*EchoPoint // one per size, in Sizes' order
	IdleBytes float64      // resident memory per idle connection; -1 if unmeasured
	IdleNote  string       // why it is unmeasured, when that is no failure
	// IdleFailure is why the idle run failed; "" if it did not.
	IdleFailure string
}

// EchoPoint is one server at one message size: a figure per repetition.
type EchoPoint struct {
	Size int
	// Failure is why a repetition failed, after which the point has no
	// figure and its later repetitions do not run; "" if none did.
	Failure    string
	Rate       []float64          // requests per second
	User, Sys  []float64          // the server's CPU, µs per request (where measured)
	Client     []float64          // the client's CPU, µs per request
	Syscalls   float64            // the server's per request, in a run of its own; -1 if unmeasured
	SyscallsBy map[string]float64 // some of them by name, per request
	SyscallErr string             // why that run gave nothing
}

// Of returns the point of the size, or nil.
func (s *EchoSeries) Of(size int) *EchoPoint {
	for _, p := range s.Points {
		if p.Size == size {
			return p
		}
	}
	return nil
}

// Of returns the series of the kind, or nil.
func (e *EchoOutcome) Of(kind string) *EchoSeries {
	for _, s := range e.Series {
		if s.Kind == kind {
			return s
		}
	}
	return nil
}

// runEcho runs the echo workload: for each size, the repetitions in turn,
// each server in turn within a repetition (A B C A B C), each measurement a
// fresh server process and a client process; the last repetition's server
// also serves the run that counts its syscalls. Then each server once more,
// fresh, for the memory per idle connection.
func (r *runner) runEcho(ctx context.Context, i, n int) *EchoOutcome {
	plan := echoFull
	switch {
	case r.opts.Smoke:
		plan = echoSmoke
	case r.opts.Reps > 0:
		plan.reps = r.opts.Reps
	}
	e := &EchoOutcome{Sizes: plan.sizes, Reps: plan.reps, Conns: plan.conns, Warmup: plan.warmup, Window: plan.window, IdleConns: plan.idle}
	for _, srv := range EchoServers {
		s := &EchoSeries{EchoServer: srv, IdleBytes: -1}
		if why, ok := r.skip[srv.Runtime]; ok {
			s.Status, s.Note = Skipped, why
		}
		for _, size := range plan.sizes {
			s.Points = append(s.Points, &EchoPoint{Size: size, Syscalls: -1})
		}
		e.Series = append(e.Series, s)
	}
	e.SyscallTool, e.SyscallNote = echo.FindSyscallTool()
	if e.SyscallTool == "" {
		r.note("echo: syscalls per request not measured: %s.", e.SyscallNote)
	}
	fmt.Fprintf(r.progress, "[%d/%d] %s: req/s over %d connections, %v after %v of warm-up, %d rep%s, then %s idle connections\n",
		i, n, EchoName, plan.conns, plan.window, plan.warmup, plan.reps, plural(plan.reps), thousands(plan.idle))
	start := time.Now()
	counted := false
	for _, size := range plan.sizes {
		for rep := 1; rep <= plan.reps; rep++ {
			for _, s := range e.Series {
				if p := s.Of(size); s.Status == OK && p.Failure == "" && ctx.Err() == nil {
					count := rep == plan.reps && e.SyscallTool != "" && !(plan.quick && counted)
					ran := r.echoRate(ctx, e, s, p, rep, count, plan.quick)
					counted = counted || ran && count
				}
			}
		}
	}
	// The idle connections, in a fresh server; in the smoke run, only for a
	// server whose rate run, which measures them too, did not get that far.
	for _, s := range e.Series {
		if s.Status == OK && ctx.Err() == nil && (!plan.quick || !idleTried(s)) {
			label := fmt.Sprintf("  %s %-17s idle %s", EchoName, s.Kind, thousands(e.IdleConns))
			if srv := r.startEchoServerFor(ctx, e, s, true, label, &s.IdleFailure); srv != nil {
				r.echoIdle(ctx, e, s, srv)
				srv.stop()
			}
		}
	}
	fmt.Fprintf(r.progress, "  %s took %v\n", EchoName, time.Since(start).Round(100*time.Millisecond))
	return e
}

// idleTried reports whether the idle run of the series has a figure or a
// reason for having none.
func idleTried(s *EchoSeries) bool {
	return s.IdleBytes >= 0 || s.IdleNote != "" || s.IdleFailure != ""
}

// startEchoServerFor starts a fresh server of the series (with enough
// descriptors for the idle connections if idle), or records why it could
// not, a failure in *failure, and returns nil.
func (r *runner) startEchoServerFor(ctx context.Context, e *EchoOutcome, s *EchoSeries, idle bool, label string, failure *string) *echoProc {
	nofile := 0
	if idle {
		nofile = e.IdleConns + echoSpareFiles
	}
	srv, err := r.startEchoServer(ctx, s.EchoServer, nofile)
	if err != nil {
		r.echoFailed(s, label, err, failure)
		return nil
	}
	return srv
}

// echoSpareFiles are the descriptors beyond the idle connections that a
// server needs (its listener, stdio, the runtime's own).
const echoSpareFiles = 100

// echoRate measures one repetition of a server at one size in a fresh
// server process; if syscalls, it counts its syscalls over one more window
// of the same server, and if idle it measures its idle connections last.
// It reports whether the server ran.
func (r *runner) echoRate(ctx context.Context, e *EchoOutcome, s *EchoSeries, p *EchoPoint, rep int, syscalls, idle bool) bool {
	label := fmt.Sprintf("  %s %-17s %6s rep %d/%d", EchoName, s.Kind, sizeName(p.Size), rep, e.Reps)
	srv := r.startEchoServerFor(ctx, e, s, idle, label, &p.Failure)
	if srv == nil {
		return false
	}
	defer srv.stop()
	args := []string{"--addr", srv.ready.Addr, "--pid", strconv.Itoa(srv.ready.PID), "--size", strconv.Itoa(p.Size),
		"--conns", strconv.Itoa(e.Conns), "--warmup", e.Warmup.String(), "--duration", e.Window.String()}
	res, err := r.runEchoClient(ctx, args...)
	if err == nil && res.Requests <= 0 {
		err = errors.New("no request in the window")
	}
	if err != nil {
		r.echoFailed(s, label, err, &p.Failure)
		return false
	}
	per := func(sec float64) float64 { return sec / float64(res.Requests) * 1e6 }
	p.Rate = append(p.Rate, float64(res.Requests)/res.Seconds)
	line := fmt.Sprintf("%s %s req/s", label, num(p.Rate[len(p.Rate)-1]))
	if res.ServerUser >= 0 {
		p.User, p.Sys = append(p.User, per(res.ServerUser)), append(p.Sys, per(res.ServerSys))
		line += fmt.Sprintf(", server %s + %s µs/req", num(per(res.ServerUser)), num(per(res.ServerSys)))
	}
	if res.ClientUser >= 0 {
		p.Client = append(p.Client, per(res.ClientUser+res.ClientSys))
	}
	if syscalls {
		sc, err := r.runEchoClient(ctx, append(args, "--syscalls", e.SyscallTool)...)
		switch {
		case err != nil:
			p.SyscallErr = err.Error()
		case sc.Requests <= 0 || sc.Syscalls < 0:
			p.SyscallErr = "no request or no count in the window"
		default:
			p.Syscalls = float64(sc.Syscalls) / float64(sc.Requests)
			p.SyscallsBy = map[string]float64{}
			for name, n := range sc.SyscallsBy {
				p.SyscallsBy[name] = float64(n) / float64(sc.Requests)
			}
			line += fmt.Sprintf(", %s syscalls/req (%s)", num(p.Syscalls), e.SyscallTool)
		}
		if p.SyscallErr != "" {
			line += ", syscalls not counted"
			r.note("echo: the syscalls of %s at %s not counted: %s.", s.Kind, sizeName(p.Size), p.SyscallErr)
		}
	}
	fmt.Fprintln(r.progress, line)
	if idle {
		r.echoIdle(ctx, e, s, srv)
	}
	return true
}

// echoIdle measures the server's memory per idle connection (a fresh
// server's, but in the smoke run).
func (r *runner) echoIdle(ctx context.Context, e *EchoOutcome, s *EchoSeries, srv *echoProc) {
	label := fmt.Sprintf("  %s %-17s idle %s", EchoName, s.Kind, thousands(e.IdleConns))
	need := e.IdleConns + echoSpareFiles
	if have := srv.ready.NoFile; have != 0 && have < need {
		s.IdleNote = fmt.Sprintf("the server's RLIMIT_NOFILE is %d, and it may not raise it to %d", have, need)
		fmt.Fprintf(r.progress, "%s skipped: %s\n", label, s.IdleNote)
		return
	}
	res, err := r.runEchoClient(ctx, "--addr", srv.ready.Addr, "--pid", strconv.Itoa(srv.ready.PID),
		"--size", strconv.Itoa(1<<10), "--idle", strconv.Itoa(e.IdleConns))
	var ex *exitError
	switch {
	case errors.As(err, &ex) && ex.code == echo.ExitNoFiles:
		s.IdleNote = "the client may not open enough descriptors: " + ex.stderr
		fmt.Fprintf(r.progress, "%s skipped: %s\n", label, s.IdleNote)
		return
	case err == nil && (res.IdleConns != e.IdleConns || res.IdleRSSKB <= 0):
		err = fmt.Errorf("client reported %d connections, %d KB", res.IdleConns, res.IdleRSSKB)
	}
	if err != nil {
		r.echoFailed(s, label, err, &s.IdleFailure)
		return
	}
	s.IdleBytes = float64(res.IdleRSSKB-res.BaseRSSKB) * 1024 / float64(res.IdleConns)
	fmt.Fprintf(r.progress, "%s %.0f B/conn (RSS %d KB -> %d KB)\n", label, s.IdleBytes, res.BaseRSSKB, res.IdleRSSKB)
}

// echoFailed records why a figure is missing. Exit status 3 is a kind its
// worker lacks (the aio kinds, before server_aio.go is built in), 4 a
// missing Python package: the server is then unavailable or skipped in
// every table, and not run again. Anything else is a failure of that
// figure alone, kept in *failure (a point's or the idle run's), and of the
// run: the server goes on with its other figures.
func (r *runner) echoFailed(s *EchoSeries, label string, err error, failure *string) {
	var ex *exitError
	status, note := Failed, err.Error()
	switch {
	case errors.As(err, &ex) && ex.code == echo.ExitNoKind:
		status, note = Unavailable, "not built: "+ex.stderr
		s.Status, s.Note = status, note
	case errors.As(err, &ex) && ex.code == 4 && isPython(s.Runtime):
		status, note = Skipped, ex.Error()
		s.Status, s.Note = status, note
	default:
		*failure = note
		// "echo aio-portable idle 10,000: ..."
		r.rep.Failures = append(r.rep.Failures, strings.Join(strings.Fields(label), " ")+": "+note)
	}
	fmt.Fprintf(r.progress, "%s %s\n", label, statusWord(&Series{Status: status, Note: note}))
}

func sizeName(n int) string {
	if n%1024 == 0 {
		return fmt.Sprintf("%d KiB", n/1024)
	}
	return fmt.Sprintf("%d B", n)
}

// echoProc is a running echo server process.
type echoProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer // read only once exited has answered
	exited chan error    // cmd.Wait's error
	ready  echo.ReadyLine
}

// startEchoServer starts a server process and waits for its ready line.
// nofile, if above 0, asks it to raise its RLIMIT_NOFILE that far.
func (r *runner) startEchoServer(ctx context.Context, srv EchoServer, nofile int) (*echoProc, error) {
	var argv []string
	if isPython(srv.Runtime) {
		argv = []string{r.rep.Python.Path, filepath.Join(filepath.Dir(r.rep.Script), "echo.py"), "--server", srv.Kind}
	} else {
		argv = append(slices.Clone(r.opts.Worker), "echo-server", "--kind", srv.Kind)
	}
	argv = append(argv, "--nofile", strconv.Itoa(nofile))
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = r.env
	cmd.WaitDelay = 5 * time.Second
	p := &echoProc{cmd: cmd, stderr: new(bytes.Buffer), exited: make(chan error, 1)}
	first := &firstLine{ch: make(chan []byte, 1)}
	cmd.Stdout, cmd.Stderr = first, p.stderr
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.exited <- cmd.Wait() }()
	timer := time.NewTimer(r.opts.Timeout)
	defer timer.Stop()
	select {
	case line := <-first.ch:
		if err := json.Unmarshal(line, &p.ready); err != nil || p.ready.Addr == "" || p.ready.PID <= 0 {
			p.kill()
			return nil, fmt.Errorf("server printed %q", bytes.TrimSpace(line))
		}
		return p, nil
	case err := <-p.exited:
		p.exited <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			return nil, &exitError{code: ee.ExitCode(), stderr: lastLines(p.stderr.String(), 3)}
		}
		return nil, fmt.Errorf("server exited before it listened: %v (%s)", err, lastLines(p.stderr.String(), 3))
	case <-timer.C:
		p.kill()
		return nil, fmt.Errorf("server not listening within %v", r.opts.Timeout)
	}
}

// stop closes the server's stdin, which ends it, and waits for it to exit
// (killing it after echoStopTimeout).
func (p *echoProc) stop() {
	p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(echoStopTimeout):
		p.kill()
	}
}

const echoStopTimeout = 10 * time.Second

func (p *echoProc) kill() {
	p.stdin.Close()
	p.cmd.Process.Kill()
	<-p.exited
}

// firstLine is a server's stdout: it hands its first line over, and
// discards the rest.
type firstLine struct {
	mu   sync.Mutex
	buf  []byte
	done bool
	ch   chan []byte
}

func (f *firstLine) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.done {
		f.buf = append(f.buf, b...)
		if i := bytes.IndexByte(f.buf, '\n'); i >= 0 {
			f.done = true
			f.ch <- f.buf[:i+1]
		}
	}
	return len(b), nil
}

// runEchoClient runs the client process with args and returns its result.
func (r *runner) runEchoClient(ctx context.Context, args ...string) (echo.Result, error) {
	argv := append(slices.Clone(r.opts.Worker), "echo-client")
	argv = append(argv, args...)
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = r.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return echo.Result{}, fmt.Errorf("client: no result within %v", r.opts.Timeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() > 0 {
		return echo.Result{}, &exitError{code: ee.ExitCode(), stderr: lastLines(stderr.String(), 3)}
	}
	if err != nil {
		return echo.Result{}, err
	}
	var res echo.Result
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &res); err != nil {
		return echo.Result{}, fmt.Errorf("client printed %q: %v", lastLines(stdout.String(), 1), err)
	}
	return res, nil
}
