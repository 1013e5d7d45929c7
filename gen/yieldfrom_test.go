package gen_test

// Delegation (PEP 380), after CPython's Lib/test/test_yield_from.py and the
// talk's yield-from examples, and the flattened delegation of delegate.go:
// chains deep and changing, and delegates resumed behind their owner's back.

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aio-go/aio/gen"
)

type (
	strGen = gen.Generator[string, int, int]
	strY   = gen.Yielder[string, int]
)

// tracer collects what the bodies of a test did, in order.
type tracer []string

func (tr *tracer) add(format string, args ...any) { *tr = append(*tr, fmt.Sprintf(format, args...)) }

func (tr *tracer) check(t *testing.T, want ...string) {
	t.Helper()
	if !slices.Equal(*tr, want) {
		t.Fatalf("trace:\n got  %q\n want %q", *tr, want)
	}
}

// drain resumes g with Next until it ends and returns the values and the end.
func drain(g *strGen) ([]string, error) {
	var vs []string
	for {
		v, err := g.Next()
		if err != nil {
			return vs, err
		}
		vs = append(vs, v)
	}
}

func TestYieldFromStartsTheDelegateInTheSameResume(t *testing.T) {
	// test_delegation_of_initial_next_to_subgenerator: the delegate is
	// unstarted when handed over, and its first value comes out of the
	// resume that reached YieldFrom.
	var tr tracer
	g := gen.New(func(y *strY) (int, error) {
		tr.add("Starting g1")
		g2 := gen.New(func(y *strY) (int, error) {
			tr.add("Starting g2")
			y.Yield("42")
			tr.add("Finishing g2")
			return 0, nil
		})
		gen.YieldFrom(y, g2)
		tr.add("Finishing g1")
		return 0, nil
	})
	for v := range g.All() {
		tr.add("Yielded %s", v)
	}
	tr.check(t, "Starting g1", "Starting g2", "Yielded 42", "Finishing g2", "Finishing g1")
}

func TestYieldFromPassesValuesThrough(t *testing.T) {
	// test_delegation_of_next_call_to_subgenerator.
	var tr tracer
	g := gen.New(func(y *strY) (int, error) {
		tr.add("Starting g1")
		y.Yield("g1 ham")
		gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
			tr.add("Starting g2")
			y.Yield("g2 spam")
			y.Yield("g2 more spam")
			tr.add("Finishing g2")
			return 0, nil
		}))
		y.Yield("g1 eggs")
		tr.add("Finishing g1")
		return 0, nil
	})
	for v := range g.All() {
		tr.add("Yielded %s", v)
	}
	tr.check(t, "Starting g1", "Yielded g1 ham", "Starting g2", "Yielded g2 spam",
		"Yielded g2 more spam", "Finishing g2", "Yielded g1 eggs", "Finishing g1")
}

func TestYieldFromDelegatesSend(t *testing.T) {
	// test_delegation_of_send: every value sent goes to the innermost body.
	var tr tracer
	g := gen.New(func(y *strY) (int, error) {
		tr.add("Starting g1")
		x, _ := y.Yield("g1 ham")
		tr.add("g1 received %d", x)
		gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
			tr.add("Starting g2")
			x, _ := y.Yield("g2 spam")
			tr.add("g2 received %d", x)
			x, _ = y.Yield("g2 more spam")
			tr.add("g2 received %d", x)
			tr.add("Finishing g2")
			return 0, nil
		}))
		x, _ = y.Yield("g1 eggs")
		tr.add("g1 received %d", x)
		tr.add("Finishing g1")
		return 0, nil
	})
	g.Next()
	for x := 1; ; x++ {
		v, err := g.Send(x)
		if err != nil {
			break
		}
		tr.add("Yielded %s", v)
	}
	tr.check(t, "Starting g1", "g1 received 1", "Starting g2", "Yielded g2 spam", "g2 received 2",
		"Yielded g2 more spam", "g2 received 3", "Finishing g2", "Yielded g1 eggs", "g1 received 4", "Finishing g1")
}

func TestErrorInTheDelegateUnwindsTheDelegatingBody(t *testing.T) {
	// test_raising_exception_in_initial_next_call,
	// test_raising_exception_in_delegated_next_call and
	// test_handling_exception_while_delegating_send.
	errSpanish := errors.New("spanish inquisition occurred")
	for _, c := range []struct {
		name   string
		yields int // values the delegate yields before it fails
		want   []string
	}{
		{"on the delegate's first step", 0, []string{"Starting g1", "Starting g2", "Finishing g2", "Finishing g1"}},
		{"on a later step", 1, []string{"Starting g1", "Starting g2", "Yielded g2 spam", "Finishing g2", "Finishing g1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var tr tracer
			var seen error
			g := gen.New(func(y *strY) (int, error) {
				defer tr.add("Finishing g1")
				tr.add("Starting g1")
				_, err := gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
					defer tr.add("Finishing g2")
					tr.add("Starting g2")
					for range c.yields {
						y.Yield("g2 spam")
					}
					return 0, errSpanish
				}))
				seen = err
				return 0, err
			})
			var err error
			for {
				var v string
				if v, err = g.Next(); err != nil {
					break
				}
				tr.add("Yielded %s", v)
			}
			if err != errSpanish || seen != errSpanish {
				t.Fatalf("the resume returned %v and YieldFrom %v, want the delegate's error for both", err, seen)
			}
			tr.check(t, c.want...)
		})
	}
}

func TestYieldFromResultIsTheDelegatesReturnValue(t *testing.T) {
	// test_generator_return_value: nothing, a number, a slice, and an
	// end-of-iteration error returned as a plain value.
	stop3 := gen.Stop(3)
	returns := []any{nil, 1, []int{2}, stop3}
	var got []any
	g := gen.New(func(y *gen.Yielder[string, int]) (any, error) {
		y.Yield("g1 ham")
		for _, r := range returns {
			v, err := gen.YieldFrom(y, gen.New(func(y *gen.Yielder[string, int]) (any, error) {
				y.Yield("g2 spam")
				y.Yield("g2 more spam")
				return r, nil
			}))
			if err != nil {
				return nil, err
			}
			got = append(got, v)
		}
		y.Yield("g1 eggs")
		return "done", nil
	})
	var values []string
	for v := range g.All() {
		values = append(values, v)
	}
	if len(values) != 2+2*len(returns) {
		t.Fatalf("values %q", values)
	}
	if len(got) != 4 || got[0] != nil || got[1] != 1 || !slices.Equal(got[2].([]int), []int{2}) || got[3] != stop3 {
		t.Fatalf("YieldFrom results %v, want [<nil> 1 [2] %v]", got, stop3)
	}
	if r, err := g.Result(); r != "done" || err != nil {
		t.Fatalf("Result = (%v, %v)", r, err)
	}

	t.Run("the talk's yield-from-send", func(t *testing.T) {
		var tr tracer
		g := gen.New(func(y *strY) (int, error) {
			value, err := gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
				y.Yield("1")
				y.Yield("2")
				return 3, nil
			}))
			tr.add("gen2 got %d", value)
			return value * 10, err
		})
		mustYieldS(t, g.Next, "1")
		mustYieldS(t, g.Next, "2")
		_, err := g.Next()
		if v, ok := stopValue[int](err); !ok || v != 30 {
			t.Fatalf("last Next = %v, want a StopIteration with 30", err)
		}
		tr.check(t, "gen2 got 3")
	})
}

// mustYieldS resumes with resume and fails the test unless it yields want.
func mustYieldS(t *testing.T, resume func() (string, error), want string) {
	t.Helper()
	v, err := resume()
	if err != nil || v != want {
		t.Fatalf("resume = (%q, %v), want (%q, nil)", v, err, want)
	}
}

func TestThrowIsDelegatedToTheInnermost(t *testing.T) {
	errValue := errors.New("boom")
	t.Run("an inner that handles it and yields again (the talk's yield-from-throw-close)", func(t *testing.T) {
		var tr tracer
		inner := gen.New(func(y *strY) (int, error) {
			defer tr.add("inner finally")
			for {
				_, err := y.Yield("inner")
				switch {
				case err == errValue:
					tr.add("inner caught %v", err)
				case err != nil:
					return 0, err
				}
			}
		})
		outer := gen.New(func(y *strY) (int, error) {
			defer tr.add("outer finally")
			return gen.YieldFrom(y, inner)
		})
		mustYieldS(t, outer.Next, "inner")
		mustYieldS(t, func() (string, error) { return outer.Throw(errValue) }, "inner")
		if err := outer.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
		tr.check(t, "inner caught boom", "inner finally", "outer finally")
		if !inner.Done() || !outer.Done() {
			t.Fatal("not both done")
		}
	})
	t.Run("an inner that handles it and returns gives YieldFrom its value", func(t *testing.T) {
		// test_catching_exception_from_subgen_and_returning.
		outer := gen.New(func(y *strY) (int, error) {
			v, err := gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
				if _, err := y.Yield("1"); err == errValue {
					return 2, nil
				}
				return 0, nil
			}))
			y.Yield(fmt.Sprintf("inner returned %d, %v", v, err))
			return 0, nil
		})
		mustYieldS(t, outer.Next, "1")
		mustYieldS(t, func() (string, error) { return outer.Throw(errValue) }, "inner returned 2, <nil>")
		outer.Close()
	})
	t.Run("an inner that yields on it keeps the delegation going", func(t *testing.T) {
		// test_returning_value_from_delegated_throw.
		errLunch := errors.New("tomato ejected")
		var tr tracer
		g := gen.New(func(y *strY) (int, error) {
			defer tr.add("Finishing g1")
			y.Yield("g1 ham")
			gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
				if _, err := y.Yield("g2 spam"); err == errLunch {
					tr.add("Caught LunchError in g2")
					y.Yield("g2 lunch saved")
					y.Yield("g2 yet more spam")
					return 0, nil
				}
				y.Yield("g2 more spam")
				return 0, nil
			}))
			y.Yield("g1 eggs")
			return 0, nil
		})
		g.Next()
		g.Next()
		mustYieldS(t, func() (string, error) { return g.Throw(errLunch) }, "g2 lunch saved")
		vs, _ := drain(g)
		if !slices.Equal(vs, []string{"g2 yet more spam", "g1 eggs"}) {
			t.Fatalf("values after the throw %q", vs)
		}
		tr.check(t, "Caught LunchError in g2", "Finishing g1")
	})
	t.Run("an inner that does not handle it passes it to the outer at YieldFrom", func(t *testing.T) {
		// test_delegating_throw.
		errTomato := errors.New("tomato ejected")
		var tr tracer
		var seen error
		g := gen.New(func(y *strY) (int, error) {
			defer tr.add("Finishing g1")
			y.Yield("g1 ham")
			_, err := gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
				defer tr.add("Finishing g2")
				if _, err := y.Yield("g2 spam"); err != nil {
					return 0, err
				}
				y.Yield("g2 more spam")
				return 0, nil
			}))
			seen = err
			if err != nil {
				return 0, err
			}
			y.Yield("g1 eggs")
			return 0, nil
		})
		g.Next()
		g.Next()
		if _, err := g.Throw(errTomato); err != errTomato {
			t.Fatalf("Throw = %v, want the thrown error", err)
		}
		if seen != errTomato {
			t.Fatalf("the outer's YieldFrom returned %v, want the thrown error", seen)
		}
		tr.check(t, "Finishing g2", "Finishing g1")
	})
}

func TestCloseIsDelegatedInnerFirst(t *testing.T) {
	// test_delegating_close.
	var tr tracer
	var seen error
	inner := gen.New(func(y *strY) (int, error) {
		defer tr.add("Finishing g2")
		for _, v := range []string{"g2 spam", "g2 more spam"} {
			if _, err := y.Yield(v); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	g := gen.New(func(y *strY) (int, error) {
		defer tr.add("Finishing g1")
		y.Yield("g1 ham")
		_, seen = gen.YieldFrom(y, inner)
		if seen != nil {
			return 0, seen
		}
		y.Yield("g1 eggs")
		return 0, nil
	})
	g.Next()
	g.Next()
	if err := g.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	tr.check(t, "Finishing g2", "Finishing g1")
	if !errors.Is(seen, gen.ErrGeneratorExit) {
		t.Fatalf("the outer's YieldFrom returned %v, want ErrGeneratorExit", seen)
	}
	if !inner.Done() || !g.Done() {
		t.Fatal("not both done")
	}
}

func TestFailingCloseOfTheDelegateReachesTheOuter(t *testing.T) {
	t.Run("the delegate returns another error", func(t *testing.T) {
		// test_handing_exception_while_delegating_close.
		errNybbles := errors.New("nybbles have exploded with delight")
		var tr tracer
		var seen error
		g := gen.New(func(y *strY) (int, error) {
			defer tr.add("Finishing g1")
			y.Yield("g1 ham")
			_, seen = gen.YieldFrom(y, gen.New(func(y *strY) (int, error) {
				defer tr.add("Finishing g2")
				if _, err := y.Yield("g2 spam"); err != nil {
					return 0, errNybbles
				}
				return 0, nil
			}))
			return 0, seen
		})
		g.Next()
		g.Next()
		if err := g.Close(); err != errNybbles {
			t.Fatalf("Close = %v, want the delegate's error", err)
		}
		if seen != errNybbles {
			t.Fatalf("the outer's YieldFrom returned %v, want the delegate's error", seen)
		}
		tr.check(t, "Finishing g2", "Finishing g1")
	})
	t.Run("the delegate ignores the exit", func(t *testing.T) {
		// PEP 380: RuntimeError is raised in the outer at its yield from,
		// and the delegate stays suspended.
		inner := gen.New(func(y *strY) (int, error) {
			if _, err := y.Yield("spam"); err != nil {
				y.Yield("ignoring")
			}
			return 0, nil
		})
		var seen error
		g := gen.New(func(y *strY) (int, error) {
			_, seen = gen.YieldFrom(y, inner)
			return 0, seen
		})
		g.Next()
		if err := g.Close(); !errors.Is(err, gen.ErrIgnoredExit) {
			t.Fatalf("Close = %v, want ErrIgnoredExit", err)
		}
		if !errors.Is(seen, gen.ErrIgnoredExit) || !g.Done() {
			t.Fatalf("outer saw %v, Done %v; want ErrIgnoredExit, true", seen, g.Done())
		}
		if inner.Done() {
			t.Fatal("the delegate finished; it should stay suspended at its yield")
		}
		if err := inner.Close(); err != nil || !inner.Done() {
			t.Fatalf("the delegate's own Close = %v, Done %v", err, inner.Done())
		}
	})
}

func TestThrowingGeneratorExitIntoADelegate(t *testing.T) {
	// test_throwing_GeneratorExit_into_subgen_that_returns, _that_yields and
	// _that_raises: the delegate is closed, and what its close gives is
	// raised in the outer.
	errVorpal := errors.New("Vorpal bunny encountered")
	for _, c := range []struct {
		name    string
		onExit  func(y *strY) (int, error)
		wantErr error
	}{
		{"a delegate that returns", func(y *strY) (int, error) { return 0, nil }, gen.ErrGeneratorExit},
		{"a delegate that yields", func(y *strY) (int, error) { y.Yield("again"); return 0, nil }, gen.ErrIgnoredExit},
		{"a delegate that raises", func(y *strY) (int, error) { return 0, errVorpal }, errVorpal},
	} {
		t.Run(c.name, func(t *testing.T) {
			var tr tracer
			f := gen.New(func(y *strY) (int, error) {
				tr.add("Enter f")
				if _, err := y.Yield(""); errors.Is(err, gen.ErrGeneratorExit) {
					return c.onExit(y)
				}
				tr.add("Exit f")
				return 0, nil
			})
			g := gen.New(func(y *strY) (int, error) {
				tr.add("Enter g")
				if _, err := gen.YieldFrom(y, f); err != nil {
					return 0, err
				}
				tr.add("Exit g")
				return 0, nil
			})
			g.Next()
			_, err := g.Throw(gen.ErrGeneratorExit)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Throw(GeneratorExit) = %v, want %v", err, c.wantErr)
			}
			tr.check(t, "Enter g", "Enter f")
			f.Close()
		})
	}
}

func TestStopIterationFromADelegateIsRaisedStopIteration(t *testing.T) {
	// The talk's yield-from-raise-stopiteration: since PEP 479 the slide's
	// `raise StopIteration(3)` in g1 is a RuntimeError, not g1's result.
	stop3 := gen.Stop(3)
	var value int
	var seen error
	g := gen.New(func(y *intY) (int, error) {
		value, seen = gen.YieldFrom(y, gen.New(func(y *intY) (int, error) {
			y.Yield(1)
			y.Yield(2)
			return 0, stop3
		}))
		return value, seen
	})
	mustYield(t, "send(None)", 1, func() (int, error) { return g.Send(0) })
	mustYield(t, "send(None)", 2, func() (int, error) { return g.Send(0) })
	_, err := g.Send(0)
	var rs *gen.RaisedStopIteration
	if !errors.As(err, &rs) || err.Error() != "generator raised StopIteration" || rs.Err != stop3 {
		t.Fatalf("third send = %v (%T), want the RaisedStopIteration of Stop(3)", err, err)
	}
	if seen != err || value != 0 {
		t.Fatalf("YieldFrom returned (%d, %v), want (0, the RaisedStopIteration)", value, seen)
	}
	if errors.Is(err, gen.ErrStopIteration) {
		t.Fatal("errors.Is(err, ErrStopIteration) holds")
	}
}

func TestYieldFromFinishedGeneratorGivesTheZeroResult(t *testing.T) {
	for _, c := range []struct {
		name string
		end  error
	}{
		{"one that returned a value", nil},
		{"one that failed", errBoom},
	} {
		t.Run(c.name, func(t *testing.T) {
			inner := gen.New(func(y *strY) (int, error) { return 7, c.end })
			inner.Next()
			g := gen.New(func(y *strY) (int, error) {
				r, err := gen.YieldFrom(y, inner)
				y.Yield(fmt.Sprintf("%d %v", r, err))
				return 0, nil
			})
			mustYieldS(t, g.Next, "0 <nil>")
			g.Close()
		})
	}
}

func TestYieldFromLoopReturnsErrRunning(t *testing.T) {
	t.Run("a generator delegating to itself", func(t *testing.T) {
		var g *strGen
		g = gen.New(func(y *strY) (int, error) {
			_, err := gen.YieldFrom(y, g)
			return 0, err
		})
		if _, err := g.Next(); err != gen.ErrRunning {
			t.Fatalf("Next = %v, want ErrRunning", err)
		}
	})
	t.Run("two generators delegating to each other", func(t *testing.T) {
		// test_attempted_yield_from_loop: ValueError("generator already
		// executing") comes out of the loop.
		var tr tracer
		var g1 *strGen
		g2 := gen.New(func(y *strY) (int, error) {
			tr.add("g2: starting")
			y.Yield("y2")
			tr.add("g2: about to yield from g1")
			_, err := gen.YieldFrom(y, g1)
			tr.add("g2: YieldFrom returned %v", err)
			return 0, err
		})
		g1 = gen.New(func(y *strY) (int, error) {
			tr.add("g1: starting")
			y.Yield("y1")
			tr.add("g1: about to yield from g2")
			_, err := gen.YieldFrom(y, g2)
			tr.add("g1: YieldFrom returned %v", err)
			return 0, err
		})
		vs, err := drain(g1)
		if !errors.Is(err, gen.ErrRunning) {
			t.Errorf("the loop ended with %v, want ErrRunning", err)
		}
		if !slices.Equal(vs, []string{"y1", "y2"}) {
			t.Errorf("values %q, want [y1 y2]", vs)
		}
		tr.check(t, "g1: starting", "g1: about to yield from g2", "g2: starting", "g2: about to yield from g1",
			"g2: YieldFrom returned generator already executing", "g1: YieldFrom returned generator already executing")
	})
}

func TestDelegatingGeneratorsClaimToBeRunning(t *testing.T) {
	// test_delegating_generators_claim_to_be_running: while a chain runs,
	// every generator in it is executing, however it was resumed.
	errMy := errors.New("MyErr")
	handled := func(err error) bool { return err == nil || err == errMy }
	build := func(seen *error) *intGen {
		var g1 *intGen
		two := func() *intGen {
			return gen.New(func(y *intY) (int, error) {
				if _, err := y.Yield(1); !handled(err) {
					return 0, err
				}
				_, *seen = gen.YieldFrom(y, g1)
				if _, err := y.Yield(2); !handled(err) {
					return 0, err
				}
				return 0, nil
			})
		}
		g1 = gen.New(func(y *intY) (int, error) {
			if _, err := y.Yield(0); !handled(err) {
				return 0, err
			}
			if _, err := gen.YieldFrom(y, two()); err != nil {
				return 0, err
			}
			if _, err := y.Yield(3); !handled(err) {
				return 0, err
			}
			return 0, nil
		})
		return g1
	}
	for _, c := range []struct {
		name   string
		resume func(*intGen) (int, error)
	}{
		{"driven by Next", (*intGen).Next},
		{"driven by Send", func(g *intGen) (int, error) { return g.Send(42) }},
		{"driven by Throw", func(g *intGen) (int, error) { return g.Throw(errMy) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var seen error
			g1 := build(&seen)
			v, err := g1.Next()
			res := []int{v}
			for {
				if v, err = c.resume(g1); err != nil {
					break
				}
				res = append(res, v)
			}
			if !slices.Equal(res, []int{0, 1, 2, 3}) || !errors.Is(err, gen.ErrStopIteration) {
				t.Fatalf("got %v ending with %v, want [0 1 2 3] and the end", res, err)
			}
			if seen != gen.ErrRunning {
				t.Fatalf("yield from the running outer returned %v, want ErrRunning", seen)
			}
		})
	}
	t.Run("a delegate's Close resuming the closing generator", func(t *testing.T) {
		var g1 *intGen
		var seen error
		it := &closer{close: func() error { _, seen = g1.Next(); return nil }}
		g1 = gen.New(func(y *intY) (int, error) { return gen.YieldFromIter[int](y, it) })
		g1.Next()
		if err := g1.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
		if seen != gen.ErrRunning {
			t.Fatalf("Next from the delegate's Close = %v, want ErrRunning", seen)
		}
	})
	t.Run("the innermost resuming the middle of the chain", func(t *testing.T) {
		var mid *intGen
		var seen error
		leaf := gen.New(func(y *intY) (int, error) {
			y.Yield(1)
			_, seen = mid.Next()
			y.Yield(2)
			return 7, nil
		})
		mid = gen.New(func(y *intY) (int, error) {
			r, err := gen.YieldFrom(y, leaf)
			y.Yield(100 + r)
			return 0, err
		})
		top := gen.New(func(y *intY) (int, error) { return gen.YieldFrom(y, mid) })
		var got []int
		for v := range top.All() {
			got = append(got, v)
		}
		if seen != gen.ErrRunning {
			t.Errorf("the innermost's mid.Next() = %v, want ErrRunning", seen)
		}
		if !slices.Equal(got, []int{1, 2, 107}) {
			t.Errorf("values %v, want [1 2 107]", got)
		}
	})
	t.Run("a middle body resuming itself after its delegate ended", func(t *testing.T) {
		var mid *intGen
		var seen error
		mid = gen.New(func(y *intY) (int, error) {
			gen.YieldFrom(y, gen.New(func(y *intY) (int, error) { y.Yield(1); return 7, nil }))
			_, seen = mid.Next()
			y.Yield(2)
			return 0, nil
		})
		top := gen.New(func(y *intY) (int, error) { return gen.YieldFrom(y, mid) })
		var got []int
		if p := catch(func() {
			for v := range top.All() {
				got = append(got, v)
			}
		}); p != nil {
			t.Fatalf("the loop panicked: %v", p)
		}
		if seen != gen.ErrRunning || !slices.Equal(got, []int{1, 2}) {
			t.Fatalf("self Next = %v and values %v, want ErrRunning and [1 2]", seen, got)
		}
	})
}

// closer is a hand-written iterator with a Close method.
type closer struct {
	n     int
	close func() error
}

func (c *closer) Next() (int, error) { c.n++; return c.n, nil }
func (c *closer) Close() error       { return c.close() }

// script is a body for the chain tests: each step yields a string or
// delegates to another script, and the body returns ret. Scripts let a test
// state a chain's shape once and derive what must come out of it.
type script struct {
	name  string
	steps []any // a string is yielded; a *script is delegated to
	ret   int
}

// gen returns a new generator running s. It logs what each Yield receives
// ("value<-sent") and what each YieldFrom returns.
func (s *script) gen(log *[]string) *strGen {
	return gen.New(func(y *strY) (int, error) {
		for _, st := range s.steps {
			switch st := st.(type) {
			case string:
				x, err := y.Yield(st)
				if err != nil {
					return 0, err
				}
				*log = append(*log, fmt.Sprintf("%s<-%d", st, x))
			case *script:
				r, err := gen.YieldFrom(y, st.gen(log))
				if err != nil {
					return 0, err
				}
				*log = append(*log, fmt.Sprintf("%s got %d from %s", s.name, r, st.name))
			}
		}
		return s.ret, nil
	})
}

// expect appends what s yields, and what its bodies log, when it is driven
// by a Next and then Send(1), Send(2), ...: the value sent after the k-th
// value goes to the Yield that produced it.
func (s *script) expect(values, log *[]string) {
	for _, st := range s.steps {
		switch st := st.(type) {
		case string:
			*values = append(*values, st)
			*log = append(*log, fmt.Sprintf("%s<-%d", st, len(*values)))
		case *script:
			st.expect(values, log)
			*log = append(*log, fmt.Sprintf("%s got %d from %s", s.name, st.ret, st.name))
		}
	}
}

// wrap puts s under n pass-through levels, each returning its delegate's
// result plus one.
func wrap(s *script, n int) *script {
	for i := range n {
		s = &script{name: fmt.Sprintf("%s/w%d", s.name, i), steps: []any{s}, ret: s.ret + 1}
	}
	return s
}

// checkScript drives a generator of s with Next and then Send(1), Send(2),
// ... and compares everything with s.expect.
func checkScript(t *testing.T, s *script) {
	t.Helper()
	var wantValues, wantLog, log []string
	s.expect(&wantValues, &wantLog)
	g := s.gen(&log)
	var values []string
	v, err := g.Next()
	for k := 1; err == nil; k++ {
		values = append(values, v)
		v, err = g.Send(k)
	}
	if !slices.Equal(values, wantValues) {
		t.Errorf("values:\n got  %q\n want %q", values, wantValues)
	}
	if !slices.Equal(log, wantLog) {
		t.Errorf("what the bodies received:\n got  %q\n want %q", log, wantLog)
	}
	if r, ok := stopValue[int](err); !ok || r != s.ret {
		t.Errorf("end = %v, want a StopIteration with %d", err, s.ret)
	}
	g.Close()
}

func TestDelegationChainThatChangesBelowTheTop(t *testing.T) {
	// The outer yields its own value, delegates to A; A delegates to B; B
	// finishes; A yields its own value and delegates to C; C finishes; A
	// finishes; the outer yields. Each change below the top must reach the
	// next Send, whatever delegate.go has cached.
	shape := func(b, c []any, depth int) *script {
		B := &script{name: "B", steps: b, ret: 2}
		C := &script{name: "C", steps: c, ret: 3}
		A := &script{name: "A", steps: []any{wrap(B, depth), "a1", wrap(C, depth), "a2"}, ret: 4}
		return &script{name: "outer", steps: []any{"o1", wrap(A, depth), "o2"}, ret: 5}
	}
	for _, c := range []struct {
		name string
		s    *script
	}{
		{"B and C yield before they finish", shape([]any{"b1", "b2"}, []any{"c1"}, 0)},
		{"C finishes without yielding", shape([]any{"b1"}, nil, 0)},
		{"B finishes without yielding", shape(nil, []any{"c1"}, 0)},
		{"neither B nor C yields", shape(nil, nil, 0)},
		{"every delegation is under 10 pass-through levels", shape([]any{"b1", "b2"}, []any{"c1", "c2"}, 10)},
		{"under 10 levels, C finishes without yielding", shape([]any{"b1"}, nil, 10)},
		{"A delegates to several in a row", &script{name: "outer", steps: []any{
			&script{name: "A", steps: []any{
				&script{name: "B1", steps: []any{"b1"}, ret: 1},
				&script{name: "B2", steps: []any{"b2"}, ret: 2},
				&script{name: "B3", steps: []any{}, ret: 3},
				&script{name: "B4", steps: []any{"b4", "b4'"}, ret: 4},
			}, ret: 9},
		}, ret: 10}},
	} {
		t.Run(c.name, func(t *testing.T) { checkScript(t, c.s) })
	}
}

func TestDeepDelegationChain(t *testing.T) {
	const depth = 50
	t.Run("values, sends and returns through 50 levels", func(t *testing.T) {
		checkScript(t, wrap(&script{name: "leaf", steps: []any{"l1", "l2", "l3"}, ret: 7}, depth))
	})
	t.Run("every level yields its own values and delegates again after its delegate ends", func(t *testing.T) {
		// Level i yields, delegates to level i+1, yields, delegates to a
		// one-value leaf of its own, and returns.
		s := &script{name: "innermost", steps: []any{"in1", "in2"}, ret: depth}
		for i := depth - 1; i >= 0; i-- {
			leaf := &script{name: fmt.Sprintf("leaf%d", i), steps: []any{fmt.Sprintf("leaf%d", i)}, ret: 1000 + i}
			s = &script{name: fmt.Sprintf("L%d", i), steps: []any{
				fmt.Sprintf("L%d pre", i), s, fmt.Sprintf("L%d post", i), leaf,
			}, ret: i}
		}
		checkScript(t, s)
	})
	t.Run("a throw travels down to the innermost and back up to the level that handles it", func(t *testing.T) {
		const handler = depth / 2
		var tr tracer
		leaf := gen.New(func(y *strY) (int, error) {
			defer tr.add("leaf done")
			for {
				_, err := y.Yield("leaf")
				if err == errFoo {
					if _, err := y.Yield("leaf caught FOO"); err != nil {
						return 0, err
					}
					continue
				}
				if err != nil {
					return 0, err
				}
			}
		})
		levels := make([]*strGen, depth)
		var next *strGen = leaf
		for i := depth - 1; i >= 0; i-- {
			inner := next
			levels[i] = gen.New(func(y *strY) (int, error) {
				defer tr.add("L%d done", i)
				r, err := gen.YieldFrom(y, inner)
				if err == errFie && i == handler {
					if _, err := y.Yield(fmt.Sprintf("L%d handled fie", i)); err != nil {
						return 0, err
					}
					return i, nil
				}
				return r + 1, err
			})
			next = levels[i]
		}
		top := levels[0]
		mustYieldS(t, top.Next, "leaf")
		mustYieldS(t, top.Next, "leaf")
		mustYieldS(t, func() (string, error) { return top.Throw(errFoo) }, "leaf caught FOO")
		mustYieldS(t, func() (string, error) { return top.Send(5) }, "leaf")
		mustYieldS(t, func() (string, error) { return top.Throw(errFie) }, fmt.Sprintf("L%d handled fie", handler))
		want := []string{"leaf done"}
		for i := depth - 1; i > handler; i-- {
			want = append(want, fmt.Sprintf("L%d done", i))
		}
		tr.check(t, want...)
		if !leaf.Done() || !levels[handler+1].Done() || levels[handler].Done() {
			t.Fatal("the levels below the handler must be done, and the handler not")
		}
		_, err := top.Next()
		if r, ok := stopValue[int](err); !ok || r != handler+handler {
			t.Fatalf("end = %v, want a StopIteration with %d", err, 2*handler)
		}
	})
	t.Run("Close unwinds 50 levels innermost first", func(t *testing.T) {
		var tr tracer
		var next *strGen = gen.New(func(y *strY) (int, error) {
			defer tr.add("leaf")
			_, err := y.Yield("leaf")
			return 0, err
		})
		for i := depth - 1; i >= 0; i-- {
			inner := next
			next = gen.New(func(y *strY) (int, error) {
				defer tr.add("L%d", i)
				return gen.YieldFrom(y, inner)
			})
		}
		top := next
		top.Next()
		top.Next() // through the cached path; the leaf ends, so does the chain
		var want []string
		want = append(want, "leaf")
		for i := depth - 1; i >= 0; i-- {
			want = append(want, fmt.Sprintf("L%d", i))
		}
		tr.check(t, want...)
		tr = nil
		// Again, closing a suspended chain this time.
		next = gen.New(func(y *strY) (int, error) {
			defer tr.add("leaf")
			for {
				if _, err := y.Yield("leaf"); err != nil {
					return 0, err
				}
			}
		})
		for i := depth - 1; i >= 0; i-- {
			inner := next
			next = gen.New(func(y *strY) (int, error) {
				defer tr.add("L%d", i)
				return gen.YieldFrom(y, inner)
			})
		}
		top = next
		top.Next()
		top.Next()
		if err := top.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
		tr.check(t, want...)
	})
}

// forever is a hand-written iterator without Throw: it yields "it1", "it2",
// ... and never ends.
type forever struct{ n int }

func (f *forever) Next() (string, error) { f.n++; return fmt.Sprintf("it%d", f.n), nil }

func TestResumingADelegateBehindItsOwnersBack(t *testing.T) {
	// YieldFrom's contract says not to; these cases document what happens
	// when it is done anyway, and check that the owner then goes on as
	// CPython's does: a resume of the owner reaches whatever the middle
	// generator delegates to now, or the middle's own body.
	t.Run("the innermost run to its end: the owner's YieldFrom gets the zero result", func(t *testing.T) {
		// CPython: the delegate raises a bare StopIteration to the owner,
		// whose yield from returns None.
		leaf := gen.New(func(y *strY) (int, error) { y.Yield("b1"); y.Yield("b2"); return 7, nil })
		mid := gen.New(func(y *strY) (int, error) {
			r, err := gen.YieldFrom(y, leaf)
			y.Yield(fmt.Sprintf("mid got %d %v", r, err))
			return 0, nil
		})
		top := gen.New(func(y *strY) (int, error) { return gen.YieldFrom(y, mid) })
		mustYieldS(t, top.Next, "b1")
		mustYieldS(t, top.Next, "b2")
		if _, err := leaf.Next(); !errors.Is(err, gen.ErrStopIteration) {
			t.Fatalf("the direct Next = %v, want the leaf's end", err)
		}
		mustYieldS(t, top.Next, "mid got 0 <nil>")
		top.Close()
	})
	t.Run("the middle moved on to another delegate: the owner's Send reaches it", func(t *testing.T) {
		var got []int
		b := gen.New(func(y *strY) (int, error) { y.Yield("b1"); y.Yield("b2"); return 1, nil })
		c := gen.New(func(y *strY) (int, error) {
			x, _ := y.Yield("c1")
			got = append(got, x)
			x, _ = y.Yield("c2")
			got = append(got, x)
			return 2, nil
		})
		mid := gen.New(func(y *strY) (int, error) {
			gen.YieldFrom(y, b)
			return gen.YieldFrom(y, c)
		})
		top := gen.New(func(y *strY) (int, error) { return gen.YieldFrom(y, mid) })
		mustYieldS(t, top.Next, "b1")
		mustYieldS(t, top.Next, "b2")
		mustYieldS(t, mid.Next, "c1")
		mustYieldS(t, func() (string, error) { return top.Send(5) }, "c2")
		_, err := top.Send(6)
		if r, ok := stopValue[int](err); !ok || r != 2 || !slices.Equal(got, []int{5, 6}) {
			t.Fatalf("end %v, c received %v; want StopIteration(2), [5 6]", err, got)
		}
	})
	t.Run("the middle was thrown into and abandoned a hand-written delegate", func(t *testing.T) {
		mid := gen.New(func(y *strY) (int, error) {
			gen.YieldFromIter[int](y, &forever{})
			y.Yield("mid 1")
			y.Yield("mid 2")
			return 0, nil
		})
		top := gen.New(func(y *strY) (int, error) { return gen.YieldFrom(y, mid) })
		mustYieldS(t, top.Next, "it1")
		mustYieldS(t, top.Next, "it2")
		mustYieldS(t, func() (string, error) { return mid.Throw(errFoo) }, "mid 1")
		v, err := top.Next()
		if v != "mid 2" || err != nil {
			t.Errorf("the owner's Next = (%q, %v), want (\"mid 2\", nil): the abandoned iterator was resumed", v, err)
		}
		top.Close()
	})
	t.Run("the middle was closed while its delegate ignored the exit", func(t *testing.T) {
		leaf := gen.New(func(y *strY) (int, error) {
			for _, v := range []string{"b1", "b2", "b3", "b4"} {
				y.Yield(v) // ignores every error
			}
			return 0, nil
		})
		mid := gen.New(func(y *strY) (int, error) {
			if _, err := gen.YieldFrom(y, leaf); !errors.Is(err, gen.ErrIgnoredExit) {
				return 0, err
			}
			y.Yield("mid 1")
			y.Yield("mid 2")
			return 0, nil
		})
		top := gen.New(func(y *strY) (int, error) { return gen.YieldFrom(y, mid) })
		mustYieldS(t, top.Next, "b1")
		mustYieldS(t, top.Next, "b2")
		if err := mid.Close(); !errors.Is(err, gen.ErrIgnoredExit) {
			t.Fatalf("the direct Close = %v, want ErrIgnoredExit (mid yielded again)", err)
		}
		v, err := top.Next()
		if v != "mid 2" || err != nil {
			t.Errorf("the owner's Next = (%q, %v), want (\"mid 2\", nil): the abandoned delegate was resumed", v, err)
		}
		top.Close()
		for range 5 {
			leaf.Close()
		}
	})
}

func TestPanicInADelegateUnwindsTheDelegatingBodies(t *testing.T) {
	for _, c := range []struct {
		name  string
		when  string // what makes the leaf panic: "start", "send", "throw", "close"
		drive func(top *strGen)
	}{
		{"on the delegate's first step", "start", func(top *strGen) { top.Next() }},
		{"on a Send through the cached chain", "send", func(top *strGen) { top.Next(); top.Next(); top.Send(1) }},
		{"on a Throw", "throw", func(top *strGen) { top.Next(); top.Throw(errFoo) }},
		{"on a Close", "close", func(top *strGen) { top.Next(); top.Close() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			pv := &panicValue{c.name}
			var tr tracer
			leaf := gen.New(func(y *strY) (int, error) {
				defer tr.add("leaf")
				if c.when == "start" {
					panic(pv)
				}
				for {
					x, err := y.Yield("leaf")
					if (x == 1 && c.when == "send") || (err == errFoo && c.when == "throw") ||
						(errors.Is(err, gen.ErrGeneratorExit) && c.when == "close") {
						panic(pv)
					}
				}
			})
			mid := gen.New(func(y *strY) (int, error) {
				defer tr.add("mid")
				return gen.YieldFrom(y, leaf)
			})
			top := gen.New(func(y *strY) (int, error) {
				defer tr.add("top")
				return gen.YieldFrom(y, mid)
			})
			if p := catch(func() { c.drive(top) }); p != pv {
				t.Fatalf("recovered %v, want the delegate's panic value", p)
			}
			tr.check(t, "leaf", "mid", "top")
			for _, g := range []*strGen{leaf, mid, top} {
				if !g.Done() {
					t.Fatal("a generator of the chain is not done")
				}
				if _, err := g.Result(); err == nil {
					t.Fatal("Result reports no error after the panic")
				}
			}
			if _, err := top.Next(); err != gen.ErrStopIteration {
				t.Fatalf("Next afterwards = %v, want ErrStopIteration", err)
			}
			checkScript(t, wrap(&script{name: "after", steps: []any{"x", "y"}, ret: 1}, 3))
		})
	}
	t.Run("a delegating body that recovers carries on", func(t *testing.T) {
		pv := &panicValue{"recovered"}
		g := gen.New(func(y *strY) (int, error) {
			func() {
				defer func() {
					if recover() == pv {
						y.Yield("recovered")
					}
				}()
				gen.YieldFrom(y, gen.New(func(y *strY) (int, error) { y.Yield("inner"); panic(pv) }))
			}()
			return 1, nil
		})
		mustYieldS(t, g.Next, "inner")
		mustYieldS(t, g.Next, "recovered")
		if _, err := g.Next(); !errors.Is(err, gen.ErrStopIteration) {
			t.Fatalf("Next = %v, want the end", err)
		}
	})
	t.Run("a panic in a hand-written delegate", func(t *testing.T) {
		pv := &panicValue{"iterator"}
		cleaned := false
		g := gen.New(func(y *strY) (int, error) {
			defer func() { cleaned = true }()
			return gen.YieldFromIter[int](y, &panicky{pv: pv})
		})
		mustYieldS(t, g.Next, "p1")
		if p := catch(func() { g.Next() }); p != pv || !cleaned || !g.Done() {
			t.Fatalf("recovered %v, cleaned %v, Done %v; want the panic value, true, true", p, cleaned, g.Done())
		}
	})
}

// panicky yields "p1" and then panics.
type panicky struct {
	n  int
	pv any
}

func (p *panicky) Next() (string, error) {
	if p.n++; p.n > 1 {
		panic(p.pv)
	}
	return "p1", nil
}

// gen1 is the talk's class gen1: __next__ returns 1 and 2, then raises
// StopIteration(3).
type gen1 struct{ v int }

func (g *gen1) Next() (int, error) {
	if g.v > 2 {
		return 0, gen.Stop(3)
	}
	g.v++
	return g.v - 1, nil
}

func TestYieldFromIterEndsWithTheIteratorsStopValue(t *testing.T) {
	t.Run("the talk's yield-from-class", func(t *testing.T) {
		var value int
		g := gen.New(func(y *intY) (int, error) {
			var err error
			value, err = gen.YieldFromIter[int](y, &gen1{v: 1})
			return 0, err
		})
		mustYield(t, "send(None)", 1, func() (int, error) { return g.Send(0) })
		mustYield(t, "send(None)", 2, func() (int, error) { return g.Send(0) })
		if _, err := g.Send(0); !errors.Is(err, gen.ErrStopIteration) {
			t.Fatalf("third send = %v, want the end", err)
		}
		if value != 3 {
			t.Fatalf("YieldFromIter returned %d, want 3", value)
		}
	})
	t.Run("an iterator that stops at once", func(t *testing.T) {
		// test_custom_iterator_return.
		g := gen.New(func(y *intY) (int, error) {
			return gen.YieldFromIter[int](y, &gen1{v: 3})
		})
		_, err := g.Next()
		if v, ok := stopValue[int](err); !ok || v != 3 {
			t.Fatalf("Next = %v, want a StopIteration with 3", err)
		}
	})
	t.Run("a bare ErrStopIteration gives the zero result", func(t *testing.T) {
		g := gen.New(func(y *intY) (int, error) {
			return gen.YieldFromIter[int](y, iterFunc(func() (int, error) { return 0, gen.ErrStopIteration }))
		})
		_, err := g.Next()
		if v, ok := stopValue[int](err); !ok || v != 0 {
			t.Fatalf("Next = %v, want a StopIteration with 0", err)
		}
	})
	t.Run("another error from Next is YieldFromIter's error", func(t *testing.T) {
		g := gen.New(func(y *intY) (int, error) {
			return gen.YieldFromIter[int](y, iterFunc(func() (int, error) { return 0, errBoom }))
		})
		if _, err := g.Next(); err != errBoom {
			t.Fatalf("Next = %v, want boom", err)
		}
	})
	t.Run("a Stop of the wrong type is an error", func(t *testing.T) {
		var got error
		g := gen.New(func(y *intY) (int, error) {
			_, got = gen.YieldFromIter[int](y, iterFunc(func() (int, error) { return 0, gen.Stop("three") }))
			return 0, nil
		})
		g.Next()
		if got == nil || errors.Is(got, gen.ErrStopIteration) {
			t.Fatalf("YieldFromIter's error = %v, want an error that is not an end", got)
		}
	})
}

// iterFunc is an Iterator made of a function.
type iterFunc func() (int, error)

func (f iterFunc) Next() (int, error) { return f() }

// fullIter is a hand-written generator with every optional method.
type fullIter struct {
	n      int
	sent   []int
	thrown []error
	closed int
	onExit error // what Close returns
}

func (f *fullIter) Next() (int, error) { f.n++; return f.n, nil }

func (f *fullIter) Send(x int) (int, error) {
	f.sent = append(f.sent, x)
	f.n++
	return f.n, nil
}

func (f *fullIter) Throw(err error) (int, error) {
	f.thrown = append(f.thrown, err)
	if err == errFoo {
		return -1, nil
	}
	return 0, err
}

func (f *fullIter) Close() error { f.closed++; return f.onExit }

func TestYieldFromIterUsesTheIteratorsSendThrowAndClose(t *testing.T) {
	t.Run("Send and Throw", func(t *testing.T) {
		it := &fullIter{}
		var seen error
		g := gen.New(func(y *intY) (int, error) {
			_, seen = gen.YieldFromIter[int](y, it)
			return 0, seen
		})
		mustYield(t, "Next", 1, g.Next)
		mustYield(t, "Send(5)", 2, func() (int, error) { return g.Send(5) })
		mustYield(t, "Throw(FOO), handled by the iterator", -1, func() (int, error) { return g.Throw(errFoo) })
		if _, err := g.Throw(errFie); err != errFie || seen != errFie {
			t.Fatalf("Throw(fie) = %v and YieldFromIter saw %v, want fie for both", err, seen)
		}
		if !slices.Contains(it.sent, 5) || !slices.Equal(it.thrown, []error{errFoo, errFie}) || it.closed != 0 {
			t.Fatalf("iterator got sent %v, thrown %v, closed %d", it.sent, it.thrown, it.closed)
		}
	})
	for _, c := range []struct {
		name    string
		onExit  error
		wantErr error
	}{
		{"Close", nil, nil},
		{"Close that fails", errFie, errFie},
	} {
		t.Run(c.name, func(t *testing.T) {
			it := &fullIter{onExit: c.onExit}
			var seen error
			g := gen.New(func(y *intY) (int, error) {
				_, seen = gen.YieldFromIter[int](y, it)
				return 0, seen
			})
			g.Next()
			if err := g.Close(); err != c.wantErr {
				t.Fatalf("Close = %v, want %v", err, c.wantErr)
			}
			want := c.onExit
			if want == nil {
				want = gen.ErrGeneratorExit
			}
			if it.closed != 1 || seen != want || len(it.thrown) != 0 {
				t.Fatalf("iterator closed %d times, thrown %v; YieldFromIter saw %v (want %v)", it.closed, it.thrown, seen, want)
			}
		})
	}
}

func TestYieldFromIterWithoutThrowRaisesInTheDelegatingBody(t *testing.T) {
	// test_delegating_throw_to_non_generator.
	var tr tracer
	var seen error
	it := &closer{close: func() error { tr.add("iterator closed"); return nil }}
	g := gen.New(func(y *intY) (int, error) {
		defer tr.add("Finishing g")
		_, seen = gen.YieldFromIter[int](y, iterFunc(it.Next))
		return 0, seen
	})
	for i := 1; i <= 5; i++ {
		mustYield(t, "Next", i, g.Next)
	}
	if _, err := g.Throw(errFoo); err != errFoo || seen != errFoo {
		t.Fatalf("Throw = %v and YieldFromIter saw %v, want FOO for both", err, seen)
	}
	tr.check(t, "Finishing g")
	if it.n != 5 {
		t.Fatalf("the iterator was called %d times, want 5", it.n)
	}
}

func TestYieldFromIterWithoutCloseClosesTheDelegatingBody(t *testing.T) {
	// test_delegation_of_close_to_non_generator.
	var tr tracer
	g := gen.New(func(y *intY) (int, error) {
		defer tr.add("finishing g")
		tr.add("starting g")
		_, err := gen.YieldFromIter[int](y, &forever2{})
		if err == nil {
			tr.add("g should not be here")
		}
		return 0, err
	})
	g.Next()
	if err := g.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	tr.check(t, "starting g", "finishing g")
}

// forever2 counts up forever, with Next only.
type forever2 struct{ n int }

func (f *forever2) Next() (int, error) { f.n++; return f.n, nil }

func TestYieldFromIterWithoutSendDropsSentValues(t *testing.T) {
	// CPython raises AttributeError for a send of a non-None value to an
	// iterator without send; gen documents that the value is dropped and
	// Next called.
	g := gen.New(func(y *intY) (int, error) { return gen.YieldFromIter[int](y, &forever2{}) })
	mustYield(t, "Next", 1, g.Next)
	mustYield(t, "Send(42)", 2, func() (int, error) { return g.Send(42) })
	g.Close()
}

func TestYieldFromIterOfAGeneratorIsYieldFrom(t *testing.T) {
	var got []int
	inner := gen.New(func(y *intY) (int, error) {
		for i := 1; i <= 2; i++ {
			x, err := y.Yield(i)
			if err != nil {
				return 0, err
			}
			got = append(got, x)
		}
		return 3, nil
	})
	g := gen.New(func(y *intY) (int, error) {
		r, err := gen.YieldFromIter[int](y, inner)
		return r * 10, err
	})
	mustYield(t, "Next", 1, g.Next)
	mustYield(t, "Send(5)", 2, func() (int, error) { return g.Send(5) })
	_, err := g.Send(6)
	if r, ok := stopValue[int](err); !ok || r != 30 || !slices.Equal(got, []int{5, 6}) {
		t.Fatalf("end %v, inner received %v; want StopIteration(30), [5 6]", err, got)
	}
}

func TestYieldFromSeqYieldsEveryValueAndDropsSentValues(t *testing.T) {
	// test_delegation_of_next_to_non_generator and
	// test_conversion_of_sendNone_to_next.
	g := gen.New(func(y *intY) (int, error) {
		return 9, gen.YieldFromSeq(y, slices.Values([]int{0, 1, 2}))
	})
	mustYield(t, "Next", 0, g.Next)
	mustYield(t, "Send(7)", 1, func() (int, error) { return g.Send(7) })
	mustYield(t, "Send(0)", 2, func() (int, error) { return g.Send(0) })
	_, err := g.Next()
	if r, ok := stopValue[int](err); !ok || r != 9 {
		t.Fatalf("end = %v, want StopIteration(9)", err)
	}
	t.Run("an empty sequence", func(t *testing.T) {
		// test_yield_from_empty.
		g := gen.New(func(y *intY) (int, error) { return 0, gen.YieldFromSeq(y, slices.Values([]int(nil))) })
		if _, err := g.Next(); !errors.Is(err, gen.ErrStopIteration) {
			t.Fatalf("Next = %v, want the end", err)
		}
	})
}

func TestThrowOrCloseStopsTheSequenceOfYieldFromSeq(t *testing.T) {
	for _, c := range []struct {
		name    string
		end     func(g *intGen) error
		wantErr error // out of the resume
		seen    error // YieldFromSeq's error
	}{
		{"Close", func(g *intGen) error { return g.Close() }, nil, gen.ErrGeneratorExit},
		{"Throw", func(g *intGen) error { _, err := g.Throw(errFoo); return err }, errFoo, errFoo},
	} {
		t.Run(c.name, func(t *testing.T) {
			stopped := false
			seq := func(yield func(int) bool) {
				defer func() { stopped = true }()
				for i := 0; yield(i); i++ {
				}
			}
			var seen error
			g := gen.New(func(y *intY) (int, error) {
				seen = gen.YieldFromSeq(y, seq)
				return 0, seen
			})
			g.Next()
			g.Next()
			if err := c.end(g); err != c.wantErr {
				t.Fatalf("got %v, want %v", err, c.wantErr)
			}
			if !stopped || seen != c.seen || !g.Done() {
				t.Fatalf("seq stopped %v, YieldFromSeq returned %v, Done %v; want true, %v, true", stopped, seen, g.Done(), c.seen)
			}
		})
	}
}
