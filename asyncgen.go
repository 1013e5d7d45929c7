package aio

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"time"

	"github.com/aio-go/aio/gen"
	"github.com/aio-go/aio/internal/genfinal"
)

// Async generators, PEP 525: a body that yields values and awaits.
//
// An AsyncGenerator is a gen generator whose body gets a context: the
// context of the task that drives it now. Its ASend, AThrow and AClose are
// called by a task and run the body as part of that task (lend.go): the
// body's awaits park that task, its cancellation is that task's. The body's
// ctx forwards to the context of the call that resumed it, so a generator
// handed from one task to another awaits on behalf of whichever drives it,
// as Python's does.
//
// The rules, those of CPython's test_asyncgen.py where Python has one:
//
//   - One call at a time: an ASend, AThrow or AClose while another is in
//     flight (its task parked in the body) returns ErrAsyncGenRunning and
//     changes nothing.
//   - No return value: the body returns an error only. nil ends the
//     iteration (the ASend that ran it returns ErrStopAsyncIteration); a
//     body that returns ErrStopAsyncIteration itself gets
//     *RaisedStopAsyncIteration (Python's RuntimeError).
//   - AClose throws gen.ErrGeneratorExit in at the suspended Yield; the
//     body's cleanup (its defers) runs and may await; a body that yields
//     again instead gets ErrAsyncGenIgnoredExit from AClose. AClose of an
//     unstarted or finished generator does nothing.
//   - Finalization is never lost and never late: a range loop (All,
//     Iterate) that stops early awaits AClose; a generator dropped while
//     suspended is closed by a task of its loop (asyncio's finalizer hook);
//     Run's shutdown closes every generator still alive, innermost first
//     (asyncgen_final.go).
//   - A yield inside a cancel scope or TaskGroup that the body opened is an
//     error (PEP 789): Yield returns ErrYieldInScope without yielding.

// ErrAsyncGenRunning is the error of an ASend, AThrow or AClose made while
// another is in flight: Python's RuntimeError("anext(): asynchronous
// generator is already running").
var ErrAsyncGenRunning = errors.New("aio: asynchronous generator is already running")

// ErrAsyncGenIgnoredExit is AClose's error when the body yielded after it
// was told to exit. It wraps gen.ErrIgnoredExit. The generator stays
// suspended; a later AClose asks again, and Run's shutdown does.
var ErrAsyncGenIgnoredExit = fmt.Errorf("aio: async generator ignored GeneratorExit (%w)", gen.ErrIgnoredExit)

// RaisedStopAsyncIteration is what a body that returns
// ErrStopAsyncIteration turns into (PEP 479 for async generators): it has no
// Unwrap, so that a loop that stops at the end of iteration does not take the
// bug for an end. The body's error is in Err.
type RaisedStopAsyncIteration struct{ Err error }

func (*RaisedStopAsyncIteration) Error() string {
	return "aio: async generator raised StopAsyncIteration"
}

// AsyncGenerator is Python's async generator: a body that yields values of
// type Y and receives a value of type S at each ASend. Make one with
// NewAsyncGenerator. Its methods are called from tasks of one loop, the
// loop of the task that starts it.
type AsyncGenerator[Y, S any] struct {
	s *agenState[Y, S]
}

// agenState is everything but the handle, so that a dropped handle can be
// noticed (runtime.AddCleanup) while the loop still holds the state.
type agenState[Y, S any] struct {
	g    *gen.Generator[Y, S, struct{}]
	y    AsyncYielder[Y, S]
	ctx  driverCtx // the body's context
	body func(context.Context, *AsyncYielder[Y, S]) error
	loop *Loop
	link agenLink // in the loop's live generators
	// cleanup notices a dropped handle (abandon); stopped at the end, so
	// that a finished generator costs its loop nothing more.
	cleanup runtime.Cleanup
	busy    bool  // a call is in flight
	err     error // how it ended: the body's error, or its cleanup's
	ended   bool
}

// AsyncYielder is the body's side of an async generator.
type AsyncYielder[Y, S any] struct {
	y   *gen.Yielder[Y, S]
	ctx *driverCtx // the body's context
}

// NewAsyncGenerator returns an async generator that will run body from its
// first ASend (or Next) on, as calling a Python async generator function
// does. body yields through y; the ctx it gets is the context of the task
// that drives it now. NewAsyncGenerator panics if body is nil.
func NewAsyncGenerator[Y, S any](body func(ctx context.Context, y *AsyncYielder[Y, S]) error) *AsyncGenerator[Y, S] {
	if body == nil {
		panic("aio: NewAsyncGenerator with a nil body")
	}
	s := &agenState[Y, S]{body: body}
	s.y.ctx = &s.ctx
	s.g = gen.New(s.run)
	genfinal.Disarm(s.g) // the loop finalizes it (asyncgen_final.go)
	return &AsyncGenerator[Y, S]{s: s}
}

func (s *agenState[Y, S]) run(y *gen.Yielder[Y, S]) (_ struct{}, err error) {
	s.y.y = y
	defer func() {
		if s.ctx.unwinding {
			if p := recover(); p != nil && p != errUnwound {
				panic(p)
			}
			err = ErrAsyncGenIgnoredExit
		}
	}()
	err = stopIsABug(s.body(&s.ctx, &s.y))
	return struct{}{}, err
}

// stopIsABug turns a body's ErrStopAsyncIteration into the bug it is.
func stopIsABug(err error) error {
	if err != nil && errors.Is(err, ErrStopAsyncIteration) {
		return &RaisedStopAsyncIteration{Err: err}
	}
	return err
}

// errUnwound is the panic with which Yield unwinds a body that ignored its
// close, when its loop finalizes it (aclose).
var errUnwound = errors.New("aio: async generator unwound")

// Yield hands v to the task awaiting ASend (or Next) and waits for the next
// call. It returns the value sent, or the error thrown in: by AThrow, or
// gen.ErrGeneratorExit from AClose; the body returns on an error it does not
// handle. ctx is the context the body awaits with where it yields: if it is
// not the body's own (the body yields inside a Timeout, CancelScope or
// TaskGroup it opened), Yield returns ErrYieldInScope without yielding, as
// the scope would go on running while code outside it runs (PEP 789).
func (y *AsyncYielder[Y, S]) Yield(ctx context.Context, v Y) (S, error) {
	if ctx != context.Context(y.ctx) {
		if err := checkYieldScope(ctx, y.ctx.cur); err != nil {
			var zero S
			return zero, err
		}
	}
	if y.ctx.unwinding {
		panic(errUnwound)
	}
	sv, err := y.y.Yield(v)
	if y.ctx.unwinding {
		panic(errUnwound)
	}
	return sv, err
}

// ASend resumes the generator with v, Python's agen.asend(v): v becomes the
// result of the Yield the body waits at, and ASend returns the next value
// yielded. The first call starts the body and must carry the zero value
// (gen.ErrNonZeroStart otherwise). When the body returns nil, ASend returns
// ErrStopAsyncIteration, and so does every later ASend; when it returns an
// error, ASend returns that error once. A panic in the body comes out of
// ASend and finishes the generator: later calls report the end, and Err
// returns gen.ErrPanicked. ASend while another call is in flight returns
// ErrAsyncGenRunning.
//
// Cancellation: the body's awaits are the caller's; if ctx is cancelled
// while the body awaits, that await fails, and the body decides (usually it
// returns the error, which ASend returns, and the generator is finished).
func (g *AsyncGenerator[Y, S]) ASend(ctx context.Context, v S) (Y, error) {
	if g == nil {
		var zero Y
		return zero, errZeroAsyncGen
	}
	if s := g.s; s != nil && s.link.live && !s.busy {
		// The steady state, written out: a call level and a defer cost
		// as much as the checks.
		if t, err := current(ctx); err == nil && t.node.loop == s.loop {
			// A store costs less than comparing two interfaces.
			s.busy, s.ctx.cur = true, ctx
			y, err := s.g.Send(v)
			// The handle outlives the call: see the note above inFlight.
			runtime.KeepAlive(g)
			s.busy = false // a panic leaves it set: see inFlight
			if err != nil {
				return y, s.leave(err)
			}
			return y, nil
		}
	}
	s, err := g.enter(ctx)
	if err != nil {
		var zero Y
		return zero, err
	}
	y, err := s.g.Send(v)
	runtime.KeepAlive(g)
	s.busy = false
	return y, s.leave(err)
}

// A call keeps its handle reachable until the body has given control back
// (runtime.KeepAlive): otherwise a handle used for one last call, as in
// NewAsyncGenerator(body).Next(ctx), is unreachable while the body awaits,
// and its cleanup would post a close of a generator that is running: that
// close fails (ErrAsyncGenRunning, reported by Run), and the real one is
// left to Run's end.

// inFlight reports whether a call is in flight: its task waits in the
// body. A call whose body panicked left busy set and the generator
// finished; inFlight records that end.
func (s *agenState[Y, S]) inFlight() bool {
	if !s.busy {
		return false
	}
	if !s.g.Done() {
		return true
	}
	s.busy = false
	s.end(gen.ErrPanicked) // the body panicked: its panic is out
	return false
}

// Next is ASend with the zero value, Python's anext(agen): it makes an
// *AsyncGenerator an AsyncIterator.
func (g *AsyncGenerator[Y, S]) Next(ctx context.Context) (Y, error) {
	var zero S
	return g.ASend(ctx, zero)
}

// AThrow raises err at the Yield the body waits at, Python's agen.athrow:
// if the body handles it and yields, AThrow returns that value; if it
// returns, AThrow reports the end as ASend does. On an unstarted generator
// it finishes it without running the body and returns err; on a finished
// one it returns err. A nil err is an error and changes nothing.
func (g *AsyncGenerator[Y, S]) AThrow(ctx context.Context, err error) (Y, error) {
	var zero Y
	if err == nil {
		return zero, gen.ErrNilThrow
	}
	s, e := g.enter(ctx)
	if e != nil {
		return zero, e
	}
	y, e := s.g.Throw(err)
	runtime.KeepAlive(g)
	s.busy = false
	return y, s.leave(e)
}

// AClose finishes the generator, Python's agen.aclose(): it throws
// gen.ErrGeneratorExit in at the Yield the body waits at and returns when
// the body has returned, its cleanup awaited. It returns nil if the body
// returned nil or the exit; the body's error if its cleanup failed;
// ErrAsyncGenIgnoredExit if the body yielded instead, leaving it suspended.
// A panic in the cleanup comes out of AClose, as from ASend. On an unstarted
// or a finished generator it does nothing and returns nil; called from the
// generator's own body it returns ErrAsyncGenRunning.
//
// Cancellation: the cleanup awaits with ctx; in a cancelled task those
// awaits fail at once, so a cleanup that must await runs under Shield.
func (g *AsyncGenerator[Y, S]) AClose(ctx context.Context) error {
	if g == nil || g.s == nil {
		return errZeroAsyncGen
	}
	if g.s.g.Done() {
		return nil
	}
	s, err := g.enter(ctx)
	if err != nil {
		return err
	}
	err = s.g.Close()
	runtime.KeepAlive(g)
	s.busy = false
	return s.leaveClose(err)
}

// All returns the generator's values as a sequence of (value, nil) pairs,
// Iterate(ctx, g): a failure is the last pair, and a loop that stops early
// awaits AClose before the range statement ends.
func (g *AsyncGenerator[Y, S]) All(ctx context.Context) iter.Seq2[Y, error] {
	return Iterate[Y](ctx, g)
}

// Done reports whether the generator has finished.
func (g *AsyncGenerator[Y, S]) Done() bool { return g != nil && g.s != nil && g.s.g.Done() }

// Err returns how the generator ended once it has: nil if the body returned
// nil or was closed, the body's error otherwise, or what its cleanup
// failed with when a range loop closed it (Iterate cannot return it). Before
// the end it returns nil.
func (g *AsyncGenerator[Y, S]) Err() error {
	if g == nil || g.s == nil {
		return errZeroAsyncGen
	}
	return g.s.err
}

var errZeroAsyncGen = fmt.Errorf("%w: the AsyncGenerator was not made by NewAsyncGenerator", ErrInvalidState)

// enter checks a call of the generator: a handle made by
// NewAsyncGenerator, a caller that is the running task of the generator's
// loop, no call in flight. The first call ties the generator to the loop.
func (g *AsyncGenerator[Y, S]) enter(ctx context.Context) (*agenState[Y, S], error) {
	if g == nil || g.s == nil {
		return nil, errZeroAsyncGen
	}
	s := g.s
	t, err := current(ctx)
	if err != nil {
		return nil, err
	}
	l := t.node.loop
	switch {
	case s.loop == nil:
		s.loop = l
	case s.loop != l:
		return nil, ErrWrongLoop
	}
	if s.inFlight() {
		return nil, ErrAsyncGenRunning
	}
	s.busy = true
	s.ctx.cur = ctx
	if !s.link.live && !s.ended && !s.g.Done() {
		l.agens.add(&s.link, s)
		s.cleanup = runtime.AddCleanup(g, abandon, abandoned{l, &s.link})
	}
	return s, nil
}

// leave ends a call that resumed the body, translating gen's ends.
func (s *agenState[Y, S]) leave(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gen.ErrRunning):
		return ErrAsyncGenRunning
	case errors.Is(err, gen.ErrStopIteration):
		s.end(nil)
		return ErrStopAsyncIteration
	}
	if s.g.Done() {
		s.end(err)
	}
	return err
}

// leaveClose ends an AClose.
func (s *agenState[Y, S]) leaveClose(err error) error {
	if errors.Is(err, gen.ErrIgnoredExit) {
		return ErrAsyncGenIgnoredExit
	}
	if errors.Is(err, gen.ErrRunning) {
		return ErrAsyncGenRunning
	}
	s.end(err)
	return err
}

// end records the end of the generator and takes it off its loop's list.
func (s *agenState[Y, S]) end(err error) {
	if s.ended {
		return
	}
	s.ended, s.err = true, err
	if s.link.live {
		s.loop.agens.remove(&s.link)
		s.cleanup.Stop()
	}
}

// aclose is AClose for the loop's finalization, which holds no handle. A
// body that ignores the close is unwound: each Yield it makes panics, so
// its deferred calls run and its goroutine is free; aclose still reports
// ErrAsyncGenIgnoredExit.
func (s *agenState[Y, S]) aclose(ctx context.Context) error {
	if s.inFlight() {
		return ErrAsyncGenRunning
	}
	if s.g.Done() {
		s.end(nil)
		return nil
	}
	s.busy = true
	s.ctx.cur = ctx
	err := s.g.Close()
	s.busy = false
	err = s.leaveClose(err)
	if err == ErrAsyncGenIgnoredExit {
		s.ctx.unwinding, s.busy = true, true
		var zero S
		_, e := s.g.Send(zero)
		s.busy = false
		if e != nil && !errors.Is(e, ErrAsyncGenIgnoredExit) {
			err = errors.Join(err, e) // its cleanup failed too
		}
		s.end(err)
	}
	return err
}

// driverCtx is an async generator body's context: it forwards to the
// context of the call that resumed the body.
type driverCtx struct {
	cur       context.Context
	unwinding bool // the loop is unwinding a body that ignored its close
}

func (c *driverCtx) Deadline() (time.Time, bool) { return c.cur.Deadline() }
func (c *driverCtx) Done() <-chan struct{}       { return c.cur.Done() }
func (c *driverCtx) Err() error                  { return c.cur.Err() }
func (c *driverCtx) Value(key any) any           { return c.cur.Value(key) }
func (c *driverCtx) String() string              { return "aio.AsyncGeneratorContext" }
