package aio

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/aio-go/aio/internal/coro"
)

// TaskGroup is a nursery, asyncio.TaskGroup and trio's open_nursery: a block
// of code that starts tasks and does not end until all of them have. Create
// one with WithTaskGroup. Its methods must be called on the loop's thread:
// from the block, from the group's tasks, or from any task of the loop.
//
// The rules:
//   - The first task that fails (an error other than a cancellation, or a
//     panic, as a *PanicError with the task's stack) cancels the group: every
//     other task and the block's current await are cancelled, with that
//     error as the cause. An error that joins a cancellation to another
//     (errors.Join(err, closeErr)) is a failure, and so is a panic whose
//     value is a cancellation: only a bare or wrapped cancellation is not.
//   - The block's own error, other than a cancellation, does the same.
//   - WithTaskGroup returns when the block has returned and every task has
//     finished. Its error is a *GroupError holding every real error of the
//     tasks and the block, in the order they happened; a cancellation that
//     came from outside the group gives a plain *CancelledError instead,
//     unless there are real errors, which win.
//   - Cancel cancels the whole group; the block and the tasks see a
//     cancellation, and WithTaskGroup returns nil if nothing else failed
//     (trio's nursery.cancel_scope.cancel()).
//   - Starting a task after the group has failed or finished is an error,
//     and so is starting one in a zero or nil TaskGroup (not made by
//     WithTaskGroup). Once the group is cancelled without a failure
//     (Cancel, or from outside), a new task is accepted but born
//     cancelled: its function never runs (trio's nursery accepts it too).
//   - A panic in the block cancels every task, waits for all of them, and
//     then goes on with its value and stack; the errors the tasks returned
//     meanwhile are reported by Run (a *TaskError holding a *GroupError).
type TaskGroup struct {
	node   node
	owner  *taskBase
	join   joiner
	errs   []error
	failed bool
	ended  bool
	byUser bool // Cancel was called
}

// WithTaskGroup runs fn with a new task group and waits for all the group's
// tasks, as `async with asyncio.TaskGroup() as tg:` does. fn's context
// belongs to the group: it is cancelled when the group is.
//
// Cancellation: when ctx is cancelled, the group's tasks and fn are
// cancelled, WithTaskGroup waits for them all, and returns the cancellation.
// A nil fn is an error.
func WithTaskGroup(ctx context.Context, fn func(ctx context.Context, tg *TaskGroup) error) error {
	// The work is split so that this frame, under fn and its tasks' spawns,
	// stays small (see "Stack depth" in docs/design.md).
	tg, err := newTaskGroup(ctx, fn)
	if err != nil {
		return err
	}
	defer tg.unwind()
	err = fn(&tg.node.ctx, tg)
	tg.bodyReturned(err)
	for tg.join.pending() { // tg.join.wait(), written out (see joiner.wait)
		tg.owner.park(noCancel, &tg.join.wake)
	}
	tg.join.waited()
	return tg.end(err)
}

// unwind runs when WithTaskGroup's frame ends. On a panic in the block (or
// in code between the block and the wait) the group is not left with tasks
// running: it cancels them, waits for them all, and lets the panic go on
// with its value, from the deferred call, so that the stack the panic prints
// or a *PanicError records is still the one of the panic. The errors the
// tasks returned meanwhile travel apart from the panic: Run reports them as
// one *GroupError, so none is lost.
func (tg *TaskGroup) unwind() {
	if tg.ended {
		return
	}
	r := recover()
	if r == coro.Killed {
		panic(r) // the loop unwinds a task it cannot finish: no waiting
	}
	if r == nil {
		// runtime.Goexit in the block: the same unwinding, and the
		// goroutine's exit goes on when this returns.
		tg.fail(errGoexit)
	} else {
		tg.fail(&PanicError{Value: r, Stack: debug.Stack(), Task: tg.owner.Name()})
	}
	tg.join.wait()
	tg.ended = true
	tg.node.unlink()
	if len(tg.errs) > 0 {
		l := tg.owner.node.loop
		l.callbackErrs = append(l.callbackErrs, &TaskError{
			Task: tg.owner.Name() + " (task group ended by a panic)",
			Err:  &GroupError{Errs: tg.errs},
		})
	}
	if r != nil {
		panic(r)
	}
}

var errGoexit = errors.New("aio: runtime.Goexit in a task group's block")

// newTaskGroup makes the group of WithTaskGroup, or returns why it cannot.
func newTaskGroup(ctx context.Context, fn func(ctx context.Context, tg *TaskGroup) error) (*TaskGroup, error) {
	t, err := current(ctx)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errNilFunc
	}
	tg := &TaskGroup{owner: t}
	tg.node.init(t.node.loop, nodeOf(ctx), ctx, t)
	tg.join.init(t, &tg.node)
	tg.join.group = tg
	return tg, nil
}

// bodyReturned takes the error WithTaskGroup's function returned: one that
// is not a cancellation fails the group.
func (tg *TaskGroup) bodyReturned(err error) {
	if err != nil && !isCancel(err) {
		tg.errs = append(tg.errs, err)
		tg.fail(err)
	}
}

// end closes the group once its tasks have finished, and returns
// WithTaskGroup's result; err is what its function returned.
func (tg *TaskGroup) end(err error) error {
	tg.ended = true
	// A cancellation from outside: of the parent, or of a foreign context
	// the group was created under (it reaches the group's node directly).
	var outer error
	if p := tg.node.parent; p != nil && p.cancelled {
		outer = p.cause()
	} else if tg.node.cancelled && !tg.failed && !tg.byUser {
		outer = tg.node.cause()
	}
	tg.node.unlink()
	switch {
	case len(tg.errs) > 0:
		return &GroupError{Errs: tg.errs}
	case outer != nil:
		if isCancel(err) {
			return err
		}
		return &CancelledError{Cause: outer}
	case tg.byUser && isCancel(err):
		return nil
	}
	return err
}

// fail cancels the group because of err, once.
func (tg *TaskGroup) fail(err error) {
	if !tg.failed {
		tg.failed = true
		tg.node.cancel(tg.owner.node.loop, err)
	}
}

// Go starts fn as a task of the group. It returns an error if the group has
// failed or finished, or fn is nil.
func (tg *TaskGroup) Go(fn func(ctx context.Context) error, opts ...TaskOption) error {
	if fn == nil {
		return errNilFunc
	}
	l, err := tg.admit()
	if err != nil {
		return err
	}
	t := newGoTask(l, &tg.node.ctx, fn)
	eager := applyOptions(&t.taskBase, opts)
	tg.join.add(&t.taskBase)
	l.launch(&t.taskBase, eager)
	return nil
}

// Spawn starts fn as a task of the group and returns its handle,
// asyncio's TaskGroup.create_task. Awaiting the handle is allowed but not
// needed: the group waits for it, and collects its error. It returns an error
// if the group has failed or finished, or fn is nil.
func Spawn[T any](tg *TaskGroup, fn func(context.Context) (T, error), opts ...TaskOption) (*Task[T], error) {
	if fn == nil {
		return nil, errNilFunc
	}
	l, err := tg.admit()
	if err != nil {
		return nil, err
	}
	t := newTask(l, &tg.node.ctx, infoTask, fn)
	eager := applyOptions(&t.taskBase, opts)
	tg.join.add(&t.taskBase)
	l.launch(&t.taskBase, eager)
	return t, nil
}

// errZeroGroup is the error of a TaskGroup that WithTaskGroup did not make
// (asyncio: "TaskGroup has not been entered").
var errZeroGroup = fmt.Errorf("%w: the TaskGroup was not made by WithTaskGroup", ErrInvalidState)

// admit checks that the group may take a new task now, from here.
func (tg *TaskGroup) admit() (*Loop, error) {
	if tg == nil || tg.owner == nil {
		return nil, errZeroGroup
	}
	l := tg.owner.node.loop
	if err := l.onThread(); err != nil {
		return nil, err
	}
	if tg.ended {
		return nil, fmt.Errorf("%w: the task group has finished", ErrInvalidState)
	}
	if tg.failed {
		return nil, fmt.Errorf("%w: the task group is shutting down after an error", ErrInvalidState)
	}
	return l, nil
}

// taskDone is the group's part of its joiner's reaction to a task's end.
func (tg *TaskGroup) taskDone(t *taskBase) {
	if t.err != nil && !isCancel(t.err) {
		t.retrieved = true
		tg.errs = append(tg.errs, t.err)
		tg.fail(t.err)
	}
}

// Start starts fn as a task of the group and waits until it calls started,
// trio's nursery.start: for a task that must be ready (listening, connected)
// before the caller goes on. If fn returns before it calls started, Start
// returns fn's error (or an error saying it did not start), and that error
// does not count against the group. If the group is cancelled before the
// task's first step, fn never runs and Start returns the cancellation,
// whichever task calls it. Calling started a second time panics (trio
// raises): the task fails the group with a *PanicError.
//
// Cancellation: if ctx is cancelled while Start waits, Start returns the
// cancellation; the task goes on in the group.
func (tg *TaskGroup) Start(ctx context.Context, fn func(ctx context.Context, started func()) error, opts ...TaskOption) error {
	if fn == nil {
		return errNilFunc
	}
	l, err := tg.admit()
	if err != nil {
		return err
	}
	ready := NewFuture[struct{}]()
	t := newGoTask(l, &tg.node.ctx, func(ctx context.Context) (err error) {
		defer func() {
			if ready.Done() {
				return
			}
			// Before started, the task's failure is Start's, not the
			// group's: a panic included.
			if r := recover(); r != nil {
				if r == coro.Killed {
					panic(r)
				}
				err = &PanicError{Value: r, Stack: debug.Stack(), Task: CurrentTask(ctx).Name()}
			}
			if err == nil {
				err = errNotStarted
			}
			ready.SetError(err)
			err = nil
		}()
		return fn(ctx, func() {
			if ready.Done() {
				panic(errStartedTwice) // trio's RuntimeError
			}
			ready.SetResult(struct{}{})
		})
	})
	eager := applyOptions(&t.taskBase, opts)
	// A task cancelled before its first step (the group was cancelled)
	// never runs the function above: its end answers Start all the same,
	// or a caller outside the group would wait for ever.
	t.addCallback(func() {
		if !ready.Done() {
			ready.SetError(t.err)
		}
	})
	tg.join.add(&t.taskBase)
	l.launch(&t.taskBase, eager)
	_, err = ready.Await(ctx)
	return err
}

var errStartedTwice = errors.New("aio: TaskGroup.Start: started called twice by the same task")

var errNotStarted = errors.New("aio: the task returned without calling started")

// Cancel cancels the group: its tasks and its block. A nil cause means
// context.Canceled. Cancelling a finished group does nothing.
//
// From a goroutine that is not the loop's thread, Cancel panics and changes
// nothing (see ErrWrongTask). Cancelling a zero or nil TaskGroup does
// nothing.
func (tg *TaskGroup) Cancel(cause error) {
	if tg == nil || tg.owner == nil {
		return
	}
	tg.owner.node.loop.mustOwn("TaskGroup.Cancel")
	if tg.ended {
		return
	}
	tg.byUser = true
	tg.node.cancel(tg.owner.node.loop, cause)
}
