package aio

import (
	"context"
	"fmt"
	"sync"

	"github.com/aio-go/aio/internal/goid"
)

// Thread-safe submission: the only ways into a loop from another goroutine.
// Posts go through the loop's inbox, which wakes the loop once per burst:
// a thousand posts from other goroutines while the loop is busy cost one
// wake-up, not a thousand.

// GetRunningLoop returns the loop of ctx, asyncio.get_running_loop, so that
// a task can hand it to goroutines that must reach the loop later. It fails
// like every loop call when ctx is not the context of the running task.
func GetRunningLoop(ctx context.Context) (*Loop, error) {
	t, err := current(ctx)
	if err != nil {
		return nil, err
	}
	return t.node.loop, nil
}

// RunningTask returns the task of ctx and its loop, CurrentTask and
// GetRunningLoop in one look, for code that needs both: the locks of this
// package identify their holder with it. The error is GetRunningLoop's
// (ErrNoTask, ErrWrongTask, ErrLoopClosed), and then the task is nil. The
// task is that of the running step, not of ctx's creation: the context of
// an async generator's body gives the task that resumed the body now.
func RunningTask(ctx context.Context) (AnyTask, *Loop, error) {
	// current's look, written out: a lock calls this twice a round, and a
	// call less is a sixth of BenchmarkLockUncontended.
	var t *taskBase
	if c, ok := ctx.(*nodeCtx); ok {
		t = c.node().task
	} else if ctx != nil {
		t, _ = ctx.Value(taskKey).(*taskBase)
	}
	if t == nil {
		return nil, nil, ErrNoTask
	}
	l := t.node.loop
	if me := goid.G(); me != 0 && l.curG.Load() != me || l.current != t {
		_, err := current(ctx) // the error, as every call gives it
		return nil, nil, err
	}
	if l.lastAsked != t {
		l.askFor(t)
	}
	return l.lastTask, l, nil
}

// askFor is RunningTask's slow path: a task other than the last one asked
// for, whose AnyTask is a dynamic call away.
func (l *Loop) askFor(t *taskBase) { l.lastAsked, l.lastTask = t, t.body.task() }

// CallSoonThreadsafe arranges for fn to run on the loop as a callback,
// asyncio's call_soon_threadsafe: it may be called from any goroutine. A
// burst of calls costs the loop one wake-up. A call that returns nil runs
// fn exactly once, even while Run shuts down: the loop runs what it has
// accepted before it closes. Once Run has closed the loop's inbox (the
// last step of its shutdown) it returns ErrLoopClosed, and fn never runs.
// A nil fn is an error.
func (l *Loop) CallSoonThreadsafe(fn func()) error {
	if !l.made() {
		return errNoLoop
	}
	if fn == nil {
		return errNilFunc
	}
	if !l.inbox.add(callbackFunc(fn)) {
		return ErrLoopClosed
	}
	return nil
}

// errNoLoop is the error of a thread-safe submission to a nil or zero
// *Loop, one that Run did not make and that will never run anything: for
// errors.Is it is ErrLoopClosed, so code that stops posting to a closed
// loop stops here too.
var errNoLoop = fmt.Errorf("%w: the *Loop is nil or zero, not one that Run made", ErrLoopClosed)

// made reports whether l is a loop that Run made: newLoop sets the inbox's
// loop before the *Loop is handed to anyone, so any goroutine may ask.
func (l *Loop) made() bool { return l != nil && l.inbox.loop != nil }

// post runs fn on the loop thread at its next step; it reports false if
// the loop has closed.
func (l *Loop) post(fn func()) bool { return l.inbox.post(fn) }

// ConcurrentFuture is the result of a coroutine started from another
// goroutine with RunCoroutineThreadsafe, Python's concurrent.futures.Future:
// its methods may be called from any goroutine. A nil or zero
// ConcurrentFuture belongs to no coroutine: its Done channel is closed,
// Wait and Result return an error for which errors.Is(err,
// ErrInvalidState) holds, and Cancel does nothing.
type ConcurrentFuture[T any] struct {
	loop   *Loop
	done   chan struct{}
	once   sync.Once
	result T
	err    error
	mu     sync.Mutex
	task   *Task[T] // set on the loop thread once the task exists
	cause  error    // a Cancel that came before the task existed
	cancel bool
}

func (f *ConcurrentFuture[T]) complete(v T, err error) {
	f.once.Do(func() {
		f.result, f.err = v, err
		close(f.done)
	})
}

// RunCoroutineThreadsafe starts fn as a task of the loop from any
// goroutine, asyncio.run_coroutine_threadsafe, and returns a future for its
// outcome. The task belongs to the loop (Run cancels it at the end, and the
// future then holds the cancellation). A coroutine submitted after main
// returned, while Run shuts down, is accepted like any other, but its task
// is cancelled before its first step, as every task created once Run has
// cancelled the leftovers: its function never runs, and the future
// completes with a *CancelledError whose cause is ErrLoopShutdown. The
// future of an accepted coroutine always completes before Run returns.
// RunCoroutineThreadsafe returns ErrLoopClosed once Run has closed the
// loop's inbox, and an error for a nil fn.
func RunCoroutineThreadsafe[T any](l *Loop, fn func(context.Context) (T, error)) (*ConcurrentFuture[T], error) {
	if !l.made() {
		return nil, errNoLoop
	}
	if fn == nil {
		return nil, errNilFunc
	}
	f := &ConcurrentFuture[T]{loop: l, done: make(chan struct{})}
	ok := l.inbox.post(func() {
		t := newTask(l, &l.root.ctx, infoThreadsafe, fn)
		l.enqueue(&t.taskBase)
		t.retrieved = true // the future hands the error to its waiter
		t.addCallback(func() { f.complete(t.result, t.err) })
		f.mu.Lock()
		f.task = t
		cancel, cause := f.cancel, f.cause
		f.mu.Unlock()
		if cancel {
			t.Cancel(cause)
		}
	})
	if !ok {
		return nil, ErrLoopClosed
	}
	return f, nil
}

// Wait blocks until the task has finished and returns its result and
// error, or returns ctx's error (the task goes on) if ctx is done first. It
// must not be called from a task of the same loop, which it would block.
func (f *ConcurrentFuture[T]) Wait(ctx context.Context) (T, error) {
	if f == nil || f.done == nil {
		var zero T
		return zero, errNoFuture
	}
	select {
	case <-f.done:
		return f.result, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// Done returns a channel that is closed when the task has finished.
func (f *ConcurrentFuture[T]) Done() <-chan struct{} {
	if f == nil || f.done == nil {
		return closedChan
	}
	return f.done
}

// errNoFuture is the error of a nil or zero ConcurrentFuture.
var errNoFuture = fmt.Errorf("%w: the ConcurrentFuture is nil or zero, not one that RunCoroutineThreadsafe made", ErrInvalidState)

// closedChan is the Done channel of a nil or zero ConcurrentFuture.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Result returns the task's result and error once it has finished, and
// ErrInvalidState before.
func (f *ConcurrentFuture[T]) Result() (T, error) {
	if f == nil || f.done == nil {
		var zero T
		return zero, errNoFuture
	}
	select {
	case <-f.done:
		return f.result, f.err
	default:
		var zero T
		return zero, ErrInvalidState
	}
}

// Cancel cancels the task with cause, from any goroutine; the future then
// completes with the task's cancellation. Cancelling a finished task does
// nothing.
func (f *ConcurrentFuture[T]) Cancel(cause error) {
	if f == nil || !f.loop.made() {
		return
	}
	f.loop.inbox.post(func() {
		f.mu.Lock()
		t := f.task
		if t == nil {
			f.cancel, f.cause = true, cause
		}
		f.mu.Unlock()
		if t != nil {
			t.Cancel(cause)
		}
	})
}
