package gen

import (
	"errors"
	"fmt"
	"iter"
	"sync/atomic"

	"github.com/aio-go/aio/internal/coro"
)

// Yielder is the body's side of a generator: the body yields through it and
// delegates through it (YieldFrom). It is valid only inside the body it was
// given to, on that body's goroutine.
type Yielder[Y, S any] struct {
	co     *coro.Coro
	sw     func(struct{}) bool     // co's switch, called directly by Yield
	next   func() (struct{}, bool) // co's resume, called directly by Send
	status status
	armed  bool           // the finalizer is registered
	owned  atomic.Bool    // another generator delegates to this one
	out    Y              // the value being yielded
	in     S              // the value sent by the last resume
	inErr  error          // the error thrown by it, or how a delegate ended
	deleg  delegate[Y, S] // set while the body delegates
}

// Yield hands v to the caller of the resume in progress and waits for the
// next resume. It returns the value sent (the zero value for Next) and a nil
// error, or the zero value and the error thrown in: by Throw, or
// ErrGeneratorExit from Close. The body decides what to do with an error; a
// body that returns on ErrGeneratorExit lets Close succeed.
//
// Yield panics if called outside the body's run (after the body returned, or
// from another goroutine while the body is suspended).
func (y *Yielder[Y, S]) Yield(v Y) (S, error) {
	y.out = v
	if !y.sw(struct{}{}) {
		panic(coro.Killed)
	}
	return y.in, y.inErr
}

// yieldAfterEnd stands in for the switch once the body has ended, so that a
// Yield through an escaped Yielder fails clearly while Yield itself stays
// small enough to inline.
func yieldAfterEnd(struct{}) bool { panic("gen: Yield outside the generator's body") }

// delegateTo suspends the body while d runs in its place, and returns the
// error that ended d (a *StopIteration for a plain end). A panic in d is
// raised here, so it unwinds the delegating body as it would a caller.
func (y *Yielder[Y, S]) delegateTo(d delegate[Y, S]) error {
	if y.status != running {
		panic("gen: YieldFrom outside the generator's body")
	}
	y.deleg = d
	y.co.Suspend()
	err := y.inErr
	y.inErr = nil
	if p, ok := err.(*delegatePanic); ok {
		panic(p.value)
	}
	return err
}

// YieldFrom delegates to the generator g, Python's `yield from g`: until g
// finishes, every value g yields goes to this generator's caller, and every
// Send, Throw and Close of this generator goes to g. A value passes from the
// innermost generator of a delegation chain to the caller in one coroutine
// round trip, however deep the chain. If g is unstarted, YieldFrom starts it.
//
// When g returns, YieldFrom returns g's result and a nil error; when g ends
// with an error, YieldFrom returns that error (for a Close of this generator,
// ErrGeneratorExit, once g is closed). A panic in g is raised in this body. A
// finished g gives the zero result at once. YieldFrom on this body's own
// generator, or on one that is running, returns ErrRunning. A nil g panics.
//
// While this generator delegates to g it owns g: do not resume g from
// elsewhere until YieldFrom returns.
func YieldFrom[Y, S, R any](y *Yielder[Y, S], g *Generator[Y, S, R]) (R, error) {
	if g == nil {
		panic("gen: YieldFrom of a nil generator")
	}
	return result[R](y.delegateTo(g))
}

// Iterator is the least a value needs for YieldFromIter: a Next that returns
// the next value, or an error that ends it. Return Stop(v) to finish with the
// result v, like Python's `raise StopIteration(v)` in __next__. A value may
// also have any of the methods
//
//	Send(S) (Y, error)
//	Throw(error) (Y, error)
//	Close() error
//
// and YieldFromIter uses them as PEP 380 uses send, throw and close.
type Iterator[Y any] interface {
	Next() (Y, error)
}

// YieldFromIter delegates to a hand-written generator-like value, like
// YieldFrom, with its result of type R given explicitly:
//
//	v, err := gen.YieldFromIter[int](y, &counter{})
//
// Sent values go to it.Send if it has one; without one they are dropped and
// it.Next is called. A Throw goes to it.Throw if it has one; without one the
// error is returned here and it is abandoned (PEP 380). A Close goes to
// it.Close if it has one. An end with Stop(v) of another type than R returns
// an error. A *Generator passed here is delegated to exactly as by YieldFrom.
// A nil it panics.
func YieldFromIter[R, Y, S any](y *Yielder[Y, S], it Iterator[Y]) (R, error) {
	if it == nil {
		panic("gen: YieldFromIter of a nil iterator")
	}
	d, ok := it.(delegate[Y, S])
	if !ok {
		d = &iterDelegate[Y, S]{it: it}
	}
	return result[R](y.delegateTo(d))
}

// YieldFromSeq yields every value of seq in turn, Python's `yield from` an
// iterable: values sent to this generator are dropped. If the body is thrown
// into or closed meanwhile, seq is stopped (its loop body returns false) and
// the error is returned, so the caller treats it as if its own Yield had
// returned it. A nil seq panics.
func YieldFromSeq[Y, S any](y *Yielder[Y, S], seq iter.Seq[Y]) error {
	if seq == nil {
		panic("gen: YieldFromSeq of a nil sequence")
	}
	for v := range seq {
		if _, err := y.Yield(v); err != nil {
			return err
		}
	}
	return nil
}

// result reads a delegate's end as YieldFrom's results.
func result[R any](err error) (R, error) {
	var zero R
	if err == nil {
		return zero, nil
	}
	if st, ok := err.(*StopIteration[R]); ok {
		return st.Value, nil
	}
	if err == ErrStopIteration {
		return zero, nil
	}
	if errors.Is(err, ErrStopIteration) {
		return zero, fmt.Errorf("gen: delegate finished with %T, want a result of type %T", err, zero)
	}
	return zero, err
}
