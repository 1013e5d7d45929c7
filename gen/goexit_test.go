package gen_test

// runtime.Goexit in a body, after Go's iter.Pull (TestPullGoexit in
// src/iter/pull_test.go): the goroutine that resumed the body exits too, and
// the iterator is finished.

import (
	"errors"
	"runtime"
	"testing"

	"github.com/aio-go/aio/gen"
)

// goexits runs f on a goroutine of its own and reports whether f ended that
// goroutine with runtime.Goexit (neither returning nor panicking), as
// iter's pull_test does.
func goexits(f func()) bool {
	exit := make(chan bool)
	go func() {
		returned := false
		defer func() { exit <- recover() == nil && !returned }()
		f()
		returned = true
	}()
	return <-exit
}

// checkFinishedByGoexit checks that g behaves as a finished generator whose
// body called runtime.Goexit.
func checkFinishedByGoexit(t *testing.T, what string, g *intGen) {
	t.Helper()
	if !g.Done() {
		t.Fatalf("%s: Done = false after its body called Goexit", what)
	}
	if _, err := g.Next(); err != gen.ErrStopIteration {
		t.Errorf("%s: Next = %v, want ErrStopIteration", what, err)
	}
	if _, err := g.Send(1); err != gen.ErrStopIteration {
		t.Errorf("%s: Send = %v, want ErrStopIteration", what, err)
	}
	if _, err := g.Throw(errBoom); err != errBoom {
		t.Errorf("%s: Throw = %v, want the thrown error", what, err)
	}
	if err := g.Close(); err != nil {
		t.Errorf("%s: Close = %v, want nil", what, err)
	}
	if _, err := g.Result(); !errors.Is(err, gen.ErrGoexit) {
		t.Errorf("%s: Result = %v, want ErrGoexit", what, err)
	}
}

func TestGoexitInBodyFinishesGenerator(t *testing.T) {
	for _, c := range []struct {
		name string
		body func(y *intY) (int, error)
		// resume is the resume that runs into the Goexit.
		resume func(g *intGen)
	}{
		{"before its first yield, resumed by Next", func(y *intY) (int, error) {
			runtime.Goexit()
			return 0, nil
		}, func(g *intGen) { g.Next() }},
		{"after a yield, resumed by Send", func(y *intY) (int, error) {
			y.Yield(1)
			runtime.Goexit()
			return 0, nil
		}, func(g *intGen) { g.Next(); g.Send(2) }},
		{"while handling Throw", func(y *intY) (int, error) {
			if _, err := y.Yield(1); err != nil {
				runtime.Goexit()
			}
			return 0, nil
		}, func(g *intGen) { g.Next(); g.Throw(errBoom) }},
		{"while handling Close (iter.Pull's stop)", func(y *intY) (int, error) {
			if _, err := y.Yield(1); err != nil {
				runtime.Goexit()
			}
			return 0, nil
		}, func(g *intGen) { g.Next(); g.Close() }},
		{"in a deferred call", func(y *intY) (int, error) {
			defer runtime.Goexit()
			y.Yield(1)
			return 5, nil
		}, func(g *intGen) { g.Next(); g.Next() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := baseline()
			cleaned := false
			g := gen.New(func(y *intY) (int, error) {
				defer func() { cleaned = true }()
				return c.body(y)
			})
			if !goexits(func() { c.resume(g) }) {
				t.Fatal("the resume returned; the Goexit should end its goroutine, as iter.Pull's next does")
			}
			if !cleaned {
				t.Error("the body's deferred call did not run")
			}
			checkFinishedByGoexit(t, "the generator", g)
			expectGoroutines(t, base)
		})
	}
}

func TestGoexitInADelegateFinishesTheDelegatingGenerators(t *testing.T) {
	// As a chain of iter.Pull would: each delegating body exits in turn,
	// innermost first, running its deferred calls, and so does the caller.
	for _, c := range []struct {
		name     string
		delegate func(y *intY, body func(*intY) (int, error)) (int, error)
	}{
		{"YieldFrom", func(y *intY, body func(*intY) (int, error)) (int, error) {
			return gen.YieldFrom(y, gen.New(body))
		}},
		{"YieldFromFunc", func(y *intY, body func(*intY) (int, error)) (int, error) {
			return gen.YieldFromFunc(y, body)
		}},
		{"a plain Next from the body", func(y *intY, body func(*intY) (int, error)) (int, error) {
			inner := gen.New(body)
			for {
				v, err := inner.Next()
				if err != nil {
					return 0, nil
				}
				y.Yield(v)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := baseline()
			var tr tracer
			level := func(name string, below func(*intY) (int, error)) func(*intY) (int, error) {
				return func(y *intY) (int, error) {
					defer tr.add("left %s", name)
					return c.delegate(y, below)
				}
			}
			inner := func(y *intY) (int, error) {
				defer tr.add("left inner")
				y.Yield(1)
				runtime.Goexit()
				return 0, nil
			}
			g := gen.New(level("outer", level("middle", inner)))
			if v, err := g.Next(); v != 1 || err != nil {
				t.Fatalf("Next = %v, %v; want 1, nil", v, err)
			}
			if !goexits(func() { g.Next() }) {
				t.Fatal("the resume returned; the Goexit should end its goroutine")
			}
			tr.check(t, "left inner", "left middle", "left outer")
			checkFinishedByGoexit(t, "the outer generator", g)
			expectGoroutines(t, base)
		})
	}
}

func TestUnreachableGeneratorThatGoexitsOnExitIsReported(t *testing.T) {
	// Finalization runs on a runtime cleanup goroutine, which the Goexit
	// must not end.
	base := baseline()
	ch := reports(t)
	done := make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		y.Yield(1)
		runtime.Goexit()
		return 0, nil
	})
	if !collectUntil(t, done, "the body's deferred call") {
		return
	}
	expectReport(t, ch, "the report of the Goexit", func(err error) bool {
		return errors.Is(err, gen.ErrGoexit)
	})
	expectGoroutines(t, base)
	// Cleanups still run.
	done = make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		y.Yield(1)
		return 0, nil
	})
	collectUntil(t, done, "a later generator's finalization")
}

// exitIter is a hand-written generator whose method named by exitOn calls
// runtime.Goexit, after Next has given one value.
type exitIter struct {
	exitOn string
	n      int
}

func (e *exitIter) Next() (int, error) {
	if e.n++; e.n > 1 && e.exitOn == "Next" {
		runtime.Goexit()
	}
	return e.n, nil
}

func (e *exitIter) Throw(err error) (int, error) {
	if e.exitOn == "Throw" {
		runtime.Goexit()
	}
	return 0, err
}

func (e *exitIter) Close() error {
	if e.exitOn == "Close" {
		runtime.Goexit()
	}
	return nil
}

func TestGoexitInAHandWrittenIteratorFinishesTheDelegatingGenerators(t *testing.T) {
	// Its methods run on the caller's goroutine, not on a coroutine: the
	// delegating bodies must exit all the same.
	for _, c := range []struct {
		method string
		resume func(g *intGen)
	}{
		{"Next", func(g *intGen) { g.Next() }},
		{"Throw", func(g *intGen) { g.Throw(errBoom) }},
		{"Close", func(g *intGen) { g.Close() }},
	} {
		t.Run(c.method, func(t *testing.T) {
			base := baseline()
			var tr tracer
			middle := gen.New(func(y *intY) (int, error) {
				defer tr.add("left middle")
				return gen.YieldFromIter[int](y, &exitIter{exitOn: c.method})
			})
			g := gen.New(func(y *intY) (int, error) {
				defer tr.add("left outer")
				return gen.YieldFrom(y, middle)
			})
			if v, err := g.Next(); v != 1 || err != nil {
				t.Fatalf("Next = %v, %v; want 1, nil", v, err)
			}
			if !goexits(func() { c.resume(g) }) {
				t.Fatal("the resume returned; the Goexit should end its goroutine")
			}
			tr.check(t, "left middle", "left outer")
			checkFinishedByGoexit(t, "the outer generator", g)
			checkFinishedByGoexit(t, "the middle generator", middle)
			expectGoroutines(t, base)
		})
	}
}

func TestUnreachableDelegationToAnIteratorThatGoexitsIsReported(t *testing.T) {
	// The iterator's Close runs on the goroutine that finalizes: that must
	// not be the runtime's cleanup goroutine, which the Goexit would end.
	base := baseline()
	ch := reports(t)
	done := make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		return gen.YieldFromIter[int](y, &exitIter{exitOn: "Close"})
	})
	if !collectUntil(t, done, "the body's deferred call") {
		return
	}
	expectReport(t, ch, "the report of the Goexit", func(err error) bool {
		return errors.Is(err, gen.ErrGoexit)
	})
	expectGoroutines(t, base)
	done = make(chan struct{})
	suspendAndDrop(func(y *intY) (int, error) {
		defer close(done)
		y.Yield(1)
		return 0, nil
	})
	collectUntil(t, done, "a later generator's finalization")
}
