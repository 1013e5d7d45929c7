package aio

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrCancelled is the cancellation of a task, a scope or a context, Python's
// asyncio.CancelledError. Every error that an await returns because its
// context was cancelled satisfies both errors.Is(err, ErrCancelled) and
// errors.Is(err, context.Canceled), whatever the cause.
var ErrCancelled = errors.New("aio: cancelled")

// ErrTimeout is the error of a timeout scope whose own deadline fired
// (Timeout, TimeoutAt, WaitFor), Python's TimeoutError. Only the scope whose
// deadline fired reports it: the awaits inside see a cancellation, and an
// outer scope or an outside cancel is never mistaken for it. It satisfies
// errors.Is(err, context.DeadlineExceeded).
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string   { return "aio: timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// ErrNoTask is returned when a blocking call gets a context that carries no
// aio task: one that does not come from Run, a task or a scope.
var ErrNoTask = errors.New("aio: the context carries no aio task (call from inside Run)")

// ErrWrongTask is returned when a blocking call gets the context of a task
// that is not the one running now: the context was passed to another task,
// another goroutine or another loop. The loop is not affected.
var ErrWrongTask = errors.New("aio: the context belongs to a task that is not running now (another task, goroutine or loop)")

// ErrLoopClosed is returned by calls on a loop that has finished.
var ErrLoopClosed = errors.New("aio: the event loop is closed")

// ErrNested is Run's error when called from inside a running loop.
var ErrNested = errors.New("aio: Run called from inside a running event loop")

// ErrGoexit is the error of a task whose function called runtime.Goexit (as
// testing's FailNow does): the task ends, its deferred calls having run, and
// the loop goes on. It is also the error of an executor job (ToThread) that
// called runtime.Goexit.
var ErrGoexit = errors.New("aio: the task called runtime.Goexit")

// ErrInvalidState is asyncio's InvalidStateError: a future set twice, the
// result of a future or task read before it is done, a group used after it
// finished.
var ErrInvalidState = errors.New("aio: invalid state")

// ErrAwaitSelf is returned when a task awaits itself, or a future it must
// itself complete in the same call (a deadlock asyncio reports as
// RuntimeError).
var ErrAwaitSelf = errors.New("aio: a task cannot await itself")

// ErrDeadlock is what Run reports when, on the virtual clock, every task
// waits and nothing can wake any of them: no ready task, no timer, no outside
// work. Run's error is then a *DeadlockError, for which errors.Is(err,
// ErrDeadlock) holds.
var ErrDeadlock = errors.New("aio: deadlock: every task is waiting and nothing can wake one")

// CancelledError is the error of an await whose context was cancelled. Cause
// is the context's cause (what was given to Cancel, or the scope or outside
// context that ended it). errors.Is(err, ErrCancelled) and errors.Is(err,
// context.Canceled) hold; the cause is not unwrapped, so that a cancellation
// caused by a timeout is not mistaken for the timeout itself.
type CancelledError struct {
	Cause error
}

func (e *CancelledError) Error() string {
	if e.Cause == nil || e.Cause == context.Canceled || e.Cause == ErrCancelled {
		return ErrCancelled.Error()
	}
	return ErrCancelled.Error() + ": " + e.Cause.Error()
}

// Is makes errors.Is(err, ErrCancelled) and errors.Is(err, context.Canceled)
// hold.
func (e *CancelledError) Is(target error) bool {
	return target == ErrCancelled || target == context.Canceled
}

// cancelled returns the error of an await in the cancelled context ctx.
func cancelled(ctx context.Context) error {
	return &CancelledError{Cause: context.Cause(ctx)}
}

// PanicError is a panic inside a task, turned into an error that travels like
// any other: Value is what the task panicked with, Stack the task's stack at
// the panic.
type PanicError struct {
	Value any
	Stack []byte
	Task  string // the task's name
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("aio: task %q panicked: %v", e.Task, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// TaskError names the task whose error it carries: Run reports the errors
// of tasks that nobody retrieved with it.
type TaskError struct {
	Task string
	Err  error
}

func (e *TaskError) Error() string { return fmt.Sprintf("aio: task %q: %v", e.Task, e.Err) }
func (e *TaskError) Unwrap() error { return e.Err }

// GroupError is the error of a TaskGroup or Gather whose children failed,
// Python's ExceptionGroup: every real error of the children, in the order
// they happened. errors.Is and errors.As see each of them.
type GroupError struct {
	Errs []error
}

func (e *GroupError) Error() string {
	if len(e.Errs) == 1 {
		return "aio: task group: " + e.Errs[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "aio: task group: %d errors:", len(e.Errs))
	for _, err := range e.Errs {
		b.WriteString("\n\t")
		b.WriteString(err.Error())
	}
	return b.String()
}

func (e *GroupError) Unwrap() []error { return e.Errs }
