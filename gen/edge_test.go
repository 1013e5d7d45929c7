package gen_test

// Edge cases of the protocol found by auditing gen against PEP 342, PEP 380
// and CPython's Lib/test/test_generators.py and test_pep380.py: what a
// resume from inside a running body may not change, what a hand-written
// delegate's missing Throw means for an end of iteration, delegation to a
// Generator that New did not make, and the parts of the contract that
// CPython's newer tests pin down (close()'s return value, a thrown
// GeneratorExit that the body ignores).

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aio-go/aio/gen"
)

func TestThrowOfGeneratorExitIntoARunningGeneratorChangesNothing(t *testing.T) {
	// ValueError("generator already executing"), raised before anything
	// happens to the generator. The breaking case is an inline delegate
	// (YieldFromFunc), which counts the exits thrown in to know whether it
	// was closed: a refused one must not count, or the delegate's plain
	// return is taken for a close and its result lost.
	for name, exit := range map[string]error{
		"GeneratorExit":           gen.ErrGeneratorExit,
		"a wrapped GeneratorExit": fmt.Errorf("stop: %w", gen.ErrGeneratorExit),
	} {
		t.Run(name, func(t *testing.T) {
			var (
				g        *intGen
				inner    error
				r        int
				fromFunc error
			)
			g = gen.New(func(y *intY) (int, error) {
				r, fromFunc = gen.YieldFromFunc(y, func(y *intY) (int, error) {
					_, inner = g.Throw(exit)
					return 7, nil
				})
				if _, err := y.Yield(r); err != nil {
					return 0, err
				}
				return r, fromFunc
			})
			mustYield(t, "Next", 7, g.Next)
			if inner != gen.ErrRunning {
				t.Fatalf("Throw from the body = %v, want ErrRunning", inner)
			}
			if fromFunc != nil {
				t.Fatalf("YieldFromFunc = (%d, %v), want (7, nil): the refused Throw counted as a close", r, fromFunc)
			}
			if _, err := g.Next(); err == nil || !errors.Is(err, gen.ErrStopIteration) {
				t.Fatalf("Next = %v, want the end", err)
			}
		})
	}
}

func TestYieldFromOfANilOrZeroGeneratorPanicsInTheBody(t *testing.T) {
	// A zero Generator has no body to run. The panic must come from the
	// delegating body, before it suspends, so that it unwinds that body
	// and finishes its generator like any panic in a body; raised later,
	// from the resume's own bookkeeping, it left the generator executing
	// for ever and its goroutine parked.
	for _, c := range []struct {
		name string
		body func(y *intY) (int, error)
	}{
		{"YieldFrom of a zero Generator", func(y *intY) (int, error) { return gen.YieldFrom(y, new(intGen)) }},
		{"YieldFromIter of a zero Generator", func(y *intY) (int, error) { return gen.YieldFromIter[int](y, new(intGen)) }},
		{"YieldFromIter of a nil *Generator", func(y *intY) (int, error) { return gen.YieldFromIter[int](y, (*intGen)(nil)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := baseline()
			cleaned := false
			g := gen.New(func(y *intY) (int, error) {
				defer func() { cleaned = true }()
				return c.body(y)
			})
			p := catch(func() { g.Next() })
			if msg, ok := p.(string); !ok || !strings.HasPrefix(msg, "gen: ") {
				t.Fatalf("Next panicked with %#v, want a message starting with \"gen: \"", p)
			}
			if !cleaned || !g.Done() {
				t.Fatalf("the body's deferred call ran: %v, Done: %v; want both", cleaned, g.Done())
			}
			if _, err := g.Next(); err != gen.ErrStopIteration {
				t.Fatalf("Next after the panic = %v, want ErrStopIteration", err)
			}
			expectGoroutines(t, base)
		})
	}
}

func TestAnErrorThrownIntoAnIteratorWithoutThrowIsRaisedAsThrown(t *testing.T) {
	// PEP 380: without a throw method the exception is raised in the
	// delegating generator at its `yield from`; a StopIteration raised
	// there is not the iterator's end, and ends the delegating body as an
	// error (PEP 479's RuntimeError) if the body lets it through. The
	// breaking case is a thrown end of iteration, which YieldFromIter
	// took for the iterator's end and its result.
	for name, thrown := range map[string]error{
		"ErrStopIteration":         gen.ErrStopIteration,
		"Stop(5)":                  gen.Stop(5),
		"a wrapped StopIteration":  fmt.Errorf("wrapped: %w", gen.ErrStopIteration),
		"an error of another kind": errFoo,
	} {
		t.Run(name+", passed on", func(t *testing.T) {
			var (
				r    int
				seen error
			)
			g := gen.New(func(y *intY) (int, error) {
				r, seen = gen.YieldFromIter[int](y, &forever2{})
				return r, seen
			})
			mustYield(t, "Next", 1, g.Next)
			_, err := g.Throw(thrown)
			if seen != thrown || r != 0 {
				t.Fatalf("YieldFromIter = (%d, %v), want (0, the thrown error)", r, seen)
			}
			if !errors.Is(thrown, gen.ErrStopIteration) {
				if err != thrown {
					t.Fatalf("Throw = %v, want the thrown error", err)
				}
				return
			}
			var rs *gen.RaisedStopIteration
			if !errors.As(err, &rs) || rs.Err != thrown {
				t.Fatalf("Throw = %#v, want a RaisedStopIteration of the thrown error", err)
			}
		})
		t.Run(name+", handled", func(t *testing.T) {
			g := gen.New(func(y *intY) (int, error) {
				if _, err := gen.YieldFromIter[int](y, &forever2{}); err != thrown {
					return 0, fmt.Errorf("YieldFromIter returned %v", err)
				}
				if _, err := y.Yield(-1); err != nil {
					return 0, err
				}
				return 2, nil
			})
			mustYield(t, "Next", 1, g.Next)
			mustYield(t, "Throw", -1, func() (int, error) { return g.Throw(thrown) })
			if _, err := g.Next(); err == nil {
				t.Fatal("Next went on yielding")
			} else if v, ok := stopValue[int](err); !ok || v != 2 {
				t.Fatalf("Next = %v, want a StopIteration with 2", err)
			}
		})
	}
}

func TestAnEndOfIterationFromAnIteratorsCloseIsAnError(t *testing.T) {
	// PEP 380 calls the iterator's close and raises what it raises at the
	// `yield from`: an end of iteration from Close is no result for
	// YieldFromIter, and a body that passes it on fails its Close with
	// PEP 479's error.
	stop5 := gen.Stop(5)
	var (
		r    int
		seen error
	)
	it := &closer{close: func() error { return stop5 }}
	g := gen.New(func(y *intY) (int, error) {
		r, seen = gen.YieldFromIter[int](y, it)
		return r, seen
	})
	mustYield(t, "Next", 1, g.Next)
	err := g.Close()
	if seen != stop5 || r != 0 {
		t.Fatalf("YieldFromIter = (%d, %v), want (0, Stop(5))", r, seen)
	}
	var rs *gen.RaisedStopIteration
	if !errors.As(err, &rs) || rs.Err != stop5 || !g.Done() {
		t.Fatalf("Close = %#v and Done = %v, want a RaisedStopIteration of Stop(5) and true", err, g.Done())
	}
}

func TestCloseOfABodyThatReturnsAValueLeavesTheValueInResult(t *testing.T) {
	// test_close_return_value: since Python 3.13 close() returns the value
	// a generator returns on GeneratorExit, and None for one that is
	// unstarted or finished. Close returns only an error; Result has the
	// value.
	t.Run("suspended", func(t *testing.T) {
		g := gen.New(func(y *intY) (int, error) {
			if _, err := y.Yield(1); errors.Is(err, gen.ErrGeneratorExit) {
				return 5, nil
			}
			return 0, nil
		})
		g.Next()
		if err := g.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
		if r, err := g.Result(); r != 5 || err != nil {
			t.Fatalf("Result = (%d, %v), want (5, nil)", r, err)
		}
	})
	t.Run("finished", func(t *testing.T) {
		g := gen.New(func(y *intY) (int, error) { return 3, nil })
		g.Next()
		if err := g.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
		if r, err := g.Result(); r != 3 || err != nil {
			t.Fatalf("Result = (%d, %v), want the body's (3, nil) still", r, err)
		}
	})
}

func TestThrownGeneratorExitThatTheBodyIgnoresIsNotAnError(t *testing.T) {
	// Only close() raises "generator ignored GeneratorExit"; throw of a
	// GeneratorExit that the body catches and yields again returns the
	// value, like any handled throw.
	g := gen.New(func(y *intY) (int, error) {
		for i := 1; ; i++ {
			if _, err := y.Yield(i); err != nil && !errors.Is(err, gen.ErrGeneratorExit) {
				return 0, err
			}
		}
	})
	mustYield(t, "Next", 1, g.Next)
	mustYield(t, "Throw(GeneratorExit)", 2, func() (int, error) { return g.Throw(gen.ErrGeneratorExit) })
	if err := g.Close(); err != gen.ErrIgnoredExit {
		t.Fatalf("Close = %v, want ErrIgnoredExit", err)
	}
	if _, err := g.Throw(errFoo); err != errFoo || !g.Done() {
		t.Fatalf("Throw(FOO) = %v, Done = %v; want FOO, true", err, g.Done())
	}
}

func TestCloseAndThrowOfADelegatorWhoseDelegateYieldsOnEveryError(t *testing.T) {
	// CPython's test_close_and_throw_yield: a close, or a thrown
	// GeneratorExit, that the delegate ignores is raised in the delegator
	// as "generator ignored GeneratorExit" and the delegate stays
	// suspended; any other error the delegate yields on is handled, and
	// its result later ends the delegator.
	newPair := func() (outer, inner *intGen) {
		inner = gen.New(func(y *intY) (int, error) {
			if _, err := y.Yield(1); err != nil {
				y.Yield(2)
			}
			return 3, nil
		})
		outer = gen.New(func(y *intY) (int, error) { return gen.YieldFrom(y, inner) })
		return outer, inner
	}
	for name, end := range map[string]func(*intGen) error{
		"Close":                func(g *intGen) error { return g.Close() },
		"Throw(GeneratorExit)": func(g *intGen) error { _, err := g.Throw(gen.ErrGeneratorExit); return err },
	} {
		t.Run(name, func(t *testing.T) {
			outer, inner := newPair()
			mustYield(t, "Next", 1, outer.Next)
			if err := end(outer); err != gen.ErrIgnoredExit {
				t.Fatalf("%s = %v, want ErrIgnoredExit", name, err)
			}
			if !outer.Done() || inner.Done() {
				t.Fatalf("Done: outer %v, inner %v; want true, false", outer.Done(), inner.Done())
			}
			if _, err := inner.Next(); err == nil {
				t.Fatal("the delegate's Next went on yielding")
			} else if v, ok := stopValue[int](err); !ok || v != 3 {
				t.Fatalf("the delegate's Next = %v, want a StopIteration with 3", err)
			}
		})
	}
	t.Run("Throw(ErrStopIteration)", func(t *testing.T) {
		outer, _ := newPair()
		mustYield(t, "Next", 1, outer.Next)
		mustYield(t, "Throw(StopIteration)", 2, func() (int, error) { return outer.Throw(gen.ErrStopIteration) })
		if _, err := outer.Next(); err == nil {
			t.Fatal("Next went on yielding")
		} else if v, ok := stopValue[int](err); !ok || v != 3 {
			t.Fatalf("Next = %v, want a StopIteration with the delegate's 3", err)
		}
	})
}

func TestAGeneratorMayBeResumedFromOneGoroutineAndThenAnother(t *testing.T) {
	// Not at once, but one after another, with the hand-over
	// synchronised: the race detector must see no race between the body's
	// state as one goroutine leaves it and the next finds it.
	g := gen.New(summing)
	var wg sync.WaitGroup
	want := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var (
				v   int
				err error
			)
			if i == 0 {
				v, err = g.Next()
			} else {
				v, err = g.Send(i)
			}
			if err != nil || v != want+i {
				t.Errorf("resume %d from a new goroutine = (%d, %v), want (%d, nil)", i, v, err, want+i)
			}
		}()
		wg.Wait()
		want += i
	}
	if err := g.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
}
