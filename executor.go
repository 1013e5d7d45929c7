package aio

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Executors run blocking or CPU-heavy work off the loop, asyncio's
// run_in_executor. What belongs there, as the talk's slides say: file I/O,
// network I/O through blocking APIs, long system calls, and (unlike in
// Python, where the GIL serialises it) CPU-heavy computation, which Go runs
// truly in parallel on other cores. What does not: short work (the round
// trip costs about a microsecond), and anything that can be awaited on the
// loop instead.

// Executor runs jobs on goroutines of its own. Submit hands it a job; it
// must not block for long, and returns an error if the executor no longer
// takes jobs. Shutdown stops taking jobs and waits until the running ones
// have finished or ctx is done.
type Executor interface {
	Submit(job func()) error
	Shutdown(ctx context.Context) error
}

// ErrExecutorShutdown is Submit's error once the executor is shut down.
var ErrExecutorShutdown = errors.New("aio: executor is shut down")

// PoolExecutor is a bounded pool of goroutines, asyncio's
// ThreadPoolExecutor: at most Workers jobs run at once, the others wait in
// FIFO order. Its goroutines start on demand and end when idle, so an idle
// PoolExecutor holds none. The zero value is ready to use and runs at most
// DefaultWorkers jobs at once, as the loop's default executor does; a nil
// *PoolExecutor refuses jobs with an error for which errors.Is(err,
// ErrExecutorShutdown) holds. It is safe for use by many goroutines.
type PoolExecutor struct {
	mu       sync.Mutex
	queue    ring[executable]
	workers  int // running goroutines
	max      int // 0 in a zero PoolExecutor: DefaultWorkers
	shutdown bool
	idle     sync.Cond // signalled when the last worker ends
}

// errNilExecutor is the error of a nil *PoolExecutor's methods.
var errNilExecutor = fmt.Errorf("%w: the *PoolExecutor is nil", ErrExecutorShutdown)

// NewPoolExecutor returns an executor that runs at most workers jobs at
// once. workers < 1 panics.
func NewPoolExecutor(workers int) *PoolExecutor {
	if workers < 1 {
		panic("aio: NewPoolExecutor with fewer than one worker")
	}
	e := &PoolExecutor{max: workers}
	e.idle.L = &e.mu
	return e
}

// Submit queues job; a goroutine runs it as soon as one of the workers is
// free. It returns ErrExecutorShutdown after Shutdown, and an error for
// which errors.Is(err, ErrExecutorShutdown) holds on a nil *PoolExecutor. A panic in job is
// the job's business: wrap it (ToThread does) or it takes the process down,
// as in any goroutine. A job that calls runtime.Goexit ends only its own
// goroutine: another worker takes its place.
func (e *PoolExecutor) Submit(job func()) error {
	if job == nil {
		return errNilFunc
	}
	return e.submit(funcJob(job))
}

// executable is a queued job: a func from Submit, or the kernel's own job,
// which is queued as is rather than as a method value that would allocate.
type executable interface{ execute() }

type funcJob func()

func (f funcJob) execute() { f() }

func (e *PoolExecutor) submit(job executable) error {
	if e == nil {
		return errNilExecutor
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.shutdown {
		return ErrExecutorShutdown
	}
	e.queue.push(job)
	if e.workers < e.max || e.max == 0 && e.workers < DefaultWorkers {
		e.workers++
		go e.work()
	}
	return nil
}

func (e *PoolExecutor) work() {
	e.mu.Lock()
	for e.queue.len() > 0 {
		job := e.queue.pop()
		e.mu.Unlock()
		e.execute(job)
		e.mu.Lock()
	}
	e.workers--
	if e.workers == 0 {
		e.idle.Broadcast()
	}
	e.mu.Unlock()
}

// execute runs job on a worker. A job that ends its goroutine with
// runtime.Goexit ends this worker too: another takes its place, so that
// the queue is still served and Shutdown still sees the worker end.
func (e *PoolExecutor) execute(job executable) {
	returned := false
	defer func() {
		if !returned {
			go e.work()
		}
	}()
	job.execute()
	returned = true
}

// Shutdown stops taking jobs and waits until every queued and running job
// has finished, or ctx is done; then it returns an error for which
// errors.Is(err, ErrShutdownTimeout) holds, saying how many workers had not.
// An executor with no job left returns nil, even with a ctx that is done.
// Calling it again waits again.
func (e *PoolExecutor) Shutdown(ctx context.Context) error {
	if e == nil {
		return errNilExecutor
	}
	e.mu.Lock()
	e.shutdown = true
	if e.idle.L == nil { // a zero PoolExecutor
		e.idle.L = &e.mu
	}
	idle := e.workers == 0
	e.mu.Unlock()
	if idle {
		return nil
	}
	done := make(chan struct{})
	go func() {
		e.mu.Lock()
		for e.workers > 0 {
			e.idle.Wait()
		}
		e.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		e.mu.Lock()
		n := e.workers
		e.mu.Unlock()
		if n == 0 { // the last job ended as ctx was done
			return nil
		}
		return fmt.Errorf("%w: %d worker(s) still running jobs", ErrShutdownTimeout, n)
	}
}

// ErrShutdownTimeout is the error of a shutdown that did not finish in time:
// some executor jobs were still running.
var ErrShutdownTimeout = errors.New("aio: executor shutdown timed out")

// job is one function run in an executor for a task. It is its own
// context (cancelled when the await gives up) and its own wake-up, so that
// a round trip allocates little: the job, and the two method values handed
// to the executor and to the loop's inbox.
type job[T any] struct {
	fn    func(context.Context) (T, error)
	state atomic.Int32 // jobPending, jobRunning, jobDone, jobDropped
	loop  *Loop
	wake  wakeup
	jctx  jobCtx

	result T
	err    error
	name   string
}

const (
	jobPending int32 = iota
	jobRunning
	jobDone
	jobDropped // cancelled before it started: never runs
)

// jobCtx is the context a job receives: the awaiting task's values, no
// deadline, and a cancellation of its own, whose Done channel is made only
// if the job asks for it.
type jobCtx struct {
	values context.Context
	mu     sync.Mutex
	done   chan struct{}
	err    error
}

func (c *jobCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *jobCtx) Value(key any) any           { return c.values.Value(key) }

func (c *jobCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	return c.done
}

func (c *jobCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *jobCtx) cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = context.Canceled
	if c.done != nil {
		close(c.done)
	}
}

func (c *jobCtx) String() string { return "aio.jobContext" }

// ToThread runs fn on the loop's default executor and waits for its result,
// asyncio.to_thread: the loop goes on running other tasks meanwhile. fn
// receives a context that is cancelled when the awaiting task's await is
// cancelled: Python's threads cannot be stopped, but a Go job that watches
// its context can stop early.
//
// Cancellation: if ctx is cancelled, ToThread returns a *CancelledError at
// once. A job that had not started never runs; one that is running gets its
// context cancelled, and whatever it returns later is dropped, without error
// and without touching the loop if it has closed. A panic in fn comes back
// as a *PanicError, and a runtime.Goexit in fn (as testing's FailNow calls)
// as ErrGoexit; the loop and the executor go on. A nil fn is an error.
func ToThread[T any](ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	t, err := current(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return RunInExecutor(ctx, t.node.loop.defaultExecutor(), fn)
}

// RunInExecutor is ToThread on the executor ex, asyncio's
// loop.run_in_executor. If ex refuses the job (it is shut down), the error
// is returned.
func RunInExecutor[T any](ctx context.Context, ex Executor, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	t, err := current(ctx)
	if err != nil {
		return zero, err
	}
	if fn == nil {
		return zero, errNilFunc
	}
	if ex == nil {
		return zero, errors.New("aio: RunInExecutor with a nil executor")
	}
	if ctx.Err() != nil {
		return zero, cancelled(ctx)
	}
	l := t.node.loop
	j := &job[T]{fn: fn, name: t.Name(), loop: l}
	j.jctx.values = ctx
	j.wake.t, j.wake.active = t, true
	l.outside++
	if pe, ok := ex.(*PoolExecutor); ok {
		err = pe.submit(j)
	} else {
		err = ex.Submit(j.execute)
	}
	if err != nil {
		l.outside--
		return zero, err
	}
	if err := t.park(ctx, &j.wake); err != nil {
		j.wake.active = false
		j.jctx.cancel()
		if j.state.CompareAndSwap(jobPending, jobDropped) {
			l.outside--
		}
		// A running job finishes on its own; its result is dropped, and
		// its completion only decrements the count of outside work.
		return zero, err
	}
	return j.result, j.err
}

// execute runs on the executor's goroutine.
func (j *job[T]) execute() {
	if !j.state.CompareAndSwap(jobPending, jobRunning) {
		return // dropped before it started
	}
	defer j.complete() // even if fn calls runtime.Goexit
	j.call()
}

// complete hands the finished job to its loop.
func (j *job[T]) complete() {
	j.state.Store(jobDone)
	j.loop.inbox.postRunnable(j)
}

// run is the job's completion, run by the loop from its inbox.
func (j *job[T]) run(*Loop) {
	j.loop.outside--
	j.wake.notify()
}

// call runs the job's function, turning a panic into a *PanicError and a
// runtime.Goexit into ErrGoexit.
func (j *job[T]) call() {
	returned := false
	defer func() {
		if r := recover(); r != nil {
			j.err = &PanicError{Value: r, Stack: debug.Stack(), Task: j.name + " (executor job)"}
		} else if !returned {
			j.err = ErrGoexit
		}
	}()
	j.result, j.err = j.fn(&j.jctx)
	returned = true
}

// defaultExecutor returns the loop's executor, creating it on first use.
func (l *Loop) defaultExecutor() Executor {
	if l.executor == nil {
		l.executor = NewPoolExecutor(l.cfg.workers)
	}
	return l.executor
}

// shutdownExecutor shuts the default executor down at the end of Run,
// waiting for its running jobs up to the configured bound, as asyncio.run
// awaits shutdown_default_executor: the shutdown runs on a goroutine of its
// own while the loop goes on running what the jobs, or anyone, submit to
// it. The shutdown counts as outside work, so the virtual clock stands
// still until it is over.
func (l *Loop) shutdownExecutor() error {
	ex := l.executor
	if ex == nil {
		return nil
	}
	var (
		err  error
		done bool
	)
	l.outside++
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), l.cfg.executorWait)
		serr := ex.Shutdown(ctx)
		cancel()
		l.inbox.post(func() {
			l.outside--
			err, done = serr, true
		})
	}()
	// With the shutdown counted as outside work, the loop cannot find
	// itself deadlocked meanwhile: runUntil returns only once it is done.
	l.runUntil(func() bool { return done })
	return err
}

// DefaultWorkers is the default executor's size when WithWorkers is not
// given, asyncio's min(32, cpu count + 4) rule without the CPU count: Go's
// jobs that block do not hold a core.
const DefaultWorkers = 64

// DefaultExecutorWait bounds how long Run waits for the default executor's
// running jobs at the end, asyncio's shutdown_default_executor timeout.
const DefaultExecutorWait = 5 * time.Minute

// WithWorkers sets the size of the loop's default executor; n < 1 means
// DefaultWorkers.
func WithWorkers(n int) Option { return Option{func(c *config) { c.workers = n }} }

// WithExecutorWait bounds how long Run waits, at its end, for the default
// executor's jobs that are still running; Run reports the ones that did not
// finish. d <= 0 means DefaultExecutorWait, not "do not wait".
func WithExecutorWait(d time.Duration) Option { return Option{func(c *config) { c.executorWait = d }} }
