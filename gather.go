package aio

import "context"

// Gather runs the functions as concurrent tasks and returns their results in
// argument order, asyncio.gather. It returns when all of them have finished.
//
// On the first error, Gather cancels the other tasks (the cause is that
// error), waits until they have all finished, and returns the error; the
// results are then nil. Unlike asyncio's gather, which leaves the others
// running when one fails, Gather never returns while a task it started still
// runs: nothing it started outlives it, and no error is lost to a task
// nobody awaits. Gather returns the first error alone: what the others
// return while they are cancelled is dropped, as asyncio's gather drops it.
// To keep every error, use a TaskGroup (whose *GroupError holds them all)
// or GatherAll.
//
// Cancellation: cancelling ctx cancels every task; Gather waits for them and
// returns the cancellation (its cause travels to the tasks and back).
// A nil function is an error, checked before anything starts.
func Gather[T any](ctx context.Context, fns ...func(context.Context) (T, error)) ([]T, error) {
	g, err := gather(ctx, fns, true)
	if err != nil {
		return nil, err
	}
	if len(fns) > 0 {
		for g.j.pending() { // g.j.wait(), written out (see joiner.wait)
			g.j.wake.t.park(noCancel, &g.j.wake)
		}
		g.end()
	}
	if g.j.first != nil {
		return nil, g.j.first
	}
	if ctx.Err() != nil {
		// Cancelled, though every task returned a result (they ignored
		// the cancellation): Gather is an await in a cancelled context.
		return nil, cancelled(ctx)
	}
	out := make([]T, len(g.children))
	for i, c := range g.children {
		out[i] = c.result
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
	g, err := gather(ctx, fns, false)
	if err != nil {
		return nil, err
	}
	if len(fns) > 0 {
		for g.j.pending() { // g.j.wait(), written out (see joiner.wait)
			g.j.wake.t.park(noCancel, &g.j.wake)
		}
		g.end()
	}
	res := make([]Result[T], len(g.children))
	for i, c := range g.children {
		res[i] = Result[T]{c.result, c.err}
	}
	if ctx.Err() != nil {
		err = cancelled(ctx)
	}
	return res, err
}

// gathering is one Gather: its scope, its joiner and its tasks, in one
// allocation.
type gathering[T any] struct {
	scope    node
	j        joiner
	children []*Task[T]
}

// gather starts fns in a scope of their own; the caller then waits for
// all of them, in its own frame (see joiner.wait), and calls end. With
// failFast, the first error cancels the scope. It returns an error of its
// own for bad use, before anything starts.
func gather[T any](ctx context.Context, fns []func(context.Context) (T, error), failFast bool) (*gathering[T], error) {
	t, err := current(ctx)
	if err != nil {
		return nil, err
	}
	for _, fn := range fns {
		if fn == nil {
			return nil, errNilFunc
		}
	}
	g := &gathering[T]{children: make([]*Task[T], len(fns))}
	if len(fns) == 0 {
		return g, nil
	}
	l := t.node.loop
	g.scope.init(l, nodeOf(ctx), ctx, t)
	g.j.init(t, &g.scope)
	g.j.failFast = failFast
	for i, fn := range fns {
		g.children[i] = newTask(l, &g.scope.ctx, infoGather, fn)
		g.j.add(&g.children[i].taskBase)
		l.launch(&g.children[i].taskBase, false)
	}
	return g, nil
}

// end closes the gathering once its tasks have finished.
func (g *gathering[T]) end() {
	g.j.waited()
	g.scope.unlink()
}

// isCancel reports whether err is a cancellation and nothing else: an
// await's *CancelledError, or a context's own error that a task returned as
// is (return ctx.Err()) or wrapped (fmt.Errorf("...: %w", err)). An error
// that joins a cancellation to another (errors.Join(err, closeErr)) is not
// one, nor is a panic whose value is a cancellation: what a group or a
// scope drops as a cancellation must carry no failure with it.
func isCancel(err error) bool {
	for err != nil {
		if err == ErrCancelled || err == context.Canceled {
			return true
		}
		if is, ok := err.(interface{ Is(error) bool }); ok && (is.Is(ErrCancelled) || is.Is(context.Canceled)) {
			return true
		}
		switch u := err.(type) {
		case *PanicError:
			return false
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			for _, e := range errs {
				if !isCancel(e) {
					return false
				}
			}
			return len(errs) > 0
		default:
			return false
		}
	}
	return false
}
