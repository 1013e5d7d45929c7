package aio

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/goid"
)

// Loop is an event loop: one logical thread that runs tasks one step at a
// time, fires timers and runs callbacks. Run creates one and closes it at
// the end; tasks reach theirs through their context. A Loop's state is
// touched only by the loop's own thread (the goroutine that called Run and
// the coroutines of its tasks, which never run in parallel with it); other
// goroutines reach it through thread-safe submission only.
type Loop struct {
	clock  clock
	pool   *coro.Pool
	ready  ring[runnable]
	timers timerQueue
	inbox  inbox
	rng    *rand.Rand // shuffles the ready order when seeded
	io     *reactor   // I/O readiness, nil until a task registers an fd

	current *taskBase // the task running now, nil between steps
	// lastAsked and lastTask are the task that RunningTask last looked up
	// and its AnyTask: a lock's Acquire and Release ask for the same task
	// in a row, and its AnyTask is a dynamic call away. They keep that one
	// task alive until another is asked for, or the loop is dropped.
	lastAsked *taskBase
	lastTask  AnyTask
	g         uintptr // the goroutine that runs the loop (goid)
	// curG is the goroutine of the task running now (or of the last one):
	// atomic, because the thread check reads it from any goroutine.
	curG  atomic.Uintptr
	root  node     // owner of tasks spawned without a group
	agens agenList // async generators started and not finished
	live  int      // tasks not yet finished
	// peak and lastPeak are the most tasks live at once in this trim
	// period and the one before, which ends at trimAt (see trimPool).
	peak, lastPeak int
	trimAt         time.Time
	outside        int // outside work that may wake the loop (executor jobs)
	// bridges counts the outside contexts whose cancellation may wake the
	// loop (context.AfterFunc registrations).
	bridges    int
	bridgeHead *bridge
	// nodeBridges holds the bridges of nodes created under a foreign
	// context, outside the nodes to keep tasks small.
	nodeBridges map[*node]*bridge
	bridgeTail  *bridge
	closed      atomic.Bool
	cfg         *config
	executor    Executor
	debug       bool
	slowStep    time.Duration
	log         *slog.Logger
	debugInfo   map[*taskBase]*debugInfo // debug mode only
	watch       *watchdog                // debug mode only
	// inCallback is set while a callback runs: calls that do not block
	// accept being made from one.
	inCallback bool
	// goexited is set when a callback called runtime.Goexit: the loop's
	// goroutine is ending, and Run shuts the loop down on its way out.
	goexited bool
	stopping bool // Run's shutdown has begun
	// callbackErrs are the panics of callbacks, for Run to report.
	callbackErrs []error

	// reparked holds the tasks that ParkingLot.Repark moved to another
	// lot than the one they parked in, so that a cancelled one leaves the
	// right lot.
	reparked map[*taskBase]*ParkingLot

	// unretrieved holds finished tasks whose error nobody has retrieved
	// yet; Run reports what is left of them at the end.
	unretrieved map[*taskBase]struct{}
}

// runnable is an entry of the ready queue: a task to resume or a callback.
type runnable interface {
	run(l *Loop)
}

// Option configures Run. The zero Option changes nothing.
type Option struct{ set func(*config) }

func (o Option) applyTo(c *config) {
	if o.set != nil {
		o.set(c)
	}
}

type config struct {
	virtual      bool
	seed         *uint64
	ctx          context.Context
	debug        bool
	slowStep     time.Duration
	logger       *slog.Logger
	signals      bool
	workers      int
	executorWait time.Duration
	portableIO   bool
	eager        bool // WithEagerTasks
}

// WithVirtualClock makes the loop read a virtual clock: it stands still while
// tasks run and, when every task waits on timers alone, jumps to the next
// deadline. An hour of timeouts runs in microseconds, and a program without
// outside input prints the same thing on every run. Loop time starts at
// 2000-01-01 00:00:00 UTC. Without this option the loop reads the machine's
// monotonic clock.
//
// The loop knows of the outside work it started (executor jobs, outside
// contexts it bridges) and does not move the clock, nor report ErrDeadlock,
// while that may still wake a task. It does not know of goroutines that a
// task started on its own and that will call CallSoonThreadsafe later: on
// the virtual clock, time jumps past them, and a task waiting only for them
// gets ErrDeadlock. Run such work with ToThread, or use the real clock.
func WithVirtualClock() Option { return Option{func(c *config) { c.virtual = true }} }

// WithSeed shuffles the order in which ready tasks run, reproducibly: the
// same seed replays the same schedule. Use it to fuzz a program's schedule;
// without it the ready queue is FIFO.
func WithSeed(seed uint64) Option { return Option{func(c *config) { c.seed = &seed }} }

// WithContext makes ctx the parent of the main task's context: its values are
// visible to every task, and its cancellation cancels the main task (and so
// everything the main task's context reaches), as a signal or an HTTP
// request's end would.
func WithContext(ctx context.Context) Option { return Option{func(c *config) { c.ctx = ctx }} }

func newLoop(cfg *config) *Loop {
	if cfg.slowStep <= 0 {
		cfg.slowStep = DefaultSlowStep
	}
	if cfg.workers <= 0 {
		cfg.workers = DefaultWorkers
	}
	if cfg.executorWait <= 0 {
		cfg.executorWait = DefaultExecutorWait
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	l := &Loop{
		cfg:         cfg,
		pool:        coro.NewLocalPool(maxIdleCoros),
		unretrieved: make(map[*taskBase]struct{}),
		debug:       cfg.debug || debugFromEnv(),
		slowStep:    cfg.slowStep,
		log:         cfg.logger,
	}
	l.pool.SetThread(&l.curG) // a task's new coroutine names itself as it starts
	if cfg.virtual {
		l.clock = &virtualClock{}
		l.timers.jumps = true
	} else {
		l.clock = newRealClock()
	}
	if cfg.seed != nil {
		l.rng = rand.New(rand.NewPCG(*cfg.seed, 0x9e3779b97f4a7c15))
	}
	l.inbox.wake = make(chan struct{}, 1)
	l.inbox.loop = l
	l.root.loop = l
	l.root.ctx.parent = context.Background()
	return l
}

// Run creates a loop, runs main as its first task and returns main's result
// and error, like asyncio.run. It blocks until main has returned and the
// loop has shut down.
//
// Shutdown follows asyncio.run, in this order, and the loop keeps running
// throughout, so that what is submitted to it meanwhile runs:
//
//  1. When main returns, every task still running is cancelled (the cause
//     is ErrLoopShutdown) and the loop runs until they have all finished.
//     From then on, a new task (from RunCoroutineThreadsafe, say) is
//     cancelled before its first step: its function never runs.
//  2. The default executor is shut down: Run waits for its running jobs,
//     up to the bound set by WithExecutorWait (5 minutes by default), and
//     reports the jobs that did not finish. Meanwhile the loop runs what
//     the jobs, or any goroutine, post to it, and the virtual clock stands
//     still.
//  3. The loop's inbox closes: CallSoonThreadsafe and
//     RunCoroutineThreadsafe return ErrLoopClosed from then on. What they
//     had accepted runs, once: a callback runs, a coroutine's future
//     completes (with the cancellation of step 1). Callbacks ready then
//     run too; callbacks scheduled after that and timers not yet due are
//     dropped.
//
// Then the loop is closed. The errors of tasks that nobody retrieved (by
// awaiting them, or through Result), other than cancellations, are not
// dropped: each is a *TaskError, reported with the panics of callbacks and
// the executor's shutdown error.
//
// Run's error is main's error as it is when there is nothing else to
// report; otherwise it is main's error joined to the others (Unwrap()
// []error, main's first). If the loop deadlocked (on the virtual clock,
// every task waiting and nothing able to wake one), main's error is inside
// a *DeadlockError, one error for which errors.Is(err, ErrDeadlock) and
// errors.Is(err, main's error) both hold.
//
// Run called from a running loop's thread (a task, a callback, or a
// generator body that one of them resumes, directly or down a chain)
// returns ErrNested without running main; a goroutine that a task starts
// may run a loop of its own. A nil main returns an error. A panic in main
// becomes a *PanicError, and runtime.Goexit in main ErrGoexit.
// runtime.Goexit in a callback (testing's FailNow in a CallSoon function)
// ends Run's goroutine, since nothing can stop a Goexit: Run does not
// return, but the loop first shuts down as it does after main, so that no
// task, async generator or executor worker outlives it.
func Run[T any](main func(ctx context.Context) (T, error), opts ...Option) (T, error) {
	var zero T
	if main == nil {
		return zero, errors.New("aio: Run with a nil function")
	}
	if insideTask() {
		return zero, ErrNested
	}
	cfg := &config{}
	for _, o := range opts {
		o.applyTo(cfg)
	}
	l := newLoop(cfg)
	l.g = goid.G()
	defer l.register()()
	defer l.exitedInCallback()
	parent := context.Context(&l.root.ctx)
	if cfg.ctx != nil {
		parent = mergeParent{Context: &l.root.ctx, outer: cfg.ctx}
	}
	t := newTask(l, parent, infoMain, main)
	l.enqueue(&t.taskBase)
	if cfg.signals {
		defer l.handleSignals(&t.taskBase)()
	}
	if l.debug {
		defer l.startWatchdog()()
	}
	err := l.runUntil(func() bool { return t.state == done })
	if l.debug {
		l.reportPending()
	}
	stuck, executorErr := l.shutdown()
	t.retrieved = true
	delete(l.unretrieved, &t.taskBase)
	others := l.unretrievedErrors()
	others = append(others, l.callbackErrs...)
	others = append(others, executorErr)
	l.close()
	return t.result, runError(t.err, err != nil || stuck != nil, stuck, &t.taskBase, others)
}

// exitedInCallback shuts the loop down if a callback's runtime.Goexit is
// ending Run's goroutine: nothing can stop a Goexit, but the tasks, async
// generators and executor workers the loop started must not outlive it.
// The shutdown is Run's own (the tasks are cancelled and awaited, their
// deferred calls run); its errors have nobody to go to, as Goexit means.
// If the Goexit came during the shutdown itself, the tasks still alive are
// unwound instead.
func (l *Loop) exitedInCallback() {
	if !l.goexited || l.closed.Load() {
		return
	}
	l.goexited = false
	if l.stopping {
		for _, t := range l.liveTasks() {
			t.kill()
			l.finish(t)
		}
	} else {
		l.shutdown()
	}
	l.close()
}

// mergeParent is the main task's parent when Run has an outside context:
// the loop's root for the tree, the outside context for values and
// cancellation.
type mergeParent struct {
	context.Context // the root's nodeCtx
	outer           context.Context
}

func (m mergeParent) Value(key any) any {
	if key == taskKey || key == nodeKey {
		return m.Context.Value(key)
	}
	return m.outer.Value(key)
}
func (m mergeParent) Done() <-chan struct{} { return m.outer.Done() }
func (m mergeParent) Err() error            { return m.outer.Err() }

// runUntil runs the loop until stop reports true.
func (l *Loop) runUntil(stop func() bool) error {
	for !stop() {
		l.inbox.drain()
		if l.ready.len() == 0 {
			if stop() {
				// What the inbox brought was what stop waited for: idling
				// now could move the virtual clock past it.
				return nil
			}
			if err := l.idle(); err != nil {
				return err
			}
			l.inbox.drain()
		}
		if l.timers.entries() > 0 {
			// Reading the clock costs more than a step of a task that
			// yields; it is needed only when a timer may be due.
			now := l.clock.now()
			for {
				f, ok := l.timers.due(now)
				if !ok {
					break
				}
				f.fire(l)
			}
		}
		if l.io != nil {
			l.io.tick(l.ready.len())
		}
		for n := l.ready.len(); n > 0; n-- {
			l.next(n).run(l)
		}
	}
	return nil
}

// next pops the next runnable of a batch of n: the head, or on a seeded loop
// a random one of the batch.
func (l *Loop) next(n int) runnable {
	if l.rng != nil && n > 1 {
		j := l.rng.IntN(n)
		a, b := l.ready.at(0), l.ready.at(j)
		*a, *b = *b, *a
	}
	return l.ready.pop()
}

// idle waits until something can run: a timer is due, an outside
// goroutine submitted work, or an fd a task waits on is ready.
func (l *Loop) idle() error {
	if l.bridges > 0 && l.pollBridges() {
		return nil // a cancellation made on the loop is on its way
	}
	l.trimPool()
	when, ok := l.timers.next()
	if l.inbox.isClosed() {
		// The end of Run's shutdown: nothing from outside can arrive, and
		// only tasks are waited for, not timers alone.
		switch {
		case l.live == 0:
			return nil
		case !ok:
			return ErrDeadlock
		}
		l.clock.wait(when, nil)
		return nil
	}
	if l.clock.virtual() {
		io := l.io != nil && l.io.waiting > 0
		if io && l.io.be.poll() {
			return nil // I/O is ready: time stands still for it
		}
		switch {
		case l.outside > 0 || !l.inbox.empty():
			// Outside work will arrive: time stands still meanwhile.
			l.sleep()
		case ok:
			l.clock.wait(when, nil)
		case l.bridges > 0 || io:
			// Only an outside context, or I/O, can still wake a task.
			l.sleep()
		default:
			return ErrDeadlock
		}
		return nil
	}
	if !ok {
		when = -1
	}
	if l.outside > 0 {
		// An executor job is running on another core and will post its
		// result soon: yielding a few times first often spares the loop's
		// thread a sleep and a wake-up in the kernel.
		for i := 0; i < spinYields && l.inbox.empty(); i++ {
			runtime.Gosched()
		}
		if !l.inbox.empty() {
			return nil
		}
	}
	if l.io != nil {
		l.io.steps = 0
		timeout := int64(-1)
		if when >= 0 {
			timeout = max(when-l.clock.now(), 0)
		}
		l.io.be.block(timeout)
		return nil
	}
	l.clock.wait(when, l.inbox.wake)
	return nil
}

// sleep waits for the inbox, and for I/O if the loop has a reactor.
func (l *Loop) sleep() {
	if l.io != nil {
		l.io.be.block(-1)
		return
	}
	<-l.inbox.wake
}

// trimPool gives back idle coroutines when the loop has nothing to do. The
// loop keeps the coroutines of finished tasks for the next ones, as many as
// its tasks needed at once lately: during the current trim period or the
// one before. A burst's coroutines are given back between one and two
// periods after it, and a burst that comes back within that time (a tree of
// tasks run again and again) finds them. Trimming to the tasks live at the
// moment instead would give them back during every burst's tail, as its
// tasks finish and the loop waits for the last ones, and the next burst
// would start its goroutines anew.
func (l *Loop) trimPool() {
	keep := max(coro.DefaultSize, l.live)
	if l.pool.Idle() <= keep {
		return
	}
	if now := time.Now(); now.After(l.trimAt) {
		l.lastPeak, l.peak = l.peak, l.live
		l.trimAt = now.Add(trimPeriod)
	}
	l.pool.Trim(max(keep, l.peak, l.lastPeak))
}

// trimPeriod is trimPool's period.
const trimPeriod = time.Second

// maxIdleCoros bounds the coroutines a loop keeps for reuse; when it goes
// idle, trimPool gives back those its tasks have not needed lately.
const maxIdleCoros = 1 << 16

// spinYields bounds the yielding before the loop sleeps for outside work.
const spinYields = 16

// schedule appends r to the ready queue.
func (l *Loop) schedule(r runnable) { l.ready.push(r) }
