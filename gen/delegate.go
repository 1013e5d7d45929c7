package gen

import "errors"

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
// Calls still nest one level per generator, so an unowned generator (one
// that no other generator delegates to: the one the caller holds) also
// caches the chain below it in path and sends straight to the innermost
// delegate. When that delegate ends, its parent is resumed through
// resumeWith, and the cache is rebuilt at the next send. The cache can only
// go stale if somebody resumes a delegate behind its owner's back; a stale
// entry is then a finished generator whose parent no longer delegates to it,
// which sendDeep detects before it acts on the end, falling back to the
// chain. Throw and Close always walk the chain, as PEP 380 describes.

// delegate is what a generator can delegate to: another Generator, or an
// adapter for a hand-written value with generator methods.
type delegate[Y, S any] interface {
	step(o op, v S, err error) (Y, error, any)
	throw(err error) (Y, error, any)
	close() (error, any)
	kill() any
	own(bool)
	// sub is the delegate's own delegate, or nil.
	sub() delegate[Y, S]
	// resumeWith ends the delegate's delegation with its sub's end and
	// resumes its body.
	resumeWith(err error, p any) (Y, error, any)
}

// forward passes a resume to the delegate d.
func (s *state[Y, S, R]) forward(d delegate[Y, S], o op, v S, err error) (Y, error, any) {
	if o == opSend && !s.owned.Load() {
		return s.sendDeep(v)
	}
	return s.chain(d, o, v, err)
}

// chain passes a resume to d, which passes it to its own delegate, and so on.
func (s *state[Y, S, R]) chain(d delegate[Y, S], o op, v S, err error) (Y, error, any) {
	s.dropPath()
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
	if s.path == nil {
		s.path = new([]delegate[Y, S])
	}
	path := *s.path
	if len(path) == 0 {
		for d := s.y.deleg; d != nil; d = d.sub() {
			path = append(path, d)
		}
		*s.path = path
	}
	s.y.status = running
	i := len(path) - 1
	y, e, p := path[i].step(opSend, v, nil)
	if e == nil && p == nil {
		s.y.status = suspended
		return y, nil, nil
	}
	// Some level will run its body, which may change the chain: the cache
	// is rebuilt at the next send.
	defer s.dropPath()
	for ; i > 0; i-- {
		parent := path[i-1]
		if parent.sub() != path[i] {
			return s.chain(s.y.deleg, opSend, v, nil)
		}
		y, e, p = parent.resumeWith(e, p)
		if e == nil && p == nil {
			s.y.status = suspended
			return y, nil, nil
		}
	}
	if s.y.deleg != path[0] {
		return s.chain(s.y.deleg, opSend, v, nil)
	}
	return s.resumeWith(e, p)
}

// dropPath empties the cache, keeping its memory.
func (s *state[Y, S, R]) dropPath() {
	if s.path != nil {
		clear(*s.path)
		*s.path = (*s.path)[:0]
	}
}

// resumeWith hands a delegate's end to YieldFrom in the body and resumes it.
func (s *state[Y, S, R]) resumeWith(err error, p any) (Y, error, any) {
	s.endDelegation(err, p)
	var zero S
	s.y.in, s.y.status = zero, running
	return s.afterResume(s.y.co.Resume())
}

// endDelegation hands the delegate's end to YieldFrom in the body.
func (s *state[Y, S, R]) endDelegation(err error, p any) {
	s.y.deleg.own(false)
	s.y.deleg = nil
	if p != nil {
		err = &delegatePanic{p}
	}
	s.y.inErr = err
}

// delegatePanic carries a delegate's panic to YieldFrom, which raises it in
// the delegating body. It never leaves the package.
type delegatePanic struct{ value any }

func (*delegatePanic) Error() string { return "gen: delegate panicked" }

// The Generator's side of delegation: a delegating generator drives its
// delegate through the same step as a caller would.

func (g *Generator[Y, S, R]) step(o op, v S, err error) (Y, error, any) {
	return g.s.step(o, v, err)
}

func (g *Generator[Y, S, R]) throw(err error) (Y, error, any) {
	var zero S
	return g.s.step(opThrow, zero, err)
}

func (g *Generator[Y, S, R]) close() (error, any) { return g.s.close() }
func (g *Generator[Y, S, R]) kill() any           { return g.s.kill() }
func (g *Generator[Y, S, R]) sub() delegate[Y, S] { return g.s.y.deleg }

func (g *Generator[Y, S, R]) own(b bool) {
	g.s.dropPath()
	g.s.owned.Store(b)
}

func (g *Generator[Y, S, R]) resumeWith(err error, p any) (Y, error, any) {
	return g.s.resumeWith(err, p)
}

// iterDelegate adapts a hand-written iterator to delegation, looking up its
// optional methods as PEP 380 does with getattr. Its methods recover panics
// so that they travel to the delegating body like a generator's.
type iterDelegate[Y, S any] struct {
	it Iterator[Y]
}

func (d *iterDelegate[Y, S]) step(o op, v S, err error) (y Y, e error, p any) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	if s, ok := d.it.(interface{ Send(S) (Y, error) }); ok {
		y, e = s.Send(v)
		return y, e, nil
	}
	y, e = d.it.Next()
	return y, e, nil
}

func (d *iterDelegate[Y, S]) throw(err error) (y Y, e error, p any) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	if t, ok := d.it.(interface{ Throw(error) (Y, error) }); ok {
		y, e = t.Throw(err)
		return y, e, nil
	}
	return y, err, nil
}

func (d *iterDelegate[Y, S]) close() (e error, p any) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	if c, ok := d.it.(interface{ Close() error }); ok {
		return c.Close(), nil
	}
	return nil, nil
}

func (d *iterDelegate[Y, S]) kill() any {
	_, p := d.close()
	return p
}

func (d *iterDelegate[Y, S]) own(bool)            {}
func (d *iterDelegate[Y, S]) sub() delegate[Y, S] { return nil }

func (d *iterDelegate[Y, S]) resumeWith(error, any) (Y, error, any) {
	panic("gen: internal error: resumeWith on a hand-written iterator")
}
