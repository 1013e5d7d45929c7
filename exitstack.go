//aio:library

package aio

import (
	"context"
	"errors"
)

// AsyncExitStack is contextlib.AsyncExitStack: a stack of cleanups,
// registered as resources are acquired, that Unwind runs in reverse order,
// awaiting each. It is itself an AsyncContextManager, so
//
//	err := aio.With(ctx, new(aio.AsyncExitStack), func(ctx context.Context, stack *aio.AsyncExitStack) error {
//		conn, err := aio.EnterAsyncContext(ctx, stack, dial(addr))
//		...
//	})
//
// unwinds it when the function returns. The zero value is an empty stack.
// An exit stack belongs to the task that uses it; it is not safe for use by
// several goroutines.
type AsyncExitStack struct {
	exits []func(ctx context.Context, err error) error
}

// PushExit registers exit, Python's push_async_exit: at Unwind it gets the
// error so far (that of the body, as changed by the exits that ran before
// it) and returns the error from then on: the same, another, or nil to
// suppress it. A nil exit is ignored.
func (s *AsyncExitStack) PushExit(exit func(ctx context.Context, err error) error) {
	if exit != nil {
		s.exits = append(s.exits, exit)
	}
}

// Callback registers fn, Python's push_async_callback: at Unwind it runs
// whatever the error so far, and an error it returns is joined to that
// error. A nil fn is ignored.
func (s *AsyncExitStack) Callback(fn func(ctx context.Context) error) {
	if fn != nil {
		s.PushExit(func(ctx context.Context, err error) error { return errors.Join(err, fn(ctx)) })
	}
}

// EnterAsyncContext enters cm and registers its exit on s, Python's
// enter_async_context: it returns cm's resource, or AEnter's error (and
// then registers nothing).
func EnterAsyncContext[T any](ctx context.Context, s *AsyncExitStack, cm AsyncContextManager[T]) (T, error) {
	if cm == nil {
		var zero T
		return zero, errNilWith
	}
	r, err := cm.AEnter(ctx)
	if err != nil {
		return r, err
	}
	s.PushExit(cm.AExit)
	return r, nil
}

// Unwind runs the registered exits, the last registered first, each
// awaited to its end under Shield(ctx), passing err through them (see
// PushExit and Callback), and returns the error they leave. The stack is
// empty afterwards; exits registered while it unwinds run too. A panic in
// an exit goes on after the exits below it have run, with a *PanicError as
// the error so far.
func (s *AsyncExitStack) Unwind(ctx context.Context, err error) error {
	shielded := Shield(ctx)
	for len(s.exits) > 0 {
		exit := s.exits[len(s.exits)-1]
		s.exits = s.exits[:len(s.exits)-1]
		err = s.runExit(shielded, exit, err)
	}
	return err
}

// runExit runs one exit; if it panics, the rest of the stack unwinds with a
// *PanicError and the panic goes on.
func (s *AsyncExitStack) runExit(ctx context.Context, exit func(context.Context, error) error, err error) error {
	ok := false
	defer func() {
		if !ok {
			p := recover()
			s.Unwind(ctx, &PanicError{Value: p, Task: "async exit stack"}) //nolint:errcheck // the panic goes on
			panic(p)
		}
	}()
	err = exit(ctx, err)
	ok = true
	return err
}

// AClose unwinds the stack with no error, Python's aclose().
func (s *AsyncExitStack) AClose(ctx context.Context) error { return s.Unwind(ctx, nil) }

// AEnter returns the stack itself: an AsyncExitStack is an async context
// manager whose exit unwinds it.
func (s *AsyncExitStack) AEnter(context.Context) (*AsyncExitStack, error) { return s, nil }

// AExit unwinds the stack with the body's error.
func (s *AsyncExitStack) AExit(ctx context.Context, err error) error { return s.Unwind(ctx, err) }
