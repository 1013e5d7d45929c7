package aio

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"unsafe"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/goid"
	"github.com/aio-go/aio/internal/prefetch"
)

// taskState is where a task is in its life.
type taskState uint8

const (
	pending taskState = iota // created, its first step not run yet
	running                  // its step is running
	parked                   // suspended in an await
	done                     // finished
)

// taskBase is the part of a task that does not depend on its result type:
// what the loop schedules, parks and wakes.
type taskBase struct {
	// What a step reads sits in the task's first cache line (a task is
	// 64-byte aligned in its size class): the coroutine, the small fields,
	// and the node's loop, task and context. With 100,000 ready tasks
	// every step finds its task out of the cache, and a second line was a
	// second miss.
	co *coro.Coro
	// The small fields sit together: a task's size decides its allocation
	// class, and spawning is dominated by the allocation.
	state     taskState
	queued    bool   // in the ready queue
	woken     bool   // what the current park waited for has happened
	retrieved bool   // someone has read err
	parkID    uint32 // counts parks, so that a late wake-up finds it stale
	node      node   // the task's cancellation node; its ctx is the task's context

	body taskBody  // the runner of the *Task[T] or *goTask that embeds this
	info *taskInfo // its name and done-callbacks: most tasks share a default

	timer timer // for Sleep

	waiters waitq     // tasks awaiting this one
	wprev   *taskBase // links in wq
	wnext   *taskBase

	err  error
	join *joiner // the Gather or TaskGroup that waits for it
}

// taskInfo is what few tasks have of their own: a name other than their
// kind's, done-callbacks. The tasks without either share their kind's info,
// which keeps a task 16 bytes smaller.
type taskInfo struct {
	name      string
	callbacks []func()
	own       bool // belongs to one task, so callbacks may be added to it
}

// taskBody is the typed side of a task: its coroutine's body (taskRunner,
// goRunner), and the task it runs.
type taskBody interface {
	coro.Body
	task() AnyTask
	debugWrap()
}

// Task is a coroutine function running on the loop, asyncio's Task: it runs
// concurrently with other tasks, one step at a time, and holds its result
// once it has returned. Create one with CreateTask. All its methods must be
// called on the loop's thread (from a task, or a callback of the loop).
type Task[T any] struct {
	taskBase
	fn     func(context.Context) (T, error)
	result T
}

// AnyTask is what every *Task[T] has, whatever T: the view of a task that
// CurrentTask returns and that waiting functions accept.
type AnyTask interface {
	Name() string
	Done() bool
	Cancel(cause error) bool
	Cancelled() bool
	Err() error
	base() *taskBase
}

// TaskOption configures CreateTask, Go, Spawn and the TaskGroup's Go and
// Start. The zero TaskOption changes nothing.
type TaskOption struct {
	set   func(*taskBase)
	eager bool // Eager: kept in the option, which spares a task's field
}

func (o TaskOption) applyTo(t *taskBase) {
	if o.set != nil {
		o.set(t)
	}
}

// applyOptions applies opts to t and reports whether one of them asks for
// an eager start.
func applyOptions(t *taskBase, opts []TaskOption) (eager bool) {
	for _, o := range opts {
		o.applyTo(t)
		eager = eager || o.eager
	}
	return eager
}

// WithName names the task; names appear in errors and debug reports. The
// default is "task".
func WithName(name string) TaskOption {
	return TaskOption{set: func(t *taskBase) { t.info = &taskInfo{name: name, own: true} }}
}

// Default task infos, shared by the tasks that have no name or callbacks of
// their own; never modified.
var (
	infoTask       = &taskInfo{name: "task"}
	infoMain       = &taskInfo{name: "main"}
	infoGather     = &taskInfo{name: "gather"}
	infoThreadsafe = &taskInfo{name: "threadsafe"}
)

// CreateTask starts fn as a new task on the loop of ctx and returns its
// handle, asyncio.create_task. fn runs from the next step of the loop on (at
// once, inside this call, with Eager or WithEagerTasks), with
// a context derived from ctx: it carries ctx's values, and it is cancelled
// when ctx is (when the task that owns ctx is cancelled, or a scope of ctx
// ends), or when the task is cancelled on its own.
//
// The task belongs to the loop: if it is still running when Run's main
// function returns, Run cancels it and waits for it; an error that nobody
// retrieves is reported by Run. To bound a task's life by a block of code,
// prefer a TaskGroup.
//
// CreateTask may be called from any task or callback of the loop. It fails
// with ErrNoTask, ErrWrongTask or ErrLoopClosed when ctx does not belong to a
// loop that is running a step on the caller's thread; fn == nil is an error.
func CreateTask[T any](ctx context.Context, fn func(context.Context) (T, error), opts ...TaskOption) (*Task[T], error) {
	l, err := onLoop(ctx)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errNilFunc
	}
	t := newTask(l, ctx, infoTask, fn)
	l.launch(&t.taskBase, applyOptions(&t.taskBase, opts))
	return t, nil
}

var errNilFunc = errors.New("aio: nil coroutine function")

// errZeroTask is the error of a Task that CreateTask or Spawn did not make.
var errZeroTask = fmt.Errorf("%w: the Task was not made by CreateTask or Spawn", ErrInvalidState)

// Go starts fn as a task owned by the loop, without a handle: a
// fire-and-forget task whose error, if nobody can retrieve it, Run reports.
// It is CreateTask for functions that return only an error.
func Go(ctx context.Context, fn func(context.Context) error, opts ...TaskOption) error {
	if fn == nil {
		return errNilFunc
	}
	l, err := onLoop(ctx)
	if err != nil {
		return err
	}
	t := newGoTask(l, ctx, fn)
	l.launch(&t.taskBase, applyOptions(&t.taskBase, opts))
	return nil
}

// goTask is a task without a result or a handle, for Go and TaskGroup.Go:
// it calls its function as it is, where a Task[struct{}] would need a
// closure to adapt it, an allocation more for every task.
type goTask struct {
	taskBase
	fn func(context.Context) error
}

// taskRunner and goRunner are the tasks seen as their coroutine's body.
// coro.Body needs a Run(*coro.Coro) method, which is the kernel's plumbing:
// on these types it is no part of Task's API. A *Task[T] converts to one for
// nothing, and Run is the same single frame under the task's function.
type (
	taskRunner[T any] Task[T]
	goRunner          goTask
)

// Run is the task's body on its coroutine. It calls the function itself,
// and has no defer: a panic is recovered under it, by the coroutine's own
// recovery, which hands it to Recovered. Every frame under a task's function
// is stack its goroutine must hold, and that the runtime walks for every
// parked task at each collection; without a defer, Run inlines into the
// wrapper that an interface call on a generic type goes through, so that
// they are one frame, not two: 64 bytes less of stack under the function,
// and a frame less for every collection to walk in every parked task (a
// collection with 100,000 parked went from 1,986 to 1,866 ns a task,
// BenchmarkCollectParkedTasks).
func (r *taskRunner[T]) Run(*coro.Coro) {
	t := (*Task[T])(r)
	t.result, t.err = t.fn(&t.node.ctx)
}

// Recovered is called with a panic of the task's function, before its stack
// unwinds (coro.Recoverer).
func (r *taskRunner[T]) Recovered(p any) { recoverTask(&r.taskBase, p) }

// Run is taskRunner's, for a task of Go.
func (r *goRunner) Run(*coro.Coro) {
	t := (*goTask)(r)
	t.err = t.fn(&t.node.ctx)
}

// Recovered is taskRunner's, for a task of Go.
func (r *goRunner) Recovered(p any) { recoverTask(&r.taskBase, p) }

func (r *taskRunner[T]) task() AnyTask { return (*Task[T])(r) }
func (r *goRunner) task() AnyTask      { return (*goTask)(r) }

// debugWrap makes the task's function begin with enterDebug, in debug mode
// (start): Run, which inlines, has no room for the check.
func (r *taskRunner[T]) debugWrap() {
	fn := r.fn
	r.fn = func(ctx context.Context) (T, error) { r.enterDebug(); return fn(ctx) }
}

func (r *goRunner) debugWrap() {
	fn := r.fn
	r.fn = func(ctx context.Context) error { r.enterDebug(); return fn(ctx) }
}

func newGoTask(l *Loop, ctx context.Context, fn func(context.Context) error) *goTask {
	t := &goTask{fn: fn}
	t.start(l, ctx, (*goRunner)(t), infoTask)
	return t
}

func newTask[T any](l *Loop, ctx context.Context, info *taskInfo, fn func(context.Context) (T, error)) *Task[T] {
	t := &Task[T]{fn: fn}
	t.start(l, ctx, (*taskRunner[T])(t), info)
	return t
}

// start links the new task b, whose typed side is body, under ctx's node.
// Its creator then makes it ready (enqueue) or runs its first step
// (launch), once the options are applied and the task has joined its
// Gather or TaskGroup.
func (b *taskBase) start(l *Loop, ctx context.Context, body taskBody, info *taskInfo) {
	b.body, b.info = body, info
	parent := nodeOf(ctx)
	if parent == nil || parent.loop != l || (parent.parent == nil && parent != &l.root) {
		// No node, another loop's, or a detached one (a shield, a scope
		// that has ended): the task still belongs to the loop.
		parent = &l.root
	}
	b.node.init(l, parent, ctx, b)
	if l.debug {
		l.noteCreated(b)
		body.debugWrap()
	}
	if l.live++; l.live > l.peak {
		l.peak = l.live
	}
}

// enqueue makes the new task b ready: its first step runs at the loop's
// next step.
func (l *Loop) enqueue(b *taskBase) {
	b.queued = true
	l.schedule(b)
}

// enterDebug begins a debug-mode task's first step, from its function's
// wrapper (debugWrap): it records the goroutine's numeric id, for the
// watchdog. A new coroutine's goroutine, not known to the loop before it
// runs (see taskBase.run), names itself in the loop's curG as it starts
// (coro.Pool.SetThread).
func (t *taskBase) enterDebug() { t.noteGoroutine() }

// recoverTask turns a panic of the task's function into a *PanicError with
// the task's stack. The coroutine calls it from its deferred recovery,
// while the panicking frames are still there for debug.Stack.
func recoverTask(t *taskBase, p any) {
	t.err = &PanicError{Value: p, Stack: debug.Stack(), Task: t.Name()}
}

// run is one step of the task, called by the loop.
func (t *taskBase) run(l *Loop) {
	t.queued = false
	if t.state == done {
		return
	}
	if t.co == nil {
		if t.node.cancelled {
			// Cancelled before its first step: the function never runs,
			// as a coroutine thrown into before it started.
			t.err = &CancelledError{Cause: t.node.cause()}
			l.finish(t)
			return
		}
		t.co = l.pool.Get(t.body)
	}
	t.state = running
	l.current = t
	if g := t.co.G(); g != 0 && l.curG.Load() != g {
		l.curG.Store(g) // a reused coroutine often has it already
	}
	if l.ready.n > 0 {
		l.warmNext()
	}
	var step *runningStep
	if l.debug {
		step = l.stepBegins(t)
	}
	ended := t.co.Resume()
	l.current = nil
	if l.debug {
		l.stepTook(t, step)
	}
	if ended {
		if p := t.co.End(l.pool); p != nil {
			if p != coro.Goexit {
				panic(p) // the task's Run recovers everything; this is a bug
			}
			// runtime.Goexit in the function: the task ends, its
			// coroutine's goroutine with it, and the loop goes on,
			// naming its own goroutine in place of the ended one
			// (see nested.go).
			t.err = ErrGoexit
			l.curG.Store(l.g)
		}
		t.co = nil
		l.finish(t)
	}
}

// warmNext starts fetching what the next ready tasks' steps will read, so
// that their misses overlap this step instead of stalling theirs: with
// 100,000 ready tasks nothing of them is in the cache, and a step is a
// chain of dependent misses (the task, its coroutine, the goroutine's
// descriptor, the top of its stack). Each step fetches one link further
// down each of the next four tasks, every link read out of a line fetched
// a step before: the fourth task, the third's coroutine, the second's
// descriptor and switch closure, the next one's stack. That took a step
// among 100,000 ready tasks from 470 to 195 ns here (docs/design.md); with
// few ready tasks, everything is cached and it costs nothing measurable.
func (l *Loop) warmNext() {
	q := &l.ready
	if t, ok := (*q.at(0)).(*taskBase); ok && t.co != nil {
		t.co.PrefetchStack()
	}
	if q.n > 1 {
		if t, ok := (*q.at(1)).(*taskBase); ok && t.co != nil {
			t.co.Prefetch()
		}
	}
	if q.n > 2 {
		if t, ok := (*q.at(2)).(*taskBase); ok && t.co != nil {
			prefetch.Line(uintptr(unsafe.Pointer(t.co)))
		}
	}
	if q.n > 3 {
		if t, ok := (*q.at(3)).(*taskBase); ok {
			prefetch.Line(uintptr(unsafe.Pointer(t)))
		}
	}
}

// kill unwinds a task that can never finish (see Loop.shutdown): its
// deferred calls run, as a step of the loop (a Run there is nested), and
// what they panic with becomes its error.
func (t *taskBase) kill() {
	if t.co == nil {
		return
	}
	l := t.node.loop
	l.curG.Store(t.co.G())
	p := t.co.Kill()
	l.curG.Store(l.g) // the task's goroutine has ended (see nested.go)
	switch {
	case p == nil || t.err != nil:
	case p == coro.Goexit:
		t.err = ErrGoexit
	default:
		t.err = &PanicError{Value: p, Task: t.Name()}
	}
	t.co = nil
}

// finish records the end of t: wakes its waiters, runs its callbacks and
// keeps an error nobody will see for Run to report.
func (l *Loop) finish(t *taskBase) {
	t.state = done
	l.live--
	t.node.unlink()
	if !t.waiters.empty() {
		t.retrieved = true
		t.waiters.wakeAll()
	}
	if t.join != nil {
		t.join.taskDone(t)
	}
	if cbs := t.info.callbacks; cbs != nil {
		t.info.callbacks = nil
		for _, cb := range cbs {
			l.callback(cb)
		}
	}
	if t.err != nil && !t.retrieved && !isCancel(t.err) {
		l.unretrieved[t] = struct{}{} // its debug information stays for the report
	} else if l.debugInfo != nil {
		delete(l.debugInfo, t)
	}
}

// fire wakes a task whose sleep is over.
func (t *taskBase) fire(*Loop) { t.wake() }

// Name returns the task's name; a zero Task's is "".
func (t *taskBase) Name() string {
	if t.info == nil {
		return ""
	}
	return t.info.name
}

// Done reports whether the task has finished: returned, failed, panicked or
// been cancelled.
func (t *taskBase) Done() bool { return t.state == done }

// Cancel asks the task to stop, asyncio's Task.cancel: the task's context is
// cancelled with cause (visible through context.Cause), so the await it is
// parked in, and every later await in that context, fails with a
// *CancelledError holding cause. A task cancelled before its first step never
// runs. What the task does then is up to it: it usually returns the error, so
// that awaiting it gives the cancellation; it may clean up first, awaiting
// under Shield. Cancel returns false if the task had finished, true
// otherwise; a second Cancel keeps the first cause. A nil cause means
// context.Canceled.
//
// From a goroutine that is not the loop's thread, Cancel panics and changes
// nothing (see ErrWrongTask). A zero Task, not made by CreateTask or Spawn,
// cannot be cancelled: Cancel returns false.
func (t *taskBase) Cancel(cause error) bool {
	l := t.node.loop
	if l == nil {
		return false
	}
	l.mustOwn("Task.Cancel")
	if t.state == done {
		return false
	}
	t.node.cancel(l, cause)
	return true
}

// Cancelled reports whether the task finished with a cancellation: it was
// cancelled and returned the error, or returned a cancellation of its own.
func (t *taskBase) Cancelled() bool {
	return t.state == done && isCancel(t.err)
}

// Err returns the task's error once it has finished (nil on success), and
// ErrInvalidState before. Reading it counts as retrieving it.
func (t *taskBase) Err() error {
	if t.state != done {
		return ErrInvalidState
	}
	if !t.retrieved {
		t.retrieved = true
		if t.err != nil {
			l := t.node.loop
			delete(l.unretrieved, t)
			if l.debugInfo != nil && t.state == done {
				delete(l.debugInfo, t)
			}
		}
	}
	return t.err
}

func (t *taskBase) base() *taskBase { return t }

// Result returns the task's result and error once it has finished, and
// ErrInvalidState before (asyncio's InvalidStateError). Reading it counts as
// retrieving the error.
func (t *Task[T]) Result() (T, error) {
	if t.state != done {
		var zero T
		return zero, ErrInvalidState
	}
	return t.result, t.Err()
}

// Await waits until the task has finished and returns its result and error.
// If the task has finished already, Await returns at once, without a switch.
//
// Cancellation: if ctx is cancelled while waiting, Await returns a
// *CancelledError and the task goes on running: unlike asyncio, awaiting a
// task does not make it share the awaiter's cancellation (so asyncio.shield
// is not needed to protect it). A task awaiting itself gets ErrAwaitSelf, a
// task of another loop ErrWrongLoop, and a zero Task ErrInvalidState.
func (t *Task[T]) Await(ctx context.Context) (T, error) {
	var zero T
	l := t.node.loop
	if l == nil {
		return zero, errZeroTask
	}
	if l.closed.Load() && t.state == done {
		return t.Result() // a finished task of a closed loop keeps its result
	}
	// The caller is checked before the task is read: from a foreign
	// goroutine, reading the task would be a data race.
	cur, err := current(ctx)
	if err != nil {
		return zero, err
	}
	if cur.node.loop != l {
		return zero, ErrWrongLoop
	}
	if t.state != done {
		if cur == &t.taskBase {
			return zero, ErrAwaitSelf
		}
		t.waiters.add(cur)
		if err := cur.park(ctx, &t.waiters); err != nil {
			return zero, err
		}
	}
	return t.Result()
}

// AddDoneCallback arranges for fn to be called when the task finishes, on the
// loop's thread, in the order the callbacks were added; if it has finished,
// fn is called at once. fn must not block.
//
// A zero Task never finishes: AddDoneCallback panics on one.
func (t *Task[T]) AddDoneCallback(fn func(*Task[T])) {
	if t.node.loop == nil {
		panic(errZeroTask.Error())
	}
	if t.state == done {
		fn(t)
		return
	}
	t.addCallback(func() { fn(t) })
}

func (t *taskBase) addCallback(fn func()) {
	if !t.info.own {
		t.info = &taskInfo{name: t.info.name, own: true}
	}
	t.info.callbacks = append(t.info.callbacks, fn)
}

// CurrentTask returns the task whose context ctx is, if it is running now,
// and nil otherwise, asyncio.current_task. For a task made by CreateTask or
// Spawn it is that *Task[T]; a task started by Go or TaskGroup.Go has no
// handle, and its AnyTask is not a *Task.
func CurrentTask(ctx context.Context) AnyTask {
	t, err := current(ctx)
	if err != nil {
		return nil
	}
	return t.body.task()
}

// current returns the task of ctx if it is the one running now.
func current(ctx context.Context) (*taskBase, error) {
	var t *taskBase
	if c, ok := ctx.(*nodeCtx); ok {
		t = c.node().task
	} else if ctx != nil {
		t, _ = ctx.Value(taskKey).(*taskBase)
	}
	if t == nil {
		return nil, ErrNoTask
	}
	l := t.node.loop
	if me := goid.G(); me != 0 && l.curG.Load() != me {
		// Not the goroutine of the task running now: another goroutine
		// (one a task started, or that it blocks the loop waiting for),
		// the loop itself in a callback, or any goroutine after the loop
		// closed. Only atomics are read here, so the misuse is an error,
		// not a data race. On the running task's goroutine, l.current is
		// safe to read: the loop set it before it resumed that task.
		if l.closed.Load() {
			return nil, ErrLoopClosed
		}
		return nil, ErrWrongTask
	}
	if l.current != t {
		if l.closed.Load() {
			return nil, ErrLoopClosed
		}
		return nil, ErrWrongTask
	}
	return t, nil
}
