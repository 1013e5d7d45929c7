package gen

import "errors"

// ErrStopIteration is the end-of-iteration signal, Python's StopIteration.
// Resuming a generator that has finished returns it. The resume that
// finishes a generator returns a *StopIteration carrying the return value,
// for which errors.Is(err, ErrStopIteration) holds.
var ErrStopIteration = errors.New("gen: StopIteration")

// ErrGeneratorExit is what a body sees at its Yield when the generator is
// closed, Python's GeneratorExit. A body that cleans up and returns nil or
// the exit alone (see Close) lets Close succeed; one that returns another
// error makes Close return it; one that yields again makes Close fail with
// ErrIgnoredExit.
var ErrGeneratorExit = errors.New("gen: GeneratorExit")

// isExit reports whether err is the exit alone: ErrGeneratorExit, or an
// error whose Is method says it is one (Python's subclass of GeneratorExit),
// or wrappers of such errors and nothing else. Every error at the end of its
// tree (followed through Unwrap() error and Unwrap() []error) must be an
// exit: an error that also wraps a cleanup's failure, as
// fmt.Errorf("%w (while closing: %w)", errCleanup, exit) does, is that
// failure raised while handling the exit, which PEP 342 propagates out of
// close().
func isExit(err error) bool {
	var children []error
	switch u := err.(type) {
	case nil:
		return false
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			children = []error{c}
		}
	case interface{ Unwrap() []error }:
		children = u.Unwrap()
	}
	if len(children) == 0 {
		return errors.Is(err, ErrGeneratorExit)
	}
	for _, c := range children {
		if !isExit(c) {
			return false
		}
	}
	return true
}

// ErrIgnoredExit is Close's error when the body yielded again after it was
// told to exit. The generator stays suspended at that yield; Close may be
// called again. Python: RuntimeError("generator ignored GeneratorExit").
// When the body was delegating, it is the delegate that ignored the exit:
// PEP 380 raises the error in the delegating body at its YieldFrom, so that
// body usually ends with it (the generator is then finished, and Close
// returns this error once), while the delegate stays suspended until its own
// Close or finalization.
var ErrIgnoredExit = errors.New("generator ignored GeneratorExit")

// ErrRunning is returned by Send, Next, Throw and Close when the generator is
// executing already: the body resumed its own generator, or delegation made
// a cycle. Python: ValueError("generator already executing").
var ErrRunning = errors.New("generator already executing")

// ErrNonZeroStart is Send's error when the first resume of a generator
// carries a value other than the zero value: there is no Yield yet to
// receive it. The generator is left unstarted. Python: TypeError("can't send
// non-None value to a just-started generator").
var ErrNonZeroStart = errors.New("gen: can't send a non-zero value to a just-started generator")

// ErrNotDone is Result's error before the generator has finished.
var ErrNotDone = errors.New("gen: generator has not finished")

// ErrPanicked is Result's error for a generator whose body panicked (the
// panic itself came out of the resume that ran it).
var ErrPanicked = errors.New("gen: the generator's body panicked")

// ErrGoexit is Result's error for a generator whose body called
// runtime.Goexit (the goroutine that resumed it exited with it).
var ErrGoexit = errors.New("gen: the generator's body called runtime.Goexit")

// ErrNilThrow is Throw's error when given a nil error; the generator is left
// as it was.
var ErrNilThrow = errors.New("gen: Throw of a nil error")

// StopIteration is the error with which a generator reports that it has
// finished, carrying the body's return value (Python's StopIteration.value).
// Delegation reads Value as the result of YieldFrom, and so does
// YieldFromIter for a hand-written iterator that returns Stop(v).
type StopIteration[R any] struct {
	Value R
}

// Stop returns the end-of-iteration error that carries v, Python's
// `raise StopIteration(v)` for a hand-written iterator. A generator body must
// not return it: that is PEP 479's bug, reported as *RaisedStopIteration.
func Stop[R any](v R) error {
	return &StopIteration[R]{Value: v}
}

func (*StopIteration[R]) Error() string { return ErrStopIteration.Error() }

// Is makes errors.Is(err, ErrStopIteration) hold.
func (*StopIteration[R]) Is(target error) bool { return target == ErrStopIteration }

// RaisedStopIteration is what a generator's body that returns an
// end-of-iteration error of its own turns into (PEP 479): inside a generator
// such an error is a bug, not a way to finish, and letting it through would
// silently end whatever loop drives the generator. Python:
// RuntimeError("generator raised StopIteration"). It has no Unwrap method on
// purpose: errors.Is(err, ErrStopIteration) must not hold for it, or a loop
// that stops at the end of iteration would take the bug for an end. The
// original error is in Err.
type RaisedStopIteration struct {
	Err error // what the body returned
}

func (*RaisedStopIteration) Error() string { return "generator raised StopIteration" }
