//aio:library

package aio

import (
	"context"
	"errors"
	"fmt"
)

// Async context managers: Python's `async with`.
//
// Go's defer is the class form's exit for code that owns its cleanup; an
// AsyncContextManager is for a resource whose setup and cleanup await and
// belong together, handed out by a library: With runs a function for the
// span of the resource, AEnter before, AExit after, whatever the function
// returns or panics with. The generator form, Python's
// @contextlib.asynccontextmanager, is AsyncContextManagerOf: one function
// that sets up, yields the resource once and cleans up, awaiting as it
// likes; the function's error comes back in at its yield.
//
// The exit runs under Shield: a cancellation of the task (the usual reason
// the body ended early) does not interrupt the cleanup's awaits. Bound a
// cleanup that could hang with a Timeout of its own.

// AsyncContextManager is Python's async context manager: AEnter sets up and
// returns the resource (__aenter__); AExit gets the error the body ended
// with (nil on success) and returns the error to pass on (__aexit__): the
// same one, another that replaces it, or nil to suppress it.
type AsyncContextManager[T any] interface {
	AEnter(ctx context.Context) (T, error)
	AExit(ctx context.Context, err error) error
}

// With runs fn with the resource of cm, Python's `async with cm as r:`. If
// AEnter fails, fn does not run and With returns the error. Otherwise AExit
// runs once fn has returned, with fn's error, under Shield(ctx), and With
// returns what AExit returns. If fn panics, AExit gets a *PanicError and the
// panic goes on once it has returned. A nil cm or fn is an error.
func With[T any](ctx context.Context, cm AsyncContextManager[T], fn func(ctx context.Context, r T) error) error {
	if cm == nil || fn == nil {
		return errNilWith
	}
	r, err := cm.AEnter(ctx)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			p := recover()
			cm.AExit(Shield(ctx), &PanicError{Value: p, Task: "async with body"}) //nolint:errcheck // the panic goes on
			panic(p)
		}
	}()
	err = fn(ctx, r)
	ok = true
	return cm.AExit(Shield(ctx), err)
}

var errNilWith = errors.New("aio: With of a nil context manager or function")

// ErrGeneratorDidNotYield is AEnter's error when the generator of an
// AsyncContextManagerOf returned without yielding: Python's
// RuntimeError("generator didn't yield").
var ErrGeneratorDidNotYield = errors.New("aio: async context manager's generator didn't yield")

// ErrGeneratorDidNotStop is AExit's error when the generator of an
// AsyncContextManagerOf yielded a second time: Python's
// RuntimeError("generator didn't stop"). The generator is closed.
var ErrGeneratorDidNotStop = errors.New("aio: async context manager's generator didn't stop")

// GeneratorContextManager is the async context manager of a generator
// function (AsyncContextManagerOf). It is used once, as Python's is: a
// second AEnter returns an error.
type GeneratorContextManager[T any] struct {
	body    func(ctx context.Context, y *AsyncYielder[T, struct{}]) error
	g       *AsyncGenerator[T, struct{}]
	entered bool
}

// AsyncContextManagerOf returns the async context manager of body, Python's
// @contextlib.asynccontextmanager: body sets up, yields the resource once
// with y.Yield, and cleans up; it may await throughout. AEnter runs body up
// to its yield. AExit resumes it: with a nil error, Yield returns nil and
// body must return (its error is AExit's); with the error of the `async
// with` body, Yield returns that error, and what body returns decides:
// nil suppresses it, the same error passes it on, another replaces it. A
// body that does not yield fails AEnter (ErrGeneratorDidNotYield); one that
// yields again fails AExit (ErrGeneratorDidNotStop). A nil body panics.
func AsyncContextManagerOf[T any](body func(ctx context.Context, y *AsyncYielder[T, struct{}]) error) *GeneratorContextManager[T] {
	if body == nil {
		panic("aio: AsyncContextManagerOf with a nil body")
	}
	return &GeneratorContextManager[T]{body: body}
}

// AEnter runs the generator up to its yield and returns the resource.
func (m *GeneratorContextManager[T]) AEnter(ctx context.Context) (T, error) {
	var zero T
	if m.body == nil {
		return zero, fmt.Errorf("%w: the GeneratorContextManager was not made by AsyncContextManagerOf", ErrInvalidState)
	}
	if m.entered {
		return zero, fmt.Errorf("%w: a GeneratorContextManager is used once", ErrInvalidState)
	}
	m.entered = true
	m.g = NewAsyncGenerator(m.body)
	r, err := m.g.Next(ctx)
	switch {
	case errors.Is(err, ErrStopAsyncIteration):
		return zero, ErrGeneratorDidNotYield
	case err != nil:
		return zero, err
	}
	return r, nil
}

// AExit resumes the generator with the body's error and returns the error
// to pass on (see AsyncContextManagerOf).
func (m *GeneratorContextManager[T]) AExit(ctx context.Context, err error) error {
	if m.g == nil {
		return fmt.Errorf("%w: AExit before AEnter", ErrInvalidState)
	}
	if m.g.Done() {
		return err
	}
	var e error
	if err == nil {
		_, e = m.g.Next(ctx)
	} else {
		_, e = m.g.AThrow(ctx, err)
	}
	switch {
	case e == nil: // it yielded again
		return errors.Join(err, ErrGeneratorDidNotStop, m.g.AClose(ctx))
	case errors.Is(e, ErrStopAsyncIteration):
		return nil // finished: no error, or the error suppressed
	}
	return e // the same error passed on, or another that replaces it
}
