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
	// co runs the body; once the body has ended, endedCoro, whose switch
	// makes a Yield through an escaped Yielder fail clearly.
	co     *coro.Coro
	status status
	armed  bool // the finalizer is registered, or never will be (genfinal)
	// unwind tells the next Yield to unwind the inline delegates down to
	// the one that ignored GeneratorExit (see YieldFromFunc).
	unwind bool
	owned  atomic.Bool // another generator delegates to this one
	out    Y           // the value being yielded
	in     S           // the value sent by the last resume
	// err is the error thrown in by the last resume, or how a delegate
	// ended, while the body runs; once it has ended, the body's error.
	err error
	x   *ext[Y, S] // what delegation needs, made by the first one
}

// ext is the part of a Yielder that only delegation uses. Most generators
// never delegate, and every byte of a generator's state is paid at each New
// (BenchmarkNewRun), so it is apart.
type ext[Y, S any] struct {
	deleg delegate[Y, S]   // set while the body delegates (YieldFrom)
	chain *chainInfo[Y, S] // the delegation chain it belongs to, if any
	inl   *inlineState     // made by the first YieldFromFunc
}

// ext returns y.x, made if need be.
func (y *Yielder[Y, S]) ext() *ext[Y, S] {
	if y.x == nil {
		y.x = new(ext[Y, S])
	}
	return y.x
}

// deleg returns the delegate the body delegates to, or nil.
func (y *Yielder[Y, S]) deleg() delegate[Y, S] {
	if y.x == nil {
		return nil
	}
	return y.x.deleg
}

// chain returns the delegation chain the generator belongs to, or nil.
func (y *Yielder[Y, S]) chain() *chainInfo[Y, S] {
	if y.x == nil {
		return nil
	}
	return y.x.chain
}

// inlineState is what a body that has run delegates inline (YieldFromFunc)
// keeps of them and of the GeneratorExits thrown into it: few generators
// delegate inline, so it is apart from the Yielder.
type inlineState struct {
	// depth counts the delegates running inline on this body's stack, the
	// innermost at depth; exits counts the GeneratorExits thrown into the
	// body, exit is the last one; the delegates at depths 1 to old were
	// running when it was thrown.
	depth, exits, old uint32
	exit              error
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
	if !y.co.Switch(struct{}{}) || y.unwind {
		// The coroutine is being killed, or y.unwind asks to unwind the
		// inline delegates down to the one that ignored GeneratorExit
		// (see YieldFromFunc). Either way the panic is coro.Killed, so
		// that Yield stays small enough to inline.
		panic(coro.Killed)
	}
	return y.in, y.err
}

// endedCoro stands in for the coroutine once the body has ended, so that a
// Yield through an escaped Yielder fails clearly while Yield itself stays
// small enough to inline.
var endedCoro = coro.Ended(func(struct{}) bool { panic("gen: Yield outside the generator's body") })

// delegateTo suspends the body while d runs in its place, and returns the
// error that ended d (a *StopIteration for a plain end). A panic in d is
// raised here, so it unwinds the delegating body as it would a caller.
func (y *Yielder[Y, S]) delegateTo(d delegate[Y, S]) error {
	if y.status != running {
		panic("gen: YieldFrom outside the generator's body")
	}
	y.ext().deleg = d
	y.co.Suspend()
	if y.unwind {
		panic(coro.Killed) // d was left behind (see throwExit)
	}
	err := y.err
	y.err = nil
	if p, ok := err.(*delegatePanic); ok {
		raise(p.value) // a Goexit exits this body too
	}
	return err
}

// YieldFrom delegates to the generator g, Python's `yield from g`: until g
// finishes, every value g yields goes to this generator's caller, and every
// Send, Throw and Close of this generator goes to g. A value passes from the
// innermost generator of a delegation chain to the caller in one coroutine
// round trip, however deep the chain. If g is unstarted, YieldFrom starts it.
// To delegate to a new generator that nothing else refers to, YieldFromFunc
// is cheaper.
//
// When g returns, YieldFrom returns g's result and a nil error; when g ends
// with an error, YieldFrom returns that error (for a Close of this generator,
// ErrGeneratorExit, once g is closed). A panic in g is raised in this body. A
// finished g gives the zero result at once. YieldFrom on this body's own
// generator, or on one that is running, returns ErrRunning. A nil g, or a
// zero Generator (one that New did not make), panics.
//
// While this generator delegates to g it owns g: do not resume g from
// elsewhere until YieldFrom returns.
func YieldFrom[Y, S, R any](y *Yielder[Y, S], g *Generator[Y, S, R]) (R, error) {
	if g.unmade() {
		panic("gen: YieldFrom of a nil or zero Generator")
	}
	return result[R](y.delegateTo(g))
}

// YieldFromFunc delegates to a new generator running body, which nothing
// else refers to: Python's `yield from f(x)` for a generator function f. It
// behaves as YieldFrom(y, New(body)), but the delegate has no handle, so it
// needs no coroutine of its own: body runs on this body's stack, with this
// body's Yielder. Its values reach the caller in this generator's own round
// trip, and Send, Throw and Close of this generator reach body at its Yield,
// as PEP 380 forwards them. Starting and ending it costs a function call; a
// recursive generator (a tree walk) costs one coroutine however deep it
// recurses.
//
// When body returns, YieldFromFunc returns its result, or its error (a body
// that returns ErrStopIteration fails with *RaisedStopIteration, PEP 479). If
// a Close of this generator (or a thrown ErrGeneratorExit) reached body and
// body then returns, body was closed: YieldFromFunc returns the
// GeneratorExit error (ErrGeneratorExit, or the one thrown), unless body
// returned an error other than the exit alone (see Generator.Close), which
// it returns. A panic in body is raised here.
//
// One difference from YieldFrom: a body that yields again after a Close
// reached it is unwound at once (its deferred calls run, as when a
// generator is killed), and YieldFromFunc returns ErrIgnoredExit, where a
// delegate with a handle would stay suspended until it is finalized. A nil
// body panics.
func YieldFromFunc[Y, S, R any](y *Yielder[Y, S], body func(*Yielder[Y, S]) (R, error)) (r R, err error) {
	if body == nil {
		panic("gen: YieldFromFunc of a nil body")
	}
	if y.status != running {
		panic("gen: YieldFrom outside the generator's body")
	}
	// PEP 380's close rules are kept by counting the GeneratorExits thrown
	// into this body (inl.exits): if one came while body ran, body was
	// closed. If body yields again after one instead of returning, the
	// resumer sees a yield while the delegate that got it is still running
	// (inl.old) and resumes once more with y.unwind set: that Yield panics,
	// and the panic unwinds every delegate down to that one, whose deferred
	// call below ends it (see throwExit).
	x := y.ext()
	in := x.inl
	if in == nil {
		in = new(inlineState)
		x.inl = in
	}
	exits := in.exits
	in.depth++
	depth := in.depth
	ended := false
	defer func() {
		if ended {
			return
		}
		ignored := depth <= in.old // it got the exit: the unwinding ends here
		in.leave(depth)
		p := recover()
		switch {
		case p == coro.Killed && y.unwind && !ignored:
			panic(p) // a delegate of the one that ignored the exit
		case p == coro.Killed && y.unwind:
			y.unwind = false
			r, err = *new(R), ErrIgnoredExit
		case p != nil:
			panic(p) // body's panic (or the coroutine's kill), raised here
		}
		// runtime.Goexit goes on.
	}()
	v, e := body(y)
	ended = true
	ignored := depth <= in.old
	in.leave(depth)
	if y.unwind && ignored {
		// body recovered the unwinding panic and returned: it ignored
		// the exit all the same.
		y.unwind = false
		return *new(R), ErrIgnoredExit
	}
	if e != nil && errors.Is(e, ErrStopIteration) {
		e = &RaisedStopIteration{Err: e}
	}
	if in.exits != exits && (e == nil || isExit(e)) {
		// Closed: the GeneratorExit goes on in the delegating body.
		return *new(R), in.exit
	}
	if e == nil {
		return v, nil
	}
	return result[R](e)
}

// leave ends the inline delegate at depth.
func (in *inlineState) leave(depth uint32) {
	in.depth = depth - 1
	if depth <= in.old {
		in.old = depth - 1
	}
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
// error is returned here as it was thrown and it is abandoned (PEP 380): a
// thrown ErrStopIteration or Stop(v) is then an error, not its end. A Close
// goes to it.Close if it has one, and an error it returns, an end of
// iteration included, is returned here. An end with Stop(v) of another type
// than R returns an error. A *Generator passed here is delegated to exactly
// as by YieldFrom, and a nil or zero one panics as there. A nil it panics.
func YieldFromIter[R, Y, S any](y *Yielder[Y, S], it Iterator[Y]) (R, error) {
	if it == nil {
		panic("gen: YieldFromIter of a nil iterator")
	}
	d, ok := it.(delegate[Y, S])
	if !ok {
		d = &iterDelegate[Y, S]{it: it}
	} else if g, ok := d.(interface{ unmade() bool }); ok && g.unmade() {
		panic("gen: YieldFromIter of a nil or zero Generator")
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
	if r, ok := err.(*raised); ok {
		return zero, r.err
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
