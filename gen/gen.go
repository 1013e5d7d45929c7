package gen

import (
	"errors"
	"reflect"
	"runtime"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/goid"
)

// status is where a generator is in its life. Only the goroutine that
// resumes the generator reads or writes it (and, once the generator is
// unreachable, its finalizer).
type status uint8

const (
	created   status = iota // New returned it; the body has not run
	suspended               // the body waits in Yield or YieldFrom
	running                 // a resume is in progress
	done                    // the body returned or panicked, or it was closed unstarted
)

// op is what a resume delivers at the suspended Yield.
type op uint8

const (
	opSend  op = iota // a value
	opThrow           // an error
)

// Generator is a Python generator: a body that yields values of type Y,
// receives a value of type S at each resume, and finishes with a result of
// type R and an error. Create one with New: the zero Generator has no body,
// and its methods panic. A Generator is not safe for use by several
// goroutines at once; it may be resumed from different goroutines one after
// another.
type Generator[Y, S, R any] struct {
	s *state[Y, S, R]
}

// state is everything but the handle the caller holds, so that the handle can
// become unreachable (and be finalized) while the body's goroutine still
// refers to the state. Its size is most of what New costs: keep it at 64
// bytes for small Y, S and R (TestStateSize).
type state[Y, S, R any] struct {
	y    Yielder[Y, S] // y.err is the body's error once it has ended
	body func(*Yielder[Y, S]) (R, error)
	stop StopIteration[R] // the body's result; returned by the resume that ends it
}

// New returns a generator that will run body. Nothing runs until the first
// resume (Next, or Send with the zero value), like calling a Python generator
// function. body receives the Yielder through which it yields; its results
// become the generator's Result. New panics if body is nil.
//
// The body must not keep a reference to the Generator that runs it: a
// suspended body's goroutine is reachable, so such a generator is never
// finalized.
func New[Y, S, R any](body func(y *Yielder[Y, S]) (R, error)) *Generator[Y, S, R] {
	if body == nil {
		panic("gen: New with a nil body")
	}
	return &Generator[Y, S, R]{s: &state[Y, S, R]{body: body}}
}

// unmade reports whether g is nil or a zero Generator, which New did not
// make: one that cannot be delegated to.
func (g *Generator[Y, S, R]) unmade() bool { return g == nil || g.s == nil }

// Run is the body's entry point on its coroutine.
func (s *state[Y, S, R]) Run(c *coro.Coro) {
	s.stop.Value, s.y.err = s.body(&s.y)
}

// Send resumes the generator: v becomes the result of the Yield the body is
// suspended at, and Send returns the next value the body yields, with a nil
// error. The first resume starts the body and must carry the zero value
// (Python's send(None)); any other value returns ErrNonZeroStart and leaves
// the generator unstarted.
//
// When the body returns, Send returns a *StopIteration holding the return
// value if the body's error was nil, or the body's error otherwise; every
// later Send returns ErrStopIteration. A panic in the body comes out of Send
// with the same value, and the generator is finished. Send on a generator
// that is executing (from its own body, or through a delegation cycle)
// returns ErrRunning.
func (g *Generator[Y, S, R]) Send(v S) (Y, error) {
	s := g.s
	if s.y.status == suspended && s.y.armed && (s.y.x == nil || s.y.x.deleg == nil && s.y.x.chain == nil) {
		// The steady state, kept short and apart from the rest so that its
		// frame stays small: one switch there and back. Every switch into
		// the body goes through coro's ResumeFrom, or here Lend and Next,
		// its two halves written out so that the switch is one call level
		// nearer: they record who makes it (coro.ResumerOf) and lend a
		// loop's thread identity to the body when a task resumes it: the
		// body runs as part of that task (its awaits park the task,
		// aio.Run refuses to nest there).
		s.y.in, s.y.err, s.y.status = v, nil, running
		if coro.Threads.Load() != 0 {
			if slot := s.y.co.Lend(); slot != nil {
				s.y.co.Next()
				slot.Store(s.y.co.Resumer)
			} else {
				s.y.co.Next()
			}
		} else {
			s.y.co.Resumer = goid.G()
			s.y.co.Next()
		}
		if !s.y.co.Finished && s.y.deleg() == nil {
			s.y.status = suspended
			return s.y.out, nil
		}
		return g.afterSend()
	}
	if s.chainRoot() {
		// The root of a delegation chain: straight to the innermost
		// delegate, as few call levels above its switch as can be.
		y, err, p := s.sendDeep(v)
		g.after(p)
		return y, err
	}
	return g.send(v)
}

// chainRoot reports whether the generator is suspended delegating and no
// other generator delegates to it: a send goes straight to its innermost
// delegate (sendDeep).
func (s *state[Y, S, R]) chainRoot() bool {
	return s.y.status == suspended && s.y.x != nil && s.y.x.deleg != nil && !s.y.owned.Load()
}

// afterSend finishes a fast-path Send whose body ended or began delegating.
func (g *Generator[Y, S, R]) afterSend() (Y, error) {
	y, err, p := g.s.afterResume(g.s.y.co.Finished)
	g.after(p)
	return y, err
}

func (g *Generator[Y, S, R]) send(v S) (Y, error) {
	if g.s.busy() {
		var zero Y
		return zero, ErrRunning
	}
	if g.s.y.status == created {
		if !reflect.ValueOf(&v).Elem().IsZero() {
			var zero Y
			return zero, ErrNonZeroStart
		}
		return g.Next() // the start, on Next's short path
	}
	y, err, p := g.s.step(opSend, v, nil)
	g.after(p)
	return y, err
}

// Next resumes the generator with the zero value of S: Send(zero), Python's
// next(g). It is how an iterator-style generator is driven.
func (g *Generator[Y, S, R]) Next() (Y, error) {
	s := g.s
	if s.y.x == nil || s.y.x.deleg == nil && s.y.x.chain == nil {
		// Send's fast path, and the start of a generator: the switch
		// is one call level down from the caller, as every level around
		// it costs a mispredicted return when the switch comes back.
		var zero S
		switch {
		case s.y.status == suspended && s.y.armed:
			s.y.in, s.y.err, s.y.status = zero, nil, running
			if coro.Threads.Load() != 0 {
				if slot := s.y.co.Lend(); slot != nil {
					s.y.co.Next()
					slot.Store(s.y.co.Resumer)
				} else {
					s.y.co.Next()
				}
			} else {
				s.y.co.Resumer = goid.G()
				s.y.co.Next()
			}
			if !s.y.co.Finished && s.y.deleg() == nil {
				s.y.status = suspended
				return s.y.out, nil
			}
			return g.afterSend()
		case s.y.status == created:
			s.y.co = coro.Default.Get(s)
			s.y.status = running
			s.y.co.ResumeFrom()
			return g.afterSend()
		}
	} else if s.chainRoot() {
		var zero S
		y, err, p := s.sendDeep(zero)
		g.after(p)
		return y, err
	}
	if s.busy() {
		var zero Y
		return zero, ErrRunning
	}
	var zero S
	y, err, p := s.step(opSend, zero, nil)
	g.after(p)
	return y, err
}

// Throw raises err at the Yield where the body is suspended: that Yield
// returns err. If the body handles it and yields again, Throw returns the
// value yielded; if the body returns, Throw reports the end as Send does (so a
// body that passes err on makes Throw return err). Throw on an unstarted
// generator finishes it without running the body and returns err (an end of
// iteration as *RaisedStopIteration, PEP 479), as does Throw on a finished
// one (err as it is). A nil err returns ErrNilThrow, and Throw on a generator
// that is executing returns ErrRunning; neither changes anything.
func (g *Generator[Y, S, R]) Throw(err error) (Y, error) {
	if err == nil {
		var zero Y
		return zero, ErrNilThrow
	}
	if g.s.busy() || g.s.y.status == running {
		// Checked before throwExit, which counts the exit as thrown.
		var zero Y
		return zero, ErrRunning
	}
	var (
		y Y
		p any
	)
	if errors.Is(err, ErrGeneratorExit) {
		y, err, p = g.s.throwExit(err)
	} else {
		var zero S
		y, err, p = g.s.step(opThrow, zero, err)
	}
	g.after(p)
	return y, err
}

// Close asks the generator to finish: the body's Yield returns
// ErrGeneratorExit, and a body that then returns with any result and a nil
// error or the exit alone makes Close return nil. The exit alone is
// ErrGeneratorExit, an error whose Is method reports it, or wrappers of
// those and nothing else: every error at the end of the error's tree
// (followed through Unwrap) is an exit. Any other error, an error that wraps
// a cleanup's failure beside the exit included (fmt.Errorf("%w (while
// closing: %w)", errCleanup, exit)), is a failure while handling the exit,
// and Close returns it, as Python's close() propagates an exception raised
// while handling GeneratorExit. If the body yields again, Close returns
// ErrIgnoredExit and the generator stays suspended at that yield, so a
// second Close asks again. What a closed body returns is Result's (the value
// Python 3.13's close() returns). Closing an unstarted generator
// finishes it without running the body; closing a finished one does nothing.
// A delegating generator closes its delegate first. A panic in the body comes
// out of Close with the same value.
func (g *Generator[Y, S, R]) Close() error {
	if g.s.busy() {
		return ErrRunning
	}
	err, p := g.s.close()
	g.after(p)
	return err
}

// Result returns the body's return value and error once the generator has
// finished, and ErrNotDone before: what the body returned, so after a Close
// usually ErrGeneratorExit. A generator closed before it started has the zero
// result and a nil error; one thrown into before it started has the zero
// result and the thrown error; one whose body panicked has an error saying
// so.
func (g *Generator[Y, S, R]) Result() (R, error) {
	s := g.s
	if s.y.status != done {
		var zero R
		return zero, ErrNotDone
	}
	return s.stop.Value, s.y.err
}

// Done reports whether the generator has finished.
func (g *Generator[Y, S, R]) Done() bool { return g.s.y.status == done }

// after re-raises a body's panic (or Goexit) in the caller, and arms the
// finalizer the first time the generator is left suspended: only then does
// it hold a goroutine that must not outlive it.
func (g *Generator[Y, S, R]) after(p any) {
	if p != nil {
		raise(p)
	}
	if s := g.s; !s.y.armed && s.y.status == suspended {
		g.arm()
	}
}

func (g *Generator[Y, S, R]) arm() {
	if s := g.s; !s.y.armed {
		s.y.armed = true
		runtime.AddCleanup(g, (*state[Y, S, R]).finalize, s)
	}
}

// step is the whole resume protocol; Send, Next, Throw, delegation and Close
// are built on it. It returns the yielded value, or the end (a stop or an
// error), or the body's panic value, which the public methods re-raise.
func (s *state[Y, S, R]) step(o op, v S, err error) (Y, error, any) {
	if s.y.status == suspended && s.y.deleg() == nil {
		// The innermost generator of a delegation chain takes this path
		// for every value: keep it as short as Send's.
		s.y.in, s.y.err, s.y.status = v, err, running
		if coro.Threads.Load() != 0 {
			if slot := s.y.co.Lend(); slot != nil {
				s.y.co.Next()
				slot.Store(s.y.co.Resumer)
			} else {
				s.y.co.Next()
			}
		} else {
			s.y.co.Resumer = goid.G()
			s.y.co.Next()
		}
		if !s.y.co.Finished && s.y.deleg() == nil {
			s.y.status = suspended
			return s.y.out, nil, nil
		}
		return s.afterResume(s.y.co.Finished)
	}
	var zero Y
	switch s.y.status {
	case running:
		return zero, ErrRunning, nil
	case done:
		if o == opThrow {
			return zero, err, nil
		}
		return zero, ErrStopIteration, nil
	case created:
		if o == opThrow {
			// The error is raised where the body would start, so it
			// ends the body at once, PEP 479 included.
			if errors.Is(err, ErrStopIteration) {
				err = &RaisedStopIteration{Err: err}
			}
			s.y.status, s.y.err = done, err
			return zero, err, nil
		}
		s.y.co = coro.Default.Get(s)
	case suspended:
		if d := s.y.deleg(); d != nil {
			return s.forward(d, o, v, err)
		}
	}
	s.y.in, s.y.err = v, err
	return s.resume()
}

// resume runs the body from where it waits until it yields, finishes or
// panics. When the body starts delegating, resume runs the delegate's first
// step right away, so the caller gets the delegate's first value from this
// same call.
func (s *state[Y, S, R]) resume() (Y, error, any) {
	s.y.status = running
	s.y.co.ResumeFrom()
	return s.afterResume(s.y.co.Finished)
}

// afterResume follows a resume of the body: the body yielded, ended, or
// started delegating. In the last case it runs the delegate's first step,
// and resumes the body again if the delegate ends at once.
func (s *state[Y, S, R]) afterResume(ended bool) (Y, error, any) {
	for {
		if ended {
			return s.finish(s.y.co.End(coro.Default))
		}
		d := s.y.deleg()
		if d == nil {
			s.y.status = suspended
			return s.y.out, nil, nil
		}
		s.startDelegation(d)
		var zero S
		y, err, p := d.step(opSend, zero, nil)
		if err == nil && p == nil {
			s.y.status = suspended
			return y, nil, nil
		}
		s.endDelegation(err, p)
		s.y.co.ResumeFrom()
		ended = s.y.co.Finished
	}
}

// finish records the body's end and frees what the generator no longer
// needs; the coroutine is back in its pool already.
func (s *state[Y, S, R]) finish(p any) (Y, error, any) {
	var (
		zy Y
		zs S
	)
	// Every pointer written here costs a write barrier while the GC
	// marks, and a run-to-the-end generator pays that on its one resume:
	// y.err already holds the body's error (Run, kill).
	s.y.status, s.y.co = done, endedCoro
	s.y.out, s.y.in = zy, zs
	if p != nil {
		s.y.err = ErrPanicked
		if p == coro.Goexit {
			s.y.err = ErrGoexit
		}
		return zy, nil, p
	}
	if s.y.err == nil {
		return zy, &s.stop, nil
	}
	if errors.Is(s.y.err, ErrStopIteration) {
		s.y.err = &RaisedStopIteration{Err: s.y.err}
	}
	return zy, s.y.err, nil
}

// raise passes on to the caller what a body's end left, as iter.Pull's next
// does: its panic, with the same value, or its runtime.Goexit, which ends the
// caller's goroutine too.
func raise(p any) {
	if p == coro.Goexit {
		runtime.Goexit()
	}
	panic(p)
}

// throwExit throws err, a GeneratorExit, into the body. If the body yields
// while an inline delegate that was running when err came is still running
// (YieldFromFunc), the innermost such delegate ignored the exit: it is
// unwound, and its delegating body goes on from its YieldFromFunc, as many
// times as it takes. A generator it was delegating to with YieldFrom is left
// behind, suspended, as a delegate that ignores its owner's close is.
func (s *state[Y, S, R]) throwExit(err error) (Y, error, any) {
	var in *inlineState
	if s.y.x != nil {
		in = s.y.x.inl
	}
	if in != nil {
		in.exits++
		in.old, in.exit = in.depth, err
	}
	var zero S
	y, e, p := s.step(opThrow, zero, err)
	for e == nil && p == nil && in != nil && in.old > 0 && s.y.status == suspended {
		s.y.unwind = true
		if s.y.deleg() != nil {
			s.endDelegation(nil, nil)
		}
		y, e, p = s.step(opSend, zero, nil) // the Yield panics at once
	}
	if in != nil && in.depth == 0 {
		in.exit = nil
	}
	return y, e, p
}

// close is Close's protocol, also used to close a delegate.
func (s *state[Y, S, R]) close() (error, any) {
	switch s.y.status {
	case created:
		s.y.status = done
		return nil, nil
	case done:
		return nil, nil
	case running:
		return ErrRunning, nil
	}
	_, err, p := s.throwExit(ErrGeneratorExit)
	switch {
	case p != nil:
		return nil, p
	case err == nil:
		return ErrIgnoredExit, nil
	case err == error(&s.stop) || isExit(err):
		return nil, nil
	}
	return err, nil
}
