package gen

import (
	"fmt"
	"os"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/genfinal"
)

// Finalization: Python closes a generator that is garbage-collected while
// suspended, so its finally blocks run and nothing it holds stays open. Here a
// suspended body also holds a goroutine, which the garbage collector never
// reclaims on its own. So the first time a Generator is left suspended, a
// cleanup is attached to its handle (not to the state, which the body's
// goroutine keeps reachable); when the handle becomes unreachable, the cleanup
// closes the generator and, if the body ignores GeneratorExit, unwinds it by
// force. Either way the goroutine goes back to the pool.

// unraisable reports an error that finalization cannot hand to anyone,
// Python's sys.unraisablehook. Tests replace it.
var unraisable = func(err error) {
	fmt.Fprintf(os.Stderr, "gen: error while finalizing an unreachable generator: %v\n", err)
}

// finalize runs on a runtime cleanup goroutine once the handle is
// unreachable, so nothing else can be resuming the generator, except a
// generator that delegates to it: then that one closes it instead.
func (s *state[Y, S, R]) finalize() {
	if s.y.owned.Load() || s.y.status != suspended {
		return
	}
	if !s.handWritten() {
		s.finalizeHere()
		return
	}
	// A hand-written iterator's methods run on the finalizing goroutine,
	// and one that calls runtime.Goexit would end the runtime's cleanup
	// goroutine, and every later cleanup with it: finalize on a goroutine
	// of its own.
	done := make(chan struct{})
	go func() {
		returned := false
		defer func() {
			defer close(done)
			if !returned {
				if r := recover(); r != nil {
					panic(r) // a bug: finalizeHere recovers the body's panics
				}
				unraisable(ErrGoexit)
			}
		}()
		s.finalizeHere()
		returned = true
	}()
	<-done
}

// handWritten reports whether a hand-written iterator is in the delegation
// chain below s.
func (s *state[Y, S, R]) handWritten() bool {
	for d := s.y.deleg(); d != nil; d = d.sub() {
		if _, ok := d.(*iterDelegate[Y, S]); ok {
			return true
		}
	}
	return false
}

// finalizeHere closes the generator, kills it if it ignores the exit, and
// reports what went wrong.
func (s *state[Y, S, R]) finalizeHere() {
	err, p := s.close()
	if p == nil && err == ErrIgnoredExit {
		p = s.kill()
	}
	switch {
	case p == coro.Goexit:
		unraisable(ErrGoexit)
	case p != nil:
		unraisable(fmt.Errorf("panic: %v", p))
	case err != nil:
		unraisable(err)
	}
}

// kill unwinds a suspended body without giving it a chance to yield again:
// its delegates first, innermost first, then its own.
func (s *state[Y, S, R]) kill() any {
	if s.y.status != suspended {
		return nil
	}
	var p any
	if d := s.y.deleg(); d != nil {
		s.y.x.deleg = nil
		p = d.kill()
	}
	s.y.status = running
	if kp := s.y.co.Kill(); kp != nil {
		p = kp
	}
	s.y.err = nil // the error thrown last, not the body's: it returned none
	if p == coro.Goexit {
		s.y.err = ErrGoexit
	}
	s.finish(nil)
	return p
}

func init() {
	genfinal.Disarm = func(g any) { g.(disarmer).disarm() }
}

// disarmer is a *Generator, seen by genfinal.Disarm.
type disarmer interface{ disarm() }

// disarm marks the finalizer as registered, so that it never is: the
// generator's owner finalizes it (genfinal).
func (g *Generator[Y, S, R]) disarm() { g.s.y.armed = true }
