package aio

import (
	"context"
	"errors"
)

// Gather runs the functions as concurrent tasks and returns their results in
// argument order, asyncio.gather. It returns when all of them have finished.
//
// On the first error, Gather cancels the other tasks (the cause is that
// error), waits until they have all finished, and returns the error; the
// results are then nil. Unlike asyncio's gather, which leaves the others
// running when one fails, Gather never returns while a task it started still
// runs: nothing it started outlives it, and no error is lost to a task
// nobody awaits.
//
// Cancellation: cancelling ctx cancels every task; Gather waits for them and
// returns the cancellation (its cause travels to the tasks and back).
// A nil function is an error, checked before anything starts.
func Gather[T any](ctx context.Context, fns ...func(context.Context) (T, error)) ([]T, error) {
	res, first, err := gather(ctx, fns, true)
	if err != nil {
		return nil, err
	}
	if first != nil {
		return nil, first
	}
	if ctx.Err() != nil {
		// Cancelled, though every task returned a result (they ignored
		// the cancellation): Gather is an await in a cancelled context.
		return nil, cancelled(ctx)
	}
	out := make([]T, len(res))
	for i, r := range res {
		out[i] = r.Value
	}
	return out, nil
}

// Result is one function's outcome in GatherAll.
type Result[T any] struct {
	Value T
	Err   error
}

// GatherAll runs the functions as concurrent tasks and returns every
// outcome, errors included, in argument order: asyncio.gather with
// return_exceptions=True. An error in one task does not affect the others.
//
// Cancellation: cancelling ctx cancels every task; GatherAll waits for them,
// and returns their outcomes with the cancellation as its error.
func GatherAll[T any](ctx context.Context, fns ...func(context.Context) (T, error)) ([]Result[T], error) {
	res, _, err := gather(ctx, fns, false)
	if err == nil && ctx.Err() != nil {
		err = cancelled(ctx)
	}
	return res, err
}

// gather runs fns in a scope of their own and waits for all of them. With
// failFast, the first error cancels the scope. It returns the outcomes, the
// first error of a task, and an error of its own (bad use).
func gather[T any](ctx context.Context, fns []func(context.Context) (T, error), failFast bool) ([]Result[T], error, error) {
	t, err := current(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, fn := range fns {
		if fn == nil {
			return nil, nil, errNilFunc
		}
	}
	l := t.node.loop
	res := make([]Result[T], len(fns))
	if len(fns) == 0 {
		return res, nil, nil
	}
	scope := &node{}
	scope.init(l, nodeOf(ctx), ctx, t)
	var (
		left  = len(fns)
		first error
		w     = &wakeup{t: t, active: true}
	)
	for i, fn := range fns {
		child := newTask(l, &scope.ctx, "gather", fn)
		child.onDone(func() {
			res[i] = Result[T]{child.result, child.err}
			child.retrieved = true
			delete(l.unretrieved, &child.taskBase)
			if child.err != nil && first == nil {
				first = child.err
				if failFast {
					scope.cancel(l, child.err)
				}
			}
			if left--; left == 0 {
				w.notify()
			}
		})
	}
	for left > 0 {
		// Shielded: an outer cancellation reaches the tasks through the
		// scope, and Gather must wait until they have finished.
		t.park(context.Background(), w)
	}
	w.stop(l)
	scope.unlink()
	return res, first, nil
}

// isCancel reports whether err is a cancellation: an await's
// *CancelledError, or a context's own error that a task returned as is
// (return ctx.Err()).
func isCancel(err error) bool {
	return errors.Is(err, ErrCancelled) || errors.Is(err, context.Canceled)
}
