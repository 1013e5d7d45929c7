package gen_test

// No goroutine outlives its generator, and an unreachable suspended
// generator is closed as CPython closes one on garbage collection
// (test_generators.py's "And finalization", "Our ill-behaved code should be
// invoked during GC", FinalizationTest).

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio/gen"
)

func TestNoGoroutineOutlivesItsGenerator(t *testing.T) {
	const n = 20
	for _, c := range []struct {
		name string
		end  func(g *intGen)
	}{
		{"after exhaustion", func(g *intGen) {
			for range g.All() {
			}
		}},
		{"after Close", func(g *intGen) { g.Close() }},
		{"after a Throw the body passes on", func(g *intGen) { g.Throw(errFoo) }},
		{"after a panic", func(g *intGen) { catch(func() { g.Send(-1) }) }},
		{"after an ignored Close and a second one", func(g *intGen) { g.Send(-2); g.Close(); g.Close() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := baseline()
			gens := make([]*intGen, n)
			for i := range gens {
				gens[i] = gen.New(func(y *intY) (int, error) {
					for k := 0; k < 3; k++ {
						x, err := y.Yield(k)
						switch {
						case x == -1:
							panic("asked to")
						case x == -2:
							y.Yield(k) // ignores the next Close
						case err != nil:
							return 0, err
						}
					}
					return 0, nil
				})
				gens[i].Next()
			}
			for _, g := range gens {
				c.end(g)
				if !g.Done() {
					t.Fatal("the generator did not finish")
				}
			}
			expectGoroutines(t, base)
		})
	}
}

func TestDrainPoolLeavesNoGoroutine(t *testing.T) {
	base := baseline()
	// More generators suspended at once than the pool keeps, so that some
	// goroutines end at once and the rest wait in the pool.
	const n = 400
	gens := make([]*intGen, n)
	for i := range gens {
		gens[i] = gen.New(summing)
		gens[i].Next()
	}
	for _, g := range gens {
		g.Send(1)
		g.Close()
	}
	for range n {
		g := gen.New(summing)
		g.Next()
		g.Close()
	}
	expectGoroutines(t, base)
}

// suspendAndDrop starts a generator running body, leaves it suspended and
// drops it; nothing but its goroutine refers to its state afterwards.
//
//go:noinline
func suspendAndDrop(body func(y *intY) (int, error)) {
	g := gen.New(body)
	if _, err := g.Next(); err != nil {
		panic(err)
	}
}

func TestUnreachableSuspendedGeneratorIsClosed(t *testing.T) {
	base := baseline()
	done := make(chan struct{})
	var seen error
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		_, err := y.Yield(1)
		seen = err
		return 0, err
	})
	if !collectUntil(t, done, "the body's deferred call") {
		return
	}
	if !errors.Is(seen, gen.ErrGeneratorExit) {
		t.Errorf("the body's Yield returned %v, want ErrGeneratorExit", seen)
	}
	expectGoroutines(t, base)
}

// reports replaces unraisable for the rest of the test and returns the
// channel on which what finalization reports arrives.
func reports(t *testing.T) <-chan error {
	ch := make(chan error, 16)
	t.Cleanup(gen.SetUnraisable(func(err error) {
		select {
		case ch <- err:
		default:
		}
	}))
	return ch
}

// expectReport waits for a report that satisfies ok; it comes right after
// the finalized body ended, on the same cleanup goroutine.
func expectReport(t *testing.T, ch <-chan error, what string, ok func(error) bool) {
	t.Helper()
	deadline := time.After(waitLimit)
	var got []error
	for {
		select {
		case err := <-ch:
			if ok(err) {
				return
			}
			got = append(got, err)
		case <-deadline:
			t.Errorf("%s: none in %v (got %v)", what, waitLimit, got)
			return
		}
	}
}

func TestUnreachableGeneratorThatIgnoresExitIsUnwound(t *testing.T) {
	base := baseline()
	ch := reports(t)
	done := make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		for {
			y.Yield(1) // ignores GeneratorExit
		}
	})
	if !collectUntil(t, done, "the stubborn body's deferred call") {
		return
	}
	expectReport(t, ch, "the report of the ignored exit", func(err error) bool {
		return errors.Is(err, gen.ErrIgnoredExit)
	})
	expectGoroutines(t, base)
}

func TestUnreachableGeneratorThatPanicsOnExitIsReported(t *testing.T) {
	base := baseline()
	ch := reports(t)
	done := make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		y.Yield(1)
		panic("on exit")
	})
	if !collectUntil(t, done, "the body's deferred call") {
		return
	}
	expectReport(t, ch, "the report of the panic", func(err error) bool {
		return strings.Contains(err.Error(), "on exit")
	})
	expectGoroutines(t, base)
}

func TestUnreachableDelegatingChainIsFinalized(t *testing.T) {
	for _, c := range []struct {
		name      string
		inner     func(y *intY, trace func(string)) (int, error)
		wantInner bool // whether the inner is expected to report
	}{
		{"an inner that closes", func(y *intY, trace func(string)) (int, error) {
			for {
				if _, err := y.Yield(1); err != nil {
					trace("inner saw exit")
					return 0, err
				}
			}
		}, false},
		{"an inner that ignores GeneratorExit", func(y *intY, trace func(string)) (int, error) {
			for {
				y.Yield(1) // ignores every error
			}
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := baseline()
			ch := reports(t)
			var mu sync.Mutex
			var tr []string
			trace := func(s string) { mu.Lock(); tr = append(tr, s); mu.Unlock() }
			innerDone := make(chan struct{})
			outerDone := make(chan struct{})
			buildAndDrop(
				func(y *intY) (int, error) {
					defer close(innerDone)
					defer trace("inner deferred")
					return c.inner(y, trace)
				},
				func(y *intY, inner *intGen) (int, error) {
					defer close(outerDone)
					defer trace("outer deferred")
					return gen.YieldFrom(y, inner)
				},
			)
			okOuter := collectUntil(t, outerDone, "the outer body's deferred call")
			okInner := collectUntil(t, innerDone, "the inner body's deferred call")
			if !okOuter || !okInner {
				return
			}
			mu.Lock()
			i, o := indexOf(tr, "inner deferred"), indexOf(tr, "outer deferred")
			mu.Unlock()
			// An inner that closes cleans up before the outer sees the
			// exit. One that ignores it makes the outer fail with
			// ErrIgnoredExit first; it is unwound later, as the
			// unreachable generator it then is (CPython clears its frame
			// without running its finally blocks at all).
			if i < 0 || o < 0 || (i > o) != c.wantInner {
				t.Errorf("trace %q: wrong order of the inner's and the outer's cleanup", tr)
			}
			if c.wantInner {
				expectReport(t, ch, "the report of the ignored exit", func(err error) bool {
					return errors.Is(err, gen.ErrIgnoredExit)
				})
			}
			expectGoroutines(t, base)
		})
	}
}

// buildAndDrop makes outer delegate to inner, resumes the chain twice (the
// second time through the cached path) and drops both.
//
//go:noinline
func buildAndDrop(inner func(y *intY) (int, error), outer func(y *intY, inner *intGen) (int, error)) {
	in := gen.New(inner)
	out := gen.New(func(y *intY) (int, error) { return outer(y, in) })
	out.Next()
	out.Next()
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestUnreachableDelegationToAnIteratorClosesIt(t *testing.T) {
	base := baseline()
	closed := make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		return gen.YieldFromIter[int](y, &closer{close: func() error { close(closed); return nil }})
	})
	collectUntil(t, closed, "the iterator's Close")
	expectGoroutines(t, base)
}
