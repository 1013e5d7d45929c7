package gen_test

// Which end of a closed body is a clean close (PEP 342: an exception raised
// while handling GeneratorExit propagates out of close()), for Close, for
// delegates and for finalization.

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aio-go/aio/gen"
)

var errCleanup = errors.New("cleanup failed")

// myExit is a GeneratorExit of the user's own, Python's subclass of it.
type myExit struct{}

func (myExit) Error() string        { return "my exit" }
func (myExit) Is(target error) bool { return target == gen.ErrGeneratorExit }

// whileClosing is the end of a body whose cleanup fails while it handles
// the exit: the anchor's case.
func whileClosing(exit error) error {
	return fmt.Errorf("%w (while closing: %w)", errCleanup, exit)
}

// cleanEnds are ends of a closed body that are the exit alone.
func cleanEnds() map[string]error {
	return map[string]error{
		"nil":                                            nil,
		"GeneratorExit":                                  gen.ErrGeneratorExit,
		"a wrapped GeneratorExit":                        fmt.Errorf("cleaning up: %w", gen.ErrGeneratorExit),
		"a twice-wrapped GeneratorExit":                  fmt.Errorf("b: %w", fmt.Errorf("a: %w", gen.ErrGeneratorExit)),
		"GeneratorExit joined to itself":                 errors.Join(gen.ErrGeneratorExit, fmt.Errorf("x: %w", gen.ErrGeneratorExit)),
		"a GeneratorExit of the user's":                  myExit{},
		"a cleanup error formatted with %v, not wrapped": fmt.Errorf("%v (while closing: %w)", errCleanup, gen.ErrGeneratorExit),
	}
}

// failedEnds are ends of a closed body that carry another error.
func failedEnds() map[string]error {
	return map[string]error{
		"the cleanup error and the exit, wrapped together":       whileClosing(gen.ErrGeneratorExit),
		"the cleanup error joined to the exit":                   errors.Join(errCleanup, gen.ErrGeneratorExit),
		"the exit joined to the cleanup error":                   errors.Join(gen.ErrGeneratorExit, errCleanup),
		"the cleanup error wrapped deep beside the exit":         fmt.Errorf("outer: %w", whileClosing(fmt.Errorf("x: %w", gen.ErrGeneratorExit))),
		"the cleanup error beside a GeneratorExit of the user's": whileClosing(myExit{}),
	}
}

func TestCloseReportsCleanupErrorWhileHandlingExit(t *testing.T) {
	for name, end := range failedEnds() {
		t.Run("fails: "+name, func(t *testing.T) {
			g := gen.New(func(y *intY) (int, error) {
				if _, err := y.Yield(1); err != nil {
					return 0, end
				}
				return 0, nil
			})
			g.Next()
			if err := g.Close(); err != end || !errors.Is(err, errCleanup) {
				t.Fatalf("Close = %v, want the cleanup error %v", err, end)
			}
			if _, err := g.Result(); err != end {
				t.Fatalf("Result = %v, want %v", err, end)
			}
		})
	}
	for name, end := range cleanEnds() {
		t.Run("succeeds: "+name, func(t *testing.T) {
			g := gen.New(func(y *intY) (int, error) {
				if _, err := y.Yield(1); err != nil {
					return 0, end
				}
				return 0, nil
			})
			g.Next()
			if err := g.Close(); err != nil {
				t.Fatalf("Close = %v, want nil", err)
			}
		})
	}
}

func TestCloseOfADelegatorReportsTheDelegatesCleanupError(t *testing.T) {
	// PEP 380: closing the delegate raises what its close raised in the
	// delegator; the delegator passes it on, so Close reports it.
	delegations := map[string]func(y *intY, inner func(*intY) (int, error)) (int, error){
		"YieldFrom": func(y *intY, inner func(*intY) (int, error)) (int, error) {
			return gen.YieldFrom(y, gen.New(inner))
		},
		"YieldFromFunc": func(y *intY, inner func(*intY) (int, error)) (int, error) {
			return gen.YieldFromFunc(y, inner)
		},
	}
	for dname, delegate := range delegations {
		for name, end := range failedEnds() {
			t.Run(dname+", fails: "+name, func(t *testing.T) {
				var got error
				g := gen.New(func(y *intY) (int, error) {
					_, got = delegate(y, func(y *intY) (int, error) {
						if _, err := y.Yield(1); err != nil {
							return 0, end
						}
						return 0, nil
					})
					return 0, got
				})
				g.Next()
				if err := g.Close(); err != end {
					t.Fatalf("Close = %v, want the delegate's cleanup error %v", err, end)
				}
				if got != end {
					t.Fatalf("the delegation returned %v, want %v", got, end)
				}
			})
		}
		for name, end := range cleanEnds() {
			t.Run(dname+", succeeds: "+name, func(t *testing.T) {
				var got error
				g := gen.New(func(y *intY) (int, error) {
					_, got = delegate(y, func(y *intY) (int, error) {
						if _, err := y.Yield(1); err != nil {
							return 0, end
						}
						return 0, nil
					})
					return 0, got
				})
				g.Next()
				if err := g.Close(); err != nil {
					t.Fatalf("Close = %v, want nil", err)
				}
				if !errors.Is(got, gen.ErrGeneratorExit) {
					t.Fatalf("the delegation returned %v, want GeneratorExit", got)
				}
			})
		}
	}
}

func TestFinalizationReportsCleanupErrorWhileHandlingExit(t *testing.T) {
	base := baseline()
	ch := reports(t)
	done := make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		_, err := y.Yield(1)
		return 0, whileClosing(err)
	})
	if !collectUntil(t, done, "the body's deferred call") {
		return
	}
	expectReport(t, ch, "the report of the cleanup error", func(err error) bool {
		return errors.Is(err, errCleanup)
	})
	expectGoroutines(t, base)
}
