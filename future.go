package aio

import (
	"context"
	"errors"
	"sync/atomic"
	"unsafe"
)

// Future is a result that will be set later, asyncio's Future: tasks await it,
// some code sets it once. The zero Future is ready to use. A Future belongs to
// one loop: set and await it from that loop's thread only (from another
// goroutine, go through CallSoonThreadsafe).
//
// A Future belongs to the loop of the first task that awaits it: a task of
// another loop that awaits it then gets ErrWrongLoop, in every mode. In
// debug mode, SetResult, SetError and Cancel from a goroutine that is not
// that loop's thread change nothing (SetResult and SetError return
// ErrWrongTask, Cancel panics) and are logged; outside debug mode they are
// not checked, as asyncio checks the thread only in debug mode: the check
// would cost a future's hop between two tasks 5%. Such a call is then a
// data race, which corrupts the loop if a task waits on the future; a
// goroutine sets a future through CallSoonThreadsafe. A Future that no task
// has awaited yet is not checked in any mode.
type Future[T any] struct {
	waiters   waitq
	loop      atomic.Pointer[Loop] // the loop of its first awaiter
	done      bool
	retrieved bool
	result    T
	err       error
	callbacks *[]func(*Future[T]) // rare: allocated on first use, to keep a Future small
}

// NewFuture returns a pending future.
func NewFuture[T any]() *Future[T] { return new(Future[T]) }

// SetResult completes the future with v and wakes its waiters. It returns
// ErrInvalidState if the future is done already (set, failed or cancelled),
// and then changes nothing.
func (f *Future[T]) SetResult(v T) error {
	if l := f.loop.Load(); l != nil && l.debug {
		if err := l.checkThread("Future.SetResult"); err != nil {
			return err
		}
	}
	if f.done {
		return ErrInvalidState
	}
	f.result = v
	f.complete()
	return nil
}

// SetError completes the future with err, which its awaiters get. It
// returns ErrInvalidState if the future is done already, and an error if
// err is nil.
func (f *Future[T]) SetError(err error) error {
	if err == nil {
		return errors.New("aio: Future.SetError with a nil error")
	}
	if l := f.loop.Load(); l != nil && l.debug {
		if err := l.checkThread("Future.SetError"); err != nil {
			return err
		}
	}
	if f.done {
		return ErrInvalidState
	}
	f.err = err
	f.complete()
	return nil
}

// Cancel completes the future with a *CancelledError holding cause, so that
// its awaiters fail with it. It returns false if the future was done already.
func (f *Future[T]) Cancel(cause error) bool {
	if l := f.loop.Load(); l != nil && l.debug {
		l.mustOwn("Future.Cancel")
	}
	if f.done {
		return false
	}
	if cause == nil {
		cause = context.Canceled
	}
	f.err = &CancelledError{Cause: cause}
	f.complete()
	return true
}

func (f *Future[T]) complete() {
	f.done = true
	if !f.waiters.empty() {
		f.retrieved = true
		f.waiters.wakeAll()
	}
	if f.callbacks != nil {
		for _, cb := range *f.callbacks {
			cb(f)
		}
		f.callbacks = nil
	}
}

// Done reports whether the future has a result, an error or a cancellation.
func (f *Future[T]) Done() bool { return f.done }

// Cancelled reports whether the future was cancelled.
func (f *Future[T]) Cancelled() bool { return f.done && isCancel(f.err) }

// Result returns the future's result and error once it is done, and
// ErrInvalidState before.
func (f *Future[T]) Result() (T, error) {
	if !f.done {
		var zero T
		return zero, ErrInvalidState
	}
	f.retrieved = true
	return f.result, f.err
}

// Await waits until the future is done and returns its result and error. A
// future that is done already returns at once, without a switch.
//
// Cancellation: if ctx is cancelled while waiting, Await returns a
// *CancelledError and the future is left as it was (pending, for others to
// await and set).
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	var zero T
	// The caller is checked before the future is read: from a foreign
	// goroutine, reading the future would be a data race. After the loop
	// has closed, nothing runs any more, and a done future keeps its result.
	t, err := current(ctx)
	if errors.Is(err, ErrLoopClosed) && f.done {
		return f.Result()
	}
	if err != nil {
		return zero, err
	}
	if err := f.bind(t.node.loop); err != nil {
		return zero, err
	}
	if !f.done {
		f.waiters.add(t)
		if err := t.park(ctx, &f.waiters); err != nil {
			return zero, err
		}
	}
	return f.Result()
}

// bind makes l the future's loop if it has none, and refuses another.
func (f *Future[T]) bind(l *Loop) error {
	switch f.loop.Load() {
	case l:
		return nil
	case nil:
		// The first task to await it, on its loop's thread. A plain
		// store, not a compare-and-swap, whose lock prefix was 4% of a
		// future ping-pong's profile: two loops can both see nil only
		// if they bind one future at the same instant, a data race that
		// -race reports.
		*(**Loop)(unsafe.Pointer(&f.loop)) = l
		return nil
	}
	return ErrWrongLoop
}

// AddDoneCallback arranges for fn to be called when the future is done, in
// the order the callbacks were added, by the code that completes it; if the
// future is done already, fn is called at once. fn must not block.
func (f *Future[T]) AddDoneCallback(fn func(*Future[T])) {
	if f.done {
		fn(f)
		return
	}
	if f.callbacks == nil {
		f.callbacks = new([]func(*Future[T]))
	}
	*f.callbacks = append(*f.callbacks, fn)
}

// Awaitable is anything a task can wait for: *Task[T], *Future[T], or a type
// of your own with the same Await method.
type Awaitable[T any] interface {
	Await(ctx context.Context) (T, error)
}

// Await waits for a, asyncio's await: a.Await(ctx).
func Await[T any](ctx context.Context, a Awaitable[T]) (T, error) {
	if a == nil {
		var zero T
		return zero, errors.New("aio: Await of nil")
	}
	return a.Await(ctx)
}
