//aio:library

package aio

import (
	"context"
	"errors"
	"iter"
)

// Async iterators: Python's __aiter__/__anext__ protocol and `async for`.
//
// An async iterator is a value with a Next(ctx) that may await: it returns
// the next value and a nil error, or ErrStopAsyncIteration at the end (any
// other error is a failure). Iterate turns one into a range-over-func
// sequence, so that `async for x in it:` reads
//
//	for x, err := range aio.Iterate(ctx, it) {
//		if err != nil { ... }   // a failure of Next, the last pair
//		...
//	}
//
// A break (or return, or panic) in the loop body stops the iteration and, if
// the iterator has an AClose(ctx) error method (an *AsyncGenerator has),
// awaits it before the range statement ends: cleanup is never left to a
// finalizer (trio's and PEP 533's rule; Python leaves it to the garbage
// collector, or to contextlib.aclosing).

// ErrStopAsyncIteration is the end of an async iteration, Python's
// StopAsyncIteration: an AsyncIterator's Next returns it, or an error for
// which errors.Is holds, when it has no more values.
var ErrStopAsyncIteration = errors.New("aio: StopAsyncIteration")

// AsyncIterator is Python's async iterator: Next awaits the next value.
// It returns ErrStopAsyncIteration once there are no more, and keeps
// returning it.
type AsyncIterator[T any] interface {
	Next(ctx context.Context) (T, error)
}

// AsyncCloser is what an async iterator has when it holds something to
// release (an async generator's body, a connection): Iterate calls AClose
// when the loop stops early.
type AsyncCloser interface {
	AClose(ctx context.Context) error
}

// Iterate returns the values of it as a sequence of (value, nil) pairs, for
// use with range, Python's `async for`. Each step awaits it.Next(ctx). At
// ErrStopAsyncIteration the sequence ends; at any other error it yields
// (zero, err) once and ends, without closing it (the iterator failed; an
// async generator is finished then anyway). If the loop body stops the loop
// early, Iterate awaits it.AClose(ctx), when it has one, before the range
// statement ends; its error, which a range cannot return, is what the
// iterator keeps (AsyncGenerator.Err). A nil it yields an error once.
//
// Cancellation: a cancelled ctx makes Next fail as any await does, and that
// failure is the last pair; an early stop still awaits AClose, under ctx,
// so a cleanup that must await after a cancellation does it under Shield.
func Iterate[T any](ctx context.Context, it AsyncIterator[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if it == nil {
			yield(zero, errNilIterator)
			return
		}
		for {
			v, err := it.Next(ctx)
			if err != nil {
				if !errors.Is(err, ErrStopAsyncIteration) {
					yield(zero, err)
				}
				return
			}
			if !yieldOrClose(ctx, it, yield, v) {
				return
			}
		}
	}
}

var errNilIterator = errors.New("aio: Iterate of a nil AsyncIterator")

// yieldOrClose runs the loop body with v, and closes it if the body stops
// the loop or panics.
func yieldOrClose[T any](ctx context.Context, it AsyncIterator[T], yield func(T, error) bool, v T) (more bool) {
	defer func() {
		if !more {
			if c, ok := it.(AsyncCloser); ok {
				c.AClose(ctx) //nolint:errcheck // kept by the iterator (see Iterate)
			}
		}
	}()
	return yield(v, nil)
}
