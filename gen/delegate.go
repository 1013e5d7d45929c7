package gen

import (
	"errors"

	"github.com/aio-go/aio/internal/coro"
)

// Delegation (PEP 380) without a switch per level.
//
// A naive `yield from` chain resumes each level from the one above: a value
// from the innermost of 16 nested generators would cost 16 coroutine round
// trips. Instead, a delegating body suspends and hands its delegate to the
// resume that is in progress (Yielder.deleg); from then on the generator's
// step calls the delegate's step directly, on the caller's goroutine, and the
// body is resumed only when the delegate ends. Only the innermost generator
// switches.
//
// Calls still nest one level per generator, so the generator the caller
// holds (the root of the chain) caches the chain below it in path and sends
// straight to the innermost delegate. When that delegate ends, its parent is
// resumed through resumeWith, and so on up.
//
// The generators of a chain share a chainInfo: the root's status, so that a
// member reports ErrRunning while the chain runs, as every frame of a Python
// delegation chain is executing; and a generation number, bumped whenever a
// member starts or ends a delegation, so that a cache built before a change
// (say, a member resumed behind its owner's back) is rebuilt instead of
// being trusted. Throw and Close always walk the chain, as PEP 380 describes.

// chainInfo is shared by the generators of a delegation chain.
type chainInfo[Y, S any] struct {
	root *status // the status of the generator the caller holds
	// top is that generator, for what must reach the whole chain from
	// its bottom (iterDelegate.exited).
	top resumable[Y, S]
	gen uint64 // bumped on every change of delegation in the chain
	// path is the root's cache of the chain, innermost last, as it was
	// at generation pathGen.
	path    []delegate[Y, S]
	pathGen uint64
}

// resumable is a generator of a delegation chain, seen from below: what it
// delegates to, and how its body is resumed with that delegate's end.
type resumable[Y, S any] interface {
	sub() delegate[Y, S]
	resumeWith(err error, p any) (Y, error, any)
}

// delegate is what a generator can delegate to: another Generator, or an
// adapter for a hand-written value with generator methods.
type delegate[Y, S any] interface {
	step(o op, v S, err error) (Y, error, any)
	throw(err error) (Y, error, any)
	close() (error, any)
	kill() any
	// adopt makes the delegate and its own delegates members of c; nil
	// releases it (its own delegates, if it has any, then form a chain of
	// their own under it).
	adopt(c *chainInfo[Y, S])
	// sub is the delegate's own delegate, or nil.
	sub() delegate[Y, S]
	// resumeWith ends the delegate's delegation with its sub's end and
	// resumes its body.
	resumeWith(err error, p any) (Y, error, any)
}

// forward passes a resume to the delegate d.
func (s *state[Y, S, R]) forward(d delegate[Y, S], o op, v S, err error) (Y, error, any) {
	if o == opSend && !s.y.owned.Load() {
		return s.sendDeep(v)
	}
	return s.walk(d, o, v, err)
}

// walk passes a resume to d, which passes it to its own delegate, and so on.
func (s *state[Y, S, R]) walk(d delegate[Y, S], o op, v S, err error) (Y, error, any) {
	s.y.status = running
	var (
		y Y
		e error
		p any
	)
	switch {
	case o == opSend:
		y, e, p = d.step(opSend, v, nil)
	case errors.Is(err, ErrGeneratorExit):
		// PEP 380: close the delegate, then raise GeneratorExit here,
		// unless closing it failed.
		e, p = d.close()
		if e == nil {
			e = err
		}
	default:
		y, e, p = d.throw(err)
	}
	if e == nil && p == nil {
		s.y.status = suspended
		return y, nil, nil
	}
	return s.resumeWith(e, p)
}

// sendDeep sends v to the innermost delegate through the cached chain, and
// passes each end up to the parent of the delegate that ended.
func (s *state[Y, S, R]) sendDeep(v S) (Y, error, any) {
	c := s.y.x.chain
	path := c.path
	if len(path) == 0 || c.pathGen != c.gen {
		// The array may still be in use by a sendDeep further up the
		// stack (a delegation cycle): overwrite it only here, where s
		// cannot be running already.
		n := len(path)
		path = path[:0]
		for d := s.y.x.deleg; d != nil; d = d.sub() {
			path = append(path, d)
		}
		clear(path[len(path):max(n, len(path))])
		c.path, c.pathGen = path, c.gen
	}
	s.y.status = running
	i := len(path) - 1
	y, e, p := path[i].step(opSend, v, nil)
	for ; e != nil || p != nil; i-- {
		// path[i] ended: resume its parent with the end. The generation
		// was checked before the send; the end of path[i] has bumped it,
		// and the cache is rebuilt at the next send.
		if i == 0 {
			return s.resumeWith(e, p)
		}
		y, e, p = path[i-1].resumeWith(e, p)
	}
	s.y.status = suspended
	return y, nil, nil
}

// resumeWith hands a delegate's end to YieldFrom in the body and resumes it.
func (s *state[Y, S, R]) resumeWith(err error, p any) (Y, error, any) {
	s.endDelegation(err, p)
	var zero S
	s.y.in, s.y.status = zero, running
	s.y.co.ResumeFrom()
	return s.afterResume(s.y.co.Finished)
}

// startDelegation makes d a member of this generator's chain.
func (s *state[Y, S, R]) startDelegation(d delegate[Y, S]) {
	x := s.y.ext()
	if x.chain == nil {
		x.chain = &chainInfo[Y, S]{root: &s.y.status, top: s}
	}
	x.chain.gen++
	d.adopt(x.chain)
}

// endDelegation hands the delegate's end to YieldFrom in the body.
func (s *state[Y, S, R]) endDelegation(err error, p any) {
	x := s.y.x
	x.chain.gen++
	x.deleg.adopt(nil)
	x.deleg = nil
	if p != nil {
		err = &delegatePanic{p}
	}
	s.y.err = err
}

// busy reports that the chain this generator belongs to is running, so that
// resuming it from outside must fail with ErrRunning.
func (s *state[Y, S, R]) busy() bool {
	c := s.y.chain()
	return c != nil && *c.root == running
}

// The Generator's side of delegation: a delegating generator drives its
// delegate through the same step as a caller would.

func (g *Generator[Y, S, R]) step(o op, v S, err error) (Y, error, any) {
	return g.s.step(o, v, err)
}

func (g *Generator[Y, S, R]) throw(err error) (Y, error, any) {
	var zero S
	return g.s.step(opThrow, zero, err)
}

func (s *state[Y, S, R]) sub() delegate[Y, S] { return s.y.deleg() }

func (g *Generator[Y, S, R]) close() (error, any) { return g.s.close() }
func (g *Generator[Y, S, R]) kill() any           { return g.s.kill() }
func (g *Generator[Y, S, R]) sub() delegate[Y, S] { return g.s.y.deleg() }

func (g *Generator[Y, S, R]) adopt(c *chainInfo[Y, S]) {
	s := g.s
	if c == nil {
		s.y.owned.Store(false)
		if x := s.y.x; x != nil { // adopt(c) made it
			x.chain = nil
			if x.deleg != nil {
				// Left behind while delegating (it ignored a
				// Close): it becomes the root of what is below it.
				x.chain = &chainInfo[Y, S]{root: &s.y.status, top: s}
				x.deleg.adopt(x.chain)
			}
		}
		if s.y.status == suspended {
			// Left suspended: nobody holds it but its old owner's
			// handle, so it must be finalized on its own.
			g.arm()
		}
		return
	}
	x := s.y.ext()
	if x.chain == c {
		return // a member already: the chain loops back (a delegation cycle)
	}
	s.y.owned.Store(true)
	x.chain = c
	if x.deleg != nil {
		x.deleg.adopt(c)
	}
}

func (g *Generator[Y, S, R]) resumeWith(err error, p any) (Y, error, any) {
	return g.s.resumeWith(err, p)
}

// iterDelegate adapts a hand-written iterator to delegation, looking up its
// optional methods as PEP 380 does with getattr. Its methods recover panics
// so that they travel to the delegating body like a generator's. They run on
// the caller's goroutine, not on a coroutine, so a runtime.Goexit in them
// needs the care a body's gets from its coroutine (exited).
type iterDelegate[Y, S any] struct {
	it    Iterator[Y]
	chain *chainInfo[Y, S] // the chain of the generators delegating to it
}

func (d *iterDelegate[Y, S]) step(o op, v S, err error) (y Y, e error, p any) {
	returned := false
	defer d.recoverEnd(&p, &returned)
	if s, ok := d.it.(interface{ Send(S) (Y, error) }); ok {
		y, e = s.Send(v)
	} else {
		y, e = d.it.Next()
	}
	returned = true
	return y, e, nil
}

func (d *iterDelegate[Y, S]) throw(err error) (y Y, e error, p any) {
	returned := false
	defer d.recoverEnd(&p, &returned)
	e = &raised{err} // no Throw: err is raised in the delegating body
	if t, ok := d.it.(interface{ Throw(error) (Y, error) }); ok {
		y, e = t.Throw(err)
	}
	returned = true
	return y, e, nil
}

func (d *iterDelegate[Y, S]) close() (e error, p any) {
	returned := false
	defer d.recoverEnd(&p, &returned)
	if c, ok := d.it.(interface{ Close() error }); ok {
		e = c.Close()
	}
	if e != nil && errors.Is(e, ErrStopIteration) {
		e = &raised{e} // not an end: Close failed with it
	}
	returned = true
	return e, nil
}

// recoverEnd, deferred by the methods, keeps the method's panic for the
// delegating body, or sees that the method called runtime.Goexit.
func (d *iterDelegate[Y, S]) recoverEnd(p *any, returned *bool) {
	if r := recover(); r != nil {
		*p = r
	} else if !*returned {
		d.exited()
	}
}

// exited runs while a method of the iterator exits the caller's goroutine
// with runtime.Goexit. Had the delegating bodies called the method
// themselves, as Python's do, each would exit in turn: so each is resumed,
// innermost first, with the Goexit raised at its YieldFrom, and the
// generators are finished, while the caller's goroutine goes on exiting.
func (d *iterDelegate[Y, S]) exited() {
	if d.chain == nil {
		return
	}
	var above []resumable[Y, S]
	for r := d.chain.top; ; {
		above = append(above, r)
		sub := r.sub()
		if sub == delegate[Y, S](d) {
			break
		}
		if sub == nil {
			return // not below the chain's top: nothing is known to delegate to it
		}
		r = sub
	}
	for i := len(above) - 1; i >= 0; i-- {
		above[i].resumeWith(nil, coro.Goexit)
	}
}

func (d *iterDelegate[Y, S]) kill() any {
	_, p := d.close()
	return p
}

func (d *iterDelegate[Y, S]) adopt(c *chainInfo[Y, S]) { d.chain = c }
func (d *iterDelegate[Y, S]) sub() delegate[Y, S]      { return nil }

func (d *iterDelegate[Y, S]) resumeWith(error, any) (Y, error, any) {
	panic("gen: internal error: resumeWith on a hand-written iterator")
}

// raised carries an error that a hand-written iterator did not end with
// but that is to be raised in the delegating body as it is: one thrown in
// when the iterator has no Throw, or one its Close failed with. PEP 380
// raises those at the `yield from`, so even an end of iteration among them
// is an error there (which PEP 479 turns into RaisedStopIteration if the
// body passes it on), never the delegate's result. It never leaves the
// package.
type raised struct{ err error }

func (r *raised) Error() string { return r.err.Error() }

// delegatePanic carries a delegate's panic to YieldFrom, which raises it in
// the delegating body. It never leaves the package.
type delegatePanic struct{ value any }

func (*delegatePanic) Error() string { return "gen: delegate panicked" }
