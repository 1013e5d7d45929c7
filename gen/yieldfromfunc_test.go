package gen_test

// YieldFromFunc: `yield from f(x)` run on the delegating body's own stack.
// Each rule of PEP 380 that YieldFrom's tests check (yieldfrom_test.go, after
// CPython's test_yield_from.py) is checked here for the inline form, and so
// is the one deliberate difference: a delegate that ignores GeneratorExit is
// unwound at once. FuzzProtocol checks both forms against one model.

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aio-go/aio/gen"
)

// counting yields 1..n, each time adding what it was sent to its total,
// and returns the total; it passes an error from Yield on.
func counting(n int, tr *tracer) func(*intY) (int, error) {
	return func(y *intY) (int, error) {
		total := 0
		for i := 1; i <= n; i++ {
			x, err := y.Yield(i)
			if err != nil {
				tr.add("counting got %v", err)
				return total, err
			}
			total += x
		}
		return total, nil
	}
}

func TestYieldFromFuncPassesValuesSendsAndTheResult(t *testing.T) {
	var tr tracer
	g := gen.New(func(y *intY) (int, error) {
		r, err := gen.YieldFromFunc(y, counting(3, &tr))
		tr.add("result %d %v", r, err)
		return r * 10, err
	})
	mustYield(t, "Next", 1, g.Next)
	mustYield(t, "Send(5)", 2, func() (int, error) { return g.Send(5) })
	mustYield(t, "Send(6)", 3, func() (int, error) { return g.Send(6) })
	_, err := g.Send(7)
	if v, ok := stopValue[int](err); !ok || v != 180 {
		t.Fatalf("last Send = %v, want StopIteration(180)", err)
	}
	tr.check(t, "result 18 <nil>")
}

func TestYieldFromFuncThrowReachesTheDelegate(t *testing.T) {
	t.Run("a delegate that passes it on: YieldFromFunc returns it", func(t *testing.T) {
		var tr tracer
		g := gen.New(func(y *intY) (int, error) {
			_, err := gen.YieldFromFunc(y, counting(3, &tr))
			tr.add("outer got %v", err)
			return 0, err
		})
		g.Next()
		if _, err := g.Throw(errFoo); err != errFoo {
			t.Fatalf("Throw = %v, want errFoo", err)
		}
		tr.check(t, "counting got FOO", "outer got FOO")
	})
	t.Run("a delegate that handles it and yields again", func(t *testing.T) {
		g := gen.New(func(y *intY) (int, error) {
			return gen.YieldFromFunc(y, func(y *intY) (int, error) {
				if _, err := y.Yield(1); err != nil {
					y.Yield(-1) // handled
				}
				return 7, nil
			})
		})
		g.Next()
		mustYield(t, "Throw", -1, func() (int, error) { return g.Throw(errFoo) })
		if _, err := g.Next(); err == nil {
			t.Fatal("the generator did not end")
		} else if v, _ := stopValue[int](err); v != 7 {
			t.Fatalf("end = %v, want StopIteration(7)", err)
		}
	})
}

func TestYieldFromFuncCloseClosesTheDelegateFirst(t *testing.T) {
	for _, c := range []struct {
		name       string
		inner      func(y *intY) (int, error)
		outerGets  error
		closeError error
	}{
		{"a delegate that passes GeneratorExit on", func(y *intY) (int, error) {
			_, err := y.Yield(1)
			return 0, err
		}, gen.ErrGeneratorExit, nil},
		{"a delegate that returns a value on GeneratorExit: the outer gets GeneratorExit still (PEP 380)", func(y *intY) (int, error) {
			y.Yield(1)
			return 5, nil
		}, gen.ErrGeneratorExit, nil},
		{"a delegate whose close fails: the outer gets that error", func(y *intY) (int, error) {
			y.Yield(1)
			return 0, errFie
		}, errFie, errFie},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got error
			g := gen.New(func(y *intY) (int, error) {
				_, err := gen.YieldFromFunc(y, c.inner)
				got = err
				return 0, err
			})
			g.Next()
			if err := g.Close(); err != c.closeError {
				t.Fatalf("Close = %v, want %v", err, c.closeError)
			}
			if got != c.outerGets {
				t.Fatalf("YieldFromFunc returned %v, want %v", got, c.outerGets)
			}
		})
	}
}

func TestYieldFromFuncThrownGeneratorExitTravelsAsThrown(t *testing.T) {
	wrapped := fmt.Errorf("wrapped: %w", gen.ErrGeneratorExit)
	var innerGot, outerGot error
	g := gen.New(func(y *intY) (int, error) {
		_, outerGot = gen.YieldFromFunc(y, func(y *intY) (int, error) {
			_, innerGot = y.Yield(1)
			return 0, nil
		})
		return 0, outerGot
	})
	g.Next()
	if _, err := g.Throw(wrapped); err != wrapped {
		t.Fatalf("Throw = %v, want the wrapped exit", err)
	}
	if innerGot != wrapped || outerGot != wrapped {
		t.Fatalf("the delegate got %v and the outer %v, want the wrapped exit both", innerGot, outerGot)
	}
}

func TestYieldFromFuncDelegateThatIgnoresExitIsUnwound(t *testing.T) {
	t.Run("the delegate's deferred calls run, and the outer gets ErrIgnoredExit", func(t *testing.T) {
		var tr tracer
		g := gen.New(func(y *intY) (int, error) {
			_, err := gen.YieldFromFunc(y, func(y *intY) (int, error) {
				defer tr.add("inner deferred")
				for {
					y.Yield(1) // ignores GeneratorExit
				}
			})
			tr.add("outer got %v", err)
			return 0, err
		})
		g.Next()
		if err := g.Close(); err != gen.ErrIgnoredExit {
			t.Fatalf("Close = %v, want ErrIgnoredExit (the outer passed it on)", err)
		}
		tr.check(t, "inner deferred", "outer got generator ignored GeneratorExit")
		if !g.Done() {
			t.Fatal("the generator did not finish")
		}
	})
	t.Run("two that ignore it: each is unwound in turn", func(t *testing.T) {
		var tr tracer
		stubborn := func(name string, inner func(*intY) (int, error)) func(*intY) (int, error) {
			return func(y *intY) (int, error) {
				defer tr.add("%s deferred", name)
				if inner != nil {
					_, err := gen.YieldFromFunc(y, inner)
					tr.add("%s got %v", name, err)
				}
				for {
					y.Yield(2)
				}
			}
		}
		g := gen.New(func(y *intY) (int, error) {
			_, err := gen.YieldFromFunc(y, stubborn("middle", stubborn("inner", nil)))
			tr.add("outer got %v", err)
			return 0, nil
		})
		g.Next()
		if err := g.Close(); err != nil {
			t.Fatalf("Close = %v, want nil (the outer returned)", err)
		}
		tr.check(t, "inner deferred", "middle got generator ignored GeneratorExit", "middle deferred",
			"outer got generator ignored GeneratorExit")
	})
	t.Run("an outer that ignores it after its delegate was closed is not unwound", func(t *testing.T) {
		var tr tracer
		g := gen.New(func(y *intY) (int, error) {
			gen.YieldFromFunc(y, counting(3, &tr))
			// A fresh inline delegate after the exit: it did not get it.
			return gen.YieldFromFunc(y, func(y *intY) (int, error) {
				_, err := y.Yield(9)
				return 0, err
			})
		})
		g.Next()
		if err := g.Close(); err != gen.ErrIgnoredExit {
			t.Fatalf("first Close = %v, want ErrIgnoredExit", err)
		}
		if g.Done() {
			t.Fatal("the generator finished; its fresh delegate should be suspended")
		}
		if err := g.Close(); err != nil {
			t.Fatalf("second Close = %v, want nil", err)
		}
	})
}

func TestYieldFromFuncPanicIsRaisedInTheDelegatingBody(t *testing.T) {
	var tr tracer
	g := gen.New(func(y *intY) (int, error) {
		defer tr.add("outer deferred")
		return gen.YieldFromFunc(y, func(y *intY) (int, error) {
			defer tr.add("inner deferred")
			y.Yield(1)
			panic(panicValue{"inner"})
		})
	})
	g.Next()
	if p := catch(func() { g.Next() }); p != (panicValue{"inner"}) {
		t.Fatalf("panic %v, want the delegate's", p)
	}
	tr.check(t, "inner deferred", "outer deferred")
	if _, err := g.Next(); err != gen.ErrStopIteration {
		t.Fatalf("Next after the panic = %v, want ErrStopIteration", err)
	}
}

func TestYieldFromFuncDelegateRaisingStopIterationIsAnError(t *testing.T) {
	g := gen.New(func(y *intY) (int, error) {
		_, err := gen.YieldFromFunc(y, func(y *intY) (int, error) {
			return 0, gen.ErrStopIteration
		})
		return 0, err
	})
	_, err := g.Next()
	var rs *gen.RaisedStopIteration
	if !errors.As(err, &rs) {
		t.Fatalf("Next = %v, want *RaisedStopIteration (PEP 479)", err)
	}
}

func TestYieldFromFuncRecursionRunsOnOneCoroutine(t *testing.T) {
	const depth = 10_000
	var down func(n int) func(*intY) (int, error)
	down = func(n int) func(*intY) (int, error) {
		return func(y *intY) (int, error) {
			if n == 0 {
				return 0, nil
			}
			if _, err := y.Yield(n); err != nil {
				return 0, err
			}
			r, err := gen.YieldFromFunc(y, down(n-1))
			return r + 1, err
		}
	}
	base := baseline()
	g := gen.New(down(depth))
	want := depth
	for v := range g.All() {
		if v != want {
			t.Fatalf("yielded %d, want %d", v, want)
		}
		want--
		if v == depth/2 {
			expectGoroutines(t, base+1) // the outermost generator's only
		}
	}
	if r, err := g.Result(); r != depth || err != nil {
		t.Fatalf("Result = (%d, %v), want (%d, nil)", r, err, depth)
	}
}

func TestYieldFromFuncReentryIsErrRunning(t *testing.T) {
	var g *intGen
	var got error
	g = gen.New(func(y *intY) (int, error) {
		return gen.YieldFromFunc(y, func(y *intY) (int, error) {
			_, got = g.Next()
			return 0, nil
		})
	})
	g.Next()
	if got != gen.ErrRunning {
		t.Fatalf("resuming the generator from its inline delegate = %v, want ErrRunning", got)
	}
}

func TestYieldFromFuncUnreachableGeneratorIsFinalizedThroughTheDelegate(t *testing.T) {
	base := baseline()
	done := make(chan struct{})
	var seen error
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		return gen.YieldFromFunc(y, func(y *intY) (int, error) {
			_, err := y.Yield(1)
			seen = err
			return 0, err
		})
	})
	if !collectUntil(t, done, "the outer body's deferred call") {
		return
	}
	if !errors.Is(seen, gen.ErrGeneratorExit) {
		t.Errorf("the delegate's Yield returned %v, want ErrGeneratorExit", seen)
	}
	expectGoroutines(t, base)
}

func TestYieldFromFuncMisuse(t *testing.T) {
	var saved *intY
	g := gen.New(func(y *intY) (int, error) {
		saved = y
		return 0, nil
	})
	g.Next()
	var tr tracer
	if p := catch(func() { gen.YieldFromFunc(saved, counting(1, &tr)) }); p == nil {
		t.Error("YieldFromFunc outside the body did not panic")
	}
	g2 := gen.New(func(y *intY) (int, error) {
		return gen.YieldFromFunc[int, int, int](y, nil)
	})
	if p := catch(func() { g2.Next() }); p == nil {
		t.Error("YieldFromFunc of a nil body did not panic")
	}
}
